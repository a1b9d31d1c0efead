// Package interchange is the household interchange format, version 1
// (spec household-v1.md): the Go types, a strict decoder that reports every
// problem of a household with its path, the validation of rules.md §6, a
// streaming decoder for evaluation envelopes and an encoder.
//
// Conventions, shared with the register: a nil pointer is "unknown" (JSON
// null or absent) where the format allows null; money and areas are exact
// decimals; dates are calendar dates (localdate.Date, zero = none); enums are
// string types whose zero value is "missing" (or "unknown" for the nullable
// ones, health, schooling and housing grade). The decoder keeps an enum value
// it does not know as it is and leaves it to Validate to refuse, so that Go
// code building households gets the same checks as JSON input.
//
// The JSON tags name the format's keys. They let encoding/json read a
// household too, leniently (unknown keys ignored, no paths, no checks): that
// is what a plain decode costs, the yardstick of scripts/bench. Input from
// outside is read with DecodeHousehold and Validate, or ReadHousehold, which
// do both; output is written with AppendHousehold (or MarshalJSON), which
// writes amounts as JSON numbers.
package interchange

import (
	"strconv"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// Campaign holds the parameters of a review campaign (rules.md §1).
type Campaign struct {
	CampaignYear      int             `json:"campaign_year"`       // C, the year of the review
	IncomeYear        int             `json:"income_year"`         // the year whose income is assessed
	PovertyLine       decimal.Decimal `json:"poverty_line"`        // P, yuan per person per year
	VehicleValueLimit decimal.Decimal `json:"vehicle_value_limit"` // EX-03 threshold, yuan
	ReferenceDate     localdate.Date  `json:"reference_date"`      // the day the data describes
}

// Hukou is the household registration type (户籍性质).
type Hukou string

// Hukou values.
const (
	Agricultural    Hukou = "agricultural"
	NonAgricultural Hukou = "non_agricultural"
)

// Status is the household's standing in the poverty register.
type Status string

// Status values: 非建档立卡 / 建档立卡未脱贫 / 已脱贫.
const (
	NotRegistered Status = "not_registered"
	Registered    Status = "registered"
	Exited        Status = "exited"
)

// Grade is the housing safety grade (房屋安全等级); "" is not yet graded.
type Grade string

// Grade values; C and D are dangerous houses (危房).
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
)

// Relation is a member's relation to the head of household.
type Relation string

// Relation values.
const (
	Head        Relation = "head"
	Spouse      Relation = "spouse"
	Child       Relation = "child"
	ChildInLaw  Relation = "child_in_law"
	Grandchild  Relation = "grandchild"
	Parent      Relation = "parent"
	Grandparent Relation = "grandparent"
	Sibling     Relation = "sibling"
	OtherKin    Relation = "other"
)

// MemberStatus says whether a member is still in the household.
type MemberStatus string

// MemberStatus values: 在户 / 死亡 / 失踪.
const (
	Present  MemberStatus = "present"
	Deceased MemberStatus = "deceased"
	Missing  MemberStatus = "missing"
)

// Health is a member's health; "" is unknown.
type Health string

// Health values.
const (
	Healthy      Health = "healthy"
	Chronic      Health = "chronic"
	MajorDisease Health = "major_disease"
	Disabled     Health = "disabled"
)

// Schooling is a member's schooling; "" is unknown.
type Schooling string

// Schooling values.
const (
	NotInSchool      Schooling = "none"
	Preschool        Schooling = "preschool"
	Compulsory       Schooling = "compulsory"
	BeyondCompulsory Schooling = "beyond_compulsory"
)

// PropertyKind is the kind of an urban property.
type PropertyKind string

// PropertyKind values: 自建房 / 商品房 / 门面房 / 其他城镇房产.
const (
	SelfBuilt         PropertyKind = "self_built"
	CommercialHousing PropertyKind = "commercial_housing"
	Shop              PropertyKind = "shop"
	OtherProperty     PropertyKind = "other"
)

// Household is one household's survey data.
type Household struct {
	Code                  string          `json:"code"`
	Region                *Region         `json:"region,omitempty"` // not read by the rules
	Hukou                 Hukou           `json:"hukou"`
	RuralResident         bool            `json:"rural_resident"`
	Status                Status          `json:"status"`
	RegisteredOn          localdate.Date  `json:"registered_on"` // zero = missing
	ExitedYear            *int            `json:"exited_year"`   // nil = missing
	Dibao                 *bool           `json:"dibao"`
	Income                Income          `json:"income"`
	Housing               Housing         `json:"housing"`
	FoodSecure            *bool           `json:"food_secure"`
	ClothingSecure        *bool           `json:"clothing_secure"`
	EducationBurdenHeavy  *bool           `json:"education_burden_heavy"`
	EmploysOthersLongTerm *bool           `json:"employs_others_long_term"`
	Findings              Findings        `json:"findings"`
	Members               []Member        `json:"members"`
	Vehicles              []Vehicle       `json:"vehicles"`
	UrbanProperties       []UrbanProperty `json:"urban_properties"`
	Businesses            []Business      `json:"businesses"`
}

// Region places a household: street (街道), village (行政村), group (村小组).
type Region struct {
	Street  string `json:"street"`
	Village string `json:"village"`
	Group   string `json:"group"`
}

// Income is the household's income of one year, in yuan; nil parts are unknown.
type Income struct {
	Year          int              `json:"year"`
	Wage          *decimal.Decimal `json:"wage"`           // 工资性收入
	Operating     *decimal.Decimal `json:"operating"`      // 生产经营性收入
	Property      *decimal.Decimal `json:"property"`       // 财产性收入
	Transfer      *decimal.Decimal `json:"transfer"`       // 转移性收入
	OperatingCost *decimal.Decimal `json:"operating_cost"` // 生产经营性支出
}

// Housing is the household's dwelling.
type Housing struct {
	Grade  Grade            `json:"grade"`
	AreaM2 *decimal.Decimal `json:"area_m2"`
}

// Findings are the check team's findings; absent means false.
type Findings struct {
	SplitOrMergeForBenefit bool `json:"split_or_merge_for_benefit"` // EX-07
	EmptyHungHukou         bool `json:"empty_hung_hukou"`           // EX-08
	Fraud                  bool `json:"fraud"`                      // EX-10
}

// Member is one family member.
type Member struct {
	IDNumber          string         `json:"id_number"`
	Name              string         `json:"name"`
	Relation          Relation       `json:"relation"`
	Status            MemberStatus   `json:"status"`
	SharesIncome      bool           `json:"shares_income"`
	Health            Health         `json:"health"`
	Schooling         Schooling      `json:"schooling"`
	Dropout           *bool          `json:"dropout"`
	MedicalInsured    *bool          `json:"medical_insured"`
	FiscalStaffSince  localdate.Date `json:"fiscal_staff_since"`  // zero = is not
	VillageCadreSince localdate.Date `json:"village_cadre_since"` // zero = is not
}

// Present reports whether the member is still in the household.
func (m *Member) Present() bool { return m.Status == Present }

// Counted reports whether the member counts in household_size (rules.md §3):
// present and sharing expenses and income with the head.
func (m *Member) Counted() bool { return m.Status == Present && m.SharesIncome }

// Vehicle is a motor vehicle the household owns.
type Vehicle struct {
	Value       decimal.Decimal `json:"value"` // purchase price, yuan
	AcquiredOn  localdate.Date  `json:"acquired_on"`
	ExitMeasure bool            `json:"exit_measure"` // bought as a poverty-exit measure
}

// UrbanProperty is a property in town.
type UrbanProperty struct {
	Kind        PropertyKind   `json:"kind"`
	AcquiredOn  localdate.Date `json:"acquired_on"`
	ExitMeasure bool           `json:"exit_measure"`
	Relocation  bool           `json:"relocation"` // relocation resettlement home in town (易地搬迁进城安置)
}

// Business is a registered business the household runs or holds a stake in.
type Business struct {
	RegisteredOn localdate.Date `json:"registered_on"` // registered, or stake taken
	Operating    bool           `json:"operating"`
	ExitMeasure  bool           `json:"exit_measure"`
}

// FieldError is one problem of a household: the path of the input with
// 0-based indexes (members[1].id_number) and a Chinese message.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// FieldErrors is every problem of one household.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	if len(e) == 0 {
		return "no problems"
	}
	s := e[0].Path + "：" + e[0].Message
	if len(e) > 1 {
		s += "（等" + strconv.Itoa(len(e)) + "处问题）"
	}
	return s
}
