package idcard

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var ref = time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC)

// valid makes a valid number from its first 17 digits.
func valid(first17 string) string { return first17 + CheckChar(first17) }

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		id   string
		want error
	}{
		{"fixture", "530124195110086662", nil},
		{"fixture 2", "530103195201043746", nil},
		{"check character X", "11010519491231002X", nil},
		{"final lower-case x is upper-cased", "11010519491231002x", nil},
		{"empty", "", ErrLength},
		{"17 characters", "53012419511008666", ErrLength},
		{"19 characters", "5301241951100866621", ErrLength},
		{"spaces are not trimmed", " 530124195110086662", ErrLength},
		{"lower-case x inside", "5301241951x0086662", ErrFormat},
		{"letter at the end", "53012419511008666Y", ErrFormat},
		{"letter inside", "5301241951A008666X", ErrFormat},
		{"X not at the end", "X30124195110086662", ErrFormat},
		{"full-width digits count as characters", "５30124195110086662", ErrLength},
		{"province 16", valid("16012419511008666"), ErrProvince},
		{"province 72", valid("72012419511008666"), ErrProvince},
		{"province 00", valid("00012419511008666"), ErrProvince},
		{"February 30", valid("53012419510230666"), ErrBirthDate},
		{"month 13", valid("53012419511308666"), ErrBirthDate},
		{"day 00", valid("53012419511000666"), ErrBirthDate},
		{"year 0000", valid("53012400000101666"), ErrBirthDate},
		{"29 February of a common year", valid("53012419000229666"), ErrBirthDate},
		{"29 February of a leap year", valid("53012420000229666"), nil},
		{"born the day after the reference date", valid("53012420170701666"), ErrFuture},
		{"born on the reference date", valid("53012420170630666"), nil},
		{"wrong check character", "530124195110086663", ErrCheck},
		{"X where a digit is due", "53012419511008666X", ErrCheck},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.id, ref)
			if c.want == nil {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", c.id, err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Validate(%q) = %v, want %v", c.id, err, c.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Detail == "" || !strings.HasPrefix(err.Error(), c.want.Error()+"：") {
				t.Errorf("error %q should be an *Error naming the detail", err)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	for id, want := range map[string]string{
		"530124195110086663":       "身份证号码校验码不正确：应为2，实为3",
		valid("16012419511008666"): "身份证号码前两位不是有效的省级行政区划代码：16",
		valid("53012420170701666"): "身份证号码中的出生日期晚于参考日期：出生日期2017-07-01晚于2017-06-30",
		"53012419511008666":        "身份证号码应为18位：实为17个字符",
		"5301241951A008666X":       "身份证号码应为17位数字加1位数字或X：第11位不符",
		valid("53012419510230666"): "身份证号码中的出生日期不是真实日期：19510230",
	} {
		if got := Validate(id, ref); got == nil || got.Error() != want {
			t.Errorf("Validate(%q) = %v, want %s", id, got, want)
		}
	}
}

func TestValidProvince(t *testing.T) {
	want := map[int]bool{}
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 83}} {
		for p := r[0]; p <= r[1]; p++ {
			want[p] = true
		}
	}
	for p := 0; p <= 99; p++ {
		if ValidProvince(p) != want[p] {
			t.Errorf("ValidProvince(%d) = %v", p, ValidProvince(p))
		}
	}
}

func TestCheckChar(t *testing.T) {
	cases := map[string]string{
		"11010519491231002":  "X", // the standard's own example
		"53012419511008666":  "2",
		"53010319500101001":  "8",
		"abc":                "",
		"1101051949123100A":  "",
		"110105194912310021": "",
	}
	for in, want := range cases {
		if got := CheckChar(in); got != want {
			t.Errorf("CheckChar(%q) = %q, want %q", in, got, want)
		}
	}
	// Every check character value occurs, and each makes a valid number.
	seen := map[string]bool{}
	for i := range 200 {
		first := fmt.Sprintf("53010319800101%03d", i)
		c := CheckChar(first)
		seen[c] = true
		if err := Validate(first+c, ref); err != nil {
			t.Fatalf("%s%s: %v", first, c, err)
		}
	}
	if len(seen) != 11 {
		t.Errorf("check characters seen: %v", seen)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"11010519491231002x": "11010519491231002X",
		"11010519491231002X": "11010519491231002X",
		"x1":                 "x1",
		"":                   "",
		" 1x ":               " 1x ",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBirthDateGender(t *testing.T) {
	b, err := BirthDate("530124195110086662")
	if err != nil || b.Format(time.DateOnly) != "1951-10-08" {
		t.Errorf("BirthDate = %v, %v", b, err)
	}
	if _, err := BirthDate(valid("53012419510230666")); !errors.Is(err, ErrBirthDate) {
		t.Errorf("BirthDate of 19510230: %v", err)
	}
	if _, err := BirthDate("5301"); !errors.Is(err, ErrLength) {
		t.Errorf("BirthDate of a short number: %v", err)
	}
	for id, want := range map[string]string{
		"530124195110086662": Female, // 17th digit 6
		"530103195001010018": Male,   // 1
		"11010519491231002X": Female, // 2
		"5301031950010100":   "",
		"5301031950010100A8": "",
	} {
		if got := Gender(id); got != want {
			t.Errorf("Gender(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"530103195001010018": "530103********0018",
		"123":                "***",
		"1234567890":         "**********",
		"12345678901":        "123456*8901",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"13812341234":  "138****1234",
		"0871-6512345": "087*****2345",
		"1234567":      "*******",
		"":             "",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDaysIn(t *testing.T) {
	for _, c := range []struct {
		y    int
		m    time.Month
		want int
	}{{2016, 2, 29}, {2017, 2, 28}, {1900, 2, 28}, {2000, 2, 29}, {2017, 4, 30}, {2017, 12, 31}} {
		if got := DaysIn(c.y, c.m); got != c.want {
			t.Errorf("DaysIn(%d, %d) = %d", c.y, c.m, got)
		}
	}
}
