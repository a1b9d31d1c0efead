package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
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
		switch {
		case status >= 500 && (route == "/readyz" || route == "/healthz"):
			// A 503 here is the answer working (starting, draining, the
			// database away): the load balancer acts on it; not an error of ours.
			level = slog.LevelWarn
		case status >= 500:
			level = slog.LevelError
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// statusClientClosed is nginx's 499: the client went away before the answer
// (closed the tab, navigated on). Nobody reads the response; it is logged as
// information, not as a server error.
const statusClientClosed = 499

// clientGone reports a request the client cancelled.
func clientGone(c *gin.Context, err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(c.Request.Context().Err(), context.Canceled)
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

// The Content-Security-Policy of the SPA and of everything else the server
// answers. The built SPA (Vue 3 without the template compiler, Element Plus,
// ECharts on canvas) needs no inline or evaluated script; Element Plus and
// ECharts set style attributes, hence 'unsafe-inline' for styles only.
// Images may be data: (icons) or blob: (a preview of a fetched
// attachment). object-src, base-uri and frame-ancestors are shut.
const cspApp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// cspSwagger is for /swagger/ alone: the Swagger UI page that gin-swagger
// renders starts itself with an inline script, whose text depends on its
// options, so inline script is allowed there and nowhere else. The page
// holds no personal data and no token unless a developer pastes one.
const cspSwagger = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// withSecurityHeaders sets the browser protections on every response: API,
// SPA, health, metrics, Swagger and 404s alike. HSTS only over TLS: on plain
// HTTP it would be ignored at best, and would lock a site reached by IP out
// of itself at worst. Behind a proxy that ends TLS, the proxy says so with
// X-Forwarded-Proto (believed only from a trusted proxy), or JZ_HSTS forces it.
func withSecurityHeaders(hsts bool, trusted []netip.Prefix) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		if strings.HasPrefix(c.Request.URL.Path, "/swagger/") {
			h.Set("Content-Security-Policy", cspSwagger)
		} else {
			h.Set("Content-Security-Policy", cspApp)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if hsts || c.Request.TLS != nil || forwardedTLS(c, trusted) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

// forwardedTLS reports X-Forwarded-Proto: https sent by a trusted proxy.
func forwardedTLS(c *gin.Context, trusted []netip.Prefix) bool {
	if !strings.EqualFold(strings.TrimSpace(c.GetHeader("X-Forwarded-Proto")), "https") {
		return false
	}
	ip, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// trustedPrefixes parses JZ_TRUSTED_PROXIES (addresses or CIDRs, as gin
// takes them).
func trustedPrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range list {
		if strings.Contains(v, "/") {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// withCORS answers cross-origin requests from the configured origins only,
// compared exactly (scheme, host and port): an allowed Origin is echoed
// because it is on the list, never because it was sent; any other gets no
// CORS header, so the browser keeps the response from it. With no list
// (the default) the server sends no CORS header at all. A preflight from an
// allowed origin is answered here; one from any other origin falls through
// to the 404 of an unknown route. Credentials (the refresh cookie) are not
// allowed cross-origin: an integrator's page uses bearer tokens.
func withCORS(origins []string) gin.HandlerFunc {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[o] = true
	}
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if len(allowed) == 0 || origin == "" {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Add("Vary", "Origin")
		if !allowed[origin] {
			c.Next()
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After, Content-Disposition")
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}
