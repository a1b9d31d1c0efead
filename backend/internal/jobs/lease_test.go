package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// Two processes share one database: each queued job runs exactly once,
// however often both look for work at the same moment.
func TestTwoRunnersRunEachQueuedJobOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		runs := map[string]int{} // the side effect: one entry per run of a job
		by := map[string]int{}
		mk := func(name string) *Runner {
			r := runner(st)
			r.Register(Kind{Name: "count", Restartable: true, Run: func(_ context.Context, p json.RawMessage, _ Progress) (any, error) {
				time.Sleep(2 * time.Millisecond)
				mu.Lock()
				runs[string(p)]++
				by[name]++
				mu.Unlock()
				return nil, nil
			}})
			t.Cleanup(r.Shutdown)
			return r
		}
		a, b := mk("a"), mk("b")
		const n = 30
		for i := range n {
			// Queued by a process that stopped before it claimed them.
			j := &store.Job{Kind: "count", Key: fmt.Sprint("count:", i), Params: fmt.Sprint(i), CreatedAt: time.Now().UTC()}
			if err := st.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for _, r := range []*Runner{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 4 {
					if err := r.Recover(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		a.Wait()
		b.Wait()
		if len(runs) != n {
			t.Fatalf("%d jobs ran, want %d", len(runs), n)
		}
		for p, c := range runs {
			if c != 1 {
				t.Errorf("job %s ran %d times", p, c)
			}
		}
		left, _ := st.ActiveJobs(ctx, "count")
		if len(left) != 0 {
			t.Fatalf("jobs not finished: %+v", left)
		}
		t.Logf("runs by process: %v", by)
	})
}

// The claim itself: of many processes claiming one queued job at the same
// moment, one wins.
func TestClaimIsWonOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for round := range 5 {
			j := &store.Job{Kind: "k", Key: fmt.Sprint("claim:", round), CreatedAt: time.Now().UTC()}
			if err := st.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			var wins atomic.Int32
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					now := time.Now().UTC()
					ok, err := st.ClaimJob(ctx, j.ID, fmt.Sprint("p", i), now, now.Add(time.Minute))
					if err != nil {
						t.Error(err)
					}
					if ok {
						wins.Add(1)
					}
				}()
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("round %d: %d processes won the claim", round, wins.Load())
			}
		}
	})
}

// A process that stops renewing loses its job to another once the lease has
// run out, and not before; when it wakes up it stops the job and writes
// nothing. The work is done once.
func TestAStalledRunnerLosesItsLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const lease = 600 * time.Millisecond
		var commits atomic.Int32
		started := make(chan struct{})
		var paused atomic.Bool
		a := runner(st)
		a.SetLease(lease, time.Hour)
		a.pauseBeats = paused.Load
		var aStopped atomic.Bool
		a.Register(Kind{Name: "work", Restartable: true, Run: func(ctx context.Context, _ json.RawMessage, p Progress) (any, error) {
			p(1, 10)
			close(started)
			<-ctx.Done() // hangs until it learns the job is not its own any more
			aStopped.Store(true)
			return nil, ctx.Err()
		}})
		b := runner(st)
		b.SetLease(lease, time.Hour)
		b.Register(Kind{Name: "work", Restartable: true, Run: func(context.Context, json.RawMessage, Progress) (any, error) {
			commits.Add(1)
			return map[string]string{"by": "b"}, nil
		}})
		t.Cleanup(a.Shutdown)
		t.Cleanup(b.Shutdown)

		j, err := a.Start(ctx, "work", "work", "district", nil)
		if err != nil {
			t.Fatal(err)
		}
		<-started
		// A live job, renewed: the other process leaves it alone.
		time.Sleep(lease + lease/2)
		if err := b.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := st.JobByID(ctx, j.ID)
		if got.Status != store.JobRunning || got.Owner != a.Owner() || commits.Load() != 0 {
			t.Fatalf("the live job of another process was touched: %+v", got)
		}
		// a hangs: no renewal, and once the lease ran out b takes the job.
		paused.Store(true)
		time.Sleep(lease + lease/2)
		if err := b.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		b.Wait()
		got, _ = st.JobByID(ctx, j.ID)
		if got.Status != store.JobDone || got.Result != `{"by":"b"}` || got.Owner != b.Owner() {
			t.Fatalf("job not recovered by the other process: %+v", got)
		}
		// a wakes up: its renewal is refused, it stops the job, writes nothing.
		paused.Store(false)
		waited := make(chan struct{})
		go func() { a.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * lease):
			t.Fatal("the stalled process did not stop its job")
		}
		if !aStopped.Load() {
			t.Fatal("the stalled job did not end by its context")
		}
		after, _ := st.JobByID(ctx, j.ID)
		if after.Status != store.JobDone || after.Result != `{"by":"b"}` || commits.Load() != 1 {
			t.Fatalf("the process that lost its lease wrote: %+v (commits %d)", after, commits.Load())
		}
		reg := prometheus.NewRegistry()
		reg.MustRegister(a.Collector())
		if n := gather(t, reg)[`jingzhun_jobs_finished_total{kind="work",result="lost"}`]; n != 1 {
			t.Fatalf("lost jobs counted %v", n)
		}
	})
}

// A stopping server hands its running jobs back: a restartable job to the
// queue, where another process claims it; any other kind failed, readably.
func TestStopHandsRunningJobsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := runner(st)
		var running sync.WaitGroup
		running.Add(2)
		block := func(ctx context.Context, _ json.RawMessage, p Progress) (any, error) {
			p(3, 9)
			running.Done()
			<-ctx.Done()
			return nil, fmt.Errorf("stopped at 3: %w", ctx.Err())
		}
		a.Register(Kind{Name: "again", Restartable: true, Run: block})
		a.Register(Kind{Name: "once", Run: block})
		again, err := a.Start(ctx, "again", "again", "district", nil)
		if err != nil {
			t.Fatal(err)
		}
		once, err := a.Start(ctx, "once", "once", "district", nil)
		if err != nil {
			t.Fatal(err)
		}
		running.Wait()
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := a.Stop(stopCtx); err != nil {
			t.Fatal(err)
		}
		g, _ := st.JobByID(ctx, again.ID)
		if g.Status != store.JobQueued || g.Owner != "" || g.Done != 0 || g.ActiveKey == nil {
			t.Fatalf("restartable job not handed back to the queue: %+v", g)
		}
		o, _ := st.JobByID(ctx, once.ID)
		if o.Status != store.JobFailed || o.Error != msgStopped || o.ActiveKey != nil {
			t.Fatalf("job that cannot restart: %+v", o)
		}
		// While stopping: another restartable job is queued, not run here;
		// one that cannot restart is refused.
		later, err := a.Start(ctx, "again", "again-2", "district", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Start(ctx, "once", "once-2", "district", nil); !apperr.Is(err, apperr.Unavailable) {
			t.Fatalf("non-restartable start while stopping: %v", err)
		}
		// The next process picks both restartable jobs up.
		b := runner(st)
		var ran atomic.Int32
		b.Register(Kind{Name: "again", Restartable: true, Run: func(context.Context, json.RawMessage, Progress) (any, error) {
			ran.Add(1)
			return nil, nil
		}})
		if err := b.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		b.Wait()
		for _, id := range []int64{again.ID, later.ID} {
			if j, _ := st.JobByID(ctx, id); j.Status != store.JobDone || j.Owner != b.Owner() {
				t.Fatalf("handed-back job not run by the next process: %+v", j)
			}
		}
		if ran.Load() != 2 {
			t.Fatalf("ran %d", ran.Load())
		}
	})
}

// The collector reports running jobs per kind and the ended ones by result.
func TestMetricsReportRunningAndFinishedJobs(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	r := runner(st)
	release := make(chan struct{})
	progressed := make(chan struct{})
	r.Register(Kind{Name: "count", Restartable: true, Run: func(_ context.Context, _ json.RawMessage, p Progress) (any, error) {
		p(40, 100)
		close(progressed)
		<-release
		return nil, nil
	}})
	r.Register(Kind{Name: "idle", Run: func(context.Context, json.RawMessage, Progress) (any, error) { return nil, nil }})
	t.Cleanup(r.Shutdown)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(r.Collector())
	if _, err := r.Start(ctx, "count", "count", "district", nil); err != nil {
		t.Fatal(err)
	}
	<-progressed
	time.Sleep(10 * time.Millisecond)
	got := gather(t, reg)
	for series, want := range map[string]float64{
		`jingzhun_jobs_running{kind="count"}`:       1,
		`jingzhun_jobs_running{kind="idle"}`:        0,
		`jingzhun_job_progress_done{kind="count"}`:  40,
		`jingzhun_job_progress_total{kind="count"}`: 100,
		`jingzhun_job_progress_done{kind="idle"}`:   0,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	if got[`jingzhun_job_rows_per_second{kind="count"}`] <= 0 {
		t.Errorf("rate of a job with progress: %v", got)
	}
	close(release)
	r.Wait()
	if _, err := r.Start(ctx, "idle", "idle", "district", nil); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	got = gather(t, reg)
	for series, want := range map[string]float64{
		`jingzhun_jobs_running{kind="count"}`:                      0,
		`jingzhun_jobs_finished_total{kind="count",result="done"}`: 1,
		`jingzhun_jobs_finished_total{kind="idle",result="done"}`:  1,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
}

// gather reads a registry as series → value.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.GetCounter().GetValue()
			}
			out[mf.GetName()+"{"+strings.Join(ls, ",")+"}"] = v
		}
	}
	return out
}
