package service

import (
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"sync"
	"time"

	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
	"jingzhun/internal/synth"
)

// Generated is what SeedGenerated wrote.
type Generated struct {
	Households, Members int
	Rows                int // of every table: households, members, assets
	Skipped             int // drawn but left out: invalid for the register, or a person already drawn
	Elapsed             time.Duration
}

// GenerateOptions tune SeedGenerated; zero values take the defaults.
type GenerateOptions struct {
	Batch    int              // households per transaction (default 1,000)
	Workers  int              // goroutines generating and sealing (default GOMAXPROCS)
	Progress func(done int)   // called after each committed batch
	Now      func() time.Time // the day register validation checks dates against
}

// generatedAt is the created and updated time of every generated row: fixed,
// so that the same seed writes the same rows.
var generatedAt = time.Date(2017, 6, 30, 1, 0, 0, 0, time.UTC)

// SeedGenerated writes n synthetic households of a seed (the one generator,
// synth) straight into an empty register with multi-row INSERTs, as the
// store keeps them: valid for the register, personal fields sealed, blind
// indexes, version 1, the details a survey records (demoDetails), placed in
// the generator's village groups. Households are drawn in order, 0, 1, 2 …;
// one the register would refuse (a faulty record, a person drawn before) is
// left out, so the same seed always gives the same rows with the same IDs.
// Drawing and sealing run on every core, one batch ahead of the database;
// each batch commits in its own transaction (bounded, for TiDB).
// Outcomes are not computed: the recomputation job does that.
func (d *Demo) SeedGenerated(ctx context.Context, seed uint64, n int, opt GenerateOptions) (*Generated, error) {
	start := time.Now()
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if have, err := d.store.CountHouseholds(ctx); err != nil {
		return nil, apperr.Wrap(err, "count households")
	} else if have > 0 {
		return nil, fmt.Errorf("the register already holds %d households: generate into an empty database", have)
	}
	gen := synth.New(seed)
	groupID, err := d.ensureGroups(ctx, gen)
	if err != nil {
		return nil, err
	}
	ids, err := d.store.NextHouseholdIDs(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "next IDs")
	}
	today := localdate.Today(opt.Now())

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Stage 1, on every core: draw chunks of households, keep those the
	// register accepts.
	chunks := make(chan int)
	go func() {
		defer close(chunks)
		for c := 0; ; c++ {
			select {
			case chunks <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	drawn := ordered(ctx, opt.Workers, chunks, func(c int) ([]drawnHousehold, error) {
		out := make([]drawnHousehold, 0, opt.Batch)
		for i := c * opt.Batch; i < (c+1)*opt.Batch; i++ {
			h := gen.Household(i)
			if len(interchange.Validate(&h, gen.Campaign)) > 0 {
				out = append(out, drawnHousehold{skip: true})
				continue
			}
			rh := register.FromInterchange(&h)
			if len(register.Validate(&rh, today)) > 0 {
				out = append(out, drawnHousehold{skip: true})
				continue
			}
			if id, ok := groupID[[2]string{rh.VillageCode, h.Region.Group}]; ok {
				rh.GroupID = &id
			}
			demoDetails(&rh, i)
			rh.CreatedBy, rh.UpdatedBy = "synth", "synth"
			rh.CreatedAt, rh.UpdatedAt = generatedAt, generatedAt
			out = append(out, drawnHousehold{h: rh})
		}
		return out, nil
	})

	// Stage 2, in order: a person drawn before leaves the household out
	// (one person, one household); IDs are assigned; batches are cut.
	batches := make(chan []register.Household)
	res := &Generated{}
	var stageErr error
	go func() {
		defer close(batches)
		people := map[uint64]struct{}{}
		batch := make([]register.Household, 0, opt.Batch)
		written := 0
		for f := range drawn {
			r := <-f
			if r.err != nil {
				stageErr = r.err
				return
			}
			for _, dh := range r.v {
				if written+len(batch) >= n {
					break
				}
				if dh.skip || slices.ContainsFunc(dh.h.Members, func(m register.Member) bool { _, seen := people[personKey(m.IDNumber)]; return seen }) {
					res.Skipped++
					continue
				}
				h := dh.h
				h.ID = ids.Household
				ids.Household++
				for j := range h.Members {
					people[personKey(h.Members[j].IDNumber)] = struct{}{}
					h.Members[j].ID, h.Members[j].HouseholdID = ids.Member, h.ID
					ids.Member++
				}
				for j := range h.Vehicles {
					h.Vehicles[j].ID, h.Vehicles[j].HouseholdID = ids.Vehicle, h.ID
					ids.Vehicle++
				}
				for j := range h.UrbanProperties {
					h.UrbanProperties[j].ID, h.UrbanProperties[j].HouseholdID = ids.UrbanProperty, h.ID
					ids.UrbanProperty++
				}
				for j := range h.Businesses {
					h.Businesses[j].ID, h.Businesses[j].HouseholdID = ids.Business, h.ID
					ids.Business++
				}
				for j := range h.HelpMeasures {
					h.HelpMeasures[j].ID, h.HelpMeasures[j].HouseholdID = ids.HelpMeasure, h.ID
					ids.HelpMeasure++
				}
				batch = append(batch, h)
			}
			if len(batch) >= opt.Batch || written+len(batch) >= n {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return
				}
				written += len(batch)
				batch = make([]register.Household, 0, opt.Batch)
			}
			if written >= n {
				return
			}
		}
	}()

	// Stage 3, on every core: seal and lay out the rows.
	prepared := ordered(ctx, opt.Workers, batches, d.store.PrepareHouseholds)

	// Stage 4, in order: one transaction per batch.
	for f := range prepared {
		r := <-f
		if r.err != nil {
			return res, apperr.Wrap(r.err, "prepare households")
		}
		if err := d.store.InTx(ctx, func(ctx context.Context) error { return d.store.WriteHouseholds(ctx, r.v) }); err != nil {
			return res, apperr.Wrap(err, "write households")
		}
		res.Households += r.v.Households
		res.Members += r.v.Members
		res.Rows += r.v.Rows
		if opt.Progress != nil {
			opt.Progress(res.Households)
		}
	}
	if stageErr != nil {
		return res, stageErr
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

type drawnHousehold struct {
	h    register.Household
	skip bool
}

// personKey is a 64-bit hash of an ID number: the set of people drawn so
// far holds millions, and a collision only leaves one more household out,
// the same one every time.
func personKey(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// ensureGroups creates the generator's village groups that do not exist
// yet, in village code order (so that their IDs too are the same every
// time), and maps (village, group name) to their IDs.
func (d *Demo) ensureGroups(ctx context.Context, gen *synth.Generator) (map[[2]string]int64, error) {
	all := gen.VillageGroups()
	villages := make([]string, 0, len(all))
	for v := range all {
		villages = append(villages, v)
	}
	slices.Sort(villages)
	out := map[[2]string]int64{}
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		var missing []store.VillageGroup
		for _, v := range villages {
			have, err := d.store.VillageGroups(ctx, v)
			if err != nil {
				return err
			}
			for _, g := range have {
				out[[2]string{v, g.Name}] = g.ID
			}
			for i, name := range all[v] {
				if _, ok := out[[2]string{v, name}]; !ok {
					missing = append(missing, store.VillageGroup{VillageCode: v, Name: name, Sort: i + 1})
				}
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if err := d.store.SaveVillageGroups(ctx, missing); err != nil {
			return err
		}
		for _, g := range missing {
			out[[2]string{g.VillageCode, g.Name}] = g.ID
		}
		return nil
	})
	return out, apperr.Wrap(err, "village groups")
}

// result is a value or an error, delivered through a future.
type result[T any] struct {
	v   T
	err error
}

// ordered runs fn on the items of in with up to workers goroutines and
// delivers the results in the order of in: one future per item, at most
// 2×workers items in flight, so memory stays bounded however many there are.
func ordered[In, Out any](ctx context.Context, workers int, in <-chan In, fn func(In) (Out, error)) <-chan chan result[Out] {
	out := make(chan chan result[Out], workers)
	go func() {
		defer close(out)
		sem := make(chan struct{}, workers)
		var wg sync.WaitGroup
		defer wg.Wait()
		for item := range in {
			f := make(chan result[Out], 1)
			select {
			case out <- f:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				v, err := fn(item)
				f <- result[Out]{v, err}
			}()
		}
	}()
	return out
}
