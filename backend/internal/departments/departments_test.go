package departments

import (
	"slices"
	"testing"

	"jingzhun/internal/register"
)

func TestLoad(t *testing.T) {
	ds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Code == "" || d.Name == "" || seen[d.Code] {
			t.Errorf("bad or repeated department %+v", d)
		}
		seen[d.Code] = true
	}
	// The twenty with fields of their own, and 科信, 经投 (departments.md).
	for _, c := range []string{"org", "drc", "edu", "police", "civil", "finance", "hrss", "land", "housing", "transport",
		"agri", "water", "culture", "health", "market", "news", "stats", "disabled", "telecom", "power", "sci", "inv"} {
		if !seen[c] {
			t.Errorf("department %s missing", c)
		}
	}
}

// Every data field of the register's Go types (household, member, village
// facts; bookkeeping skipped as Diff skips it) is in the catalogue with a
// label and a kind its type allows, every key of the catalogue and of the
// lists exists, and every field is owned exactly once.
func TestEveryFieldOwnedExactlyOnce(t *testing.T) {
	if _, err := parse(departmentsJSON); err != nil {
		t.Fatal(err)
	}
	data := map[string]string{}
	for _, k := range register.DataKeys() {
		data[k.Key] = k.Kind
	}
	cat := map[string]Field{}
	labels := map[string]string{}
	for _, f := range Catalogue() {
		cat[f.Key] = f
		kind, ok := data[f.Key]
		if !ok {
			t.Errorf("catalogue names %s, which register does not have", f.Key)
			continue
		}
		want := map[string][]string{
			register.FieldBool: {KindBool}, register.FieldDecimal: {KindDecimal}, register.FieldInt: {KindInt},
			register.FieldDate: {KindDate}, register.FieldText: {KindText, KindEnum}, register.FieldList: {KindList},
		}[kind]
		if !slices.Contains(want, f.Kind) {
			t.Errorf("%s: kind %s, its Go type is %s", f.Key, f.Kind, kind)
		}
		if f.Label == "" {
			t.Errorf("%s has no Chinese label", f.Key)
		}
		if f.Kind == KindEnum && len(register.CodeLists[f.List]) == 0 {
			t.Errorf("%s: code list %q does not exist", f.Key, f.List)
		}
		if f.Kind != KindEnum && f.List != "" {
			t.Errorf("%s: a code list on a %s", f.Key, f.Kind)
		}
		// Labels name fields in the XLSX round trip: unique within a table.
		lk := f.Table() + "/" + f.Label
		if prev, dup := labels[lk]; dup {
			t.Errorf("%s and %s share the label %s", prev, f.Key, f.Label)
		}
		labels[lk] = f.Key
	}
	for k := range data {
		if _, ok := cat[k]; !ok {
			t.Errorf("register field %s is not in the catalogue", k)
		}
		if o := OwnerOf(k); o == "" {
			t.Errorf("%s has no owner", k)
		}
	}
	ds, _ := Load()
	owners := map[string][]string{}
	for _, d := range ds {
		for _, k := range d.Fields {
			owners[k] = append(owners[k], d.Code)
			if _, ok := data[k]; !ok {
				t.Errorf("department %s lists %s, which register does not have", d.Code, k)
			}
		}
	}
	for k, os := range owners {
		if len(os) != 1 {
			t.Errorf("%s owned by %v", k, os)
		}
	}
}

// The table of departments.md and register.md.
func TestResponsibilitiesFollowTheSpec(t *testing.T) {
	want := map[string][]string{
		"police": {"members.id_number", "members.name", "members.status", "vehicles", "hukou", "members.gender", "members.birth_date",
			"members.relation", "village.registered_population"},
		"civil":     {"dibao", "tekun", "poverty_attribute", "village.dibao_households"},
		"disabled":  {"members.disability_category", "members.disability_grade", "members.disability_cert", "village.disabled_people"},
		"health":    {"members.health", "members.disease", "village.clinic", "village.village_doctor"},
		"hrss":      {"members.medical_insured", "members.pension_insured", "members.serious_illness_insured", "members.migrant_place", "members.migrant_months"},
		"land":      {"urban_properties"},
		"market":    {"businesses"},
		"finance":   {"members.fiscal_staff_since", "village.funds_invested", "village.interest_subsidies"},
		"org":       {"members.village_cadre_since", "members.political_status", "members.active_military", "village.two_committee_members"},
		"housing":   {"housing_grade", "housing_area_m2", "housing_structure", "housing_built_year", "village.dangerous_house_renovations"},
		"transport": {"road_type", "road_distance_km", "village.road_to_village", "village.road_to_groups", "village.bus_service"},
		"agri": {"land_cultivated", "land_forest", "land_returned", "land_orchard", "land_grass", "coop_member", "eco_compensation",
			"ranger_income", "village.collective_income", "village.cooperatives"},
		"water":   {"safe_drinking_water", "drinking_difficulty", "land_irrigated", "land_water", "village.drinking_water_project", "village.irrigation"},
		"power":   {"power_living", "power_production", "village.power_production", "village.power_domestic"},
		"news":    {"tv_reception", "village.broadcast_tv"},
		"telecom": {"broadband", "village.broadband", "village.mobile_internet"},
		"drc":     {"relocated", "relocation_mode", "resettlement_site"},
		"edu":     {"members.education_level", "members.schooling_status", "members.dropout", "village.schools", "village.kindergartens"},
		"culture": {"village.culture_room", "village.library"},
		"stats":   {"village.households", "village.population"},
		Team: {"code", "income_wage", "income_transfer", "food_secure", "clothing_secure", "education_burden_heavy",
			"employs_others_long_term", "finding_fraud", "members.shares_income", "members.labour_ability", "help_measures",
			"village.poor_village", "village.resident_work_team", "status", "main_cause"},
	}
	for code, keys := range want {
		for _, k := range keys {
			if o := OwnerOf(k); o != code {
				t.Errorf("%s owned by %q, want %s", k, o, code)
			}
		}
	}
	for _, code := range []string{"sci", "inv"} {
		if fs, ok := Responsibilities(code); !ok || len(fs) != 0 {
			t.Errorf("%s: %v %v, want a department without fields", code, fs, ok)
		}
	}
	if _, ok := Responsibilities("nope"); ok {
		t.Error("an unknown department has responsibilities")
	}
	fs, _ := Responsibilities("health")
	if len(fs) == 0 || fs[0].Key != "members.health" || fs[0].Table() != TableMember || len(fs[0].Choices()) == 0 {
		t.Errorf("health's list: %+v", fs)
	}
	if OwnerOf("no_such_field") != "" {
		t.Error("an unknown key has an owner")
	}
}

func TestParseRefusesDoubleOwnership(t *testing.T) {
	bad := `{"departments":[{"code":"a","name":"A","fields":["x"]},{"code":"b","name":"B","fields":["x"]}],"fields":[{"key":"x","label":"X","kind":"bool"}]}`
	if _, err := parse([]byte(bad)); err == nil {
		t.Error("a field owned twice was accepted")
	}
	unknown := `{"departments":[{"code":"a","name":"A","fields":["y"]}],"fields":[{"key":"x","label":"X","kind":"bool"}]}`
	if _, err := parse([]byte(unknown)); err == nil {
		t.Error("an unknown key was accepted")
	}
}
