package service

import (
	"context"
	"fmt"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// Demo streets of the figures and accountability.
const (
	DemoFlaggedStreet   = "530103012" // 阿子营街道: a missed household found, above 2%
	DemoCommendedStreet = "530103010" // 松华街道: nothing found
)

// SeedInspections adds, after SeedReview, the figures and accountability of
// the demo: the 2017 campaign's planned scale per street (the rules
// engine's first count, as the district planned from it); a national
// 检查考核 sampling households of 阿子营 and 松华 (one household of 阿子营
// found missed: flagged above 2%, and referred; 松华 without a finding:
// commended) and a provincial 督查巡查 in 滇源 (nothing found); and in the
// finished 2016 campaign the proposals today's register shows it made
// (households registered in 2016 included, those that exited in 2016
// exited), with its plan, so that its figures have something to show.
func (d *Demo) SeedInspections(ctx context.Context) error {
	return apperr.Wrap(d.store.InTx(ctx, func(ctx context.Context) error {
		cs, err := d.store.Campaigns(ctx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			switch c.CampaignYear {
			case 2017:
				if err := d.seedPlans(ctx, &c); err != nil {
					return err
				}
				if err := d.seedInspections2017(ctx, &c); err != nil {
					return err
				}
			case 2016:
				if _, err := d.store.ProposeYearHistory(ctx, c.ID, 2016, "往年批次，从原系统迁入"); err != nil {
					return err
				}
				if err := d.seedPlans2016(ctx, &c); err != nil {
					return err
				}
			}
		}
		return nil
	}), "demo inspections")
}

// seedPlans plans, per street, the scale the rules engine first computed.
func (d *Demo) seedPlans(ctx context.Context, c *store.Campaign) error {
	scales, err := d.store.OutcomeScales(ctx, c.ID)
	if err != nil {
		return err
	}
	at := time.Date(c.CampaignYear, 6, 1, 9, 0, 0, 0, localdate.Shanghai).UTC()
	var ps []store.CampaignPlan
	for _, sc := range scales {
		if !rates.IsPlannable(sc.Outcome) || sc.Households == 0 {
			continue
		}
		ps = append(ps, store.CampaignPlan{CampaignID: c.ID, StreetCode: sc.StreetCode, Kind: sc.Outcome, Households: sc.Households,
			People: sc.People, UpdatedBy: "district", UpdatedAt: at})
	}
	return d.store.ReplaceCampaignPlans(ctx, c.ID, ps)
}

// seedPlans2016 plans the 2016 campaign's inclusions and exits as they
// came to pass, rounded up to the next five households.
func (d *Demo) seedPlans2016(ctx context.Context, c *store.Campaign) error {
	rows, err := d.store.FigureRows(ctx, wholeDistrict, c.ID, "", int(workflow.Survey))
	if err != nil {
		return err
	}
	type key struct{ street, kind string }
	n := map[key]rates.Count{}
	for _, r := range rows {
		if r.Proposal == rates.Include || r.Proposal == rates.ExitNormal {
			k := key{r.StreetCode, r.Proposal}
			x := n[k]
			x.Add(r.People)
			n[k] = x
		}
	}
	at := time.Date(2016, 6, 1, 9, 0, 0, 0, localdate.Shanghai).UTC()
	var ps []store.CampaignPlan
	for k, x := range n {
		h := (x.Households + 4) / 5 * 5
		ps = append(ps, store.CampaignPlan{CampaignID: c.ID, StreetCode: k.street, Kind: k.kind, Households: h,
			People: x.People + (h-x.Households)*3, UpdatedBy: "district", UpdatedAt: at})
	}
	return d.store.ReplaceCampaignPlans(ctx, c.ID, ps)
}

// demoSample picks a street's first households of each status after the
// campaign's proposals: nr not registered, reg registered, ex exited.
func (d *Demo) demoSample(ctx context.Context, c *store.Campaign, street string, nr, reg, ex int) ([]store.InspectionHousehold, error) {
	cands, err := d.store.StreetCandidates(ctx, c.ID, street)
	if err != nil {
		return nil, err
	}
	want := map[string]int{register.NotRegistered: nr, register.Registered: reg, register.Exited: ex}
	var out []store.InspectionHousehold
	for _, h := range cands {
		st := rates.StatusAfter(h.Status, h.Proposal)
		if h.People == 0 || h.Proposal == "dissolve" || want[st] == 0 {
			continue
		}
		want[st]--
		out = append(out, store.InspectionHousehold{HouseholdID: h.ID, StreetCode: h.StreetCode, VillageCode: h.VillageCode,
			Status: st, People: h.People, Finding: rates.Correct})
	}
	return out, nil
}

func (d *Demo) seedInspections2017(ctx context.Context, c *store.Campaign) error {
	flagged, err := d.demoSample(ctx, c, DemoFlaggedStreet, 10, 5, 3)
	if err != nil {
		return err
	}
	for i := range flagged {
		if flagged[i].Status == register.NotRegistered {
			flagged[i].Finding, flagged[i].Note = rates.Missed, "经核实该户人均纯收入低于扶贫标准，且住房为C级危房，应纳未纳"
			break
		}
	}
	commended, err := d.demoSample(ctx, c, DemoCommendedStreet, 10, 5, 3)
	if err != nil {
		return err
	}
	dianyuan, err := d.demoSample(ctx, c, "530103011", 0, 8, 4)
	if err != nil {
		return err
	}
	at := func(m time.Month, day int) time.Time {
		return time.Date(2017, m, day, 17, 0, 0, 0, localdate.Shanghai).UTC()
	}
	for _, x := range []struct {
		in store.Inspection
		hs []store.InspectionHousehold
	}{
		{store.Inspection{Body: rates.BodyNational, Kind: rates.KindAssessment, StartedOn: localdate.Date{Year: 2017, Month: 11, Day: 6},
			EndedOn: localdate.Date{Year: 2017, Month: 11, Day: 15}, Note: "2017年度省级党委和政府扶贫开发工作成效考核（第三方评估）入户抽查",
			CreatedAt: at(11, 20)}, append(flagged, commended...)},
		{store.Inspection{Body: rates.BodyProvincial, Kind: rates.KindSupervision, StartedOn: localdate.Date{Year: 2017, Month: 12, Day: 4},
			EndedOn: localdate.Date{Year: 2017, Month: 12, Day: 8}, Note: "省扶贫开发领导小组督查组动态管理工作督查", CreatedAt: at(12, 11)}, dianyuan},
	} {
		if len(x.hs) == 0 {
			continue
		}
		x.in.CampaignID, x.in.CreatedBy, x.in.UpdatedBy, x.in.UpdatedAt = c.ID, "district", "district", x.in.CreatedAt
		if err := d.store.CreateInspection(ctx, &x.in, x.hs); err != nil {
			return fmt.Errorf("demo inspection: %w", err)
		}
	}
	for _, to := range []string{rates.ToDiscipline, rates.ToOrganisation} {
		if err := d.store.AddReferral(ctx, &store.StreetReferral{CampaignID: c.ID, StreetCode: DemoFlaggedStreet,
			ReferredOn: localdate.Date{Year: 2017, Month: 12, Day: 20}, ReferredTo: to,
			Note: "国家检查考核发现漏评，漏评率超过2%，按规定移交", CreatedBy: "district", CreatedAt: at(12, 20)}); err != nil {
			return err
		}
	}
	return nil
}
