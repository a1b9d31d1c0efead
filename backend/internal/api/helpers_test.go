package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/app"
	"jingzhun/internal/config"
	"jingzhun/internal/store"
)

const demoPassword = "Jingzhun@2017"

// testServer is the real handler on a seeded demo database, with cheap
// password hashing.
type testServer struct {
	t      *testing.T
	h      http.Handler
	engine *gin.Engine
	st     *store.Store
	app    *app.App
}

func newServer(t *testing.T, st *store.Store, tweak ...func(*config.Config)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Argon2MemoryKiB, cfg.Argon2Time = 64, 1
	cfg.LoginPerMinute = 1000
	// The demo accounts are seeded as in demo mode, which waives the second
	// factor; the MFA tests turn it on.
	cfg.MFARoles = nil
	for _, f := range tweak {
		f(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Wire(cfg, st, []byte("test-key-test-key-test-key-test-key"), log, func() bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Jobs.Shutdown) // before the store closes
	if err := a.Reference.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, seeded, err := a.Demo.Seed(context.Background(), demoPassword); err != nil || !seeded {
		t.Fatalf("seed: %v %v", seeded, err)
	}
	return &testServer{t: t, h: a.Handler, engine: a.Handler.(*gin.Engine), st: st, app: a}
}

type response struct {
	*httptest.ResponseRecorder
}

func (r response) json(t *testing.T, dst any) {
	t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), dst); err != nil {
		t.Fatalf("decode %s: %v", r.Body.String(), err)
	}
}

// errCode returns the error code of an error body.
func (r response) errCode(t *testing.T) string {
	t.Helper()
	var b struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Details []struct {
				Field string `json:"field"`
			} `json:"details"`
		} `json:"error"`
	}
	r.json(t, &b)
	return b.Error.Code
}

type req struct {
	method, path string
	body         any // string (raw) or value (JSON-encoded)
	token        string
	cookies      []*http.Cookie
	header       map[string]string
}

func (s *testServer) do(r req) response {
	s.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	hr.RemoteAddr = "192.0.2.10:1234"
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, hr)
	return response{w}
}

type session struct {
	token   string
	refresh *http.Cookie
}

func (s *testServer) login(username, password string) (session, response) {
	s.t.Helper()
	r := s.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": username, "password": password}})
	var out session
	if r.Code == http.StatusOK {
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		r.json(s.t, &tok)
		out.token = tok.AccessToken
		for _, c := range r.Result().Cookies() {
			if c.Name == "jz_refresh" {
				out.refresh = c
			}
		}
	}
	return out, r
}

// as logs in a demo account or fails the test.
func (s *testServer) as(username string) session {
	s.t.Helper()
	sess, r := s.login(username, demoPassword)
	if r.Code != http.StatusOK {
		s.t.Fatalf("login %s: %d %s", username, r.Code, r.Body.String())
	}
	return sess
}
