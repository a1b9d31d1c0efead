package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"jingzhun/internal/jobs"
)

// serveUntil serves on ln until ctx ends (SIGTERM, Ctrl-C), then stops in
// order: /readyz turns 503 at once and the listener stays open for drain,
// so that a load balancer polling it sends new requests elsewhere; then the
// listener closes and the requests in flight finish, while the running jobs
// are handed back (restartable ones queued for another instance or the
// next start, the others failed with a message) — both within timeout. A
// job that does not stop in time keeps its lease until it runs out, and
// another instance recovers it then.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, ready *atomic.Bool, runner *jobs.Runner,
	drain, timeout time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready.Store(true)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	ready.Store(false)
	log.Info("stopping: /readyz is 503", "drain", drain.String(), "timeout", timeout.String())
	if drain > 0 {
		time.Sleep(drain)
	}
	stop, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- runner.Stop(stop) }()
	httpErr := srv.Shutdown(stop)
	if httpErr != nil {
		httpErr = errors.New("requests still in flight at JZ_SHUTDOWN_TIMEOUT: " + httpErr.Error())
	}
	jobsErr := <-jobsDone
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := errors.Join(httpErr, jobsErr); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
