package migrations

import (
	"time"

	"gorm.io/gorm"
)

// auditChain0013 is the head of the audit chain: one row (id 1) holding the
// sequence number and hash of the newest record. A writer locks it (SELECT
// … FOR UPDATE on MySQL; SQLite serialises writers anyway), takes the next
// number from it and moves it in the same transaction as the record, so
// concurrent writers make one unbroken chain. It is also how verification
// notices that the newest records were removed.
type auditChain0013 struct {
	ID        int    `gorm:"primaryKey;autoIncrement:false"`
	LastSeq   int64  `gorm:"not null"`
	LastHash  string `gorm:"size:64;not null"`
	UpdatedAt time.Time
}

func (auditChain0013) TableName() string { return "audit_chain" }

// auditAnchor0013 is what a purge leaves behind: the sequence number and
// hash of the last record it removed, so that the chain still verifies from
// the first record kept, and a record missing at the start is still noticed.
// Mac is the keyed hash of the anchor's own fields.
type auditAnchor0013 struct {
	ID       int64     `gorm:"primaryKey;autoIncrement"`
	Seq      int64     `gorm:"not null;uniqueIndex:ux_audit_anchors_seq"`
	Hash     string    `gorm:"size:64;not null"`
	PurgedAt time.Time `gorm:"not null"`
	Count    int64     `gorm:"not null"`
	Cutoff   time.Time `gorm:"not null"` // records older than this were removed
	PurgedBy string    `gorm:"size:128;not null"`
	Mac      string    `gorm:"size:64;not null"`
}

func (auditAnchor0013) TableName() string { return "audit_anchors" }

// m0013AuditChain chains the audit log (issue 9, 安全审计).
//
// audit_events.seq is the record's place in the chain, given by the writer
// from the head row, never by the database: auto-increment IDs are neither
// gap-free nor in commit order (and on TiDB not even increasing across
// servers). prev_hash is the previous record's hash, hash the keyed hash of
// every field of the record including seq and prev_hash.
//
// Records written before this migration keep seq NULL (a unique index allows
// many NULLs). They cannot be chained here: the hash is keyed with the data
// keys, which migrations do not have. The first start with keys (serve, or
// migrate with keys) chains them in id order (store.ChainLegacyAudit), once,
// while the chain is still empty.
func m0013AuditChain(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "mysql" {
		stmts = []string{
			"ALTER TABLE audit_events ADD COLUMN seq BIGINT NULL, ADD COLUMN prev_hash VARCHAR(64) NOT NULL DEFAULT ''," +
				" ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT ''",
		}
	} else {
		stmts = []string{
			"ALTER TABLE audit_events ADD COLUMN seq integer NULL",
			"ALTER TABLE audit_events ADD COLUMN prev_hash varchar(64) NOT NULL DEFAULT ''",
			"ALTER TABLE audit_events ADD COLUMN hash varchar(64) NOT NULL DEFAULT ''",
		}
	}
	stmts = append(stmts, "CREATE UNIQUE INDEX ux_audit_events_seq ON audit_events (seq)")
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	if err := createTables(tx, &auditChain0013{}, &auditAnchor0013{}); err != nil {
		return err
	}
	return tx.Create(&auditChain0013{ID: 1, LastSeq: 0, LastHash: "", UpdatedAt: time.Now().UTC()}).Error
}
