package quality_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/quality"
	"jingzhun/internal/register"
	"jingzhun/internal/synth"
)

// id makes a valid ID number for a birth date; an odd seq is a man.
func id(birth string, seq int) string {
	first := fmt.Sprintf("530103%s%03d", strings.ReplaceAll(birth, "-", ""), seq)
	return first + idcard.CheckChar(first)
}

func date(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func money(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func member(mid int64, name, relation, birth string, seq int) register.Member {
	n := id(birth, seq)
	return register.Member{ID: mid, Name: name, IDNumber: n, IDIndex: "ix-" + n, Gender: idcard.Gender(n), BirthDate: date(birth),
		Relation: relation, Status: "present", SharesIncome: true, Health: "healthy", SchoolingStatus: "not_student",
		LabourAbility: "ordinary"}
}

// base is a registered household with nothing to find: 3000 yuan a head
// (above the 2952 line), the head works in the county, everything filled in.
func base() *register.Household {
	head := member(11, "张三", "head", "1960-05-01", 11)
	head.MigrantPlace, head.MigrantMonths = "county", intp(6)
	return &register.Household{
		ID: 1, Code: "530103012004-0001", StreetCode: "530103012", VillageCode: "530103012004",
		Status: register.Registered, RegisteredOn: date("2014-10-01"), IdentStandard: "national",
		PovertyAttribute: "general", MainCause: "lack_funds", Hukou: "agricultural", RuralResident: true,
		Dibao: boolp(false), Tekun: boolp(false), IncomeYear: 2016,
		IncomeWage: money("5000"), IncomeOperating: money("1000"), IncomeProperty: money("0"),
		IncomeTransfer: money("300"), OperatingCost: money("300"),
		HousingGrade: "B", LandCultivated: money("5"), RoadDistanceKm: money("2.5"),
		Members: []register.Member{head, member(12, "李梅", "spouse", "1962-03-04", 12)},
	}
}

var line = decimal.NewFromInt(2952)

func ctx() quality.Context {
	return quality.Context{ReferenceDate: date("2017-06-30"), Today: date("2017-09-01"), PovertyLine: &line,
		DuplicateIDs: map[string][]string{}}
}

// child adds a member born on birth, relation rel, with a schooling status.
func child(h *register.Household, rel, birth string, seq int, schooling string) *register.Member {
	m := member(int64(20+len(h.Members)), "张"+fmt.Sprint(len(h.Members)), rel, birth, seq)
	m.SchoolingStatus = schooling
	m.LabourAbility = ""
	h.Members = append(h.Members, m)
	return &h.Members[len(h.Members)-1]
}

type tcase struct {
	name  string
	edit  func(h *register.Household, c *quality.Context)
	code  string // the check under test
	trips bool
	// When it trips: the field, the member index (-1: the household) and
	// words the message must contain.
	field  string
	member int
	words  []string
}

var cases = []tcase{
	// DQ-01
	{"bad check character", func(h *register.Household, _ *quality.Context) {
		n := h.Members[1].IDNumber
		h.Members[1].IDNumber = n[:17] + map[bool]string{true: "1", false: "2"}[n[17] != '1']
	}, quality.DQ01, true, "members.id_number", 1, []string{"李梅", "校验码不正确", "530103********"}},
	{"no ID number", func(h *register.Household, _ *quality.Context) { h.Members[0].IDNumber = "" },
		quality.DQ01, true, "members.id_number", 0, []string{"张三", "未填写"}},
	{"unknown province", func(h *register.Household, _ *quality.Context) {
		first := "99" + h.Members[0].IDNumber[2:17]
		h.Members[0].IDNumber = first + idcard.CheckChar(first)
	}, quality.DQ01, true, "members.id_number", 0, []string{"省级行政区划代码"}},
	{"valid ID numbers", func(*register.Household, *quality.Context) {}, quality.DQ01, false, "", 0, nil},
	{"lower-case x is the same number", func(h *register.Household, _ *quality.Context) {
		for seq := 1; seq < 200; seq++ {
			if n := id("1962-03-04", seq); strings.HasSuffix(n, "X") && seq%2 == 0 {
				h.Members[1].IDNumber = strings.ToLower(n)
				return
			}
		}
	}, quality.DQ01, false, "", 0, nil},

	// DQ-02
	{"gender against the ID", func(h *register.Household, _ *quality.Context) { h.Members[0].Gender = "female" },
		quality.DQ02, true, "members.gender", 0, []string{"性别登记为“女”", "表明为“男”"}},
	{"birth date against the ID", func(h *register.Household, _ *quality.Context) { h.Members[1].BirthDate = date("1962-04-03") },
		quality.DQ02, true, "members.birth_date", 1, []string{"1962-04-03", "1962-03-04"}},
	{"gender and birth date agree", func(*register.Household, *quality.Context) {}, quality.DQ02, false, "", 0, nil},

	// DQ-03
	{"person in another household", func(h *register.Household, c *quality.Context) {
		c.DuplicateIDs[h.Members[1].IDIndex] = []string{h.Code, "530103010001-0042"}
	}, quality.DQ03, true, "members.id_number", 1, []string{"李梅", "530103010001-0042"}},
	{"listed for its own household only", func(h *register.Household, c *quality.Context) {
		c.DuplicateIDs[h.Members[1].IDIndex] = []string{h.Code}
	}, quality.DQ03, false, "", 0, nil},

	// DQ-04
	{"head deceased, no new head", func(h *register.Household, _ *quality.Context) { h.Members[0].Status = "deceased" },
		quality.DQ04, true, "members.relation", -1, []string{"没有户主", "张三", "死亡"}},
	{"two heads", func(h *register.Household, _ *quality.Context) { h.Members[1].Relation = "head" },
		quality.DQ04, true, "members.relation", 1, []string{"2名", "张三", "李梅"}},
	{"old head deceased, spouse is head now", func(h *register.Household, _ *quality.Context) {
		h.Members[0].Status, h.Members[0].Relation, h.Members[1].Relation = "deceased", "other", "head"
	}, quality.DQ04, false, "", 0, nil},

	// DQ-05
	{"pupil without schooling status", func(h *register.Household, _ *quality.Context) {
		child(h, "son", "2005-01-10", 31, "")
	}, quality.DQ05, true, "members.schooling_status", 2, []string{"12岁", "未填写", "2017-06-30"}},
	{"spouse of 55 at primary school", func(h *register.Household, _ *quality.Context) { h.Members[1].SchoolingStatus = "primary" },
		quality.DQ05, true, "members.schooling_status", 1, []string{"55岁", "小学"}},
	{"a 23-year-old turning 24 after the reference date", func(h *register.Household, _ *quality.Context) {
		child(h, "son", "1993-07-01", 33, "") // 24 on 2017-07-01: still 23
	}, quality.DQ05, true, "members.schooling_status", 2, []string{"23岁"}},
	{"five-year-old without status", func(h *register.Household, _ *quality.Context) {
		child(h, "daughter", "2012-01-01", 32, "")
	}, quality.DQ05, false, "", 0, nil},
	{"24-year-old without status", func(h *register.Household, _ *quality.Context) {
		child(h, "son", "1993-06-30", 33, "")
	}, quality.DQ05, false, "", 0, nil},
	{"college student of 25", func(h *register.Household, _ *quality.Context) {
		m := child(h, "son", "1992-01-01", 35, "college")
		m.LabourAbility = "ordinary"
	}, quality.DQ05, false, "", 0, nil},

	// DQ-06
	{"spouse without labour ability", func(h *register.Household, _ *quality.Context) { h.Members[1].LabourAbility = "" },
		quality.DQ06, true, "members.labour_ability", 1, []string{"李梅", "劳动技能未填写", "55岁"}},
	{"boy of 15 and grandparent of 70 without labour ability", func(h *register.Household, _ *quality.Context) {
		child(h, "son", "2002-01-01", 37, "grade9")
		child(h, "grandparent", "1947-01-01", 39, "not_student")
	}, quality.DQ06, false, "", 0, nil},

	// DQ-07
	{"son older than the head", func(h *register.Household, _ *quality.Context) {
		m := child(h, "son", "1959-01-01", 41, "not_student")
		m.LabourAbility = "ordinary"
	}, quality.DQ07, true, "members.relation", 2, []string{"之子", "1959-01-01", "年长", "1960-05-01"}},
	{"parent younger than the head", func(h *register.Household, _ *quality.Context) {
		m := child(h, "parent", "1970-01-01", 43, "not_student")
		m.LabourAbility = "ordinary"
	}, quality.DQ07, true, "members.relation", 2, []string{"父母", "年轻"}},
	{"son younger, parent older", func(h *register.Household, _ *quality.Context) {
		child(h, "son", "2003-01-01", 45, "grade8")
		child(h, "parent", "1935-01-01", 47, "not_student")
	}, quality.DQ07, false, "", 0, nil},

	// DQ-08
	{"因病 without anyone ill", func(h *register.Household, _ *quality.Context) { h.MainCause = "illness" },
		quality.DQ08, true, "main_cause", -1, []string{"因病", "长期慢性病"}},
	{"因残 without anyone disabled", func(h *register.Household, _ *quality.Context) { h.MainCause = "disability" },
		quality.DQ08, true, "main_cause", -1, []string{"因残"}},
	{"因学 without a student", func(h *register.Household, _ *quality.Context) { h.MainCause = "schooling" },
		quality.DQ08, true, "main_cause", -1, []string{"因学", "在校生"}},
	{"因病 with a chronically ill spouse", func(h *register.Household, _ *quality.Context) {
		h.MainCause, h.Members[1].Health = "illness", "chronic"
	}, quality.DQ08, false, "", 0, nil},
	{"因病 where only a deceased member was ill", func(h *register.Household, _ *quality.Context) {
		h.MainCause = "illness"
		m := child(h, "parent", "1930-01-01", 49, "not_student")
		m.Health, m.Status = "major_disease", "deceased"
	}, quality.DQ08, true, "main_cause", -1, nil},
	{"因残 with a disabled member", func(h *register.Household, _ *quality.Context) {
		h.MainCause, h.Members[1].DisabilityCategory = "disability", "physical"
	}, quality.DQ08, false, "", 0, nil},

	// DQ-09
	{"net income below zero", func(h *register.Household, _ *quality.Context) { h.OperatingCost = money("9000") },
		quality.DQ09, true, "income_wage", -1, []string{"-1350.00", "-2700.00", "不大于0"}},
	{"rich household", func(h *register.Household, _ *quality.Context) { h.IncomeWage = money("200000") },
		quality.DQ09, true, "income_wage", -1, []string{"100500.00", "100000"}},
	{"exactly 100,000 a head", func(h *register.Household, _ *quality.Context) { h.IncomeWage = money("199000") },
		quality.DQ09, false, "", 0, nil},

	// DQ-10
	{"wage income and nobody works", func(h *register.Household, _ *quality.Context) {
		h.Members[0].MigrantPlace, h.Members[0].MigrantMonths = "", nil
	}, quality.DQ10, true, "income_wage", -1, []string{"5000.00", "务工"}},
	{"migrant months without wage income", func(h *register.Household, _ *quality.Context) {
		h.IncomeWage, h.IncomeOperating = money("0"), money("6000")
	}, quality.DQ10, true, "members.migrant_months", 0, []string{"张三", "6个月", "0.00"}},
	{"local work in the township, no months recorded", func(h *register.Household, _ *quality.Context) {
		h.Members[0].MigrantPlace, h.Members[0].MigrantMonths = "township", nil
	}, quality.DQ10, false, "", 0, nil},

	// DQ-11
	{"60 亩 a head", func(h *register.Household, _ *quality.Context) { h.LandCultivated = money("120") },
		quality.DQ11, true, "land_cultivated", -1, []string{"60.00亩", "120.00亩", "50"}},
	{"60 km to the village road", func(h *register.Household, _ *quality.Context) { h.RoadDistanceKm = money("60") },
		quality.DQ11, true, "road_distance_km", -1, []string{"60.00公里"}},
	{"50 亩 a head, 50 km", func(h *register.Household, _ *quality.Context) {
		h.LandCultivated, h.RoadDistanceKm = money("100"), money("50")
	}, quality.DQ11, false, "", 0, nil},

	// DQ-12
	{"低保贫困户 without dibao", func(h *register.Household, _ *quality.Context) { h.PovertyAttribute = "dibao" },
		quality.DQ12, true, "poverty_attribute", -1, []string{"低保贫困户", "未享受低保"}},
	{"dibao but 一般贫困户", func(h *register.Household, _ *quality.Context) { h.Dibao = boolp(true) },
		quality.DQ12, true, "poverty_attribute", -1, []string{"一般贫困户", "应为“低保贫困户”"}},
	{"the civil-affairs dataset lists a member, 一般贫困户", func(_ *register.Household, c *quality.Context) { c.DibaoListed = true },
		quality.DQ12, true, "poverty_attribute", -1, []string{"民政部门上传的低保名册"}},
	{"低保贫困户 listed by civil affairs", func(h *register.Household, c *quality.Context) {
		h.PovertyAttribute, h.Dibao, c.DibaoListed = "dibao", nil, true
	}, quality.DQ12, false, "", 0, nil},
	{"dibao household not registered as poor", func(h *register.Household, _ *quality.Context) {
		h.Status, h.Dibao = register.NotRegistered, boolp(true)
	}, quality.DQ12, false, "", 0, nil},

	// DQ-13
	{"dropout of 17", func(h *register.Household, _ *quality.Context) {
		m := child(h, "daughter", "2000-02-02", 52, "not_student")
		m.Dropout, m.LabourAbility = boolp(true), "ordinary"
	}, quality.DQ13, true, "members.dropout", 2, []string{"17岁", "辍学", "6至15岁"}},
	{"dropout of 12", func(h *register.Household, _ *quality.Context) {
		m := child(h, "daughter", "2005-02-02", 52, "not_student")
		m.Dropout = boolp(true)
	}, quality.DQ13, false, "", 0, nil},

	// DQ-14
	{"registered without a date", func(h *register.Household, _ *quality.Context) { h.RegisteredOn = localdate.Date{} },
		quality.DQ14, true, "registered_on", -1, []string{"建档立卡未脱贫", "未填写建档立卡日期"}},
	{"exited before registered", func(h *register.Household, _ *quality.Context) {
		h.Status, h.ExitedYear = register.Exited, intp(2013)
	}, quality.DQ14, true, "exited_year", -1, []string{"2013", "2014-10-01"}},
	{"exited after registered; not registered without a date", func(h *register.Household, _ *quality.Context) {
		h.Status, h.ExitedYear = register.Exited, intp(2016)
	}, quality.DQ14, false, "", 0, nil},
	{"not registered, no date", func(h *register.Household, _ *quality.Context) {
		h.Status, h.RegisteredOn, h.PovertyAttribute = register.NotRegistered, localdate.Date{}, ""
	}, quality.DQ14, false, "", 0, nil},

	// DQ-15
	{"nobody shares income", func(h *register.Household, _ *quality.Context) {
		h.Members[0].SharesIncome, h.Members[1].Status = false, "moved_out"
	}, quality.DQ15, true, "members.status", -1, []string{"2名成员"}},
	{"one member present and sharing", func(h *register.Household, _ *quality.Context) { h.Members[0].SharesIncome = false },
		quality.DQ15, false, "", 0, nil},

	// DQ-16
	{"below the line, no housing grade", func(h *register.Household, _ *quality.Context) {
		h.HousingGrade, h.IncomeWage = "", money("4000")
	}, quality.DQ16, true, "housing_grade", -1, []string{"2500.00", "2952.00"}},
	{"above the line, no housing grade", func(h *register.Household, _ *quality.Context) { h.HousingGrade = "" },
		quality.DQ16, false, "", 0, nil},
	{"no line known", func(h *register.Household, c *quality.Context) {
		h.HousingGrade, h.IncomeWage, c.PovertyLine = "", money("4000"), nil
	}, quality.DQ16, false, "", 0, nil},
}

func TestBaseHouseholdIsClean(t *testing.T) {
	h := base()
	if ds := register.Validate(h, date("2017-09-01")); len(ds) > 0 {
		t.Fatalf("the base household is not valid: %v", ds)
	}
	if got := quality.Check(base(), ctx()); len(got) != 0 {
		t.Fatalf("findings on the base household: %+v", got)
	}
}

func TestChecks(t *testing.T) {
	tripped := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.code+" "+tc.name, func(t *testing.T) {
			h, c := base(), ctx()
			tc.edit(h, &c)
			var mine []quality.Finding
			for _, f := range quality.Check(h, c) {
				if f.Code == tc.code {
					mine = append(mine, f)
				}
			}
			if !tc.trips {
				if len(mine) > 0 {
					t.Fatalf("unexpected findings: %+v", mine)
				}
				return
			}
			if len(mine) != 1 {
				t.Fatalf("want one %s finding, got %+v", tc.code, mine)
			}
			f := mine[0]
			def, _ := quality.Lookup(tc.code)
			if f.Severity != def.Severity || f.Field != tc.field || f.MemberIndex != tc.member {
				t.Fatalf("finding %+v: want field %s member %d severity %s", f, tc.field, tc.member, def.Severity)
			}
			wantID := int64(0)
			if tc.member >= 0 {
				wantID = h.Members[tc.member].ID
			}
			if f.MemberID != wantID {
				t.Fatalf("member id %d, want %d", f.MemberID, wantID)
			}
			for _, w := range tc.words {
				if !strings.Contains(f.Message, w) {
					t.Fatalf("message %q lacks %q", f.Message, w)
				}
			}
			tripped[tc.code] = true
		})
	}
	for _, d := range quality.Catalogue {
		if !tripped[d.Code] {
			t.Errorf("no case trips %s", d.Code)
		}
	}
}

func TestSeverities(t *testing.T) {
	want := map[string]quality.Severity{"DQ-01": "error", "DQ-02": "error", "DQ-03": "error", "DQ-04": "error",
		"DQ-05": "warning", "DQ-06": "warning", "DQ-07": "warning", "DQ-08": "warning", "DQ-09": "warning",
		"DQ-10": "warning", "DQ-11": "warning", "DQ-12": "error", "DQ-13": "warning", "DQ-14": "error",
		"DQ-15": "error", "DQ-16": "warning"}
	if len(quality.Catalogue) != len(want) {
		t.Fatalf("%d checks, want %d", len(quality.Catalogue), len(want))
	}
	for i, d := range quality.Catalogue {
		if d.Code != fmt.Sprintf("DQ-%02d", i+1) || d.Severity != want[d.Code] || d.Title == "" {
			t.Errorf("check %d: %+v", i, d)
		}
	}
}

func TestThresholdsAreSettings(t *testing.T) {
	h, c := base(), ctx()
	h.LandCultivated = money("30") // 15 亩 a head
	th := quality.DefaultThresholds()
	th.LandPerPersonMu = decimal.NewFromInt(10)
	th.LabourRequired = quality.AgeRange{Min: 16, Max: 50}
	h.Members[1].LabourAbility = "" // 55: outside 16–50
	c.Thresholds = &th
	var codes []string
	for _, f := range quality.Check(h, c) {
		codes = append(codes, f.Code)
	}
	if strings.Join(codes, ",") != "DQ-11" {
		t.Fatalf("with thresholds 10 亩 and 16–50: %v", codes)
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		birth, at string
		want      int
	}{
		{"2000-06-30", "2017-06-30", 17}, {"2000-07-01", "2017-06-30", 16}, {"2000-02-29", "2017-02-28", 16},
		{"2000-02-29", "2017-03-01", 17}, {"2017-07-01", "2017-06-30", -1},
	} {
		if got := quality.Age(date(tc.birth), date(tc.at)); got != tc.want {
			t.Errorf("Age(%s, %s) = %d, want %d", tc.birth, tc.at, got, tc.want)
		}
	}
}

// The checks agree with the register's own validation on generated
// households, and every finding links a field of the register's vocabulary.
func TestGeneratedHouseholds(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range register.DataKeys() {
		keys[k.Key] = true
	}
	gen := synth.New(2017)
	today := localdate.Today(time.Now())
	seen := map[string]int{}
	checked := 0
	for i := 0; checked < 400; i++ {
		v1 := gen.Household(i)
		h := register.FromInterchange(&v1)
		if len(register.Validate(&h, today)) > 0 {
			continue
		}
		checked++
		c := ctx()
		c.ReferenceDate = gen.Campaign.ReferenceDate
		for _, f := range quality.Check(&h, c) {
			seen[f.Code]++
			if !keys[f.Field] {
				t.Fatalf("household %s: finding %s links %q, not a register field", h.Code, f.Code, f.Field)
			}
			if (f.MemberIndex >= 0) != register.IsMemberKey(f.Field) && f.Code != quality.DQ04 && f.Code != quality.DQ15 {
				t.Fatalf("finding %+v: member index and field disagree", f)
			}
			switch f.Code {
			case quality.DQ01, quality.DQ02, quality.DQ14:
				t.Fatalf("household %s passes the register's validation but: %+v", h.Code, f)
			}
		}
	}
	// Imported households carry no labour ability: DQ-06 finds them.
	if seen[quality.DQ06] == 0 {
		t.Fatalf("no DQ-06 on households without labour ability: %v", seen)
	}

}
