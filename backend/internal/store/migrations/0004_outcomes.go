package migrations

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/localdate"
)

// povertyLine0004 is a national poverty line (国家扶贫标准) by the year whose
// income it measures; the district office enters the years not known.
type povertyLine0004 struct {
	IncomeYear int             `gorm:"primaryKey;autoIncrement:false"`
	Line       decimal.Decimal `gorm:"type:decimal(12,2);not null"`
	Note       string          `gorm:"size:500;not null"`
	UpdatedAt  time.Time
	UpdatedBy  string `gorm:"size:64;not null"`
}

func (povertyLine0004) TableName() string { return "poverty_lines" }

// campaign0004 is a review campaign (动态管理批次) with its parameters
// (rules.md §1). One campaign is active: the one outcomes are kept current for.
type campaign0004 struct {
	ID                int64           `gorm:"primaryKey;autoIncrement"`
	Name              string          `gorm:"size:100;not null"`
	CampaignYear      int             `gorm:"not null"`
	IncomeYear        int             `gorm:"not null"`
	PovertyLine       decimal.Decimal `gorm:"type:decimal(12,2);not null"`
	VehicleValueLimit decimal.Decimal `gorm:"type:decimal(12,2);not null"`
	ReferenceDate     localdate.Date  `gorm:"type:date;not null"`
	Active            bool            `gorm:"not null;index"`
	Version           int64           `gorm:"not null"`
	CreatedAt         time.Time
	CreatedBy         string `gorm:"size:64;not null"`
	UpdatedAt         time.Time
	UpdatedBy         string `gorm:"size:64;not null"`
}

func (campaign0004) TableName() string { return "campaigns" }

// householdOutcome0004 is the rules engine's current answer for a household
// in a campaign, with the household-v1 document it was computed on and what
// changed since the computation before.
type householdOutcome0004 struct {
	ID               int64            `gorm:"primaryKey;autoIncrement"`
	HouseholdID      int64            `gorm:"not null;uniqueIndex:uq_outcome_household_campaign,priority:1"`
	CampaignID       int64            `gorm:"not null;uniqueIndex:uq_outcome_household_campaign,priority:2;index:ix_outcome_campaign_outcome,priority:1"`
	Outcome          string           `gorm:"size:32;not null;index:ix_outcome_campaign_outcome,priority:2"`
	PerCapitaIncome  *decimal.Decimal `gorm:"type:decimal(14,2)"`
	HouseholdSize    *int
	Result           string `gorm:"type:mediumtext;not null"` // rules.md §5.2 result object
	Inputs           string `gorm:"type:mediumtext;not null"` // the household-v1 document evaluated
	InputsHash       string `gorm:"size:64;not null"`
	HouseholdVersion int64  `gorm:"not null"`
	ComputedAt       time.Time
	PreviousOutcome  string `gorm:"size:32;not null"`   // "" before the first change
	ChangedInputs    string `gorm:"type:text;not null"` // JSON array of household-v1 paths
}

func (householdOutcome0004) TableName() string { return "household_outcomes" }

func m0004Outcomes(tx *gorm.DB) error {
	return createTables(tx, &povertyLine0004{}, &campaign0004{}, &householdOutcome0004{})
}
