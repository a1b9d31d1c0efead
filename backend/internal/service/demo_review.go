package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// Demo villages of the review procedure. DemoFreshVillage stays at stage 1
// with nothing recorded, for the end-to-end test that walks it through all
// fourteen stages; the showcase villages stand at later stages so that the
// board, notices and reports have something to show.
const DemoFreshVillage = "530103011018" // 竹园村委会, 滇源街道, team B

var demoShowcase = map[string]workflow.Stage{
	"530103012002": workflow.EnterAfter,    // 马军村委会: proposals under way, one flagged case
	"530103011002": workflow.VillageNotice, // 周达村委会: notice posted, a report open
	"530103010002": workflow.StreetReview,  // 三家社区: waiting for the street
	"530103009002": workflow.Recorded,      // 麦冲社区: done, ready for the national export
}

// SeedReview opens the 2017 campaign's village lists and stands them at
// their demo stages (most at the survey, analysis recorded), and adds a
// finished 2016 campaign whose lists are all recorded, for history and
// trends. Records are written straight to the store: this is demo data,
// not a walk through the procedure.
func (d *Demo) SeedReview(ctx context.Context) error {
	return apperr.Wrap(d.store.InTx(ctx, func(ctx context.Context) error {
		c, err := d.store.ActiveCampaign(ctx)
		if err != nil || c == nil {
			return err
		}
		start := time.Date(2017, 6, 5, 9, 0, 0, 0, localdate.Shanghai)
		if _, err := d.store.OpenVillageLists(ctx, c.ID, "district", start.UTC()); err != nil {
			return err
		}
		lists, err := d.store.VillageLists(ctx, wholeDistrict, c.ID, store.VillageListFilter{})
		if err != nil {
			return err
		}
		for _, l := range lists {
			if l.VillageCode == DemoFreshVillage {
				continue
			}
			target, ok := demoShowcase[l.VillageCode]
			if !ok {
				target = workflow.Survey
			}
			if err := d.advanceDemoList(ctx, c, &l, target, start); err != nil {
				return fmt.Errorf("demo list %s: %w", l.VillageCode, err)
			}
		}
		return d.seedCampaign2016(ctx)
	}), "demo review")
}

// advanceDemoList records what each stage up to target needs and moves the
// list there.
func (d *Demo) advanceDemoList(ctx context.Context, c *store.Campaign, l *store.VillageListRow, target workflow.Stage, start time.Time) error {
	day := func(n int) localdate.Date { return localdate.Of(start.AddDate(0, 0, n)) }
	at := func(n int) time.Time { return start.AddDate(0, 0, n).UTC() }
	rec := func(kind workflow.RecordKind, st workflow.Stage, on localdate.Date, body any, group, household *int64) error {
		b, _ := json.Marshal(body)
		return d.store.AddListRecord(ctx, &store.ListRecord{ListID: l.ID, Kind: string(kind), Stage: int(st), HeldOn: on,
			GroupID: group, HouseholdID: household, Body: string(b), CreatedBy: "team-demo", CreatedAt: start.UTC()})
	}
	team := "核查组"
	move := func(to workflow.Stage, n int, who, role string) error {
		if err := d.store.AddListEvent(ctx, &store.ListEvent{ListID: l.ID, Kind: "moved", FromStage: int(to - 1), ToStage: int(to),
			Actor: who, ActorRole: role, At: at(n)}); err != nil {
			return err
		}
		return d.store.SetListStage(ctx, &l.VillageList, int(to), who, at(n))
	}
	teamUser := map[string]string{"530103012": "team-A", "530103010": "team-A", "530103011": "team-B", "530103009": "team-B"}[l.StreetCode]
	groups, err := d.store.VillageGroups(ctx, l.VillageCode)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := rec(workflow.AnalysisMeeting, workflow.Analysis, day(0), AnalysisMeetingBody{Chair: team + "组长",
			Attendees: "街道干部、村两委干部、驻村工作队、党员代表、村民代表", KeyHouseholds: "收入在线附近的农户、有车辆或商品房的建档立卡户",
			WorkPlan: "6月10日前完成入户调查", Responsibilities: "村两委成员分片包户"}, &g.ID, nil); err != nil {
			return err
		}
	}
	if err := move(workflow.Survey, 1, teamUser, "check_team"); err != nil || target == workflow.Survey {
		return err
	}
	cases, err := d.store.Cases(ctx, &l.VillageList, store.CaseFilter{})
	if err != nil {
		return err
	}
	for _, cs := range cases {
		if err := rec(workflow.SurveyRecord, workflow.Survey, day(3), SurveyBody{Surveyors: "村两委干部、驻村工作队员"}, nil, &cs.HouseholdID); err != nil {
			return err
		}
	}
	for _, st := range []workflow.Stage{workflow.CrossCheck, workflow.ExitFirst} {
		if err := move(st, int(st), teamUser, "check_team"); err != nil {
			return err
		}
	}
	// Proposals: the computed outcome accepted, removals first; a household
	// whose data is incomplete kept as it is, with the reason.
	propose := func(removals bool) error {
		for i := range cases {
			cs := &cases[i]
			if workflow.IsRemoval(cs.Computed) != removals {
				continue
			}
			proposedAt := at(4)
			cs.ReviewCase.Proposal, cs.ProposalBasis, cs.ProposedBy, cs.ProposedAt = cs.Computed, cs.Computed, teamUser, &proposedAt
			if !proposable(cs.Computed) {
				cs.ReviewCase.Proposal, cs.ProposalOverride, cs.ProposalReason = keepFor(cs.Status), true, "入户调查资料待补全，暂按原状态处理"
			}
			if err := d.store.SaveCase(ctx, &cs.ReviewCase, at(4)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := propose(true); err != nil {
		return err
	}
	if err := move(workflow.EnterAfter, 5, teamUser, "check_team"); err != nil {
		return err
	}
	if err := propose(false); err != nil {
		return err
	}
	if target == workflow.EnterAfter {
		// One case whose data changed after its proposal: flagged for the team.
		for i := range cases {
			if cases[i].ReviewCase.Proposal == "keep" {
				cases[i].Flagged = true
				return d.store.SaveCase(ctx, &cases[i].ReviewCase, at(6))
			}
		}
		return nil
	}
	if err := move(workflow.PublicReview, 6, teamUser, "check_team"); err != nil {
		return err
	}
	if err := rec(workflow.VillagersMeeting, workflow.PublicReview, day(8), MeetingBody{Place: "村委会会议室", Attendance: 86,
		Summary: "逐户评议拟调整名单，无异议"}, nil, nil); err != nil {
		return err
	}
	steps := []struct {
		to         workflow.Stage
		who, role  string
		kind       workflow.RecordKind
		recordedAt workflow.Stage
		body       any
	}{
		{workflow.VillageDecision, teamUser, "check_team", workflow.TwoCommittee, workflow.VillageDecision, DecisionBody{Attendance: 7, Decision: "同意评议结果，提交公示"}},
		{workflow.VillageNotice, "officer-" + l.VillageCode, "village_officer", "", 0, nil},
		{workflow.Representatives, teamUser, "check_team", workflow.RepresentativesRes, workflow.Representatives, DecisionBody{Attendance: 31, Decision: "公示无异议，同意上报街道审定"}},
		{workflow.StreetReview, "officer-" + l.VillageCode, "village_officer", "", 0, nil},
		{workflow.StreetNotice, "street-" + l.StreetCode, "street", workflow.StreetApproval, workflow.StreetReview, DecisionBody{Decision: "审定同意"}},
		{workflow.DistrictConfirm, "street-" + l.StreetCode, "street", "", 0, nil},
		{workflow.Announced, "district", "district", workflow.DistrictDecision, workflow.DistrictConfirm, DecisionBody{Decision: "区扶贫开发领导小组办公室研究确定"}},
		{workflow.Recorded, "district", "district", workflow.Announcement, workflow.Announced, AnnouncementBody{Place: "区政府门户网站、各村公示栏"}},
	}
	for i, st := range steps {
		n := 10 + i*4
		if st.kind != "" {
			if err := rec(st.kind, st.recordedAt, day(n-1), st.body, nil, nil); err != nil {
				return err
			}
		}
		if level, ok := workflow.NoticeStage(st.to - 1); ok {
			posted := day(n - 6)
			if err := d.store.AddNotice(ctx, &store.Notice{ListID: l.ID, Level: level, PostedOn: posted, Place: "村委会公示栏",
				ReportPhone: DefaultReportPhone, Supervisor: DefaultSupervisorUnit, IssuedBy: l.VillageName + "村民委员会", PostedBy: st.who, CreatedAt: at(n - 6)}); err != nil {
				return err
			}
		}
		if err := move(st.to, n, st.who, st.role); err != nil {
			return err
		}
		if st.to == target {
			break
		}
	}
	if target == workflow.VillageNotice {
		// Posted, and a report came in that the team has yet to investigate.
		n := store.Notice{ListID: l.ID, Level: "village", PostedOn: day(15), Place: "村委会公示栏", ReportPhone: DefaultReportPhone,
			Supervisor: DefaultSupervisorUnit, IssuedBy: l.VillageName + "村民委员会", PostedBy: teamUser, CreatedAt: at(15)}
		if err := d.store.AddNotice(ctx, &n); err != nil {
			return err
		}
		if len(cases) > 0 {
			return d.store.AddReport(ctx, &store.Report{ListID: l.ID, NoticeID: n.ID, Level: "village", ReceivedOn: day(17), Channel: "phone",
				Content: "反映该户家中有人在城区有商品房，不应评为贫困户", Status: store.ReportOpen, CreatedBy: teamUser, CreatedAt: at(17),
				CaseIDs: []int64{cases[0].ID}})
		}
	}
	return nil
}

func proposable(outcome string) bool {
	return outcome != "" && outcome != string(rules.NeedsReview) && outcome != string(rules.Invalid)
}

// keepFor is the "no change" proposal for a household's register status.
func keepFor(status string) string {
	switch status {
	case "registered":
		return "keep"
	case "exited":
		return "keep_exited"
	}
	return "not_eligible"
}

// seedCampaign2016 adds the finished 2016 campaign: every list recorded,
// every case proposed from the household's status (the year before the
// system, entered as history: no computed outcomes).
func (d *Demo) seedCampaign2016(ctx context.Context) error {
	line, ok := rules.NationalPovertyLine(2015)
	if !ok {
		return nil
	}
	p := rules.Panlong2017()
	at := time.Date(2016, 7, 31, 10, 0, 0, 0, localdate.Shanghai).UTC()
	c := &store.Campaign{Name: "2016年动态管理", CampaignYear: 2016, IncomeYear: 2015, PovertyLine: line, VehicleValueLimit: p.VehicleValueLimit,
		ReferenceDate: localdate.Date{Year: 2016, Month: 6, Day: 30}, ReportPhone: DefaultReportPhone, SupervisorUnit: DefaultSupervisorUnit,
		CreatedBy: "district", UpdatedBy: "district", CreatedAt: at, UpdatedAt: at}
	if err := d.store.CreateCampaign(ctx, c); err != nil {
		return err
	}
	if err := d.store.SaveCampaignDeadlines(ctx, c.ID, deadlineRows(shiftDeadlines(Deadlines2017(), 2016))); err != nil {
		return err
	}
	if _, err := d.store.OpenVillageLists(ctx, c.ID, "district", at); err != nil {
		return err
	}
	return d.store.FinishDemoCampaign(ctx, c.ID, int(workflow.Recorded), at)
}
