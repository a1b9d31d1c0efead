// Package idcard validates citizen ID numbers (公民身份号码, GB 11643-1999)
// exactly as rules.md §6 reads them, reads gender and birth date from them,
// and masks ID and phone numbers for lists, notices and logs.
//
// The only normalisation is upper-casing a final x: §6 counts everything else
// (spaces included) against the number, so callers that accept typed-in text
// trim it themselves before asking.
package idcard

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of problem, in the order Validate looks for them. A returned
// error wraps exactly one of these, so errors.Is tells the kind apart; its
// message says in Chinese what exactly is wrong, fit for a form.
var (
	ErrLength    = errors.New("身份证号码应为18位")
	ErrFormat    = errors.New("身份证号码应为17位数字加1位数字或X")
	ErrProvince  = errors.New("身份证号码前两位不是有效的省级行政区划代码")
	ErrBirthDate = errors.New("身份证号码中的出生日期不是真实日期")
	ErrFuture    = errors.New("身份证号码中的出生日期晚于参考日期")
	ErrCheck     = errors.New("身份证号码校验码不正确")
)

// Error is a validation failure: its kind (one of the Err values above) and
// the detail that names the offending part of the number.
type Error struct {
	Kind   error
	Detail string
}

func (e *Error) Error() string { return e.Kind.Error() + "：" + e.Detail }

// Unwrap makes errors.Is(err, ErrCheck) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// Normalize upper-cases a final x, the one liberty §6 allows.
func Normalize(id string) string {
	if n := len(id); n > 0 && id[n-1] == 'x' {
		return id[:n-1] + "X"
	}
	return id
}

// weights are the ISO 7064 MOD 11-2 weights of the first 17 digits.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// CheckChar computes the check character of the first 17 digits, or ""
// when first17 is not 17 ASCII digits. Generators append it to make a valid
// number.
func CheckChar(first17 string) string {
	if len(first17) != 17 {
		return ""
	}
	sum := 0
	for i := range 17 {
		c := first17[i]
		if c < '0' || c > '9' {
			return ""
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11 : sum%11+1]
}

// ValidProvince reports whether the two-digit code is a province code that
// §6 accepts: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81–83.
func ValidProvince(p int) bool {
	switch {
	case p >= 11 && p <= 15, p >= 21 && p <= 23, p >= 31 && p <= 37, p >= 41 && p <= 46,
		p >= 50 && p <= 54, p >= 61 && p <= 65, p == 71, p >= 81 && p <= 83:
		return true
	}
	return false
}

// Validate checks id (after upper-casing a final x) in the order of §6:
// length 18, 17 digits plus a digit or X, the province code, a real birth
// date not after notAfter (compared as calendar dates), the check character.
// It returns nil or an *Error.
func Validate(id string, notAfter time.Time) error {
	id = Normalize(id)
	if len(id) != 18 {
		return fail(ErrLength, "实为%d个字符", utf8.RuneCountInString(id))
	}
	if i := firstBadChar(id); i >= 0 {
		return fail(ErrFormat, "第%d位不符", i+1)
	}
	if p := int(id[0]-'0')*10 + int(id[1]-'0'); !ValidProvince(p) {
		return fail(ErrProvince, "%02d", p)
	}
	y, m, d := digits(id[6:10]), digits(id[10:12]), digits(id[12:14])
	if !realDate(y, m, d) {
		return fail(ErrBirthDate, "%s", id[6:14])
	}
	ny, nm, nd := notAfter.Date()
	if y*10000+m*100+d > ny*10000+int(nm)*100+nd {
		return fail(ErrFuture, "出生日期%04d-%02d-%02d晚于%04d-%02d-%02d", y, m, d, ny, nm, nd)
	}
	if want := CheckChar(id[:17]); want != id[17:] {
		return fail(ErrCheck, "应为%s，实为%s", want, id[17:])
	}
	return nil
}

// firstBadChar is the index of the first character that breaks
// ^[0-9]{17}[0-9X]$, or -1.
func firstBadChar(id string) int {
	for i := range 17 {
		if id[i] < '0' || id[i] > '9' {
			return i
		}
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return 17
	}
	return -1
}

func digits(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// realDate reports whether y-m-d exists in the proleptic Gregorian calendar.
// Year 0000 is refused: no real person was born then, and YYYY-MM-DD dates
// elsewhere in household-v1 are read the same way.
func realDate(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= DaysIn(y, time.Month(m))
}

// DaysIn is the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// BirthDate reads the birth date (digits 7–14) as midnight UTC of that day.
func BirthDate(id string) (time.Time, error) {
	if len(id) < 14 {
		return time.Time{}, fail(ErrLength, "实为%d个字符", utf8.RuneCountInString(id))
	}
	s := id[6:14]
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fail(ErrBirthDate, "%s", s)
		}
	}
	y, m, d := digits(s[:4]), digits(s[4:6]), digits(s[6:])
	if !realDate(y, m, d) {
		return time.Time{}, fail(ErrBirthDate, "%s", s)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// Genders as Gender reports them.
const (
	Male   = "male"
	Female = "female"
)

// Gender reads the 17th digit (odd: male, even: female); "" if it is not a
// digit.
func Gender(id string) string {
	if len(id) < 17 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// Mask keeps the first 6 and last 4 characters: 530103********0018.
func Mask(id string) string { return keep(id, 6, 4) }

// MaskPhone keeps the first 3 and last 4 characters: 138****1234.
func MaskPhone(phone string) string { return keep(phone, 3, 4) }

// keep masks all but head leading and tail trailing characters; a value too
// short to hide anything is masked whole rather than shown.
func keep(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
