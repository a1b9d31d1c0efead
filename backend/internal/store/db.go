// Package store is the only place that knows SQL. Every query that reads or
// writes regional data takes the caller's scope. The same code runs on the
// embedded SQLite default and on MySQL 8 / MariaDB 10.11.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jingzhun/internal/apperr"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store/migrations"
)

// Store wraps the database handle. Services get one from main.
type Store struct {
	db      *gorm.DB
	Dialect string // "sqlite" or "mysql"
	// keys seal personal data on write and open it on read (sealed.go). Set
	// once by SetKeys before use; without keys, reading or writing sealed
	// data fails.
	keys *sealing.Keyring
}

// Open connects to MySQL when dsn is set (mysql://user:pass@host:port/db),
// otherwise to the embedded SQLite file at sqlitePath. It does not migrate.
func Open(dsn, sqlitePath string) (*Store, error) {
	cfg := &gorm.Config{
		Logger:  logger.Discard,
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		// Foreign keys are declared by the migrations, never by GORM.
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
	}
	if dsn != "" {
		mc, err := MySQLConfig(dsn)
		if err != nil {
			return nil, err
		}
		db, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: mc}), cfg)
		if err != nil {
			return nil, fmt.Errorf("connect to MySQL: %w", err)
		}
		sqlDB, _ := db.DB()
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(8)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		return &Store{db: db.Set("gorm:table_options", migrations.MySQLTableOptions), Dialect: "mysql"}, nil
	}
	if err := os.MkdirAll(filepath.Dir(sqlitePath), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// WAL lets readers run beside the writer; _txlock=immediate takes the write
	// lock at BEGIN so two transactions never deadlock upgrading a read lock;
	// busy_timeout makes the second writer wait instead of failing.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	db, err := gorm.Open(sqlite.Open("file:"+sqlitePath+"?"+q.Encode()), cfg)
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", sqlitePath, err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(8)
	return &Store{db: db, Dialect: "sqlite"}, nil
}

// MySQLConfig turns mysql://user:pass@host:port/db?param=v into a driver
// configuration with utf8mb4 and UTC timestamps.
func MySQLConfig(dsn string) (*gomysql.Config, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "mysql" || u.Host == "" || len(u.Path) < 2 {
		return nil, errors.New("JZ_DB_DSN must look like mysql://user:pass@host:3306/dbname")
	}
	c := gomysql.NewConfig()
	c.User = u.User.Username()
	c.Passwd, _ = u.User.Password()
	c.Net = "tcp"
	c.Addr = u.Host
	c.DBName = u.Path[1:]
	c.ParseTime = true
	c.Loc = time.UTC
	c.Collation = "utf8mb4_unicode_ci"
	c.Params = map[string]string{"charset": "utf8mb4", "time_zone": "'+00:00'"}
	for k, vs := range u.Query() {
		c.Params[k] = vs[len(vs)-1]
	}
	// Affected rows count matched rows, as on SQLite: an update that changes
	// nothing still proves the row exists.
	c.ClientFoundRows = true
	return c, nil
}

// Migrate applies the pending migrations.
func (s *Store) Migrate(ctx context.Context) error {
	return migrations.Run(s.db.WithContext(ctx))
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// SQL exposes the raw handle for tools that must bypass GORM (tests, dumps).
func (s *Store) SQL() (*sql.DB, error) { return s.db.DB() }

type txKey struct{}

// InTx runs fn in one transaction. Services call it; stores read the
// transaction from ctx, so that a change and its audit record commit together.
// Nested calls join the outer transaction.
//
// A transaction SQLite refuses as busy (another writer held the lock past
// busy_timeout, or a snapshot went stale) is run again, a few times, after
// a short pause: fn must be safe to run again, which it is when all it does
// is read and write through ctx. A refresh colliding with a long
// recomputation must wait, not fail.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			ctx := withAuditBuffer(context.WithValue(ctx, txKey{}, tx))
			if err := fn(ctx); err != nil {
				return err
			}
			// The transaction's audit records are chained last, holding
			// the chain's head only until commit (audit.go).
			return s.flushAudit(ctx)
		})
		if err == nil || s.Dialect != "sqlite" || !isBusy(err) || attempt >= 5 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(50*(attempt+1)) * time.Millisecond):
		}
	}
}

// isBusy recognises SQLite's "database is locked" (SQLITE_BUSY, 5) and
// SQLITE_LOCKED (6) in any wrapping.
func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "(5)") && strings.Contains(msg, "locked")
}

// conn is the handle every query uses: the transaction in ctx, if any.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return recorded(ctx, s.db.WithContext(ctx))
}

// notFound maps GORM's not-found to the API's not-found.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf(what)
	}
	return err
}
