package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/register"
)

// The register types are persisted as they are; these name their tables.
type (
	householdRow     = register.Household
	memberRow        = register.Member
	vehicleRow       = register.Vehicle
	urbanPropertyRow = register.UrbanProperty
	businessRow      = register.Business
	helpMeasureRow   = register.HelpMeasure
)

// inScope limits a query on a table with a village_code column to the scope.
// Every query on regional data goes through it.
func inScope(q *gorm.DB, sc access.Scope, table string) *gorm.DB {
	if sc.Whole {
		return q
	}
	if len(sc.Villages) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where(table+".village_code IN ?", sc.Villages)
}

// HouseholdFilter selects households for a list.
type HouseholdFilter struct {
	StreetCode  string
	VillageCode string
	GroupID     int64
	Status      string
	Attribute   string
	Cause       string // main or other cause
	Text        string // part of a member's name or of the household code
	IDNumber    string // exact
	Page        int
	PageSize    int
}

// HouseholdListRow is one line of a household list.
type HouseholdListRow struct {
	ID               int64
	Code             string
	StreetCode       string
	StreetName       string
	VillageCode      string
	VillageName      string
	GroupName        string
	HeadName         string
	HeadIDNumber     string
	Members          int
	Status           string
	PovertyAttribute string
	MainCause        string
	Version          int64
	UpdatedAt        time.Time
}

func (s *Store) householdQuery(ctx context.Context, sc access.Scope, f HouseholdFilter) *gorm.DB {
	table := "households"
	if s.Dialect == "mysql" && (!sc.Whole || f.StreetCode != "" || f.VillageCode != "") {
		// A list of a street or a village is read from that street's or
		// village's index in code order (migration 0016). Left to itself,
		// the optimizer may instead walk the whole register in code order
		// (or a status in code order) and filter, expecting the place's
		// households to be spread evenly; codes start with the village
		// code, so it reads every household of the places before first.
		table += " IGNORE INDEX FOR ORDER BY (idx_households_code, ix_hh_status_code)"
	}
	q := inScope(s.conn(ctx).Table(table), sc, "households").Where("households.deleted_at IS NULL")
	if !sc.Whole && f.StreetCode == "" && len(sc.Streets) > 0 {
		// Every village of a scope lies in one of its streets, so this
		// narrows nothing; it lets the database read a street account's
		// list from the street's index in code order (migration 0016)
		// rather than sort every household of its villages.
		q = q.Where("households.street_code IN ?", sc.Streets)
	}
	if f.StreetCode != "" {
		q = q.Where("households.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("households.village_code = ?", f.VillageCode)
	}
	if f.GroupID != 0 {
		q = q.Where("households.group_id = ?", f.GroupID)
	}
	if f.Status != "" {
		q = q.Where("households.status = ?", f.Status)
	}
	if f.Attribute != "" {
		q = q.Where("households.poverty_attribute = ?", f.Attribute)
	}
	if f.Cause != "" {
		// other_causes is a comma-separated list of codes.
		listed := "(',' || households.other_causes || ',') LIKE ? ESCAPE '!'"
		if s.Dialect == "mysql" {
			listed = "CONCAT(',', households.other_causes, ',') LIKE ? ESCAPE '!'"
		}
		q = q.Where("(households.main_cause = ? OR "+listed+")", f.Cause, "%,"+escapeLike(f.Cause)+",%")
	}
	if f.IDNumber != "" {
		// Exact match on the blind index: the ID number itself is sealed.
		// Without keys nothing matches (and the list fails on opening).
		ix, _ := s.IDIndex(f.IDNumber)
		q = q.Where("households.id IN (?)", s.conn(ctx).Table("members").Select("household_id").Where("id_index = ?", ix))
	}
	if f.Text != "" {
		like := "%" + escapeLike(f.Text) + "%"
		q = q.Where("(households.code LIKE ? ESCAPE '!' OR households.id IN (?))", like,
			s.conn(ctx).Table("members").Select("household_id").Where("name LIKE ? ESCAPE '!'", like))
	}
	return q
}

// Households lists the households in scope, ordered by code (stable).
func (s *Store) Households(ctx context.Context, sc access.Scope, f HouseholdFilter) ([]HouseholdListRow, int64, error) {
	var total int64
	if err := s.householdQuery(ctx, sc, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	rows, err := s.householdRows(ctx, sc, f, "", (f.Page-1)*f.PageSize, f.PageSize)
	return rows, total, err
}

// householdRows reads one page of the list in code order: after a code
// (keyset, for streaming) or from an offset (the paged list).
func (s *Store) householdRows(ctx context.Context, sc access.Scope, f HouseholdFilter, afterCode string, offset, limit int) ([]HouseholdListRow, error) {
	var rows []HouseholdListRow
	q := s.householdQuery(ctx, sc, f)
	if afterCode != "" {
		q = q.Where("households.code > ?", afterCode)
	}
	err := q.
		Select(`households.id, households.code, households.street_code, streets.name AS street_name,
			households.village_code, villages.name AS village_name, village_groups.name AS group_name,
			head.name AS head_name, head.id_number AS head_id_number,
			(SELECT COUNT(*) FROM members m WHERE m.household_id = households.id) AS members,
			households.status, households.poverty_attribute, households.main_cause, households.version, households.updated_at`).
		// Outer joins for the names: an inner join lets the database start
		// from the few streets or villages and sort every household of them;
		// households first, in code order, it stops after the page.
		Joins("LEFT JOIN streets ON streets.code = households.street_code").
		Joins("LEFT JOIN villages ON villages.code = households.village_code").
		Joins("LEFT JOIN village_groups ON village_groups.id = households.group_id").
		Joins("LEFT JOIN members head ON head.household_id = households.id AND head.relation = 'head'").
		// Codes are unique: code alone is a stable order, and one the
		// street indexes (which end in village_code) give without a sort.
		Order("households.code").
		Offset(offset).Limit(limit).
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].HeadIDNumber == "" { // no head
			continue
		}
		k, err := s.keyring()
		if err != nil {
			return nil, err
		}
		if rows[i].HeadIDNumber, err = k.Open(colIDNumber, rows[i].HeadIDNumber); err != nil {
			return nil, fmt.Errorf("household %d head: %w", rows[i].ID, err)
		}
	}
	return rows, nil
}

// Household reads one live household with everything it holds; a household
// outside the scope is not found, exactly like a missing one.
func (s *Store) Household(ctx context.Context, sc access.Scope, id int64) (*register.Household, error) {
	var h register.Household
	err := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
		Where("households.id = ? AND households.deleted_at IS NULL", id).
		Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("sort, id") }).
		Preload("Vehicles", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("UrbanProperties", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("Businesses", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("HelpMeasures", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		First(&h).Error
	if err != nil {
		return nil, notFound(err, "农户")
	}
	if err := s.openHousehold(&h); err != nil {
		return nil, err
	}
	return &h, nil
}

// HouseholdOfPerson finds the live household holding an ID number, if any.
func (s *Store) HouseholdOfPerson(ctx context.Context, idNumber string) (id int64, code string, err error) {
	var row struct {
		ID   int64
		Code string
	}
	ix, err := s.IDIndex(idNumber)
	if err != nil {
		return 0, "", err
	}
	err = s.conn(ctx).Table("members").Select("households.id, households.code").
		Joins("JOIN households ON households.id = members.household_id").
		Where("members.active_id_key = ?", ix).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, "", nil
	}
	return row.ID, row.Code, err
}

// CreateHousehold inserts a household with its members, assets and measures.
// Personal data is sealed in a copy; h gets the new IDs.
func (s *Store) CreateHousehold(ctx context.Context, h *register.Household) error {
	h.Version = 1
	c, err := s.sealedHousehold(h)
	if err != nil {
		return err
	}
	// The household first, then its lists with plain INSERTs: GORM would save
	// associations as upserts, and on MySQL an upsert of a member whose
	// active_id_key is taken moves that person out of their household
	// instead of failing on the unique index (one person, one household).
	db := s.conn(ctx)
	if err := db.Omit(clause.Associations).Create(c).Error; err != nil {
		return err
	}
	for i := range c.Members {
		c.Members[i].HouseholdID = c.ID
	}
	for i := range c.Vehicles {
		c.Vehicles[i].HouseholdID = c.ID
	}
	for i := range c.UrbanProperties {
		c.UrbanProperties[i].HouseholdID = c.ID
	}
	for i := range c.Businesses {
		c.Businesses[i].HouseholdID = c.ID
	}
	for i := range c.HelpMeasures {
		c.HelpMeasures[i].HouseholdID = c.ID
	}
	if len(c.Members) > 0 {
		if err := db.Omit(clause.Associations).Create(&c.Members).Error; err != nil {
			return err
		}
	}
	for _, list := range []any{c.Vehicles, c.UrbanProperties, c.Businesses, c.HelpMeasures} {
		if err := createIfAny(db, list); err != nil {
			return err
		}
	}
	h.ID, h.CreatedAt, h.UpdatedAt, h.KeyVersion = c.ID, c.CreatedAt, c.UpdatedAt, c.KeyVersion
	for i := range h.Members {
		m := &c.Members[i]
		h.Members[i].ID, h.Members[i].HouseholdID = m.ID, m.HouseholdID
		h.Members[i].IDIndex, h.Members[i].ActiveIDKey, h.Members[i].KeyVersion = m.IDIndex, m.ActiveIDKey, m.KeyVersion
	}
	return nil
}

// UpdateHousehold writes a household whose Version is the one it was read
// at: a stale version is a version_conflict and nothing is written. Members
// keep their IDs (so their history and attachments stay); the lists of
// assets and measures are replaced.
func (s *Store) UpdateHousehold(ctx context.Context, h *register.Household) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		c, err := s.sealedHousehold(withVersion(h))
		if err != nil {
			return err
		}
		res := db.Model(&householdRow{}).Where("id = ? AND version = ? AND deleted_at IS NULL", h.ID, h.Version).
			Select("*").Omit("id", "created_at", "created_by", "deleted_at", "deleted_by", "Members", "Vehicles",
			"UrbanProperties", "Businesses", "HelpMeasures").
			Updates(c)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.New(apperr.VersionConflict, "该户信息已被他人修改，您的修改未保存。请刷新查看最新信息后再修改。")
		}
		h.Version++
		if err := s.saveMembers(ctx, h); err != nil {
			return err
		}
		return s.replaceAssets(ctx, h)
	})
}

func withVersion(h *register.Household) *register.Household {
	c := *h
	c.Version = h.Version + 1
	c.UpdatedAt = time.Now().UTC()
	c.Members, c.Vehicles, c.UrbanProperties, c.Businesses, c.HelpMeasures = nil, nil, nil, nil, nil
	return &c
}

func (s *Store) saveMembers(ctx context.Context, h *register.Household) error {
	db := s.conn(ctx)
	keep := []int64{0}
	for i := range h.Members {
		if h.Members[i].ID != 0 {
			keep = append(keep, h.Members[i].ID)
		}
	}
	// Removed members go first so that their ID numbers are free again.
	if err := db.Where("household_id = ? AND id NOT IN ?", h.ID, keep).Delete(&memberRow{}).Error; err != nil {
		return err
	}
	for i := range h.Members {
		m := &h.Members[i]
		m.HouseholdID = h.ID
		sm, err := s.sealedMember(*m)
		if err != nil {
			return err
		}
		m.IDIndex, m.ActiveIDKey, m.KeyVersion = sm.IDIndex, sm.ActiveIDKey, sm.KeyVersion
		if m.ID == 0 {
			if err := db.Create(&sm).Error; err != nil {
				return err
			}
			m.ID = sm.ID
			continue
		}
		res := db.Model(&memberRow{}).Where("id = ? AND household_id = ?", m.ID, h.ID).Select("*").Omit("id").Updates(&sm)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.Invalid(apperr.Detail{Field: "members", Message: "成员不属于该户"})
		}
	}
	return nil
}

func (s *Store) replaceAssets(ctx context.Context, h *register.Household) error {
	db := s.conn(ctx)
	for _, model := range []any{&vehicleRow{}, &urbanPropertyRow{}, &businessRow{}, &helpMeasureRow{}} {
		if err := db.Where("household_id = ?", h.ID).Delete(model).Error; err != nil {
			return err
		}
	}
	for i := range h.Vehicles {
		h.Vehicles[i].ID, h.Vehicles[i].HouseholdID = 0, h.ID
	}
	for i := range h.UrbanProperties {
		h.UrbanProperties[i].ID, h.UrbanProperties[i].HouseholdID = 0, h.ID
	}
	for i := range h.Businesses {
		h.Businesses[i].ID, h.Businesses[i].HouseholdID = 0, h.ID
	}
	for i := range h.HelpMeasures {
		h.HelpMeasures[i].ID, h.HelpMeasures[i].HouseholdID = 0, h.ID
	}
	for _, list := range []any{h.Vehicles, h.UrbanProperties, h.Businesses, h.HelpMeasures} {
		if err := createIfAny(db, list); err != nil {
			return err
		}
	}
	return nil
}

func createIfAny(db *gorm.DB, list any) error {
	switch l := list.(type) {
	case []register.Vehicle:
		if len(l) > 0 {
			return db.Create(&l).Error
		}
	case []register.UrbanProperty:
		if len(l) > 0 {
			return db.Create(&l).Error
		}
	case []register.Business:
		if len(l) > 0 {
			return db.Create(&l).Error
		}
	case []register.HelpMeasure:
		if len(l) > 0 {
			return db.Create(&l).Error
		}
	}
	return nil
}

// DeleteHousehold marks a household deleted: it stays for the audit, leaves
// every list, cannot be edited, and its members' ID numbers are free again.
func (s *Store) DeleteHousehold(ctx context.Context, sc access.Scope, id, version int64, by string, at time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
			Where("households.id = ? AND households.version = ? AND households.deleted_at IS NULL", id, version).
			Updates(map[string]any{"deleted_at": at, "deleted_by": by, "version": version + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if _, err := s.Household(ctx, sc, id); err != nil {
				return err
			}
			return apperr.New(apperr.VersionConflict, "该户信息已被他人修改，请刷新后再删除")
		}
		return s.conn(ctx).Model(&memberRow{}).Where("household_id = ?", id).Update("active_id_key", nil).Error
	})
}

// MemberTransfer records a person moving between households.
type MemberTransfer struct {
	ID              int64 `gorm:"primaryKey"`
	MemberID        int64
	FromHouseholdID int64
	ToHouseholdID   int64
	Reason          string
	Note            string
	At              time.Time
	By              string
}

// HouseholdOfMember returns the id of the live household in scope holding a member.
func (s *Store) HouseholdOfMember(ctx context.Context, sc access.Scope, memberID int64) (int64, error) {
	var row struct{ ID int64 }
	err := inScope(s.conn(ctx).Table("households"), sc, "households").
		Select("households.id").Joins("JOIN members ON members.household_id = households.id").
		Where("members.id = ? AND households.deleted_at IS NULL", memberID).Take(&row).Error
	if err != nil {
		return 0, notFound(err, "成员")
	}
	return row.ID, nil
}

// MoveMember moves a member to another household under a new relation, keeps
// the member's row (and so its history), bumps both households' versions
// (checked against the versions the caller saw) and records the transfer.
func (s *Store) MoveMember(ctx context.Context, t *MemberTransfer, relation string, fromVersion, toVersion int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		for _, hv := range [][2]int64{{t.FromHouseholdID, fromVersion}, {t.ToHouseholdID, toVersion}} {
			res := db.Model(&householdRow{}).Where("id = ? AND version = ? AND deleted_at IS NULL", hv[0], hv[1]).
				Updates(map[string]any{"version": hv[1] + 1, "updated_at": t.At, "updated_by": t.By})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return apperr.New(apperr.VersionConflict, "相关农户的信息已被他人修改，请刷新后重试")
			}
		}
		var maxSort int
		if err := db.Model(&memberRow{}).Where("household_id = ?", t.ToHouseholdID).Select("COALESCE(MAX(sort), 0)").Scan(&maxSort).Error; err != nil {
			return err
		}
		res := db.Model(&memberRow{}).Where("id = ? AND household_id = ?", t.MemberID, t.FromHouseholdID).
			Updates(map[string]any{"household_id": t.ToHouseholdID, "relation": relation, "sort": maxSort + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.NotFoundf("成员")
		}
		return db.Create(t).Error
	})
}

// TransfersOfHousehold lists the transfers into or out of a household.
func (s *Store) TransfersOfHousehold(ctx context.Context, householdID int64) ([]MemberTransfer, error) {
	var ts []MemberTransfer
	return ts, s.conn(ctx).Where("from_household_id = ? OR to_household_id = ?", householdID, householdID).Order("id DESC").Find(&ts).Error
}

// EachHousehold streams every matching list row in code order, in batches,
// for exports of any size.
//
// It pages by code (keyset), not by offset, and counts nothing: an offset
// page re-reads every row before it and a count per page re-scans the
// list, which made an export of a million households quadratic
// (BENCHMARKS.md).
func (s *Store) EachHousehold(ctx context.Context, sc access.Scope, f HouseholdFilter, fn func(HouseholdListRow) error) error {
	const size = 1000
	after := ""
	for {
		rows, err := s.householdRows(ctx, sc, f, after, 0, size)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < size {
			return nil
		}
		after = rows[len(rows)-1].Code
	}
}

// eachPage calls fn for every row of a paged query, a thousand at a time,
// until a page comes back short.
func eachPage[T any](page func(page, size int) ([]T, error), fn func(T) error) error {
	const size = 1000
	for p := 1; ; p++ {
		rows, err := page(p, size)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < size {
			return nil
		}
	}
}

// HouseholdCode is what a household code is taken by (imports check it).
type HouseholdCode struct {
	ID          int64
	VillageCode string
	Deleted     bool
}

// HouseholdsByCode finds the households, live or deleted, that hold any of
// the codes (codes are unique across both).
func (s *Store) HouseholdsByCode(ctx context.Context, codes []string) (map[string]HouseholdCode, error) {
	out := map[string]HouseholdCode{}
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		var rows []struct {
			ID          int64
			Code        string
			VillageCode string
			DeletedAt   *time.Time
		}
		if err := s.conn(ctx).Table("households").Select("id, code, village_code, deleted_at").
			Where("code IN ?", chunk).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Code] = HouseholdCode{ID: r.ID, VillageCode: r.VillageCode, Deleted: r.DeletedAt != nil}
		}
	}
	return out, nil
}
