package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/crosscheck"
	"jingzhun/internal/idcard"
	"jingzhun/internal/store"
)

// Decisions of the check team on a discrepancy.
const (
	DecisionAccept = "accept" // take the department's value
	DecisionKeep   = "keep"   // keep the survey's value, with a reason
)

// DiscrepancyList is a page of discrepancies with counts by status.
type DiscrepancyList struct {
	Rows   []store.DiscrepancyRow
	Total  int64
	Counts map[string]int64
}

// campaignOrActive is the campaign asked for, or the active one.
func (s *CrossChecks) campaignOrActive(ctx context.Context, id int64) (*store.Campaign, error) {
	if id != 0 {
		return s.store.CampaignByID(ctx, id)
	}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "active campaign")
	}
	if c == nil {
		return nil, apperr.NotFoundf("进行中的动态管理批次")
	}
	return c, nil
}

// Discrepancies lists the discrepancies in the caller's scope. ID numbers
// are masked, as in every list (deploy/SECURITY.md).
func (s *CrossChecks) Discrepancies(ctx context.Context, actor access.Actor, f store.DiscrepancyFilter) (*DiscrepancyList, error) {
	c, err := s.campaignOrActive(ctx, f.CampaignID)
	if err != nil {
		return nil, err
	}
	f.CampaignID = c.ID
	rows, total, err := s.store.Discrepancies(ctx, actor.Scope, f)
	if err != nil {
		return nil, apperr.Wrap(err, "list discrepancies")
	}
	counts, err := s.store.DiscrepancyCounts(ctx, actor.Scope, f)
	if err != nil {
		return nil, apperr.Wrap(err, "count discrepancies")
	}
	for i := range rows {
		rows[i].MemberIDNo = idcard.Mask(rows[i].MemberIDNo)
	}
	return &DiscrepancyList{Rows: rows, Total: total, Counts: counts}, nil
}

// DiscrepancyDetail is one discrepancy with the department's whole row.
type DiscrepancyDetail struct {
	store.DiscrepancyRow
	Record  []RecordCell      // the department's row, in its columns' order
	Outcome *HouseholdOutcome // after an accepted decision
}

// RecordCell is one cell of a department's row.
type RecordCell struct{ Header, Value string }

// Discrepancy reads one discrepancy with the department's row. The member's
// ID number is shown in full: the check team compares it with the paper
// form, and the read is audited like a full record.
func (s *CrossChecks) Discrepancy(ctx context.Context, actor access.Actor, id int64) (*DiscrepancyDetail, error) {
	d, err := s.store.Discrepancy(ctx, actor.Scope, id)
	if err != nil {
		return nil, apperr.Wrap(err, "discrepancy")
	}
	out, err := s.detail(ctx, d)
	if err != nil {
		return nil, err
	}
	if access.Sees(actor.Role, access.FullRecord, access.IDNumber) != access.Full {
		out.MemberIDNo = idcard.Mask(out.MemberIDNo)
		out.Record = nil
	}
	err = s.audit.Record(ctx, actor, Entry{Action: "discrepancy.read", ObjectType: "household", ObjectID: strconv.FormatInt(d.HouseholdID, 10),
		Reason: "discrepancy " + strconv.FormatInt(id, 10)})
	return out, apperr.Wrap(err, "audit read")
}

func (s *CrossChecks) detail(ctx context.Context, d *store.DiscrepancyRow) (*DiscrepancyDetail, error) {
	out := &DiscrepancyDetail{DiscrepancyRow: *d, Record: []RecordCell{}}
	rec, ds, err := s.recordOf(ctx, d)
	if err != nil {
		return nil, err
	}
	for _, c := range ds.Columns {
		switch c.Key {
		case "id_number":
			out.Record = append(out.Record, RecordCell{c.Header, rec.IDNumber})
		case "name":
			out.Record = append(out.Record, RecordCell{c.Header, rec.Name})
		default:
			if v, ok := rec.Values[c.Key]; ok {
				out.Record = append(out.Record, RecordCell{c.Header, choiceLabel(c, v)})
			}
		}
	}
	return out, nil
}

func choiceLabel(c crosscheck.Column, v string) string {
	for _, ch := range c.Choices {
		if ch.Code == v {
			return ch.Label
		}
	}
	return v
}

// recordOf rebuilds the department's validated row behind a discrepancy.
func (s *CrossChecks) recordOf(ctx context.Context, d *store.DiscrepancyRow) (crosscheck.Record, crosscheck.Dataset, error) {
	ds, ok := crosscheck.ByCode(d.Dataset)
	if !ok {
		return crosscheck.Record{}, ds, apperr.New(apperr.Conflict, "比对数据集已不存在："+d.Dataset)
	}
	r, err := s.store.DeptRecordByID(ctx, d.RecordID)
	if err != nil {
		return crosscheck.Record{}, ds, apperr.Wrap(err, "record")
	}
	rec := crosscheck.Record{Row: r.RowNo, IDNumber: r.IDNumber, Name: r.Name}
	if err := json.Unmarshal([]byte(r.Data), &rec.Values); err != nil {
		return rec, ds, apperr.Wrap(err, "record data")
	}
	return rec, ds, nil
}

// Resolve records the check team's decision. Accepting takes the
// department's value into the household through the household service
// (versioned, audited, outcome recomputed) in the same transaction as the
// decision; keeping needs a reason.
func (s *CrossChecks) Resolve(ctx context.Context, actor access.Actor, id int64, decision, reason string) (*DiscrepancyDetail, error) {
	reason = strings.TrimSpace(reason)
	switch decision {
	case DecisionAccept:
	case DecisionKeep:
		if reason == "" {
			return nil, apperr.Invalid(apperr.Detail{Field: "reason", Message: "保留调查数据时请写明理由"})
		}
	default:
		return nil, apperr.Invalid(apperr.Detail{Field: "decision", Message: "处理方式应为 accept（采纳部门数据）或 keep（保留调查数据）"})
	}
	if len([]rune(reason)) > 500 {
		return nil, apperr.Invalid(apperr.Detail{Field: "reason", Message: "理由不能超过 500 字"})
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		d, err := s.store.Discrepancy(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if d.Status != store.DiscrepancyOpen {
			return apperr.New(apperr.Conflict, fmt.Sprintf("该差异已由 %s 处理，不能再次处理", d.ResolvedBy))
		}
		status := store.DiscrepancyKept
		if decision == DecisionAccept {
			status = store.DiscrepancyAccepted
			if err := s.accept(ctx, actor, d); err != nil {
				return err
			}
		}
		if err := s.store.ResolveDiscrepancy(ctx, id, status, reason, actor.Username, s.now().UTC()); err != nil {
			if errors.Is(err, store.ErrAlreadyResolved) {
				return apperr.New(apperr.Conflict, "该差异已被他人处理，请刷新")
			}
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "discrepancy." + decision, ObjectType: "discrepancy",
			ObjectID: strconv.FormatInt(id, 10), Reason: reason,
			Changes: []Change{{Field: d.Field, Before: d.SurveyValue, After: d.DepartmentValue}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "resolve discrepancy")
	}
	d, err := s.store.Discrepancy(ctx, actor.Scope, id)
	if err != nil {
		return nil, apperr.Wrap(err, "discrepancy")
	}
	out, err := s.detail(ctx, d)
	if err != nil {
		return nil, err
	}
	if decision == DecisionAccept {
		if out.Outcome, err = s.outcomes.OfHousehold(ctx, actor, d.HouseholdID); err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
	}
	return out, nil
}

// accept applies the department's row to the household as an edit.
func (s *CrossChecks) accept(ctx context.Context, actor access.Actor, d *store.DiscrepancyRow) error {
	rec, ds, err := s.recordOf(ctx, d)
	if err != nil {
		return err
	}
	h, err := s.store.Household(ctx, actor.Scope, d.HouseholdID)
	if err != nil {
		return err
	}
	if err := crosscheck.Apply(ds, rec, h, d.MemberID); err != nil {
		return apperr.New(apperr.Conflict, "无法采纳部门数据："+err.Error())
	}
	_, err = s.households.Update(ctx, actor, h)
	return err
}

// ExportDiscrepancies writes the filtered discrepancies as XLSX.
func (s *CrossChecks) ExportDiscrepancies(ctx context.Context, actor access.Actor, f store.DiscrepancyFilter, w io.Writer) error {
	c, err := s.campaignOrActive(ctx, f.CampaignID)
	if err != nil {
		return err
	}
	f.CampaignID = c.ID
	if err := s.audit.Record(ctx, actor, Entry{Action: "discrepancy.export", ObjectType: "campaign", ObjectID: strconv.FormatInt(c.ID, 10),
		Reason: fmt.Sprintf("status=%s dataset=%s street=%s village=%s", f.Status, f.Dataset, f.StreetCode, f.VillageCode)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	header := []any{"编号", "街道", "行政村", "户编号", "成员", "身份证号", "比对数据", "部门", "涉及规则", "字段", "调查（户表）值", "部门值", "状态", "处理理由", "处理人"}
	return writeXLSX(w, "比对差异", header, []colWidth{{2, 4, 16}, {6, 6, 22}, {11, 12, 30}}, func(add func(...any) error) error {
		return apperr.Wrap(s.store.EachDiscrepancy(ctx, actor.Scope, f, func(r store.DiscrepancyRow) error {
			ds, _ := crosscheck.ByCode(r.Dataset)
			return add(r.ID, r.StreetName, r.VillageName, r.HouseholdCode, r.MemberName, idcard.Mask(r.MemberIDNo), ds.Name,
				r.Department, r.Rule, r.FieldLabel, r.SurveyValue, r.DepartmentValue, DiscrepancyStatusName(r.Status), r.Reason, r.ResolvedBy)
		}), "export discrepancies")
	})
}

// DiscrepancyStatusName is a status as users read it.
func DiscrepancyStatusName(status string) string {
	switch status {
	case store.DiscrepancyOpen:
		return "待处理"
	case store.DiscrepancyAccepted:
		return "已采纳部门数据"
	case store.DiscrepancyKept:
		return "保留调查数据"
	}
	return status
}
