package store

import (
	"context"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// ListRecord is a record kept on a village list (a meeting, a survey, a
// decision, the announcement); Body is the kind's typed fields as JSON.
type ListRecord struct {
	ID          int64 `gorm:"primaryKey"`
	ListID      int64
	Kind        string
	Stage       int
	HeldOn      localdate.Date
	GroupID     *int64
	HouseholdID *int64
	Body        string
	Void        bool
	CreatedBy   string
	CreatedAt   time.Time
}

// RecordOpinion is an opinion raised at a public review meeting.
type RecordOpinion struct {
	ID         int64 `gorm:"primaryKey"`
	RecordID   int64
	ListID     int64
	Text       string
	NeedsCheck bool
	Answer     string
	AnsweredBy string
	AnsweredAt *time.Time
}

// ListFile is a scan or photo kept with a record or a notice.
type ListFile struct {
	ID          int64 `gorm:"primaryKey"`
	ListID      int64
	RecordID    *int64
	NoticeID    *int64
	FileName    string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	Content     []byte
	CreatedBy   string
	CreatedAt   time.Time
}

// AddListRecord stores a record.
func (s *Store) AddListRecord(ctx context.Context, r *ListRecord) error {
	return s.conn(ctx).Create(r).Error
}

// ListRecords reads a list's records, the void ones too, oldest first.
func (s *Store) ListRecords(ctx context.Context, listID int64) ([]ListRecord, error) {
	var rs []ListRecord
	return rs, s.conn(ctx).Where("list_id = ?", listID).Order("created_at, id").Find(&rs).Error
}

// ListRecordByID reads one record of a list.
func (s *Store) ListRecordByID(ctx context.Context, listID, id int64) (*ListRecord, error) {
	var r ListRecord
	if err := s.conn(ctx).Where("list_id = ? AND id = ?", listID, id).Take(&r).Error; err != nil {
		return nil, notFound(err, "记录")
	}
	return &r, nil
}

// VoidRecordsAfter voids a list's records of the stages after stage (a
// send-back: everything after the target is done again).
func (s *Store) VoidRecordsAfter(ctx context.Context, listID int64, stage int) error {
	return s.conn(ctx).Model(&ListRecord{}).Where("list_id = ? AND stage > ? AND NOT void", listID, stage).Update("void", true).Error
}

// CountRecords counts a list's live records of a kind.
func (s *Store) CountRecords(ctx context.Context, listID int64, kinds ...string) (int, error) {
	var n int64
	err := s.conn(ctx).Model(&ListRecord{}).Where("list_id = ? AND kind IN ? AND NOT void", listID, kinds).Count(&n).Error
	return int(n), err
}

// CountRecordedDistinct counts the distinct groups (column group_id) or
// households (household_id) covered by a list's live records of a kind that
// still belong to the village.
func (s *Store) CountRecordedDistinct(ctx context.Context, listID int64, kind, column, villageCode string) (int, error) {
	var n int64
	q := s.conn(ctx).Table("list_records r").Where("r.list_id = ? AND r.kind = ? AND NOT r.void", listID, kind)
	switch column {
	case "group_id":
		q = q.Joins("JOIN village_groups g ON g.id = r.group_id AND g.village_code = ?", villageCode)
	default:
		column = "household_id"
		q = q.Joins("JOIN households h ON h.id = r.household_id AND h.village_code = ? AND h.deleted_at IS NULL", villageCode)
	}
	err := q.Distinct("r." + column).Count(&n).Error
	return int(n), err
}

// AddOpinions stores a meeting's opinions.
func (s *Store) AddOpinions(ctx context.Context, os []RecordOpinion) error {
	if len(os) == 0 {
		return nil
	}
	return s.conn(ctx).Create(&os).Error
}

// Opinions reads a list's opinions.
func (s *Store) Opinions(ctx context.Context, listID int64) ([]RecordOpinion, error) {
	var os []RecordOpinion
	return os, s.conn(ctx).Where("list_id = ?", listID).Order("id").Find(&os).Error
}

// AnswerOpinion records the answer to an opinion of a list.
func (s *Store) AnswerOpinion(ctx context.Context, listID, id int64, answer, by string, at time.Time) error {
	res := s.conn(ctx).Model(&RecordOpinion{}).Where("list_id = ? AND id = ?", listID, id).
		Updates(map[string]any{"answer": answer, "answered_by": by, "answered_at": at})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.NotFoundf("意见")
	}
	return nil
}

// CountOpenOpinions counts opinions needing a check that are unanswered, on
// the list's live records.
func (s *Store) CountOpenOpinions(ctx context.Context, listID int64) (int, error) {
	var n int64
	err := s.conn(ctx).Table("record_opinions o").Joins("JOIN list_records r ON r.id = o.record_id AND NOT r.void").
		Where("o.list_id = ? AND o.needs_check AND o.answered_at IS NULL", listID).Count(&n).Error
	return int(n), err
}

// AddListFile stores a file.
func (s *Store) AddListFile(ctx context.Context, f *ListFile) error {
	return s.conn(ctx).Create(f).Error
}

// ListFiles reads a list's files without their content.
func (s *Store) ListFiles(ctx context.Context, listID int64) ([]ListFile, error) {
	var fs []ListFile
	return fs, s.conn(ctx).Omit("content").Where("list_id = ?", listID).Order("id").Find(&fs).Error
}

// ListFileByID reads one file of a list with its content.
func (s *Store) ListFileByID(ctx context.Context, listID, id int64) (*ListFile, error) {
	var f ListFile
	if err := s.conn(ctx).Where("list_id = ? AND id = ?", listID, id).Take(&f).Error; err != nil {
		return nil, notFound(err, "文件")
	}
	return &f, nil
}
