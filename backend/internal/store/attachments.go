package store

import (
	"context"
	"time"

	"jingzhun/internal/access"
)

// Attachment is a file kept with a household or member (危房鉴定书, 残疾证,
// the signed paper form, photos). The content lives in the database, so a
// backup of the database is a backup of everything.
type Attachment struct {
	ID          int64 `gorm:"primaryKey"`
	HouseholdID int64
	MemberID    *int64
	Kind        string
	FileName    string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	Content     []byte
	CreatedAt   time.Time
	CreatedBy   string
	DeletedAt   *time.Time
}

// AddAttachment stores a file.
func (s *Store) AddAttachment(ctx context.Context, a *Attachment) error {
	return s.conn(ctx).Create(a).Error
}

// Attachments lists a household's files, without their content.
func (s *Store) Attachments(ctx context.Context, householdID int64) ([]Attachment, error) {
	var as []Attachment
	err := s.conn(ctx).Omit("content").Where("household_id = ? AND deleted_at IS NULL", householdID).Order("id").Find(&as).Error
	return as, err
}

// AttachmentInScope reads one file with its content, if its household is live
// and in scope.
func (s *Store) AttachmentInScope(ctx context.Context, sc access.Scope, id int64) (*Attachment, error) {
	var a Attachment
	err := inScope(s.conn(ctx).Model(&Attachment{}), sc, "households").
		Joins("JOIN households ON households.id = attachments.household_id").
		Where("attachments.id = ? AND attachments.deleted_at IS NULL AND households.deleted_at IS NULL", id).
		Select("attachments.*").First(&a).Error
	if err != nil {
		return nil, notFound(err, "附件")
	}
	return &a, nil
}

// DeleteAttachment hides a file; it stays for the audit.
func (s *Store) DeleteAttachment(ctx context.Context, id int64, at time.Time) error {
	return s.conn(ctx).Model(&Attachment{}).Where("id = ?", id).Update("deleted_at", at).Error
}
