package register

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// The Excel template of the register import: one sheet of households and
// one per list (members, vehicles, urban properties, businesses), Chinese
// headers, one row per item, the lists tied to their household by 户编号.
// Each column names its household-v1 path, so a problem Validate finds at
// members[2].id_number is reported at the sheet, row and column the clerk
// typed it in. Pure: the service reads and writes the cells.

// Cell kinds.
const (
	KindText   = "text"
	KindBool   = "bool"   // 是/否, required
	KindTri    = "tri"    // 是/否/empty = unknown
	KindDate   = "date"   // YYYY-MM-DD
	KindInt    = "int"    // empty = unknown
	KindAmount = "amount" // yuan; empty = unknown
	KindEnum   = "enum"
)

// TemplateColumn is one column of a template sheet.
type TemplateColumn struct {
	Header string
	Path   string // household-v1 path under the sheet's item
	Kind   string
	Labels map[string]string // enum: Chinese label → value (the value itself is accepted too)
	Note   string
}

// TemplateSheet is one sheet: its item path in household-v1 ("" for the
// household itself, else the list) and columns; the lists' first column is
// the household code.
type TemplateSheet struct {
	Name    string
	List    string
	Columns []TemplateColumn
}

var (
	yesNo        = "是 / 否"
	yesNoUnknown = "是 / 否 / 空（未知）"
)

// ImportTemplate is the template, in sheet order.
var ImportTemplate = []TemplateSheet{
	{Name: "户表", Columns: []TemplateColumn{
		{Header: "户编号", Path: "code", Kind: KindText, Note: "必填，全区唯一"},
		{Header: "街道代码", Path: "region.street", Kind: KindText, Note: "9位，如 530103012"},
		{Header: "行政村代码", Path: "region.village", Kind: KindText, Note: "12位，如 530103012004"},
		{Header: "村民小组", Path: "region.group", Kind: KindText, Note: "名称，须为系统中该村已有的小组；可空"},
		{Header: "户籍性质", Path: "hukou", Kind: KindEnum, Labels: map[string]string{"农业": "agricultural", "非农业": "non_agricultural"}, Note: "农业 / 非农业"},
		{Header: "农村常住", Path: "rural_resident", Kind: KindBool, Note: yesNo},
		{Header: "识别状态", Path: "status", Kind: KindEnum, Labels: map[string]string{"非建档立卡户": "not_registered", "建档立卡未脱贫": "registered", "已脱贫": "exited"}, Note: "非建档立卡户 / 建档立卡未脱贫 / 已脱贫"},
		{Header: "建档立卡日期", Path: "registered_on", Kind: KindDate, Note: "YYYY-MM-DD；建档立卡户必填"},
		{Header: "脱贫年度", Path: "exited_year", Kind: KindInt, Note: "已脱贫户必填"},
		{Header: "享受低保", Path: "dibao", Kind: KindTri, Note: yesNoUnknown},
		{Header: "收入年度", Path: "income.year", Kind: KindInt, Note: "如 2016"},
		{Header: "工资性收入", Path: "income.wage", Kind: KindAmount, Note: "元；空为未知"},
		{Header: "生产经营性收入", Path: "income.operating", Kind: KindAmount, Note: "元"},
		{Header: "财产性收入", Path: "income.property", Kind: KindAmount, Note: "元"},
		{Header: "转移性收入", Path: "income.transfer", Kind: KindAmount, Note: "元"},
		{Header: "生产经营性支出", Path: "income.operating_cost", Kind: KindAmount, Note: "元"},
		{Header: "住房安全等级", Path: "housing.grade", Kind: KindEnum, Labels: map[string]string{"A级": "A", "B级": "B", "C级": "C", "D级": "D"}, Note: "A / B / C / D；空为未鉴定"},
		{Header: "住房面积", Path: "housing.area_m2", Kind: KindAmount, Note: "平方米"},
		{Header: "不愁吃", Path: "food_secure", Kind: KindTri, Note: yesNoUnknown},
		{Header: "不愁穿", Path: "clothing_secure", Kind: KindTri, Note: yesNoUnknown},
		{Header: "就学负担较重", Path: "education_burden_heavy", Kind: KindTri, Note: yesNoUnknown},
		{Header: "长期雇佣他人", Path: "employs_others_long_term", Kind: KindTri, Note: yesNoUnknown},
		{Header: "拆户并户享受政策", Path: "findings.split_or_merge_for_benefit", Kind: KindBool, Note: yesNo + "（空为否）"},
		{Header: "空挂户", Path: "findings.empty_hung_hukou", Kind: KindBool, Note: yesNo + "（空为否）"},
		{Header: "弄虚作假", Path: "findings.fraud", Kind: KindBool, Note: yesNo + "（空为否）"},
	}},
	{Name: "家庭成员", List: "members", Columns: []TemplateColumn{
		{Header: "户编号", Kind: KindText, Note: "所属户"},
		{Header: "姓名", Path: "name", Kind: KindText},
		{Header: "身份证号", Path: "id_number", Kind: KindText, Note: "18位，请将单元格设为文本"},
		{Header: "与户主关系", Path: "relation", Kind: KindEnum, Labels: map[string]string{
			"户主": "head", "配偶": "spouse", "之子": "child", "之女": "child", "子女": "child", "儿媳": "child_in_law", "女婿": "child_in_law",
			"孙子女": "grandchild", "父母": "parent", "祖父母": "grandparent", "兄弟姐妹": "sibling", "其他": "other"},
			Note: "户主 / 配偶 / 之子 / 之女 / 儿媳 / 女婿 / 孙子女 / 父母 / 祖父母 / 兄弟姐妹 / 其他"},
		{Header: "状态", Path: "status", Kind: KindEnum, Labels: map[string]string{"在户": "present", "死亡": "deceased", "失踪": "missing"}, Note: "在户 / 死亡 / 失踪"},
		{Header: "与户主共同生活", Path: "shares_income", Kind: KindBool, Note: yesNo},
		{Header: "健康状况", Path: "health", Kind: KindEnum, Labels: map[string]string{"健康": "healthy", "长期慢性病": "chronic", "患有大病": "major_disease", "残疾": "disabled"}, Note: "健康 / 长期慢性病 / 患有大病 / 残疾；空为未知"},
		{Header: "在校生状况", Path: "schooling", Kind: KindEnum, Labels: map[string]string{"非在校生": "none", "学前": "preschool", "义务教育": "compulsory", "义务教育后": "beyond_compulsory"}, Note: "非在校生 / 学前 / 义务教育 / 义务教育后；空为未知"},
		{Header: "义务教育辍学", Path: "dropout", Kind: KindTri, Note: yesNoUnknown},
		{Header: "参加基本医保", Path: "medical_insured", Kind: KindTri, Note: yesNoUnknown},
		{Header: "财政供养起始日期", Path: "fiscal_staff_since", Kind: KindDate, Note: "非财政供养人员留空"},
		{Header: "任村干部起始日期", Path: "village_cadre_since", Kind: KindDate, Note: "非村干部留空"},
	}},
	{Name: "机动车", List: "vehicles", Columns: []TemplateColumn{
		{Header: "户编号", Kind: KindText},
		{Header: "购置价格", Path: "value", Kind: KindAmount, Note: "元"},
		{Header: "购置日期", Path: "acquired_on", Kind: KindDate},
		{Header: "脱贫措施购置", Path: "exit_measure", Kind: KindBool, Note: yesNo},
	}},
	{Name: "城镇房产", List: "urban_properties", Columns: []TemplateColumn{
		{Header: "户编号", Kind: KindText},
		{Header: "房产类型", Path: "kind", Kind: KindEnum, Labels: map[string]string{"城镇自建房": "self_built", "自建房": "self_built", "商品房": "commercial_housing", "门面房": "shop", "其他城镇房产": "other", "其他": "other"}, Note: "城镇自建房 / 商品房 / 门面房 / 其他城镇房产"},
		{Header: "购置日期", Path: "acquired_on", Kind: KindDate},
		{Header: "脱贫措施购置", Path: "exit_measure", Kind: KindBool, Note: yesNo},
		{Header: "易地搬迁进城安置", Path: "relocation", Kind: KindBool, Note: yesNo},
	}},
	{Name: "工商注册", List: "businesses", Columns: []TemplateColumn{
		{Header: "户编号", Kind: KindText},
		{Header: "注册（入股）日期", Path: "registered_on", Kind: KindDate},
		{Header: "正常经营", Path: "operating", Kind: KindBool, Note: yesNo},
		{Header: "脱贫措施", Path: "exit_measure", Kind: KindBool, Note: yesNo},
	}},
}

// CellProblem is one problem of an import, where the clerk can find it.
type CellProblem struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`    // 1-based, as Excel shows it; 0 = the file
	Column string `json:"column"` // the header
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Locator finds the cell of a household-v1 path of the i-th household.
type Locator interface {
	Locate(household int, path string) CellProblem
}

// SheetRows is the text of one sheet, header row first.
type SheetRows struct {
	Name string
	Rows [][]string
}

// ParsedTemplate is what the sheets hold: the households and where each
// value came from.
type ParsedTemplate struct {
	Households []interchange.Household
	Problems   []CellProblem
	cells      []map[string]cellRef // per household: v1 path → cell
}

type cellRef struct {
	sheet, column, value string
	row                  int
}

// Locate implements Locator.
func (p *ParsedTemplate) Locate(i int, path string) CellProblem {
	if i < len(p.cells) {
		if c, ok := p.cells[i][path]; ok {
			return CellProblem{Sheet: c.sheet, Row: c.row, Column: c.column, Value: c.value}
		}
		// A problem of a whole member or list names its first cell's row.
		for k := len(path); k > 0; k-- {
			if path[k-1] == ']' {
				if c, ok := p.cells[i][path[:k]+"."]; ok {
					return CellProblem{Sheet: c.sheet, Row: c.row, Column: "", Value: ""}
				}
			}
		}
		if c, ok := p.cells[i][""]; ok {
			return CellProblem{Sheet: c.sheet, Row: c.row}
		}
	}
	return CellProblem{}
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ParseTemplate reads the sheets of a filled-in template. Sheets are found
// by name, columns by header (their order may change; unknown headers are
// refused so that nothing typed is silently ignored).
func ParseTemplate(sheets []SheetRows) *ParsedTemplate {
	p := &ParsedTemplate{}
	byName := map[string][][]string{}
	for _, s := range sheets {
		byName[strings.TrimSpace(s.Name)] = s.Rows
	}
	index := map[string]int{}
	for si, sheet := range ImportTemplate {
		rows, ok := byName[sheet.Name]
		if !ok {
			if si == 0 {
				p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Reason: "文件中没有“" + sheet.Name + "”工作表，请使用下载的导入模板"})
				return p
			}
			continue
		}
		if len(rows) == 0 {
			continue
		}
		cols := make([]int, len(rows[0])) // column index → template column, -1 none
		seen := map[int]bool{}
		for ci, h := range rows[0] {
			h = strings.TrimSpace(h)
			cols[ci] = -1
			if h == "" {
				continue
			}
			found := false
			for ti, c := range sheet.Columns {
				if c.Header == h {
					cols[ci], seen[ti], found = ti, true, true
				}
			}
			if !found {
				p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: 1, Column: h, Value: h, Reason: "不认识的列，请使用下载的导入模板"})
			}
		}
		for ti, c := range sheet.Columns {
			if !seen[ti] {
				p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: 1, Column: c.Header, Reason: "缺少此列"})
			}
		}
		if len(p.Problems) > 0 {
			continue
		}
		for ri, row := range rows[1:] {
			excelRow := ri + 2
			if blank(row) {
				continue
			}
			value := func(ti int) string {
				for ci, t := range cols {
					if t == ti && ci < len(row) {
						return strings.TrimSpace(row[ci])
					}
				}
				return ""
			}
			if sheet.List == "" {
				h := interchange.Household{Members: []interchange.Member{}, Vehicles: []interchange.Vehicle{},
					UrbanProperties: []interchange.UrbanProperty{}, Businesses: []interchange.Business{}, Region: &interchange.Region{}}
				code := value(0)
				if prev, dup := index[code]; dup && code != "" {
					p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: excelRow, Column: "户编号", Value: code,
						Reason: fmt.Sprintf("户编号重复（第%d行已有）", p.cells[prev][""].row)})
					continue
				}
				index[code] = len(p.Households)
				refs := map[string]cellRef{"": {sheet: sheet.Name, row: excelRow}}
				for ti, c := range sheet.Columns {
					v := value(ti)
					refs[c.Path] = cellRef{sheet: sheet.Name, column: c.Header, value: v, row: excelRow}
					if msg := setHousehold(&h, c, v); msg != "" {
						p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: excelRow, Column: c.Header, Value: v, Reason: msg})
					}
				}
				p.Households = append(p.Households, h)
				p.cells = append(p.cells, refs)
				continue
			}
			code := value(0)
			hi, ok := index[code]
			if !ok {
				p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: excelRow, Column: "户编号", Value: code, Reason: "“户表”中没有这个户编号"})
				continue
			}
			h := &p.Households[hi]
			prefix := fmt.Sprintf("%s[%d]", sheet.List, listLen(h, sheet.List))
			p.cells[hi][prefix+"."] = cellRef{sheet: sheet.Name, row: excelRow}
			item := newItem(h, sheet.List)
			for ti, c := range sheet.Columns[1:] {
				v := value(ti + 1)
				p.cells[hi][prefix+"."+c.Path] = cellRef{sheet: sheet.Name, column: c.Header, value: v, row: excelRow}
				if msg := item(c, v); msg != "" {
					p.Problems = append(p.Problems, CellProblem{Sheet: sheet.Name, Row: excelRow, Column: c.Header, Value: v, Reason: msg})
				}
			}
		}
	}
	if len(p.Households) == 0 && len(p.Problems) == 0 {
		p.Problems = append(p.Problems, CellProblem{Sheet: ImportTemplate[0].Name, Reason: "“户表”中没有任何户"})
	}
	return p
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func listLen(h *interchange.Household, list string) int {
	switch list {
	case "members":
		return len(h.Members)
	case "vehicles":
		return len(h.Vehicles)
	case "urban_properties":
		return len(h.UrbanProperties)
	}
	return len(h.Businesses)
}

// newItem appends an empty item to the list and returns its setter.
func newItem(h *interchange.Household, list string) func(TemplateColumn, string) string {
	switch list {
	case "members":
		h.Members = append(h.Members, interchange.Member{})
		m := &h.Members[len(h.Members)-1]
		return func(c TemplateColumn, v string) string {
			switch c.Path {
			case "name":
				m.Name = v
			case "id_number":
				m.IDNumber = strings.ToUpper(v)
			case "relation":
				return setEnum(c, v, func(s string) { m.Relation = interchange.Relation(s) })
			case "status":
				return setEnum(c, v, func(s string) { m.Status = interchange.MemberStatus(s) })
			case "shares_income":
				return setBool(v, &m.SharesIncome)
			case "health":
				return setEnum(c, v, func(s string) { m.Health = interchange.Health(s) })
			case "schooling":
				return setEnum(c, v, func(s string) { m.Schooling = interchange.Schooling(s) })
			case "dropout":
				return setTri(v, &m.Dropout)
			case "medical_insured":
				return setTri(v, &m.MedicalInsured)
			case "fiscal_staff_since":
				return setDate(v, &m.FiscalStaffSince)
			case "village_cadre_since":
				return setDate(v, &m.VillageCadreSince)
			}
			return ""
		}
	case "vehicles":
		h.Vehicles = append(h.Vehicles, interchange.Vehicle{})
		x := &h.Vehicles[len(h.Vehicles)-1]
		return func(c TemplateColumn, v string) string {
			switch c.Path {
			case "value":
				var d *decimal.Decimal
				if msg := setAmount(v, &d); msg != "" {
					return msg
				}
				if d == nil {
					return "请填写购置价格"
				}
				x.Value = *d
			case "acquired_on":
				return setDate(v, &x.AcquiredOn)
			case "exit_measure":
				return setBool(v, &x.ExitMeasure)
			}
			return ""
		}
	case "urban_properties":
		h.UrbanProperties = append(h.UrbanProperties, interchange.UrbanProperty{})
		x := &h.UrbanProperties[len(h.UrbanProperties)-1]
		return func(c TemplateColumn, v string) string {
			switch c.Path {
			case "kind":
				return setEnum(c, v, func(s string) { x.Kind = interchange.PropertyKind(s) })
			case "acquired_on":
				return setDate(v, &x.AcquiredOn)
			case "exit_measure":
				return setBool(v, &x.ExitMeasure)
			case "relocation":
				return setBool(v, &x.Relocation)
			}
			return ""
		}
	}
	h.Businesses = append(h.Businesses, interchange.Business{})
	x := &h.Businesses[len(h.Businesses)-1]
	return func(c TemplateColumn, v string) string {
		switch c.Path {
		case "registered_on":
			return setDate(v, &x.RegisteredOn)
		case "operating":
			return setBool(v, &x.Operating)
		case "exit_measure":
			return setBool(v, &x.ExitMeasure)
		}
		return ""
	}
}

func setHousehold(h *interchange.Household, c TemplateColumn, v string) string {
	switch c.Path {
	case "code":
		h.Code = v
	case "region.street":
		h.Region.Street = v
	case "region.village":
		h.Region.Village = v
	case "region.group":
		h.Region.Group = v
	case "hukou":
		return setEnum(c, v, func(s string) { h.Hukou = interchange.Hukou(s) })
	case "rural_resident":
		return setBool(v, &h.RuralResident)
	case "status":
		return setEnum(c, v, func(s string) { h.Status = interchange.Status(s) })
	case "registered_on":
		return setDate(v, &h.RegisteredOn)
	case "exited_year":
		return setInt(v, &h.ExitedYear)
	case "dibao":
		return setTri(v, &h.Dibao)
	case "income.year":
		var y *int
		if msg := setInt(v, &y); msg != "" {
			return msg
		}
		if y != nil {
			h.Income.Year = *y
		}
	case "income.wage":
		return setAmount(v, &h.Income.Wage)
	case "income.operating":
		return setAmount(v, &h.Income.Operating)
	case "income.property":
		return setAmount(v, &h.Income.Property)
	case "income.transfer":
		return setAmount(v, &h.Income.Transfer)
	case "income.operating_cost":
		return setAmount(v, &h.Income.OperatingCost)
	case "housing.grade":
		return setEnum(c, v, func(s string) { h.Housing.Grade = interchange.Grade(s) })
	case "housing.area_m2":
		return setAmount(v, &h.Housing.AreaM2)
	case "food_secure":
		return setTri(v, &h.FoodSecure)
	case "clothing_secure":
		return setTri(v, &h.ClothingSecure)
	case "education_burden_heavy":
		return setTri(v, &h.EducationBurdenHeavy)
	case "employs_others_long_term":
		return setTri(v, &h.EmploysOthersLongTerm)
	case "findings.split_or_merge_for_benefit":
		return setOptionalBool(v, &h.Findings.SplitOrMergeForBenefit)
	case "findings.empty_hung_hukou":
		return setOptionalBool(v, &h.Findings.EmptyHungHukou)
	case "findings.fraud":
		return setOptionalBool(v, &h.Findings.Fraud)
	}
	return ""
}

func setEnum(c TemplateColumn, v string, set func(string)) string {
	if v == "" {
		return ""
	}
	if code, ok := c.Labels[v]; ok {
		set(code)
		return ""
	}
	for _, code := range c.Labels {
		if code == v {
			set(code)
			return ""
		}
	}
	return "应为 " + c.Note
}

func parseYesNo(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "是", "y", "yes", "true", "1":
		return true, true
	case "否", "n", "no", "false", "0":
		return false, true
	}
	return false, false
}

func setBool(v string, dst *bool) string {
	if v == "" {
		return "请填写“是”或“否”"
	}
	b, ok := parseYesNo(v)
	if !ok {
		return "应为“是”或“否”"
	}
	*dst = b
	return ""
}

func setOptionalBool(v string, dst *bool) string {
	if v == "" {
		return ""
	}
	return setBool(v, dst)
}

func setTri(v string, dst **bool) string {
	if v == "" || v == "未知" {
		return ""
	}
	b, ok := parseYesNo(v)
	if !ok {
		return "应为“是”“否”或留空"
	}
	*dst = &b
	return ""
}

func setDate(v string, dst *localdate.Date) string {
	if v == "" {
		return ""
	}
	v = strings.ReplaceAll(strings.ReplaceAll(v, "/", "-"), ".", "-")
	if !isoDate.MatchString(v) {
		return "日期格式应为 YYYY-MM-DD，如 2014-10-01"
	}
	d, err := localdate.Parse(v)
	if err != nil {
		return "不是有效的日期"
	}
	*dst = d
	return ""
}

func setInt(v string, dst **int) string {
	if v == "" {
		return ""
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return "应为整数"
	}
	*dst = &n
	return ""
}

func setAmount(v string, dst **decimal.Decimal) string {
	if v == "" {
		return ""
	}
	d, err := decimal.NewFromString(strings.ReplaceAll(v, ",", ""))
	if err != nil {
		return "应为数字（元），如 5700 或 5700.50"
	}
	if d.Exponent() < -2 {
		return "金额最多两位小数"
	}
	*dst = &d
	return ""
}

// With returns the problem with its reason.
func (p CellProblem) With(reason string) CellProblem {
	p.Reason = reason
	return p
}
