// Command jingzhun is the whole system in one binary: the API and SPA server,
// the schema migrations, the stateless rules engine and the data generator.
//
//	jingzhun serve [--demo] [--addr 127.0.0.1:8080] [--data-dir ./data] [--db mysql://…]
//	jingzhun migrate
//	jingzhun evaluate [-i FILE]
//	jingzhun gen -n N [-seed S] [-o FILE]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve on machines without zoneinfo

	"jingzhun/internal/app"
	"jingzhun/internal/config"
	"jingzhun/internal/evaluation"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/synth"
)

const usage = `jingzhun — 盘龙区贫困对象动态管理暨精准识别

Usage:
  jingzhun serve [--demo] [--addr HOST:PORT] [--data-dir DIR] [--db mysql://user:pass@host:port/db]
  jingzhun migrate [--data-dir DIR] [--db DSN]
  jingzhun evaluate [-i FILE]          evaluate an envelope (household-v1) to standard output
  jingzhun gen -n N [-seed S] [-o FILE] write a synthetic evaluation envelope

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
	case "evaluate":
		return evaluation.Command(args[1:], stdin, stdout, stderr)
	case "gen":
		return synth.GenCommand(args[1:], stdout, stderr)
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
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "migrations applied (%s)\n", st.Dialect)
	return nil
}

// jwtKey returns the configured signing key or the one kept in the data
// directory, generating it on first start.
func jwtKey(cfg config.Config) ([]byte, error) {
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

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
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
		}
		printDemo(stdout, accounts, seeded, cfg.DemoPassword)
	}
	// Jobs a stopped process left behind run again or fail visibly; running
	// jobs are stopped (and recorded as such) when the server stops.
	if err := a.Jobs.Recover(ctx); err != nil {
		return fmt.Errorf("recover jobs: %w", err)
	}
	defer a.Jobs.Shutdown()

	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	ready.Store(true)
	fmt.Fprintf(stdout, "精准 Jingzhun is serving on http://%s/ (API http://%s/api/v1, database %s)\n", cfg.Addr, cfg.Addr, st.Dialect)
	log.Info("serving", "addr", cfg.Addr, "database", st.Dialect, "demo", cfg.Demo)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	ready.Store(false)
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
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
