package crosscheck

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

// A Finding is a difference between a department's record and the survey,
// for one member of a household.
type Finding struct {
	// Field is the field key: household-level snake_case (vehicles,
	// urban_properties, businesses, dibao, tekun, finding_fraud) or
	// member-level "members.<snake>" (members.fiscal_staff_since,
	// members.status, ...), the names register.Diff uses.
	Field      string
	Label      string // Chinese label of the field
	Rule       string // rule code it bears on
	Survey     string // the survey's value in words (Chinese, "未登记" when absent)
	Department string // the department's value in words
}

// unrecorded is the survey's value in words when it has none.
const unrecorded = "未登记"

// comparer compares and applies one dataset. member is the matched member
// (nil when the dataset is household-level and none was found).
type comparer struct {
	memberLevel bool
	compare     func(ds Dataset, rec Record, h *register.Household, m *register.Member) []Finding
	apply       func(ds Dataset, rec Record, h *register.Household, m *register.Member) error
}

var comparers = map[string]comparer{
	"vehicles":         {compare: compareVehicle, apply: applyVehicle},
	"urban_properties": {compare: compareProperty, apply: applyProperty},
	"payroll":          {memberLevel: true, compare: comparePayroll, apply: applyPayroll},
	"businesses":       {compare: compareBusiness, apply: applyBusiness},
	"village_cadres":   {memberLevel: true, compare: compareCadre, apply: applyCadre},
	"cadre_relatives":  {compare: compareRelative, apply: applyRelative},
	"dibao":            {compare: compareDibao, apply: applyDibao},
	"disability":       {memberLevel: true, compare: compareDisability, apply: applyDisability},
	"major_disease":    {memberLevel: true, compare: compareDisease, apply: applyDisease},
	"students":         {memberLevel: true, compare: compareStudent, apply: applyStudent},
	"insurance":        {memberLevel: true, compare: compareInsurance, apply: applyInsurance},
	"migrant_work":     {memberLevel: true, compare: compareMigrant, apply: applyMigrant},
	"deaths_moves":     {memberLevel: true, compare: compareChange, apply: applyChange},
}

// memberOf finds the member by ID, or else by the record's ID number.
func memberOf(h *register.Household, memberID int64, idNumber string) *register.Member {
	for i := range h.Members {
		if memberID != 0 && h.Members[i].ID == memberID {
			return &h.Members[i]
		}
	}
	if idNumber == "" {
		return nil
	}
	for i := range h.Members {
		if strings.EqualFold(strings.TrimSpace(h.Members[i].IDNumber), idNumber) {
			return &h.Members[i]
		}
	}
	return nil
}

// Compare lists the differences between a department's record and the
// survey's household; memberID is the member whose ID number matched (0:
// find the member by the record's ID number). It returns nil when the
// survey agrees, the dataset is unknown, or a member-level record names
// nobody of the household.
func Compare(ds Dataset, rec Record, h *register.Household, memberID int64) []Finding {
	c, ok := comparers[ds.Code]
	if !ok || h == nil {
		return nil
	}
	m := memberOf(h, memberID, rec.IDNumber)
	if c.memberLevel && m == nil {
		return nil
	}
	out := c.compare(ds, rec, h, m)
	for i := range out {
		if out[i].Rule == "" {
			out[i].Rule = ds.Rule
		}
	}
	return out
}

// Apply takes the department's value into the household (the check team
// accepted it): adds the vehicle, property or business when the survey
// lacks it, sets the member's field, and so on. Afterwards Compare returns
// nil for the same record, and the household still passes
// register.Validate. Apply changes nothing when it returns an error.
func Apply(ds Dataset, rec Record, h *register.Household, memberID int64) error {
	c, ok := comparers[ds.Code]
	if !ok {
		return fmt.Errorf("未知的数据集“%s”", ds.Code)
	}
	if h == nil {
		return errors.New("没有要更新的户")
	}
	m := memberOf(h, memberID, rec.IDNumber)
	if c.memberLevel && m == nil {
		return fmt.Errorf("身份证号 %s 不是该户的成员", idcard.Mask(rec.IDNumber))
	}
	return c.apply(ds, rec, h, m)
}

// --- values of a record ---

func recDate(rec Record, key string) (localdate.Date, error) {
	s := rec.Values[key]
	if s == "" {
		return localdate.Date{}, nil
	}
	d, err := localdate.Parse(s)
	if err != nil {
		return localdate.Date{}, fmt.Errorf("%s：日期“%s”无效", key, s)
	}
	return d, nil
}

func recMoney(rec Record, key string) (decimal.Decimal, error) {
	s := rec.Values[key]
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%s：金额“%s”无效", key, s)
	}
	return d, nil
}

func recInt(rec Record, key string) (int, error) {
	n, err := strconv.Atoi(rec.Values[key])
	if err != nil {
		return 0, fmt.Errorf("%s：整数“%s”无效", key, rec.Values[key])
	}
	return n, nil
}

// choiceLabel is the Chinese label of a code of the dataset's column.
func choiceLabel(ds Dataset, key, code string) string {
	c, _ := ds.Column(key)
	for _, ch := range c.Choices {
		if ch.Code == code {
			return ch.Label
		}
	}
	return code
}

func boolWordsOf(p *bool, yes, no string) string {
	switch {
	case p == nil:
		return unrecorded
	case *p:
		return yes
	}
	return no
}

func dateOr(d localdate.Date, missing string) string {
	if d.IsZero() {
		return missing
	}
	return d.String()
}

func truePtr() *bool  { t := true; return &t }
func falsePtr() *bool { f := false; return &f }

// squash makes plates, registration numbers and addresses comparable:
// upper-cased, without spaces, dots or dashes.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case isBlank(r), r == '·', r == '•', r == '-', r == '.', r == '－':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return narrowRune(r)
	}, s)
}

// words joins the non-empty parts with Chinese commas.
func words(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "，")
}

func prefixed(prefix, v string) string {
	if v == "" {
		return ""
	}
	return prefix + v
}

// clipTo shortens s to n characters (the register's column sizes).
func clipTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// --- vehicles (EX-03) ---

func vehicleWords(plate, kind string, value decimal.Decimal, acquired localdate.Date) string {
	return words(plate, kind, "购置价格 "+value.StringFixed(2)+" 元", prefixed("购置日期 ", acquired.String()))
}

func findVehicle(h *register.Household, plate string, acquired localdate.Date) int {
	p := squash(plate)
	for i, v := range h.Vehicles {
		if p != "" && squash(v.Plate) == p {
			return i
		}
	}
	for i, v := range h.Vehicles {
		if squash(v.Plate) == "" && v.AcquiredOn == acquired {
			return i
		}
	}
	return -1
}

func compareVehicle(ds Dataset, rec Record, h *register.Household, _ *register.Member) []Finding {
	value, err := recMoney(rec, "value")
	if err != nil {
		return nil
	}
	acquired, _ := recDate(rec, "acquired_on")
	plate := rec.Values["plate"]
	dept := vehicleWords(plate, rec.Values["vehicle_type"], value, acquired)
	i := findVehicle(h, plate, acquired)
	if i < 0 {
		survey := unrecorded
		if n := len(h.Vehicles); n > 0 {
			var list []string
			for _, v := range h.Vehicles {
				list = append(list, vehicleWords(v.Plate, "", v.Value, v.AcquiredOn))
			}
			survey = fmt.Sprintf("未登记该车（已登记%d辆：%s）", n, strings.Join(list, "；"))
		}
		return []Finding{{Field: "vehicles", Label: "机动车", Survey: survey, Department: dept}}
	}
	v := h.Vehicles[i]
	if v.Value.Equal(value) && v.AcquiredOn == acquired && squash(v.Plate) == squash(plate) {
		return nil
	}
	return []Finding{{Field: "vehicles", Label: "机动车", Survey: vehicleWords(v.Plate, "", v.Value, v.AcquiredOn), Department: dept}}
}

func applyVehicle(_ Dataset, rec Record, h *register.Household, _ *register.Member) error {
	value, err := recMoney(rec, "value")
	if err != nil {
		return err
	}
	acquired, err := recDate(rec, "acquired_on")
	if err != nil {
		return err
	}
	plate := clipTo(rec.Values["plate"], 16)
	if i := findVehicle(h, plate, acquired); i >= 0 {
		v := &h.Vehicles[i]
		v.Value, v.AcquiredOn, v.Plate = value, acquired, plate
		return nil
	}
	h.Vehicles = append(h.Vehicles, register.Vehicle{HouseholdID: h.ID, Value: value, AcquiredOn: acquired, Plate: plate})
	return nil
}

// --- urban properties (EX-04) ---

func propertyWords(ds Dataset, kind, address string, acquired localdate.Date) string {
	return words(choiceLabel(ds, "kind", kind), address, prefixed("取得日期 ", acquired.String()))
}

func findProperty(h *register.Household, address, kind string) int {
	a := squash(address)
	for i, p := range h.UrbanProperties {
		if a != "" && squash(p.Address) == a {
			return i
		}
	}
	for i, p := range h.UrbanProperties {
		if squash(p.Address) == "" && p.Kind == kind {
			return i
		}
	}
	return -1
}

func compareProperty(ds Dataset, rec Record, h *register.Household, _ *register.Member) []Finding {
	kind, address := rec.Values["kind"], rec.Values["address"]
	acquired, _ := recDate(rec, "acquired_on")
	dept := words(propertyWords(ds, kind, address, acquired), prefixed("不动产权证号 ", rec.Values["cert_no"]))
	i := findProperty(h, address, kind)
	if i < 0 {
		survey := unrecorded
		if n := len(h.UrbanProperties); n > 0 {
			var list []string
			for _, p := range h.UrbanProperties {
				list = append(list, propertyWords(ds, p.Kind, p.Address, p.AcquiredOn))
			}
			survey = fmt.Sprintf("未登记该房产（已登记%d处：%s）", n, strings.Join(list, "；"))
		}
		return []Finding{{Field: "urban_properties", Label: "城镇房产", Survey: survey, Department: dept}}
	}
	p := h.UrbanProperties[i]
	if p.Kind == kind && p.AcquiredOn == acquired && squash(p.Address) == squash(address) {
		return nil
	}
	return []Finding{{Field: "urban_properties", Label: "城镇房产", Survey: propertyWords(ds, p.Kind, p.Address, p.AcquiredOn), Department: dept}}
}

func applyProperty(_ Dataset, rec Record, h *register.Household, _ *register.Member) error {
	kind, address := rec.Values["kind"], clipTo(rec.Values["address"], 200)
	if !register.Valid("property_kind", kind) {
		return fmt.Errorf("房产类型“%s”无效", kind)
	}
	acquired, err := recDate(rec, "acquired_on")
	if err != nil {
		return err
	}
	if i := findProperty(h, address, kind); i >= 0 {
		p := &h.UrbanProperties[i]
		p.Kind, p.AcquiredOn, p.Address = kind, acquired, address
		return nil
	}
	h.UrbanProperties = append(h.UrbanProperties, register.UrbanProperty{HouseholdID: h.ID, Kind: kind, AcquiredOn: acquired, Address: address})
	return nil
}

// --- businesses (EX-06) ---

func businessWords(name, regNo string, registered localdate.Date, operating bool) string {
	state := "已注销或吊销"
	if operating {
		state = "在营"
	}
	return words(name, prefixed("统一社会信用代码 ", regNo), prefixed("登记日期 ", registered.String()), state)
}

func findBusiness(h *register.Household, regNo, name string) int {
	r := squash(regNo)
	for i, b := range h.Businesses {
		if r != "" && squash(b.RegNo) == r {
			return i
		}
	}
	n := squash(name)
	for i, b := range h.Businesses {
		if n != "" && squash(b.Name) == n {
			return i
		}
	}
	return -1
}

// compareBusiness reports a business the survey lacks only while it
// operates: a long-deregistered business bears on no rule.
func compareBusiness(ds Dataset, rec Record, h *register.Household, _ *register.Member) []Finding {
	name, regNo := rec.Values["business_name"], rec.Values["reg_no"]
	operating := rec.Values["operating"] == "operating"
	registered, _ := recDate(rec, "registered_on")
	dept := businessWords(name, regNo, registered, operating)
	if state := rec.Values["operating"]; state != "" && !operating {
		dept = words(name, prefixed("统一社会信用代码 ", regNo), prefixed("登记日期 ", registered.String()), choiceLabel(ds, "operating", state))
	}
	i := findBusiness(h, regNo, name)
	if i < 0 {
		if !operating {
			return nil
		}
		survey := unrecorded
		if n := len(h.Businesses); n > 0 {
			var list []string
			for _, b := range h.Businesses {
				list = append(list, businessWords(b.Name, b.RegNo, b.RegisteredOn, b.Operating))
			}
			survey = fmt.Sprintf("未登记该市场主体（已登记%d个：%s）", n, strings.Join(list, "；"))
		}
		return []Finding{{Field: "businesses", Label: "工商注册登记", Survey: survey, Department: dept}}
	}
	b := h.Businesses[i]
	if b.Operating == operating && b.RegisteredOn == registered {
		return nil
	}
	return []Finding{{Field: "businesses", Label: "工商注册登记", Survey: businessWords(b.Name, b.RegNo, b.RegisteredOn, b.Operating), Department: dept}}
}

func applyBusiness(_ Dataset, rec Record, h *register.Household, _ *register.Member) error {
	name, regNo := clipTo(rec.Values["business_name"], 100), clipTo(rec.Values["reg_no"], 32)
	operating := rec.Values["operating"] == "operating"
	registered, err := recDate(rec, "registered_on")
	if err != nil {
		return err
	}
	if i := findBusiness(h, regNo, name); i >= 0 {
		b := &h.Businesses[i]
		b.Operating, b.RegisteredOn = operating, registered
		if b.RegNo == "" {
			b.RegNo = regNo
		}
		if b.Name == "" {
			b.Name = name
		}
		return nil
	}
	h.Businesses = append(h.Businesses, register.Business{HouseholdID: h.ID, Name: name, RegNo: regNo, RegisteredOn: registered, Operating: operating})
	return nil
}

// --- payroll (EX-01) and village cadres (EX-02) ---

func comparePayroll(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	since, err := recDate(rec, "staff_since")
	if err != nil || m.FiscalStaffSince == since {
		return nil
	}
	survey := unrecorded
	if !m.FiscalStaffSince.IsZero() {
		survey = m.FiscalStaffSince.String() + " 起在岗在编"
	}
	return []Finding{{Field: "members.fiscal_staff_since", Label: "在岗在编财政供养人员（起始日期）", Survey: survey,
		Department: words(since.String()+" 起在岗在编", rec.Values["employer"], rec.Values["post"])}}
}

func applyPayroll(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	since, err := recDate(rec, "staff_since")
	if err != nil {
		return err
	}
	m.FiscalStaffSince = since
	return nil
}

func compareCadre(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	since, err := recDate(rec, "cadre_since")
	if err != nil || m.VillageCadreSince == since {
		return nil
	}
	survey := unrecorded
	if !m.VillageCadreSince.IsZero() {
		survey = m.VillageCadreSince.String() + " 起任村干部"
	}
	return []Finding{{Field: "members.village_cadre_since", Label: "现任村三委干部（任职起始日期）", Survey: survey,
		Department: words(since.String()+" 起任职", rec.Values["village"], rec.Values["post"])}}
}

func applyCadre(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	since, err := recDate(rec, "cadre_since")
	if err != nil {
		return err
	}
	m.VillageCadreSince = since
	return nil
}

// --- close relatives of village cadres (EX-10) ---

func relativeWords(ds Dataset, rec Record) string {
	cadre := words(rec.Values["cadre_name"], idcard.Mask(rec.Values["cadre_id_number"]), rec.Values["cadre_post"])
	return fmt.Sprintf("%s系村干部（%s）的%s", rec.Name, cadre, choiceLabel(ds, "relation", rec.Values["relation"]))
}

// compareRelative reports a registered household with a member on the
// list of village cadres' close relatives (优亲厚友), unless the check team
// has already found fraud.
func compareRelative(ds Dataset, rec Record, h *register.Household, _ *register.Member) []Finding {
	if h.Status != register.Registered || h.FindingFraud {
		return nil
	}
	return []Finding{{Field: "finding_fraud", Label: "优亲厚友（村干部近亲属为建档立卡户）", Survey: "未认定",
		Department: relativeWords(ds, rec)}}
}

func applyRelative(ds Dataset, rec Record, h *register.Household, _ *register.Member) error {
	note := "组织部门数据：" + relativeWords(ds, rec)
	h.FindingFraud = true
	switch {
	case h.FindingFraudNote == "":
		h.FindingFraudNote = clipTo(note, 500)
	case !strings.Contains(h.FindingFraudNote, note):
		h.FindingFraudNote = clipTo(h.FindingFraudNote+"；"+note, 500)
	}
	return nil
}

// --- dibao and tekun (ID-02) ---

func compareDibao(ds Dataset, rec Record, h *register.Household, _ *register.Member) []Finding {
	field, label, p := "dibao", "享受低保", h.Dibao
	if rec.Values["kind"] == "tekun" {
		field, label, p = "tekun", "特困供养（五保）", h.Tekun
	}
	if p != nil && *p {
		return nil
	}
	var amount string
	if a := rec.Values["monthly_amount"]; a != "" {
		amount = "每月 " + a + " 元"
	}
	var since string
	if d := rec.Values["since"]; d != "" {
		since = "自" + d + "起"
	}
	dept := "是（" + words(choiceLabel(ds, "kind", rec.Values["kind"]), since, amount, prefixed("保障对象 ", rec.Name)) + "）"
	return []Finding{{Field: field, Label: label, Survey: boolWordsOf(p, "是", "否"), Department: dept}}
}

func applyDibao(_ Dataset, rec Record, h *register.Household, _ *register.Member) error {
	switch rec.Values["kind"] {
	case "dibao":
		h.Dibao = truePtr()
	case "tekun":
		h.Tekun = truePtr()
	default:
		return fmt.Errorf("救助类别“%s”无效", rec.Values["kind"])
	}
	return nil
}

// --- disability certificates (DQ-08) ---

func compareDisability(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	var out []Finding
	category := rec.Values["category"]
	if m.DisabilityCategory != category {
		survey := "无（未登记残疾）"
		if m.DisabilityCategory != "" {
			survey = register.Label("disability_category", m.DisabilityCategory)
		}
		out = append(out, Finding{Field: "members.disability_category", Label: "残疾类别", Survey: survey,
			Department: register.Label("disability_category", category)})
	}
	grade, err := recInt(rec, "grade")
	if err == nil && (m.DisabilityGrade == nil || *m.DisabilityGrade != grade) {
		survey := unrecorded
		if m.DisabilityGrade != nil {
			survey = strconv.Itoa(*m.DisabilityGrade) + "级"
		}
		out = append(out, Finding{Field: "members.disability_grade", Label: "残疾等级", Survey: survey, Department: strconv.Itoa(grade) + "级"})
	}
	if cert := rec.Values["cert_no"]; squash(m.DisabilityCert) != squash(cert) {
		survey := m.DisabilityCert
		if survey == "" {
			survey = unrecorded
		}
		out = append(out, Finding{Field: "members.disability_cert", Label: "残疾人证号", Survey: survey, Department: cert})
	}
	return out
}

func applyDisability(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	category := rec.Values["category"]
	if !register.Valid("disability_category", category) {
		return fmt.Errorf("残疾类别“%s”无效", category)
	}
	grade, err := recInt(rec, "grade")
	if err != nil {
		return err
	}
	if grade < 1 || grade > 4 {
		return fmt.Errorf("残疾等级“%d”无效", grade)
	}
	m.DisabilityCategory, m.DisabilityGrade, m.DisabilityCert = category, &grade, clipTo(rec.Values["cert_no"], 64)
	return nil
}

// --- major-disease patients (ID-01) ---

const majorDisease = "major_disease"

func compareDisease(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	disease := rec.Values["disease"]
	if m.Health != majorDisease {
		survey := unrecorded
		if m.Health != "" {
			survey = register.Label("health", m.Health)
		}
		return []Finding{{Field: "members.health", Label: "健康状况", Survey: words(survey, m.Disease),
			Department: "患有大病：" + words(disease, prefixed("确诊日期 ", rec.Values["diagnosed_on"]), rec.Values["hospital"])}}
	}
	if disease != "" && !strings.Contains(m.Disease, disease) {
		survey := m.Disease
		if survey == "" {
			survey = unrecorded
		}
		return []Finding{{Field: "members.disease", Label: "所患大病", Survey: survey, Department: disease}}
	}
	return nil
}

func applyDisease(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	disease := rec.Values["disease"]
	m.Health = majorDisease
	switch {
	case disease == "" || strings.Contains(m.Disease, disease):
	case m.Disease != "" && utf8.RuneCountInString(m.Disease+"、"+disease) <= 100:
		m.Disease += "、" + disease
	default:
		m.Disease = clipTo(disease, 100)
	}
	return nil
}

// --- students (ID-01) ---

// stageAgrees: the survey agrees when it has the same stage, or a stage
// that came without its grade (household-v1) and covers the department's.
func stageAgrees(survey, stage string) bool {
	switch survey {
	case stage:
		return true
	case register.SchoolingCompulsoryUnspecified:
		return stage == "primary" || stage == "grade7" || stage == "grade8" || stage == "grade9"
	case register.SchoolingBeyondUnspecified:
		return stage == "senior_high" || stage == "secondary_vocational" || stage == "higher_vocational" || stage == "college"
	}
	return false
}

func compareStudent(ds Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	stage, school := rec.Values["stage"], rec.Values["school"]
	stageWords := choiceLabel(ds, "stage", stage)
	if rec.Values["dropout"] == "true" {
		if m.Dropout != nil && *m.Dropout {
			return nil
		}
		return []Finding{{Field: "members.dropout", Label: "义务教育阶段辍学", Survey: boolWordsOf(m.Dropout, "是", "否"),
			Department: "是（" + words(school, stageWords) + "辍学）"}}
	}
	var out []Finding
	if m.Dropout != nil && *m.Dropout {
		out = append(out, Finding{Field: "members.dropout", Label: "义务教育阶段辍学", Survey: "是",
			Department: "否（在" + school + "就读" + stageWords + "）"})
	}
	if !stageAgrees(m.SchoolingStatus, stage) {
		survey := unrecorded
		if m.SchoolingStatus != "" {
			survey = register.Label("schooling_status", m.SchoolingStatus)
		}
		out = append(out, Finding{Field: "members.schooling_status", Label: "在校生状况", Survey: survey,
			Department: words(stageWords, school)})
	}
	return out
}

func applyStudent(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	stage := rec.Values["stage"]
	if !register.Valid("schooling_status", stage) {
		return fmt.Errorf("学段“%s”无效", stage)
	}
	if rec.Values["dropout"] == "true" {
		m.Dropout = truePtr()
		return nil
	}
	if m.Dropout != nil && *m.Dropout {
		m.Dropout = falsePtr()
	}
	if !stageAgrees(m.SchoolingStatus, stage) {
		m.SchoolingStatus = stage
	}
	return nil
}

// --- insurance (RE-01) ---

func insuranceField(m *register.Member, kind string) (field, label string, p **bool) {
	switch kind {
	case "pension":
		return "members.pension_insured", "养老保险", &m.PensionInsured
	case "serious_illness":
		return "members.serious_illness_insured", "大病保险", &m.SeriousIllnessInsured
	case "medical":
		return "members.medical_insured", "城乡居民基本医疗保险", &m.MedicalInsured
	}
	return "", "", nil
}

func compareInsurance(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	field, label, p := insuranceField(m, rec.Values["kind"])
	if p == nil {
		return nil
	}
	insured := rec.Values["insured"] == "true"
	if *p != nil && **p == insured {
		return nil
	}
	dept := "未参保"
	if insured {
		dept = "已参保"
	}
	if y := rec.Values["year"]; y != "" {
		dept += "（" + y + "年度）"
	}
	return []Finding{{Field: field, Label: label, Survey: boolWordsOf(*p, "已参保", "未参保"), Department: dept}}
}

func applyInsurance(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	_, _, p := insuranceField(m, rec.Values["kind"])
	if p == nil {
		return fmt.Errorf("险种“%s”无效", rec.Values["kind"])
	}
	insured := rec.Values["insured"] == "true"
	*p = &insured
	return nil
}

// --- migrant work (DQ-10) ---

func compareMigrant(_ Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	var out []Finding
	place := rec.Values["place"]
	if m.MigrantPlace != place {
		survey := unrecorded
		if m.MigrantPlace != "" {
			survey = register.Label("migrant_place", m.MigrantPlace)
		}
		out = append(out, Finding{Field: "members.migrant_place", Label: "务工地点", Survey: survey,
			Department: words(register.Label("migrant_place", place), rec.Values["employer"])})
	}
	months, err := recInt(rec, "months")
	if err == nil && (m.MigrantMonths == nil || *m.MigrantMonths != months) {
		survey := unrecorded
		if m.MigrantMonths != nil {
			survey = strconv.Itoa(*m.MigrantMonths) + "个月"
		}
		out = append(out, Finding{Field: "members.migrant_months", Label: "务工月数", Survey: survey, Department: strconv.Itoa(months) + "个月"})
	}
	return out
}

func applyMigrant(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	place := rec.Values["place"]
	if !register.Valid("migrant_place", place) {
		return fmt.Errorf("务工地点“%s”无效", place)
	}
	months, err := recInt(rec, "months")
	if err != nil {
		return err
	}
	if months < 0 || months > 12 {
		return fmt.Errorf("务工月数“%d”无效", months)
	}
	m.MigrantPlace, m.MigrantMonths = place, &months
	return nil
}

// --- deaths, moves and missing persons (EX-09) ---

func compareChange(ds Dataset, rec Record, _ *register.Household, m *register.Member) []Finding {
	change := rec.Values["change"]
	if m.Status == change {
		return nil
	}
	survey := unrecorded
	if m.Status != "" {
		survey = register.Label("member_status", m.Status)
	}
	dept := choiceLabel(ds, "change", change) + "（" + words(rec.Values["changed_on"], prefixed("迁往", rec.Values["destination"])) + "）"
	return []Finding{{Field: "members.status", Label: "成员状态", Survey: survey, Department: dept}}
}

func applyChange(_ Dataset, rec Record, _ *register.Household, m *register.Member) error {
	change := rec.Values["change"]
	if !register.Valid("member_status", change) || change == "present" {
		return fmt.Errorf("变动类型“%s”无效", change)
	}
	m.Status = change
	return nil
}
