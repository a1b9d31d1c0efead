package service

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
)

// WhatIfListCap is how many changed households a what-if names; the
// counts cover every household.
const WhatIfListCap = 1000

// whatIfBatch is how many stored outcomes a what-if reads at a time.
const whatIfBatch = 500

// WhatIfChange is a policy what-if: the parameters to try (nil keeps the
// campaign's) over the caller's scope, optionally one street or village.
type WhatIfChange struct {
	Street            string
	Village           string
	PovertyLine       *decimal.Decimal
	VehicleValueLimit *decimal.Decimal
	IncomeYear        *int
	ReferenceDate     *localdate.Date
}

// WhatIfStreet is how a street's outcomes would change.
type WhatIfStreet struct {
	Code    string
	Name    string
	Now     map[rules.Outcome]int64 // every outcome, zeros included
	Then    map[rules.Outcome]int64
	Changed int64
}

// WhatIfHousehold is a household whose outcome would change.
type WhatIfHousehold struct {
	HouseholdID int64
	Code        string
	HeadName    string
	StreetCode  string
	VillageCode string
	VillageName string
	Now         rules.Outcome
	Then        rules.Outcome
}

// WhatIf answers a what-if: nothing was stored.
type WhatIf struct {
	Campaign   store.Campaign
	Parameters interchange.Campaign // what was tried
	Households int64                // stored outcomes evaluated
	Changed    int64
	Streets    []WhatIfStreet
	Changes    []WhatIfHousehold // the first WhatIfListCap, in household order
	Truncated  bool
}

// WhatIf re-runs the rules on the stored inputs of a campaign's outcomes
// (the household-v1 documents they were computed on) with some parameters
// changed, and tells how the outcomes would change, by street and by
// household, storing nothing. An income year changed without a poverty line
// takes the line recorded for that year, as a change of the campaign would.
// A street or village outside the caller's scope is not found; without one,
// the caller's whole scope is evaluated.
func (s *Outcomes) WhatIf(ctx context.Context, actor access.Actor, campaignID int64, ch WhatIfChange) (*WhatIf, error) {
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	tree, err := s.store.Regions(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "read regions")
	}
	sc := actor.Scope
	streetOf := map[string]string{}
	for _, v := range tree.Villages {
		streetOf[v.Code] = v.StreetCode
	}
	if ch.Street != "" {
		known := false
		for _, st := range tree.Streets {
			known = known || st.Code == ch.Street
		}
		if !known || !sc.HasStreet(ch.Street) {
			return nil, apperr.NotFoundf("街道")
		}
	}
	if ch.Village != "" {
		st, known := streetOf[ch.Village]
		if !known || !sc.HasVillage(ch.Village) || (ch.Street != "" && st != ch.Street) {
			return nil, apperr.NotFoundf("行政村")
		}
	}

	then := *c
	if ch.IncomeYear != nil {
		then.IncomeYear = *ch.IncomeYear
		if ch.PovertyLine == nil && then.IncomeYear != c.IncomeYear {
			l, err := s.store.PovertyLineOf(ctx, then.IncomeYear)
			if err != nil {
				return nil, apperr.Wrap(err, "poverty line")
			}
			if l == nil {
				return nil, apperr.Invalid(apperr.Detail{Field: "poverty_line", Message: fmt.Sprintf("没有%d年的扶贫标准，请填写", then.IncomeYear)})
			}
			then.PovertyLine = l.Line
		}
	}
	if ch.PovertyLine != nil {
		then.PovertyLine = *ch.PovertyLine
	}
	if ch.VehicleValueLimit != nil {
		then.VehicleValueLimit = *ch.VehicleValueLimit
	}
	if ch.ReferenceDate != nil {
		then.ReferenceDate = *ch.ReferenceDate
	}
	if ds := campaignProblems(&then); len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	params := then.Parameters()

	out := &WhatIf{Campaign: *c, Parameters: params, Changes: []WhatIfHousehold{}}
	byStreet := map[string]*WhatIfStreet{}
	for _, st := range tree.Streets {
		if !sc.HasStreet(st.Code) || (ch.Street != "" && st.Code != ch.Street) || (ch.Village != "" && st.Code != streetOf[ch.Village]) {
			continue
		}
		out.Streets = append(out.Streets, WhatIfStreet{Code: st.Code, Name: st.Name, Now: zeroCounts(), Then: zeroCounts()})
	}
	for i := range out.Streets {
		byStreet[out.Streets[i].Code] = &out.Streets[i]
	}

	results := make([]whatIfResult, whatIfBatch)
	err = s.store.EachOutcomeInput(ctx, sc, c.ID, ch.Street, ch.Village, whatIfBatch, func(rows []store.OutcomeInput) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		evaluateInputs(rows, params, results[:len(rows)])
		for i, r := range rows {
			res := results[i]
			now, later := rules.Outcome(r.Outcome), res.outcome
			out.Households++
			st := byStreet[r.StreetCode]
			if st == nil { // a street the tree does not know: counted apart
				st = &WhatIfStreet{Code: r.StreetCode, Name: r.StreetCode, Now: zeroCounts(), Then: zeroCounts()}
				out.Streets = append(out.Streets, *st)
				byStreet = reindex(out.Streets)
				st = byStreet[r.StreetCode]
			}
			st.Now[now]++
			st.Then[later]++
			if now == later {
				continue
			}
			st.Changed++
			out.Changed++
			if len(out.Changes) < WhatIfListCap {
				out.Changes = append(out.Changes, WhatIfHousehold{HouseholdID: r.HouseholdID, Code: r.Code, HeadName: res.head,
					StreetCode: r.StreetCode, VillageCode: r.VillageCode, VillageName: r.VillageName, Now: now, Then: later})
			} else {
				out.Truncated = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err, "what-if")
	}
	return out, nil
}

type whatIfResult struct {
	outcome rules.Outcome
	head    string
}

// evaluateInputs decodes and evaluates a batch of stored inputs on every
// core: each worker reuses one household value.
func evaluateInputs(rows []store.OutcomeInput, params interchange.Campaign, out []whatIfResult) {
	workers := min(runtime.GOMAXPROCS(0), len(rows))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var h interchange.Household
			for i := w; i < len(rows); i += workers {
				out[i] = evaluateInput([]byte(rows[i].Inputs), params, &h)
			}
		}(w)
	}
	wg.Wait()
}

// evaluateInput evaluates one stored household-v1 document as a
// recomputation would (evaluateStored), with the head's name.
func evaluateInput(doc []byte, params interchange.Campaign, h *interchange.Household) whatIfResult {
	code, errs := interchange.DecodeHousehold(doc, h)
	if len(errs) > 0 {
		return whatIfResult{outcome: rules.InvalidResult(code, errs).Outcome}
	}
	r := whatIfResult{outcome: evaluateStored(h, params).Outcome}
	for i := range h.Members {
		if h.Members[i].Relation == interchange.Head {
			r.head = h.Members[i].Name
			break
		}
	}
	return r
}

func zeroCounts() map[rules.Outcome]int64 {
	m := make(map[rules.Outcome]int64, len(rules.Outcomes))
	for _, o := range rules.Outcomes {
		m[o] = 0
	}
	return m
}

func reindex(ss []WhatIfStreet) map[string]*WhatIfStreet {
	m := make(map[string]*WhatIfStreet, len(ss))
	for i := range ss {
		m[ss[i].Code] = &ss[i]
	}
	return m
}
