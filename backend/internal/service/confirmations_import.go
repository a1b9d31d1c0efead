package service

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/departments"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// TaskImportReport is the outcome of an uploaded confirmation sheet.
type TaskImportReport struct {
	Confirmed int
	Corrected int
	Disputed  int
	Problems  []register.CellProblem
}

// ErrTaskImportRejected is returned with the report when nothing was
// recorded.
var ErrTaskImportRejected = apperr.New(apperr.Validation, "核实清单有问题，未记录任何确认、更正或异议。请按问题清单修改后重新上传。")

// MaxTaskImportRows bounds one sheet.
const MaxTaskImportRows = 200000

// Actions of the sheet.
const (
	actConfirm = "确认"
	actCorrect = "更正"
	actDispute = "有异议"
)

type taskRow struct {
	row                                         int
	ref, idNumber, field, current, action, newV string
	note                                        string
	// resolved
	fd       departments.Field
	h        *register.Household
	v        *register.VillageFacts
	memberID int64
	seen     *string // the value the liaison saw (canonical)
}

// Import reads a filled-in confirmation sheet (as Export writes it) and
// records every row's 确认, 更正 or 有异议 — all of it, or, at the first
// problem, nothing and every problem (row, column, value, reason). Rows
// without 处理 are left pending. A row whose 当前值 is no longer the
// field's value is a problem: the liaison must look again.
func (s *Confirmations) Import(ctx context.Context, actor access.Actor, code string, campaignID int64, fileName string, data []byte) (*TaskImportReport, error) {
	r, err := s.department(ctx, actor, code, true)
	if err != nil {
		return nil, err
	}
	c, err := s.campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rep := &TaskImportReport{}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rep.Problems = append(rep.Problems, register.CellProblem{Reason: "不是 Excel（.xlsx）文件：请上传从系统下载的核实清单"})
		return rep, ErrTaskImportRejected
	}
	sheets, err := readSheets(data)
	if err != nil || len(sheets) == 0 {
		rep.Problems = append(rep.Problems, register.CellProblem{Reason: "无法读取 Excel 文件"})
		return rep, ErrTaskImportRejected
	}
	sheet := sheets[0]
	for _, sh := range sheets {
		if sh.Name == "核实清单" {
			sheet = sh
		}
	}
	kind, rows, problems := parseTaskSheet(sheet)
	rep.Problems = problems
	if len(rows) > MaxTaskImportRows {
		return nil, apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("一次最多上传%d行，请分批上传", MaxTaskImportRows))
	}
	if kind == "" {
		return rep, ErrTaskImportRejected
	}
	problem := func(tr *taskRow, col, value, reason string) {
		rep.Problems = append(rep.Problems, register.CellProblem{Sheet: sheet.Name, Row: tr.row, Column: col, Value: value, Reason: reason})
	}
	if err := s.resolveRows(ctx, actor, r, kind, rows, problem); err != nil {
		return nil, err
	}
	// The corrections of each household (village) are applied together and
	// checked as the register checks any edit.
	type group struct {
		rows []*taskRow
		h    *register.Household
		v    *register.VillageFacts
	}
	groups := map[string]*group{}
	var order []string
	today := localdate.Today(s.now())
	for _, tr := range rows {
		if tr.action != actCorrect || (tr.h == nil && tr.v == nil) {
			continue
		}
		g := groups[tr.ref]
		if g == nil {
			g = &group{h: tr.h, v: tr.v}
			groups[tr.ref] = g
			order = append(order, tr.ref)
		}
		g.rows = append(g.rows, tr)
		var err error
		if tr.h != nil {
			err = register.SetHouseholdValue(tr.h, tr.fd.Key, tr.memberID, normalised(tr))
		} else {
			err = register.SetVillageValue(tr.v, tr.fd.Key, normalised(tr))
		}
		if err != nil {
			problem(tr, colNewValue, tr.newV, err.Error())
		}
	}
	for _, ref := range order {
		g := groups[ref]
		var ds []apperr.Detail
		if g.h != nil {
			ds = register.Validate(g.h, today)
		} else {
			ds = register.ValidateVillage(g.v, today)
		}
		for _, d := range ds {
			tr := rowOfDetail(g.rows, g.h, d.Field)
			problem(tr, colNewValue, tr.newV, detailReason(tr, d))
		}
	}
	if len(rep.Problems) > 0 {
		rep.Problems = onePerCell(rep.Problems)
		slices.SortStableFunc(rep.Problems, func(a, b register.CellProblem) int { return a.Row - b.Row })
		return rep, ErrTaskImportRejected
	}

	err = s.store.InTx(ctx, func(ctx context.Context) error {
		*rep = TaskImportReport{}
		updated := map[string]*register.Household{}
		updatedV := map[string]*register.VillageFacts{}
		for _, ref := range order {
			g := groups[ref]
			if g.h != nil {
				h, err := s.households.Update(ctx, actor, g.h)
				if err != nil {
					return rowError(g.rows[0], sheet.Name, err)
				}
				updated[ref] = h
				continue
			}
			if _, err := s.villages.Update(ctx, actor, g.v); err != nil {
				return rowError(g.rows[0], sheet.Name, err)
			}
			v, err := s.store.VillageFacts(ctx, actor.Scope, g.v.VillageCode)
			if err != nil {
				return err
			}
			updatedV[ref] = v
		}
		changes := map[string][]Change{}
		for _, tr := range rows {
			if tr.h == nil && tr.v == nil {
				continue
			}
			var value *string
			entity, ref, hid := store.EntityVillage, tr.ref, int64(0)
			switch {
			case tr.h != nil:
				h := tr.h
				if u := updated[tr.ref]; u != nil {
					h = u
				}
				value, _ = register.HouseholdValue(h, tr.fd.Key, tr.memberID)
				entity, ref, hid = store.EntityHousehold, strconv.FormatInt(h.ID, 10), h.ID
			default:
				v := tr.v
				if u := updatedV[tr.ref]; u != nil {
					v = u
				}
				value, _ = register.VillageValue(v, tr.fd.Key)
			}
			state := map[string]string{actConfirm: store.StateConfirmed, actCorrect: store.StateCorrected, actDispute: store.StateDisputed}[tr.action]
			// A field another correction of the sheet changed (a gender read
			// anew from a corrected ID number) is not confirmed unseen.
			if state != store.StateCorrected && !sameText(value, tr.seen) {
				continue
			}
			rec := s.record(actor, r, c.ID, entity, ref, hid, tr.memberID, tr.fd.Key, state, value, tr.note)
			if err := s.store.PutConfirmation(ctx, &rec); err != nil {
				return err
			}
			changes[ref] = append(changes[ref], confirmationChange(tr.fd.Key, tr.memberID, state))
			switch state {
			case store.StateConfirmed:
				rep.Confirmed++
			case store.StateCorrected:
				rep.Corrected++
			default:
				rep.Disputed++
			}
		}
		if err := s.auditConfirmations(ctx, actor, r, kind, "confirmation.import", changes, "核实清单："+truncate(fileName, 200)); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "department.tasks_import", ObjectType: "department", ObjectID: code,
			Reason: truncate(fmt.Sprintf("%s：确认%d项，更正%d项，异议%d项", fileName, rep.Confirmed, rep.Corrected, rep.Disputed), 500)})
	})
	var rejected *rowRejected
	if asRowRejected(err, &rejected) {
		return &TaskImportReport{Problems: []register.CellProblem{rejected.p}}, ErrTaskImportRejected
	}
	if err != nil {
		return nil, apperr.Wrap(err, "import confirmations")
	}
	return rep, nil
}

// parseTaskSheet finds the columns by their headers and reads the rows
// that carry an action.
func parseTaskSheet(sh register.SheetRows) (kind string, rows []*taskRow, problems []register.CellProblem) {
	if len(sh.Rows) == 0 {
		return "", nil, []register.CellProblem{{Sheet: sh.Name, Reason: "工作表是空的"}}
	}
	col := map[string]int{}
	for i, h := range sh.Rows[0] {
		h = strings.TrimSpace(h)
		switch {
		case strings.HasPrefix(h, "处理"):
			col[colAction] = i
		default:
			col[h] = i
		}
	}
	_, hh := col[colHousehold]
	_, vv := col[colVillage]
	switch {
	case hh && !vv:
		kind = TaskHousehold
	case vv && !hh:
		kind = TaskVillage
	default:
		problems = append(problems, register.CellProblem{Sheet: sh.Name, Row: 1, Column: colHousehold,
			Reason: "第一行须有“户编号”（户表）或“行政村代码”（村表）之一：请使用系统下载的核实清单"})
	}
	need := []string{colField, colCurrent, colAction, colNewValue, colNote}
	if kind == TaskHousehold {
		need = append(need, colIDNumber)
	}
	for _, n := range need {
		if _, ok := col[n]; !ok {
			problems = append(problems, register.CellProblem{Sheet: sh.Name, Row: 1, Column: n, Reason: "缺少此列：请使用系统下载的核实清单，不要修改第一行"})
		}
	}
	if len(problems) > 0 {
		return "", nil, problems
	}
	first := colHousehold
	if kind == TaskVillage {
		first = colVillage
	}
	cell := func(r []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	for i, r := range sh.Rows[1:] {
		tr := &taskRow{row: i + 2, ref: cell(r, first), idNumber: strings.ToUpper(cell(r, colIDNumber)), field: cell(r, colField),
			current: cell(r, colCurrent), action: cell(r, colAction), newV: cell(r, colNewValue), note: cell(r, colNote)}
		if tr.action == "" && tr.newV == "" && tr.note == "" {
			continue // left pending
		}
		rows = append(rows, tr)
	}
	return kind, rows, nil
}

// resolveRows checks each row against the register: the household or
// village, the member, the department's field, the action, the value seen.
func (s *Confirmations) resolveRows(ctx context.Context, actor access.Actor, r *Responsibility, kind string, rows []*taskRow,
	problem func(tr *taskRow, col, value, reason string)) error {
	first := colHousehold
	if kind == TaskVillage {
		first = colVillage
	}
	households := map[string]*register.Household{}
	villages := map[string]*register.VillageFacts{}
	if kind == TaskHousehold {
		var codes []string
		for _, tr := range rows {
			if tr.ref != "" {
				codes = append(codes, tr.ref)
			}
		}
		taken, err := s.store.HouseholdsByCode(ctx, uniq(codes))
		if err != nil {
			return apperr.Wrap(err, "household codes")
		}
		var ids []int64
		for _, t := range taken {
			if !t.Deleted {
				ids = append(ids, t.ID)
			}
		}
		hs, err := s.store.TaskHouseholdsByIDs(ctx, actor.Scope, ids)
		if err != nil {
			return apperr.Wrap(err, "households")
		}
		for _, h := range hs {
			households[h.Code] = h
		}
	}
	seen := map[string]int{}
	for _, tr := range rows {
		switch {
		case tr.ref == "":
			problem(tr, first, "", "请填写"+first)
		case kind == TaskHousehold && households[tr.ref] == nil:
			problem(tr, first, tr.ref, "系统中没有此户编号，或该户不在您的范围内")
		case kind == TaskHousehold:
			tr.h = households[tr.ref]
		default:
			if _, ok := villages[tr.ref]; !ok {
				v, err := s.store.VillageFacts(ctx, actor.Scope, tr.ref)
				if err != nil && !apperr.Is(err, apperr.NotFound) {
					return apperr.Wrap(err, "village facts")
				}
				villages[tr.ref] = v
			}
			if tr.v = villages[tr.ref]; tr.v == nil {
				problem(tr, first, tr.ref, "没有此行政村代码，或该村不在您的范围内")
			}
		}
		fd, ok := departments.ByLabel(r.Fields, tr.field)
		switch {
		case tr.field == "":
			problem(tr, colField, "", "请填写字段")
		case !ok:
			problem(tr, colField, tr.field, "不是本部门负责的字段")
		case (kind == TaskVillage) != (fd.Table() == departments.TableVillage):
			problem(tr, colField, tr.field, "该字段不属于此清单（户表、村表请分开上传）")
			ok = false
		}
		tr.fd = fd
		if tr.action == "异议" {
			tr.action = actDispute
		}
		switch tr.action {
		case actConfirm, actCorrect, actDispute:
		case "":
			problem(tr, colAction, "", "请填写处理：确认、更正 或 有异议")
		default:
			problem(tr, colAction, tr.action, "应为 确认、更正 或 有异议")
		}
		if utf8.RuneCountInString(tr.note) > 500 {
			problem(tr, colNote, tr.note, "说明不能超过500个字")
		}
		if tr.action == actDispute && utf8.RuneCountInString(tr.note) < 2 {
			problem(tr, colNote, tr.note, "提出异议须在“说明”中写明理由")
		}
		if !ok {
			continue
		}
		// The member a member's field is about.
		if tr.h != nil {
			if fd.Table() == departments.TableMember {
				found := false
				for _, m := range tr.h.Members {
					if m.IDNumber == tr.idNumber && tr.idNumber != "" {
						tr.memberID, found = m.ID, true
					}
				}
				if !found {
					if tr.idNumber == "" {
						problem(tr, colIDNumber, "", "成员字段须填写成员身份证号")
					} else {
						problem(tr, colIDNumber, tr.idNumber, "该户没有此身份证号的成员")
					}
					continue
				}
			} else if tr.idNumber != "" {
				problem(tr, colIDNumber, tr.idNumber, "户级字段不填写成员身份证号")
				continue
			}
		}
		key := fmt.Sprintf("%s|%d|%s", tr.ref, tr.memberID, fd.Key)
		if prev, dup := seen[key]; dup {
			problem(tr, colField, tr.field, fmt.Sprintf("与第%d行是同一字段", prev))
			continue
		}
		seen[key] = tr.row
		switch {
		case tr.h != nil:
			tr.seen, _ = register.HouseholdValue(tr.h, fd.Key, tr.memberID)
		case tr.v != nil:
			tr.seen, _ = register.VillageValue(tr.v, fd.Key)
		default:
			continue
		}
		if now := Display(fd, tr.seen); now != tr.current {
			problem(tr, colCurrent, tr.current, fmt.Sprintf("下载清单后此字段已被修改，现为“%s”：请重新下载核实", now))
			continue
		}
		if tr.action != actCorrect {
			if tr.newV != "" {
				problem(tr, colNewValue, tr.newV, "只有“更正”才填写更正值")
			}
			continue
		}
		switch {
		case fd.Kind == departments.KindList:
			problem(tr, colNewValue, tr.newV, "车辆、房产、工商注册等清单请在系统中逐项更正")
		case tr.newV == "":
			problem(tr, colNewValue, "", "更正须填写更正值")
		default:
			n, err := Normalise(fd, &tr.newV)
			if err != nil {
				problem(tr, colNewValue, tr.newV, err.Error())
			} else if sameText(n, tr.seen) {
				problem(tr, colNewValue, tr.newV, "更正值与当前值相同：如无误请填“确认”")
			}
		}
	}
	return nil
}

func normalised(tr *taskRow) *string {
	n, _ := Normalise(tr.fd, &tr.newV)
	return n
}

var memberPath = regexp.MustCompile(`^members\[(\d+)\]\.(.+)$`)

// rowOfDetail finds the correction row a validation problem is about: the
// row of that field (and member), else the household's first correction.
func rowOfDetail(rows []*taskRow, h *register.Household, field string) *taskRow {
	key, memberID := field, int64(0)
	if m := memberPath.FindStringSubmatch(field); m != nil && h != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(h.Members) {
			key, memberID = register.MemberPrefix+m[2], h.Members[i].ID
		}
	} else if h == nil {
		key = register.VillagePrefix + field
	}
	for _, tr := range rows {
		if tr.fd.Key == key && tr.memberID == memberID {
			return tr
		}
	}
	return rows[0]
}

func detailReason(tr *taskRow, d apperr.Detail) string {
	key := tr.fd.Key
	if m := memberPath.FindStringSubmatch(d.Field); m != nil {
		if register.MemberPrefix+m[2] == key {
			return d.Message
		}
	} else if d.Field == key || register.VillagePrefix+d.Field == key {
		return d.Message
	}
	label := d.Field
	if f, ok := departments.FieldOf(strings.TrimPrefix(memberPath.ReplaceAllString(d.Field, "members.$2"), "")); ok {
		label = f.Label
	} else if f, ok := departments.FieldOf(register.VillagePrefix + d.Field); ok {
		label = f.Label
	}
	return "更正后“" + label + "”：" + d.Message
}

// rowRejected is a write refused inside the transaction (a conflict the
// checks could not foresee), reported as the row's problem.
type rowRejected struct{ p register.CellProblem }

func (e *rowRejected) Error() string { return e.p.Reason }

func rowError(tr *taskRow, sheet string, err error) error {
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		return err
	}
	reason := e.Message
	for _, d := range e.Details {
		reason += "；" + d.Field + "：" + d.Message
	}
	return &rowRejected{register.CellProblem{Sheet: sheet, Row: tr.row, Column: colNewValue, Value: tr.newV, Reason: reason}}
}

func asRowRejected(err error, target **rowRejected) bool {
	if err == nil {
		return false
	}
	r, ok := err.(*rowRejected)
	if ok {
		*target = r
	}
	return ok
}
