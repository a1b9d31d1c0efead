// Package crosscheck is the domain of the departments' register imports
// (行业数据比对, departments.md "Cross-check datasets"): the datasets a
// department may upload with their columns, the streaming reader that
// validates every cell of a CSV or XLSX file and reports every bad one in
// Chinese, the XLSX template of each dataset, and the comparison of one
// department record with the survey's household (Compare) together with the
// change that takes the department's value into the household (Apply).
//
// It is pure: no web framework, no database. The service opens a file with
// Open, loops over Next, matches Record.IDNumber to a member, and calls
// Compare / Apply on the loaded register.Household.
package crosscheck

import (
	"strings"

	"jingzhun/internal/idcard"
	"jingzhun/internal/register"
)

// Kind is the kind of a column's cells.
type Kind string

// Column kinds.
const (
	KindText     Kind = "text"
	KindIDNumber Kind = "id_number" // GB 11643, 18 characters
	KindDate     Kind = "date"      // normalised YYYY-MM-DD
	KindMoney    Kind = "money"     // yuan, normalised with two decimals
	KindInt      Kind = "int"
	KindEnum     Kind = "enum" // normalised to the choice's code
	KindBool     Kind = "bool" // normalised to "true" / "false"
)

// Choice is one value an enum column (or, as labels of "true"/"false", a
// bool column) accepts.
type Choice struct{ Code, Label string }

// Column is one column of a dataset's file.
type Column struct {
	Key      string // stable key, e.g. "plate"
	Header   string // Chinese header as in the template, e.g. "车牌号"
	Kind     Kind
	Required bool
	Choices  []Choice // enum: codes with Chinese labels; bool: labels of "true" and "false" (optional)
	Example  string   // a valid value, written in the template's example row
	Help     string   // Chinese hint shown in the template

	// Headers are other headers the reader accepts for the column
	// (身份证号码 for 身份证号); the key is always accepted too.
	Headers []string
	// Aliases are other spellings an enum or bool cell may carry, mapped to
	// the code (五保 → tekun).
	Aliases map[string]string
	// MaxLen bounds a text cell in characters; 0 means 200.
	MaxLen int
	// Min and Max bound an int cell (inclusive) when either is non-zero.
	Min, Max int
	// Unit is a unit an int or money cell may carry after the number
	// (级, 个月, 元), dropped when reading.
	Unit string

	lookup map[string]string // enum and bool: normalised spelling → code
}

// Dataset is a department register that can be uploaded and compared with
// the survey.
type Dataset struct {
	Code, Name, NameEn, Department string // Name Chinese, Department = department code (police, land, ...)
	Rule                           string // the rule code it mainly bears on (EX-03 ...)
	Columns                        []Column
}

// Column returns the dataset's column of that key.
func (ds Dataset) Column(key string) (Column, bool) {
	for _, c := range ds.Columns {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}

// SheetName is the name of the template's data sheet (at most 31
// characters, none of : \ / ? * [ ]).
func (ds Dataset) SheetName() string {
	n := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, ds.Name)
	if r := []rune(n); len(r) > 31 {
		n = string(r[:31])
	}
	if n == "" || n == guideSheet {
		n = "数据"
	}
	return n
}

// exampleID makes a valid example ID number from its first 17 digits.
func exampleID(first17 string) string { return first17 + idcard.CheckChar(first17) }

var (
	exID1 = exampleID("53010319800101002")
	exID2 = exampleID("53010319620315003")
)

func idColumn(help string) Column {
	if help == "" {
		help = "18位公民身份号码，末位可为X。请保持文本格式，以免 Excel 把号码变成科学计数法而丢失末几位"
	}
	return Column{Key: "id_number", Header: "身份证号", Kind: KindIDNumber, Required: true, Example: exID1,
		Headers: []string{"身份证号码", "公民身份号码", "证件号码"}, Help: help}
}

func nameColumn(help string) Column {
	if help == "" {
		help = "与身份证一致，不超过50个字"
	}
	return Column{Key: "name", Header: "姓名", Kind: KindText, Required: true, MaxLen: 50, Example: "张三", Help: help}
}

// choicesOf turns a register code list into choices, leaving out codes
// that exist only for household-v1 imports.
func choicesOf(list string, skip ...string) []Choice {
	var out []Choice
	for _, it := range register.CodeLists[list] {
		if contains(skip, it.Code) {
			continue
		}
		out = append(out, Choice{Code: it.Code, Label: it.LabelZh})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const dateHelp = "如 2017-05-01，也可写 2017/5/1 或 20170501；不能晚于今天"

func datasets() []Dataset {
	return []Dataset{
		{Code: "vehicles", Name: "机动车登记", NameEn: "Motor vehicle register", Department: "police", Rule: "EX-03",
			Columns: []Column{idColumn("车主的身份证号"), nameColumn("车主姓名"),
				{Key: "plate", Header: "车牌号", Kind: KindText, Required: true, MaxLen: 16, Example: "云A12345", Headers: []string{"号牌号码", "车牌号码"},
					Help: "号牌号码，如 云A12345"},
				{Key: "vehicle_type", Header: "车辆类型", Kind: KindText, MaxLen: 32, Example: "小型轿车", Help: "如 小型轿车、轻型货车、二轮摩托车；可空"},
				{Key: "value", Header: "购置价格（元）", Kind: KindMoney, Required: true, Unit: "元", Example: "45000.00", Headers: []string{"购置价格", "价格"},
					Help: "购车价格，单位元，最多两位小数；可写 45000、45,000 或 4.5万"},
				{Key: "acquired_on", Header: "购置日期", Kind: KindDate, Required: true, Example: "2016-03-15", Headers: []string{"购买日期", "登记日期"},
					Help: dateHelp},
			}},
		{Code: "urban_properties", Name: "城镇房产登记", NameEn: "Urban property register", Department: "land", Rule: "EX-04",
			Columns: []Column{idColumn("权利人的身份证号"), nameColumn("权利人姓名"),
				{Key: "kind", Header: "房产类型", Kind: KindEnum, Required: true, Example: "商品房",
					Choices: choicesOf("property_kind"), Aliases: map[string]string{"其他": "other", "自建房": "self_built", "商铺": "shop", "门面": "shop", "住宅": "commercial_housing"},
					Help: "商品房 / 门面房 / 城镇自建房 / 其他城镇房产"},
				{Key: "address", Header: "房屋坐落", Kind: KindText, Required: true, MaxLen: 200, Example: "盘龙区北京路100号1栋2单元301室", Headers: []string{"坐落", "地址"},
					Help: "不动产权证或登记簿上的坐落地址"},
				{Key: "acquired_on", Header: "取得日期", Kind: KindDate, Required: true, Example: "2015-08-20", Headers: []string{"登记日期", "购买日期"},
					Help: "购买或登记的日期；" + dateHelp},
				{Key: "cert_no", Header: "不动产权证号", Kind: KindText, MaxLen: 64, Example: "云(2015)盘龙区不动产权第0001234号", Help: "可空"},
			}},
		{Code: "payroll", Name: "财政供养人员", NameEn: "Public payroll staff", Department: "finance", Rule: "EX-01",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "employer", Header: "单位", Kind: KindText, Required: true, MaxLen: 100, Example: "盘龙区某某局", Headers: []string{"工作单位"},
					Help: "在岗在编所在单位"},
				{Key: "post", Header: "岗位", Kind: KindText, MaxLen: 50, Example: "科员", Help: "可空"},
				{Key: "staff_since", Header: "在岗在编起始日期", Kind: KindDate, Required: true, Example: "2012-09-01", Headers: []string{"入编日期", "起始日期"},
					Help: "在编在岗的起始日期；" + dateHelp},
			}},
		{Code: "businesses", Name: "工商注册登记", NameEn: "Registered businesses", Department: "market", Rule: "EX-06",
			Columns: []Column{idColumn("法定代表人、经营者或出资人的身份证号"), nameColumn(""),
				{Key: "business_name", Header: "市场主体名称", Kind: KindText, Required: true, MaxLen: 100, Example: "盘龙区张三便利店", Headers: []string{"企业名称", "名称"},
					Help: "企业、个体工商户或农民专业合作社的名称"},
				{Key: "reg_no", Header: "统一社会信用代码", Kind: KindText, Required: true, MaxLen: 32, Example: "92530103MA6K7X8Y9Z", Headers: []string{"注册号", "信用代码"},
					Help: "18位统一社会信用代码，或原15位注册号"},
				{Key: "registered_on", Header: "登记日期", Kind: KindDate, Required: true, Example: "2014-06-18", Headers: []string{"成立日期", "入股日期"},
					Help: "成立（登记）日期，入股的填入股日期；" + dateHelp},
				{Key: "operating", Header: "经营状态", Kind: KindEnum, Required: true, Example: "在营",
					Choices: []Choice{{"operating", "在营"}, {"deregistered", "注销"}, {"revoked", "吊销"}},
					Aliases: map[string]string{"存续": "operating", "开业": "operating", "在业": "operating", "已注销": "deregistered", "已吊销": "revoked"},
					Help:    "在营（存续）/ 注销 / 吊销"},
			}},
		{Code: "village_cadres", Name: "现任村干部", NameEn: "Village cadres", Department: "org", Rule: "EX-02",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "village", Header: "村（社区）", Kind: KindText, Required: true, MaxLen: 100, Example: "某某村", Headers: []string{"村", "村社区", "村(社区)"},
					Help: "任职的村或社区"},
				{Key: "post", Header: "职务", Kind: KindText, Required: true, MaxLen: 50, Example: "村委会委员", Help: "如 村党总支书记、村委会主任、村监委会委员"},
				{Key: "cadre_since", Header: "任职起始日期", Kind: KindDate, Required: true, Example: "2016-01-10", Headers: []string{"任职日期"},
					Help: "本届任职起始日期；" + dateHelp},
			}},
		{Code: "cadre_relatives", Name: "村干部近亲属", NameEn: "Close relatives of village cadres", Department: "org", Rule: "EX-10",
			Columns: []Column{idColumn("近亲属本人的身份证号"), nameColumn("近亲属本人的姓名"),
				{Key: "cadre_id_number", Header: "村干部身份证号", Kind: KindIDNumber, Required: true, Example: exID2,
					Help: "该近亲属所属村干部的身份证号；请保持文本格式"},
				{Key: "cadre_name", Header: "村干部姓名", Kind: KindText, Required: true, MaxLen: 50, Example: "李四", Help: "不超过50个字"},
				{Key: "relation", Header: "与村干部关系", Kind: KindEnum, Required: true, Example: "子女",
					Choices: []Choice{{"spouse", "配偶"}, {"parent", "父母"}, {"child", "子女"}, {"sibling", "兄弟姐妹"},
						{"grandparent", "祖父母、外祖父母"}, {"grandchild", "孙子女、外孙子女"}, {"other", "其他近亲属"}},
					Aliases: map[string]string{"妻子": "spouse", "丈夫": "spouse", "父亲": "parent", "母亲": "parent", "儿子": "child", "女儿": "child",
						"哥哥": "sibling", "弟弟": "sibling", "姐姐": "sibling", "妹妹": "sibling", "兄弟": "sibling", "姐妹": "sibling",
						"祖父母": "grandparent", "外祖父母": "grandparent", "孙子女": "grandchild", "外孙子女": "grandchild", "其他": "other"},
					Help: "配偶 / 父母 / 子女 / 兄弟姐妹 / 祖父母、外祖父母 / 孙子女、外孙子女 / 其他近亲属"},
				{Key: "cadre_post", Header: "村干部职务", Kind: KindText, MaxLen: 50, Example: "村委会主任", Help: "可空"},
			}},
		{Code: "dibao", Name: "低保和特困供养", NameEn: "Dibao and extreme-poverty support", Department: "civil", Rule: "ID-02",
			Columns: []Column{idColumn("保障对象（户主或家庭成员）的身份证号"), nameColumn(""),
				{Key: "kind", Header: "救助类别", Kind: KindEnum, Required: true, Example: "低保",
					Choices: []Choice{{"dibao", "低保"}, {"tekun", "特困供养"}},
					Aliases: map[string]string{"农村低保": "dibao", "最低生活保障": "dibao", "五保": "tekun", "特困": "tekun", "特困人员供养": "tekun", "五保供养": "tekun"},
					Help:    "低保 / 特困供养（五保）"},
				{Key: "monthly_amount", Header: "月保障金额（元）", Kind: KindMoney, Unit: "元", Example: "300.00", Headers: []string{"月保障金额", "保障金额"},
					Help: "每月发放金额，单位元；可空"},
				{Key: "since", Header: "起始日期", Kind: KindDate, Required: true, Example: "2016-01-01", Headers: []string{"享受日期", "审批日期"},
					Help: "开始享受的日期；" + dateHelp},
			}},
		{Code: "disability", Name: "残疾人证", NameEn: "Disability certificates", Department: "disabled", Rule: "DQ-08",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "category", Header: "残疾类别", Kind: KindEnum, Required: true, Example: "肢体残疾",
					Choices: choicesOf("disability_category", register.DisabilityUnspecified),
					Aliases: map[string]string{"视力": "visual", "听力": "hearing", "言语": "speech", "肢体": "physical", "智力": "intellectual", "精神": "mental", "多重": "multiple"},
					Help:    "视力 / 听力 / 言语 / 肢体 / 智力 / 精神 / 多重残疾"},
				{Key: "grade", Header: "残疾等级", Kind: KindInt, Required: true, Min: 1, Max: 4, Unit: "级", Example: "2",
					Help: "1至4级，可写 2、2级 或 二级"},
				{Key: "cert_no", Header: "残疾人证号", Kind: KindText, Required: true, MaxLen: 64, Example: exID1 + "42", Headers: []string{"证号"},
					Help: "第二代残疾人证号（身份证号加类别、等级两位）"},
			}},
		{Code: "major_disease", Name: "大病患者", NameEn: "Major-disease patients", Department: "health", Rule: "ID-01",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "disease", Header: "疾病名称", Kind: KindText, Required: true, MaxLen: 100, Example: "终末期肾病", Headers: []string{"病种", "大病病种"},
					Help: "卫计部门认定的大病病种名称"},
				{Key: "diagnosed_on", Header: "确诊日期", Kind: KindDate, Example: "2016-05-03", Help: "可空；" + dateHelp},
				{Key: "hospital", Header: "确诊医院", Kind: KindText, MaxLen: 100, Example: "昆明市第一人民医院", Help: "可空"},
			}},
		{Code: "students", Name: "在校学生", NameEn: "Students", Department: "edu", Rule: "ID-01",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "school", Header: "学校", Kind: KindText, Required: true, MaxLen: 100, Example: "盘龙区某某中学", Headers: []string{"就读学校"},
					Help: "就读（或辍学前就读）的学校"},
				{Key: "stage", Header: "就读学段", Kind: KindEnum, Required: true, Example: "八年级",
					Choices: choicesOf("schooling_status", "not_student", register.SchoolingCompulsoryUnspecified, register.SchoolingBeyondUnspecified),
					Aliases: map[string]string{"幼儿园": "preschool", "学前教育": "preschool", "初一": "grade7", "初二": "grade8", "初三": "grade9",
						"七年级": "grade7", "普通高中": "senior_high", "中专": "secondary_vocational", "中等职业教育": "secondary_vocational",
						"高等职业教育": "higher_vocational", "大专": "college", "本科": "college", "大学": "college", "研究生": "college"},
					Help: "学前 / 小学 / 七年级 / 八年级 / 九年级 / 高中 / 中职 / 高职 / 大专及以上"},
				{Key: "dropout", Header: "是否辍学", Kind: KindBool, Example: "否", Help: "义务教育阶段辍学填“是”，在读填“否”或留空"},
			}},
		{Code: "insurance", Name: "医疗和养老保险参保", NameEn: "Medical and pension insurance", Department: "hrss", Rule: "RE-01",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "kind", Header: "险种", Kind: KindEnum, Required: true, Example: "城乡居民基本医疗保险",
					Choices: []Choice{{"medical", "城乡居民基本医疗保险"}, {"pension", "养老保险"}, {"serious_illness", "大病保险"}},
					Aliases: map[string]string{"医疗保险": "medical", "基本医疗保险": "medical", "医保": "medical", "新农合": "medical", "新型农村合作医疗": "medical",
						"城乡居民基本养老保险": "pension", "养老": "pension", "新农保": "pension", "大病": "serious_illness", "城乡居民大病保险": "serious_illness"},
					Help: "城乡居民基本医疗保险 / 养老保险 / 大病保险"},
				{Key: "insured", Header: "参保状态", Kind: KindBool, Required: true, Example: "已参保",
					Choices: []Choice{{"true", "已参保"}, {"false", "未参保"}},
					Aliases: map[string]string{"参保": "true", "正常参保": "true", "在保": "true", "停保": "false", "断保": "false", "未参": "false"},
					Help:    "已参保 / 未参保（也可写 是 / 否）"},
				{Key: "year", Header: "参保年度", Kind: KindInt, Min: 2000, Max: 2100, Unit: "年", Example: "2017", Help: "可空，如 2017"},
			}},
		{Code: "migrant_work", Name: "外出务工", NameEn: "Migrant work", Department: "hrss", Rule: "DQ-10",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "place", Header: "务工地点", Kind: KindEnum, Required: true, Example: "省外",
					Choices: choicesOf("migrant_place"),
					Aliases: map[string]string{"本乡镇": "township", "乡内": "township", "县外省内": "province", "省内县外": "province", "国外": "outside", "境外": "outside"},
					Help:    "乡镇内 / 县内 / 省内 / 省外"},
				{Key: "months", Header: "务工月数", Kind: KindInt, Required: true, Min: 1, Max: 12, Unit: "个月", Example: "8", Headers: []string{"务工时间", "务工时间（月）"},
					Help: "一年中在外务工的月数，1至12"},
				{Key: "employer", Header: "务工单位", Kind: KindText, MaxLen: 100, Example: "某某建筑公司", Help: "可空"},
			}},
		{Code: "deaths_moves", Name: "死亡、迁出和失踪人员", NameEn: "Deaths, moves and missing persons", Department: "police", Rule: "EX-09",
			Columns: []Column{idColumn(""), nameColumn(""),
				{Key: "change", Header: "变动类型", Kind: KindEnum, Required: true, Example: "死亡",
					Choices: []Choice{{"deceased", "死亡"}, {"moved_out", "迁出"}, {"missing", "失踪"}},
					Aliases: map[string]string{"宣告死亡": "deceased", "死亡注销": "deceased", "户口迁出": "moved_out", "迁移": "moved_out", "宣告失踪": "missing"},
					Help:    "死亡 / 迁出 / 失踪"},
				{Key: "changed_on", Header: "变动日期", Kind: KindDate, Required: true, Example: "2017-03-02", Headers: []string{"注销日期", "迁出日期", "死亡日期"},
					Help: dateHelp},
				{Key: "destination", Header: "迁往地", Kind: KindText, MaxLen: 200, Example: "", Help: "迁出的填迁往地址；可空"},
			}},
	}
}

var (
	all    = build()
	byCode = func() map[string]int {
		m := make(map[string]int, len(all))
		for i, ds := range all {
			m[ds.Code] = i
		}
		return m
	}()
)

// build fills each enum and bool column's lookup table once.
func build() []Dataset {
	out := datasets()
	for i := range out {
		for j := range out[i].Columns {
			out[i].Columns[j].buildLookup()
		}
	}
	return out
}

// buildLookup indexes the spellings a choice column accepts.
func (c *Column) buildLookup() {
	if c.Kind != KindEnum && c.Kind != KindBool {
		return
	}
	m := map[string]string{}
	if c.Kind == KindBool {
		for k, v := range boolWords {
			m[k] = v
		}
	}
	for k, v := range c.Aliases {
		m[lookupKey(k)] = v
	}
	for _, ch := range c.Choices {
		m[lookupKey(ch.Code)] = ch.Code
		m[lookupKey(ch.Label)] = ch.Code
	}
	c.lookup = m
}

// Datasets lists every dataset in a stable order. The result is a copy.
func Datasets() []Dataset {
	out := make([]Dataset, len(all))
	for i, ds := range all {
		out[i] = ds.clone()
	}
	return out
}

// ByCode finds a dataset by its code.
func ByCode(code string) (Dataset, bool) {
	i, ok := byCode[code]
	if !ok {
		return Dataset{}, false
	}
	return all[i].clone(), true
}

// OfDepartment lists the datasets a department uploads (empty for a
// department without any).
func OfDepartment(dept string) []Dataset {
	var out []Dataset
	for _, ds := range all {
		if ds.Department == dept {
			out = append(out, ds.clone())
		}
	}
	return out
}

func (ds Dataset) clone() Dataset {
	ds.Columns = append([]Column(nil), ds.Columns...)
	return ds
}
