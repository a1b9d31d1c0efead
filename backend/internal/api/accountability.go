package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// CountDTO is a number of households and the people in them.
type CountDTO struct {
	Households int `json:"households" example:"3"`
	People     int `json:"people" example:"10"`
}

// RateDTO is a rate (people over people; households over households for
// a household share) as the exact fraction and as a percent with one or
// two decimals. Fraction and percent are null when there is no base.
type RateDTO struct {
	Numerator   int64   `json:"numerator" example:"3"`
	Denominator int64   `json:"denominator" example:"150"`
	Fraction    *string `json:"fraction" example:"3/150"`
	Percent     *string `json:"percent" example:"2.0"`
}

func rateDTO(r rates.Rate) RateDTO {
	out := RateDTO{Numerator: r.Num, Denominator: r.Den}
	if r.Defined() {
		f, p := r.Fraction(), r.PercentText()
		out.Fraction, out.Percent = &f, &p
	}
	return out
}

// InspectionRateDTO is an inspection rate and whether it is strictly above
// the campaign's threshold.
type InspectionRateDTO struct {
	RateDTO
	Above bool `json:"above"`
}

// CorrectionDTO is one correction of an area: the proposed cases, their
// base and their share of it, and (streets and the district) the plan.
type CorrectionDTO struct {
	Kind            string    `json:"kind" example:"include"`
	Label           string    `json:"label" example:"漏评纠正"`
	Households      int       `json:"households"`
	People          int       `json:"people"`
	Base            string    `json:"base" example:"not_registered_surveyed"`
	BaseLabel       string    `json:"base_label" example:"已调查的农业户籍农村常住非建档立卡户"`
	BaseHouseholds  int       `json:"base_households"`
	BasePeople      int       `json:"base_people"`
	ShareHouseholds RateDTO   `json:"share_households"`
	SharePeople     RateDTO   `json:"share_people"`
	Planned         *CountDTO `json:"planned"`
}

// PlanLineDTO is a plannable kind's planned scale beside what is proposed.
type PlanLineDTO struct {
	Kind     string    `json:"kind" example:"exit_normal"`
	Label    string    `json:"label" example:"正常退出"`
	Planned  *CountDTO `json:"planned"`
	Proposed CountDTO  `json:"proposed"`
}

// AreaFiguresDTO are one area's corrections; plan is given for streets and
// the district.
type AreaFiguresDTO struct {
	Code        string          `json:"code" example:"530103012"`
	Name        string          `json:"name" example:"阿子营街道"`
	Corrections []CorrectionDTO `json:"corrections"`
	Plan        []PlanLineDTO   `json:"plan,omitempty"`
}

// StreetFiguresDTO are a street's corrections and its villages'.
type StreetFiguresDTO struct {
	AreaFiguresDTO
	Villages []AreaFiguresDTO `json:"villages"`
}

// FiguresDTO are a campaign's corrections (本次纠正) in the caller's scope.
type FiguresDTO struct {
	CampaignID   int64              `json:"campaign_id"`
	CampaignName string             `json:"campaign_name" example:"2017年动态管理"`
	CampaignYear int                `json:"campaign_year" example:"2017"`
	Streets      []StreetFiguresDTO `json:"streets"`
	Total        AreaFiguresDTO     `json:"total"`
}

func countDTO(c rates.Count) CountDTO { return CountDTO{Households: c.Households, People: c.People} }

func areaFiguresDTO(a service.AreaFigures, withPlan bool) AreaFiguresDTO {
	out := AreaFiguresDTO{Code: a.Code, Name: a.Name, Corrections: []CorrectionDTO{}}
	planned := func(kind string) *CountDTO {
		if n, ok := a.Planned[kind]; ok && withPlan {
			c := countDTO(n)
			return &c
		}
		return nil
	}
	for _, k := range rates.Corrections {
		c := a.Figures.Correction(k)
		out.Corrections = append(out.Corrections, CorrectionDTO{Kind: k, Label: rates.KindLabel(k), Households: c.Count.Households,
			People: c.Count.People, Base: string(c.Base), BaseLabel: c.Base.Label(), BaseHouseholds: c.BaseCount.Households,
			BasePeople: c.BaseCount.People, ShareHouseholds: rateDTO(c.ShareHouseholds), SharePeople: rateDTO(c.SharePeople), Planned: planned(k)})
	}
	if withPlan {
		for _, k := range rates.Plannable {
			out.Plan = append(out.Plan, PlanLineDTO{Kind: k, Label: rates.KindLabel(k), Planned: planned(k), Proposed: countDTO(a.Figures.Proposed[k])})
		}
	}
	return out
}

// campaignFigures godoc
//
//	@Summary		This campaign's corrections (本次纠正) per street and village
//	@Description	Over proposed cases: households and people in remove_wrong (错评纠正), include (漏评纠正) and reinclude (错退纠正) cases, each as a share of its base — registered at the campaign's start (registered before 1 January of the campaign year and not exited before it); non-registered agricultural rural-resident households surveyed (the list past the survey stage, or a survey recorded); exited in the year before. People are present members. Streets carry the planned scale (规模) beside the proposed numbers. A street outside the caller's scope is 404. Never mixed with inspection results (/rates).
//	@Tags			figures
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"campaign id"
//	@Param			street	query		string	false	"street code"
//	@Success		200		{object}	FiguresDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/campaigns/{id}/figures [get]
func (s *Server) campaignFigures(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	f, err := s.Accountability.Figures(c.Request.Context(), actor(c), id, c.Query("street"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := FiguresDTO{CampaignID: f.Campaign.ID, CampaignName: f.Campaign.Name, CampaignYear: f.Campaign.CampaignYear,
		Streets: make([]StreetFiguresDTO, len(f.Streets)), Total: areaFiguresDTO(f.Total, true)}
	for i, st := range f.Streets {
		out.Streets[i] = StreetFiguresDTO{AreaFiguresDTO: areaFiguresDTO(st.AreaFigures, true), Villages: make([]AreaFiguresDTO, len(st.Villages))}
		for j, v := range st.Villages {
			out.Streets[i].Villages[j] = areaFiguresDTO(v, false)
		}
	}
	c.JSON(http.StatusOK, out)
}

// exportFigures godoc
//
//	@Summary	The corrections (本次纠正) as XLSX
//	@Tags		figures
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		id		path	int		true	"campaign id"
//	@Param		street	query	string	false	"street code"
//	@Success	200		{file}	file
//	@Failure	404		{object}	ErrorBody
//	@Router		/campaigns/{id}/figures/export [get]
func (s *Server) exportFigures(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name := fmt.Sprintf("本次纠正-%d-%s.xlsx", id, time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Accountability.ExportFigures(c.Request.Context(), actor(c), id, c.Query("street"), w)
	})
}

// PlanRequest is the planned scale of one kind in one street.
type PlanRequest struct {
	StreetCode string `json:"street_code" example:"530103012"`
	Kind       string `json:"kind" example:"include" enums:"remove_wrong,include,reinclude,exit_normal,continue_support"`
	Households int    `json:"households" example:"12"`
	People     int    `json:"people" example:"40"`
}

// PlansRequest replaces a campaign's whole plan.
type PlansRequest struct {
	Plans []PlanRequest `json:"plans"`
}

// PlanDTO is one planned scale.
type PlanDTO struct {
	StreetCode string    `json:"street_code" example:"530103012"`
	Kind       string    `json:"kind" example:"include"`
	Label      string    `json:"label" example:"漏评纠正"`
	Households int       `json:"households"`
	People     int       `json:"people"`
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// PlansDTO is a campaign's plan.
type PlansDTO struct {
	CampaignID int64     `json:"campaign_id"`
	Plans      []PlanDTO `json:"plans"`
}

// putPlans godoc
//
//	@Summary		Set the planned scale (规模) per street
//	@Description	Replaces the campaign's whole plan: one line per street and kind (remove_wrong, include, reinclude, exit_normal, continue_support), households and people (people ≥ households). Audited.
//	@Tags			figures
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"campaign id"
//	@Param			body	body		PlansRequest	true	"the plan"
//	@Success		200		{object}	PlansDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id}/plans [put]
func (s *Server) putPlans(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in PlansRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	ps := make([]service.PlanInput, len(in.Plans))
	for i, p := range in.Plans {
		ps[i] = service.PlanInput(p)
	}
	saved, err := s.Accountability.SetPlans(c.Request.Context(), actor(c), id, ps)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := PlansDTO{CampaignID: id, Plans: make([]PlanDTO, len(saved))}
	for i, p := range saved {
		out.Plans[i] = PlanDTO{StreetCode: p.StreetCode, Kind: p.Kind, Label: rates.KindLabel(p.Kind), Households: p.Households,
			People: p.People, UpdatedBy: p.UpdatedBy, UpdatedAt: p.UpdatedAt}
	}
	c.JSON(http.StatusOK, out)
}

// ThresholdDTO is a campaign's rate threshold: the fraction and its percent.
type ThresholdDTO struct {
	Fraction string `json:"fraction" example:"0.02"`
	Percent  string `json:"percent" example:"2.0"`
}

func thresholdDTO(t service.Threshold) ThresholdDTO {
	return ThresholdDTO{Fraction: t.Fraction.String(), Percent: rates.PercentText(t.Percent)}
}

// ThresholdRequest sets the threshold in percent.
type ThresholdRequest struct {
	Percent decimal.Decimal `json:"percent" swaggertype:"string" example:"2"`
}

// putThreshold godoc
//
//	@Summary		Set the campaign's rate threshold
//	@Description	In percent (default 2): a street whose 漏评率, 错评率 or 错退率 is strictly above it is flagged for criticism. More than 0, at most 100, two decimals at most. Audited.
//	@Tags			figures
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"campaign id"
//	@Param			body	body		ThresholdRequest	true	"percent"
//	@Success		200		{object}	ThresholdDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id}/threshold [put]
func (s *Server) putThreshold(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in ThresholdRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	t, err := s.Accountability.SetThreshold(c.Request.Context(), actor(c), id, in.Percent)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, thresholdDTO(*t))
}

// SampledDTO counts the sampled households by status at sampling.
type SampledDTO struct {
	NotRegistered CountDTO `json:"not_registered"`
	Registered    CountDTO `json:"registered"`
	Exited        CountDTO `json:"exited"`
}

// FoundDTO counts the households found missed, wrongly registered, wrongly exited.
type FoundDTO struct {
	Missed        CountDTO `json:"missed"`
	Wrong         CountDTO `json:"wrong"`
	WronglyExited CountDTO `json:"wrongly_exited"`
}

// AreaRatesDTO are one area's inspection results, pooled over the
// campaign's inspections.
type AreaRatesDTO struct {
	Code      string     `json:"code" example:"530103012"`
	Name      string     `json:"name" example:"阿子营街道"`
	Inspected bool       `json:"inspected"`
	Sampled   SampledDTO `json:"sampled"`
	Found     FoundDTO   `json:"found"`
	// 漏评率 = people found missed / people in sampled non-registered households.
	MissedRate InspectionRateDTO `json:"missed_rate"`
	// 错评率 = people found wrongly registered / people in sampled registered households.
	WrongRate InspectionRateDTO `json:"wrong_rate"`
	// 错退率 = people found wrongly exited / people in sampled exited households.
	WronglyExitedRate InspectionRateDTO `json:"wrongly_exited_rate"`
}

// ReferralDTO is a flagged street's referral.
type ReferralDTO struct {
	ID              int64     `json:"id"`
	CampaignID      int64     `json:"campaign_id"`
	StreetCode      string    `json:"street_code" example:"530103012"`
	ReferredOn      string    `json:"referred_on" example:"2017-12-20"`
	ReferredTo      string    `json:"referred_to" example:"discipline_commission" enums:"discipline_commission,organization_department"`
	ReferredToLabel string    `json:"referred_to_label" example:"区纪委"`
	Note            string    `json:"note"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}

func referralDTO(r store.StreetReferral) ReferralDTO {
	return ReferralDTO{ID: r.ID, CampaignID: r.CampaignID, StreetCode: r.StreetCode, ReferredOn: r.ReferredOn.String(),
		ReferredTo: r.ReferredTo, ReferredToLabel: rates.LabelOf(rates.Referrals, r.ReferredTo), Note: r.Note,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// StreetRatesDTO are a street's results, its standing and referrals, and
// its sampled villages' results.
type StreetRatesDTO struct {
	AreaRatesDTO
	Commended bool           `json:"commended"`
	Flagged   bool           `json:"flagged"`
	Standing  string         `json:"standing" example:"通报批评"`
	Referrals []ReferralDTO  `json:"referrals"`
	Villages  []AreaRatesDTO `json:"villages"`
}

// RatesDTO are a campaign's inspection rates in the caller's scope.
type RatesDTO struct {
	CampaignID   int64            `json:"campaign_id"`
	CampaignName string           `json:"campaign_name"`
	CampaignYear int              `json:"campaign_year"`
	Threshold    ThresholdDTO     `json:"threshold"`
	Inspections  int64            `json:"inspections"`
	Streets      []StreetRatesDTO `json:"streets"`
	Total        AreaRatesDTO     `json:"total"`
}

func areaRatesDTO(a service.AreaRates, th decimal.Decimal) AreaRatesDTO {
	in := a.Results
	rate := func(f string) InspectionRateDTO {
		r := in.RateOf(f)
		return InspectionRateDTO{RateDTO: rateDTO(r), Above: r.Above(th)}
	}
	return AreaRatesDTO{Code: a.Code, Name: a.Name, Inspected: in.Inspected(),
		Sampled: SampledDTO{NotRegistered: countDTO(in.Sampled["not_registered"]), Registered: countDTO(in.Sampled["registered"]),
			Exited: countDTO(in.Sampled["exited"])},
		Found: FoundDTO{Missed: countDTO(in.Found[rates.Missed]), Wrong: countDTO(in.Found[rates.Wrong]),
			WronglyExited: countDTO(in.Found[rates.WronglyExited])},
		MissedRate: rate(rates.Missed), WrongRate: rate(rates.Wrong), WronglyExitedRate: rate(rates.WronglyExited)}
}

// campaignRates godoc
//
//	@Summary		Inspection rates (检查考核) per street and village
//	@Description	Pooled over the campaign's inspections: 漏评率 = people found missed / people in sampled non-registered households; 错评率 = found wrongly registered / people in sampled registered households; 错退率 = found wrongly exited / people in sampled exited households; each as the exact fraction and a percent. A street inspected with no 漏评, 错评 or 错退 is commended (通报表扬); a street with a rate strictly above the threshold is flagged (通报批评), with its referrals. Never mixed with the corrections (/figures).
//	@Tags			figures
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"campaign id"
//	@Param			street	query		string	false	"street code"
//	@Success		200		{object}	RatesDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/campaigns/{id}/rates [get]
func (s *Server) campaignRates(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	r, err := s.Accountability.Rates(c.Request.Context(), actor(c), id, c.Query("street"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	th := r.Threshold.Fraction
	out := RatesDTO{CampaignID: r.Campaign.ID, CampaignName: r.Campaign.Name, CampaignYear: r.Campaign.CampaignYear,
		Threshold: thresholdDTO(r.Threshold), Inspections: r.Inspections, Streets: make([]StreetRatesDTO, len(r.Streets)),
		Total: areaRatesDTO(r.Total, th)}
	for i, st := range r.Streets {
		d := StreetRatesDTO{AreaRatesDTO: areaRatesDTO(st.AreaRates, th), Commended: st.Commended, Flagged: st.Flagged,
			Standing: st.Standing(), Referrals: make([]ReferralDTO, len(st.Referrals)), Villages: make([]AreaRatesDTO, len(st.Villages))}
		for j, x := range st.Referrals {
			d.Referrals[j] = referralDTO(x)
		}
		for j, v := range st.Villages {
			d.Villages[j] = areaRatesDTO(v, th)
		}
		out.Streets[i] = d
	}
	c.JSON(http.StatusOK, out)
}

// exportRates godoc
//
//	@Summary	The inspection rates as XLSX
//	@Tags		figures
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		id		path	int		true	"campaign id"
//	@Param		street	query	string	false	"street code"
//	@Success	200		{file}	file
//	@Failure	404		{object}	ErrorBody
//	@Router		/campaigns/{id}/rates/export [get]
func (s *Server) exportRates(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name := fmt.Sprintf("检查考核-%d-%s.xlsx", id, time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Accountability.ExportRates(c.Request.Context(), actor(c), id, c.Query("street"), w)
	})
}

// ReferralRequest records a flagged street's referral.
type ReferralRequest struct {
	StreetCode string         `json:"street_code" example:"530103012"`
	ReferredOn localdate.Date `json:"referred_on" swaggertype:"string" example:"2017-12-20"`
	ReferredTo string         `json:"referred_to" example:"discipline_commission" enums:"discipline_commission,organization_department"`
	Note       string         `json:"note"`
}

// addReferral godoc
//
//	@Summary		Record a flagged street's referral (区纪委 / 区委组织部)
//	@Description	Only for a street flagged now (a rate strictly above the threshold); otherwise 409 condition_unmet. Audited.
//	@Tags			figures
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"campaign id"
//	@Param			body	body		ReferralRequest	true	"the referral"
//	@Success		201		{object}	ReferralDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/campaigns/{id}/referrals [post]
func (s *Server) addReferral(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in ReferralRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	r, err := s.Accountability.AddReferral(c.Request.Context(), actor(c), id, service.ReferralInput(in))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, referralDTO(*r))
}

// accountabilityReaders read the figures, rates and inspections in their
// scope: the district and its supervisor whole, a street its own, a check
// team its streets. Writes are the district's (router.go).
var accountabilityReaders = []access.Role{access.CheckTeam, access.Street, access.District, access.Supervisor}
