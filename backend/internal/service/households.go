package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// Households is the register: survey data entry, lists, full-record reads,
// soft deletion and member transfers.
type Households struct {
	store    *store.Store
	audit    *AuditLog
	regions  *Regions
	outcomes *Outcomes // kept current inside every change's transaction
	now      func() time.Time
}

// NewHouseholds builds the households service.
func NewHouseholds(st *store.Store, a *AuditLog, r *Regions, o *Outcomes, now func() time.Time) *Households {
	return &Households{store: st, audit: a, regions: r, outcomes: o, now: now}
}

// List pages through the households in the caller's scope. ID numbers are
// masked in lists for every role.
func (s *Households) List(ctx context.Context, actor access.Actor, f store.HouseholdFilter) ([]store.HouseholdListRow, int64, error) {
	rows, total, err := s.store.Households(ctx, actor.Scope, f)
	if err != nil {
		return nil, 0, apperr.Wrap(err, "list households")
	}
	if access.Sees(actor.Role, access.ListView, access.IDNumber) != access.Full {
		for i := range rows {
			rows[i].HeadIDNumber = idcard.Mask(rows[i].HeadIDNumber)
		}
	}
	return rows, total, nil
}

// Get reads a full record. Every such read is audited.
func (s *Households) Get(ctx context.Context, actor access.Actor, id int64) (*register.Household, error) {
	h, err := s.store.Household(ctx, actor.Scope, id)
	if err != nil {
		return nil, err
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "household.read", ObjectType: "household", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
		return nil, apperr.Wrap(err, "audit read")
	}
	return h, nil
}

// checkPlace verifies the household's village is in scope and its street is
// the village's street.
func (s *Households) checkPlace(ctx context.Context, actor access.Actor, h *register.Household) error {
	tree, err := s.regions.Tree(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(tree.Villages, func(v store.Village) bool { return v.Code == h.VillageCode })
	if i < 0 {
		return apperr.Invalid(apperr.Detail{Field: "village_code", Message: "行政村代码不存在"})
	}
	if !actor.Scope.HasVillage(h.VillageCode) {
		return apperr.Invalid(apperr.Detail{Field: "village_code", Message: "该行政村不在您的管辖范围内"})
	}
	h.StreetCode = tree.Villages[i].StreetCode
	if h.GroupID != nil {
		gs, err := s.regions.Groups(ctx, h.VillageCode)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(gs, func(g store.VillageGroup) bool { return g.ID == *h.GroupID }) {
			return apperr.Invalid(apperr.Detail{Field: "group_id", Message: "该村民小组不属于所选行政村"})
		}
	}
	return nil
}

// Create records a new household.
func (s *Households) Create(ctx context.Context, actor access.Actor, h *register.Household) (*register.Household, error) {
	if err := s.checkPlace(ctx, actor, h); err != nil {
		return nil, err
	}
	if ds := register.Validate(h, localdate.Today(s.now())); len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := HouseholdEditable(ctx, s.store, h.VillageCode); err != nil {
			return err
		}
		if err := s.codeFree(ctx, h); err != nil {
			return err
		}
		if err := s.onePersonOneHousehold(ctx, h); err != nil {
			return err
		}
		h.CreatedBy, h.UpdatedBy = actor.Username, actor.Username
		if err := s.store.CreateHousehold(ctx, h); err != nil {
			return err
		}
		if err := s.outcomes.Recompute(ctx, h.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "household.create", ObjectType: "household",
			ObjectID: strconv.FormatInt(h.ID, 10), Changes: changesOf(register.Diff(nil, h))})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "create household")
	}
	return s.store.Household(ctx, actor.Scope, h.ID)
}

// codeFree refuses a household code another household, live or deleted,
// already has (codes are unique for good: the audit names households by them).
func (s *Households) codeFree(ctx context.Context, h *register.Household) error {
	taken, err := s.store.HouseholdsByCode(ctx, []string{h.Code})
	if err != nil {
		return err
	}
	if t, ok := taken[h.Code]; ok && t.ID != h.ID {
		msg := "户编号 " + h.Code + " 已被其他户使用，请换一个户编号"
		if t.Deleted {
			msg = "户编号 " + h.Code + " 已被一个已删除的户使用，请换一个户编号"
		}
		e := apperr.New(apperr.Conflict, msg)
		e.Details = []apperr.Detail{{Field: "code", Message: "户编号已存在"}}
		return e
	}
	return nil
}

// onePersonOneHousehold refuses an ID number already in another live household,
// naming that household.
func (s *Households) onePersonOneHousehold(ctx context.Context, h *register.Household) error {
	for i, m := range h.Members {
		otherID, otherCode, err := s.store.HouseholdOfPerson(ctx, m.IDNumber)
		if err != nil {
			return err
		}
		if otherID != 0 && otherID != h.ID {
			e := apperr.New(apperr.Conflict, fmt.Sprintf("%s 已是户 %s 的成员：一人只能在一户。如需调整，请使用“成员迁移”。", m.Name, otherCode))
			e.Details = []apperr.Detail{{Field: fmt.Sprintf("members[%d].id_number", i), Message: "已在户 " + otherCode}}
			return e
		}
	}
	return nil
}

// Update writes an edited household. h.Version must be the version the edit
// was based on; a stale one is refused with version_conflict and nothing is lost.
func (s *Households) Update(ctx context.Context, actor access.Actor, h *register.Household) (*register.Household, error) {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.Household(ctx, actor.Scope, h.ID)
		if err != nil {
			return err
		}
		if before.Version != h.Version {
			e := apperr.New(apperr.VersionConflict, fmt.Sprintf("该户信息已被他人修改（您修改的是第%d版，现在是第%d版），您的修改未保存。请刷新查看最新信息后再修改。", h.Version, before.Version))
			e.Details = []apperr.Detail{{Field: "version", Message: strconv.FormatInt(before.Version, 10)}}
			return e
		}
		if err := s.checkPlace(ctx, actor, h); err != nil {
			return err
		}
		for _, v := range []string{before.VillageCode, h.VillageCode} {
			if err := HouseholdEditable(ctx, s.store, v); err != nil {
				return err
			}
		}
		if ds := register.Validate(h, localdate.Today(s.now())); len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		if err := keepMemberIDs(before, h); err != nil {
			return err
		}
		if err := s.codeFree(ctx, h); err != nil {
			return err
		}
		if err := s.onePersonOneHousehold(ctx, h); err != nil {
			return err
		}
		h.CreatedAt, h.CreatedBy, h.UpdatedBy = before.CreatedAt, before.CreatedBy, actor.Username
		if err := s.store.UpdateHousehold(ctx, h); err != nil {
			return err
		}
		// The departments' confirmations of the fields that changed are pending again.
		if err := resetConfirmations(ctx, s.store, before, h); err != nil {
			return err
		}
		if err := s.outcomes.Recompute(ctx, h.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "household.update", ObjectType: "household",
			ObjectID: strconv.FormatInt(h.ID, 10), Changes: changesOf(register.Diff(before, h))})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "update household")
	}
	return s.store.Household(ctx, actor.Scope, h.ID)
}

// keepMemberIDs refuses member IDs that are not the household's own.
func keepMemberIDs(before, after *register.Household) error {
	own := map[int64]bool{}
	for _, m := range before.Members {
		own[m.ID] = true
	}
	for i, m := range after.Members {
		if m.ID != 0 && !own[m.ID] {
			return apperr.Invalid(apperr.Detail{Field: fmt.Sprintf("members[%d].id", i), Message: "该成员不属于本户"})
		}
	}
	return nil
}

// Delete soft-deletes a household with a reason.
func (s *Households) Delete(ctx context.Context, actor access.Actor, id, version int64, reason string) error {
	if len([]rune(reason)) < 2 {
		return apperr.Invalid(apperr.Detail{Field: "reason", Message: "请填写删除原因"})
	}
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		h, err := s.store.Household(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if err := HouseholdEditable(ctx, s.store, h.VillageCode); err != nil {
			return err
		}
		if err := s.store.DeleteHousehold(ctx, actor.Scope, id, version, actor.Username, s.now().UTC()); err != nil {
			return err
		}
		if err := s.outcomes.Forget(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "household.delete", ObjectType: "household",
			ObjectID: strconv.FormatInt(id, 10), Reason: reason})
	}), "delete household")
}

// History lists the audited changes of a household, newest first.
func (s *Households) History(ctx context.Context, actor access.Actor, id int64) ([]AuditItem, error) {
	if _, err := s.store.Household(ctx, actor.Scope, id); err != nil {
		return nil, err
	}
	es, err := s.store.AuditOfObject(ctx, "household", strconv.FormatInt(id, 10))
	if err != nil {
		return nil, apperr.Wrap(err, "household history")
	}
	out := make([]AuditItem, 0, len(es))
	for _, e := range es {
		if e.Action == "household.read" {
			continue
		}
		out = append(out, toAuditItem(e))
	}
	return out, nil
}

func changesOf(fcs []register.FieldChange) []Change {
	out := make([]Change, len(fcs))
	for i, c := range fcs {
		out[i] = Change(c)
	}
	return out
}

// Transfer is a member moving to another household (婚姻迁入, 分户, 并户).
type Transfer struct {
	MemberID      int64
	ToHouseholdID int64
	Relation      string // relation to the new household's head
	Reason        string // transfer_reason code
	Note          string
	FromVersion   int64 // versions of the two households the caller saw
	ToVersion     int64
}

// TransferMember moves a person to another household in the caller's scope,
// keeping the person's record and history. The household left behind must
// keep a member and exactly one head.
func (s *Households) TransferMember(ctx context.Context, actor access.Actor, t Transfer) error {
	var ds []apperr.Detail
	if !register.Valid("transfer_reason", t.Reason) {
		ds = append(ds, apperr.Detail{Field: "reason", Message: "请选择迁移原因"})
	}
	if !register.Valid("relation", t.Relation) || t.Relation == "head" {
		ds = append(ds, apperr.Detail{Field: "relation", Message: "请选择与新户户主的关系（不能是户主）"})
	}
	if len(ds) > 0 {
		return apperr.Invalid(ds...)
	}
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		fromID, err := s.store.HouseholdOfMember(ctx, actor.Scope, t.MemberID)
		if err != nil {
			return err
		}
		if fromID == t.ToHouseholdID {
			return apperr.Invalid(apperr.Detail{Field: "to_household_id", Message: "该成员已在此户"})
		}
		from, err := s.store.Household(ctx, actor.Scope, fromID)
		if err != nil {
			return err
		}
		to, err := s.store.Household(ctx, actor.Scope, t.ToHouseholdID)
		if err == nil {
			for _, v := range []string{from.VillageCode, to.VillageCode} {
				if err := HouseholdEditable(ctx, s.store, v); err != nil {
					return err
				}
			}
		}
		if err != nil {
			return err
		}
		var moving register.Member
		for _, m := range from.Members {
			if m.ID == t.MemberID {
				moving = m
			}
		}
		if len(from.Members) == 1 {
			return apperr.Invalid(apperr.Detail{Field: "member_id", Message: "该户只有这一名成员：请改为删除原户，或由新户录入"})
		}
		if moving.Relation == "head" {
			return apperr.Invalid(apperr.Detail{Field: "member_id", Message: "户主不能直接迁出：请先在原户另行指定户主"})
		}
		tr := &store.MemberTransfer{MemberID: t.MemberID, FromHouseholdID: from.ID, ToHouseholdID: to.ID,
			Reason: t.Reason, Note: truncate(t.Note, 500), At: s.now().UTC(), By: actor.Username}
		if err := s.store.MoveMember(ctx, tr, t.Relation, t.FromVersion, t.ToVersion); err != nil {
			return err
		}
		for _, id := range []int64{from.ID, to.ID} {
			if err := s.outcomes.Recompute(ctx, id); err != nil {
				return err
			}
		}
		changes := []Change{{Field: "member", Before: moving.Name, After: nil}, {Field: "id_number", Before: moving.IDNumber, After: nil}}
		if err := s.audit.Record(ctx, actor, Entry{Action: "household.member_out", ObjectType: "household",
			ObjectID: strconv.FormatInt(from.ID, 10), Changes: changes, Reason: register.Label("transfer_reason", t.Reason) + "：迁往户 " + to.Code}); err != nil {
			return err
		}
		changes = []Change{{Field: "member", Before: nil, After: moving.Name}, {Field: "id_number", Before: nil, After: moving.IDNumber}}
		return s.audit.Record(ctx, actor, Entry{Action: "household.member_in", ObjectType: "household",
			ObjectID: strconv.FormatInt(to.ID, 10), Changes: changes, Reason: register.Label("transfer_reason", t.Reason) + "：来自户 " + from.Code})
	}), "transfer member")
}

// Export writes the filtered household list as XLSX (ID numbers masked) and
// records the export.
func (s *Households) Export(ctx context.Context, actor access.Actor, f store.HouseholdFilter, w io.Writer) error {
	if err := s.audit.Record(ctx, actor, Entry{Action: "household.export", ObjectType: "household_list",
		Reason: fmt.Sprintf("street=%s village=%s status=%s attribute=%s cause=%s q=%s", f.StreetCode, f.VillageCode, f.Status, f.Attribute, f.Cause, f.Text)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	header := []any{"户编号", "街道", "行政村", "村民小组", "户主", "户主身份证号", "人口", "建档立卡状态", "贫困户属性", "主要致贫原因", "最后修改"}
	widths := []colWidth{{1, 1, 22}, {2, 4, 14}, {6, 6, 22}}
	return writeXLSX(w, "农户名单", header, widths, func(add func(...any) error) error {
		return apperr.Wrap(s.store.EachHousehold(ctx, actor.Scope, f, func(r store.HouseholdListRow) error {
			return add(r.Code, r.StreetName, r.VillageName, r.GroupName, r.HeadName, idcard.Mask(r.HeadIDNumber),
				r.Members, register.Label("status", r.Status), register.Label("poverty_attribute", r.PovertyAttribute),
				register.Label("cause", r.MainCause), r.UpdatedAt.In(localdate.Shanghai).Format(time.DateTime))
		}), "export households")
	})
}

// Interchange reads a household in household-v1, for third parties and
// for the rules engine's view of it. It is a full-record read, audited.
func (s *Households) Interchange(ctx context.Context, actor access.Actor, id int64, reason string) (interchange.Household, error) {
	if len([]rune(strings.TrimSpace(reason))) < 2 {
		return interchange.Household{}, apperr.Invalid(apperr.Detail{Field: "reason", Message: "导出完整身份证号须说明用途（reason）"})
	}
	h, err := s.store.Household(ctx, actor.Scope, id)
	if err != nil {
		return interchange.Household{}, err
	}
	group := ""
	if h.GroupID != nil {
		gs, err := s.regions.Groups(ctx, h.VillageCode)
		if err != nil {
			return interchange.Household{}, apperr.Wrap(err, "village groups")
		}
		for _, g := range gs {
			if g.ID == *h.GroupID {
				group = g.Name
			}
		}
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "household.export_interchange", ObjectType: "household", ObjectID: strconv.FormatInt(id, 10),
		Reason: truncate(strings.TrimSpace(reason), 200)}); err != nil {
		return interchange.Household{}, apperr.Wrap(err, "audit read")
	}
	return h.Interchange(group), nil
}

// Causes counts the households in the caller's scope by main cause of
// poverty (registered and exited households unless statuses are given).
func (s *Households) Causes(ctx context.Context, actor access.Actor, street, village string, statuses []string) ([]store.CauseCount, error) {
	if len(statuses) == 0 {
		statuses = []string{register.Registered, register.Exited}
	}
	rows, err := s.store.CauseCounts(ctx, actor.Scope, street, village, statuses)
	return rows, apperr.Wrap(err, "causes")
}
