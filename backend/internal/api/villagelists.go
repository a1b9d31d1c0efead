package api

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// StageDTO is a stage of the procedure.
type StageDTO struct {
	Stage    int    `json:"stage" example:"8"`
	Key      string `json:"key" example:"village_notice"`
	Label    string `json:"label" example:"村组公示"`
	Owner    string `json:"owner" example:"check_team"`
	Deadline string `json:"deadline,omitempty" example:"2017-06-30"`
}

func stageDTO(s workflow.Stage, due map[workflow.Stage]localdate.Date) StageDTO {
	d := StageDTO{Stage: int(s), Key: s.Key(), Label: s.Label(), Owner: string(s.Owner())}
	if v, ok := due[s]; ok {
		d.Deadline = v.String()
	}
	return d
}

// ListCountsDTO are a list's case figures.
type ListCountsDTO struct {
	Cases    int `json:"cases"`
	Proposed int `json:"proposed"`
	Flagged  int `json:"flagged"`
	Changes  int `json:"changes"` // proposals that change the register
	// OpenReports counts reports not yet investigated (board only).
	OpenReports int `json:"open_reports"`
}

// VillageListDTO is a village list (村级名单) on the board.
type VillageListDTO struct {
	ID          int64         `json:"id"`
	CampaignID  int64         `json:"campaign_id"`
	VillageCode string        `json:"village_code" example:"530103012004"`
	VillageName string        `json:"village_name" example:"鼠街村委会"`
	StreetCode  string        `json:"street_code" example:"530103012"`
	StreetName  string        `json:"street_name" example:"阿子营街道"`
	Stage       StageDTO      `json:"stage"`
	Version     int64         `json:"version"`
	StageSince  time.Time     `json:"stage_since"`
	MovedBy     string        `json:"moved_by"`
	Deadline    string        `json:"deadline" example:"2017-06-30"`
	Overdue     bool          `json:"overdue"`
	Counts      ListCountsDTO `json:"counts"`
}

func villageListDTO(l store.VillageListRow, deadline localdate.Date, overdue bool, c store.ListCaseCounts) VillageListDTO {
	st := workflow.Stage(l.Stage)
	return VillageListDTO{ID: l.ID, CampaignID: l.CampaignID, VillageCode: l.VillageCode, VillageName: l.VillageName,
		StreetCode: l.StreetCode, StreetName: l.StreetName, Stage: stageDTO(st, nil), Version: l.Version,
		StageSince: l.StageSince, MovedBy: l.MovedBy, Deadline: dateText(deadline), Overdue: overdue,
		Counts: ListCountsDTO{Cases: c.Cases, Proposed: c.Proposed, Flagged: c.Flagged, Changes: c.Changes}}
}

func dateText(d localdate.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// BoardDTO is a campaign's board: its stages and its lists in scope.
type BoardDTO struct {
	Stages []StageDTO       `json:"stages"`
	Lists  []VillageListDTO `json:"lists"`
}

// campaignBoard godoc
//
//	@Summary		The village lists of a campaign (the board)
//	@Description	Lists in the caller's scope with stage, deadline, overdue flag and case figures. Filters: street, village, stage (key).
//	@Tags			village-lists
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"campaign id"
//	@Param			street	query		string	false	"street code"
//	@Param			village	query		string	false	"village code"
//	@Param			stage	query		string	false	"stage key"
//	@Success		200		{object}	BoardDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/campaigns/{id}/lists [get]
func (s *Server) campaignBoard(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f := store.VillageListFilter{StreetCode: c.Query("street"), VillageCode: c.Query("village")}
	if k := c.Query("stage"); k != "" {
		st, ok := workflow.ParseStage(k)
		if !ok {
			fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "stage", Message: "未知的阶段"}))
			return
		}
		f.Stage = int(st)
	}
	rows, err := s.VillageLists.Board(c.Request.Context(), actor(c), id, f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	due, err := s.Campaigns.Deadlines(c.Request.Context(), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := BoardDTO{Lists: make([]VillageListDTO, len(rows))}
	for _, st := range workflow.All() {
		out.Stages = append(out.Stages, stageDTO(st, due))
	}
	for i, r := range rows {
		out.Lists[i] = villageListDTO(r.VillageListRow, r.Deadline, r.Overdue, r.Counts)
		out.Lists[i].Counts.OpenReports = r.OpenReports
	}
	c.JSON(http.StatusOK, out)
}

// CaseDTO is a household's case: the computed outcome (always current), the
// proposal (shown apart, with who, when and why) and the flag.
type CaseDTO struct {
	ID               int64      `json:"id"`
	HouseholdID      int64      `json:"household_id"`
	HouseholdCode    string     `json:"household_code"`
	HeadName         string     `json:"head_name"`
	HeadIDMasked     string     `json:"head_id_masked" example:"530103********0018"`
	GroupName        string     `json:"group_name"`
	Members          int        `json:"members"`
	Status           string     `json:"status"`
	Computed         string     `json:"computed" example:"remove_wrong"`
	ComputedLabel    string     `json:"computed_label" example:"错评剔除"`
	Proposal         string     `json:"proposal"`
	ProposalLabel    string     `json:"proposal_label"`
	ProposalOverride bool       `json:"proposal_override"`
	ProposalReason   string     `json:"proposal_reason"`
	ProposalBasis    string     `json:"proposal_basis"`
	ProposedBy       string     `json:"proposed_by"`
	ProposedAt       *time.Time `json:"proposed_at"`
	Flagged          bool       `json:"flagged"`
	KeepReason       string     `json:"keep_reason"`
	RefusesExit      bool       `json:"refuses_exit"`
	ReferralOn       string     `json:"referral_on"`
	ReferralTo       string     `json:"referral_to"`
	ReferralNote     string     `json:"referral_note"`
	RecoverAmount    *string    `json:"recover_amount" example:"3200.00"`
	RecoverItems     string     `json:"recover_items"`
	RecoveredAmount  *string    `json:"recovered_amount" example:"1200.00"`
	Version          int64      `json:"version"`
}

func caseDTO(r store.CaseRow) CaseDTO {
	d := CaseDTO{ID: r.ID, HouseholdID: r.HouseholdID, HouseholdCode: r.HouseholdCode, HeadName: r.HeadName,
		HeadIDMasked: idcard.Mask(r.HeadIDNumber), GroupName: r.GroupName, Members: r.Members, Status: r.Status,
		Computed: r.Computed, ComputedLabel: rules.Outcome(r.Computed).Chinese(), Proposal: r.Proposal,
		ProposalLabel: rules.Outcome(r.Proposal).Chinese()}
	d.fill(r.ReviewCase)
	return d
}

func (d *CaseDTO) fill(c store.ReviewCase) {
	d.ID, d.HouseholdID, d.Proposal, d.ProposalLabel = c.ID, c.HouseholdID, c.Proposal, rules.Outcome(c.Proposal).Chinese()
	d.ProposalOverride, d.ProposalReason, d.ProposalBasis = c.ProposalOverride, c.ProposalReason, c.ProposalBasis
	d.ProposedBy, d.ProposedAt, d.Flagged, d.KeepReason = c.ProposedBy, c.ProposedAt, c.Flagged, c.KeepReason
	d.RefusesExit, d.ReferralTo, d.ReferralNote = c.RefusesExit, c.ReferralTo, c.ReferralNote
	if c.ReferralOn != nil {
		d.ReferralOn = c.ReferralOn.String()
	}
	d.RecoverAmount, d.RecoverItems, d.RecoveredAmount, d.Version = money(c.RecoverAmount), c.RecoverItems, money(c.RecoveredAmount), c.Version
}

// RecordDTO is a record kept on a list.
type RecordDTO struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind" example:"analysis_meeting"`
	Stage       int             `json:"stage"`
	HeldOn      string          `json:"held_on" example:"2017-06-05"`
	GroupID     *int64          `json:"group_id"`
	HouseholdID *int64          `json:"household_id"`
	Body        json.RawMessage `json:"body" swaggertype:"object"`
	Void        bool            `json:"void"` // voided by a send-back: to be done again
	CreatedBy   string          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
}

func recordDTO(r store.ListRecord) RecordDTO {
	return RecordDTO{ID: r.ID, Kind: r.Kind, Stage: r.Stage, HeldOn: r.HeldOn.String(), GroupID: r.GroupID, HouseholdID: r.HouseholdID,
		Body: json.RawMessage(r.Body), Void: r.Void, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// OpinionDTO is an opinion raised at a public review meeting.
type OpinionDTO struct {
	ID         int64      `json:"id"`
	RecordID   int64      `json:"record_id"`
	Text       string     `json:"text"`
	NeedsCheck bool       `json:"needs_check"`
	Answer     string     `json:"answer"`
	AnsweredBy string     `json:"answered_by"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// ListFileDTO is a file of a record or notice (content at its own URL).
type ListFileDTO struct {
	ID          int64     `json:"id"`
	RecordID    *int64    `json:"record_id"`
	NoticeID    *int64    `json:"notice_id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func listFileDTO(f store.ListFile) ListFileDTO {
	return ListFileDTO{ID: f.ID, RecordID: f.RecordID, NoticeID: f.NoticeID, FileName: f.FileName, ContentType: f.ContentType,
		Size: f.Size, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt}
}

// NoticeDTO is a posting of the list.
type NoticeDTO struct {
	ID            int64      `json:"id"`
	Level         string     `json:"level" example:"village"`
	PostedOn      string     `json:"posted_on" example:"2017-06-20"`
	RunsUntil     string     `json:"runs_until" example:"2017-06-24"`
	OverOn        string     `json:"over_on" example:"2017-06-25"`
	Place         string     `json:"place"`
	ReportPhone   string     `json:"report_phone"`
	Supervisor    string     `json:"supervisor"`
	IssuedBy      string     `json:"issued_by"`
	PostedBy      string     `json:"posted_by"`
	CreatedAt     time.Time  `json:"created_at"`
	SupersededAt  *time.Time `json:"superseded_at"`
	SupersededWhy string     `json:"superseded_why"`
}

func noticeDTO(n store.Notice) NoticeDTO {
	return NoticeDTO{ID: n.ID, Level: n.Level, PostedOn: n.PostedOn.String(), RunsUntil: workflow.NoticeRunsUntil(n.PostedOn).String(),
		OverOn: workflow.NoticeOverOn(n.PostedOn).String(), Place: n.Place, ReportPhone: n.ReportPhone, Supervisor: n.Supervisor,
		IssuedBy: n.IssuedBy, PostedBy: n.PostedBy, CreatedAt: n.CreatedAt, SupersededAt: n.SupersededAt, SupersededWhy: n.SupersededWhy}
}

// ReportDTO is a report (举报) and its investigation.
type ReportDTO struct {
	ID             int64      `json:"id"`
	NoticeID       int64      `json:"notice_id"`
	Level          string     `json:"level"`
	ReceivedOn     string     `json:"received_on"`
	Channel        string     `json:"channel" example:"phone"`
	Content        string     `json:"content"`
	CaseIDs        []int64    `json:"case_ids"`
	Status         string     `json:"status" example:"open"`
	Findings       string     `json:"findings"`
	Answer         string     `json:"answer"`
	InvestigatedBy string     `json:"investigated_by"`
	InvestigatedAt *time.Time `json:"investigated_at"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
}

func reportDTO(r store.Report) ReportDTO {
	ids := r.CaseIDs
	if ids == nil {
		ids = []int64{}
	}
	return ReportDTO{ID: r.ID, NoticeID: r.NoticeID, Level: r.Level, ReceivedOn: r.ReceivedOn.String(), Channel: r.Channel, Content: r.Content,
		CaseIDs: ids, Status: r.Status, Findings: r.Findings, Answer: r.Answer, InvestigatedBy: r.InvestigatedBy,
		InvestigatedAt: r.InvestigatedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// ListEventDTO is an entry of a list's history.
type ListEventDTO struct {
	Kind      string    `json:"kind" example:"moved"`
	From      *StageDTO `json:"from"`
	To        StageDTO  `json:"to"`
	Reason    string    `json:"reason"`
	Actor     string    `json:"actor"`
	ActorRole string    `json:"actor_role"`
	At        time.Time `json:"at"`
}

// ReasonDTO is an unmet condition or a refusal.
type ReasonDTO struct {
	Code    string `json:"code" example:"notice_running"`
	Message string `json:"message"`
}

// FactsDTO are the figures the stage conditions read.
type FactsDTO struct {
	Groups            int    `json:"groups"`
	GroupsAnalysed    int    `json:"groups_analysed"`
	Households        int    `json:"households"`
	Surveyed          int    `json:"surveyed"`
	OpenDiscrepancies int    `json:"open_discrepancies"`
	RemovalCases      int    `json:"removal_cases"`
	RemovalsProposed  int    `json:"removals_proposed"`
	Cases             int    `json:"cases"`
	Proposed          int    `json:"proposed"`
	Flagged           int    `json:"flagged"`
	PublicMeetings    int    `json:"public_meetings"`
	OpenOpinions      int    `json:"open_opinions"`
	OpenReports       int    `json:"open_reports"`
	NoticePostedOn    string `json:"notice_posted_on"`
	NoticeOverOn      string `json:"notice_over_on"`
}

// GroupDTO is a village group.
type GroupDTO struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ListDetailDTO is the village list page: the list, what the caller may do
// now, the cases, records, notices, reports and history.
type ListDetailDTO struct {
	List       VillageListDTO `json:"list"`
	Campaign   CampaignDTO    `json:"campaign"`
	Stages     []StageDTO     `json:"stages"`
	Facts      FactsDTO       `json:"facts"`
	CanMoveOn  bool           `json:"can_move_on"`
	Blockers   []ReasonDTO    `json:"blockers"` // why the caller may not move it on now
	SendBackTo []StageDTO     `json:"send_back_to"`
	CanRecord  []string       `json:"can_record"` // record kinds the caller may add now
	CanNotice  bool           `json:"can_notice"` // post notices, record reports and investigations
	CanPropose bool           `json:"can_propose"`
	Cases      []CaseDTO      `json:"cases"`
	Groups     []GroupDTO     `json:"groups"`
	Records    []RecordDTO    `json:"records"`
	Opinions   []OpinionDTO   `json:"opinions"`
	Files      []ListFileDTO  `json:"files"`
	Notices    []NoticeDTO    `json:"notices"`
	Reports    []ReportDTO    `json:"reports"`
	Events     []ListEventDTO `json:"events"`
}

// getVillageList godoc
//
//	@Summary		A village list with its cases, records, notices, reports and history
//	@Description	Also says what the caller may do now: move on (or why not: blockers), the stages it may send the list back to, which records it may add, whether it may post notices and propose. Head ID numbers are masked.
//	@Tags			village-lists
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"list id"
//	@Success		200	{object}	ListDetailDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/village-lists/{id} [get]
func (s *Server) getVillageList(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	d, err := s.VillageLists.Get(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	due, err := s.Campaigns.Deadlines(c.Request.Context(), d.Campaign.ID)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f := d.Facts
	out := ListDetailDTO{List: villageListDTO(d.List, d.Deadline, d.Overdue, d.Counts), Campaign: campaignDTO(&d.Campaign),
		Facts: FactsDTO{Groups: f.Groups, GroupsAnalysed: f.GroupsAnalysed, Households: f.Households, Surveyed: f.Surveyed,
			OpenDiscrepancies: f.OpenDiscrepancies, RemovalCases: f.RemovalCases, RemovalsProposed: f.RemovalsProposed,
			Cases: f.Cases, Proposed: f.Proposed, Flagged: f.Flagged, PublicMeetings: f.PublicMeetings, OpenOpinions: f.OpenOpinions,
			OpenReports: f.OpenReports, NoticePostedOn: dateText(f.NoticePostedOn)},
		CanMoveOn: d.MoveOn == nil, Blockers: []ReasonDTO{}, SendBackTo: []StageDTO{}, CanRecord: []string{},
		CanNotice: d.CanNotice, CanPropose: d.CanCase, Cases: make([]CaseDTO, len(d.Cases)), Groups: []GroupDTO{},
		Records: make([]RecordDTO, len(d.Records)), Opinions: make([]OpinionDTO, len(d.Opinions)), Files: make([]ListFileDTO, len(d.Files)),
		Notices: make([]NoticeDTO, len(d.Notices)), Reports: make([]ReportDTO, len(d.Reports)), Events: make([]ListEventDTO, len(d.Events))}
	if !f.NoticePostedOn.IsZero() {
		out.Facts.NoticeOverOn = workflow.NoticeOverOn(f.NoticePostedOn).String()
	}
	for _, st := range workflow.All() {
		out.Stages = append(out.Stages, stageDTO(st, due))
	}
	if d.MoveOn != nil {
		for _, r := range d.MoveOn.Reasons {
			out.Blockers = append(out.Blockers, ReasonDTO{Code: r.Code, Message: r.Message})
		}
	}
	for _, st := range d.SendBack {
		out.SendBackTo = append(out.SendBackTo, stageDTO(st, due))
	}
	for _, k := range []workflow.RecordKind{workflow.AnalysisMeeting, workflow.SurveyRecord, workflow.PartyMeeting, workflow.VillagersMeeting,
		workflow.TwoCommittee, workflow.RepresentativesRes, workflow.StreetApproval, workflow.DistrictDecision, workflow.Announcement} {
		if d.CanRecord[k] {
			out.CanRecord = append(out.CanRecord, string(k))
		}
	}
	for i, cs := range d.Cases {
		out.Cases[i] = caseDTO(cs)
	}
	for _, g := range d.Groups {
		out.Groups = append(out.Groups, GroupDTO{ID: g.ID, Name: g.Name})
	}
	for i, r := range d.Records {
		out.Records[i] = recordDTO(r)
	}
	for i, o := range d.Opinions {
		out.Opinions[i] = OpinionDTO{ID: o.ID, RecordID: o.RecordID, Text: o.Text, NeedsCheck: o.NeedsCheck, Answer: o.Answer, AnsweredBy: o.AnsweredBy, AnsweredAt: o.AnsweredAt}
	}
	for i, fl := range d.Files {
		out.Files[i] = listFileDTO(fl)
	}
	for i, n := range d.Notices {
		out.Notices[i] = noticeDTO(n)
	}
	for i, r := range d.Reports {
		out.Reports[i] = reportDTO(r)
	}
	for i, e := range d.Events {
		ev := ListEventDTO{Kind: e.Kind, To: stageDTO(workflow.Stage(e.ToStage), nil), Reason: e.Reason, Actor: e.Actor, ActorRole: e.ActorRole, At: e.At}
		if e.FromStage != 0 {
			from := stageDTO(workflow.Stage(e.FromStage), nil)
			ev.From = &from
		}
		out.Events[i] = ev
	}
	c.JSON(http.StatusOK, out)
}

// MoveRequest moves a list on. Version is the list version the caller saw
// (a list moved meanwhile is 409 version_conflict).
type MoveRequest struct {
	Version int64  `json:"version"`
	Note    string `json:"note"` // e.g. the street's approval opinion
}

// SendBackRequest sends a list back to an earlier stage.
type SendBackRequest struct {
	Version int64  `json:"version"`
	Target  string `json:"target" example:"survey"`
	Reason  string `json:"reason" example:"入户调查表缺少签字"`
}

// moveVillageList godoc
//
//	@Summary		Move a village list on to its next stage
//	@Description	Only the stage's owner (workflow.md), in scope, when the stage's condition holds (else 409 condition_unmet, details list each unmet condition); one stage at a time. Of two moves of the same version one wins, the other is 409 version_conflict. Audited.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int			true	"list id"
//	@Param			body	body		MoveRequest	true	"version"
//	@Success		200		{object}	VillageListDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Router			/village-lists/{id}/move-on [post]
func (s *Server) moveVillageList(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in MoveRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	l, err := s.VillageLists.MoveOn(c.Request.Context(), actor(c), service.Move{ListID: id, Version: in.Version, Reason: in.Note})
	s.sendMovedList(c, l, err)
}

func (s *Server) sendMovedList(c *gin.Context, l *store.VillageList, err error) {
	if err != nil {
		fail(c, s.log, err)
		return
	}
	st := workflow.Stage(l.Stage)
	c.JSON(http.StatusOK, VillageListDTO{ID: l.ID, CampaignID: l.CampaignID, VillageCode: l.VillageCode, StreetCode: l.StreetCode,
		Stage: stageDTO(st, nil), Version: l.Version, StageSince: l.StageSince, MovedBy: l.MovedBy})
}

// sendBackVillageList godoc
//
//	@Summary		Send a village list back to an earlier stage
//	@Description	The check team from stages 2–8 (its own lists), the street from 10–11, the district from 12–14; to any earlier stage, with a reason. Records and notices of the stages after the target are voided (done again). Audited.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"list id"
//	@Param			body	body		SendBackRequest	true	"target stage and reason"
//	@Success		200		{object}	VillageListDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Router			/village-lists/{id}/send-back [post]
func (s *Server) sendBackVillageList(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in SendBackRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	target, ok := workflow.ParseStage(in.Target)
	if !ok {
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "target", Message: "请选择退回到的阶段"}))
		return
	}
	l, err := s.VillageLists.SendBack(c.Request.Context(), actor(c), service.Move{ListID: id, Version: in.Version, Target: target, Reason: in.Reason})
	s.sendMovedList(c, l, err)
}

// RecordRequest adds a record to a list. body holds the kind's fields:
// analysis_meeting {chair, attendees, key_households, work_plan,
// responsibilities}; survey {surveyors, main_cause, note}; party_meeting and
// villagers_meeting {place, attendance, summary}; two_committee,
// representatives, street_approval, district_decision {attendance,
// decision}; announcement {place, note}.
type RecordRequest struct {
	Kind         string                 `json:"kind" example:"analysis_meeting"`
	HeldOn       localdate.Date         `json:"held_on" swaggertype:"string" example:"2017-06-05"`
	GroupIDs     []int64                `json:"group_ids"`     // analysis_meeting: the groups the meeting analysed
	HouseholdIDs []int64                `json:"household_ids"` // survey: one record per household
	Body         json.RawMessage        `json:"body" swaggertype:"object"`
	Opinions     []service.OpinionInput `json:"opinions"` // party and villagers' meetings
}

// addListRecord godoc
//
//	@Summary		Add a record (meeting, survey, decision, announcement) to a village list
//	@Description	Only in the record's own stage, by that stage's owner. A meeting may cover several village groups (one record each); a survey entry may cover several households (one record each). Attach the signed paper form or minutes at POST /village-lists/{id}/files. Audited.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"list id"
//	@Param			body	body		RecordRequest	true	"record"
//	@Success		201		{array}		RecordDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/village-lists/{id}/records [post]
func (s *Server) addListRecord(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in RecordRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	rs, err := s.VillageLists.AddRecord(c.Request.Context(), actor(c), service.RecordInput{ListID: id, Kind: workflow.RecordKind(in.Kind),
		HeldOn: in.HeldOn, GroupIDs: in.GroupIDs, HouseholdIDs: in.HouseholdIDs, Body: in.Body, Opinions: in.Opinions})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := make([]RecordDTO, len(rs))
	for i, r := range rs {
		out[i] = recordDTO(r)
	}
	c.JSON(http.StatusCreated, out)
}

// AnswerRequest answers an opinion (核实、反馈).
type AnswerRequest struct {
	Answer string `json:"answer"`
}

// answerOpinion godoc
//
//	@Summary	Record the check and answer of an opinion raised at a public review meeting
//	@Tags		village-lists
//	@Accept		json
//	@Security	Bearer
//	@Param		id		path	int				true	"list id"
//	@Param		oid		path	int				true	"opinion id"
//	@Param		body	body	AnswerRequest	true	"answer"
//	@Success	204
//	@Failure	403	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/village-lists/{id}/opinions/{oid}/answer [post]
func (s *Server) answerOpinion(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	oid, err := pathID(c, "oid")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in AnswerRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.VillageLists.AnswerOpinion(c.Request.Context(), actor(c), id, oid, in.Answer); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// uploadListFile godoc
//
//	@Summary		Attach a scan or photo to a record or notice of a village list
//	@Description	multipart/form-data: file, and record_id or notice_id. PDF, JPEG or PNG by content; size-limited. Whoever may make the record or notice now may attach to it.
//	@Tags			village-lists
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			id			path		int		true	"list id"
//	@Param			file		formData	file	true	"the file"
//	@Param			record_id	formData	int		false	"record id"
//	@Param			notice_id	formData	int		false	"notice id"
//	@Success		201			{object}	ListFileDTO
//	@Failure		413			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/village-lists/{id}/files [post]
func (s *Server) uploadListFile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name, content, err := formFile(c, s.opt.UploadLimit, "请选择要上传的文件", "record_id", "notice_id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	in := service.FileInput{ListID: id, FileName: name, Content: content}
	for field, dst := range map[string]*int64{"record_id": &in.RecordID, "notice_id": &in.NoticeID} {
		if v := c.PostForm(field); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fail(c, s.log, apperr.Invalid(apperr.Detail{Field: field, Message: "编号不正确"}))
				return
			}
			*dst = n
		}
	}
	f, err := s.VillageLists.AddFile(c.Request.Context(), actor(c), in)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, listFileDTO(*f))
}

// downloadListFile godoc
//
//	@Summary	Download a file of a village list
//	@Tags		village-lists
//	@Produce	octet-stream
//	@Security	Bearer
//	@Param		id	path	int	true	"list id"
//	@Param		fid	path	int	true	"file id"
//	@Success	200
//	@Failure	404	{object}	ErrorBody
//	@Router		/village-lists/{id}/files/{fid} [get]
func (s *Server) downloadListFile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	fid, err := pathID(c, "fid")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f, err := s.VillageLists.File(c.Request.Context(), actor(c), id, fid)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.FileName}))
	c.Data(http.StatusOK, f.ContentType, f.Content)
}

// NoticeRequest records the posting of the list's notice.
type NoticeRequest struct {
	PostedOn    localdate.Date `json:"posted_on" swaggertype:"string" example:"2017-06-20"`
	Place       string         `json:"place" example:"村委会公示栏"`
	ReportPhone string         `json:"report_phone" example:"12317"`
	Supervisor  string         `json:"supervisor"`
	IssuedBy    string         `json:"issued_by"`
}

// postNotice godoc
//
//	@Summary		Record the posting of the list's notice (公示)
//	@Description	In the village notice stage by the check team, in the street notice stage by the street. The posting date is the real date: today or earlier. The notice runs D to D+4; the list may move on from D+5. Attach the photo of the posted notice at POST /village-lists/{id}/files with notice_id. A change to a case after posting supersedes the notice: post again.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"list id"
//	@Param			body	body		NoticeRequest	true	"posting"
//	@Success		201		{object}	NoticeDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/village-lists/{id}/notices [post]
func (s *Server) postNotice(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in NoticeRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	n, err := s.VillageLists.PostNotice(c.Request.Context(), actor(c), service.NoticeInput{ListID: id, PostedOn: in.PostedOn, Place: in.Place,
		ReportPhone: in.ReportPhone, Supervisor: in.Supervisor, IssuedBy: in.IssuedBy})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, noticeDTO(*n))
}

// NoticeSheetDTO is a printable notice.
type NoticeSheetDTO struct {
	Title       string         `json:"title"`
	Level       string         `json:"level"`
	Place       string         `json:"place"`
	PostedOn    string         `json:"posted_on"`
	RunsUntil   string         `json:"runs_until"`
	Draft       bool           `json:"draft"`
	ReportPhone string         `json:"report_phone"`
	Supervisor  string         `json:"supervisor"`
	IssuedBy    string         `json:"issued_by"`
	Rows        []NoticeRowDTO `json:"rows"`
}

// NoticeRowDTO is a household on a notice (ID masked).
type NoticeRowDTO struct {
	HeadName      string `json:"head_name"`
	HeadIDMasked  string `json:"head_id_masked"`
	GroupName     string `json:"group_name"`
	HouseholdSize int    `json:"household_size"`
	Change        string `json:"change" example:"错评剔除"`
	Reason        string `json:"reason"`
}

// getNotice godoc
//
//	@Summary		The list's notice in the customary layout, for printing
//	@Description	Title, village or street, period, the households with a proposed change (head, masked ID, household size, change, reason), where to report, issuing body and date. Without a current posting it is a draft dated today. level: village or street (default: the current stage's).
//	@Tags			village-lists
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"list id"
//	@Param			level	query		string	false	"village or street"
//	@Success		200		{object}	NoticeSheetDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/village-lists/{id}/notice [get]
func (s *Server) getNotice(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	n, err := s.VillageLists.Notice(c.Request.Context(), actor(c), id, c.Query("level"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := NoticeSheetDTO{Title: n.Title, Level: n.Level, Place: n.Place, PostedOn: n.PostedOn.String(), RunsUntil: n.RunsUntil.String(),
		Draft: n.Draft, ReportPhone: n.ReportPhone, Supervisor: n.Supervisor, IssuedBy: n.IssuedBy, Rows: []NoticeRowDTO{}}
	for _, r := range n.Rows {
		out.Rows = append(out.Rows, NoticeRowDTO(r))
	}
	c.JSON(http.StatusOK, out)
}

// exportNotice godoc
//
//	@Summary	The list's notice as XLSX, laid out for A4 printing
//	@Tags		village-lists
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		id		path	int		true	"list id"
//	@Param		level	query	string	false	"village or street"
//	@Success	200
//	@Failure	404	{object}	ErrorBody
//	@Router		/village-lists/{id}/notice/export [get]
func (s *Server) exportNotice(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	n, err := s.VillageLists.Notice(c.Request.Context(), actor(c), id, c.Query("level"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	sendXLSX(c, s, fmt.Sprintf("公示-%s.xlsx", n.Place), func(w http.ResponseWriter) error { return service.WriteNoticeXLSX(w, n) })
}

// ReportRequest records a report (举报) received during the notice.
type ReportRequest struct {
	ReceivedOn localdate.Date `json:"received_on" swaggertype:"string" example:"2017-06-22"`
	Channel    string         `json:"channel" example:"phone" enums:"phone,letter,visit,other"`
	Content    string         `json:"content"`
	CaseIDs    []int64        `json:"case_ids"`
}

// addReport godoc
//
//	@Summary		Record a report (举报) against cases of the list
//	@Description	During a posted notice, by the notice stage's owner. Open until its investigation is recorded; the list cannot move on while a report is open.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"list id"
//	@Param			body	body		ReportRequest	true	"report"
//	@Success		201		{object}	ReportDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/village-lists/{id}/reports [post]
func (s *Server) addReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in ReportRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	r, err := s.VillageLists.AddReport(c.Request.Context(), actor(c), service.ReportInput{ListID: id, ReceivedOn: in.ReceivedOn,
		Channel: in.Channel, Content: in.Content, CaseIDs: in.CaseIDs})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, reportDTO(*r))
}

// InvestigationRequest records a report's investigation. Upheld: changes
// gives the new proposal of each named case (the notice restarts).
type InvestigationRequest struct {
	Upheld   bool                 `json:"upheld"`
	Findings string               `json:"findings"`
	Answer   string               `json:"answer"` // the answer given to the reporter
	Changes  []service.CaseChange `json:"changes"`
}

// investigateReport godoc
//
//	@Summary		Record the investigation of a report
//	@Description	Upheld or rejected, findings, the answer to the reporter. An upheld report changes its cases (changes: new proposal per case), which supersedes the current notice: post it again. Audited.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"list id"
//	@Param			rid		path		int						true	"report id"
//	@Param			body	body		InvestigationRequest	true	"investigation"
//	@Success		200		{object}	ReportDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/village-lists/{id}/reports/{rid}/investigation [post]
func (s *Server) investigateReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	rid, err := pathID(c, "rid")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in InvestigationRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	r, err := s.VillageLists.Investigate(c.Request.Context(), actor(c), service.InvestigationInput{ListID: id, ReportID: rid,
		Upheld: in.Upheld, Findings: in.Findings, Answer: in.Answer, Changes: in.Changes})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, reportDTO(*r))
}

// ProposalRequest is a check team's proposal on a case. accept: take the
// computed outcome; otherwise proposal with a reason (an override). keep: on
// a flagged case, keep the proposal with a reason.
type ProposalRequest struct {
	Version  int64  `json:"version"`
	Accept   bool   `json:"accept"`
	Keep     bool   `json:"keep"`
	Proposal string `json:"proposal" example:"keep"`
	Reason   string `json:"reason"`
}

// proposeCase godoc
//
//	@Summary		Propose on a case: accept the computed outcome, override it with a reason, or keep a flagged proposal
//	@Description	Check team, in stages 4–6; in 先退 only removals; no inclusion before every removal case of the village is proposed (先退后进); a needs_review outcome only by an override with a reason. Audited.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"case id"
//	@Param			body	body		ProposalRequest	true	"proposal"
//	@Success		200		{object}	CaseDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/cases/{id}/proposal [post]
func (s *Server) proposeCase(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in ProposalRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	cs, err := s.VillageLists.Propose(c.Request.Context(), actor(c), service.ProposalInput{CaseID: id, Version: in.Version,
		Accept: in.Accept, Keep: in.Keep, Proposal: in.Proposal, Reason: in.Reason})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var d CaseDTO
	d.fill(*cs)
	c.JSON(http.StatusOK, d)
}

// RecoveryRequest is the accountability record of a wrongly registered
// household that refuses to leave: the referral (追究责任) and the funds and
// goods to recover (追回扶持资金、物资). Amounts are decimal strings.
type RecoveryRequest struct {
	Version         int64            `json:"version"`
	RefusesExit     bool             `json:"refuses_exit"`
	ReferralOn      *localdate.Date  `json:"referral_on" swaggertype:"string" example:"2017-06-26"`
	ReferralTo      string           `json:"referral_to" example:"区纪委监委"`
	ReferralNote    string           `json:"referral_note"`
	RecoverAmount   *decimal.Decimal `json:"recover_amount" swaggertype:"string" example:"3200.00"`
	RecoverItems    string           `json:"recover_items" example:"扶贫羊2只"`
	RecoveredAmount *decimal.Decimal `json:"recovered_amount" swaggertype:"string" example:"1200.00"`
}

// setCaseRecovery godoc
//
//	@Summary	Record the accountability referral and recovery of a wrongly registered household
//	@Tags		village-lists
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		int				true	"case id"
//	@Param		body	body		RecoveryRequest	true	"referral and recovery"
//	@Success	200		{object}	CaseDTO
//	@Failure	409		{object}	ErrorBody
//	@Failure	422		{object}	ErrorBody
//	@Router		/cases/{id}/recovery [put]
func (s *Server) setCaseRecovery(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in RecoveryRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	cs, err := s.VillageLists.SetRecovery(c.Request.Context(), actor(c), service.RecoveryInput{CaseID: id, Version: in.Version,
		RefusesExit: in.RefusesExit, ReferralOn: in.ReferralOn, ReferralTo: in.ReferralTo, ReferralNote: in.ReferralNote,
		RecoverAmount: in.RecoverAmount, RecoverItems: in.RecoverItems, RecoveredAmount: in.RecoveredAmount})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var d CaseDTO
	d.fill(*cs)
	c.JSON(http.StatusOK, d)
}

// BatchProposalRequest proposes on many cases of a list: accept the
// computed outcome of each, or one override (proposal and reason) for all.
type BatchProposalRequest struct {
	CaseIDs  []int64 `json:"case_ids"`
	Accept   bool    `json:"accept"`
	Proposal string  `json:"proposal"`
	Reason   string  `json:"reason"`
}

// BatchProposalResult says how many cases were proposed and why others were not.
type BatchProposalResult struct {
	Proposed int               `json:"proposed"`
	Refused  []BatchRefusalDTO `json:"refused"`
}

// BatchRefusalDTO is a case a batch could not propose on.
type BatchRefusalDTO struct {
	CaseID  int64  `json:"case_id"`
	Message string `json:"message"`
}

// proposeBatch godoc
//
//	@Summary		Propose on many cases of a list at once
//	@Description	Each case as POST /cases/{id}/proposal would (own audit record), removal cases first (先退后进); a case refused does not stop the others and is listed with the reason.
//	@Tags			village-lists
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"list id"
//	@Param			body	body		BatchProposalRequest	true	"cases and proposal"
//	@Success		200		{object}	BatchProposalResult
//	@Failure		403		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/village-lists/{id}/proposals [post]
func (s *Server) proposeBatch(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in BatchProposalRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	res, err := s.VillageLists.ProposeBatch(c.Request.Context(), actor(c), service.BatchInput{ListID: id, CaseIDs: in.CaseIDs,
		Accept: in.Accept, Proposal: in.Proposal, Reason: in.Reason})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := BatchProposalResult{Proposed: res.Proposed, Refused: []BatchRefusalDTO{}}
	for _, r := range res.Refused {
		out.Refused = append(out.Refused, BatchRefusalDTO(r))
	}
	c.JSON(http.StatusOK, out)
}

// CampaignCaseDTO is a case behind a figure: the household, its place, the
// computed outcome and the proposal.
type CampaignCaseDTO struct {
	ID            int64  `json:"id"`
	ListID        int64  `json:"list_id"`
	HouseholdID   int64  `json:"household_id"`
	HouseholdCode string `json:"household_code"`
	HeadName      string `json:"head_name"`
	StreetName    string `json:"street_name"`
	VillageName   string `json:"village_name"`
	Members       int    `json:"members"`
	Computed      string `json:"computed"`
	ComputedLabel string `json:"computed_label"`
	Proposal      string `json:"proposal"`
	ProposalLabel string `json:"proposal_label"`
	Flagged       bool   `json:"flagged"`
}

// campaignCases godoc
//
//	@Summary		A campaign's cases across its village lists (the households behind a figure)
//	@Description	In the caller's scope; filters: street, village, proposal (an outcome, or none), computed, flagged=1. Paged (page_size ≤ 100).
//	@Tags			village-lists
//	@Produce		json
//	@Security		Bearer
//	@Param			id			path		int		true	"campaign id"
//	@Param			street		query		string	false	"street code"
//	@Param			village		query		string	false	"village code"
//	@Param			proposal	query		string	false	"proposal (outcome code) or none"
//	@Param			computed	query		string	false	"computed outcome"
//	@Param			flagged		query		string	false	"1: flagged cases only"
//	@Param			page		query		int		false	"page"
//	@Param			page_size	query		int		false	"page size"
//	@Success		200			{object}	Page[CampaignCaseDTO]
//	@Failure		404			{object}	ErrorBody
//	@Router			/campaigns/{id}/cases [get]
func (s *Server) campaignCases(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	page, size, err := paging(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f := store.CampaignCaseFilter{StreetCode: c.Query("street"), VillageCode: c.Query("village"), Proposal: c.Query("proposal"),
		Computed: c.Query("computed"), Flagged: c.Query("flagged") == "1", Page: page, PageSize: size}
	rows, total, err := s.VillageLists.Cases(c.Request.Context(), actor(c), id, f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[CampaignCaseDTO]{Items: make([]CampaignCaseDTO, len(rows)), Total: total, Page: page, PageSize: size}
	for i, r := range rows {
		out.Items[i] = CampaignCaseDTO{ID: r.ID, ListID: r.ListID, HouseholdID: r.HouseholdID, HouseholdCode: r.HouseholdCode,
			HeadName: r.HeadName, StreetName: r.StreetName, VillageName: r.VillageName, Members: r.Members, Computed: r.Computed,
			ComputedLabel: rules.Outcome(r.Computed).Chinese(), Proposal: r.Proposal, ProposalLabel: rules.Outcome(r.Proposal).Chinese(), Flagged: r.Flagged}
	}
	c.JSON(http.StatusOK, out)
}
