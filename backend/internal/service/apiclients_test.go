package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/crosscheck"
	"jingzhun/internal/localdate"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type clientFixture struct {
	*crossFixture
	clients *service.APIClients
	admin   access.Actor
	call    service.Client
}

func newClientFixture(t *testing.T, st *store.Store) *clientFixture {
	t.Helper()
	f := newCrossFixture(t, st)
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	signer := auth.NewClientSigner([]byte("test-key-test-key-test-key-test-key"), 10*time.Minute, time.Now)
	return &clientFixture{crossFixture: f,
		clients: service.NewAPIClients(st, audit, service.NewDepartments(st), regions, f.cc, signer, time.Now),
		admin:   access.Actor{UserID: 1, Username: "admin", Role: access.Admin},
		call:    service.Client{RequestID: "req-test-0001", IP: "192.0.2.1"}}
}

func (f *clientFixture) create(t *testing.T, in service.NewAPIClient) (service.APIClientView, string) {
	t.Helper()
	v, secret, err := f.clients.Create(context.Background(), f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	return v, secret
}

// TestAPIClientCredentials: the secret is kept as its hash only; a token is
// issued for the right secret with the scopes asked (within those granted)
// and refused alike for a wrong secret, an unknown and a revoked client; a
// token dies with its client's revocation or secret rotation.
func TestAPIClientCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newClientFixture(t, st)
		v, secret := f.create(t, service.NewAPIClient{Name: "平台", Organisation: "省大数据中心",
			Scopes: []string{service.ScopeEvaluations, service.ScopeRegisterRead}})
		row, err := st.APIClientByClientID(ctx, v.ClientID)
		if err != nil || row == nil {
			t.Fatal(row, err)
		}
		if row.SecretHash != auth.HashToken(secret) || strings.Contains(row.SecretHash, secret) || !strings.HasPrefix(secret, "jzs_") {
			t.Fatalf("stored %q for secret %q", row.SecretHash, secret)
		}
		if row.Scopes != "register:read evaluations:run" || row.RatePerMinute != service.DefaultClientRate {
			t.Fatalf("row: %+v", row)
		}

		tok, err := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, "evaluations:run")
		if err != nil || tok.Scope != "evaluations:run" {
			t.Fatalf("narrowed token: %+v %v", tok, err)
		}
		// The narrowed token does not carry the scope left out.
		if _, err := f.clients.AuthenticateClient(ctx, f.call, tok.AccessToken, service.ScopeRegisterRead); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("narrowed token used for register:read: %v", err)
		}
		full, err := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, "")
		if err != nil || full.Scope != "register:read evaluations:run" {
			t.Fatalf("full token: %+v %v", full, err)
		}
		if _, err := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, "departments:push"); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("scope not granted: %v", err)
		}
		var refusals []string
		for _, c := range [][2]string{{v.ClientID, secret + "x"}, {"jzc_unknown", secret}, {"", ""}} {
			_, err := f.clients.IssueToken(ctx, f.call, c[0], c[1], "")
			if !apperr.Is(err, apperr.InvalidCredentials) {
				t.Fatalf("%v: %v", c, err)
			}
			refusals = append(refusals, apperr.As(err).Message)
		}
		if refusals[0] != refusals[1] || refusals[1] != refusals[2] {
			t.Fatalf("refusals differ: %q", refusals)
		}
		p, err := f.clients.AuthenticateClient(ctx, f.call, full.AccessToken, service.ScopeRegisterRead)
		if err != nil || p.Actor.Username != "client:"+v.ClientID || p.Actor.Role != service.ClientRole {
			t.Fatalf("authenticate: %+v %v", p, err)
		}

		// Rotation ends the old secret and its tokens.
		_, newSecret, err := f.clients.RotateSecret(ctx, f.admin, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.clients.AuthenticateClient(ctx, f.call, full.AccessToken, ""); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("token of the old secret: %v", err)
		}
		if _, err := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, ""); !apperr.Is(err, apperr.InvalidCredentials) {
			t.Fatalf("old secret: %v", err)
		}
		fresh, err := f.clients.IssueToken(ctx, f.call, v.ClientID, newSecret, "")
		if err != nil {
			t.Fatal(err)
		}
		// Revocation ends the client, once.
		if _, err := f.clients.Revoke(ctx, f.admin, v.ID, "停止合作"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.clients.Revoke(ctx, f.admin, v.ID, "停止合作"); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("revoke twice: %v", err)
		}
		if _, err := f.clients.AuthenticateClient(ctx, f.call, fresh.AccessToken, ""); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("token of a revoked client: %v", err)
		}
		if _, err := f.clients.IssueToken(ctx, f.call, v.ClientID, newSecret, ""); !apperr.Is(err, apperr.InvalidCredentials) || apperr.As(err).Message != refusals[0] {
			t.Fatalf("revoked client's token: %v", err)
		}
	})
}

// TestAPIClientRegisterSearch: a live household's member is found with
// only the household's code, place and status, the search audited with the
// blind index; a removed household's member is not in the register.
func TestAPIClientRegisterSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newClientFixture(t, st)
		h := f.cleanRegistered(t)
		v, secret := f.create(t, service.NewAPIClient{Name: "平台", Organisation: "省", Scopes: []string{service.ScopeRegisterRead}})
		tok, err := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, "")
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.clients.AuthenticateClient(ctx, f.call, tok.AccessToken, service.ScopeRegisterRead)
		if err != nil {
			t.Fatal(err)
		}
		id := h.Members[len(h.Members)-1].IDNumber
		a, err := f.clients.SearchRegister(ctx, p, strings.ToLower(id))
		if err != nil {
			t.Fatal(err)
		}
		if !a.InRegister || a.HouseholdCode != h.Code || a.VillageCode != h.VillageCode || a.StreetCode != h.StreetCode ||
			a.Status != h.Status || a.VillageName == "" || a.StreetName == "" {
			t.Fatalf("answer: %+v", a)
		}
		ix, _ := st.IDIndex(id)
		events, _, err := st.AuditEvents(ctx, store.AuditFilter{Username: "client:" + v.ClientID, Action: "integration.register_search", Page: 1, PageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].ObjectID != ix || strings.Contains(events[0].Reason+events[0].Changes, id) {
			t.Fatalf("audit: %+v", events)
		}

		if err := f.households.Delete(ctx, f.district, h.ID, h.Version, "测试删除"); err != nil {
			t.Fatal(err)
		}
		if a, err := f.clients.SearchRegister(ctx, p, id); err != nil || a.InRegister || a.HouseholdCode != "" {
			t.Fatalf("removed household: %+v %v", a, err)
		}
		if _, err := f.clients.SearchRegister(ctx, p, id[:17]); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("short id: %v", err)
		}
	})
}

// TestAPIClientPushesForItsDepartment: a push goes through the liaisons'
// import for the client's own department and is refused for another.
func TestAPIClientPushesForItsDepartment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newClientFixture(t, st)
		v, secret := f.create(t, service.NewAPIClient{Name: "公安", Organisation: "公安分局", Scopes: []string{service.ScopeDepartmentsPush}, Department: "police"})
		tok, _ := f.clients.IssueToken(ctx, f.call, v.ClientID, secret, "")
		p, err := f.clients.AuthenticateClient(ctx, f.call, tok.AccessToken, service.ScopeDepartmentsPush)
		if err != nil {
			t.Fatal(err)
		}
		ds, _ := crosscheck.ByCode("vehicles")
		file := csvOf(ds, map[string]string{"id_number": personID(20001), "name": "某人"})
		if _, err := f.clients.PushImport(ctx, p, "land", "urban_properties", "x.csv", bytes.NewReader(file), true); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("push for land: %v", err)
		}
		imp, err := f.clients.PushImport(ctx, p, "police", "vehicles", "x.csv", bytes.NewReader(file), true)
		if err != nil {
			t.Fatal(err)
		}
		f.runner.Wait()
		d, err := f.clients.PushedImport(ctx, p, imp.ID)
		if err != nil || d.Import.Status != store.ImportValidated || d.Import.CreatedBy != "client:"+v.ClientID {
			t.Fatalf("pushed import: %+v %v", d, err)
		}
		// Another department's import is not found.
		land := f.importFile(t, liaison("land"), "urban_properties", "y.csv", csvOf(mustDataset(t, "urban_properties")), true)
		if _, err := f.clients.PushedImport(ctx, p, land.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("land's import: %v", err)
		}
	})
}

func mustDataset(t *testing.T, code string) crosscheck.Dataset {
	t.Helper()
	ds, ok := crosscheck.ByCode(code)
	if !ok {
		t.Fatal(code)
	}
	return ds
}
