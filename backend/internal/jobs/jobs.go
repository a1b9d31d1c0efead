// Package jobs runs long work in the background of the server process, with
// its state in the database: progress (done/total, rate) for progress bars,
// one run at a time per job key, and a lease, so that several server
// processes can share one database and a job still runs once.
//
// A process claims a job with a conditional UPDATE that only one process can
// win, renews the lease while the job runs, and writes the job's end only
// while it still holds it. Every process looks for jobs whose lease ran out
// (their process stopped without handing them back) every few seconds:
// restartable kinds go back to the queue and are claimed by exactly one
// process, the others fail with a message the user can read. A live job of
// another process is never touched. A process that stops hands its running
// jobs back: restartable ones to the queue, the others failed.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// Progress reports how far a job is; it is cheap to call often.
type Progress func(done, total int64)

// Func does a job's work. It returns a result to keep (JSON-encoded) or an
// error, which fails the job with its message. It must stop when ctx ends
// (the server stops, or the lease was lost).
type Func func(ctx context.Context, params json.RawMessage, progress Progress) (any, error)

// Kind is a registered kind of job.
type Kind struct {
	Name string
	Run  Func
	// Restartable kinds are run again from the start when their process
	// stopped, by whichever process claims them first; they must be safe to
	// run again after a partial run. The others are failed with a message
	// saying so. A kind whose work needs something only the starting process
	// has (a file on its disk) is not restartable.
	Restartable bool
	// Abandoned, when set, is called after a job of a kind that is not
	// restartable was failed because its process stopped: to fail what the
	// job was working on as well. It runs on the recovering process.
	Abandoned func(ctx context.Context, params json.RawMessage)
}

// Messages a user reads on a job that did not finish.
const (
	msgStopped = "服务器停止，任务未完成，请重新发起"
	msgLost    = "运行该任务的服务器已停止，任务未完成，请重新发起"
)

// Defaults of the lease and the recovery pass.
const (
	DefaultLease = 30 * time.Second
	DefaultPoll  = 5 * time.Second
)

// Runner owns the jobs of this process.
type Runner struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	owner string
	every time.Duration // progress write interval
	lease time.Duration // how long a claim or a renewal holds
	poll  time.Duration // how often to look for expired and queued jobs

	mu       sync.Mutex
	kinds    map[string]Kind
	running  map[int64]*live
	stopped  bool
	wg       sync.WaitGroup
	ctx      context.Context
	stop     context.CancelFunc
	pollStop context.CancelFunc
	pollDone chan struct{}
	metrics  *metrics

	// pauseBeats, when set (tests), makes the heartbeat skip renewals: a
	// process that hangs.
	pauseBeats func() bool
}

// live is a job this process runs.
type live struct {
	id      int64
	kind    string
	started time.Time

	mu          sync.Mutex // the job's progress calls and the metrics read it
	done, total int64
}

// NewRunner builds a runner with the default lease; call Register for each
// kind, then Recover and Poll.
func NewRunner(st *store.Store, log *slog.Logger, now func() time.Time) *Runner {
	owner, _ := auth.RandomToken(9)
	ctx, stop := context.WithCancel(context.Background())
	return &Runner{store: st, log: log, now: now, owner: owner, every: time.Second, lease: DefaultLease, poll: DefaultPoll,
		kinds: map[string]Kind{}, running: map[int64]*live{}, ctx: ctx, stop: stop, metrics: newMetrics()}
}

// SetLease sets how long a claim holds without renewal (renewed every third
// of it) and how often the runner looks for expired and queued jobs. Every
// process sharing a database should use the same lease, longer than the
// clock difference between their machines.
func (r *Runner) SetLease(lease, poll time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if lease > 0 {
		r.lease = lease
	}
	if poll > 0 {
		r.poll = poll
	}
}

// Owner is this process's name in the jobs' owner column.
func (r *Runner) Owner() string { return r.owner }

// Register adds a kind of job.
func (r *Runner) Register(k Kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds[k.Name] = k
}

func (r *Runner) kind(name string) (Kind, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.kinds[name]
	return k, ok
}

// restartable names the restartable kinds, which any process may claim.
func (r *Runner) restartable() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for n, k := range r.kinds {
		if k.Restartable {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Recover makes one pass over the jobs no process holds: those whose lease
// ran out are requeued (restartable) or failed with a message a user can
// read, and queued restartable jobs are claimed and run here. Poll repeats
// it; main calls it once at start.
func (r *Runner) Recover(ctx context.Context) error {
	now := r.now().UTC()
	expired, err := r.store.ExpiredJobs(ctx, now)
	if err != nil {
		return err
	}
	for _, j := range expired {
		k, ok := r.kind(j.Kind)
		if ok && k.Restartable {
			if j.Status == store.JobRunning {
				requeued, err := r.store.RequeueExpiredJob(ctx, j.ID, now)
				if err != nil {
					return err
				}
				if requeued {
					r.log.Warn("job requeued: its process stopped", "job", j.ID, "kind", j.Kind, "owner", j.Owner)
					r.metrics.finished(j.Kind, "requeued")
				}
			}
			continue // queued: claimed below, by whoever is first
		}
		failed, err := r.store.FailExpiredJob(ctx, j.ID, msgLost, now)
		if err != nil {
			return err
		}
		if failed {
			r.log.Warn("job failed: its process stopped", "job", j.ID, "kind", j.Kind, "owner", j.Owner)
			r.metrics.finished(j.Kind, "abandoned")
			if ok && k.Abandoned != nil {
				k.Abandoned(ctx, json.RawMessage(j.Params))
			}
		}
	}
	return r.claimQueued(ctx)
}

// claimQueued claims queued restartable jobs and runs them here.
func (r *Runner) claimQueued(ctx context.Context) error {
	kinds := r.restartable()
	queued, err := r.store.QueuedJobs(ctx, kinds, 20)
	if err != nil {
		return err
	}
	for _, j := range queued {
		k, _ := r.kind(j.Kind)
		if _, err := r.claimAndLaunch(ctx, j.ID, k, json.RawMessage(j.Params)); err != nil {
			return err
		}
	}
	return nil
}

// claimAndLaunch claims a queued job and runs it in the background; false
// when another process claimed it first (or this one is stopping).
func (r *Runner) claimAndLaunch(ctx context.Context, id int64, k Kind, params json.RawMessage) (bool, error) {
	// Counted before the claim, under the lock that Shutdown takes to stop:
	// Shutdown's wait then covers every job claimed.
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return false, nil
	}
	r.wg.Add(1)
	lease := r.lease
	r.mu.Unlock()
	now := r.now().UTC()
	won, err := r.store.ClaimJob(ctx, id, r.owner, now, now.Add(lease))
	if err != nil || !won {
		r.wg.Done()
		return false, err
	}
	l := &live{id: id, kind: k.Name, started: now}
	r.mu.Lock()
	r.running[id] = l
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		r.run(l, k, params)
	}()
	return true, nil
}

// Poll runs Recover every poll interval in the background until Shutdown.
func (r *Runner) Poll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.pollStop != nil {
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	r.pollStop, r.pollDone = cancel, make(chan struct{})
	every := r.poll
	go func() {
		defer close(r.pollDone)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.Recover(ctx); err != nil && ctx.Err() == nil {
					r.log.Warn("job recovery pass", "err", err)
				}
			}
		}
	}()
}

// Start queues a job and runs it in the background here. A job with the
// same key already queued or running is a conflict naming it. While the
// server stops, a restartable job is queued for another process (or the
// next start) and any other kind is refused.
func (r *Runner) Start(ctx context.Context, kind, key, by string, params any) (*store.Job, error) {
	k, ok := r.kind(kind)
	if !ok {
		return nil, fmt.Errorf("unknown job kind %q", kind)
	}
	r.mu.Lock()
	stopped, lease := r.stopped, r.lease
	r.mu.Unlock()
	if stopped && !k.Restartable {
		return nil, apperr.New(apperr.Unavailable, "服务器正在停止，请稍后重试")
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	now := r.now().UTC()
	// The lease of a queued job is the time its creator has to claim it: no
	// other process fails it before.
	until := now.Add(lease)
	j := &store.Job{Kind: kind, Key: key, Params: string(raw), CreatedBy: by, CreatedAt: now, LeaseUntil: &until}
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
	// Claimed on the caller's context without its transaction: the claim
	// must be visible to other processes at once.
	if _, err := r.claimAndLaunch(context.WithoutCancel(r.ctx), j.ID, k, raw); err != nil {
		return nil, err
	}
	return j, nil
}

func (r *Runner) run(l *live, k Kind, params json.RawMessage) {
	id := l.id
	defer func() {
		r.mu.Lock()
		delete(r.running, id)
		r.mu.Unlock()
	}()
	ctx, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		r.heartbeat(ctx, id, cancel)
	}()

	var last time.Time
	progress := func(d, t int64) {
		l.mu.Lock()
		l.done, l.total = d, t
		write := r.now().Sub(last) >= r.every
		if write {
			last = r.now()
		}
		l.mu.Unlock()
		if write {
			if err := r.store.JobProgress(r.ctx, id, r.owner, d, t, r.now().UTC()); err != nil {
				r.log.Warn("job progress", "job", id, "err", err)
			}
		}
	}
	result, err := r.safeRun(ctx, k, params, progress)
	lost := errors.Is(context.Cause(ctx), errLeaseLost)
	cancel(nil)
	<-beatDone

	bg := context.Background()
	if lost {
		// Another process recovered the job; whatever this run did is not
		// recorded, and the job is that process's now.
		r.log.Error("job lease lost: stopped here", "job", id, "kind", k.Name)
		r.metrics.finished(k.Name, "lost")
		return
	}
	l.mu.Lock()
	done, total := l.done, l.total
	l.mu.Unlock()
	_ = r.store.JobProgress(bg, id, r.owner, done, total, r.now().UTC())
	// A job that ends in error while the server stops was stopped by it,
	// whatever the error says (a cancelled query, a closed transaction).
	if err != nil && r.ctx.Err() != nil {
		r.handBack(bg, id, k)
		return
	}
	status, msg, res := store.JobDone, "", "{}"
	if err != nil {
		status = store.JobFailed
		msg = apperr.As(err).Message
		r.log.Error("job failed", "job", id, "kind", k.Name, "err", err)
	} else if result != nil {
		if b, err := json.Marshal(result); err == nil {
			res = string(b)
		}
	}
	ok, ferr := r.store.FinishJob(bg, id, r.owner, status, res, msg, r.now().UTC())
	switch {
	case ferr != nil:
		r.log.Error("finish job", "job", id, "err", ferr)
	case !ok:
		r.log.Error("job lease lost before its end was written", "job", id, "kind", k.Name)
		r.metrics.finished(k.Name, "lost")
	default:
		r.metrics.finished(k.Name, status)
	}
}

// handBack gives a job stopped by the server's shutdown back: restartable
// kinds to the queue for another process or the next start, the others
// failed with a message saying so.
func (r *Runner) handBack(ctx context.Context, id int64, k Kind) {
	if k.Restartable {
		ok, err := r.store.HandBackJob(ctx, id, r.owner)
		if err != nil {
			r.log.Error("hand back job", "job", id, "err", err)
			return
		}
		if ok {
			r.log.Info("job handed back to the queue", "job", id, "kind", k.Name)
			r.metrics.finished(k.Name, "handed_back")
		}
		return
	}
	ok, err := r.store.FinishJob(ctx, id, r.owner, store.JobFailed, "{}", msgStopped, r.now().UTC())
	if err != nil {
		r.log.Error("fail stopped job", "job", id, "err", err)
		return
	}
	if ok {
		r.metrics.finished(k.Name, store.JobFailed)
	}
}

var errLeaseLost = errors.New("job lease lost")

// heartbeat renews the job's lease every third of it until ctx ends. When
// the database says the job is no longer this process's (it stopped
// renewing for longer than the lease, and another process recovered the
// job), the job is cancelled. Failed renewals (the database is away) are
// only logged: the job cannot write its work either.
func (r *Runner) heartbeat(ctx context.Context, id int64, cancel context.CancelCauseFunc) {
	r.mu.Lock()
	lease := r.lease
	r.mu.Unlock()
	t := time.NewTicker(lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if r.pauseBeats != nil && r.pauseBeats() {
			continue
		}
		now := r.now().UTC()
		ok, err := r.store.RenewLease(r.ctx, id, r.owner, now, now.Add(lease))
		switch {
		case err != nil:
			r.log.Warn("renew job lease", "job", id, "err", err)
		case !ok:
			cancel(errLeaseLost)
			return
		}
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

// Active lists the queued and running jobs of a kind on every process.
func (r *Runner) Active(ctx context.Context, kind string) ([]store.Job, error) {
	return r.store.ActiveJobs(ctx, kind)
}

// Stop stops claiming, cancels the running jobs and waits until they have
// been handed back (or ctx ends: a job that does not stop in time keeps its
// lease until it runs out, and another process recovers it then).
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	r.stopped = true
	pollStop, pollDone := r.pollStop, r.pollDone
	r.mu.Unlock()
	if pollStop != nil {
		pollStop()
		<-pollDone
	}
	r.stop()
	waited := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(waited)
	}()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs still stopping: %w", ctx.Err())
	}
}

// Shutdown is Stop without a bound (tests).
func (r *Runner) Shutdown() { _ = r.Stop(context.Background()) }

// Wait blocks until every launched job has ended (tests).
func (r *Runner) Wait() { r.wg.Wait() }
