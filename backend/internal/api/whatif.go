package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
)

// WhatIfRequest is a policy what-if: the parameters to try (absent keeps
// the campaign's) over the caller's scope, optionally one street or village.
type WhatIfRequest struct {
	Street            string           `json:"street" example:"530103012"`
	Village           string           `json:"village" example:"530103012004"`
	PovertyLine       *decimal.Decimal `json:"poverty_line" swaggertype:"string" example:"3300"`
	VehicleValueLimit *decimal.Decimal `json:"vehicle_value_limit" swaggertype:"string" example:"50000"`
	IncomeYear        *int             `json:"income_year" example:"2016"`
	ReferenceDate     *localdate.Date  `json:"reference_date" swaggertype:"string" example:"2017-06-30"`
}

// WhatIfParameters are the parameters the what-if evaluated with.
type WhatIfParameters struct {
	CampaignYear      int    `json:"campaign_year" example:"2017"`
	IncomeYear        int    `json:"income_year" example:"2016"`
	PovertyLine       string `json:"poverty_line" example:"3300.00"`
	VehicleValueLimit string `json:"vehicle_value_limit" example:"30000.00"`
	ReferenceDate     string `json:"reference_date" example:"2017-06-30"`
}

// WhatIfStreetDTO is how one street's outcomes would change: the counts by
// outcome now (stored) and then (with the parameters tried), every outcome
// listed, and how many households would change.
type WhatIfStreetDTO struct {
	StreetCode string           `json:"street_code" example:"530103012"`
	StreetName string           `json:"street_name" example:"阿子营街道"`
	CountsNow  map[string]int64 `json:"counts_now"`
	CountsThen map[string]int64 `json:"counts_then"`
	Changed    int64            `json:"changed"`
}

// WhatIfHouseholdDTO is a household whose outcome would change.
type WhatIfHouseholdDTO struct {
	HouseholdID      int64  `json:"household_id"`
	HouseholdCode    string `json:"household_code" example:"530103012004-0001"`
	HeadName         string `json:"head_name"`
	StreetCode       string `json:"street_code"`
	VillageCode      string `json:"village_code"`
	VillageName      string `json:"village_name"`
	OutcomeNow       string `json:"outcome_now" example:"keep"`
	OutcomeNowLabel  string `json:"outcome_now_label" example:"保留"`
	OutcomeThen      string `json:"outcome_then" example:"exit_normal"`
	OutcomeThenLabel string `json:"outcome_then_label" example:"正常脱贫"`
}

// WhatIfDTO answers a what-if; nothing was stored. households counts the
// stored outcomes evaluated, changed those that would change; changes names
// the first `cap` of them in household order (truncated when there are more).
type WhatIfDTO struct {
	CampaignID int64                `json:"campaign_id"`
	Parameters WhatIfParameters     `json:"parameters"`
	Households int64                `json:"households"`
	Changed    int64                `json:"changed"`
	Streets    []WhatIfStreetDTO    `json:"streets"`
	Changes    []WhatIfHouseholdDTO `json:"changes"`
	Cap        int                  `json:"cap" example:"1000"`
	Truncated  bool                 `json:"truncated"`
}

func countsDTO(m map[rules.Outcome]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

// whatIf godoc
//
//	@Summary		Policy what-if: how outcomes would change with other parameters
//	@Description	Re-runs the rules on the stored inputs of the campaign's outcomes (the household-v1 documents they were computed on) with the parameters given changed, the others the campaign's, and answers per street the counts by outcome now and then, and the households that would change (the first 1,000, `truncated` when there are more). Nothing is stored. An income year changed without a poverty line takes the line recorded for that year. A street or village outside the caller's scope is 404; without one the caller's whole scope is evaluated (a street account: its street; a check team: its streets).
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"campaign id"
//	@Param			body	body		WhatIfRequest	false	"parameters to try and scope"
//	@Success		200		{object}	WhatIfDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id}/what-if [post]
func (s *Server) whatIf(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in WhatIfRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
			fail(c, s.log, err)
			return
		}
	}
	w, err := s.Outcomes.WhatIf(c.Request.Context(), actor(c), id, service.WhatIfChange{Street: in.Street, Village: in.Village,
		PovertyLine: in.PovertyLine, VehicleValueLimit: in.VehicleValueLimit, IncomeYear: in.IncomeYear, ReferenceDate: in.ReferenceDate})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	p := w.Parameters
	out := WhatIfDTO{CampaignID: w.Campaign.ID, Households: w.Households, Changed: w.Changed, Cap: service.WhatIfListCap, Truncated: w.Truncated,
		Parameters: WhatIfParameters{CampaignYear: p.CampaignYear, IncomeYear: p.IncomeYear, PovertyLine: p.PovertyLine.StringFixed(2),
			VehicleValueLimit: p.VehicleValueLimit.StringFixed(2), ReferenceDate: p.ReferenceDate.String()},
		Streets: make([]WhatIfStreetDTO, len(w.Streets)), Changes: make([]WhatIfHouseholdDTO, len(w.Changes))}
	for i, st := range w.Streets {
		out.Streets[i] = WhatIfStreetDTO{StreetCode: st.Code, StreetName: st.Name, CountsNow: countsDTO(st.Now), CountsThen: countsDTO(st.Then), Changed: st.Changed}
	}
	for i, h := range w.Changes {
		out.Changes[i] = WhatIfHouseholdDTO{HouseholdID: h.HouseholdID, HouseholdCode: h.Code, HeadName: h.HeadName, StreetCode: h.StreetCode,
			VillageCode: h.VillageCode, VillageName: h.VillageName, OutcomeNow: string(h.Now), OutcomeNowLabel: h.Now.Chinese(),
			OutcomeThen: string(h.Then), OutcomeThenLabel: h.Then.Chinese()}
	}
	c.JSON(http.StatusOK, out)
}
