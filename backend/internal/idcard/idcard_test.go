package idcard

import (
	"errors"
	"testing"
	"time"
)

var ref = time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC)

func TestValidate(t *testing.T) {
	cases := []struct {
		id   string
		want error
	}{
		{"530124195110086662", nil}, // from the fixtures
		{"530103195201043746", nil},
		{" 11010519491231002x ", nil}, // lower-case x, spaces
		{"11010519491231002X", nil},
		{"530124195110086663", ErrCheck},
		{"53012419511008666", ErrFormat},
		{"5301241951100866621", ErrFormat},
		{"53012419511008666Y", ErrFormat},
		{"5301241951A008666X", ErrFormat},
		{"160124195110086662", ErrProvince},
		{"720124195110086662", ErrProvince},
		{"530124195102306662", ErrBirthDate}, // 1951-02-30
		{"530124201707016662", ErrFuture},    // born after the reference date
	}
	for _, c := range cases {
		if got := Validate(c.id, ref); !errors.Is(got, c.want) {
			t.Errorf("Validate(%q) = %v, want %v", c.id, got, c.want)
		}
	}
	// Born on the reference date itself is allowed.
	first := "53012420170630001"
	if err := Validate(first+CheckChar(first), ref); err != nil {
		t.Errorf("born on the reference date: %v", err)
	}
}

func TestProvinceCodes(t *testing.T) {
	valid := map[int]bool{}
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 83}} {
		for p := r[0]; p <= r[1]; p++ {
			valid[p] = true
		}
	}
	for p := 10; p <= 99; p++ {
		if validProvince(p) != valid[p] {
			t.Errorf("province %d: got %v", p, validProvince(p))
		}
	}
}

func TestGenderBirthMask(t *testing.T) {
	if Gender("530124195110086662") != "female" || Gender("110105194912310021") != "female" || Gender("530103195001010018") != "male" {
		t.Error("gender from the 17th digit")
	}
	b, err := BirthDate("530124195110086662")
	if err != nil || b.Format("2006-01-02") != "1951-10-08" {
		t.Errorf("birth date %v %v", b, err)
	}
	if Mask("530103195001010018") != "530103********0018" {
		t.Errorf("Mask = %s", Mask("530103195001010018"))
	}
	if MaskPhone("13812341234") != "138****1234" {
		t.Errorf("MaskPhone = %s", MaskPhone("13812341234"))
	}
	if Mask("123") != "***" {
		t.Error("short values are fully masked")
	}
	if CheckChar("11010519491231002") != "X" || CheckChar("abc") != "" {
		t.Error("CheckChar")
	}
}
