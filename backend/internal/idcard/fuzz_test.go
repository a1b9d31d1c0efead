package idcard

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzIDCard: whatever the text, Validate, BirthDate, Gender and Mask do not
// panic; Validate's error is one of its kinds; a number it accepts is
// accepted again after Normalize and carries its date and gender; and the
// check character does its job — every change of one of the first 17
// digits and every swap of two adjacent different ones is refused (ISO 7064
// MOD 11-2 catches all of them), while a number refused only for its check
// character is accepted with the right one.
func FuzzIDCard(f *testing.F) {
	for _, s := range []string{
		"530124195110086662", "11010519491231002X", "11010519491231002x", "530124195110086663",
		valid("53012420000229666"), valid("53012420170701666"), valid("72012419511008666"),
		"", "5301241951100866", "５30124195110086662", "53012419511008666\xff", "X30124195110086662",
		"530124000001016661", strings.Repeat("9", 18), strings.Repeat("0", 17) + "x",
	} {
		f.Add(s)
	}
	kinds := []error{ErrLength, ErrFormat, ErrProvince, ErrBirthDate, ErrFuture, ErrCheck}
	f.Fuzz(func(t *testing.T, id string) {
		err := Validate(id, ref)
		_, _ = BirthDate(id)
		_ = Gender(id)
		if m := Mask(id); utf8.RuneCountInString(m) != utf8.RuneCountInString(id) {
			t.Fatalf("Mask(%q) = %q changes the length", id, m)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !oneOf(err, kinds) || e.Detail == "" {
				t.Fatalf("Validate(%q) = %#v: not an *Error of one kind with a detail", id, err)
			}
		}

		n := Normalize(id)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q", id)
		}
		if (Validate(n, ref) == nil) != (err == nil) {
			t.Fatalf("Validate(%q) and Validate(Normalize) disagree", id)
		}

		// A number refused for its check character alone is fine with the right one.
		if errors.Is(err, ErrCheck) {
			if fixed := n[:17] + CheckChar(n[:17]); Validate(fixed, ref) != nil {
				t.Fatalf("%q refused for the check character, but %q is refused too: %v", id, fixed, Validate(fixed, ref))
			}
		}
		// Whatever the first 17 digits, the computed check character never
		// is the fault.
		if len(n) >= 17 && CheckChar(n[:17]) != "" {
			cand := n[:17] + CheckChar(n[:17])
			if e := Validate(cand, ref); errors.Is(e, ErrCheck) || errors.Is(e, ErrLength) || errors.Is(e, ErrFormat) {
				t.Fatalf("Validate(%q) = %v for a number with its own check character", cand, e)
			}
		}
		if err != nil {
			return
		}

		// Accepted: 18 characters, the check character right, a birth date
		// not after the reference date, a gender, the mask keeping 6 + 4.
		if len(n) != 18 || CheckChar(n[:17]) != n[17:] {
			t.Fatalf("accepted %q but the check character is %q", id, CheckChar(n[:17]))
		}
		born, berr := BirthDate(n)
		if berr != nil || born.After(ref) {
			t.Fatalf("accepted %q: birth date %v, %v", id, born, berr)
		}
		if g := Gender(n); g != Male && g != Female {
			t.Fatalf("accepted %q without a gender", id)
		}
		if m := Mask(n); m != n[:6]+"********"+n[14:] {
			t.Fatalf("Mask(%q) = %q", n, m)
		}
		for i := range 17 {
			for d := byte('0'); d <= '9'; d++ {
				if d == n[i] {
					continue
				}
				changed := n[:i] + string(d) + n[i+1:]
				if Validate(changed, ref) == nil {
					t.Fatalf("%q accepted, and so is %q (digit %d changed)", n, changed, i+1)
				}
			}
			if i < 16 && n[i] != n[i+1] {
				swapped := n[:i] + string(n[i+1]) + string(n[i]) + n[i+2:]
				if Validate(swapped, ref) == nil {
					t.Fatalf("%q accepted, and so is %q (digits %d and %d swapped)", n, swapped, i+1, i+2)
				}
			}
		}
	})
}

func oneOf(err error, kinds []error) bool {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
