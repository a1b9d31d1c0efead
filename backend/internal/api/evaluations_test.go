package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"jingzhun/internal/config"
	"jingzhun/internal/evaluation"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// fixtureCases reads the spec's cases: the campaign and each household.
func fixtureCases(t *testing.T) (json.RawMessage, []json.RawMessage) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/spec/rules-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Campaign json.RawMessage `json:"campaign"`
		Cases    []struct {
			Household json.RawMessage `json:"household"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var hs []json.RawMessage
	for _, c := range f.Cases {
		hs = append(hs, c.Household)
	}
	return f.Campaign, hs
}

func envelope(campaign json.RawMessage, hs ...json.RawMessage) []byte {
	b, _ := json.Marshal(map[string]any{"campaign": campaign, "households": hs})
	return b
}

// command runs `jingzhun evaluate` on doc.
func command(t *testing.T, doc []byte) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	if status := evaluation.Command(nil, bytes.NewReader(doc), &out, &errOut); status != 0 {
		t.Fatalf("command exit %d: %s", status, errOut.String())
	}
	return out.Bytes()
}

// TestEvaluationsAgreeWithCommand: the endpoint and the command give the
// same bytes for every fixture, alone and all together.
func TestEvaluationsAgreeWithCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		campaign, hs := fixtureCases(t)
		docs := [][]byte{envelope(campaign, hs...)}
		for _, h := range hs {
			docs = append(docs, envelope(campaign, h))
		}
		tokens := []string{s.as("district").token, s.as("street-530103012").token, s.as("team-A").token}
		for i, doc := range docs {
			r := s.do(req{method: "POST", path: "/api/v1/evaluations", body: doc, token: tokens[i%len(tokens)]})
			if r.Code != http.StatusOK {
				t.Fatalf("doc %d: %d %s", i, r.Code, r.Body)
			}
			if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			if want := command(t, doc); !bytes.Equal(r.Body.Bytes(), want) {
				t.Fatalf("doc %d: endpoint and command differ:\n%s\n%s", i, r.Body, want)
			}
		}
	})
}

func TestEvaluationsRefusals(t *testing.T) {
	s := newServer(t, storetest.SQLite(t), func(c *config.Config) {
		c.EvalMaxHouses = 3
		c.EvalBodyLimit = 64 << 10
	})
	district := s.as("district").token
	campaign, hs := fixtureCases(t)

	for _, body := range []string{`{}`, `not json`, `[]`, `{"households": []}`, `{"campaign": {}, "households": []}`, ``} {
		r := s.do(req{method: "POST", path: "/api/v1/evaluations", body: body, token: district})
		if r.Code != http.StatusBadRequest || r.errCode(t) != "invalid_envelope" {
			t.Errorf("%q: %d %s", body, r.Code, r.Body)
		}
	}

	// Invalid households are results, not errors.
	r := s.do(req{method: "POST", path: "/api/v1/evaluations", body: envelope(campaign, json.RawMessage(`{"code": 1}`)), token: district})
	if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"outcome":"invalid"`) {
		t.Errorf("invalid household: %d %s", r.Code, r.Body)
	}

	// At most EvalMaxHouses households: 413 naming the limit.
	if r := s.do(req{method: "POST", path: "/api/v1/evaluations", body: envelope(campaign, hs[:3]...), token: district}); r.Code != http.StatusOK {
		t.Errorf("at the limit: %d %s", r.Code, r.Body)
	}
	r = s.do(req{method: "POST", path: "/api/v1/evaluations", body: envelope(campaign, hs[:4]...), token: district})
	if r.Code != http.StatusRequestEntityTooLarge || r.errCode(t) != "payload_too_large" || !strings.Contains(r.Body.String(), "3 户") {
		t.Errorf("over the household limit: %d %s", r.Code, r.Body)
	}

	// At most EvalBodyLimit bytes: 413 naming the limit.
	big := envelope(campaign, hs...) // ~100 KB
	r = s.do(req{method: "POST", path: "/api/v1/evaluations", body: big, token: district})
	if r.Code != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body.String(), "65536") {
		t.Errorf("over the byte limit: %d %s", r.Code, r.Body)
	}

	// Only district, street, check teams (and API clients).
	officer := s.as("officer-530103012004").token
	if r := s.do(req{method: "POST", path: "/api/v1/evaluations", body: envelope(campaign, hs[0]), token: officer}); r.Code != http.StatusForbidden {
		t.Errorf("village officer: %d", r.Code)
	}
}
