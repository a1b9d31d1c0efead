package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"jingzhun/internal/access"
	"jingzhun/internal/register"
)

// Bulk work on the register: households written many at once with
// multi-row INSERTs (the generator, `jingzhun gen -db`), households read a
// page at a time by keyset and outcomes written a batch at a time (the
// recomputation). Every statement is bounded (maxPlaceholders) and the
// caller bounds the transaction, so that the same code runs on TiDB, whose
// transactions have a size limit.

// maxPlaceholders bounds the values of one statement: MySQL allows 65,535
// placeholders in a prepared statement. SQLite allows 32,766, but its
// driver binds each value by searching the arguments (quadratic in their
// number), so statements there stay small.
func (s *Store) maxPlaceholders() int {
	if s.Dialect == "sqlite" {
		return 1000
	}
	return 30000
}

// HouseholdIDs is where the next rows of each register table start: a bulk
// writer assigns IDs itself rather than reading them back, because a
// multi-row INSERT returns only the first auto-increment value and nothing
// promises that the others follow it (TiDB hands out ranges per server).
type HouseholdIDs struct {
	Household, Member, Vehicle, UrbanProperty, Business, HelpMeasure int64
}

// NextHouseholdIDs reads the first free ID of every register table (one
// past the largest).
func (s *Store) NextHouseholdIDs(ctx context.Context) (HouseholdIDs, error) {
	var ids HouseholdIDs
	for _, t := range []struct {
		table string
		dst   *int64
	}{{"households", &ids.Household}, {"members", &ids.Member}, {"vehicles", &ids.Vehicle},
		{"urban_properties", &ids.UrbanProperty}, {"businesses", &ids.Business}, {"help_measures", &ids.HelpMeasure}} {
		if err := s.conn(ctx).Table(t.table).Select("COALESCE(MAX(id), 0) + 1").Scan(t.dst).Error; err != nil {
			return ids, err
		}
	}
	return ids, nil
}

// CountHouseholds counts every household row, live or deleted.
func (s *Store) CountHouseholds(ctx context.Context) (int64, error) {
	var n int64
	return n, s.conn(ctx).Table("households").Count(&n).Error
}

// HouseholdBatch is a set of households sealed and laid out as the rows of
// multi-row INSERTs, ready for WriteHouseholds. Preparing is CPU work only
// (sealing, the blind index), safe to do in several goroutines at once.
type HouseholdBatch struct {
	tables []bulkRows
	// Households, Members and Rows (of every table) count what the batch writes.
	Households, Members, Rows int
}

type bulkRows struct {
	table string
	cols  []string
	args  []any // len(cols) values per row
}

// PrepareHouseholds seals households as CreateHousehold stores them
// (version 1, phone and members' personal fields sealed with the current
// key, the blind index, live members holding their active_id_key) and lays
// out their rows. Every household, member and asset must carry its ID and
// household ID already (NextHouseholdIDs), and CreatedAt/UpdatedAt.
func (s *Store) PrepareHouseholds(hs []register.Household) (*HouseholdBatch, error) {
	b := &HouseholdBatch{}
	var rows [6][]any
	for i := range hs {
		h := &hs[i]
		if h.ID == 0 {
			return nil, fmt.Errorf("household %q has no ID", h.Code)
		}
		v := *h
		v.Version = 1
		c, err := s.sealedHousehold(&v)
		if err != nil {
			return nil, err
		}
		rows[0] = append(rows[0], c)
		for j := range c.Members {
			if c.Members[j].ID == 0 || c.Members[j].HouseholdID != h.ID {
				return nil, fmt.Errorf("household %q: member %d without its IDs", h.Code, j)
			}
			rows[1] = append(rows[1], &c.Members[j])
		}
		for j := range c.Vehicles {
			rows[2] = append(rows[2], &c.Vehicles[j])
		}
		for j := range c.UrbanProperties {
			rows[3] = append(rows[3], &c.UrbanProperties[j])
		}
		for j := range c.Businesses {
			rows[4] = append(rows[4], &c.Businesses[j])
		}
		for j := range c.HelpMeasures {
			rows[5] = append(rows[5], &c.HelpMeasures[j])
		}
		b.Households++
		b.Members += len(c.Members)
	}
	models := [6]any{&householdRow{}, &memberRow{}, &vehicleRow{}, &urbanPropertyRow{}, &businessRow{}, &helpMeasureRow{}}
	for t, list := range rows {
		if len(list) == 0 {
			continue
		}
		sch, err := s.schemaOf(models[t])
		if err != nil {
			return nil, err
		}
		r := bulkRows{table: sch.Table}
		var fields []*schema.Field
		for _, name := range sch.DBNames {
			f := sch.FieldsByDBName[name]
			r.cols = append(r.cols, name)
			fields = append(fields, f)
		}
		r.args = make([]any, 0, len(list)*len(fields))
		ctx := context.Background()
		for _, row := range list {
			rv := reflect.ValueOf(row).Elem()
			for _, f := range fields {
				val, _ := f.ValueOf(ctx, rv)
				r.args = append(r.args, val)
			}
		}
		b.tables = append(b.tables, r)
		b.Rows += len(list)
	}
	return b, nil
}

// schemaOf is GORM's parsed schema of a model (cached by GORM): the column
// names and how to read each field, exactly as Create would write them.
func (s *Store) schemaOf(model any) (*schema.Schema, error) {
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(model); err != nil {
		return nil, err
	}
	return stmt.Schema, nil
}

// WriteHouseholds inserts a prepared batch with multi-row INSERTs (the
// transaction in ctx, if any: the caller decides how much one holds),
// households first so that the members' foreign keys hold.
func (s *Store) WriteHouseholds(ctx context.Context, b *HouseholdBatch) error {
	for _, t := range b.tables {
		if err := s.insertRows(ctx, t.table, t.cols, t.args, ""); err != nil {
			return fmt.Errorf("insert %s: %w", t.table, err)
		}
	}
	return nil
}

// insertRows sends rows (len(cols) args each) as multi-row INSERTs of at
// most maxPlaceholders values, straight to the connection: GORM's
// statement building costs more than the database for rows this wide.
// suffix follows each statement (an upsert clause).
func (s *Store) insertRows(ctx context.Context, table string, cols []string, args []any, suffix string) error {
	per := max(1, s.maxPlaceholders()/len(cols))
	n := len(args) / len(cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	pool := s.conn(ctx).Statement.ConnPool
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var q strings.Builder
		q.Grow(64 + len(cols)*16 + (end-start)*(len(one)+1) + len(suffix))
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i := start; i < end; i++ {
			if i > start {
				q.WriteByte(',')
			}
			q.WriteString(one)
		}
		q.WriteString(suffix)
		if _, err := pool.ExecContext(ctx, q.String(), args[start*len(cols):end*len(cols)]...); err != nil {
			return err
		}
	}
	return nil
}

// HouseholdPage reads up to limit live households in scope (optionally one
// street or village) with IDs above afterID, in ID order, with everything
// they hold, opened: a recomputation walks the register with it by keyset,
// so that a page costs the same at the end of a million as at the start and
// memory holds one page.
func (s *Store) HouseholdPage(ctx context.Context, sc access.Scope, street, village string, afterID int64, limit int) ([]register.Household, error) {
	hs, err := scanRows[register.Household](s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: street, VillageCode: village}).
		Select("households.*").Where("households.id > ?", afterID).Order("households.id").Limit(limit))
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	// The page's lists by the range of its household IDs when the page is
	// dense in it (the whole district: a range scan of the household_id
	// index, as cheap as reading the table), else by the list of IDs (one
	// village: the range would hold the other villages' rows too).
	first, last := hs[0].ID, hs[len(hs)-1].ID
	of := func(table, order string) *gorm.DB {
		q := s.conn(ctx).Table(table).Order(order)
		if last-first < int64(2*len(hs)) {
			return q.Where("household_id BETWEEN ? AND ?", first, last)
		}
		ids := make([]int64, len(hs))
		for i := range hs {
			ids[i] = hs[i].ID
		}
		return q.Where("household_id IN ?", ids)
	}
	at := make(map[int64]*register.Household, len(hs))
	for i := range hs {
		at[hs[i].ID] = &hs[i]
	}
	ms, err := scanRows[register.Member](of("members", "household_id, sort, id"))
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if h := at[m.HouseholdID]; h != nil {
			h.Members = append(h.Members, m)
		}
	}
	vs, err := scanRows[register.Vehicle](of("vehicles", "id"))
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if h := at[v.HouseholdID]; h != nil {
			h.Vehicles = append(h.Vehicles, v)
		}
	}
	ps, err := scanRows[register.UrbanProperty](of("urban_properties", "id"))
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if h := at[p.HouseholdID]; h != nil {
			h.UrbanProperties = append(h.UrbanProperties, p)
		}
	}
	bs, err := scanRows[register.Business](of("businesses", "id"))
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if h := at[b.HouseholdID]; h != nil {
			h.Businesses = append(h.Businesses, b)
		}
	}
	hm, err := scanRows[register.HelpMeasure](of("help_measures", "id"))
	if err != nil {
		return nil, err
	}
	for _, m := range hm {
		if h := at[m.HouseholdID]; h != nil {
			h.HelpMeasures = append(h.HelpMeasures, m)
		}
	}
	for i := range hs {
		if err := s.openHousehold(&hs[i]); err != nil {
			return nil, err
		}
	}
	return hs, nil
}

// scanRows runs a query (built, not run) and scans each row's columns straight into the
// fields of a T that GORM's schema maps them to (unknown columns are
// dropped): what Find does, without its per-row reflection, which was half
// of a recomputation's CPU.
func scanRows[T any](q *gorm.DB) ([]T, error) {
	stmt := &gorm.Statement{DB: q}
	if err := stmt.Parse(new(T)); err != nil {
		return nil, err
	}
	sch := stmt.Schema
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	index := make([][]int, len(cols))
	for i, c := range cols {
		if f := sch.LookUpField(c); f != nil && f.DBName != "" {
			index[i] = f.StructField.Index
		}
	}
	// created_at and updated_at may be NULL in the schema (GORM always
	// sets them): read through NullTime, as Find would leave them zero.
	timeType := reflect.TypeOf(time.Time{})
	times := make([]sql.NullTime, len(cols))
	var out []T
	dst := make([]any, len(cols))
	var drop any
	for rows.Next() {
		var v T
		rv := reflect.ValueOf(&v).Elem()
		for i, ix := range index {
			switch {
			case ix == nil:
				dst[i] = &drop
			case rv.FieldByIndex(ix).Type() == timeType:
				dst[i] = &times[i]
			default:
				dst[i] = rv.FieldByIndex(ix).Addr().Interface()
			}
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		for i, ix := range index {
			if ix != nil && dst[i] == &times[i] && times[i].Valid {
				rv.FieldByIndex(ix).Set(reflect.ValueOf(times[i].Time))
			}
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// OutcomeResults reads the outcomes of some households (sorted IDs) in a
// campaign, by household, with Result opened and Inputs left out: a recomputation
// compares results, and reads the inputs (OutcomeOf) only for the few
// households whose inputs changed.
func (s *Store) OutcomeResults(ctx context.Context, campaignID int64, householdIDs []int64) (map[int64]*HouseholdOutcome, error) {
	out := make(map[int64]*HouseholdOutcome, len(householdIDs))
	if len(householdIDs) == 0 {
		return out, nil
	}
	q := s.conn(ctx).Table("household_outcomes").Select("id, household_id, campaign_id, outcome, per_capita_income, household_size, result, "+
		"inputs_hash, household_version, computed_at, previous_outcome, changed_inputs, key_version").Where("campaign_id = ?", campaignID)
	if first, last := householdIDs[0], householdIDs[len(householdIDs)-1]; last-first < int64(2*len(householdIDs)) {
		q = q.Where("household_id BETWEEN ? AND ?", first, last) // sorted and dense: a range of the unique index
	} else {
		q = q.Where("household_id IN ?", householdIDs)
	}
	os, err := scanRows[HouseholdOutcome](q)
	if err != nil {
		return nil, err
	}
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	want := make(map[int64]bool, len(householdIDs))
	for _, id := range householdIDs {
		want[id] = true
	}
	for i := range os {
		o := &os[i]
		if !want[o.HouseholdID] {
			continue
		}
		if o.Result, err = k.Open(colResult, o.Result); err != nil {
			return nil, fmt.Errorf("outcome %d: %w", o.ID, err)
		}
		out[o.HouseholdID] = o
	}
	return out, nil
}

// outcomeCols are the columns an outcome upsert writes, in order.
var outcomeCols = []string{"household_id", "campaign_id", "outcome", "per_capita_income", "household_size", "result",
	"inputs", "inputs_hash", "household_version", "computed_at", "previous_outcome", "changed_inputs", "key_version"}

// SaveOutcomes writes many outcomes with multi-row upserts on the
// (household_id, campaign_id) key: a new row or the whole row replaced.
// Inputs and Result are sealed. IDs are not read back.
func (s *Store) SaveOutcomes(ctx context.Context, os []*HouseholdOutcome) error {
	if len(os) == 0 {
		return nil
	}
	k, err := s.keyring()
	if err != nil {
		return err
	}
	args := make([]any, 0, len(os)*len(outcomeCols))
	for _, o := range os {
		o.KeyVersion = k.Current()
		args = append(args, o.HouseholdID, o.CampaignID, o.Outcome, o.PerCapitaIncome, o.HouseholdSize,
			k.Seal(colResult, o.Result), k.Seal(colInputs, o.Inputs), o.InputsHash, o.HouseholdVersion,
			o.ComputedAt, o.PreviousOutcome, o.ChangedInputs, o.KeyVersion)
	}
	var set []string
	for _, c := range outcomeCols[2:] {
		if s.Dialect == "mysql" {
			set = append(set, c+" = VALUES("+c+")")
		} else {
			set = append(set, c+" = excluded."+c)
		}
	}
	suffix := " ON CONFLICT (household_id, campaign_id) DO UPDATE SET " + strings.Join(set, ", ")
	if s.Dialect == "mysql" {
		suffix = " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
	}
	return s.insertRows(ctx, "household_outcomes", outcomeCols, args, suffix)
}

// CountHouseholdsInScope counts the live households in scope (optionally one
// street or village): the total a recomputation reports progress against.
func (s *Store) CountHouseholdsInScope(ctx context.Context, sc access.Scope, street, village string) (int64, error) {
	var n int64
	return n, s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: street, VillageCode: village}).Count(&n).Error
}

// LockHouseholdVersions reads the versions of the live households among
// ids, locking their rows until the transaction in ctx ends (SQLite's
// write transaction locks the whole database anyway): a batch writer sees
// what an edit committed meanwhile, and no edit slips in before it commits.
func (s *Store) LockHouseholdVersions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	var rows []struct {
		ID      int64
		Version int64
	}
	q := s.conn(ctx).Table("households").Select("id, version").Where("id IN ? AND deleted_at IS NULL", ids)
	if s.Dialect == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Version
	}
	return out, nil
}
