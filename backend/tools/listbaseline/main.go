// Command listbaseline is the yardstick of scripts/bench/list.sh: the
// household list page of a street account as a bare net/http handler over
// database/sql, to compare `jingzhun serve` with.
//
// At start it asks the real store for the page (store.Households under
// store.Recording, with the scope a street account of -street gets, the
// filter street and -status, page 1 of -page-size) and keeps the two
// statements the store sends, exactly as sent: the COUNT and the page
// query, with their arguments. Every request then runs both through
// database/sql (the same driver settings and pool size as the store), scans
// the fifteen columns, opens the head's sealed ID number and masks it, as
// the list does, and writes the same JSON as the API (items, total, page,
// page_size).
//
// What it does not do: no authentication (the server reads the session,
// the account and its grants, and touches the session, on every request),
// no rate limits, no routing, binding or validation of the query, no
// request log, no metrics, no GORM (statement building, reflection).
//
//	go run ./tools/listbaseline -db mysql://root@127.0.0.1:3306/jz_bench_1m -street 530103011 -status registered
//
// The data keys come from JZ_DATA_KEYS or the file JZ_DATA_KEY_FILE.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"jingzhun/internal/access"
	"jingzhun/internal/idcard"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
)

// item is api.HouseholdListItem's JSON.
type item struct {
	ID               int64     `json:"id"`
	Code             string    `json:"code"`
	StreetCode       string    `json:"street_code"`
	StreetName       string    `json:"street_name"`
	VillageCode      string    `json:"village_code"`
	VillageName      string    `json:"village_name"`
	GroupName        string    `json:"group_name"`
	HeadName         string    `json:"head_name"`
	HeadIDNumber     string    `json:"head_id_number"`
	Members          int       `json:"members"`
	Status           string    `json:"status"`
	PovertyAttribute string    `json:"poverty_attribute"`
	MainCause        string    `json:"main_cause"`
	Version          int64     `json:"version"`
	UpdatedAt        time.Time `json:"updated_at"`
}

type page struct {
	Items    []item `json:"items"`
	Total    int64  `json:"total"`
	Page     int    `json:"page"`
	PageSize int    `json:"page_size"`
}

func main() {
	dsn := flag.String("db", os.Getenv("JZ_DB_DSN"), "MySQL DSN mysql://user:pass@host:port/db")
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	street := flag.String("street", "", "street code: the account's scope and the filter")
	status := flag.String("status", "registered", "status filter")
	size := flag.Int("page-size", 20, "page size")
	flag.Parse()
	if *dsn == "" || *street == "" {
		log.Fatal("usage: listbaseline -db mysql://… -street CODE [-status S] [-page-size N] [-addr HOST:PORT]")
	}
	keys, err := dataKeys()
	if err != nil {
		log.Fatal(err)
	}

	count, list, err := capture(*dsn, keys, *street, *status, *size)
	if err != nil {
		log.Fatal(err)
	}
	c, err := store.MySQLConfig(*dsn)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := gomysql.NewConnector(c)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(32) // as store.Open
	db.SetMaxIdleConns(8)
	db.SetConnMaxLifetime(30 * time.Minute)

	http.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		out, err := serve(r.Context(), db, keys, count, list, *size)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(out)
	})
	log.Printf("listbaseline on http://%s/ (street %s, status %s)\n  count: %s\n  page:  %s",
		*addr, *street, *status, oneLine(count.SQL), oneLine(list.SQL))
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// capture asks the store for the page and keeps what it sends.
func capture(dsn string, keys *sealing.Keyring, street, status string, size int) (count, list store.Statement, err error) {
	st, err := store.Open(dsn, "")
	if err != nil {
		return count, list, err
	}
	defer st.Close()
	st.SetKeys(keys)
	ctx := context.Background()
	tree, err := st.Regions(ctx)
	if err != nil {
		return count, list, err
	}
	sc := tree.ExpandScope(access.Street, access.Grant{Street: street})
	var sent []store.Statement
	rctx := st.Recording(ctx, func(s store.Statement) { sent = append(sent, s) })
	if _, _, err := st.Households(rctx, sc, store.HouseholdFilter{StreetCode: street, Status: status, Page: 1, PageSize: size}); err != nil {
		return count, list, err
	}
	if len(sent) != 2 {
		return count, list, fmt.Errorf("the store sent %d statements for a page, want 2 (count and page)", len(sent))
	}
	return sent[0], sent[1], nil
}

func serve(ctx context.Context, db *sql.DB, keys *sealing.Keyring, count, list store.Statement, size int) (*page, error) {
	out := &page{Items: make([]item, 0, size), Page: 1, PageSize: size}
	if err := db.QueryRowContext(ctx, count.SQL, count.Args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, list.SQL, list.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it item
		var streetName, villageName, groupName, headName, headID sql.NullString
		if err := rows.Scan(&it.ID, &it.Code, &it.StreetCode, &streetName, &it.VillageCode, &villageName, &groupName,
			&headName, &headID, &it.Members, &it.Status, &it.PovertyAttribute, &it.MainCause, &it.Version, &it.UpdatedAt); err != nil {
			return nil, err
		}
		it.StreetName, it.VillageName, it.GroupName, it.HeadName = streetName.String, villageName.String, groupName.String, headName.String
		if headID.String != "" {
			id, err := keys.Open("members.id_number", headID.String)
			if err != nil {
				return nil, fmt.Errorf("household %d head: %w", it.ID, err)
			}
			it.HeadIDNumber = idcard.Mask(id)
		}
		out.Items = append(out.Items, it)
	}
	return out, rows.Err()
}

func dataKeys() (*sealing.Keyring, error) {
	if text := os.Getenv("JZ_DATA_KEYS"); text != "" {
		return sealing.Parse(text)
	}
	if path := os.Getenv("JZ_DATA_KEY_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return sealing.Parse(string(b))
	}
	return nil, fmt.Errorf("set JZ_DATA_KEYS or JZ_DATA_KEY_FILE")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
