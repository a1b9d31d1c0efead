// Command selectonly is the yardstick of scripts/bench/recompute.sh: it
// reads the rows a recomputation reads — every live household and the
// members, vehicles, town properties, businesses and help measures of the
// register — with one plain streaming SELECT per table, each row scanned
// into raw bytes and dropped: no decoding, no decryption, no rules, no
// writes. The benchmark compares `jingzhun recompute` on the same database
// with it.
//
//	go run ./tools/selectonly mysql://user:pass@host:port/db
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"jingzhun/internal/store"
)

// queries are what the recomputation loads, table by table.
var queries = []string{
	"SELECT * FROM households WHERE deleted_at IS NULL",
	"SELECT * FROM members",
	"SELECT * FROM vehicles",
	"SELECT * FROM urban_properties",
	"SELECT * FROM businesses",
	"SELECT * FROM help_measures",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: selectonly mysql://user:pass@host:port/db")
		os.Exit(2)
	}
	cfg, err := store.MySQLConfig(os.Args[1])
	if err != nil {
		fail(err)
	}
	conn, err := gomysql.NewConnector(cfg)
	if err != nil {
		fail(err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	start := time.Now()
	var rows, bytes int64
	for _, q := range queries {
		n, b, err := stream(context.Background(), db, q)
		if err != nil {
			fail(fmt.Errorf("%s: %w", q, err))
		}
		rows, bytes = rows+n, bytes+b
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("rows=%d bytes=%d seconds=%.2f rows_per_second=%.0f peak_rss_mb=%.1f\n", rows, bytes, secs, float64(rows)/secs, peakRSSMB())
}

// stream runs q and scans every row into raw bytes.
func stream(ctx context.Context, db *sql.DB, q string) (n, size int64, err error) {
	rs, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, 0, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return 0, 0, err
	}
	vals := make([]sql.RawBytes, len(cols))
	dst := make([]any, len(cols))
	for i := range vals {
		dst[i] = &vals[i]
	}
	for rs.Next() {
		if err := rs.Scan(dst...); err != nil {
			return n, size, err
		}
		for _, v := range vals {
			size += int64(len(v))
		}
		n++
	}
	return n, size, rs.Err()
}

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

func fail(err error) {
	fmt.Fprintln(os.Stderr, "selectonly:", err)
	os.Exit(1)
}
