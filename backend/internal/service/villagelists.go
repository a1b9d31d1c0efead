package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// VillageLists runs the review procedure (workflow.md): the village lists of
// a campaign, their moves and send-backs, cases and proposals, records,
// notices and reports. The pure workflow package decides every move; this
// service gathers the facts, asks, and writes the answer and its audit
// record in one transaction.
type VillageLists struct {
	store *store.Store
	audit *AuditLog
	limit int64 // largest file in bytes
	now   func() time.Time
}

// NewVillageLists builds the service; limit is the largest attachment in bytes.
func NewVillageLists(st *store.Store, a *AuditLog, limit int64, now func() time.Time) *VillageLists {
	return &VillageLists{store: st, audit: a, limit: limit, now: now}
}

func (s *VillageLists) today() localdate.Date { return localdate.Today(s.now()) }

// refused turns a workflow refusal into the API's error: a role that may not
// is forbidden; unmet conditions are a conflict whose details list them.
func refused(r *workflow.Refusal) error {
	if r == nil {
		return nil
	}
	msgs := make([]string, len(r.Reasons))
	ds := make([]apperr.Detail, len(r.Reasons))
	for i, x := range r.Reasons {
		msgs[i], ds[i] = x.Message, apperr.Detail{Field: x.Code, Message: x.Message}
	}
	if r.Forbidden {
		e := apperr.New(apperr.Forbidden, strings.Join(msgs, "；"))
		e.Details = ds
		return e
	}
	e := apperr.New(apperr.ConditionUnmet, strings.Join(msgs, "；"))
	e.Details = ds
	return e
}

// ListSummary is a list on the board.
type ListSummary struct {
	store.VillageListRow
	Deadline    localdate.Date
	Overdue     bool
	Counts      store.ListCaseCounts
	OpenReports int
}

// Board lists a campaign's village lists in the caller's scope with their
// stage, deadline, overdue flag and case figures.
func (s *VillageLists) Board(ctx context.Context, actor access.Actor, campaignID int64, f store.VillageListFilter) ([]ListSummary, error) {
	if _, err := s.campaign(ctx, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.store.VillageLists(ctx, actor.Scope, campaignID, f)
	if err != nil {
		return nil, apperr.Wrap(err, "village lists")
	}
	due, err := s.store.CampaignDeadlines(ctx, campaignID)
	if err != nil {
		return nil, apperr.Wrap(err, "deadlines")
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	counts, err := s.store.CaseCountsByList(ctx, campaignID, ids)
	if err != nil {
		return nil, apperr.Wrap(err, "case counts")
	}
	reports, err := s.store.OpenReportCounts(ctx, ids)
	if err != nil {
		return nil, apperr.Wrap(err, "report counts")
	}
	today := s.today()
	out := make([]ListSummary, len(rows))
	for i, r := range rows {
		d := due[r.Stage]
		out[i] = ListSummary{VillageListRow: r, Deadline: d, Overdue: workflow.Overdue(workflow.Stage(r.Stage), d, today),
			Counts: counts[r.ID], OpenReports: reports[r.ID]}
	}
	return out, nil
}

func (s *VillageLists) campaign(ctx context.Context, id int64) (*store.Campaign, error) {
	c, err := s.store.CampaignByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CaseView is a case with its computed outcome, proposal and flag.
type CaseView = store.CaseRow

// ListDetail is everything the village list page shows.
type ListDetail struct {
	List      store.VillageListRow
	Campaign  store.Campaign
	Deadline  localdate.Date
	Overdue   bool
	Facts     workflow.Facts
	MoveOn    *workflow.Refusal // nil: the caller may move the list on now
	SendBack  []workflow.Stage  // stages the caller may send the list back to
	Cases     []CaseView
	Counts    store.ListCaseCounts // of Cases, as the board counts them
	Groups    []store.VillageGroup
	Records   []store.ListRecord
	Opinions  []store.RecordOpinion
	Files     []store.ListFile
	Notices   []store.Notice
	Reports   []store.Report
	Events    []store.ListEvent
	CanRecord map[workflow.RecordKind]bool
	CanNotice bool
	CanCase   bool // the caller may make proposals now
}

// Get reads a list in the caller's scope with its cases and records.
func (s *VillageLists) Get(ctx context.Context, actor access.Actor, id int64) (*ListDetail, error) {
	var d ListDetail
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.VillageListByID(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if _, err := s.store.SyncCases(ctx, &l.VillageList); err != nil {
			return err
		}
		c, err := s.campaign(ctx, l.CampaignID)
		if err != nil {
			return err
		}
		d.List, d.Campaign = *l, *c
		due, err := s.store.CampaignDeadlines(ctx, c.ID)
		if err != nil {
			return err
		}
		stage := workflow.Stage(l.Stage)
		d.Deadline = due[l.Stage]
		d.Overdue = workflow.Overdue(stage, d.Deadline, s.today())
		if d.Facts, err = s.facts(ctx, c, &l.VillageList); err != nil {
			return err
		}
		d.MoveOn = workflow.CanMoveOn(stage, actor.Role, d.Facts)
		for t := workflow.First; t < stage; t++ {
			if workflow.CanSendBack(stage, t, actor.Role, "理由") == nil {
				d.SendBack = append(d.SendBack, t)
			}
		}
		d.CanRecord = map[workflow.RecordKind]bool{}
		for _, k := range recordKinds {
			d.CanRecord[k] = workflow.CanRecord(k, stage, actor.Role) == nil
		}
		d.CanNotice = workflow.CanNotice(stage, actor.Role) == nil
		// Proposals are the check team's, in 先退, 后进 and 公开评议 (which
		// proposals a stage takes is the workflow's to say, case by case).
		d.CanCase = actor.Role == access.CheckTeam && stage >= workflow.ExitFirst && stage <= workflow.PublicReview
		if d.Cases, err = s.store.Cases(ctx, &l.VillageList, store.CaseFilter{}); err != nil {
			return err
		}
		d.Counts = store.ListCaseCounts{ListID: l.ID, Cases: len(d.Cases)}
		for _, cs := range d.Cases {
			if cs.Proposal != "" && !cs.Flagged {
				d.Counts.Proposed++
			}
			if cs.Flagged {
				d.Counts.Flagged++
			}
			if workflow.IsChange(cs.Proposal) {
				d.Counts.Changes++
			}
		}
		if d.Groups, err = s.store.VillageGroups(ctx, l.VillageCode); err != nil {
			return err
		}
		if d.Records, err = s.store.ListRecords(ctx, id); err != nil {
			return err
		}
		if d.Opinions, err = s.store.Opinions(ctx, id); err != nil {
			return err
		}
		if d.Files, err = s.store.ListFiles(ctx, id); err != nil {
			return err
		}
		if d.Notices, err = s.store.Notices(ctx, id); err != nil {
			return err
		}
		if d.Reports, err = s.store.Reports(ctx, id); err != nil {
			return err
		}
		d.Events, err = s.store.ListEvents(ctx, id)
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err, "village list")
	}
	return &d, nil
}

var recordKinds = []workflow.RecordKind{workflow.AnalysisMeeting, workflow.SurveyRecord, workflow.PartyMeeting,
	workflow.VillagersMeeting, workflow.TwoCommittee, workflow.RepresentativesRes, workflow.StreetApproval,
	workflow.DistrictDecision, workflow.Announcement}

// facts gathers what the stage conditions read.
func (s *VillageLists) facts(ctx context.Context, c *store.Campaign, l *store.VillageList) (workflow.Facts, error) {
	f := workflow.Facts{Today: s.today()}
	var err error
	if f.Groups, err = s.store.CountGroups(ctx, l.VillageCode); err != nil {
		return f, err
	}
	if f.GroupsAnalysed, err = s.store.CountRecordedDistinct(ctx, l.ID, string(workflow.AnalysisMeeting), "group_id", l.VillageCode); err != nil {
		return f, err
	}
	if f.Households, err = s.store.CountLiveHouseholds(ctx, l.VillageCode); err != nil {
		return f, err
	}
	if f.Surveyed, err = s.store.CountRecordedDistinct(ctx, l.ID, string(workflow.SurveyRecord), "household_id", l.VillageCode); err != nil {
		return f, err
	}
	open, err := s.store.OpenDiscrepancies(ctx, c.ID, l.VillageCode)
	if err != nil {
		return f, err
	}
	f.OpenDiscrepancies = int(open)
	cc, err := s.store.CountCases(ctx, l)
	if err != nil {
		return f, err
	}
	f.Cases, f.Proposed, f.RemovalCases, f.RemovalsProposed, f.Flagged = cc.Cases, cc.Proposed, cc.RemovalCases, cc.RemovalsProposed, cc.Flagged
	if f.PublicMeetings, err = s.store.CountRecords(ctx, l.ID, string(workflow.PartyMeeting), string(workflow.VillagersMeeting)); err != nil {
		return f, err
	}
	if f.OpenOpinions, err = s.store.CountOpenOpinions(ctx, l.ID); err != nil {
		return f, err
	}
	for kind, recorded := range map[workflow.RecordKind]*bool{workflow.TwoCommittee: &f.DecisionRecorded,
		workflow.RepresentativesRes: &f.ResolutionRecorded, workflow.StreetApproval: &f.ApprovalRecorded,
		workflow.DistrictDecision: &f.ConfirmationRecorded, workflow.Announcement: &f.AnnouncementRecorded} {
		n, err := s.store.CountRecords(ctx, l.ID, string(kind))
		if err != nil {
			return f, err
		}
		*recorded = n > 0
	}
	if level, ok := workflow.NoticeStage(workflow.Stage(l.Stage)); ok {
		nt, err := s.store.CurrentNotice(ctx, l.ID, level)
		if err != nil {
			return f, err
		}
		if nt != nil {
			f.NoticePostedOn = nt.PostedOn
		}
		if f.OpenReports, err = s.store.CountOpenReports(ctx, l.ID, level); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Move is a request to move a list on or send it back. Version is the
// list's version the caller saw: a list moved meanwhile is a conflict.
type Move struct {
	ListID  int64
	Version int64
	Target  workflow.Stage // send-back only
	Reason  string         // send-back: required; move on: an optional note
}

// loadForChange reads a list in scope for a change, checking the version
// the caller saw when one is given.
func (s *VillageLists) loadForChange(ctx context.Context, actor access.Actor, id, version int64) (*store.VillageListRow, *store.Campaign, error) {
	l, err := s.store.VillageListByID(ctx, actor.Scope, id)
	if err != nil {
		return nil, nil, err
	}
	if version != 0 && l.Version != version {
		return nil, nil, apperr.New(apperr.VersionConflict, fmt.Sprintf("名单刚被他人修改（现在处于「%s」阶段），请刷新后再操作", workflow.Stage(l.Stage).Label()))
	}
	c, err := s.campaign(ctx, l.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	if !c.Active {
		return nil, nil, apperr.New(apperr.Conflict, "该批次已结束，名单不能再修改")
	}
	return l, c, nil
}

// MoveOn moves a list to its next stage when the caller's role owns the
// stage and its condition holds.
func (s *VillageLists) MoveOn(ctx context.Context, actor access.Actor, m Move) (*store.VillageList, error) {
	var out store.VillageList
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, c, err := s.loadForChange(ctx, actor, m.ListID, m.Version)
		if err != nil {
			return err
		}
		if _, err := s.store.SyncCases(ctx, &l.VillageList); err != nil {
			return err
		}
		f, err := s.facts(ctx, c, &l.VillageList)
		if err != nil {
			return err
		}
		from := workflow.Stage(l.Stage)
		if err := refused(workflow.CanMoveOn(from, actor.Role, f)); err != nil {
			return err
		}
		at := s.now().UTC()
		if err := s.store.SetListStage(ctx, &l.VillageList, int(from+1), actor.Username, at); err != nil {
			return err
		}
		note := truncate(strings.TrimSpace(m.Reason), 500)
		if err := s.store.AddListEvent(ctx, &store.ListEvent{ListID: l.ID, Kind: "moved", FromStage: int(from), ToStage: int(from + 1),
			Reason: note, Actor: actor.Username, ActorRole: string(actor.Role), At: at}); err != nil {
			return err
		}
		out = l.VillageList
		return s.audit.Record(ctx, actor, Entry{Action: "village_list.move_on", ObjectType: "village_list", ObjectID: strconv.FormatInt(l.ID, 10),
			Changes: []Change{{Field: "stage", Before: from.Key(), After: (from + 1).Key()}}, Reason: note})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "move list on")
	}
	return &out, nil
}

// SendBack sends a list back to an earlier stage with a reason; the records
// and notices of the stages after the target are voided, to be done again.
func (s *VillageLists) SendBack(ctx context.Context, actor access.Actor, m Move) (*store.VillageList, error) {
	var out store.VillageList
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, m.ListID, m.Version)
		if err != nil {
			return err
		}
		from := workflow.Stage(l.Stage)
		reason := strings.TrimSpace(m.Reason)
		if err := refused(workflow.CanSendBack(from, m.Target, actor.Role, reason)); err != nil {
			return err
		}
		at := s.now().UTC()
		if err := s.store.SetListStage(ctx, &l.VillageList, int(m.Target), actor.Username, at); err != nil {
			return err
		}
		if err := s.store.VoidRecordsAfter(ctx, l.ID, int(m.Target)); err != nil {
			return err
		}
		if _, err := s.store.SupersedeNotices(ctx, l.ID, "名单退回到「"+m.Target.Label()+"」", at); err != nil {
			return err
		}
		reason = truncate(reason, 500)
		if err := s.store.AddListEvent(ctx, &store.ListEvent{ListID: l.ID, Kind: "sent_back", FromStage: int(from), ToStage: int(m.Target),
			Reason: reason, Actor: actor.Username, ActorRole: string(actor.Role), At: at}); err != nil {
			return err
		}
		out = l.VillageList
		return s.audit.Record(ctx, actor, Entry{Action: "village_list.send_back", ObjectType: "village_list", ObjectID: strconv.FormatInt(l.ID, 10),
			Changes: []Change{{Field: "stage", Before: from.Key(), After: m.Target.Key()}}, Reason: reason})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "send list back")
	}
	return &out, nil
}

// ProposalInput is a check team's proposal on a case: accept the computed
// outcome (Accept) or override it with a reason; or, on a flagged case,
// keep the proposal with a reason (Keep).
type ProposalInput struct {
	CaseID   int64
	Version  int64
	Accept   bool
	Keep     bool
	Proposal string
	Reason   string
}

// Propose records a proposal on a case.
func (s *VillageLists) Propose(ctx context.Context, actor access.Actor, in ProposalInput) (*store.ReviewCase, error) {
	var out store.ReviewCase
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, l, err := s.store.CaseByID(ctx, actor.Scope, in.CaseID)
		if err != nil {
			return err
		}
		if in.Version != 0 && c.Version != in.Version {
			return apperr.New(apperr.VersionConflict, "该户的意见刚被他人修改，请刷新后再操作")
		}
		camp, err := s.campaign(ctx, l.CampaignID)
		if err != nil {
			return err
		}
		if !camp.Active {
			return apperr.New(apperr.Conflict, "该批次已结束，名单不能再修改")
		}
		if actor.Role != access.CheckTeam {
			return apperr.New(apperr.Forbidden, "处理意见由核查组提出")
		}
		o, err := s.store.OutcomeOf(ctx, c.HouseholdID, c.CampaignID)
		if err != nil {
			return err
		}
		computed := ""
		if o != nil {
			computed = o.Outcome
		}
		stage := workflow.Stage(l.Stage)
		before := *c
		reason := truncate(strings.TrimSpace(in.Reason), 1000)
		at := s.now().UTC()
		if in.Keep {
			if !c.Flagged {
				return apperr.New(apperr.Conflict, "该户没有待确认的测算变化")
			}
			if stage < workflow.ExitFirst || stage > workflow.PublicReview {
				return refused(workflow.CanPropose(stage, workflow.Proposal{}))
			}
			if len([]rune(reason)) < 2 {
				return apperr.Invalid(apperr.Detail{Field: "reason", Message: "保持原意见须写明理由"})
			}
			c.Flagged, c.KeepReason, c.ProposalBasis = false, reason, computed
		} else {
			proposal := in.Proposal
			if in.Accept {
				proposal = computed
			}
			outstanding, err := s.removalsOutstanding(ctx, &l.VillageList, c.ID)
			if err != nil {
				return err
			}
			if err := refused(workflow.CanPropose(stage, workflow.Proposal{Computed: computed, Proposed: proposal,
				Override: !in.Accept, Reason: reason, RemovalsOutstanding: outstanding})); err != nil {
				return err
			}
			why := ""
			if !in.Accept {
				why = reason
			}
			setProposal(c, proposal, computed, !in.Accept, why, actor.Username, at)
		}
		if err := s.store.SaveCase(ctx, c, at); err != nil {
			return err
		}
		if err := s.caseChanged(ctx, &l.VillageList, at); err != nil {
			return err
		}
		out = *c
		action := "case.propose"
		if in.Keep {
			action = "case.keep_proposal"
		} else if !in.Accept {
			action = "case.override"
		}
		return s.audit.Record(ctx, actor, Entry{Action: action, ObjectType: "case", ObjectID: strconv.FormatInt(c.ID, 10),
			Changes: []Change{{Field: "proposal", Before: before.Proposal, After: c.Proposal}, {Field: "computed", After: computed}}, Reason: reason})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "propose")
	}
	return &out, nil
}

// BatchInput proposes on many cases of one list at once: accept the
// computed outcome of each, or the same override with one reason.
type BatchInput struct {
	ListID   int64
	CaseIDs  []int64
	Accept   bool
	Proposal string
	Reason   string
}

// BatchResult says what a batch did: the cases proposed, and for each case
// refused, why (the rest of the batch still goes through).
type BatchResult struct {
	Proposed int
	Refused  []BatchRefusal
}

// BatchRefusal is a case a batch could not propose on.
type BatchRefusal struct {
	CaseID  int64
	Message string
}

// ProposeBatch proposes on each case in turn, removal cases first so that
// one batch can take a village through 先退后进. Each case is its own
// proposal (own audit record); a refused case does not stop the others.
func (s *VillageLists) ProposeBatch(ctx context.Context, actor access.Actor, in BatchInput) (*BatchResult, error) {
	l, err := s.store.VillageListByID(ctx, actor.Scope, in.ListID)
	if err != nil {
		return nil, err
	}
	if len(in.CaseIDs) == 0 || len(in.CaseIDs) > 5000 {
		return nil, apperr.Invalid(apperr.Detail{Field: "case_ids", Message: "请选择要提出意见的户（一次最多5000户）"})
	}
	cases, err := s.store.Cases(ctx, &l.VillageList, store.CaseFilter{IDs: uniqueIDs(in.CaseIDs)})
	if err != nil {
		return nil, apperr.Wrap(err, "cases")
	}
	if len(cases) != len(uniqueIDs(in.CaseIDs)) {
		return nil, apperr.Invalid(apperr.Detail{Field: "case_ids", Message: "所选的户不在本村名单上"})
	}
	removal := func(c store.CaseRow) bool {
		p := c.Computed
		if !in.Accept {
			p = in.Proposal
		}
		return workflow.IsRemoval(p)
	}
	slices.SortStableFunc(cases, func(a, b store.CaseRow) int {
		switch ra, rb := removal(a), removal(b); {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return 0
	})
	res := &BatchResult{Refused: []BatchRefusal{}}
	for _, c := range cases {
		_, err := s.Propose(ctx, actor, ProposalInput{CaseID: c.ID, Version: c.Version, Accept: in.Accept, Proposal: in.Proposal, Reason: in.Reason})
		if err == nil {
			res.Proposed++
			continue
		}
		// A refusal of the role or stage is the same for every case.
		e := apperr.As(err)
		if e.Code == apperr.Internal || e.Code == apperr.Forbidden {
			return nil, err
		}
		res.Refused = append(res.Refused, BatchRefusal{CaseID: c.ID, Message: e.Message})
	}
	return res, nil
}

// setProposal writes a proposal on a case: what goes on the list, the
// computed outcome it was made on, whether it overrides that outcome and
// why, who and when. A new proposal answers any flag.
func setProposal(c *store.ReviewCase, proposal, basis string, override bool, reason, by string, at time.Time) {
	c.Proposal, c.ProposalBasis, c.ProposalOverride, c.ProposalReason = proposal, basis, override, reason
	c.ProposedBy, c.ProposedAt, c.Flagged, c.KeepReason = by, &at, false, ""
}

// removalsOutstanding counts a village's removal cases not yet proposed,
// other than the case being proposed.
func (s *VillageLists) removalsOutstanding(ctx context.Context, l *store.VillageList, except int64) (int, error) {
	cc, err := s.store.CountCases(ctx, l)
	if err != nil {
		return 0, err
	}
	n := cc.RemovalCases - cc.RemovalsProposed
	rows, err := s.store.Cases(ctx, l, store.CaseFilter{IDs: []int64{except}})
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		isRemoval := workflow.IsRemoval(r.Proposal) || r.Proposal == "" && workflow.IsRemoval(r.Computed)
		if isRemoval && (r.Proposal == "" || r.Flagged) {
			n--
		}
	}
	return max(n, 0), nil
}

// caseChanged restarts the list's current notice when a case changes after
// posting (workflow.md) and bumps the list's version.
func (s *VillageLists) caseChanged(ctx context.Context, l *store.VillageList, at time.Time) error {
	if _, err := s.store.SupersedeNotices(ctx, l.ID, "公示后户的意见有变化，须重新公示", at); err != nil {
		return err
	}
	return s.store.TouchList(ctx, l.ID)
}

// RecoveryInput is the accountability record of a wrongly registered
// household that refuses to leave.
type RecoveryInput struct {
	CaseID          int64
	Version         int64
	RefusesExit     bool
	ReferralOn      *localdate.Date
	ReferralTo      string
	ReferralNote    string
	RecoverAmount   *decimal.Decimal
	RecoverItems    string
	RecoveredAmount *decimal.Decimal
}

// SetRecovery records the referral and the funds and goods to recover on a
// case proposed for removal as wrongly registered.
func (s *VillageLists) SetRecovery(ctx context.Context, actor access.Actor, in RecoveryInput) (*store.ReviewCase, error) {
	var out store.ReviewCase
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, _, err := s.store.CaseByID(ctx, actor.Scope, in.CaseID)
		if err != nil {
			return err
		}
		if in.Version != 0 && c.Version != in.Version {
			return apperr.New(apperr.VersionConflict, "该户的记录刚被他人修改，请刷新后再操作")
		}
		if actor.Role != access.CheckTeam && actor.Role != access.Street {
			return apperr.New(apperr.Forbidden, "追责和追回记录由核查组或街道登记")
		}
		if c.Proposal != "remove_wrong" {
			return apperr.New(apperr.Conflict, "只有意见为「错评剔除」的户才登记追责和追回")
		}
		var ds []apperr.Detail
		if in.RecoverAmount != nil && in.RecoverAmount.IsNegative() {
			ds = append(ds, apperr.Detail{Field: "recover_amount", Message: "金额不能为负"})
		}
		if in.RecoveredAmount != nil && in.RecoveredAmount.IsNegative() {
			ds = append(ds, apperr.Detail{Field: "recovered_amount", Message: "金额不能为负"})
		}
		if in.RecoverAmount != nil && in.RecoveredAmount != nil && in.RecoveredAmount.GreaterThan(*in.RecoverAmount) {
			ds = append(ds, apperr.Detail{Field: "recovered_amount", Message: "已追回金额不能超过应追回金额"})
		}
		if in.RefusesExit && (in.ReferralOn == nil || strings.TrimSpace(in.ReferralTo) == "") {
			ds = append(ds, apperr.Detail{Field: "referral_to", Message: "拒不退出的，请填写移交追责的日期和单位"})
		}
		if in.ReferralOn != nil && in.ReferralOn.After(s.today()) {
			ds = append(ds, apperr.Detail{Field: "referral_on", Message: "移交日期不能晚于今天"})
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		before := *c
		c.RefusesExit, c.ReferralOn, c.ReferralTo, c.ReferralNote = in.RefusesExit, in.ReferralOn, truncate(strings.TrimSpace(in.ReferralTo), 200), truncate(strings.TrimSpace(in.ReferralNote), 2000)
		c.RecoverAmount, c.RecoverItems, c.RecoveredAmount = roundMoney(in.RecoverAmount), truncate(strings.TrimSpace(in.RecoverItems), 2000), roundMoney(in.RecoveredAmount)
		if err := s.store.SaveCase(ctx, c, s.now().UTC()); err != nil {
			return err
		}
		out = *c
		return s.audit.Record(ctx, actor, Entry{Action: "case.recovery", ObjectType: "case", ObjectID: strconv.FormatInt(c.ID, 10),
			Changes: []Change{{Field: "refuses_exit", Before: before.RefusesExit, After: c.RefusesExit},
				{Field: "recover_amount", Before: moneyText(before.RecoverAmount), After: moneyText(c.RecoverAmount)},
				{Field: "recovered_amount", Before: moneyText(before.RecoveredAmount), After: moneyText(c.RecoveredAmount)}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "recovery")
	}
	return &out, nil
}

func roundMoney(d *decimal.Decimal) *decimal.Decimal {
	if d == nil {
		return nil
	}
	r := d.Round(2)
	return &r
}

func moneyText(d *decimal.Decimal) string {
	if d == nil {
		return ""
	}
	return d.StringFixed(2)
}

// RecordInput is a record to add to a list. Body is the kind's own fields,
// checked by the kind's type before it is stored.
type RecordInput struct {
	ListID       int64
	Kind         workflow.RecordKind
	HeldOn       localdate.Date
	GroupIDs     []int64 // analysis meetings: the groups analysed
	HouseholdIDs []int64 // surveys: one record per household
	Body         json.RawMessage
	Opinions     []OpinionInput // party-member and villagers' meetings
}

// OpinionInput is an opinion raised at a meeting.
type OpinionInput struct {
	Text       string `json:"text"`
	NeedsCheck bool   `json:"needs_check"`
}

// AddRecord adds records of a kind to a list in the record's stage, by the
// stage's owner: one per group for analysis meetings (one meeting may cover
// several groups), one per household for surveys, one otherwise.
func (s *VillageLists) AddRecord(ctx context.Context, actor access.Actor, in RecordInput) ([]store.ListRecord, error) {
	var out []store.ListRecord
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, in.ListID, 0)
		if err != nil {
			return err
		}
		stage := workflow.Stage(l.Stage)
		if err := refused(workflow.CanRecord(in.Kind, stage, actor.Role)); err != nil {
			return err
		}
		body, ds := checkRecordBody(in.Kind, in.Body)
		if in.HeldOn.IsZero() {
			ds = append(ds, apperr.Detail{Field: "held_on", Message: "请填写日期"})
		} else if in.HeldOn.After(s.today()) {
			ds = append(ds, apperr.Detail{Field: "held_on", Message: "日期不能晚于今天"})
		}
		var groups []*int64
		var households []*int64
		switch in.Kind {
		case workflow.AnalysisMeeting:
			gs, err := s.store.VillageGroups(ctx, l.VillageCode)
			if err != nil {
				return err
			}
			if len(in.GroupIDs) == 0 {
				ds = append(ds, apperr.Detail{Field: "group_ids", Message: "请选择本次分析会覆盖的村民小组"})
			}
			for _, id := range in.GroupIDs {
				if !slices.ContainsFunc(gs, func(g store.VillageGroup) bool { return g.ID == id }) {
					ds = append(ds, apperr.Detail{Field: "group_ids", Message: fmt.Sprintf("村民小组 %d 不属于本村", id)})
					continue
				}
				groups = append(groups, &id)
			}
		case workflow.SurveyRecord:
			if len(in.HouseholdIDs) == 0 {
				ds = append(ds, apperr.Detail{Field: "household_ids", Message: "请选择调查的农户"})
			}
			cases, err := s.store.Cases(ctx, &l.VillageList, store.CaseFilter{})
			if err != nil {
				return err
			}
			for _, id := range in.HouseholdIDs {
				if !slices.ContainsFunc(cases, func(c store.CaseRow) bool { return c.HouseholdID == id }) {
					ds = append(ds, apperr.Detail{Field: "household_ids", Message: fmt.Sprintf("农户 %d 不属于本村", id)})
					continue
				}
				households = append(households, &id)
			}
		default:
			groups, households = []*int64{nil}, nil
		}
		opinions := make([]store.RecordOpinion, 0, len(in.Opinions))
		for i, o := range in.Opinions {
			if in.Kind != workflow.PartyMeeting && in.Kind != workflow.VillagersMeeting {
				ds = append(ds, apperr.Detail{Field: "opinions", Message: "只有党员会、村民会登记群众意见"})
				break
			}
			t := strings.TrimSpace(o.Text)
			if t == "" {
				ds = append(ds, apperr.Detail{Field: fmt.Sprintf("opinions[%d].text", i), Message: "意见内容不能为空"})
			}
			opinions = append(opinions, store.RecordOpinion{Text: truncate(t, 2000), NeedsCheck: o.NeedsCheck, ListID: l.ID})
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		at := s.now().UTC()
		add := func(g, h *int64) error {
			r := store.ListRecord{ListID: l.ID, Kind: string(in.Kind), Stage: int(stage), HeldOn: in.HeldOn, GroupID: g, HouseholdID: h,
				Body: string(body), CreatedBy: actor.Username, CreatedAt: at}
			if err := s.store.AddListRecord(ctx, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		}
		switch {
		case len(households) > 0:
			for _, h := range households {
				if err := add(nil, h); err != nil {
					return err
				}
			}
		default:
			for _, g := range groups {
				if err := add(g, nil); err != nil {
					return err
				}
			}
		}
		if len(opinions) > 0 {
			for i := range opinions {
				opinions[i].RecordID = out[0].ID
			}
			if err := s.store.AddOpinions(ctx, opinions); err != nil {
				return err
			}
		}
		if err := s.store.TouchList(ctx, l.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "village_list.record", ObjectType: "village_list", ObjectID: strconv.FormatInt(l.ID, 10),
			Changes: []Change{{Field: string(in.Kind), After: fmt.Sprintf("%d 条，日期 %s", len(out), in.HeldOn)}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add record")
	}
	return out, nil
}

// AnswerOpinion records the check and answer of an opinion (核实、反馈),
// in the public review stage, by the check team.
func (s *VillageLists) AnswerOpinion(ctx context.Context, actor access.Actor, listID, opinionID int64, answer string) error {
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, listID, 0)
		if err != nil {
			return err
		}
		if err := refused(workflow.CanRecord(workflow.PartyMeeting, workflow.Stage(l.Stage), actor.Role)); err != nil {
			return err
		}
		answer = strings.TrimSpace(answer)
		if len([]rune(answer)) < 2 {
			return apperr.Invalid(apperr.Detail{Field: "answer", Message: "请填写核实情况和反馈"})
		}
		if err := s.store.AnswerOpinion(ctx, l.ID, opinionID, truncate(answer, 2000), actor.Username, s.now().UTC()); err != nil {
			return err
		}
		if err := s.store.TouchList(ctx, l.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "village_list.answer_opinion", ObjectType: "opinion", ObjectID: strconv.FormatInt(opinionID, 10),
			Reason: truncate(answer, 200)})
	}), "answer opinion")
}

// FileInput is a scan or photo for a record or a notice of a list.
type FileInput struct {
	ListID   int64
	RecordID int64
	NoticeID int64
	FileName string
	Content  []byte
}

// AddFile keeps a file with one of the list's records or notices; whoever
// may make that record or notice now may add its files.
func (s *VillageLists) AddFile(ctx context.Context, actor access.Actor, in FileInput) (*store.ListFile, error) {
	var out store.ListFile
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, in.ListID, 0)
		if err != nil {
			return err
		}
		f := store.ListFile{ListID: l.ID, CreatedBy: actor.Username, CreatedAt: s.now().UTC()}
		stage := workflow.Stage(l.Stage)
		switch {
		case in.RecordID != 0:
			r, err := s.store.ListRecordByID(ctx, l.ID, in.RecordID)
			if err != nil {
				return err
			}
			if err := refused(workflow.CanRecord(workflow.RecordKind(r.Kind), stage, actor.Role)); err != nil {
				return err
			}
			f.RecordID = &r.ID
		case in.NoticeID != 0:
			if err := refused(workflow.CanNotice(stage, actor.Role)); err != nil {
				return err
			}
			ns, err := s.store.Notices(ctx, l.ID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(ns, func(n store.Notice) bool { return n.ID == in.NoticeID }) {
				return apperr.NotFoundf("公示")
			}
			f.NoticeID = &in.NoticeID
		default:
			return apperr.Invalid(apperr.Detail{Field: "record_id", Message: "请指明文件所属的记录或公示"})
		}
		file, ds, err := checkUpload(in.FileName, in.Content, s.limit)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		if file.Name == "" {
			file.Name = "扫描件" + file.Ext
		}
		f.FileName, f.ContentType, f.Size, f.SHA256, f.Content = file.Name, file.ContentType, int64(len(in.Content)), file.SHA256, in.Content
		if err := s.store.AddListFile(ctx, &f); err != nil {
			return err
		}
		out = f
		out.Content = nil
		return s.audit.Record(ctx, actor, Entry{Action: "village_list.file_add", ObjectType: "village_list", ObjectID: strconv.FormatInt(l.ID, 10),
			Changes: []Change{{Field: "file", After: f.FileName}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add file")
	}
	return &out, nil
}

// File reads one file of a list in the caller's scope.
func (s *VillageLists) File(ctx context.Context, actor access.Actor, listID, fileID int64) (*store.ListFile, error) {
	if _, err := s.store.VillageListByID(ctx, actor.Scope, listID); err != nil {
		return nil, err
	}
	return s.store.ListFileByID(ctx, listID, fileID)
}

// NoticeInput is the posting of a notice.
type NoticeInput struct {
	ListID      int64
	PostedOn    localdate.Date
	Place       string
	ReportPhone string
	Supervisor  string
	IssuedBy    string
}

// PostNotice records the posting of the list's notice in a notice stage;
// a current notice of the level is superseded by the new posting.
func (s *VillageLists) PostNotice(ctx context.Context, actor access.Actor, in NoticeInput) (*store.Notice, error) {
	var out store.Notice
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, c, err := s.loadForChange(ctx, actor, in.ListID, 0)
		if err != nil {
			return err
		}
		stage := workflow.Stage(l.Stage)
		if err := refused(workflow.CanNotice(stage, actor.Role)); err != nil {
			return err
		}
		level, _ := workflow.NoticeStage(stage)
		var ds []apperr.Detail
		if p := workflow.PostingDateProblem(in.PostedOn, s.today()); p != "" {
			ds = append(ds, apperr.Detail{Field: "posted_on", Message: p})
		}
		if strings.TrimSpace(in.Place) == "" {
			ds = append(ds, apperr.Detail{Field: "place", Message: "请填写张贴地点"})
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		phone, sup, issuer := strings.TrimSpace(in.ReportPhone), strings.TrimSpace(in.Supervisor), strings.TrimSpace(in.IssuedBy)
		if phone == "" {
			phone = c.ReportPhone
		}
		if sup == "" {
			sup = c.SupervisorUnit
		}
		if issuer == "" {
			issuer = noticeIssuer(l, level)
		}
		at := s.now().UTC()
		if _, err := s.store.SupersedeNotices(ctx, l.ID, "重新张贴", at); err != nil {
			return err
		}
		n := store.Notice{ListID: l.ID, Level: level, PostedOn: in.PostedOn, Place: truncate(strings.TrimSpace(in.Place), 200),
			ReportPhone: truncate(phone, 64), Supervisor: truncate(sup, 200), IssuedBy: truncate(issuer, 200), PostedBy: actor.Username, CreatedAt: at}
		if err := s.store.AddNotice(ctx, &n); err != nil {
			return err
		}
		if err := s.store.TouchList(ctx, l.ID); err != nil {
			return err
		}
		out = n
		return s.audit.Record(ctx, actor, Entry{Action: "notice.post", ObjectType: "village_list", ObjectID: strconv.FormatInt(l.ID, 10),
			Changes: []Change{{Field: "posted_on", After: n.PostedOn.String()}, {Field: "place", After: n.Place}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "post notice")
	}
	return &out, nil
}

// ReportInput is a report (举报) received during a notice.
type ReportInput struct {
	ListID     int64
	ReceivedOn localdate.Date
	Channel    string
	Content    string
	CaseIDs    []int64
}

// reportChannels are how reports arrive.
var reportChannels = map[string]bool{"phone": true, "letter": true, "visit": true, "other": true}

// AddReport records a report naming its cases; it stays open until its
// investigation is recorded.
func (s *VillageLists) AddReport(ctx context.Context, actor access.Actor, in ReportInput) (*store.Report, error) {
	var out store.Report
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, in.ListID, 0)
		if err != nil {
			return err
		}
		stage := workflow.Stage(l.Stage)
		if err := refused(workflow.CanNotice(stage, actor.Role)); err != nil {
			return err
		}
		level, _ := workflow.NoticeStage(stage)
		n, err := s.store.CurrentNotice(ctx, l.ID, level)
		if err != nil {
			return err
		}
		var ds []apperr.Detail
		if n == nil {
			return apperr.New(apperr.Conflict, "名单尚未张贴公示，不能登记公示期举报")
		}
		if in.ReceivedOn.IsZero() || in.ReceivedOn.After(s.today()) {
			ds = append(ds, apperr.Detail{Field: "received_on", Message: "请填写收到举报的日期（不晚于今天）"})
		}
		if !reportChannels[in.Channel] {
			ds = append(ds, apperr.Detail{Field: "channel", Message: "请选择举报方式"})
		}
		if len([]rune(strings.TrimSpace(in.Content))) < 2 {
			ds = append(ds, apperr.Detail{Field: "content", Message: "请填写举报内容"})
		}
		if len(in.CaseIDs) == 0 {
			ds = append(ds, apperr.Detail{Field: "case_ids", Message: "请选择被举报的户"})
		}
		cases, err := s.store.Cases(ctx, &l.VillageList, store.CaseFilter{IDs: in.CaseIDs})
		if err != nil {
			return err
		}
		if len(in.CaseIDs) > 0 && len(cases) != len(uniqueIDs(in.CaseIDs)) {
			ds = append(ds, apperr.Detail{Field: "case_ids", Message: "所选的户不在本村名单上"})
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		at := s.now().UTC()
		r := store.Report{ListID: l.ID, NoticeID: n.ID, Level: level, ReceivedOn: in.ReceivedOn, Channel: in.Channel,
			Content: truncate(strings.TrimSpace(in.Content), 4000), Status: store.ReportOpen, CreatedBy: actor.Username, CreatedAt: at, CaseIDs: uniqueIDs(in.CaseIDs)}
		if err := s.store.AddReport(ctx, &r); err != nil {
			return err
		}
		if err := s.store.TouchList(ctx, l.ID); err != nil {
			return err
		}
		out = r
		return s.audit.Record(ctx, actor, Entry{Action: "report.add", ObjectType: "report", ObjectID: strconv.FormatInt(r.ID, 10),
			Reason: fmt.Sprintf("名单 %d，%d 户", l.ID, len(r.CaseIDs))})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add report")
	}
	return &out, nil
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// CaseChange is what an upheld report changes on one of its cases.
type CaseChange struct {
	CaseID   int64  `json:"case_id"`
	Proposal string `json:"proposal"`
}

// InvestigationInput is the investigation of a report.
type InvestigationInput struct {
	ListID   int64
	ReportID int64
	Upheld   bool
	Findings string
	Answer   string
	Changes  []CaseChange // upheld: the new proposal of each named case
}

// Investigate records a report's investigation. An upheld report changes
// its cases (the proposals it names, with the findings as the reason),
// which restarts the notice.
func (s *VillageLists) Investigate(ctx context.Context, actor access.Actor, in InvestigationInput) (*store.Report, error) {
	var out store.Report
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, _, err := s.loadForChange(ctx, actor, in.ListID, 0)
		if err != nil {
			return err
		}
		if err := refused(workflow.CanNotice(workflow.Stage(l.Stage), actor.Role)); err != nil {
			return err
		}
		r, err := s.store.ReportByID(ctx, l.ID, in.ReportID)
		if err != nil {
			return err
		}
		if r.Status != store.ReportOpen {
			return apperr.New(apperr.Conflict, "该举报的调查结果已登记")
		}
		var ds []apperr.Detail
		findings, answer := strings.TrimSpace(in.Findings), strings.TrimSpace(in.Answer)
		if len([]rune(findings)) < 2 {
			ds = append(ds, apperr.Detail{Field: "findings", Message: "请填写调查核实情况"})
		}
		if len([]rune(answer)) < 2 {
			ds = append(ds, apperr.Detail{Field: "answer", Message: "请填写给举报人的答复"})
		}
		if in.Upheld && len(in.Changes) == 0 {
			ds = append(ds, apperr.Detail{Field: "changes", Message: "举报属实的，请给出被举报户的新意见"})
		}
		if !in.Upheld && len(in.Changes) > 0 {
			ds = append(ds, apperr.Detail{Field: "changes", Message: "举报不属实的，户的意见不变"})
		}
		for i, ch := range in.Changes {
			if !slices.Contains(r.CaseIDs, ch.CaseID) {
				ds = append(ds, apperr.Detail{Field: fmt.Sprintf("changes[%d].case_id", i), Message: "该户不是本举报所涉及的户"})
			}
			if !workflow.IsChange(ch.Proposal) && !slices.Contains([]string{"keep", "keep_exited", "not_eligible"}, ch.Proposal) {
				ds = append(ds, apperr.Detail{Field: fmt.Sprintf("changes[%d].proposal", i), Message: "请选择有效的处理意见"})
			}
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		at := s.now().UTC()
		r.Status, r.Findings, r.Answer, r.InvestigatedBy, r.InvestigatedAt = store.ReportRejected, truncate(findings, 4000), truncate(answer, 4000), actor.Username, &at
		if in.Upheld {
			r.Status = store.ReportUpheld
		}
		if err := s.store.CloseReport(ctx, r); err != nil {
			return err
		}
		var changes []Change
		for _, ch := range in.Changes {
			c, _, err := s.store.CaseByID(ctx, actor.Scope, ch.CaseID)
			if err != nil {
				return err
			}
			o, err := s.store.OutcomeOf(ctx, c.HouseholdID, c.CampaignID)
			if err != nil {
				return err
			}
			before := c.Proposal
			basis, override := "", true
			if o != nil {
				basis, override = o.Outcome, o.Outcome != ch.Proposal
			}
			setProposal(c, ch.Proposal, basis, override, "举报属实："+truncate(findings, 900), actor.Username, at)
			if err := s.store.SaveCase(ctx, c, at); err != nil {
				return err
			}
			changes = append(changes, Change{Field: fmt.Sprintf("case %d proposal", c.ID), Before: before, After: c.Proposal})
		}
		if in.Upheld {
			if err := s.caseChanged(ctx, &l.VillageList, at); err != nil {
				return err
			}
		} else if err := s.store.TouchList(ctx, l.ID); err != nil {
			return err
		}
		out = *r
		return s.audit.Record(ctx, actor, Entry{Action: "report.investigate", ObjectType: "report", ObjectID: strconv.FormatInt(r.ID, 10),
			Changes: append([]Change{{Field: "status", Before: store.ReportOpen, After: r.Status}}, changes...), Reason: truncate(findings, 200)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "investigate report")
	}
	return &out, nil
}

// HouseholdEditable refuses a change to a household of a village whose list
// in the active campaign is outside stages 2–6 (workflow.md: from stage 7 on
// a case changes only through a send-back or an upheld report). A village
// without a list is free.
func HouseholdEditable(ctx context.Context, st *store.Store, villageCode string) error {
	c, err := st.ActiveCampaign(ctx)
	if err != nil || c == nil {
		return err
	}
	l, err := st.VillageListOf(ctx, c.ID, villageCode)
	if err != nil || l == nil {
		return err
	}
	if s := workflow.Stage(l.Stage); !workflow.MayEditHousehold(s) {
		return apperr.New(apperr.Conflict, fmt.Sprintf("本村名单处于「%s」阶段，只有在「实地调查」至「公开评议」阶段才能修改户的数据；如需修改，请由有权限的单位先退回名单", s.Label()))
	}
	return nil
}

// Cases lists a campaign's cases in the caller's scope: the households
// behind a figure on the dashboard.
func (s *VillageLists) Cases(ctx context.Context, actor access.Actor, campaignID int64, f store.CampaignCaseFilter) ([]store.CampaignCaseRow, int64, error) {
	if _, err := s.campaign(ctx, campaignID); err != nil {
		return nil, 0, err
	}
	rows, total, err := s.store.CampaignCases(ctx, actor.Scope, campaignID, f)
	return rows, total, apperr.Wrap(err, "campaign cases")
}
