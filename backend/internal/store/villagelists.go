package store

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/workflow"
)

// CampaignDeadline is a campaign's deadline for one stage.
type CampaignDeadline struct {
	CampaignID int64 `gorm:"primaryKey;autoIncrement:false"`
	Stage      int   `gorm:"primaryKey;autoIncrement:false"`
	DueOn      localdate.Date
}

// CampaignDeadlines reads a campaign's deadlines by stage.
func (s *Store) CampaignDeadlines(ctx context.Context, campaignID int64) (map[int]localdate.Date, error) {
	var ds []CampaignDeadline
	if err := s.conn(ctx).Where("campaign_id = ?", campaignID).Find(&ds).Error; err != nil {
		return nil, err
	}
	out := make(map[int]localdate.Date, len(ds))
	for _, d := range ds {
		out[d.Stage] = d.DueOn
	}
	return out, nil
}

// SaveCampaignDeadlines replaces a campaign's deadlines.
func (s *Store) SaveCampaignDeadlines(ctx context.Context, campaignID int64, due map[int]localdate.Date) error {
	if err := s.conn(ctx).Where("campaign_id = ?", campaignID).Delete(&CampaignDeadline{}).Error; err != nil {
		return err
	}
	for stage, d := range due {
		if err := s.conn(ctx).Create(&CampaignDeadline{CampaignID: campaignID, Stage: stage, DueOn: d}).Error; err != nil {
			return err
		}
	}
	return nil
}

// VillageList is a village's list (村级名单) in a campaign.
type VillageList struct {
	ID          int64 `gorm:"primaryKey"`
	CampaignID  int64
	VillageCode string
	StreetCode  string
	Stage       int
	Version     int64
	StageSince  time.Time
	MovedBy     string
	CreatedAt   time.Time
}

// ListEvent is one entry of a list's history.
type ListEvent struct {
	ID        int64 `gorm:"primaryKey"`
	ListID    int64
	Kind      string // opened, moved, sent_back
	FromStage int
	ToStage   int
	Reason    string
	Actor     string
	ActorRole string
	At        time.Time
}

// OpenVillageLists opens a list at stage 1 for every administrative village
// that has none in the campaign, with the time and actor of the opening;
// it returns how many it opened.
func (s *Store) OpenVillageLists(ctx context.Context, campaignID int64, actor string, at time.Time) (int, error) {
	var villages []Village
	err := s.conn(ctx).Where("code NOT IN (?)", s.conn(ctx).Model(&VillageList{}).Select("village_code").Where("campaign_id = ?", campaignID)).
		Order("sort, code").Find(&villages).Error
	if err != nil || len(villages) == 0 {
		return 0, err
	}
	for _, v := range villages {
		l := VillageList{CampaignID: campaignID, VillageCode: v.Code, StreetCode: v.StreetCode, Stage: 1, Version: 1,
			StageSince: at, MovedBy: actor, CreatedAt: at}
		if err := s.conn(ctx).Create(&l).Error; err != nil {
			return 0, err
		}
		if err := s.AddListEvent(ctx, &ListEvent{ListID: l.ID, Kind: "opened", ToStage: 1, Actor: actor, ActorRole: "district", At: at}); err != nil {
			return 0, err
		}
		if _, err := s.SyncCases(ctx, &l); err != nil {
			return 0, err
		}
	}
	return len(villages), nil
}

// VillageListRow is a list with its place names and case figures, for the board.
type VillageListRow struct {
	VillageList
	VillageName string
	StreetName  string
}

// VillageListFilter selects lists of a campaign.
type VillageListFilter struct {
	StreetCode  string
	VillageCode string
	Stage       int
}

// VillageLists lists a campaign's lists in the scope, in region order.
func (s *Store) VillageLists(ctx context.Context, sc access.Scope, campaignID int64, f VillageListFilter) ([]VillageListRow, error) {
	q := inScope(s.conn(ctx).Table("village_lists"), sc, "village_lists").Where("village_lists.campaign_id = ?", campaignID)
	if f.StreetCode != "" {
		q = q.Where("village_lists.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("village_lists.village_code = ?", f.VillageCode)
	}
	if f.Stage != 0 {
		q = q.Where("village_lists.stage = ?", f.Stage)
	}
	var rows []VillageListRow
	err := q.Select("village_lists.*, villages.name AS village_name, streets.name AS street_name").
		Joins("JOIN villages ON villages.code = village_lists.village_code").
		Joins("JOIN streets ON streets.code = village_lists.street_code").
		Order("streets.sort, villages.sort, village_lists.village_code").Scan(&rows).Error
	return rows, err
}

// VillageListByID reads one list in the scope; outside it is not found.
func (s *Store) VillageListByID(ctx context.Context, sc access.Scope, id int64) (*VillageListRow, error) {
	q := inScope(s.conn(ctx).Table("village_lists"), sc, "village_lists").Where("village_lists.id = ?", id)
	var rows []VillageListRow
	err := q.Select("village_lists.*, villages.name AS village_name, streets.name AS street_name").
		Joins("JOIN villages ON villages.code = village_lists.village_code").
		Joins("JOIN streets ON streets.code = village_lists.street_code").Limit(1).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.NotFoundf("村级名单")
	}
	return &rows[0], nil
}

// VillageListOf is the list of a village in a campaign, nil when none is open.
func (s *Store) VillageListOf(ctx context.Context, campaignID int64, villageCode string) (*VillageList, error) {
	var ls []VillageList
	err := s.conn(ctx).Where("campaign_id = ? AND village_code = ?", campaignID, villageCode).Limit(1).Find(&ls).Error
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	return &ls[0], nil
}

// SetListStage moves a list to stage if it is still at version; a list
// moved by someone else meanwhile is a conflict.
func (s *Store) SetListStage(ctx context.Context, l *VillageList, stage int, actor string, at time.Time) error {
	res := s.conn(ctx).Model(&VillageList{}).Where("id = ? AND version = ?", l.ID, l.Version).
		Updates(map[string]any{"stage": stage, "version": l.Version + 1, "stage_since": at, "moved_by": actor})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "名单刚被他人推进或退回，您的操作未执行；请刷新后查看名单现在的阶段")
	}
	l.Stage, l.Version, l.StageSince, l.MovedBy = stage, l.Version+1, at, actor
	return nil
}

// TouchList bumps a list's version, so that a move prepared on what the list
// held before a change conflicts.
func (s *Store) TouchList(ctx context.Context, listID int64) error {
	return s.conn(ctx).Model(&VillageList{}).Where("id = ?", listID).Update("version", gorm.Expr("version + 1")).Error
}

// AddListEvent appends to a list's history.
func (s *Store) AddListEvent(ctx context.Context, e *ListEvent) error {
	return s.conn(ctx).Create(e).Error
}

// ListEvents is a list's history, oldest first.
func (s *Store) ListEvents(ctx context.Context, listID int64) ([]ListEvent, error) {
	var es []ListEvent
	return es, s.conn(ctx).Where("list_id = ?", listID).Order("at, id").Find(&es).Error
}

// ReviewCase is a household's case on its village list.
type ReviewCase struct {
	ID               int64 `gorm:"primaryKey"`
	CampaignID       int64
	HouseholdID      int64
	ListID           int64
	Proposal         string
	ProposalOverride bool
	ProposalReason   string
	ProposalBasis    string
	ProposedBy       string
	ProposedAt       *time.Time
	Flagged          bool
	KeepReason       string
	RefusesExit      bool
	ReferralOn       *localdate.Date
	ReferralTo       string
	ReferralNote     string
	RecoverAmount    *decimal.Decimal
	RecoverItems     string
	RecoveredAmount  *decimal.Decimal
	Version          int64
	UpdatedAt        time.Time
}

// SyncCases gives every live household of the list's village a case (a
// household created or moved in after the list opened gets one now) and
// points moved households' cases at this list.
func (s *Store) SyncCases(ctx context.Context, l *VillageList) (int64, error) {
	ins := s.conn(ctx).Exec(`INSERT INTO review_cases (campaign_id, household_id, list_id, proposal, proposal_override,
		proposal_reason, proposal_basis, proposed_by, flagged, keep_reason, refuses_exit, referral_to, referral_note,
		recover_items, version, updated_at)
		SELECT ?, h.id, ?, '', ?, '', '', '', ?, '', ?, '', '', '', 1, ? FROM households h
		WHERE h.village_code = ? AND h.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM review_cases c WHERE c.campaign_id = ? AND c.household_id = h.id)`,
		l.CampaignID, l.ID, false, false, false, time.Now().UTC(), l.VillageCode, l.CampaignID)
	if ins.Error != nil {
		return 0, ins.Error
	}
	err := s.conn(ctx).Exec(`UPDATE review_cases SET list_id = ? WHERE campaign_id = ? AND list_id <> ?
		AND household_id IN (SELECT id FROM households WHERE village_code = ? AND deleted_at IS NULL)`,
		l.ID, l.CampaignID, l.ID, l.VillageCode).Error
	return ins.RowsAffected, err
}

// CaseRow is a case with its household and computed outcome.
type CaseRow struct {
	ReviewCase
	HouseholdCode  string
	HeadName       string
	HeadIDNumber   string
	GroupName      string
	Members        int
	Status         string
	Computed       string // the current computed outcome; "" before the first computation
	ComputedReason string
}

// CaseFilter selects cases of a list.
type CaseFilter struct {
	Computed string
	Proposal string // a proposal; "none" for cases without one
	Flagged  bool
	Changes  bool // only cases whose proposal changes the register
	IDs      []int64
}

func (s *Store) caseQuery(ctx context.Context, l *VillageList, f CaseFilter) *gorm.DB {
	q := s.conn(ctx).Table("review_cases c").
		Joins("JOIN households h ON h.id = c.household_id AND h.deleted_at IS NULL AND h.village_code = ?", l.VillageCode).
		Joins("LEFT JOIN household_outcomes o ON o.household_id = c.household_id AND o.campaign_id = c.campaign_id").
		Where("c.campaign_id = ?", l.CampaignID)
	if f.Computed != "" {
		q = q.Where("o.outcome = ?", f.Computed)
	}
	switch f.Proposal {
	case "":
	case "none":
		q = q.Where("c.proposal = ''")
	default:
		q = q.Where("c.proposal = ?", f.Proposal)
	}
	if f.Flagged {
		q = q.Where("c.flagged = ?", true)
	}
	if f.Changes {
		q = q.Where("c.proposal IN ?", workflow.Changes())
	}
	if f.IDs != nil {
		q = q.Where("c.id IN ?", f.IDs)
	}
	return q
}

// Cases lists a list's cases in household code order.
func (s *Store) Cases(ctx context.Context, l *VillageList, f CaseFilter) ([]CaseRow, error) {
	var rows []CaseRow
	err := s.caseQuery(ctx, l, f).
		Select(`c.*, h.code AS household_code, h.status, head.name AS head_name, head.id_number AS head_id_number,
			g.name AS group_name, (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id) AS members,
			COALESCE(o.outcome, '') AS computed`).
		Joins("LEFT JOIN members head ON head.household_id = h.id AND head.relation = 'head'").
		Joins("LEFT JOIN village_groups g ON g.id = h.group_id").
		Order("h.code, h.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].HeadIDNumber == "" {
			continue
		}
		k, err := s.keyring()
		if err != nil {
			return nil, err
		}
		if rows[i].HeadIDNumber, err = k.Open(colIDNumber, rows[i].HeadIDNumber); err != nil {
			return nil, fmt.Errorf("case %d head: %w", rows[i].ID, err)
		}
	}
	return rows, nil
}

// CaseByID reads one case in the scope, with the list it is on.
func (s *Store) CaseByID(ctx context.Context, sc access.Scope, id int64) (*ReviewCase, *VillageListRow, error) {
	var c ReviewCase
	if err := s.conn(ctx).Where("id = ?", id).Take(&c).Error; err != nil {
		return nil, nil, notFound(err, "户的评议意见")
	}
	l, err := s.VillageListByID(ctx, sc, c.ListID)
	if err != nil {
		return nil, nil, apperr.NotFoundf("户的评议意见")
	}
	return &c, l, nil
}

// CaseOfHousehold reads a household's case in a campaign, nil when none.
func (s *Store) CaseOfHousehold(ctx context.Context, campaignID, householdID int64) (*ReviewCase, error) {
	var cs []ReviewCase
	err := s.conn(ctx).Where("campaign_id = ? AND household_id = ?", campaignID, householdID).Limit(1).Find(&cs).Error
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

// SaveCase writes a case if it is still at its version.
func (s *Store) SaveCase(ctx context.Context, c *ReviewCase, at time.Time) error {
	old := c.Version
	c.Version, c.UpdatedAt = old+1, at
	res := s.conn(ctx).Model(&ReviewCase{}).Where("id = ? AND version = ?", c.ID, old).Select("*").Omit("id").Updates(c)
	if res.Error != nil {
		c.Version = old
		return res.Error
	}
	if res.RowsAffected == 0 {
		c.Version = old
		return apperr.New(apperr.VersionConflict, "该户的意见刚被他人修改，您的修改未保存；请刷新后再试")
	}
	return nil
}

// FlagCases flags a household's proposed cases whose basis differs from the
// new computed outcome, and clears the flag where the outcome came back.
// It returns the cases whose flag was raised.
func (s *Store) FlagCases(ctx context.Context, campaignID, householdID int64, outcome string) ([]ReviewCase, error) {
	var cs []ReviewCase
	if err := s.conn(ctx).Where("campaign_id = ? AND household_id = ? AND proposal <> ''", campaignID, householdID).Find(&cs).Error; err != nil {
		return nil, err
	}
	var raised []ReviewCase
	for _, c := range cs {
		flag := c.ProposalBasis != outcome
		if flag == c.Flagged {
			continue
		}
		if err := s.conn(ctx).Model(&ReviewCase{}).Where("id = ?", c.ID).
			Updates(map[string]any{"flagged": flag, "version": gorm.Expr("version + 1")}).Error; err != nil {
			return nil, err
		}
		if flag {
			raised = append(raised, c)
		}
	}
	return raised, nil
}

// CaseCounts are the figures the stage conditions need.
type CaseCounts struct {
	Cases, Proposed                int
	RemovalCases, RemovalsProposed int
	Flagged                        int
}

// CountCases counts a list's cases: a removal case is one proposed for
// removal or, unproposed, computed so; proposed means proposed and not flagged.
func (s *Store) CountCases(ctx context.Context, l *VillageList) (CaseCounts, error) {
	removal := workflow.Removals()
	var r struct {
		Cases, Proposed, RemovalCases, RemovalsProposed, Flagged int
	}
	err := s.caseQuery(ctx, l, CaseFilter{}).Select(`COUNT(*) AS cases,
		COALESCE(SUM(CASE WHEN c.proposal <> '' AND NOT c.flagged THEN 1 ELSE 0 END), 0) AS proposed,
		COALESCE(SUM(CASE WHEN c.proposal IN ? OR (c.proposal = '' AND o.outcome IN ?) THEN 1 ELSE 0 END), 0) AS removal_cases,
		COALESCE(SUM(CASE WHEN c.proposal IN ? AND NOT c.flagged THEN 1 ELSE 0 END), 0) AS removals_proposed,
		COALESCE(SUM(CASE WHEN c.flagged THEN 1 ELSE 0 END), 0) AS flagged`, removal, removal, removal).Scan(&r).Error
	return CaseCounts{Cases: r.Cases, Proposed: r.Proposed, RemovalCases: r.RemovalCases, RemovalsProposed: r.RemovalsProposed, Flagged: r.Flagged}, err
}

// ListCaseCounts are per-list figures for the board.
type ListCaseCounts struct {
	ListID                            int64
	Cases, Proposed, Flagged, Changes int
}

// CaseCountsByList counts cases of many lists at once (the board).
func (s *Store) CaseCountsByList(ctx context.Context, campaignID int64, listIDs []int64) (map[int64]ListCaseCounts, error) {
	out := map[int64]ListCaseCounts{}
	if len(listIDs) == 0 {
		return out, nil
	}
	var rows []ListCaseCounts
	err := s.conn(ctx).Table("review_cases c").Where("c.campaign_id = ? AND c.list_id IN ?", campaignID, listIDs).
		Select(`c.list_id, COUNT(*) AS cases,
			COALESCE(SUM(CASE WHEN c.proposal <> '' AND NOT c.flagged THEN 1 ELSE 0 END), 0) AS proposed,
			COALESCE(SUM(CASE WHEN c.flagged THEN 1 ELSE 0 END), 0) AS flagged,
			COALESCE(SUM(CASE WHEN c.proposal IN ? THEN 1 ELSE 0 END), 0) AS changes`,
			workflow.Changes()).
		Group("c.list_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ListID] = r
	}
	return out, err
}

// CountGroups counts a village's groups.
func (s *Store) CountGroups(ctx context.Context, villageCode string) (int, error) {
	var n int64
	err := s.conn(ctx).Model(&VillageGroup{}).Where("village_code = ?", villageCode).Count(&n).Error
	return int(n), err
}

// CountLiveHouseholds counts a village's live households.
func (s *Store) CountLiveHouseholds(ctx context.Context, villageCode string) (int, error) {
	var n int64
	err := s.conn(ctx).Table("households").Where("village_code = ? AND deleted_at IS NULL", villageCode).Count(&n).Error
	return int(n), err
}

// FinishDemoCampaign stands every list of a campaign at stage and proposes
// every case from its household's status (registered: keep; exited:
// keep_exited; otherwise not_eligible). Demo history only.
func (s *Store) FinishDemoCampaign(ctx context.Context, campaignID int64, stage int, at time.Time) error {
	if err := s.conn(ctx).Model(&VillageList{}).Where("campaign_id = ?", campaignID).
		Updates(map[string]any{"stage": stage, "stage_since": at, "moved_by": "district"}).Error; err != nil {
		return err
	}
	return s.conn(ctx).Exec(`UPDATE review_cases SET proposal = CASE
		(SELECT status FROM households h WHERE h.id = review_cases.household_id)
		WHEN 'registered' THEN 'keep' WHEN 'exited' THEN 'keep_exited' ELSE 'not_eligible' END,
		proposal_override = ?, proposal_reason = '往年批次，从原系统迁入', proposed_by = 'district', proposed_at = ?
		WHERE campaign_id = ?`, true, at, campaignID).Error
}

// CampaignCaseFilter selects a campaign's cases across its lists.
type CampaignCaseFilter struct {
	StreetCode  string
	VillageCode string
	Proposal    string // a proposal, "none" for none
	Computed    string
	Flagged     bool
	Page        int
	PageSize    int
}

// CampaignCaseRow is a case with its household and place, for drill-downs.
type CampaignCaseRow struct {
	ID            int64
	ListID        int64
	HouseholdID   int64
	HouseholdCode string
	HeadName      string
	StreetName    string
	VillageName   string
	Members       int
	Computed      string
	Proposal      string
	Flagged       bool
}

func (s *Store) campaignCaseQuery(ctx context.Context, sc access.Scope, campaignID int64, f CampaignCaseFilter) *gorm.DB {
	q := inScope(s.conn(ctx).Table("review_cases c").
		Joins("JOIN households h ON h.id = c.household_id AND h.deleted_at IS NULL").
		Joins("LEFT JOIN household_outcomes o ON o.household_id = c.household_id AND o.campaign_id = c.campaign_id"), sc, "h").
		Where("c.campaign_id = ?", campaignID)
	if f.StreetCode != "" {
		q = q.Where("h.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("h.village_code = ?", f.VillageCode)
	}
	switch f.Proposal {
	case "":
	case "none":
		q = q.Where("c.proposal = ''")
	default:
		q = q.Where("c.proposal = ?", f.Proposal)
	}
	if f.Computed != "" {
		q = q.Where("o.outcome = ?", f.Computed)
	}
	if f.Flagged {
		q = q.Where("c.flagged = ?", true)
	}
	return q
}

// CampaignCases lists a campaign's cases in the scope, a page at a time, in
// household code order: the households behind a figure.
func (s *Store) CampaignCases(ctx context.Context, sc access.Scope, campaignID int64, f CampaignCaseFilter) ([]CampaignCaseRow, int64, error) {
	var total int64
	if err := s.campaignCaseQuery(ctx, sc, campaignID, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []CampaignCaseRow
	err := s.campaignCaseQuery(ctx, sc, campaignID, f).
		Select(`c.id, c.list_id, c.household_id, h.code AS household_code, head.name AS head_name, st.name AS street_name,
			v.name AS village_name, (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id) AS members,
			COALESCE(o.outcome, '') AS computed, c.proposal, c.flagged`).
		Joins("LEFT JOIN members head ON head.household_id = h.id AND head.relation = 'head'").
		Joins("JOIN streets st ON st.code = h.street_code").
		Joins("JOIN villages v ON v.code = h.village_code").
		Order("h.code, h.id").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Scan(&rows).Error
	return rows, total, err
}

// CauseCount is how many households (and their present people) give a main
// cause of poverty.
type CauseCount struct {
	Cause      string
	Households int64
	People     int64
}

// CauseCounts counts the live households in scope by main cause, for the
// given statuses (registered and exited by default).
func (s *Store) CauseCounts(ctx context.Context, sc access.Scope, streetCode, villageCode string, statuses []string) ([]CauseCount, error) {
	// The household list's query, so that a street's or village's count
	// reads that place's index (which holds main_cause) rather than the
	// whole register's index on main_cause.
	q := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: streetCode, VillageCode: villageCode}).
		Where("households.status IN ?", statuses)
	var rows []CauseCount
	err := q.Select(`households.main_cause AS cause, COUNT(*) AS households,
		COALESCE(SUM((SELECT COUNT(*) FROM members m WHERE m.household_id = households.id AND m.status = 'present')), 0) AS people`).
		Group("households.main_cause").Order("households DESC").Scan(&rows).Error
	return rows, err
}
