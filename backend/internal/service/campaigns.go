package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/jobs"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// RecomputeJob is the kind of the background job that recomputes a
// campaign's outcomes.
const RecomputeJob = "campaign.recompute"

// Campaigns holds the review campaigns and their parameters (rules.md §1),
// the national poverty lines, and starts the recomputation of outcomes when
// the parameters change.
type Campaigns struct {
	store    *store.Store
	audit    *AuditLog
	outcomes *Outcomes
	jobs     *jobs.Runner
	now      func() time.Time
}

// NewCampaigns builds the campaigns service and registers its job with the runner.
func NewCampaigns(st *store.Store, a *AuditLog, o *Outcomes, r *jobs.Runner, now func() time.Time) *Campaigns {
	c := &Campaigns{store: st, audit: a, outcomes: o, jobs: r, now: now}
	r.Register(jobs.Kind{Name: RecomputeJob, Restartable: true, Run: c.runRecompute})
	return c
}

// FirstCampaignName is the campaign seeded on first start.
const FirstCampaignName = "2017年动态管理"

// Ensure seeds the known national poverty lines and the first campaign
// (盘政办通〔2017〕99号) when their tables are empty.
func (s *Campaigns) Ensure(ctx context.Context) error {
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		ls, err := s.store.PovertyLines(ctx)
		if err != nil {
			return err
		}
		if len(ls) == 0 {
			for year := 2000; year <= 2030; year++ {
				if line, ok := rules.NationalPovertyLine(year); ok {
					if err := s.store.SavePovertyLine(ctx, &store.PovertyLine{IncomeYear: year, Line: line,
						Note: "国家扶贫标准（现价，相当于2010年2300元不变价），国家统计年鉴", UpdatedAt: s.now().UTC(), UpdatedBy: "system"}); err != nil {
						return err
					}
				}
			}
		}
		cs, err := s.store.Campaigns(ctx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			// Campaigns made before the review procedure existed get the
			// 2017 deadlines, shifted to their year.
			due, err := s.store.CampaignDeadlines(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(due) == 0 {
				if err := s.store.SaveCampaignDeadlines(ctx, c.ID, deadlineRows(shiftDeadlines(Deadlines2017(), c.CampaignYear))); err != nil {
					return err
				}
			}
		}
		if len(cs) > 0 {
			return nil
		}
		p := rules.Panlong2017()
		c := &store.Campaign{Name: FirstCampaignName, CampaignYear: p.CampaignYear,
			IncomeYear: p.IncomeYear, PovertyLine: p.PovertyLine, VehicleValueLimit: p.VehicleValueLimit,
			ReferenceDate: p.ReferenceDate, Active: true, ReportPhone: DefaultReportPhone, SupervisorUnit: DefaultSupervisorUnit,
			CreatedBy: "system", UpdatedBy: "system"}
		if err := s.store.CreateCampaign(ctx, c); err != nil {
			return err
		}
		return s.store.SaveCampaignDeadlines(ctx, c.ID, deadlineRows(Deadlines2017()))
	}), "seed campaigns")
}

// List lists the campaigns, newest first.
func (s *Campaigns) List(ctx context.Context) ([]store.Campaign, error) {
	cs, err := s.store.Campaigns(ctx)
	return cs, apperr.Wrap(err, "list campaigns")
}

// Get reads a campaign.
func (s *Campaigns) Get(ctx context.Context, id int64) (*store.Campaign, error) {
	return s.store.CampaignByID(ctx, id)
}

// CampaignChange is an edit of a campaign; nil fields stay as they are.
// Version is the version the edit was based on.
type CampaignChange struct {
	Version           int64
	Name              *string
	CampaignYear      *int
	IncomeYear        *int
	PovertyLine       *decimal.Decimal
	VehicleValueLimit *decimal.Decimal
	ReferenceDate     *localdate.Date
	ReportPhone       *string
	SupervisorUnit    *string
	// Deadlines replaces the stage deadlines when not nil (every stage 1–14).
	Deadlines map[workflow.Stage]localdate.Date
}

// Update changes a campaign's name or parameters (versioned, audited). A
// change of a parameter starts the recomputation of the campaign's outcomes
// in the background; the job is returned (nil when no parameter changed).
// An income year changed without a poverty line takes the line recorded for
// that year.
func (s *Campaigns) Update(ctx context.Context, actor access.Actor, id int64, ch CampaignChange) (*store.Campaign, *store.Job, error) {
	var c *store.Campaign
	paramsChanged := false
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.store.CampaignByID(ctx, id); err != nil {
			return err
		}
		if c.Version != ch.Version {
			return apperr.New(apperr.VersionConflict, "该批次参数已被他人修改，请刷新后再改")
		}
		before := *c
		if ch.Name != nil {
			c.Name = *ch.Name
		}
		if ch.CampaignYear != nil {
			c.CampaignYear = *ch.CampaignYear
		}
		if ch.IncomeYear != nil {
			c.IncomeYear = *ch.IncomeYear
			if ch.PovertyLine == nil && c.IncomeYear != before.IncomeYear {
				l, err := s.store.PovertyLineOf(ctx, c.IncomeYear)
				if err != nil {
					return err
				}
				if l == nil {
					return apperr.Invalid(apperr.Detail{Field: "poverty_line", Message: fmt.Sprintf("没有%d年的扶贫标准，请填写", c.IncomeYear)})
				}
				c.PovertyLine = l.Line
			}
		}
		if ch.PovertyLine != nil {
			c.PovertyLine = *ch.PovertyLine
		}
		if ch.VehicleValueLimit != nil {
			c.VehicleValueLimit = *ch.VehicleValueLimit
		}
		if ch.ReferenceDate != nil {
			c.ReferenceDate = *ch.ReferenceDate
		}
		if ch.ReportPhone != nil {
			c.ReportPhone = strings.TrimSpace(*ch.ReportPhone)
		}
		if ch.SupervisorUnit != nil {
			c.SupervisorUnit = strings.TrimSpace(*ch.SupervisorUnit)
		}
		ds := campaignProblems(c)
		ds = append(ds, deadlineProblems(ch.Deadlines)...)
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		changes := campaignChanges(&before, c)
		if ch.Deadlines != nil {
			old, err := s.store.CampaignDeadlines(ctx, c.ID)
			if err != nil {
				return err
			}
			for st, d := range ch.Deadlines {
				if old[int(st)] != d {
					changes = append(changes, Change{Field: "deadline." + st.Key(), Before: old[int(st)].String(), After: d.String()})
				}
			}
			if err := s.store.SaveCampaignDeadlines(ctx, c.ID, deadlineRows(ch.Deadlines)); err != nil {
				return err
			}
		}
		if len(changes) == 0 {
			return nil
		}
		paramsChanged = !sameParameters(&before, c)
		c.UpdatedAt, c.UpdatedBy = s.now().UTC(), actor.Username
		if err := s.store.UpdateCampaign(ctx, c); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.update", ObjectType: "campaign",
			ObjectID: strconv.FormatInt(c.ID, 10), Changes: changes})
	})
	if err != nil {
		return nil, nil, apperr.Wrap(err, "update campaign")
	}
	if !paramsChanged {
		return c, nil, nil
	}
	j, err := s.startRecompute(ctx, actor, c.ID, "", "")
	if apperr.Is(err, apperr.Conflict) {
		// A recomputation is running: it starts over when it sees the new version.
		j, err = s.store.ActiveJob(ctx, recomputeKey(c.ID))
	}
	if err != nil {
		return nil, nil, err
	}
	return c, j, nil
}

func sameParameters(a, b *store.Campaign) bool {
	return a.CampaignYear == b.CampaignYear && a.IncomeYear == b.IncomeYear && a.PovertyLine.Equal(b.PovertyLine) &&
		a.VehicleValueLimit.Equal(b.VehicleValueLimit) && a.ReferenceDate == b.ReferenceDate
}

func campaignProblems(c *store.Campaign) []apperr.Detail {
	var ds []apperr.Detail
	if n := len([]rune(c.Name)); n < 2 || n > 100 {
		ds = append(ds, apperr.Detail{Field: "name", Message: "名称应为2至100个字"})
	}
	if c.CampaignYear < 2014 || c.CampaignYear > 2100 {
		ds = append(ds, apperr.Detail{Field: "campaign_year", Message: "年度不正确"})
	}
	if c.IncomeYear >= c.CampaignYear || c.IncomeYear < c.CampaignYear-5 {
		ds = append(ds, apperr.Detail{Field: "income_year", Message: "收入年度应早于批次年度"})
	}
	for _, m := range []struct {
		field string
		v     decimal.Decimal
	}{{"poverty_line", c.PovertyLine}, {"vehicle_value_limit", c.VehicleValueLimit}} {
		if !m.v.IsPositive() || m.v.Exponent() < -2 || m.v.GreaterThanOrEqual(decimal.New(1, 10)) {
			ds = append(ds, apperr.Detail{Field: m.field, Message: "应为正数，最多两位小数"})
		}
	}
	if !interchange.ValidDate(c.ReferenceDate) || c.ReferenceDate.Year != c.CampaignYear {
		ds = append(ds, apperr.Detail{Field: "reference_date", Message: "数据截止日期应为批次年度内的日期"})
	}
	return ds
}

func campaignChanges(a, b *store.Campaign) []Change {
	var cs []Change
	add := func(field string, x, y any, same bool) {
		if !same {
			cs = append(cs, Change{Field: field, Before: x, After: y})
		}
	}
	add("name", a.Name, b.Name, a.Name == b.Name)
	add("campaign_year", a.CampaignYear, b.CampaignYear, a.CampaignYear == b.CampaignYear)
	add("income_year", a.IncomeYear, b.IncomeYear, a.IncomeYear == b.IncomeYear)
	add("poverty_line", a.PovertyLine.String(), b.PovertyLine.String(), a.PovertyLine.Equal(b.PovertyLine))
	add("vehicle_value_limit", a.VehicleValueLimit.String(), b.VehicleValueLimit.String(), a.VehicleValueLimit.Equal(b.VehicleValueLimit))
	add("reference_date", a.ReferenceDate.String(), b.ReferenceDate.String(), a.ReferenceDate == b.ReferenceDate)
	add("report_phone", a.ReportPhone, b.ReportPhone, a.ReportPhone == b.ReportPhone)
	add("supervisor_unit", a.SupervisorUnit, b.SupervisorUnit, a.SupervisorUnit == b.SupervisorUnit)
	return cs
}

// recomputeParams are the parameters of a recompute job.
type recomputeParams struct {
	CampaignID int64  `json:"campaign_id"`
	Street     string `json:"street,omitempty"`
	Village    string `json:"village,omitempty"`
}

// jobTouches reports whether a recomputation covers part of the caller's
// scope, so that a street can follow the district's recomputation (which
// refuses the street's own while it runs) rather than be told nothing.
func (s *Campaigns) jobTouches(actor access.Actor, params string) bool {
	var p recomputeParams
	if json.Unmarshal([]byte(params), &p) != nil || p.CampaignID == 0 {
		return false
	}
	switch {
	case p.Village != "":
		return actor.Scope.HasVillage(p.Village)
	case p.Street != "":
		return actor.Scope.HasStreet(p.Street)
	}
	return len(actor.Scope.Streets) > 0 || len(actor.Scope.Villages) > 0 // the whole district
}

func recomputeKey(campaignID int64) string {
	return "campaign.recompute:" + strconv.FormatInt(campaignID, 10)
}

// StartRecompute starts recomputing a campaign's outcomes in the
// background, for the whole district or one street or village inside the
// caller's scope (a street account: its own street by default). A second
// start while one runs is a conflict naming the running job.
func (s *Campaigns) StartRecompute(ctx context.Context, actor access.Actor, campaignID int64, street, village string) (*store.Job, error) {
	if _, err := s.store.CampaignByID(ctx, campaignID); err != nil {
		return nil, err
	}
	if !actor.Scope.Whole {
		if street == "" && village == "" && len(actor.Scope.Streets) == 1 {
			street = actor.Scope.Streets[0]
		}
		if (street == "" && village == "") || (street != "" && !actor.Scope.HasStreet(street)) || (village != "" && !actor.Scope.HasVillage(village)) {
			return nil, apperr.Invalid(apperr.Detail{Field: "street", Message: "只能重新测算您管辖范围内的农户"})
		}
	}
	return s.startRecompute(ctx, actor, campaignID, street, village)
}

func (s *Campaigns) startRecompute(ctx context.Context, actor access.Actor, campaignID int64, street, village string) (*store.Job, error) {
	var j *store.Job
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.recompute", ObjectType: "campaign",
			ObjectID: strconv.FormatInt(campaignID, 10), Reason: fmt.Sprintf("street=%s village=%s", street, village)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "audit recompute")
	}
	j, err = s.jobs.Start(ctx, RecomputeJob, recomputeKey(campaignID), actor.Username,
		recomputeParams{CampaignID: campaignID, Street: street, Village: village})
	if err != nil {
		return nil, apperr.Wrap(err, "start recompute")
	}
	return j, nil
}

// runRecompute is the recompute job: every household in its scope against
// the campaign's parameters; when the parameters changed meanwhile, it goes
// through again with the new ones.
func (s *Campaigns) runRecompute(ctx context.Context, raw json.RawMessage, progress jobs.Progress) (any, error) {
	var p recomputeParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	total := 0
	for range 5 {
		c, err := s.store.CampaignByID(ctx, p.CampaignID)
		if err != nil {
			return nil, err
		}
		n, err := s.outcomes.recomputeAll(ctx, c, wholeDistrict, p.Street, p.Village, progress)
		if err != nil {
			return nil, err
		}
		total = n
		now, err := s.store.CampaignByID(ctx, p.CampaignID)
		if err != nil {
			return nil, err
		}
		if now.Version == c.Version {
			return map[string]any{"households": total, "campaign_version": c.Version}, nil
		}
	}
	return nil, apperr.New(apperr.Conflict, "批次参数在测算中反复修改，请稍后重新测算")
}

// JobStatus is a background job's state for a progress bar.
type JobStatus struct {
	store.Job
	Rate float64 // households (items) per second
}

// Job reads a job. District-wide roles see every job, the others the jobs
// they started and those that recompute their region. A liaison's scope is
// its department, not a region (its scope is Whole only for its fields): it
// sees only the jobs it started, its register imports.
func (s *Campaigns) Job(ctx context.Context, actor access.Actor, id int64) (*JobStatus, error) {
	j, err := s.jobs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	mine := j.CreatedBy == actor.Username
	regional := actor.Role != access.Department && (actor.Scope.Whole || s.jobTouches(actor, j.Params))
	if !mine && !regional {
		return nil, apperr.NotFoundf("任务")
	}
	st := &JobStatus{Job: *j}
	if j.StartedAt != nil && j.Done > 0 {
		end := s.now()
		if j.FinishedAt != nil {
			end = *j.FinishedAt
		}
		if secs := end.Sub(*j.StartedAt).Seconds(); secs > 0 {
			st.Rate = float64(j.Done) / secs
		}
	}
	return st, nil
}

// PovertyLines lists the national poverty lines by income year.
func (s *Campaigns) PovertyLines(ctx context.Context) ([]store.PovertyLine, error) {
	ls, err := s.store.PovertyLines(ctx)
	return ls, apperr.Wrap(err, "poverty lines")
}

// SetPovertyLine records the line of an income year (audited). Campaigns
// keep their own parameter: a changed line reaches a campaign only when the
// district edits the campaign.
func (s *Campaigns) SetPovertyLine(ctx context.Context, actor access.Actor, year int, line decimal.Decimal, note string) (*store.PovertyLine, error) {
	var ds []apperr.Detail
	if year < 2000 || year > 2100 {
		ds = append(ds, apperr.Detail{Field: "income_year", Message: "年度不正确"})
	}
	if !line.IsPositive() || line.Exponent() < -2 || line.GreaterThanOrEqual(decimal.New(1, 10)) {
		ds = append(ds, apperr.Detail{Field: "line", Message: "应为正数，最多两位小数"})
	}
	if len([]rune(note)) > 500 {
		ds = append(ds, apperr.Detail{Field: "note", Message: "说明最多500字"})
	}
	if len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	l := &store.PovertyLine{IncomeYear: year, Line: line, Note: note, UpdatedAt: s.now().UTC(), UpdatedBy: actor.Username}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PovertyLineOf(ctx, year)
		if err != nil {
			return err
		}
		var old any
		if before != nil {
			old = before.Line.String()
		}
		if err := s.store.SavePovertyLine(ctx, l); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "poverty_line.set", ObjectType: "poverty_line",
			ObjectID: strconv.Itoa(year), Changes: []Change{{Field: "line", Before: old, After: line.String()}}, Reason: note})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "set poverty line")
	}
	return l, nil
}

// The notice's customary contacts for the first campaign: 12317 is the
// national poverty-alleviation supervision hotline (扶贫监督举报电话).
const (
	DefaultReportPhone    = "12317"
	DefaultSupervisorUnit = "盘龙区纪委监委、区扶贫办"
)

// Deadlines2017 are the deadlines of workflow.md (盘政办通〔2017〕99号 (八)).
// The last stage's date is when entry into the national system opens.
func Deadlines2017() map[workflow.Stage]localdate.Date {
	d := func(m, day int) localdate.Date { return localdate.Date{Year: 2017, Month: time.Month(m), Day: day} }
	out := map[workflow.Stage]localdate.Date{}
	for st := workflow.Analysis; st <= workflow.VillageNotice; st++ {
		out[st] = d(6, 30)
	}
	out[workflow.Representatives], out[workflow.StreetReview], out[workflow.StreetNotice] = d(7, 10), d(7, 10), d(7, 10)
	out[workflow.DistrictConfirm], out[workflow.Announced], out[workflow.Recorded] = d(7, 15), d(7, 20), d(7, 31)
	return out
}

// shiftDeadlines moves deadlines to another year, same month and day.
func shiftDeadlines(due map[workflow.Stage]localdate.Date, year int) map[workflow.Stage]localdate.Date {
	out := make(map[workflow.Stage]localdate.Date, len(due))
	for st, d := range due {
		out[st] = localdate.Date{Year: year, Month: d.Month, Day: d.Day}
	}
	return out
}

func deadlineRows(due map[workflow.Stage]localdate.Date) map[int]localdate.Date {
	out := make(map[int]localdate.Date, len(due))
	for st, d := range due {
		out[int(st)] = d
	}
	return out
}

// deadlineProblems checks a full set of deadlines: every stage, each not
// before the one of the stage before it.
func deadlineProblems(due map[workflow.Stage]localdate.Date) []apperr.Detail {
	if due == nil {
		return nil
	}
	var ds []apperr.Detail
	var prev localdate.Date
	for _, st := range workflow.All() {
		d, ok := due[st]
		if !ok || !interchange.ValidDate(d) {
			ds = append(ds, apperr.Detail{Field: "deadlines." + st.Key(), Message: "请填写「" + st.Label() + "」阶段的截止日期"})
			continue
		}
		if !prev.IsZero() && d.Before(prev) {
			ds = append(ds, apperr.Detail{Field: "deadlines." + st.Key(), Message: "「" + st.Label() + "」的截止日期不能早于前一阶段"})
		}
		prev = d
	}
	for st := range due {
		if !st.Valid() {
			ds = append(ds, apperr.Detail{Field: "deadlines", Message: "未知的阶段"})
		}
	}
	return ds
}

// Deadlines reads a campaign's stage deadlines.
func (s *Campaigns) Deadlines(ctx context.Context, id int64) (map[workflow.Stage]localdate.Date, error) {
	rows, err := s.store.CampaignDeadlines(ctx, id)
	if err != nil {
		return nil, apperr.Wrap(err, "deadlines")
	}
	out := make(map[workflow.Stage]localdate.Date, len(rows))
	for st, d := range rows {
		out[workflow.Stage(st)] = d
	}
	return out, nil
}

// NewCampaign is a campaign the district creates.
type NewCampaign struct {
	Name              string
	CampaignYear      int
	IncomeYear        int
	PovertyLine       *decimal.Decimal // nil: the line recorded for the income year
	VehicleValueLimit decimal.Decimal
	ReferenceDate     localdate.Date
	ReportPhone       string
	SupervisorUnit    string
	Deadlines         map[workflow.Stage]localdate.Date
}

// Create makes a campaign the active one (the one before it is finished),
// saves its deadlines, opens a village list for every administrative
// village with a case for every household, and starts computing its
// outcomes in the background.
func (s *Campaigns) Create(ctx context.Context, actor access.Actor, in NewCampaign) (*store.Campaign, *store.Job, error) {
	c := &store.Campaign{Name: strings.TrimSpace(in.Name), CampaignYear: in.CampaignYear, IncomeYear: in.IncomeYear,
		VehicleValueLimit: in.VehicleValueLimit, ReferenceDate: in.ReferenceDate, Active: true,
		ReportPhone: strings.TrimSpace(in.ReportPhone), SupervisorUnit: strings.TrimSpace(in.SupervisorUnit),
		CreatedBy: actor.Username, UpdatedBy: actor.Username}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if in.PovertyLine != nil {
			c.PovertyLine = *in.PovertyLine
		} else if l, err := s.store.PovertyLineOf(ctx, in.IncomeYear); err != nil {
			return err
		} else if l != nil {
			c.PovertyLine = l.Line
		}
		ds := campaignProblems(c)
		if in.Deadlines == nil {
			ds = append(ds, apperr.Detail{Field: "deadlines", Message: "请填写每个阶段的截止日期"})
		}
		ds = append(ds, deadlineProblems(in.Deadlines)...)
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		cs, err := s.store.Campaigns(ctx)
		if err != nil {
			return err
		}
		for _, o := range cs {
			if o.CampaignYear == c.CampaignYear && o.Name == c.Name {
				return apperr.Invalid(apperr.Detail{Field: "name", Message: "已有同名的同年度批次"})
			}
		}
		if err := s.store.DeactivateCampaigns(ctx); err != nil {
			return err
		}
		now := s.now().UTC()
		c.CreatedAt, c.UpdatedAt = now, now
		if err := s.store.CreateCampaign(ctx, c); err != nil {
			return err
		}
		if err := s.store.SaveCampaignDeadlines(ctx, c.ID, deadlineRows(in.Deadlines)); err != nil {
			return err
		}
		n, err := s.store.OpenVillageLists(ctx, c.ID, actor.Username, now)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.create", ObjectType: "campaign", ObjectID: strconv.FormatInt(c.ID, 10),
			Changes: campaignChanges(&store.Campaign{}, c), Reason: fmt.Sprintf("开启村级名单 %d 个", n)})
	})
	if err != nil {
		return nil, nil, apperr.Wrap(err, "create campaign")
	}
	j, err := s.startRecompute(ctx, actor, c.ID, "", "")
	if err != nil {
		return c, nil, err
	}
	return c, j, nil
}

// OpenLists opens the village lists a campaign lacks (all of them for a
// campaign made before the procedure; a village added since).
func (s *Campaigns) OpenLists(ctx context.Context, actor access.Actor, id int64) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CampaignByID(ctx, id)
		if err != nil {
			return err
		}
		if !c.Active {
			return apperr.New(apperr.Conflict, "该批次已结束")
		}
		if n, err = s.store.OpenVillageLists(ctx, c.ID, actor.Username, s.now().UTC()); err != nil || n == 0 {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "campaign.open_lists", ObjectType: "campaign", ObjectID: strconv.FormatInt(c.ID, 10),
			Reason: fmt.Sprintf("开启村级名单 %d 个", n)})
	})
	return n, apperr.Wrap(err, "open lists")
}
