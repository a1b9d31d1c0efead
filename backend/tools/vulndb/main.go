// Command vulndb turns a folder of OSV entries (the data/osv folder of the
// golang.org/x/vulndb module, which the Go module proxy serves) into the v1
// layout govulncheck reads with -db file:///DIR:
//
//	DIR/index/db.json       {"modified": <latest entry time>}
//	DIR/index/modules.json  [{"path", "vulns": [{"id", "modified", "fixed"}]}]
//	DIR/ID/<id>.json        the entry itself
//
// It exists because vuln.go.dev is not reachable from every machine that
// runs `make test`, while the module proxy is (scripts/vulncheck.sh).
// The entries in the module carry no dates (those come from vulndb's git
// history when vuln.go.dev is generated), so an entry without one takes
// -modified, the module's commit time.
//
//	go run ./tools/vulndb -osv VULNDB/data/osv -out DIR [-modified RFC3339]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

func main() {
	osvDir := flag.String("osv", "", "folder of OSV JSON entries")
	out := flag.String("out", "", "folder to write the database to")
	modified := flag.String("modified", "", "time for entries without one (RFC 3339)")
	flag.Parse()
	if *osvDir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: vulndb -osv DIR -out DIR [-modified RFC3339]")
		os.Exit(2)
	}
	var stamp time.Time
	if *modified != "" {
		t, err := time.Parse(time.RFC3339, *modified)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulndb: -modified:", err)
			os.Exit(2)
		}
		stamp = t.UTC()
	}
	n, err := build(*osvDir, *out, stamp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
	fmt.Printf("vulndb: %d entries written to %s\n", n, *out)
}

// entry is the part of an OSV entry the index needs; the entry itself is
// written back whole (only a missing time is filled in).
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []osvRange `json:"ranges"`
	} `json:"affected"`
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced,omitempty"`
		Fixed      string `json:"fixed,omitempty"`
	} `json:"events"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

func build(osvDir, out string, stamp time.Time) (int, error) {
	names, err := filepath.Glob(filepath.Join(osvDir, "*.json"))
	if err != nil {
		return 0, err
	}
	if len(names) == 0 {
		return 0, fmt.Errorf("no OSV entries in %s", osvDir)
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return 0, err
		}
	}
	var latest time.Time
	modules := map[string]*module{}
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			return 0, err
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		if e.ID == "" || filepath.Base(name) != e.ID+".json" {
			return 0, fmt.Errorf("%s: file name is not <id>.json", name)
		}
		if e.Modified.IsZero() {
			e.Modified = stamp
			if raw, err = stampEntry(raw, stamp); err != nil {
				return 0, fmt.Errorf("%s: %w", name, err)
			}
		}
		if e.Modified.After(latest) {
			latest = e.Modified
		}
		for _, a := range e.Affected {
			m := modules[a.Package.Name]
			if m == nil {
				m = &module{Path: a.Package.Name, Vulns: []moduleVuln{}}
				modules[a.Package.Name] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: latestFix(a.Ranges)})
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return 0, err
		}
	}
	list := make([]*module, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	if err := writeJSON(filepath.Join(out, "index", "modules.json"), list); err != nil {
		return 0, err
	}
	if err := writeJSON(filepath.Join(out, "index", "db.json"), map[string]time.Time{"modified": latest}); err != nil {
		return 0, err
	}
	return len(names), nil
}

// stampEntry sets "modified" (and "published" when it is also missing) in
// the raw entry, keeping every other field as it is.
func stampEntry(raw []byte, t time.Time) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	ts, _ := json.Marshal(t)
	fields["modified"] = ts
	var pub time.Time
	if p, ok := fields["published"]; !ok || json.Unmarshal(p, &pub) != nil || pub.IsZero() {
		fields["published"] = ts
	}
	return json.Marshal(fields)
}

// latestFix is govulncheck's own rule (x/vuln internal/semver
// NonSupersededFix): the highest fixed version of the SEMVER ranges, or
// none when the vulnerability was introduced again after it. govulncheck
// skips an entry for a module at or above this version, so it must never
// be higher than the truth; "none" only makes it read the entry.
func latestFix(ranges []osvRange) string {
	latest := ""
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, ev := range r.Events {
			if ev.Fixed != "" && less(latest, ev.Fixed) {
				latest = ev.Fixed
			}
		}
		for _, ev := range r.Events {
			if ev.Introduced != "" && ev.Introduced != "0" && less(latest, ev.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// less compares OSV versions, which have no "v" prefix; "" is lowest.
func less(a, b string) bool {
	return semver.Compare(withV(a), withV(b)) < 0
}

func withV(s string) string {
	if s == "" || strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
