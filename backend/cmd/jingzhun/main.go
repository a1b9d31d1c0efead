// Command jingzhun is the whole system in one binary: the API and SPA server,
// the schema migrations, the stateless rules engine and the data generator.
//
//	jingzhun serve [--demo] [--addr 127.0.0.1:8080] [--data-dir ./data] [--db mysql://…]
//	jingzhun migrate
//	jingzhun rotate-keys
//	jingzhun evaluate [-i FILE]
//	jingzhun gen -n N [-seed S] [-o FILE]
//	jingzhun gen -vehicles N [-match K] [-seed S] [-o FILE]
//	jingzhun gen -n N [-seed S] -db DSN | -data-dir DIR
//	jingzhun recompute [-db DSN] [-data-dir DIR]
//	jingzhun import-register -department CODE -dataset CODE FILE
//	jingzhun audit verify|purge [--db DSN] [--data-dir DIR]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve on machines without zoneinfo

	"jingzhun/internal/app"
	"jingzhun/internal/config"
	"jingzhun/internal/evaluation"
	"jingzhun/internal/sealing"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/synth"
)

const usage = `jingzhun — 盘龙区贫困对象动态管理暨精准识别

Usage:
  jingzhun serve [--demo] [--addr HOST:PORT] [--data-dir DIR] [--db mysql://user:pass@host:port/db]
  jingzhun migrate [--data-dir DIR] [--db DSN]
  jingzhun rotate-keys [--data-dir DIR] [--db DSN]
                                       re-seal all personal data with the current data key
                                       (the first version in JZ_DATA_KEYS); then the older
                                       versions can be removed
  jingzhun evaluate [-i FILE]          evaluate an envelope (household-v1) to standard output
  jingzhun gen -n N [-seed S] [-o FILE] write a synthetic evaluation envelope
  jingzhun gen -vehicles N [-match K] [-seed S] [-o FILE]
                                       write a synthetic vehicle register (CSV) for imports
  jingzhun gen -n N [-seed S] -db DSN | -data-dir DIR
                                       write N synthetic households straight into a database
                                       (migrated, reference data and demo accounts seeded)
  jingzhun recompute [-db DSN] [-data-dir DIR] [-cpuprofile FILE]
                                       recompute every outcome of the active campaign, as the
                                       job does, and print households/s and peak memory
  jingzhun import-register -department CODE -dataset CODE FILE
                                       import a department register (CSV/XLSX) at once, as
                                       the API does, and print rows/s and peak memory
  jingzhun audit verify [--db DSN]     walk the audit log's hash chain; exit 1 naming the
                                       first broken seq (edited, inserted or removed records)
  jingzhun audit purge [--db DSN]      remove audit records older than JZ_AUDIT_RETENTION
                                       (at least 180 days), leaving an anchor; run it with
                                       the purge account (deploy/README.md)

Every flag has a JZ_ environment variable; see deploy/README.md.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return exit(serve(args[1:], stdout, stderr), stderr)
	case "migrate":
		return exit(migrate(args[1:], stdout, stderr), stderr)
	case "rotate-keys":
		return exit(rotateKeys(args[1:], stdout), stderr)
	case "evaluate":
		return evaluation.Command(args[1:], stdin, stdout, stderr)
	case "gen":
		if genWritesDB(args[1:]) {
			return exit(genDB(args[1:], stdout, stderr), stderr)
		}
		return synth.GenCommand(args[1:], stdout, stderr)
	case "recompute":
		return exit(recompute(args[1:], stdout, stderr), stderr)
	case "health":
		return healthCommand(args[1:], stdout, stderr)
	case "import-register":
		return exit(importRegister(args[1:], stdout, stderr), stderr)
	case "audit":
		return auditCommand(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return 2
}

func exit(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "jingzhun:", err)
		return 1
	}
	return 0
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(cfg.DBDSN, cfg.SQLitePath())
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func migrate(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Load("migrate", args, config.Env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "migrations applied (%s)\n", st.Dialect)
	// With keys configured, rows written in clear before migration 0005 are
	// sealed now; without, serve does it at its start.
	if cfg.DataKeys == "" && cfg.DataKeyFile == "" {
		return nil
	}
	keys, err := dataKeys(cfg, stdout)
	if err != nil {
		return err
	}
	st.SetKeys(keys)
	return sealLegacy(ctx, st, stdout)
}

// dataKeysFile is where --demo keeps the data keys it generated.
const dataKeysFile = "data.keys"

// dataKeys returns the keys that seal personal data at rest: JZ_DATA_KEYS,
// else the file JZ_DATA_KEY_FILE, else with --demo the file in the data
// directory, generated on first start. A start without any refuses.
func dataKeys(cfg config.Config, stdout io.Writer) (*sealing.Keyring, error) {
	switch {
	case cfg.DataKeys != "":
		return sealing.Parse(cfg.DataKeys)
	case cfg.DataKeyFile != "":
		b, err := os.ReadFile(cfg.DataKeyFile)
		if err != nil {
			return nil, fmt.Errorf("JZ_DATA_KEY_FILE: %w", err)
		}
		return sealing.Parse(string(b))
	case !cfg.Demo:
		return nil, fmt.Errorf("no data keys: personal data is encrypted at rest; set JZ_DATA_KEYS or JZ_DATA_KEY_FILE "+
			"(see deploy/README.md, \"Data keys\"). Only --demo generates keys, into %s", filepath.Join(cfg.DataDir, dataKeysFile))
	}
	path := filepath.Join(cfg.DataDir, dataKeysFile)
	if b, err := os.ReadFile(path); err == nil {
		return sealing.Parse(string(b))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	text, err := sealing.Generate()
	if err != nil {
		return nil, err
	}
	text = "# jingzhun data keys (generated by --demo): index key, then versions, current first\n" + text
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "WARNING 演示模式: generated the data keys into %s, next to the data they protect. "+
		"For real data set JZ_DATA_KEYS or JZ_DATA_KEY_FILE from a secret store.\n", path)
	return sealing.Parse(text)
}

// sealLegacy seals what was written in clear before migration 0005 (0009
// for the accounts' TOTP secrets).
func sealLegacy(ctx context.Context, st *store.Store, stdout io.Writer) error {
	rep, err := st.SealLegacy(ctx)
	if err != nil {
		return fmt.Errorf("seal personal data: %w", err)
	}
	if rep.Total() > 0 {
		fmt.Fprintf(stdout, "personal data sealed at rest: %d households, %d members, %d outcomes, %d accounts' TOTP secrets\n",
			rep["households"], rep["members"], rep["household_outcomes"], rep["users"])
	}
	// Audit records from before migration 0013 join the hash chain, once.
	n, err := st.ChainLegacyAudit(ctx)
	if err != nil {
		return fmt.Errorf("chain the audit log: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(stdout, "audit log: %d earlier records chained (seq 1–%d)\n", n, n)
	}
	return nil
}

// rotateKeys re-seals every sealed value with the current data key version.
func rotateKeys(args []string, stdout io.Writer) error {
	cfg, err := config.Load("rotate-keys", args, config.Env)
	if err != nil {
		return err
	}
	if cfg.DataKeys == "" && cfg.DataKeyFile == "" && !cfg.Demo {
		return errors.New("rotate-keys: set JZ_DATA_KEYS or JZ_DATA_KEY_FILE with the new version first, the old ones after it")
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := dataKeys(cfg, stdout)
	if err != nil {
		return err
	}
	st.SetKeys(keys)
	start := time.Now()
	rep, err := st.Rotate(ctx, 500)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-sealed with data key version %d: %d households, %d members, %d outcomes, %d accounts' TOTP secrets (%s)\n",
		keys.Current(), rep["households"], rep["members"], rep["household_outcomes"], rep["users"], time.Since(start).Round(time.Millisecond))
	versions, err := st.KeyVersions(ctx)
	if err != nil {
		return err
	}
	for v, n := range versions {
		if v != keys.Current() && n > 0 {
			return fmt.Errorf("%d rows are still sealed with version %d; run rotate-keys again", n, v)
		}
	}
	err = st.AppendAudit(ctx, &store.AuditEvent{At: time.Now().UTC(), Username: "system", Role: "system",
		Action: "data_keys.rotate", ObjectType: "data_keys", ObjectID: fmt.Sprint(keys.Current()), Changes: "[]", Result: "ok",
		Reason: fmt.Sprintf("re-sealed %d rows", rep.Total())})
	if err != nil {
		return err
	}
	if old := keys.Versions()[1:]; len(old) > 0 {
		fmt.Fprintf(stdout, "no row needs versions %v any more: remove them from the data keys\n", old)
	}
	return nil
}

// jwtKey returns the configured signing key or the one kept in the data
// directory, generating it on first start.
func jwtKey(cfg config.Config) ([]byte, error) {
	if cfg.JWTSecret == "" && cfg.JWTSecretFile != "" {
		b, err := os.ReadFile(cfg.JWTSecretFile)
		if err != nil {
			return nil, fmt.Errorf("JZ_JWT_SECRET_FILE: %w", err)
		}
		cfg.JWTSecret = strings.TrimSpace(string(b))
	}
	if cfg.JWTSecret != "" {
		if len(cfg.JWTSecret) < 32 {
			return nil, errors.New("JZ_JWT_SECRET must be at least 32 characters")
		}
		return []byte(cfg.JWTSecret), nil
	}
	path := filepath.Join(cfg.DataDir, "jwt.key")
	if b, err := os.ReadFile(path); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	// On MySQL several instances may share the database behind nginx; each
	// would generate a key of its own, and refuse the others' tokens.
	if cfg.DBDSN != "" && !cfg.Demo {
		return nil, errors.New("JZ_JWT_SECRET is not set: with MySQL several instances may share the database, and a key " +
			"generated into each data directory would differ between them; set JZ_JWT_SECRET (at least 32 characters, " +
			"the same on every instance; deploy/README.md, \"Secrets\")")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []byte(key), nil
}

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Load("serve", args, config.Env)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.CPUProfile != "" { // benchmarks (scripts/bench/list.sh)
		pf, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pf.Close()
		defer pprof.StopCPUProfile()
	}

	keys, err := dataKeys(cfg, stdout) // before anything is created: no keys, no start
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetKeys(keys)
	if err := sealLegacy(ctx, st, stdout); err != nil {
		return err
	}
	key, err := jwtKey(cfg)
	if err != nil {
		return err
	}
	var ready atomic.Bool
	a, err := app.Wire(cfg, st, key, log, ready.Load)
	if err != nil {
		return err
	}
	if err := a.Reference.Ensure(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		accounts, seeded, err := a.Demo.Seed(ctx, cfg.DemoPassword)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if seeded && cfg.DemoHouseholds > 0 {
			start := time.Now()
			hs, err := a.Demo.SeedHouseholds(ctx, cfg.DemoHouseholds)
			if err != nil {
				return fmt.Errorf("demo households: %w", err)
			}
			fmt.Fprintf(stdout, "演示户表 demo register: %d households in %s\n", hs.Households, time.Since(start).Round(time.Millisecond))
			found, err := a.CrossChecks.SeedDemo(ctx)
			if err != nil {
				return fmt.Errorf("demo department registers: %w", err)
			}
			fmt.Fprintf(stdout, "演示行业数据比对 demo department registers: %d discrepancies for the check teams\n", found)
			if err := a.Demo.SeedReview(ctx); err != nil {
				return fmt.Errorf("demo village lists: %w", err)
			}
			fmt.Fprintln(stdout, "演示村级名单 demo village lists: 2017 under way (竹园村委会 at 贫情分析), 2016 finished")
			if err := a.Demo.SeedInspections(ctx); err != nil {
				return fmt.Errorf("demo inspections: %w", err)
			}
			fmt.Fprintln(stdout, "演示检查考核 demo inspections: 2017 national assessment (阿子营 flagged, 松华 commended), planned scale per street")
		}
		if seeded {
			if err := a.Demo.SeedDirectories(ctx); err != nil {
				return fmt.Errorf("demo directories: %w", err)
			}
			fmt.Fprintln(stdout, "演示名录 demo directories: information officers (中所村委会 without one), two trainings, check teams A and B (B one 经投 official short)")
		}
		printDemo(stdout, accounts, seeded, cfg.DemoPassword)
	}
	// Jobs whose process stopped (their lease ran out) run again or fail
	// visibly, now and every JZ_JOB_POLL, as do queued ones; running jobs
	// are handed back when the server stops (shutdown.go).
	if err := a.CrossChecks.Recover(ctx); err != nil {
		return err
	}
	if err := a.Jobs.Recover(ctx); err != nil {
		return fmt.Errorf("recover jobs: %w", err)
	}
	defer a.Jobs.Shutdown()
	a.Jobs.Poll()

	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "精准 Jingzhun is serving on http://%s/ (API http://%s/api/v1, database %s)\n", cfg.Addr, cfg.Addr, st.Dialect)
	log.Info("serving", "addr", cfg.Addr, "database", st.Dialect, "demo", cfg.Demo, "job_owner", a.Jobs.Owner())
	return serveUntil(ctx, srv, ln, &ready, a.Jobs, cfg.ShutdownDrain, cfg.ShutdownTimeout, log)
}

func printDemo(w io.Writer, accounts []service.DemoAccount, seeded bool, password string) {
	if !seeded {
		fmt.Fprintln(w, "Demo mode: the database already has accounts; nothing was seeded.")
		return
	}
	fmt.Fprintln(w, "Demo mode (演示模式): second-factor enrolment and the forced first password change are waived.")
	fmt.Fprintf(w, "Demo accounts (演示账号), every one with the password %q (JZ_DEMO_PASSWORD):\n", password)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  username\trole\tscope")
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s %s\t%s\n", a.Username, a.Role, a.Role.Chinese(), a.Scope)
	}
	tw.Flush()
}
