package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"jingzhun/internal/access"
)

// importRegister imports a department's register file at once, through the
// same service as the API (validation, matching, discrepancies, one
// transaction), and prints rows/s and the peak memory: the import benchmark
// (scripts/bench/import.sh) and bulk loads by the district's operators.
func importRegister(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import-register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dept := fs.String("department", "", "department code, e.g. police")
	dataset := fs.String("dataset", "", "dataset code, e.g. vehicles")
	dataDir := fs.String("data-dir", "", "data directory (JZ_DATA_DIR)")
	db := fs.String("db", "", "MySQL DSN (JZ_DB_DSN); empty = embedded SQLite")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the import to FILE (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *dept == "" || *dataset == "" {
		return errors.New("usage: jingzhun import-register -department CODE -dataset CODE [-db DSN] [-data-dir DIR] [-cpuprofile FILE] FILE.csv|FILE.xlsx")
	}
	cfg, err := offlineConfig("import-register", *dataDir, *db, false)
	if err != nil {
		return err
	}
	ctx := context.Background()
	a, st, err := wireOffline(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := a.Reference.Ensure(ctx); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	operator := access.Actor{Username: "system", Role: access.District, Scope: access.Scope{Whole: true}}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
	}
	start := time.Now()
	imp, err := a.CrossChecks.ImportNow(ctx, operator, *dept, *dataset, f.Name(), f, nil)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "status=%s rows=%d matched=%d unmatched=%d discrepancies=%d problems=%d seconds=%.2f rows_per_second=%.0f peak_rss_mb=%.1f\n",
		imp.Status, imp.Rows, imp.Matched, imp.Unmatched, imp.Discrepancies, imp.ProblemCount, secs, float64(imp.Rows)/secs, peakRSSMB())
	fmt.Fprintln(stdout, imp.Message)
	if imp.Status != "imported" && imp.Status != "unchanged" {
		return fmt.Errorf("import %s", imp.Status)
	}
	return nil
}

// peakRSSMB is the process's peak resident memory (Linux VmHWM), 0 elsewhere.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
