// Package register is the household register (户表) of register.md as plain
// Go: the household, its members and assets, the code lists, the register's
// own validation, and the mapping to the interchange format. It imports no
// web or database package; the store persists these types as they are.
package register

import (
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// Household statuses (建档立卡状态).
const (
	NotRegistered = "not_registered"
	Registered    = "registered"
	Exited        = "exited"
)

// Household is one 户 with everything the survey and the departments record.
// Pointers are "unknown when nil": the rules engine reads them as such.
type Household struct {
	ID          int64
	Code        string
	StreetCode  string
	VillageCode string
	GroupID     *int64
	Address     string
	Phone       string

	Status           string
	RegisteredOn     localdate.Date
	ExitedYear       *int
	IdentStandard    string
	PovertyAttribute string
	MainCause        string
	OtherCauses      string // comma-separated cause codes

	Hukou          string
	RuralResident  bool
	Dibao          *bool
	Tekun          *bool
	MilitaryFamily *bool
	OnlyChild      *bool
	TwoDaughters   *bool

	IncomeYear         int
	IncomeWage         *decimal.Decimal
	IncomeOperating    *decimal.Decimal
	IncomeProperty     *decimal.Decimal
	IncomeTransfer     *decimal.Decimal
	TransferFamilyPlan *decimal.Decimal
	TransferDibao      *decimal.Decimal
	TransferWubao      *decimal.Decimal
	TransferPension    *decimal.Decimal
	TransferEcoComp    *decimal.Decimal
	TransferOther      *decimal.Decimal
	OperatingCost      *decimal.Decimal

	HousingGrade     string // A-D, "" not yet graded
	HousingAreaM2    *decimal.Decimal
	HousingStructure string
	HousingBuiltYear *int

	FoodSecure         *bool
	ClothingSecure     *bool
	SafeDrinkingWater  *bool
	DrinkingDifficulty *bool
	PowerLiving        *bool
	PowerProduction    *bool
	RoadType           string
	RoadDistanceKm     *decimal.Decimal
	SanitaryToilet     *bool
	CookingFuel        string
	TVReception        *bool
	Broadband          *bool

	LandCultivated  *decimal.Decimal
	LandIrrigated   *decimal.Decimal
	LandForest      *decimal.Decimal
	LandReturned    *decimal.Decimal
	LandOrchard     *decimal.Decimal
	LandGrass       *decimal.Decimal
	LandWater       *decimal.Decimal
	Livestock       *int
	MainCrops       string
	DurableGoods    string
	CoopMember      *bool
	EcoCompensation *decimal.Decimal
	RangerIncome    *decimal.Decimal

	Relocated        *bool
	RelocationMode   string
	ResettlementSite string

	EmploysOthersLongTerm *bool
	EducationBurdenHeavy  *bool
	FindingSplitMerge     bool
	FindingSplitMergeNote string
	FindingEmptyHung      bool
	FindingEmptyHungNote  string
	FindingFraud          bool
	FindingFraudNote      string

	Surveyors  string
	SurveyDate localdate.Date

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string
	UpdatedBy string
	DeletedAt *time.Time
	DeletedBy string
	// KeyVersion is set by the store: the data key version the row's
	// personal data is sealed with at rest.
	KeyVersion int

	Members         []Member        `gorm:"foreignKey:HouseholdID"`
	Vehicles        []Vehicle       `gorm:"foreignKey:HouseholdID"`
	UrbanProperties []UrbanProperty `gorm:"foreignKey:HouseholdID"`
	Businesses      []Business      `gorm:"foreignKey:HouseholdID"`
	HelpMeasures    []HelpMeasure   `gorm:"foreignKey:HouseholdID"`
}

// Member is a 家庭成员.
type Member struct {
	ID          int64
	HouseholdID int64
	Sort        int
	IDNumber    string
	// Set by the store: IDIndex is the blind index (keyed hash) of IDNumber,
	// ActiveIDKey the same while the household is live (one person, one
	// household), KeyVersion the data key version the row is sealed with.
	IDIndex      string
	ActiveIDKey  *string
	KeyVersion   int
	Name         string
	Gender       string
	BirthDate    localdate.Date
	Ethnicity    string
	Relation     string
	Status       string
	SharesIncome bool

	PoliticalStatus       string
	EducationLevel        string
	SchoolingStatus       string
	Dropout               *bool
	Health                string // "" unknown
	Disease               string
	DisabilityCategory    string // "" none
	DisabilityGrade       *int
	DisabilityCert        string
	LabourAbility         string
	MigrantPlace          string
	MigrantMonths         *int
	MedicalInsured        *bool
	PensionInsured        *bool
	SeriousIllnessInsured *bool
	ActiveMilitary        *bool
	FiscalStaffSince      localdate.Date
	VillageCadreSince     localdate.Date
}

// Vehicle is a 机动车 (EX-03).
type Vehicle struct {
	ID          int64
	HouseholdID int64
	Value       decimal.Decimal
	AcquiredOn  localdate.Date
	ExitMeasure bool
	Plate       string
}

// UrbanProperty is a town property (EX-04).
type UrbanProperty struct {
	ID          int64
	HouseholdID int64
	Kind        string
	AcquiredOn  localdate.Date
	ExitMeasure bool
	Relocation  bool
	Address     string
}

// Business is a registered business or stake (EX-06).
type Business struct {
	ID           int64
	HouseholdID  int64
	Name         string
	RegNo        string
	RegisteredOn localdate.Date
	Operating    bool
	ExitMeasure  bool
}

// HelpMeasure is a help measure with its responsible helper (帮扶责任人).
type HelpMeasure struct {
	ID          int64
	HouseholdID int64
	Measure     string
	Helper      string
	HelperUnit  string
	Since       localdate.Date
}

// NetIncome is wage + operating + property + transfer − operating cost
// (rules.md §3); ok is false when any part is unknown.
func (h *Household) NetIncome() (decimal.Decimal, bool) {
	parts := []*decimal.Decimal{h.IncomeWage, h.IncomeOperating, h.IncomeProperty, h.IncomeTransfer, h.OperatingCost}
	for _, p := range parts {
		if p == nil {
			return decimal.Decimal{}, false
		}
	}
	return h.IncomeWage.Add(*h.IncomeOperating).Add(*h.IncomeProperty).Add(*h.IncomeTransfer).Sub(*h.OperatingCost), true
}

// CountedMembers are present members sharing income (rules.md §3).
func (h *Household) CountedMembers() int {
	n := 0
	for _, m := range h.Members {
		if m.Status == "present" && m.SharesIncome {
			n++
		}
	}
	return n
}

// PerCapitaIncome is net income per counted member, rounded half away from
// zero to cents; ok is false when unknown or nobody is counted.
func (h *Household) PerCapitaIncome() (decimal.Decimal, bool) {
	net, ok := h.NetIncome()
	n := h.CountedMembers()
	if !ok || n == 0 {
		return decimal.Decimal{}, false
	}
	return net.DivRound(decimal.NewFromInt(int64(n)), 2), true
}
