package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
)

// Outcomes keeps every household's computed outcome (workflow.md: always
// current, recomputed when the data changes) for the active campaign, and
// reads them back.
type Outcomes struct {
	store *store.Store
	audit *AuditLog
	now   func() time.Time
}

// NewOutcomes builds the outcomes service.
func NewOutcomes(st *store.Store, a *AuditLog, now func() time.Time) *Outcomes {
	return &Outcomes{store: st, audit: a, now: now}
}

var wholeDistrict = access.Scope{Whole: true}

// Recompute evaluates a stored household against the active campaign and
// records its outcome, with its inputs and what changed. Called inside the
// transaction that changed the household, so the outcome commits with the
// change. A household no longer in the register loses its outcomes.
func (s *Outcomes) Recompute(ctx context.Context, householdID int64) error {
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil || c == nil {
		return err
	}
	return s.recompute(ctx, c, householdID)
}

// Forget removes every outcome of a household (deleted from the register).
func (s *Outcomes) Forget(ctx context.Context, householdID int64) error {
	return s.store.DeleteOutcomes(ctx, householdID)
}

func (s *Outcomes) recompute(ctx context.Context, c *store.Campaign, householdID int64) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		h, err := s.store.Household(ctx, wholeDistrict, householdID)
		if apperr.Is(err, apperr.NotFound) {
			return s.store.DeleteOutcomes(ctx, householdID)
		}
		if err != nil {
			return err
		}
		group := ""
		if h.GroupID != nil {
			gs, err := s.store.VillageGroups(ctx, h.VillageCode)
			if err != nil {
				return err
			}
			for _, g := range gs {
				if g.ID == *h.GroupID {
					group = g.Name
				}
			}
		}
		v1 := h.Interchange(group)
		res := evaluateStored(&v1, c.Parameters())
		inputs := interchange.AppendHousehold(nil, &v1)
		sum := sha256.Sum256(inputs)
		o := &store.HouseholdOutcome{HouseholdID: h.ID, CampaignID: c.ID, Outcome: string(res.Outcome),
			PerCapitaIncome: res.PerCapitaIncome, HouseholdSize: res.HouseholdSize, Result: string(res.AppendJSON(nil)),
			Inputs: string(inputs), InputsHash: hex.EncodeToString(sum[:]), HouseholdVersion: h.Version,
			ComputedAt: s.now().UTC(), ChangedInputs: "[]"}
		before, err := s.store.OutcomeOf(ctx, h.ID, c.ID)
		if err != nil {
			return err
		}
		if before != nil {
			o.ID = before.ID
			o.PreviousOutcome, o.ChangedInputs = before.PreviousOutcome, before.ChangedInputs
			switch {
			case before.InputsHash == o.InputsHash && before.Result == o.Result && before.HouseholdVersion == o.HouseholdVersion:
				return nil // nothing changed: keep the record of the last change
			case before.InputsHash != o.InputsHash || before.Outcome != o.Outcome:
				o.PreviousOutcome = before.Outcome
				paths, err := changedInputs([]byte(before.Inputs), inputs)
				if err != nil {
					return err
				}
				b, _ := json.Marshal(paths)
				o.ChangedInputs = string(b)
			}
		}
		if err := s.store.SaveOutcome(ctx, o); err != nil {
			return err
		}
		// A proposal made on another computed outcome is flagged, never
		// changed: the check team accepts the new outcome or keeps its
		// proposal with a reason (workflow.md, Cases).
		if before == nil || before.Outcome == o.Outcome {
			return nil
		}
		_, err = s.store.FlagCases(ctx, c.ID, h.ID, o.Outcome)
		return err
	})
}

// evaluateStored validates a household against the campaign (rules.md §6:
// the register's data may still not fit a campaign, e.g. another income
// year) and evaluates it.
func evaluateStored(h *interchange.Household, c interchange.Campaign) rules.Result {
	if errs := interchange.Validate(h, c); len(errs) > 0 {
		code := h.Code
		return rules.InvalidResult(&code, errs)
	}
	return rules.Evaluate(h, c)
}

// changedInputs lists the household-v1 paths whose value differs between
// two documents (members[1].medical_insured, income.wage …), sorted.
func changedInputs(before, after []byte) ([]string, error) {
	a, b := map[string]string{}, map[string]string{}
	for _, x := range []struct {
		doc []byte
		out map[string]string
	}{{before, a}, {after, b}} {
		dec := json.NewDecoder(bytes.NewReader(x.doc))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		flatten("", v, x.out)
	}
	paths := []string{}
	for p, v := range a {
		if w, ok := b[p]; !ok || w != v {
			paths = append(paths, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	return paths, nil
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && prefix != "" {
			out[prefix] = "{}"
		}
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		if len(x) == 0 {
			out[prefix] = "[]"
		}
		for i, e := range x {
			flatten(prefix+"["+strconv.Itoa(i)+"]", e, out)
		}
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

// recomputePage is how many households one step of a recomputation reads,
// evaluates and writes: big enough that the queries are few, small enough
// that memory and the transaction stay bounded.
const recomputePage = 1000

// recomputeWriters is how many transactions write pages at once.
const recomputeWriters = 2

// recomputedPage is a page of households evaluated, with the outcomes to
// write.
type recomputedPage struct {
	first, last int64 // household IDs
	n           int
	save        []*store.HouseholdOutcome
	flag        map[int64]bool // households whose outcome changed: their proposals are flagged
}

// recomputeAll recomputes the live households in scope (optionally one
// street or village), reporting progress; it must not run inside a
// transaction. It walks the register by keyset a page at a time: one
// goroutine reads a page (the households and their stored outcomes, a
// handful of queries) and evaluates it on every core while the previous
// page's changed outcomes are written, in a transaction of their own, with
// one multi-row upsert. Per household it does what recompute does; a
// household edited after its page was read is left to the recomputation
// its edit ran (storePage checks the version).
func (s *Outcomes) recomputeAll(ctx context.Context, c *store.Campaign, sc access.Scope, street, village string, progress func(done, total int64)) (int, error) {
	n, err := s.store.CountHouseholdsInScope(ctx, sc, street, village)
	if err != nil {
		return 0, err
	}
	if progress != nil {
		progress(0, n)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan *recomputedPage, 1) // one page ahead: memory holds a few pages
	var loadErr error
	go func() {
		defer close(pages)
		params := c.Parameters()
		groups := map[string]map[int64]string{} // village → group id → name, read once per village
		after := int64(0)
		for {
			p, err := s.evaluatePage(ctx, c.ID, params, sc, street, village, after, groups)
			if err != nil || p == nil {
				loadErr = err
				return
			}
			after = p.last
			select {
			case pages <- p:
			case <-ctx.Done():
				loadErr = ctx.Err()
				return
			}
		}
	}()
	// Writers: pages are independent (other households), so two
	// transactions write at once and the server's cores share the work.
	var mu sync.Mutex
	var writeErr error
	done := 0
	var wg sync.WaitGroup
	for range recomputeWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pages {
				err := s.store.InTx(ctx, func(ctx context.Context) error { return s.storePage(ctx, c.ID, p) })
				mu.Lock()
				if err != nil {
					if writeErr == nil {
						writeErr = fmt.Errorf("households %d…%d: %w", p.first, p.last, err)
					}
					cancel()
				} else if writeErr == nil {
					done += p.n
					if progress != nil {
						progress(int64(done), max(n, int64(done)))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	switch {
	case writeErr != nil:
		return done, writeErr
	case loadErr != nil:
		return done, loadErr
	}
	return done, ctx.Err()
}

// evaluatePage reads the page of households after the ID after, evaluates
// them and compares each with its stored outcome; nil at the end.
func (s *Outcomes) evaluatePage(ctx context.Context, campaignID int64, params interchange.Campaign, sc access.Scope, street, village string, after int64, groups map[string]map[int64]string) (*recomputedPage, error) {
	hs, err := s.store.HouseholdPage(ctx, sc, street, village, after, recomputePage)
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	names := make([]string, len(hs))
	ids := make([]int64, len(hs))
	for i := range hs {
		ids[i] = hs[i].ID
		if hs[i].GroupID == nil {
			continue
		}
		g, ok := groups[hs[i].VillageCode]
		if !ok {
			gs, err := s.store.VillageGroups(ctx, hs[i].VillageCode)
			if err != nil {
				return nil, err
			}
			g = make(map[int64]string, len(gs))
			for _, x := range gs {
				g[x.ID] = x.Name
			}
			groups[hs[i].VillageCode] = g
		}
		names[i] = g[*hs[i].GroupID]
	}
	now := s.now().UTC()
	computed := make([]*store.HouseholdOutcome, len(hs))
	parallel(len(hs), func(i int) {
		computed[i] = evaluateOutcome(&hs[i], names[i], campaignID, params, now)
	})
	before, err := s.store.OutcomeResults(ctx, campaignID, ids)
	if err != nil {
		return nil, err
	}
	p := &recomputedPage{first: ids[0], last: ids[len(ids)-1], n: len(hs), flag: map[int64]bool{}}
	for _, o := range computed {
		b := before[o.HouseholdID]
		if b != nil {
			o.ID = b.ID
			o.PreviousOutcome, o.ChangedInputs = b.PreviousOutcome, b.ChangedInputs
			switch {
			case b.InputsHash == o.InputsHash && b.Result == o.Result && b.HouseholdVersion == o.HouseholdVersion:
				continue // nothing changed: keep the record of the last change
			case b.InputsHash != o.InputsHash:
				o.PreviousOutcome = b.Outcome
				full, err := s.store.OutcomeOf(ctx, o.HouseholdID, campaignID) // the inputs, read only when they changed
				if err != nil {
					return nil, err
				}
				if full == nil {
					continue // gone meanwhile: the household left the register
				}
				paths, err := changedInputs([]byte(full.Inputs), []byte(o.Inputs))
				if err != nil {
					return nil, err
				}
				j, _ := json.Marshal(paths)
				o.ChangedInputs = string(j)
			case b.Outcome != o.Outcome:
				o.PreviousOutcome, o.ChangedInputs = b.Outcome, "[]" // the same inputs: none changed
			}
			if b.Outcome != o.Outcome {
				p.flag[o.HouseholdID] = true
			}
		}
		p.save = append(p.save, o)
	}
	return p, nil
}

// storePage writes a page's outcomes in the transaction in ctx, except for
// households edited or deleted since the page was read: their edit
// recomputed them in its own transaction, and an outcome of the older
// version must not overwrite that.
func (s *Outcomes) storePage(ctx context.Context, campaignID int64, p *recomputedPage) error {
	if len(p.save) == 0 {
		return nil
	}
	ids := make([]int64, len(p.save))
	for i, o := range p.save {
		ids[i] = o.HouseholdID
	}
	versions, err := s.store.LockHouseholdVersions(ctx, ids)
	if err != nil {
		return err
	}
	save := p.save[:0:0]
	for _, o := range p.save {
		if v, ok := versions[o.HouseholdID]; ok && v == o.HouseholdVersion {
			save = append(save, o)
		}
	}
	if err := s.store.SaveOutcomes(ctx, save); err != nil {
		return err
	}
	// A proposal made on another computed outcome is flagged, never
	// changed (as in recompute).
	for _, o := range save {
		if p.flag[o.HouseholdID] {
			if _, err := s.store.FlagCases(ctx, campaignID, o.HouseholdID, o.Outcome); err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluateOutcome is a stored household's outcome record: its
// household-v1 inputs, the result, and what they were computed on.
func evaluateOutcome(h *register.Household, group string, campaignID int64, params interchange.Campaign, now time.Time) *store.HouseholdOutcome {
	v1 := h.Interchange(group)
	res := evaluateStored(&v1, params)
	inputs := interchange.AppendHousehold(nil, &v1)
	sum := sha256.Sum256(inputs)
	return &store.HouseholdOutcome{HouseholdID: h.ID, CampaignID: campaignID, Outcome: string(res.Outcome),
		PerCapitaIncome: res.PerCapitaIncome, HouseholdSize: res.HouseholdSize, Result: string(res.AppendJSON(nil)),
		Inputs: string(inputs), InputsHash: hex.EncodeToString(sum[:]), HouseholdVersion: h.Version,
		ComputedAt: now, ChangedInputs: "[]"}
}

// parallel calls fn(0) … fn(n-1) on every core and returns when all are done.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// RecomputeActive recomputes every household for the active campaign, at
// once (demo seeding; the API uses the background job).
func (s *Outcomes) RecomputeActive(ctx context.Context) (int, error) {
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil || c == nil {
		return 0, err
	}
	n, err := s.recomputeAll(ctx, c, wholeDistrict, "", "", nil)
	return n, apperr.Wrap(err, "recompute outcomes")
}

// OutcomeList is a page of a campaign's outcomes with the counts by outcome
// over the whole filter (every outcome, zeros included).
type OutcomeList struct {
	Rows   []store.OutcomeListRow
	Total  int64
	Counts map[rules.Outcome]int64
}

// List pages through a campaign's outcomes in the caller's scope.
func (s *Outcomes) List(ctx context.Context, actor access.Actor, campaignID int64, f store.OutcomeFilter) (*OutcomeList, error) {
	if _, err := s.store.CampaignByID(ctx, campaignID); err != nil {
		return nil, err
	}
	rows, total, err := s.store.Outcomes(ctx, actor.Scope, campaignID, f)
	if err != nil {
		return nil, apperr.Wrap(err, "list outcomes")
	}
	counts, err := s.store.OutcomeCounts(ctx, actor.Scope, campaignID, f)
	if err != nil {
		return nil, apperr.Wrap(err, "count outcomes")
	}
	out := &OutcomeList{Rows: rows, Total: total, Counts: map[rules.Outcome]int64{}}
	for _, o := range rules.Outcomes {
		out.Counts[o] = counts[string(o)]
	}
	return out, nil
}

// Export writes a campaign's filtered outcomes as XLSX with Chinese headers
// and outcome names, and records the export.
func (s *Outcomes) Export(ctx context.Context, actor access.Actor, campaignID int64, f store.OutcomeFilter, w io.Writer) error {
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return err
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "outcome.export", ObjectType: "campaign", ObjectID: strconv.FormatInt(c.ID, 10),
		Reason: fmt.Sprintf("street=%s village=%s outcome=%s", f.StreetCode, f.VillageCode, f.Outcome)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	header := []any{"户编号", "街道", "行政村", "户主", "测算结果", "人均纯收入（元）", "家庭人口", "上次测算结果", "测算时间"}
	widths := []colWidth{{1, 1, 22}, {2, 3, 14}, {9, 9, 20}}
	return writeXLSX(w, "测算结果", header, widths, func(add func(...any) error) error {
		return apperr.Wrap(s.store.EachOutcome(ctx, actor.Scope, c.ID, f, func(r store.OutcomeListRow) error {
			var income, size any = "", ""
			if r.PerCapitaIncome != nil {
				income = r.PerCapitaIncome.StringFixed(2)
			}
			if r.HouseholdSize != nil {
				size = *r.HouseholdSize
			}
			return add(r.Code, r.StreetName, r.VillageName, r.HeadName, rules.Outcome(r.Outcome).Chinese(),
				income, size, rules.Outcome(r.PreviousOutcome).Chinese(), r.ComputedAt.In(localdate.Shanghai).Format(time.DateTime))
		}), "export outcomes")
	})
}

// RuleFired is one rule of a household's result, explained.
type RuleFired struct {
	Code     string
	Name     string
	Value    string // T or U
	Excepted bool
	Detail   string // Chinese, naming the values
	Clause   string // the policy's wording with the campaign's parameters
	Source   string // where in 盘政办通〔2017〕99号
}

// HouseholdOutcome is a household's current outcome in the active campaign.
type HouseholdOutcome struct {
	Campaign         store.Campaign
	HouseholdID      int64
	Outcome          rules.Outcome
	PerCapitaIncome  *decimal.Decimal
	HouseholdSize    *int
	MembersRemoved   []string
	Rules            []RuleFired
	Unknown          []string
	Errors           []interchange.FieldError
	ComputedAt       time.Time
	HouseholdVersion int64
	ChangedInputs    []string
	PreviousOutcome  rules.Outcome // "" before the first change
}

// storedResult is the result object of rules.md §5.2 as stored.
type storedResult struct {
	MembersRemoved []string `json:"members_removed"`
	Rules          []struct {
		Code     string `json:"code"`
		Value    string `json:"value"`
		Excepted bool   `json:"excepted"`
		Detail   string `json:"detail"`
	} `json:"rules"`
	Unknown []string                 `json:"unknown"`
	Errors  []interchange.FieldError `json:"errors"`
}

// OfHousehold reads a household's current outcome in the active campaign,
// each rule with its policy clause. Outside the scope is not found.
func (s *Outcomes) OfHousehold(ctx context.Context, actor access.Actor, householdID int64) (*HouseholdOutcome, error) {
	if _, err := s.store.Household(ctx, actor.Scope, householdID); err != nil {
		return nil, err
	}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "active campaign")
	}
	if c == nil {
		return nil, apperr.NotFoundf("进行中的动态管理批次")
	}
	o, err := s.store.OutcomeOf(ctx, householdID, c.ID)
	if err != nil {
		return nil, apperr.Wrap(err, "read outcome")
	}
	if o == nil {
		return nil, apperr.NotFoundf("该户的测算结果")
	}
	var res storedResult
	if err := json.Unmarshal([]byte(o.Result), &res); err != nil {
		return nil, apperr.Wrap(err, "stored result")
	}
	out := &HouseholdOutcome{Campaign: *c, HouseholdID: householdID, Outcome: rules.Outcome(o.Outcome),
		PerCapitaIncome: o.PerCapitaIncome, HouseholdSize: o.HouseholdSize, MembersRemoved: res.MembersRemoved,
		Unknown: res.Unknown, Errors: res.Errors, ComputedAt: o.ComputedAt, HouseholdVersion: o.HouseholdVersion,
		PreviousOutcome: rules.Outcome(o.PreviousOutcome), Rules: []RuleFired{}, ChangedInputs: []string{}}
	if err := json.Unmarshal([]byte(o.ChangedInputs), &out.ChangedInputs); err != nil {
		return nil, apperr.Wrap(err, "stored changed inputs")
	}
	for _, r := range res.Rules {
		f := RuleFired{Code: r.Code, Value: r.Value, Excepted: r.Excepted, Detail: r.Detail}
		if def, ok := rules.Lookup(r.Code); ok {
			f.Name, f.Source, f.Clause = def.Name, def.Source, def.ClauseFor(c.Parameters())
		}
		out.Rules = append(out.Rules, f)
	}
	return out, nil
}
