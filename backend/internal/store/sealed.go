package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jingzhun/internal/register"
	"jingzhun/internal/sealing"
)

// Personal data is sealed at rest (issue 5): the store seals it on write and
// opens it on read, here and only here; services and handlers see clear
// values. Each sealed column's name is the associated data of its values, so
// a value moved into another column does not open.
const (
	colPhone              = "households.phone"
	colIDNumber           = "members.id_number"
	colHealth             = "members.health"
	colDisease            = "members.disease"
	colDisabilityCategory = "members.disability_category"
	colDisabilityCert     = "members.disability_cert" // 残疾证号 begins with the ID number
	colInputs             = "household_outcomes.inputs"
	colResult             = "household_outcomes.result" // lists removed members by ID number
)

// idKind names ID numbers in the blind index.
const idKind = "id_number"

// sealedTables lists every table with sealed columns, for SealLegacy and
// Rotate. Each has key_version: 0 = written in clear before migration 0005
// (0009 for users; see sealedRowsOnly in mfa.go).
var sealedTables = []struct {
	table   string
	columns []string
}{
	{"households", []string{"phone"}},
	{"members", []string{"id_number", "health", "disease", "disability_category", "disability_cert"}},
	{"household_outcomes", []string{"inputs", "result"}},
	{"field_confirmations", []string{"value"}}, // a department's confirmed or corrected value
	{"dept_records", []string{"id_number", "data"}},
	{"discrepancies", []string{"survey_value", "department_value"}},
	{"users", []string{"totp_secret", "totp_pending"}}, // the TOTP second factor
	{"info_officers", []string{"phone"}},               // information officers (directories.go)
	{"check_team_members", []string{"phone"}},          // check team members (directories.go)
}

// ErrNoKeys is returned when sealed data is read or written without keys.
var ErrNoKeys = errors.New("no data keys configured: personal data can be neither read nor written")

// SetKeys gives the store the data keys. main calls it once, before serving.
func (s *Store) SetKeys(k *sealing.Keyring) { s.keys = k }

func (s *Store) keyring() (*sealing.Keyring, error) {
	if s.keys == nil {
		return nil, ErrNoKeys
	}
	return s.keys, nil
}

// IDIndex is the blind index of an ID number, as stored in members.id_index.
func (s *Store) IDIndex(idNumber string) (string, error) {
	k, err := s.keyring()
	if err != nil {
		return "", err
	}
	return k.BlindIndex(idKind, idNumber), nil
}

// sealedHousehold is a copy of h to write: phone and members sealed. The
// asset slices are shared with h, so their new IDs land in h.
func (s *Store) sealedHousehold(h *register.Household) (*register.Household, error) {
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	c := *h
	c.Phone = k.Seal(colPhone, h.Phone)
	c.KeyVersion = k.Current()
	if h.Members != nil {
		c.Members = make([]register.Member, len(h.Members))
		for i := range h.Members {
			if c.Members[i], err = s.sealedMember(h.Members[i]); err != nil {
				return nil, err
			}
		}
	}
	return &c, nil
}

// sealedMember is a copy of m to write, live (active_id_key set).
func (s *Store) sealedMember(m register.Member) (register.Member, error) {
	k, err := s.keyring()
	if err != nil {
		return m, err
	}
	m.IDIndex = k.BlindIndex(idKind, m.IDNumber)
	key := m.IDIndex
	m.ActiveIDKey = &key
	m.IDNumber = k.Seal(colIDNumber, m.IDNumber)
	m.Health = k.Seal(colHealth, m.Health)
	m.Disease = k.Seal(colDisease, m.Disease)
	m.DisabilityCategory = k.Seal(colDisabilityCategory, m.DisabilityCategory)
	m.DisabilityCert = k.Seal(colDisabilityCert, m.DisabilityCert)
	m.KeyVersion = k.Current()
	return m, nil
}

// openHousehold opens h's sealed fields in place.
func (s *Store) openHousehold(h *register.Household) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if h.Phone, err = k.Open(colPhone, h.Phone); err != nil {
		return fmt.Errorf("household %d: %w", h.ID, err)
	}
	for i := range h.Members {
		if err := s.openMember(&h.Members[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) openMember(m *register.Member) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		col string
		v   *string
	}{
		{colIDNumber, &m.IDNumber}, {colHealth, &m.Health}, {colDisease, &m.Disease},
		{colDisabilityCategory, &m.DisabilityCategory}, {colDisabilityCert, &m.DisabilityCert},
	} {
		if *f.v, err = k.Open(f.col, *f.v); err != nil {
			return fmt.Errorf("member %d: %w", m.ID, err)
		}
	}
	return nil
}

// sealOutcome returns a copy of o with inputs and result sealed.
func (s *Store) sealOutcome(o *HouseholdOutcome) (*HouseholdOutcome, error) {
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	c := *o
	c.Inputs, c.Result, c.KeyVersion = k.Seal(colInputs, o.Inputs), k.Seal(colResult, o.Result), k.Current()
	return &c, nil
}

func (s *Store) openOutcome(o *HouseholdOutcome) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if o.Inputs, err = k.Open(colInputs, o.Inputs); err != nil {
		return fmt.Errorf("outcome %d: %w", o.ID, err)
	}
	if o.Result, err = k.Open(colResult, o.Result); err != nil {
		return fmt.Errorf("outcome %d: %w", o.ID, err)
	}
	return nil
}

// SealReport counts the rows (re-)sealed, by table.
type SealReport map[string]int64

// Total is the number of rows over all tables.
func (r SealReport) Total() int64 {
	var n int64
	for _, c := range r {
		n += c
	}
	return n
}

// SealLegacy seals the rows written in clear before migration 0005, and
// the accounts' TOTP secrets before 0009 (key_version 0). The server runs
// it at start-up, after the migrations: the migration itself has no key.
// It is idempotent. When it sealed
// anything on SQLite, the file is vacuumed so that the clear values do not
// linger in free pages (on MySQL, see deploy/README.md).
func (s *Store) SealLegacy(ctx context.Context) (SealReport, error) {
	rep, err := s.reseal(ctx, "key_version = 0", 500)
	if err != nil || rep.Total() == 0 || s.Dialect != "sqlite" {
		return rep, err
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM").Error; err != nil {
		return rep, fmt.Errorf("vacuum after sealing: %w", err)
	}
	return rep, s.db.WithContext(ctx).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}

// Rotate re-seals every row not sealed with the current key version, in
// batches of batch rows, each batch in its own transaction; it is
// idempotent and can run beside the server (a row written meanwhile is
// already current and is left alone). Afterwards no row needs an older key.
func (s *Store) Rotate(ctx context.Context, batch int) (SealReport, error) {
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	return s.reseal(ctx, fmt.Sprintf("key_version <> %d", k.Current()), batch)
}

// KeyVersions counts rows by key version over every sealed table, so an
// operator can see that no row needs an old key any more.
func (s *Store) KeyVersions(ctx context.Context) (map[int]int64, error) {
	out := map[int]int64{}
	for _, t := range sealedTables {
		var rows []struct {
			KeyVersion int
			N          int64
		}
		q := s.conn(ctx).Table(t.table)
		if only := sealedRowsOnly[t.table]; only != "" {
			q = q.Where(only)
		}
		if err := q.Select("key_version, COUNT(*) AS n").Group("key_version").Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.KeyVersion] += r.N
		}
	}
	return out, nil
}

func (s *Store) reseal(ctx context.Context, where string, batch int) (SealReport, error) {
	k, err := s.keyring()
	if err != nil {
		return nil, err
	}
	if batch <= 0 {
		batch = 500
	}
	rep := SealReport{}
	for _, t := range sealedTables {
		w := where
		if only := sealedRowsOnly[t.table]; only != "" {
			w = "(" + where + ") AND " + only
		}
		for {
			n, err := s.resealBatch(ctx, k, t.table, t.columns, w, batch)
			if err != nil {
				return rep, fmt.Errorf("seal %s: %w", t.table, err)
			}
			rep[t.table] += n
			if n == 0 {
				break
			}
		}
	}
	return rep, nil
}

// resealBatch re-seals up to batch rows of a table matching where, in one
// transaction, and returns how many it changed.
func (s *Store) resealBatch(ctx context.Context, k *sealing.Keyring, table string, cols []string, where string, batch int) (int64, error) {
	var changed int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		sel := "id, key_version"
		for _, c := range cols {
			sel += ", " + c
		}
		if table == "members" {
			sel += ", active_id_key"
		}
		rows, err := db.Table(table).Select(sel).Where(where).Order("id").Limit(batch).Rows()
		if err != nil {
			return err
		}
		type row struct {
			id, version int64
			values      []string
			live        bool
		}
		var todo []row
		for rows.Next() {
			r := row{values: make([]string, len(cols))}
			dst := []any{&r.id, &r.version}
			for i := range cols {
				dst = append(dst, &r.values[i])
			}
			var active sql.NullString
			if table == "members" {
				dst = append(dst, &active)
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return err
			}
			r.live = active.Valid
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			set := map[string]any{"key_version": k.Current()}
			for i, c := range cols {
				plain := r.values[i] // version 0: written in clear
				if r.version != 0 {
					if plain, err = k.Open(table+"."+c, r.values[i]); err != nil {
						return fmt.Errorf("row %d: %w", r.id, err)
					}
				}
				set[c] = k.Seal(table+"."+c, plain)
				if table == "members" && c == "id_number" {
					ix := k.BlindIndex(idKind, plain)
					set["id_index"] = ix
					if r.live {
						set["active_id_key"] = ix
					}
				}
			}
			res := db.Table(table).Where("id = ? AND key_version = ?", r.id, r.version).Updates(set)
			if res.Error != nil {
				return res.Error
			}
			changed += res.RowsAffected
		}
		return nil
	})
	return changed, err
}
