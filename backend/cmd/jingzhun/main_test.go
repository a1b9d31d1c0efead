package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jingzhun/internal/access"
	"jingzhun/internal/config"
	"jingzhun/internal/register"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
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

// TestDataKeys: a start without data keys refuses, --demo generates them
// into the data directory and says so, and rotate-keys re-seals with the
// current version so that the old one can go.
func TestDataKeys(t *testing.T) {
	t.Setenv("JZ_DATA_KEYS", "")
	t.Setenv("JZ_DATA_KEY_FILE", "")
	t.Setenv("JZ_DEMO", "false")
	t.Setenv("JZ_DB_DSN", "")
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if got := run([]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0"}, nil, &stdout, &stderr); got != 1 ||
		!strings.Contains(stderr.String(), "JZ_DATA_KEYS") {
		t.Fatalf("serve without keys: exit %d, %s", got, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "jingzhun.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused start created the database: %v", err)
	}

	cfg := config.Default()
	cfg.DataDir, cfg.Demo = dir, true
	stdout.Reset()
	k1, err := dataKeys(cfg, &stdout)
	if err != nil || !strings.Contains(stdout.String(), "WARNING") {
		t.Fatalf("demo keys: %v %q", err, stdout.String())
	}
	stdout.Reset()
	if again, err := dataKeys(cfg, &stdout); err != nil || stdout.Len() != 0 || again.BlindIndex("id_number", "x") != k1.BlindIndex("id_number", "x") {
		t.Fatalf("the demo keys are not kept: %v %q", err, stdout.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, dataKeysFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}

	// A register sealed with version 1 of the demo keys.
	ctx := context.Background()
	st, err := store.Open("", cfg.SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.SetKeys(k1)
	err = st.SaveRegions(ctx, store.Regions{
		Teams:    []store.CheckTeam{{Code: "A", Name: "A"}},
		Streets:  []store.Street{{Code: "530103012", Name: "阿子营街道", CheckTeam: "A", Sort: 1}},
		Villages: []store.Village{{Code: "530103012004", StreetCode: "530103012", Name: "鼠街村委会", Sort: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &register.Household{Code: "H-1", StreetCode: "530103012", VillageCode: "530103012004", Phone: "13900001111",
		Members: []register.Member{{IDNumber: "53010319800101001X", Name: "张三", Relation: "head"}}}
	if err := st.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	st.Close()

	text, _ := os.ReadFile(filepath.Join(dir, dataKeysFile))
	index := strings.Fields(strings.SplitN(string(text), "index:", 2)[1])[0]
	v1 := strings.Fields(strings.SplitN(string(text), "\n1:", 2)[1])[0]
	v2, _ := sealing.NewKey()
	t.Setenv("JZ_DATA_KEYS", "index:"+index+",2:"+v2+",1:"+v1)
	stdout.Reset()
	stderr.Reset()
	if got := run([]string{"rotate-keys", "--data-dir", dir}, nil, &stdout, &stderr); got != 0 ||
		!strings.Contains(stdout.String(), "1 households, 1 members") || !strings.Contains(stdout.String(), "remove them") {
		t.Fatalf("rotate-keys: exit %d, %s %s", got, stdout.String(), stderr.String())
	}
	t.Setenv("JZ_DATA_KEYS", "index:"+index+",2:"+v2)
	stdout.Reset()
	if got := run([]string{"rotate-keys", "--data-dir", dir}, nil, &stdout, &stderr); got != 0 || !strings.Contains(stdout.String(), "0 households") {
		t.Fatalf("second rotate-keys: exit %d, %s %s", got, stdout.String(), stderr.String())
	}
	st, err = store.Open("", cfg.SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k2, _ := sealing.Parse("index:" + index + ",2:" + v2)
	st.SetKeys(k2)
	got, err := st.Household(ctx, access.Scope{Whole: true}, h.ID)
	if err != nil || got.Phone != "13900001111" || got.Members[0].IDNumber != "53010319800101001X" {
		t.Fatalf("after rotation without the old key: %v %+v", err, got)
	}
}
