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
}

// ErrJobRunning is returned when the same job is already queued or running.
var ErrJobRunning = errors.New("job already running")

// CreateJob inserts a queued job; the unique active key refuses a second
// start of the same job while the first is queued or running.
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

// StartJob marks a job running under an owner (this process).
func (s *Store) StartJob(ctx context.Context, id int64, owner string, at time.Time) error {
	return s.conn(ctx).Model(&Job{}).Where("id = ? AND status = ?", id, JobQueued).
		Updates(map[string]any{"status": JobRunning, "owner": owner, "started_at": at, "heartbeat_at": at}).Error
}

// JobProgress records progress and the heartbeat.
func (s *Store) JobProgress(ctx context.Context, id, done, total int64, at time.Time) error {
	return s.conn(ctx).Model(&Job{}).Where("id = ?", id).
		Updates(map[string]any{"done": done, "total": total, "heartbeat_at": at}).Error
}

// FinishJob ends a job as done or failed and frees its key.
func (s *Store) FinishJob(ctx context.Context, id int64, status, result, errMsg string, at time.Time) error {
	if result == "" {
		result = "{}"
	}
	return s.conn(ctx).Model(&Job{}).Where("id = ?", id).Updates(map[string]any{
		"status": status, "result": result, "error": errMsg, "finished_at": at, "active_key": nil,
	}).Error
}

// OrphanedJobs lists queued or running jobs not owned by owner: left behind
// by a process that stopped.
func (s *Store) OrphanedJobs(ctx context.Context, owner string) ([]Job, error) {
	var js []Job
	err := s.conn(ctx).Where("status IN ? AND owner <> ?", []string{JobQueued, JobRunning}, owner).Find(&js).Error
	return js, err
}

// RequeueJob hands an orphaned job to a new owner from the start.
func (s *Store) RequeueJob(ctx context.Context, id int64) error {
	return s.conn(ctx).Model(&Job{}).Where("id = ?", id).
		Updates(map[string]any{"status": JobQueued, "owner": "", "done": 0, "started_at": nil}).Error
}
