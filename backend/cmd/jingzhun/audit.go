package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/user"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/config"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

const auditUsage = `Usage:
  jingzhun audit verify [--db DSN] [--data-dir DIR]
        walk the audit chain; exit 1 naming the first broken seq (edited, inserted or removed records)
  jingzhun audit purge [--db DSN] [--data-dir DIR]
        remove the records older than JZ_AUDIT_RETENTION (at least 180 days), leaving an anchor;
        meant for a database account of its own with DELETE on audit_events (deploy/README.md)
`

// auditCommand runs `jingzhun audit verify|purge`. Both need the data keys
// (the chain's hashes are keyed with them) and neither migrates, so that
// they run with accounts that may not change the schema.
func auditCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return auditVerify(args[1:], stdout, stderr)
	case "purge":
		return exit(auditPurge(args[1:], stdout), stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, auditUsage)
		return 0
	}
	fmt.Fprintf(stderr, "unknown audit command %q\n\n%s", args[0], auditUsage)
	return 2
}

// openAudit opens the store with the keys, without migrating, and the audit
// service over it.
func openAudit(ctx context.Context, name string, args []string, stdout io.Writer) (*service.AuditLog, *store.Store, config.Config, error) {
	cfg, err := config.Load(name, args, config.Env)
	if err != nil {
		return nil, nil, cfg, err
	}
	keys, err := dataKeys(cfg, stdout)
	if err != nil {
		return nil, nil, cfg, err
	}
	st, err := store.Open(cfg.DBDSN, cfg.SQLitePath())
	if err != nil {
		return nil, nil, cfg, err
	}
	st.SetKeys(keys)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		st.Close()
		return nil, nil, cfg, err
	}
	return service.NewAuditLog(st, time.Now, loc), st, cfg, nil
}

// auditVerify prints the result of walking the chain: exit 0 when whole, 1
// when broken (or when it could not be checked).
func auditVerify(args []string, stdout, stderr io.Writer) int {
	ctx := context.Background()
	audit, st, _, err := openAudit(ctx, "audit verify", args, stdout)
	if err != nil {
		return exit(err, stderr)
	}
	defer st.Close()
	r, err := audit.Check(ctx)
	if err != nil {
		return exit(fmt.Errorf("audit verify (migrated? `jingzhun migrate` first): %w", err), stderr)
	}
	if !r.OK {
		fmt.Fprintf(stderr, "审计日志被篡改 AUDIT LOG BROKEN at seq %d: %s — %s\n", r.BrokenSeq, r.Problem, r.Detail)
		return 1
	}
	fmt.Fprintf(stdout, "审计日志完整 audit log intact: %d records verified (seq %d–%d), head seq %d hash %s",
		r.Records, r.FirstSeq, r.LastSeq, r.HeadSeq, r.HeadHash)
	if r.AnchorSeq > 0 {
		fmt.Fprintf(stdout, "; purged up to seq %d (%d purges)", r.AnchorSeq, r.Anchors)
	}
	fmt.Fprintln(stdout)
	return 0
}

// auditPurge removes the records older than the retention and records the
// purge in the chain.
func auditPurge(args []string, stdout io.Writer) error {
	ctx := context.Background()
	audit, st, cfg, err := openAudit(ctx, "audit purge", args, stdout)
	if err != nil {
		return err
	}
	defer st.Close()
	host, _ := os.Hostname()
	actor := access.Actor{Username: "system", Role: "system", ClientIP: host, RequestID: "audit-purge"}
	r, err := audit.Purge(ctx, actor, cfg.AuditRetention, purger(cfg, host))
	if err != nil {
		return err
	}
	days := int(cfg.AuditRetention.Hours() / 24)
	if r.Removed == 0 {
		fmt.Fprintf(stdout, "audit purge: no record older than %d days (before %s)\n", days, r.Cutoff.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(stdout, "audit purge: removed %d records older than %d days (before %s), up to seq %d; anchor recorded\n",
		r.Removed, days, r.Cutoff.Format(time.RFC3339), r.AnchorSeq)
	return nil
}

// purger names who ran the purge, for its anchor: the operating-system
// user, the host and the database account.
func purger(cfg config.Config, host string) string {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	db := "sqlite"
	if u, err := url.Parse(cfg.DBDSN); err == nil && cfg.DBDSN != "" {
		db = "mysql:" + u.User.Username()
	}
	return fmt.Sprintf("%s@%s as %s", who, host, db)
}
