package crosscheck

import (
	"bytes"
	"encoding/csv"
	"os"
	"testing"
	"time"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

// The tests run on a fixed day: the 2017 campaign's data cut-off plus two
// weeks, so that dates after it count as "in the future".
var (
	testNow   = time.Date(2017, 7, 15, 10, 0, 0, 0, localdate.Shanghai)
	testToday = localdate.Today(testNow)
)

func TestMain(m *testing.M) {
	now = func() time.Time { return testNow }
	os.Exit(m.Run())
}

// vid makes a valid ID number from its first 17 digits.
func vid(first17 string) string { return first17 + idcard.CheckChar(first17) }

// badCheck is a number whose check character is wrong.
func badCheck(id string) string {
	last := id[17]
	if last == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

// Synthetic people.
var (
	p1 = vid("53010319800101001") // head, male
	p2 = vid("53010319820202002") // spouse, female
	p3 = vid("53010320050303003") // child, male
	p4 = vid("53012419900404004")
	p5 = vid("53012419620515005") // a village cadre
)

func mustDS(t testing.TB, code string) Dataset {
	t.Helper()
	ds, ok := ByCode(code)
	if !ok {
		t.Fatalf("no dataset %q", code)
	}
	return ds
}

// csvFile writes a header of the dataset's Chinese headers and rows given
// by column key (missing keys are empty cells).
func csvFile(t testing.TB, ds Dataset, rows ...map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := make([]string, len(ds.Columns))
	for i, c := range ds.Columns {
		head[i] = c.Header
	}
	if err := w.Write(head); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		line := make([]string, len(ds.Columns))
		for i, c := range ds.Columns {
			line[i] = r[c.Key]
		}
		if err := w.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

// readAll reads every row of a reader: the records without problems and
// every problem (header problems first).
func readAll(t testing.TB, r *Reader) ([]Record, []Problem) {
	t.Helper()
	problems := r.HeaderProblems()
	var recs []Record
	for {
		rec, ps, ok, err := r.Next()
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if !ok {
			break
		}
		if len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		recs = append(recs, rec)
	}
	return recs, problems
}

func readCSV(t testing.TB, ds Dataset, data []byte) ([]Record, []Problem) {
	t.Helper()
	r, err := NewCSVReader(ds, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	defer r.Close()
	return readAll(t, r)
}

func ptr[T any](v T) *T { return &v }

func date(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// baseHousehold is a valid registered household: p1 (member 1, head), p2
// (member 2, spouse), p3 (member 3, son), nothing else recorded.
func baseHousehold() *register.Household {
	return &register.Household{
		ID: 7, Code: "530103012004-0007", StreetCode: "530103012", VillageCode: "530103012004",
		Status: register.Registered, RegisteredOn: date("2014-10-01"), Hukou: "agricultural", RuralResident: true,
		IncomeYear: 2016,
		Members: []register.Member{
			{ID: 1, HouseholdID: 7, IDNumber: p1, Name: "张三", Relation: "head", Status: "present", SharesIncome: true},
			{ID: 2, HouseholdID: 7, IDNumber: p2, Name: "李梅", Relation: "spouse", Status: "present", SharesIncome: true},
			{ID: 3, HouseholdID: 7, IDNumber: p3, Name: "张小明", Relation: "son", Status: "present", SharesIncome: true},
		},
	}
}

// clone copies a household deeply enough for Apply (which replaces
// pointers and list items, never writes through shared pointers).
func clone(h *register.Household) *register.Household {
	c := *h
	c.Members = append([]register.Member(nil), h.Members...)
	c.Vehicles = append([]register.Vehicle(nil), h.Vehicles...)
	c.UrbanProperties = append([]register.UrbanProperty(nil), h.UrbanProperties...)
	c.Businesses = append([]register.Business(nil), h.Businesses...)
	return &c
}
