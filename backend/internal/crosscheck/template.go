package crosscheck

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// guideSheet is the name of the template's sheet of instructions; the
// reader never takes it for the data.
const guideSheet = "填写说明"

// kindWords describe a kind in the instructions.
var kindWords = map[Kind]string{
	KindText:     "文本",
	KindIDNumber: "身份证号（18位，文本格式）",
	KindDate:     "日期，如 2017-05-01",
	KindMoney:    "金额（元），最多两位小数",
	KindInt:      "整数",
	KindEnum:     "从下拉列表中选择",
	KindBool:     "是 / 否",
}

// dropList is what the template's drop-down offers for a column: the
// labels of an enum, the labels of a bool's choices or 是/否.
func dropList(c Column) []string {
	switch c.Kind {
	case KindEnum:
		out := make([]string, len(c.Choices))
		for i, ch := range c.Choices {
			out[i] = ch.Label
		}
		return out
	case KindBool:
		if len(c.Choices) == 2 {
			return []string{c.Choices[0].Label, c.Choices[1].Label}
		}
		return []string{"是", "否"}
	}
	return nil
}

// Template writes the dataset's XLSX template: a data sheet with bold
// Chinese headers (required ones marked *), one example row, drop-down
// lists for enum and bool columns, every column formatted as text (so Excel
// keeps the 18 digits of an ID number and dates as typed), and a second
// sheet 填写说明 describing every column.
func Template(ds Dataset, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := ds.SheetName()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"#FDE9D9"}, Pattern: 1},
		Border:    []excelize.Border{{Type: "bottom", Color: "#999999", Style: 1}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	example, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Italic: true, Color: "#808080"}})
	if err != nil {
		return err
	}
	for i, c := range ds.Columns {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		header := c.Header
		if c.Required {
			header += "*"
		}
		if err := f.SetColStyle(sheet, col, text); err != nil {
			return err
		}
		width := float64(max(12, utf8.RuneCountInString(header)*2+4, len(c.Example)+2))
		if err := f.SetColWidth(sheet, col, col, min(width, 40)); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, col+"1", header); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, col+"2", c.Example); err != nil {
			return err
		}
		if opts := dropList(c); len(opts) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(col + "2:" + col + "1048576")
			if err := dv.SetDropList(opts); err == nil {
				dv.SetError(excelize.DataValidationErrorStyleWarning, "请从列表中选择", clipRunes(c.Help, 200))
				if err := f.AddDataValidation(sheet, dv); err != nil {
					return err
				}
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(ds.Columns))
	if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A2", last+"2", example); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := writeGuide(f, ds, head); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func writeGuide(f *excelize.File, ds Dataset, head int) error {
	if _, err := f.NewSheet(guideSheet); err != nil {
		return err
	}
	lines := []string{
		fmt.Sprintf("行业数据比对 · %s（报送部门代码 %s，主要用于核对 %s）", ds.Name, ds.Department, ds.Rule),
		"1. 在“" + ds.SheetName() + "”工作表中每条记录填一行。第1行是列名，请勿修改；带 * 的列必填，其余可空。列的顺序可以调整，多余的列会被忽略。",
		"2. 第2行（灰色斜体）是示例，上传前请删除或改写为真实数据。",
		"3. 所有单元格已设为文本格式：身份证号请按文本填写，不要改为数字格式，否则 Excel 会丢失末几位。",
		"4. 日期写作 2017-05-01（也可写 2017/5/1 或 20170501），不能晚于今天；金额单位为元，最多两位小数（可写 45,000 或 4.5万）。",
		"5. 文件中任何一处有误，整个文件都不导入；系统列出每个问题所在的行、列、填写的内容和原因，改正后重新上传即可。同一文件重复上传不会重复导入。",
		"6. 也可上传 CSV 文件（UTF-8 或 GBK 编码），第一行为同样的列名。",
		"",
	}
	for i, l := range lines {
		if err := f.SetCellStr(guideSheet, "A"+strconv.Itoa(i+1), l); err != nil {
			return err
		}
	}
	row := len(lines) + 1
	tableHead := []string{"列名", "字段", "必填", "格式", "填写要求", "可选值", "示例"}
	for j, h := range tableHead {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetCellStr(guideSheet, col+strconv.Itoa(row), h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(guideSheet, "A"+strconv.Itoa(row), "G"+strconv.Itoa(row), head); err != nil {
		return err
	}
	for _, c := range ds.Columns {
		row++
		required := "否"
		if c.Required {
			required = "是"
		}
		cells := []string{c.Header, c.Key, required, kindWords[c.Kind], c.Help, strings.Join(dropList(c), " / "), c.Example}
		for j, v := range cells {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetCellStr(guideSheet, col+strconv.Itoa(row), v); err != nil {
				return err
			}
		}
	}
	for col, w := range map[string]float64{"A": 22, "B": 16, "C": 6, "D": 24, "E": 60, "F": 40, "G": 24} {
		if err := f.SetColWidth(guideSheet, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
