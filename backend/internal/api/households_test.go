package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/idcard"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// personID makes a valid ID number born on the given date; odd seq is male.
func personID(birth string, seq int) string {
	first := fmt.Sprintf("530103%s%03d", strings.ReplaceAll(birth, "-", ""), seq)
	return first + idcard.CheckChar(first)
}

func householdBody(code, village string, ids ...string) map[string]any {
	members := []map[string]any{}
	for i, id := range ids {
		rel := "spouse"
		if i == 0 {
			rel = "head"
		}
		members = append(members, map[string]any{"id_number": id, "name": fmt.Sprintf("成员%d", i+1), "relation": rel,
			"status": "present", "shares_income": true, "health": "healthy", "medical_insured": true})
	}
	return map[string]any{
		"code": code, "village_code": village, "status": "registered", "registered_on": "2014-10-01",
		"hukou": "agricultural", "rural_resident": true, "income_year": 2016,
		"income_wage": "5700", "income_operating": 500, "income_property": 0, "income_transfer": "300.00", "operating_cost": 500,
		"housing_grade": "C", "food_secure": true, "clothing_secure": true, "members": members,
	}
}

func TestHouseholdLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		headID := personID("1951-10-08", 1)
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("530103012004-0001", "530103012004", headID, personID("1952-01-04", 2))})
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var h struct {
			ID              int64   `json:"id"`
			Version         int64   `json:"version"`
			StreetCode      string  `json:"street_code"`
			PerCapitaIncome *string `json:"per_capita_income"`
			HouseholdSize   int     `json:"household_size"`
			Members         []struct {
				ID        int64  `json:"id"`
				Gender    string `json:"gender"`
				BirthDate string `json:"birth_date"`
			} `json:"members"`
		}
		r.json(t, &h)
		if h.StreetCode != "530103012" || h.HouseholdSize != 2 || h.PerCapitaIncome == nil || *h.PerCapitaIncome != "3000" {
			t.Fatalf("derived values: %s", r.Body)
		}
		if h.Members[0].Gender != "male" || h.Members[0].BirthDate != "1951-10-08" || h.Members[1].Gender != "female" {
			t.Fatalf("gender and birth date not read from the ID number: %s", r.Body)
		}
		id := fmt.Sprint(h.ID)

		// The same person cannot be in a second household: 409 naming the first.
		r = s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("530103012004-0002", "530103012004", headID)})
		if r.Code != http.StatusConflict || !strings.Contains(r.Body.String(), "530103012004-0001") {
			t.Fatalf("duplicate person: %d %s", r.Code, r.Body)
		}

		// Outside the officer's village: refused on create, invisible on read.
		r = s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("530103011001-0001", "530103011001", personID("1960-01-01", 3))})
		if r.Code != 422 {
			t.Fatalf("create outside scope: %d %s", r.Code, r.Body)
		}
		other := s.as("officer-530103011001")
		if r := s.do(req{method: "GET", path: "/api/v1/households/" + id, token: other.token}); r.Code != 404 {
			t.Fatalf("another village's officer reads it: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/households/999999", token: other.token}); r.Code != 404 {
			t.Fatalf("missing household: %d", r.Code)
		}
		list := s.do(req{method: "GET", path: "/api/v1/households", token: other.token})
		if !strings.Contains(list.Body.String(), `"total":0`) {
			t.Fatalf("another village's list: %s", list.Body)
		}
		district := s.as("district")
		list = s.do(req{method: "GET", path: "/api/v1/households?q=成员1", token: district.token})
		if !strings.Contains(list.Body.String(), `"total":1`) || strings.Contains(list.Body.String(), headID) ||
			!strings.Contains(list.Body.String(), headID[:6]+"********"+headID[14:]) {
			t.Fatalf("district list (masked ID): %s", list.Body)
		}

		x := s.do(req{method: "GET", path: "/api/v1/households/export?village=530103012004", token: district.token})
		if x.Code != 200 || !strings.Contains(x.Header().Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d %v", x.Code, x.Header())
		}
		book, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := book.GetRows("农户名单")
		if len(rows) != 2 || rows[1][0] != "530103012004-0001" || rows[1][5] != headID[:6]+"********"+headID[14:] || rows[1][7] != "建档立卡未脱贫" {
			t.Fatalf("export rows: %v", rows)
		}

		// Two edits from the same version: the second is a conflict, nothing of it written.
		edit := householdBody("530103012004-0001", "530103012004", headID, personID("1952-01-04", 2))
		edit["version"] = h.Version
		members := edit["members"].([]map[string]any)
		members[0]["id"], members[1]["id"] = h.Members[0].ID, h.Members[1].ID
		edit["housing_grade"] = "D"
		if r := s.do(req{method: "PUT", path: "/api/v1/households/" + id, token: officer.token, body: edit}); r.Code != 200 {
			t.Fatalf("first edit: %d %s", r.Code, r.Body)
		}
		edit["housing_grade"] = "A"
		r = s.do(req{method: "PUT", path: "/api/v1/households/" + id, token: district.token, body: edit})
		if r.Code != http.StatusConflict || r.errCode(t) != "version_conflict" {
			t.Fatalf("stale edit: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/households/" + id, token: district.token})
		if !strings.Contains(r.Body.String(), `"housing_grade":"D"`) || !strings.Contains(r.Body.String(), `"version":2`) {
			t.Fatalf("after conflict: %s", r.Body)
		}

		// History shows the edit with before and after.
		r = s.do(req{method: "GET", path: "/api/v1/households/" + id + "/history", token: officer.token})
		if !strings.Contains(r.Body.String(), `"field":"housing_grade","before":"C","after":"D"`) {
			t.Fatalf("history: %s", r.Body)
		}

		// Soft delete: gone from lists and reads, kept for the audit; the person is free again.
		if r := s.do(req{method: "DELETE", path: "/api/v1/households/" + id, token: officer.token,
			body: map[string]any{"version": 2, "reason": "重复建档"}}); r.Code != 204 {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/households/" + id, token: district.token}); r.Code != 404 {
			t.Fatalf("deleted household still readable: %d", r.Code)
		}
		if r := s.do(req{method: "PUT", path: "/api/v1/households/" + id, token: officer.token, body: edit}); r.Code != 404 {
			t.Fatalf("deleted household editable: %d", r.Code)
		}
		r = s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("530103012004-0003", "530103012004", headID)})
		if r.Code != http.StatusCreated {
			t.Fatalf("person of a deleted household: %d %s", r.Code, r.Body)
		}
	})
}

func TestHouseholdValidation(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	officer := s.as("officer-530103012004")
	body := householdBody("", "530103012004", "530103195110086661", personID("1952-01-04", 2))
	body["status"] = "exited"
	body["income_wage"] = "-1"
	body["members"].([]map[string]any)[1]["relation"] = "head"
	r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
	if r.Code != 422 {
		t.Fatalf("invalid household: %d %s", r.Code, r.Body)
	}
	for _, f := range []string{`"code"`, `"exited_year"`, `"income_wage"`, `"members[0].id_number"`, `"members"`} {
		if !strings.Contains(r.Body.String(), `"field":`+f) {
			t.Errorf("no detail for %s: %s", f, r.Body)
		}
	}
	if r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: `{"code":"x","sneaky":1}`}); r.Code != 400 {
		t.Fatalf("unknown field: %d", r.Code)
	}
}

func TestMemberTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		type hh struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
			Members []struct {
				ID       int64  `json:"id"`
				Relation string `json:"relation"`
			} `json:"members"`
		}
		create := func(code string, ids ...string) hh {
			r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: householdBody(code, "530103012004", ids...)})
			if r.Code != 201 {
				t.Fatalf("create %s: %d %s", code, r.Code, r.Body)
			}
			var h hh
			r.json(t, &h)
			return h
		}
		a := create("A-1", personID("1970-01-01", 11), personID("1972-02-02", 12))
		b := create("B-1", personID("1971-03-03", 13))
		path := fmt.Sprintf("/api/v1/members/%d/transfer", a.Members[1].ID)
		body := map[string]any{"to_household_id": b.ID, "relation": "spouse", "reason": "marriage", "note": "嫁入",
			"from_version": a.Version, "to_version": b.Version}

		head := map[string]any{"to_household_id": b.ID, "relation": "spouse", "reason": "marriage", "from_version": a.Version, "to_version": b.Version}
		if r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/members/%d/transfer", a.Members[0].ID), token: officer.token, body: head}); r.Code != 422 {
			t.Fatalf("moving the head: %d %s", r.Code, r.Body)
		}
		stale := map[string]any{"to_household_id": b.ID, "relation": "spouse", "reason": "marriage", "from_version": a.Version, "to_version": b.Version + 5}
		if r := s.do(req{method: "POST", path: path, token: officer.token, body: stale}); r.Code != 409 {
			t.Fatalf("stale transfer: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: path, token: officer.token, body: body}); r.Code != 204 {
			t.Fatalf("transfer: %d %s", r.Code, r.Body)
		}
		var a2, b2 hh
		s.do(req{method: "GET", path: fmt.Sprint("/api/v1/households/", a.ID), token: officer.token}).json(t, &a2)
		s.do(req{method: "GET", path: fmt.Sprint("/api/v1/households/", b.ID), token: officer.token}).json(t, &b2)
		if len(a2.Members) != 1 || len(b2.Members) != 2 || b2.Members[1].ID != a.Members[1].ID || b2.Members[1].Relation != "spouse" {
			t.Fatalf("after transfer: %+v %+v", a2, b2)
		}
		if a2.Version != a.Version+1 || b2.Version != b.Version+1 {
			t.Fatalf("versions not bumped: %d %d", a2.Version, b2.Version)
		}
		r := s.do(req{method: "GET", path: fmt.Sprint("/api/v1/households/", b.ID, "/history"), token: officer.token})
		if !strings.Contains(r.Body.String(), `"action":"household.member_in"`) || !strings.Contains(r.Body.String(), "来自户 A-1") {
			t.Fatalf("history of the receiving household: %s", r.Body)
		}
	})
}

func TestHouseholdCodeTaken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		if r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("DUP-1", "530103012004", personID("1970-03-03", 51))}); r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("DUP-1", "530103012004", personID("1971-03-03", 53))})
		if r.Code != http.StatusConflict || !strings.Contains(r.Body.String(), "DUP-1") || !strings.Contains(r.Body.String(), `"field":"code"`) {
			t.Fatalf("a taken code: %d %s", r.Code, r.Body)
		}
	})
}

// A value its type refuses is named, not just "cannot parse".
func TestBadValuesAreNamed(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	officer := s.as("officer-530103012004")
	body := householdBody("BAD-1", "530103012004", personID("1970-03-03", 61), personID("1971-03-03", 62))
	body["income_wage"] = "abc"
	r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
	if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), `"field":"income_wage"`) {
		t.Fatalf("bad amount: %d %s", r.Code, r.Body)
	}
	body = householdBody("BAD-1", "530103012004", personID("1970-03-03", 61), personID("1971-03-03", 62))
	body["members"].([]map[string]any)[1]["fiscal_staff_since"] = "2017-02-30"
	r = s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
	if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), `"field":"members[1].fiscal_staff_since"`) || !strings.Contains(r.Body.String(), "YYYY-MM-DD") {
		t.Fatalf("bad date: %d %s", r.Code, r.Body)
	}
}
