package synth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jingzhun/internal/crosscheck"
	"jingzhun/internal/idcard"
)

// TestVehicleRegister: the header and row count, every ID number valid,
// the first K rows owned by members of households 0..K-1 and the others by
// nobody in the households, and the file reads without a single problem
// through the importer's own reader.
func TestVehicleRegister(t *testing.T) {
	const rows, matching = 5000, 2000
	g := New(2017)
	var buf bytes.Buffer
	if err := g.VehicleRegister(&buf, rows, matching); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if lines[0] != VehicleHeader || len(lines) != rows+1 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	ds, ok := crosscheck.ByCode("vehicles")
	if !ok {
		t.Fatal("no vehicles dataset")
	}
	var headers []string
	for _, c := range ds.Columns {
		headers = append(headers, c.Header)
	}
	if want := strings.Join(headers, ","); want != VehicleHeader {
		t.Fatalf("VehicleHeader %q, the dataset's %q", VehicleHeader, want)
	}

	// Members of the households 0..matching-1 and the households beyond.
	inside := map[string]bool{}
	for i := range matching + 200 {
		for _, m := range g.Household(i).Members {
			inside[m.IDNumber] = true
		}
	}
	ref := g.Campaign.ReferenceDate.Time()
	matched := 0
	for i, line := range lines[1:] {
		cells := strings.Split(line, ",")
		if len(cells) != 6 {
			t.Fatalf("row %d: %q", i, line)
		}
		if err := idcard.Validate(cells[0], ref); err != nil {
			t.Fatalf("row %d: %s: %v", i, cells[0], err)
		}
		switch {
		case i < matching && inside[cells[0]]:
			matched++
		case i >= matching && inside[cells[0]]:
			t.Fatalf("row %d: %s is a household member", i, cells[0])
		}
	}
	// Only the faulty households (about 3%) give their row to an outsider.
	if matched < matching*95/100 {
		t.Fatalf("%d of the first %d rows owned by household members", matched, matching)
	}

	path := filepath.Join(t.TempDir(), "vehicles.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := crosscheck.Open(ds, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ps := r.HeaderProblems(); len(ps) > 0 {
		t.Fatalf("header: %v", ps)
	}
	n := 0
	for {
		rec, ps, ok, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		n++
		if len(ps) > 0 || rec.Example {
			t.Fatalf("row %d: %v (example %t)", rec.Row, ps, rec.Example)
		}
	}
	if n != rows {
		t.Fatalf("the reader read %d rows of %d", n, rows)
	}
}

// TestVehicleRegisterDeterministic: the same seed gives the same bytes,
// another seed other ones.
func TestVehicleRegisterDeterministic(t *testing.T) {
	sum := func(seed uint64) [32]byte {
		h := sha256.New()
		w := bufio.NewWriter(h)
		if err := New(seed).VehicleRegister(w, 3000, 100); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		return [32]byte(h.Sum(nil))
	}
	if sum(3) != sum(3) {
		t.Fatal("the same seed, another file")
	}
	if sum(3) == sum(4) {
		t.Fatal("another seed, the same file")
	}
	var a, b bytes.Buffer
	New(3).VehicleRegister(&a, 10, 0)
	New(3).VehicleRegister(&b, 20, 0)
	if !bytes.HasPrefix(b.Bytes(), a.Bytes()) {
		t.Fatal("a longer file does not extend a shorter one")
	}
}

func TestGenVehiclesCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.csv")
	var stderr bytes.Buffer
	if code := GenCommand([]string{"-vehicles", "100", "-match", "10", "-seed", "2017", "-o", path}, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	New(2017).VehicleRegister(&want, 100, 10)
	if !bytes.Equal(b, want.Bytes()) {
		t.Fatal("the command's file differs from VehicleRegister's")
	}
	for _, args := range [][]string{{}, {"-n", "1", "-vehicles", "1"}, {"-vehicles", "5", "-match", "6"}, {"-n", "5", "-match", "1"}} {
		if code := GenCommand(args, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// BenchmarkVehicleRegister: a million rows should take seconds.
func BenchmarkVehicleRegister(b *testing.B) {
	g := New(2017)
	for b.Loop() {
		if err := g.VehicleRegister(discard{}, 100000, 2000); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
