package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
)

// Imports loads an existing register from a file: household-v1 JSON (an
// evaluation envelope, whose campaign the households are checked against)
// or the Excel template. Every row is checked first; one problem and nothing
// is imported, with every problem in the report. A household whose code is
// already in the register with the same data is left as it is, so loading
// the same file twice changes nothing the second time; one with different
// data is a problem (the import never overwrites what clerks have edited).
type Imports struct {
	store    *store.Store
	audit    *AuditLog
	regions  *Regions
	outcomes *Outcomes
	now      func() time.Time
}

// NewImports builds the import service.
func NewImports(st *store.Store, a *AuditLog, r *Regions, o *Outcomes, now func() time.Time) *Imports {
	return &Imports{store: st, audit: a, regions: r, outcomes: o, now: now}
}

// ImportReport is the outcome of an import.
type ImportReport struct {
	Format     string // json or xlsx
	Households int
	Created    int
	Unchanged  int
	Problems   []register.CellProblem
}

// MaxImportHouseholds bounds one file; a larger register is loaded in parts.
const MaxImportHouseholds = 20000

// ErrImportRejected is returned with the report when nothing was imported.
var ErrImportRejected = apperr.New(apperr.Validation, "导入文件有问题，未导入任何数据。请按问题清单修改后重新导入。")

// jsonLocator names a JSON problem by the household (its position in the
// households array, 1-based, and its code) and the path within it.
type jsonLocator struct{ codes []string }

func (l jsonLocator) Locate(i int, path string) register.CellProblem {
	p := register.CellProblem{Sheet: "households", Row: i + 1, Column: path}
	if i < len(l.codes) && l.codes[i] != "" {
		p.Sheet = "households（户 " + l.codes[i] + "）"
	}
	return p
}

// Import checks and loads a file. The report comes back with
// ErrImportRejected when there were problems.
func (s *Imports) Import(ctx context.Context, actor access.Actor, fileName string, data []byte) (*ImportReport, error) {
	var (
		hs  []interchange.Household
		loc register.Locator
		rep = &ImportReport{}
	)
	campaign := rules.Panlong2017()
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		rep.Format = "xlsx"
		sheets, err := readSheets(data)
		if err != nil {
			rep.Problems = append(rep.Problems, register.CellProblem{Reason: "无法读取 Excel 文件：" + err.Error()})
			return rep, ErrImportRejected
		}
		parsed := register.ParseTemplate(sheets)
		rep.Problems = parsed.Problems
		hs, loc = parsed.Households, parsed
		for i := range hs {
			for _, e := range interchange.Validate(&hs[i], campaign) {
				rep.Problems = append(rep.Problems, located(loc, i, e.Path, e.Message))
			}
		}
	default:
		rep.Format = "json"
		r := interchange.NewEnvelopeReader(bytes.NewReader(data), MaxImportHouseholds)
		c, err := r.Campaign()
		if err != nil {
			return nil, envelopeProblem(err)
		}
		campaign = c
		jl := jsonLocator{}
		for {
			raw, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, envelopeProblem(err)
			}
			var h interchange.Household
			code, errs := interchange.ReadHousehold(raw, c, &h)
			i := len(hs)
			hs = append(hs, h)
			jl.codes = append(jl.codes, deref(code))
			for _, e := range errs {
				rep.Problems = append(rep.Problems, jl.Locate(i, e.Path).With(e.Message))
			}
		}
		loc = jl
	}
	rep.Households = len(hs)
	if len(hs) > MaxImportHouseholds {
		return nil, apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("一次最多导入%d户，请分批导入", MaxImportHouseholds))
	}
	// The register's own checks run even when the format found problems,
	// so that the report is complete in one pass.
	news, err := s.check(ctx, actor, hs, loc, rep)
	if err != nil {
		return nil, err
	}
	if len(rep.Problems) > 0 {
		rep.Problems = onePerCell(rep.Problems)
		return rep, ErrImportRejected
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		checked := map[string]bool{}
		for _, h := range news {
			if !checked[h.VillageCode] {
				// A village whose list is past public review takes no new household.
				if err := HouseholdEditable(ctx, s.store, h.VillageCode); err != nil {
					return err
				}
				checked[h.VillageCode] = true
			}
			h.CreatedBy, h.UpdatedBy = actor.Username, actor.Username
			if err := s.store.CreateHousehold(ctx, h); err != nil {
				return err
			}
			if err := s.outcomes.Recompute(ctx, h.ID); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, actor, Entry{Action: "household.import", ObjectType: "household",
				ObjectID: strconv.FormatInt(h.ID, 10), Changes: changesOf(register.Diff(nil, h)), Reason: fileName}); err != nil {
				return err
			}
		}
		rep.Created = len(news)
		return s.audit.Record(ctx, actor, Entry{Action: "register.import", ObjectType: "import", ObjectID: fileName,
			Reason: fmt.Sprintf("%s：%d户，新增%d户，未变%d户", rep.Format, rep.Households, rep.Created, rep.Unchanged)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "import households")
	}
	return rep, nil
}

// check turns the households into register records, reporting what the
// register refuses beyond the format: places, groups, codes taken, people
// already in another household or twice in the file.
func (s *Imports) check(ctx context.Context, actor access.Actor, hs []interchange.Household, loc register.Locator, rep *ImportReport) ([]*register.Household, error) {
	tree, err := s.regions.Tree(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "regions")
	}
	streetOf := map[string]string{}
	for _, v := range tree.Villages {
		streetOf[v.Code] = v.StreetCode
	}
	codes := make([]string, len(hs))
	for i := range hs {
		codes[i] = hs[i].Code
	}
	taken, err := s.store.HouseholdsByCode(ctx, codes)
	if err != nil {
		return nil, apperr.Wrap(err, "household codes")
	}
	today := localdate.Today(s.now())
	groups := map[string]map[string]int64{}
	personAt := map[string]int{}
	var news []*register.Household
	for i := range hs {
		in := &hs[i]
		problem := func(path, msg string) { rep.Problems = append(rep.Problems, located(loc, i, path, msg)) }
		village, street, group := "", "", ""
		if in.Region != nil {
			village, street, group = in.Region.Village, in.Region.Street, in.Region.Group
		}
		st, ok := streetOf[village]
		switch {
		case village == "":
			problem("region.village", "请填写行政村代码")
			continue
		case !ok:
			problem("region.village", "行政村代码不存在")
			continue
		case !actor.Scope.HasVillage(village):
			problem("region.village", "该行政村不在您的管辖范围内")
			continue
		case street != "" && street != st:
			problem("region.street", "街道代码与行政村不符，应为 "+st)
		}
		h := register.FromInterchange(in)
		h.StreetCode, h.VillageCode = st, village
		if group != "" {
			if groups[village] == nil {
				gs, err := s.regions.Groups(ctx, village)
				if err != nil {
					return nil, apperr.Wrap(err, "village groups")
				}
				groups[village] = map[string]int64{}
				for _, g := range gs {
					groups[village][g.Name] = g.ID
				}
			}
			id, ok := groups[village][group]
			if !ok {
				problem("region.group", "该村没有名为“"+group+"”的村民小组")
			} else {
				h.GroupID = &id
			}
		}
		for _, d := range register.Validate(&h, today) {
			problem(v1Path(d.Field), d.Message)
		}
		if t, ok := taken[h.Code]; ok {
			same, err := s.sameAsStored(ctx, actor, t, &h, group)
			if err != nil {
				return nil, err
			}
			switch {
			case t.Deleted:
				problem("code", "户编号已被一个已删除的户使用，请换一个户编号")
			case same:
				rep.Unchanged++
			default:
				problem("code", "系统中已有此户编号且内容不同：导入不会覆盖已有数据，请在系统中修改该户，或从文件中删去此户")
			}
			continue
		}
		for j, m := range h.Members {
			if prev, dup := personAt[m.IDNumber]; dup && prev != i {
				problem(fmt.Sprintf("members[%d].id_number", j), fmt.Sprintf("此人也在文件中的户 %s：一人只能在一户", hs[prev].Code))
				continue
			}
			personAt[m.IDNumber] = i
			if _, code, err := s.store.HouseholdOfPerson(ctx, m.IDNumber); err != nil {
				return nil, apperr.Wrap(err, "person lookup")
			} else if code != "" {
				problem(fmt.Sprintf("members[%d].id_number", j), "此人已是户 "+code+" 的成员：一人只能在一户")
			}
		}
		news = append(news, &h)
	}
	return news, nil
}

// sameAsStored reports whether a stored household, read in the caller's
// scope, holds the data of the imported one (as household-v1 sees it).
func (s *Imports) sameAsStored(ctx context.Context, actor access.Actor, t store.HouseholdCode, h *register.Household, group string) (bool, error) {
	if t.Deleted || !actor.Scope.HasVillage(t.VillageCode) {
		return false, nil
	}
	stored, err := s.store.Household(ctx, actor.Scope, t.ID)
	if err != nil {
		return false, apperr.Wrap(err, "stored household")
	}
	storedGroup := ""
	if stored.GroupID != nil {
		gs, err := s.regions.Groups(ctx, stored.VillageCode)
		if err != nil {
			return false, apperr.Wrap(err, "village groups")
		}
		for _, g := range gs {
			if g.ID == *stored.GroupID {
				storedGroup = g.Name
			}
		}
	}
	a := stored.Interchange(storedGroup)
	b := h.Interchange(group)
	return bytes.Equal(interchange.AppendHousehold(nil, &a), interchange.AppendHousehold(nil, &b)), nil
}

// onePerCell keeps the first problem of each cell: a value the format
// refused is not reported again by the register's checks.
func onePerCell(ps []register.CellProblem) []register.CellProblem {
	seen := map[register.CellProblem]bool{}
	out := ps[:0]
	for _, p := range ps {
		key := register.CellProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column}
		if p.Column == "" {
			key.Reason = p.Reason // whole-row problems are kept apart
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	return out
}

func located(loc register.Locator, i int, path, msg string) register.CellProblem {
	return loc.Locate(i, path).With(msg)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func envelopeProblem(err error) error {
	var lim *interchange.LimitError
	if errors.As(err, &lim) {
		return apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("一次最多导入%d户，请分批导入", MaxImportHouseholds))
	}
	return apperr.New(apperr.BadRequest, "不是有效的户数据文件（household-v1 JSON 信封或 Excel 导入模板）："+err.Error())
}

// v1Path names a register field by its household-v1 path where the format
// has it, so that the locator finds the cell.
func v1Path(field string) string {
	prefix, name := "", field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		prefix, name = field[:i+1], field[i+1:]
	}
	if prefix != "" { // members[0].xxx and the lists keep their names
		return field
	}
	if p, ok := map[string]string{
		"income_year": "income.year", "income_wage": "income.wage", "income_operating": "income.operating",
		"income_property": "income.property", "income_transfer": "income.transfer", "operating_cost": "income.operating_cost",
		"housing_grade": "housing.grade", "housing_area_m2": "housing.area_m2", "village_code": "region.village",
		"group_id": "region.group",
	}[name]; ok {
		return p
	}
	return name
}

// readSheets reads every sheet's text as Excel shows it.
func readSheets(data []byte) ([]register.SheetRows, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []register.SheetRows
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, err
		}
		out = append(out, register.SheetRows{Name: name, Rows: rows})
	}
	return out, nil
}

// Template writes the Excel import template: a sheet of instructions, then
// the sheets to fill in, every cell formatted as text so that ID numbers and
// dates stay as typed, and drop-down lists where a column takes fixed values.
func (s *Imports) Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const guide = "填写说明"
	if err := f.SetSheetName("Sheet1", guide); err != nil {
		return apperr.Wrap(err, "template")
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#FDE9D9"}, Pattern: 1},
		Border: []excelize.Border{{Type: "bottom", Color: "#999999", Style: 1}}})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	lines := []string{
		"盘龙区贫困对象动态管理 · 已有户表导入模板",
		"1. 在“户表”中每户填一行；“家庭成员”“机动车”“城镇房产”“工商注册”中每人、每辆、每处一行，用“户编号”对应到户。",
		"2. 第一行是列名，请勿修改或删除；可以留空的列可以不填。所有单元格已设为文本格式，身份证号、日期请按文本填写。",
		"3. 日期写作 YYYY-MM-DD（如 2014-10-01）；金额单位为元，最多两位小数；是否类填“是”或“否”，“未知”可留空。",
		"4. 导入前系统检查每一行：只要有一处问题，整个文件都不导入，并列出每个问题所在的工作表、行、列和原因。",
		"5. 同一文件重复导入不会重复建户：系统中已有且内容相同的户保持不变；户编号已有而内容不同的户会被列为问题，不会被覆盖。",
		"6. 数据按本次核查的参数检查：收入年度 2016，数据截止日期 2017-06-30。",
		"",
		"各列说明：",
	}
	for i, l := range lines {
		_ = f.SetCellStr(guide, "A"+strconv.Itoa(i+1), l)
	}
	row := len(lines) + 1
	for _, sh := range register.ImportTemplate {
		for _, c := range sh.Columns {
			_ = f.SetCellStr(guide, "A"+strconv.Itoa(row), sh.Name)
			_ = f.SetCellStr(guide, "B"+strconv.Itoa(row), c.Header)
			_ = f.SetCellStr(guide, "C"+strconv.Itoa(row), c.Note)
			row++
		}
	}
	_ = f.SetColWidth(guide, "A", "A", 14)
	_ = f.SetColWidth(guide, "B", "B", 20)
	_ = f.SetColWidth(guide, "C", "C", 60)
	for _, sh := range register.ImportTemplate {
		if _, err := f.NewSheet(sh.Name); err != nil {
			return apperr.Wrap(err, "template")
		}
		for i, c := range sh.Columns {
			col, _ := excelize.ColumnNumberToName(i + 1)
			_ = f.SetCellStr(sh.Name, col+"1", c.Header)
			_ = f.SetColWidth(sh.Name, col, col, float64(max(10, len([]rune(c.Header))*2+2)))
			_ = f.SetColStyle(sh.Name, col, text)
			if opts := choices(c); len(opts) > 0 {
				dv := excelize.NewDataValidation(true)
				dv.SetSqref(col + "2:" + col + "20000")
				if err := dv.SetDropList(opts); err == nil {
					dv.SetError(excelize.DataValidationErrorStyleWarning, "请从列表中选择", c.Note)
					_ = f.AddDataValidation(sh.Name, dv)
				}
			}
		}
		last, _ := excelize.ColumnNumberToName(len(sh.Columns))
		_ = f.SetCellStyle(sh.Name, "A1", last+"1", head)
		_ = f.SetPanes(sh.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	f.SetActiveSheet(1)
	return apperr.Wrap(f.Write(w), "template")
}

// choices are the values a drop-down offers: the Chinese labels of an
// enum in the template's order, 是/否 for booleans.
func choices(c register.TemplateColumn) []string {
	switch c.Kind {
	case register.KindBool:
		return []string{"是", "否"}
	case register.KindTri:
		return []string{"是", "否", "未知"}
	case register.KindEnum:
		var out []string
		for _, part := range strings.Split(strings.SplitN(c.Note, "；", 2)[0], " / ") {
			if _, ok := c.Labels[strings.TrimSpace(part)]; ok {
				out = append(out, strings.TrimSpace(part))
			}
		}
		return out
	}
	return nil
}
