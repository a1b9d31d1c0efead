package crosscheck

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
)

// parseEnv is what cell parsing needs beyond the cell: today's date (no
// date may lie after it) and whether the cell comes from an XLSX file,
// where dates may be Excel serial numbers and amounts binary floats.
type parseEnv struct {
	today    localdate.Date
	todayN   int // today as YYYYMMDD
	todayT   time.Time
	xlsx     bool
	date1904 bool
}

func newEnv(now time.Time, xlsx bool) *parseEnv {
	today := localdate.Today(now)
	return &parseEnv{today: today, todayN: today.Year*10000 + int(today.Month)*100 + today.Day, todayT: today.Time(), xlsx: xlsx}
}

// Reasons that do not depend on the cell.
const (
	reasonRequired   = "必填，不能为空"
	reasonDateFormat = "日期格式应为 2017-05-01（也可写 2017/5/1、2017年5月1日 或 20170501）"
	reasonMoney      = "金额应为数字，单位元，最多两位小数，如 45000 或 45000.00"
	reasonMoneyNeg   = "金额不能为负数"
	reasonMoneyDec   = "金额最多两位小数（到分）"
	reasonMoneyBig   = "金额过大（应小于1000000000000元）"
	reasonIDNumeric  = "身份证号被存成了数字，末几位已丢失：请把该列设为文本格式后重新填写号码"
	reasonBadUTF8    = "含有无法识别的字符，请把文件另存为 UTF-8 编码的 CSV 或 XLSX"
)

// defaultMaxLen bounds text cells whose column says nothing else.
const defaultMaxLen = 200

// parseCell validates one cell and returns its normalised value, or a
// reason in Chinese. An empty cell (after trimming) returns "", "": the
// caller decides whether the column is required.
func parseCell(c *Column, raw string, env *parseEnv) (string, string) {
	return parseTrimmed(c, trimCell(raw), env)
}

// parseTrimmed is parseCell of a cell already trimmed.
func parseTrimmed(c *Column, s string, env *parseEnv) (string, string) {
	if s == "" {
		return "", ""
	}
	switch c.Kind {
	case KindIDNumber:
		return parseID(s, env)
	case KindDate:
		return parseDate(s, env)
	case KindMoney:
		return parseMoney(s, c.Unit, env)
	case KindInt:
		return parseInt(s, c)
	case KindEnum, KindBool:
		return parseChoice(s, c)
	default:
		return parseText(s, c)
	}
}

// trimCell drops surrounding white space, including the ideographic space,
// no-break space, zero-width space and byte-order mark.
func trimCell(s string) string {
	n := len(s)
	if n == 0 {
		return s
	}
	if s[0] > ' ' && s[0] < utf8.RuneSelf && s[n-1] > ' ' && s[n-1] < utf8.RuneSelf {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if first != utf8.RuneError && last != utf8.RuneError && !isBlank(first) && !isBlank(last) {
		return s
	}
	return strings.TrimFunc(s, isBlank)
}

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u3000'
}

// narrow turns full-width ASCII (０-９, Ｘ, ／, ．, ，) into ASCII; numbers
// typed with a Chinese input method come that way.
func narrow(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Map(narrowRune, s)
		}
	}
	return s
}

func narrowRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case r == 0xFFE5: // ￥
		return '¥'
	case r == '，':
		return ','
	case r == '。':
		return '.'
	}
	return r
}

// lookupKey is how enum and bool spellings are compared: narrowed,
// lower-cased, without spaces.
func lookupKey(s string) string {
	s = narrow(trimCell(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == ' ' || (c >= 'A' && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBlank(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// clip shortens a cell value for a problem report.
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}

func parseID(s string, env *parseEnv) (string, string) {
	s = narrow(s)
	if s[0] == '\'' { // Excel's text marker, kept by some CSV exports
		s = trimCell(s[1:])
	}
	s = idcard.Normalize(s)
	if err := idcard.Validate(s, env.todayT); err != nil {
		switch {
		case looksNumeric(s):
			return "", reasonIDNumeric
		case errors.Is(err, idcard.ErrCheck) && strings.HasSuffix(s, "000"):
			// Excel keeps 15 significant digits of a number: 18 digits
			// ending in 000 are most likely an ID typed into a number cell.
			return "", err.Error() + "（末三位是000：很可能该列被 Excel 存成了数字而丢失了末几位，请把该列设为文本格式后重新填写号码）"
		}
		return "", err.Error()
	}
	return s, ""
}

// looksNumeric reports whether an ID cell is what Excel writes for a
// number: digits with a point or an exponent (5.30103198001E+17).
func looksNumeric(s string) bool {
	if !strings.ContainsAny(s, ".Ee") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// parseDate reads 2017-05-01, 2017/5/1, 2017.5.1, 2017年5月1日, 20170501
// (each optionally followed by a time) and, from XLSX, Excel serial numbers.
func parseDate(s string, env *parseEnv) (string, string) {
	s = narrow(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var y, m, d int
	canonical := false
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]):
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
		canonical = true
	case len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case env.xlsx && isSerial(s):
		t, ok := serialDate(s, env.date1904)
		if !ok {
			return "", reasonDateFormat
		}
		y, m, d = t.Year, int(t.Month), t.Day
	default:
		var ok bool
		if y, m, d, ok = splitDate(s); !ok {
			return "", reasonDateFormat
		}
	}
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > idcard.DaysIn(y, time.Month(m)) {
		return "", fmt.Sprintf("不是有效的日期（%04d年%d月%d日不存在或早于1900年）", y, m, d)
	}
	if y*10000+m*100+d > env.todayN {
		return "", "日期不能晚于今天（" + env.today.String() + "）"
	}
	if canonical {
		return s, ""
	}
	return formatDate(y, m, d), ""
}

func formatDate(y, m, d int) string {
	var b [10]byte
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
	b[7], b[8], b[9] = '-', byte('0'+d/10), byte('0'+d%10)
	return string(b[:])
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi reads a short run of ASCII digits (the caller has checked them).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// splitDate reads year, month and day separated by - / . or 年 月 (日).
func splitDate(s string) (y, m, d int, ok bool) {
	var parts [3]string
	n := 0
	start := -1
	for i := 0; i <= len(s); i++ {
		digit := i < len(s) && s[i] >= '0' && s[i] <= '9'
		if digit {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if n == 3 {
				return 0, 0, 0, false
			}
			parts[n] = s[start:i]
			n++
			start = -1
		}
		if i == len(s) {
			break
		}
		rest := s[i:]
		switch {
		case s[i] == '-' || s[i] == '/' || s[i] == '.':
		case strings.HasPrefix(rest, "年") || strings.HasPrefix(rest, "月") || strings.HasPrefix(rest, "日") || strings.HasPrefix(rest, "号"):
			i += len("年") - 1
		default:
			return 0, 0, 0, false
		}
	}
	if n != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return 0, 0, 0, false
	}
	return atoi(parts[0]), atoi(parts[1]), atoi(parts[2]), true
}

// isSerial reports whether s looks like an Excel date serial of a date
// between 1927 and 2173 (five digits), optionally with a time fraction;
// shorter numbers are more likely a year typed alone than a date.
func isSerial(s string) bool {
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) != 5 || !allDigits(whole) {
		return false
	}
	return frac == "" || allDigits(frac)
}

// serialDate turns an Excel serial into its date: in the 1900 system day 1
// is 1900-01-01 and day 60 the fictitious 1900-02-29; in the 1904 system day
// 0 is 1904-01-01.
func serialDate(s string, date1904 bool) (localdate.Date, bool) {
	whole, _, _ := strings.Cut(s, ".")
	n := atoi(whole)
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case n == 60 || n < 1:
		return localdate.Date{}, false
	case n < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	if n > 2958465 {
		return localdate.Date{}, false
	}
	return localdate.Of(base.AddDate(0, 0, n)), true
}

// parseMoney reads a non-negative amount in yuan with at most two decimals,
// allowing thousands separators, a ¥ sign, the unit 元 and 万 (ten
// thousand), and returns it with exactly two decimals.
func parseMoney(s, unit string, env *parseEnv) (string, string) {
	if allDigits(s) { // fast path: plain digits
		if reason := bigMoney(s); reason != "" {
			return "", reason
		}
		return moneyString(s, ""), ""
	}
	s = narrow(s)
	s = strings.TrimPrefix(s, "¥")
	if unit != "" {
		s = strings.TrimSuffix(s, unit)
	}
	wan := false
	if t, ok := strings.CutSuffix(s, "万"); ok {
		s, wan = t, true
	}
	s = trimCell(s)
	if strings.HasPrefix(s, "-") {
		if _, err := strconv.ParseFloat(strings.ReplaceAll(s[1:], ",", ""), 64); err == nil {
			return "", reasonMoneyNeg
		}
		return "", reasonMoney
	}
	s = strings.TrimPrefix(s, "+")
	if env.xlsx && strings.ContainsAny(s, "Ee") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f < 0 {
			return "", reasonMoney
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	dot, commas, digits := -1, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && dot < 0 && digits > 0:
			commas = true
		case c == '.' && dot < 0:
			dot = i
		default:
			return "", reasonMoney
		}
	}
	if digits == 0 {
		return "", reasonMoney
	}
	ip, fp := s, ""
	if dot >= 0 {
		ip, fp = s[:dot], s[dot+1:]
	}
	if commas {
		ip = strings.ReplaceAll(ip, ",", "")
	}
	if wan {
		fp += "0000"
		ip, fp = ip+fp[:4], fp[4:]
	}
	fp = strings.TrimRight(fp, "0")
	if len(fp) > 2 {
		if !env.xlsx || wan {
			return "", reasonMoneyDec
		}
		// A binary float from Excel (123.45000000000002): accept it when
		// it is a whole number of cents but for rounding noise.
		f, err := strconv.ParseFloat(ip+"."+fp, 64)
		r := math.Round(f*100) / 100
		if err != nil || math.Abs(f-r) > 1e-6 {
			return "", reasonMoneyDec
		}
		ip, fp, _ = strings.Cut(strconv.FormatFloat(r, 'f', 2, 64), ".")
	}
	if reason := bigMoney(ip); reason != "" {
		return "", reason
	}
	return moneyString(ip, fp), ""
}

// bigMoney refuses amounts of a trillion yuan or more (DECIMAL(14,2)).
func bigMoney(ip string) string {
	ip = strings.TrimLeft(ip, "0")
	if len(ip) > 12 {
		return reasonMoneyBig
	}
	return ""
}

// moneyString writes integer and fraction digits as 45000.00.
func moneyString(ip, fp string) string {
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	var b [32]byte
	n := copy(b[:], ip)
	if n < len(ip) {
		return ip + "." + (fp + "00")[:2]
	}
	b[n] = '.'
	fp += "00"
	b[n+1], b[n+2] = fp[0], fp[1]
	return string(b[:n+3])
}

// chineseNumbers are the small numbers written in words (二级, 十二个月).
var chineseNumbers = map[string]int{
	"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
	"壹": 1, "贰": 2, "叁": 3, "肆": 4,
}

func parseInt(s string, c *Column) (string, string) {
	s = narrow(s)
	if c.Unit != "" {
		if t, ok := strings.CutSuffix(s, c.Unit); ok {
			s = trimCell(t)
		} else if r, size := utf8.DecodeLastRuneInString(c.Unit); size < len(c.Unit) {
			s = trimCell(strings.TrimSuffix(s, string(r)))
		}
	}
	n, ok := 0, false
	if v, found := chineseNumbers[s]; found {
		n, ok = v, true
	} else {
		whole, frac, dot := strings.Cut(s, ".")
		if allDigits(whole) && len(whole) <= 9 && (!dot || strings.Trim(frac, "0") == "") {
			n, ok = atoi(whole), true
		}
	}
	bounded := c.Min != 0 || c.Max != 0
	if !ok {
		if bounded {
			return "", fmt.Sprintf("应为%d至%d之间的整数", c.Min, c.Max)
		}
		return "", "应为不小于0的整数"
	}
	if bounded && (n < c.Min || n > c.Max) {
		return "", fmt.Sprintf("应为%d至%d之间的整数", c.Min, c.Max)
	}
	return strconv.Itoa(n), ""
}

// boolWords are the spellings every bool column accepts.
var boolWords = map[string]string{
	"是": "true", "否": "false", "true": "true", "false": "false", "1": "true", "0": "false",
	"y": "true", "n": "false", "yes": "true", "no": "false", "t": "true", "f": "false",
	"有": "true", "无": "false", "√": "true", "×": "false", "对": "true", "错": "false",
	"是的": "true", "不是": "false",
}

func parseChoice(s string, c *Column) (string, string) {
	lookup := c.lookup
	if lookup == nil {
		c.buildLookup()
		lookup = c.lookup
	}
	if v, ok := lookup[lookupKey(s)]; ok {
		return v, ""
	}
	if c.Kind == KindBool {
		if len(c.Choices) == 2 {
			return "", fmt.Sprintf("应填“%s”或“%s”（也可填 是 / 否）", c.Choices[0].Label, c.Choices[1].Label)
		}
		return "", "应填“是”或“否”"
	}
	labels := make([]string, len(c.Choices))
	for i, ch := range c.Choices {
		labels[i] = ch.Label
	}
	return "", "不是可选的值，应为：" + strings.Join(labels, " / ")
}

func parseText(s string, c *Column) (string, string) {
	max := c.MaxLen
	if max <= 0 {
		max = defaultMaxLen
	}
	if !utf8.ValidString(s) {
		return "", reasonBadUTF8
	}
	if len(s) > max && utf8.RuneCountInString(s) > max {
		return "", fmt.Sprintf("不能超过%d个字", max)
	}
	return s, ""
}
