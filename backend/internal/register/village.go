package register

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// Poor-village statuses (贫困村状态, code list poor_village).
const (
	NotPoorVillage    = "not_poor"
	PoorVillage       = "poor"
	ExitedPoorVillage = "exited"
)

// VillageFacts is the village table (村表) of register.md: the facts of one
// administrative village that the departments answer for (departments.md).
// Pointers are "unknown when nil", as in the household table. The field
// names are the vocabulary: village.<snake_case> (village.collective_income).
type VillageFacts struct {
	VillageCode string

	Households           *int // 总户数
	Population           *int // 农村人口
	RegisteredPopulation *int // 户籍人口
	PoorHouseholds       *int // 建档立卡贫困户数
	PoorPeople           *int // 建档立卡贫困人口
	DibaoHouseholds      *int // 低保户数
	DisabledPeople       *int // 残疾人数

	PoorVillage         string // poor_village code; "" not known
	PoorVillageExitYear *int   // 贫困村出列年度

	CollectiveIncome *decimal.Decimal // 村集体经济收入, yuan
	Cooperatives     *int             // 农民专业合作社数

	RoadToVillage *bool // 通村硬化路
	RoadToGroups  *bool // 通村民小组硬化路
	BusService    *bool // 通客运班车

	DrinkingWaterProject *bool // 饮水工程
	Irrigation           *bool // 农田灌溉设施

	PowerProduction *bool // 通生产用电
	PowerDomestic   *bool // 通生活用电

	Broadband      *bool // 通宽带
	MobileInternet *bool // 通移动网络
	BroadcastTV    *bool // 通广播电视

	CultureRoom *bool // 村文化室
	Library     *bool // 农家书屋

	Clinic        *bool // 村卫生室
	VillageDoctor *bool // 有合格村医

	Schools       *int // 学校数
	Kindergartens *int // 幼儿园数

	TwoCommitteeMembers *int   // 村两委成员数
	ResidentWorkTeam    string // 驻村工作队

	DangerousHouseRenovations *int // 危房改造户数
	RelocationProjects        *int // 易地扶贫搬迁项目数

	FundsInvested     *decimal.Decimal // 各级各类资金投入, yuan
	InterestSubsidies *decimal.Decimal // 贴息, yuan

	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// ValidateVillage checks a village's facts and returns every problem, each
// naming its field in the API's terms (snake_case, without the village.
// prefix) and saying in Chinese what to fix.
func ValidateVillage(v *VillageFacts, today localdate.Date) []apperr.Detail {
	val := &validator{}
	for field, n := range map[string]*int{
		"households": v.Households, "population": v.Population, "registered_population": v.RegisteredPopulation,
		"poor_households": v.PoorHouseholds, "poor_people": v.PoorPeople, "dibao_households": v.DibaoHouseholds,
		"disabled_people": v.DisabledPeople, "cooperatives": v.Cooperatives, "schools": v.Schools,
		"kindergartens": v.Kindergartens, "two_committee_members": v.TwoCommitteeMembers,
		"dangerous_house_renovations": v.DangerousHouseRenovations, "relocation_projects": v.RelocationProjects,
	} {
		if n != nil && (*n < 0 || *n > 1000000) {
			val.add(field, "应为0至1000000的整数")
		}
	}
	if v.Households != nil && v.PoorHouseholds != nil && *v.PoorHouseholds > *v.Households {
		val.add("poor_households", "贫困户数不能多于总户数")
	}
	if v.Population != nil && v.PoorPeople != nil && *v.PoorPeople > *v.Population {
		val.add("poor_people", "贫困人口不能多于农村人口")
	}
	val.money("collective_income", v.CollectiveIncome)
	val.money("funds_invested", v.FundsInvested)
	val.money("interest_subsidies", v.InterestSubsidies)
	val.code("poor_village", "poor_village", v.PoorVillage, false)
	switch {
	case v.PoorVillage == ExitedPoorVillage && v.PoorVillageExitYear == nil:
		val.add("poor_village_exit_year", "已出列贫困村须填写出列年度")
	case v.PoorVillageExitYear != nil && v.PoorVillage != ExitedPoorVillage:
		val.add("poor_village_exit_year", "只有已出列贫困村填写出列年度")
	case v.PoorVillageExitYear != nil && (*v.PoorVillageExitYear < 2000 || *v.PoorVillageExitYear > today.Year):
		val.add("poor_village_exit_year", fmt.Sprintf("出列年度应在2000至%d之间", today.Year))
	}
	val.length("resident_work_team", v.ResidentWorkTeam, 200)
	return val.details
}
