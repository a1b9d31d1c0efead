package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"jingzhun/internal/app"
	"jingzhun/internal/config"
	"jingzhun/internal/store/storetest"
)

// /readyz follows the server's readiness (503 before it takes traffic and
// while it drains on shutdown); /metrics carries the jobs and the database
// pool besides the request histogram.
func TestReadyzAndMetricsOfJobsAndPool(t *testing.T) {
	st := storetest.SQLite(t)
	cfg := config.Default()
	cfg.Argon2MemoryKiB, cfg.Argon2Time = 64, 1
	var ready atomic.Bool
	a, err := app.Wire(cfg, st, []byte("test-key-test-key-test-key-test-key"), slog.New(slog.NewTextHandler(io.Discard, nil)), ready.Load)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Jobs.Shutdown)
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		a.Handler.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w.Code, w.Body.String()
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"status":"not ready"`) {
		t.Fatalf("readyz before ready: %d %s", code, body)
	}
	ready.Store(true)
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("readyz when ready: %d", code)
	}
	ready.Store(false) // draining on shutdown
	if code, _ := get("/readyz"); code != 503 {
		t.Fatalf("readyz while draining: %d", code)
	}
	code, body := get("/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	for _, series := range []string{
		`http_request_duration_seconds_bucket{method="GET",route="/readyz",status="503"`,
		`jingzhun_jobs_running{kind="campaign.recompute"} 0`,
		`jingzhun_job_progress_done{kind="department.import"} 0`,
		`jingzhun_job_rows_per_second{kind="campaign.recompute"} 0`,
		`go_sql_open_connections{db_name="jingzhun"}`,
		`go_sql_in_use_connections{db_name="jingzhun"}`,
		`go_sql_idle_connections{db_name="jingzhun"}`,
		`go_sql_wait_count_total{db_name="jingzhun"}`,
		`go_sql_wait_duration_seconds_total{db_name="jingzhun"}`,
	} {
		if !strings.Contains(body, series) {
			t.Errorf("metrics lack %s", series)
		}
	}
}
