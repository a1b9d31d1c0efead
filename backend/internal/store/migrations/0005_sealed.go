package migrations

import (
	"gorm.io/gorm"
)

// m0005Sealed makes room for personal data encrypted at rest (issue 5).
//
// Sealed columns hold "v<key version>:" + base64, longer than the clear
// values, so they widen on MySQL (SQLite does not enforce VARCHAR lengths):
// households.phone; members.id_number, health, disease, disability_category,
// disability_cert; household_outcomes.inputs and result stay MEDIUMTEXT.
//
// key_version on each table with sealed columns is the key version the row
// was sealed with; 0 means "still in clear", which is every row written
// before this migration. The migration has no key: the server seals those
// rows in Go at start-up (store.SealLegacy), and `jingzhun rotate-keys`
// re-seals rows whose version is not the current one.
//
// members.id_index is the blind index (keyed hash) of the ID number, for
// exact search; members.active_id_key keeps its meaning (one person, one
// live household) but holds the blind index instead of the ID number. The
// index on the sealed id_number is useless and goes.
func m0005Sealed(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "mysql" {
		stmts = []string{
			"ALTER TABLE households MODIFY phone VARCHAR(255) NOT NULL, ADD COLUMN key_version INT NOT NULL DEFAULT 0",
			"ALTER TABLE members MODIFY id_number VARCHAR(255) NOT NULL, MODIFY health VARCHAR(255) NOT NULL," +
				" MODIFY disease VARCHAR(1024) NOT NULL, MODIFY disability_category VARCHAR(255) NOT NULL," +
				" MODIFY disability_cert VARCHAR(255) NOT NULL," +
				" ADD COLUMN id_index VARCHAR(64) NOT NULL DEFAULT '', ADD COLUMN key_version INT NOT NULL DEFAULT 0",
			"ALTER TABLE household_outcomes ADD COLUMN key_version INT NOT NULL DEFAULT 0",
			"DROP INDEX idx_members_id_number ON members",
		}
	} else {
		stmts = []string{
			"ALTER TABLE households ADD COLUMN key_version integer NOT NULL DEFAULT 0",
			"ALTER TABLE members ADD COLUMN id_index varchar(64) NOT NULL DEFAULT ''",
			"ALTER TABLE members ADD COLUMN key_version integer NOT NULL DEFAULT 0",
			"ALTER TABLE household_outcomes ADD COLUMN key_version integer NOT NULL DEFAULT 0",
			"DROP INDEX idx_members_id_number",
		}
	}
	stmts = append(stmts,
		"CREATE INDEX ix_members_id_index ON members (id_index)",
		"CREATE INDEX ix_households_key_version ON households (key_version)",
		"CREATE INDEX ix_members_key_version ON members (key_version)",
		"CREATE INDEX ix_outcomes_key_version ON household_outcomes (key_version)",
	)
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
