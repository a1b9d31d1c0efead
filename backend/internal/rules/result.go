package rules

import (
	"strconv"

	"jingzhun/internal/interchange"
)

// AppendJSON appends the result object of rules.md §5.2. Every key is
// always there: per_capita_income and household_size may be null, the lists
// are [] when empty, excepted is false where it does not apply.
func (r *Result) AppendJSON(b []byte) []byte {
	b = append(b, `{"code":`...)
	if r.Code == nil {
		b = append(b, "null"...)
	} else {
		b = interchange.AppendString(b, *r.Code)
	}
	b = append(b, `,"outcome":`...)
	b = interchange.AppendString(b, string(r.Outcome))
	b = append(b, `,"per_capita_income":`...)
	if r.PerCapitaIncome == nil {
		b = append(b, "null"...)
	} else {
		b = interchange.AppendDecimal(b, *r.PerCapitaIncome)
	}
	b = append(b, `,"household_size":`...)
	if r.HouseholdSize == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*r.HouseholdSize), 10)
	}
	b = append(b, `,"members_removed":`...)
	b = appendStrings(b, r.MembersRemoved)
	b = append(b, `,"rules":[`...)
	for i, x := range r.Rules {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = interchange.AppendString(b, x.Code)
		b = append(b, `,"value":"`...)
		b = append(b, x.Value.String()...)
		b = append(b, `","excepted":`...)
		b = strconv.AppendBool(b, x.Excepted)
		b = append(b, `,"detail":`...)
		b = interchange.AppendString(b, x.Detail)
		b = append(b, '}')
	}
	b = append(b, `],"unknown":`...)
	b = appendStrings(b, r.Unknown)
	b = append(b, `,"errors":[`...)
	for i, e := range r.Errors {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"path":`...)
		b = interchange.AppendString(b, e.Path)
		b = append(b, `,"message":`...)
		b = interchange.AppendString(b, e.Message)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// MarshalJSON writes the result as AppendJSON does.
func (r Result) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = interchange.AppendString(b, s)
	}
	return append(b, ']')
}
