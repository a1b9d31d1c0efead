package rules

import (
	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// nationalLines are the known national poverty lines (国家扶贫标准), yuan per
// person per year at current prices, by the year whose income they measure,
// from the national statistics yearbooks (rules.md §1). Each is 2300 yuan at
// 2010 prices. 2020's "about 4000" is not exact and is left out: lines for
// other years are campaign parameters entered by the district office.
var nationalLines = map[int]int64{
	2011: 2536,
	2012: 2625,
	2013: 2736,
	2014: 2800,
	2015: 2855,
	2016: 2952,
}

// NationalPovertyLine is the known national line for an income year.
func NationalPovertyLine(incomeYear int) (decimal.Decimal, bool) {
	v, ok := nationalLines[incomeYear]
	if !ok {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromInt(v), true
}

// Panlong2017 is the campaign of 盘政办通〔2017〕99号: the 2017 review of
// 2016 incomes against the national line, vehicles of 3万元以上, data as of
// the survey deadline of 30 June (三(八)). The generator and the demo use
// it; evaluations take their parameters from the envelope.
func Panlong2017() interchange.Campaign {
	line, _ := NationalPovertyLine(2016)
	return interchange.Campaign{
		CampaignYear:      2017,
		IncomeYear:        2016,
		PovertyLine:       line,
		VehicleValueLimit: decimal.NewFromInt(30000),
		ReferenceDate:     localdate.Date{Year: 2017, Month: 6, Day: 30},
	}
}
