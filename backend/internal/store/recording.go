package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// Statement is one statement as the store handed it to database/sql: the
// text with its ? placeholders, and the arguments.
type Statement struct {
	SQL  string
	Args []any
}

type recordKey struct{}

// Recording returns a context under which every query the store runs
// outside a transaction is also reported to rec, as sent. The plan test
// EXPLAINs what the store builds and the list benchmark's baseline runs it,
// so that neither keeps a copy of the SQL that could drift from the store's.
// The queries still run; nothing else changes.
func (s *Store) Recording(ctx context.Context, rec func(Statement)) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// recorded puts the recorder of ctx, if any, in front of db's connections.
func recorded(ctx context.Context, db *gorm.DB) *gorm.DB {
	rec, ok := ctx.Value(recordKey{}).(func(Statement))
	if !ok {
		return db
	}
	db.Statement.ConnPool = recordingPool{ConnPool: db.Statement.ConnPool, rec: rec}
	return db
}

// recordingPool reports each statement and passes it on.
type recordingPool struct {
	gorm.ConnPool
	rec func(Statement)
}

func (p recordingPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p.rec(Statement{SQL: query, Args: args})
	return p.ConnPool.QueryContext(ctx, query, args...)
}

func (p recordingPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.rec(Statement{SQL: query, Args: args})
	return p.ConnPool.QueryRowContext(ctx, query, args...)
}

func (p recordingPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p.rec(Statement{SQL: query, Args: args})
	return p.ConnPool.ExecContext(ctx, query, args...)
}
