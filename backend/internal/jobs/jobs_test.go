package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func runner(st *store.Store) *Runner {
	return NewRunner(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
}

func TestJobRunsWithProgressAndRefusesASecondStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := runner(st)
		release := make(chan struct{})
		r.Register(Kind{Name: "count", Run: func(ctx context.Context, p json.RawMessage, progress Progress) (any, error) {
			var n int64
			_ = json.Unmarshal(p, &n)
			for i := int64(1); i <= n; i++ {
				progress(i, n)
			}
			<-release
			return map[string]int64{"counted": n}, nil
		}})
		j, err := r.Start(ctx, "count", "count:village=1", "district", 5)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Start(ctx, "count", "count:village=1", "district", 5); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second start while running: %v", err)
		}
		close(release)
		r.Wait()
		got, _ := r.Get(ctx, j.ID)
		if got.Status != store.JobDone || got.Done != 5 || got.Total != 5 || got.Result != `{"counted":5}` || got.ActiveKey != nil {
			t.Fatalf("finished job: %+v", got)
		}
		// Once finished, the same job may run again.
		if _, err := r.Start(ctx, "count", "count:village=1", "district", 1); err != nil {
			t.Fatalf("restart after finish: %v", err)
		}
		r.Wait()
	})
}

func TestFailuresAndPanicsAreRecorded(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	r := runner(st)
	r.Register(Kind{Name: "bad", Run: func(context.Context, json.RawMessage, Progress) (any, error) {
		return nil, apperr.New(apperr.Validation, "第3行身份证号码不正确")
	}})
	r.Register(Kind{Name: "panic", Run: func(context.Context, json.RawMessage, Progress) (any, error) { panic("boom") }})
	a, _ := r.Start(ctx, "bad", "bad", "x", nil)
	b, _ := r.Start(ctx, "panic", "panic", "x", nil)
	r.Wait()
	ja, _ := r.Get(ctx, a.ID)
	jb, _ := r.Get(ctx, b.ID)
	if ja.Status != store.JobFailed || ja.Error != "第3行身份证号码不正确" {
		t.Fatalf("failed job: %+v", ja)
	}
	if jb.Status != store.JobFailed || jb.Error == "" {
		t.Fatalf("panicking job: %+v", jb)
	}
}

func TestRestartResumesOrFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// A process that stopped left two running jobs behind.
		for _, kind := range []string{"again", "once"} {
			j := &store.Job{Kind: kind, Key: kind, Params: `{"import_id":7}`, CreatedAt: time.Now().UTC()}
			if err := st.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			if err := st.StartJob(ctx, j.ID, "old-process", time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		r := runner(st)
		ran := make(chan struct{}, 1)
		r.Register(Kind{Name: "again", Restartable: true, Run: func(context.Context, json.RawMessage, Progress) (any, error) {
			ran <- struct{}{}
			return nil, nil
		}})
		var abandoned string
		r.Register(Kind{Name: "once", Run: func(context.Context, json.RawMessage, Progress) (any, error) {
			return nil, errors.New("must not run")
		}, Abandoned: func(_ context.Context, params json.RawMessage) { abandoned = string(params) }})
		if err := r.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		r.Wait()
		select {
		case <-ran:
		default:
			t.Fatal("restartable job was not run again")
		}
		again, _ := st.ActiveJob(ctx, "again")
		if again != nil {
			t.Fatalf("restarted job still active: %+v", again)
		}
		js, _ := st.ExpiredJobs(ctx, time.Now().Add(time.Hour))
		if len(js) != 0 {
			t.Fatalf("jobs left hanging: %+v", js)
		}
		once, _ := st.JobByID(ctx, 2)
		if once.Status != store.JobFailed || once.Error != msgLost {
			t.Fatalf("non-restartable orphan: %+v", once)
		}
		if abandoned != `{"import_id":7}` {
			t.Fatalf("the kind was not told its job was abandoned: %q", abandoned)
		}
	})
}
