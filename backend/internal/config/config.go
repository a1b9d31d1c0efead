// Package config holds the typed configuration of the jingzhun binary: defaults,
// overridden by JZ_ environment variables, overridden by command-line flags.
// Nothing reads configuration from a package-level variable: main builds one
// Config and passes what each part needs.
package config

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"jingzhun/internal/access"
)

// Config is every setting of the server. The zero value is not useful; use Default.
type Config struct {
	Addr    string // listen address (JZ_ADDR)
	DataDir string // where SQLite, keys and attachments live (JZ_DATA_DIR)
	DBDSN   string // mysql://user:pass@host:port/db; empty = embedded SQLite (JZ_DB_DSN)

	// DataKeys seal personal data at rest: "index:BASE64,2:BASE64,1:BASE64",
	// the first version current (JZ_DATA_KEYS). DataKeyFile names a file with
	// the same text (JZ_DATA_KEY_FILE). Without either, only --demo starts,
	// generating DataDir/data.keys.
	DataKeys    string
	DataKeyFile string

	Demo         bool   // seed demo data on an empty database (JZ_DEMO)
	DemoPassword string // password of every demo account (JZ_DEMO_PASSWORD)
	// DemoHouseholds is about how many synthetic households --demo puts in
	// the register (JZ_DEMO_HOUSEHOLDS; 0 = none).
	DemoHouseholds int

	JWTSecret     string        // HMAC key for access tokens; generated into DataDir when empty (JZ_JWT_SECRET)
	JWTSecretFile string        // a file holding JWTSecret, e.g. a Docker or systemd secret (JZ_JWT_SECRET_FILE)
	AccessTTL     time.Duration // lifetime of an access token (JZ_ACCESS_TTL)
	RefreshTTL    time.Duration // lifetime of a refresh token (JZ_REFRESH_TTL)
	SessionIdle   time.Duration // a session unused this long ends (JZ_SESSION_IDLE)
	SessionLimit  time.Duration // absolute session lifetime (JZ_SESSION_LIMIT)
	SecureCookie  bool          // mark the refresh cookie Secure (JZ_SECURE_COOKIE); on behind TLS

	// ClientTokenTTL is the lifetime of an API client's access token
	// (JZ_CLIENT_TOKEN_TTL; at most an hour: revocation is checked on every
	// call anyway, the short life bounds a leaked token).
	ClientTokenTTL time.Duration

	LoginPerMinute int // login and MFA attempts per client IP per minute, shared by all processes (JZ_LOGIN_PER_MINUTE)
	// Request budgets per minute (issue 9). The general ones are a ceiling
	// against runaway clients, kept in each process (JZ_RATE_IP_PER_MINUTE,
	// JZ_RATE_USER_PER_MINUTE); the strict ones are counted in the database
	// and shared by every process: exports per user (JZ_EXPORT_PER_MINUTE),
	// full-record reads per user (JZ_RECORD_READS_PER_MINUTE).
	RateIPPerMinute      int
	RateUserPerMinute    int
	ExportPerMinute      int
	RecordReadsPerMinute int
	// CORSOrigins may call the API from a browser on another origin, each
	// exactly scheme://host[:port] (JZ_CORS_ORIGINS, comma list; empty = no
	// CORS at all, the SPA is same-origin).
	CORSOrigins []string
	// HSTS sends Strict-Transport-Security on every response even when the
	// server cannot see TLS (JZ_HSTS): for a proxy ending TLS that does not
	// send X-Forwarded-Proto.
	HSTS bool
	// MFARoles must sign in with a TOTP second factor (JZ_MFA_ROLES, comma
	// list; issue 5: district, admin, security_admin, auditor). Demo mode
	// waives it (api-contract.md).
	MFARoles []string
	// PasswordMaxAge: older passwords must be changed (JZ_PASSWORD_MAX_AGE;
	// 0 = never; waived in demo mode).
	PasswordMaxAge time.Duration
	BodyLimit      int64 // ordinary JSON request bodies, bytes (JZ_BODY_LIMIT)
	EvalBodyLimit  int64 // POST /evaluations body, bytes (JZ_EVAL_BODY_LIMIT)
	EvalMaxHouses  int   // households per evaluation request (JZ_EVAL_MAX_HOUSEHOLDS)
	UploadLimit    int64 // largest attachment, bytes (JZ_UPLOAD_LIMIT)
	// RegisterUploadLimit is the largest department register file, bytes
	// (JZ_REGISTER_UPLOAD_LIMIT); it is streamed to disk, never held whole.
	RegisterUploadLimit int64
	// RegisterMaxRows bounds the data rows of one department register file
	// (JZ_REGISTER_MAX_ROWS); more is refused with a clear problem.
	RegisterMaxRows int

	// Argon2id cost. Tests lower it; production keeps the OWASP minimum or more.
	Argon2MemoryKiB uint32 // JZ_ARGON2_MEMORY_KIB
	Argon2Time      uint32 // JZ_ARGON2_TIME

	TrustedProxies []string // client IP taken from X-Forwarded-For only behind these (JZ_TRUSTED_PROXIES, comma list)
	LogLevel       string   // debug, info, warn, error (JZ_LOG_LEVEL)
	// CPUProfile, for benchmarks only, names a file that serve writes a CPU
	// profile of its whole run to, from start to stop (JZ_CPU_PROFILE;
	// empty = none). A file, not an endpoint: nothing profiles over HTTP.
	CPUProfile string

	// AuditRetention is how long audit records are kept before `jingzhun
	// audit purge` removes them, by age only (JZ_AUDIT_RETENTION: days, e.g.
	// 180 or 365d, or a duration like 4320h). Never under MinAuditRetention.
	AuditRetention time.Duration

	// ShutdownTimeout bounds a stop on SIGTERM: in-flight requests finish
	// within it, then running jobs are handed back (JZ_SHUTDOWN_TIMEOUT).
	// ShutdownDrain is how long /readyz answers 503 before the listener
	// closes, for a load balancer that polls it (JZ_SHUTDOWN_DRAIN; 0 = none).
	ShutdownTimeout time.Duration
	ShutdownDrain   time.Duration
	// JobLease is how long a job's claim holds without renewal; an instance
	// that stops is noticed after it (JZ_JOB_LEASE). JobPoll is how often an
	// instance looks for expired and queued jobs (JZ_JOB_POLL). Every
	// instance sharing a database uses the same values.
	JobLease time.Duration
	JobPoll  time.Duration
}

// Default returns the settings used when nothing is configured.
func Default() Config {
	return Config{
		Addr:                "127.0.0.1:8080",
		DataDir:             "./data",
		DemoPassword:        "Jingzhun@2017",
		DemoHouseholds:      2000,
		MFARoles:            []string{"district", "admin", "security_admin", "auditor"},
		PasswordMaxAge:      90 * 24 * time.Hour,
		AccessTTL:           15 * time.Minute,
		ClientTokenTTL:      15 * time.Minute,
		RefreshTTL:          12 * time.Hour,
		SessionIdle:         30 * time.Minute,
		SessionLimit:        12 * time.Hour,
		LoginPerMinute:      20,
		BodyLimit:           1 << 20,
		EvalBodyLimit:       32 << 20,
		EvalMaxHouses:       10000,
		UploadLimit:         10 << 20,
		RegisterUploadLimit: 512 << 20,
		Argon2MemoryKiB:     19 * 1024,
		Argon2Time:          2,
		LogLevel:            "info",
		AuditRetention:      MinAuditRetention,
		ShutdownTimeout:     20 * time.Second,
		JobLease:            30 * time.Second,
		JobPoll:             5 * time.Second,
		// A person clicking never comes near the general budgets; the strict
		// ones allow a working clerk's pace, not a script copying the register.
		RateIPPerMinute:      2400,
		RateUserPerMinute:    1200,
		ExportPerMinute:      30,
		RecordReadsPerMinute: 300,
		// 512 MB of CSV at about 100 bytes a row; the district has under
		// a million residents, so no department's register comes near it.
		RegisterMaxRows: 5_000_000,
	}
}

// Load builds the configuration from defaults, the environment (lookup, normally
// os.LookupEnv) and the flags in args. Flags win over the environment.
func Load(name string, args []string, lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	if err := c.fromEnv(lookup); err != nil {
		return c, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (JZ_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "data directory for SQLite, keys and files (JZ_DATA_DIR)")
	fs.StringVar(&c.DBDSN, "db", c.DBDSN, "MySQL DSN mysql://user:pass@host:port/db; empty = embedded SQLite (JZ_DB_DSN)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed demo regions, accounts and data on an empty database (JZ_DEMO)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (JZ_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, c.validate()
}

func (c *Config) fromEnv(lookup func(string) (string, bool)) error {
	str := func(key string, dst *string) {
		if v, ok := lookup(key); ok {
			*dst = v
		}
	}
	var errs []string
	boolean := func(key string, dst *bool) {
		if v, ok := lookup(key); ok {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, key+": not a boolean")
				return
			}
			*dst = b
		}
	}
	integer := func(key string, dst *int) {
		if v, ok := lookup(key); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, key+": not an integer")
				return
			}
			*dst = n
		}
	}
	size := func(key string, dst *int64) {
		if v, ok := lookup(key); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				errs = append(errs, key+": not a number of bytes")
				return
			}
			*dst = n
		}
	}
	u32 := func(key string, dst *uint32) {
		if v, ok := lookup(key); ok {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				errs = append(errs, key+": not a positive integer")
				return
			}
			*dst = uint32(n)
		}
	}
	duration := func(key string, dst *time.Duration) {
		if v, ok := lookup(key); ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, key+": not a duration like 15m or 12h")
				return
			}
			*dst = d
		}
	}
	str("JZ_ADDR", &c.Addr)
	str("JZ_DATA_DIR", &c.DataDir)
	str("JZ_DB_DSN", &c.DBDSN)
	boolean("JZ_DEMO", &c.Demo)
	str("JZ_DEMO_PASSWORD", &c.DemoPassword)
	integer("JZ_DEMO_HOUSEHOLDS", &c.DemoHouseholds)
	str("JZ_JWT_SECRET", &c.JWTSecret)
	str("JZ_JWT_SECRET_FILE", &c.JWTSecretFile)
	str("JZ_DATA_KEYS", &c.DataKeys)
	str("JZ_DATA_KEY_FILE", &c.DataKeyFile)
	duration("JZ_ACCESS_TTL", &c.AccessTTL)
	duration("JZ_CLIENT_TOKEN_TTL", &c.ClientTokenTTL)
	duration("JZ_REFRESH_TTL", &c.RefreshTTL)
	duration("JZ_SESSION_IDLE", &c.SessionIdle)
	duration("JZ_SESSION_LIMIT", &c.SessionLimit)
	duration("JZ_PASSWORD_MAX_AGE", &c.PasswordMaxAge)
	boolean("JZ_SECURE_COOKIE", &c.SecureCookie)
	integer("JZ_LOGIN_PER_MINUTE", &c.LoginPerMinute)
	integer("JZ_RATE_IP_PER_MINUTE", &c.RateIPPerMinute)
	integer("JZ_RATE_USER_PER_MINUTE", &c.RateUserPerMinute)
	integer("JZ_EXPORT_PER_MINUTE", &c.ExportPerMinute)
	integer("JZ_RECORD_READS_PER_MINUTE", &c.RecordReadsPerMinute)
	boolean("JZ_HSTS", &c.HSTS)
	if v, ok := lookup("JZ_CORS_ORIGINS"); ok {
		c.CORSOrigins = nil
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
	}
	size("JZ_BODY_LIMIT", &c.BodyLimit)
	size("JZ_EVAL_BODY_LIMIT", &c.EvalBodyLimit)
	integer("JZ_EVAL_MAX_HOUSEHOLDS", &c.EvalMaxHouses)
	size("JZ_UPLOAD_LIMIT", &c.UploadLimit)
	size("JZ_REGISTER_UPLOAD_LIMIT", &c.RegisterUploadLimit)
	integer("JZ_REGISTER_MAX_ROWS", &c.RegisterMaxRows)
	u32("JZ_ARGON2_MEMORY_KIB", &c.Argon2MemoryKiB)
	u32("JZ_ARGON2_TIME", &c.Argon2Time)
	str("JZ_LOG_LEVEL", &c.LogLevel)
	str("JZ_CPU_PROFILE", &c.CPUProfile)
	if v, ok := lookup("JZ_AUDIT_RETENTION"); ok {
		d, err := parseDays(v)
		if err != nil {
			errs = append(errs, "JZ_AUDIT_RETENTION: "+err.Error())
		}
		c.AuditRetention = d
	}
	duration("JZ_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	duration("JZ_SHUTDOWN_DRAIN", &c.ShutdownDrain)
	duration("JZ_JOB_LEASE", &c.JobLease)
	duration("JZ_JOB_POLL", &c.JobPoll)
	if v, ok := lookup("JZ_TRUSTED_PROXIES"); ok && strings.TrimSpace(v) != "" {
		for _, p := range strings.Split(v, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(p))
		}
	}
	if v, ok := lookup("JZ_MFA_ROLES"); ok {
		c.MFARoles = nil
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(r); r != "" {
				c.MFARoles = append(c.MFARoles, r)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return nil
}

func (c *Config) validate() error {
	for _, o := range c.CORSOrigins {
		if !exactOrigin(o) {
			return fmt.Errorf("configuration: JZ_CORS_ORIGINS: %q is not an origin like https://example.gov.cn (scheme and host, no path, no wildcard)", o)
		}
	}
	for _, r := range c.MFARoles {
		if !slices.Contains(access.Roles, access.Role(r)) {
			return fmt.Errorf("configuration: JZ_MFA_ROLES: %q is not a role (one of %v)", r, access.Roles)
		}
	}
	switch {
	case c.AccessTTL <= 0 || c.RefreshTTL <= 0 || c.SessionIdle <= 0 || c.SessionLimit <= 0:
		return fmt.Errorf("configuration: token and session lifetimes must be positive")
	case c.ClientTokenTTL <= 0 || c.ClientTokenTTL > time.Hour:
		return fmt.Errorf("configuration: JZ_CLIENT_TOKEN_TTL must be positive and at most 1h")
	case c.LoginPerMinute <= 0:
		return fmt.Errorf("configuration: JZ_LOGIN_PER_MINUTE must be positive")
	case c.RateIPPerMinute <= 0 || c.RateUserPerMinute <= 0 || c.ExportPerMinute <= 0 || c.RecordReadsPerMinute <= 0:
		return fmt.Errorf("configuration: JZ_RATE_IP_PER_MINUTE, JZ_RATE_USER_PER_MINUTE, JZ_EXPORT_PER_MINUTE and JZ_RECORD_READS_PER_MINUTE must be positive")
	case c.BodyLimit <= 0 || c.EvalBodyLimit <= 0 || c.EvalMaxHouses <= 0 || c.UploadLimit <= 0 || c.RegisterUploadLimit <= 0 || c.RegisterMaxRows <= 0:
		return fmt.Errorf("configuration: body and household limits must be positive")
	case c.ShutdownTimeout <= 0 || c.ShutdownDrain < 0:
		return fmt.Errorf("configuration: JZ_SHUTDOWN_TIMEOUT must be positive, JZ_SHUTDOWN_DRAIN not negative")
	case c.JobLease < 3*time.Second || c.JobPoll <= 0 || c.JobPoll > c.JobLease:
		return fmt.Errorf("configuration: JZ_JOB_LEASE must be at least 3s and JZ_JOB_POLL positive and at most the lease")
	case c.AuditRetention < MinAuditRetention:
		return fmt.Errorf("configuration: JZ_AUDIT_RETENTION must be at least %d days (audit records are kept six months or more)", int(MinAuditRetention.Hours()/24))
	case c.Argon2MemoryKiB < 8 || c.Argon2Time < 1:
		return fmt.Errorf("configuration: argon2 cost too low")
	case c.DBDSN != "" && !strings.HasPrefix(c.DBDSN, "mysql://"):
		return fmt.Errorf("configuration: JZ_DB_DSN must start with mysql://")
	}
	return nil
}

// MinAuditRetention is the shortest JZ_AUDIT_RETENTION: 180 days, the six
// months of 网络安全法 第二十一条 (the audit service refuses less as well).
const MinAuditRetention = 180 * 24 * time.Hour

// parseDays reads a number of days ("180", "365d") or a Go duration ("4320h").
func parseDays(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(strings.TrimSuffix(v, "d")); err == nil {
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("not a number of days like 180 or 365d")
	}
	return d, nil
}

// exactOrigin accepts what a browser sends as Origin: http or https, a host,
// maybe a port, nothing else. The allowlist is compared byte for byte, so a
// trailing slash or an upper-case letter would never match.
func exactOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil &&
		!strings.Contains(o, "*") && o == strings.ToLower(o) && o == u.Scheme+"://"+u.Host
}

// SQLitePath is the embedded database file inside the data directory.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "jingzhun.db") }

// Env is os.LookupEnv, named for main's call to Load.
func Env(key string) (string, bool) { return os.LookupEnv(key) }
