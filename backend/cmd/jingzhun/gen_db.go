package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"jingzhun/internal/service"
)

// genWritesDB tells `jingzhun gen` that writes into a database (-db or
// -data-dir) from the one that writes a file (synth.GenCommand).
func genWritesDB(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		return strings.HasPrefix(a, "-") && (name == "db" || name == "data-dir")
	})
}

// genDB is `jingzhun gen -n N [-seed S] -db DSN | -data-dir DIR`: it
// migrates the database, seeds the reference data (regions, departments,
// code lists, the 2017 campaign) and the demo accounts, and writes N
// synthetic households straight into the register (service.SeedGenerated),
// printing rows/s. The data keys are JZ_DATA_KEYS or JZ_DATA_KEY_FILE, else
// the demo's key file in the data directory (generated on first use): the
// server started with the same data directory and --demo opens the data.
func genDB(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", -1, "number of households to write")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same rows")
	db := fs.String("db", "", "MySQL DSN mysql://user:pass@host:port/db (JZ_DB_DSN); empty = embedded SQLite")
	dataDir := fs.String("data-dir", "", "data directory: SQLite file, data keys (JZ_DATA_DIR)")
	batch := fs.Int("batch", 1000, "households per transaction")
	workers := fs.Int("workers", 0, "goroutines drawing and sealing households (0 = every core)")
	accounts := fs.Bool("accounts", true, "seed the demo accounts (password JZ_DEMO_PASSWORD) when there are none")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to FILE (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *n < 0 {
		return errors.New("usage: jingzhun gen -n N [-seed S] [-db DSN] [-data-dir DIR] [-batch 1000] [-workers W] [-accounts=false] [-cpuprofile FILE]")
	}
	// Generated data is demo data: demo keys, demo accounts.
	cfg, err := offlineConfig("gen", *dataDir, *db, true)
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
	if *accounts {
		list, seeded, err := a.Demo.Seed(ctx, cfg.DemoPassword)
		if err != nil {
			return fmt.Errorf("demo accounts: %w", err)
		}
		if seeded {
			fmt.Fprintf(stdout, "demo accounts: %d, every one with the password of JZ_DEMO_PASSWORD (serve with --demo to sign in without a second factor)\n", len(list))
		}
	}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	last := start
	res, err := a.Demo.SeedGenerated(ctx, *seed, *n, service.GenerateOptions{Batch: *batch, Workers: *workers,
		Progress: func(done int) {
			if time.Since(last) >= 10*time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "  %d households, %.0f households/s\n", done, float64(done)/time.Since(start).Seconds())
			}
		}})
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "households=%d members=%d rows=%d skipped=%d seconds=%.2f households_per_second=%.0f rows_per_second=%.0f peak_rss_mb=%.1f database=%s\n",
		res.Households, res.Members, res.Rows, res.Skipped, secs, float64(res.Households)/secs, float64(res.Rows)/secs, peakRSSMB(), st.Dialect)
	return nil
}

// recompute recomputes every live household's outcome in the active
// campaign through the service the background job runs, and prints
// households/s and the peak memory: the recomputation benchmark
// (scripts/bench/recompute.sh).
func recompute(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("recompute", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "MySQL DSN (JZ_DB_DSN); empty = embedded SQLite")
	dataDir := fs.String("data-dir", "", "data directory (JZ_DATA_DIR)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to FILE (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: jingzhun recompute [-db DSN] [-data-dir DIR] [-cpuprofile FILE]")
	}
	cfg, err := offlineConfig("recompute", *dataDir, *db, false)
	if err != nil {
		return err
	}
	if cfg.DataKeys == "" && cfg.DataKeyFile == "" {
		cfg.Demo = true // the key file `gen` left in the data directory
	}
	ctx := context.Background()
	a, st, err := wireOffline(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
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
	n, err := a.Outcomes.RecomputeActive(ctx)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "households=%d seconds=%.2f households_per_second=%.0f peak_rss_mb=%.1f database=%s\n",
		n, secs, float64(n)/secs, peakRSSMB(), st.Dialect)
	return nil
}
