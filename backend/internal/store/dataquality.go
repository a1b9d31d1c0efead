package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/register"
)

// The data-quality checks (data-quality.md) read the whole register in a
// scope, a batch at a time, with what one household cannot tell: people
// recorded in two households and the civil-affairs dibao register.

// RegionFilter narrows a scope to a street or a village ("" for any).
type RegionFilter struct {
	StreetCode  string
	VillageCode string
}

// qualityBatch is how many households EachHouseholdWithMembers loads at once.
const qualityBatch = 500

// EachHouseholdWithMembers streams the live households in scope in code
// order, qualityBatch at a time, each with its members (opened; vehicles,
// properties, businesses and measures are not loaded, the phone is blank),
// so that a pass over a district of any size stays flat in memory.
func (s *Store) EachHouseholdWithMembers(ctx context.Context, sc access.Scope, f RegionFilter, fn func([]*register.Household) error) error {
	last := ""
	for {
		q := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
			Where("households.deleted_at IS NULL AND households.code > ?", last)
		if f.StreetCode != "" {
			q = q.Where("households.street_code = ?", f.StreetCode)
		}
		if f.VillageCode != "" {
			q = q.Where("households.village_code = ?", f.VillageCode)
		}
		batch, err := s.withMembers(q.Order("households.code").Limit(qualityBatch))
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := fn(batch); err != nil {
			return err
		}
		if len(batch) < qualityBatch {
			return nil
		}
		last = batch[len(batch)-1].Code
	}
}

// HouseholdsWithMembers reads live households in scope by ID as
// EachHouseholdWithMembers does; those out of scope or gone are left out.
func (s *Store) HouseholdsWithMembers(ctx context.Context, sc access.Scope, ids []int64) (map[int64]*register.Household, error) {
	out := make(map[int64]*register.Household, len(ids))
	for start := 0; start < len(ids); start += qualityBatch {
		q := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
			Where("households.deleted_at IS NULL AND households.id IN ?", ids[start:min(start+qualityBatch, len(ids))])
		hs, err := s.withMembers(q)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			out[h.ID] = h
		}
	}
	return out, nil
}

func (s *Store) withMembers(q *gorm.DB) ([]*register.Household, error) {
	var hs []register.Household
	if err := q.Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("sort, id") }).Find(&hs).Error; err != nil {
		return nil, err
	}
	out := make([]*register.Household, len(hs))
	for i := range hs {
		hs[i].Phone = "" // sealed, and not needed here
		for j := range hs[i].Members {
			if err := s.openMember(&hs[i].Members[j]); err != nil {
				return nil, fmt.Errorf("household %d: %w", hs[i].ID, err)
			}
		}
		out[i] = &hs[i]
	}
	return out, nil
}

// RegisterState is a cheap fingerprint of the live households in a scope:
// it changes with every household created, updated (the version goes up),
// moved or deleted.
type RegisterState struct {
	Households int64
	Versions   int64
	MaxID      int64
}

// RegisterState reads the fingerprint of the live households in scope.
func (s *Store) RegisterState(ctx context.Context, sc access.Scope, f RegionFilter) (RegisterState, error) {
	q := inScope(s.conn(ctx).Table("households"), sc, "households").Where("households.deleted_at IS NULL")
	if f.StreetCode != "" {
		q = q.Where("households.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("households.village_code = ?", f.VillageCode)
	}
	var st RegisterState
	err := q.Select("COUNT(*) AS households, COALESCE(SUM(households.version), 0) AS versions, COALESCE(MAX(households.id), 0) AS max_id").
		Scan(&st).Error
	return st, err
}

// LatestImport is the ID of the latest import of a dataset that brought
// data in (0 if none): a fingerprint of the departments' registers.
func (s *Store) LatestImport(ctx context.Context, dataset string) (int64, error) {
	var id int64
	err := s.conn(ctx).Model(&DeptImport{}).Where("dataset = ? AND status = ?", dataset, ImportImported).
		Select("COALESCE(MAX(id), 0)").Scan(&id).Error
	return id, err
}

// DuplicateIDIndexes finds the ID numbers (by blind index) held by members
// of more than one live household, across the whole district, with the
// codes of those households. The register refuses a second live record of
// a person (members.active_id_key), so this finds what slipped past it:
// rows written before that rule or around the store.
func (s *Store) DuplicateIDIndexes(ctx context.Context) (map[string][]string, error) {
	// Candidates from the index on members.id_index alone; then the live
	// households of the few found.
	var candidates []string
	err := s.conn(ctx).Table("members").Select("id_index").Where("id_index <> ''").
		Group("id_index").Having("COUNT(*) > 1").Pluck("id_index", &candidates).Error
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for start := 0; start < len(candidates); start += 500 {
		var rows []struct {
			IDIndex string
			Code    string
		}
		err := s.conn(ctx).Table("members").Select("DISTINCT members.id_index, households.code").
			Joins("JOIN households ON households.id = members.household_id").
			Where("households.deleted_at IS NULL AND members.id_index IN ?", candidates[start:min(start+500, len(candidates))]).
			Order("members.id_index, households.code").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.IDIndex] = append(out[r.IDIndex], r.Code)
		}
	}
	for ix, codes := range out {
		if len(codes) < 2 {
			delete(out, ix)
		}
	}
	return out, nil
}

// DibaoDataset is the civil-affairs register of dibao and tekun recipients
// (crosscheck dataset "dibao").
const DibaoDataset = "dibao"

// DibaoHouseholds lists the households of which a civil-affairs dibao
// register imported in a campaign names a member as receiving 低保 (救助类别
// dibao; tekun rows do not count). campaignID 0 reads every campaign's.
func (s *Store) DibaoHouseholds(ctx context.Context, campaignID int64) (map[int64]bool, error) {
	q := s.conn(ctx).Model(&DeptImport{}).Where("dataset = ? AND status = ? AND dry_run = ?", DibaoDataset, ImportImported, false)
	if campaignID != 0 {
		q = q.Where("campaign_id = ?", campaignID)
	}
	var imports []int64
	if err := q.Order("id").Pluck("id", &imports).Error; err != nil {
		return nil, err
	}
	k, err := s.keyring()
	if err != nil && len(imports) > 0 {
		return nil, err
	}
	out := map[int64]bool{}
	for _, imp := range imports {
		lastRow := -1
		for {
			var recs []struct {
				RowNo       int
				Data        string
				HouseholdID int64
			}
			err := s.conn(ctx).Table("dept_records").Select("row_no, data, household_id").
				Where("import_id = ? AND row_no > ? AND household_id IS NOT NULL", imp, lastRow).
				Order("row_no").Limit(1000).Scan(&recs).Error
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				data, err := k.Open(colRecordData, r.Data)
				if err != nil {
					return nil, fmt.Errorf("import %d row %d: %w", imp, r.RowNo, err)
				}
				var v map[string]string
				if err := json.Unmarshal([]byte(data), &v); err != nil {
					return nil, fmt.Errorf("import %d row %d: %w", imp, r.RowNo, err)
				}
				if v["kind"] == "dibao" {
					out[r.HouseholdID] = true
				}
			}
			if len(recs) < 1000 {
				break
			}
			lastRow = recs[len(recs)-1].RowNo
		}
	}
	return out, nil
}
