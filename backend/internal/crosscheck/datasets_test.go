package crosscheck

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/register"
)

// dsCase is the test data of one dataset: good rows (raw, by column key,
// in the spellings a department might use), the normalised values of the
// first, and the findings Compare gives for the first row on
// baseHousehold (the first row is always member 1, p1).
type dsCase struct {
	code     string
	good     []map[string]string
	want     map[string]string
	findings []string
	// prepare adjusts the base household (nil: as it is).
	prepare func(h *register.Household)
}

var cases = []dsCase{
	{code: "vehicles",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "plate": "云A12345", "vehicle_type": "小型轿车", "value": "45,000", "acquired_on": "2016/3/15"},
			{"id_number": strings.ToLower(vid("53010319750708104")), "name": " 李四 ", "plate": "云A·54321", "value": "4.5万", "acquired_on": "2016年3月15日"},
			{"id_number": p4, "name": "王五", "plate": "云AB1234", "vehicle_type": "二轮摩托车", "value": "¥3800.5", "acquired_on": "20150101"},
		},
		want:     map[string]string{"plate": "云A12345", "vehicle_type": "小型轿车", "value": "45000.00", "acquired_on": "2016-03-15"},
		findings: []string{"vehicles"}},
	{code: "urban_properties",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "kind": "商品房", "address": "盘龙区北京路100号1栋301室", "acquired_on": "2015-08-20", "cert_no": "云(2015)盘龙区不动产权第0001234号"},
			{"id_number": p4, "name": "王五", "kind": "shop", "address": "盘龙区金星立交桥旁门面2号", "acquired_on": "2013.5.6"},
			{"id_number": p2, "name": "李梅", "kind": "其他", "address": "盘龙区某街道", "acquired_on": "2012/12/31 0:00:00"},
		},
		want:     map[string]string{"kind": "commercial_housing", "address": "盘龙区北京路100号1栋301室", "acquired_on": "2015-08-20", "cert_no": "云(2015)盘龙区不动产权第0001234号"},
		findings: []string{"urban_properties"}},
	{code: "payroll",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "employer": "盘龙区某某局", "post": "科员", "staff_since": "2015-03-01"},
			{"id_number": p4, "name": "王五", "employer": "盘龙区某某中学", "staff_since": "2009/9/1"},
		},
		want:     map[string]string{"employer": "盘龙区某某局", "post": "科员", "staff_since": "2015-03-01"},
		findings: []string{"members.fiscal_staff_since"}},
	{code: "businesses",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "business_name": "盘龙区张三便利店", "reg_no": "92530103MA6K7X8Y9Z", "registered_on": "2016-06-18", "operating": "在营"},
			{"id_number": p4, "name": "王五", "business_name": "某某种植专业合作社", "reg_no": "93530103MA6K000001", "registered_on": "2012-01-05", "operating": "注销"},
			{"id_number": p2, "name": "李梅", "business_name": "某某商行", "reg_no": "530103600012345", "registered_on": "2010-10-10", "operating": "存续"},
		},
		want:     map[string]string{"business_name": "盘龙区张三便利店", "reg_no": "92530103MA6K7X8Y9Z", "registered_on": "2016-06-18", "operating": "operating"},
		findings: []string{"businesses"}},
	{code: "village_cadres",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "village": "某某村", "post": "村委会委员", "cadre_since": "2016-01-10"},
			{"id_number": p5, "name": "赵六", "village": "某某村", "post": "村委会主任", "cadre_since": "2013-01-10"},
		},
		want:     map[string]string{"village": "某某村", "post": "村委会委员", "cadre_since": "2016-01-10"},
		findings: []string{"members.village_cadre_since"}},
	{code: "cadre_relatives",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "cadre_id_number": p5, "cadre_name": "赵六", "relation": "兄弟姐妹", "cadre_post": "村委会主任"},
			{"id_number": p4, "name": "王五", "cadre_id_number": p5, "cadre_name": "赵六", "relation": "儿子"},
		},
		want:     map[string]string{"cadre_id_number": p5, "cadre_name": "赵六", "relation": "sibling", "cadre_post": "村委会主任"},
		findings: []string{"finding_fraud"}},
	{code: "dibao",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "kind": "低保", "monthly_amount": "300", "since": "2016-01-01"},
			{"id_number": p4, "name": "王五", "kind": "五保", "monthly_amount": "450.50元", "since": "2015/7/1"},
			{"id_number": p2, "name": "李梅", "kind": "tekun", "since": "2015-07-01"},
		},
		want:     map[string]string{"kind": "dibao", "monthly_amount": "300.00", "since": "2016-01-01"},
		findings: []string{"dibao"}},
	{code: "disability",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "category": "肢体残疾", "grade": "二级", "cert_no": p1 + "42"},
			{"id_number": p4, "name": "王五", "category": "视力", "grade": "1级", "cert_no": p4 + "11"},
			{"id_number": p2, "name": "李梅", "category": "mental", "grade": "4", "cert_no": p2 + "64"},
		},
		want:     map[string]string{"category": "physical", "grade": "2", "cert_no": p1 + "42"},
		findings: []string{"members.disability_category", "members.disability_grade", "members.disability_cert"}},
	{code: "major_disease",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "disease": "终末期肾病", "diagnosed_on": "2016-05-03", "hospital": "昆明市第一人民医院"},
			{"id_number": p4, "name": "王五", "disease": "白血病"},
		},
		want:     map[string]string{"disease": "终末期肾病", "diagnosed_on": "2016-05-03", "hospital": "昆明市第一人民医院"},
		findings: []string{"members.health"}},
	{code: "students",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "school": "某某职业技术学院", "stage": "高职", "dropout": "否"},
			{"id_number": p3, "name": "张小明", "school": "盘龙区某某中学", "stage": "初二"},
			{"id_number": p4, "name": "王五", "school": "盘龙区某某中学", "stage": "grade9", "dropout": "是"},
		},
		want:     map[string]string{"school": "某某职业技术学院", "stage": "higher_vocational", "dropout": "false"},
		findings: []string{"members.schooling_status"}},
	{code: "insurance",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "kind": "城乡居民基本医疗保险", "insured": "已参保", "year": "2017"},
			{"id_number": p2, "name": "李梅", "kind": "养老", "insured": "否"},
			{"id_number": p4, "name": "王五", "kind": "大病保险", "insured": "1", "year": "2017年"},
		},
		want:     map[string]string{"kind": "medical", "insured": "true", "year": "2017"},
		findings: []string{"members.medical_insured"}},
	{code: "migrant_work",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "place": "省外", "months": "8", "employer": "某某建筑公司"},
			{"id_number": p4, "name": "王五", "place": "县内", "months": "十二个月"},
		},
		want:     map[string]string{"place": "outside", "months": "8", "employer": "某某建筑公司"},
		findings: []string{"members.migrant_place", "members.migrant_months"}},
	{code: "deaths_moves",
		good: []map[string]string{
			{"id_number": p1, "name": "张三", "change": "死亡", "changed_on": "2017-03-02"},
			{"id_number": p4, "name": "王五", "change": "迁出", "changed_on": "2016-11-30", "destination": "昆明市五华区某某街道"},
		},
		want:     map[string]string{"change": "deceased", "changed_on": "2017-03-02"},
		findings: []string{"members.status"}},
}

func caseOf(t *testing.T, code string) dsCase {
	for _, c := range cases {
		if c.code == code {
			return c
		}
	}
	t.Fatalf("no test case for %s", code)
	return dsCase{}
}

func TestEveryDatasetHasACase(t *testing.T) {
	var codes []string
	for _, ds := range Datasets() {
		codes = append(codes, ds.Code)
		caseOf(t, ds.Code)
	}
	want := []string{"vehicles", "urban_properties", "payroll", "businesses", "village_cadres", "cadre_relatives", "dibao",
		"disability", "major_disease", "students", "insurance", "migrant_work", "deaths_moves"}
	if !slices.Equal(codes, want) {
		t.Fatalf("datasets %v, want %v", codes, want)
	}
}

var ruleCode = regexp.MustCompile(`^(EX|ID|RE|DQ)-\d\d$`)

func TestDatasetDefinitions(t *testing.T) {
	depts := map[string]bool{"police": true, "land": true, "finance": true, "market": true, "org": true, "civil": true,
		"disabled": true, "health": true, "edu": true, "hrss": true}
	for _, ds := range Datasets() {
		t.Run(ds.Code, func(t *testing.T) {
			if ds.Name == "" || ds.NameEn == "" || !depts[ds.Department] || !ruleCode.MatchString(ds.Rule) {
				t.Errorf("incomplete dataset %+v", ds)
			}
			if len(ds.Columns) < 3 || ds.Columns[0].Key != "id_number" || ds.Columns[0].Header != "身份证号" || ds.Columns[0].Kind != KindIDNumber ||
				ds.Columns[1].Key != "name" || ds.Columns[1].Header != "姓名" {
				t.Errorf("the first columns must be 身份证号 and 姓名: %+v", ds.Columns[:2])
			}
			if _, ok := comparers[ds.Code]; !ok {
				t.Errorf("no comparer")
			}
			keys, headers := map[string]bool{}, map[string]bool{}
			for _, c := range ds.Columns {
				if keys[c.Key] || headers[normHeader(c.Header)] {
					t.Errorf("column %s twice", c.Key)
				}
				keys[c.Key], headers[normHeader(c.Header)] = true, true
				if c.Header == "" || c.Help == "" || kindWords[c.Kind] == "" {
					t.Errorf("column %s incomplete", c.Key)
				}
				if (c.Kind == KindEnum) != (len(c.Choices) > 0) && c.Kind != KindBool {
					t.Errorf("column %s: choices only for enums", c.Key)
				}
				for _, ch := range c.Choices {
					if v, reason := parseChoice(ch.Label, &c); v != ch.Code || reason != "" {
						t.Errorf("column %s: label %s reads as %q %q", c.Key, ch.Label, v, reason)
					}
				}
				for alias, code := range c.Aliases {
					if !slices.ContainsFunc(c.Choices, func(ch Choice) bool { return ch.Code == code }) && c.Kind != KindBool {
						t.Errorf("column %s: alias %s names unknown code %s", c.Key, alias, code)
					}
				}
				if c.Example != "" {
					if _, reason := parseCell(&c, c.Example, newEnv(testNow, false)); reason != "" {
						t.Errorf("column %s: example %q: %s", c.Key, c.Example, reason)
					}
				} else if c.Required {
					t.Errorf("column %s: a required column needs an example", c.Key)
				}
			}
			// Codes the register keeps must be valid register codes.
			for key, list := range map[string]string{"kind": "property_kind", "category": "disability_category", "stage": "schooling_status",
				"place": "migrant_place", "change": "member_status"} {
				c, ok := ds.Column(key)
				if !ok || ds.Code == "dibao" || ds.Code == "insurance" {
					continue
				}
				for _, ch := range c.Choices {
					if !register.Valid(list, ch.Code) {
						t.Errorf("%s: %s is no %s code", key, ch.Code, list)
					}
				}
			}
			if SheetName := ds.SheetName(); len([]rune(SheetName)) > 31 || strings.ContainsAny(SheetName, `:\/?*[]`) {
				t.Errorf("bad sheet name %q", SheetName)
			}
		})
	}
	if len(OfDepartment("police")) != 2 || len(OfDepartment("hrss")) != 2 || len(OfDepartment("org")) != 2 || OfDepartment("water") != nil {
		t.Errorf("OfDepartment: police %d, hrss %d, org %d", len(OfDepartment("police")), len(OfDepartment("hrss")), len(OfDepartment("org")))
	}
	if _, ok := ByCode("nope"); ok {
		t.Error("ByCode(nope) found something")
	}
	// Datasets returns copies: changing one does not change the next.
	a := Datasets()
	a[0].Columns[0].Header = "changed"
	if Datasets()[0].Columns[0].Header != "身份证号" {
		t.Error("Datasets shares its columns with callers")
	}
}

// TestTemplateRoundTrip: for every dataset the template opens, has its
// headers, drop-downs and instructions, and its example row reads back as a
// valid record (marked as the example).
func TestTemplateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, ds := range Datasets() {
		t.Run(ds.Code, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Template(ds, &buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, ds.Code+".xlsx")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := ds.SheetName()
			if got := f.GetSheetList(); !slices.Equal(got, []string{sheet, guideSheet}) {
				t.Fatalf("sheets %v", got)
			}
			dropdowns := 0
			for i, c := range ds.Columns {
				cell, _ := excelize.CoordinatesToCellName(i+1, 1)
				v, _ := f.GetCellValue(sheet, cell)
				want := c.Header
				if c.Required {
					want += "*"
				}
				if v != want {
					t.Errorf("header %s = %q, want %q", cell, v, want)
				}
				sid, _ := f.GetCellStyle(sheet, cell)
				st, err := f.GetStyle(sid)
				if err != nil || st.Font == nil || !st.Font.Bold {
					t.Errorf("header %s not bold", cell)
				}
				if c.Kind == KindEnum || c.Kind == KindBool {
					dropdowns++
				}
			}
			idCell := "A2"
			if typ, _ := f.GetCellType(sheet, idCell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("ID example stored as %v, want a string", typ)
			}
			sid, _ := f.GetCellStyle(sheet, "A3")
			if st, _ := f.GetStyle(sid); st == nil || st.NumFmt != 49 {
				t.Errorf("ID column is not formatted as text")
			}
			dvs, _ := f.GetDataValidations(sheet)
			if len(dvs) != dropdowns {
				t.Errorf("%d drop-downs, want %d", len(dvs), dropdowns)
			}
			guide, _ := f.GetRows(guideSheet)
			text := fmt.Sprint(guide)
			for _, c := range ds.Columns {
				if !strings.Contains(text, c.Header) || !strings.Contains(text, c.Help) {
					t.Errorf("填写说明 does not describe %s", c.Header)
				}
			}

			r, err := Open(ds, path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			recs, problems := readAll(t, r)
			if len(problems) != 0 || len(recs) != 1 {
				t.Fatalf("template reads as %d records, problems %v", len(recs), problems)
			}
			rec := recs[0]
			if rec.Row != 2 || rec.IDNumber != exID1 || rec.Name != ds.Columns[1].Example || !rec.Example {
				t.Errorf("example record %+v", rec)
			}
			for _, c := range ds.Columns[2:] {
				if c.Example != "" && rec.Values[c.Key] == "" {
					t.Errorf("example of %s lost", c.Key)
				}
			}
		})
	}
}

// TestGoodFiles: every dataset's good file reads without a problem and
// normalises its values.
func TestGoodFiles(t *testing.T) {
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			ds := mustDS(t, c.code)
			recs, problems := readCSV(t, ds, csvFile(t, ds, c.good...))
			if len(problems) != 0 {
				t.Fatalf("problems: %v", problems)
			}
			if len(recs) != len(c.good) {
				t.Fatalf("%d records, want %d", len(recs), len(c.good))
			}
			for i, rec := range recs {
				if rec.Row != i+2 || rec.Example || rec.Name == "" || rec.Name != strings.TrimSpace(rec.Name) ||
					len(rec.IDNumber) != 18 || rec.IDNumber != strings.ToUpper(rec.IDNumber) {
					t.Errorf("record %d: %+v", i, rec)
				}
				if _, ok := rec.Values["id_number"]; ok {
					t.Errorf("Values carries the ID number")
				}
			}
			if got := recs[0].Values; !mapsEqual(got, c.want) {
				t.Errorf("values %v, want %v", got, c.want)
			}
			if recs[0].IDNumber != p1 || recs[0].Name != "张三" {
				t.Errorf("first record %s %s", recs[0].IDNumber, recs[0].Name)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// badValue returns a wrong value for a column of the kind, with the words
// the reason must contain.
func badValue(c Column) (string, string) {
	switch c.Kind {
	case KindDate:
		return "2017-02-30", "不是有效的日期"
	case KindMoney:
		return "四万五", "金额应为数字"
	case KindInt:
		return "99", "之间的整数"
	case KindEnum:
		return "不存在的值", "不是可选的值"
	case KindBool:
		return "也许", "应填"
	}
	return strings.Repeat("长", 300), "不能超过"
}

type wantProblem struct {
	row    int
	column string
	value  string
	reason string
}

// TestBadFiles: for every dataset a file with a bad check character, a bad
// date (where the dataset has dates), a bad enum / amount / number and a
// missing required cell reports every problem with its row, column, value
// and reason, including several problems of one row.
func TestBadFiles(t *testing.T) {
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			ds := mustDS(t, c.code)
			good := c.good[0]
			row := func(change map[string]string) map[string]string {
				r := map[string]string{}
				for k, v := range good {
					r[k] = v
				}
				for k, v := range change {
					r[k] = v
				}
				return r
			}
			rows := []map[string]string{row(nil)}
			var want []wantProblem
			kinds := map[string]bool{}
			add := func(col Column, value, reason string) {
				rows = append(rows, row(map[string]string{col.Key: value}))
				want = append(want, wantProblem{row: len(rows) + 1, column: col.Header, value: value, reason: reason})
			}
			add(ds.Columns[0], badCheck(p1), "校验码")
			kinds["id"] = true
			for _, col := range ds.Columns[2:] {
				if col.Kind == KindDate && !kinds["date"] {
					v, reason := badValue(col)
					add(col, v, reason)
					kinds["date"] = true
				}
				if (col.Kind == KindEnum || col.Kind == KindMoney || col.Kind == KindInt || col.Kind == KindBool) && !kinds["choice"] {
					v, reason := badValue(col)
					add(col, v, reason)
					kinds["choice"] = true
				}
			}
			add(ds.Columns[1], "", "必填")
			kinds["missing"] = true
			for _, col := range ds.Columns[2:] {
				if col.Required {
					add(col, "", "必填")
					break
				}
			}
			if len(kinds) < 3 {
				t.Fatalf("only %d kinds of error", len(kinds))
			}
			// One row with several problems: every one is reported.
			multi := row(map[string]string{"id_number": "5301031980010100", "name": ""})
			last := ds.Columns[len(ds.Columns)-1]
			for _, col := range ds.Columns[2:] {
				if col.Kind != KindText {
					last = col
				}
			}
			bad, reason := badValue(last)
			multi[last.Key] = bad
			rows = append(rows, multi)
			n := len(rows) + 1
			want = append(want, wantProblem{n, "身份证号", "5301031980010100", "应为18位"}, wantProblem{n, "姓名", "", "必填"}, wantProblem{n, last.Header, bad, reason})
			// A future date, where the dataset has dates.
			for _, col := range ds.Columns {
				if col.Kind == KindDate {
					rows = append(rows, row(map[string]string{col.Key: "2017-08-01"}))
					want = append(want, wantProblem{len(rows) + 1, col.Header, "2017-08-01", "不能晚于今天"})
					break
				}
			}

			recs, problems := readCSV(t, ds, csvFile(t, ds, rows...))
			if len(recs) != 1 {
				t.Errorf("%d good records, want 1", len(recs))
			}
			if len(problems) != len(want) {
				t.Errorf("%d problems, want %d: %v", len(problems), len(want), problems)
			}
			for _, w := range want {
				found := false
				for _, p := range problems {
					if p.Row == w.row && p.Column == w.column && strings.Contains(p.Reason, w.reason) && p.Value == clip(w.value) {
						found = true
					}
				}
				if !found {
					t.Errorf("problem not reported: %+v; got %v", w, problems)
				}
			}
		})
	}
}
