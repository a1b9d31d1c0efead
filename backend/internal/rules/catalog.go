package rules

import (
	"strconv"
	"strings"

	"jingzhun/internal/interchange"
)

// Outcome is what the rules propose for a household (rules.md §5.1).
type Outcome string

// The outcomes, in the order of rules.md §5.1.
const (
	Include         Outcome = "include"
	NotEligible     Outcome = "not_eligible"
	Keep            Outcome = "keep"
	RemoveWrong     Outcome = "remove_wrong"
	ExitNormal      Outcome = "exit_normal"
	Dissolve        Outcome = "dissolve"
	Reinclude       Outcome = "reinclude"
	ContinueSupport Outcome = "continue_support"
	KeepExited      Outcome = "keep_exited"
	NeedsReview     Outcome = "needs_review"
	Invalid         Outcome = "invalid"
)

// Outcomes lists every outcome in the order of rules.md §5.1; a summary
// counts each of them, zeros included.
var Outcomes = []Outcome{Include, NotEligible, Keep, RemoveWrong, ExitNormal, Dissolve, Reinclude, ContinueSupport, KeepExited, NeedsReview, Invalid}

var outcomeChinese = map[Outcome]string{
	Include:         "新识别纳入",
	NotEligible:     "不纳入",
	Keep:            "保留",
	RemoveWrong:     "错评剔除",
	ExitNormal:      "正常退出",
	Dissolve:        "整户销户",
	Reinclude:       "错退重新纳入",
	ContinueSupport: "继续帮扶",
	KeepExited:      "保持脱贫",
	NeedsReview:     "待核实",
	Invalid:         "数据无效",
}

// Chinese is the outcome's name in the register's language.
func (o Outcome) Chinese() string { return outcomeChinese[o] }

// Rule codes (rules.md §4).
const (
	PRE01   = "PRE-01"
	PRE02   = "PRE-02"
	ID01    = "ID-01"
	ID02    = "ID-02"
	EX01    = "EX-01"
	EX02    = "EX-02"
	EX03    = "EX-03"
	EX04    = "EX-04"
	EX05    = "EX-05"
	EX06    = "EX-06"
	EX07    = "EX-07"
	EX08    = "EX-08"
	EX09    = "EX-09"
	EX10    = "EX-10"
	EXITSTD = "EXIT-STD"
	RE01    = "RE-01"
	RE02    = "RE-02"
)

// Rule describes one rule for people: what it is called, the clause of the
// source it implements (盘政办通〔2017〕99号, 盘龙区贫困对象动态管理暨精准识别工作方案)
// in the source's own words, and how this system reads it where the text
// leaves room (rules.md, marked Reading).
type Rule struct {
	Code      string
	Section   string // rules.md section: 4.1 identification, 4.2 correction, 4.3 re-examination
	Name      string // short Chinese name
	Source    string // where in the source: 二(一), 二(二)3 …
	Clause    string // the source's wording; {income_year} and {poverty_line} stand for campaign parameters
	Exception string // the source's exception, where there is one
	Reading   string // how the text is read (rules.md), where it leaves room
}

// ClauseFor is the clause with the campaign's parameters filled in.
func (r Rule) ClauseFor(c interchange.Campaign) string {
	return strings.NewReplacer(
		"{income_year}", strconv.Itoa(c.IncomeYear),
		"{poverty_line}", c.PovertyLine.String(),
		"{vehicle_value_limit}", c.VehicleValueLimit.String(),
	).Replace(r.Clause)
}

// Catalog is every rule, in the order of rules.md §4.
var Catalog = []Rule{
	{Code: PRE01, Section: "4.1", Name: "农业户籍", Source: "一(一)、二(一)",
		Clause: "针对非建档立卡农业户籍农村常住人口，把符合条件的纳入建档立卡贫困人口管理，做到应纳尽纳。"},
	{Code: PRE02, Section: "4.1", Name: "农村常住人口", Source: "一(一)、二(一)",
		Clause: "非建档立卡农业户籍农村常住人口。"},
	{Code: ID01, Section: "4.1", Name: "收入低于标准且住危房、患重病或就学负担重", Source: "二(一)",
		Clause:  "非建档立卡农业户籍农村常住人口，{income_year}年家庭年人均纯收入低于{poverty_line}元（相当于2010年2300元不变价），且居住C级、D级危房或者家庭成员患有重病（国家卫计委确定的45个重点病种和48个次要病种）或者有义务教育阶段外就读学生且经济负担较重的，按程序纳入建档立卡贫困对象管理。",
		Reading: "纯收入＝工资性收入＋生产经营性收入＋财产性收入＋转移性收入－生产经营性支出；人均纯收入恰等于标准不算低于。"},
	{Code: ID02, Section: "4.1", Name: "享受低保但尚未达到脱贫标准", Source: "二(一)",
		Clause:  "符合低保条件并享受低保待遇，但尚未达到脱贫标准的，应纳入建档立卡贫困对象管理。",
		Reading: "享受低保即视为符合低保条件；脱贫标准为人均纯收入不低于标准且两不愁三保障均已实现。"},
	{Code: EX01, Section: "4.2", Name: "家庭成员有在岗在编财政供养人员", Source: "二(二)1",
		Clause:    "家庭成员有在岗在编财政供养人员的。",
		Exception: "贫困户建档立卡后有家庭成员考入财政供养系列的，不认定为错评，按正常脱贫程序退出。",
		Reading:   "家庭成员指所有在户成员，不论是否记为共享收入。"},
	{Code: EX02, Section: "4.2", Name: "家庭成员有现任村三委干部", Source: "二(二)2",
		Clause:    "家庭成员有现任“村三委”干部的。",
		Exception: "贫困户建档立卡后有家庭成员成为“村三委”干部的，不认定为错评，按正常脱贫程序退出。"},
	{Code: EX03, Section: "4.2", Name: "拥有3万元以上机动车", Source: "二(二)3",
		Clause:    "拥有价格3万元以上机动车的。",
		Exception: "贫困户建档立卡后购买机动车并作为脱贫措施的，不认定为错评，按正常脱贫程序退出。",
		Reading:   "价格为购置价格；“以上”含本数（购置价格≥{vehicle_value_limit}元）。"},
	{Code: EX04, Section: "4.2", Name: "在城镇拥有房产", Source: "二(二)4",
		Clause:    "在城镇拥有自建房或购买商品房、门面房等的。",
		Exception: "贫困户建档立卡后购买商品房、门面房作为脱贫措施的、易地搬迁进城安置户，不认定为错评，按正常脱贫程序退出。",
		Reading:   "例外只及于建档立卡后作为脱贫措施购买的商品房、门面房，以及任何易地搬迁进城安置房；自建房及其他城镇房产没有脱贫措施例外。"},
	{Code: EX05, Section: "4.2", Name: "长期雇佣他人从事生产经营", Source: "二(二)5",
		Clause: "长期雇佣他人从事生产经营活动的。"},
	{Code: EX06, Section: "4.2", Name: "经工商注册登记并实际开展经营活动", Source: "二(二)6",
		Clause:    "经工商注册登记并实际开展经营活动的。",
		Exception: "贫困户建档立卡后进行工商注册登记或入股参与相关经营活动作为脱贫措施的，不认定为错评，按正常脱贫程序退出。"},
	{Code: EX07, Section: "4.2", Name: "为享受扶贫支持故意分户、并户", Source: "二(二)7",
		Clause: "为享受扶贫支持故意分户、并户，不符合贫困对象识别条件的。"},
	{Code: EX08, Section: "4.2", Name: "空挂户", Source: "二(二)8",
		Clause: "为获取某种利益或达到某种目的将户口迁入村组的空挂户。"},
	{Code: EX09, Section: "4.2", Name: "死亡、失踪、不共享开支或收入的人员", Source: "二(二)9",
		Clause:  "死亡人员、失踪人员、与户主不共享开支或收入的人员。",
		Reading: "剔除的是该成员而不是整户；在户成员全部剔除的，整户销户。"},
	{Code: EX10, Section: "4.2", Name: "优亲厚友、弄虚作假、徇私舞弊、信息失真", Source: "二(二)10",
		Clause: "优亲厚友、弄虚作假、徇私舞弊、信息失真，不符合贫困对象识别条件的。"},
	{Code: EXITSTD, Section: "4.2", Name: "达到脱贫标准（应退尽退）", Source: "一(二)",
		Clause:  "针对现有建档立卡贫困户，全面纠正识别不精准的问题，做到应退尽退。",
		Reading: "人均纯收入不低于{poverty_line}元，且不愁吃、不愁穿，义务教育、基本医疗、住房安全有保障的，提出按正常脱贫程序退出。"},
	{Code: RE01, Section: "4.3", Name: "上年脱贫户错退", Source: "一(三)",
		Clause:  "针对2016年认定的脱贫户，凡属于错退的，重新纳入建档立卡管理，确保无错退人口。",
		Reading: "本批次上一年度（{income_year}年）脱贫、人均纯收入低于标准或两不愁三保障未实现的，为错退。"},
	{Code: RE02, Section: "4.3", Name: "早年脱贫户未稳定脱贫", Source: "一(三)",
		Clause:  "针对2014、2015年认定的脱贫户进行甄别，凡是尚未完全解决“两不愁、三保障”、实现稳定脱贫的，确定为继续帮扶户。",
		Reading: "稳定脱贫包括人均纯收入不低于标准；更早年度脱贫的同样适用。"},
}

var catalogIndex = func() map[string]int {
	m := make(map[string]int, len(Catalog))
	for i, r := range Catalog {
		m[r.Code] = i
	}
	return m
}()

// Lookup finds a rule of the catalog by code.
func Lookup(code string) (Rule, bool) {
	i, ok := catalogIndex[code]
	if !ok {
		return Rule{}, false
	}
	return Catalog[i], true
}
