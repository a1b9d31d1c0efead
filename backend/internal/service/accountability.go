package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// Accountability keeps the figures and accountability of workflow.md
// (严明奖惩): this campaign's corrections (本次纠正) beside the district's
// planned scale, and the inspections' rates per street against the
// district's threshold, with the commended and flagged streets and the
// referrals of the flagged ones. The two kinds of figures are never mixed.
type Accountability struct {
	store   *store.Store
	audit   *AuditLog
	regions *Regions
	now     func() time.Time
}

// NewAccountability builds the service.
func NewAccountability(st *store.Store, a *AuditLog, r *Regions, now func() time.Time) *Accountability {
	return &Accountability{store: st, audit: a, regions: r, now: now}
}

// Area is a street, village or the district by code and name.
type Area struct {
	Code string
	Name string
}

// streetsIn lists the streets of the scope in display order, or the one
// street asked for: a street outside the scope or unknown is not found.
func streetsIn(ctx context.Context, r *Regions, sc access.Scope, street string) ([]store.Street, []store.Village, error) {
	t, err := r.Tree(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ss []store.Street
	for _, s := range t.Streets {
		if sc.HasStreet(s.Code) && (street == "" || s.Code == street) {
			ss = append(ss, s)
		}
	}
	if street != "" && len(ss) == 0 {
		return nil, nil, apperr.NotFoundf("街道")
	}
	return ss, t.Villages, nil
}

// AreaFigures are one area's corrections and, for a street (and the
// district, summed), the planned scale by kind.
type AreaFigures struct {
	Area
	Figures *rates.Figures
	Planned map[string]rates.Count // by kind; nil for a village
}

// StreetFigures are a street's figures with its villages'.
type StreetFigures struct {
	AreaFigures
	Villages []AreaFigures
}

// CampaignFigures are a campaign's corrections in the caller's scope.
type CampaignFigures struct {
	Campaign store.Campaign
	Streets  []StreetFigures
	Total    AreaFigures // the streets shown, summed
}

// Figures counts the campaign's corrections per street and village in the
// caller's scope (or one street of it), with the planned scale beside.
func (s *Accountability) Figures(ctx context.Context, actor access.Actor, campaignID int64, street string) (*CampaignFigures, error) {
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	streets, villages, err := streetsIn(ctx, s.regions, actor.Scope, street)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.FigureRows(ctx, actor.Scope, c.ID, street, int(workflow.Survey))
	if err != nil {
		return nil, apperr.Wrap(err, "figure rows")
	}
	plans, err := s.store.CampaignPlans(ctx, c.ID)
	if err != nil {
		return nil, apperr.Wrap(err, "plans")
	}
	hs := make([]rates.Household, len(rows))
	for i, r := range rows {
		hs[i] = rates.Household{StreetCode: r.StreetCode, VillageCode: r.VillageCode, Status: r.Status, RegisteredOn: r.RegisteredOn,
			ExitedYear: r.ExitedYear, Hukou: r.Hukou, RuralResident: r.RuralResident, People: r.People, Surveyed: r.Surveyed, Proposal: r.Proposal}
	}
	byStreet, byVillage, _ := rates.Tally(hs, c.CampaignYear)
	planned := map[string]map[string]rates.Count{}
	for _, p := range plans {
		if planned[p.StreetCode] == nil {
			planned[p.StreetCode] = map[string]rates.Count{}
		}
		planned[p.StreetCode][p.Kind] = rates.Count{Households: p.Households, People: p.People}
	}
	out := &CampaignFigures{Campaign: *c, Total: AreaFigures{Area: Area{Code: s.regions.District().Code, Name: s.regions.District().Name},
		Figures: rates.NewFigures()}}
	for _, st := range streets {
		sf := StreetFigures{AreaFigures: AreaFigures{Area: Area{st.Code, st.Name}, Figures: orEmpty(byStreet[st.Code]), Planned: planned[st.Code]}}
		for _, v := range villages {
			if v.StreetCode == st.Code && byVillage[v.Code] != nil {
				sf.Villages = append(sf.Villages, AreaFigures{Area: Area{v.Code, v.Name}, Figures: byVillage[v.Code]})
			}
		}
		out.Total.Figures.Merge(sf.Figures)
		for k, n := range sf.Planned {
			if out.Total.Planned == nil {
				out.Total.Planned = map[string]rates.Count{}
			}
			out.Total.Planned[k] = out.Total.Planned[k].Plus(n)
		}
		out.Streets = append(out.Streets, sf)
	}
	return out, nil
}

func orEmpty(f *rates.Figures) *rates.Figures {
	if f == nil {
		return rates.NewFigures()
	}
	return f
}

// PlanInput is the planned scale of one kind in one street.
type PlanInput struct {
	StreetCode string
	Kind       string
	Households int
	People     int
}

// MaxPlans bounds one plan: every street and kind.
const MaxPlans = 500

// SetPlans replaces the campaign's planned scale (规模) per street and
// kind; district only (the route says so). Audited with before and after.
func (s *Accountability) SetPlans(ctx context.Context, actor access.Actor, campaignID int64, in []PlanInput) ([]store.CampaignPlan, error) {
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	t, err := s.regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, st := range t.Streets {
		known[st.Code] = true
	}
	var ds []apperr.Detail
	if len(in) > MaxPlans {
		return nil, apperr.Invalid(apperr.Detail{Field: "plans", Message: fmt.Sprintf("最多%d项", MaxPlans)})
	}
	seen := map[[2]string]bool{}
	now := s.now().UTC()
	ps := make([]store.CampaignPlan, 0, len(in))
	for i, p := range in {
		f := func(name string) string { return fmt.Sprintf("plans[%d].%s", i, name) }
		switch {
		case p.StreetCode == "":
			ds = append(ds, apperr.Detail{Field: f("street_code"), Message: "请填写街道代码"})
		case !known[p.StreetCode]:
			ds = append(ds, apperr.Detail{Field: f("street_code"), Message: "没有这个街道"})
		}
		if !rates.IsPlannable(p.Kind) {
			ds = append(ds, apperr.Detail{Field: f("kind"), Message: "类别应为 " + strings.Join(rates.Plannable, "、")})
		}
		key := [2]string{p.StreetCode, p.Kind}
		if seen[key] {
			ds = append(ds, apperr.Detail{Field: f("kind"), Message: "同一街道的同一类别只能填一次"})
		}
		seen[key] = true
		switch {
		case p.Households < 0 || p.Households > 1000000:
			ds = append(ds, apperr.Detail{Field: f("households"), Message: "户数应为0至1000000的整数"})
		case p.People < 0 || p.People > 10000000:
			ds = append(ds, apperr.Detail{Field: f("people"), Message: "人数应为0至10000000的整数"})
		case p.People < p.Households:
			ds = append(ds, apperr.Detail{Field: f("people"), Message: "人数不能少于户数（每户至少1人）"})
		case p.Households == 0 && p.People > 0:
			ds = append(ds, apperr.Detail{Field: f("households"), Message: "有人数时户数不能为0"})
		}
		ps = append(ps, store.CampaignPlan{CampaignID: c.ID, StreetCode: p.StreetCode, Kind: p.Kind, Households: p.Households,
			People: p.People, UpdatedBy: actor.Username, UpdatedAt: now})
	}
	if len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	slices.SortFunc(ps, func(a, b store.CampaignPlan) int {
		return strings.Compare(a.StreetCode+"/"+a.Kind, b.StreetCode+"/"+b.Kind)
	})
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.CampaignPlans(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := s.store.ReplaceCampaignPlans(ctx, c.ID, ps); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.plans", ObjectType: "campaign", ObjectID: fmt.Sprint(c.ID),
			Changes: []Change{{Field: "plans", Before: planText(before), After: planText(ps)}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "set plans")
	}
	return ps, nil
}

func planText(ps []store.CampaignPlan) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%s %s %d户%d人", p.StreetCode, p.Kind, p.Households, p.People)
	}
	return strings.Join(parts, "；")
}

// Threshold is a campaign's rate threshold.
type Threshold struct {
	Fraction decimal.Decimal // 0.02
	Percent  decimal.Decimal // 2
}

func thresholdOf(f decimal.Decimal) Threshold {
	return Threshold{Fraction: f, Percent: rates.ThresholdPercent(f)}
}

// SetThreshold sets the campaign's threshold, given in percent (2 = 2%).
func (s *Accountability) SetThreshold(ctx context.Context, actor access.Actor, campaignID int64, percent decimal.Decimal) (*Threshold, error) {
	if p := rates.ThresholdProblem(percent); p != "" {
		return nil, apperr.Invalid(apperr.Detail{Field: "percent", Message: p})
	}
	f := rates.ThresholdFromPercent(percent)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CampaignByID(ctx, campaignID)
		if err != nil {
			return err
		}
		before, err := s.store.RateThreshold(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := s.store.SetRateThreshold(ctx, c.ID, f, actor.Username, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.threshold", ObjectType: "campaign", ObjectID: fmt.Sprint(c.ID),
			Changes: []Change{{Field: "rate_threshold_percent", Before: rates.ThresholdPercent(before).String(), After: percent.String()}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "set threshold")
	}
	t := thresholdOf(f)
	return &t, nil
}

// AreaRates are one area's inspection results.
type AreaRates struct {
	Area
	Results *rates.Inspected
}

// StreetRates are a street's results, its standing against the threshold,
// its referrals and its villages' results.
type StreetRates struct {
	AreaRates
	Commended bool
	Flagged   bool
	Referrals []store.StreetReferral
	Villages  []AreaRates
}

// CampaignRates are a campaign's inspection rates in the caller's scope.
type CampaignRates struct {
	Campaign    store.Campaign
	Threshold   Threshold
	Inspections int64
	Streets     []StreetRates
	Total       AreaRates
}

// Rates pools the campaign's inspections per street and village in the
// caller's scope (or one street of it).
func (s *Accountability) Rates(ctx context.Context, actor access.Actor, campaignID int64, street string) (*CampaignRates, error) {
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	streets, villages, err := streetsIn(ctx, s.regions, actor.Scope, street)
	if err != nil {
		return nil, err
	}
	th, err := s.store.RateThreshold(ctx, c.ID)
	if err != nil {
		return nil, apperr.Wrap(err, "threshold")
	}
	rows, err := s.store.SampledHouseholds(ctx, actor.Scope, c.ID, street)
	if err != nil {
		return nil, apperr.Wrap(err, "sampled households")
	}
	n, err := s.store.CountInspections(ctx, actor.Scope, c.ID, street)
	if err != nil {
		return nil, apperr.Wrap(err, "count inspections")
	}
	refs, err := s.store.Referrals(ctx, actor.Scope, c.ID, street)
	if err != nil {
		return nil, apperr.Wrap(err, "referrals")
	}
	ss := make([]rates.Sample, len(rows))
	for i, r := range rows {
		ss[i] = rates.Sample{StreetCode: r.StreetCode, VillageCode: r.VillageCode, Status: r.Status, People: r.People, Finding: r.Finding}
	}
	byStreet, byVillage, _ := rates.TallySamples(ss)
	out := &CampaignRates{Campaign: *c, Threshold: thresholdOf(th), Inspections: n,
		Total: AreaRates{Area: Area{s.regions.District().Code, s.regions.District().Name}, Results: rates.NewInspected()}}
	for _, st := range streets {
		res := byStreet[st.Code]
		if res == nil {
			res = rates.NewInspected()
		}
		sr := StreetRates{AreaRates: AreaRates{Area: Area{st.Code, st.Name}, Results: res}, Commended: res.Commended(), Flagged: res.Flagged(th)}
		for _, r := range refs {
			if r.StreetCode == st.Code {
				sr.Referrals = append(sr.Referrals, r)
			}
		}
		for _, v := range villages {
			if v.StreetCode == st.Code && byVillage[v.Code] != nil {
				sr.Villages = append(sr.Villages, AreaRates{Area: Area{v.Code, v.Name}, Results: byVillage[v.Code]})
			}
		}
		out.Total.Results.Merge(res)
		out.Streets = append(out.Streets, sr)
	}
	return out, nil
}

// ReferralInput records a flagged street's referral.
type ReferralInput struct {
	StreetCode string
	ReferredOn localdate.Date
	ReferredTo string
	Note       string
}

// AddReferral records that a street flagged for criticism was referred to
// 区纪委 or 区委组织部. A street that is not flagged now is refused.
func (s *Accountability) AddReferral(ctx context.Context, actor access.Actor, campaignID int64, in ReferralInput) (*store.StreetReferral, error) {
	var ds []apperr.Detail
	if in.StreetCode == "" {
		ds = append(ds, apperr.Detail{Field: "street_code", Message: "请填写街道代码"})
	}
	today := localdate.Today(s.now())
	switch {
	case in.ReferredOn.IsZero():
		ds = append(ds, apperr.Detail{Field: "referred_on", Message: "请填写移交日期"})
	case in.ReferredOn.After(today):
		ds = append(ds, apperr.Detail{Field: "referred_on", Message: "移交日期不能晚于今天"})
	}
	if rates.LabelOf(rates.Referrals, in.ReferredTo) == "" {
		ds = append(ds, apperr.Detail{Field: "referred_to", Message: "移交单位应为 discipline_commission（区纪委）或 organization_department（区委组织部）"})
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		ds = append(ds, apperr.Detail{Field: "note", Message: "说明最多2000字"})
	}
	if len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	if _, _, err := streetsIn(ctx, s.regions, actor.Scope, in.StreetCode); err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil, apperr.Invalid(apperr.Detail{Field: "street_code", Message: "没有这个街道"})
		}
		return nil, err
	}
	var ref store.StreetReferral
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		r, err := s.Rates(ctx, actor, campaignID, in.StreetCode)
		if err != nil {
			return err
		}
		if in.ReferredOn.Year < r.Campaign.CampaignYear {
			return apperr.Invalid(apperr.Detail{Field: "referred_on", Message: "移交日期不能早于本批次年度"})
		}
		if !r.Streets[0].Flagged {
			return apperr.New(apperr.ConditionUnmet, fmt.Sprintf("%s的漏评率、错评率、错退率均未超过阈值%s%%，不需移交",
				r.Streets[0].Name, rates.PercentText(r.Threshold.Percent)))
		}
		ref = store.StreetReferral{CampaignID: r.Campaign.ID, StreetCode: in.StreetCode, ReferredOn: in.ReferredOn, ReferredTo: in.ReferredTo,
			Note: strings.TrimSpace(in.Note), CreatedBy: actor.Username, CreatedAt: s.now().UTC()}
		if err := s.store.AddReferral(ctx, &ref); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.referral", ObjectType: "street", ObjectID: in.StreetCode,
			Reason: truncate(fmt.Sprintf("批次%d：%s 移交%s %s", r.Campaign.ID, in.ReferredOn, rates.LabelOf(rates.Referrals, in.ReferredTo), ref.Note), 500)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add referral")
	}
	return &ref, nil
}

// ExportFigures writes the corrections as XLSX: a row per street, its
// villages under it, and the district's total.
func (s *Accountability) ExportFigures(ctx context.Context, actor access.Actor, campaignID int64, street string, w io.Writer) error {
	f, err := s.Figures(ctx, actor, campaignID, street)
	if err != nil {
		return err
	}
	header := []any{"街道", "行政村"}
	for _, k := range rates.Corrections {
		l := rates.KindLabel(k)
		header = append(header, l+"户数", l+"人数", l+"基数户数", l+"基数人数", l+"占比（户，%）", l+"占比（人，%）")
	}
	for _, k := range rates.Plannable {
		l := rates.KindLabel(k)
		header = append(header, l+"计划户数", l+"计划人数", l+"拟定户数", l+"拟定人数")
	}
	row := func(street, village string, a AreaFigures) []any {
		cells := []any{street, village}
		for _, k := range rates.Corrections {
			c := a.Figures.Correction(k)
			cells = append(cells, c.Count.Households, c.Count.People, c.BaseCount.Households, c.BaseCount.People,
				c.ShareHouseholds.PercentText(), c.SharePeople.PercentText())
		}
		for _, k := range rates.Plannable {
			p := a.Figures.Proposed[k]
			if n, ok := a.Planned[k]; ok {
				cells = append(cells, n.Households, n.People, p.Households, p.People)
			} else {
				cells = append(cells, "", "", p.Households, p.People)
			}
		}
		return cells
	}
	return writeXLSX(w, "本次纠正", header, []colWidth{{1, 2, 16}, {3, len(header), 12}}, func(add func(...any) error) error {
		for _, st := range f.Streets {
			if err := add(row(st.Name, "（街道合计）", st.AreaFigures)...); err != nil {
				return err
			}
			for _, v := range st.Villages {
				if err := add(row(st.Name, v.Name, v)...); err != nil {
					return err
				}
			}
		}
		return add(row(f.Total.Name+"合计", "", f.Total)...)
	})
}

// Standing is a street's standing in words.
func (r StreetRates) Standing() string {
	switch {
	case r.Flagged:
		return "通报批评"
	case r.Commended:
		return "通报表扬"
	case !r.Results.Inspected():
		return "未抽查"
	}
	return "—"
}

// ExportRates writes the inspection rates as XLSX: a row per street, its
// villages under it, the district's total and the threshold.
func (s *Accountability) ExportRates(ctx context.Context, actor access.Actor, campaignID int64, street string, w io.Writer) error {
	r, err := s.Rates(ctx, actor, campaignID, street)
	if err != nil {
		return err
	}
	header := []any{"街道", "行政村", "抽查非建档立卡户数", "人数", "抽查建档立卡户数", "人数", "抽查已脱贫户数", "人数",
		"漏评户数", "漏评人数", "漏评率（%）", "漏评率（分数）", "错评户数", "错评人数", "错评率（%）", "错评率（分数）",
		"错退户数", "错退人数", "错退率（%）", "错退率（分数）", "结论", "移交情况"}
	row := func(street, village string, in *rates.Inspected, standing, referrals string) []any {
		cells := []any{street, village}
		for _, st := range []string{"not_registered", "registered", "exited"} {
			cells = append(cells, in.Sampled[st].Households, in.Sampled[st].People)
		}
		for _, f := range []string{rates.Missed, rates.Wrong, rates.WronglyExited} {
			rt := in.RateOf(f)
			cells = append(cells, in.Found[f].Households, in.Found[f].People, rt.PercentText(), rt.Fraction())
		}
		return append(cells, standing, referrals)
	}
	return writeXLSX(w, "检查考核", header, []colWidth{{1, 2, 16}, {3, 20, 12}, {21, 22, 30}}, func(add func(...any) error) error {
		for _, st := range r.Streets {
			var refs []string
			for _, x := range st.Referrals {
				refs = append(refs, x.ReferredOn.String()+"移交"+rates.LabelOf(rates.Referrals, x.ReferredTo))
			}
			if err := add(row(st.Name, "（街道合计）", st.Results, st.Standing(), strings.Join(refs, "；"))...); err != nil {
				return err
			}
			for _, v := range st.Villages {
				if err := add(row(st.Name, v.Name, v.Results, "", "")...); err != nil {
					return err
				}
			}
		}
		if err := add(row(r.Total.Name+"合计", "", r.Total.Results, "", "")...); err != nil {
			return err
		}
		return add(fmt.Sprintf("阈值：%s%%（高于阈值通报批评；检查%d次）", rates.PercentText(r.Threshold.Percent), r.Inspections))
	})
}
