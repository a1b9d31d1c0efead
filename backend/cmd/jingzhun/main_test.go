package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes covers the subcommands' exit statuses of api-contract.md.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env.json")
	notEnvelope := filepath.Join(dir, "not.json")
	os.WriteFile(notEnvelope, []byte(`{"households": []}`), 0o600)

	cases := []struct {
		name   string
		args   []string
		stdin  string
		status int
		check  func(t *testing.T, stdout, stderr string)
	}{
		{name: "no command", args: nil, status: 2},
		{name: "unknown command", args: []string{"frobnicate"}, status: 2},
		{name: "help names evaluate and gen", args: []string{"help"}, status: 0, check: func(t *testing.T, stdout, _ string) {
			if !strings.Contains(stdout, "jingzhun evaluate [-i FILE]") || !strings.Contains(stdout, "jingzhun gen -n N") {
				t.Errorf("usage: %s", stdout)
			}
		}},
		{name: "gen to a file", args: []string{"gen", "-n", "200", "-seed", "5", "-o", envFile}, status: 0},
		{name: "gen without -n", args: []string{"gen"}, status: 2},
		{name: "gen with a bad flag", args: []string{"gen", "-n", "x"}, status: 2},
		{name: "gen into a missing directory", args: []string{"gen", "-n", "1", "-o", filepath.Join(dir, "no", "such", "file")}, status: 1},
		{name: "evaluate the generated file", args: []string{"evaluate", "-i", envFile}, status: 0, check: func(t *testing.T, stdout, _ string) {
			var a struct {
				Results []json.RawMessage `json:"results"`
				Summary map[string]int    `json:"summary"`
			}
			if err := json.Unmarshal([]byte(stdout), &a); err != nil || len(a.Results) != 200 {
				t.Errorf("answer: %v, %d results", err, len(a.Results))
			}
			if a.Summary["invalid"] == 0 || a.Summary["invalid"] == 200 {
				t.Errorf("invalid households are results, exit 0: %v", a.Summary)
			}
		}},
		{name: "evaluate stdin", args: []string{"evaluate"}, stdin: `{"campaign": {"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952, "vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": [{"code": 1}]}`, status: 0},
		{name: "evaluate not JSON", args: []string{"evaluate"}, stdin: "hello", status: 2, check: oneLine},
		{name: "evaluate without campaign", args: []string{"evaluate", "-i", notEnvelope}, status: 2, check: oneLine},
		{name: "evaluate a missing file", args: []string{"evaluate", "-i", filepath.Join(dir, "none.json")}, status: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(c.args, strings.NewReader(c.stdin), &stdout, &stderr); got != c.status {
				t.Fatalf("exit %d, want %d; stderr: %s", got, c.status, stderr.String())
			}
			if c.check != nil {
				c.check(t, stdout.String(), stderr.String())
			}
		})
	}
}

func oneLine(t *testing.T, _, stderr string) {
	t.Helper()
	if stderr == "" || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("want a one-line message on stderr, got %q", stderr)
	}
}

// TestGenIsDeterministic: the same seed writes the same bytes.
func TestGenIsDeterministic(t *testing.T) {
	gen := func(seed string) []byte {
		var out bytes.Buffer
		if run([]string{"gen", "-n", "50", "-seed", seed}, nil, &out, &bytes.Buffer{}) != 0 {
			t.Fatal("gen failed")
		}
		return out.Bytes()
	}
	a, b, c := gen("9"), gen("9"), gen("10")
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("same seed, same file; another seed, another file")
	}
}
