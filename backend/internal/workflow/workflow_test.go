package workflow

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"jingzhun/internal/access"
	"jingzhun/internal/localdate"
)

// The expectations below are written from workflow.md, not from workflow.go:
// the owners, keys and labels of the stage table, the send-back ranges and the
// record kinds are restated here on purpose.

func date(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// specStages is the stage table of workflow.md: number, key, label, owner.
var specStages = []struct {
	stage Stage
	key   string
	label string
	owner access.Role
}{
	{1, "analysis", "贫情分析", access.CheckTeam},
	{2, "survey", "实地调查", access.CheckTeam},
	{3, "cross_check", "信息数据复核", access.CheckTeam},
	{4, "exit_first", "先退", access.CheckTeam},
	{5, "enter_after", "后进", access.CheckTeam},
	{6, "public_review", "公开评议", access.CheckTeam},
	{7, "village_decision", "村两委决定", access.VillageOfficer},
	{8, "village_notice", "村组公示", access.CheckTeam},
	{9, "representatives", "村民代表会决议", access.VillageOfficer},
	{10, "street_review", "街道审定", access.Street},
	{11, "street_notice", "街道公示", access.Street},
	{12, "district_confirm", "区扶贫办确定", access.District},
	{13, "announced", "公告", access.District},
	{14, "recorded", "录入全国扶贫开发信息系统", access.District},
}

func specOwner(s Stage) access.Role {
	for _, st := range specStages {
		if st.stage == s {
			return st.owner
		}
	}
	return ""
}

// allRoles is the nine roles of workflow.md, listed here rather than taken
// from access.Roles so that a role dropped there is noticed.
var allRoles = []access.Role{
	access.VillageOfficer, access.CheckTeam, access.Department, access.Street, access.District,
	access.Supervisor, access.Admin, access.SecurityAdmin, access.Auditor,
}

// someStages runs one beyond each end so invalid stages are covered too.
func someStages() []Stage {
	var out []Stage
	for s := Stage(-1); s <= Last+1; s++ {
		out = append(out, s)
	}
	return out
}

// fullFacts meets every stage's condition at once.
func fullFacts() Facts {
	return Facts{
		Today:  date("2017-06-30"),
		Groups: 6, GroupsAnalysed: 6,
		Households: 120, Surveyed: 120,
		OpenDiscrepancies: 0,
		RemovalCases:      4, RemovalsProposed: 4,
		Cases: 120, Proposed: 120,
		Flagged:        0,
		PublicMeetings: 2, OpenOpinions: 0,
		DecisionRecorded:     true,
		ApprovalRecorded:     true,
		ConfirmationRecorded: true,
		ResolutionRecorded:   true,
		AnnouncementRecorded: true,
		NoticePostedOn:       date("2017-06-20"),
		OpenReports:          0,
	}
}

func codes(r *Refusal) []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.Reasons))
	for _, x := range r.Reasons {
		out = append(out, x.Code)
	}
	return out
}

// checkRefusal compares a refusal with the expectation: nil when wantCodes is
// empty; otherwise the codes in order and the Forbidden flag. Every reason
// must carry a message, and the message must not leak a formatting verb.
func checkRefusal(t *testing.T, what string, got *Refusal, forbidden bool, wantCodes ...string) {
	t.Helper()
	if len(wantCodes) == 0 {
		if got != nil {
			t.Errorf("%s: refused %v (%v), want allowed", what, codes(got), got)
		}
		return
	}
	if got == nil {
		t.Errorf("%s: allowed, want refused %v (forbidden=%v)", what, wantCodes, forbidden)
		return
	}
	if got.Forbidden != forbidden {
		t.Errorf("%s: Forbidden = %v, want %v (%v)", what, got.Forbidden, forbidden, got)
	}
	if !slices.Equal(codes(got), wantCodes) {
		t.Errorf("%s: codes %v, want %v", what, codes(got), wantCodes)
	}
	for _, r := range got.Reasons {
		if r.Message == "" || strings.Contains(r.Message, "%!") {
			t.Errorf("%s: reason %q has a bad message %q", what, r.Code, r.Message)
		}
	}
	if got.Error() == "" || !strings.HasPrefix(got.Error(), wantCodes[0]+": ") {
		t.Errorf("%s: Error() = %q, want it to start with %q", what, got.Error(), wantCodes[0])
	}
}

// ---------------------------------------------------------------------------
// Stages: keys, labels, owners, order.

func TestStageTable(t *testing.T) {
	if len(specStages) != 14 {
		t.Fatalf("spec table has %d stages", len(specStages))
	}
	if First != 1 || Last != 14 {
		t.Fatalf("First, Last = %d, %d; want 1, 14", First, Last)
	}
	for _, st := range specStages {
		t.Run(st.key, func(t *testing.T) {
			if !st.stage.Valid() {
				t.Errorf("stage %d not valid", st.stage)
			}
			if got := st.stage.Key(); got != st.key {
				t.Errorf("Key() = %q, want %q", got, st.key)
			}
			if got := st.stage.Label(); got != st.label {
				t.Errorf("Label() = %q, want %q", got, st.label)
			}
			if got := st.stage.Owner(); got != st.owner {
				t.Errorf("Owner() = %q, want %q", got, st.owner)
			}
			// Round trip both ways.
			s, ok := ParseStage(st.key)
			if !ok || s != st.stage {
				t.Errorf("ParseStage(%q) = %d, %v; want %d, true", st.key, s, ok, st.stage)
			}
			if s2, ok := ParseStage(s.Key()); !ok || s2 != s {
				t.Errorf("ParseStage(Key(%d)) = %d, %v", s, s2, ok)
			}
		})
	}
}

func TestAllInOrder(t *testing.T) {
	all := All()
	if len(all) != 14 {
		t.Fatalf("All() has %d stages, want 14", len(all))
	}
	for i, s := range all {
		if s != specStages[i].stage {
			t.Errorf("All()[%d] = %d, want %d", i, s, specStages[i].stage)
		}
	}
}

func TestInvalidStages(t *testing.T) {
	for _, s := range []Stage{-1, 0, 15, 99} {
		if s.Valid() || s.Key() != "" || s.Label() != "" || s.Owner() != "" {
			t.Errorf("stage %d: Valid=%v Key=%q Label=%q Owner=%q; want invalid and empty",
				s, s.Valid(), s.Key(), s.Label(), s.Owner())
		}
	}
}

func TestParseStageUnknown(t *testing.T) {
	for _, key := range []string{"", "Analysis", "ANALYSIS", " analysis", "analysis ", "贫情分析", "1", "notice", "street", "done"} {
		if s, ok := ParseStage(key); ok || s != 0 {
			t.Errorf("ParseStage(%q) = %d, %v; want 0, false", key, s, ok)
		}
	}
}

// ---------------------------------------------------------------------------
// 1. CanMoveOn: stage × role with every condition met.

func TestCanMoveOnRoles(t *testing.T) {
	if !slices.Equal(access.Roles, allRoles) {
		t.Fatalf("access.Roles = %v, want the nine roles %v", access.Roles, allRoles)
	}
	f := fullFacts()
	for _, st := range specStages {
		for _, role := range allRoles {
			what := fmt.Sprintf("move on %s by %s", st.key, role)
			got := CanMoveOn(st.stage, role, f)
			switch {
			case st.stage == Recorded:
				checkRefusal(t, what, got, true, "final_stage")
			case role == st.owner:
				checkRefusal(t, what, got, false)
			default:
				checkRefusal(t, what, got, true, "not_stage_owner")
			}
		}
	}
}

func TestCanMoveOnInvalidStage(t *testing.T) {
	for _, s := range []Stage{-1, 0, 15} {
		for _, role := range allRoles {
			checkRefusal(t, fmt.Sprintf("move on stage %d by %s", s, role), CanMoveOn(s, role, fullFacts()), true, "invalid_stage")
		}
	}
}

// Unknown roles are never owners.
func TestCanMoveOnUnknownRole(t *testing.T) {
	for _, st := range specStages[:13] {
		for _, role := range []access.Role{"", "CHECK_TEAM", "root"} {
			checkRefusal(t, fmt.Sprintf("move on %s by %q", st.key, role), CanMoveOn(st.stage, role, fullFacts()), true, "not_stage_owner")
		}
	}
}

// ---------------------------------------------------------------------------
// 2. CanMoveOn: each stage's condition, met and each way of not meeting it.

func TestCanMoveOnConditions(t *testing.T) {
	type tc struct {
		name   string
		stage  Stage
		mutate func(*Facts)
		want   []string // nil: allowed
	}
	none := func(*Facts) {}
	cases := []tc{
		// 1 analysis: every village group analysed.
		{"analysis all groups", Analysis, none, nil},
		{"analysis more meetings than groups", Analysis, func(f *Facts) { f.GroupsAnalysed = 7 }, nil},
		{"analysis one group left", Analysis, func(f *Facts) { f.GroupsAnalysed = 5 }, []string{"groups_not_analysed"}},
		{"analysis none analysed", Analysis, func(f *Facts) { f.GroupsAnalysed = 0 }, []string{"groups_not_analysed"}},
		{"analysis no groups at all", Analysis, func(f *Facts) { f.Groups, f.GroupsAnalysed = 0, 0 }, []string{"groups_not_analysed"}},

		// 2 survey: every household surveyed.
		{"survey all households", Survey, none, nil},
		{"survey one household left", Survey, func(f *Facts) { f.Surveyed = 119 }, []string{"households_not_surveyed"}},
		{"survey none surveyed", Survey, func(f *Facts) { f.Surveyed = 0 }, []string{"households_not_surveyed"}},

		// 3 cross_check: no open discrepancy.
		{"cross_check none open", CrossCheck, none, nil},
		{"cross_check one open", CrossCheck, func(f *Facts) { f.OpenDiscrepancies = 1 }, []string{"open_discrepancies"}},
		{"cross_check many open", CrossCheck, func(f *Facts) { f.OpenDiscrepancies = 17 }, []string{"open_discrepancies"}},

		// 4 exit_first: every removal case proposed (flagged ones do not count).
		{"exit_first all removals", ExitFirst, none, nil},
		{"exit_first no removal cases", ExitFirst, func(f *Facts) { f.RemovalCases, f.RemovalsProposed = 0, 0 }, nil},
		{"exit_first one removal left", ExitFirst, func(f *Facts) { f.RemovalsProposed = 3 }, []string{"removals_not_proposed"}},
		{"exit_first flagged", ExitFirst, func(f *Facts) { f.Flagged = 1 }, []string{"flagged_cases"}},
		{"exit_first removal left and flagged", ExitFirst, func(f *Facts) { f.RemovalsProposed = 3; f.Flagged = 1 },
			[]string{"removals_not_proposed", "flagged_cases"}},
		{"exit_first other cases unproposed do not matter", ExitFirst, func(f *Facts) { f.Proposed = 4 }, nil},

		// 5 enter_after: every case proposed.
		{"enter_after all cases", EnterAfter, none, nil},
		{"enter_after one case left", EnterAfter, func(f *Facts) { f.Proposed = 119 }, []string{"cases_not_proposed"}},
		{"enter_after none proposed", EnterAfter, func(f *Facts) { f.Proposed = 0 }, []string{"cases_not_proposed"}},
		{"enter_after flagged", EnterAfter, func(f *Facts) { f.Flagged = 2 }, []string{"flagged_cases"}},
		{"enter_after case left and flagged", EnterAfter, func(f *Facts) { f.Proposed = 118; f.Flagged = 2 },
			[]string{"cases_not_proposed", "flagged_cases"}},

		// 6 public_review: a meeting recorded, every opinion answered.
		{"public_review met", PublicReview, none, nil},
		{"public_review one meeting", PublicReview, func(f *Facts) { f.PublicMeetings = 1 }, nil},
		{"public_review no meeting", PublicReview, func(f *Facts) { f.PublicMeetings = 0 }, []string{"no_public_meeting"}},
		{"public_review opinion open", PublicReview, func(f *Facts) { f.OpenOpinions = 1 }, []string{"opinions_unanswered"}},
		{"public_review flagged", PublicReview, func(f *Facts) { f.Flagged = 1 }, []string{"flagged_cases"}},
		{"public_review all unmet", PublicReview, func(f *Facts) { f.PublicMeetings = 0; f.OpenOpinions = 3; f.Flagged = 1 },
			[]string{"no_public_meeting", "opinions_unanswered", "flagged_cases"}},

		// 7 village_decision: decision recorded.
		{"village_decision recorded", VillageDecision, none, nil},
		{"village_decision missing", VillageDecision, func(f *Facts) { f.DecisionRecorded = false }, []string{"no_decision"}},

		// 8 village_notice: notice period over, no open report.
		{"village_notice over", VillageNotice, none, nil},
		{"village_notice not posted", VillageNotice, func(f *Facts) { f.NoticePostedOn = localdate.Date{} }, []string{"notice_not_posted"}},
		{"village_notice running", VillageNotice, func(f *Facts) { f.Today = date("2017-06-24") }, []string{"notice_running"}},
		{"village_notice open report", VillageNotice, func(f *Facts) { f.OpenReports = 1 }, []string{"open_reports"}},
		{"village_notice running and open report", VillageNotice, func(f *Facts) { f.Today = date("2017-06-22"); f.OpenReports = 2 },
			[]string{"notice_running", "open_reports"}},
		{"village_notice not posted and open report", VillageNotice, func(f *Facts) { f.NoticePostedOn = localdate.Date{}; f.OpenReports = 1 },
			[]string{"notice_not_posted", "open_reports"}},

		// 9 representatives: resolution recorded.
		{"representatives recorded", Representatives, none, nil},
		{"representatives missing", Representatives, func(f *Facts) { f.ResolutionRecorded = false }, []string{"no_resolution"}},

		// 10 street_review: the street's approval recorded.
		{"street_review approved", StreetReview, none, nil},
		{"street_review missing", StreetReview, func(f *Facts) { f.ApprovalRecorded = false }, []string{"no_approval"}},
		{"street_review ignores other stages' facts", StreetReview, func(f *Facts) { *f = Facts{Today: f.Today, ApprovalRecorded: true} }, nil},

		// 11 street_notice: as the village notice.
		{"street_notice over", StreetNotice, none, nil},
		{"street_notice not posted", StreetNotice, func(f *Facts) { f.NoticePostedOn = localdate.Date{} }, []string{"notice_not_posted"}},
		{"street_notice running", StreetNotice, func(f *Facts) { f.Today = date("2017-06-24") }, []string{"notice_running"}},
		{"street_notice open report", StreetNotice, func(f *Facts) { f.OpenReports = 3 }, []string{"open_reports"}},
		{"street_notice running and open report", StreetNotice, func(f *Facts) { f.Today = date("2017-06-20"); f.OpenReports = 1 },
			[]string{"notice_running", "open_reports"}},

		// 12 district_confirm: the district's confirmation recorded.
		{"district_confirm confirmed", DistrictConfirm, none, nil},
		{"district_confirm missing", DistrictConfirm, func(f *Facts) { f.ConfirmationRecorded = false }, []string{"no_confirmation"}},
		{"district_confirm ignores other stages' facts", DistrictConfirm, func(f *Facts) { *f = Facts{Today: f.Today, ConfirmationRecorded: true} }, nil},

		// 13 announced: announcement recorded.
		{"announced recorded", Announced, none, nil},
		{"announced missing", Announced, func(f *Facts) { f.AnnouncementRecorded = false }, []string{"no_announcement"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fullFacts()
			c.mutate(&f)
			got := CanMoveOn(c.stage, specOwner(c.stage), f)
			checkRefusal(t, c.name, got, false, c.want...)
		})
	}
}

// Each stage reads only its own facts: breaking a fact of another stage never
// holds a stage up.
func TestCanMoveOnReadsOnlyOwnFacts(t *testing.T) {
	breakers := map[string]struct {
		stages []Stage // the stages this fact belongs to
		mutate func(*Facts)
	}{
		"groups":        {[]Stage{Analysis}, func(f *Facts) { f.GroupsAnalysed = 0 }},
		"survey":        {[]Stage{Survey}, func(f *Facts) { f.Surveyed = 0 }},
		"discrepancies": {[]Stage{CrossCheck}, func(f *Facts) { f.OpenDiscrepancies = 5 }},
		"removals":      {[]Stage{ExitFirst}, func(f *Facts) { f.RemovalsProposed = 0 }},
		"cases":         {[]Stage{EnterAfter}, func(f *Facts) { f.Proposed = 0 }},
		"meetings":      {[]Stage{PublicReview}, func(f *Facts) { f.PublicMeetings = 0 }},
		"opinions":      {[]Stage{PublicReview}, func(f *Facts) { f.OpenOpinions = 2 }},
		"decision":      {[]Stage{VillageDecision}, func(f *Facts) { f.DecisionRecorded = false }},
		"resolution":    {[]Stage{Representatives}, func(f *Facts) { f.ResolutionRecorded = false }},
		"announcement":  {[]Stage{Announced}, func(f *Facts) { f.AnnouncementRecorded = false }},
		"notice":        {[]Stage{VillageNotice, StreetNotice}, func(f *Facts) { f.NoticePostedOn = localdate.Date{} }},
		"reports":       {[]Stage{VillageNotice, StreetNotice}, func(f *Facts) { f.OpenReports = 1 }},
		"flagged":       {[]Stage{ExitFirst, EnterAfter, PublicReview}, func(f *Facts) { f.Flagged = 1 }},
	}
	for name, b := range breakers {
		for s := First; s < Last; s++ {
			f := fullFacts()
			b.mutate(&f)
			got := CanMoveOn(s, s.Owner(), f)
			if slices.Contains(b.stages, s) {
				if got == nil || got.Forbidden {
					t.Errorf("%s broken, stage %s: %v, want refused (not forbidden)", name, s.Key(), got)
				}
			} else if got != nil {
				t.Errorf("%s broken, stage %s: refused %v, want allowed", name, s.Key(), codes(got))
			}
		}
	}
}

func TestFlaggedBlocksOnlyProposalStages(t *testing.T) {
	for s := First; s < Last; s++ {
		f := fullFacts()
		f.Flagged = 1
		what := fmt.Sprintf("stage %s with a flagged case", s.Key())
		if s >= 4 && s <= 6 {
			checkRefusal(t, what, CanMoveOn(s, specOwner(s), f), false, "flagged_cases")
		} else {
			checkRefusal(t, what, CanMoveOn(s, specOwner(s), f), false)
		}
	}
}

func TestAnalysisNoGroupsMessage(t *testing.T) {
	f := fullFacts()
	f.Groups, f.GroupsAnalysed = 0, 0
	r := CanMoveOn(Analysis, access.CheckTeam, f)
	if r == nil || len(r.Reasons) != 1 || !strings.Contains(r.Reasons[0].Message, "没有村民小组") {
		t.Fatalf("no groups: %v, want one reason saying the village has no groups", r)
	}
	f.Groups, f.GroupsAnalysed = 6, 2
	r = CanMoveOn(Analysis, access.CheckTeam, f)
	if r == nil || !strings.Contains(r.Reasons[0].Message, "4") {
		t.Fatalf("2 of 6 analysed: %v, want the count 4 in the message", r)
	}
}

// The notice period worked example of workflow.md: posted 06-20 → runs 06-20
// to 06-24 → may move on from 06-25.
func TestNoticePeriodWorkedExample(t *testing.T) {
	if NoticeDays != 5 {
		t.Fatalf("NoticeDays = %d, want 5 (公示5天)", NoticeDays)
	}
	posted := date("2017-06-20")
	if got := NoticeRunsUntil(posted); got != date("2017-06-24") {
		t.Errorf("NoticeRunsUntil(06-20) = %s, want 2017-06-24", got)
	}
	if got := NoticeOverOn(posted); got != date("2017-06-25") {
		t.Errorf("NoticeOverOn(06-20) = %s, want 2017-06-25", got)
	}
	for _, stage := range []Stage{VillageNotice, StreetNotice} {
		cases := []struct {
			today   string
			reports int
			want    []string
		}{
			{"2017-06-19", 0, []string{"notice_running"}}, // recorded before it went up: still not over
			{"2017-06-20", 0, []string{"notice_running"}},
			{"2017-06-21", 0, []string{"notice_running"}},
			{"2017-06-23", 0, []string{"notice_running"}},
			{"2017-06-24", 0, []string{"notice_running"}},
			{"2017-06-25", 0, nil},
			{"2017-06-26", 0, nil},
			{"2017-07-10", 0, nil},
			{"2017-06-25", 1, []string{"open_reports"}},
			{"2017-06-24", 1, []string{"notice_running", "open_reports"}},
		}
		for _, c := range cases {
			f := fullFacts()
			f.NoticePostedOn = posted
			f.Today = date(c.today)
			f.OpenReports = c.reports
			what := fmt.Sprintf("%s posted 06-20, today %s, %d open reports", stage.Key(), c.today, c.reports)
			got := CanMoveOn(stage, specOwner(stage), f)
			checkRefusal(t, what, got, false, c.want...)
			if got != nil && got.Reasons[0].Code == "notice_running" {
				msg := got.Reasons[0].Message
				for _, d := range []string{"2017-06-20", "2017-06-24", "2017-06-25"} {
					if !strings.Contains(msg, d) {
						t.Errorf("%s: message %q does not name %s", what, msg, d)
					}
				}
			}
		}
	}
}

func TestNoticeDatesAcrossMonthsAndYears(t *testing.T) {
	cases := []struct{ posted, until, over string }{
		{"2017-06-28", "2017-07-02", "2017-07-03"},
		{"2017-06-26", "2017-06-30", "2017-07-01"},
		{"2017-02-25", "2017-03-01", "2017-03-02"},
		{"2016-02-25", "2016-02-29", "2016-03-01"},
		{"2017-12-30", "2018-01-03", "2018-01-04"},
	}
	for _, c := range cases {
		p := date(c.posted)
		if got := NoticeRunsUntil(p); got != date(c.until) {
			t.Errorf("NoticeRunsUntil(%s) = %s, want %s", c.posted, got, c.until)
		}
		if got := NoticeOverOn(p); got != date(c.over) {
			t.Errorf("NoticeOverOn(%s) = %s, want %s", c.posted, got, c.over)
		}
	}
}

func TestNoticeStage(t *testing.T) {
	for _, s := range someStages() {
		level, ok := NoticeStage(s)
		switch s {
		case 8:
			if !ok || level != "village" {
				t.Errorf("NoticeStage(8) = %q, %v; want village, true", level, ok)
			}
		case 11:
			if !ok || level != "street" {
				t.Errorf("NoticeStage(11) = %q, %v; want street, true", level, ok)
			}
		default:
			if ok || level != "" {
				t.Errorf("NoticeStage(%d) = %q, %v; want \"\", false", s, level, ok)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// 3. Send-back: the full matrix against an independent reading of the spec.

// specSendBackRange: "the street from stages 10–11, the district from stages
// 12–14 … The check team may send its own list back within stages 2–8."
func specSendBackRange(role access.Role) (from, to int, ok bool) {
	switch role {
	case access.CheckTeam:
		return 2, 8, true
	case access.Street:
		return 10, 11, true
	case access.District:
		return 12, 14, true
	}
	return 0, 0, false
}

// expectSendBack: forbidden when the role may not send back from the stage;
// otherwise refused for each of: target not a stage strictly before the
// current one, reason shorter than 2 characters.
func expectSendBack(role access.Role, stage, target int, reason string) (forbidden bool, want []string) {
	from, to, ok := specSendBackRange(role)
	if !ok || stage < from || stage > to {
		return true, []string{"send_back_not_allowed"}
	}
	if target < 1 || target >= stage {
		want = append(want, "invalid_target")
	}
	if utf8.RuneCountInString(reason) < 2 {
		want = append(want, "reason_required")
	}
	return false, want
}

func TestCanSendBackMatrix(t *testing.T) {
	roles := append(slices.Clone(allRoles), "", "root")
	reasons := []string{"", "x", "退", "退回", "ab", "数据有误，重新调查"}
	allowed := 0
	for _, role := range roles {
		for stage := -1; stage <= 16; stage++ {
			for target := -1; target <= 16; target++ {
				for _, reason := range reasons {
					forb, want := expectSendBack(role, stage, target, reason)
					got := CanSendBack(Stage(stage), Stage(target), role, reason)
					what := fmt.Sprintf("%s sends %d back to %d with %q", role, stage, target, reason)
					checkRefusal(t, what, got, forb, want...)
					if got == nil {
						allowed++
					}
				}
			}
		}
	}
	// check team: from 2..8, targets 1..s-1 → 1+2+…+7 = 28; street: 10 → 9,
	// 11 → 10 → 19; district: 12 → 11, 13 → 12, 14 → 13 → 36. 83 pairs, 3
	// good reasons each.
	if want := 83 * 3; allowed != want {
		t.Errorf("%d send-backs allowed, want %d", allowed, want)
	}
}

func TestSendBackRange(t *testing.T) {
	for _, role := range append(slices.Clone(allRoles), "") {
		wf, wt, wok := specSendBackRange(role)
		f, to, ok := SendBackRange(role)
		if ok != wok || (ok && (int(f) != wf || int(to) != wt)) {
			t.Errorf("SendBackRange(%q) = %d, %d, %v; want %d, %d, %v", role, f, to, ok, wf, wt, wok)
		}
	}
}

// Examples named in the spec and the brief, spelled out.
func TestCanSendBackExamples(t *testing.T) {
	cases := []struct {
		name          string
		role          access.Role
		stage, target Stage
		reason        string
		forbidden     bool
		want          []string
	}{
		{"street sends street review back to survey", access.Street, StreetReview, Survey, "入户调查有误", false, nil},
		{"street sends street notice back to analysis", access.Street, StreetNotice, Analysis, "重新分析", false, nil},
		{"district sends recorded back to cross check", access.District, Recorded, CrossCheck, "部门比对新疑点", false, nil},
		{"district sends confirm back to street notice", access.District, DistrictConfirm, StreetNotice, "重新公示", false, nil},
		{"check team sends village notice back to enter after", access.CheckTeam, VillageNotice, EnterAfter, "举报属实", false, nil},
		{"check team sends survey back to analysis", access.CheckTeam, Survey, Analysis, "漏了小组", false, nil},
		{"check team at analysis", access.CheckTeam, Analysis, Analysis, "无处可退", true, []string{"send_back_not_allowed"}},
		{"check team after its list left it", access.CheckTeam, Representatives, Survey, "太晚了", true, []string{"send_back_not_allowed"}},
		{"street before its stages", access.Street, Representatives, Survey, "还没到", true, []string{"send_back_not_allowed"}},
		{"street after its stages", access.Street, DistrictConfirm, Survey, "已经到区", true, []string{"send_back_not_allowed"}},
		{"district before its stages", access.District, StreetNotice, Survey, "还没到", true, []string{"send_back_not_allowed"}},
		{"village officer never", access.VillageOfficer, VillageDecision, Survey, "不同意", true, []string{"send_back_not_allowed"}},
		{"supervisor never", access.Supervisor, StreetReview, Survey, "督查发现", true, []string{"send_back_not_allowed"}},
		{"same stage", access.Street, StreetNotice, StreetNotice, "重新公示", false, []string{"invalid_target"}},
		{"later stage", access.Street, StreetReview, StreetNotice, "跳过", false, []string{"invalid_target"}},
		{"stage zero", access.District, Announced, 0, "退回", false, []string{"invalid_target"}},
		{"no reason", access.District, Announced, Survey, "", false, []string{"reason_required"}},
		{"one character", access.District, Announced, Survey, "错", false, []string{"reason_required"}},
		{"two characters", access.District, Announced, Survey, "错了", false, nil},
		{"bad target and no reason", access.District, Announced, Recorded, "", false, []string{"invalid_target", "reason_required"}},
	}
	for _, c := range cases {
		checkRefusal(t, c.name, CanSendBack(c.stage, c.target, c.role, c.reason), c.forbidden, c.want...)
	}
}

// ---------------------------------------------------------------------------
// 4. Proposals: 先退后进, needs_review, overrides, stages.

var (
	specRemovals   = []string{"remove_wrong", "exit_normal", "dissolve"}
	specInclusions = []string{"include", "reinclude", "continue_support"}
	specRest       = []string{"keep", "keep_exited", "not_eligible"}
)

func TestOutcomeKinds(t *testing.T) {
	for _, o := range specRemovals {
		if !IsRemoval(o) || IsInclusion(o) || !IsChange(o) {
			t.Errorf("%s: IsRemoval=%v IsInclusion=%v IsChange=%v; want true false true", o, IsRemoval(o), IsInclusion(o), IsChange(o))
		}
	}
	for _, o := range specInclusions {
		if IsRemoval(o) || !IsInclusion(o) || !IsChange(o) {
			t.Errorf("%s: IsRemoval=%v IsInclusion=%v IsChange=%v; want false true true", o, IsRemoval(o), IsInclusion(o), IsChange(o))
		}
	}
	for _, o := range append(slices.Clone(specRest), "needs_review", "invalid", "", "INCLUDE") {
		if IsRemoval(o) || IsInclusion(o) || IsChange(o) {
			t.Errorf("%s: IsRemoval=%v IsInclusion=%v IsChange=%v; want all false", o, IsRemoval(o), IsInclusion(o), IsChange(o))
		}
	}
}

func TestCanProposeCases(t *testing.T) {
	accept := func(o string, outstanding int) Proposal {
		return Proposal{Computed: o, Proposed: o, RemovalsOutstanding: outstanding}
	}
	override := func(computed, proposed, reason string, outstanding int) Proposal {
		return Proposal{Computed: computed, Proposed: proposed, Override: true, Reason: reason, RemovalsOutstanding: outstanding}
	}
	type tc struct {
		name  string
		stage Stage
		p     Proposal
		want  []string
	}
	var cases []tc

	// 先退后进: inclusions wait for every removal; removals and the rest do not.
	for _, s := range []Stage{EnterAfter, PublicReview} {
		for _, o := range specInclusions {
			cases = append(cases,
				tc{fmt.Sprintf("%s accept %s, no removal outstanding", s.Key(), o), s, accept(o, 0), nil},
				tc{fmt.Sprintf("%s accept %s, 1 removal outstanding", s.Key(), o), s, accept(o, 1), []string{"exit_first"}},
				tc{fmt.Sprintf("%s accept %s, 3 removals outstanding", s.Key(), o), s, accept(o, 3), []string{"exit_first"}},
				tc{fmt.Sprintf("%s override to %s, removal outstanding", s.Key(), o), s, override("keep", o, "实际收入低于标准", 1), []string{"exit_first"}},
			)
		}
		for _, o := range specRest {
			cases = append(cases, tc{fmt.Sprintf("%s accept %s, removals outstanding", s.Key(), o), s, accept(o, 2), nil})
		}
		for _, o := range specRemovals {
			cases = append(cases, tc{fmt.Sprintf("%s accept %s, removals outstanding", s.Key(), o), s, accept(o, 2), nil})
		}
	}
	// In 先退 only removals, whatever is outstanding.
	for _, o := range specRemovals {
		cases = append(cases,
			tc{"exit_first accept " + o + ", none outstanding", ExitFirst, accept(o, 0), nil},
			tc{"exit_first accept " + o + ", others outstanding", ExitFirst, accept(o, 5), nil},
			tc{"exit_first override to " + o, ExitFirst, override("keep", o, "家庭收入稳定超标", 5), nil},
		)
	}
	for _, o := range specRest {
		cases = append(cases, tc{"exit_first accept " + o, ExitFirst, accept(o, 0), []string{"exit_first"}})
	}
	for _, o := range specInclusions {
		cases = append(cases,
			tc{"exit_first accept " + o + ", none outstanding", ExitFirst, accept(o, 0), []string{"exit_first"}},
			tc{"exit_first accept " + o + ", removals outstanding", ExitFirst, accept(o, 1), []string{"exit_first"}},
		)
	}
	cases = append(cases,
		tc{"exit_first override a removal computed to keep", ExitFirst, override("remove_wrong", "keep", "经核实符合条件", 0), []string{"exit_first"}},

		// needs_review: only by an override with a reason.
		tc{"needs_review accepted as is", EnterAfter, accept("needs_review", 0), []string{"invalid_proposal", "needs_review"}},
		tc{"needs_review proposed as keep without override", EnterAfter,
			Proposal{Computed: "needs_review", Proposed: "keep"}, []string{"not_computed", "needs_review"}},
		tc{"needs_review overridden to keep with a reason", EnterAfter, override("needs_review", "keep", "入户核实，收入稳定", 0), nil},
		tc{"needs_review overridden to include with a reason", EnterAfter, override("needs_review", "include", "入户核实，家庭困难", 0), nil},
		tc{"needs_review overridden to remove in exit_first", ExitFirst, override("needs_review", "remove_wrong", "有财政供养人员", 0), nil},
		tc{"needs_review overridden without a reason", EnterAfter, override("needs_review", "keep", "", 0), []string{"reason_required"}},
		tc{"needs_review overridden with one character", EnterAfter, override("needs_review", "keep", "是", 0), []string{"reason_required"}},
		tc{"needs_review overridden to needs_review", EnterAfter, override("needs_review", "needs_review", "待定", 0), []string{"invalid_proposal"}},
		tc{"invalid computed accepted", EnterAfter, Proposal{Computed: "invalid", Proposed: "invalid"}, []string{"invalid_proposal", "needs_review"}},
		tc{"invalid computed overridden", EnterAfter, override("invalid", "keep", "数据已核实", 0), nil},
		tc{"no computed outcome, proposal without override", EnterAfter, Proposal{Computed: "", Proposed: "keep"}, []string{"not_computed", "needs_review"}},

		// Overrides need a reason of at least two characters.
		tc{"override without reason", EnterAfter, override("keep", "include", "", 0), []string{"reason_required"}},
		tc{"override with one character", EnterAfter, override("keep", "include", "穷", 0), []string{"reason_required"}},
		tc{"override with two characters", EnterAfter, override("keep", "include", "因病", 0), nil},
		tc{"override with two ASCII characters", EnterAfter, override("keep", "not_eligible", "ok", 0), nil},
		tc{"override without reason and removals outstanding", EnterAfter, override("keep", "include", "", 1), []string{"reason_required", "exit_first"}},

		// Accepted proposals equal the computed outcome.
		tc{"accept differing from computed", EnterAfter, Proposal{Computed: "keep", Proposed: "include"}, []string{"not_computed"}},
		tc{"accept differing, with a reason but no override", EnterAfter, Proposal{Computed: "keep", Proposed: "include", Reason: "理由充分"}, []string{"not_computed"}},
		tc{"accept equal with a reason", EnterAfter, Proposal{Computed: "keep", Proposed: "keep", Reason: "无"}, nil},

		// Proposed must be an outcome.
		tc{"empty proposal", EnterAfter, override("keep", "", "理由充分", 0), []string{"invalid_proposal"}},
		tc{"unknown proposal", EnterAfter, override("keep", "remove", "理由充分", 0), []string{"invalid_proposal"}},
		tc{"upper case proposal", EnterAfter, override("keep", "KEEP", "理由充分", 0), []string{"invalid_proposal"}},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkRefusal(t, c.name, CanPropose(c.stage, c.p), false, c.want...)
		})
	}
}

// Proposals are made in stages 4–6 only; elsewhere Forbidden, whatever the
// proposal.
func TestCanProposeStages(t *testing.T) {
	good := []Proposal{
		{Computed: "remove_wrong", Proposed: "remove_wrong"},
		{Computed: "include", Proposed: "include"},
		{Computed: "keep", Proposed: "keep"},
		{Computed: "needs_review", Proposed: "keep", Override: true, Reason: "已核实"},
	}
	for _, s := range someStages() {
		for _, p := range good {
			what := fmt.Sprintf("propose %s at stage %d", p.Proposed, s)
			got := CanPropose(s, p)
			switch {
			case s < 4 || s > 6:
				checkRefusal(t, what, got, true, "not_proposal_stage")
			case s == ExitFirst && !slices.Contains(specRemovals, p.Proposed):
				checkRefusal(t, what, got, false, "exit_first")
			default:
				checkRefusal(t, what, got, false)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// 5. Household editing, posting dates, deadlines, records, notices.

func TestMayEditHousehold(t *testing.T) {
	for _, s := range someStages() {
		want := s >= 2 && s <= 6
		if got := MayEditHousehold(s); got != want {
			t.Errorf("MayEditHousehold(%d) = %v, want %v", s, got, want)
		}
	}
}

func TestPostingDateProblem(t *testing.T) {
	today := date("2017-06-20")
	cases := []struct {
		name   string
		posted localdate.Date
		ok     bool
	}{
		{"today", today, true},
		{"yesterday", date("2017-06-19"), true},
		{"last year", date("2016-06-20"), true},
		{"tomorrow", date("2017-06-21"), false},
		{"next month", date("2017-07-01"), false},
		{"next year", date("2018-01-01"), false},
		{"zero", localdate.Date{}, false},
	}
	for _, c := range cases {
		got := PostingDateProblem(c.posted, today)
		if c.ok && got != "" {
			t.Errorf("%s (%s): %q, want accepted", c.name, c.posted, got)
		}
		if !c.ok && got == "" {
			t.Errorf("%s (%s): accepted, want refused", c.name, c.posted)
		}
		if !c.ok && c.name != "zero" && !strings.Contains(got, "2017-06-20") {
			t.Errorf("%s: message %q does not name today", c.name, got)
		}
	}
}

func TestOverdue(t *testing.T) {
	deadline := date("2017-06-30")
	cases := []struct {
		name     string
		stage    Stage
		deadline localdate.Date
		today    string
		want     bool
	}{
		{"before deadline", VillageNotice, deadline, "2017-06-29", false},
		{"on deadline", VillageNotice, deadline, "2017-06-30", false},
		{"day after deadline", VillageNotice, deadline, "2017-07-01", true},
		{"long after deadline", Analysis, deadline, "2017-09-01", true},
		{"no deadline", Survey, localdate.Date{}, "2017-09-01", false},
		{"announced past", Announced, date("2017-07-20"), "2017-07-21", true},
		{"announced on", Announced, date("2017-07-20"), "2017-07-20", false},
		{"final stage past its date", Recorded, date("2017-07-31"), "2017-12-31", false},
		{"final stage on its date", Recorded, date("2017-07-31"), "2017-07-31", false},
	}
	for _, c := range cases {
		if got := Overdue(c.stage, c.deadline, date(c.today)); got != c.want {
			t.Errorf("%s: Overdue(%s, %s, %s) = %v, want %v", c.name, c.stage.Key(), c.deadline, c.today, got, c.want)
		}
	}
	// Every stage but the last is overdue the day after its deadline.
	for _, st := range specStages {
		want := st.stage != Recorded
		if got := Overdue(st.stage, deadline, date("2017-07-01")); got != want {
			t.Errorf("stage %s a day late: Overdue = %v, want %v", st.key, got, want)
		}
		if Overdue(st.stage, deadline, deadline) {
			t.Errorf("stage %s on its deadline: overdue", st.key)
		}
	}
}

// specRecordStages: the stage each kind of record is kept in (workflow.md's
// "what happens" column).
var specRecordStages = map[RecordKind]Stage{
	"analysis_meeting":  1,
	"survey":            2,
	"party_meeting":     6,
	"villagers_meeting": 6,
	"two_committee":     7,
	"representatives":   9,
	"street_approval":   10,
	"district_decision": 12,
	"announcement":      13,
}

func TestRecordKindStages(t *testing.T) {
	consts := []RecordKind{AnalysisMeeting, SurveyRecord, PartyMeeting, VillagersMeeting, TwoCommittee,
		RepresentativesRes, StreetApproval, DistrictDecision, Announcement}
	if len(consts) != len(specRecordStages) {
		t.Fatalf("%d record kinds, spec table has %d", len(consts), len(specRecordStages))
	}
	for _, k := range consts {
		want, ok := specRecordStages[k]
		if !ok {
			t.Errorf("record kind %q not in the spec table", k)
			continue
		}
		if got, ok := k.Stage(); !ok || got != want {
			t.Errorf("%s.Stage() = %d, %v; want %d, true", k, got, ok, want)
		}
	}
	for _, k := range []RecordKind{"", "notice", "report", "ANNOUNCEMENT"} {
		if s, ok := k.Stage(); ok || s != 0 {
			t.Errorf("%q.Stage() = %d, %v; want 0, false", k, s, ok)
		}
	}
}

func TestCanRecordMatrix(t *testing.T) {
	for k, ks := range specRecordStages {
		owner := specOwner(ks)
		for _, s := range someStages() {
			for _, role := range allRoles {
				what := fmt.Sprintf("record %s at stage %d by %s", k, s, role)
				got := CanRecord(k, s, role)
				switch {
				case role != owner:
					checkRefusal(t, what, got, true, "not_stage_owner")
				case s != ks:
					checkRefusal(t, what, got, false, "wrong_stage")
				default:
					checkRefusal(t, what, got, false)
				}
			}
		}
	}
	for _, k := range []RecordKind{"", "notice", "report"} {
		for _, role := range allRoles {
			checkRefusal(t, fmt.Sprintf("record %q by %s", k, role), CanRecord(k, Analysis, role), true, "invalid_record_kind")
		}
	}
}

func TestCanNoticeMatrix(t *testing.T) {
	for _, s := range someStages() {
		for _, role := range allRoles {
			what := fmt.Sprintf("notice at stage %d by %s", s, role)
			got := CanNotice(s, role)
			switch {
			case s == VillageNotice && role == access.CheckTeam, s == StreetNotice && role == access.Street:
				checkRefusal(t, what, got, false)
			case s == VillageNotice || s == StreetNotice:
				checkRefusal(t, what, got, true, "not_stage_owner")
			default:
				checkRefusal(t, what, got, false, "not_notice_stage")
			}
		}
	}
}

func TestRefusalError(t *testing.T) {
	if got := (&Refusal{}).Error(); got != "refused" {
		t.Errorf("empty refusal: %q", got)
	}
	r := &Refusal{Reasons: []Reason{{"a", "甲"}, {"b", "乙"}}}
	if got := r.Error(); got != "a: 甲" {
		t.Errorf("Error() = %q, want the first reason", got)
	}
}

func TestRoleLabel(t *testing.T) {
	for _, role := range allRoles {
		if RoleLabel(role) == "" {
			t.Errorf("RoleLabel(%s) is empty", role)
		}
	}
	// The owners' labels appear in the not-owner message.
	r := CanMoveOn(StreetReview, access.CheckTeam, fullFacts())
	if r == nil || !strings.Contains(r.Reasons[0].Message, RoleLabel(access.Street)) || !strings.Contains(r.Reasons[0].Message, "街道审定") {
		t.Errorf("not-owner message %v should name the stage and its owner", r)
	}
}
