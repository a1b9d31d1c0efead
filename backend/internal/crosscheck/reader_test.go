package crosscheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"jingzhun/internal/idcard"
)

const vehicleHeader = "身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n"

func TestCSVVariants(t *testing.T) {
	ds := mustDS(t, "vehicles")
	row := p1 + ",张三,云A12345,小型轿车,45000,2016-03-15\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(vehicleHeader + row)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(vehicleHeader+row, ",", "\t"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data string
		row  int
	}{
		{"plain", vehicleHeader + row, 2},
		{"BOM", "\xef\xbb\xbf" + vehicleHeader + row, 2},
		{"CRLF", strings.ReplaceAll(vehicleHeader+row, "\n", "\r\n"), 2},
		{"GBK", gbk, 2},
		{"UTF-16 tab-separated", utf16, 2},
		{"semicolons", strings.ReplaceAll(vehicleHeader+row, ",", ";"), 2},
		{"no final newline", vehicleHeader + strings.TrimSuffix(row, "\n"), 2},
		{"keys as headers", "id_number,name,plate,vehicle_type,value,acquired_on\n" + row, 2},
		{"required marks and half-width brackets", "身份证号*,姓名*,车牌号*,车辆类型,购置价格(元)*,购置日期*\n" + row, 2},
		{"other order and extra columns", "序号,购置日期,车牌号,备注,身份证号,姓名,购置价格（元）\n1,2016-03-15,云A12345,无," + p1 + ",张三,45000\n", 2},
		{"title row", "盘龙区2017年机动车登记表,,,,,\n" + vehicleHeader + row, 3},
		{"blank lines and rows", vehicleHeader + "\n,,,,,\n  , ,,,,\n" + row + "\n\n", 5},
		{"quoted", vehicleHeader + p1 + ",\"张三\",\"云A12345\",\"小型,轿车\",\"45,000\",2016-03-15\n", 2},
		{"ragged row", vehicleHeader + p1 + ",张三,云A12345,,45000,2016-03-15,,,\n", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, problems := readCSV(t, ds, []byte(c.data))
			if len(problems) != 0 || len(recs) != 1 {
				t.Fatalf("%d records, problems %v", len(recs), problems)
			}
			r := recs[0]
			if r.Row != c.row || r.IDNumber != p1 || r.Name != "张三" || r.Values["plate"] != "云A12345" || r.Values["value"] != "45000.00" || r.Values["acquired_on"] != "2016-03-15" {
				t.Errorf("record %+v", r)
			}
		})
	}
}

func TestStrayByteInUTF8(t *testing.T) {
	ds := mustDS(t, "vehicles")
	_, problems := readCSV(t, ds, []byte(vehicleHeader+p1+",张三,云A12345,小型\xff轿车,45000,2016-03-15\n"))
	if len(problems) != 1 || problems[0].Column != "车辆类型" || !strings.Contains(problems[0].Reason, "UTF-8") {
		t.Fatalf("problems %v", problems)
	}
}

func TestHeaderProblems(t *testing.T) {
	ds := mustDS(t, "vehicles")
	cases := []struct {
		name    string
		data    string
		reasons []string
		rows    bool // Next still returns rows
	}{
		{"empty file", "", []string{"文件是空的"}, false},
		{"only blank lines", "\n\n,,\n", []string{"文件是空的"}, false},
		{"wrong dataset", "身份证号,残疾类别,残疾等级\n" + p1 + ",肢体,2\n", []string{"找不到“机动车登记”的表头"}, false},
		{"missing required column", "身份证号,姓名,车牌号,购置日期\n" + p1 + ",张三,云A1,2016-01-01\n", []string{"缺少必填列“购置价格（元）”"}, false},
		{"two missing", "身份证号,姓名,车牌号\n", []string{"缺少必填列“购置价格（元）”", "缺少必填列“购置日期”"}, false},
		{"column twice", vehicleHeader[:len(vehicleHeader)-1] + ",车牌号\n" + p1 + ",张三,云A12345,,45000,2016-03-15,云B1\n", []string{"出现了不止一次"}, true},
		{"optional column missing is fine", "身份证号,姓名,车牌号,购置价格（元）,购置日期\n" + p1 + ",张三,云A1,45000,2016-01-01\n", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewCSVReader(ds, strings.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			hp := r.HeaderProblems()
			if len(hp) != len(c.reasons) {
				t.Fatalf("header problems %v, want %v", hp, c.reasons)
			}
			for i, want := range c.reasons {
				if !strings.Contains(hp[i].Reason, want) || hp[i].Row != 1 {
					t.Errorf("problem %+v, want %q at row 1", hp[i], want)
				}
			}
			_, _, ok, err := r.Next()
			if err != nil || ok != c.rows {
				t.Errorf("Next: ok %v err %v, want ok %v", ok, err, c.rows)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	ds := mustDS(t, "vehicles")
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "车辆.CSV")
	if err := os.WriteFile(csvPath, []byte(vehicleHeader+p1+",张三,云A12345,,45000,2016-03-15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ds, csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, problems := readAll(t, r)
	if len(recs) != 1 || len(problems) != 0 {
		t.Fatalf("%v %v", recs, problems)
	}
	if read, size := r.Progress(); read != size || size == 0 {
		t.Errorf("progress %d of %d", read, size)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]error{"a.xls": ErrUnsupportedFormat, "a.pdf": ErrUnsupportedFormat, "a": ErrUnsupportedFormat} {
		if _, err := Open(ds, filepath.Join(dir, name)); !errors.Is(err, want) || !strings.Contains(err.Error(), "只支持") {
			t.Errorf("Open(%s) = %v", name, err)
		}
	}
	bad := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ds, bad); !errors.Is(err, ErrUnreadable) {
		t.Errorf("Open(bad.xlsx) = %v", err)
	}
	if _, err := Open(ds, filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing.csv) = %v", err)
	}
}

func TestCSVRowNumbers(t *testing.T) {
	ds := mustDS(t, "vehicles")
	data := vehicleHeader + "\n" + p1 + ",张三,云A1,,45000,2016-03-15\n" + // line 3
		p2 + ",\"李\n梅\",云A2,,45000,2016-03-15\n" + // lines 4-5
		badCheck(p4) + ",王五,云A3,,abc,2016-02-30\n" // line 6
	recs, problems := readCSV(t, ds, []byte(data))
	if len(recs) != 2 || recs[0].Row != 3 || recs[1].Row != 4 {
		t.Fatalf("records %+v", recs)
	}
	if len(problems) != 3 {
		t.Fatalf("problems %v", problems)
	}
	for _, p := range problems {
		if p.Row != 6 {
			t.Errorf("problem at row %d, want 6: %+v", p.Row, p)
		}
	}
}

// xlsxFile builds a workbook cell by cell: values may be strings, numbers
// or times (stored as date serials, as Excel does).
func xlsxFile(t testing.TB, sheet string, rows map[int][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for row, cells := range rows {
		for i, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if v == nil {
				continue
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSX(t *testing.T) {
	ds := mustDS(t, "vehicles")
	head := []any{"身份证号", "姓名", "车牌号", "车辆类型", "购置价格（元）", "购置日期"}
	data := xlsxFile(t, "数据", map[int][]any{
		1: head,
		2: {p1, "张三", "云A12345", "小型轿车", 45000, time.Date(2016, 3, 15, 0, 0, 0, 0, time.UTC)},
		3: {p2, "李梅", "云A2", nil, 123.45, "2016/3/15"},
		// row 4 left out: a gap in the sheet
		5: {p4, "王五", "云A3", nil, "4.5万", 42444},
		6: {530103198001010011.0, "赵六", "云A4", nil, 45000.123, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)},
		7: {nil, nil, nil, "只有备注"},
		8: {p3, "张小明", "云A5", nil, "四万五", "2016-03-15"},
	})
	r, err := NewXLSXReader(ds, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, problems := readAll(t, r)
	if len(recs) != 3 {
		t.Fatalf("records %+v", recs)
	}
	want := []struct {
		row         int
		value, date string
	}{{2, "45000.00", "2016-03-15"}, {3, "123.45", "2016-03-15"}, {5, "45000.00", "2016-03-15"}}
	for i, w := range want {
		if recs[i].Row != w.row || recs[i].Values["value"] != w.value || recs[i].Values["acquired_on"] != w.date {
			t.Errorf("record %d: %+v, want %+v", i, recs[i], w)
		}
	}
	wantProblems := map[string]string{"6 身份证号": "文本格式", "6 购置价格（元）": "两位小数", "6 购置日期": "不能晚于今天",
		"7 身份证号": "必填", "7 姓名": "必填", "7 车牌号": "必填", "7 购置价格（元）": "必填", "7 购置日期": "必填", "8 购置价格（元）": "金额应为数字"}
	if len(problems) != len(wantProblems) {
		t.Errorf("problems %v", problems)
	}
	for _, p := range problems {
		if w, ok := wantProblems[fmt.Sprintf("%d %s", p.Row, p.Column)]; !ok || !strings.Contains(p.Reason, w) {
			t.Errorf("unexpected problem %+v", p)
		}
	}
}

func TestXLSXSkipsGuideSheetAndReadsFromPath(t *testing.T) {
	ds := mustDS(t, "dibao")
	f := excelize.NewFile()
	_ = f.SetSheetName("Sheet1", guideSheet)
	_, _ = f.NewSheet("低保")
	for i, v := range []string{"身份证号", "姓名", "救助类别", "起始日期"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr("低保", cell, v)
	}
	for i, v := range []string{p1, "张三", "五保", "2016-01-01"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		_ = f.SetCellStr("低保", cell, v)
	}
	path := filepath.Join(t.TempDir(), "低保.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	r, err := Open(ds, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, problems := readAll(t, r)
	if len(problems) != 0 || len(recs) != 1 || recs[0].Values["kind"] != "tekun" {
		t.Fatalf("%+v %v", recs, problems)
	}
}

func TestCadreRelativeIsNotTheCadre(t *testing.T) {
	ds := mustDS(t, "cadre_relatives")
	_, problems := readCSV(t, ds, csvFile(t, ds, map[string]string{"id_number": p5, "name": "赵六", "cadre_id_number": p5, "cadre_name": "赵六", "relation": "配偶"}))
	if len(problems) != 1 || problems[0].Column != "村干部身份证号" {
		t.Fatalf("problems %v", problems)
	}
}

// FuzzCSVRow: whatever a data row holds, the reader neither panics nor
// lets an invalid value through.
func FuzzCSVRow(f *testing.F) {
	for _, s := range []string{
		p1 + ",张三,云A12345,小型轿车,45000,2016-03-15",
		p1 + ",张三,云A12345,,\"45,000\",2016/3/15\n" + badCheck(p1) + ",,,,,",
		"\"unterminated,", "a\"b,c", ",,,,,", "\xff\xfe", "\"\"\"\n\"", strings.Repeat(",", 100), "\r\r\n\n",
	} {
		f.Add(s)
	}
	ds, _ := ByCode("vehicles")
	f.Fuzz(func(t *testing.T, row string) {
		r, err := NewCSVReader(ds, strings.NewReader(vehicleHeader+row))
		if err != nil {
			return
		}
		defer r.Close()
		for i := 0; i < 10000; i++ {
			rec, problems, ok, err := r.Next()
			if err != nil || !ok {
				return
			}
			for _, p := range problems {
				if p.Row < 1 || p.Reason == "" {
					t.Fatalf("problem %+v", p)
				}
			}
			if len(problems) == 0 {
				if idcard.Validate(rec.IDNumber, testNow) != nil || rec.Name == "" || rec.Values["value"] == "" {
					t.Fatalf("invalid record passed: %+v", rec)
				}
			}
		}
		t.Fatal("Next did not end")
	})
}

// FuzzXLSXReader: no byte sequence makes the XLSX reader panic.
func FuzzXLSXReader(f *testing.F) {
	ds, _ := ByCode("vehicles")
	var tmpl bytes.Buffer
	if err := Template(ds, &tmpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(xlsxFile(f, "Sheet1", map[int][]any{1: {"身份证号", "姓名", "车牌号", "购置价格（元）", "购置日期"}, 2: {p1, "张三", "云A1", 45000, 42444}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewXLSXReader(ds, bytes.NewReader(data))
		if err != nil {
			return
		}
		defer r.Close()
		for i := 0; i < 100000; i++ {
			_, _, ok, err := r.Next()
			if err != nil || !ok {
				return
			}
		}
	})
}

// vehicleCSV is a register of n vehicles, every owner a distinct valid ID.
func vehicleCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString(vehicleHeader)
	base := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		first17 := fmt.Sprintf("530103%s%03d", base.AddDate(0, 0, i/999).Format("20060102"), i%999+1)
		fmt.Fprintf(&b, "%s,车主%d,云A%05d,小型轿车,%d,2016-%02d-%02d\n", vid(first17), i%1000, i%100000, 20000+i%50000, i%12+1, i%28+1)
	}
	return b.Bytes()
}

func TestVehicleCSVIsValid(t *testing.T) {
	ds := mustDS(t, "vehicles")
	recs, problems := readCSV(t, ds, vehicleCSV(5000))
	if len(recs) != 5000 || len(problems) != 0 {
		t.Fatalf("%d records, problems %v", len(recs), problems[:min(5, len(problems))])
	}
}

func BenchmarkCSVReader(b *testing.B) {
	const n = 100_000
	ds, _ := ByCode("vehicles")
	data := vehicleCSV(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := NewCSVReader(ds, bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			_, ps, ok, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			if len(ps) > 0 {
				b.Fatal(ps)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
