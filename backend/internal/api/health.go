package api

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// HealthResponse is the body of /healthz and /readyz.
type HealthResponse struct {
	Status string `json:"status" example:"ok"`
}

func (s *Server) healthz(c *gin.Context) {
	if err := s.opt.Ping(c.Request.Context()); err != nil {
		s.log.WarnContext(c.Request.Context(), "health check: database", "err", err)
		c.JSON(http.StatusServiceUnavailable, HealthResponse{Status: "unavailable"})
		return
	}
	c.JSON(http.StatusOK, HealthResponse{Status: "ok"})
}

// readyz is 200 once migrations ran and the server takes traffic, 503
// before (starting) and while it drains on shutdown, so that a load
// balancer sends requests to the other instances.
func (s *Server) readyz(c *gin.Context) {
	if s.opt.Ready == nil || !s.opt.Ready() {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusServiceUnavailable, HealthResponse{Status: "not ready"})
		return
	}
	c.JSON(http.StatusOK, HealthResponse{Status: "ok"})
}

// spaOrNotFound serves the built SPA: a file when it exists, else index.html
// so that client-side routes survive a reload. Unknown API paths get the JSON
// 404.
func (s *Server) spaOrNotFound(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		c.Header("Cache-Control", "no-store")
		fail(c, s.log, errNotFoundRoute)
		return
	}
	if s.spaIndex == nil {
		c.String(http.StatusNotFound, "The SPA is not built into this binary. Run `make build` and start bin/jingzhun again.")
		return
	}
	name := strings.TrimPrefix(p, "/")
	if name != "" && name != "index.html" {
		if st, err := fs.Stat(s.opt.SPA, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") { // content-hashed names: cache for long
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			c.FileFromFS(name, http.FS(s.opt.SPA))
			return
		}
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", s.spaIndex)
}
