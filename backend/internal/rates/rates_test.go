package rates

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestRate(t *testing.T) {
	for _, c := range []struct {
		num, den  int
		percent   string
		fraction  string
		above2pct bool
	}{
		{3, 150, "2.0", "3/150", false}, // the worked example: exactly 2%, not above
		{4, 150, "2.67", "4/150", true},
		{1, 3, "33.33", "1/3", true},
		{2, 3, "66.67", "2/3", true},    // rounded half up
		{1, 8, "12.5", "1/8", true},     // 12.50 → one decimal
		{1, 200, "0.5", "1/200", false}, // 0.5%
		{0, 40, "0.0", "0/40", false},
		{1, 50, "2.0", "1/50", false},
		{51, 2500, "2.04", "51/2500", true},
		{0, 0, "", "", false}, // no base: undefined, never above
		{3, 0, "", "", false},
	} {
		r := Of(c.num, c.den)
		if got := r.PercentText(); got != c.percent {
			t.Errorf("%d/%d percent %q, want %q", c.num, c.den, got, c.percent)
		}
		if got := r.Fraction(); got != c.fraction {
			t.Errorf("%d/%d fraction %q, want %q", c.num, c.den, got, c.fraction)
		}
		if got := r.Above(DefaultThreshold); got != c.above2pct {
			t.Errorf("%d/%d above 2%%: %v, want %v", c.num, c.den, got, c.above2pct)
		}
	}
	// Just above by less than the rounding: 2001/100000 is 2.00% shown, yet above.
	r := Rate{Num: 2001, Den: 100000}
	if r.PercentText() != "2.0" || !r.Above(DefaultThreshold) {
		t.Fatalf("2001/100000: %s above=%v", r.PercentText(), r.Above(DefaultThreshold))
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct {
		percent string
		bad     bool
	}{{"2", false}, {"2.5", false}, {"0.01", false}, {"100", false}, {"0", true}, {"-1", true}, {"100.01", true}, {"2.125", true}} {
		if got := ThresholdProblem(dec(c.percent)) != ""; got != c.bad {
			t.Errorf("threshold %s: problem=%v, want %v", c.percent, got, c.bad)
		}
	}
	if f := ThresholdFromPercent(dec("2.5")); !f.Equal(dec("0.025")) {
		t.Fatalf("2.5%% is %s", f)
	}
	// With a 2.5% threshold, 3/150 (2%) and 7/280 (2.5%) are not above; 4/150 (2.67%) is.
	th := ThresholdFromPercent(dec("2.5"))
	if Of(3, 150).Above(th) || Of(7, 280).Above(th) || !Of(4, 150).Above(th) {
		t.Fatal("2.5% threshold compared wrongly")
	}
}

func year(y int) *int { return &y }

func TestStatusAtStart(t *testing.T) {
	on := func(y int, m time.Month, day int) localdate.Date { return localdate.Date{Year: y, Month: m, Day: day} }
	for _, c := range []struct {
		name string
		h    Household
		year int
		want string
	}{
		{"not registered", Household{Status: register.NotRegistered}, 2017, register.NotRegistered},
		{"registered 2015", Household{Status: register.Registered, RegisteredOn: on(2015, 3, 1)}, 2017, register.Registered},
		{"registered on the last day before", Household{Status: register.Registered, RegisteredOn: on(2016, 12, 31)}, 2017, register.Registered},
		{"registered in the campaign's year", Household{Status: register.Registered, RegisteredOn: on(2017, 1, 1)}, 2017, register.NotRegistered},
		{"registered without a date", Household{Status: register.Registered}, 2017, register.NotRegistered},
		{"exited 2016", Household{Status: register.Exited, RegisteredOn: on(2014, 5, 1), ExitedYear: year(2016)}, 2017, register.Exited},
		// The 2016 campaign, read from today's register.
		{"exited 2016, seen from 2016", Household{Status: register.Exited, RegisteredOn: on(2014, 5, 1), ExitedYear: year(2016)}, 2016, register.Registered},
		{"exited 2015, seen from 2016", Household{Status: register.Exited, RegisteredOn: on(2014, 5, 1), ExitedYear: year(2015)}, 2016, register.Exited},
		{"registered 2016, seen from 2016", Household{Status: register.Registered, RegisteredOn: on(2016, 7, 20)}, 2016, register.NotRegistered},
		{"registered and exited 2016, seen from 2016", Household{Status: register.Exited, RegisteredOn: on(2016, 2, 1), ExitedYear: year(2016)}, 2016, register.NotRegistered},
	} {
		if got := StatusAtStart(c.h, c.year); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestInBase(t *testing.T) {
	reg := localdate.Date{Year: 2015, Month: 4, Day: 1}
	farmer := Household{Status: register.NotRegistered, Hukou: "agricultural", RuralResident: true, Surveyed: true, People: 3}
	for _, c := range []struct {
		name string
		h    Household
		want Base // "" = in no base
	}{
		{"surveyed farmer", farmer, BaseNotRegisteredSurveyed},
		{"not surveyed", with(farmer, func(h *Household) { h.Surveyed = false }), ""},
		{"non-agricultural hukou", with(farmer, func(h *Household) { h.Hukou = "non_agricultural" }), ""},
		{"lives in town", with(farmer, func(h *Household) { h.RuralResident = false }), ""},
		{"registered", Household{Status: register.Registered, RegisteredOn: reg}, BaseRegistered},
		{"exited last year", Household{Status: register.Exited, RegisteredOn: reg, ExitedYear: year(2016)}, BaseExitedLastYear},
		{"exited two years ago", Household{Status: register.Exited, RegisteredOn: reg, ExitedYear: year(2015)}, ""},
	} {
		var got Base
		n := 0
		for _, b := range Bases {
			if InBase(c.h, b, 2017) {
				got = b
				n++
			}
		}
		if got != c.want || n > 1 {
			t.Errorf("%s: base %q (%d bases), want %q", c.name, got, n, c.want)
		}
	}
}

func with(h Household, f func(*Household)) Household { f(&h); return h }

// TestTallyHandWorked counts a small register by hand: street S1 with two
// villages, street S2 with one.
//
//	S1/V1: 4 registered households (3, 4, 2, 5 people), one proposed remove_wrong (4 people);
//	       3 surveyed non-registered farmers (3, 2, 6), one proposed include (6);
//	       1 non-registered town household (2) proposed not_eligible: in no base;
//	       2 exited in 2016 (2, 3), one proposed reinclude (3); 1 exited in 2015 (4).
//	S1/V2: 1 registered (2) proposed keep; 1 farmer not yet surveyed (5), no proposal.
//	S2/V3: 2 registered (1, 1), both remove_wrong.
func TestTallyHandWorked(t *testing.T) {
	reg := localdate.Date{Year: 2015, Month: 4, Day: 1}
	r := func(v string, people int, proposal string) Household {
		return Household{StreetCode: v[:2], VillageCode: v, Status: register.Registered, RegisteredOn: reg, People: people, Proposal: proposal, Hukou: "agricultural", RuralResident: true, Surveyed: true}
	}
	n := func(v string, people int, proposal string, surveyed bool) Household {
		return Household{StreetCode: v[:2], VillageCode: v, Status: register.NotRegistered, People: people, Proposal: proposal, Hukou: "agricultural", RuralResident: true, Surveyed: surveyed}
	}
	e := func(v string, people int, proposal string, exited int) Household {
		return Household{StreetCode: v[:2], VillageCode: v, Status: register.Exited, RegisteredOn: reg, ExitedYear: year(exited), People: people, Proposal: proposal, Hukou: "agricultural", RuralResident: true, Surveyed: true}
	}
	town := n("S1V1", 2, "not_eligible", true)
	town.RuralResident = false
	hs := []Household{
		r("S1V1", 3, "keep"), r("S1V1", 4, RemoveWrong), r("S1V1", 2, "keep"), r("S1V1", 5, ""),
		n("S1V1", 3, "not_eligible", true), n("S1V1", 2, "not_eligible", true), n("S1V1", 6, Include, true), town,
		e("S1V1", 2, "keep_exited", 2016), e("S1V1", 3, Reinclude, 2016), e("S1V1", 4, ContinueSupport, 2015),
		r("S1V2", 2, "keep"), n("S1V2", 5, "", false),
		r("S2V3", 1, RemoveWrong), r("S2V3", 1, RemoveWrong),
	}
	streets, villages, total := Tally(hs, 2017)

	v1 := villages["S1V1"]
	check := func(name string, c Correction, count, base Count, sh, sp string) {
		t.Helper()
		if c.Count != count || c.BaseCount != base || c.ShareHouseholds.Fraction() != sh || c.SharePeople.Fraction() != sp {
			t.Errorf("%s: %+v, want count %+v base %+v shares %s %s", name, c, count, base, sh, sp)
		}
	}
	check("V1 错评", v1.Correction(RemoveWrong), Count{1, 4}, Count{4, 14}, "1/4", "4/14")
	check("V1 漏评", v1.Correction(Include), Count{1, 6}, Count{3, 11}, "1/3", "6/11")
	check("V1 错退", v1.Correction(Reinclude), Count{1, 3}, Count{2, 5}, "1/2", "3/5")
	check("S1 错评", streets["S1"].Correction(RemoveWrong), Count{1, 4}, Count{5, 16}, "1/5", "4/16")
	// The unsurveyed farmer of V2 is in no base: S1's 漏评 base stays V1's.
	check("S1 漏评", streets["S1"].Correction(Include), Count{1, 6}, Count{3, 11}, "1/3", "6/11")
	check("S2 错评", streets["S2"].Correction(RemoveWrong), Count{2, 2}, Count{2, 2}, "2/2", "2/2")
	check("S2 错退", streets["S2"].Correction(Reinclude), Count{}, Count{}, "", "")
	check("district 错评", total.Correction(RemoveWrong), Count{3, 6}, Count{7, 18}, "3/7", "6/18")
	if p := v1.Correction(RemoveWrong).SharePeople.PercentText(); p != "28.57" {
		t.Errorf("V1 错评 share of people %s%%, want 28.57", p)
	}
	if c := total.Proposed[ContinueSupport]; c != (Count{1, 4}) {
		t.Errorf("continue_support proposed %+v", c)
	}
	// Merging the villages gives the street.
	m := NewFigures()
	m.Merge(villages["S1V1"])
	m.Merge(villages["S1V2"])
	for _, k := range Corrections {
		if m.Correction(k) != streets["S1"].Correction(k) {
			t.Errorf("merged %s differs: %+v vs %+v", k, m.Correction(k), streets["S1"].Correction(k))
		}
	}
}

func TestStatusAfter(t *testing.T) {
	for _, c := range []struct{ status, proposal, want string }{
		{register.NotRegistered, Include, register.Registered},
		{register.Exited, Reinclude, register.Registered},
		{register.Registered, RemoveWrong, register.NotRegistered},
		{register.Registered, ExitNormal, register.Exited},
		{register.Registered, "keep", register.Registered},
		{register.Exited, "keep_exited", register.Exited},
		{register.Exited, ContinueSupport, register.Exited},
		{register.NotRegistered, "not_eligible", register.NotRegistered},
		{register.Registered, "", register.Registered},
		{register.Registered, "needs_review", register.Registered},
	} {
		if got := StatusAfter(c.status, c.proposal); got != c.want {
			t.Errorf("%s + %s: %s, want %s", c.status, c.proposal, got, c.want)
		}
	}
}

func TestFindingFits(t *testing.T) {
	for _, c := range []struct {
		status, finding string
		ok              bool
	}{
		{register.NotRegistered, Missed, true}, {register.Registered, Missed, false}, {register.Exited, Missed, false},
		{register.Registered, Wrong, true}, {register.NotRegistered, Wrong, false},
		{register.Exited, WronglyExited, true}, {register.Registered, WronglyExited, false},
		{register.Exited, Correct, true}, {"", Correct, false}, {register.Registered, "bogus", false},
	} {
		if got := FindingFits(c.status, c.finding); got != c.ok {
			t.Errorf("%s/%s: %v, want %v", c.status, c.finding, got, c.ok)
		}
	}
}

// samples makes n households of a status in a village, people each, the
// first `found` of them with the finding.
func samples(street, village, status string, n, people int, found int, finding string) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = Sample{StreetCode: street, VillageCode: village, Status: status, People: people, Finding: Correct}
		if i < found {
			out[i].Finding = finding
		}
	}
	return out
}

// TestInspectionRatesWorkedExample is workflow.md's worked example: an
// inspection samples 40 non-registered households (150 people) in 鼠街 and
// finds 1 missed household of 3 people: 漏评率 = 3/150 = 2.0%, not above 2%.
func TestInspectionRatesWorkedExample(t *testing.T) {
	const street, shujie = "530103012", "530103012004"
	// 39 households of the 147 other people (30 of 4, 9 of 3) and the missed one of 3.
	ss := append(samples(street, shujie, register.NotRegistered, 30, 4, 0, ""), samples(street, shujie, register.NotRegistered, 9, 3, 0, "")...)
	ss = append(ss, Sample{StreetCode: street, VillageCode: shujie, Status: register.NotRegistered, People: 3, Finding: Missed})
	streets, villages, _ := TallySamples(ss)
	in := streets[street]
	if c := in.Sampled[register.NotRegistered]; c != (Count{40, 150}) {
		t.Fatalf("sampled %+v, want 40 households of 150 people", c)
	}
	r := in.RateOf(Missed)
	if r.Fraction() != "3/150" || r.PercentText() != "2.0" || r.Above(DefaultThreshold) {
		t.Fatalf("漏评率 %s = %s%%, above=%v; want 3/150 = 2.0%%, not above", r.Fraction(), r.PercentText(), r.Above(DefaultThreshold))
	}
	if in.Flagged(DefaultThreshold) || in.Commended() {
		t.Fatalf("at exactly 2%%: flagged=%v commended=%v, want neither", in.Flagged(DefaultThreshold), in.Commended())
	}
	if villages[shujie].RateOf(Missed) != r {
		t.Fatal("the village's rate differs from its street's")
	}
	// One more missed person sampled elsewhere in the street tips it over.
	ss = append(ss, Sample{StreetCode: street, VillageCode: "530103012005", Status: register.NotRegistered, People: 1, Finding: Missed})
	streets, _, _ = TallySamples(ss)
	if r := streets[street].RateOf(Missed); r.Fraction() != "4/151" || !streets[street].Flagged(DefaultThreshold) {
		t.Fatalf("4/151: %s flagged=%v", r.Fraction(), streets[street].Flagged(DefaultThreshold))
	}
}

// TestInspectionRatesHandWorked: three streets over two inspections (pooled).
//
//	A: 20 registered (60 people), 10 exited (30), 10 not registered (40); nothing found → commended.
//	B: 25 registered of 2 people (50), one wrong (2) → 错评率 2/50 = 4.0%, flagged;
//	   10 exited of 3 (30), none wrong → 错退率 0.0%; no non-registered sampled → 漏评率 undefined.
//	C: 50 exited of 2 (100), one wrongly exited (2) → 错退率 2.0%, not above; not commended.
func TestInspectionRatesHandWorked(t *testing.T) {
	var ss []Sample
	ss = append(ss, samples("A", "A1", register.Registered, 20, 3, 0, "")...)
	ss = append(ss, samples("A", "A2", register.Exited, 10, 3, 0, "")...)
	ss = append(ss, samples("A", "A2", register.NotRegistered, 10, 4, 0, "")...)
	ss = append(ss, samples("B", "B1", register.Registered, 25, 2, 1, Wrong)...)
	ss = append(ss, samples("B", "B1", register.Exited, 10, 3, 0, "")...)
	ss = append(ss, samples("C", "C1", register.Exited, 50, 2, 1, WronglyExited)...)
	streets, _, total := TallySamples(ss)
	for _, c := range []struct {
		street                string
		missed, wrong, exited string // fractions
		commended, flagged    bool
	}{
		{"A", "0/40", "0/60", "0/30", true, false},
		{"B", "", "2/50", "0/30", false, true},
		{"C", "", "", "2/100", false, false},
	} {
		in := streets[c.street]
		got := [3]string{in.RateOf(Missed).Fraction(), in.RateOf(Wrong).Fraction(), in.RateOf(WronglyExited).Fraction()}
		if got != [3]string{c.missed, c.wrong, c.exited} || in.Commended() != c.commended || in.Flagged(DefaultThreshold) != c.flagged {
			t.Errorf("street %s: rates %v commended=%v flagged=%v", c.street, got, in.Commended(), in.Flagged(DefaultThreshold))
		}
	}
	if p := streets["B"].RateOf(Wrong).PercentText(); p != "4.0" {
		t.Errorf("B 错评率 %s", p)
	}
	// A higher threshold clears B: 4% is not above 5%.
	if streets["B"].Flagged(ThresholdFromPercent(dec("5"))) {
		t.Error("B flagged at 5%")
	}
	if total.RateOf(Wrong).Fraction() != "2/110" || total.RateOf(WronglyExited).Fraction() != "2/160" {
		t.Errorf("district: %s %s", total.RateOf(Wrong).Fraction(), total.RateOf(WronglyExited).Fraction())
	}
	if NewInspected().Commended() {
		t.Error("a street never inspected is commended")
	}
}
