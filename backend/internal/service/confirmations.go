package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/departments"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// Confirmations is the departments' review of their own fields (信息数据复核,
// departments.md): each field a department owns, of each household, member
// and village, has in a campaign a state — pending (nothing recorded),
// confirmed, corrected (the new value went through the household or village
// service like any edit) or disputed. A liaison works on its own
// department's fields only and sees nothing else of a household but what it
// needs to match its records (code, place, members' names and ID numbers);
// the district may read every department's lists.
type Confirmations struct {
	store       *store.Store
	audit       *AuditLog
	households  *Households
	villages    *VillageFacts
	departments *Departments
	regions     *Regions
	now         func() time.Time
}

// NewConfirmations builds the confirmation service.
func NewConfirmations(st *store.Store, a *AuditLog, h *Households, v *VillageFacts, d *Departments, r *Regions, now func() time.Time) *Confirmations {
	return &Confirmations{store: st, audit: a, households: h, villages: v, departments: d, regions: r, now: now}
}

// Task kinds.
const (
	TaskHousehold = store.EntityHousehold
	TaskVillage   = store.EntityVillage
)

// Responsibility is a department with the fields it confirms.
type Responsibility struct {
	Code   string
	Name   string
	Fields []departments.Field
}

// department checks that the actor may work on a department's lists: a
// liaison on its own only (403 otherwise, audited), others only to read.
// An unknown department is not found.
func (s *Confirmations) department(ctx context.Context, actor access.Actor, code string, write bool) (*Responsibility, error) {
	d, err := s.departments.Access(ctx, s.audit, actor, code, write)
	if err != nil {
		return nil, err
	}
	fields, _ := departments.Responsibilities(code)
	return &Responsibility{Code: code, Name: d.Name, Fields: fields}, nil
}

// PendingCount is how many of its fields a liaison still has to confirm in
// the newest campaign (household and village fields), for its home page.
// It reads counts only, so it is not audited as a read of households.
func (s *Confirmations) PendingCount(ctx context.Context, actor access.Actor) (int64, error) {
	r, err := s.department(ctx, actor, actor.Scope.Department, false)
	if err != nil {
		return 0, err
	}
	c, err := s.campaign(ctx, 0)
	if err != nil {
		return 0, err
	}
	f := s.filter(r, c.ID, TaskQuery{})
	hs, err := s.store.TaskCounts(ctx, actor.Scope, f)
	if err != nil {
		return 0, err
	}
	vs, err := s.store.VillageTaskCounts(ctx, actor.Scope, f)
	if err != nil {
		return 0, err
	}
	return hs[store.StatePending] + vs[store.StatePending], nil
}

// Responsibilities is a department's responsibility list.
func (s *Confirmations) Responsibilities(ctx context.Context, actor access.Actor, code string) (*Responsibility, error) {
	return s.department(ctx, actor, code, false)
}

// campaign is the campaign asked for, or the newest.
func (s *Confirmations) campaign(ctx context.Context, id int64) (*store.Campaign, error) {
	if id > 0 {
		return s.store.CampaignByID(ctx, id)
	}
	cs, err := s.store.Campaigns(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "campaigns")
	}
	if len(cs) == 0 {
		return nil, apperr.NotFoundf("动态管理批次")
	}
	return &cs[0], nil
}

// TaskQuery filters a department's inbox.
type TaskQuery struct {
	CampaignID  int64
	Kind        string // household (default) or village
	State       string // pending (default), confirmed, corrected, disputed, all
	StreetCode  string
	VillageCode string
	Text        string
	IDNumber    string
	Page        int
	PageSize    int
}

// TaskField is one field of one household, member or village, as the
// liaison sees it. Value is the stored value as text (canonical form),
// Display the same in words.
type TaskField struct {
	Key        string
	Label      string
	Kind       string
	MemberID   int64
	MemberName string
	Value      *string
	Display    string
	State      string
	Note       string
	By         string
	At         *time.Time
}

// TaskMember is a member as a liaison needs it to match its records.
type TaskMember struct {
	ID       int64
	Name     string
	IDNumber string
}

// TaskItem is one household (HouseholdID set) or village of the inbox with
// the department's fields.
type TaskItem struct {
	HouseholdID int64
	Code        string
	StreetCode  string
	StreetName  string
	VillageCode string
	VillageName string
	Version     int64
	Members     []TaskMember
	Fields      []TaskField
}

// TaskPage is a page of the inbox with the counts of fields by state over
// the whole filter.
type TaskPage struct {
	CampaignID int64
	Items      []TaskItem
	Total      int64
	Page       int
	PageSize   int
	Counts     map[string]int64
}

var taskStates = []string{store.StatePending, store.StateConfirmed, store.StateCorrected, store.StateDisputed}

func (q *TaskQuery) check() error {
	var ds []apperr.Detail
	if q.Kind == "" {
		q.Kind = TaskHousehold
	}
	if q.State == "" {
		q.State = store.StatePending
	}
	if q.Kind != TaskHousehold && q.Kind != TaskVillage {
		ds = append(ds, apperr.Detail{Field: "kind", Message: "应为 household 或 village"})
	}
	if q.State != "all" && !slices.Contains(taskStates, q.State) {
		ds = append(ds, apperr.Detail{Field: "state", Message: "应为 pending、confirmed、corrected、disputed 或 all"})
	}
	if len(ds) > 0 {
		e := apperr.New(apperr.BadRequest, "查询参数不正确")
		e.Details = ds
		return e
	}
	return nil
}

func (s *Confirmations) filter(r *Responsibility, campaignID int64, q TaskQuery) store.TaskFilter {
	f := store.TaskFilter{CampaignID: campaignID, Department: r.Code, State: q.State, StreetCode: q.StreetCode,
		VillageCode: q.VillageCode, Text: strings.TrimSpace(q.Text), IDNumber: strings.ToUpper(strings.TrimSpace(q.IDNumber)),
		Page: q.Page, PageSize: q.PageSize}
	if f.State == "all" {
		f.State = ""
	}
	for _, fd := range r.Fields {
		switch fd.Table() {
		case departments.TableHousehold:
			f.HouseholdFields = append(f.HouseholdFields, fd.Key)
		case departments.TableMember:
			f.MemberFields = append(f.MemberFields, fd.Key)
		case departments.TableVillage:
			f.VillageFields = append(f.VillageFields, fd.Key)
		}
	}
	return f
}

// Tasks is a page of a department's inbox. Reading households' fields is
// audited as a full-record read is, one entry per household.
func (s *Confirmations) Tasks(ctx context.Context, actor access.Actor, code string, q TaskQuery) (*TaskPage, error) {
	r, err := s.department(ctx, actor, code, false)
	if err != nil {
		return nil, err
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	c, err := s.campaign(ctx, q.CampaignID)
	if err != nil {
		return nil, err
	}
	f := s.filter(r, c.ID, q)
	out := &TaskPage{CampaignID: c.ID, Page: q.Page, PageSize: q.PageSize, Items: []TaskItem{}}
	if q.Kind == TaskVillage {
		vs, total, err := s.store.TaskVillages(ctx, actor.Scope, f)
		if err != nil {
			return nil, apperr.Wrap(err, "village tasks")
		}
		if out.Items, err = s.villageItems(ctx, r, c.ID, vs, f.State); err != nil {
			return nil, err
		}
		out.Total = total
		out.Counts, err = s.store.VillageTaskCounts(ctx, actor.Scope, f)
		return out, apperr.Wrap(err, "village task counts")
	}
	ids, total, err := s.store.TaskHouseholds(ctx, actor.Scope, f)
	if err != nil {
		return nil, apperr.Wrap(err, "household tasks")
	}
	hs, err := s.store.TaskHouseholdsByIDs(ctx, actor.Scope, ids)
	if err != nil {
		return nil, apperr.Wrap(err, "household tasks")
	}
	if out.Items, err = s.householdItems(ctx, r, c.ID, hs, f.State); err != nil {
		return nil, err
	}
	for _, h := range hs {
		if err := s.audit.Record(ctx, actor, Entry{Action: "household.read", ObjectType: "household", ObjectID: strconv.FormatInt(h.ID, 10),
			Reason: "行业部门核实（" + r.Name + "）：本部门负责的字段"}); err != nil {
			return nil, apperr.Wrap(err, "audit read")
		}
	}
	out.Total = total
	out.Counts, err = s.store.TaskCounts(ctx, actor.Scope, f)
	return out, apperr.Wrap(err, "task counts")
}

type place struct{ streetCode, streetName, villageName string }

func (s *Confirmations) places(ctx context.Context) (map[string]place, error) {
	tree, err := s.regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	streets := map[string]string{}
	for _, st := range tree.Streets {
		streets[st.Code] = st.Name
	}
	out := map[string]place{}
	for _, v := range tree.Villages {
		out[v.Code] = place{v.StreetCode, streets[v.StreetCode], v.Name}
	}
	return out, nil
}

func confirmationsByKey(cs []store.Confirmation) map[store.ConfirmationKey]store.Confirmation {
	out := make(map[store.ConfirmationKey]store.Confirmation, len(cs))
	for _, c := range cs {
		out[c.Key()] = c
	}
	return out
}

func taskField(fd departments.Field, memberID int64, memberName string, value *string, c *store.Confirmation) TaskField {
	tf := TaskField{Key: fd.Key, Label: fd.Label, Kind: fd.Kind, MemberID: memberID, MemberName: memberName,
		Value: value, Display: Display(fd, value), State: store.StatePending}
	if c != nil {
		at := c.At
		tf.State, tf.Note, tf.By, tf.At = c.State, c.Note, c.Username, &at
	}
	return tf
}

// householdItems builds the inbox items of households: the department's
// fields only, those in state (all when "").
func (s *Confirmations) householdItems(ctx context.Context, r *Responsibility, campaignID int64, hs []*register.Household, state string) ([]TaskItem, error) {
	places, err := s.places(ctx)
	if err != nil {
		return nil, err
	}
	refs := make([]string, len(hs))
	for i, h := range hs {
		refs[i] = strconv.FormatInt(h.ID, 10)
	}
	cs, err := s.store.Confirmations(ctx, campaignID, store.EntityHousehold, r.Code, refs)
	if err != nil {
		return nil, apperr.Wrap(err, "confirmations")
	}
	byKey := confirmationsByKey(cs)
	items := make([]TaskItem, 0, len(hs))
	for _, h := range hs {
		p := places[h.VillageCode]
		it := TaskItem{HouseholdID: h.ID, Code: h.Code, StreetCode: h.StreetCode, StreetName: p.streetName, VillageCode: h.VillageCode,
			VillageName: p.villageName, Version: h.Version, Members: []TaskMember{}, Fields: []TaskField{}}
		for _, m := range h.Members {
			it.Members = append(it.Members, TaskMember{ID: m.ID, Name: m.Name, IDNumber: m.IDNumber})
		}
		ref := strconv.FormatInt(h.ID, 10)
		add := func(fd departments.Field, memberID int64, memberName string) error {
			v, err := register.HouseholdValue(h, fd.Key, memberID)
			if err != nil {
				return apperr.Wrap(err, "field value")
			}
			var c *store.Confirmation
			if x, ok := byKey[store.ConfirmationKey{EntityRef: ref, MemberID: memberID, Field: fd.Key}]; ok {
				c = &x
			}
			tf := taskField(fd, memberID, memberName, v, c)
			if state == "" || tf.State == state {
				it.Fields = append(it.Fields, tf)
			}
			return nil
		}
		for _, fd := range r.Fields {
			if fd.Table() == departments.TableHousehold {
				if err := add(fd, 0, ""); err != nil {
					return nil, err
				}
			}
		}
		for _, m := range h.Members {
			for _, fd := range r.Fields {
				if fd.Table() == departments.TableMember {
					if err := add(fd, m.ID, m.Name); err != nil {
						return nil, err
					}
				}
			}
		}
		items = append(items, it)
	}
	return items, nil
}

func (s *Confirmations) villageItems(ctx context.Context, r *Responsibility, campaignID int64, vs []store.TaskVillage, state string) ([]TaskItem, error) {
	codes := make([]string, len(vs))
	for i, v := range vs {
		codes[i] = v.Code
	}
	facts, err := s.store.VillageFactsOf(ctx, codes)
	if err != nil {
		return nil, apperr.Wrap(err, "village facts")
	}
	cs, err := s.store.Confirmations(ctx, campaignID, store.EntityVillage, r.Code, codes)
	if err != nil {
		return nil, apperr.Wrap(err, "confirmations")
	}
	byKey := confirmationsByKey(cs)
	items := make([]TaskItem, 0, len(vs))
	for _, v := range vs {
		f := facts[v.Code]
		if f == nil {
			f = &register.VillageFacts{VillageCode: v.Code}
		}
		it := TaskItem{VillageCode: v.Code, VillageName: v.Name, StreetCode: v.StreetCode, StreetName: v.StreetName, Version: f.Version, Fields: []TaskField{}}
		for _, fd := range r.Fields {
			if fd.Table() != departments.TableVillage {
				continue
			}
			val, err := register.VillageValue(f, fd.Key)
			if err != nil {
				return nil, apperr.Wrap(err, "village value")
			}
			var c *store.Confirmation
			if x, ok := byKey[store.ConfirmationKey{EntityRef: v.Code, Field: fd.Key}]; ok {
				c = &x
			}
			tf := taskField(fd, 0, "", val, c)
			if state == "" || tf.State == state {
				it.Fields = append(it.Fields, tf)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// TaskRef names one field of one household (and member) or village.
type TaskRef struct {
	HouseholdID int64
	VillageCode string
	Field       string
	MemberID    int64
}

// ConfirmRequest confirms the items named, or every pending field in a
// filter (All).
type ConfirmRequest struct {
	CampaignID  int64
	Kind        string
	Items       []TaskRef
	All         bool
	StreetCode  string
	VillageCode string
	Text        string
}

// fieldOf finds the department's field for a reference: another
// department's field (or the team's) is forbidden, an unknown one invalid.
func (s *Confirmations) fieldOf(ctx context.Context, actor access.Actor, r *Responsibility, kind, key string, at string) (departments.Field, error) {
	i := slices.IndexFunc(r.Fields, func(f departments.Field) bool { return f.Key == key })
	if i < 0 {
		if _, known := departments.FieldOf(key); known {
			if err := s.audit.Record(ctx, actor, Entry{Action: "access.denied", ObjectType: "field", ObjectID: key,
				Result: ResultDenied, Reason: "不是" + r.Name + "负责的字段"}); err != nil {
				return departments.Field{}, apperr.Wrap(err, "audit denied access")
			}
			return departments.Field{}, apperr.New(apperr.Forbidden, "“"+key+"”不是本部门负责的字段，不能确认或更正")
		}
		return departments.Field{}, apperr.Invalid(apperr.Detail{Field: at, Message: "没有这个字段"})
	}
	f := r.Fields[i]
	if (kind == TaskVillage) != (f.Table() == departments.TableVillage) {
		return f, apperr.Invalid(apperr.Detail{Field: at, Message: "该字段不属于" + map[string]string{TaskVillage: "村表", TaskHousehold: "户表"}[kind]})
	}
	return f, nil
}

func checkKind(kind string) (string, error) {
	switch kind {
	case "", TaskHousehold:
		return TaskHousehold, nil
	case TaskVillage:
		return TaskVillage, nil
	}
	return "", apperr.Invalid(apperr.Detail{Field: "kind", Message: "应为 household 或 village"})
}

// Confirm records the department's confirmation of fields at their
// current values: the items named (whatever their state), or with All
// every pending field in the filter. It returns how many were confirmed.
func (s *Confirmations) Confirm(ctx context.Context, actor access.Actor, code string, req ConfirmRequest) (int, error) {
	r, err := s.department(ctx, actor, code, true)
	if err != nil {
		return 0, err
	}
	kind, err := checkKind(req.Kind)
	if err != nil {
		return 0, err
	}
	if req.All == (len(req.Items) > 0) {
		return 0, apperr.Invalid(apperr.Detail{Field: "items", Message: "请指定要确认的字段（items），或以 all 确认筛选范围内全部待核实字段，二者择一"})
	}
	if len(req.Items) > 5000 {
		return 0, apperr.Invalid(apperr.Detail{Field: "items", Message: "一次最多确认5000项"})
	}
	// Fields first, outside the transaction: a refusal is audited.
	for i, it := range req.Items {
		if _, err := s.fieldOf(ctx, actor, r, kind, it.Field, fmt.Sprintf("items[%d].field", i)); err != nil {
			return 0, err
		}
	}
	c, err := s.campaign(ctx, req.CampaignID)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		n = 0
		if req.All {
			q := TaskQuery{Kind: kind, State: store.StatePending, StreetCode: req.StreetCode, VillageCode: req.VillageCode, Text: req.Text}
			n, err = s.confirmAll(ctx, actor, r, c.ID, s.filter(r, c.ID, q), kind)
			return err
		}
		n, err = s.confirmItems(ctx, actor, r, c.ID, kind, req.Items)
		return err
	})
	if err != nil {
		return 0, apperr.Wrap(err, "confirm")
	}
	return n, nil
}

func (s *Confirmations) record(actor access.Actor, r *Responsibility, campaignID int64, entity, ref string, householdID, memberID int64,
	key, state string, value *string, note string) store.Confirmation {
	return store.Confirmation{CampaignID: campaignID, Entity: entity, EntityRef: ref, MemberID: memberID, Field: key,
		HouseholdID: householdID, Department: r.Code, State: state, Value: value, Note: truncate(note, 500),
		Username: actor.Username, At: s.now().UTC()}
}

func (s *Confirmations) confirmItems(ctx context.Context, actor access.Actor, r *Responsibility, campaignID int64, kind string, items []TaskRef) (int, error) {
	type keyed struct {
		ref   TaskRef
		field departments.Field
	}
	var ks []keyed
	var hids []int64
	var vcodes []string
	for i, it := range items {
		f, err := s.fieldOf(ctx, actor, r, kind, it.Field, fmt.Sprintf("items[%d].field", i))
		if err != nil {
			return 0, err
		}
		if kind == TaskHousehold {
			if it.HouseholdID <= 0 {
				return 0, apperr.Invalid(apperr.Detail{Field: fmt.Sprintf("items[%d].household_id", i), Message: "请指定户"})
			}
			hids = append(hids, it.HouseholdID)
		} else {
			if it.VillageCode == "" {
				return 0, apperr.Invalid(apperr.Detail{Field: fmt.Sprintf("items[%d].village_code", i), Message: "请指定行政村"})
			}
			vcodes = append(vcodes, it.VillageCode)
		}
		ks = append(ks, keyed{it, f})
	}
	var changes = map[string][]Change{}
	if kind == TaskHousehold {
		hs, err := s.store.TaskHouseholdsByIDs(ctx, actor.Scope, uniq(hids))
		if err != nil {
			return 0, err
		}
		byID := map[int64]*register.Household{}
		for _, h := range hs {
			byID[h.ID] = h
		}
		for i, k := range ks {
			h := byID[k.ref.HouseholdID]
			if h == nil {
				return 0, apperr.NotFoundf("农户")
			}
			if (k.field.Table() == departments.TableMember) != (k.ref.MemberID != 0) {
				return 0, apperr.Invalid(apperr.Detail{Field: fmt.Sprintf("items[%d].member_id", i), Message: "成员字段须指定成员，户级字段不指定成员"})
			}
			v, err := register.HouseholdValue(h, k.field.Key, k.ref.MemberID)
			if err != nil {
				return 0, apperr.Invalid(apperr.Detail{Field: fmt.Sprintf("items[%d].member_id", i), Message: err.Error()})
			}
			ref := strconv.FormatInt(h.ID, 10)
			c := s.record(actor, r, campaignID, store.EntityHousehold, ref, h.ID, k.ref.MemberID, k.field.Key, store.StateConfirmed, v, "")
			if err := s.store.PutConfirmation(ctx, &c); err != nil {
				return 0, err
			}
			changes[ref] = append(changes[ref], confirmationChange(k.field.Key, k.ref.MemberID, store.StateConfirmed))
		}
	} else {
		for _, k := range ks {
			f, err := s.store.VillageFacts(ctx, actor.Scope, k.ref.VillageCode)
			if err != nil {
				return 0, err
			}
			v, _ := register.VillageValue(f, k.field.Key)
			c := s.record(actor, r, campaignID, store.EntityVillage, f.VillageCode, 0, 0, k.field.Key, store.StateConfirmed, v, "")
			if err := s.store.PutConfirmation(ctx, &c); err != nil {
				return 0, err
			}
			changes[f.VillageCode] = append(changes[f.VillageCode], confirmationChange(k.field.Key, 0, store.StateConfirmed))
		}
	}
	return len(ks), s.auditConfirmations(ctx, actor, r, kind, "confirmation.confirm", changes, "")
}

func confirmationChange(key string, memberID int64, state string) Change {
	field := key
	if memberID != 0 {
		field = fmt.Sprintf("%s#%d", key, memberID)
	}
	return Change{Field: field, Before: nil, After: state}
}

func (s *Confirmations) auditConfirmations(ctx context.Context, actor access.Actor, r *Responsibility, kind, action string, changes map[string][]Change, reason string) error {
	refs := make([]string, 0, len(changes))
	for ref := range changes {
		refs = append(refs, ref)
	}
	slices.Sort(refs)
	for _, ref := range refs {
		if reason == "" {
			reason = "行业部门核实：" + r.Name
		}
		if err := s.audit.Record(ctx, actor, Entry{Action: action, ObjectType: kind, ObjectID: ref, Changes: changes[ref], Reason: reason}); err != nil {
			return err
		}
	}
	return nil
}

// confirmAll confirms every pending field in the filter at its value.
func (s *Confirmations) confirmAll(ctx context.Context, actor access.Actor, r *Responsibility, campaignID int64, f store.TaskFilter, kind string) (int, error) {
	n := 0
	changes := map[string][]Change{}
	if kind == TaskVillage {
		err := s.store.EachTaskVillage(ctx, actor.Scope, f, func(vs []store.TaskVillage) error {
			items, err := s.villageItems(ctx, r, campaignID, vs, store.StatePending)
			if err != nil {
				return err
			}
			var cs []store.Confirmation
			for _, it := range items {
				for _, tf := range it.Fields {
					cs = append(cs, s.record(actor, r, campaignID, store.EntityVillage, it.VillageCode, 0, 0, tf.Key, store.StateConfirmed, tf.Value, ""))
					changes[it.VillageCode] = append(changes[it.VillageCode], confirmationChange(tf.Key, 0, store.StateConfirmed))
				}
			}
			n += len(cs)
			return s.store.AddConfirmations(ctx, cs)
		})
		if err != nil {
			return 0, err
		}
		return n, s.auditConfirmations(ctx, actor, r, kind, "confirmation.confirm", changes, "")
	}
	err := s.store.EachTaskHousehold(ctx, actor.Scope, f, func(ids []int64) error {
		hs, err := s.store.TaskHouseholdsByIDs(ctx, actor.Scope, ids)
		if err != nil {
			return err
		}
		items, err := s.householdItems(ctx, r, campaignID, hs, store.StatePending)
		if err != nil {
			return err
		}
		var cs []store.Confirmation
		for _, it := range items {
			ref := strconv.FormatInt(it.HouseholdID, 10)
			for _, tf := range it.Fields {
				cs = append(cs, s.record(actor, r, campaignID, store.EntityHousehold, ref, it.HouseholdID, tf.MemberID, tf.Key, store.StateConfirmed, tf.Value, ""))
				changes[ref] = append(changes[ref], confirmationChange(tf.Key, tf.MemberID, store.StateConfirmed))
			}
		}
		n += len(cs)
		return s.store.AddConfirmations(ctx, cs)
	})
	if err != nil {
		return 0, err
	}
	return n, s.auditConfirmations(ctx, actor, r, kind, "confirmation.confirm", changes, "")
}

func uniq[T comparable](xs []T) []T {
	seen := map[T]bool{}
	var out []T
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Correction is a liaison's new value for one field: text in the canonical
// form (a code or its Chinese label, 是/否, an amount, a date, a JSON array
// for a list); nil or empty for unknown. Version is the household's (or
// village's) version the liaison saw.
type Correction struct {
	CampaignID int64
	Kind       string
	TaskRef
	Value   *string
	Note    string
	Version int64
}

// Correct writes the corrected value through the household (or village)
// service, like any edit — versioned, validated, audited, the outcome
// recomputed — and records the field as corrected. It returns the item.
func (s *Confirmations) Correct(ctx context.Context, actor access.Actor, code string, c Correction) (*TaskItem, error) {
	r, err := s.department(ctx, actor, code, true)
	if err != nil {
		return nil, err
	}
	kind, err := checkKind(c.Kind)
	if err != nil {
		return nil, err
	}
	f, err := s.fieldOf(ctx, actor, r, kind, c.Field, "field")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(c.Note) > 500 {
		return nil, apperr.Invalid(apperr.Detail{Field: "note", Message: "说明不能超过500个字"})
	}
	camp, err := s.campaign(ctx, c.CampaignID)
	if err != nil {
		return nil, err
	}
	var item *TaskItem
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if kind == TaskVillage {
			return s.correctVillage(ctx, actor, r, camp.ID, f, c, &item)
		}
		return s.correctHousehold(ctx, actor, r, camp.ID, f, c, &item)
	})
	if err != nil {
		return nil, apperr.Wrap(err, "correct")
	}
	return item, nil
}

func versionConflict(seen, now int64) error {
	e := apperr.New(apperr.VersionConflict, fmt.Sprintf("该记录已被他人修改（您看到的是第%d版，现在是第%d版），更正未保存。请刷新查看最新信息后再更正。", seen, now))
	e.Details = []apperr.Detail{{Field: "version", Message: strconv.FormatInt(now, 10)}}
	return e
}

func (s *Confirmations) correctHousehold(ctx context.Context, actor access.Actor, r *Responsibility, campaignID int64, f departments.Field, c Correction, item **TaskItem) error {
	h, err := s.store.Household(ctx, actor.Scope, c.HouseholdID)
	if err != nil {
		return err
	}
	if h.Version != c.Version {
		return versionConflict(c.Version, h.Version)
	}
	if (f.Table() == departments.TableMember) != (c.MemberID != 0) {
		return apperr.Invalid(apperr.Detail{Field: "member_id", Message: "成员字段须指定成员，户级字段不指定成员"})
	}
	before, err := register.HouseholdValue(h, f.Key, c.MemberID)
	if err != nil {
		return apperr.Invalid(apperr.Detail{Field: "member_id", Message: err.Error()})
	}
	in, err := Normalise(f, c.Value)
	if err != nil {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: err.Error()})
	}
	if err := register.SetHouseholdValue(h, f.Key, c.MemberID, in); err != nil {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: err.Error()})
	}
	after, _ := register.HouseholdValue(h, f.Key, c.MemberID)
	if sameText(before, after) {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: "更正值与现值相同：如现值无误，请直接确认"})
	}
	updated, err := s.households.Update(ctx, actor, h)
	if err != nil {
		return err
	}
	value, _ := register.HouseholdValue(updated, f.Key, c.MemberID)
	ref := strconv.FormatInt(updated.ID, 10)
	rec := s.record(actor, r, campaignID, store.EntityHousehold, ref, updated.ID, c.MemberID, f.Key, store.StateCorrected, value, c.Note)
	if err := s.store.PutConfirmation(ctx, &rec); err != nil {
		return err
	}
	field := f.Key
	if c.MemberID != 0 {
		field = fmt.Sprintf("%s#%d", f.Key, c.MemberID)
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "confirmation.correct", ObjectType: TaskHousehold, ObjectID: ref,
		Changes: []Change{{Field: field, Before: textOrNil(before), After: textOrNil(value)}}, Reason: truncate("行业部门更正（"+r.Name+"）："+c.Note, 500)}); err != nil {
		return err
	}
	items, err := s.householdItems(ctx, r, campaignID, []*register.Household{updated}, "")
	if err != nil {
		return err
	}
	*item = &items[0]
	return nil
}

func (s *Confirmations) correctVillage(ctx context.Context, actor access.Actor, r *Responsibility, campaignID int64, f departments.Field, c Correction, item **TaskItem) error {
	v, err := s.store.VillageFacts(ctx, actor.Scope, c.VillageCode)
	if err != nil {
		return err
	}
	if v.Version != c.Version {
		return versionConflict(c.Version, v.Version)
	}
	before, _ := register.VillageValue(v, f.Key)
	in, err := Normalise(f, c.Value)
	if err != nil {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: err.Error()})
	}
	if err := register.SetVillageValue(v, f.Key, in); err != nil {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: err.Error()})
	}
	after, _ := register.VillageValue(v, f.Key)
	if sameText(before, after) {
		return apperr.Invalid(apperr.Detail{Field: "value", Message: "更正值与现值相同：如现值无误，请直接确认"})
	}
	updated, err := s.villages.Update(ctx, actor, v)
	if err != nil {
		return err
	}
	rec := s.record(actor, r, campaignID, store.EntityVillage, v.VillageCode, 0, 0, f.Key, store.StateCorrected, after, c.Note)
	if err := s.store.PutConfirmation(ctx, &rec); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "confirmation.correct", ObjectType: TaskVillage, ObjectID: v.VillageCode,
		Changes: []Change{{Field: f.Key, Before: textOrNil(before), After: textOrNil(after)}}, Reason: truncate("行业部门更正（"+r.Name+"）："+c.Note, 500)}); err != nil {
		return err
	}
	items, err := s.villageItems(ctx, r, campaignID, []store.TaskVillage{{Code: v.VillageCode, Name: updated.VillageName,
		StreetCode: updated.StreetCode, StreetName: updated.StreetName}}, "")
	if err != nil {
		return err
	}
	*item = &items[0]
	return nil
}

// Dispute is a liaison's objection to a field's value, with its reason.
type Dispute struct {
	CampaignID int64
	Kind       string
	TaskRef
	Note string
}

// Dispute records that the department disputes a field's value (the
// reason is required). It returns the item.
func (s *Confirmations) Dispute(ctx context.Context, actor access.Actor, code string, d Dispute) (*TaskItem, error) {
	r, err := s.department(ctx, actor, code, true)
	if err != nil {
		return nil, err
	}
	kind, err := checkKind(d.Kind)
	if err != nil {
		return nil, err
	}
	f, err := s.fieldOf(ctx, actor, r, kind, d.Field, "field")
	if err != nil {
		return nil, err
	}
	d.Note = strings.TrimSpace(d.Note)
	if n := utf8.RuneCountInString(d.Note); n < 2 || n > 500 {
		return nil, apperr.Invalid(apperr.Detail{Field: "note", Message: "请写明异议的理由（2至500个字）"})
	}
	camp, err := s.campaign(ctx, d.CampaignID)
	if err != nil {
		return nil, err
	}
	var item *TaskItem
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if kind == TaskVillage {
			v, err := s.store.VillageFacts(ctx, actor.Scope, d.VillageCode)
			if err != nil {
				return err
			}
			value, _ := register.VillageValue(v, f.Key)
			rec := s.record(actor, r, camp.ID, store.EntityVillage, v.VillageCode, 0, 0, f.Key, store.StateDisputed, value, d.Note)
			if err := s.store.PutConfirmation(ctx, &rec); err != nil {
				return err
			}
			if err := s.auditConfirmations(ctx, actor, r, kind, "confirmation.dispute",
				map[string][]Change{v.VillageCode: {confirmationChange(f.Key, 0, store.StateDisputed)}}, "异议："+d.Note); err != nil {
				return err
			}
			view, err := s.villages.view(ctx, v)
			if err != nil {
				return err
			}
			items, err := s.villageItems(ctx, r, camp.ID, []store.TaskVillage{{Code: v.VillageCode, Name: view.VillageName,
				StreetCode: view.StreetCode, StreetName: view.StreetName}}, "")
			if err != nil {
				return err
			}
			item = &items[0]
			return nil
		}
		h, err := s.store.Household(ctx, actor.Scope, d.HouseholdID)
		if err != nil {
			return err
		}
		if (f.Table() == departments.TableMember) != (d.MemberID != 0) {
			return apperr.Invalid(apperr.Detail{Field: "member_id", Message: "成员字段须指定成员，户级字段不指定成员"})
		}
		value, err := register.HouseholdValue(h, f.Key, d.MemberID)
		if err != nil {
			return apperr.Invalid(apperr.Detail{Field: "member_id", Message: err.Error()})
		}
		ref := strconv.FormatInt(h.ID, 10)
		rec := s.record(actor, r, camp.ID, store.EntityHousehold, ref, h.ID, d.MemberID, f.Key, store.StateDisputed, value, d.Note)
		if err := s.store.PutConfirmation(ctx, &rec); err != nil {
			return err
		}
		if err := s.auditConfirmations(ctx, actor, r, kind, "confirmation.dispute",
			map[string][]Change{ref: {confirmationChange(f.Key, d.MemberID, store.StateDisputed)}}, "异议："+d.Note); err != nil {
			return err
		}
		items, err := s.householdItems(ctx, r, camp.ID, []*register.Household{h}, "")
		if err != nil {
			return err
		}
		item = &items[0]
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err, "dispute")
	}
	return item, nil
}

// resetConfirmations makes the departments' confirmations of the fields an
// edit changed pending again, and drops those of members no longer in the
// household. Households.Update calls it inside its transaction; a
// correction records its own state afterwards.
func resetConfirmations(ctx context.Context, st *store.Store, before, after *register.Household) error {
	var keys []store.ConfirmationKey
	had := map[int64]bool{}
	for _, m := range before.Members {
		had[m.ID] = true
	}
	members := make([]int64, 0, len(after.Members))
	for _, m := range after.Members {
		members = append(members, m.ID)
	}
	for _, f := range departments.Owned() {
		switch f.Table() {
		case departments.TableHousehold:
			b, _ := register.HouseholdValue(before, f.Key, 0)
			a, _ := register.HouseholdValue(after, f.Key, 0)
			if !sameText(b, a) {
				keys = append(keys, store.ConfirmationKey{Field: f.Key})
			}
		case departments.TableMember:
			for _, m := range after.Members {
				if !had[m.ID] {
					continue
				}
				b, _ := register.HouseholdValue(before, f.Key, m.ID)
				a, _ := register.HouseholdValue(after, f.Key, m.ID)
				if !sameText(b, a) {
					keys = append(keys, store.ConfirmationKey{MemberID: m.ID, Field: f.Key})
				}
			}
		}
	}
	removed := len(before.Members) != len(after.Members)
	for _, m := range before.Members {
		removed = removed || !slices.Contains(members, m.ID)
	}
	if len(keys) == 0 && !removed {
		return nil
	}
	return st.ResetConfirmations(ctx, after.ID, keys, members)
}

// Normalise reads a value as a liaison gives it (a code or its Chinese
// label, 是/否, an amount, a date, a JSON array for a list) into the
// canonical text; nil or blank is unknown.
func Normalise(f departments.Field, in *string) (*string, error) {
	if in == nil || strings.TrimSpace(*in) == "" {
		return nil, nil
	}
	s := strings.TrimSpace(*in)
	out := s
	switch f.Kind {
	case departments.KindBool:
		b, ok := register.ParseBool(s)
		if !ok {
			return nil, fmt.Errorf("“%s”应为 是 或 否", s)
		}
		out = strconv.FormatBool(b)
	case departments.KindEnum:
		var codes []string
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			part = strings.TrimSpace(part)
			i := slices.IndexFunc(f.Choices(), func(c register.CodeItem) bool { return c.Code == part || c.LabelZh == part })
			if i < 0 {
				var labels []string
				for _, c := range f.Choices() {
					labels = append(labels, c.LabelZh)
				}
				return nil, fmt.Errorf("“%s”不是可选的值（可选：%s）", part, strings.Join(labels, "、"))
			}
			codes = append(codes, f.Choices()[i].Code)
		}
		out = strings.Join(codes, ",")
	case departments.KindDecimal:
		d, err := decimal.NewFromString(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			return nil, fmt.Errorf("“%s”不是数字", s)
		}
		if !d.Equal(d.Round(2)) {
			return nil, fmt.Errorf("“%s”最多两位小数", s)
		}
		out = d.StringFixed(2)
	case departments.KindInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("“%s”不是整数", s)
		}
		out = strconv.Itoa(n)
	case departments.KindDate:
		d, err := localdate.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("“%s”不是日期（应为 YYYY-MM-DD）", s)
		}
		out = d.String()
	case departments.KindList:
		var items []json.RawMessage
		if json.Unmarshal([]byte(s), &items) != nil {
			return nil, fmt.Errorf("清单应为 JSON 数组")
		}
	}
	return &out, nil
}

// listLabels name the items' parts of the lists in words.
var listLabels = map[string]string{
	"value": "价值（元）", "acquired_on": "取得日期", "exit_measure": "已采取退出措施", "plate": "号牌",
	"kind": "类型", "relocation": "易地搬迁安置房", "address": "地址",
	"name": "名称", "reg_no": "注册号", "registered_on": "登记日期", "operating": "实际经营",
	"measure": "措施", "helper": "帮扶责任人", "helper_unit": "帮扶单位", "since": "起始日期",
}

// listOrder is the order the parts are told in.
var listOrder = []string{"kind", "name", "plate", "reg_no", "value", "acquired_on", "registered_on", "address", "operating",
	"relocation", "exit_measure", "measure", "helper", "helper_unit", "since"}

// Display is a value in words: 是/否, a code's label, a list told item by
// item; "" when unknown.
func Display(f departments.Field, v *string) string {
	if v == nil {
		return ""
	}
	switch f.Kind {
	case departments.KindBool:
		if b, ok := register.ParseBool(*v); ok {
			return map[bool]string{true: "是", false: "否"}[b]
		}
	case departments.KindEnum:
		var out []string
		for _, c := range strings.Split(*v, ",") {
			out = append(out, register.Label(f.List, c))
		}
		return strings.Join(out, "、")
	case departments.KindList:
		var items []map[string]any
		if json.Unmarshal([]byte(*v), &items) != nil {
			return *v
		}
		if len(items) == 0 {
			return "无"
		}
		var parts []string
		for i, it := range items {
			var ws []string
			for _, k := range listOrder {
				x, ok := it[k]
				if !ok || x == nil {
					continue
				}
				switch y := x.(type) {
				case bool:
					if y {
						ws = append(ws, listLabels[k])
					}
				case string:
					if k == "kind" {
						y = register.Label("property_kind", y)
					}
					ws = append(ws, listLabels[k]+" "+y)
				}
			}
			parts = append(parts, fmt.Sprintf("%d. %s", i+1, strings.Join(ws, "，")))
		}
		return strings.Join(parts, "；")
	}
	return *v
}

// Export writes the filtered inbox as XLSX, one row per field, for the
// liaison to fill in (处理: 确认 / 更正 / 有异议) and upload again.
func (s *Confirmations) Export(ctx context.Context, actor access.Actor, code string, q TaskQuery, w io.Writer) error {
	r, err := s.department(ctx, actor, code, false)
	if err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	c, err := s.campaign(ctx, q.CampaignID)
	if err != nil {
		return err
	}
	f := s.filter(r, c.ID, q)
	if err := s.audit.Record(ctx, actor, Entry{Action: "department.tasks_export", ObjectType: "department", ObjectID: code,
		Reason: fmt.Sprintf("campaign=%d kind=%s state=%s street=%s village=%s q=%s", c.ID, q.Kind, q.State, q.StreetCode, q.VillageCode, q.Text)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	first := colHousehold
	if q.Kind == TaskVillage {
		first = colVillage
	}
	header := []any{first, colIDNumber, colField, colCurrent, colAction, colNewValue, colNote}
	widths := []colWidth{{1, 2, 22}, {3, 3, 26}, {4, 4, 30}, {5, 5, 22}, {6, 7, 24}}
	return writeXLSX(w, "核实清单", header, widths, func(add func(...any) error) error {
		write := func(items []TaskItem) error {
			for _, it := range items {
				ids := map[int64]string{}
				for _, m := range it.Members {
					ids[m.ID] = m.IDNumber
				}
				for _, tf := range it.Fields {
					ref := it.Code
					if q.Kind == TaskVillage {
						ref = it.VillageCode
					}
					if err := add(ref, ids[tf.MemberID], tf.Label, tf.Display, "", "", ""); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if q.Kind == TaskVillage {
			return apperr.Wrap(s.store.EachTaskVillage(ctx, actor.Scope, f, func(vs []store.TaskVillage) error {
				items, err := s.villageItems(ctx, r, c.ID, vs, f.State)
				if err != nil {
					return err
				}
				return write(items)
			}), "export village tasks")
		}
		return apperr.Wrap(s.store.EachTaskHousehold(ctx, actor.Scope, f, func(ids []int64) error {
			hs, err := s.store.TaskHouseholdsByIDs(ctx, actor.Scope, ids)
			if err != nil {
				return err
			}
			items, err := s.householdItems(ctx, r, c.ID, hs, f.State)
			if err != nil {
				return err
			}
			return write(items)
		}), "export household tasks")
	})
}

// The columns of the XLSX round trip.
const (
	colHousehold = "户编号"
	colVillage   = "行政村代码"
	colIDNumber  = "成员身份证号"
	colField     = "字段"
	colCurrent   = "当前值"
	colAction    = "处理(确认/更正/有异议)"
	colNewValue  = "更正值"
	colNote      = "说明"
)
