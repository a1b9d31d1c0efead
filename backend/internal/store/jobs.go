package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Job statuses.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is a background job row.
//
// Several server processes may share the database, so a job belongs to one
// of them by a lease (migration 0017): Owner holds it until LeaseUntil, and
// renews it while the job runs. Every change of hands is a conditional
// UPDATE that only one process can win: claiming (queued → running),
// renewing (still mine), finishing (still mine), and recovering (the lease
// ran out). A NULL lease on a queued or running job is one left by a process
// from before leases, or by StartJob: it counts as run out.
type Job struct {
	ID          int64 `gorm:"primaryKey"`
	Kind        string
	Key         string
	ActiveKey   *string
	Status      string
	Params      string
	Result      string
	Error       string
	Done        int64
	Total       int64
	Owner       string
	CreatedBy   string
	CreatedAt   time.Time
	StartedAt   *time.Time
	HeartbeatAt *time.Time
	FinishedAt  *time.Time
	LeaseUntil  *time.Time
}

// ErrJobRunning is returned when the same job is already queued or running.
var ErrJobRunning = errors.New("job already running")

// CreateJob inserts a queued job; the unique active key refuses a second
// start of the same job while the first is queued or running. A LeaseUntil
// set by the caller is how long the creating process has to claim the job
// before another may deal with it.
func (s *Store) CreateJob(ctx context.Context, j *Job) error {
	key := j.Key
	j.ActiveKey, j.Status = &key, JobQueued
	if j.Params == "" {
		j.Params = "{}"
	}
	if j.Result == "" {
		j.Result = "{}"
	}
	err := s.conn(ctx).Create(j).Error
	if err != nil && (errors.Is(err, gorm.ErrDuplicatedKey) || isDuplicate(err)) {
		return ErrJobRunning
	}
	return err
}

// JobByID reads a job.
func (s *Store) JobByID(ctx context.Context, id int64) (*Job, error) {
	var j Job
	if err := s.conn(ctx).First(&j, id).Error; err != nil {
		return nil, notFound(err, "任务")
	}
	return &j, nil
}

// ActiveJob returns the queued or running job with a key, if any.
func (s *Store) ActiveJob(ctx context.Context, key string) (*Job, error) {
	var j Job
	err := s.conn(ctx).Where("active_key = ?", key).First(&j).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &j, err
}

// ActiveJobs lists the queued and running jobs of a kind, on any process.
func (s *Store) ActiveJobs(ctx context.Context, kind string) ([]Job, error) {
	var js []Job
	err := s.conn(ctx).Where("kind = ? AND status IN ?", kind, []string{JobQueued, JobRunning}).Order("id").Find(&js).Error
	return js, err
}

// ClaimJob makes owner the runner of a queued job until the lease ends. Of
// several processes claiming the same job at once exactly one gets true:
// the UPDATE matches the row only while it is still queued, and the
// database serialises writers of one row.
func (s *Store) ClaimJob(ctx context.Context, id int64, owner string, at, until time.Time) (bool, error) {
	r := s.conn(ctx).Model(&Job{}).Where("id = ? AND status = ?", id, JobQueued).
		Updates(map[string]any{"status": JobRunning, "owner": owner, "started_at": at, "heartbeat_at": at, "lease_until": until})
	return r.RowsAffected == 1, r.Error
}

// StartJob marks a job running under owner without a lease, as a process
// from before leases did: any process may recover it. Tests use it to leave
// a job behind as a stopped process would.
func (s *Store) StartJob(ctx context.Context, id int64, owner string, at time.Time) error {
	return s.conn(ctx).Model(&Job{}).Where("id = ? AND status = ?", id, JobQueued).
		Updates(map[string]any{"status": JobRunning, "owner": owner, "started_at": at, "heartbeat_at": at, "lease_until": nil}).Error
}

// RenewLease extends owner's lease of a running job; false means the job is
// no longer owner's (its lease ran out and another process recovered it).
func (s *Store) RenewLease(ctx context.Context, id int64, owner string, at, until time.Time) (bool, error) {
	r := s.conn(ctx).Model(&Job{}).Where("id = ? AND owner = ? AND status = ?", id, owner, JobRunning).
		Updates(map[string]any{"heartbeat_at": at, "lease_until": until})
	return r.RowsAffected == 1, r.Error
}

// JobProgress records progress and the heartbeat of owner's running job.
func (s *Store) JobProgress(ctx context.Context, id int64, owner string, done, total int64, at time.Time) error {
	return s.conn(ctx).Model(&Job{}).Where("id = ? AND owner = ? AND status = ?", id, owner, JobRunning).
		Updates(map[string]any{"done": done, "total": total, "heartbeat_at": at}).Error
}

// FinishJob ends owner's running job as done or failed and frees its key;
// false means it was not owner's any more, and nothing was written.
func (s *Store) FinishJob(ctx context.Context, id int64, owner, status, result, errMsg string, at time.Time) (bool, error) {
	if result == "" {
		result = "{}"
	}
	r := s.conn(ctx).Model(&Job{}).Where("id = ? AND owner = ? AND status = ?", id, owner, JobRunning).Updates(map[string]any{
		"status": status, "result": result, "error": errMsg, "finished_at": at, "active_key": nil, "lease_until": nil,
	})
	return r.RowsAffected == 1, r.Error
}

// HandBackJob returns owner's running job to the queue, from the start, for
// any process to claim at once (a server stopping hands back what it can).
func (s *Store) HandBackJob(ctx context.Context, id int64, owner string) (bool, error) {
	r := s.conn(ctx).Model(&Job{}).Where("id = ? AND owner = ? AND status = ?", id, owner, JobRunning).
		Updates(map[string]any{"status": JobQueued, "owner": "", "done": 0, "started_at": nil, "lease_until": nil})
	return r.RowsAffected == 1, r.Error
}

// expired is the condition of a queued or running job whose lease ran out.
func expired(q *gorm.DB, now time.Time) *gorm.DB {
	return q.Where("status IN ? AND (lease_until IS NULL OR lease_until < ?)", []string{JobQueued, JobRunning}, now)
}

// ExpiredJobs lists queued or running jobs whose lease ran out before now:
// left behind by a process that stopped (or stopped renewing). Live jobs of
// other processes are not among them.
func (s *Store) ExpiredJobs(ctx context.Context, now time.Time) ([]Job, error) {
	var js []Job
	err := expired(s.conn(ctx), now).Order("id").Find(&js).Error
	return js, err
}

// QueuedJobs lists up to limit queued jobs of the given kinds, oldest first,
// to be claimed.
func (s *Store) QueuedJobs(ctx context.Context, kinds []string, limit int) ([]Job, error) {
	var js []Job
	if len(kinds) == 0 {
		return nil, nil
	}
	err := s.conn(ctx).Where("status = ? AND kind IN ?", JobQueued, kinds).Order("id").Limit(limit).Find(&js).Error
	return js, err
}

// RequeueExpiredJob puts a running job whose lease ran out back in the
// queue, from the start; false when it is not expired any more (its owner
// renewed, or another process requeued it first).
func (s *Store) RequeueExpiredJob(ctx context.Context, id int64, now time.Time) (bool, error) {
	r := expired(s.conn(ctx).Model(&Job{}), now).Where("id = ? AND status = ?", id, JobRunning).
		Updates(map[string]any{"status": JobQueued, "owner": "", "done": 0, "started_at": nil, "lease_until": nil})
	return r.RowsAffected == 1, r.Error
}

// FailExpiredJob fails a job whose lease ran out, with a message for the
// user; false when it is not expired any more.
func (s *Store) FailExpiredJob(ctx context.Context, id int64, msg string, now time.Time) (bool, error) {
	r := expired(s.conn(ctx).Model(&Job{}), now).Where("id = ?", id).Updates(map[string]any{
		"status": JobFailed, "error": msg, "finished_at": now, "active_key": nil, "lease_until": nil,
	})
	return r.RowsAffected == 1, r.Error
}
