package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// OutcomeListItem is one household's computed outcome in a campaign.
type OutcomeListItem struct {
	HouseholdID     int64     `json:"household_id"`
	Code            string    `json:"code" example:"530103012004-0042"`
	StreetCode      string    `json:"street_code"`
	StreetName      string    `json:"street_name"`
	VillageCode     string    `json:"village_code"`
	VillageName     string    `json:"village_name"`
	HeadName        string    `json:"head_name"`
	Outcome         string    `json:"outcome" example:"remove_wrong"`
	OutcomeLabel    string    `json:"outcome_label" example:"错评剔除"`
	PerCapitaIncome *string   `json:"per_capita_income" example:"2100.50"`
	HouseholdSize   *int      `json:"household_size" example:"4"`
	ComputedAt      time.Time `json:"computed_at"`
	PreviousOutcome string    `json:"previous_outcome" example:"keep"` // "" before the first change
}

// OutcomeCount is how many households of the filter have an outcome.
type OutcomeCount struct {
	Outcome string `json:"outcome" example:"include"`
	Label   string `json:"label" example:"新识别纳入"`
	Count   int64  `json:"count"`
}

// OutcomePage is a page of outcomes with the counts by outcome of the whole
// filter (street, village; every outcome, zeros included).
type OutcomePage struct {
	Items    []OutcomeListItem `json:"items"`
	Total    int64             `json:"total"`
	Page     int               `json:"page"`
	PageSize int               `json:"page_size"`
	Counts   []OutcomeCount    `json:"counts"`
}

func outcomeFilter(c *gin.Context) (store.OutcomeFilter, error) {
	page, size, err := paging(c)
	f := store.OutcomeFilter{StreetCode: c.Query("street"), VillageCode: c.Query("village"), Outcome: c.Query("outcome"), Page: page, PageSize: size}
	if err == nil && f.Outcome != "" && rules.Outcome(f.Outcome).Chinese() == "" {
		e := apperr.New(apperr.BadRequest, "测算结果不正确")
		e.Details = []apperr.Detail{{Field: "outcome", Message: "未知的测算结果"}}
		return f, e
	}
	return f, err
}

// money writes an amount with two decimals; nil stays null.
func money(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	s := d.StringFixed(2)
	return &s
}

// listOutcomes godoc
//
//	@Summary		A campaign's computed outcomes in the caller's scope
//	@Description	Scoped like the household list; stable order by household code; with the counts by outcome over the filter (without the outcome filter).
//	@Tags			outcomes
//	@Produce		json
//	@Security		Bearer
//	@Param			id			path		int		true	"campaign id"
//	@Param			street		query		string	false	"street code"
//	@Param			village		query		string	false	"village code"
//	@Param			outcome		query		string	false	"outcome (rules.md §5.1)"
//	@Param			page		query		int		false	"page (from 1)"
//	@Param			page_size	query		int		false	"1 to 100, default 20"
//	@Success		200			{object}	OutcomePage
//	@Failure		400			{object}	ErrorBody
//	@Failure		404			{object}	ErrorBody
//	@Router			/campaigns/{id}/outcomes [get]
func (s *Server) listOutcomes(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f, err := outcomeFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	l, err := s.Outcomes.List(c.Request.Context(), actor(c), id, f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := OutcomePage{Items: make([]OutcomeListItem, len(l.Rows)), Total: l.Total, Page: f.Page, PageSize: f.PageSize}
	for i, r := range l.Rows {
		item := OutcomeListItem{HouseholdID: r.HouseholdID, Code: r.Code, StreetCode: r.StreetCode, StreetName: r.StreetName,
			VillageCode: r.VillageCode, VillageName: r.VillageName, HeadName: r.HeadName, Outcome: r.Outcome,
			OutcomeLabel: rules.Outcome(r.Outcome).Chinese(), HouseholdSize: r.HouseholdSize, ComputedAt: r.ComputedAt,
			PreviousOutcome: r.PreviousOutcome, PerCapitaIncome: money(r.PerCapitaIncome)}
		out.Items[i] = item
	}
	for _, o := range rules.Outcomes {
		out.Counts = append(out.Counts, OutcomeCount{Outcome: string(o), Label: o.Chinese(), Count: l.Counts[o]})
	}
	c.JSON(http.StatusOK, out)
}

// exportOutcomes godoc
//
//	@Summary		Export a campaign's filtered outcomes as XLSX
//	@Description	Every matching household in the caller's scope, with Chinese headers and outcome names. Audited.
//	@Tags			outcomes
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Param			id		path	int		true	"campaign id"
//	@Param			street	query	string	false	"street code"
//	@Param			village	query	string	false	"village code"
//	@Param			outcome	query	string	false	"outcome"
//	@Success		200		{file}	file
//	@Failure		404		{object}	ErrorBody
//	@Router			/campaigns/{id}/outcomes/export [get]
func (s *Server) exportOutcomes(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f, err := outcomeFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name := fmt.Sprintf("outcomes-%d-%s.xlsx", id, time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Outcomes.Export(c.Request.Context(), actor(c), id, f, w)
	})
}

// RuleFiredDTO is one rule of a household's result (T or U), explained.
type RuleFiredDTO struct {
	Code     string `json:"code" example:"EX-03"`
	Name     string `json:"name" example:"拥有3万元以上机动车"`
	Value    string `json:"value" example:"T" enums:"T,U"`
	Excepted bool   `json:"excepted"`
	Detail   string `json:"detail" example:"机动车1购置价格45000元≥30000元，购置于2013-05-01，早于建档立卡日期2014-10-01"`
	Clause   string `json:"clause" example:"拥有价格3万元以上机动车的。"`
	Source   string `json:"source" example:"二(二)3"`
}

// FieldErrorDTO is a validation failure of the household for the campaign.
type FieldErrorDTO struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// HouseholdOutcomeDTO is a household's current outcome in the active campaign.
type HouseholdOutcomeDTO struct {
	HouseholdID      int64           `json:"household_id"`
	Campaign         CampaignDTO     `json:"campaign"`
	Outcome          string          `json:"outcome" example:"remove_wrong"`
	OutcomeLabel     string          `json:"outcome_label" example:"错评剔除"`
	PerCapitaIncome  *string         `json:"per_capita_income" example:"2100.50"`
	HouseholdSize    *int            `json:"household_size" example:"4"`
	MembersRemoved   []string        `json:"members_removed"`
	Rules            []RuleFiredDTO  `json:"rules"`
	Unknown          []string        `json:"unknown" example:"income.wage"`
	Errors           []FieldErrorDTO `json:"errors"`
	ComputedAt       time.Time       `json:"computed_at"`
	HouseholdVersion int64           `json:"household_version"`
	ChangedInputs    []string        `json:"changed_inputs" example:"income.wage"`
	PreviousOutcome  string          `json:"previous_outcome" example:"keep"`
	PreviousLabel    string          `json:"previous_outcome_label" example:"保留"`
}

// householdOutcome godoc
//
//	@Summary		A household's computed outcome in the active campaign
//	@Description	Kept current on every change of the household. Each rule that fired (T) or could not be decided (U) with its value, exception, the Chinese detail naming the values and the policy clause with the campaign's parameters; the unknown inputs of a needs_review; the inputs changed since the computation before and the outcome before. 404 when the household does not exist or is outside the caller's scope.
//	@Tags			outcomes
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"household id"
//	@Success		200	{object}	HouseholdOutcomeDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/households/{id}/outcome [get]
func (s *Server) householdOutcome(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	o, err := s.Outcomes.OfHousehold(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, householdOutcomeDTO(o))
}

func householdOutcomeDTO(o *service.HouseholdOutcome) HouseholdOutcomeDTO {
	out := HouseholdOutcomeDTO{HouseholdID: o.HouseholdID, Campaign: campaignDTO(&o.Campaign), Outcome: string(o.Outcome),
		OutcomeLabel: o.Outcome.Chinese(), HouseholdSize: o.HouseholdSize, MembersRemoved: masked(o.MembersRemoved),
		Rules: make([]RuleFiredDTO, len(o.Rules)), Unknown: nonNil(o.Unknown), Errors: []FieldErrorDTO{},
		ComputedAt: o.ComputedAt, HouseholdVersion: o.HouseholdVersion, ChangedInputs: nonNil(o.ChangedInputs),
		PreviousOutcome: string(o.PreviousOutcome), PreviousLabel: o.PreviousOutcome.Chinese(), PerCapitaIncome: money(o.PerCapitaIncome)}
	for i, r := range o.Rules {
		out.Rules[i] = RuleFiredDTO(r)
	}
	for _, e := range o.Errors {
		out.Errors = append(out.Errors, FieldErrorDTO(e))
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// masked shows removed members' ID numbers as lists do: the outcome is read
// without the audit of a full record, so it carries no full ID number.
func masked(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = idcard.Mask(id)
	}
	return out
}
