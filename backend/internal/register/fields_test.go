package register

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

func str(s string) *string { return &s }

func TestFieldValuesRoundTrip(t *testing.T) {
	yes := true
	area := decimal.RequireFromString("82.5")
	h := &Household{Dibao: &yes, HousingAreaM2: &area, Hukou: "agricultural",
		Members: []Member{{ID: 7, Name: "张三", Health: "chronic", FiscalStaffSince: localdate.Date{Year: 2010, Month: 3, Day: 1}}},
		Vehicles: []Vehicle{{ID: 3, HouseholdID: 9, Value: decimal.RequireFromString("45000"), Plate: "云A12345",
			AcquiredOn: localdate.Date{Year: 2016, Month: 3, Day: 1}}},
	}
	for _, c := range []struct {
		key    string
		member int64
		want   *string
	}{
		{"dibao", 0, str("true")},
		{"tekun", 0, nil},
		{"housing_area_m2", 0, str("82.50")},
		{"hukou", 0, str("agricultural")},
		{"housing_grade", 0, nil},
		{"members.health", 7, str("chronic")},
		{"members.fiscal_staff_since", 7, str("2010-03-01")},
		{"members.village_cadre_since", 7, nil},
		{"vehicles", 0, str(`[{"acquired_on":"2016-03-01","exit_measure":false,"plate":"云A12345","value":"45000.00"}]`)},
		{"urban_properties", 0, str(`[]`)},
	} {
		got, err := HouseholdValue(h, c.key, c.member)
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s = %v, want %v", c.key, deref(got), deref(c.want))
		}
	}
	for _, bad := range []struct {
		key    string
		member int64
	}{{"members.health", 0}, {"members.health", 8}, {"dibao", 7}, {"nope", 0}, {"village.clinic", 0}, {"members", 0}, {"id", 0}, {"version", 0}} {
		if _, err := HouseholdValue(h, bad.key, bad.member); err == nil {
			t.Errorf("%s of member %d: no error", bad.key, bad.member)
		}
	}

	// Writing: text in, the same text out.
	for key, v := range map[string]*string{"dibao": str("否"), "tekun": str("true"), "housing_area_m2": str("60"), "road_type": nil,
		"vehicles": str(`[{"value":"30000","acquired_on":"2015-01-02","plate":"云A1","exit_measure":true}]`)} {
		if err := SetHouseholdValue(h, key, 0, v); err != nil {
			t.Fatalf("set %s: %v", key, err)
		}
	}
	if *h.Dibao || !*h.Tekun || h.HousingAreaM2.StringFixed(2) != "60.00" || len(h.Vehicles) != 1 || !h.Vehicles[0].ExitMeasure ||
		h.Vehicles[0].Value.StringFixed(2) != "30000.00" {
		t.Fatalf("after writing: %+v %+v", h, h.Vehicles)
	}
	if err := SetHouseholdValue(h, "members.health", 7, str("major_disease")); err != nil || h.Members[0].Health != "major_disease" {
		t.Fatalf("member write: %v %q", err, h.Members[0].Health)
	}
	for key, v := range map[string]string{"dibao": "也许", "housing_area_m2": "很大", "members.fiscal_staff_since": "2010/3/1",
		"vehicles": `{"value":1}`, "urban_properties": `[{"colour":"red"}]`, "exited_year": "一九"} {
		member := int64(0)
		if IsMemberKey(key) {
			member = 7
		}
		if err := SetHouseholdValue(h, key, member, &v); err == nil {
			t.Errorf("%s accepted %q", key, v)
		}
	}
}

func TestVillageFacts(t *testing.T) {
	n, poor := 120, 150
	v := &VillageFacts{VillageCode: "530103012004", Households: &n, PoorHouseholds: &poor, PoorVillage: ExitedPoorVillage}
	if err := SetVillageValue(v, "village.collective_income", str("-5")); err != nil {
		t.Fatal(err)
	}
	ds := ValidateVillage(v, localdate.Date{Year: 2017, Month: 7, Day: 1})
	fields := []string{}
	for _, d := range ds {
		fields = append(fields, d.Field)
	}
	for _, want := range []string{"poor_households", "collective_income", "poor_village_exit_year"} {
		if !strings.Contains(strings.Join(fields, ","), want) {
			t.Errorf("no problem for %s in %v", want, ds)
		}
	}
	if got, _ := VillageValue(v, "village.households"); got == nil || *got != "120" {
		t.Errorf("village.households = %v", got)
	}
	if _, err := VillageValue(v, "village.version"); err == nil {
		t.Error("bookkeeping readable as a field")
	}
	keys := map[string]bool{}
	for _, k := range DataKeys() {
		keys[k.Key] = true
	}
	for _, k := range []string{"dibao", "vehicles", "members.health", "village.clinic", "village.collective_income"} {
		if !keys[k] {
			t.Errorf("DataKeys lacks %s", k)
		}
	}
	for _, k := range []string{"id", "version", "members", "members.id", "members.id_index", "village.village_code", "village.version", "key_version"} {
		if keys[k] {
			t.Errorf("DataKeys has bookkeeping %s", k)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
