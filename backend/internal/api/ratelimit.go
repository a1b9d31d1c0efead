package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"jingzhun/internal/apperr"
)

// Request budgets (issue 9). There are two kinds, kept in two places on
// purpose:
//
//   - The general budget, per client IP and per signed-in user, is high
//     (no person and no end-to-end run comes near it) and is spent by every
//     request. It is a token bucket in the process: an ordinary request must
//     not cost a database write. Behind nginx with several processes each
//     process grants it again, which is acceptable for a ceiling meant only
//     to stop a runaway client.
//   - The strict budgets — sign-in and the second factor per client IP,
//     exports and full-record reads per user — are low, and only worth
//     anything if every process counts against the same number. They are
//     fixed-window counters in the database (store.HitRateLimit, migration
//     0014), one upsert per limited request.

// Limits are the budgets, in requests per minute.
type Limits struct {
	IPPerMinute   int // general, per client IP, in the process
	UserPerMinute int // general, per signed-in user, in the process
	// Strict, counted in the database, shared by every process.
	LoginPerMinute       int // login and MFA attempts per client IP
	ExportPerMinute      int // exports per user
	RecordReadsPerMinute int // full-record reads per user
}

// RateCounter keeps the strict budgets' counters (store.Store).
type RateCounter interface {
	HitRateLimit(ctx context.Context, bucket string, window time.Duration, now time.Time) (int64, time.Time, error)
	SweepRateLimits(ctx context.Context, cutoff time.Time) (int64, error)
}

// The strict classes of route.
const (
	classLogin  = "login"
	classExport = "export"
	classRecord = "record"
)

// recordReads are the routes that hand out one whole record with its
// personal data (a household with every member, its interchange file, a
// discrepancy with both sides, a department's task inbox): what someone
// copying the register one record at a time would call.
var recordReads = map[string]bool{
	"GET /households/:id":             true,
	"GET /households/:id/interchange": true,
	"GET /discrepancies/:id":          true,
	"GET /departments/:code/tasks":    true,
}

// strictClass says which strict budget a route spends, if any. Every route
// ending in /export and the national export are exports; the blank import
// templates are not (they carry no data).
func strictClass(r Route) string {
	switch {
	case r.Path == "/auth/login" || r.Path == "/auth/mfa":
		return classLogin
	case r.Method == "GET" && (strings.HasSuffix(r.Path, "/export") || strings.HasSuffix(r.Path, "/national-export")):
		return classExport
	case recordReads[r.Method+" "+r.Path]:
		return classRecord
	}
	return ""
}

// keyLimiter is a token bucket per key (client IP or user id), kept in the
// process. Idle buckets are dropped so the map cannot grow without bound.
type keyLimiter struct {
	mu      sync.Mutex
	perMin  int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyLimiter(perMinute int) *keyLimiter {
	return &keyLimiter{perMin: perMinute, buckets: map[string]*bucket{}}
}

// reserve takes one token for key and returns how long to wait (0 = allowed).
func (l *keyLimiter) reserve(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 2*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMin)/60), l.perMin)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// sharedLimiter counts the strict budgets in the database, one-minute
// windows, and sweeps ended windows at most once a minute per process.
type sharedLimiter struct {
	counter RateCounter
	mu      sync.Mutex
	swept   time.Time
}

const strictWindow = time.Minute

// hit counts one request of subject against the class's budget and returns
// how long to wait (0 = allowed). A database failure lets the request
// through (logged): the general budget still bounds it, and the request
// needs the database anyway, so it fails on its own if the database does.
func (s *Server) hitShared(c *gin.Context, class, subject string, limit int) time.Duration {
	l := s.shared
	if l == nil || l.counter == nil || limit <= 0 {
		return 0
	}
	ctx, now := c.Request.Context(), time.Now()
	l.mu.Lock()
	sweep := now.Sub(l.swept) > strictWindow
	if sweep {
		l.swept = now
	}
	l.mu.Unlock()
	if sweep {
		if _, err := l.counter.SweepRateLimits(ctx, now.Add(-2*strictWindow)); err != nil {
			s.log.WarnContext(ctx, "sweep rate limits", "err", err)
		}
	}
	n, end, err := l.counter.HitRateLimit(ctx, class+":"+subject, strictWindow, now)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.log.WarnContext(ctx, "rate limit counter", "class", class, "err", err)
		}
		return 0
	}
	if n > int64(limit) {
		return end.Sub(now)
	}
	return 0
}

// refuse answers 429 with Retry-After in whole seconds.
func (s *Server) refuse(c *gin.Context, wait time.Duration, what string) {
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	c.Header("Retry-After", strconv.Itoa(secs))
	fail(c, s.log, apperr.New(apperr.RateLimited, fmt.Sprintf("%s过于频繁，请%d秒后再试", what, secs)))
}

// withIPBudget spends the general per-IP budget, and for sign-in routes the
// strict one. It runs before authentication.
func (s *Server) withIPBudget(general *keyLimiter, class string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ip := c.ClientIP()
		if wait := general.reserve(ip, time.Now()); wait > 0 {
			s.refuse(c, wait, "请求")
			return
		}
		if class == classLogin {
			if wait := s.hitShared(c, classLogin, ip, s.opt.Limits.LoginPerMinute); wait > 0 {
				s.refuse(c, wait, "尝试")
				return
			}
		}
		c.Next()
	}
}

// withUserBudget spends the signed-in user's general budget and, for
// exports and full-record reads, the strict one. It runs after
// authentication.
func (s *Server) withUserBudget(general *keyLimiter, class string) gin.HandlerFunc {
	limit, what := 0, ""
	switch class {
	case classExport:
		limit, what = s.opt.Limits.ExportPerMinute, "导出"
	case classRecord:
		limit, what = s.opt.Limits.RecordReadsPerMinute, "查看"
	}
	return func(c *gin.Context) {
		user := strconv.FormatInt(actor(c).UserID, 10)
		if wait := general.reserve(user, time.Now()); wait > 0 {
			s.refuse(c, wait, "请求")
			return
		}
		if limit > 0 {
			if wait := s.hitShared(c, class, user, limit); wait > 0 {
				s.refuse(c, wait, what)
				return
			}
		}
		c.Next()
	}
}
