package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// ChoiceDTO is one value an enum field takes.
type ChoiceDTO struct {
	Code  string `json:"code" example:"major_disease"`
	Label string `json:"label" example:"患有大病"`
}

// ResponsibleFieldDTO is one field of a department's responsibility list.
type ResponsibleFieldDTO struct {
	Key     string      `json:"key" example:"members.health"`
	Table   string      `json:"table" example:"member" enums:"household,member,village"`
	Label   string      `json:"label" example:"健康状况"`
	Kind    string      `json:"kind" example:"enum" enums:"bool,decimal,int,date,text,enum,list"`
	Choices []ChoiceDTO `json:"choices,omitempty"`
}

// ResponsibilitiesDTO is a department with the fields it confirms.
type ResponsibilitiesDTO struct {
	Code   string                `json:"code" example:"health"`
	Name   string                `json:"name" example:"区卫计局"`
	Fields []ResponsibleFieldDTO `json:"fields"`
}

// TaskFieldDTO is one field of a household, member or village in a
// department's inbox. value is the stored value as text (a bool "true" or
// "false", an amount "45000.00", a date YYYY-MM-DD, a code, a list as a
// JSON array of its items; null unknown); display is the same in words.
type TaskFieldDTO struct {
	Key        string     `json:"key" example:"members.health"`
	Label      string     `json:"label" example:"健康状况"`
	Kind       string     `json:"kind" example:"enum"`
	MemberID   int64      `json:"member_id"` // 0: the household's (village's) own field
	MemberName string     `json:"member_name"`
	Value      *string    `json:"value" example:"chronic"`
	Display    string     `json:"display" example:"长期慢性病"`
	State      string     `json:"state" example:"pending" enums:"pending,confirmed,corrected,disputed"`
	Note       string     `json:"note"`
	By         string     `json:"by"`
	At         *time.Time `json:"at"`
}

// TaskMemberDTO is a member as the liaison needs it to match its records:
// the full ID number (minimum necessary, nothing else of the person).
type TaskMemberDTO struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// TaskItemDTO is one household (household_id, code and members set) or
// village of a department's inbox, with the department's fields only.
type TaskItemDTO struct {
	HouseholdID int64           `json:"household_id,omitempty"`
	Code        string          `json:"code,omitempty"`
	Version     int64           `json:"version"`
	StreetCode  string          `json:"street_code"`
	StreetName  string          `json:"street_name"`
	VillageCode string          `json:"village_code"`
	VillageName string          `json:"village_name"`
	Members     []TaskMemberDTO `json:"members,omitempty"`
	Fields      []TaskFieldDTO  `json:"fields"`
}

// TaskCountsDTO counts the fields of the filter by state.
type TaskCountsDTO struct {
	Pending   int64 `json:"pending"`
	Confirmed int64 `json:"confirmed"`
	Corrected int64 `json:"corrected"`
	Disputed  int64 `json:"disputed"`
}

// TaskPageDTO is a page of a department's inbox.
type TaskPageDTO struct {
	Items      []TaskItemDTO `json:"items"`
	Total      int64         `json:"total"`
	Page       int           `json:"page"`
	PageSize   int           `json:"page_size"`
	CampaignID int64         `json:"campaign_id"`
	Counts     TaskCountsDTO `json:"counts"`
}

// TaskRefDTO names one field: of a household (household_id, with member_id
// for a member's field) or of a village (village_code).
type TaskRefDTO struct {
	HouseholdID int64  `json:"household_id,omitempty"`
	VillageCode string `json:"village_code,omitempty"`
	Field       string `json:"field" example:"members.health"`
	MemberID    int64  `json:"member_id"`
}

// ConfirmRequest confirms the items named, or with all every pending field
// in the filter (street, village, q).
type ConfirmRequest struct {
	CampaignID int64        `json:"campaign_id"`
	Kind       string       `json:"kind" example:"household" enums:"household,village"`
	Items      []TaskRefDTO `json:"items"`
	All        bool         `json:"all"`
	Street     string       `json:"street"`
	Village    string       `json:"village"`
	Q          string       `json:"q"`
}

// ConfirmResult says how many fields were confirmed.
type ConfirmResult struct {
	Confirmed int `json:"confirmed"`
}

// CorrectRequest is a new value for one field, with the household's (or
// village's) version the liaison saw. value is text (a code or its Chinese
// label, 是/否 or true/false, an amount, a date, a JSON array for a list) or
// a JSON number, boolean or array; null is unknown.
type CorrectRequest struct {
	CampaignID  int64           `json:"campaign_id"`
	Kind        string          `json:"kind" example:"household" enums:"household,village"`
	HouseholdID int64           `json:"household_id,omitempty"`
	VillageCode string          `json:"village_code,omitempty"`
	Field       string          `json:"field" example:"members.health"`
	MemberID    int64           `json:"member_id"`
	Value       json.RawMessage `json:"value" swaggertype:"string" example:"major_disease"`
	Note        string          `json:"note"`
	Version     int64           `json:"version"`
}

// DisputeRequest objects to one field's value, with the reason.
type DisputeRequest struct {
	CampaignID  int64  `json:"campaign_id"`
	Kind        string `json:"kind" example:"household" enums:"household,village"`
	HouseholdID int64  `json:"household_id,omitempty"`
	VillageCode string `json:"village_code,omitempty"`
	Field       string `json:"field"`
	MemberID    int64  `json:"member_id"`
	Note        string `json:"note"`
}

// TaskImportResult counts what an uploaded sheet recorded.
type TaskImportResult struct {
	Confirmed int `json:"confirmed"`
	Corrected int `json:"corrected"`
	Disputed  int `json:"disputed"`
}

// TaskImportReportDTO is the report of a refused sheet.
type TaskImportReportDTO struct {
	TaskImportResult
	Problems []ImportProblemDTO `json:"problems"`
}

// TaskImportRejectedBody is the 422 of a sheet with problems: the error and
// every problem (row, column, value, reason).
type TaskImportRejectedBody struct {
	Error  ErrorDetail         `json:"error"`
	Report TaskImportReportDTO `json:"report"`
}

func taskItemDTO(it service.TaskItem) TaskItemDTO {
	out := TaskItemDTO{HouseholdID: it.HouseholdID, Code: it.Code, Version: it.Version, StreetCode: it.StreetCode, StreetName: it.StreetName,
		VillageCode: it.VillageCode, VillageName: it.VillageName, Fields: make([]TaskFieldDTO, len(it.Fields))}
	if it.HouseholdID != 0 {
		out.Members = make([]TaskMemberDTO, len(it.Members))
		for i, m := range it.Members {
			out.Members[i] = TaskMemberDTO(m)
		}
	}
	for i, f := range it.Fields {
		out.Fields[i] = TaskFieldDTO(f)
	}
	return out
}

func taskQuery(c *gin.Context) (service.TaskQuery, error) {
	page, size, err := paging(c)
	if err != nil {
		return service.TaskQuery{}, err
	}
	q := service.TaskQuery{Kind: c.Query("kind"), State: c.Query("state"), StreetCode: c.Query("street"), VillageCode: c.Query("village"),
		Text: c.Query("q"), IDNumber: c.Query("id_number"), Page: page, PageSize: size}
	if v := c.Query("campaign_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			e := apperr.New(apperr.BadRequest, "查询参数不正确")
			e.Details = []apperr.Detail{{Field: "campaign_id", Message: "应为批次编号"}}
			return q, e
		}
		q.CampaignID = id
	}
	return q, nil
}

// departmentResponsibilities godoc
//
//	@Summary		A department's responsibility list (the fields it confirms)
//	@Description	Every field names its table (household, member, village), Chinese label, kind and, for codes, the choices. A department liaison may ask for its own department only (403 otherwise).
//	@Tags			departments
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string	true	"department code"
//	@Success		200		{object}	ResponsibilitiesDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Router			/departments/{code}/responsibilities [get]
func (s *Server) departmentResponsibilities(c *gin.Context) {
	r, err := s.Confirmations.Responsibilities(c.Request.Context(), actor(c), c.Param("code"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := ResponsibilitiesDTO{Code: r.Code, Name: r.Name, Fields: make([]ResponsibleFieldDTO, len(r.Fields))}
	for i, f := range r.Fields {
		d := ResponsibleFieldDTO{Key: f.Key, Table: f.Table(), Label: f.Label, Kind: f.Kind}
		for _, ch := range f.Choices() {
			d.Choices = append(d.Choices, ChoiceDTO{Code: ch.Code, Label: ch.LabelZh})
		}
		out.Fields[i] = d
	}
	c.JSON(http.StatusOK, out)
}

// departmentTasks godoc
//
//	@Summary		A department's confirmation inbox (信息数据复核)
//	@Description	The households (kind=household) or villages (kind=village) with the department's own fields in the state asked for (default pending), server-side paged in household code order; counts are the fields of the whole filter by state. Household items carry the code, place, members' names and full ID numbers (to match the department's records) and the department's fields only. The campaign is campaign_id, default the newest. A liaison may read its own department only (403 otherwise); the district any. Every household read is audited.
//	@Tags			departments
//	@Produce		json
//	@Security		Bearer
//	@Param			code		path		string	true	"department code"
//	@Param			campaign_id	query		int		false	"campaign (default the newest)"
//	@Param			kind		query		string	false	"household (default) or village"
//	@Param			state		query		string	false	"pending (default), confirmed, corrected, disputed, all"
//	@Param			street		query		string	false	"street code"
//	@Param			village		query		string	false	"village code"
//	@Param			q			query		string	false	"part of the household code or a member's name (villages: of the name or code)"
//	@Param			id_number	query		string	false	"a member's full ID number (exact)"
//	@Param			page		query		int		false	"page, from 1"
//	@Param			page_size	query		int		false	"1 to 100"
//	@Success		200			{object}	TaskPageDTO
//	@Failure		400			{object}	ErrorBody
//	@Failure		403			{object}	ErrorBody
//	@Failure		404			{object}	ErrorBody
//	@Router			/departments/{code}/tasks [get]
func (s *Server) departmentTasks(c *gin.Context) {
	q, err := taskQuery(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	p, err := s.Confirmations.Tasks(c.Request.Context(), actor(c), c.Param("code"), q)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := TaskPageDTO{Items: make([]TaskItemDTO, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize, CampaignID: p.CampaignID,
		Counts: TaskCountsDTO{Pending: p.Counts[store.StatePending], Confirmed: p.Counts[store.StateConfirmed],
			Corrected: p.Counts[store.StateCorrected], Disputed: p.Counts[store.StateDisputed]}}
	for i, it := range p.Items {
		out.Items[i] = taskItemDTO(it)
	}
	c.JSON(http.StatusOK, out)
}

// confirmTasks godoc
//
//	@Summary		Confirm fields (bulk)
//	@Description	Records the department's confirmation of the fields named in items at their current values, or with all=true of every pending field in the filter (street, village, q). Only the department's own liaison; another department's field is 403. Audited per household (village).
//	@Tags			departments
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string			true	"department code"
//	@Param			body	body		ConfirmRequest	true	"items, or all with a filter"
//	@Success		200		{object}	ConfirmResult
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/departments/{code}/tasks/confirm [post]
func (s *Server) confirmTasks(c *gin.Context) {
	var in ConfirmRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	req := service.ConfirmRequest{CampaignID: in.CampaignID, Kind: in.Kind, All: in.All, StreetCode: in.Street, VillageCode: in.Village, Text: in.Q}
	for _, it := range in.Items {
		req.Items = append(req.Items, service.TaskRef(it))
	}
	n, err := s.Confirmations.Confirm(c.Request.Context(), actor(c), c.Param("code"), req)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, ConfirmResult{Confirmed: n})
}

// rawText reads a JSON value as text: a string as it is, a number, boolean,
// array or object as written; null (or absent) as nil.
func rawText(raw json.RawMessage) (*string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return nil, err
		}
		return &s, nil
	}
	s := string(t)
	return &s, nil
}

// correctTask godoc
//
//	@Summary		Correct one field
//	@Description	Writes the new value through the household (or village) service like any edit — version checked (409 version_conflict when stale), validated (422), audited, the household's outcome recomputed — and records the field as corrected with the note. Returns the item with the department's fields. Only the department's own liaison.
//	@Tags			departments
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string			true	"department code"
//	@Param			body	body		CorrectRequest	true	"field, new value, note, version seen"
//	@Success		200		{object}	TaskItemDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/departments/{code}/tasks/correct [post]
func (s *Server) correctTask(c *gin.Context) {
	var in CorrectRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := rawText(in.Value)
	if err != nil {
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "value", Message: "值不正确"}))
		return
	}
	it, err := s.Confirmations.Correct(c.Request.Context(), actor(c), c.Param("code"), service.Correction{CampaignID: in.CampaignID, Kind: in.Kind,
		TaskRef: service.TaskRef{HouseholdID: in.HouseholdID, VillageCode: in.VillageCode, Field: in.Field, MemberID: in.MemberID},
		Value:   v, Note: in.Note, Version: in.Version})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, taskItemDTO(*it))
}

// disputeTask godoc
//
//	@Summary		Dispute one field
//	@Description	Records that the department disputes the field's value; the note (the reason) is required. Returns the item. Only the department's own liaison.
//	@Tags			departments
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string			true	"department code"
//	@Param			body	body		DisputeRequest	true	"field and reason"
//	@Success		200		{object}	TaskItemDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/departments/{code}/tasks/dispute [post]
func (s *Server) disputeTask(c *gin.Context) {
	var in DisputeRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	it, err := s.Confirmations.Dispute(c.Request.Context(), actor(c), c.Param("code"), service.Dispute{CampaignID: in.CampaignID, Kind: in.Kind,
		TaskRef: service.TaskRef{HouseholdID: in.HouseholdID, VillageCode: in.VillageCode, Field: in.Field, MemberID: in.MemberID}, Note: in.Note})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, taskItemDTO(*it))
}

// exportTasks godoc
//
//	@Summary		The filtered inbox as XLSX, to fill in and upload again
//	@Description	One row per field: 户编号 (村表: 行政村代码), 成员身份证号, 字段, 当前值, 处理(确认/更正/有异议), 更正值, 说明. Same filters as the inbox (default pending). Audited.
//	@Tags			departments
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Param			code		path	string	true	"department code"
//	@Param			campaign_id	query	int		false	"campaign (default the newest)"
//	@Param			kind		query	string	false	"household (default) or village"
//	@Param			state		query	string	false	"pending (default), confirmed, corrected, disputed, all"
//	@Param			street		query	string	false	"street code"
//	@Param			village		query	string	false	"village code"
//	@Param			q			query	string	false	"household code or member name"
//	@Success		200			{file}	file
//	@Failure		403			{object}	ErrorBody
//	@Router			/departments/{code}/tasks/export [get]
func (s *Server) exportTasks(c *gin.Context) {
	q, err := taskQuery(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	code := c.Param("code")
	name := fmt.Sprintf("%s-%s-tasks-%s.xlsx", code, map[bool]string{true: "village", false: "household"}[q.Kind == service.TaskVillage],
		time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, "核实清单-"+name, func(w http.ResponseWriter) error {
		return s.Confirmations.Export(c.Request.Context(), actor(c), code, q, w)
	})
}

// importTasks godoc
//
//	@Summary		Upload a filled-in inbox sheet
//	@Description	Multipart form with `file` (the XLSX from the export, filled in) and optionally `campaign_id`. Every row with 处理 is checked first (the household or village, the member by ID number, the department's field, 当前值 still the field's value, the corrected value as the register checks it); one problem and nothing is recorded (422 with every problem: row, column, value, reason). Corrections go through the household service like any edit.
//	@Tags			departments
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			code		path		string	true	"department code"
//	@Param			file		formData	file	true	"the filled-in sheet (.xlsx)"
//	@Param			campaign_id	formData	int		false	"campaign (default the newest)"
//	@Success		200			{object}	TaskImportResult
//	@Failure		403			{object}	ErrorBody
//	@Failure		413			{object}	ErrorBody
//	@Failure		422			{object}	TaskImportRejectedBody
//	@Router			/departments/{code}/tasks/import [post]
func (s *Server) importTasks(c *gin.Context) {
	name, data, err := formFile(c, s.opt.UploadLimit, "请选择填好的核实清单", "campaign_id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var campaignID int64
	if v := strings.TrimSpace(c.Request.FormValue("campaign_id")); v != "" {
		if campaignID, err = strconv.ParseInt(v, 10, 64); err != nil || campaignID < 1 {
			fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "campaign_id", Message: "应为批次编号"}))
			return
		}
	}
	rep, err := s.Confirmations.Import(c.Request.Context(), actor(c), c.Param("code"), campaignID, name, data)
	if errors.Is(err, service.ErrTaskImportRejected) && rep != nil {
		e := apperr.As(err)
		body := TaskImportRejectedBody{Error: ErrorDetail{Code: string(e.Code), RequestID: requestID(c),
			Message: fmt.Sprintf("%s（共%d处问题）", e.Message, len(rep.Problems))},
			Report: TaskImportReportDTO{Problems: make([]ImportProblemDTO, len(rep.Problems))}}
		for i, p := range rep.Problems {
			body.Report.Problems[i] = ImportProblemDTO(p)
		}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, body)
		return
	}
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, TaskImportResult{Confirmed: rep.Confirmed, Corrected: rep.Corrected, Disputed: rep.Disputed})
}
