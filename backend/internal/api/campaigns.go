package api

import (
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
	Version           int64     `json:"version"`
	UpdatedAt         time.Time `json:"updated_at"`
	UpdatedBy         string    `json:"updated_by"`
}

func campaignDTO(c *store.Campaign) CampaignDTO {
	return CampaignDTO{ID: c.ID, Name: c.Name, CampaignYear: c.CampaignYear, IncomeYear: c.IncomeYear,
		PovertyLine: c.PovertyLine.StringFixed(2), VehicleValueLimit: c.VehicleValueLimit.StringFixed(2),
		ReferenceDate: c.ReferenceDate.String(), Active: c.Active, Version: c.Version, UpdatedAt: c.UpdatedAt, UpdatedBy: c.UpdatedBy}
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
	cp, j, err := s.Campaigns.Update(c.Request.Context(), actor(c), id, service.CampaignChange{Version: in.Version, Name: in.Name,
		CampaignYear: in.CampaignYear, IncomeYear: in.IncomeYear, PovertyLine: in.PovertyLine,
		VehicleValueLimit: in.VehicleValueLimit, ReferenceDate: in.ReferenceDate})
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
