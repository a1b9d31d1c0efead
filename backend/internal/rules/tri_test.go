package rules

import (
	"slices"
	"testing"
)

// TestKleene checks the truth tables of rules.md §2.
func TestKleene(t *testing.T) {
	T, F, U := True, False, Unknown
	for _, c := range []struct{ a, b, and, or Tri }{
		{T, T, T, T}, {T, F, F, T}, {T, U, U, T},
		{F, T, F, T}, {F, F, F, F}, {F, U, F, U},
		{U, T, U, T}, {U, F, F, U}, {U, U, U, U},
	} {
		if got := c.a.And(c.b); got != c.and {
			t.Errorf("%s and %s = %s, want %s", c.a, c.b, got, c.and)
		}
		if got := c.a.Or(c.b); got != c.or {
			t.Errorf("%s or %s = %s, want %s", c.a, c.b, got, c.or)
		}
	}
	if T.Not() != F || F.Not() != T || U.Not() != U {
		t.Error("not")
	}
}

// TestUnknownPaths: a U-valued and has no F part, a U-valued or no T part;
// the U parts are followed down to the inputs.
func TestUnknownPaths(t *testing.T) {
	a, b := unknownAt("a"), unknownAt("b")
	cases := []struct {
		name string
		c    cond
		v    Tri
		want []string
	}{
		{"U and U", and(a, b), Unknown, []string{"a", "b"}},
		{"U and T", and(a, condTrue), Unknown, []string{"a"}},
		{"U and F is F, no paths", and(a, condFalse), False, nil},
		{"U or F", or(a, condFalse), Unknown, []string{"a"}},
		{"U or T is T, no paths", or(a, condTrue), True, nil},
		{"nested", and(condTrue, or(a, condFalse), not(b)), Unknown, []string{"a", "b"}},
		{"nested, F decides", and(or(a, b), condFalse), False, nil},
	}
	for _, c := range cases {
		if c.c.v != c.v || !slices.Equal(c.c.unknown, c.want) {
			t.Errorf("%s: %s %v, want %s %v", c.name, c.c.v, c.c.unknown, c.v, c.want)
		}
	}
}
