package service

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/quality"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// DataQuality runs the data-quality checks (data-quality.md) over the
// register in the caller's scope, on request. The households stream from
// the store a batch at a time, so that a district of any size is checked in
// flat memory; a pass keeps only where its findings are (household, check,
// village: a few bytes each), and the messages of a page are made again
// from that page's households. The pass is kept for the next request while
// the register, the campaign and the civil-affairs register stay as they
// were (a cheap fingerprint says so), so that paging and the home page do
// not check the district again.
type DataQuality struct {
	store      *store.Store
	audit      *AuditLog
	thresholds quality.Thresholds
	now        func() time.Time
	passes     *passCache // the passes kept between requests, this service's own
}

// NewDataQuality builds the data-quality service with the specification's
// thresholds.
func NewDataQuality(st *store.Store, a *AuditLog, now func() time.Time) *DataQuality {
	return &DataQuality{store: st, audit: a, thresholds: quality.DefaultThresholds(), now: now, passes: &passCache{}}
}

// WithThresholds sets the checks' thresholds (settings).
func (s *DataQuality) WithThresholds(t quality.Thresholds) *DataQuality {
	s.thresholds = t
	return s
}

// QualityFilter selects findings: the region filters narrow the scope; Code
// and Severity select among the findings.
type QualityFilter struct {
	StreetCode  string
	VillageCode string
	Code        string
	Severity    quality.Severity
	Page        int
	PageSize    int
}

// validate refuses an unknown check code or severity.
func (f QualityFilter) validate() error {
	var ds []apperr.Detail
	if _, ok := quality.Lookup(f.Code); f.Code != "" && !ok {
		ds = append(ds, apperr.Detail{Field: "code", Message: fmt.Sprintf("“%s”不是检查项编码（DQ-01至DQ-%02d）", f.Code, len(quality.Catalogue))})
	}
	if f.Severity != "" && f.Severity != quality.Error && f.Severity != quality.Warning {
		ds = append(ds, apperr.Detail{Field: "severity", Message: "严重程度应为 error 或 warning"})
	}
	if len(ds) > 0 {
		e := apperr.New(apperr.BadRequest, "筛选条件不正确")
		e.Details = ds
		return e
	}
	return nil
}

func (f QualityFilter) selects(code string, sev quality.Severity) bool {
	return (f.Code == "" || code == f.Code) && (f.Severity == "" || sev == f.Severity)
}

func (f QualityFilter) region() store.RegionFilter {
	return store.RegionFilter{StreetCode: f.StreetCode, VillageCode: f.VillageCode}
}

// QualityCount is a check with the number of its findings.
type QualityCount struct {
	quality.Definition
	Count int64
}

// QualityVillage counts a village's findings by severity.
type QualityVillage struct {
	VillageCode string
	VillageName string
	StreetCode  string
	StreetName  string
	Errors      int64
	Warnings    int64
}

// QualityItem is one finding with its household and place named.
type QualityItem struct {
	quality.Finding
	Title         string
	HouseholdID   int64
	HouseholdCode string
	HeadName      string
	StreetCode    string
	StreetName    string
	VillageCode   string
	VillageName   string
	MemberName    string
}

// QualityReport is the result of a pass: the count of every check over the
// region filters (Summary; zeros included), the villages with findings the
// filter selects (ByVillage: most errors first), and a page of those
// findings in household-code order (Items) out of Total.
type QualityReport struct {
	Summary   []QualityCount
	ByVillage []QualityVillage
	Items     []QualityItem
	Total     int64
}

// Report checks the register in the caller's scope.
func (s *DataQuality) Report(ctx context.Context, actor access.Actor, f QualityFilter) (*QualityReport, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 {
		f.PageSize = 20
	}
	for attempt := 0; ; attempt++ {
		p, err := s.pass(ctx, actor.Scope, f)
		if err != nil {
			return nil, err
		}
		r, stale, err := s.report(ctx, actor.Scope, f, p)
		if err != nil || !stale || attempt > 0 {
			return r, err
		}
		// The register changed under the kept pass: forget it, check again.
		s.passes.forget(s.store, p)
	}
}

// report answers from a pass; stale is true when the page's households no
// longer give the pass's findings.
func (s *DataQuality) report(ctx context.Context, sc access.Scope, f QualityFilter, p *qualityPass) (*QualityReport, bool, error) {
	out := &QualityReport{Items: []QualityItem{}}
	for i, d := range quality.Catalogue {
		out.Summary = append(out.Summary, QualityCount{Definition: d, Count: p.counts[i]})
	}
	names, err := s.regionNames(ctx)
	if err != nil {
		return nil, false, err
	}
	villages := map[uint16]*QualityVillage{}
	from := int64(f.Page-1) * int64(f.PageSize)
	var page []passFinding
	for _, x := range p.findings {
		d := quality.Catalogue[x.check]
		if !f.selects(d.Code, d.Severity) {
			continue
		}
		v := villages[x.village]
		if v == nil {
			code := p.villages[x.village]
			v = &QualityVillage{VillageCode: code, VillageName: names.villages[code], StreetCode: names.streetOf[code]}
			v.StreetName = names.streets[v.StreetCode]
			villages[x.village] = v
		}
		if d.Severity == quality.Error {
			v.Errors++
		} else {
			v.Warnings++
		}
		if out.Total >= from && len(page) < f.PageSize {
			page = append(page, x)
		}
		out.Total++
	}
	out.ByVillage = make([]QualityVillage, 0, len(villages))
	for _, v := range villages {
		out.ByVillage = append(out.ByVillage, *v)
	}
	slices.SortFunc(out.ByVillage, func(a, b QualityVillage) int {
		return cmp.Or(cmp.Compare(b.Errors, a.Errors), cmp.Compare(b.Warnings, a.Warnings), cmp.Compare(a.VillageCode, b.VillageCode))
	})
	if len(page) == 0 {
		return out, false, nil
	}
	// The page's messages: its households checked again.
	ids := make([]int64, 0, len(page))
	for _, x := range page {
		if len(ids) == 0 || ids[len(ids)-1] != x.household {
			ids = append(ids, x.household)
		}
	}
	hs, err := s.store.HouseholdsWithMembers(ctx, sc, ids)
	if err != nil {
		return nil, false, apperr.Wrap(err, "data quality page")
	}
	qc, err := s.context(ctx)
	if err != nil {
		return nil, false, err
	}
	checked := map[int64][]quality.Finding{}
	for _, x := range page {
		h := hs[x.household]
		if h == nil {
			return nil, true, nil
		}
		fs, ok := checked[h.ID]
		if !ok {
			fs = quality.Check(h, qc.of(h))
			checked[h.ID] = fs
		}
		if int(x.index) >= len(fs) || fs[x.index].Code != quality.Catalogue[x.check].Code {
			return nil, true, nil
		}
		out.Items = append(out.Items, names.item(h, fs[x.index]))
	}
	return out, false, nil
}

// ErrorCount counts the error findings in the caller's scope (the home page).
func (s *DataQuality) ErrorCount(ctx context.Context, actor access.Actor) (int64, error) {
	p, err := s.pass(ctx, actor.Scope, QualityFilter{})
	if err != nil {
		return 0, err
	}
	var n int64
	for i, d := range quality.Catalogue {
		if d.Severity == quality.Error {
			n += p.counts[i]
		}
	}
	return n, nil
}

// Export writes the findings the filter selects as XLSX (every page, from a
// fresh pass) and records the export.
func (s *DataQuality) Export(ctx context.Context, actor access.Actor, f QualityFilter, w io.Writer) error {
	if err := f.validate(); err != nil {
		return err
	}
	if s.audit != nil {
		if err := s.audit.Record(ctx, actor, Entry{Action: "data_quality.export", ObjectType: "data_quality",
			Reason: fmt.Sprintf("street=%s village=%s code=%s severity=%s", f.StreetCode, f.VillageCode, f.Code, f.Severity)}); err != nil {
			return apperr.Wrap(err, "audit export")
		}
	}
	names, err := s.regionNames(ctx)
	if err != nil {
		return err
	}
	qc, err := s.context(ctx)
	if err != nil {
		return err
	}
	header := []any{"户编号", "街道", "行政村", "户主", "检查项", "检查项名称", "严重程度", "问题说明", "字段", "成员"}
	widths := []colWidth{{1, 1, 22}, {2, 3, 14}, {6, 6, 30}, {8, 8, 70}, {9, 9, 24}}
	return writeXLSX(w, "录入质量", header, widths, func(add func(...any) error) error {
		return s.each(ctx, actor.Scope, f.region(), qc, func(h *register.Household, fs []quality.Finding) error {
			for _, x := range fs {
				if !f.selects(x.Code, x.Severity) {
					continue
				}
				it := names.item(h, x)
				if err := add(it.HouseholdCode, it.StreetName, it.VillageName, it.HeadName, it.Code, it.Title,
					it.Severity.Chinese(), it.Message, it.Field, it.MemberName); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// each checks every live household in scope (narrowed by region), in
// household-code order.
func (s *DataQuality) each(ctx context.Context, sc access.Scope, region store.RegionFilter, qc *qualityContext, fn func(*register.Household, []quality.Finding) error) error {
	err := s.store.EachHouseholdWithMembers(ctx, sc, region, func(hs []*register.Household) error {
		for _, h := range hs {
			if fs := quality.Check(h, qc.of(h)); len(fs) > 0 {
				if err := fn(h, fs); err != nil {
					return err
				}
			}
		}
		return ctx.Err()
	})
	return apperr.Wrap(err, "data quality")
}

// regionNames names streets and villages.
type regionNames struct {
	streets, villages, streetOf map[string]string
}

func (s *DataQuality) regionNames(ctx context.Context) (*regionNames, error) {
	tree, err := s.store.Regions(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "regions")
	}
	n := &regionNames{streets: map[string]string{}, villages: map[string]string{}, streetOf: map[string]string{}}
	for _, st := range tree.Streets {
		n.streets[st.Code] = st.Name
	}
	for _, v := range tree.Villages {
		n.villages[v.Code], n.streetOf[v.Code] = v.Name, v.StreetCode
	}
	return n, nil
}

func (n *regionNames) item(h *register.Household, x quality.Finding) QualityItem {
	def, _ := quality.Lookup(x.Code)
	it := QualityItem{Finding: x, Title: def.Title, HouseholdID: h.ID, HouseholdCode: h.Code,
		StreetCode: h.StreetCode, StreetName: n.streets[h.StreetCode], VillageCode: h.VillageCode, VillageName: n.villages[h.VillageCode]}
	for _, m := range h.Members {
		if m.Relation == "head" {
			it.HeadName = m.Name
			break
		}
	}
	if x.MemberIndex >= 0 && x.MemberIndex < len(h.Members) {
		it.MemberName = h.Members[x.MemberIndex].Name
	}
	return it
}

// qualityContext is what every household's checks share.
type qualityContext struct {
	base  quality.Context
	dibao map[int64]bool
}

// of is the context of one household.
func (qc *qualityContext) of(h *register.Household) quality.Context {
	c := qc.base
	c.DibaoListed = qc.dibao[h.ID]
	return c
}

// context gathers the inputs of a pass: the active campaign's reference
// date and poverty line (ages are counted at the reference date; without a
// campaign, at today), the people recorded in two households, and the
// households the civil-affairs dibao register lists (the active campaign's
// uploads).
func (s *DataQuality) context(ctx context.Context) (*qualityContext, error) {
	today := localdate.Today(s.now())
	t := s.thresholds
	qc := &qualityContext{base: quality.Context{ReferenceDate: today, Today: today, Thresholds: &t}, dibao: map[int64]bool{}}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "active campaign")
	}
	if qc.base.DuplicateIDs, err = s.store.DuplicateIDIndexes(ctx); err != nil {
		return nil, apperr.Wrap(err, "duplicate ID numbers")
	}
	if c == nil {
		return qc, nil
	}
	line := c.PovertyLine
	qc.base.PovertyLine = &line
	if !c.ReferenceDate.IsZero() {
		qc.base.ReferenceDate = c.ReferenceDate
	}
	if qc.dibao, err = s.store.DibaoHouseholds(ctx, c.ID); err != nil {
		return nil, apperr.Wrap(err, "dibao register")
	}
	return qc, nil
}

// --- passes kept between requests ---

// passFinding is where one finding of a pass is: the household, the check
// (index in the catalogue), the village (index in the pass's villages) and
// the finding's position in the household's findings.
type passFinding struct {
	household int64
	index     uint16
	village   uint16
	check     uint8
}

// passState is what a pass depends on: when it changes, the pass is stale.
type passState struct {
	register store.RegisterState
	campaign int64 // id and version of the active campaign
	version  int64
	dibao    int64 // the latest civil-affairs dibao upload
	day      localdate.Date
}

// qualityPass is a whole pass over a scope, its findings in
// household-code order.
type qualityPass struct {
	key      string
	state    passState
	villages []string
	findings []passFinding
	counts   []int64 // by catalogue index
}

func (s *DataQuality) state(ctx context.Context, sc access.Scope, region store.RegionFilter) (passState, error) {
	var st passState
	var err error
	if st.register, err = s.store.RegisterState(ctx, sc, region); err != nil {
		return st, apperr.Wrap(err, "register state")
	}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return st, apperr.Wrap(err, "active campaign")
	}
	if c != nil {
		st.campaign, st.version = c.ID, c.Version
	} else {
		st.day = localdate.Today(s.now()) // ages at today
	}
	if st.dibao, err = s.store.LatestImport(ctx, store.DibaoDataset); err != nil {
		return st, apperr.Wrap(err, "dibao register")
	}
	return st, nil
}

// pass returns the scope's pass, kept or made now.
func (s *DataQuality) pass(ctx context.Context, sc access.Scope, f QualityFilter) (*qualityPass, error) {
	region := f.region()
	key := passKey(sc, region, s.thresholds)
	st, err := s.state(ctx, sc, region)
	if err != nil {
		return nil, err
	}
	if p := s.passes.get(s.store, key); p != nil && p.state == st {
		return p, nil
	}
	qc, err := s.context(ctx)
	if err != nil {
		return nil, err
	}
	p := &qualityPass{key: key, state: st, counts: make([]int64, len(quality.Catalogue))}
	villages := map[string]uint16{}
	checkIndex := map[string]uint8{}
	for i, d := range quality.Catalogue {
		checkIndex[d.Code] = uint8(i)
	}
	err = s.each(ctx, sc, region, qc, func(h *register.Household, fs []quality.Finding) error {
		v, ok := villages[h.VillageCode]
		if !ok {
			v = uint16(len(p.villages))
			villages[h.VillageCode] = v
			p.villages = append(p.villages, h.VillageCode)
		}
		for i, x := range fs {
			c := checkIndex[x.Code]
			p.counts[c]++
			p.findings = append(p.findings, passFinding{household: h.ID, index: uint16(i), village: v, check: c})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.passes.put(s.store, p)
	return p, nil
}

func passKey(sc access.Scope, region store.RegionFilter, t quality.Thresholds) string {
	scope := "*"
	if !sc.Whole {
		vs := slices.Clone(sc.Villages)
		slices.Sort(vs)
		scope = strings.Join(vs, ",")
	}
	return fmt.Sprintf("%s|%s|%s|%v", scope, region.StreetCode, region.VillageCode, t)
}

// passCache keeps the latest passes, a few at a time, by store and key.
type passCache struct {
	mu    sync.Mutex
	order []passRef // oldest first
}

type passRef struct {
	store *store.Store
	pass  *qualityPass
}

// The passes kept are bounded in number and in findings (16 bytes each).
const (
	passesKept       = 64
	passFindingsKept = 4 << 20
)

func (c *passCache) get(st *store.Store, key string) *qualityPass {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.order {
		if r.store == st && r.pass.key == key {
			return r.pass
		}
	}
	return nil
}

func (c *passCache) put(st *store.Store, p *qualityPass) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order = slices.DeleteFunc(c.order, func(r passRef) bool { return r.store == st && r.pass.key == p.key })
	c.order = append(c.order, passRef{st, p})
	total := 0
	for _, r := range c.order {
		total += len(r.pass.findings)
	}
	for len(c.order) > 1 && (len(c.order) > passesKept || total > passFindingsKept) {
		total -= len(c.order[0].pass.findings)
		c.order = c.order[1:]
	}
}

func (c *passCache) forget(st *store.Store, p *qualityPass) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order = slices.DeleteFunc(c.order, func(r passRef) bool { return r.store == st && r.pass == p })
}
