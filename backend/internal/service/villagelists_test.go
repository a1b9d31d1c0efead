package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/workflow"
)

// reviewFixture is a demo installation (a small register, the 2017 lists at
// their demo stages) with the actors of one village: 竹园村委会, at stage 1.
type reviewFixture struct {
	*outcomeFixture
	lists   *service.VillageLists
	export  *service.NationalExport
	list    int64
	team    access.Actor // team B (滇源+双龙)
	teamA   access.Actor
	officer access.Actor
	street  access.Actor
	other   access.Actor // another street
}

func newReviewFixture(t *testing.T, st *store.Store, households int) *reviewFixture {
	t.Helper()
	ctx := context.Background()
	f := newOutcomeFixture(t, st)
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	demo := service.NewDemo(st, auth.Hasher{MemoryKiB: 64, Time: 1, Threads: 1}, regions, service.NewDepartments(st), f.outcomes)
	if _, err := demo.SeedHouseholds(ctx, households); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedReview(ctx); err != nil {
		t.Fatal(err)
	}
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	r := &reviewFixture{outcomeFixture: f, lists: service.NewVillageLists(st, audit, 1<<20, time.Now), export: service.NewNationalExport(st, audit, time.Now)}
	scope := func(role access.Role, g access.Grant) access.Scope {
		sc, err := regions.Scope(ctx, role, g)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	r.team = access.Actor{Username: "team-B", Role: access.CheckTeam, Scope: scope(access.CheckTeam, access.Grant{Team: "B"})}
	r.teamA = access.Actor{Username: "team-A", Role: access.CheckTeam, Scope: scope(access.CheckTeam, access.Grant{Team: "A"})}
	r.officer = access.Actor{Username: "officer", Role: access.VillageOfficer, Scope: scope(access.VillageOfficer, access.Grant{Villages: []string{service.DemoFreshVillage}})}
	r.street = access.Actor{Username: "street-530103011", Role: access.Street, Scope: scope(access.Street, access.Grant{Street: "530103011"})}
	r.other = access.Actor{Username: "street-530103012", Role: access.Street, Scope: scope(access.Street, access.Grant{Street: "530103012"})}
	c, err := st.ActiveCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.VillageListOf(ctx, c.ID, service.DemoFreshVillage)
	if err != nil || l == nil {
		t.Fatalf("no list for the fresh village: %v", err)
	}
	r.list = l.ID
	return r
}

func (r *reviewFixture) detail(t *testing.T, a access.Actor) *service.ListDetail {
	t.Helper()
	d, err := r.lists.Get(context.Background(), a, r.list)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// moveOn moves the list on as a and expects success.
func (r *reviewFixture) moveOn(t *testing.T, a access.Actor) {
	t.Helper()
	if _, err := r.lists.MoveOn(context.Background(), a, service.Move{ListID: r.list}); err != nil {
		t.Fatalf("move on as %s at stage %d: %v", a.Role, r.detail(t, r.district).List.Stage, err)
	}
}

// refused expects err to carry code and, when given, a detail naming reason.
func refusedWith(t *testing.T, err error, code apperr.Code, reason string) {
	t.Helper()
	e := apperr.As(err)
	if err == nil || e.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	if reason == "" {
		return
	}
	for _, d := range e.Details {
		if d.Field == reason {
			return
		}
	}
	t.Fatalf("want reason %s in %+v", reason, e.Details)
}

func (r *reviewFixture) record(t *testing.T, a access.Actor, in service.RecordInput) error {
	t.Helper()
	in.ListID = r.list
	_, err := r.lists.AddRecord(context.Background(), a, in)
	return err
}

func body(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func TestVillageListThroughAllStages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newReviewFixture(t, st, 300)
		today := localdate.Today(time.Now())
		d := r.detail(t, r.team)
		if d.List.Stage != int(workflow.Analysis) || len(d.Cases) == 0 || len(d.Groups) == 0 {
			t.Fatalf("fresh village: stage %d, %d cases, %d groups", d.List.Stage, len(d.Cases), len(d.Groups))
		}

		// 1 analysis: the officer may not move it; the team only once every group is analysed.
		_, err := r.lists.MoveOn(ctx, r.officer, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.Forbidden, "not_stage_owner")
		groups := make([]int64, len(d.Groups))
		for i, g := range d.Groups {
			groups[i] = g.ID
		}
		meeting := body(service.AnalysisMeetingBody{Chair: "核查组组长", Attendees: "村两委、驻村工作队", WorkPlan: "入户调查"})
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.AnalysisMeeting, HeldOn: today, GroupIDs: groups[:1], Body: meeting}); err != nil {
			t.Fatal(err)
		}
		if len(groups) > 1 {
			_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
			refusedWith(t, err, apperr.ConditionUnmet, "groups_not_analysed")
		}
		err = r.record(t, r.team, service.RecordInput{Kind: workflow.AnalysisMeeting, HeldOn: today.AddDays(1), GroupIDs: groups, Body: meeting})
		refusedWith(t, err, apperr.Validation, "held_on")
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.AnalysisMeeting, HeldOn: today, GroupIDs: groups, Body: meeting}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)

		// 2 survey: every household.
		households := make([]int64, len(d.Cases))
		for i, c := range d.Cases {
			households[i] = c.HouseholdID
		}
		survey := body(service.SurveyBody{Surveyors: "张三、李四"})
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.SurveyRecord, HeldOn: today, HouseholdIDs: households[1:], Body: survey}); err != nil {
			t.Fatal(err)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "households_not_surveyed")
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.SurveyRecord, HeldOn: today, HouseholdIDs: households[:1], Body: survey}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)
		r.moveOn(t, r.team) // 3 cross_check: no open discrepancy in the village

		// 4 exit_first: 先退后进 — no inclusion now; removals by batch.
		var inclusion, removal *service.CaseView
		d = r.detail(t, r.team)
		for i, c := range d.Cases {
			if workflow.IsInclusion(c.Computed) && inclusion == nil {
				inclusion = &d.Cases[i]
			}
			if workflow.IsRemoval(c.Computed) && removal == nil {
				removal = &d.Cases[i]
			}
		}
		if inclusion != nil {
			_, err = r.lists.Propose(ctx, r.team, service.ProposalInput{CaseID: inclusion.ID, Accept: true})
			refusedWith(t, err, apperr.ConditionUnmet, "exit_first")
		}
		all := make([]int64, len(d.Cases))
		for i, c := range d.Cases {
			all[i] = c.ID
		}
		res, err := r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: all, Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Proposed != d.Facts.RemovalCases {
			t.Fatalf("exit_first batch proposed %d, removal cases %d", res.Proposed, d.Facts.RemovalCases)
		}
		r.moveOn(t, r.team)

		// 5 enter_after: accept the rest; needs_review only by an override with a reason.
		res, err = r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: all, Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		var left []int64
		for _, x := range res.Refused {
			left = append(left, x.CaseID)
		}
		if len(left) > 0 {
			_, err = r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: left, Proposal: "keep", Reason: " "})
			refusedWith(t, err, apperr.Validation, "")
			res, err := r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: left, Proposal: "not_eligible", Reason: "资料待补全，暂不纳入"})
			if err != nil || len(res.Refused) > 0 {
				t.Fatalf("override: %v %+v", err, res)
			}
		}
		r.moveOn(t, r.team)

		// 6 public_review: a meeting, every opinion answered.
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.VillagersMeeting, HeldOn: today,
			Body: body(service.MeetingBody{Attendance: 60, Summary: "评议"}), Opinions: []service.OpinionInput{{Text: "某户有车", NeedsCheck: true}}}); err != nil {
			t.Fatal(err)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "opinions_unanswered")
		d = r.detail(t, r.team)
		if err := r.lists.AnswerOpinion(ctx, r.team, r.list, d.Opinions[0].ID, "已核实，车辆已于2016年出售"); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)

		// Household data is frozen from stage 7 on.
		h, err := r.households.Get(ctx, r.district, d.Cases[0].HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		h.Phone = "13800000000"
		_, err = r.households.Update(ctx, r.district, h)
		refusedWith(t, err, apperr.Conflict, "")

		// 7 village_decision: the village officer's.
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.Forbidden, "not_stage_owner")
		decision := body(service.DecisionBody{Attendance: 7, Decision: "同意"})
		if err := r.record(t, r.officer, service.RecordInput{Kind: workflow.TwoCommittee, HeldOn: today, Body: decision}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.officer)

		// 8 village_notice: a posting date in the future is refused; the
		// period runs 5 days; a report holds the list; an upheld report
		// changes its case and restarts the notice.
		post := func(on localdate.Date) error {
			_, err := r.lists.PostNotice(ctx, r.team, service.NoticeInput{ListID: r.list, PostedOn: on, Place: "村委会公示栏"})
			return err
		}
		refusedWith(t, post(today.AddDays(1)), apperr.Validation, "posted_on")
		if err := post(today.AddDays(-4)); err != nil {
			t.Fatal(err)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "notice_running")
		if err := post(today.AddDays(-5)); err != nil {
			t.Fatal(err)
		}
		target := d.Cases[0]
		rep, err := r.lists.AddReport(ctx, r.team, service.ReportInput{ListID: r.list, ReceivedOn: today, Channel: "phone", Content: "该户有商品房", CaseIDs: []int64{target.ID}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "open_reports")
		if _, err := r.lists.Investigate(ctx, r.team, service.InvestigationInput{ListID: r.list, ReportID: rep.ID, Upheld: true,
			Findings: "经核实属实", Answer: "已电话答复", Changes: []service.CaseChange{{CaseID: target.ID, Proposal: "remove_wrong"}}}); err != nil {
			t.Fatal(err)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "notice_not_posted")
		d = r.detail(t, r.team)
		for _, c := range d.Cases {
			if c.ID == target.ID && (c.Proposal != "remove_wrong" || !c.ProposalOverride && c.Computed != "remove_wrong") {
				t.Fatalf("upheld report did not change the case: %+v", c.ReviewCase)
			}
		}
		if d.Notices[0].SupersededAt == nil {
			t.Fatal("the notice was not superseded by the changed case")
		}
		// The notice lists the changed case, ID masked.
		sheet, err := r.lists.Notice(ctx, r.team, r.list, "village")
		if err != nil {
			t.Fatal(err)
		}
		if !sheet.Draft || len(sheet.Rows) == 0 {
			t.Fatalf("notice after supersession: draft=%v rows=%d", sheet.Draft, len(sheet.Rows))
		}
		for _, row := range sheet.Rows {
			if row.Reason == "" || row.Change == "" || !strings.Contains(row.HeadIDMasked, "*") {
				t.Fatalf("notice row without reason, change or masked ID: %+v", row)
			}
		}
		if want := "竹园村委会2017年"; !strings.HasPrefix(sheet.Title, want) {
			t.Fatalf("notice title %q", sheet.Title)
		}
		var buf bytes.Buffer
		if err := service.WriteNoticeXLSX(&buf, sheet); err != nil || buf.Len() == 0 {
			t.Fatalf("notice xlsx: %v", err)
		}
		if err := post(today.AddDays(-5)); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)

		// 9 representatives.
		if err := r.record(t, r.officer, service.RecordInput{Kind: workflow.RepresentativesRes, HeldOn: today, Body: decision}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.officer)

		// 10 street_review: another street sees nothing; the team may no
		// longer send back; the street sends back, the officer moves on again.
		if _, err := r.lists.Get(ctx, r.other, r.list); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another street: %v", err)
		}
		if _, err := r.lists.Get(ctx, r.teamA, r.list); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another team: %v", err)
		}
		_, err = r.lists.SendBack(ctx, r.team, service.Move{ListID: r.list, Target: workflow.Survey, Reason: "重新调查"})
		refusedWith(t, err, apperr.Forbidden, "send_back_not_allowed")
		_, err = r.lists.SendBack(ctx, r.street, service.Move{ListID: r.list, Target: workflow.Representatives})
		refusedWith(t, err, apperr.ConditionUnmet, "reason_required")
		if _, err := r.lists.SendBack(ctx, r.street, service.Move{ListID: r.list, Target: workflow.Representatives, Reason: "决议缺少签名"}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.officer)
		if err := r.record(t, r.street, service.RecordInput{Kind: workflow.StreetApproval, HeldOn: today, Body: body(service.DecisionBody{Decision: "审定同意"})}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.street)

		// 11 street_notice.
		if _, err := r.lists.PostNotice(ctx, r.street, service.NoticeInput{ListID: r.list, PostedOn: today.AddDays(-5), Place: "街道公示栏"}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.street)
		// 12–14: the district.
		if err := r.record(t, r.district, service.RecordInput{Kind: workflow.DistrictDecision, HeldOn: today, Body: body(service.DecisionBody{Decision: "确定"})}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.district)
		_, err = r.lists.MoveOn(ctx, r.district, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "no_announcement")
		if err := r.record(t, r.district, service.RecordInput{Kind: workflow.Announcement, HeldOn: today, Body: body(service.AnnouncementBody{Place: "区政府网站"})}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.district)
		_, err = r.lists.MoveOn(ctx, r.district, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.Forbidden, "final_stage")

		d = r.detail(t, r.district)
		var sentBack bool
		for _, e := range d.Events {
			sentBack = sentBack || e.Kind == "sent_back" && e.Reason == "决议缺少签名" && e.Actor == r.street.Username
		}
		if d.List.Stage != int(workflow.Recorded) || !sentBack {
			t.Fatalf("stage %d, send-back in history %v", d.List.Stage, sentBack)
		}
		var out bytes.Buffer
		if err := r.export.Write(ctx, r.district, d.Campaign.ID, service.NationalExportFilter{Village: service.DemoFreshVillage}, "json", &out); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Households []struct {
				Proposal string `json:"proposal"`
			} `json:"households"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Households) != len(d.Cases) {
			t.Fatalf("export: %v, %d households for %d cases", err, len(doc.Households), len(d.Cases))
		}
	})
}

// proposalStage takes the fresh list to exit_first the short way (demo
// records straight through the service).
func (r *reviewFixture) toExitFirst(t *testing.T) *service.ListDetail {
	t.Helper()
	ctx := context.Background()
	today := localdate.Today(time.Now())
	d := r.detail(t, r.team)
	var groups, households []int64
	for _, g := range d.Groups {
		groups = append(groups, g.ID)
	}
	for _, c := range d.Cases {
		households = append(households, c.HouseholdID)
	}
	if err := r.record(t, r.team, service.RecordInput{Kind: workflow.AnalysisMeeting, HeldOn: today, GroupIDs: groups,
		Body: body(service.AnalysisMeetingBody{Chair: "组长", Attendees: "干部", WorkPlan: "计划"})}); err != nil {
		t.Fatal(err)
	}
	r.moveOn(t, r.team)
	if err := r.record(t, r.team, service.RecordInput{Kind: workflow.SurveyRecord, HeldOn: today, HouseholdIDs: households,
		Body: body(service.SurveyBody{Surveyors: "甲"})}); err != nil {
		t.Fatal(err)
	}
	r.moveOn(t, r.team)
	r.moveOn(t, r.team)
	if _, err := r.lists.Get(ctx, r.team, r.list); err != nil {
		t.Fatal(err)
	}
	return r.detail(t, r.team)
}

func TestConcurrentMovesOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newReviewFixture(t, st, 300)
		today := localdate.Today(time.Now())
		d := r.detail(t, r.team)
		var groups []int64
		for _, g := range d.Groups {
			groups = append(groups, g.ID)
		}
		if err := r.record(t, r.team, service.RecordInput{Kind: workflow.AnalysisMeeting, HeldOn: today, GroupIDs: groups,
			Body: body(service.AnalysisMeetingBody{Chair: "组长", Attendees: "干部", WorkPlan: "计划"})}); err != nil {
			t.Fatal(err)
		}
		version := r.detail(t, r.team).List.Version
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.lists.MoveOn(context.Background(), r.team, service.Move{ListID: r.list, Version: version})
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.Is(err, apperr.VersionConflict):
				conflict++
			default:
				t.Fatalf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("ok %d, conflicts %d", ok, conflict)
		}
		if s := r.detail(t, r.team).List.Stage; s != int(workflow.Survey) {
			t.Fatalf("stage %d after two moves, want exactly one step", s)
		}
	})
}

func TestFlaggedCaseBlocksUntilAcceptedOrKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newReviewFixture(t, st, 2000)
		d := r.toExitFirst(t)
		// A kept registered household: propose keep after the removals.
		var all []int64
		for _, c := range d.Cases {
			all = append(all, c.ID)
		}
		if _, err := r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: all, Accept: true}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)
		res, err := r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: all, Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		var left []int64
		for _, x := range res.Refused {
			left = append(left, x.CaseID)
		}
		if len(left) > 0 {
			if _, err := r.lists.ProposeBatch(ctx, r.team, service.BatchInput{ListID: r.list, CaseIDs: left, Proposal: "not_eligible", Reason: "资料不全"}); err != nil {
				t.Fatal(err)
			}
		}
		d = r.detail(t, r.team)
		var kept *service.CaseView
		counts := map[string]int{}
		for i, c := range d.Cases {
			counts[c.Computed]++
			if (c.Computed == "keep" || c.Computed == "include") && c.Proposal == c.Computed && kept == nil {
				kept = &d.Cases[i]
			}
		}
		if kept == nil {
			t.Fatalf("the demo village has no kept or included household to flag: %v", counts)
		}
		// A vehicle worth 900,000 yuan: the computed outcome changes, the
		// proposal does not; the case is flagged and holds the stage.
		h, err := r.households.Get(ctx, r.district, kept.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		h.Vehicles = append(h.Vehicles, vehicleWorth(decimal.NewFromInt(900000)))
		if _, err := r.households.Update(ctx, r.district, h); err != nil {
			t.Fatal(err)
		}
		d = r.detail(t, r.team)
		var now service.CaseView
		for _, c := range d.Cases {
			if c.ID == kept.ID {
				now = c
			}
		}
		if !now.Flagged || now.Proposal != kept.Proposal || now.Computed == kept.Computed {
			t.Fatalf("after the change: flagged=%v proposal=%s computed=%s", now.Flagged, now.Proposal, now.Computed)
		}
		_, err = r.lists.MoveOn(ctx, r.team, service.Move{ListID: r.list})
		refusedWith(t, err, apperr.ConditionUnmet, "flagged_cases")
		_, err = r.lists.Propose(ctx, r.team, service.ProposalInput{CaseID: now.ID, Keep: true})
		refusedWith(t, err, apperr.Validation, "reason")
		if _, err := r.lists.Propose(ctx, r.team, service.ProposalInput{CaseID: now.ID, Keep: true, Reason: "车辆登记在外出务工的子女名下，已另户"}); err != nil {
			t.Fatal(err)
		}
		r.moveOn(t, r.team)
	})
}

func vehicleWorth(v decimal.Decimal) register.Vehicle {
	return register.Vehicle{Value: v, AcquiredOn: mustDate("2016-03-15"), Plate: "云A99999"}
}
