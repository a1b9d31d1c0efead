package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// InspectionDTO is an inspection's header.
type InspectionDTO struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Body       string    `json:"body" example:"national" enums:"national,provincial,city,district"`
	BodyLabel  string    `json:"body_label" example:"国家"`
	Kind       string    `json:"kind" example:"assessment" enums:"assessment,supervision,audit"`
	KindLabel  string    `json:"kind_label" example:"检查考核"`
	StartedOn  string    `json:"started_on" example:"2017-11-06"`
	EndedOn    string    `json:"ended_on" example:"2017-11-15"`
	Note       string    `json:"note"`
	Version    int64     `json:"version"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func inspectionDTO(in store.Inspection) InspectionDTO {
	return InspectionDTO{ID: in.ID, CampaignID: in.CampaignID, Body: in.Body, BodyLabel: rates.LabelOf(rates.Bodies, in.Body),
		Kind: in.Kind, KindLabel: rates.LabelOf(rates.Kinds, in.Kind), StartedOn: in.StartedOn.String(), EndedOn: in.EndedOn.String(),
		Note: in.Note, Version: in.Version, CreatedBy: in.CreatedBy, CreatedAt: in.CreatedAt, UpdatedBy: in.UpdatedBy, UpdatedAt: in.UpdatedAt}
}

// InspectionSummaryDTO is an inspection in a list, with what it sampled in
// the caller's scope.
type InspectionSummaryDTO struct {
	InspectionDTO
	SampledHouseholds int `json:"sampled_households"`
	SampledPeople     int `json:"sampled_people"`
	Faults            int `json:"faults"` // households found missed, wrong or wrongly exited
}

// SampledHouseholdDTO is a sampled household and its finding.
type SampledHouseholdDTO struct {
	HouseholdID   int64  `json:"household_id"`
	HouseholdCode string `json:"household_code"`
	StreetCode    string `json:"street_code"`
	StreetName    string `json:"street_name"`
	VillageCode   string `json:"village_code"`
	VillageName   string `json:"village_name"`
	Status        string `json:"status" example:"not_registered" enums:"not_registered,registered,exited"`
	StatusLabel   string `json:"status_label" example:"非建档立卡户"`
	People        int    `json:"people" example:"3"`
	Finding       string `json:"finding" example:"missed" enums:"correct,missed,wrong,wrongly_exited"`
	FindingLabel  string `json:"finding_label" example:"漏评"`
	Note          string `json:"note"`
}

// InspectionDetailDTO is an inspection with its sampled households in the
// caller's scope.
type InspectionDetailDTO struct {
	InspectionDTO
	Households []SampledHouseholdDTO `json:"households"`
}

func inspectionDetailDTO(v *service.InspectionView) InspectionDetailDTO {
	out := InspectionDetailDTO{InspectionDTO: inspectionDTO(v.Inspection), Households: make([]SampledHouseholdDTO, len(v.Households))}
	for i, h := range v.Households {
		out.Households[i] = SampledHouseholdDTO{HouseholdID: h.HouseholdID, HouseholdCode: h.HouseholdCode, StreetCode: h.StreetCode,
			StreetName: h.StreetName, VillageCode: h.VillageCode, VillageName: h.VillageName, Status: h.Status,
			StatusLabel: rates.LabelOf(rates.Statuses, h.Status), People: h.People, Finding: h.Finding,
			FindingLabel: rates.LabelOf(rates.Findings, h.Finding), Note: h.Note}
	}
	return out
}

// SampleRequest is one sampled household. status defaults to the
// household's status once the campaign's proposal takes effect (the
// register's status without a proposal); people to its present members.
type SampleRequest struct {
	HouseholdCode string `json:"household_code" example:"530103012004-0000001"`
	Status        string `json:"status,omitempty" example:"not_registered" enums:"not_registered,registered,exited"`
	People        *int   `json:"people,omitempty" example:"3"`
	Finding       string `json:"finding" example:"missed" enums:"correct,missed,wrong,wrongly_exited"`
	Note          string `json:"note,omitempty"`
}

// InspectionRequest records an inspection.
type InspectionRequest struct {
	CampaignID int64           `json:"campaign_id" example:"1"`
	Body       string          `json:"body" example:"national" enums:"national,provincial,city,district"`
	Kind       string          `json:"kind" example:"assessment" enums:"assessment,supervision,audit"`
	StartedOn  localdate.Date  `json:"started_on" swaggertype:"string" example:"2017-11-06"`
	EndedOn    localdate.Date  `json:"ended_on" swaggertype:"string" example:"2017-11-15"`
	Note       string          `json:"note"`
	Households []SampleRequest `json:"households"`
}

// InspectionUpdateRequest replaces an inspection read at version (the
// campaign stays).
type InspectionUpdateRequest struct {
	Version    int64           `json:"version" example:"1"`
	Body       string          `json:"body" example:"national"`
	Kind       string          `json:"kind" example:"assessment"`
	StartedOn  localdate.Date  `json:"started_on" swaggertype:"string" example:"2017-11-06"`
	EndedOn    localdate.Date  `json:"ended_on" swaggertype:"string" example:"2017-11-15"`
	Note       string          `json:"note"`
	Households []SampleRequest `json:"households"`
}

// DeleteInspectionRequest carries the version read and the reason.
type DeleteInspectionRequest struct {
	Version int64  `json:"version" example:"1"`
	Reason  string `json:"reason" example:"重复录入"`
}

func sampleInputs(in []SampleRequest) []service.SampleInput {
	out := make([]service.SampleInput, len(in))
	for i, h := range in {
		out[i] = service.SampleInput(h)
	}
	return out
}

// listInspections godoc
//
//	@Summary		Inspections (检查考核、督查巡查、审计评估)
//	@Description	Those that sampled a household in the caller's scope (and the street), newest first, with their sampled households and findings counted in that scope.
//	@Tags			inspections
//	@Produce		json
//	@Security		Bearer
//	@Param			campaign	query		int		false	"campaign id"
//	@Param			street		query		string	false	"street code"
//	@Param			page		query		int		false	"page (from 1)"
//	@Param			page_size	query		int		false	"page size (at most 100)"
//	@Success		200			{object}	Page[InspectionSummaryDTO]
//	@Failure		404			{object}	ErrorBody
//	@Router			/inspections [get]
func (s *Server) listInspections(c *gin.Context) {
	page, size, err := paging(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	q := service.InspectionQuery{StreetCode: c.Query("street"), Page: page, PageSize: size}
	if v := c.Query("campaign"); v != "" {
		if q.CampaignID, err = strconv.ParseInt(v, 10, 64); err != nil || q.CampaignID < 1 {
			fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "campaign", Message: "应为批次编号"}))
			return
		}
	}
	rows, total, err := s.Inspections.List(c.Request.Context(), actor(c), q)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[InspectionSummaryDTO]{Items: make([]InspectionSummaryDTO, len(rows)), Total: total, Page: page, PageSize: size}
	for i, r := range rows {
		out.Items[i] = InspectionSummaryDTO{InspectionDTO: inspectionDTO(r.Inspection), SampledHouseholds: r.Households,
			SampledPeople: r.People, Faults: r.Faults}
	}
	c.JSON(http.StatusOK, out)
}

// createInspection godoc
//
//	@Summary		Record an inspection with its sampled households and findings
//	@Description	Checked whole: body, kind, dates (not before the campaign's year, ended not before started nor after today), every household (by code, once), status at sampling and finding (漏评 only of a non-registered household, 错评 of a registered one, 错退 of an exited one). Audited.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		InspectionRequest	true	"the inspection"
//	@Success		201		{object}	InspectionDetailDTO
//	@Failure		422		{object}	ErrorBody
//	@Router			/inspections [post]
func (s *Server) createInspection(c *gin.Context) {
	var in InspectionRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := s.Inspections.Create(c.Request.Context(), actor(c), service.InspectionInput{CampaignID: in.CampaignID, Body: in.Body,
		Kind: in.Kind, StartedOn: in.StartedOn, EndedOn: in.EndedOn, Note: in.Note, Households: sampleInputs(in.Households)})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, inspectionDetailDTO(v))
}

// getInspection godoc
//
//	@Summary		One inspection with its sampled households
//	@Description	The households in the caller's scope; an inspection that sampled nothing there is 404.
//	@Tags			inspections
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"inspection id"
//	@Success		200	{object}	InspectionDetailDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/inspections/{id} [get]
func (s *Server) getInspection(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := s.Inspections.Get(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, inspectionDetailDTO(v))
}

// updateInspection godoc
//
//	@Summary		Replace an inspection (header and all households)
//	@Description	At the version read; a stale one is 409 version_conflict. Checked as on creation. Audited.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"inspection id"
//	@Param			body	body		InspectionUpdateRequest	true	"the inspection"
//	@Success		200		{object}	InspectionDetailDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/inspections/{id} [put]
func (s *Server) updateInspection(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in InspectionUpdateRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := s.Inspections.Update(c.Request.Context(), actor(c), id, service.InspectionInput{Version: in.Version, Body: in.Body,
		Kind: in.Kind, StartedOn: in.StartedOn, EndedOn: in.EndedOn, Note: in.Note, Households: sampleInputs(in.Households)})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, inspectionDetailDTO(v))
}

// deleteInspection godoc
//
//	@Summary		Delete an inspection
//	@Description	At the version read, with a reason. Audited.
//	@Tags			inspections
//	@Accept			json
//	@Security		Bearer
//	@Param			id		path	int						true	"inspection id"
//	@Param			body	body	DeleteInspectionRequest	true	"version and reason"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/inspections/{id} [delete]
func (s *Server) deleteInspection(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in DeleteInspectionRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Inspections.Delete(c.Request.Context(), actor(c), id, in.Version, in.Reason); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// inspectionTemplate godoc
//
//	@Summary		The inspection sheet's template (XLSX)
//	@Description	Sheet 抽查户: one row per sampled household with its inspection's header fields (检查单位*, 检查类型*, 开始日期*, 结束日期*, 检查说明, 户编号*, 抽查时状态, 人数, 检查结论*, 备注), an example row, drop-down lists; sheet 填写说明.
//	@Tags			inspections
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Success		200	{file}	file
//	@Router			/inspections/template [get]
func (s *Server) inspectionTemplate(c *gin.Context) {
	sendXLSX(c, s, "检查考核结果导入模板.xlsx", func(w http.ResponseWriter) error {
		return s.Inspections.Template(c.Request.Context(), actor(c), w)
	})
}

// InspectionImportResult lists the inspections an upload recorded.
type InspectionImportResult struct {
	CampaignID  int64                  `json:"campaign_id"`
	Inspections []InspectionSummaryDTO `json:"inspections"`
	Households  int                    `json:"households"`
}

// InspectionImportReportDTO lists the problems of a refused sheet.
type InspectionImportReportDTO struct {
	Problems []ImportProblemDTO `json:"problems"`
}

// InspectionImportRejectedBody is the 422 of a sheet with problems.
type InspectionImportRejectedBody struct {
	Error  ErrorDetail               `json:"error"`
	Report InspectionImportReportDTO `json:"report"`
}

// importInspections godoc
//
//	@Summary		Upload inspection results (XLSX)
//	@Description	Multipart form with `file` (the template, filled in) and optionally `campaign_id` (default the active campaign). Rows with the same header fields are one inspection. The whole file is checked first; one problem and nothing is recorded (422 with every problem: row, column, value, reason). Audited.
//	@Tags			inspections
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			file		formData	file	true	"the filled-in sheet (.xlsx)"
//	@Param			campaign_id	formData	int		false	"campaign (default the active one)"
//	@Success		201			{object}	InspectionImportResult
//	@Failure		413			{object}	ErrorBody
//	@Failure		422			{object}	InspectionImportRejectedBody
//	@Router			/inspections/import [post]
func (s *Server) importInspections(c *gin.Context) {
	name, data, err := formFile(c, s.opt.UploadLimit, "请选择填好的检查考核结果表", "campaign_id")
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
	rep, err := s.Inspections.Import(c.Request.Context(), actor(c), campaignID, name, data)
	if errors.Is(err, service.ErrInspectionImportRejected) && rep != nil {
		e := apperr.As(err)
		body := InspectionImportRejectedBody{Error: ErrorDetail{Code: string(e.Code), RequestID: requestID(c),
			Message: fmt.Sprintf("%s（共%d处问题）", e.Message, len(rep.Problems))},
			Report: InspectionImportReportDTO{Problems: make([]ImportProblemDTO, len(rep.Problems))}}
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
	out := InspectionImportResult{Inspections: make([]InspectionSummaryDTO, len(rep.Inspections))}
	for i, v := range rep.Inspections {
		people, faults := 0, 0
		for _, h := range v.Households {
			people += h.People
			if h.Finding != rates.Correct {
				faults++
			}
		}
		out.CampaignID = v.CampaignID
		out.Inspections[i] = InspectionSummaryDTO{InspectionDTO: inspectionDTO(v.Inspection), SampledHouseholds: len(v.Households),
			SampledPeople: people, Faults: faults}
		out.Households += len(v.Households)
	}
	c.JSON(http.StatusCreated, out)
}
