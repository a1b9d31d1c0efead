package crosscheck

import (
	"strings"
	"testing"
)

func TestParseCell(t *testing.T) {
	csvEnv, xlsxEnv := newEnv(testNow, false), newEnv(testNow, true)
	money := Column{Key: "value", Header: "金额", Kind: KindMoney, Unit: "元"}
	dateCol := Column{Key: "d", Header: "日期", Kind: KindDate}
	idCol := Column{Key: "id_number", Header: "身份证号", Kind: KindIDNumber}
	grade := Column{Key: "grade", Header: "残疾等级", Kind: KindInt, Min: 1, Max: 4, Unit: "级"}
	months := Column{Key: "months", Header: "务工月数", Kind: KindInt, Min: 1, Max: 12, Unit: "个月"}
	count := Column{Key: "n", Header: "数量", Kind: KindInt}
	text := Column{Key: "t", Header: "文本", Kind: KindText, MaxLen: 5}
	kind := Column{Key: "kind", Header: "房产类型", Kind: KindEnum, Choices: []Choice{{"shop", "门面房"}, {"other", "其他城镇房产"}},
		Aliases: map[string]string{"其他": "other"}}
	yes := Column{Key: "b", Header: "是否", Kind: KindBool}
	insured := Column{Key: "insured", Header: "参保状态", Kind: KindBool, Choices: []Choice{{"true", "已参保"}, {"false", "未参保"}}}

	cases := []struct {
		name   string
		col    Column
		xlsx   bool
		raw    string
		want   string
		reason string // a part of the reason; "" for valid
	}{
		{"empty", money, false, "  ", "", ""},
		{"money plain", money, false, "45000", "45000.00", ""},
		{"money two decimals", money, false, "45000.5", "45000.50", ""},
		{"money thousands", money, false, "1,234,567.89", "1234567.89", ""},
		{"money full-width", money, false, "４５０００", "45000.00", ""},
		{"money yuan and sign", money, false, "￥45000元", "45000.00", ""},
		{"money wan", money, false, "4.5万", "45000.00", ""},
		{"money wan yuan", money, false, "3万元", "30000.00", ""},
		{"money wan cents", money, false, "1.234567万", "12345.67", ""},
		{"money trailing zeros", money, false, "45000.000", "45000.00", ""},
		{"money leading zeros", money, false, "000120", "120.00", ""},
		{"money zero", money, false, "0", "0.00", ""},
		{"money point only cents", money, false, ".5", "0.50", ""},
		{"money max", money, false, "999999999999.99", "999999999999.99", ""},
		{"money too big", money, false, "1000000000000", "", "金额过大"},
		{"money three decimals", money, false, "1.234", "", "两位小数"},
		{"money negative", money, false, "-5", "", "负数"},
		{"money words", money, false, "四万五", "", "金额应为数字"},
		{"money two points", money, false, "1.2.3", "", "金额应为数字"},
		{"money comma first", money, false, ",100", "", "金额应为数字"},
		{"money float noise from xlsx", money, true, "123.45000000000002", "123.45", ""},
		{"money exponent from xlsx", money, true, "4.5E+4", "45000.00", ""},
		{"money real fraction from xlsx", money, true, "1.005", "", "两位小数"},
		{"money noise refused in csv", money, false, "123.45000000000002", "", "两位小数"},

		{"date canonical", dateCol, false, "2017-05-01", "2017-05-01", ""},
		{"date slashes", dateCol, false, "2017/5/1", "2017-05-01", ""},
		{"date dots", dateCol, false, "2017.05.01", "2017-05-01", ""},
		{"date Chinese", dateCol, false, "2017年5月1日", "2017-05-01", ""},
		{"date digits", dateCol, false, "20170501", "2017-05-01", ""},
		{"date with time", dateCol, false, "2017/5/1 0:00:00", "2017-05-01", ""},
		{"date ISO time", dateCol, false, "2017-05-01T00:00:00Z", "2017-05-01", ""},
		{"date full-width", dateCol, false, "２０１７－０５－０１", "2017-05-01", ""},
		{"date serial from xlsx", dateCol, true, "42856", "2017-05-01", ""},
		{"date serial with time from xlsx", dateCol, true, "42856.75", "2017-05-01", ""},
		{"date serial refused in csv", dateCol, false, "42856", "", "日期格式"},
		{"year alone", dateCol, true, "2017", "", "日期格式"},
		{"date 30 February", dateCol, false, "2017-02-30", "", "不是有效的日期"},
		{"date month 13", dateCol, false, "2017/13/1", "", "不是有效的日期"},
		{"date 29 February leap", dateCol, false, "2016-02-29", "2016-02-29", ""},
		{"date before 1900", dateCol, false, "1899-12-31", "", "不是有效的日期"},
		{"date future", dateCol, false, "2017-07-16", "", "不能晚于今天"},
		{"date today", dateCol, false, "2017-07-15", "2017-07-15", ""},
		{"date two-digit year", dateCol, false, "17-5-1", "", "日期格式"},
		{"date words", dateCol, false, "去年", "", "日期格式"},
		{"date four parts", dateCol, false, "2017-5-1-2", "", "日期格式"},

		{"id valid", idCol, false, p1, p1, ""},
		{"id spaces", idCol, false, " " + p1 + "\t", p1, ""},
		{"id apostrophe", idCol, false, "'" + p1, p1, ""},
		{"id full-width", idCol, false, strings.Map(func(r rune) rune { return r + 0xFEE0 }, p1), p1, ""},
		{"id check char", idCol, false, badCheck(p1), "", "校验码"},
		{"id short", idCol, false, "53010319800101", "", "应为18位"},
		{"id province", idCol, false, vid("99010319800101001"), "", "省级"},
		{"id birth date", idCol, false, vid("53010319800230001"), "", "出生日期"},
		{"id born in the future", idCol, false, vid("53010320170801001"), "", "晚于"},
		{"id as a number in xlsx", idCol, true, "5.30103198001011E+17", "", "存成了数字"},
		{"id as a number in csv", idCol, false, "5.30103E+17", "", "存成了数字"},
		{"id rounded by Excel", idCol, true, "530103198001010000", "", "文本格式"},

		{"int", grade, false, "3", "3", ""},
		{"int unit", grade, false, "3级", "3", ""},
		{"int Chinese", grade, false, "三级", "3", ""},
		{"int xlsx float", grade, true, "3.0", "3", ""},
		{"int out of range", grade, false, "5", "", "1至4"},
		{"int zero", grade, false, "0", "", "1至4"},
		{"int words", grade, false, "重度", "", "1至4"},
		{"int fraction", grade, false, "2.5", "", "1至4"},
		{"months unit", months, false, "8个月", "8", ""},
		{"months short unit", months, false, "8月", "8", ""},
		{"months twelve", months, false, "十二", "12", ""},
		{"int unbounded", count, false, "123", "123", ""},
		{"int negative", count, false, "-1", "", "不小于0"},
		{"int too long", count, false, "12345678901", "", "不小于0"},

		{"text", text, false, "  abc  ", "abc", ""},
		{"text Chinese at limit", text, false, "一二三四五", "一二三四五", ""},
		{"text too long", text, false, "一二三四五六", "", "不能超过5个字"},
		{"text ideographic spaces", text, false, "\u3000ab\u3000", "ab", ""},
		{"text invalid UTF-8", text, false, "a\xffb", "", "UTF-8"},

		{"enum label", kind, false, "门面房", "shop", ""},
		{"enum code", kind, false, "shop", "shop", ""},
		{"enum code upper", kind, false, "SHOP", "shop", ""},
		{"enum alias", kind, false, "其他", "other", ""},
		{"enum inner space", kind, false, "门 面 房", "shop", ""},
		{"enum unknown", kind, false, "别墅", "", "门面房 / 其他城镇房产"},

		{"bool yes", yes, false, "是", "true", ""},
		{"bool no", yes, false, "否", "false", ""},
		{"bool 1", yes, false, "1", "true", ""},
		{"bool TRUE", yes, false, "TRUE", "true", ""},
		{"bool unknown", yes, false, "也许", "", "应填“是”或“否”"},
		{"bool label", insured, false, "未参保", "false", ""},
		{"bool label yes", insured, false, "是", "true", ""},
		{"bool label unknown", insured, false, "也许", "", "已参保"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := csvEnv
			if c.xlsx {
				env = xlsxEnv
			}
			col := c.col
			got, reason := parseCell(&col, c.raw, env)
			if c.reason == "" {
				if reason != "" || got != c.want {
					t.Fatalf("parseCell(%q) = %q, %q; want %q", c.raw, got, reason, c.want)
				}
				return
			}
			if got != "" || !strings.Contains(reason, c.reason) {
				t.Fatalf("parseCell(%q) = %q, %q; want a reason with %q", c.raw, got, reason, c.reason)
			}
		})
	}
}

func TestSerialDates(t *testing.T) {
	for _, c := range []struct {
		serial   string
		date1904 bool
		want     string
	}{
		{"1", false, "1900-01-01"}, {"59", false, "1900-02-28"}, {"61", false, "1900-03-01"},
		{"42856", false, "2017-05-01"}, {"41394", true, "2017-05-01"},
	} {
		d, ok := serialDate(c.serial, c.date1904)
		if !ok || d.String() != c.want {
			t.Errorf("serialDate(%s, %v) = %s %v, want %s", c.serial, c.date1904, d, ok, c.want)
		}
	}
	if _, ok := serialDate("60", false); ok {
		t.Error("1900-02-29 does not exist")
	}
}

// FuzzParseCell: no input panics, and a value read is read again as itself
// (normalisation is idempotent).
func FuzzParseCell(f *testing.F) {
	for _, s := range []string{"", "45000", "4.5万", "1,234.5", "2017/5/1", "20170501", "42856", "2017年5月1日", p1, badCheck(p1),
		"三级", "8个月", "门面房", "是", "已参保", "\xff", "¥-0", "1e400", "9999999999999999999999", ".", ",", "万"} {
		f.Add(uint8(0), s, false)
		f.Add(uint8(3), s, true)
	}
	var cols []Column
	for _, ds := range Datasets() {
		cols = append(cols, ds.Columns...)
	}
	csvEnv, xlsxEnv := newEnv(testNow, false), newEnv(testNow, true)
	f.Fuzz(func(t *testing.T, which uint8, raw string, xlsx bool) {
		col := cols[int(which)%len(cols)]
		env := csvEnv
		if xlsx {
			env = xlsxEnv
		}
		v, reason := parseCell(&col, raw, env)
		if reason != "" {
			if v != "" {
				t.Fatalf("value %q with reason %q", v, reason)
			}
			return
		}
		if v == "" {
			if trimCell(raw) != "" {
				t.Fatalf("%q read as empty", raw)
			}
			return
		}
		again, reason := parseCell(&col, v, env)
		if reason != "" || again != v {
			t.Fatalf("%s: %q → %q → %q (%s)", col.Key, raw, v, again, reason)
		}
	})
}
