package register

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
)

// Validate checks a household as the register keeps it and returns every
// problem, each naming its field in the API's terms and saying in Chinese
// what to fix. It also normalises: ID numbers upper-cased, gender and birth
// date filled from the ID number. today bounds dates that cannot be in the future.
func Validate(h *Household, today localdate.Date) []apperr.Detail {
	v := &validator{}
	v.household(h, today)
	for i := range h.Members {
		v.member(fmt.Sprintf("members[%d].", i), &h.Members[i], today)
	}
	v.people(h)
	for i, x := range h.Vehicles {
		p := fmt.Sprintf("vehicles[%d].", i)
		v.money(p+"value", &x.Value)
		v.date(p+"acquired_on", x.AcquiredOn, today, true)
		v.length(p+"plate", x.Plate, 16)
	}
	for i, x := range h.UrbanProperties {
		p := fmt.Sprintf("urban_properties[%d].", i)
		v.code(p+"kind", "property_kind", x.Kind, true)
		v.date(p+"acquired_on", x.AcquiredOn, today, true)
		v.length(p+"address", x.Address, 200)
	}
	for i, x := range h.Businesses {
		p := fmt.Sprintf("businesses[%d].", i)
		v.date(p+"registered_on", x.RegisteredOn, today, true)
		v.length(p+"name", x.Name, 100)
		v.length(p+"reg_no", x.RegNo, 32)
	}
	for i, x := range h.HelpMeasures {
		p := fmt.Sprintf("help_measures[%d].", i)
		if strings.TrimSpace(x.Measure) == "" {
			v.add(p+"measure", "请填写帮扶措施")
		}
		v.length(p+"measure", x.Measure, 200)
		v.length(p+"helper", x.Helper, 64)
		v.length(p+"helper_unit", x.HelperUnit, 100)
		v.date(p+"since", x.Since, today, false)
	}
	return v.details
}

type validator struct{ details []apperr.Detail }

func (v *validator) add(field, msg string) {
	v.details = append(v.details, apperr.Detail{Field: field, Message: msg})
}

func (v *validator) length(field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.add(field, fmt.Sprintf("不能超过%d个字", max))
	}
}

func (v *validator) code(field, list, code string, required bool) {
	switch {
	case code == "" && required:
		v.add(field, "必填")
	case code != "" && !Valid(list, code):
		v.add(field, fmt.Sprintf("“%s”不是可选的值", code))
	}
}

// money checks an amount: not negative, at most two decimals, and within
// the column (DECIMAL(14,2): below a trillion yuan).
func (v *validator) money(field string, d *decimal.Decimal) { v.quantity(field, d, 12) }

// quantity checks a non-negative decimal of at most two decimals and at
// most intDigits digits before the point (the column's precision).
func (v *validator) quantity(field string, d *decimal.Decimal, intDigits int32) {
	if d == nil {
		return
	}
	if d.IsNegative() {
		v.add(field, "不能为负数")
	}
	if !d.Equal(d.Round(2)) {
		v.add(field, "最多两位小数")
	}
	if d.Abs().Cmp(decimal.New(1, intDigits)) >= 0 {
		v.add(field, fmt.Sprintf("数值过大（应小于%s）", decimal.New(1, intDigits).String()))
	}
}

func (v *validator) date(field string, d, today localdate.Date, required bool) {
	switch {
	case d.IsZero() && required:
		v.add(field, "请填写日期")
	case !d.IsZero() && d.After(today):
		v.add(field, "日期不能晚于今天")
	case !d.IsZero() && d.Year < 1900:
		v.add(field, "日期不正确")
	}
}

func (v *validator) household(h *Household, today localdate.Date) {
	h.Code = strings.TrimSpace(h.Code)
	if h.Code == "" {
		v.add("code", "请填写户编号")
	}
	v.length("code", h.Code, 64)
	v.length("address", h.Address, 200)
	v.length("phone", h.Phone, 32)
	v.code("status", "status", h.Status, true)
	v.code("ident_standard", "ident_standard", h.IdentStandard, false)
	v.code("poverty_attribute", "poverty_attribute", h.PovertyAttribute, false)
	v.code("main_cause", "cause", h.MainCause, false)
	if h.OtherCauses != "" {
		for _, c := range strings.Split(h.OtherCauses, ",") {
			v.code("other_causes", "cause", c, true)
		}
	}
	v.code("hukou", "hukou", h.Hukou, true)
	v.code("housing_grade", "housing_grade", h.HousingGrade, false)
	v.code("housing_structure", "housing_structure", h.HousingStructure, false)
	v.code("road_type", "road_type", h.RoadType, false)
	v.code("cooking_fuel", "cooking_fuel", h.CookingFuel, false)
	v.code("relocation_mode", "relocation_mode", h.RelocationMode, false)

	switch h.Status {
	case Registered, Exited:
		v.date("registered_on", h.RegisteredOn, today, true)
	default:
		v.date("registered_on", h.RegisteredOn, today, false)
	}
	if h.Status == Exited {
		switch {
		case h.ExitedYear == nil:
			v.add("exited_year", "已脱贫户须填写脱贫年度")
		case *h.ExitedYear > today.Year:
			v.add("exited_year", "脱贫年度不能晚于今年")
		case !h.RegisteredOn.IsZero() && *h.ExitedYear < h.RegisteredOn.Year:
			v.add("exited_year", "脱贫年度不能早于建档立卡年度")
		}
	}
	if h.IncomeYear < 2000 || h.IncomeYear > today.Year {
		v.add("income_year", "请填写收入所属年度")
	}
	for field, d := range map[string]*decimal.Decimal{
		"income_wage": h.IncomeWage, "income_operating": h.IncomeOperating, "income_property": h.IncomeProperty,
		"income_transfer": h.IncomeTransfer, "transfer_family_plan": h.TransferFamilyPlan, "transfer_dibao": h.TransferDibao,
		"transfer_wubao": h.TransferWubao, "transfer_pension": h.TransferPension, "transfer_eco_comp": h.TransferEcoComp,
		"transfer_other": h.TransferOther, "operating_cost": h.OperatingCost, "eco_compensation": h.EcoCompensation,
		"ranger_income": h.RangerIncome,
	} {
		v.money(field, d)
	}
	// Areas are DECIMAL(10,2), the road distance DECIMAL(8,2).
	for field, d := range map[string]*decimal.Decimal{
		"housing_area_m2": h.HousingAreaM2, "land_cultivated": h.LandCultivated, "land_irrigated": h.LandIrrigated,
		"land_forest": h.LandForest, "land_returned": h.LandReturned, "land_orchard": h.LandOrchard,
		"land_grass": h.LandGrass, "land_water": h.LandWater,
	} {
		v.quantity(field, d, 8)
	}
	v.quantity("road_distance_km", h.RoadDistanceKm, 6)
	v.length("main_crops", h.MainCrops, 200)
	v.length("durable_goods", h.DurableGoods, 200)
	v.length("resettlement_site", h.ResettlementSite, 200)
	if h.HousingBuiltYear != nil && (*h.HousingBuiltYear < 1800 || *h.HousingBuiltYear > today.Year) {
		v.add("housing_built_year", "建房年份不正确")
	}
	if h.Livestock != nil && *h.Livestock < 0 {
		v.add("livestock", "不能为负数")
	}
	for field, note := range map[string]string{"finding_split_merge_note": h.FindingSplitMergeNote,
		"finding_empty_hung_note": h.FindingEmptyHungNote, "finding_fraud_note": h.FindingFraudNote} {
		v.length(field, note, 500)
	}
	v.length("surveyors", h.Surveyors, 200)
	v.date("survey_date", h.SurveyDate, today, false)
	if len(h.Members) == 0 {
		v.add("members", "至少要有一名家庭成员")
	}
}

func (v *validator) member(p string, m *Member, today localdate.Date) {
	m.IDNumber = strings.ToUpper(strings.TrimSpace(m.IDNumber))
	m.Name = strings.TrimSpace(m.Name)
	if n := utf8.RuneCountInString(m.Name); n == 0 || n > 50 {
		v.add(p+"name", "请填写姓名（不超过50个字）")
	}
	if err := idcard.Validate(m.IDNumber, today.Time()); err != nil {
		v.add(p+"id_number", err.Error())
	} else {
		gender := idcard.Gender(m.IDNumber)
		birth, _ := idcard.BirthDate(m.IDNumber)
		bd := localdate.Of(birth)
		if m.Gender != "" && m.Gender != gender {
			v.add(p+"gender", "性别与身份证号码不符")
		}
		if !m.BirthDate.IsZero() && m.BirthDate != bd {
			v.add(p+"birth_date", "出生日期与身份证号码不符")
		}
		m.Gender, m.BirthDate = gender, bd
	}
	v.length(p+"ethnicity", m.Ethnicity, 16)
	v.code(p+"relation", "relation", m.Relation, true)
	v.code(p+"status", "member_status", m.Status, true)
	v.code(p+"political_status", "political_status", m.PoliticalStatus, false)
	v.code(p+"education_level", "education_level", m.EducationLevel, false)
	v.code(p+"schooling_status", "schooling_status", m.SchoolingStatus, false)
	v.code(p+"health", "health", m.Health, false)
	v.length(p+"disease", m.Disease, 100)
	v.code(p+"disability_category", "disability_category", m.DisabilityCategory, false)
	// An imported disability of unspecified category may lack its grade too;
	// a grade given must still be 1–4.
	gradeNeeded := m.DisabilityCategory != "" && m.DisabilityCategory != DisabilityUnspecified
	if (gradeNeeded && m.DisabilityGrade == nil) || (m.DisabilityGrade != nil && (*m.DisabilityGrade < 1 || *m.DisabilityGrade > 4)) {
		v.add(p+"disability_grade", "残疾等级应为1至4级")
	}
	if m.DisabilityCategory == "" && m.DisabilityGrade != nil {
		v.add(p+"disability_category", "填写了残疾等级，请选择残疾类别")
	}
	v.length(p+"disability_cert", m.DisabilityCert, 64)
	v.code(p+"labour_ability", "labour_ability", m.LabourAbility, false)
	v.code(p+"migrant_place", "migrant_place", m.MigrantPlace, false)
	if m.MigrantMonths != nil && (*m.MigrantMonths < 0 || *m.MigrantMonths > 12) {
		v.add(p+"migrant_months", "务工月数应为0至12")
	}
	v.date(p+"fiscal_staff_since", m.FiscalStaffSince, today, false)
	v.date(p+"village_cadre_since", m.VillageCadreSince, today, false)
}

// people checks the household as a whole: exactly one head, nobody twice.
func (v *validator) people(h *Household) {
	heads := 0
	seen := map[string]int{}
	for i, m := range h.Members {
		if m.Relation == "head" {
			heads++
		}
		if j, dup := seen[m.IDNumber]; dup && m.IDNumber != "" {
			v.add(fmt.Sprintf("members[%d].id_number", i), fmt.Sprintf("与第%d名成员的身份证号码相同", j+1))
		}
		seen[m.IDNumber] = i
	}
	if len(h.Members) > 0 && heads != 1 {
		v.add("members", fmt.Sprintf("须有且只有一名户主，现有%d名", heads))
	}
}
