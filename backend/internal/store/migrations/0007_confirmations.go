package migrations

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// villageFacts0007 is the village table (村表, register.md): the facts of
// one administrative village that the departments answer for. NULL is
// "not known yet". Versioned like households: an edit names the version it
// was based on.
type villageFacts0007 struct {
	VillageCode string `gorm:"primaryKey;size:16"`
	Version     int64  `gorm:"not null"`

	Households           *int
	Population           *int
	RegisteredPopulation *int
	PoorHouseholds       *int
	PoorPeople           *int
	DibaoHouseholds      *int
	DisabledPeople       *int

	PoorVillage         string `gorm:"size:16;not null"`
	PoorVillageExitYear *int

	CollectiveIncome *decimal.Decimal `gorm:"type:decimal(14,2)"`
	Cooperatives     *int

	RoadToVillage *bool
	RoadToGroups  *bool
	BusService    *bool

	DrinkingWaterProject *bool
	Irrigation           *bool

	PowerProduction *bool
	PowerDomestic   *bool

	Broadband      *bool
	MobileInternet *bool
	BroadcastTV    *bool `gorm:"column:broadcast_tv"`

	CultureRoom *bool
	Library     *bool

	Clinic        *bool
	VillageDoctor *bool

	Schools       *int
	Kindergartens *int

	TwoCommitteeMembers *int
	ResidentWorkTeam    string `gorm:"size:800;not null"`

	DangerousHouseRenovations *int
	RelocationProjects        *int

	FundsInvested     *decimal.Decimal `gorm:"type:decimal(14,2)"`
	InterestSubsidies *decimal.Decimal `gorm:"type:decimal(14,2)"`

	UpdatedAt time.Time
	UpdatedBy string `gorm:"size:64;not null"`
}

func (villageFacts0007) TableName() string { return "village_facts" }

// fieldConfirmation0007 is a department's word on one field of one
// household, member or village in a campaign (信息数据复核): confirmed,
// corrected (with the new value) or disputed (with the reason). No row
// means pending. entity_ref is the household id or the village code;
// household_id repeats the household id (0 for villages) for the joins.
// value is sealed at rest (it may be an ID number or a health condition).
type fieldConfirmation0007 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	CampaignID  int64  `gorm:"not null;uniqueIndex:uq_confirmation,priority:1;index:ix_confirmation_household,priority:1;index:ix_confirmation_department,priority:1"`
	Entity      string `gorm:"size:16;not null;uniqueIndex:uq_confirmation,priority:2"`
	EntityRef   string `gorm:"size:32;not null;uniqueIndex:uq_confirmation,priority:3"`
	MemberID    int64  `gorm:"not null;uniqueIndex:uq_confirmation,priority:4"`
	Field       string `gorm:"size:64;not null;uniqueIndex:uq_confirmation,priority:5"`
	HouseholdID int64  `gorm:"not null;index:ix_confirmation_household,priority:2"`
	Department  string `gorm:"size:32;not null;index:ix_confirmation_department,priority:2"`
	State       string `gorm:"size:16;not null;index:ix_confirmation_department,priority:3"`
	Value       string `gorm:"type:text;not null"`
	Note        string `gorm:"size:500;not null"`
	Username    string `gorm:"size:64;not null"`
	At          time.Time
	KeyVersion  int `gorm:"not null;index"`
}

func (fieldConfirmation0007) TableName() string { return "field_confirmations" }

func m0007Confirmations(tx *gorm.DB) error {
	return createTables(tx, &villageFacts0007{}, &fieldConfirmation0007{})
}
