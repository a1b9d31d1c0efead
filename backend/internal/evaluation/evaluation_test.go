package evaluation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jingzhun/internal/rules"
	"jingzhun/internal/synth"
)

// answer is the answer document of api-contract.md.
type answer struct {
	Campaign map[string]any    `json:"campaign"`
	Results  []json.RawMessage `json:"results"`
	Summary  map[string]int    `json:"summary"`
}

type result struct {
	Code            *string         `json:"code"`
	Outcome         string          `json:"outcome"`
	PerCapitaIncome *json.Number    `json:"per_capita_income"`
	HouseholdSize   *int            `json:"household_size"`
	MembersRemoved  []string        `json:"members_removed"`
	Rules           []ruleResult    `json:"rules"`
	Unknown         []string        `json:"unknown"`
	Errors          []errorResult   `json:"errors"`
	Extra           json.RawMessage `json:"-"`
}

type ruleResult struct {
	Code     string `json:"code"`
	Value    string `json:"value"`
	Excepted bool   `json:"excepted"`
	Detail   string `json:"detail"`
}

type errorResult struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// fixtureEnvelope is every household of the spec's cases in one envelope.
func fixtureEnvelope(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "spec", "rules-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Campaign json.RawMessage `json:"campaign"`
		Cases    []struct {
			Household json.RawMessage `json:"household"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var hs []json.RawMessage
	for _, c := range f.Cases {
		hs = append(hs, c.Household)
	}
	env, _ := json.Marshal(map[string]any{"campaign": f.Campaign, "households": hs})
	return env
}

func run(t testing.TB, doc []byte, opt Options) (answer, []byte, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), bytes.NewReader(doc), &out, opt)
	if err != nil {
		return answer{}, out.Bytes(), err
	}
	var a answer
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, out.Bytes())
	}
	return a, out.Bytes(), nil
}

func TestRunAnswer(t *testing.T) {
	a, raw, err := run(t, fixtureEnvelope(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Results) != 56 {
		t.Fatalf("%d results", len(a.Results))
	}
	if a.Campaign["poverty_line"].(json.Number).String() != "2952" || a.Campaign["reference_date"] != "2017-06-30" {
		t.Errorf("campaign %v", a.Campaign)
	}
	total := 0
	for _, o := range rules.Outcomes {
		n, ok := a.Summary[string(o)]
		if !ok {
			t.Errorf("summary lacks %s", o)
		}
		total += n
	}
	if total != 56 || len(a.Summary) != len(rules.Outcomes) || a.Summary["invalid"] != 6 {
		t.Errorf("summary %v", a.Summary)
	}
	// Every result has every key, lists never null.
	for _, r := range a.Results {
		var m map[string]json.RawMessage
		json.Unmarshal(r, &m)
		for _, k := range []string{"code", "outcome", "per_capita_income", "household_size", "members_removed", "rules", "unknown", "errors"} {
			v, ok := m[k]
			if !ok {
				t.Fatalf("result lacks %s: %s", k, r)
			}
			if (k == "members_removed" || k == "rules" || k == "unknown" || k == "errors") && string(v) == "null" {
				t.Fatalf("%s is null: %s", k, r)
			}
		}
	}
	if !bytes.HasSuffix(raw, []byte("}\n")) {
		t.Error("the answer ends with a newline")
	}
	// The order of the envelope's keys does not change the answer.
	var env map[string]json.RawMessage
	json.Unmarshal(fixtureEnvelope(t), &env)
	swapped := []byte(`{"households":` + string(env["households"]) + `,"campaign":` + string(env["campaign"]) + `}`)
	_, raw2, err := run(t, swapped, Options{})
	if err != nil || !bytes.Equal(raw, raw2) {
		t.Fatalf("households first: %v", err)
	}
}

// TestEveryHouseholdGetsAResult: also elements that are no household at all.
func TestEveryHouseholdGetsAResult(t *testing.T) {
	doc := `{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"},
	  "households": [5, null, "x", [], {}, {"code": 7}, {"code": "abc", "bogus": 1}]}`
	a, _, err := run(t, []byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Results) != 7 || a.Summary["invalid"] != 7 {
		t.Fatalf("%d results, summary %v", len(a.Results), a.Summary)
	}
	var last result
	json.Unmarshal(a.Results[6], &last)
	if last.Code == nil || *last.Code != "abc" || last.HouseholdSize != nil || last.PerCapitaIncome != nil || len(last.Errors) == 0 {
		t.Errorf("invalid result: %s", a.Results[6])
	}
	var numeric result
	json.Unmarshal(a.Results[5], &numeric)
	if numeric.Code != nil {
		t.Errorf("a code that is not a string is null: %s", a.Results[5])
	}
}

func TestRunErrors(t *testing.T) {
	env := fixtureEnvelope(t)
	if _, _, err := run(t, env, Options{MaxHouseholds: 55}); !errors.Is(err, ErrTooManyHouseholds) {
		t.Errorf("over the limit: %v", err)
	}
	if _, _, err := run(t, env, Options{MaxHouseholds: 56}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	for _, doc := range []string{"", "not json", `{"households": []}`, `[]`} {
		if _, _, err := run(t, []byte(doc), Options{}); !errors.Is(err, ErrNotEnvelope) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, bytes.NewReader(env), &bytes.Buffer{}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, fixtureEnvelope(t), 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"households": []}`), 0o600)

	cases := []struct {
		name   string
		args   []string
		stdin  string
		status int
	}{
		{"file", []string{"-i", good}, "", 0},
		{"stdin", nil, string(fixtureEnvelope(t)), 0},
		{"stdin as -", []string{"-i", "-"}, string(fixtureEnvelope(t)), 0},
		{"no campaign", []string{"-i", bad}, "", 2},
		{"not JSON", nil, "hello", 2},
		{"empty input", nil, "", 2},
		{"missing file", []string{"-i", filepath.Join(dir, "none.json")}, "", 1},
		{"unknown flag", []string{"-x"}, "", 2},
		{"stray argument", []string{"extra"}, "", 2},
		{"help", []string{"-h"}, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := Command(c.args, strings.NewReader(c.stdin), &stdout, &stderr)
			if got != c.status {
				t.Fatalf("exit %d, want %d; stderr %s", got, c.status, stderr.String())
			}
			if c.status == 2 && c.name != "unknown flag" && strings.Count(strings.TrimRight(stderr.String(), "\n"), "\n") != 0 {
				t.Errorf("the message is one line: %q", stderr.String())
			}
			if c.status == 0 && c.name != "help" && !json.Valid(stdout.Bytes()) {
				t.Errorf("stdout is not JSON")
			}
		})
	}
}

// TestCommandAndRunAgree: the command's output is Run's.
func TestCommandAndRunAgree(t *testing.T) {
	env := fixtureEnvelope(t)
	_, want, _ := run(t, env, Options{})
	var stdout bytes.Buffer
	if Command(nil, bytes.NewReader(env), &stdout, &bytes.Buffer{}) != 0 || !bytes.Equal(stdout.Bytes(), want) {
		t.Fatal("command and Run differ")
	}
}

// TestSyntheticCoversEveryOutcomeAndRule: the generator's households, run
// through the engine, reach every outcome and every rule, each exception.
func TestSyntheticCoversEveryOutcomeAndRule(t *testing.T) {
	var env bytes.Buffer
	if err := synth.New(1).Envelope(&env, 3000); err != nil {
		t.Fatal(err)
	}
	a, _, err := run(t, env.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rules.Outcomes {
		if a.Summary[string(o)] == 0 {
			t.Errorf("no %s in 3000 synthetic households: %v", o, a.Summary)
		}
	}
	seen := map[string]bool{}
	for _, raw := range a.Results {
		var r result
		json.Unmarshal(raw, &r)
		for _, x := range r.Rules {
			seen[x.Code+"/"+x.Value] = true
			if x.Excepted {
				seen[x.Code+"/excepted"] = true
			}
		}
	}
	for _, r := range rules.Catalog {
		if !seen[r.Code+"/T"] {
			t.Errorf("%s never T", r.Code)
		}
	}
	for _, k := range []string{"EX-01/excepted", "EX-02/excepted", "EX-03/excepted", "EX-04/excepted", "EX-06/excepted",
		"ID-01/U", "EX-05/U", "EXIT-STD/U", "RE-01/U", "RE-02/U"} {
		if !seen[k] {
			t.Errorf("never %s", k)
		}
	}
}
