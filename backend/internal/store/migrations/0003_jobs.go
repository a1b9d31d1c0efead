package migrations

import (
	"time"

	"gorm.io/gorm"
)

// job0003 is a background job (recomputation, import, export) with its
// progress, leased by one server process at a time.
type job0003 struct {
	ID   int64  `gorm:"primaryKey;autoIncrement"`
	Kind string `gorm:"size:32;not null;index"`
	Key  string `gorm:"size:200;not null;index"`
	// ActiveKey is Key while the job is queued or running and NULL after: the
	// unique index refuses a second start of the same job while one runs.
	ActiveKey   *string `gorm:"size:200;uniqueIndex"`
	Status      string  `gorm:"size:16;not null;index"`
	Params      string  `gorm:"type:text;not null"`
	Result      string  `gorm:"type:text;not null"`
	Error       string  `gorm:"size:1000;not null"`
	Done        int64   `gorm:"not null"`
	Total       int64   `gorm:"not null"`
	Owner       string  `gorm:"size:64;not null"`
	CreatedBy   string  `gorm:"size:64;not null"`
	CreatedAt   time.Time
	StartedAt   *time.Time
	HeartbeatAt *time.Time
	FinishedAt  *time.Time
}

func (job0003) TableName() string { return "jobs" }

func m0003Jobs(tx *gorm.DB) error { return createTables(tx, &job0003{}) }
