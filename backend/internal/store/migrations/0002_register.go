package migrations

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/localdate"
)

// Frozen structs of migration 0002: the household register (户表), after
// register.md. Do not edit: add a migration instead.

type villageGroup0002 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	VillageCode string `gorm:"size:16;not null;uniqueIndex:ux_group_village_name,priority:1"`
	Name        string `gorm:"size:64;not null;uniqueIndex:ux_group_village_name,priority:2"`
	Sort        int    `gorm:"not null"`
}

func (villageGroup0002) TableName() string { return "village_groups" }

// codeItem0002 is one entry of a code list (致贫原因, 文化程度 …): data, with
// Chinese labels, extendable by the district.
type codeItem0002 struct {
	List    string `gorm:"primaryKey;size:32"`
	Code    string `gorm:"primaryKey;size:32"`
	LabelZh string `gorm:"size:64;not null"`
	LabelEn string `gorm:"size:64;not null"`
	Sort    int    `gorm:"not null"`
}

func (codeItem0002) TableName() string { return "code_items" }

type household0002 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	Code        string `gorm:"size:64;not null;uniqueIndex"`
	StreetCode  string `gorm:"size:12;not null;index:ix_hh_scope,priority:1"`
	VillageCode string `gorm:"size:16;not null;index:ix_hh_scope,priority:2;index:ix_hh_village_status,priority:1"`
	GroupID     *int64 `gorm:"index"`
	Address     string `gorm:"size:200;not null"`
	Phone       string `gorm:"size:64;not null"`

	Status           string         `gorm:"size:16;not null;index:ix_hh_village_status,priority:2"`
	RegisteredOn     localdate.Date `gorm:"type:date"`
	ExitedYear       *int
	IdentStandard    string `gorm:"size:16;not null"`
	PovertyAttribute string `gorm:"size:16;not null;index"`
	MainCause        string `gorm:"size:32;not null;index"`
	OtherCauses      string `gorm:"size:255;not null"`

	Hukou          string `gorm:"size:24;not null"`
	RuralResident  bool   `gorm:"not null"`
	Dibao          *bool
	Tekun          *bool
	MilitaryFamily *bool
	OnlyChild      *bool
	TwoDaughters   *bool

	IncomeYear         int              `gorm:"not null"`
	IncomeWage         *decimal.Decimal `gorm:"type:decimal(14,2)"`
	IncomeOperating    *decimal.Decimal `gorm:"type:decimal(14,2)"`
	IncomeProperty     *decimal.Decimal `gorm:"type:decimal(14,2)"`
	IncomeTransfer     *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferFamilyPlan *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferDibao      *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferWubao      *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferPension    *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferEcoComp    *decimal.Decimal `gorm:"type:decimal(14,2)"`
	TransferOther      *decimal.Decimal `gorm:"type:decimal(14,2)"`
	OperatingCost      *decimal.Decimal `gorm:"type:decimal(14,2)"`

	HousingGrade     string           `gorm:"size:1;not null"`
	HousingAreaM2    *decimal.Decimal `gorm:"type:decimal(10,2)"`
	HousingStructure string           `gorm:"size:16;not null"`
	HousingBuiltYear *int

	FoodSecure         *bool
	ClothingSecure     *bool
	SafeDrinkingWater  *bool
	DrinkingDifficulty *bool
	PowerLiving        *bool
	PowerProduction    *bool
	RoadType           string           `gorm:"size:16;not null"`
	RoadDistanceKm     *decimal.Decimal `gorm:"type:decimal(8,2)"`
	SanitaryToilet     *bool
	CookingFuel        string `gorm:"size:16;not null"`
	TVReception        *bool
	Broadband          *bool

	LandCultivated  *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandIrrigated   *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandForest      *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandReturned    *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandOrchard     *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandGrass       *decimal.Decimal `gorm:"type:decimal(10,2)"`
	LandWater       *decimal.Decimal `gorm:"type:decimal(10,2)"`
	Livestock       *int
	MainCrops       string `gorm:"size:200;not null"`
	DurableGoods    string `gorm:"size:200;not null"`
	CoopMember      *bool
	EcoCompensation *decimal.Decimal `gorm:"type:decimal(14,2)"`
	RangerIncome    *decimal.Decimal `gorm:"type:decimal(14,2)"`

	Relocated        *bool
	RelocationMode   string `gorm:"size:16;not null"`
	ResettlementSite string `gorm:"size:200;not null"`

	EmploysOthersLongTerm *bool
	EducationBurdenHeavy  *bool
	FindingSplitMerge     bool   `gorm:"not null"`
	FindingSplitMergeNote string `gorm:"size:500;not null"`
	FindingEmptyHung      bool   `gorm:"not null"`
	FindingEmptyHungNote  string `gorm:"size:500;not null"`
	FindingFraud          bool   `gorm:"not null"`
	FindingFraudNote      string `gorm:"size:500;not null"`

	Surveyors  string         `gorm:"size:200;not null"`
	SurveyDate localdate.Date `gorm:"type:date"`

	Version   int64 `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string     `gorm:"size:64;not null"`
	UpdatedBy string     `gorm:"size:64;not null"`
	DeletedAt *time.Time `gorm:"index"`
	DeletedBy string     `gorm:"size:64;not null"`
}

func (household0002) TableName() string { return "households" }

type member0002 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	HouseholdID int64  `gorm:"not null;index"`
	Sort        int    `gorm:"not null"`
	IDNumber    string `gorm:"size:64;not null;index"`
	// ActiveIDKey is the ID number while the household is live and NULL once
	// it is deleted: a unique index on it keeps one person in one household
	// without blocking a person whose old household was deleted.
	ActiveIDKey  *string        `gorm:"size:64;uniqueIndex"`
	Name         string         `gorm:"size:50;not null;index"`
	Gender       string         `gorm:"size:8;not null"`
	BirthDate    localdate.Date `gorm:"type:date"`
	Ethnicity    string         `gorm:"size:16;not null"`
	Relation     string         `gorm:"size:24;not null"`
	Status       string         `gorm:"size:16;not null"`
	SharesIncome bool           `gorm:"not null"`

	PoliticalStatus       string `gorm:"size:16;not null"`
	EducationLevel        string `gorm:"size:24;not null"`
	SchoolingStatus       string `gorm:"size:24;not null"`
	Dropout               *bool
	Health                string `gorm:"size:24;not null"`
	Disease               string `gorm:"size:100;not null"`
	DisabilityCategory    string `gorm:"size:16;not null"`
	DisabilityGrade       *int
	DisabilityCert        string `gorm:"size:64;not null"`
	LabourAbility         string `gorm:"size:16;not null"`
	MigrantPlace          string `gorm:"size:16;not null"`
	MigrantMonths         *int
	MedicalInsured        *bool
	PensionInsured        *bool
	SeriousIllnessInsured *bool
	ActiveMilitary        *bool
	FiscalStaffSince      localdate.Date `gorm:"type:date"`
	VillageCadreSince     localdate.Date `gorm:"type:date"`
}

func (member0002) TableName() string { return "members" }

// memberTransfer0002 keeps a person's history when they move between
// households (marriage, 分户, 并户).
type memberTransfer0002 struct {
	ID              int64  `gorm:"primaryKey;autoIncrement"`
	MemberID        int64  `gorm:"not null;index"`
	FromHouseholdID int64  `gorm:"not null;index"`
	ToHouseholdID   int64  `gorm:"not null;index"`
	Reason          string `gorm:"size:16;not null"`
	Note            string `gorm:"size:500;not null"`
	At              time.Time
	By              string `gorm:"size:64;not null"`
}

func (memberTransfer0002) TableName() string { return "member_transfers" }

type vehicle0002 struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	HouseholdID int64           `gorm:"not null;index"`
	Value       decimal.Decimal `gorm:"type:decimal(14,2);not null"`
	AcquiredOn  localdate.Date  `gorm:"type:date"`
	ExitMeasure bool            `gorm:"not null"`
	Plate       string          `gorm:"size:16;not null"`
}

func (vehicle0002) TableName() string { return "vehicles" }

type urbanProperty0002 struct {
	ID          int64          `gorm:"primaryKey;autoIncrement"`
	HouseholdID int64          `gorm:"not null;index"`
	Kind        string         `gorm:"size:24;not null"`
	AcquiredOn  localdate.Date `gorm:"type:date"`
	ExitMeasure bool           `gorm:"not null"`
	Relocation  bool           `gorm:"not null"`
	Address     string         `gorm:"size:200;not null"`
}

func (urbanProperty0002) TableName() string { return "urban_properties" }

type business0002 struct {
	ID           int64          `gorm:"primaryKey;autoIncrement"`
	HouseholdID  int64          `gorm:"not null;index"`
	Name         string         `gorm:"size:100;not null"`
	RegNo        string         `gorm:"size:32;not null"`
	RegisteredOn localdate.Date `gorm:"type:date"`
	Operating    bool           `gorm:"not null"`
	ExitMeasure  bool           `gorm:"not null"`
}

func (business0002) TableName() string { return "businesses" }

type helpMeasure0002 struct {
	ID          int64          `gorm:"primaryKey;autoIncrement"`
	HouseholdID int64          `gorm:"not null;index"`
	Measure     string         `gorm:"size:200;not null"`
	Helper      string         `gorm:"size:64;not null"` // 帮扶责任人
	HelperUnit  string         `gorm:"size:100;not null"`
	Since       localdate.Date `gorm:"type:date"`
}

func (helpMeasure0002) TableName() string { return "help_measures" }

type attachment0002 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	HouseholdID int64  `gorm:"not null;index"`
	MemberID    *int64 `gorm:"index"`
	Kind        string `gorm:"size:32;not null"`
	FileName    string `gorm:"size:200;not null"`
	ContentType string `gorm:"size:64;not null"`
	Size        int64  `gorm:"not null"`
	SHA256      string `gorm:"size:64;not null"`
	Content     []byte `gorm:"type:longblob"`
	CreatedAt   time.Time
	CreatedBy   string `gorm:"size:64;not null"`
	DeletedAt   *time.Time
}

func (attachment0002) TableName() string { return "attachments" }

func m0002Register(tx *gorm.DB) error {
	err := createTables(tx,
		&villageGroup0002{}, &codeItem0002{}, &household0002{}, &member0002{}, &memberTransfer0002{},
		&vehicle0002{}, &urbanProperty0002{}, &business0002{}, &helpMeasure0002{}, &attachment0002{},
	)
	if err != nil {
		return err
	}
	// A household's history of changes is read from the audit log by object.
	return tx.Exec("CREATE INDEX ix_audit_object ON audit_events (object_type, object_id)").Error
}
