package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
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

// recomputeAll recomputes the live households in scope (optionally one
// street or village), each in its own transaction, reporting progress.
func (s *Outcomes) recomputeAll(ctx context.Context, c *store.Campaign, sc access.Scope, street, village string, progress func(done, total int64)) (int, error) {
	ids, err := s.store.HouseholdIDs(ctx, sc, street, village)
	if err != nil {
		return 0, err
	}
	n := int64(len(ids))
	if progress != nil {
		progress(0, n)
	}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if err := s.recompute(ctx, c, id); err != nil {
			return i, fmt.Errorf("household %d: %w", id, err)
		}
		if progress != nil {
			progress(int64(i+1), n)
		}
	}
	return len(ids), nil
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
