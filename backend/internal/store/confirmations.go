package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/register"
)

// Confirmation entities and states (信息数据复核). No row is pending.
const (
	EntityHousehold = "household"
	EntityVillage   = "village"

	StatePending   = "pending"
	StateConfirmed = "confirmed"
	StateCorrected = "corrected"
	StateDisputed  = "disputed"
)

const colConfirmationValue = "field_confirmations.value"

// Confirmation is a department's word on one field of one household (or
// one member of it) or village in a campaign. Value is the value confirmed,
// or the corrected value; nil when unknown. It is sealed at rest.
type Confirmation struct {
	ID          int64 `gorm:"primaryKey"`
	CampaignID  int64
	Entity      string
	EntityRef   string // household id or village code
	MemberID    int64  // 0: the household's or village's own field
	Field       string
	HouseholdID int64 // 0 for villages
	Department  string
	State       string
	Value       *string `gorm:"-"`
	Sealed      string  `gorm:"column:value"`
	Note        string
	Username    string
	At          time.Time
	KeyVersion  int
}

// TableName names the table.
func (Confirmation) TableName() string { return "field_confirmations" }

// ConfirmationKey names one field of one entity.
type ConfirmationKey struct {
	EntityRef string
	MemberID  int64
	Field     string
}

// Key is the confirmation's key.
func (c *Confirmation) Key() ConfirmationKey {
	return ConfirmationKey{EntityRef: c.EntityRef, MemberID: c.MemberID, Field: c.Field}
}

func (s *Store) sealConfirmation(c *Confirmation) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	v := ""
	if c.Value != nil {
		v = *c.Value
	}
	c.Sealed, c.KeyVersion = k.Seal(colConfirmationValue, v), k.Current()
	return nil
}

// Confirmations reads the confirmations of a department for some entities
// of one kind in a campaign.
func (s *Store) Confirmations(ctx context.Context, campaignID int64, entity, department string, refs []string) ([]Confirmation, error) {
	var out []Confirmation
	if len(refs) == 0 {
		return out, nil
	}
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(refs); start += 500 {
		var cs []Confirmation
		err := s.conn(ctx).Where("campaign_id = ? AND entity = ? AND department = ? AND entity_ref IN ?",
			campaignID, entity, department, refs[start:min(start+500, len(refs))]).Order("id").Find(&cs).Error
		if err != nil {
			return nil, err
		}
		for i := range cs {
			v, err := k.Open(colConfirmationValue, cs[i].Sealed)
			if err != nil {
				return nil, fmt.Errorf("confirmation %d: %w", cs[i].ID, err)
			}
			if v != "" {
				cs[i].Value = &v
			}
		}
		out = append(out, cs...)
	}
	return out, nil
}

// PutConfirmation records a department's word on a field, replacing what
// was recorded before for that field in that campaign.
func (s *Store) PutConfirmation(ctx context.Context, c *Confirmation) error {
	if err := s.sealConfirmation(c); err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		err := db.Where("campaign_id = ? AND entity = ? AND entity_ref = ? AND member_id = ? AND field = ?",
			c.CampaignID, c.Entity, c.EntityRef, c.MemberID, c.Field).Delete(&Confirmation{}).Error
		if err != nil {
			return err
		}
		c.ID = 0
		return db.Create(c).Error
	})
}

// AddConfirmations inserts confirmations of fields that have none (the
// pending ones), with multi-row INSERTs: a bulk confirmation writes tens
// of thousands of rows.
func (s *Store) AddConfirmations(ctx context.Context, cs []Confirmation) error {
	const cols = "campaign_id, entity, entity_ref, member_id, field, household_id, department, state, value, note, username, at, key_version"
	// The SQLite driver binds parameters in time quadratic in their
	// number: small statements there; MySQL prefers fewer round trips.
	batch := 40
	if s.Dialect == "mysql" {
		batch = 200
	}
	db := s.conn(ctx)
	for start := 0; start < len(cs); start += batch {
		part := cs[start:min(start+batch, len(cs))]
		var sql strings.Builder
		sql.WriteString("INSERT INTO field_confirmations (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*13)
		for i := range part {
			c := &part[i]
			if err := s.sealConfirmation(c); err != nil {
				return err
			}
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, c.CampaignID, c.Entity, c.EntityRef, c.MemberID, c.Field, c.HouseholdID, c.Department, c.State,
				c.Sealed, c.Note, c.Username, c.At, c.KeyVersion)
		}
		if err := db.Exec(sql.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// ResetConfirmations forgets, in every campaign, what was confirmed of the
// given fields of a household (their values changed): they are pending
// again. Confirmations of members no longer in the household go too.
func (s *Store) ResetConfirmations(ctx context.Context, householdID int64, keys []ConfirmationKey, members []int64) error {
	db := s.conn(ctx)
	byField := map[string][]int64{}
	for _, k := range keys {
		byField[k.Field] = append(byField[k.Field], k.MemberID)
	}
	fields := make([]string, 0, len(byField))
	for f := range byField {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		err := db.Where("entity = ? AND household_id = ? AND field = ? AND member_id IN ?", EntityHousehold, householdID, f, byField[f]).
			Delete(&Confirmation{}).Error
		if err != nil {
			return err
		}
	}
	return db.Where("entity = ? AND household_id = ? AND member_id <> 0 AND member_id NOT IN ?", EntityHousehold, householdID,
		append([]int64{0}, members...)).Delete(&Confirmation{}).Error
}

// ResetVillageConfirmations forgets, in every campaign, what was confirmed
// of the given fields of a village.
func (s *Store) ResetVillageConfirmations(ctx context.Context, villageCode string, fields []string) error {
	if len(fields) == 0 {
		return nil
	}
	return s.conn(ctx).Where("entity = ? AND entity_ref = ? AND field IN ?", EntityVillage, villageCode, fields).
		Delete(&Confirmation{}).Error
}

// TaskFilter selects the households (or villages) of a department's inbox.
type TaskFilter struct {
	CampaignID      int64
	Department      string
	HouseholdFields []string // the department's household-level keys
	MemberFields    []string // its member-level keys
	VillageFields   []string // its village keys
	State           string   // pending, confirmed, corrected, disputed, all ("" = all)
	StreetCode      string
	VillageCode     string
	Text            string // household code or member name (villages: name)
	IDNumber        string // a member's full ID number (exact)
	Page            int
	PageSize        int
}

func (f TaskFilter) fields() []string {
	return append(append(slices.Clone(f.HouseholdFields), f.MemberFields...), f.VillageFields...)
}

// doneHousehold counts a household's recorded confirmations of the
// department's fields (of members still in it), optionally in one state.
func (s *Store) doneHousehold(f TaskFilter, state string) (string, []any) {
	q := `SELECT COUNT(*) FROM field_confirmations fc WHERE fc.campaign_id = ? AND fc.entity = 'household'
		AND fc.household_id = households.id AND fc.department = ? AND fc.field IN ?
		AND (fc.member_id = 0 OR EXISTS (SELECT 1 FROM members cm WHERE cm.id = fc.member_id AND cm.household_id = households.id))`
	args := []any{f.CampaignID, f.Department, f.fields()}
	if state != "" {
		q += " AND fc.state = ?"
		args = append(args, state)
	}
	return q, args
}

func (s *Store) taskHouseholdQuery(ctx context.Context, sc access.Scope, f TaskFilter) *gorm.DB {
	q := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: f.StreetCode, VillageCode: f.VillageCode, Text: f.Text, IDNumber: f.IDNumber})
	switch f.State {
	case StatePending:
		done, args := s.doneHousehold(f, "")
		q = q.Where(fmt.Sprintf("(? + ? * (SELECT COUNT(*) FROM members em WHERE em.household_id = households.id)) > (%s)", done),
			append([]any{len(f.HouseholdFields), len(f.MemberFields)}, args...)...)
	case StateConfirmed, StateCorrected, StateDisputed:
		done, args := s.doneHousehold(f, f.State)
		q = q.Where(fmt.Sprintf("(%s) > 0", done), args...)
	}
	return q
}

// TaskHouseholds pages through the households of a department's inbox, in
// household code order: those with a field in the state asked for.
func (s *Store) TaskHouseholds(ctx context.Context, sc access.Scope, f TaskFilter) ([]int64, int64, error) {
	if len(f.HouseholdFields)+len(f.MemberFields) == 0 {
		return nil, 0, nil
	}
	var total int64
	if err := s.taskHouseholdQuery(ctx, sc, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ids []int64
	err := s.taskHouseholdQuery(ctx, sc, f).Order("households.code, households.id").
		Offset((f.Page-1)*f.PageSize).Limit(f.PageSize).Pluck("households.id", &ids).Error
	return ids, total, err
}

// TaskCounts counts the fields of a department's inbox by state, over the
// filter without its state.
func (s *Store) TaskCounts(ctx context.Context, sc access.Scope, f TaskFilter) (map[string]int64, error) {
	out := map[string]int64{StatePending: 0, StateConfirmed: 0, StateCorrected: 0, StateDisputed: 0}
	if len(f.HouseholdFields)+len(f.MemberFields) == 0 {
		return out, nil
	}
	f.State = ""
	db := s.conn(ctx)
	var households, members int64
	if err := s.taskHouseholdQuery(ctx, sc, f).Count(&households).Error; err != nil {
		return nil, err
	}
	if len(f.MemberFields) > 0 {
		if err := db.Table("members").Where("household_id IN (?)", s.taskHouseholdQuery(ctx, sc, f).Select("households.id")).
			Count(&members).Error; err != nil {
			return nil, err
		}
	}
	var rows []struct {
		State string
		N     int64
	}
	err := db.Table("field_confirmations fc").Select("fc.state, COUNT(*) AS n").
		Where("fc.campaign_id = ? AND fc.entity = 'household' AND fc.department = ? AND fc.field IN ?", f.CampaignID, f.Department, f.fields()).
		Where("fc.household_id IN (?)", s.taskHouseholdQuery(ctx, sc, f).Select("households.id")).
		Where("(fc.member_id = 0 OR EXISTS (SELECT 1 FROM members cm WHERE cm.id = fc.member_id AND cm.household_id = fc.household_id))").
		Group("fc.state").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	done := int64(0)
	for _, r := range rows {
		out[r.State] += r.N
		done += r.N
	}
	out[StatePending] = households*int64(len(f.HouseholdFields)) + members*int64(len(f.MemberFields)) - done
	return out, nil
}

// TaskVillage is one village of a department's inbox.
type TaskVillage struct {
	Code       string
	Name       string
	StreetCode string
	StreetName string
}

func (s *Store) taskVillageQuery(ctx context.Context, sc access.Scope, f TaskFilter) *gorm.DB {
	q := s.conn(ctx).Table("villages").Joins("JOIN streets ON streets.code = villages.street_code")
	if !sc.Whole {
		q = q.Where("villages.code IN ?", append([]string{""}, sc.Villages...))
	}
	if f.StreetCode != "" {
		q = q.Where("villages.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("villages.code = ?", f.VillageCode)
	}
	if f.Text != "" {
		like := "%" + escapeLike(f.Text) + "%"
		q = q.Where("(villages.name LIKE ? ESCAPE '!' OR villages.code LIKE ? ESCAPE '!')", like, like)
	}
	done := `SELECT COUNT(*) FROM field_confirmations fc WHERE fc.campaign_id = ? AND fc.entity = 'village'
		AND fc.entity_ref = villages.code AND fc.department = ? AND fc.field IN ?`
	args := []any{f.CampaignID, f.Department, f.fields()}
	switch f.State {
	case StatePending:
		q = q.Where(fmt.Sprintf("? > (%s)", done), append([]any{len(f.VillageFields)}, args...)...)
	case StateConfirmed, StateCorrected, StateDisputed:
		q = q.Where(fmt.Sprintf("(%s AND fc.state = ?) > 0", done), append(args, f.State)...)
	}
	return q
}

// TaskVillages pages through the villages of a department's inbox, in the
// regions' order.
func (s *Store) TaskVillages(ctx context.Context, sc access.Scope, f TaskFilter) ([]TaskVillage, int64, error) {
	if len(f.VillageFields) == 0 {
		return nil, 0, nil
	}
	var total int64
	if err := s.taskVillageQuery(ctx, sc, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []TaskVillage
	err := s.taskVillageQuery(ctx, sc, f).
		Select("villages.code, villages.name, villages.street_code, streets.name AS street_name").
		Order("streets.sort, villages.street_code, villages.sort, villages.code").
		Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Scan(&out).Error
	return out, total, err
}

// VillageTaskCounts counts the village fields of a department's inbox by
// state, over the filter without its state.
func (s *Store) VillageTaskCounts(ctx context.Context, sc access.Scope, f TaskFilter) (map[string]int64, error) {
	out := map[string]int64{StatePending: 0, StateConfirmed: 0, StateCorrected: 0, StateDisputed: 0}
	if len(f.VillageFields) == 0 {
		return out, nil
	}
	f.State = ""
	var villages int64
	if err := s.taskVillageQuery(ctx, sc, f).Count(&villages).Error; err != nil {
		return nil, err
	}
	var rows []struct {
		State string
		N     int64
	}
	err := s.conn(ctx).Table("field_confirmations fc").Select("fc.state, COUNT(*) AS n").
		Where("fc.campaign_id = ? AND fc.entity = 'village' AND fc.department = ? AND fc.field IN ?", f.CampaignID, f.Department, f.fields()).
		Where("fc.entity_ref IN (?)", s.taskVillageQuery(ctx, sc, f).Select("villages.code")).
		Group("fc.state").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	done := int64(0)
	for _, r := range rows {
		out[r.State] += r.N
		done += r.N
	}
	out[StatePending] = villages*int64(len(f.VillageFields)) - done
	return out, nil
}

// TaskHouseholdsByIDs reads live households in scope with everything they hold,
// a batch at a time, in the order of ids (missing ones left out).
func (s *Store) TaskHouseholdsByIDs(ctx context.Context, sc access.Scope, ids []int64) ([]*register.Household, error) {
	byID := map[int64]*register.Household{}
	for start := 0; start < len(ids); start += 500 {
		var hs []register.Household
		err := inScope(s.conn(ctx).Model(&householdRow{}), sc, "households").
			Where("households.id IN ? AND households.deleted_at IS NULL", ids[start:min(start+500, len(ids))]).
			Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("sort, id") }).
			Preload("Vehicles", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("UrbanProperties", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("Businesses", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Preload("HelpMeasures", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Find(&hs).Error
		if err != nil {
			return nil, err
		}
		for i := range hs {
			if err := s.openHousehold(&hs[i]); err != nil {
				return nil, err
			}
			byID[hs[i].ID] = &hs[i]
		}
	}
	out := make([]*register.Household, 0, len(byID))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// EachTaskHousehold streams the ids of every household of a department's
// inbox, a thousand at a time (exports, bulk confirmation).
func (s *Store) EachTaskHousehold(ctx context.Context, sc access.Scope, f TaskFilter, fn func(ids []int64) error) error {
	if len(f.HouseholdFields)+len(f.MemberFields) == 0 {
		return nil
	}
	// Keyset paging on (code, id): a page of confirmations changes the
	// pending set, so offsets would skip households.
	lastCode, lastID := "", int64(0)
	for {
		var rows []struct {
			ID   int64
			Code string
		}
		q := s.taskHouseholdQuery(ctx, sc, f)
		if lastID != 0 {
			q = q.Where("(households.code > ? OR (households.code = ? AND households.id > ?))", lastCode, lastCode, lastID)
		}
		if err := q.Select("households.id, households.code").Order("households.code, households.id").Limit(1000).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		if err := fn(ids); err != nil {
			return err
		}
		if len(rows) < 1000 {
			return nil
		}
		lastCode, lastID = rows[len(rows)-1].Code, rows[len(rows)-1].ID
	}
}

// EachTaskVillage streams every village of a department's inbox.
func (s *Store) EachTaskVillage(ctx context.Context, sc access.Scope, f TaskFilter, fn func([]TaskVillage) error) error {
	if len(f.VillageFields) == 0 {
		return nil
	}
	f.Page, f.PageSize = 1, 100000
	vs, _, err := s.TaskVillages(ctx, sc, f)
	if err != nil {
		return err
	}
	return fn(vs)
}
