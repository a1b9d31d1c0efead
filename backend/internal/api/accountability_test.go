package api_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// accountabilityServer is the review server with the demo inspections.
func accountabilityServer(t *testing.T, st *store.Store) *testServer {
	t.Helper()
	s := reviewServer(t, st)
	if err := s.app.Demo.SeedInspections(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

type rateJSON struct {
	Numerator   int64   `json:"numerator"`
	Denominator int64   `json:"denominator"`
	Fraction    *string `json:"fraction"`
	Percent     *string `json:"percent"`
	Above       bool    `json:"above"`
}

type ratesJSON struct {
	CampaignID int64 `json:"campaign_id"`
	Threshold  struct {
		Fraction string `json:"fraction"`
		Percent  string `json:"percent"`
	} `json:"threshold"`
	Inspections int64 `json:"inspections"`
	Streets     []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		Inspected bool   `json:"inspected"`
		Sampled   struct {
			NotRegistered struct{ Households, People int } `json:"not_registered"`
		} `json:"sampled"`
		Found struct {
			Missed struct{ Households, People int } `json:"missed"`
		} `json:"found"`
		MissedRate rateJSON `json:"missed_rate"`
		WrongRate  rateJSON `json:"wrong_rate"`
		Commended  bool     `json:"commended"`
		Flagged    bool     `json:"flagged"`
		Standing   string   `json:"standing"`
		Referrals  []struct {
			ReferredTo      string `json:"referred_to"`
			ReferredToLabel string `json:"referred_to_label"`
		} `json:"referrals"`
		Villages []struct {
			Code string `json:"code"`
		} `json:"villages"`
	} `json:"streets"`
}

func (s *testServer) rates(t *testing.T, token, query string) (ratesJSON, response) {
	t.Helper()
	r := s.do(req{method: "GET", path: "/api/v1/campaigns/1/rates" + query, token: token})
	var out ratesJSON
	if r.Code == http.StatusOK {
		r.json(t, &out)
	}
	return out, r
}

func (s *testServer) uploadInspections(token string, content []byte) response {
	s.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "检查结果.xlsx")
	fw.Write(content)
	w.Close()
	r := httptest.NewRequest("POST", "/api/v1/inspections/import", &buf)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return response{rec}
}

func TestRatesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := accountabilityServer(t, st)
		district, supervisor := s.as("district").token, s.as("supervisor").token
		azy, teamA := s.as("street-530103012").token, s.as("team-A").token

		r, resp := s.rates(t, district, "")
		if resp.Code != http.StatusOK || r.Threshold.Fraction != "0.02" || r.Threshold.Percent != "2.0" || len(r.Streets) != 4 || r.Inspections != 2 {
			t.Fatalf("rates: %d %s", resp.Code, resp.Body)
		}
		by := map[string]int{}
		for i, st := range r.Streets {
			by[st.Code] = i
		}
		a := r.Streets[by["530103012"]]
		if !a.Flagged || a.Standing != "通报批评" || !a.MissedRate.Above || a.Found.Missed.Households != 1 || len(a.Referrals) != 2 {
			t.Fatalf("阿子营: %+v", a)
		}
		// The rate is the exact fraction of people, and its percent.
		if a.MissedRate.Fraction == nil || *a.MissedRate.Fraction != fmt.Sprintf("%d/%d", a.Found.Missed.People, a.Sampled.NotRegistered.People) ||
			a.MissedRate.Denominator != int64(a.Sampled.NotRegistered.People) || a.MissedRate.Percent == nil {
			t.Fatalf("阿子营 漏评率 %+v", a.MissedRate)
		}
		if len(a.Villages) == 0 {
			t.Fatal("no village rates")
		}
		if sh := r.Streets[by["530103010"]]; !sh.Commended || sh.Standing != "通报表扬" {
			t.Fatalf("松华: %+v", sh)
		}
		if sl := r.Streets[by["530103009"]]; sl.Inspected || sl.Standing != "未抽查" || sl.MissedRate.Percent != nil {
			t.Fatalf("双龙: %+v", sl)
		}
		if sv, resp := s.rates(t, supervisor, ""); resp.Code != http.StatusOK || len(sv.Streets) != 4 {
			t.Fatalf("supervisor: %d", resp.Code)
		}

		// Scope: a street sees itself; another street is 404; a team its streets.
		own, resp := s.rates(t, azy, "")
		if resp.Code != http.StatusOK || len(own.Streets) != 1 || own.Streets[0].Code != "530103012" {
			t.Fatalf("street's rates: %d %s", resp.Code, resp.Body)
		}
		if _, resp := s.rates(t, azy, "?street=530103010"); resp.Code != http.StatusNotFound {
			t.Fatalf("street reads another: %d", resp.Code)
		}
		if tr, _ := s.rates(t, teamA, ""); len(tr.Streets) != 2 {
			t.Fatalf("team A sees %d streets", len(tr.Streets))
		}

		// The threshold: strict JSON, then 50% clears 阿子营.
		if r := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/threshold", token: district, body: `{"percent":"2","x":1}`}); r.Code != http.StatusBadRequest {
			t.Fatalf("unknown field: %d", r.Code)
		}
		if r := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/threshold", token: district, body: `{"percent":"0"}`}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("zero threshold: %d", r.Code)
		}
		if r := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/threshold", token: azy, body: `{"percent":"50"}`}); r.Code != http.StatusForbidden {
			t.Fatalf("street sets the threshold: %d", r.Code)
		}
		tr := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/threshold", token: district, body: `{"percent":"50"}`})
		if tr.Code != http.StatusOK || tr.Body.String() != `{"fraction":"0.5","percent":"50.0"}` {
			t.Fatalf("threshold: %d %s", tr.Code, tr.Body)
		}
		r, _ = s.rates(t, district, "?street=530103012")
		if len(r.Streets) != 1 || r.Streets[0].Flagged || r.Threshold.Percent != "50.0" {
			t.Fatalf("at 50%%: %+v", r.Streets)
		}

		// A referral of a street not flagged is refused.
		ref := map[string]any{"street_code": "530103010", "referred_on": "2017-12-21", "referred_to": "discipline_commission", "note": ""}
		if r := s.do(req{method: "POST", path: "/api/v1/campaigns/1/referrals", token: district, body: ref}); r.Code != http.StatusConflict || r.errCode(t) != "condition_unmet" {
			t.Fatalf("referral of a commended street: %d %s", r.Code, r.Body)
		}
		s.do(req{method: "PUT", path: "/api/v1/campaigns/1/threshold", token: district, body: `{"percent":"2"}`})
		ref["street_code"] = "530103012"
		ref["referred_to"] = "organization_department"
		if r := s.do(req{method: "POST", path: "/api/v1/campaigns/1/referrals", token: district, body: ref}); r.Code != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Code, r.Body)
		}

		// The export opens as a workbook with the streets.
		x := s.do(req{method: "GET", path: "/api/v1/campaigns/1/rates/export", token: azy})
		book, err := excelize.OpenReader(x.Body)
		if x.Code != http.StatusOK || err != nil {
			t.Fatalf("rates export: %d %v", x.Code, err)
		}
		rows, _ := book.GetRows("检查考核")
		if len(rows) < 3 || rows[0][0] != "街道" || rows[1][0] != "阿子营街道" || rows[1][20] != "通报批评" {
			t.Fatalf("rates export rows: %v", rows[:min(3, len(rows))])
		}
	})
}

type figuresJSON struct {
	CampaignYear int `json:"campaign_year"`
	Streets      []struct {
		Code        string `json:"code"`
		Corrections []struct {
			Kind           string `json:"kind"`
			Label          string `json:"label"`
			Households     int    `json:"households"`
			People         int    `json:"people"`
			BaseHouseholds int    `json:"base_households"`
			BasePeople     int    `json:"base_people"`
			SharePeople    struct {
				Fraction *string `json:"fraction"`
			} `json:"share_people"`
			Planned *struct{ Households, People int } `json:"planned"`
		} `json:"corrections"`
		Plan []struct {
			Kind     string                            `json:"kind"`
			Planned  *struct{ Households, People int } `json:"planned"`
			Proposed struct{ Households, People int }  `json:"proposed"`
		} `json:"plan"`
		Villages []struct {
			Code        string `json:"code"`
			Corrections []struct {
				Kind       string    `json:"kind"`
				Households int       `json:"households"`
				Planned    *struct{} `json:"planned"`
			} `json:"corrections"`
		} `json:"villages"`
	} `json:"streets"`
	Total struct {
		Corrections []struct {
			Kind       string `json:"kind"`
			Households int    `json:"households"`
		} `json:"corrections"`
	} `json:"total"`
}

func TestFiguresOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := accountabilityServer(t, st)
		district, dianyuan := s.as("district").token, s.as("street-530103011").token

		r := s.do(req{method: "GET", path: "/api/v1/campaigns/1/figures", token: district})
		var f figuresJSON
		r.json(t, &f)
		if r.Code != http.StatusOK || f.CampaignYear != 2017 || len(f.Streets) != 4 {
			t.Fatalf("figures: %d %s", r.Code, r.Body)
		}
		sum := map[string]int{}
		planned := false
		for _, st := range f.Streets {
			if len(st.Corrections) != 3 || st.Corrections[0].Kind != "remove_wrong" || st.Corrections[1].Label != "漏评纠正" || len(st.Plan) != 5 {
				t.Fatalf("street %s: %+v", st.Code, st)
			}
			for _, c := range st.Corrections {
				sum[c.Kind] += c.Households
				planned = planned || c.Planned != nil
				if c.BasePeople > 0 && c.SharePeople.Fraction == nil || c.BasePeople == 0 && c.SharePeople.Fraction != nil {
					t.Fatalf("share without base or base without share: %+v", c)
				}
			}
			for _, v := range st.Villages {
				for _, c := range v.Corrections {
					if c.Planned != nil {
						t.Fatal("a village has a plan")
					}
				}
			}
		}
		for _, c := range f.Total.Corrections {
			if c.Households != sum[c.Kind] {
				t.Fatalf("district %s %d, streets sum %d", c.Kind, c.Households, sum[c.Kind])
			}
		}
		if !planned {
			t.Fatal("no planned scale beside the corrections")
		}

		// Scope.
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/figures", token: dianyuan})
		f = figuresJSON{}
		r.json(t, &f)
		if len(f.Streets) != 1 || f.Streets[0].Code != "530103011" {
			t.Fatalf("street's figures: %s", r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/campaigns/1/figures?street=530103012", token: dianyuan}); r.Code != http.StatusNotFound {
			t.Fatalf("another street's figures: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/campaigns/99/figures", token: district}); r.Code != http.StatusNotFound {
			t.Fatalf("unknown campaign: %d", r.Code)
		}

		// The 2016 campaign (every case proposed) has figures too.
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/2/figures", token: district})
		f = figuresJSON{}
		r.json(t, &f)
		if r.Code != http.StatusOK || f.CampaignYear != 2016 || f.Total.Corrections[1].Households == 0 {
			t.Fatalf("2016 figures: %d %s", r.Code, r.Body)
		}

		// Plans: validated, replaced, shown.
		bad := map[string]any{"plans": []map[string]any{{"street_code": "530103012", "kind": "keep", "households": 1, "people": 1}}}
		if r := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/plans", token: district, body: bad}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad plan: %d", r.Code)
		}
		good := map[string]any{"plans": []map[string]any{{"street_code": "530103011", "kind": "include", "households": 9, "people": 30}}}
		if r := s.do(req{method: "PUT", path: "/api/v1/campaigns/1/plans", token: district, body: good}); r.Code != http.StatusOK {
			t.Fatalf("plan: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/figures", token: dianyuan})
		f = figuresJSON{}
		r.json(t, &f)
		if p := f.Streets[0].Corrections[1].Planned; p == nil || p.Households != 9 || p.People != 30 || f.Streets[0].Corrections[0].Planned != nil {
			t.Fatalf("plan shown: %s", r.Body)
		}

		x := s.do(req{method: "GET", path: "/api/v1/campaigns/1/figures/export", token: district})
		book, err := excelize.OpenReader(x.Body)
		if x.Code != http.StatusOK || err != nil {
			t.Fatalf("figures export: %d %v", x.Code, err)
		}
		rows, _ := book.GetRows("本次纠正")
		if len(rows) < 6 || rows[0][2] != "错评纠正户数" || rows[len(rows)-1][0] != "盘龙区合计" {
			t.Fatalf("figures export: %v", rows[0])
		}
	})
}

func TestInspectionsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := accountabilityServer(t, st)
		district, dianyuan, shuanglong := s.as("district").token, s.as("street-530103011").token, s.as("street-530103009").token
		type listJSON struct {
			Items []struct {
				ID                int64  `json:"id"`
				Body              string `json:"body"`
				BodyLabel         string `json:"body_label"`
				KindLabel         string `json:"kind_label"`
				SampledHouseholds int    `json:"sampled_households"`
				Faults            int    `json:"faults"`
			} `json:"items"`
			Total int `json:"total"`
		}
		var all listJSON
		s.do(req{method: "GET", path: "/api/v1/inspections?campaign=1", token: district}).json(t, &all)
		if all.Total != 2 || all.Items[0].Body != "provincial" || all.Items[1].BodyLabel != "国家" || all.Items[1].KindLabel != "检查考核" || all.Items[1].Faults != 1 {
			t.Fatalf("district list: %+v", all)
		}
		national := all.Items[1].ID
		var own listJSON
		s.do(req{method: "GET", path: "/api/v1/inspections", token: dianyuan}).json(t, &own)
		if own.Total != 1 || own.Items[0].Body != "provincial" {
			t.Fatalf("滇源 list: %+v", own)
		}
		var none listJSON
		s.do(req{method: "GET", path: "/api/v1/inspections", token: shuanglong}).json(t, &none)
		if none.Total != 0 {
			t.Fatalf("双龙 sees %d", none.Total)
		}
		path := fmt.Sprintf("/api/v1/inspections/%d", national)
		if r := s.do(req{method: "GET", path: path, token: dianyuan}); r.Code != http.StatusNotFound {
			t.Fatalf("滇源 reads the national inspection of other streets: %d", r.Code)
		}
		var detail struct {
			Version    int64 `json:"version"`
			Households []struct {
				HouseholdCode string `json:"household_code"`
				StreetCode    string `json:"street_code"`
				Finding       string `json:"finding"`
				FindingLabel  string `json:"finding_label"`
				StatusLabel   string `json:"status_label"`
			} `json:"households"`
		}
		s.do(req{method: "GET", path: path, token: s.as("street-530103012").token}).json(t, &detail)
		if len(detail.Households) != 18 {
			t.Fatalf("阿子营 sees %d of the national inspection's households", len(detail.Households))
		}
		for _, h := range detail.Households {
			if h.StreetCode != "530103012" || h.StatusLabel == "" || h.FindingLabel == "" {
				t.Fatalf("household %+v", h)
			}
		}

		// Create: refused with field details, then recorded.
		cands, err := st.StreetCandidates(context.Background(), 1, "530103009")
		if err != nil {
			t.Fatal(err)
		}
		var code string
		for _, c := range cands {
			if c.Status == "registered" && c.Proposal == "" && c.People > 0 {
				code = c.Code
				break
			}
		}
		body := map[string]any{"campaign_id": 1, "body": "city", "kind": "audit", "started_on": "2018-01-08", "ended_on": "2018-01-10",
			"note": "市审计局扶贫资金审计", "households": []map[string]any{{"household_code": code, "finding": "missed"}}}
		r := s.do(req{method: "POST", path: "/api/v1/inspections", token: district, body: body})
		if r.Code != http.StatusUnprocessableEntity || !bytes.Contains(r.Body.Bytes(), []byte(`"households[0].finding"`)) {
			t.Fatalf("missed on a registered household: %d %s", r.Code, r.Body)
		}
		body["households"] = []map[string]any{{"household_code": code, "finding": "wrong", "people": 2}}
		if r := s.do(req{method: "POST", path: "/api/v1/inspections", token: dianyuan, body: body}); r.Code != http.StatusForbidden {
			t.Fatalf("a street records an inspection: %d", r.Code)
		}
		r = s.do(req{method: "POST", path: "/api/v1/inspections", token: district, body: body})
		var created struct {
			ID         int64 `json:"id"`
			Version    int64 `json:"version"`
			Households []struct {
				People int    `json:"people"`
				Status string `json:"status"`
			} `json:"households"`
		}
		r.json(t, &created)
		if r.Code != http.StatusCreated || created.Households[0].People != 2 || created.Households[0].Status != "registered" {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		sl, _ := s.rates(t, shuanglong, "")
		if !sl.Streets[0].Flagged || sl.Streets[0].WrongRate.Percent == nil || *sl.Streets[0].WrongRate.Percent != "100.0" {
			t.Fatalf("双龙 after a wrong finding: %+v", sl.Streets[0])
		}
		p := fmt.Sprintf("/api/v1/inspections/%d", created.ID)
		if r := s.do(req{method: "DELETE", path: p, token: district, body: map[string]any{"version": 5, "reason": "错录"}}); r.Code != http.StatusConflict {
			t.Fatalf("stale delete: %d", r.Code)
		}
		if r := s.do(req{method: "DELETE", path: p, token: district, body: map[string]any{"version": 1, "reason": "错录"}}); r.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}

		// Template, then an upload: a bad sheet is refused with its problems.
		tpl := s.do(req{method: "GET", path: "/api/v1/inspections/template", token: district})
		book, err := excelize.OpenReader(tpl.Body)
		if tpl.Code != http.StatusOK || err != nil {
			t.Fatalf("template: %d %v", tpl.Code, err)
		}
		head, _ := book.GetRows("抽查户")
		if len(head) != 2 || head[0][5] != "户编号*" {
			t.Fatalf("template rows %v", head)
		}
		// The example row as it is: its household does not exist.
		var buf bytes.Buffer
		book.Write(&buf)
		r = s.uploadInspections(district, buf.Bytes())
		var rejected struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
			Report struct {
				Problems []struct {
					Row    int    `json:"row"`
					Column string `json:"column"`
					Reason string `json:"reason"`
				} `json:"problems"`
			} `json:"report"`
		}
		r.json(t, &rejected)
		if r.Code != http.StatusUnprocessableEntity || rejected.Error.Code != "validation_failed" || len(rejected.Report.Problems) == 0 ||
			rejected.Report.Problems[0].Row != 2 || rejected.Report.Problems[0].Column != "户编号" {
			t.Fatalf("example row uploaded: %d %s", r.Code, r.Body)
		}
		book.SetSheetRow("抽查户", "A2", &[]any{"市", "审计评估", "2018-01-08", "2018-01-10", "市审计局", code, "", "", "正确", ""})
		buf.Reset()
		book.Write(&buf)
		r = s.uploadInspections(district, buf.Bytes())
		var imported struct {
			CampaignID  int64 `json:"campaign_id"`
			Households  int   `json:"households"`
			Inspections []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			} `json:"inspections"`
		}
		r.json(t, &imported)
		if r.Code != http.StatusCreated || imported.CampaignID != 1 || imported.Households != 1 || imported.Inspections[0].Kind != "audit" {
			t.Fatalf("import: %d %s", r.Code, r.Body)
		}
		if r := s.uploadInspections(dianyuan, buf.Bytes()); r.Code != http.StatusForbidden {
			t.Fatalf("street uploads: %d", r.Code)
		}
	})
}
