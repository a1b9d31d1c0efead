// Package workflow is the review procedure of workflow.md as a pure state
// machine: the fourteen stages of a village list, who moves each on and on
// what condition, who may send a list back and where, 先退后进, and notice
// periods. It decides; it stores nothing. The service gathers the Facts of
// a list, asks, and writes the answer in one transaction.
package workflow

import (
	"fmt"
	"strings"

	"jingzhun/internal/access"
	"jingzhun/internal/localdate"
)

// Stage is a stage of a village list, numbered as in workflow.md.
type Stage int

const (
	Analysis        Stage = iota + 1 // 贫情分析
	Survey                           // 实地调查
	CrossCheck                       // 信息数据复核
	ExitFirst                        // 先退
	EnterAfter                       // 后进
	PublicReview                     // 公开评议
	VillageDecision                  // 村两委决定
	VillageNotice                    // 村组公示
	Representatives                  // 村民代表会决议
	StreetReview                     // 街道审定
	StreetNotice                     // 街道公示
	DistrictConfirm                  // 区扶贫办确定
	Announced                        // 公告
	Recorded                         // 录入全国扶贫开发信息系统
)

// First and Last bound the stages.
const (
	First = Analysis
	Last  = Recorded
)

type stageInfo struct {
	key   string
	label string
	owner access.Role
}

var stages = [...]stageInfo{
	Analysis:        {"analysis", "贫情分析", access.CheckTeam},
	Survey:          {"survey", "实地调查", access.CheckTeam},
	CrossCheck:      {"cross_check", "信息数据复核", access.CheckTeam},
	ExitFirst:       {"exit_first", "先退", access.CheckTeam},
	EnterAfter:      {"enter_after", "后进", access.CheckTeam},
	PublicReview:    {"public_review", "公开评议", access.CheckTeam},
	VillageDecision: {"village_decision", "村两委决定", access.VillageOfficer},
	VillageNotice:   {"village_notice", "村组公示", access.CheckTeam},
	Representatives: {"representatives", "村民代表会决议", access.VillageOfficer},
	StreetReview:    {"street_review", "街道审定", access.Street},
	StreetNotice:    {"street_notice", "街道公示", access.Street},
	DistrictConfirm: {"district_confirm", "区扶贫办确定", access.District},
	Announced:       {"announced", "公告", access.District},
	Recorded:        {"recorded", "录入全国扶贫开发信息系统", access.District},
}

// Valid reports whether s is one of the fourteen stages.
func (s Stage) Valid() bool { return s >= First && s <= Last }

// Key is the stable English key (API, database).
func (s Stage) Key() string {
	if !s.Valid() {
		return ""
	}
	return stages[s].key
}

// Label is the Chinese name.
func (s Stage) Label() string {
	if !s.Valid() {
		return ""
	}
	return stages[s].label
}

// Owner is the role that works in the stage and moves it on.
func (s Stage) Owner() access.Role {
	if !s.Valid() {
		return ""
	}
	return stages[s].owner
}

// All lists the stages in order.
func All() []Stage {
	out := make([]Stage, 0, Last)
	for s := First; s <= Last; s++ {
		out = append(out, s)
	}
	return out
}

// ParseStage reads a stage key.
func ParseStage(key string) (Stage, bool) {
	for s := First; s <= Last; s++ {
		if stages[s].key == key {
			return s, true
		}
	}
	return 0, false
}

// Reason says why a move is refused. Code is stable (the SPA and tests rely
// on it); Message is Chinese and says what to do.
type Reason struct {
	Code    string
	Message string
}

// Refusal is a refused move: the role may not (Forbidden) or the list is not
// ready (Reasons holds every unmet condition, so a clerk sees all at once).
type Refusal struct {
	Forbidden bool
	Reasons   []Reason
}

func (r *Refusal) Error() string {
	if len(r.Reasons) == 0 {
		return "refused"
	}
	return r.Reasons[0].Code + ": " + r.Reasons[0].Message
}

func forbidden(code, msg string) *Refusal {
	return &Refusal{Forbidden: true, Reasons: []Reason{{code, msg}}}
}

// Facts are what the service knows about a list when it asks; each stage's
// condition reads only the facts it needs.
type Facts struct {
	Today localdate.Date

	Groups, GroupsAnalysed int // village groups; those covered by an analysis meeting
	Households, Surveyed   int // households of the village; those with a survey record
	OpenDiscrepancies      int

	RemovalCases, RemovalsProposed int // cases to remove; of those, proposed and not flagged
	Cases, Proposed                int // all cases; proposed and not flagged
	Flagged                        int // cases whose computed outcome changed under the proposal

	PublicMeetings, OpenOpinions int // 党员会/村民会 recorded; opinions not yet answered

	DecisionRecorded     bool // 村两委决定
	ApprovalRecorded     bool // 街道审定意见
	ConfirmationRecorded bool // 区扶贫办确定
	ResolutionRecorded   bool // 村民代表会决议
	AnnouncementRecorded bool // 公告

	// NoticePostedOn is the posting date of the current notice of the
	// stage's level (village or street), zero when none is posted.
	NoticePostedOn localdate.Date
	OpenReports    int
}

// NoticeDays is the notice period (公示5天).
const NoticeDays = 5

// NoticeRunsUntil is the last day of a notice posted on posted: D to D+4.
func NoticeRunsUntil(posted localdate.Date) localdate.Date { return posted.AddDays(NoticeDays - 1) }

// NoticeOverOn is the first day the list may move on: D+5.
func NoticeOverOn(posted localdate.Date) localdate.Date { return posted.AddDays(NoticeDays) }

// PostingDateProblem says what is wrong with a posting date: it is the real
// date the notice went up, today or earlier.
func PostingDateProblem(posted, today localdate.Date) string {
	switch {
	case posted.IsZero():
		return "请填写张贴日期"
	case posted.After(today):
		return fmt.Sprintf("张贴日期是公示实际张贴的日期，不能晚于今天（%s）", today)
	}
	return ""
}

// NoticeStage reports whether the stage is a notice stage, and its level.
func NoticeStage(s Stage) (level string, ok bool) {
	switch s {
	case VillageNotice:
		return "village", true
	case StreetNotice:
		return "street", true
	}
	return "", false
}

// CanMoveOn decides whether role may move a list on from stage given the
// facts. Scope is the service's to check (out of scope is 404 before this).
func CanMoveOn(stage Stage, role access.Role, f Facts) *Refusal {
	if !stage.Valid() {
		return forbidden("invalid_stage", "未知的阶段")
	}
	if stage == Last {
		return forbidden("final_stage", "名单已录入全国扶贫开发信息系统，这是最后一个阶段；数据可再次导出")
	}
	if role != stage.Owner() {
		return forbidden("not_stage_owner", fmt.Sprintf("「%s」阶段由%s推进", stage.Label(), RoleLabel(stage.Owner())))
	}
	var r []Reason
	unmet := func(ok bool, code, msg string) {
		if !ok {
			r = append(r, Reason{code, msg})
		}
	}
	switch stage {
	case Analysis:
		unmet(f.Groups > 0 && f.GroupsAnalysed >= f.Groups, "groups_not_analysed",
			fmt.Sprintf("还有 %d 个村民小组未召开贫情分析会", max(f.Groups-f.GroupsAnalysed, 0)))
		if f.Groups == 0 {
			r[len(r)-1].Message = "本村没有村民小组，无法完成贫情分析；请先维护村民小组"
		}
	case Survey:
		unmet(f.Surveyed >= f.Households, "households_not_surveyed",
			fmt.Sprintf("还有 %d 户未完成入户调查", f.Households-f.Surveyed))
	case CrossCheck:
		unmet(f.OpenDiscrepancies == 0, "open_discrepancies",
			fmt.Sprintf("还有 %d 条部门比对疑点未处理", f.OpenDiscrepancies))
	case ExitFirst:
		unmet(f.RemovalsProposed >= f.RemovalCases, "removals_not_proposed",
			fmt.Sprintf("还有 %d 户应退出户未提出意见（先退后进）", f.RemovalCases-f.RemovalsProposed))
	case EnterAfter:
		unmet(f.Proposed >= f.Cases, "cases_not_proposed",
			fmt.Sprintf("还有 %d 户未提出意见", f.Cases-f.Proposed))
	case PublicReview:
		unmet(f.PublicMeetings > 0, "no_public_meeting", "请先登记党员会或村民会")
		unmet(f.OpenOpinions == 0, "opinions_unanswered",
			fmt.Sprintf("还有 %d 条群众意见未核实反馈", f.OpenOpinions))
	case VillageDecision:
		unmet(f.DecisionRecorded, "no_decision", "请先登记村两委决定")
	case Representatives:
		unmet(f.ResolutionRecorded, "no_resolution", "请先登记村民代表会决议")
	case StreetReview:
		unmet(f.ApprovalRecorded, "no_approval", "请先登记街道审定意见")
	case DistrictConfirm:
		unmet(f.ConfirmationRecorded, "no_confirmation", "请先登记区扶贫办确定意见")
	case VillageNotice, StreetNotice:
		if f.NoticePostedOn.IsZero() {
			unmet(false, "notice_not_posted", "请先登记公示张贴（日期、地点、照片）")
		} else {
			over := NoticeOverOn(f.NoticePostedOn)
			unmet(!f.Today.Before(over), "notice_running",
				fmt.Sprintf("公示期为 %s 至 %s，%s 起方可进入下一阶段", f.NoticePostedOn, NoticeRunsUntil(f.NoticePostedOn), over))
		}
		unmet(f.OpenReports == 0, "open_reports", fmt.Sprintf("还有 %d 件举报未调查核实", f.OpenReports))
	case Announced:
		unmet(f.AnnouncementRecorded, "no_announcement", "请先登记公告（日期、地点）")
	}
	// Flagged cases hold the proposal stages (4–6): the new computed outcome
	// must be accepted or the proposal kept with a reason first. From stage 7
	// on a case changes only by a send-back or an upheld report.
	if stage >= ExitFirst && stage <= PublicReview && f.Flagged > 0 {
		r = append(r, Reason{"flagged_cases", fmt.Sprintf("有 %d 户数据变化后测算结果改变，请先确认或说明保持原意见的理由", f.Flagged)})
	}
	if len(r) > 0 {
		return &Refusal{Reasons: r}
	}
	return nil
}

// SendBackRange is the stages from which role may send a list back; ok is
// false when the role may never send back.
func SendBackRange(role access.Role) (from, to Stage, ok bool) {
	switch role {
	case access.CheckTeam:
		return Survey, VillageNotice, true
	case access.Street:
		return StreetReview, StreetNotice, true
	case access.District:
		return DistrictConfirm, Recorded, true
	}
	return 0, 0, false
}

// CanSendBack decides whether role may send a list at stage back to target.
func CanSendBack(stage, target Stage, role access.Role, reason string) *Refusal {
	from, to, ok := SendBackRange(role)
	if !ok {
		return forbidden("send_back_not_allowed", RoleLabel(role)+"不能退回名单")
	}
	if stage < from || stage > to {
		return forbidden("send_back_not_allowed", fmt.Sprintf("%s只能在「%s」至「%s」阶段退回名单", RoleLabel(role), from.Label(), to.Label()))
	}
	var r []Reason
	if !target.Valid() || target >= stage {
		r = append(r, Reason{"invalid_target", "只能退回到当前阶段之前的某个阶段"})
	}
	if len([]rune(strings.TrimSpace(reason))) < 2 {
		r = append(r, Reason{"reason_required", "请写明退回原因"})
	}
	if len(r) > 0 {
		return &Refusal{Reasons: r}
	}
	return nil
}

// MayEditHousehold reports whether household data may be edited while the
// village list is at stage: stages 2–6. From 7 on a case changes only through
// a send-back or an upheld report.
func MayEditHousehold(s Stage) bool { return s >= Survey && s <= PublicReview }

// Outcome kinds for 先退后进.
var (
	removals   = map[string]bool{"remove_wrong": true, "exit_normal": true, "dissolve": true}
	inclusions = map[string]bool{"include": true, "reinclude": true, "continue_support": true}
	proposable = map[string]bool{"include": true, "not_eligible": true, "keep": true, "remove_wrong": true,
		"exit_normal": true, "dissolve": true, "reinclude": true, "continue_support": true, "keep_exited": true}
)

// Removals are the outcomes 先退 proposes first; Changes are the outcomes
// that change the register (the ones a notice lists). Fresh slices, for
// queries.
func Removals() []string { return []string{"remove_wrong", "exit_normal", "dissolve"} }

// Changes lists the removals and the inclusions.
func Changes() []string {
	return append(Removals(), "include", "reinclude", "continue_support")
}

// IsRemoval reports whether an outcome removes a household from the register.
func IsRemoval(outcome string) bool { return removals[outcome] }

// IsInclusion reports whether an outcome includes or supports a household.
func IsInclusion(outcome string) bool { return inclusions[outcome] }

// IsChange reports whether an outcome changes the register (it goes on a notice).
func IsChange(outcome string) bool { return removals[outcome] || inclusions[outcome] }

// Proposal is a proposal being made on a case.
type Proposal struct {
	Computed string // the case's computed outcome now
	Proposed string // what goes on the list
	Override bool   // not the computed outcome: needs a reason
	Reason   string
	// RemovalsOutstanding counts the village's removal cases not yet
	// proposed, other than this one (先退后进).
	RemovalsOutstanding int
}

// CanPropose decides whether a check team may make a proposal at stage.
// Proposals are made in 先退 (removals only), 后进 and 公开评议.
func CanPropose(stage Stage, p Proposal) *Refusal {
	if stage < ExitFirst || stage > PublicReview {
		return forbidden("not_proposal_stage", "只能在「先退」「后进」「公开评议」阶段提出意见；名单已过此阶段的，须先退回")
	}
	var r []Reason
	if !proposable[p.Proposed] {
		r = append(r, Reason{"invalid_proposal", "请选择一个有效的处理意见"})
	}
	if p.Override && len([]rune(strings.TrimSpace(p.Reason))) < 2 {
		r = append(r, Reason{"reason_required", "与测算结果不同的意见须写明理由"})
	}
	if !p.Override && p.Computed != p.Proposed {
		r = append(r, Reason{"not_computed", "采纳测算结果时意见须与测算结果一致"})
	}
	if !p.Override && (p.Computed == "needs_review" || p.Computed == "invalid" || p.Computed == "") {
		r = append(r, Reason{"needs_review", "该户数据不全，测算结果为「需复核」；请先补全数据，或另提意见并写明理由"})
	}
	if stage == ExitFirst && !IsRemoval(p.Proposed) {
		r = append(r, Reason{"exit_first", "「先退」阶段只提出退出意见；其余意见在「后进」阶段提出"})
	}
	if stage != ExitFirst && IsInclusion(p.Proposed) && p.RemovalsOutstanding > 0 {
		r = append(r, Reason{"exit_first", fmt.Sprintf("先退后进：本村还有 %d 户应退出户未提出意见", p.RemovalsOutstanding)})
	}
	if len(r) > 0 {
		return &Refusal{Reasons: r}
	}
	return nil
}

// Overdue reports whether a list at stage is past its deadline. The last
// stage has none: its date is when entry opens.
func Overdue(stage Stage, deadline, today localdate.Date) bool {
	return stage != Last && !deadline.IsZero() && today.After(deadline)
}

// RecordKind is a kind of record kept on a list: meetings, the survey, the
// decisions, notices and the announcement.
type RecordKind string

const (
	AnalysisMeeting    RecordKind = "analysis_meeting"  // 贫情分析会
	SurveyRecord       RecordKind = "survey"            // 入户调查
	PartyMeeting       RecordKind = "party_meeting"     // 党员会
	VillagersMeeting   RecordKind = "villagers_meeting" // 村民会
	TwoCommittee       RecordKind = "two_committee"     // 村两委决定
	RepresentativesRes RecordKind = "representatives"   // 村民代表会决议
	StreetApproval     RecordKind = "street_approval"   // 街道审定意见
	DistrictDecision   RecordKind = "district_decision" // 区扶贫办确定
	Announcement       RecordKind = "announcement"      // 公告
)

var recordStages = map[RecordKind]Stage{
	AnalysisMeeting: Analysis, SurveyRecord: Survey, PartyMeeting: PublicReview, VillagersMeeting: PublicReview,
	TwoCommittee: VillageDecision, RepresentativesRes: Representatives, StreetApproval: StreetReview,
	DistrictDecision: DistrictConfirm, Announcement: Announced,
}

// RecordStage is the stage a kind of record belongs to.
func (k RecordKind) Stage() (Stage, bool) {
	s, ok := recordStages[k]
	return s, ok
}

// CanRecord decides whether role may add a record of kind to a list at stage:
// in the record's own stage, by that stage's owner.
func CanRecord(k RecordKind, stage Stage, role access.Role) *Refusal {
	s, ok := k.Stage()
	if !ok {
		return forbidden("invalid_record_kind", "未知的记录类型")
	}
	if role != s.Owner() {
		return forbidden("not_stage_owner", fmt.Sprintf("该记录由%s登记", RoleLabel(s.Owner())))
	}
	if stage != s {
		return &Refusal{Reasons: []Reason{{"wrong_stage", fmt.Sprintf("该记录在「%s」阶段登记，名单现在处于「%s」阶段", s.Label(), stage.Label())}}}
	}
	return nil
}

// CanNotice decides whether role may post a notice or record a report or an
// investigation on a list at stage: the notice stage's owner, in that stage.
func CanNotice(stage Stage, role access.Role) *Refusal {
	if _, ok := NoticeStage(stage); !ok {
		return &Refusal{Reasons: []Reason{{"not_notice_stage", "名单不在公示阶段（村组公示或街道公示）"}}}
	}
	if role != stage.Owner() {
		return forbidden("not_stage_owner", fmt.Sprintf("「%s」由%s负责", stage.Label(), RoleLabel(stage.Owner())))
	}
	return nil
}

// RoleLabel is a role's Chinese name for messages.
func RoleLabel(r access.Role) string {
	switch r {
	case access.VillageOfficer:
		return "村信息员"
	case access.CheckTeam:
		return "核查组"
	case access.Street:
		return "街道"
	case access.District:
		return "区扶贫办"
	case access.Department:
		return "行业部门"
	case access.Supervisor:
		return "督查"
	}
	return string(r)
}
