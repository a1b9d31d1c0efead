// Package jobs runs long work in the background of the server process, with
// its state in the database: progress (done/total, rate) for progress bars, one
// run at a time per job key, and on restart every job left behind by a stopped
// process is either started again (if its kind can be) or failed visibly —
// never left hanging.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// Progress reports how far a job is; it is cheap to call often.
type Progress func(done, total int64)

// Func does a job's work. It returns a result to keep (JSON-encoded) or an
// error, which fails the job with its message.
type Func func(ctx context.Context, params json.RawMessage, progress Progress) (any, error)

// Kind is a registered kind of job.
type Kind struct {
	Name string
	Run  Func
	// Restartable kinds are run again from the start after a server restart;
	// the others are failed with a message saying so.
	Restartable bool
}

// Runner owns the jobs of this process.
type Runner struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	owner string
	every time.Duration // heartbeat and progress write interval

	mu    sync.Mutex
	kinds map[string]Kind
	wg    sync.WaitGroup
	ctx   context.Context
	stop  context.CancelFunc
}

// NewRunner builds a runner; call Register for each kind, then Start.
func NewRunner(st *store.Store, log *slog.Logger, now func() time.Time) *Runner {
	owner, _ := auth.RandomToken(9)
	ctx, stop := context.WithCancel(context.Background())
	return &Runner{store: st, log: log, now: now, owner: owner, every: time.Second, kinds: map[string]Kind{}, ctx: ctx, stop: stop}
}

// Register adds a kind of job.
func (r *Runner) Register(k Kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds[k.Name] = k
}

// Recover deals with jobs left behind by a stopped process: restartable ones
// run again, the others fail with a message a user can read.
func (r *Runner) Recover(ctx context.Context) error {
	orphans, err := r.store.OrphanedJobs(ctx, r.owner)
	if err != nil {
		return err
	}
	for _, j := range orphans {
		k, ok := r.kind(j.Kind)
		if ok && k.Restartable {
			if err := r.store.RequeueJob(ctx, j.ID); err != nil {
				return err
			}
			r.launch(j.ID, k, json.RawMessage(j.Params))
			continue
		}
		if err := r.store.FinishJob(ctx, j.ID, store.JobFailed, "", "服务器在任务运行中重启，任务未完成，请重新发起", r.now().UTC()); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) kind(name string) (Kind, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.kinds[name]
	return k, ok
}

// Start queues a job and runs it in the background. A job with the same key
// already queued or running is a conflict naming it.
func (r *Runner) Start(ctx context.Context, kind, key, by string, params any) (*store.Job, error) {
	k, ok := r.kind(kind)
	if !ok {
		return nil, fmt.Errorf("unknown job kind %q", kind)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	j := &store.Job{Kind: kind, Key: key, Params: string(raw), CreatedBy: by, CreatedAt: r.now().UTC()}
	if err := r.store.CreateJob(ctx, j); err != nil {
		if errors.Is(err, store.ErrJobRunning) {
			running, _ := r.store.ActiveJob(ctx, key)
			e := apperr.New(apperr.Conflict, "同一任务正在运行，请等待其完成")
			if running != nil {
				e.Details = []apperr.Detail{{Field: "job_id", Message: fmt.Sprint(running.ID)}}
			}
			return nil, e
		}
		return nil, err
	}
	r.launch(j.ID, k, raw)
	return j, nil
}

func (r *Runner) launch(id int64, k Kind, params json.RawMessage) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.run(id, k, params)
	}()
}

func (r *Runner) run(id int64, k Kind, params json.RawMessage) {
	ctx := r.ctx
	if err := r.store.StartJob(ctx, id, r.owner, r.now().UTC()); err != nil {
		r.log.Error("start job", "job", id, "err", err)
		return
	}
	var mu sync.Mutex
	var done, total int64
	var last time.Time
	progress := func(d, t int64) {
		mu.Lock()
		done, total = d, t
		write := r.now().Sub(last) >= r.every
		if write {
			last = r.now()
		}
		mu.Unlock()
		if write {
			if err := r.store.JobProgress(ctx, id, d, t, r.now().UTC()); err != nil {
				r.log.Warn("job progress", "job", id, "err", err)
			}
		}
	}
	result, err := r.safeRun(ctx, k, params, progress)
	mu.Lock()
	_ = r.store.JobProgress(context.Background(), id, done, total, r.now().UTC())
	mu.Unlock()
	status, msg, res := store.JobDone, "", "{}"
	if err != nil {
		status = store.JobFailed
		msg = apperr.As(err).Message
		if errors.Is(err, context.Canceled) {
			msg = "服务器停止，任务未完成"
		}
		r.log.Error("job failed", "job", id, "kind", k.Name, "err", err)
	} else if result != nil {
		if b, err := json.Marshal(result); err == nil {
			res = string(b)
		}
	}
	if err := r.store.FinishJob(context.Background(), id, status, res, msg, r.now().UTC()); err != nil {
		r.log.Error("finish job", "job", id, "err", err)
	}
}

// safeRun turns a panic in a job into a failure.
func (r *Runner) safeRun(ctx context.Context, k Kind, params json.RawMessage, p Progress) (res any, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("job panicked: %v", v)
		}
	}()
	return k.Run(ctx, params, p)
}

// Get reads a job's state.
func (r *Runner) Get(ctx context.Context, id int64) (*store.Job, error) {
	return r.store.JobByID(ctx, id)
}

// Shutdown cancels running jobs and waits for them to record their end.
func (r *Runner) Shutdown() {
	r.stop()
	r.wg.Wait()
}

// Wait blocks until every launched job has ended (tests).
func (r *Runner) Wait() { r.wg.Wait() }
