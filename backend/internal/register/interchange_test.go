package register

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// id makes a valid ID number: seq odd = male, even = female.
func id(birth string, seq string) string {
	body := "530103" + birth + seq
	return body + string(idcard.CheckChar(body))
}

func dec(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
func yes() *bool                    { b := true; return &b }

func date(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestHealthV1(t *testing.T) {
	cases := []struct {
		health, disability string
		want               interchange.Health
	}{
		{"major_disease", "physical", interchange.MajorDisease},
		{"chronic", "physical", interchange.Disabled},
		{"", "visual", interchange.Disabled},
		{"chronic", "", interchange.Chronic},
		{"healthy", "", interchange.Healthy},
		{"", "", ""},
	}
	for _, c := range cases {
		m := Member{Health: c.health, DisabilityCategory: c.disability}
		if got := m.HealthV1(); got != c.want {
			t.Errorf("health %q disability %q: got %q, want %q", c.health, c.disability, got, c.want)
		}
	}
}

func TestInterchangeRoundTrip(t *testing.T) {
	reg := date("2014-10-01")
	h := Household{
		Code: "530103012004-0001", StreetCode: "530103012", VillageCode: "530103012004",
		Hukou: "agricultural", RuralResident: true, Status: Registered, RegisteredOn: reg,
		Dibao: yes(), IncomeYear: 2016, IncomeWage: dec("5700.00"), IncomeOperating: dec("1200.50"),
		IncomeProperty: dec("0"), IncomeTransfer: dec("840"), OperatingCost: dec("300"),
		HousingGrade: "C", HousingAreaM2: dec("64.5"), FoodSecure: yes(),
		FindingFraud: true,
		Members: []Member{
			{IDNumber: id("19650304", "001"), Name: "李国强", Relation: "head", Status: "present", SharesIncome: true, Health: "chronic", SchoolingStatus: "not_student"},
			{IDNumber: id("19920101", "002"), Name: "李小梅", Relation: "daughter", Status: "present", SharesIncome: true, DisabilityCategory: DisabilityUnspecified, SchoolingStatus: SchoolingBeyondUnspecified},
			{IDNumber: id("19900101", "003"), Name: "王强", Relation: "son_in_law", Status: "present", SharesIncome: false, Health: "healthy"},
			{IDNumber: id("19400101", "004"), Name: "李老", Relation: "parent", Status: "moved_out"},
		},
		Vehicles:        []Vehicle{{Value: decimal.RequireFromString("45000"), AcquiredOn: date("2013-05-01")}},
		UrbanProperties: []UrbanProperty{{Kind: "shop", AcquiredOn: date("2015-01-01")}},
		Businesses:      []Business{{RegisteredOn: date("2016-01-01"), Operating: true}},
	}
	v1 := h.Interchange("第3村民小组")
	if len(v1.Members) != 3 {
		t.Fatalf("a member who moved out is not part of the household: got %d members", len(v1.Members))
	}
	if v1.Members[1].Relation != interchange.Child || v1.Members[2].Relation != interchange.ChildInLaw {
		t.Errorf("relations: %v %v", v1.Members[1].Relation, v1.Members[2].Relation)
	}
	if v1.Members[1].Health != interchange.Disabled || v1.Members[1].Schooling != interchange.BeyondCompulsory {
		t.Errorf("member 2: %+v", v1.Members[1])
	}
	if v1.Region.Group != "第3村民小组" || v1.Income.Transfer.String() != "840" || !v1.Findings.Fraud {
		t.Errorf("household fields: %+v", v1)
	}

	back := FromInterchange(&v1)
	// Gender and birth date come from the ID numbers, as on any entry.
	if back.Members[1].Gender != "female" || back.Members[0].Gender != "male" || back.Members[0].BirthDate != date("1965-03-04") {
		t.Errorf("gender and birth date not read from the ID: %+v", back.Members[:2])
	}
	if back.StreetCode != h.StreetCode || back.VillageCode != h.VillageCode || back.Code != h.Code {
		t.Errorf("region: %+v", back)
	}
	for i, m := range back.Members {
		want := h.Members[i]
		if m.Relation != want.Relation || m.Health != want.Health || m.DisabilityCategory != want.DisabilityCategory || m.SchoolingStatus != want.SchoolingStatus {
			t.Errorf("member %d: got %s/%s/%s/%s, want %s/%s/%s/%s", i, m.Relation, m.Health, m.DisabilityCategory, m.SchoolingStatus,
				want.Relation, want.Health, want.DisabilityCategory, want.SchoolingStatus)
		}
	}
	// And the format survives format → register → format unchanged.
	again := back.Interchange("第3村民小组")
	if !reflect.DeepEqual(again, v1) {
		t.Errorf("format → register → format changed it:\n got %+v\nwant %+v", again, v1)
	}
}

func TestEveryMappedCodeIsInTheCodeLists(t *testing.T) {
	for code := range schoolingToV1 {
		if !Valid("schooling_status", code) {
			t.Errorf("schooling_status %q is mapped but not a code", code)
		}
	}
	for code := range relationToV1 {
		if !Valid("relation", code) {
			t.Errorf("relation %q is mapped but not a code", code)
		}
	}
	for _, it := range CodeLists["schooling_status"] {
		if _, ok := schoolingToV1[it.Code]; !ok {
			t.Errorf("schooling_status %q has no household-v1 value", it.Code)
		}
	}
	if !Valid("disability_category", DisabilityUnspecified) {
		t.Error("unspecified disability is not a code")
	}
}
