// Package migrations holds the versioned, append-only schema changes. Each
// migration has its own frozen structs (copies, never the live models), so a
// later change to a model cannot change what an old migration creates, and
// both MySQL and SQLite get the same schema from the same code.
package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MySQLTableOptions is appended to every CREATE TABLE on MySQL: utf8mb4 so
// that rare characters in names (生僻字 outside the BMP) survive.
const MySQLTableOptions = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

// Migration is one step. ID orders them and must never be reused.
type Migration struct {
	ID   int
	Name string
	Up   func(tx *gorm.DB) error
}

// All lists every migration in order. Append only.
var All = []Migration{
	{1, "init: regions, departments, accounts, sessions, audit", m0001Init},
	{2, "register: households, members, assets, code lists, attachments", m0002Register},
	{3, "jobs: background work with progress and leases", m0003Jobs},
	{4, "outcomes: poverty lines, campaigns, household outcomes", m0004Outcomes},
	{5, "sealed: personal data encrypted at rest, blind index, key versions", m0005Sealed},
	{6, "sign-in: TOTP second factor, MFA challenges, password history", m0006MFA},
	{7, "confirmations: village table, departments' field confirmations", m0007Confirmations},
	{8, "cross-checks: department register imports, their records and problems, discrepancies", m0008Crosscheck},
	{9, "sign-in: TOTP secrets sealed at rest, their key version", m0009MFASealed},
	{10, "review: stage deadlines, village lists, cases, records, notices, reports", m0010Review},
	{11, "inspections: sampled households and findings, planned scale, referrals, rate threshold", m0011Inspections},
	{12, "directories: information officers and their trainings, check team members", m0012Directories},
	{13, "audit: records chained by sequence number and keyed hash, chain head, purge anchors", m0013AuditChain},
	{14, "rate limits: shared fixed-window counters of the strict request budgets", m0014RateLimits},
	{15, "api clients: third-party access with client-credentials tokens, scopes, rate limits, revocation", m0015APIClients},
	{16, "indexes: household lists by street, village and status in code order; case counts per list", m0016Indexes},
	{17, "jobs: leases, so that several server processes share one database", m0017JobLeases},
}

type schemaMigration struct {
	ID        int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200;not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Run applies the migrations not yet recorded, each in its own transaction
// where the database allows (MySQL commits DDL implicitly; the record is
// written last so a failed step is retried).
func Run(db *gorm.DB) error {
	if err := db.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	var done []int
	if err := db.Model(&schemaMigration{}).Pluck("id", &done).Error; err != nil {
		return err
	}
	applied := map[int]bool{}
	for _, id := range done {
		applied[id] = true
	}
	last := 0
	for _, m := range All {
		if m.ID <= last {
			return fmt.Errorf("migration %d out of order", m.ID)
		}
		last = m.ID
		if applied[m.ID] {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.Up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{ID: m.ID, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migration %04d %s: %w", m.ID, m.Name, err)
		}
	}
	return nil
}

// Latest is the ID of the newest migration.
func Latest() int { return All[len(All)-1].ID }

// createTables creates each frozen struct's table and indexes.
func createTables(tx *gorm.DB, tables ...any) error {
	for _, t := range tables {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return err
		}
	}
	return nil
}
