package service_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/jobs"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/synth"
)

var lastRunner = map[*store.Store]*jobs.Runner{}

// outcomeServices builds the outcomes and campaigns services with their
// jobs runner (shut down when the test ends).
func outcomeServices(t *testing.T, st *store.Store) (*service.Outcomes, *service.Campaigns) {
	t.Helper()
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	r := jobs.NewRunner(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	t.Cleanup(r.Shutdown)
	lastRunner[st] = r
	o := service.NewOutcomes(st, audit, time.Now)
	return o, service.NewCampaigns(st, audit, o, r, time.Now)
}

type outcomeFixture struct {
	st         *store.Store
	households *service.Households
	outcomes   *service.Outcomes
	campaigns  *service.Campaigns
	runner     *jobs.Runner
	district   access.Actor
}

func newOutcomeFixture(t *testing.T, st *store.Store) *outcomeFixture {
	t.Helper()
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	o, c := outcomeServices(t, st)
	if err := service.NewReference(st, regions, service.NewDepartments(st), service.NewCodeLists(st), c).Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	return &outcomeFixture{st: st, households: service.NewHouseholds(st, audit, regions, o, time.Now), outcomes: o, campaigns: c,
		runner: lastRunner[st], district: access.Actor{Username: "district", Role: access.District, Scope: access.Scope{Whole: true}}}
}

// pick finds a generated household whose outcome changes when change is
// applied to it (evaluated in memory, as stored).
func pick(t *testing.T, change func(h *register.Household, c *rules.Result) (*register.Household, rules.Outcome)) (*register.Household, rules.Outcome, rules.Outcome) {
	t.Helper()
	gen := synth.New(2017)
	today := localdate.Today(time.Now())
	for i := range 5000 {
		v1 := gen.Household(i)
		h := register.FromInterchange(&v1)
		if len(register.Validate(&h, today)) > 0 {
			continue
		}
		in := h.Interchange("")
		res := rules.Evaluate(&in, rules.Panlong2017())
		if res.Outcome == rules.Invalid || res.Outcome == rules.NeedsReview {
			continue
		}
		if _, after := change(&h, &res); after != "" && after != res.Outcome {
			h2 := register.FromInterchange(&v1)
			return &h2, res.Outcome, after
		}
	}
	t.Fatal("no suitable household")
	return nil, "", ""
}

func TestOutcomeKeptCurrentOnCreateAndUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newOutcomeFixture(t, st)
		rich := decimal.NewFromInt(900000)
		h, first, second := pick(t, func(h *register.Household, _ *rules.Result) (*register.Household, rules.Outcome) {
			h.IncomeWage = &rich
			in := h.Interchange("")
			return h, rules.Evaluate(&in, rules.Panlong2017()).Outcome
		})
		created, err := f.households.Create(ctx, f.district, h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.outcomes.OfHousehold(ctx, f.district, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != first || got.PreviousOutcome != "" || len(got.ChangedInputs) != 0 || got.HouseholdVersion != 1 {
			t.Fatalf("after create: %+v, want %s", got, first)
		}
		created.IncomeWage = &rich
		if _, err := f.households.Update(ctx, f.district, created); err != nil {
			t.Fatal(err)
		}
		got, err = f.outcomes.OfHousehold(ctx, f.district, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != second || got.PreviousOutcome != first || !slices.Equal(got.ChangedInputs, []string{"income.wage"}) || got.HouseholdVersion != 2 {
			t.Fatalf("after update: outcome %s previous %s changed %v version %d; want %s from %s",
				got.Outcome, got.PreviousOutcome, got.ChangedInputs, got.HouseholdVersion, second, first)
		}
		for _, r := range got.Rules {
			if r.Clause == "" || r.Detail == "" {
				t.Fatalf("rule without clause or detail: %+v", r)
			}
		}

		// Deleting the household removes its outcome.
		if err := f.households.Delete(ctx, f.district, created.ID, 2, "重复录入"); err != nil {
			t.Fatal(err)
		}
		if o, _ := st.OutcomeOf(ctx, created.ID, got.Campaign.ID); o != nil {
			t.Fatalf("outcome of a deleted household kept: %+v", o)
		}
	})
}

func TestCampaignChangeRecomputesInTheBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newOutcomeFixture(t, st)
		high := decimal.NewFromInt(100000)
		h, first, second := pick(t, func(h *register.Household, _ *rules.Result) (*register.Household, rules.Outcome) {
			c := rules.Panlong2017()
			c.PovertyLine = high
			in := h.Interchange("")
			return h, rules.Evaluate(&in, c).Outcome
		})
		created, err := f.households.Create(ctx, f.district, h)
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := f.campaigns.List(ctx)
		if len(cs) != 1 || cs[0].Name != service.FirstCampaignName || !cs[0].Active || !cs[0].PovertyLine.Equal(decimal.NewFromInt(2952)) {
			t.Fatalf("seeded campaigns: %+v", cs)
		}
		ls, _ := f.campaigns.PovertyLines(ctx)
		if len(ls) != 6 || ls[5].IncomeYear != 2016 {
			t.Fatalf("seeded poverty lines: %+v", ls)
		}

		// A stale version changes nothing.
		if _, _, err := f.campaigns.Update(ctx, f.district, cs[0].ID, service.CampaignChange{Version: 7, PovertyLine: &high}); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale version: %v", err)
		}
		c, job, err := f.campaigns.Update(ctx, f.district, cs[0].ID, service.CampaignChange{Version: 1, PovertyLine: &high})
		if err != nil {
			t.Fatal(err)
		}
		if job == nil || c.Version != 2 {
			t.Fatalf("parameter change: campaign %+v job %+v", c, job)
		}
		f.runner.Wait()
		js, err := f.campaigns.Job(ctx, f.district, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if js.Status != store.JobDone || js.Done != 1 || js.Total != 1 || js.FinishedAt == nil {
			t.Fatalf("job: %+v", js)
		}
		got, err := f.outcomes.OfHousehold(ctx, f.district, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != second || got.PreviousOutcome != first || len(got.ChangedInputs) != 0 {
			t.Fatalf("after the line changed: %s (before %s, changed %v), want %s from %s", got.Outcome, got.PreviousOutcome, got.ChangedInputs, second, first)
		}
		// A name alone starts nothing.
		name := "2017年动态管理（复核）"
		if _, job, err := f.campaigns.Update(ctx, f.district, cs[0].ID, service.CampaignChange{Version: 2, Name: &name}); err != nil || job != nil {
			t.Fatalf("rename: %v %+v", err, job)
		}
		// A street follows the district's recomputation of the whole district
		// (its own start would be refused while it runs) …
		street := access.Actor{Username: "street-530103012", Role: access.Street, Scope: access.Scope{Streets: []string{"530103012"}, Villages: []string{"530103012004"}}}
		if _, err := f.campaigns.Job(ctx, street, job.ID); err != nil {
			t.Fatalf("street cannot follow the district's job: %v", err)
		}
		// … but not one of another street.
		other, err := f.campaigns.StartRecompute(ctx, f.district, cs[0].ID, "530103009", "")
		if err != nil {
			t.Fatal(err)
		}
		f.runner.Wait()
		if _, err := f.campaigns.Job(ctx, street, other.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("street reads another street's job: %v", err)
		}
	})
}

func TestRecomputeRefusesASecondStartAndRecoversAfterRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newOutcomeFixture(t, st)
		h, _, _ := pick(t, func(h *register.Household, r *rules.Result) (*register.Household, rules.Outcome) { return h, "x" })
		created, err := f.households.Create(ctx, f.district, h)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := st.ActiveCampaign(ctx)
		// A process that stopped left a recomputation of the campaign running.
		params, _ := json.Marshal(map[string]any{"campaign_id": c.ID})
		left := &store.Job{Kind: service.RecomputeJob, Key: "campaign.recompute:1", Params: string(params), CreatedBy: "district", CreatedAt: time.Now().UTC()}
		if err := st.CreateJob(ctx, left); err != nil {
			t.Fatal(err)
		}
		if err := st.StartJob(ctx, left.ID, "old-process", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		_, err = f.campaigns.StartRecompute(ctx, f.district, c.ID, "", "")
		if e := apperr.As(err); e.Code != apperr.Conflict || len(e.Details) != 1 || e.Details[0].Field != "job_id" || e.Details[0].Message != "1" {
			t.Fatalf("second start: %v", err)
		}
		if err := st.DeleteOutcomes(ctx, created.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.runner.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		f.runner.Wait()
		j, _ := st.JobByID(ctx, left.ID)
		if j.Status != store.JobDone || j.Done != 1 || j.Total != 1 {
			t.Fatalf("recovered job: %+v", j)
		}
		if o, _ := st.OutcomeOf(ctx, created.ID, c.ID); o == nil {
			t.Fatal("the recovered job did not recompute")
		}
		// A street recomputes its own street only.
		street := access.Actor{Username: "street-530103012", Role: access.Street, Scope: access.Scope{Streets: []string{"530103012"}, Villages: []string{"530103012004"}}}
		if _, err := f.campaigns.StartRecompute(ctx, street, c.ID, "530103009", ""); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("street recomputing another street: %v", err)
		}
		j2, err := f.campaigns.StartRecompute(ctx, street, c.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		f.runner.Wait()
		js, err := f.campaigns.Job(ctx, street, j2.ID)
		if err != nil || js.Status != store.JobDone {
			t.Fatalf("street job: %+v %v", js, err)
		}
	})
}
