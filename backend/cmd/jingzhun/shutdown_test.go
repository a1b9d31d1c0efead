package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jingzhun/internal/config"
	"jingzhun/internal/jobs"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// On SIGTERM /readyz turns 503 while the listener drains, a request in
// flight completes, new connections are refused, and a running job is
// handed back to the queue for another instance.
func TestShutdownFinishesRequestsAndHandsJobsBack(t *testing.T) {
	st := storetest.SQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := jobs.NewRunner(st, log, time.Now)
	jobStarted := make(chan struct{})
	runner.Register(jobs.Kind{Name: "recompute", Restartable: true, Run: func(ctx context.Context, _ json.RawMessage, p jobs.Progress) (any, error) {
		p(10, 100)
		close(jobStarted)
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	var ready atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, sigterm := context.WithCancel(context.Background())
	const drain = 400 * time.Millisecond
	served := make(chan error, 1)
	go func() {
		served <- serveUntil(ctx, &http.Server{Handler: mux}, ln, &ready, runner, drain, 10*time.Second, log)
	}()
	job, err := runner.Start(context.Background(), "recompute", "recompute:1", "district", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-jobStarted
	status := func(path string) int {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
		r, err := c.Get(base + path)
		if err != nil {
			return 0
		}
		r.Body.Close()
		return r.StatusCode
	}
	for i := 0; status("/readyz") != 200; i++ {
		if i > 100 {
			t.Fatal("never ready")
		}
		time.Sleep(10 * time.Millisecond)
	}

	slow := make(chan string, 1)
	go func() {
		r, err := http.Get(base + "/slow")
		if err != nil {
			slow <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		slow <- string(b)
	}()
	<-entered
	sigterm()
	time.Sleep(50 * time.Millisecond)
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("readyz while draining: %d", got)
	}
	time.Sleep(drain)
	if got := status("/readyz"); got != 0 {
		t.Fatalf("a new connection after the drain was served: %d", got)
	}
	select {
	case err := <-served:
		t.Fatalf("stopped with a request in flight: %v", err)
	default:
	}
	close(release)
	if got := <-slow; got != "finished" {
		t.Fatalf("request in flight: %q", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown did not end")
	}
	j, _ := st.JobByID(context.Background(), job.ID)
	if j.Status != store.JobQueued || j.Owner != "" || j.ActiveKey == nil {
		t.Fatalf("running job not handed back: %+v", j)
	}
}

// Instances sharing a MySQL database must share the token key: a non-demo
// start on MySQL without JZ_JWT_SECRET refuses rather than generate a key
// of its own into its data directory. SQLite (one process) and demo still
// generate one.
func TestJWTKeyIsRequiredWhereInstancesShareADatabase(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DBDSN = "mysql://jz@db:3306/jingzhun"
	if _, err := jwtKey(cfg); err == nil || !strings.Contains(err.Error(), "JZ_JWT_SECRET") {
		t.Fatalf("MySQL without a secret: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "jwt.key")); !os.IsNotExist(err) {
		t.Fatalf("a key was generated: %v", err)
	}
	cfg.JWTSecret = strings.Repeat("k", 32)
	if k, err := jwtKey(cfg); err != nil || string(k) != cfg.JWTSecret {
		t.Fatalf("with the secret: %q %v", k, err)
	}
	cfg.JWTSecret, cfg.DBDSN = "", ""
	if k, err := jwtKey(cfg); err != nil || len(k) != 64 {
		t.Fatalf("SQLite generates: %q %v", k, err)
	}
}

// `jingzhun health` is the image's health check: 0 on 200, 1 otherwise.
func TestHealthCommand(t *testing.T) {
	var ok atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !ok.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var out, errb strings.Builder
	if got := healthCommand([]string{srv.URL + "/readyz"}, &out, &errb); got != 1 {
		t.Fatalf("not ready: exit %d", got)
	}
	ok.Store(true)
	if got := healthCommand([]string{srv.URL + "/readyz"}, &out, &errb); got != 0 {
		t.Fatalf("ready: exit %d (%s)", got, errb.String())
	}
	t.Setenv("JZ_ADDR", "0.0.0.0:1") // nothing listens: exit 1
	if got := healthCommand(nil, &out, &errb); got != 1 {
		t.Fatalf("no server: exit %d", got)
	}
}

// JZ_JWT_SECRET_FILE (a Docker or systemd secret) gives the token key.
func TestJWTKeyFromAFile(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DBDSN = "mysql://jz@db:3306/jingzhun"
	cfg.JWTSecretFile = filepath.Join(cfg.DataDir, "jwt_secret")
	os.WriteFile(cfg.JWTSecretFile, []byte(strings.Repeat("s", 40)+"\n"), 0o600)
	if k, err := jwtKey(cfg); err != nil || string(k) != strings.Repeat("s", 40) {
		t.Fatalf("%q %v", k, err)
	}
}
