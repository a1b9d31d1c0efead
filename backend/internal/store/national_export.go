package store

import (
	"context"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/register"
	"jingzhun/internal/workflow"
)

// NationalExportFilter narrows the export for the national poverty
// information system (全国扶贫开发信息系统) to a street or a village.
type NationalExportFilter struct {
	StreetCode  string
	VillageCode string
}

// NationalExportCase is one household to export: its case's proposal and
// where it lives, by name.
type NationalExportCase struct {
	HouseholdID   int64
	HouseholdCode string
	Proposal      string
	StreetCode    string
	StreetName    string
	VillageCode   string
	VillageName   string
	GroupName     string
}

// NationalExportCases lists, in household code order, the live households
// in scope whose case in the campaign is on a village list at stage 14
// (recorded: exported for entry into the national system), with their
// proposals. A case counts on the list of the village the household lives
// in, as on the list's own page.
func (s *Store) NationalExportCases(ctx context.Context, sc access.Scope, campaignID int64, f NationalExportFilter) ([]NationalExportCase, error) {
	q := s.conn(ctx).Table("review_cases c").
		Joins("JOIN village_lists l ON l.id = c.list_id AND l.campaign_id = c.campaign_id").
		Joins("JOIN households h ON h.id = c.household_id AND h.deleted_at IS NULL AND h.village_code = l.village_code").
		Joins("JOIN streets st ON st.code = h.street_code").
		Joins("JOIN villages v ON v.code = h.village_code").
		Joins("LEFT JOIN village_groups g ON g.id = h.group_id").
		Where("c.campaign_id = ? AND l.stage = ?", campaignID, int(workflow.Recorded))
	q = inScope(q, sc, "h")
	if f.StreetCode != "" {
		q = q.Where("h.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("h.village_code = ?", f.VillageCode)
	}
	var rows []NationalExportCase
	err := q.Select(`h.id AS household_id, h.code AS household_code, c.proposal,
		h.street_code, st.name AS street_name, h.village_code, v.name AS village_name,
		COALESCE(g.name, '') AS group_name`).
		Order("h.code, h.id").Scan(&rows).Error
	return rows, err
}

// nationalExportBatch is how many households EachNationalExportHousehold
// loads at a time.
const nationalExportBatch = 200

// EachNationalExportHousehold loads the cases' households in scope, a batch
// at a time, each with everything it holds and its personal data opened,
// and calls fn in the cases' order. A household deleted or moved out of the
// scope since the cases were listed is left out.
func (s *Store) EachNationalExportHousehold(ctx context.Context, sc access.Scope, cases []NationalExportCase,
	fn func(NationalExportCase, *register.Household) error) error {
	for start := 0; start < len(cases); start += nationalExportBatch {
		chunk := cases[start:min(start+nationalExportBatch, len(cases))]
		ids := make([]int64, len(chunk))
		for i, c := range chunk {
			ids[i] = c.HouseholdID
		}
		var hs []register.Household
		err := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
			Where("households.id IN ? AND households.deleted_at IS NULL", ids).
			Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("sort, id") }).
			Preload("Vehicles", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("UrbanProperties", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("Businesses", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("HelpMeasures", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Find(&hs).Error
		if err != nil {
			return err
		}
		byID := make(map[int64]*register.Household, len(hs))
		for i := range hs {
			if err := s.openHousehold(&hs[i]); err != nil {
				return err
			}
			byID[hs[i].ID] = &hs[i]
		}
		for _, c := range chunk {
			h, ok := byID[c.HouseholdID]
			if !ok {
				continue
			}
			if err := fn(c, h); err != nil {
				return err
			}
		}
	}
	return nil
}
