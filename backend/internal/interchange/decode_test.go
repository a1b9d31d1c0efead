package interchange

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
)

var campaign2017 = Campaign{
	CampaignYear: 2017, IncomeYear: 2016,
	PovertyLine: decimal.NewFromInt(2952), VehicleValueLimit: decimal.NewFromInt(30000),
	ReferenceDate: localdate.Date{Year: 2017, Month: 6, Day: 30},
}

// baseJSON is a valid not_registered household with one of everything.
const baseJSON = `{
 "code": "530103012004-0001",
 "region": {"street": "530103012", "village": "530103012004", "group": "第3村民小组"},
 "hukou": "agricultural", "rural_resident": true, "status": "not_registered",
 "dibao": false,
 "income": {"year": 2016, "wage": 5700, "operating": 500.5, "property": 0, "transfer": 300, "operating_cost": 500},
 "housing": {"grade": "C", "area_m2": 60},
 "food_secure": true, "clothing_secure": true, "education_burden_heavy": null, "employs_others_long_term": false,
 "findings": {"fraud": false},
 "members": [
  {"id_number": "530124195110086662", "name": "赵云", "relation": "head", "status": "present", "shares_income": true,
   "health": "healthy", "schooling": "none", "dropout": false, "medical_insured": true, "fiscal_staff_since": null, "village_cadre_since": null},
  {"id_number": "11010519491231002x", "name": "康家", "relation": "spouse", "status": "present", "shares_income": true}
 ],
 "vehicles": [{"value": 8000, "acquired_on": "2015-03-01", "exit_measure": false}],
 "urban_properties": [{"kind": "shop", "acquired_on": "2016-03-01", "exit_measure": true, "relocation": false}],
 "businesses": [{"registered_on": "2016-05-01", "operating": false, "exit_measure": false}]
}`

// mutate changes the base household (as generic JSON) and returns it.
func mutate(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(baseJSON), &m); err != nil {
		t.Fatal(err)
	}
	if f != nil {
		f(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }
func member(m map[string]any, i int) map[string]any {
	return m["members"].([]any)[i].(map[string]any)
}
func item(m map[string]any, list string, i int) map[string]any {
	return m[list].([]any)[i].(map[string]any)
}

func paths(errs FieldErrors) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Path)
	}
	slices.Sort(out)
	return out
}

func TestBaseIsValid(t *testing.T) {
	var h Household
	code, errs := ReadHousehold([]byte(baseJSON), campaign2017, &h)
	if len(errs) > 0 || code == nil || *code != "530103012004-0001" {
		t.Fatalf("base: %v %v", code, errs)
	}
	if h.Members[1].IDNumber != "11010519491231002x" || h.Income.Operating.String() != "500.5" || h.EducationBurdenHeavy != nil ||
		h.Members[1].Health != "" || h.Members[1].Dropout != nil || h.Region.Village != "530103012004" {
		t.Fatalf("decoded: %+v", h)
	}
}

// TestValidation is rules.md §6 case by case: each bad household gets one
// error per problem, at the path of the input at fault.
func TestValidation(t *testing.T) {
	long := func(n int, r string) string { return strings.Repeat(r, n) }
	cases := []struct {
		name   string
		change func(m map[string]any)
		paths  []string // nil: valid
	}{
		// keys
		{"unknown key", func(m map[string]any) { m["favourite_colour"] = "red" }, []string{"favourite_colour"}},
		{"unknown member key", func(m map[string]any) { member(m, 1)["nickname"] = "x" }, []string{"members[1].nickname"}},
		{"unknown income key", func(m map[string]any) { obj(m, "income")["bonus"] = 1 }, []string{"income.bonus"}},
		{"unknown housing key", func(m map[string]any) { obj(m, "housing")["floors"] = 2 }, []string{"housing.floors"}},
		{"unknown findings key", func(m map[string]any) { obj(m, "findings")["lazy"] = true }, []string{"findings.lazy"}},
		{"unknown region key", func(m map[string]any) { obj(m, "region")["town"] = "x" }, []string{"region.town"}},
		{"unknown vehicle key", func(m map[string]any) { item(m, "vehicles", 0)["plate"] = "云A" }, []string{"vehicles[0].plate"}},
		// required fields
		{"code missing", func(m map[string]any) { delete(m, "code") }, []string{"code"}},
		{"hukou missing", func(m map[string]any) { delete(m, "hukou") }, []string{"hukou"}},
		{"rural_resident missing", func(m map[string]any) { delete(m, "rural_resident") }, []string{"rural_resident"}},
		{"status missing", func(m map[string]any) { delete(m, "status") }, []string{"status"}},
		{"income missing", func(m map[string]any) { delete(m, "income") }, []string{"income"}},
		{"housing missing", func(m map[string]any) { delete(m, "housing") }, []string{"housing"}},
		{"members missing", func(m map[string]any) { delete(m, "members") }, []string{"members"}},
		{"income.year missing", func(m map[string]any) { delete(obj(m, "income"), "year") }, []string{"income.year"}},
		{"member fields missing", func(m map[string]any) {
			for _, k := range []string{"id_number", "name", "relation", "status", "shares_income"} {
				delete(member(m, 1), k)
			}
		}, []string{"members[1].id_number", "members[1].name", "members[1].relation", "members[1].shares_income", "members[1].status"}},
		{"vehicle fields missing", func(m map[string]any) { m["vehicles"] = []any{map[string]any{}} },
			[]string{"vehicles[0].acquired_on", "vehicles[0].exit_measure", "vehicles[0].value"}},
		{"property fields missing", func(m map[string]any) { m["urban_properties"] = []any{map[string]any{}} },
			[]string{"urban_properties[0].acquired_on", "urban_properties[0].exit_measure", "urban_properties[0].kind", "urban_properties[0].relocation"}},
		{"business fields missing", func(m map[string]any) { m["businesses"] = []any{map[string]any{}} },
			[]string{"businesses[0].exit_measure", "businesses[0].operating", "businesses[0].registered_on"}},
		// optional fields: absent or null
		{"optional unknowns absent", func(m map[string]any) {
			for _, k := range []string{"dibao", "food_secure", "clothing_secure", "education_burden_heavy", "employs_others_long_term", "region", "findings", "vehicles", "urban_properties", "businesses", "registered_on", "exited_year"} {
				delete(m, k)
			}
			for _, k := range []string{"wage", "operating", "property", "transfer", "operating_cost"} {
				delete(obj(m, "income"), k)
			}
			delete(obj(m, "housing"), "grade")
			delete(obj(m, "housing"), "area_m2")
		}, nil},
		{"lists, findings and region null", func(m map[string]any) {
			for _, k := range []string{"region", "findings", "vehicles", "urban_properties", "businesses"} {
				m[k] = nil
			}
		}, nil},
		// wrong types and nulls
		{"code a number", func(m map[string]any) { m["code"] = 42 }, []string{"code"}},
		{"code null", func(m map[string]any) { m["code"] = nil }, []string{"code"}},
		{"rural_resident a string", func(m map[string]any) { m["rural_resident"] = "yes" }, []string{"rural_resident"}},
		{"rural_resident null", func(m map[string]any) { m["rural_resident"] = nil }, []string{"rural_resident"}},
		{"dibao a string", func(m map[string]any) { m["dibao"] = "no" }, []string{"dibao"}},
		{"wage a string", func(m map[string]any) { obj(m, "income")["wage"] = "5700" }, []string{"income.wage"}},
		{"income a string (no year error beside it)", func(m map[string]any) { m["income"] = "none" }, []string{"income"}},
		{"income null", func(m map[string]any) { m["income"] = nil }, []string{"income"}},
		{"housing null", func(m map[string]any) { m["housing"] = nil }, []string{"housing"}},
		{"members a string", func(m map[string]any) { m["members"] = "x" }, []string{"members"}},
		{"members null", func(m map[string]any) { m["members"] = nil }, []string{"members"}},
		{"members empty", func(m map[string]any) { m["members"] = []any{} }, []string{"members"}},
		{"a member not an object", func(m map[string]any) { m["members"] = append(m["members"].([]any), 5) }, []string{"members[2]"}},
		{"findings key null", func(m map[string]any) { obj(m, "findings")["fraud"] = nil }, []string{"findings.fraud"}},
		{"shares_income null", func(m map[string]any) { member(m, 1)["shares_income"] = nil }, []string{"members[1].shares_income"}},
		{"exit_measure null", func(m map[string]any) { item(m, "vehicles", 0)["exit_measure"] = nil }, []string{"vehicles[0].exit_measure"}},
		{"vehicle value null", func(m map[string]any) { item(m, "vehicles", 0)["value"] = nil }, []string{"vehicles[0].value"}},
		{"vehicles an object", func(m map[string]any) { m["vehicles"] = map[string]any{} }, []string{"vehicles"}},
		{"region street a number", func(m map[string]any) { obj(m, "region")["street"] = 530103012 }, []string{"region.street"}},
		{"hukou a number is reported once", func(m map[string]any) { m["hukou"] = 1 }, []string{"hukou"}},
		// enums
		{"hukou unknown", func(m map[string]any) { m["hukou"] = "urban" }, []string{"hukou"}},
		{"status unknown", func(m map[string]any) { m["status"] = "poor" }, []string{"status"}},
		{"grade E", func(m map[string]any) { obj(m, "housing")["grade"] = "E" }, []string{"housing.grade"}},
		{"grade lower-case", func(m map[string]any) { obj(m, "housing")["grade"] = "c" }, []string{"housing.grade"}},
		{"grade empty string", func(m map[string]any) { obj(m, "housing")["grade"] = "" }, []string{"housing.grade"}},
		{"relation unknown", func(m map[string]any) { member(m, 1)["relation"] = "cousin" }, []string{"members[1].relation"}},
		{"member status unknown", func(m map[string]any) { member(m, 1)["status"] = "moved_out" }, []string{"members[1].status"}},
		{"health unknown", func(m map[string]any) { member(m, 0)["health"] = "sick" }, []string{"members[0].health"}},
		{"health empty", func(m map[string]any) { member(m, 0)["health"] = "" }, []string{"members[0].health"}},
		{"schooling unknown", func(m map[string]any) { member(m, 0)["schooling"] = "university" }, []string{"members[0].schooling"}},
		{"property kind unknown", func(m map[string]any) { item(m, "urban_properties", 0)["kind"] = "villa" }, []string{"urban_properties[0].kind"}},
		// dates
		{"registered_on not real, even for not_registered", func(m map[string]any) { m["registered_on"] = "2017-02-30" }, []string{"registered_on"}},
		{"registered_on not YYYY-MM-DD", func(m map[string]any) { m["registered_on"] = "2017-6-1" }, []string{"registered_on"}},
		{"registered_on after the reference date is not read for not_registered", func(m map[string]any) { m["registered_on"] = "2018-01-01" }, nil},
		{"fiscal_staff_since month 13", func(m map[string]any) { member(m, 0)["fiscal_staff_since"] = "2016-13-01" }, []string{"members[0].fiscal_staff_since"}},
		{"fiscal_staff_since long ago is fine", func(m map[string]any) { member(m, 0)["fiscal_staff_since"] = "1980-02-29" }, nil},
		{"acquired_on a word", func(m map[string]any) { item(m, "vehicles", 0)["acquired_on"] = "yesterday" }, []string{"vehicles[0].acquired_on"}},
		{"acquired_on after the reference date is fine", func(m map[string]any) { item(m, "vehicles", 0)["acquired_on"] = "2018-01-01" }, nil},
		{"leap day 2016", func(m map[string]any) { item(m, "businesses", 0)["registered_on"] = "2016-02-29" }, nil},
		{"no leap day 2015", func(m map[string]any) { item(m, "businesses", 0)["registered_on"] = "2015-02-29" }, []string{"businesses[0].registered_on"}},
		// integers
		{"income.year 2016.0", func(m map[string]any) { obj(m, "income")["year"] = json.Number("2016.0") }, []string{"income.year"}},
		{"income.year 2.016e3", func(m map[string]any) { obj(m, "income")["year"] = json.Number("2.016e3") }, []string{"income.year"}},
		{"exited_year 2016.5", func(m map[string]any) { m["exited_year"] = 2016.5 }, []string{"exited_year"}},
		{"exited_year not read for not_registered", func(m map[string]any) { m["exited_year"] = 2030 }, nil},
		// amounts
		{"negative wage", func(m map[string]any) { obj(m, "income")["wage"] = -1 }, []string{"income.wage"}},
		{"negative operating cost", func(m map[string]any) { obj(m, "income")["operating_cost"] = json.Number("-0.01") }, []string{"income.operating_cost"}},
		{"negative vehicle value", func(m map[string]any) { item(m, "vehicles", 0)["value"] = -1 }, []string{"vehicles[0].value"}},
		{"negative area", func(m map[string]any) { obj(m, "housing")["area_m2"] = -5 }, []string{"housing.area_m2"}},
		{"minus zero is not negative", func(m map[string]any) { obj(m, "income")["wage"] = json.Number("-0") }, nil},
		{"net income may be negative", func(m map[string]any) { obj(m, "income")["operating_cost"] = 99999 }, nil},
		{"exponent amounts are exact", func(m map[string]any) { obj(m, "income")["wage"] = json.Number("5.7e3") }, nil},
		{"an absurd amount is out of range", func(m map[string]any) { obj(m, "income")["wage"] = json.Number("1e999999999") }, []string{"income.wage"}},
		// lengths, in characters
		{"code of 64 Chinese characters", func(m map[string]any) { m["code"] = long(64, "户") }, nil},
		{"code of 65 characters", func(m map[string]any) { m["code"] = long(65, "a") }, []string{"code"}},
		{"code empty", func(m map[string]any) { m["code"] = "" }, []string{"code"}},
		{"name of 50 Chinese characters", func(m map[string]any) { member(m, 0)["name"] = long(50, "名") }, nil},
		{"name of 51 characters", func(m map[string]any) { member(m, 0)["name"] = long(51, "名") }, []string{"members[0].name"}},
		{"name empty", func(m map[string]any) { member(m, 0)["name"] = "" }, []string{"members[0].name"}},
		// ID numbers
		{"wrong check character", func(m map[string]any) { member(m, 0)["id_number"] = "530124195110086663" }, []string{"members[0].id_number"}},
		{"province 99", func(m map[string]any) { member(m, 0)["id_number"] = "990124195110086667" }, []string{"members[0].id_number"}},
		{"born after the reference date", func(m map[string]any) { member(m, 0)["id_number"] = "530124201707010016" }, []string{"members[0].id_number"}},
		{"17 digits", func(m map[string]any) { member(m, 0)["id_number"] = "53012419511008666" }, []string{"members[0].id_number"}},
		{"same ID twice, x and X", func(m map[string]any) { member(m, 0)["id_number"] = "11010519491231002X" }, []string{"members[1].id_number"}},
		// heads and members
		{"two heads", func(m map[string]any) { member(m, 1)["relation"] = "head" }, []string{"members"}},
		{"no head", func(m map[string]any) { member(m, 0)["relation"] = "spouse" }, []string{"members"}},
		{"a deceased head is still the head", func(m map[string]any) { member(m, 0)["status"] = "deceased" }, nil},
		{"not_registered without a counted member", func(m map[string]any) {
			member(m, 0)["status"] = "deceased"
			member(m, 1)["shares_income"] = false
		}, []string{"members"}},
		// campaign
		{"income of the wrong year", func(m map[string]any) { obj(m, "income")["year"] = 2015 }, []string{"income.year"}},
		{"registered without registered_on", func(m map[string]any) { m["status"] = "registered" }, []string{"registered_on"}},
		{"registered with registered_on null", func(m map[string]any) { m["status"] = "registered"; m["registered_on"] = nil }, []string{"registered_on"}},
		{"registered on the reference date", func(m map[string]any) { m["status"] = "registered"; m["registered_on"] = "2017-06-30" }, nil},
		{"registered after the reference date", func(m map[string]any) { m["status"] = "registered"; m["registered_on"] = "2017-07-01" }, []string{"registered_on"}},
		{"exited without exited_year", func(m map[string]any) { m["status"] = "exited"; m["registered_on"] = "2014-10-01" }, []string{"exited_year"}},
		{"exited in the campaign year", func(m map[string]any) {
			m["status"] = "exited"
			m["registered_on"] = "2014-10-01"
			m["exited_year"] = 2017
		}, []string{"exited_year"}},
		{"exited before registration", func(m map[string]any) {
			m["status"] = "exited"
			m["registered_on"] = "2014-10-01"
			m["exited_year"] = 2013
		}, []string{"exited_year"}},
		{"exited the year of registration", func(m map[string]any) {
			m["status"] = "exited"
			m["registered_on"] = "2014-10-01"
			m["exited_year"] = 2014
		}, nil},
		{"exited without registered_on", func(m map[string]any) { m["status"] = "exited"; m["exited_year"] = 2015 }, []string{"registered_on"}},
		// several problems, one error each
		{"three problems", func(m map[string]any) {
			m["hukou"] = "urban"
			obj(m, "income")["year"] = 2015
			member(m, 1)["name"] = ""
		}, []string{"hukou", "income.year", "members[1].name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Household
			_, errs := ReadHousehold(mutate(t, c.change), campaign2017, &h)
			want := c.paths
			if want == nil {
				want = []string{}
			}
			if got := paths(errs); !slices.Equal(got, want) {
				t.Fatalf("errors at %v, want %v: %v", got, want, errs)
			}
			for _, e := range errs {
				if e.Message == "" {
					t.Errorf("no message at %s", e.Path)
				}
			}
		})
	}
}

func TestRepeatedKeyKeepsLastValue(t *testing.T) {
	var h Household
	raw := strings.Replace(baseJSON, `"dibao": false`, `"dibao": "junk", "dibao": true`, 1)
	if _, errs := ReadHousehold([]byte(raw), campaign2017, &h); len(errs) > 0 || h.Dibao == nil || !*h.Dibao {
		t.Fatalf("last value: %v %v", errs, h.Dibao)
	}
	raw = strings.Replace(baseJSON, `"dibao": false`, `"dibao": false, "dibao": "junk"`, 1)
	if _, errs := ReadHousehold([]byte(raw), campaign2017, &h); !slices.Equal(paths(errs), []string{"dibao"}) {
		t.Fatalf("last value bad: %v", errs)
	}
	raw = strings.Replace(baseJSON, `"code": "530103012004-0001",`, `"code": "A", "code": 7,`, 1)
	code, errs := ReadHousehold([]byte(raw), campaign2017, &h)
	if code != nil || !slices.Equal(paths(errs), []string{"code"}) {
		t.Fatalf("code repeated: %v %v", code, errs)
	}
	raw = strings.Replace(baseJSON, `"findings": {"fraud": false},`, `"findings": {"fraud": null}, "findings": {"fraud": true},`, 1)
	if _, errs := ReadHousehold([]byte(raw), campaign2017, &h); len(errs) > 0 || !h.Findings.Fraud {
		t.Fatalf("object repeated: %v %+v", errs, h.Findings)
	}
}

func TestNotAnObject(t *testing.T) {
	for _, raw := range []string{`5`, `null`, `[]`, `"x"`, `true`} {
		var h Household
		code, errs := ReadHousehold([]byte(raw), campaign2017, &h)
		if code != nil || len(errs) != 1 || errs[0].Path != "" {
			t.Errorf("%s: %v %v", raw, code, errs)
		}
	}
	for _, raw := range []string{``, `{`, `{"code": }`, `{"code": "a"} x`, "{\"code\": \"\x01\"}"} {
		var h Household
		if _, errs := DecodeHousehold([]byte(raw), &h); len(errs) != 1 || errs[0].Path != "" {
			t.Errorf("malformed %q: %v", raw, errs)
		}
	}
}

func TestStringsAreUnescaped(t *testing.T) {
	raw := strings.Replace(baseJSON, `"name": "赵云"`, `"name": "\u8d75\u4e91\n"`, 1)
	var h Household
	DecodeHousehold([]byte(raw), &h)
	if h.Members[0].Name != "赵云\n" {
		t.Fatalf("name %q", h.Members[0].Name)
	}
	raw = strings.Replace(baseJSON, `"hukou"`, `"huk\u006fu"`, 1)
	if _, errs := ReadHousehold([]byte(raw), campaign2017, &h); len(errs) > 0 {
		t.Fatalf("escaped key: %v", errs)
	}
}

// TestRoundTrip: what AppendHousehold writes, DecodeHousehold reads back
// to the same household; and encoding/json reads it too (the yardstick).
func TestRoundTrip(t *testing.T) {
	files := []string{"../../testdata/spec/rules-cases.json"}
	var f struct {
		Cases []struct {
			Household json.RawMessage `json:"household"`
		} `json:"cases"`
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	raws := []json.RawMessage{json.RawMessage(baseJSON)}
	for _, c := range f.Cases {
		raws = append(raws, c.Household)
	}
	for i, raw := range raws {
		var h Household
		if _, errs := DecodeHousehold(raw, &h); len(errs) > 0 {
			if errs[0].Path == "favourite_colour" {
				continue
			}
			t.Fatalf("%d: %v", i, errs)
		}
		out := AppendHousehold(nil, &h)
		var again Household
		if _, errs := DecodeHousehold(out, &again); len(errs) > 0 {
			t.Fatalf("%d: re-read: %v\n%s", i, errs, out)
		}
		if out2 := AppendHousehold(nil, &again); string(out2) != string(out) {
			t.Fatalf("%d: round trip differs:\n%s\n%s", i, out, out2)
		}
		var lenient Household
		if err := json.Unmarshal(out, &lenient); err != nil {
			t.Fatalf("%d: encoding/json: %v", i, err)
		}
		if out3 := AppendHousehold(nil, &lenient); string(out3) != string(out) {
			t.Fatalf("%d: encoding/json reads differently:\n%s\n%s", i, out, out3)
		}
		if m, _ := json.Marshal(h); string(m) != string(out) {
			t.Fatalf("%d: MarshalJSON differs", i)
		}
	}
}

func TestAppendDecimalAndString(t *testing.T) {
	for in, want := range map[string]string{
		"2952": "2952", "2951.99": "2951.99", "2100.50": "2100.5", "-0.03": "-0.03", "0.05": "0.05",
		"3e4": "30000", "1.5e-3": "0.0015", "123456789012345678.5": "123456789012345678.5", "0": "0",
	} {
		if got := string(AppendDecimal(nil, decimal.RequireFromString(in))); got != want {
			t.Errorf("AppendDecimal(%s) = %s, want %s", in, got, want)
		}
	}
	for _, s := range []string{"", "赵云", "a\"b\\c", "\n\t\r\x01", "\u2028", "bad\xffutf8", "<&>"} {
		out := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Errorf("AppendString(%q) = %s: %v", s, out, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("AppendString(%q) reads back %q, want %q", s, back, wantBack)
		}
	}
}

// TestManyMembers: a document may list very many members; the duplicate
// check must not cost quadratic time, and still finds the repeat.
func TestManyMembers(t *testing.T) {
	var h Household
	if _, errs := DecodeHousehold([]byte(baseJSON), &h); len(errs) > 0 {
		t.Fatal(errs)
	}
	first := h.Members[0]
	h.Members = h.Members[:1]
	for i := range 50000 {
		m := first
		m.Relation = Child
		d17 := fmt.Sprintf("530103%04d0101%03d", 1950+i/1000, i%1000)
		m.IDNumber = d17 + idcard.CheckChar(d17)
		h.Members = append(h.Members, m)
	}
	h.Members = append(h.Members, h.Members[7])
	errs := Validate(&h, campaign2017)
	if len(errs) != 1 || errs[0].Path != "members[50001].id_number" {
		t.Fatalf("%d errors, first %v", len(errs), errs[:min(3, len(errs))])
	}
}
