package main

import (
	"context"
	"crypto/rand"
	"io"

	"jingzhun/internal/app"
	"jingzhun/internal/config"
	"jingzhun/internal/store"
)

// wireOffline opens the store of cfg with its data keys and wires the
// services for a command that works on the database without serving (gen
// -db, recompute, import-register). No tokens are issued, so the signing key
// is a random one. The caller closes the store.
func wireOffline(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) (*app.App, *store.Store, error) {
	keys, err := dataKeys(cfg, stdout)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	st.SetKeys(keys)
	signing := make([]byte, 32)
	if _, err := rand.Read(signing); err != nil {
		st.Close()
		return nil, nil, err
	}
	a, err := app.Wire(cfg, st, signing, newLogger("warn", stderr), func() bool { return false })
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return a, st, nil
}

// offlineConfig loads the configuration of such a command from the
// environment and its -data-dir and -db flags (demo: the data is demo data,
// with demo keys).
func offlineConfig(name, dataDir, db string, demo bool) (config.Config, error) {
	var args []string
	if demo {
		args = append(args, "--demo")
	}
	if dataDir != "" {
		args = append(args, "--data-dir", dataDir)
	}
	if db != "" {
		args = append(args, "--db", db)
	}
	return config.Load(name, args, config.Env)
}
