package store

import (
	"context"
	"fmt"

	"jingzhun/internal/access"
)

// OutcomeInput is a household's stored outcome in a campaign with the
// household-v1 document it was computed on (opened), for a what-if.
type OutcomeInput struct {
	HouseholdID int64
	Code        string
	StreetCode  string
	VillageCode string
	VillageName string
	Outcome     string
	Inputs      string
}

// EachOutcomeInput streams the stored outcomes of a campaign's live
// households in scope (optionally one street or village) in household
// order, batch rows at a time by key, so that memory stays flat over any
// number of households. fn gets each batch; its slice is reused.
func (s *Store) EachOutcomeInput(ctx context.Context, sc access.Scope, campaignID int64, street, village string, batch int, fn func([]OutcomeInput) error) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if batch <= 0 {
		batch = 500
	}
	var last int64
	var rows []OutcomeInput
	for {
		rows = rows[:0]
		err := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: street, VillageCode: village}).
			Joins("JOIN household_outcomes o ON o.household_id = households.id AND o.campaign_id = ?", campaignID).
			Joins("JOIN villages ON villages.code = households.village_code").
			Select(`households.id AS household_id, households.code, households.street_code, households.village_code,
				villages.name AS village_name, o.outcome, o.inputs`).
			Where("households.id > ?", last).Order("households.id").Limit(batch).
			Scan(&rows).Error
		if err != nil {
			return err
		}
		for i := range rows {
			if rows[i].Inputs, err = k.Open(colInputs, rows[i].Inputs); err != nil {
				return fmt.Errorf("outcome of household %d: %w", rows[i].HouseholdID, err)
			}
		}
		if len(rows) > 0 {
			if err := fn(rows); err != nil {
				return err
			}
			last = rows[len(rows)-1].HouseholdID
		}
		if len(rows) < batch {
			return nil
		}
	}
}
