package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// fullRecordRoutes are the only reads that may carry a full ID number or
// phone number: the audited full record and the audited interchange export
// (deploy/SECURITY.md). Every other response, list and export shows them
// masked, for every role.
var fullRecordRoutes = map[string]bool{
	"GET /api/v1/households/:id":             true,
	"GET /api/v1/households/:id/interchange": true,
	// One discrepancy, side by side with the department's row: the check
	// team compares the member's ID number with the paper form (audited).
	"GET /api/v1/discrepancies/:id": true,
	// The export for entry into the national system (district only,
	// audited): the national system is keyed by full ID numbers.
	"GET /api/v1/campaigns/:id/national-export": true,
}

// text is a response as a reader would see it: an XLSX's sheets unzipped.
func text(t *testing.T, body []byte) string {
	if !bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return string(body)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range z.File {
		r, _ := f.Open()
		c, _ := io.ReadAll(r)
		r.Close()
		b.Write(c)
	}
	return b.String()
}

func TestNoFullIDNumbersOutsideTheFullRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		head, spouse := personID("1961-02-03", 41), personID("1963-04-05", 42)
		body := householdBody("VIS-0001", "530103012004", head, spouse)
		body["phone"] = "13812345678"
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var h struct {
			ID int64 `json:"id"`
		}
		r.json(t, &h)
		secrets := []string{head, spouse, "13812345678"}

		tokens := map[string]string{}
		for role, user := range demoAccount {
			tokens[role] = s.as(user).token
		}
		for _, route := range s.engine.Routes() {
			key := route.Method + " " + route.Path
			if route.Method != "GET" || !strings.HasPrefix(route.Path, "/api/v1/") || fullRecordRoutes[key] {
				continue
			}
			path := strings.NewReplacer(":id", fmt.Sprint(h.ID), ":code", "530103012004").Replace(route.Path)
			if strings.HasPrefix(route.Path, "/api/v1/campaigns/:id") || strings.HasPrefix(route.Path, "/api/v1/jobs/:id") {
				path = strings.Replace(route.Path, ":id", "1", 1)
			}
			for role, tok := range tokens {
				r := s.do(req{method: "GET", path: path, token: tok})
				got := text(t, r.Body.Bytes())
				for _, secret := range secrets {
					if strings.Contains(got, secret) {
						t.Errorf("%s as %s (%d) shows %s in full", key, role, r.Code, secret)
					}
				}
			}
		}
		// The full record does show them, to a reader in scope, and the read is audited.
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d", h.ID), token: officer.token})
		if !strings.Contains(r.Body.String(), head) || !strings.Contains(r.Body.String(), "13812345678") {
			t.Fatalf("full record: %s", r.Body)
		}
	})
}
