package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/access"
)

// HouseholdOutcome is the rules engine's current answer for a household in a
// campaign, with what it was computed on.
type HouseholdOutcome struct {
	ID               int64 `gorm:"primaryKey"`
	HouseholdID      int64
	CampaignID       int64
	Outcome          string
	PerCapitaIncome  *decimal.Decimal
	HouseholdSize    *int
	Result           string
	Inputs           string
	InputsHash       string
	HouseholdVersion int64
	ComputedAt       time.Time
	PreviousOutcome  string
	ChangedInputs    string
	KeyVersion       int // set by the store: Inputs and Result are sealed at rest
}

// OutcomeOf reads a household's outcome in a campaign; nil when none.
func (s *Store) OutcomeOf(ctx context.Context, householdID, campaignID int64) (*HouseholdOutcome, error) {
	var os []HouseholdOutcome
	err := s.conn(ctx).Where("household_id = ? AND campaign_id = ?", householdID, campaignID).Limit(1).Find(&os).Error
	if err != nil || len(os) == 0 {
		return nil, err
	}
	if err := s.openOutcome(&os[0]); err != nil {
		return nil, err
	}
	return &os[0], nil
}

// SaveOutcome inserts o, or replaces the row with o.ID when it is set. The
// caller reads the row first in the same transaction.
func (s *Store) SaveOutcome(ctx context.Context, o *HouseholdOutcome) error {
	c, err := s.sealOutcome(o)
	if err != nil {
		return err
	}
	if o.ID == 0 {
		err = s.conn(ctx).Create(c).Error
		o.ID, o.KeyVersion = c.ID, c.KeyVersion
		return err
	}
	o.KeyVersion = c.KeyVersion
	return s.conn(ctx).Model(&HouseholdOutcome{}).Where("id = ?", o.ID).Select("*").Omit("id", "household_id", "campaign_id").Updates(c).Error
}

// DeleteOutcomes removes every outcome of a household (it left the register).
func (s *Store) DeleteOutcomes(ctx context.Context, householdID int64) error {
	return s.conn(ctx).Where("household_id = ?", householdID).Delete(&HouseholdOutcome{}).Error
}

// OutcomeFilter selects the outcomes of a campaign.
type OutcomeFilter struct {
	StreetCode  string
	VillageCode string
	Outcome     string
	Page        int
	PageSize    int
}

// OutcomeListRow is one line of a campaign's outcome list.
type OutcomeListRow struct {
	HouseholdID     int64
	Code            string
	StreetCode      string
	StreetName      string
	VillageCode     string
	VillageName     string
	HeadName        string
	Outcome         string
	PerCapitaIncome *decimal.Decimal
	HouseholdSize   *int
	ComputedAt      time.Time
	PreviousOutcome string
}

// outcomeQuery is the outcomes of a campaign's live households in scope,
// scoped like the household list.
func (s *Store) outcomeQuery(ctx context.Context, sc access.Scope, campaignID int64, f OutcomeFilter) *gorm.DB {
	q := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: f.StreetCode, VillageCode: f.VillageCode}).
		Joins("JOIN household_outcomes o ON o.household_id = households.id AND o.campaign_id = ?", campaignID)
	if f.Outcome != "" {
		q = q.Where("o.outcome = ?", f.Outcome)
	}
	return q
}

// Outcomes pages through a campaign's outcomes in scope, ordered by household code.
func (s *Store) Outcomes(ctx context.Context, sc access.Scope, campaignID int64, f OutcomeFilter) ([]OutcomeListRow, int64, error) {
	var total int64
	if err := s.outcomeQuery(ctx, sc, campaignID, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []OutcomeListRow
	sel := ""
	if s.Dialect == "mysql" && (!sc.Whole || f.StreetCode != "" || f.VillageCode != "") {
		// Households first, from the place's index in code order, each
		// outcome looked up by household: MySQL would otherwise start from
		// every outcome of the campaign with that value and sort them.
		sel = "STRAIGHT_JOIN "
	}
	err := s.outcomeQuery(ctx, sc, campaignID, f).
		Select(sel + `households.id AS household_id, households.code, households.street_code, streets.name AS street_name,
			households.village_code, villages.name AS village_name, head.name AS head_name,
			o.outcome, o.per_capita_income, o.household_size, o.computed_at, o.previous_outcome`).
		// Outer joins for the names, as in the household list: households first.
		Joins("LEFT JOIN streets ON streets.code = households.street_code").
		Joins("LEFT JOIN villages ON villages.code = households.village_code").
		Joins("LEFT JOIN members head ON head.household_id = households.id AND head.relation = 'head'").
		Order("households.code"). // unique; the order the list indexes give (households.go)
		Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).
		Scan(&rows).Error
	return rows, total, err
}

// EachOutcome streams every matching outcome row in code order, in batches.
func (s *Store) EachOutcome(ctx context.Context, sc access.Scope, campaignID int64, f OutcomeFilter, fn func(OutcomeListRow) error) error {
	return eachPage(func(page, size int) ([]OutcomeListRow, error) {
		f.Page, f.PageSize = page, size
		rows, _, err := s.Outcomes(ctx, sc, campaignID, f)
		return rows, err
	}, fn)
}

// OutcomeCounts counts a campaign's outcomes in scope by outcome (the
// outcome filter is ignored).
func (s *Store) OutcomeCounts(ctx context.Context, sc access.Scope, campaignID int64, f OutcomeFilter) (map[string]int64, error) {
	f.Outcome = ""
	var rows []struct {
		Outcome string
		N       int64
	}
	err := s.outcomeQuery(ctx, sc, campaignID, f).Select("o.outcome AS outcome, COUNT(*) AS n").Group("o.outcome").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Outcome] = r.N
	}
	return out, err
}

// HouseholdIDs lists the live households in scope (optionally one street or
// village), by id: what a recomputation goes through.
func (s *Store) HouseholdIDs(ctx context.Context, sc access.Scope, streetCode, villageCode string) ([]int64, error) {
	var ids []int64
	err := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: streetCode, VillageCode: villageCode}).
		Order("households.id").Pluck("households.id", &ids).Error
	return ids, err
}
