package interchange

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

const campaignJSON = `{"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}`

// readAll reads an envelope and returns the campaign's line and the raw
// households.
func readAll(doc string, limit int) (Campaign, []string, error) {
	r := NewEnvelopeReader(strings.NewReader(doc), limit)
	c, err := r.Campaign()
	if err != nil {
		return c, nil, err
	}
	var hs []string
	for {
		raw, err := r.Next()
		if errors.Is(err, io.EOF) {
			return c, hs, nil
		}
		if err != nil {
			return c, hs, err
		}
		hs = append(hs, string(raw))
	}
}

func TestEnvelopeOrders(t *testing.T) {
	for _, doc := range []string{
		`{"campaign": ` + campaignJSON + `, "households": [{"code":"a"}, 5, {"code":"c"}]}`,
		`{"households": [{"code":"a"}, 5, {"code":"c"}], "campaign": ` + campaignJSON + `}`,
		`{"campaign": {"campaign_year": 2000, "income_year": 2000, "poverty_line": 1, "vehicle_value_limit": 1, "reference_date": "2000-01-01"},
		  "campaign": ` + campaignJSON + `, "households": [{"code":"a"}, 5, {"code":"c"}]}`,
		`{"households": [{"code":"a"}, 5, {"code":"c"}], "campaign": {"campaign_year": 2000, "income_year": 2000, "poverty_line": 1, "vehicle_value_limit": 1, "reference_date": "2000-01-01"},
		  "campaign": ` + campaignJSON + `}` + "\n\n",
	} {
		c, hs, err := readAll(doc, 0)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if c.PovertyLine.String() != "2952" || c.ReferenceDate.String() != "2017-06-30" || c.CampaignYear != 2017 {
			t.Errorf("campaign %+v", c)
		}
		if len(hs) != 3 || hs[0] != `{"code":"a"}` || hs[1] != "5" {
			t.Errorf("households %q", hs)
		}
	}
}

func TestNotAnEnvelope(t *testing.T) {
	ok := `{"campaign": ` + campaignJSON + `, "households": []}`
	for _, doc := range []string{
		``, `   `, `nonsense`, `{`, `[]`, `5`, `1e700`, `null`, `"x"`,
		`{"campaign": ` + campaignJSON + `, "households": 1e700}`,
		`{}`,
		`{"households": []}`,
		`{"campaign": ` + campaignJSON + `}`,
		`{"campaign": ` + campaignJSON + `, "households": {}}`,
		`{"campaign": ` + campaignJSON + `, "households": null}`,
		`{"campaign": ` + campaignJSON + `, "households": "x"}`,
		`{"campaign": ` + campaignJSON + `, "households": [], "extra": 1}`,
		`{"extra": 1, "campaign": ` + campaignJSON + `, "households": []}`,
		`{"campaign": null, "households": []}`,
		`{"campaign": [], "households": []}`,
		`{"campaign": {"income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017.0, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": "2017", "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": "2952", "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 0, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": -1, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-31"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": null}, "households": []}`,
		`{"campaign": {"campaign_year": 1999, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": []}`,
		`{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30", "note": 1}, "households": []}`,
		ok + ` x`,
		ok + ok,
		`{"campaign": ` + campaignJSON + `, "households": [{"code": "a"}`,
		`{"campaign": ` + campaignJSON + `, "households": [{"code": "a"},]}`,
		`{"campaign": ` + campaignJSON + `, "households": [], "households": []}`,
		`{"campaign": ` + campaignJSON + `, "households": [], "campaign": ` + campaignJSON + `}`,
		`{"households": [], "households": [], "campaign": ` + campaignJSON + `}`,
	} {
		_, _, err := readAll(doc, 0)
		if !errors.Is(err, ErrNotEnvelope) {
			t.Errorf("%.120s: %v, want not an envelope", doc, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") {
			t.Errorf("message is not one line: %q", msg)
		}
	}
	if _, _, err := readAll(ok, 0); err != nil {
		t.Fatal(err)
	}
}

func TestEnvelopeLimit(t *testing.T) {
	doc := `{"campaign": ` + campaignJSON + `, "households": [{}, {}, {}]}`
	if _, hs, err := readAll(doc, 3); err != nil || len(hs) != 3 {
		t.Fatalf("at the limit: %v %d", err, len(hs))
	}
	for _, d := range []string{doc, `{"households": [{}, {}, {}], "campaign": ` + campaignJSON + `}`} {
		_, _, err := readAll(d, 2)
		var le *LimitError
		if !errors.Is(err, ErrTooManyHouseholds) || !errors.As(err, &le) || le.Limit != 2 || !strings.Contains(err.Error(), "2") {
			t.Fatalf("over the limit: %v", err)
		}
	}
}

// failingReader fails after its data: a reading error is not "not JSON".
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestReadingErrorPassesThrough(t *testing.T) {
	r := NewEnvelopeReader(failingReader{strings.NewReader(`{"campaign": ` + campaignJSON + `, "households": [{}`)}, 0)
	if _, err := r.Campaign(); err != nil {
		t.Fatal(err)
	}
	var err error
	for err == nil {
		_, err = r.Next()
	}
	if errors.Is(err, ErrNotEnvelope) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %v", err)
	}
}

func TestEnvelopeWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewEnvelopeWriter(&buf, campaign2017)
	var h Household
	if _, errs := DecodeHousehold([]byte(baseJSON), &h); len(errs) > 0 {
		t.Fatal(errs)
	}
	for range 3 {
		if err := w.Write(&h); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c, hs, err := readAll(buf.String(), 0)
	if err != nil || len(hs) != 3 || c.IncomeYear != 2016 {
		t.Fatalf("%v %d", err, len(hs))
	}
	var empty bytes.Buffer
	w = NewEnvelopeWriter(&empty, campaign2017)
	w.Close()
	if _, hs, err := readAll(empty.String(), 0); err != nil || len(hs) != 0 {
		t.Fatalf("empty envelope: %v %d", err, len(hs))
	}
}
