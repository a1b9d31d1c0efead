package store

import (
	"context"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// Notice is a posting of a list (公示) at village or street level.
type Notice struct {
	ID            int64 `gorm:"primaryKey"`
	ListID        int64
	Level         string
	PostedOn      localdate.Date
	Place         string
	ReportPhone   string
	Supervisor    string
	IssuedBy      string
	PostedBy      string
	CreatedAt     time.Time
	SupersededAt  *time.Time
	SupersededWhy string
}

// Report statuses.
const (
	ReportOpen     = "open"
	ReportUpheld   = "upheld"
	ReportRejected = "rejected"
)

// Report is a report (举报) received during a notice.
type Report struct {
	ID             int64 `gorm:"primaryKey"`
	ListID         int64
	NoticeID       int64
	Level          string
	ReceivedOn     localdate.Date
	Channel        string
	Content        string
	Status         string
	Findings       string
	Answer         string
	InvestigatedBy string
	InvestigatedAt *time.Time
	CreatedBy      string
	CreatedAt      time.Time
	CaseIDs        []int64 `gorm:"-"`
}

type reportCase struct {
	ReportID int64 `gorm:"primaryKey;autoIncrement:false"`
	CaseID   int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (reportCase) TableName() string { return "report_cases" }

// AddNotice stores a posting.
func (s *Store) AddNotice(ctx context.Context, n *Notice) error { return s.conn(ctx).Create(n).Error }

// Notices reads a list's postings, newest first.
func (s *Store) Notices(ctx context.Context, listID int64) ([]Notice, error) {
	var ns []Notice
	return ns, s.conn(ctx).Where("list_id = ?", listID).Order("created_at DESC, id DESC").Find(&ns).Error
}

// CurrentNotice is the list's posting at level not superseded, nil when none.
func (s *Store) CurrentNotice(ctx context.Context, listID int64, level string) (*Notice, error) {
	var ns []Notice
	err := s.conn(ctx).Where("list_id = ? AND level = ? AND superseded_at IS NULL", listID, level).
		Order("id DESC").Limit(1).Find(&ns).Error
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return &ns[0], nil
}

// SupersedeNotices ends a list's current postings (a case changed after
// posting, or a send-back); it returns how many it ended.
func (s *Store) SupersedeNotices(ctx context.Context, listID int64, why string, at time.Time) (int64, error) {
	res := s.conn(ctx).Model(&Notice{}).Where("list_id = ? AND superseded_at IS NULL", listID).
		Updates(map[string]any{"superseded_at": at, "superseded_why": why})
	return res.RowsAffected, res.Error
}

// AddReport stores a report and the cases it names.
func (s *Store) AddReport(ctx context.Context, r *Report) error {
	if err := s.conn(ctx).Create(r).Error; err != nil {
		return err
	}
	for _, id := range r.CaseIDs {
		if err := s.conn(ctx).Create(&reportCase{ReportID: r.ID, CaseID: id}).Error; err != nil {
			return err
		}
	}
	return nil
}

// Reports reads a list's reports with their cases, newest first.
func (s *Store) Reports(ctx context.Context, listID int64) ([]Report, error) {
	var rs []Report
	if err := s.conn(ctx).Where("list_id = ?", listID).Order("created_at DESC, id DESC").Find(&rs).Error; err != nil {
		return nil, err
	}
	return rs, s.fillReportCases(ctx, rs)
}

func (s *Store) fillReportCases(ctx context.Context, rs []Report) error {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]int64, len(rs))
	at := map[int64]int{}
	for i, r := range rs {
		ids[i], at[r.ID] = r.ID, i
	}
	var links []reportCase
	if err := s.conn(ctx).Where("report_id IN ?", ids).Order("case_id").Find(&links).Error; err != nil {
		return err
	}
	for _, l := range links {
		rs[at[l.ReportID]].CaseIDs = append(rs[at[l.ReportID]].CaseIDs, l.CaseID)
	}
	return nil
}

// ReportByID reads one report of a list with its cases.
func (s *Store) ReportByID(ctx context.Context, listID, id int64) (*Report, error) {
	var r Report
	if err := s.conn(ctx).Where("list_id = ? AND id = ?", listID, id).Take(&r).Error; err != nil {
		return nil, notFound(err, "举报")
	}
	rs := []Report{r}
	if err := s.fillReportCases(ctx, rs); err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// CloseReport records a report's investigation if it is still open.
func (s *Store) CloseReport(ctx context.Context, r *Report) error {
	res := s.conn(ctx).Model(&Report{}).Where("id = ? AND status = ?", r.ID, ReportOpen).
		Updates(map[string]any{"status": r.Status, "findings": r.Findings, "answer": r.Answer,
			"investigated_by": r.InvestigatedBy, "investigated_at": r.InvestigatedAt})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.Conflict, "该举报的调查结果已登记")
	}
	return nil
}

// CountOpenReports counts a list's open reports at a level.
func (s *Store) CountOpenReports(ctx context.Context, listID int64, level string) (int, error) {
	var n int64
	err := s.conn(ctx).Model(&Report{}).Where("list_id = ? AND level = ? AND status = ?", listID, level, ReportOpen).Count(&n).Error
	return int(n), err
}

// OpenReportsInScope counts open reports on the lists of a campaign that the
// given role investigates (by level), in the scope's villages.
func (s *Store) OpenReportsIn(ctx context.Context, campaignID int64, villages []string, whole bool, level string) (int64, error) {
	var n int64
	q := s.conn(ctx).Table("reports r").Joins("JOIN village_lists l ON l.id = r.list_id").
		Where("l.campaign_id = ? AND r.status = ? AND r.level = ?", campaignID, ReportOpen, level)
	if !whole {
		q = q.Where("l.village_code IN ?", villages)
	}
	return n, q.Count(&n).Error
}

// OpenReportCounts counts the open reports of many lists at once (the board).
func (s *Store) OpenReportCounts(ctx context.Context, listIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(listIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ListID int64
		N      int
	}
	err := s.conn(ctx).Model(&Report{}).Select("list_id, COUNT(*) AS n").Where("list_id IN ? AND status = ?", listIDs, ReportOpen).
		Group("list_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ListID] = r.N
	}
	return out, err
}
