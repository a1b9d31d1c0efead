package crosscheck

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/register"
)

// firstRecord reads a dataset's first good row as the reader gives it.
func firstRecord(t *testing.T, c dsCase) (Dataset, Record) {
	t.Helper()
	ds := mustDS(t, c.code)
	recs, problems := readCSV(t, ds, csvFile(t, ds, c.good[0]))
	if len(problems) != 0 || len(recs) != 1 {
		t.Fatalf("good row: %v", problems)
	}
	return ds, recs[0]
}

var listIndex = regexp.MustCompile(`\[[^\]]*\]`)

// diffFields are the fields register.Diff names between two households,
// in Finding terms: members[0].health → members.health, vehicles[0].value
// → vehicles.
func diffFields(before, after *register.Household) []string {
	var out []string
	for _, ch := range register.Diff(before, after) {
		f := ch.Field
		for _, list := range []string{"vehicles", "urban_properties", "businesses"} {
			if strings.HasPrefix(f, list+"[") {
				f = list
			}
		}
		out = append(out, listIndex.ReplaceAllString(f, ""))
	}
	return out
}

// TestCompareAndApply: for every dataset, the first good row differs from
// the base household in the expected fields, each naming the dataset's
// rule; Apply takes the department's value, after which Compare finds
// nothing, the household still validates, and register.Diff names the
// same fields. Applying twice changes nothing more.
func TestCompareAndApply(t *testing.T) {
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			ds, rec := firstRecord(t, c)
			h := baseHousehold()
			if c.prepare != nil {
				c.prepare(h)
			}
			if d := register.Validate(clone(h), testToday); len(d) != 0 {
				t.Fatalf("base household invalid: %v", d)
			}
			findings := Compare(ds, rec, h, 1)
			var fields []string
			for _, f := range findings {
				fields = append(fields, f.Field)
				if f.Rule != ds.Rule || f.Label == "" || f.Survey == "" || f.Department == "" || f.Survey == f.Department {
					t.Errorf("finding %+v", f)
				}
			}
			if !slices.Equal(fields, c.findings) {
				t.Fatalf("findings %v, want %v (%+v)", fields, c.findings, findings)
			}
			before := clone(h)
			if err := Apply(ds, rec, h, 1); err != nil {
				t.Fatal(err)
			}
			if got := Compare(ds, rec, h, 1); got != nil {
				t.Fatalf("after Apply: %+v", got)
			}
			if d := register.Validate(clone(h), testToday); len(d) != 0 {
				t.Fatalf("household invalid after Apply: %v", d)
			}
			changed := diffFields(before, h)
			for _, f := range fields {
				if !slices.Contains(changed, f) {
					t.Errorf("finding field %s is not a field register.Diff names (changed: %v)", f, changed)
				}
			}
			again := clone(h)
			if err := Apply(ds, rec, again, 1); err != nil {
				t.Fatal(err)
			}
			if d := register.Diff(h, again); len(d) != 0 {
				t.Errorf("second Apply changed %v", d)
			}
			// The member may also be found by the ID number alone.
			if got := Compare(ds, rec, before, 0); len(got) != len(findings) {
				t.Errorf("by ID number: %+v", got)
			}
		})
	}
}

func TestCompareDetails(t *testing.T) {
	rec := func(code string, values map[string]string) (Dataset, Record) {
		ds := mustDS(t, code)
		return ds, Record{Row: 2, IDNumber: p1, Name: "张三", Values: values}
	}
	t.Run("vehicle recorded alike", func(t *testing.T) {
		ds, r := rec("vehicles", map[string]string{"plate": "云A 12345", "value": "45000.00", "acquired_on": "2016-03-15"})
		h := baseHousehold()
		h.Vehicles = []register.Vehicle{{Plate: "云A12345", Value: decimal.NewFromInt(45000), AcquiredOn: date("2016-03-15")}}
		if f := Compare(ds, r, h, 1); f != nil {
			t.Errorf("findings %+v", f)
		}
	})
	t.Run("vehicle recorded at another price", func(t *testing.T) {
		ds, r := rec("vehicles", map[string]string{"plate": "云A12345", "value": "45000.00", "acquired_on": "2016-03-15"})
		h := baseHousehold()
		h.Vehicles = []register.Vehicle{{Plate: "云A12345", Value: decimal.NewFromInt(25000), AcquiredOn: date("2016-03-15"), ExitMeasure: true},
			{Plate: "云A99999", Value: decimal.NewFromInt(5000), AcquiredOn: date("2012-01-01")}}
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || !strings.Contains(f[0].Survey, "25000.00") || !strings.Contains(f[0].Department, "45000.00") || f[0].Rule != "EX-03" {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil {
			t.Fatal(err)
		}
		if len(h.Vehicles) != 2 || !h.Vehicles[0].Value.Equal(decimal.NewFromInt(45000)) || !h.Vehicles[0].ExitMeasure {
			t.Errorf("vehicles after Apply %+v", h.Vehicles)
		}
	})
	t.Run("vehicle without plate in the survey", func(t *testing.T) {
		ds, r := rec("vehicles", map[string]string{"plate": "云A12345", "value": "45000.00", "acquired_on": "2016-03-15"})
		h := baseHousehold()
		h.Vehicles = []register.Vehicle{{Value: decimal.NewFromInt(45000), AcquiredOn: date("2016-03-15")}}
		if f := Compare(ds, r, h, 1); len(f) != 1 {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || len(h.Vehicles) != 1 || h.Vehicles[0].Plate != "云A12345" {
			t.Fatalf("%v %+v", err, h.Vehicles)
		}
	})
	t.Run("unrecorded vehicle lists the survey's", func(t *testing.T) {
		ds, r := rec("vehicles", map[string]string{"plate": "云A12345", "value": "45000.00", "acquired_on": "2016-03-15"})
		h := baseHousehold()
		h.Vehicles = []register.Vehicle{{Plate: "云A99999", Value: decimal.NewFromInt(5000), AcquiredOn: date("2012-01-01")}}
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || !strings.Contains(f[0].Survey, "未登记该车") || !strings.Contains(f[0].Survey, "云A99999") {
			t.Fatalf("findings %+v", f)
		}
	})
	t.Run("deregistered business the survey lacks", func(t *testing.T) {
		ds, r := rec("businesses", map[string]string{"business_name": "某店", "reg_no": "92530103MA6K7X8Y9Z", "registered_on": "2010-01-01", "operating": "deregistered"})
		if f := Compare(ds, r, baseHousehold(), 1); f != nil {
			t.Errorf("findings %+v", f)
		}
	})
	t.Run("business recorded as operating, now deregistered", func(t *testing.T) {
		ds, r := rec("businesses", map[string]string{"business_name": "某店", "reg_no": "92530103ma6k7x8y9z", "registered_on": "2010-01-01", "operating": "deregistered"})
		h := baseHousehold()
		h.Businesses = []register.Business{{Name: "某店", RegNo: "92530103MA6K7X8Y9Z", RegisteredOn: date("2010-01-01"), Operating: true}}
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || !strings.Contains(f[0].Department, "注销") || !strings.Contains(f[0].Survey, "在营") {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || h.Businesses[0].Operating || len(h.Businesses) != 1 {
			t.Fatalf("%v %+v", err, h.Businesses)
		}
	})
	t.Run("cadre relative of a household not registered", func(t *testing.T) {
		ds, r := rec("cadre_relatives", map[string]string{"cadre_id_number": p5, "cadre_name": "赵六", "relation": "sibling"})
		h := baseHousehold()
		h.Status = register.NotRegistered
		if f := Compare(ds, r, h, 1); f != nil {
			t.Errorf("findings %+v", f)
		}
		h.Status = register.Registered
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || strings.Contains(f[0].Department, p5) || !strings.Contains(f[0].Department, "赵六") {
			t.Fatalf("the cadre's ID number must be masked: %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || !h.FindingFraud || !strings.Contains(h.FindingFraudNote, "赵六") {
			t.Fatalf("%v %+v", err, h.FindingFraudNote)
		}
	})
	t.Run("tekun", func(t *testing.T) {
		ds, r := rec("dibao", map[string]string{"kind": "tekun", "since": "2016-01-01"})
		h := baseHousehold()
		h.Dibao = ptr(true)
		h.Tekun = ptr(false)
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || f[0].Field != "tekun" || f[0].Survey != "否" || f[0].Rule != "ID-02" {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || !*h.Tekun {
			t.Fatal(err)
		}
	})
	t.Run("stage without grade agrees", func(t *testing.T) {
		ds, r := rec("students", map[string]string{"school": "某中学", "stage": "grade8"})
		h := baseHousehold()
		h.Members[0].SchoolingStatus = register.SchoolingCompulsoryUnspecified
		if f := Compare(ds, r, h, 1); f != nil {
			t.Errorf("findings %+v", f)
		}
		h.Members[0].Dropout = ptr(true)
		if f := Compare(ds, r, h, 1); len(f) != 1 || f[0].Field != "members.dropout" {
			t.Errorf("findings %+v", f)
		}
	})
	t.Run("dropout", func(t *testing.T) {
		ds, r := rec("students", map[string]string{"school": "某中学", "stage": "grade8", "dropout": "true"})
		h := baseHousehold()
		h.Members[0].SchoolingStatus = "grade8"
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || f[0].Field != "members.dropout" || f[0].Survey != "未登记" {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || !*h.Members[0].Dropout {
			t.Fatal(err)
		}
	})
	t.Run("not insured", func(t *testing.T) {
		ds, r := rec("insurance", map[string]string{"kind": "pension", "insured": "false"})
		h := baseHousehold()
		h.Members[0].PensionInsured = ptr(true)
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || f[0].Field != "members.pension_insured" || f[0].Survey != "已参保" || f[0].Department != "未参保" {
			t.Fatalf("findings %+v", f)
		}
	})
	t.Run("another disease", func(t *testing.T) {
		ds, r := rec("major_disease", map[string]string{"disease": "白血病"})
		h := baseHousehold()
		h.Members[0].Health, h.Members[0].Disease = "major_disease", "尿毒症"
		f := Compare(ds, r, h, 1)
		if len(f) != 1 || f[0].Field != "members.disease" {
			t.Fatalf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 1); err != nil || h.Members[0].Disease != "尿毒症、白血病" {
			t.Fatalf("%v %q", err, h.Members[0].Disease)
		}
	})
	t.Run("death already recorded", func(t *testing.T) {
		ds, r := rec("deaths_moves", map[string]string{"change": "deceased", "changed_on": "2017-01-01"})
		h := baseHousehold()
		h.Members[0].Status = "deceased"
		if f := Compare(ds, r, h, 1); f != nil {
			t.Errorf("findings %+v", f)
		}
	})
	t.Run("member of another household", func(t *testing.T) {
		ds, r := rec("payroll", map[string]string{"employer": "某局", "staff_since": "2015-01-01"})
		r.IDNumber = p4
		h := baseHousehold()
		if f := Compare(ds, r, h, 99); f != nil {
			t.Errorf("findings %+v", f)
		}
		if err := Apply(ds, r, h, 99); err == nil || !strings.Contains(err.Error(), "不是该户的成员") {
			t.Errorf("Apply: %v", err)
		}
	})
	t.Run("unknown dataset", func(t *testing.T) {
		if err := Apply(Dataset{Code: "nope"}, Record{}, baseHousehold(), 1); err == nil {
			t.Error("no error")
		}
		if f := Compare(Dataset{Code: "nope"}, Record{}, baseHousehold(), 1); f != nil {
			t.Error("findings")
		}
	})
	t.Run("bad record leaves the household alone", func(t *testing.T) {
		ds, r := rec("disability", map[string]string{"category": "physical", "grade": "9", "cert_no": "x"})
		h := baseHousehold()
		if err := Apply(ds, r, h, 1); err == nil || h.Members[0].DisabilityCategory != "" {
			t.Errorf("Apply: %v, %+v", err, h.Members[0])
		}
	})
}
