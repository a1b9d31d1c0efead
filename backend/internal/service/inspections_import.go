package service

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// The inspection sheet: one row per sampled household, each row carrying
// its inspection's header fields. Rows with the same header fields are one
// inspection.
const inspectionSheet = "抽查户"

type inspectionColumn struct {
	header   string
	field    string // the JSON field problems are about
	required bool
	example  string
	help     string
	choices  []rates.Code
}

var inspectionColumns = []inspectionColumn{
	{"检查单位", "body", true, "国家", "开展检查的层级", rates.Bodies},
	{"检查类型", "kind", true, "检查考核", "检查考核、督查巡查或审计评估", rates.Kinds},
	{"开始日期", "started_on", true, "2017-11-06", "检查开始的日期，写作 2017-11-06（也可写 2017/11/6 或 20171106）", nil},
	{"结束日期", "ended_on", true, "2017-11-15", "检查结束的日期，不早于开始日期、不晚于今天", nil},
	{"检查说明", "note", false, "2017年度省级党委和政府扶贫开发工作成效考核", "检查的名称、文号等，最多2000字", nil},
	{"户编号", "household_code", true, "530103012004-0000001", "户表中的户编号", nil},
	{"抽查时状态", "status", false, "非建档立卡户", "可空：空时按本批次拟定意见生效后的状态（无意见时按户表状态）", rates.Statuses},
	{"人数", "people", false, "3", "该户人数，可空：空时按户表在户人数", nil},
	{"检查结论", "finding", true, "漏评", "正确；漏评只用于非建档立卡户，错评只用于建档立卡未脱贫户，错退只用于已脱贫户", rates.Findings},
	{"备注", "note_household", false, "经核实该户人均纯收入低于扶贫标准", "最多500字", nil},
}

func columnOfField(field string) string {
	if field == "note" {
		return "检查说明"
	}
	for _, c := range inspectionColumns {
		if c.field == field {
			return c.header
		}
	}
	return ""
}

// Template writes the inspection sheet's template: bold Chinese headers
// (required ones marked *), one example row in grey, drop-down lists, every
// column as text, and a sheet 填写说明.
func (s *Inspections) Template(ctx context.Context, actor access.Actor, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", inspectionSheet); err != nil {
		return apperr.Wrap(err, "template")
	}
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	head, _ := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"#FDE9D9"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	example, _ := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Italic: true, Color: "#808080"}})
	for i, c := range inspectionColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		h := c.header
		if c.required {
			h += "*"
		}
		_ = f.SetColStyle(inspectionSheet, col, text)
		_ = f.SetColWidth(inspectionSheet, col, col, float64(min(40, max(12, utf8.RuneCountInString(c.example)*2+2))))
		if err := f.SetCellStr(inspectionSheet, col+"1", h); err != nil {
			return apperr.Wrap(err, "template")
		}
		if err := f.SetCellStr(inspectionSheet, col+"2", c.example); err != nil {
			return apperr.Wrap(err, "template")
		}
		if len(c.choices) > 0 {
			labels := make([]string, len(c.choices))
			for j, x := range c.choices {
				labels[j] = x.Label
			}
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(col + "2:" + col + "1048576")
			if err := dv.SetDropList(labels); err == nil {
				dv.SetError(excelize.DataValidationErrorStyleWarning, "请从列表中选择", c.help)
				_ = f.AddDataValidation(inspectionSheet, dv)
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(inspectionColumns))
	_ = f.SetCellStyle(inspectionSheet, "A1", last+"1", head)
	_ = f.SetCellStyle(inspectionSheet, "A2", last+"2", example)
	_ = f.SetPanes(inspectionSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	const guide = "填写说明"
	if _, err := f.NewSheet(guide); err != nil {
		return apperr.Wrap(err, "template")
	}
	lines := []string{
		"检查考核结果导入：国家、省、市、区各类检查考核、督查巡查、审计评估的抽查户及检查结论",
		"1. 每个抽查户填一行；检查单位、检查类型、开始日期、结束日期、检查说明相同的行属于同一次检查。第1行是列名，请勿修改；带 * 的列必填。",
		"2. 第2行（灰色斜体）是示例，上传前请删除或改写为真实数据。",
		"3. 漏评率 = 漏评人数 / 抽查非建档立卡户人数；错评率 = 错评人数 / 抽查建档立卡户人数；错退率 = 错退人数 / 抽查已脱贫户人数。",
		"4. 文件中任何一处有误，整个文件都不导入；系统列出每个问题所在的行、列、填写的内容和原因，改正后重新上传即可。",
		"",
		"列名\t必填\t填写要求\t可选值",
	}
	for _, c := range inspectionColumns {
		req := "否"
		if c.required {
			req = "是"
		}
		var opts []string
		for _, x := range c.choices {
			opts = append(opts, x.Label)
		}
		lines = append(lines, strings.Join([]string{c.header, req, c.help, strings.Join(opts, " / ")}, "\t"))
	}
	for i, l := range lines {
		for j, cell := range strings.Split(l, "\t") {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetCellStr(guide, col+strconv.Itoa(i+1), cell); err != nil {
				return apperr.Wrap(err, "template")
			}
		}
	}
	_ = f.SetColWidth(guide, "A", "A", 16)
	_ = f.SetColWidth(guide, "C", "C", 70)
	_ = f.SetColWidth(guide, "D", "D", 40)
	f.SetActiveSheet(0)
	return apperr.Wrap(f.Write(w), "template")
}

// InspectionImportReport is the outcome of an uploaded inspection sheet:
// the inspections recorded, or the problems and nothing recorded.
type InspectionImportReport struct {
	Inspections []InspectionView
	Problems    []register.CellProblem
}

// ErrInspectionImportRejected is returned with the report when nothing was
// recorded.
var ErrInspectionImportRejected = apperr.New(apperr.Validation, "检查考核结果表有问题，未导入任何记录。请按问题清单修改后重新上传。")

// MaxInspectionImportRows bounds one sheet.
const MaxInspectionImportRows = 20000

type importGroup struct {
	in   InspectionInput
	rows []int // the sheet row of each household
}

// Import reads a filled-in inspection sheet and records every inspection in
// it — all of them, or, at the first problem, nothing and every problem
// (row, column, value, reason). campaignID 0 is the active campaign.
func (s *Inspections) Import(ctx context.Context, actor access.Actor, campaignID int64, fileName string, data []byte) (*InspectionImportReport, error) {
	c, err := s.campaignOrActive(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rep := &InspectionImportReport{}
	reject := func(reason string) (*InspectionImportReport, error) {
		rep.Problems = append(rep.Problems, register.CellProblem{Reason: reason})
		return rep, ErrInspectionImportRejected
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return reject("不是 Excel（.xlsx）文件：请上传从系统下载的检查考核结果模板")
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return reject("无法读取 Excel 文件")
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	if slices.Contains(x.GetSheetList(), inspectionSheet) {
		sheet = inspectionSheet
	}
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return reject("无法读取工作表“" + sheet + "”")
	}
	date1904 := false
	if p, err := x.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	if len(rows) > MaxInspectionImportRows+1 {
		return nil, apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("一次最多上传%d行，请分批上传", MaxInspectionImportRows))
	}
	groups, problems := parseInspectionRows(sheet, rows, date1904)
	rep.Problems = problems
	if len(groups) == 0 && len(rep.Problems) == 0 {
		return reject("表中没有抽查户：请从第2行起每户填一行")
	}
	var checked [][]store.InspectionHousehold
	for _, g := range groups {
		hs, err := s.check(ctx, c, &g.in, func(i int, field, msg string) {
			row := g.rows[0]
			value := ""
			if i >= 0 {
				row = g.rows[i]
				h := g.in.Households[i]
				switch field {
				case "household_code":
					value = h.HouseholdCode
				case "status":
					value = statusLabel(h.Status)
				case "people":
					if h.People != nil {
						value = strconv.Itoa(*h.People)
					}
				case "finding":
					value = rates.LabelOf(rates.Findings, h.Finding)
				case "note":
					field, value = "note_household", h.Note
				}
			} else {
				switch field {
				case "started_on":
					value = g.in.StartedOn.String()
				case "ended_on":
					value = g.in.EndedOn.String()
				}
			}
			rep.Problems = append(rep.Problems, register.CellProblem{Sheet: sheet, Row: row, Column: columnOfField(field), Value: value, Reason: msg})
		})
		if err != nil {
			return nil, err
		}
		checked = append(checked, hs)
	}
	if len(rep.Problems) > 0 {
		rep.Problems = firstPerCell(rep.Problems)
		slices.SortStableFunc(rep.Problems, func(a, b register.CellProblem) int { return a.Row - b.Row })
		return rep, ErrInspectionImportRejected
	}
	var ids []int64
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		ids = ids[:0]
		sampled := 0
		for i, g := range groups {
			id, err := s.create(ctx, actor, c, &g.in, checked[i], "导入："+fileName)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			sampled += len(checked[i])
		}
		return s.audit.Record(ctx, actor, Entry{Action: "inspection.import", ObjectType: "campaign", ObjectID: fmt.Sprint(c.ID),
			Reason: truncate(fmt.Sprintf("%s：%d次检查，%d户", fileName, len(ids), sampled), 500)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "import inspections")
	}
	for _, id := range ids {
		v, err := s.Get(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		rep.Inspections = append(rep.Inspections, *v)
	}
	return rep, nil
}

// firstPerCell keeps the first problem of each cell: a value the sheet
// could not read is not reported again by the checks after it.
func firstPerCell(ps []register.CellProblem) []register.CellProblem {
	seen := map[string]bool{}
	out := ps[:0:0]
	for _, p := range ps {
		k := fmt.Sprintf("%d\x00%s", p.Row, p.Column)
		if p.Column != "" && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

func (s *Inspections) campaignOrActive(ctx context.Context, id int64) (*store.Campaign, error) {
	if id != 0 {
		c, err := s.store.CampaignByID(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			return nil, apperr.Invalid(apperr.Detail{Field: "campaign_id", Message: "没有这个批次"})
		}
		return c, err
	}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "active campaign")
	}
	if c == nil {
		return nil, apperr.Invalid(apperr.Detail{Field: "campaign_id", Message: "没有进行中的批次，请指定批次"})
	}
	return c, nil
}

// parseInspectionRows reads the sheet's rows into inspections, grouping
// rows by their header fields; what cannot be read is a problem.
func parseInspectionRows(sheet string, rows [][]string, date1904 bool) ([]*importGroup, []register.CellProblem) {
	var problems []register.CellProblem
	if len(rows) == 0 {
		return nil, []register.CellProblem{{Sheet: sheet, Row: 0, Reason: "工作表是空的"}}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), "*"))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	for _, c := range inspectionColumns {
		if _, ok := col[c.header]; !ok && c.required {
			problems = append(problems, register.CellProblem{Sheet: sheet, Row: 1, Column: c.header, Reason: "缺少这一列：请使用系统下载的模板，不要修改第1行的列名"})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	byKey := map[string]*importGroup{}
	var groups []*importGroup
	for r := 1; r < len(rows); r++ {
		row := rows[r]
		cell := func(header string) string {
			i, ok := col[header]
			if !ok || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		blank := true
		for _, v := range row {
			if strings.TrimSpace(v) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		n := r + 1
		bad := func(header, value, reason string) {
			problems = append(problems, register.CellProblem{Sheet: sheet, Row: n, Column: header, Value: value, Reason: reason})
		}
		code := func(c inspectionColumn) string {
			v := cell(c.header)
			if v == "" {
				if c.required {
					bad(c.header, v, "必填")
				}
				return ""
			}
			k, ok := rates.CodeOf(c.choices, strings.TrimSuffix(v, "级"))
			if !ok {
				labels := make([]string, len(c.choices))
				for j, x := range c.choices {
					labels[j] = x.Label
				}
				bad(c.header, v, "应为 "+strings.Join(labels, "、")+" 之一")
			}
			return k
		}
		date := func(header string) localdate.Date {
			v := cell(header)
			if v == "" {
				bad(header, v, "必填")
				return localdate.Date{}
			}
			d, ok := parseSheetDate(v, date1904)
			if !ok {
				bad(header, v, "不是有效的日期，请写作 2017-11-06")
			}
			return d
		}
		body, kind := code(inspectionColumns[0]), code(inspectionColumns[1])
		started, ended := date("开始日期"), date("结束日期")
		note := cell("检查说明")
		h := SampleInput{HouseholdCode: cell("户编号"), Note: cell("备注")}
		if h.HouseholdCode == "" {
			bad("户编号", "", "必填")
		}
		h.Status = code(inspectionColumns[6])
		if v := cell("人数"); v != "" {
			p, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
			if err != nil {
				bad("人数", v, "应为整数")
			} else {
				h.People = &p
			}
		}
		h.Finding = code(inspectionColumns[8])
		key := strings.Join([]string{body, kind, started.String(), ended.String(), note}, "\x00")
		g := byKey[key]
		if g == nil {
			g = &importGroup{in: InspectionInput{Body: body, Kind: kind, StartedOn: started, EndedOn: ended, Note: note}}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.in.Households = append(g.in.Households, h)
		g.rows = append(g.rows, n)
	}
	return groups, problems
}

var dateParts = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// parseSheetDate reads 2017-11-06, 2017/11/6, 2017.11.6, 2017年11月6日,
// 20171106 (each optionally followed by a time) and Excel serial numbers.
func parseSheetDate(s string, date1904 bool) (localdate.Date, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var y, m, d int
	switch {
	case dateParts.MatchString(s):
		p := dateParts.FindStringSubmatch(s)
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	case len(s) == 8 && isDigits(s):
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	default:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f > 2958465 {
			return localdate.Date{}, false
		}
		t, err := excelize.ExcelDateToTime(f, date1904)
		if err != nil {
			return localdate.Date{}, false
		}
		return localdate.Of(t), true
	}
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > idcard.DaysIn(y, time.Month(m)) {
		return localdate.Date{}, false
	}
	return localdate.Date{Year: y, Month: time.Month(m), Day: d}, true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
