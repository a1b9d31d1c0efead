package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/store"
)

// Inspections records the inspections after the work (各类检查考核、督查巡查、
// 审计评估): the inspecting body, kind, dates, the households sampled and a
// finding per household. The district records them (by form or by an
// uploaded sheet); the district, the supervisor, the check teams and the
// streets read them in their scope.
type Inspections struct {
	store   *store.Store
	audit   *AuditLog
	regions *Regions
	now     func() time.Time
}

// NewInspections builds the service.
func NewInspections(st *store.Store, a *AuditLog, r *Regions, now func() time.Time) *Inspections {
	return &Inspections{store: st, audit: a, regions: r, now: now}
}

// SampleInput is one sampled household as recorded. Status and People
// may be left out: the status is then the household's status once the
// campaign's proposal takes effect (rates.StatusAfter), and the people its
// present members.
type SampleInput struct {
	HouseholdCode string
	Status        string
	People        *int
	Finding       string
	Note          string
}

// InspectionInput is an inspection as recorded.
type InspectionInput struct {
	CampaignID int64
	Version    int64 // updates only
	Body       string
	Kind       string
	StartedOn  localdate.Date
	EndedOn    localdate.Date
	Note       string
	Households []SampleInput
}

// MaxSampled bounds one inspection's households.
const MaxSampled = 5000

// problemAt receives a problem of the inspection (household −1) or of its
// household i, with the field at fault.
type problemAt func(household int, field, message string)

// check validates an inspection against its campaign and the register and
// resolves its households; problems go to p.
func (s *Inspections) check(ctx context.Context, c *store.Campaign, in *InspectionInput, p problemAt) ([]store.InspectionHousehold, error) {
	if rates.LabelOf(rates.Bodies, in.Body) == "" {
		p(-1, "body", "检查单位应为 national（国家）、provincial（省）、city（市）或 district（区）")
	}
	if rates.LabelOf(rates.Kinds, in.Kind) == "" {
		p(-1, "kind", "检查类型应为 assessment（检查考核）、supervision（督查巡查）或 audit（审计评估）")
	}
	today := localdate.Today(s.now())
	switch {
	case in.StartedOn.IsZero():
		p(-1, "started_on", "请填写开始日期")
	case in.StartedOn.Year < c.CampaignYear:
		p(-1, "started_on", fmt.Sprintf("检查在工作之后进行，开始日期不能早于%d年", c.CampaignYear))
	case in.StartedOn.After(today):
		p(-1, "started_on", "开始日期不能晚于今天")
	}
	switch {
	case in.EndedOn.IsZero():
		p(-1, "ended_on", "请填写结束日期")
	case in.EndedOn.After(today):
		p(-1, "ended_on", "结束日期不能晚于今天（检查结束后再录入结果）")
	case !in.StartedOn.IsZero() && in.EndedOn.Before(in.StartedOn):
		p(-1, "ended_on", "结束日期不能早于开始日期")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		p(-1, "note", "检查说明最多2000字")
	}
	switch {
	case len(in.Households) == 0:
		p(-1, "households", "请至少填写一户抽查户")
		return nil, nil
	case len(in.Households) > MaxSampled:
		p(-1, "households", fmt.Sprintf("一次检查最多%d户", MaxSampled))
		return nil, nil
	}
	codes := make([]string, 0, len(in.Households))
	for i := range in.Households {
		in.Households[i].HouseholdCode = strings.TrimSpace(in.Households[i].HouseholdCode)
		codes = append(codes, in.Households[i].HouseholdCode)
	}
	found, err := s.store.SampleCandidates(ctx, c.ID, codes)
	if err != nil {
		return nil, apperr.Wrap(err, "sample candidates")
	}
	seen := map[string]int{}
	out := make([]store.InspectionHousehold, 0, len(in.Households))
	for i, h := range in.Households {
		if h.HouseholdCode == "" {
			p(i, "household_code", "请填写户编号")
			continue
		}
		if j, dup := seen[h.HouseholdCode]; dup {
			p(i, "household_code", fmt.Sprintf("户编号与第%d户重复：同一次检查每户只填一次", j+1))
			continue
		}
		seen[h.HouseholdCode] = i
		cand, ok := found[h.HouseholdCode]
		if !ok {
			p(i, "household_code", "户表中没有这个户编号（或该户已删除）")
			continue
		}
		status := h.Status
		if status == "" {
			status = rates.StatusAfter(cand.Status, cand.Proposal)
		} else if rates.LabelOf(rates.Statuses, status) == "" {
			p(i, "status", "抽查时状态应为 not_registered（非建档立卡户）、registered（建档立卡未脱贫）或 exited（已脱贫）")
			continue
		}
		people := cand.People
		if h.People != nil {
			people = *h.People
			if people < 1 || people > 50 {
				p(i, "people", "人数应为1至50")
				continue
			}
		} else if people == 0 {
			p(i, "people", "该户在户表中没有在户成员，请填写人数")
			continue
		}
		switch {
		case rates.LabelOf(rates.Findings, h.Finding) == "":
			p(i, "finding", "检查结论应为 correct（正确）、missed（漏评）、wrong（错评）或 wrongly_exited（错退）")
			continue
		case !rates.FindingFits(status, h.Finding):
			p(i, "finding", fmt.Sprintf("「%s」不能用于抽查时为「%s」的户：漏评只用于非建档立卡户，错评只用于建档立卡未脱贫户，错退只用于已脱贫户",
				rates.LabelOf(rates.Findings, h.Finding), rates.LabelOf(rates.Statuses, status)))
			continue
		}
		if utf8.RuneCountInString(h.Note) > 500 {
			p(i, "note", "备注最多500字")
			continue
		}
		out = append(out, store.InspectionHousehold{HouseholdID: cand.ID, StreetCode: cand.StreetCode, VillageCode: cand.VillageCode,
			Status: status, People: people, Finding: h.Finding, Note: strings.TrimSpace(h.Note)})
	}
	return out, nil
}

// validate checks an inspection given as JSON: problems become field details.
func (s *Inspections) validate(ctx context.Context, c *store.Campaign, in *InspectionInput) ([]store.InspectionHousehold, error) {
	var ds []apperr.Detail
	hs, err := s.check(ctx, c, in, func(i int, field, msg string) {
		if i >= 0 {
			field = fmt.Sprintf("households[%d].%s", i, field)
		}
		ds = append(ds, apperr.Detail{Field: field, Message: msg})
	})
	if err != nil {
		return nil, err
	}
	if len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	return hs, nil
}

// InspectionView is an inspection with its sampled households in the
// caller's scope.
type InspectionView struct {
	store.Inspection
	Households []store.InspectionHouseholdRow
}

// Create records an inspection with its households and findings.
func (s *Inspections) Create(ctx context.Context, actor access.Actor, in InspectionInput) (*InspectionView, error) {
	c, err := s.store.CampaignByID(ctx, in.CampaignID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil, apperr.Invalid(apperr.Detail{Field: "campaign_id", Message: "没有这个批次"})
		}
		return nil, err
	}
	hs, err := s.validate(ctx, c, &in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		id, err = s.create(ctx, actor, c, &in, hs, "")
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err, "create inspection")
	}
	return s.Get(ctx, actor, id)
}

// create writes a checked inspection and its audit record (in ctx's transaction).
func (s *Inspections) create(ctx context.Context, actor access.Actor, c *store.Campaign, in *InspectionInput, hs []store.InspectionHousehold, source string) (int64, error) {
	now := s.now().UTC()
	rec := store.Inspection{CampaignID: c.ID, Body: in.Body, Kind: in.Kind, StartedOn: in.StartedOn, EndedOn: in.EndedOn,
		Note: strings.TrimSpace(in.Note), CreatedBy: actor.Username, CreatedAt: now, UpdatedBy: actor.Username, UpdatedAt: now}
	if err := s.store.CreateInspection(ctx, &rec, hs); err != nil {
		return 0, err
	}
	return rec.ID, s.audit.Record(ctx, actor, Entry{Action: "inspection.create", ObjectType: "inspection", ObjectID: fmt.Sprint(rec.ID),
		Changes: inspectionChanges(nil, nil, &rec, hs), Reason: truncate(source, 500)})
}

// inspectionChanges lists what an audit record says of an inspection: its
// header fields and a summary of its households and findings.
func inspectionChanges(before *store.Inspection, beforeHs []store.InspectionHousehold, after *store.Inspection, afterHs []store.InspectionHousehold) []Change {
	field := func(in *store.Inspection, f func(*store.Inspection) any) any {
		if in == nil {
			return nil
		}
		return f(in)
	}
	var out []Change
	for _, x := range []struct {
		name string
		get  func(*store.Inspection) any
	}{
		{"campaign_id", func(i *store.Inspection) any { return i.CampaignID }},
		{"body", func(i *store.Inspection) any { return i.Body }},
		{"kind", func(i *store.Inspection) any { return i.Kind }},
		{"started_on", func(i *store.Inspection) any { return i.StartedOn.String() }},
		{"ended_on", func(i *store.Inspection) any { return i.EndedOn.String() }},
		{"note", func(i *store.Inspection) any { return i.Note }},
	} {
		b, a := field(before, x.get), field(after, x.get)
		if b != a {
			out = append(out, Change{Field: x.name, Before: b, After: a})
		}
	}
	summary := func(in *store.Inspection, hs []store.InspectionHousehold) any {
		if in == nil {
			return nil
		}
		counts := map[string]int{}
		people := 0
		for _, h := range hs {
			counts[h.Finding]++
			people += h.People
		}
		var parts []string
		for _, f := range rates.Findings {
			if counts[f.Code] > 0 {
				parts = append(parts, fmt.Sprintf("%s%d户", f.Label, counts[f.Code]))
			}
		}
		return fmt.Sprintf("抽查%d户%d人：%s", len(hs), people, strings.Join(parts, "，"))
	}
	b, a := summary(before, beforeHs), summary(after, afterHs)
	if b != a {
		out = append(out, Change{Field: "households", Before: b, After: a})
	}
	return out
}

// Get reads an inspection with its households in the caller's scope; an
// inspection that sampled nothing there is not found.
func (s *Inspections) Get(ctx context.Context, actor access.Actor, id int64) (*InspectionView, error) {
	in, hs, err := s.store.InspectionByID(ctx, actor.Scope, id)
	if err != nil {
		return nil, apperr.Wrap(err, "inspection")
	}
	return &InspectionView{Inspection: *in, Households: hs}, nil
}

// InspectionQuery filters the list.
type InspectionQuery = store.InspectionFilter

// List pages through the inspections that sampled in the caller's scope
// (and the street asked for, which must be in the scope).
func (s *Inspections) List(ctx context.Context, actor access.Actor, q InspectionQuery) ([]store.InspectionSummary, int64, error) {
	if q.StreetCode != "" {
		if _, _, err := streetsIn(ctx, s.regions, actor.Scope, q.StreetCode); err != nil {
			return nil, 0, err
		}
	}
	if q.CampaignID != 0 {
		if _, err := s.store.CampaignByID(ctx, q.CampaignID); err != nil {
			return nil, 0, err
		}
	}
	rows, total, err := s.store.Inspections(ctx, actor.Scope, q)
	return rows, total, apperr.Wrap(err, "list inspections")
}

// Update replaces an inspection read at in.Version: its header and all of
// its households. The campaign stays.
func (s *Inspections) Update(ctx context.Context, actor access.Actor, id int64, in InspectionInput) (*InspectionView, error) {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		old, oldHs, err := s.store.InspectionByID(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		c, err := s.store.CampaignByID(ctx, old.CampaignID)
		if err != nil {
			return err
		}
		hs, err := s.validate(ctx, c, &in)
		if err != nil {
			return err
		}
		if in.Version != old.Version {
			return apperr.New(apperr.VersionConflict, "该检查记录已被他人修改，您的修改未保存；请刷新后再改")
		}
		before := *old
		upd := *old
		upd.Body, upd.Kind, upd.StartedOn, upd.EndedOn, upd.Note = in.Body, in.Kind, in.StartedOn, in.EndedOn, strings.TrimSpace(in.Note)
		upd.UpdatedBy, upd.UpdatedAt = actor.Username, s.now().UTC()
		if err := s.store.UpdateInspection(ctx, &upd, hs); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "inspection.update", ObjectType: "inspection", ObjectID: fmt.Sprint(id),
			Changes: inspectionChanges(&before, plainSampled(oldHs), &upd, hs)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "update inspection")
	}
	return s.Get(ctx, actor, id)
}

func plainSampled(rows []store.InspectionHouseholdRow) []store.InspectionHousehold {
	out := make([]store.InspectionHousehold, len(rows))
	for i, r := range rows {
		out[i] = r.InspectionHousehold
	}
	return out
}

// Delete removes an inspection read at version, with a reason.
func (s *Inspections) Delete(ctx context.Context, actor access.Actor, id, version int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.Invalid(apperr.Detail{Field: "reason", Message: "请说明删除的原因"})
	}
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		old, oldHs, err := s.store.InspectionByID(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteInspection(ctx, id, version); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "inspection.delete", ObjectType: "inspection", ObjectID: fmt.Sprint(id),
			Changes: inspectionChanges(old, plainSampled(oldHs), nil, nil), Reason: truncate(reason, 500)})
	}), "delete inspection")
}

// statusLabel is a register status's label.
func statusLabel(st string) string {
	if l := rates.LabelOf(rates.Statuses, st); l != "" {
		return l
	}
	return st
}
