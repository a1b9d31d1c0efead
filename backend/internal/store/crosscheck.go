package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/register"
)

// Statuses of a department register import.
const (
	ImportQueued    = "queued"
	ImportRunning   = "running"
	ImportRefused   = "refused"   // a bad row: nothing imported
	ImportValidated = "validated" // a dry run found no problem
	ImportImported  = "imported"
	ImportUnchanged = "unchanged" // the same file was imported before
	ImportFailed    = "failed"    // stopped (server restart, database error): nothing imported
)

// Statuses of a discrepancy.
const (
	DiscrepancyOpen     = "open"
	DiscrepancyAccepted = "accepted" // the department's value was taken
	DiscrepancyKept     = "kept"     // the survey's value was kept, with a reason
)

// DeptImport is one upload of a department's register.
type DeptImport struct {
	ID            int64 `gorm:"primaryKey"`
	Department    string
	Dataset       string
	CampaignID    int64
	FileName      string
	FileSHA256    string `gorm:"column:file_sha256"`
	FileSize      int64
	DryRun        bool
	Status        string
	Message       string
	Rows          int64
	ProblemCount  int64
	Matched       int64
	Unmatched     int64
	Discrepancies int64
	SameAs        *int64
	JobID         *int64
	CreatedBy     string
	CreatedAt     time.Time
	FinishedAt    *time.Time
}

// TableName is the table of imports.
func (DeptImport) TableName() string { return "dept_imports" }

// ImportProblem is one bad cell of a refused file.
type ImportProblem struct {
	ID       int64 `gorm:"primaryKey"`
	ImportID int64
	RowNo    int
	Col      string `gorm:"column:col"`
	Value    string
	Reason   string
}

// TableName is the table of import problems.
func (ImportProblem) TableName() string { return "dept_import_problems" }

// DeptRecord is one row of an imported register, in clear; the store seals
// the ID number and the data on the way in and opens them on the way out.
type DeptRecord struct {
	ID          int64
	ImportID    int64
	RowNo       int
	IDIndex     string
	IDNumber    string
	Name        string
	Data        string // JSON object of the row's other values
	MemberID    *int64
	HouseholdID *int64
}

// Discrepancy is a department record that differs from the survey.
type Discrepancy struct {
	ID              int64 `gorm:"primaryKey"`
	CampaignID      int64
	Fingerprint     string
	ImportID        int64
	RecordID        int64
	Dataset         string
	Department      string
	Rule            string
	Field           string
	FieldLabel      string
	HouseholdID     int64
	MemberID        int64
	StreetCode      string
	VillageCode     string
	SurveyValue     string
	DepartmentValue string
	KeyVersion      int
	Status          string
	Reason          string
	ResolvedBy      string
	ResolvedAt      *time.Time
	CreatedAt       time.Time
}

// TableName is the table of discrepancies.
func (Discrepancy) TableName() string { return "discrepancies" }

// Sealed columns of the cross-check tables.
const (
	colRecordIDNumber = "dept_records.id_number"
	colRecordData     = "dept_records.data"
	colSurveyValue    = "discrepancies.survey_value"
	colDeptValue      = "discrepancies.department_value"
)

// CreateDeptImport inserts an import.
func (s *Store) CreateDeptImport(ctx context.Context, d *DeptImport) error {
	return s.conn(ctx).Create(d).Error
}

// SaveDeptImport writes an import's state.
func (s *Store) SaveDeptImport(ctx context.Context, d *DeptImport) error {
	return s.conn(ctx).Save(d).Error
}

// SetDeptImportJob records the job running an import.
func (s *Store) SetDeptImportJob(ctx context.Context, id, jobID int64) error {
	return s.conn(ctx).Model(&DeptImport{}).Where("id = ?", id).Update("job_id", jobID).Error
}

// DeptImportByID reads an import; dept "" reads any department's.
func (s *Store) DeptImportByID(ctx context.Context, dept string, id int64) (*DeptImport, error) {
	var d DeptImport
	q := s.conn(ctx).Where("id = ?", id)
	if dept != "" {
		q = q.Where("department = ?", dept)
	}
	if err := q.First(&d).Error; err != nil {
		return nil, notFound(err, "导入记录")
	}
	return &d, nil
}

// DeptImports lists a department's imports, newest first; dept "" lists all.
func (s *Store) DeptImports(ctx context.Context, dept string, page, size int) ([]DeptImport, int64, error) {
	q := s.conn(ctx).Model(&DeptImport{})
	if dept != "" {
		q = q.Where("department = ?", dept)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []DeptImport
	err := q.Order("id DESC").Offset((page - 1) * size).Limit(size).Find(&out).Error
	return out, total, err
}

// ImportedFile finds the import that already brought in this file, if any.
func (s *Store) ImportedFile(ctx context.Context, dataset, sha string) (*DeptImport, error) {
	var d DeptImport
	err := s.conn(ctx).Where("dataset = ? AND file_sha256 = ? AND status = ?", dataset, sha, ImportImported).
		Order("id").First(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &d, err
}

// FailUnfinishedImports marks as failed the imports left queued or running
// without a live job: their job ended without finishing them, or (no job
// recorded, and created before `before`) their process stopped before it
// started one. Their transaction never committed, so nothing of them is in
// the database. An import whose job is live, on this process or another
// sharing the database, is left alone.
func (s *Store) FailUnfinishedImports(ctx context.Context, msg string, at, before time.Time) (int64, error) {
	live := s.conn(ctx).Model(&Job{}).Select("id").Where("status IN ?", []string{JobQueued, JobRunning})
	r := s.conn(ctx).Model(&DeptImport{}).Where("status IN ?", []string{ImportQueued, ImportRunning}).
		Where("(job_id IS NOT NULL AND job_id NOT IN (?)) OR (job_id IS NULL AND created_at < ?)", live, before).
		Updates(map[string]any{"status": ImportFailed, "message": msg, "finished_at": at})
	return r.RowsAffected, r.Error
}

// FailUnfinishedImport marks one import failed unless it already ended.
func (s *Store) FailUnfinishedImport(ctx context.Context, id int64, msg string, at time.Time) error {
	return s.conn(ctx).Model(&DeptImport{}).Where("id = ? AND status IN ?", id, []string{ImportQueued, ImportRunning}).
		Updates(map[string]any{"status": ImportFailed, "message": msg, "finished_at": at}).Error
}

// SaveImportProblems writes problems of a refused file.
func (s *Store) SaveImportProblems(ctx context.Context, ps []ImportProblem) error {
	if len(ps) == 0 {
		return nil
	}
	return s.conn(ctx).CreateInBatches(ps, 500).Error
}

// ImportProblems lists an import's problems in row order, limit 0 for all.
func (s *Store) ImportProblems(ctx context.Context, importID int64, limit int) ([]ImportProblem, error) {
	var out []ImportProblem
	q := s.conn(ctx).Where("import_id = ?", importID).Order("row_no, id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	return out, q.Find(&out).Error
}

// LiveMember is a member of a live household, found by blind index.
type LiveMember struct {
	MemberID    int64
	HouseholdID int64
}

// LiveMembersByIDIndex finds the live members with these blind indexes.
func (s *Store) LiveMembersByIDIndex(ctx context.Context, indexes []string) (map[string]LiveMember, error) {
	out := make(map[string]LiveMember, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	var rows []struct {
		ID          int64
		HouseholdID int64
		ActiveIDKey string
	}
	err := s.conn(ctx).Table("members").Select("id, household_id, active_id_key").
		Where("active_id_key IN ?", indexes).Find(&rows).Error
	for _, r := range rows {
		out[r.ActiveIDKey] = LiveMember{MemberID: r.ID, HouseholdID: r.HouseholdID}
	}
	return out, err
}

// HouseholdsByIDs reads live households in full by ID, across the whole
// district (departments match everywhere), opened.
func (s *Store) HouseholdsByIDs(ctx context.Context, ids []int64) (map[int64]*register.Household, error) {
	hs, err := s.TaskHouseholdsByIDs(ctx, access.Scope{Whole: true}, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*register.Household, len(hs))
	for _, h := range hs {
		out[h.ID] = h
	}
	return out, nil
}

// InsertDeptRecords writes a batch of records with one multi-row INSERT
// (the import's hot path: a million rows must go in at LOAD DATA's pace),
// sealing each ID number and data document. IDs are not read back.
func (s *Store) InsertDeptRecords(ctx context.Context, rs []DeptRecord) error {
	if len(rs) == 0 {
		return nil
	}
	k, err := s.keyring()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.Grow(64 + len(rs)*24)
	b.WriteString("INSERT INTO dept_records (import_id, row_no, id_index, id_number, name, data, key_version, member_id, household_id) VALUES ")
	args := make([]any, 0, len(rs)*9)
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?)")
		args = append(args, r.ImportID, r.RowNo, r.IDIndex, k.Seal(colRecordIDNumber, r.IDNumber), r.Name,
			k.Seal(colRecordData, r.Data), k.Current(), r.MemberID, r.HouseholdID)
	}
	// Straight to the connection (the transaction in ctx): GORM's statement
	// building was a fifth of the importer's CPU for this one statement.
	_, err = s.conn(ctx).Statement.ConnPool.ExecContext(ctx, b.String(), args...)
	return err
}

// DeptRecordIDs maps rows of an import to their record IDs (the multi-row
// INSERT does not read them back), with the (import_id, row_no) index.
func (s *Store) DeptRecordIDs(ctx context.Context, importID int64, rows []int) (map[int]int64, error) {
	var found []struct {
		ID    int64
		RowNo int
	}
	err := s.conn(ctx).Table("dept_records").Select("id, row_no").Where("import_id = ? AND row_no IN ?", importID, rows).Scan(&found).Error
	out := make(map[int]int64, len(found))
	for _, f := range found {
		out[f.RowNo] = f.ID
	}
	return out, err
}

// DeptRecordByID reads one record, opened.
func (s *Store) DeptRecordByID(ctx context.Context, id int64) (*DeptRecord, error) {
	var r DeptRecord
	if err := s.conn(ctx).Table("dept_records").Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err, "部门记录")
	}
	return &r, s.openRecord(&r)
}

func (s *Store) openRecord(r *DeptRecord) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if r.IDNumber, err = k.Open(colRecordIDNumber, r.IDNumber); err != nil {
		return fmt.Errorf("record %d: %w", r.ID, err)
	}
	if r.Data, err = k.Open(colRecordData, r.Data); err != nil {
		return fmt.Errorf("record %d: %w", r.ID, err)
	}
	return nil
}

// UnmatchedRecords pages an import's records that match no member of the
// register (people outside it), opened.
func (s *Store) UnmatchedRecords(ctx context.Context, importID int64, page, size int) ([]DeptRecord, error) {
	var out []DeptRecord
	err := s.conn(ctx).Table("dept_records").Where("import_id = ? AND member_id IS NULL", importID).
		Order("row_no").Offset((page - 1) * size).Limit(size).Find(&out).Error
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.openRecord(&out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CreateDiscrepancy inserts a discrepancy unless one with the same
// fingerprint is already in the campaign (the same difference found again);
// reports whether it was new.
func (s *Store) CreateDiscrepancy(ctx context.Context, d *Discrepancy) (bool, error) {
	var n int64
	if err := s.conn(ctx).Model(&Discrepancy{}).Where("campaign_id = ? AND fingerprint = ?", d.CampaignID, d.Fingerprint).
		Count(&n).Error; err != nil || n > 0 {
		return false, err
	}
	c, err := s.sealDiscrepancy(d)
	if err != nil {
		return false, err
	}
	if err := s.conn(ctx).Create(c).Error; err != nil {
		return false, err
	}
	d.ID = c.ID
	return true, nil
}

func (s *Store) sealDiscrepancy(d *Discrepancy) (*Discrepancy, error) {
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	c := *d
	c.SurveyValue = k.Seal(colSurveyValue, d.SurveyValue)
	c.DepartmentValue = k.Seal(colDeptValue, d.DepartmentValue)
	c.KeyVersion = k.Current()
	return &c, nil
}

func (s *Store) openDiscrepancy(d *Discrepancy) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if d.SurveyValue, err = k.Open(colSurveyValue, d.SurveyValue); err != nil {
		return fmt.Errorf("discrepancy %d: %w", d.ID, err)
	}
	if d.DepartmentValue, err = k.Open(colDeptValue, d.DepartmentValue); err != nil {
		return fmt.Errorf("discrepancy %d: %w", d.ID, err)
	}
	return nil
}

// DiscrepancyFilter selects discrepancies.
type DiscrepancyFilter struct {
	CampaignID  int64
	Status      string // "" for all
	Dataset     string
	Rule        string
	StreetCode  string
	VillageCode string
	HouseholdID int64
	Page        int
	PageSize    int
}

// DiscrepancyRow is a discrepancy with its place and people named.
type DiscrepancyRow struct {
	Discrepancy
	HouseholdCode string
	StreetName    string
	VillageName   string
	MemberName    string
	MemberIDNo    string
}

func (s *Store) discrepancyQuery(ctx context.Context, sc access.Scope, f DiscrepancyFilter) *gorm.DB {
	q := inScope(s.conn(ctx).Table("discrepancies"), sc, "discrepancies").Where("discrepancies.campaign_id = ?", f.CampaignID)
	if f.Status != "" {
		q = q.Where("discrepancies.status = ?", f.Status)
	}
	if f.Dataset != "" {
		q = q.Where("discrepancies.dataset = ?", f.Dataset)
	}
	if f.Rule != "" {
		q = q.Where("discrepancies.rule = ?", f.Rule)
	}
	if f.StreetCode != "" {
		q = q.Where("discrepancies.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("discrepancies.village_code = ?", f.VillageCode)
	}
	if f.HouseholdID != 0 {
		q = q.Where("discrepancies.household_id = ?", f.HouseholdID)
	}
	return q
}

const discrepancySelect = "discrepancies.*, households.code AS household_code, streets.name AS street_name, " +
	"villages.name AS village_name, members.name AS member_name, members.id_number AS member_id_no"

func (s *Store) discrepancyJoins(q *gorm.DB) *gorm.DB {
	return q.Select(discrepancySelect).
		Joins("JOIN households ON households.id = discrepancies.household_id").
		Joins("LEFT JOIN members ON members.id = discrepancies.member_id").
		Joins("LEFT JOIN villages ON villages.code = discrepancies.village_code").
		Joins("LEFT JOIN streets ON streets.code = discrepancies.street_code")
}

// Discrepancies pages the discrepancies in a scope, opened.
func (s *Store) Discrepancies(ctx context.Context, sc access.Scope, f DiscrepancyFilter) ([]DiscrepancyRow, int64, error) {
	var total int64
	if err := s.discrepancyQuery(ctx, sc, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []DiscrepancyRow
	q := s.discrepancyJoins(s.discrepancyQuery(ctx, sc, f)).Order("discrepancies.id DESC")
	if f.PageSize > 0 {
		q = q.Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, 0, err
	}
	return rows, total, s.openDiscrepancyRows(rows)
}

func (s *Store) openDiscrepancyRows(rows []DiscrepancyRow) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	for i := range rows {
		if err := s.openDiscrepancy(&rows[i].Discrepancy); err != nil {
			return err
		}
		if rows[i].MemberIDNo, err = k.Open(colIDNumber, rows[i].MemberIDNo); err != nil {
			return fmt.Errorf("discrepancy %d member: %w", rows[i].ID, err)
		}
	}
	return nil
}

// EachDiscrepancy streams the discrepancies of a filter page by page (exports).
func (s *Store) EachDiscrepancy(ctx context.Context, sc access.Scope, f DiscrepancyFilter, fn func(DiscrepancyRow) error) error {
	return eachPage(func(page, size int) ([]DiscrepancyRow, error) {
		f.Page, f.PageSize = page, size
		rows, _, err := s.Discrepancies(ctx, sc, f)
		return rows, err
	}, fn)
}

// DiscrepancyCounts counts a filter's discrepancies by status.
func (s *Store) DiscrepancyCounts(ctx context.Context, sc access.Scope, f DiscrepancyFilter) (map[string]int64, error) {
	f.Status = ""
	var rows []struct {
		Status string
		N      int64
	}
	err := s.discrepancyQuery(ctx, sc, f).Select("discrepancies.status, COUNT(*) AS n").Group("discrepancies.status").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

// Discrepancy reads one discrepancy in the scope (out of scope: not found).
func (s *Store) Discrepancy(ctx context.Context, sc access.Scope, id int64) (*DiscrepancyRow, error) {
	var rows []DiscrepancyRow
	q := s.discrepancyJoins(inScope(s.conn(ctx).Table("discrepancies"), sc, "discrepancies").Where("discrepancies.id = ?", id))
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound(gorm.ErrRecordNotFound, "差异")
	}
	return &rows[0], s.openDiscrepancyRows(rows)
}

// ResolveDiscrepancy records the check team's decision on an open
// discrepancy; a second decision on the same one is a conflict.
func (s *Store) ResolveDiscrepancy(ctx context.Context, id int64, status, reason, by string, at time.Time) error {
	r := s.conn(ctx).Model(&Discrepancy{}).Where("id = ? AND status = ?", id, DiscrepancyOpen).
		Updates(map[string]any{"status": status, "reason": reason, "resolved_by": by, "resolved_at": at})
	if r.Error != nil {
		return r.Error
	}
	if r.RowsAffected == 0 {
		return ErrAlreadyResolved
	}
	return nil
}

// ErrAlreadyResolved is returned when a discrepancy was decided meanwhile.
var ErrAlreadyResolved = errors.New("discrepancy already resolved")

// OpenDiscrepancies counts the open discrepancies of a village in a
// campaign (a village cannot leave cross_check with any, workflow.md).
func (s *Store) OpenDiscrepancies(ctx context.Context, campaignID int64, villageCode string) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Discrepancy{}).
		Where("campaign_id = ? AND village_code = ? AND status = ?", campaignID, villageCode, DiscrepancyOpen).Count(&n).Error
	return n, err
}
