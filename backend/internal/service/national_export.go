package service

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/departments"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
)

// NationalExport writes the households of the village lists that reached
// stage 14 (recorded, workflow.md) for entry into the national poverty
// information system (全国扶贫开发信息系统): the whole register record with
// full ID numbers and the case's proposal. District only, and audited.
type NationalExport struct {
	store *store.Store
	audit *AuditLog
	now   func() time.Time
}

// NewNationalExport builds the national export service.
func NewNationalExport(st *store.Store, a *AuditLog, now func() time.Time) *NationalExport {
	return &NationalExport{store: st, audit: a, now: now}
}

// NationalExportFilter narrows the export to a street or a village (codes;
// empty: all in scope).
type NationalExportFilter struct {
	Street, Village string
}

// Formats of the national export.
const (
	NationalXLSX = "xlsx"
	NationalCSV  = "csv"
	NationalJSON = "json"
)

// NationalListFormat names the JSON document: household-v1 documents, each
// with its case's proposal.
const NationalListFormat = "household-v1-list"

// NationalExportFile is the content type and download file name of a
// format; both empty for an unknown format (Write refuses it).
func NationalExportFile(format string, campaignYear int) (contentType, fileName string) {
	base := fmt.Sprintf("全国扶贫开发信息系统录入-%d年", campaignYear)
	switch format {
	case NationalXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx"
	case NationalCSV:
		return "text/csv; charset=utf-8", base + ".csv"
	case NationalJSON:
		return "application/json; charset=utf-8", base + ".json"
	}
	return "", ""
}

// Write writes the campaign's households on lists at stage 14, in the
// actor's scope, filtered, in format xlsx, csv or json. The export is
// audited before anything is written. Nothing is written to w when Write
// refuses (role, format, campaign); an error after that may leave a csv or
// json stream cut short (an xlsx is written to w only once complete).
func (s *NationalExport) Write(ctx context.Context, actor access.Actor, campaignID int64, f NationalExportFilter, format string, w io.Writer) error {
	if actor.Role != access.District {
		return apperr.New(apperr.Forbidden, "只有区扶贫办可以导出录入全国扶贫开发信息系统的数据")
	}
	if ct, _ := NationalExportFile(format, 0); ct == "" {
		return apperr.Invalid(apperr.Detail{Field: "format", Message: "导出格式应为 xlsx、csv 或 json"})
	}
	c, err := s.store.CampaignByID(ctx, campaignID)
	if err != nil {
		return apperr.Wrap(err, "campaign")
	}
	cases, err := s.store.NationalExportCases(ctx, actor.Scope, campaignID, store.NationalExportFilter{StreetCode: f.Street, VillageCode: f.Village})
	if err != nil {
		return apperr.Wrap(err, "national export cases")
	}
	if err := s.audit.Record(ctx, actor, Entry{Action: "campaign.export_national", ObjectType: "campaign",
		ObjectID: strconv.FormatInt(campaignID, 10),
		Reason:   fmt.Sprintf("format=%s street=%s village=%s households=%d（录入全国扶贫开发信息系统，含完整身份证号）", format, f.Street, f.Village, len(cases))}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	each := func(fn func(store.NationalExportCase, *register.Household) error) error {
		return apperr.Wrap(s.store.EachNationalExportHousehold(ctx, actor.Scope, cases, fn), "national export households")
	}
	switch format {
	case NationalXLSX:
		return writeNationalXLSX(w, each)
	case NationalCSV:
		return apperr.Wrap(writeNationalCSV(w, each), "csv")
	}
	return apperr.Wrap(writeNationalJSON(w, c, s.now(), each), "json")
}

// nxRow is what a column reads: the case, its household and, on the
// member sheet, one member.
type nxRow struct {
	c store.NationalExportCase
	h *register.Household
	m *register.Member
}

// nxColumn is one column: its Chinese header and its value as text ("" for
// unknown). Code values are their Chinese labels, amounts have two decimals.
type nxColumn struct {
	header string
	value  func(r *nxRow) string
}

// nxSheet is one sheet of the workbook; every sheet begins with 户编号, so
// that its rows join the household sheet.
type nxSheet struct {
	name    string
	columns []nxColumn
	widths  []colWidth
}

// Sheet indexes.
const (
	nxHouseholds = iota
	nxMembers
	nxIncome
	nxConditions
)

// nxField is a register field by key (departments' field catalogue): its
// label as header, its value in words (Display).
func nxField(key string) nxColumn {
	f, ok := departments.FieldOf(key)
	if !ok {
		panic("national export: field " + key + " is not in the field catalogue")
	}
	return nxColumn{header: f.Label, value: func(r *nxRow) string {
		var id int64
		if register.IsMemberKey(key) {
			id = r.m.ID
		}
		v, err := register.HouseholdValue(r.h, key, id)
		if err != nil {
			return ""
		}
		return Display(f, v)
	}}
}

func nxFields(keys ...string) []nxColumn {
	out := make([]nxColumn, len(keys))
	for i, k := range keys {
		out[i] = nxField(k)
	}
	return out
}

var nxCode = nxColumn{"户编号", func(r *nxRow) string { return r.c.HouseholdCode }}

// nxHead is the household's head, nil when it has none.
func nxHead(h *register.Household) *register.Member {
	for i := range h.Members {
		if h.Members[i].Relation == "head" {
			return &h.Members[i]
		}
	}
	return nil
}

// nxProposalLabel is a proposal in words, as the screens show outcomes; ""
// when none was made.
func nxProposalLabel(p string) string {
	if p == "" {
		return ""
	}
	if l := rules.Outcome(p).Chinese(); l != "" {
		return l
	}
	return p
}

// nxSheets are the sheets of the national household information form
// (贫困户信息采集表), columns in the order of register.md.
var nxSheets = sync.OnceValue(func() []nxSheet {
	households := []nxColumn{nxCode,
		{"街道", func(r *nxRow) string { return r.c.StreetName }},
		{"行政村", func(r *nxRow) string { return r.c.VillageName }},
		{"行政村代码", func(r *nxRow) string { return r.c.VillageCode }},
		{"村民小组", func(r *nxRow) string { return r.c.GroupName }},
		{"户主姓名", func(r *nxRow) string {
			if m := nxHead(r.h); m != nil {
				return m.Name
			}
			return ""
		}},
		{"户主身份证号", func(r *nxRow) string {
			if m := nxHead(r.h); m != nil {
				return m.IDNumber
			}
			return ""
		}},
		{"家庭人口（在户）", func(r *nxRow) string {
			n := 0
			for _, m := range r.h.Members {
				if m.Status == "present" {
					n++
				}
			}
			return strconv.Itoa(n)
		}},
	}
	households = append(households, nxFields("address", "phone", "status", "registered_on", "exited_year",
		"ident_standard", "poverty_attribute", "main_cause", "other_causes", "hukou", "rural_resident",
		"dibao", "tekun", "military_family", "only_child", "two_daughters",
		"employs_others_long_term", "vehicles", "urban_properties", "businesses",
		"finding_split_merge", "finding_split_merge_note", "finding_empty_hung", "finding_empty_hung_note",
		"finding_fraud", "finding_fraud_note", "education_burden_heavy",
		"surveyors", "survey_date", "help_measures")...)
	households = append(households, nxColumn{"处理意见", func(r *nxRow) string { return nxProposalLabel(r.c.Proposal) }})

	members := append([]nxColumn{nxCode}, nxFields("members.name", "members.id_number", "members.gender",
		"members.birth_date", "members.ethnicity", "members.relation", "members.status", "members.shares_income",
		"members.political_status", "members.education_level", "members.schooling_status", "members.dropout",
		"members.health", "members.disease", "members.disability_category", "members.disability_grade",
		"members.disability_cert", "members.labour_ability", "members.migrant_place", "members.migrant_months",
		"members.medical_insured", "members.pension_insured", "members.serious_illness_insured",
		"members.active_military", "members.fiscal_staff_since", "members.village_cadre_since")...)

	income := append([]nxColumn{nxCode}, nxFields("income_year", "income_wage", "income_operating",
		"income_property", "income_transfer", "transfer_family_plan", "transfer_dibao", "transfer_wubao",
		"transfer_pension", "transfer_eco_comp", "transfer_other", "operating_cost")...)
	income = append(income,
		nxColumn{"家庭纯收入（元）", func(r *nxRow) string {
			if n, ok := r.h.NetIncome(); ok {
				return n.StringFixed(2)
			}
			return ""
		}},
		nxColumn{"计算收入人口", func(r *nxRow) string { return strconv.Itoa(r.h.CountedMembers()) }},
		nxColumn{"人均纯收入（元）", func(r *nxRow) string {
			if p, ok := r.h.PerCapitaIncome(); ok {
				return p.StringFixed(2)
			}
			return ""
		}})

	conditions := append([]nxColumn{nxCode}, nxFields("housing_grade", "housing_area_m2", "housing_structure",
		"housing_built_year", "food_secure", "clothing_secure", "safe_drinking_water", "drinking_difficulty",
		"power_living", "power_production", "road_type", "road_distance_km", "sanitary_toilet", "cooking_fuel",
		"tv_reception", "broadband", "land_cultivated", "land_irrigated", "land_forest", "land_returned",
		"land_orchard", "land_grass", "land_water", "livestock", "main_crops", "durable_goods", "coop_member",
		"eco_compensation", "ranger_income", "relocated", "relocation_mode", "resettlement_site")...)

	return []nxSheet{
		nxHouseholds: {name: "户基本情况", columns: households, widths: []colWidth{{1, 1, 22}, {2, 3, 14}, {4, 4, 15}, {7, 7, 22}}},
		nxMembers:    {name: "家庭成员", columns: members, widths: []colWidth{{1, 1, 22}, {3, 3, 22}}},
		nxIncome:     {name: "收入情况", columns: income, widths: []colWidth{{1, 1, 22}, {2, len(income), 14}}},
		nxConditions: {name: "生产生活条件", columns: conditions, widths: []colWidth{{1, 1, 22}}},
	}
})

func (sh *nxSheet) header() []string {
	out := make([]string, len(sh.columns))
	for i, c := range sh.columns {
		out[i] = c.header
	}
	return out
}

func (sh *nxSheet) values(r *nxRow) []string {
	out := make([]string, len(sh.columns))
	for i, c := range sh.columns {
		out[i] = c.value(r)
	}
	return out
}

// nxEach runs fn for every exported household, in household code order.
type nxEach func(fn func(store.NationalExportCase, *register.Household) error) error

// writeNationalXLSX streams the four sheets side by side: one row per
// household on the household, income and conditions sheets, one per member
// on the member sheet. Every cell is text, so that ID numbers keep all 18
// digits and amounts their two decimals.
func writeNationalXLSX(w io.Writer, each nxEach) error {
	sheets := nxSheets()
	x := excelize.NewFile()
	defer x.Close()
	writers := make([]*excelize.StreamWriter, len(sheets))
	rows := make([]int, len(sheets))
	for i, sh := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sh.name); err != nil {
				return apperr.Wrap(err, "xlsx")
			}
		} else if _, err := x.NewSheet(sh.name); err != nil {
			return apperr.Wrap(err, "xlsx")
		}
		sw, err := x.NewStreamWriter(sh.name)
		if err != nil {
			return apperr.Wrap(err, "xlsx")
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return apperr.Wrap(err, "xlsx")
		}
		for _, c := range sh.widths {
			_ = sw.SetColWidth(c.from, c.to, c.width)
		}
		writers[i], rows[i] = sw, 1
	}
	add := func(i int, cells []string) error {
		row := make([]any, len(cells))
		for j, c := range cells {
			if c != "" {
				row[j] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, rows[i])
		rows[i]++
		return apperr.Wrap(writers[i].SetRow(cell, row), "xlsx")
	}
	for i := range sheets {
		if err := add(i, sheets[i].header()); err != nil {
			return err
		}
	}
	err := each(func(c store.NationalExportCase, h *register.Household) error {
		r := &nxRow{c: c, h: h}
		for _, i := range []int{nxHouseholds, nxIncome, nxConditions} {
			if err := add(i, sheets[i].values(r)); err != nil {
				return err
			}
		}
		for j := range h.Members {
			r.m = &h.Members[j]
			if err := add(nxMembers, sheets[nxMembers].values(r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, sw := range writers {
		if err := sw.Flush(); err != nil {
			return apperr.Wrap(err, "xlsx")
		}
	}
	return apperr.Wrap(x.Write(w), "xlsx")
}

// nxCSVHouseholdSheets are the sheets whose columns the CSV repeats on
// every member's row, 户编号 once.
var nxCSVHouseholdSheets = []int{nxHouseholds, nxIncome, nxConditions}

// writeNationalCSV writes one file that carries everything: UTF-8 with a
// byte order mark (for Excel), one row per member with the household's
// columns first; a household without members has one row, member columns
// empty.
func writeNationalCSV(w io.Writer, each nxEach) error {
	sheets := nxSheets()
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	join := func(parts func(sh *nxSheet) []string) []string {
		var out []string
		for k, i := range nxCSVHouseholdSheets {
			p := parts(&sheets[i])
			if k > 0 {
				p = p[1:] // 户编号 once
			}
			out = append(out, p...)
		}
		return out
	}
	members := &sheets[nxMembers]
	header := append(join((*nxSheet).header), members.header()[1:]...)
	if err := cw.Write(header); err != nil {
		return err
	}
	err := each(func(c store.NationalExportCase, h *register.Household) error {
		r := &nxRow{c: c, h: h}
		household := join(func(sh *nxSheet) []string { return sh.values(r) })
		if len(h.Members) == 0 {
			return cw.Write(append(household, make([]string, len(members.columns)-1)...))
		}
		for j := range h.Members {
			r.m = &h.Members[j]
			row := append(append(make([]string, 0, len(header)), household...), members.values(r)[1:]...)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeNationalJSON streams {"format":"household-v1-list","campaign":{…},
// "exported_at":…,"households":[…]}: each household as household-v1
// (Household.Interchange, as the interchange export writes it) with its
// case's proposal added as "proposal" (an outcome code, "" when none).
func writeNationalJSON(w io.Writer, c *store.Campaign, at time.Time, each nxEach) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	b := append([]byte(nil), `{"format":`...)
	b = interchange.AppendString(b, NationalListFormat)
	b = append(b, `,"campaign":{"id":`...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, `,"name":`...)
	b = interchange.AppendString(b, c.Name)
	b = append(b, ',')
	b = append(b, interchange.AppendCampaign(nil, c.Parameters())[1:]...) // its keys, after id and name
	b = append(b, `,"exported_at":`...)
	b = interchange.AppendString(b, at.In(localdate.Shanghai).Format(time.RFC3339))
	b = append(b, `,"households":[`...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	n := 0
	err := each(func(nc store.NationalExportCase, h *register.Household) error {
		b = b[:0]
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '\n')
		v1 := h.Interchange(nc.GroupName)
		b = interchange.AppendHousehold(b, &v1)
		b = append(b[:len(b)-1], `,"proposal":`...) // before the object's closing brace
		b = interchange.AppendString(b, nc.Proposal)
		b = append(b, '}')
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}
