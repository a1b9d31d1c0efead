// Package rates computes the two kinds of figures of workflow.md §"Figures
// and accountability", which are never mixed:
//
//   - corrections (本次纠正): over a campaign's proposed cases, the households
//     and people in remove_wrong (错评纠正), include (漏评纠正) and reinclude
//     (错退纠正) cases, each also as a share of its base;
//   - inspection results (检查考核): over the households inspections sampled,
//     漏评率, 错评率 and 错退率 per street and village, against the district's
//     threshold; a street with no finding is commended, a street above the
//     threshold flagged for criticism.
//
// It is pure: no web, no database. Every rate is people over people, kept as
// the exact fraction (numerator and denominator) and presented as a percent.
package rates

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Count is a number of households and the people in them.
type Count struct {
	Households int `json:"households"`
	People     int `json:"people"`
}

// Add counts one household of people.
func (c *Count) Add(people int) {
	c.Households++
	c.People += people
}

// Plus is the sum of two counts.
func (c Count) Plus(o Count) Count {
	return Count{Households: c.Households + o.Households, People: c.People + o.People}
}

// Rate is an exact fraction Num/Den (people over people, or households over
// households for a share). Den 0 means "no base": the rate is undefined.
type Rate struct {
	Num int64
	Den int64
}

// Of builds a rate.
func Of(num, den int) Rate { return Rate{Num: int64(num), Den: int64(den)} }

// Defined reports whether the rate has a base.
func (r Rate) Defined() bool { return r.Den > 0 }

// Fraction is the exact fraction as text, "3/150"; "" when undefined.
func (r Rate) Fraction() string {
	if !r.Defined() {
		return ""
	}
	return fmt.Sprintf("%d/%d", r.Num, r.Den)
}

// Percent is the rate in percent rounded half up to two decimals; false
// when undefined.
func (r Rate) Percent() (decimal.Decimal, bool) {
	if !r.Defined() {
		return decimal.Zero, false
	}
	return decimal.NewFromInt(r.Num).Mul(decimal.NewFromInt(100)).DivRound(decimal.NewFromInt(r.Den), 2), true
}

// PercentText is the percent with one or two decimals ("2.0", "7.5",
// "1.67"), without the sign; "" when undefined.
func (r Rate) PercentText() string {
	p, ok := r.Percent()
	if !ok {
		return ""
	}
	return PercentText(p)
}

// PercentText writes a percent rounded to two decimals with one or two
// decimals: the second only when it is not zero.
func PercentText(p decimal.Decimal) string {
	s := p.Round(2).StringFixed(2)
	return strings.TrimSuffix(s, "0")
}

// Above reports whether the rate is strictly greater than threshold (a
// fraction: 0.02 for 2%), compared exactly: Num > threshold × Den. An
// undefined rate is never above.
func (r Rate) Above(threshold decimal.Decimal) bool {
	if !r.Defined() {
		return false
	}
	return decimal.NewFromInt(r.Num).GreaterThan(threshold.Mul(decimal.NewFromInt(r.Den)))
}

// DefaultThreshold is the district's default line: 2%, the national
// assessment's line (workflow.md).
var DefaultThreshold = decimal.New(2, -2)

// ThresholdProblem says what is wrong with a threshold given in percent, or
// "" when it fits: more than 0, at most 100, at most two decimals.
func ThresholdProblem(percent decimal.Decimal) string {
	switch {
	case !percent.IsPositive():
		return "阈值应大于0"
	case percent.GreaterThan(decimal.NewFromInt(100)):
		return "阈值不能超过100%"
	case !percent.Equal(percent.Round(2)):
		return "阈值最多两位小数（百分数）"
	}
	return ""
}

// ThresholdFromPercent turns a percent (2.5) into the fraction (0.025).
func ThresholdFromPercent(percent decimal.Decimal) decimal.Decimal {
	return percent.Div(decimal.NewFromInt(100))
}

// ThresholdPercent turns a fraction (0.025) into its percent (2.5).
func ThresholdPercent(fraction decimal.Decimal) decimal.Decimal {
	return fraction.Mul(decimal.NewFromInt(100))
}
