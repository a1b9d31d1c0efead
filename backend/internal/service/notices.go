package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// NoticeSheet is a notice in the customary layout (公示): title, the village
// or street, the period, the list of proposed changes (ID numbers masked),
// where to report, the issuing body and date.
type NoticeSheet struct {
	Title       string
	Level       string // village or street
	Place       string // the village or street named in the title
	PostedOn    localdate.Date
	RunsUntil   localdate.Date
	Draft       bool // no current posting: the dates are the ones it would have if posted today
	ReportPhone string
	Supervisor  string
	IssuedBy    string
	Rows        []NoticeRow
}

// NoticeRow is one household on a notice.
type NoticeRow struct {
	HeadName      string
	HeadIDMasked  string
	GroupName     string
	HouseholdSize int
	Change        string // the proposed change, in Chinese
	Reason        string
}

// Notice builds the list's notice at a level ("village" or "street"; empty:
// the level of the list's current stage, else village). It shows the
// current posting, or a draft dated today when none is posted.
func (s *VillageLists) Notice(ctx context.Context, actor access.Actor, listID int64, level string) (*NoticeSheet, error) {
	var out *NoticeSheet
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.VillageListByID(ctx, actor.Scope, listID)
		if err != nil {
			return err
		}
		c, err := s.campaign(ctx, l.CampaignID)
		if err != nil {
			return err
		}
		if level == "" {
			level = "village"
			if lv, ok := workflow.NoticeStage(workflow.Stage(l.Stage)); ok {
				level = lv
			} else if l.Stage > int(workflow.StreetNotice) {
				level = "street"
			}
		}
		if level != "village" && level != "street" {
			return apperr.Invalid(apperr.Detail{Field: "level", Message: "公示级别应为 village 或 street"})
		}
		n, err := s.store.CurrentNotice(ctx, l.ID, level)
		if err != nil {
			return err
		}
		sh := &NoticeSheet{Level: level, ReportPhone: c.ReportPhone, Supervisor: c.SupervisorUnit, IssuedBy: noticeIssuer(l, level)}
		if level == "village" {
			sh.Place = l.VillageName
			sh.Title = fmt.Sprintf("%s%d年建档立卡贫困户动态管理评议结果公示", l.VillageName, c.CampaignYear)
		} else {
			sh.Place = l.StreetName
			sh.Title = fmt.Sprintf("%s%s%d年建档立卡贫困户动态管理审定结果公示", l.StreetName, l.VillageName, c.CampaignYear)
		}
		if n != nil {
			sh.PostedOn = n.PostedOn
			if n.ReportPhone != "" {
				sh.ReportPhone = n.ReportPhone
			}
			if n.Supervisor != "" {
				sh.Supervisor = n.Supervisor
			}
			if n.IssuedBy != "" {
				sh.IssuedBy = n.IssuedBy
			}
		} else {
			sh.Draft, sh.PostedOn = true, s.today()
		}
		sh.RunsUntil = workflow.NoticeRunsUntil(sh.PostedOn)
		cases, err := s.store.Cases(ctx, &l.VillageList, store.CaseFilter{Changes: true})
		if err != nil {
			return err
		}
		for _, cs := range cases {
			reason := cs.ProposalReason
			if !cs.ProposalOverride || reason == "" {
				if reason, err = s.computedReason(ctx, cs.HouseholdID, cs.CampaignID); err != nil {
					return err
				}
			}
			sh.Rows = append(sh.Rows, NoticeRow{HeadName: cs.HeadName, HeadIDMasked: idcard.Mask(cs.HeadIDNumber), GroupName: cs.GroupName,
				HouseholdSize: cs.Members, Change: rules.Outcome(cs.Proposal).Chinese(), Reason: reason})
		}
		out = sh
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err, "notice")
	}
	return out, nil
}

// noticeIssuer is the body that issues a list's notice at a level, unless
// the posting names another: the village committee or the street office.
func noticeIssuer(l *store.VillageListRow, level string) string {
	if level == "street" {
		return l.StreetName + "办事处"
	}
	return l.VillageName + "村民委员会"
}

// computedReason is the reason a notice gives for an accepted proposal: the
// details of the rules that decided the computed outcome.
func (s *VillageLists) computedReason(ctx context.Context, householdID, campaignID int64) (string, error) {
	o, err := s.store.OutcomeOf(ctx, householdID, campaignID)
	if err != nil || o == nil {
		return "", err
	}
	var r struct {
		Outcome         string           `json:"outcome"`
		PerCapitaIncome *decimal.Decimal `json:"per_capita_income"`
		Rules           []struct {
			Value    string `json:"value"`
			Excepted bool   `json:"excepted"`
			Detail   string `json:"detail"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(o.Result), &r); err != nil {
		return "", err
	}
	var parts []string
	for _, x := range r.Rules {
		if x.Value == "T" && !x.Excepted && x.Detail != "" { // tri-state true (rules/tri.go)
			parts = append(parts, x.Detail)
		}
	}
	if len(parts) == 0 {
		// No rule fired (e.g. a household kept as it is): say what was measured.
		parts = append(parts, "按识别规则测算为「"+rules.Outcome(r.Outcome).Chinese()+"」")
		if r.PerCapitaIncome != nil {
			parts = append(parts, "人均纯收入"+r.PerCapitaIncome.StringFixed(2)+"元")
		}
	}
	return strings.Join(parts, "；"), nil
}

// WriteNoticeXLSX writes a notice as a workbook laid out like the paper
// notice, ready to print on A4.
func WriteNoticeXLSX(w io.Writer, n *NoticeSheet) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "公示"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	head, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"},
		Border: []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}})
	cell, _ := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border: []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}})
	right, _ := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	set := func(ref string, v any) { _ = x.SetCellValue(sheet, ref, v) }
	merge := func(a, b string) { _ = x.MergeCell(sheet, a, b) }
	for col, wd := range map[string]float64{"A": 6, "B": 12, "C": 22, "D": 12, "E": 8, "F": 14, "G": 40} {
		_ = x.SetColWidth(sheet, col, col, wd)
	}
	set("A1", n.Title)
	merge("A1", "G1")
	_ = x.SetCellStyle(sheet, "A1", "G1", title)
	_ = x.SetRowHeight(sheet, 1, 40)
	period := fmt.Sprintf("公示期：%s 至 %s（共%d天）", cn(n.PostedOn), cn(n.RunsUntil), workflow.NoticeDays)
	if n.Draft {
		period += "（草稿：尚未登记张贴）"
	}
	set("A2", period)
	merge("A2", "G2")
	set("A3", "经入户调查、信息数据复核、民主评议，现将拟调整对象名单公示如下：")
	merge("A3", "G3")
	row := 4
	for i, h := range []string{"序号", "户主姓名", "户主身份证号", "村民小组", "家庭人口", "拟调整类别", "理由"} {
		ref, _ := excelize.CoordinatesToCellName(i+1, row)
		set(ref, h)
	}
	_ = x.SetCellStyle(sheet, "A4", "G4", head)
	for i, r := range n.Rows {
		row++
		for j, v := range []any{i + 1, r.HeadName, r.HeadIDMasked, r.GroupName, r.HouseholdSize, r.Change, r.Reason} {
			ref, _ := excelize.CoordinatesToCellName(j+1, row)
			set(ref, v)
		}
		a, _ := excelize.CoordinatesToCellName(1, row)
		g, _ := excelize.CoordinatesToCellName(7, row)
		_ = x.SetCellStyle(sheet, a, g, cell)
	}
	if len(n.Rows) == 0 {
		row++
		set(fmt.Sprintf("A%d", row), "本次无拟调整对象。")
		merge(fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row))
	}
	row += 2
	set(fmt.Sprintf("A%d", row), "公示期间，如有异议，请向以下单位反映（举报）：")
	merge(fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row))
	row++
	set(fmt.Sprintf("A%d", row), "举报电话："+n.ReportPhone+"    监督单位："+n.Supervisor)
	merge(fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row))
	row += 2
	set(fmt.Sprintf("A%d", row), n.IssuedBy)
	merge(fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row))
	_ = x.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row), right)
	row++
	set(fmt.Sprintf("A%d", row), cn(n.PostedOn))
	merge(fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row))
	_ = x.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("G%d", row), right)
	orientation, size := "portrait", 9 // A4
	_ = x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orientation, Size: &size})
	return apperr.Wrap(x.Write(w), "xlsx")
}

// cn writes a date the Chinese way: 2017年6月20日.
func cn(d localdate.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}
