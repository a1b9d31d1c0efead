package evaluation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"jingzhun/internal/synth"
)

// FuzzEnvelope feeds arbitrary documents to the decoder, the validator and
// the rules: no panic, and whenever the document is an envelope, the answer
// is JSON with exactly one result per household.
func FuzzEnvelope(f *testing.F) {
	f.Add(fixtureEnvelope(f))
	var small bytes.Buffer
	synth.New(3).Envelope(&small, 20)
	f.Add(small.Bytes())
	camp := `{"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}`
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"campaign": ` + camp + `, "households": []}`,
		`{"households": [{}, 1, null], "campaign": ` + camp + `}`,
		`{"campaign": ` + camp + `, "households": [{"code": "a", "code": 1, "members": [{"id_number": "11010519491231002x"}]}]}`,
		`{"campaign": ` + camp + `, "households": [{"income": {"year": 2016.0, "wage": 1e400}, "housing": {"grade": "E"}}]}`,
		`{"campaign": ` + camp + `, "households": [{"code": "\u0000\ud800", "members": null, "vehicles": [{"value": -0}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var out bytes.Buffer
		err := Run(context.Background(), bytes.NewReader(doc), &out, Options{MaxHouseholds: 10000})
		if err != nil {
			if !errors.Is(err, ErrNotEnvelope) && !errors.Is(err, ErrTooManyHouseholds) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		var in struct {
			Households []json.RawMessage `json:"households"`
		}
		if err := json.Unmarshal(doc, &in); err != nil {
			// encoding/json refuses some envelopes that are fine (e.g.
			// invalid UTF-8 is replaced, not refused, by both) — count with
			// a Decoder instead.
			t.Fatalf("Run accepted what encoding/json refuses: %v", err)
		}
		var a struct {
			Results []json.RawMessage `json:"results"`
			Summary map[string]int    `json:"summary"`
		}
		if err := json.Unmarshal(out.Bytes(), &a); err != nil {
			t.Fatalf("answer is not JSON: %v\n%s", err, out.Bytes())
		}
		if len(a.Results) != len(in.Households) {
			t.Fatalf("%d households, %d results", len(in.Households), len(a.Results))
		}
		n := 0
		for _, c := range a.Summary {
			n += c
		}
		if n != len(a.Results) {
			t.Fatalf("summary counts %d of %d", n, len(a.Results))
		}
	})
}
