package migrations

import (
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/localdate"
)

// inspection0011 is an inspection after the work (检查考核、督查巡查、审计评估)
// by a national, provincial, city or district body, within a campaign.
type inspection0011 struct {
	ID         int64          `gorm:"primaryKey;autoIncrement"`
	CampaignID int64          `gorm:"not null;index:ix_inspection_campaign,priority:1"`
	Body       string         `gorm:"size:16;not null"` // national, provincial, city, district
	Kind       string         `gorm:"size:16;not null"` // assessment, supervision, audit
	StartedOn  localdate.Date `gorm:"type:date;not null;index:ix_inspection_campaign,priority:2"`
	EndedOn    localdate.Date `gorm:"type:date;not null"`
	Note       string         `gorm:"type:text;not null"`
	Version    int64          `gorm:"not null"`
	CreatedBy  string         `gorm:"size:64;not null"`
	CreatedAt  time.Time
	UpdatedBy  string `gorm:"size:64;not null"`
	UpdatedAt  time.Time
}

func (inspection0011) TableName() string { return "inspections" }

// inspectionHousehold0011 is a household an inspection sampled: where it
// was and its status when sampled, its people, and the finding.
type inspectionHousehold0011 struct {
	ID           int64  `gorm:"primaryKey;autoIncrement"`
	InspectionID int64  `gorm:"not null;uniqueIndex:uq_inspection_household,priority:1"`
	HouseholdID  int64  `gorm:"not null;uniqueIndex:uq_inspection_household,priority:2;index"`
	StreetCode   string `gorm:"size:12;not null"`
	VillageCode  string `gorm:"size:16;not null;index"`
	Status       string `gorm:"size:16;not null"` // not_registered, registered, exited
	People       int    `gorm:"not null"`
	Finding      string `gorm:"size:16;not null"` // correct, missed, wrong, wrongly_exited
	Note         string `gorm:"size:500;not null"`
}

func (inspectionHousehold0011) TableName() string { return "inspection_households" }

// campaignPlan0011 is the planned scale (规模) of one kind of proposal in a
// street in a campaign.
type campaignPlan0011 struct {
	CampaignID int64  `gorm:"primaryKey;autoIncrement:false"`
	StreetCode string `gorm:"primaryKey;size:12"`
	Kind       string `gorm:"primaryKey;size:32"`
	Households int    `gorm:"not null"`
	People     int    `gorm:"not null"`
	UpdatedBy  string `gorm:"size:64;not null"`
	UpdatedAt  time.Time
}

func (campaignPlan0011) TableName() string { return "campaign_plans" }

// streetReferral0011 records that a street flagged for criticism was
// referred to 区纪委 or 区委组织部.
type streetReferral0011 struct {
	ID         int64          `gorm:"primaryKey;autoIncrement"`
	CampaignID int64          `gorm:"not null;index:ix_referral_campaign,priority:1"`
	StreetCode string         `gorm:"size:12;not null;index:ix_referral_campaign,priority:2"`
	ReferredOn localdate.Date `gorm:"type:date;not null"`
	ReferredTo string         `gorm:"size:32;not null"`
	Note       string         `gorm:"type:text;not null"`
	CreatedBy  string         `gorm:"size:64;not null"`
	CreatedAt  time.Time
}

func (streetReferral0011) TableName() string { return "street_referrals" }

// m0011Inspections adds the figures and accountability of issue 8:
// inspections and their sampled households, the planned scale per street,
// referrals of flagged streets, and on campaigns the rate threshold (a
// fraction: 0.0200 is 2%, the default).
func m0011Inspections(tx *gorm.DB) error {
	if err := createTables(tx, &inspection0011{}, &inspectionHousehold0011{}, &campaignPlan0011{}, &streetReferral0011{}); err != nil {
		return err
	}
	return tx.Exec("ALTER TABLE campaigns ADD COLUMN rate_threshold DECIMAL(7,4) NOT NULL DEFAULT 0.0200").Error
}
