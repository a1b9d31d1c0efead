package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// Inspection is an inspection after the work (检查考核、督查巡查、审计评估).
type Inspection struct {
	ID         int64 `gorm:"primaryKey"`
	CampaignID int64
	Body       string
	Kind       string
	StartedOn  localdate.Date
	EndedOn    localdate.Date
	Note       string
	Version    int64
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedBy  string
	UpdatedAt  time.Time
}

// InspectionHousehold is a household an inspection sampled, with where it
// was, its status when sampled, its people and the finding.
type InspectionHousehold struct {
	ID           int64 `gorm:"primaryKey"`
	InspectionID int64
	HouseholdID  int64
	StreetCode   string
	VillageCode  string
	Status       string
	People       int
	Finding      string
	Note         string
}

// InspectionHouseholdRow is a sampled household with its code and place names.
type InspectionHouseholdRow struct {
	InspectionHousehold
	HouseholdCode string
	StreetName    string
	VillageName   string
}

// InspectionFilter selects inspections.
type InspectionFilter struct {
	CampaignID int64
	StreetCode string
	Page       int
	PageSize   int
}

// InspectionSummary is an inspection with what it sampled in the caller's
// scope.
type InspectionSummary struct {
	Inspection
	Households int
	People     int
	Faults     int // households found missed, wrong or wrongly exited
}

// sampledIn restricts inspection_households to the scope and a street.
func sampledIn(q *gorm.DB, sc access.Scope, street string) *gorm.DB {
	q = inScope(q, sc, "inspection_households")
	if street != "" {
		q = q.Where("inspection_households.street_code = ?", street)
	}
	return q
}

// Inspections lists inspections that sampled a household in the scope (and
// the street), newest first, with their figures in the scope.
func (s *Store) Inspections(ctx context.Context, sc access.Scope, f InspectionFilter) ([]InspectionSummary, int64, error) {
	sub := sampledIn(s.conn(ctx).Table("inspection_households").Select("inspection_households.inspection_id"), sc, f.StreetCode)
	q := s.conn(ctx).Model(&Inspection{}).Where("id IN (?)", sub)
	if f.CampaignID != 0 {
		q = q.Where("campaign_id = ?", f.CampaignID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ins []Inspection
	if err := q.Order("started_on DESC, id DESC").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&ins).Error; err != nil {
		return nil, 0, err
	}
	out := make([]InspectionSummary, len(ins))
	if len(ins) == 0 {
		return out, total, nil
	}
	ids := make([]int64, len(ins))
	for i := range ins {
		ids[i] = ins[i].ID
	}
	var counts []struct {
		InspectionID int64
		Households   int
		People       int
		Faults       int
	}
	err := sampledIn(s.conn(ctx).Table("inspection_households"), sc, f.StreetCode).
		Where("inspection_households.inspection_id IN ?", ids).
		Select(`inspection_households.inspection_id, COUNT(*) AS households, COALESCE(SUM(inspection_households.people), 0) AS people,
			COALESCE(SUM(CASE WHEN inspection_households.finding <> 'correct' THEN 1 ELSE 0 END), 0) AS faults`).
		Group("inspection_households.inspection_id").Scan(&counts).Error
	if err != nil {
		return nil, 0, err
	}
	byID := map[int64]int{}
	for i, c := range counts {
		byID[c.InspectionID] = i
	}
	for i := range ins {
		out[i].Inspection = ins[i]
		if j, ok := byID[ins[i].ID]; ok {
			out[i].Households, out[i].People, out[i].Faults = counts[j].Households, counts[j].People, counts[j].Faults
		}
	}
	return out, total, nil
}

// InspectionByID reads an inspection with its sampled households in the
// scope. An inspection that sampled nothing in the scope is not found.
func (s *Store) InspectionByID(ctx context.Context, sc access.Scope, id int64) (*Inspection, []InspectionHouseholdRow, error) {
	var in Inspection
	if err := s.conn(ctx).Where("id = ?", id).Take(&in).Error; err != nil {
		return nil, nil, notFound(err, "检查记录")
	}
	var rows []InspectionHouseholdRow
	err := sampledIn(s.conn(ctx).Table("inspection_households"), sc, "").
		Where("inspection_households.inspection_id = ?", id).
		Select(`inspection_households.*, households.code AS household_code, streets.name AS street_name, villages.name AS village_name`).
		Joins("JOIN households ON households.id = inspection_households.household_id").
		Joins("LEFT JOIN villages ON villages.code = inspection_households.village_code").
		Joins("LEFT JOIN streets ON streets.code = inspection_households.street_code").
		Order("inspection_households.street_code, inspection_households.village_code, households.code").Scan(&rows).Error
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 && !sc.Whole {
		return nil, nil, apperr.NotFoundf("检查记录")
	}
	return &in, rows, nil
}

// CreateInspection inserts an inspection at version 1 with its households.
func (s *Store) CreateInspection(ctx context.Context, in *Inspection, hs []InspectionHousehold) error {
	in.Version = 1
	if err := s.conn(ctx).Create(in).Error; err != nil {
		return err
	}
	return s.insertSampled(ctx, in.ID, hs)
}

func (s *Store) insertSampled(ctx context.Context, id int64, hs []InspectionHousehold) error {
	for i := range hs {
		hs[i].ID, hs[i].InspectionID = 0, id
	}
	if len(hs) == 0 {
		return nil
	}
	return s.conn(ctx).CreateInBatches(hs, 200).Error
}

// UpdateInspection writes an inspection read at in.Version and replaces its
// households; a stale version is a conflict and nothing is written.
func (s *Store) UpdateInspection(ctx context.Context, in *Inspection, hs []InspectionHousehold) error {
	res := s.conn(ctx).Model(&Inspection{}).Where("id = ? AND version = ?", in.ID, in.Version).Updates(map[string]any{
		"body": in.Body, "kind": in.Kind, "started_on": in.StartedOn, "ended_on": in.EndedOn, "note": in.Note,
		"version": in.Version + 1, "updated_by": in.UpdatedBy, "updated_at": in.UpdatedAt,
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该检查记录已被他人修改，您的修改未保存；请刷新后再改")
	}
	in.Version++
	if err := s.conn(ctx).Where("inspection_id = ?", in.ID).Delete(&InspectionHousehold{}).Error; err != nil {
		return err
	}
	return s.insertSampled(ctx, in.ID, hs)
}

// DeleteInspection removes an inspection at version with its households.
func (s *Store) DeleteInspection(ctx context.Context, id, version int64) error {
	res := s.conn(ctx).Where("id = ? AND version = ?", id, version).Delete(&Inspection{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该检查记录已被他人修改或删除；请刷新后再试")
	}
	return s.conn(ctx).Where("inspection_id = ?", id).Delete(&InspectionHousehold{}).Error
}

// SampledRow is a sampled household of a campaign's inspections, for the rates.
type SampledRow struct {
	StreetCode  string
	VillageCode string
	Status      string
	People      int
	Finding     string
}

// SampledHouseholds lists every household the campaign's inspections
// sampled in the scope (and the street).
func (s *Store) SampledHouseholds(ctx context.Context, sc access.Scope, campaignID int64, street string) ([]SampledRow, error) {
	var rows []SampledRow
	err := sampledIn(s.conn(ctx).Table("inspection_households"), sc, street).
		Joins("JOIN inspections ON inspections.id = inspection_households.inspection_id").
		Where("inspections.campaign_id = ?", campaignID).
		Select("inspection_households.street_code, inspection_households.village_code, inspection_households.status, inspection_households.people, inspection_households.finding").
		Scan(&rows).Error
	return rows, err
}

// CountInspections counts a campaign's inspections that sampled in the scope.
func (s *Store) CountInspections(ctx context.Context, sc access.Scope, campaignID int64, street string) (int64, error) {
	sub := sampledIn(s.conn(ctx).Table("inspection_households").Select("inspection_households.inspection_id"), sc, street)
	var n int64
	err := s.conn(ctx).Model(&Inspection{}).Where("campaign_id = ? AND id IN (?)", campaignID, sub).Count(&n).Error
	return n, err
}

// SampleCandidate is a live household as an inspection samples it: where it
// is, its register status, its present members, and its proposal in the
// campaign ("" when none).
type SampleCandidate struct {
	ID          int64
	Code        string
	StreetCode  string
	VillageCode string
	Status      string
	People      int
	Proposal    string
}

// SampleCandidates finds live households by code with what sampling needs.
func (s *Store) SampleCandidates(ctx context.Context, campaignID int64, codes []string) (map[string]SampleCandidate, error) {
	out := map[string]SampleCandidate{}
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		var rows []SampleCandidate
		err := s.conn(ctx).Table("households h").
			Select(`h.id, h.code, h.street_code, h.village_code, h.status,
				(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.status = 'present') AS people,
				COALESCE(c.proposal, '') AS proposal`).
			Joins("LEFT JOIN review_cases c ON c.household_id = h.id AND c.campaign_id = ?", campaignID).
			Where("h.code IN ? AND h.deleted_at IS NULL", chunk).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Code] = r
		}
	}
	return out, nil
}

// FigureRow is a household with a case in a campaign, as the corrections
// figures need it.
type FigureRow struct {
	HouseholdID   int64
	StreetCode    string
	VillageCode   string
	Status        string
	RegisteredOn  localdate.Date
	ExitedYear    *int
	Hukou         string
	RuralResident bool
	People        int
	Surveyed      bool
	Proposal      string
}

// FigureRows lists the live households with a case in the campaign in the
// scope (and the street). A household counts as surveyed when its list has
// moved past surveyStage (the stage's condition is that every household of
// the village was surveyed) or a survey record of it stands on its list.
func (s *Store) FigureRows(ctx context.Context, sc access.Scope, campaignID int64, street string, surveyStage int) ([]FigureRow, error) {
	q := inScope(s.conn(ctx).Table("review_cases c"), sc, "h").
		Joins("JOIN households h ON h.id = c.household_id AND h.deleted_at IS NULL").
		Joins("JOIN village_lists l ON l.id = c.list_id").
		Where("c.campaign_id = ?", campaignID)
	if street != "" {
		q = q.Where("h.street_code = ?", street)
	}
	var rows []FigureRow
	err := q.Select(`h.id AS household_id, h.street_code, h.village_code, h.status, h.registered_on, h.exited_year, h.hukou,
		h.rural_resident, c.proposal,
		(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.status = 'present') AS people,
		CASE WHEN l.stage > ? OR EXISTS (SELECT 1 FROM list_records r WHERE r.list_id = c.list_id AND r.kind = 'survey'
			AND r.household_id = h.id AND r.void = ?) THEN 1 ELSE 0 END AS surveyed`, surveyStage, false).
		Order("h.id").Scan(&rows).Error
	return rows, err
}

// CampaignPlan is the planned scale of one kind of proposal in a street.
type CampaignPlan struct {
	CampaignID int64  `gorm:"primaryKey"`
	StreetCode string `gorm:"primaryKey"`
	Kind       string `gorm:"primaryKey"`
	Households int
	People     int
	UpdatedBy  string
	UpdatedAt  time.Time
}

// CampaignPlans reads a campaign's plans (all streets).
func (s *Store) CampaignPlans(ctx context.Context, campaignID int64) ([]CampaignPlan, error) {
	var ps []CampaignPlan
	return ps, s.conn(ctx).Where("campaign_id = ?", campaignID).Order("street_code, kind").Find(&ps).Error
}

// ReplaceCampaignPlans replaces a campaign's plans.
func (s *Store) ReplaceCampaignPlans(ctx context.Context, campaignID int64, ps []CampaignPlan) error {
	if err := s.conn(ctx).Where("campaign_id = ?", campaignID).Delete(&CampaignPlan{}).Error; err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	return s.conn(ctx).Create(&ps).Error
}

// RateThreshold reads a campaign's rate threshold (a fraction).
func (s *Store) RateThreshold(ctx context.Context, campaignID int64) (decimal.Decimal, error) {
	var rows []struct{ RateThreshold decimal.Decimal }
	if err := s.conn(ctx).Table("campaigns").Select("rate_threshold").Where("id = ?", campaignID).Scan(&rows).Error; err != nil {
		return decimal.Zero, err
	}
	if len(rows) == 0 {
		return decimal.Zero, apperr.NotFoundf("动态管理批次")
	}
	return rows[0].RateThreshold, nil
}

// SetRateThreshold writes a campaign's rate threshold (a fraction).
func (s *Store) SetRateThreshold(ctx context.Context, campaignID int64, threshold decimal.Decimal, by string, at time.Time) error {
	return s.conn(ctx).Table("campaigns").Where("id = ?", campaignID).
		Updates(map[string]any{"rate_threshold": threshold, "updated_by": by, "updated_at": at}).Error
}

// StreetReferral records a flagged street's referral to 区纪委 or 区委组织部.
type StreetReferral struct {
	ID         int64 `gorm:"primaryKey"`
	CampaignID int64
	StreetCode string
	ReferredOn localdate.Date
	ReferredTo string
	Note       string
	CreatedBy  string
	CreatedAt  time.Time
}

// AddReferral records a referral.
func (s *Store) AddReferral(ctx context.Context, r *StreetReferral) error {
	return s.conn(ctx).Create(r).Error
}

// Referrals lists a campaign's referrals of the streets in the scope (and
// the street), oldest first.
func (s *Store) Referrals(ctx context.Context, sc access.Scope, campaignID int64, street string) ([]StreetReferral, error) {
	q := s.conn(ctx).Where("campaign_id = ?", campaignID)
	if !sc.Whole {
		if len(sc.Streets) == 0 {
			return nil, nil
		}
		q = q.Where("street_code IN ?", sc.Streets)
	}
	if street != "" {
		q = q.Where("street_code = ?", street)
	}
	var rs []StreetReferral
	return rs, q.Order("referred_on, id").Find(&rs).Error
}

// OutcomeScale counts a campaign's computed outcomes per street, in
// households and present members (the demo's planned scale).
type OutcomeScale struct {
	StreetCode string
	Outcome    string
	Households int
	People     int
}

// OutcomeScales counts the campaign's computed outcomes per street.
func (s *Store) OutcomeScales(ctx context.Context, campaignID int64) ([]OutcomeScale, error) {
	var rows []OutcomeScale
	err := s.conn(ctx).Table("household_outcomes o").
		Joins("JOIN households h ON h.id = o.household_id AND h.deleted_at IS NULL").
		Where("o.campaign_id = ?", campaignID).
		Select(`h.street_code, o.outcome, COUNT(*) AS households,
			COALESCE(SUM((SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.status = 'present')), 0) AS people`).
		Group("h.street_code, o.outcome").Order("h.street_code, o.outcome").Scan(&rows).Error
	return rows, err
}

// StreetCandidates lists a street's live households as an inspection would
// sample them, in id order.
func (s *Store) StreetCandidates(ctx context.Context, campaignID int64, street string) ([]SampleCandidate, error) {
	var rows []SampleCandidate
	err := s.conn(ctx).Table("households h").
		Select(`h.id, h.code, h.street_code, h.village_code, h.status,
			(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.status = 'present') AS people,
			COALESCE(c.proposal, '') AS proposal`).
		Joins("LEFT JOIN review_cases c ON c.household_id = h.id AND c.campaign_id = ?", campaignID).
		Where("h.street_code = ? AND h.deleted_at IS NULL", street).Order("h.id").Scan(&rows).Error
	return rows, err
}

// ProposeYearHistory sets, in a finished campaign of year, the proposals
// that today's register shows were made: include for households registered
// during that year, exit_normal for households registered before it that
// exited in it (demo history). It returns how many cases changed.
func (s *Store) ProposeYearHistory(ctx context.Context, campaignID int64, year int, reason string) (int64, error) {
	start, end := localdate.Date{Year: year, Month: 1, Day: 1}, localdate.Date{Year: year, Month: 12, Day: 31}
	inc := s.conn(ctx).Exec(`UPDATE review_cases SET proposal = 'include', proposal_basis = 'include', proposal_reason = ?
		WHERE campaign_id = ? AND household_id IN (SELECT id FROM households WHERE status IN ('registered', 'exited')
		AND registered_on >= ? AND registered_on <= ?)`, reason, campaignID, start, end)
	if inc.Error != nil {
		return 0, inc.Error
	}
	exit := s.conn(ctx).Exec(`UPDATE review_cases SET proposal = 'exit_normal', proposal_basis = 'exit_normal', proposal_reason = ?
		WHERE campaign_id = ? AND household_id IN (SELECT id FROM households WHERE status = 'exited'
		AND registered_on < ? AND exited_year = ?)`, reason, campaignID, start, year)
	return inc.RowsAffected + exit.RowsAffected, exit.Error
}
