package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
)

const (
	ctxRequestID = "jz.request_id"
	ctxPrincipal = "jz.principal"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID takes a well-formed X-Request-ID from the proxy or makes one,
// and echoes it, so a clerk's screenshot of an error leads to the log line.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !safeRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(ctxRequestID, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// withLogAndMetrics logs one line per request and observes its duration by
// route template. Paths with parameters and query strings are never logged:
// they may carry names or ID numbers.
func withLogAndMetrics(log *slog.Logger, hist *prometheus.HistogramVec) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		status := c.Writer.Status()
		hist.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Observe(d.Seconds())
		attrs := []any{"method", c.Request.Method, "route", route, "status", status,
			"duration_ms", d.Milliseconds(), "request_id", requestID(c)}
		if p, ok := principal(c); ok {
			attrs = append(attrs, "user_id", p.Actor.UserID, "role", p.Actor.Role)
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// withRecovery turns a panic into a 500 that shows only the request ID.
func withRecovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				fail(c, log, apperr.Wrap(fmt.Errorf("panic: %v", r), "handler"))
			}
		}()
		c.Next()
	}
}

// withNoStore marks every API response uncacheable: they carry personal data.
func withNoStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Header("Pragma", "no-cache")
		c.Next()
	}
}

func (s *Server) client(c *gin.Context) service.Client {
	return service.Client{RequestID: requestID(c), IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}
}

func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate requires a valid access token and loads the caller, with role
// and scope read from the database. A user who must change the password may
// only do that.
func (s *Server) authenticate(allowDuringPasswordChange, allowDuringEnrolment bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		tok := bearer(c)
		if tok == "" {
			fail(c, s.log, apperr.New(apperr.Unauthorized, "请先登录"))
			return
		}
		p, err := s.sessions.Authenticate(c.Request.Context(), s.client(c), tok)
		if err != nil {
			fail(c, s.log, err)
			return
		}
		c.Set(ctxPrincipal, p)
		if p.MustChangePassword && !allowDuringPasswordChange {
			fail(c, s.log, apperr.New(apperr.PasswordChangeRequired, "请先修改密码"))
			return
		}
		// A role that needs a second factor sets it up before anything else
		// (after the password, which comes first).
		if !p.MustChangePassword && p.MustEnrolMFA && !allowDuringEnrolment {
			fail(c, s.log, apperr.New(apperr.MFAEnrolmentRequired, "您的角色须使用动态验证码登录，请先绑定验证器"))
			return
		}
		c.Next()
	}
}

// allow requires one of the roles. A refusal is audited.
func (s *Server) allow(roles []access.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _ := principal(c)
		if !slices.Contains(roles, p.Actor.Role) {
			err := s.audit.Record(c.Request.Context(), p.Actor, service.Entry{
				Action: "access.denied", ObjectType: "route", ObjectID: c.Request.Method + " " + c.FullPath(),
				Result: service.ResultDenied, Reason: "角色无权访问"})
			if err != nil {
				s.log.ErrorContext(c.Request.Context(), "audit denied access", "err", err)
			}
			fail(c, s.log, apperr.New(apperr.Forbidden, "当前角色无权执行此操作"))
			return
		}
		c.Next()
	}
}

func principal(c *gin.Context) (service.Principal, bool) {
	v, ok := c.Get(ctxPrincipal)
	if !ok {
		return service.Principal{}, false
	}
	p, ok := v.(service.Principal)
	return p, ok
}

// actor is the authenticated caller; only called behind authenticate.
func actor(c *gin.Context) access.Actor {
	p, _ := principal(c)
	return p.Actor
}

// withRateLimit refuses a client IP over its budget with 429 and Retry-After.
func (s *Server) withRateLimit(l *ipLimiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if wait := l.reserve(c.ClientIP(), time.Now()); wait > 0 {
			secs := int(wait.Seconds() + 0.999)
			c.Header("Retry-After", strconv.Itoa(secs))
			fail(c, s.log, apperr.New(apperr.RateLimited, fmt.Sprintf("尝试过于频繁，请%d秒后再试", secs)))
			return
		}
		c.Next()
	}
}
