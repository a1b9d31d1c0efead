package rules

// Tri is a truth value of Kleene's three-valued logic (rules.md §2): survey
// data is often incomplete, and a condition on an unknown input is neither
// true nor false.
type Tri uint8

// The three truth values. The zero value is False.
const (
	False Tri = iota
	True
	Unknown
)

// String is "T", "F" or "U", as results write it.
func (t Tri) String() string {
	switch t {
	case True:
		return "T"
	case Unknown:
		return "U"
	}
	return "F"
}

// And is Kleene conjunction: F wins over U, U over T.
func (t Tri) And(u Tri) Tri {
	if t == False || u == False {
		return False
	}
	if t == Unknown || u == Unknown {
		return Unknown
	}
	return True
}

// Or is Kleene disjunction: T wins over U, U over F.
func (t Tri) Or(u Tri) Tri {
	if t == True || u == True {
		return True
	}
	if t == Unknown || u == Unknown {
		return Unknown
	}
	return False
}

// Not swaps T and F and keeps U.
func (t Tri) Not() Tri {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

// Of is T or F.
func Of(b bool) Tri {
	if b {
		return True
	}
	return False
}

// cond is a condition's value together with, when it is U, the unknown
// inputs that made it so (rules.md §5.2: a U-valued "and" has no F part and a
// U-valued "or" no T part; their U parts are followed down to the inputs).
// Paths are collected only for U values, so a household with complete data
// allocates none.
type cond struct {
	v       Tri
	unknown []string
}

var (
	condTrue  = cond{v: True}
	condFalse = cond{v: False}
)

func known(b bool) cond {
	if b {
		return condTrue
	}
	return condFalse
}

// unknownAt is U because of the input at path.
func unknownAt(path ...string) cond { return cond{v: Unknown, unknown: path} }

// triInput reads a boolean input whose nil means unknown.
func triInput(b *bool, path string) cond {
	if b == nil {
		return unknownAt(path)
	}
	return known(*b)
}

// and is Kleene conjunction over its parts; a U result carries the paths of
// its U parts.
func and(parts ...cond) cond {
	v := True
	for _, p := range parts {
		v = v.And(p.v)
	}
	return collect(v, parts)
}

// or is Kleene disjunction over its parts; a U result carries the paths of
// its U parts.
func or(parts ...cond) cond {
	v := False
	for _, p := range parts {
		v = v.Or(p.v)
	}
	return collect(v, parts)
}

func collect(v Tri, parts []cond) cond {
	if v != Unknown {
		return cond{v: v}
	}
	var paths []string
	for _, p := range parts {
		if p.v == Unknown {
			paths = append(paths, p.unknown...)
		}
	}
	return cond{v: Unknown, unknown: paths}
}

func not(c cond) cond { return cond{v: c.v.Not(), unknown: c.unknown} }
