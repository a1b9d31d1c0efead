// Package idcard validates citizen ID numbers (公民身份号码, GB 11643-1999) as
// rules.md §6 reads them, and reads gender and birth date from them. It also
// masks ID and phone numbers for lists, notices and logs.
package idcard

import (
	"errors"
	"strings"
	"time"
)

// Errors say in Chinese what is wrong, so they can go to a form as they are.
var (
	ErrFormat    = errors.New("身份证号码应为18位：17位数字加1位数字或X")
	ErrProvince  = errors.New("身份证号码前两位不是有效的省级行政区代码")
	ErrBirthDate = errors.New("身份证号码中的出生日期不是真实日期")
	ErrFuture    = errors.New("身份证号码中的出生日期晚于参考日期")
	ErrCheck     = errors.New("身份证号码校验位不正确，请核对")
)

// Normalize trims and upper-cases a final x.
func Normalize(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// validProvince lists the province codes GB 11643 allows in the first two digits.
func validProvince(p int) bool {
	switch {
	case p >= 11 && p <= 15, p >= 21 && p <= 23, p >= 31 && p <= 37, p >= 41 && p <= 46,
		p >= 50 && p <= 54, p >= 61 && p <= 65, p == 71, p >= 81 && p <= 83:
		return true
	}
	return false
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// CheckChar computes the ISO 7064 MOD 11-2 check character of the first 17
// digits. It returns "" when first17 is not 17 digits.
func CheckChar(first17 string) string {
	if len(first17) != 17 {
		return ""
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return ""
		}
		sum += int(c-'0') * weights[i]
	}
	return string(checkChars[sum%11])
}

// Validate checks format, province, a real birth date not after notAfter
// (compared as calendar dates), and the check character.
func Validate(id string, notAfter time.Time) error {
	id = Normalize(id)
	if len(id) != 18 {
		return ErrFormat
	}
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return ErrFormat
		}
	}
	if last := id[17]; (last < '0' || last > '9') && last != 'X' {
		return ErrFormat
	}
	if !validProvince(int(id[0]-'0')*10 + int(id[1]-'0')) {
		return ErrProvince
	}
	birth, err := BirthDate(id)
	if err != nil {
		return err
	}
	y, m, d := notAfter.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return ErrFuture
	}
	if CheckChar(id[:17]) != id[17:] {
		return ErrCheck
	}
	return nil
}

// BirthDate reads the birth date (digits 7–14) as midnight UTC of that day.
func BirthDate(id string) (time.Time, error) {
	id = Normalize(id)
	if len(id) < 14 {
		return time.Time{}, ErrFormat
	}
	t, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return time.Time{}, ErrBirthDate
	}
	return t, nil
}

// Gender reads the 17th digit: odd is "male", even "female"; "" if malformed.
func Gender(id string) string {
	id = Normalize(id)
	if len(id) < 17 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "male"
	}
	return "female"
}

// Mask keeps the first 6 and last 4 characters: 530103********0018.
func Mask(id string) string { return keep(id, 6, 4) }

// MaskPhone keeps the first 3 and last 4 digits: 138****1234.
func MaskPhone(phone string) string { return keep(phone, 3, 4) }

func keep(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
