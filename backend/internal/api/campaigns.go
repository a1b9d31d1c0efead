package api

import (
	"jingzhun/internal/apperr"
	"jingzhun/internal/workflow"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// CampaignDTO is a review campaign (动态管理批次) with its parameters (rules.md §1).
type CampaignDTO struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name" example:"2017年动态管理"`
	CampaignYear      int       `json:"campaign_year" example:"2017"`
	IncomeYear        int       `json:"income_year" example:"2016"`
	PovertyLine       string    `json:"poverty_line" example:"3000.00"`
	VehicleValueLimit string    `json:"vehicle_value_limit" example:"30000.00"`
	ReferenceDate     string    `json:"reference_date" example:"2017-06-30"`
	Active            bool      `json:"active"`
	ReportPhone       string    `json:"report_phone" example:"12317"`
	SupervisorUnit    string    `json:"supervisor_unit" example:"盘龙区纪委监委、区扶贫办"`
	Version           int64     `json:"version"`
	UpdatedAt         time.Time `json:"updated_at"`
	UpdatedBy         string    `json:"updated_by"`
}

func campaignDTO(c *store.Campaign) CampaignDTO {
	return CampaignDTO{ID: c.ID, Name: c.Name, CampaignYear: c.CampaignYear, IncomeYear: c.IncomeYear,
		PovertyLine: c.PovertyLine.StringFixed(2), VehicleValueLimit: c.VehicleValueLimit.StringFixed(2),
		ReferenceDate: c.ReferenceDate.String(), Active: c.Active, ReportPhone: c.ReportPhone, SupervisorUnit: c.SupervisorUnit, Version: c.Version, UpdatedAt: c.UpdatedAt, UpdatedBy: c.UpdatedBy}
}

// CampaignPatch changes a campaign; absent fields stay. Amounts are decimal
// strings or numbers (yuan, two decimals).
type CampaignPatch struct {
	Version           int64            `json:"version"`
	Name              *string          `json:"name"`
	CampaignYear      *int             `json:"campaign_year"`
	IncomeYear        *int             `json:"income_year"`
	PovertyLine       *decimal.Decimal `json:"poverty_line" swaggertype:"string" example:"3000.00"`
	VehicleValueLimit *decimal.Decimal `json:"vehicle_value_limit" swaggertype:"string" example:"30000"`
	ReferenceDate     *localdate.Date  `json:"reference_date" swaggertype:"string" example:"2017-06-30"`
	ReportPhone       *string          `json:"report_phone"`
	SupervisorUnit    *string          `json:"supervisor_unit"`
	// Deadlines by stage key, every stage (analysis … recorded).
	Deadlines map[string]localdate.Date `json:"deadlines" swaggertype:"object,string" example:"analysis:2017-06-30"`
}

// deadlineMap reads deadlines keyed by stage key.
func deadlineMap(in map[string]localdate.Date) (map[workflow.Stage]localdate.Date, error) {
	if in == nil {
		return nil, nil
	}
	out := make(map[workflow.Stage]localdate.Date, len(in))
	for k, d := range in {
		st, ok := workflow.ParseStage(k)
		if !ok {
			return nil, apperr.Invalid(apperr.Detail{Field: "deadlines." + k, Message: "未知的阶段"})
		}
		out[st] = d
	}
	return out, nil
}

// CampaignUpdated is the edited campaign and, when a parameter changed, the
// recomputation job it started.
type CampaignUpdated struct {
	Campaign CampaignDTO `json:"campaign"`
	Job      *JobDTO     `json:"job"`
}

// RecomputeRequest limits a recomputation to one street or village; empty
// means the caller's whole scope (a street account: its street).
type RecomputeRequest struct {
	Street  string `json:"street" example:"530103012"`
	Village string `json:"village"`
}

// listCampaigns godoc
//
//	@Summary	The review campaigns (动态管理批次) with their parameters
//	@Tags		campaigns
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{array}	CampaignDTO
//	@Router		/campaigns [get]
func (s *Server) listCampaigns(c *gin.Context) {
	cs, err := s.Campaigns.List(c.Request.Context())
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := make([]CampaignDTO, len(cs))
	for i := range cs {
		out[i] = campaignDTO(&cs[i])
	}
	c.JSON(http.StatusOK, out)
}

// getCampaign godoc
//
//	@Summary	One campaign
//	@Tags		campaigns
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"campaign id"
//	@Success	200	{object}	CampaignDTO
//	@Failure	404	{object}	ErrorBody
//	@Router		/campaigns/{id} [get]
func (s *Server) getCampaign(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	cp, err := s.Campaigns.Get(c.Request.Context(), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, campaignDTO(cp))
}

// updateCampaign godoc
//
//	@Summary		Change a campaign's name or parameters
//	@Description	`version` must be the version the edit was based on (else 409 version_conflict). A changed parameter starts the recomputation of every outcome of the campaign in the background (the job is returned; follow it at GET /jobs/{id}). An income year changed without a poverty line takes the line recorded for that year (GET /poverty-lines). Audited.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"campaign id"
//	@Param			body	body		CampaignPatch	true	"changed fields and version"
//	@Success		200		{object}	CampaignUpdated
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id} [patch]
func (s *Server) updateCampaign(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in CampaignPatch
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	due, err := deadlineMap(in.Deadlines)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	cp, j, err := s.Campaigns.Update(c.Request.Context(), actor(c), id, service.CampaignChange{Version: in.Version, Name: in.Name,
		CampaignYear: in.CampaignYear, IncomeYear: in.IncomeYear, PovertyLine: in.PovertyLine,
		VehicleValueLimit: in.VehicleValueLimit, ReferenceDate: in.ReferenceDate, ReportPhone: in.ReportPhone,
		SupervisorUnit: in.SupervisorUnit, Deadlines: due})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := CampaignUpdated{Campaign: campaignDTO(cp)}
	if j != nil {
		d := jobDTO(&service.JobStatus{Job: *j})
		out.Job = &d
	}
	c.JSON(http.StatusOK, out)
}

// recomputeCampaign godoc
//
//	@Summary		Recompute a campaign's outcomes in the background
//	@Description	For the whole district (district) or one street or village in the caller's scope (a street account: its own street). 202 with the job; follow it at GET /jobs/{id}. While a recomputation of the campaign runs, a second start is 409 naming the running job (details: job_id).
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"campaign id"
//	@Param			body	body		RecomputeRequest	false	"scope"
//	@Success		202		{object}	JobDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id}/recompute [post]
func (s *Server) recomputeCampaign(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in RecomputeRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
			fail(c, s.log, err)
			return
		}
	}
	j, err := s.Campaigns.StartRecompute(c.Request.Context(), actor(c), id, in.Street, in.Village)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusAccepted, jobDTO(&service.JobStatus{Job: *j}))
}

// NewCampaignRequest creates a campaign. Without poverty_line the line
// recorded for the income year is used. Deadlines by stage key, all 14.
type NewCampaignRequest struct {
	Name              string                    `json:"name" example:"2018年动态管理"`
	CampaignYear      int                       `json:"campaign_year" example:"2018"`
	IncomeYear        int                       `json:"income_year" example:"2017"`
	PovertyLine       *decimal.Decimal          `json:"poverty_line" swaggertype:"string" example:"3335.00"`
	VehicleValueLimit decimal.Decimal           `json:"vehicle_value_limit" swaggertype:"string" example:"30000"`
	ReferenceDate     localdate.Date            `json:"reference_date" swaggertype:"string" example:"2018-06-30"`
	ReportPhone       string                    `json:"report_phone" example:"12317"`
	SupervisorUnit    string                    `json:"supervisor_unit"`
	Deadlines         map[string]localdate.Date `json:"deadlines" swaggertype:"object,string" example:"analysis:2018-06-30"`
}

// createCampaign godoc
//
//	@Summary		Create a campaign: it becomes the active one and opens a village list for every village
//	@Description	The campaign before it is finished (read-only). Every household gets a case; its outcomes are computed in the background (the job is returned). Audited.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		NewCampaignRequest	true	"campaign"
//	@Success		201		{object}	CampaignUpdated
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns [post]
func (s *Server) createCampaign(c *gin.Context) {
	var in NewCampaignRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	due, err := deadlineMap(in.Deadlines)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	cp, j, err := s.Campaigns.Create(c.Request.Context(), actor(c), service.NewCampaign{Name: in.Name, CampaignYear: in.CampaignYear,
		IncomeYear: in.IncomeYear, PovertyLine: in.PovertyLine, VehicleValueLimit: in.VehicleValueLimit, ReferenceDate: in.ReferenceDate,
		ReportPhone: in.ReportPhone, SupervisorUnit: in.SupervisorUnit, Deadlines: due})
	if err != nil && cp == nil {
		fail(c, s.log, err)
		return
	}
	out := CampaignUpdated{Campaign: campaignDTO(cp)}
	if j != nil {
		d := jobDTO(&service.JobStatus{Job: *j})
		out.Job = &d
	}
	c.JSON(http.StatusCreated, out)
}

// OpenedLists says how many village lists were opened.
type OpenedLists struct {
	Opened int `json:"opened"`
}

// openCampaignLists godoc
//
//	@Summary	Open the village lists the active campaign lacks (a village added since)
//	@Tags		campaigns
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"campaign id"
//	@Success	200	{object}	OpenedLists
//	@Failure	409	{object}	ErrorBody
//	@Router		/campaigns/{id}/open-lists [post]
func (s *Server) openCampaignLists(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	n, err := s.Campaigns.OpenLists(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, OpenedLists{Opened: n})
}

// nationalExport godoc
//
//	@Summary		Export for entry into the national poverty information system (全国扶贫开发信息系统)
//	@Description	The households of the lists at stage 14 (recorded), full ID numbers: XLSX laid out like the household information form (households, members, income, conditions), CSV (one row per member), or a household-v1 list (JSON) with each household's proposal. District only; audited. May be made again.
//	@Tags			campaigns
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Produce		text/csv
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path	int		true	"campaign id"
//	@Param			format	query	string	false	"xlsx (default), csv or json"
//	@Param			street	query	string	false	"street code"
//	@Param			village	query	string	false	"village code"
//	@Success		200
//	@Failure		404	{object}	ErrorBody
//	@Failure		422	{object}	ErrorBody
//	@Router			/campaigns/{id}/national-export [get]
func (s *Server) nationalExport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	cp, err := s.Campaigns.Get(c.Request.Context(), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	format := c.DefaultQuery("format", service.NationalXLSX)
	ctype, name := service.NationalExportFile(format, cp.CampaignYear)
	if ctype == "" {
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "format", Message: "格式应为 xlsx、csv 或 json"}))
		return
	}
	c.Header("Content-Type", ctype)
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	err = s.NationalExport.Write(c.Request.Context(), actor(c), id, service.NationalExportFilter{Street: c.Query("street"), Village: c.Query("village")}, format, c.Writer)
	if err != nil {
		c.Header("Content-Disposition", "")
		c.Header("Content-Type", "")
		fail(c, s.log, err)
	}
}
