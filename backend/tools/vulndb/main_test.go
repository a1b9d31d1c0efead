package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLatestFix(t *testing.T) {
	type ev = struct {
		Introduced string `json:"introduced,omitempty"`
		Fixed      string `json:"fixed,omitempty"`
	}
	semverRange := func(events ...ev) osvRange { return osvRange{Type: "SEMVER", Events: events} }
	cases := []struct {
		name   string
		ranges []osvRange
		want   string
	}{
		{"one fix", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "1.2.3"})}, "1.2.3"},
		// 1.10.0 > 1.9.0 numerically, not as text
		{"highest of several", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "1.9.0"}, ev{Introduced: "1.10.0-0"}, ev{Fixed: "1.10.2"})}, "1.10.2"},
		{"reintroduced after the fix", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "1.2.0"}, ev{Introduced: "1.3.0"})}, ""},
		{"never fixed", []osvRange{semverRange(ev{Introduced: "0"})}, ""},
		{"pseudo-version", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "0.0.0-20260626085133-7cb96ac80a6d"})}, "0.0.0-20260626085133-7cb96ac80a6d"},
		{"non-SEMVER ranges ignored", []osvRange{{Type: "ECOSYSTEM", Events: []ev{{Fixed: "9.9.9"}}}}, ""},
	}
	for _, c := range cases {
		if got := latestFix(c.ranges); got != c.want {
			t.Errorf("%s: latestFix = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBuildWritesTheV1Layout(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	entryText := `{"schema_version":"1.3.1","id":"GO-2099-0001","modified":"0001-01-01T00:00:00Z","published":"0001-01-01T00:00:00Z",
	 "summary":"x","affected":[{"package":{"name":"example.com/m","ecosystem":"Go"},
	 "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.4.0"}]}],
	 "ecosystem_specific":{"imports":[{"path":"example.com/m/p","symbols":["F"]}]}}]}`
	if err := os.WriteFile(filepath.Join(in, "GO-2099-0001.json"), []byte(entryText), 0o644); err != nil {
		t.Fatal(err)
	}
	stamp := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	if n, err := build(in, out, stamp); err != nil || n != 1 {
		t.Fatalf("build = %d, %v", n, err)
	}

	var db struct{ Modified time.Time }
	readJSON(t, filepath.Join(out, "index", "db.json"), &db)
	if !db.Modified.Equal(stamp) {
		t.Errorf("db.json modified = %v, want %v", db.Modified, stamp)
	}
	var mods []module
	readJSON(t, filepath.Join(out, "index", "modules.json"), &mods)
	if len(mods) != 1 || mods[0].Path != "example.com/m" || len(mods[0].Vulns) != 1 ||
		mods[0].Vulns[0].ID != "GO-2099-0001" || mods[0].Vulns[0].Fixed != "1.4.0" || !mods[0].Vulns[0].Modified.Equal(stamp) {
		t.Errorf("modules.json = %+v", mods)
	}
	var e map[string]any
	readJSON(t, filepath.Join(out, "ID", "GO-2099-0001.json"), &e)
	if e["modified"] != "2026-11-05T23:49:57Z" || e["published"] != "2026-11-05T23:49:57Z" {
		t.Errorf("entry times not stamped: modified %v, published %v", e["modified"], e["published"])
	}
	// The rest of the entry (symbols: what govulncheck checks calls against) is kept.
	aff := e["affected"].([]any)[0].(map[string]any)
	if _, ok := aff["ecosystem_specific"].(map[string]any)["imports"]; !ok {
		t.Errorf("entry lost its ecosystem_specific imports: %v", aff)
	}
}

func TestBuildRefusesAMisnamedEntry(t *testing.T) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "GO-2099-0002.json"), []byte(`{"id":"GO-2099-0003"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(in, t.TempDir(), time.Time{}); err == nil {
		t.Error("build accepted an entry whose file name is not its id")
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
