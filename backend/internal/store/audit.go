package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AuditEvent is one line of the audit log. Changes is JSON of
// [{field, before, after}] with personal identifiers already masked.
type AuditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	UserID     *int64
	Username   string
	Role       string
	Action     string
	ObjectType string
	ObjectID   string
	Changes    string
	Result     string
	Reason     string
	RequestID  string
	ClientIP   string
}

// AppendAudit writes an audit event, inside the caller's transaction if any.
// There is no update or delete of audit events anywhere in the store.
func (s *Store) AppendAudit(ctx context.Context, e *AuditEvent) error {
	return s.conn(ctx).Create(e).Error
}

// AuditFilter selects audit events.
type AuditFilter struct {
	From, To time.Time // To exclusive; zero = open
	Username string
	Action   string // prefix, e.g. "user." or "auth.login"
	Result   string
	Page     int
	PageSize int
}

func (s *Store) auditQuery(ctx context.Context, f AuditFilter) *gorm.DB {
	q := s.conn(ctx).Model(&AuditEvent{})
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if f.Username != "" {
		q = q.Where("username = ?", f.Username)
	}
	if f.Action != "" {
		q = q.Where("action LIKE ? ESCAPE '!'", escapeLike(f.Action)+"%")
	}
	if f.Result != "" {
		q = q.Where("result = ?", f.Result)
	}
	return q
}

// AuditEvents pages through events, newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, int64, error) {
	var total int64
	if err := s.auditQuery(ctx, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var es []AuditEvent
	err := s.auditQuery(ctx, f).Order("id DESC").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&es).Error
	return es, total, err
}

// EachAuditEvent streams every matching event, newest first, in batches, so
// an export of a long log does not hold it all in memory.
func (s *Store) EachAuditEvent(ctx context.Context, f AuditFilter, fn func(AuditEvent) error) error {
	const batch = 1000
	var lastID int64 = -1
	for {
		q := s.auditQuery(ctx, f)
		if lastID >= 0 {
			q = q.Where("id < ?", lastID)
		}
		var es []AuditEvent
		if err := q.Order("id DESC").Limit(batch).Find(&es).Error; err != nil {
			return err
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < batch {
			return nil
		}
		lastID = es[len(es)-1].ID
	}
}

// CountAuditSince counts events of one result since a time.
func (s *Store) CountAuditSince(ctx context.Context, since time.Time, result string) (int64, error) {
	var n int64
	return n, s.conn(ctx).Model(&AuditEvent{}).Where("at >= ? AND result = ?", since, result).Count(&n).Error
}

// AuditOfObject lists the events about one object, newest first.
func (s *Store) AuditOfObject(ctx context.Context, objectType, objectID string) ([]AuditEvent, error) {
	var es []AuditEvent
	return es, s.conn(ctx).Where("object_type = ? AND object_id = ?", objectType, objectID).Order("id DESC").Limit(500).Find(&es).Error
}
