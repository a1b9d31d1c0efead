// Package synth is the one synthetic-data generator: households in the
// interchange format (household-v1) that look like a survey of Panlong's
// water-source area — real street and village codes, valid citizen ID
// numbers, incomes around the poverty line — with the cases the rules must
// handle mixed in at realistic rates: the poor and the well-off, dangerous
// houses, disease and school costs, dibao, every exclusion with and without
// its exception, deaths, exits old and new, missing data and faulty records.
//
// It is deterministic: household i of seed s is always the same, whatever
// else is generated, so that a test, a benchmark file and the demo register
// can name the households they rely on.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/regions"
	"jingzhun/internal/rules"
)

// Generator makes households for one campaign.
type Generator struct {
	Seed     uint64
	Campaign interchange.Campaign
	villages []village
}

type village struct {
	street, code string
	groups       int // 村民小组: 4–12 a village
}

// New is a generator for the 2017 campaign (rules.Panlong2017).
func New(seed uint64) *Generator { return NewFor(seed, rules.Panlong2017()) }

// NewFor is a generator for any campaign: incomes are drawn around its
// poverty line, dates before its reference date.
func NewFor(seed uint64, c interchange.Campaign) *Generator {
	tree, err := regions.Load()
	if err != nil {
		panic(err) // embedded data; the regions package tests it
	}
	g := &Generator{Seed: seed, Campaign: c}
	for _, v := range tree.Villages() {
		g.villages = append(g.villages, village{street: v.Street.Code, code: v.Village.Code, groups: 4 + len(g.villages)*7%9})
	}
	return g
}

// Story is the situation a household is drawn from. The rules, not the
// story, decide the outcome; the story makes it likely.
type Story uint8

// The stories, by the section of rules.md they exercise.
const (
	AboveLine            Story = iota // not registered, income above the line
	PoorUnsafeHouse                   // below the line, C/D house (ID-01)
	PoorDisease                       // below the line, a major disease (ID-01)
	PoorStudent                       // below the line, a student with a heavy burden (ID-01)
	DibaoUnmet                        // dibao, a guarantee unmet (ID-02)
	DibaoMet                          // dibao but the exit standard met
	PoorSafe                          // below the line and nothing else
	AtTheLine                         // per-capita income exactly the line
	Blocked                           // would qualify, but an EX hit blocks it
	TownDweller                       // non-agricultural hukou or not a rural resident
	NotRegisteredUnknown              // deciding data missing
	StillPoor                         // registered, still poor: keep
	Recovered                         // registered, exit standard met
	WronglyRegistered                 // an EX hit without exception
	ExceptedExit                      // an EX hit with its exception
	SplitOrFraud                      // EX-07 / EX-10 findings, criteria met or not
	AllGone                           // registered, every member removed: dissolve
	RegisteredUnknown                 // registered, deciding data missing
	StableExit                        // exited and stable
	Relapsed                          // exited but poor again or a guarantee unmet
	ExitedAllGone                     // exited, every member removed
	ExitedUnknown                     // exited, deciding data missing
	Faulty                            // one validation fault: invalid
	storyCount
)

// weights per mille: roughly the make-up of a survey of the water-source
// area, with the rarer cases frequent enough to appear in a few thousand
// households.
var weights = [storyCount]int{
	AboveLine: 330, PoorUnsafeHouse: 35, PoorDisease: 25, PoorStudent: 15, DibaoUnmet: 20, DibaoMet: 10,
	PoorSafe: 30, AtTheLine: 5, Blocked: 25, TownDweller: 25, NotRegisteredUnknown: 25,
	StillPoor: 110, Recovered: 60, WronglyRegistered: 35, ExceptedExit: 20, SplitOrFraud: 10, AllGone: 5, RegisteredUnknown: 20,
	StableExit: 110, Relapsed: 40, ExitedAllGone: 3, ExitedUnknown: 12,
	Faulty: 30,
}

// builder carries the random source and the household being made.
type builder struct {
	g   *Generator
	r   *rand.Rand
	h   *interchange.Household
	ids map[string]bool
}

// Household is household i (0-based) of the generator's seed.
func (g *Generator) Household(i int) interchange.Household {
	h, _ := g.HouseholdStory(i)
	return h
}

// HouseholdStory is household i and the story it was drawn from.
func (g *Generator) HouseholdStory(i int) (interchange.Household, Story) {
	r := rand.New(rand.NewPCG(g.Seed, uint64(i)))
	b := &builder{g: g, r: r, h: &interchange.Household{}, ids: map[string]bool{}}
	s := b.pickStory()
	b.base(i)
	b.tell(s)
	return *b.h, s
}

func (b *builder) pickStory() Story {
	n := b.r.IntN(1000)
	for s, w := range weights {
		if n < w {
			return Story(s)
		}
		n -= w
	}
	return AboveLine
}

func (b *builder) chance(p float64) bool  { return b.r.Float64() < p }
func (b *builder) between(lo, hi int) int { return lo + b.r.IntN(hi-lo+1) }

func ptr[T any](v T) *T { return &v }

// base makes an ordinary rural household, not registered, above the line,
// with every guarantee met; stories then change what they need.
func (b *builder) base(i int) {
	v := b.g.villages[b.r.IntN(len(b.g.villages))]
	h := b.h
	h.Code = v.code + "-" + fmt.Sprintf("%07d", i+1)
	h.Region = &interchange.Region{Street: v.street, Village: v.code, Group: "第" + strconv.Itoa(1+b.r.IntN(v.groups)) + "村民小组"}
	h.Hukou = interchange.Agricultural
	h.RuralResident = true
	h.Status = interchange.NotRegistered
	h.Dibao = ptr(false)
	h.FoodSecure, h.ClothingSecure = ptr(true), ptr(true)
	h.EducationBurdenHeavy = ptr(false)
	h.EmploysOthersLongTerm = ptr(false)
	h.Housing = interchange.Housing{Grade: pick(b.r, []interchange.Grade{"A", "A", "B", "B", "B"}), AreaM2: b.money(40*100, 220*100)}
	b.members()
	b.incomePerCapita(1.1, 6)
	if b.chance(0.12) { // motorbikes and tricycles below the limit
		b.vehicle(3000, 25000, b.date(2008, 2017), false)
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// members makes a family of 1–6 with ages that fit their relations.
func (b *builder) members() {
	size := pick(b.r, []int{1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6})
	ref := b.g.Campaign.ReferenceDate
	headBorn := b.between(1940, 1990)
	male := b.chance(0.8)
	surname := pick(b.r, surnames)
	b.person(interchange.Head, surname, male, headBorn)
	if size >= 2 && headBorn < 1995 && b.chance(0.85) {
		b.person(interchange.Spouse, pick(b.r, surnames), !male, clamp(headBorn+b.between(-5, 5), 1930, ref.Year-18))
	}
	for len(b.h.Members) < size {
		switch {
		case headBorn+45 <= ref.Year && b.chance(0.3):
			b.person(interchange.Grandchild, surname, b.chance(0.5), clamp(headBorn+b.between(45, 60), 1980, ref.Year))
		case headBorn > 1965 && b.chance(0.15):
			b.person(interchange.Parent, surname, b.chance(0.5), headBorn-b.between(22, 35))
		default:
			b.person(interchange.Child, surname, b.chance(0.5), clamp(headBorn+b.between(20, 38), 1950, ref.Year))
		}
	}
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// person adds a member born in year with a valid, unique ID number.
func (b *builder) person(rel interchange.Relation, surname string, male bool, year int) *interchange.Member {
	ref := b.g.Campaign.ReferenceDate
	born := b.date(year, year)
	if born.After(ref) {
		born = ref.AddDays(-b.r.IntN(180))
	}
	given := femaleGiven
	if male {
		given = maleGiven
	}
	m := interchange.Member{
		IDNumber:       b.idNumber(born, male),
		Name:           surname + pick(b.r, given),
		Relation:       rel,
		Status:         interchange.Present,
		SharesIncome:   true,
		Health:         interchange.Healthy,
		Dropout:        ptr(false),
		MedicalInsured: ptr(b.chance(0.98)),
	}
	age := ref.Year - born.Year
	switch {
	case age >= 60 && b.chance(0.25), age < 60 && b.chance(0.08):
		m.Health = interchange.Chronic
	case b.chance(0.03):
		m.Health = interchange.Disabled
	}
	switch {
	case age < 3:
		m.Schooling = interchange.NotInSchool
	case age < 6:
		m.Schooling = interchange.Preschool
	case age <= 15:
		m.Schooling = interchange.Compulsory
	case age <= 22 && b.chance(0.45):
		m.Schooling = interchange.BeyondCompulsory
	default:
		m.Schooling = interchange.NotInSchool
	}
	b.h.Members = append(b.h.Members, m)
	return &b.h.Members[len(b.h.Members)-1]
}

// idNumber makes a GB 11643 number: area code, birth date, a sequence whose
// last digit is odd for men and even for women, the check character.
func (b *builder) idNumber(born localdate.Date, male bool) string {
	for {
		area := b.area()
		seq := b.r.IntN(100)*10 + 2*b.r.IntN(5)
		if male {
			seq++
		}
		first17 := fmt.Sprintf("%s%04d%02d%02d%03d", area, born.Year, int(born.Month), born.Day, seq)
		id := first17 + idcard.CheckChar(first17)
		if !b.ids[id] {
			b.ids[id] = true
			return id
		}
	}
}

// area is a birth registration area code, by weight.
func (b *builder) area() string {
	n := b.r.IntN(100)
	for _, a := range areaCodes {
		if n < a.weight {
			return a.code
		}
		n -= a.weight
	}
	return areaCodes[0].code
}

// date is a random day in the years lo..hi, not after the reference date.
func (b *builder) date(lo, hi int) localdate.Date {
	start := localdate.Date{Year: lo, Month: 1, Day: 1}
	end := localdate.Date{Year: hi, Month: 12, Day: 31}
	if ref := b.g.Campaign.ReferenceDate; end.After(ref) {
		end = ref
	}
	days := int(end.Time().Sub(start.Time()).Hours() / 24)
	if days < 0 {
		return end
	}
	return start.AddDays(b.r.IntN(days + 1))
}

// money is a random amount in cents lo..hi, as yuan with two decimals.
func (b *builder) money(lo, hi int64) *decimal.Decimal {
	return ptr(decimal.New(lo+b.r.Int64N(hi-lo+1), -2))
}

func (b *builder) counted() int {
	n := 0
	for i := range b.h.Members {
		if b.h.Members[i].Counted() {
			n++
		}
	}
	return max(n, 1)
}

// incomePerCapita sets the income so that the per-capita net income is
// between lo and hi times the poverty line.
func (b *builder) incomePerCapita(lo, hi float64) {
	line := b.g.Campaign.PovertyLine.Mul(decimal.NewFromInt(100)).IntPart() // cents
	f := lo + (hi-lo)*b.r.Float64()
	b.netIncome(int64(float64(line)*f) * int64(b.counted()))
}

// netIncome splits a net income (cents) into the five parts: transfers,
// property, operating income and its costs, and wages for the rest.
func (b *builder) netIncome(net int64) {
	frac := func(hi float64) int64 { return int64(float64(net) * hi * b.r.Float64()) }
	transfer, property, cost := frac(0.3), frac(0.05), frac(0.2)
	operating := frac(0.4) + cost
	wage := net - transfer - property - (operating - cost)
	c := func(v int64) *decimal.Decimal { return ptr(decimal.New(v, -2)) }
	b.h.Income = interchange.Income{
		Year: b.g.Campaign.IncomeYear,
		Wage: c(wage), Operating: c(operating), Property: c(property), Transfer: c(transfer), OperatingCost: c(cost),
	}
}

func (b *builder) poor() { b.incomePerCapita(0.4, 0.99) }

func (b *builder) vehicle(lo, hi int, on localdate.Date, exit bool) {
	v := decimal.NewFromInt(int64(b.between(lo, hi)))
	if b.chance(0.5) {
		v = v.Div(decimal.NewFromInt(100)).Floor().Mul(decimal.NewFromInt(100)) // prices are round
	}
	b.h.Vehicles = append(b.h.Vehicles, interchange.Vehicle{Value: v, AcquiredOn: on, ExitMeasure: exit})
}

func (b *builder) register() {
	b.h.Status = interchange.Registered
	b.h.RegisteredOn = b.date(2014, 2016)
}

func (b *builder) exit(year int) {
	b.h.Status = interchange.Exited
	b.h.RegisteredOn = b.date(2014, year)
	b.h.ExitedYear = ptr(year)
}

// hardship gives a poor household one reason of ID-01.
func (b *builder) hardship() {
	switch b.r.IntN(3) {
	case 0:
		b.h.Housing.Grade = pick(b.r, []interchange.Grade{"C", "D"})
	case 1:
		b.someone().Health = interchange.MajorDisease
	default:
		b.student()
	}
}

func (b *builder) someone() *interchange.Member { return &b.h.Members[b.r.IntN(len(b.h.Members))] }

func (b *builder) student() {
	m := b.someone()
	m.Schooling = interchange.BeyondCompulsory
	b.h.EducationBurdenHeavy = ptr(true)
}

// unmetGuarantee leaves one of 两不愁三保障 unmet.
func (b *builder) unmetGuarantee() {
	switch b.r.IntN(4) {
	case 0:
		b.someone().MedicalInsured = ptr(false)
	case 1:
		b.h.Housing.Grade = "C"
	case 2:
		b.h.FoodSecure = ptr(false)
	default:
		m := b.someone()
		m.Dropout = ptr(true)
		m.Schooling = interchange.Compulsory
	}
}

// removeSomeone applies EX-09 to a member other than the head.
func (b *builder) removeSomeone() {
	if len(b.h.Members) < 2 {
		return
	}
	m := &b.h.Members[1+b.r.IntN(len(b.h.Members)-1)]
	switch b.r.IntN(3) {
	case 0:
		m.Status = interchange.Deceased
	case 1:
		m.Status = interchange.Missing
	default:
		m.SharesIncome = false
	}
}

func (b *builder) removeEveryone() {
	for i := range b.h.Members {
		b.h.Members[i].Status = pick(b.r, []interchange.MemberStatus{interchange.Deceased, interchange.Deceased, interchange.Missing})
	}
}

// unknownData leaves one input that the household's decision reads unknown.
func (b *builder) unknownData(inputs ...string) {
	switch pick(b.r, inputs) {
	case "grade":
		b.h.Housing.Grade = ""
	case "income":
		switch b.r.IntN(3) {
		case 0:
			b.h.Income.Property = nil
		case 1:
			b.h.Income.Operating = nil
		default:
			b.h.Income.Transfer = nil
		}
	case "food":
		b.h.FoodSecure = nil
	case "clothing":
		b.h.ClothingSecure = nil
	case "dibao":
		b.h.Dibao = nil
	case "employs":
		b.h.EmploysOthersLongTerm = nil
	case "insured":
		b.someone().MedicalInsured = nil
	case "health":
		b.someone().Health = ""
	case "schooling":
		b.h.EducationBurdenHeavy = ptr(true)
		b.someone().Schooling = ""
	}
}

// exclusion is the event of an EX rule, dated relative to the
// registration: before it (a wrong registration), on the same day, or after
// it as an exit measure or not.
func (b *builder) exclusion(code string, excepted bool) {
	reg := b.h.RegisteredOn
	var on localdate.Date
	exitMeasure := excepted
	switch {
	case reg.IsZero(): // not registered: any date
		on = b.date(2005, 2017)
	case excepted:
		on = reg.AddDays(1 + b.r.IntN(400))
		if on.After(b.g.Campaign.ReferenceDate) {
			on = b.g.Campaign.ReferenceDate
		}
	case b.chance(0.1):
		on = reg // the same day is not after it
	case b.chance(0.2):
		on = reg.AddDays(1 + b.r.IntN(300)) // after, but not as an exit measure
		exitMeasure = false
	default:
		on = reg.AddDays(-1 - b.r.IntN(3000))
	}
	limit := int(b.g.Campaign.VehicleValueLimit.IntPart())
	switch code {
	case rules.EX01:
		b.someone().FiscalStaffSince = on
	case rules.EX02:
		b.someone().VillageCadreSince = on
	case rules.EX03:
		if b.chance(0.1) {
			b.vehicle(limit, limit, on, exitMeasure) // exactly the limit: 以上 includes it
		} else {
			b.vehicle(limit, limit*6, on, exitMeasure)
		}
	case rules.EX04:
		kind := pick(b.r, []interchange.PropertyKind{interchange.SelfBuilt, interchange.CommercialHousing, interchange.CommercialHousing, interchange.Shop, interchange.OtherProperty})
		relocation := false
		if excepted {
			if b.chance(0.4) {
				relocation = true
				kind = pick(b.r, []interchange.PropertyKind{interchange.CommercialHousing, interchange.SelfBuilt, interchange.OtherProperty})
			} else {
				kind = pick(b.r, []interchange.PropertyKind{interchange.CommercialHousing, interchange.Shop})
			}
		}
		b.h.UrbanProperties = append(b.h.UrbanProperties, interchange.UrbanProperty{Kind: kind, AcquiredOn: on, ExitMeasure: exitMeasure, Relocation: relocation})
	case rules.EX05:
		b.h.EmploysOthersLongTerm = ptr(true)
	case rules.EX06:
		b.h.Businesses = append(b.h.Businesses, interchange.Business{RegisteredOn: on, Operating: true, ExitMeasure: exitMeasure})
		if b.chance(0.3) { // a registered business that does not operate is no hit
			b.h.Businesses = append(b.h.Businesses, interchange.Business{RegisteredOn: b.date(2010, 2016), Operating: false})
		}
	case rules.EX08:
		b.h.Findings.EmptyHungHukou = true
	}
}

// tell applies a story to the base household.
func (b *builder) tell(s Story) {
	h := b.h
	switch s {
	case AboveLine:
		if b.chance(0.15) {
			b.vehicle(30000, 150000, b.date(2008, 2017), false)
		}
	case PoorUnsafeHouse:
		b.poor()
		h.Housing.Grade = pick(b.r, []interchange.Grade{"C", "C", "D"})
	case PoorDisease:
		b.poor()
		b.someone().Health = interchange.MajorDisease
	case PoorStudent:
		b.poor()
		b.student()
	case DibaoUnmet:
		h.Dibao = ptr(true)
		b.incomePerCapita(0.8, 1.6)
		b.unmetGuarantee()
	case DibaoMet:
		h.Dibao = ptr(true)
		b.incomePerCapita(1.01, 1.5)
	case PoorSafe:
		b.poor()
	case AtTheLine:
		line := b.g.Campaign.PovertyLine.Mul(decimal.NewFromInt(100)).IntPart()
		b.netIncome(line * int64(b.counted()))
		b.hardship()
	case Blocked:
		b.poor()
		b.hardship()
		b.exclusion(pick(b.r, []string{rules.EX01, rules.EX02, rules.EX03, rules.EX03, rules.EX04, rules.EX05, rules.EX06, rules.EX08}), false)
	case TownDweller:
		b.poor()
		b.hardship()
		if b.chance(0.5) {
			h.Hukou = interchange.NonAgricultural
		} else {
			h.RuralResident = false
		}
	case NotRegisteredUnknown:
		b.poor()
		if b.chance(0.5) {
			b.hardship()
			b.unknownData("income")
		} else {
			b.unknownData("grade", "health", "schooling")
		}
	case StillPoor:
		b.register()
		b.poor()
		if b.chance(0.5) {
			b.hardship()
		}
	case Recovered:
		b.register()
		b.incomePerCapita(1.0, 2.5)
	case WronglyRegistered:
		b.register()
		b.poor()
		b.exclusion(pick(b.r, []string{rules.EX01, rules.EX02, rules.EX03, rules.EX03, rules.EX04, rules.EX05, rules.EX06, rules.EX08}), false)
	case ExceptedExit:
		b.register()
		b.poor()
		b.exclusion(pick(b.r, []string{rules.EX01, rules.EX02, rules.EX03, rules.EX04, rules.EX06}), true)
	case SplitOrFraud:
		b.register()
		if b.chance(0.5) {
			b.incomePerCapita(1.2, 3) // does not meet the criteria: removed
		} else {
			b.poor()
			b.hardship() // still meets them: kept
		}
		if b.chance(0.5) {
			h.Findings.SplitOrMergeForBenefit = true
		} else {
			h.Findings.Fraud = true
		}
	case AllGone:
		b.register()
		b.poor()
		b.removeEveryone()
	case RegisteredUnknown:
		b.register()
		if b.chance(0.5) {
			b.incomePerCapita(1.1, 3)
			b.unknownData("food", "clothing", "insured", "grade", "income")
		} else {
			b.poor()
			b.unknownData("employs")
		}
	case StableExit:
		b.exit(pick(b.r, []int{2014, 2015, 2016, 2016}))
		b.incomePerCapita(1.05, 3)
	case Relapsed:
		b.exit(pick(b.r, []int{2014, 2015, 2016, 2016}))
		if b.chance(0.5) {
			b.poor()
		} else {
			b.incomePerCapita(1.05, 2)
			b.unmetGuarantee()
		}
	case ExitedAllGone:
		b.exit(pick(b.r, []int{2014, 2015, 2016}))
		b.removeEveryone()
	case ExitedUnknown:
		b.exit(pick(b.r, []int{2014, 2015, 2016}))
		b.incomePerCapita(1.1, 3)
		b.unknownData("grade", "income", "insured", "food")
	case Faulty:
		b.fault()
	}
	if (h.Status == interchange.Registered || h.Status == interchange.Exited) && s != AllGone && s != ExitedAllGone && b.chance(0.1) {
		b.removeSomeone()
	}
}

// fault breaks one rule of rules.md §6.
func (b *builder) fault() {
	h := b.h
	switch b.r.IntN(9) {
	case 0: // wrong check character
		m := b.someone()
		c := m.IDNumber[17]
		m.IDNumber = m.IDNumber[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", c)+1)%11])
	case 1:
		b.register()
		h.RegisteredOn = localdate.Date{}
	case 2:
		b.exit(2016)
		h.ExitedYear = ptr(b.g.Campaign.CampaignYear)
	case 3:
		h.Income.Year = b.g.Campaign.IncomeYear - 1
	case 4:
		if len(h.Members) < 2 {
			b.person(interchange.Child, "王", true, 1990)
		}
		h.Members[1].Relation = interchange.Head
	case 5:
		h.Income.Wage = ptr(decimal.New(-b.r.Int64N(100000)-1, -2))
	case 6:
		h.Members[0].Name = strings.Repeat("名", interchange.MaxNameLength+1)
	case 7:
		b.person(interchange.Child, "王", false, 2000).IDNumber = h.Members[0].IDNumber
	default:
		b.register()
		h.RegisteredOn = b.g.Campaign.ReferenceDate.AddDays(1 + b.r.IntN(30))
	}
}

// Stories lists every story, for tests.
func Stories() []Story {
	out := make([]Story, storyCount)
	for i := range out {
		out[i] = Story(i)
	}
	return out
}
