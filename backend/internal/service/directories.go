package service

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/checkteams"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
)

// Directories keeps the information officer directory (信息员名录库) with
// the officers' trainings, and the members of the district check teams
// with the staffing rule of 三(一) (checkteams). Phones are sealed at rest;
// the lists show them masked.
type Directories struct {
	store   *store.Store
	audit   *AuditLog
	regions *Regions
	now     func() time.Time
}

// NewDirectories builds the directories service.
func NewDirectories(st *store.Store, a *AuditLog, r *Regions, now func() time.Time) *Directories {
	return &Directories{store: st, audit: a, regions: r, now: now}
}

// MissingOfficer is a village with poverty work (registered or exited
// households) and no information officer.
type MissingOfficer struct {
	VillageCode string
	VillageName string
	StreetCode  string
	StreetName  string
	Households  int64 // registered or exited
}

// OfficerDirectory is the directory in a scope: the officers and the
// villages that lack one.
type OfficerDirectory struct {
	Officers []store.OfficerRow
	Missing  []MissingOfficer
}

// placeFilter checks a street and village filter against the scope: a
// place outside it, or unknown, is not found.
func (d *Directories) placeFilter(ctx context.Context, sc access.Scope, street, village string) (store.OfficerFilter, store.Regions, error) {
	f := store.OfficerFilter{StreetCode: street, VillageCode: village}
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return f, tree, err
	}
	if street != "" && (!sc.HasStreet(street) || !slices.ContainsFunc(tree.Streets, func(s store.Street) bool { return s.Code == street })) {
		return f, tree, apperr.NotFoundf("街道")
	}
	if village != "" {
		i := slices.IndexFunc(tree.Villages, func(v store.Village) bool { return v.Code == village })
		if i < 0 || !sc.HasVillage(village) || (street != "" && tree.Villages[i].StreetCode != street) {
			return f, tree, apperr.NotFoundf("行政村")
		}
	}
	return f, tree, nil
}

// Officers lists the directory in the caller's scope (optionally one
// street or village), with the villages of poverty work that have no officer.
func (d *Directories) Officers(ctx context.Context, actor access.Actor, street, village string) (*OfficerDirectory, error) {
	f, tree, err := d.placeFilter(ctx, actor.Scope, street, village)
	if err != nil {
		return nil, err
	}
	rows, err := d.store.Officers(ctx, actor.Scope, f)
	if err != nil {
		return nil, apperr.Wrap(err, "list officers")
	}
	work, err := d.store.PovertyWorkVillages(ctx, actor.Scope, f)
	if err != nil {
		return nil, apperr.Wrap(err, "villages with poverty work")
	}
	has := map[string]bool{}
	for _, r := range rows {
		has[r.VillageCode] = true
	}
	streetName := map[string]string{}
	for _, s := range tree.Streets {
		streetName[s.Code] = s.Name
	}
	out := &OfficerDirectory{Officers: rows, Missing: []MissingOfficer{}}
	for _, s := range tree.Streets { // in display order
		for _, v := range tree.Villages {
			if v.StreetCode != s.Code || work[v.Code] == 0 || has[v.Code] {
				continue
			}
			out.Missing = append(out.Missing, MissingOfficer{VillageCode: v.Code, VillageName: v.Name,
				StreetCode: v.StreetCode, StreetName: streetName[v.StreetCode], Households: work[v.Code]})
		}
	}
	return out, nil
}

// OfficerInput is a new or changed officer. Username names the officer's
// account (a village officer of the same village), "" for none. Phone nil
// on an update keeps the phone (the lists show it masked).
type OfficerInput struct {
	Version     int64
	VillageCode string
	Name        string
	Phone       *string
	Username    string
	AppointedOn localdate.Date
}

var phonePattern = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$`)

// checkOfficer validates an officer input in the caller's scope and fills o.
func (d *Directories) checkOfficer(ctx context.Context, actor access.Actor, in OfficerInput, o *store.InfoOfficer) error {
	var ds []apperr.Detail
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return err
	}
	in.VillageCode = strings.TrimSpace(in.VillageCode)
	i := slices.IndexFunc(tree.Villages, func(v store.Village) bool { return v.Code == in.VillageCode })
	if i < 0 || !actor.Scope.HasVillage(in.VillageCode) {
		ds = append(ds, apperr.Detail{Field: "village_code", Message: "行政村不存在或不在您的管辖范围内"})
	} else {
		o.VillageCode, o.StreetCode = in.VillageCode, tree.Villages[i].StreetCode
	}
	o.Name = strings.TrimSpace(in.Name)
	if n := len([]rune(o.Name)); n < 2 || n > 20 {
		ds = append(ds, apperr.Detail{Field: "name", Message: "姓名应为2至20个字"})
	}
	if in.Phone != nil {
		o.Phone = strings.TrimSpace(*in.Phone)
	}
	if !phonePattern.MatchString(o.Phone) {
		ds = append(ds, apperr.Detail{Field: "phone", Message: "联系电话应为11位手机号或带区号的座机号"})
	}
	if !in.AppointedOn.IsZero() && !localdate.Today(d.now()).Before(in.AppointedOn) && in.AppointedOn.Year >= 2000 {
		o.AppointedOn = in.AppointedOn
	} else {
		ds = append(ds, apperr.Detail{Field: "appointed_on", Message: "请填写任职日期，且不能晚于今天"})
	}
	o.UserID = nil
	if u := strings.TrimSpace(in.Username); u != "" {
		acct, err := d.store.UserByUsername(ctx, u)
		switch {
		case apperr.Is(err, apperr.NotFound):
			ds = append(ds, apperr.Detail{Field: "username", Message: "没有该账号"})
		case err != nil:
			return err
		case acct.Role != access.VillageOfficer || !slices.Contains(acct.Grant.Villages, in.VillageCode):
			ds = append(ds, apperr.Detail{Field: "username", Message: "该账号不是本村的村信息管理员账号"})
		default:
			o.UserID = &acct.ID
		}
	}
	if len(ds) > 0 {
		return apperr.Invalid(ds...)
	}
	return nil
}

// officerRow reads back an officer as the directory lists it.
func (d *Directories) officerRow(ctx context.Context, actor access.Actor, id int64) (*store.OfficerRow, error) {
	rows, err := d.store.Officers(ctx, actor.Scope, store.OfficerFilter{})
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].ID == id {
			return &rows[i], nil
		}
	}
	return nil, apperr.NotFoundf("信息员")
}

func officerChanges(a, b *store.InfoOfficer) []Change {
	var cs []Change
	add := func(field string, x, y any, same bool) {
		if !same {
			cs = append(cs, Change{Field: field, Before: x, After: y})
		}
	}
	id := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	add("village_code", a.VillageCode, b.VillageCode, a.VillageCode == b.VillageCode)
	add("name", a.Name, b.Name, a.Name == b.Name)
	add("phone", a.Phone, b.Phone, a.Phone == b.Phone) // masked by the audit log
	add("user_id", id(a.UserID), id(b.UserID), (a.UserID == nil) == (b.UserID == nil) && (a.UserID == nil || *a.UserID == *b.UserID))
	add("appointed_on", a.AppointedOn.String(), b.AppointedOn.String(), a.AppointedOn == b.AppointedOn)
	return cs
}

// CreateOfficer adds an officer to a village in the caller's scope (audited).
func (d *Directories) CreateOfficer(ctx context.Context, actor access.Actor, in OfficerInput) (*store.OfficerRow, error) {
	o := &store.InfoOfficer{}
	if in.Phone == nil {
		in.Phone = new(string)
	}
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		if err := d.checkOfficer(ctx, actor, in, o); err != nil {
			return err
		}
		now := d.now().UTC()
		o.CreatedAt, o.UpdatedAt, o.CreatedBy, o.UpdatedBy = now, now, actor.Username, actor.Username
		if err := d.store.CreateOfficer(ctx, o); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "officer.create", ObjectType: "info_officer",
			ObjectID: strconv.FormatInt(o.ID, 10), Changes: officerChanges(&store.InfoOfficer{}, o)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "create officer")
	}
	return d.officerRow(ctx, actor, o.ID)
}

// UpdateOfficer changes an officer in the caller's scope, at the version
// it was read (audited). The officer may move to another village of the scope.
func (d *Directories) UpdateOfficer(ctx context.Context, actor access.Actor, id int64, in OfficerInput) (*store.OfficerRow, error) {
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		before, err := d.store.Officer(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return apperr.New(apperr.VersionConflict, "该信息员已被他人修改，请刷新后再改")
		}
		o := *before
		if err := d.checkOfficer(ctx, actor, in, &o); err != nil {
			return err
		}
		changes := officerChanges(before, &o)
		if len(changes) == 0 {
			return nil
		}
		o.UpdatedAt, o.UpdatedBy = d.now().UTC(), actor.Username
		if err := d.store.UpdateOfficer(ctx, &o); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "officer.update", ObjectType: "info_officer",
			ObjectID: strconv.FormatInt(id, 10), Changes: changes})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "update officer")
	}
	return d.officerRow(ctx, actor, id)
}

// DeleteOfficer removes an officer from the directory, at the version it
// was read (audited); the training records keep naming the officer.
func (d *Directories) DeleteOfficer(ctx context.Context, actor access.Actor, id, version int64, reason string) error {
	return apperr.Wrap(d.store.InTx(ctx, func(ctx context.Context) error {
		o, err := d.store.Officer(ctx, actor.Scope, id)
		if err != nil {
			return err
		}
		if o.Version != version {
			return apperr.New(apperr.VersionConflict, "该信息员已被他人修改，请刷新后再改")
		}
		if err := d.store.DeleteOfficer(ctx, id, version, actor.Username, d.now().UTC()); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "officer.delete", ObjectType: "info_officer", ObjectID: strconv.FormatInt(id, 10),
			Changes: officerChanges(o, &store.InfoOfficer{AppointedOn: o.AppointedOn}), Reason: truncate(strings.TrimSpace(reason), 500)})
	}), "delete officer")
}

// seesFullPhones reports whether an export carries the phones in full: the
// directory's keepers (district, street) need to reach the people in it.
func seesFullPhones(actor access.Actor) bool {
	return actor.Role == access.District || actor.Role == access.Street
}

// ExportOfficers writes the directory in scope as XLSX, the villages
// without an officer at the end (audited). Phones are full for the
// district and the streets, masked for the other readers.
func (d *Directories) ExportOfficers(ctx context.Context, actor access.Actor, street, village string, w io.Writer) error {
	dir, err := d.Officers(ctx, actor, street, village)
	if err != nil {
		return err
	}
	full := seesFullPhones(actor)
	if err := d.audit.Record(ctx, actor, Entry{Action: "officer.export", ObjectType: "officer_directory",
		Reason: fmt.Sprintf("street=%s village=%s full_phones=%v", street, village, full)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	header := []any{"街道", "行政村", "姓名", "联系电话", "系统账号", "任职日期", "参加培训（次）", "培训学时", "备注"}
	widths := []colWidth{{1, 2, 16}, {4, 5, 16}, {9, 9, 30}}
	return writeXLSX(w, "信息员名录", header, widths, func(add func(...any) error) error {
		for _, o := range dir.Officers {
			phone := o.Phone
			if !full {
				phone = idcard.MaskPhone(phone)
			}
			if err := add(o.StreetName, o.VillageName, o.Name, phone, o.Username, o.AppointedOn.String(),
				o.Trainings, o.TrainingHours.StringFixed(1), ""); err != nil {
				return err
			}
		}
		for _, m := range dir.Missing {
			if err := add(m.StreetName, m.VillageName, "", "", "", "", "", "",
				fmt.Sprintf("缺信息员：本村有建档立卡户 %d 户", m.Households)); err != nil {
				return err
			}
		}
		return nil
	})
}

// TrainingInput records a training. A street's training is its own
// (Street is its street); the district names a street or none (区级).
type TrainingInput struct {
	HeldOn    localdate.Date
	Topic     string
	Trainer   string
	Hours     decimal.Decimal
	Street    string
	Attendees []int64 // officer ids, in the caller's scope
}

// Trainings lists the trainings the caller sees, newest first (optionally
// those of one street): attendees outside the caller's scope are counted,
// not named.
func (d *Directories) Trainings(ctx context.Context, actor access.Actor, street string) ([]store.TrainingRow, error) {
	if _, _, err := d.placeFilter(ctx, actor.Scope, street, ""); err != nil {
		return nil, err
	}
	ts, err := d.store.Trainings(ctx, actor.Scope, street)
	return ts, apperr.Wrap(err, "list trainings")
}

// CreateTraining records a training with its attendees (audited).
func (d *Directories) CreateTraining(ctx context.Context, actor access.Actor, in TrainingInput) (*store.TrainingRow, error) {
	var ds []apperr.Detail
	t := &store.OfficerTraining{HeldOn: in.HeldOn, Topic: strings.TrimSpace(in.Topic), Trainer: strings.TrimSpace(in.Trainer),
		Hours: in.Hours, StreetCode: strings.TrimSpace(in.Street)}
	if in.HeldOn.IsZero() || in.HeldOn.Year < 2000 || localdate.Today(d.now()).Before(in.HeldOn) {
		ds = append(ds, apperr.Detail{Field: "held_on", Message: "请填写培训日期，且不能晚于今天"})
	}
	if n := len([]rune(t.Topic)); n < 2 || n > 200 {
		ds = append(ds, apperr.Detail{Field: "topic", Message: "培训主题应为2至200个字"})
	}
	if n := len([]rune(t.Trainer)); n < 2 || n > 100 {
		ds = append(ds, apperr.Detail{Field: "trainer", Message: "授课人（单位）应为2至100个字"})
	}
	if !t.Hours.IsPositive() || t.Hours.Exponent() < -1 || t.Hours.GreaterThan(decimal.NewFromInt(200)) {
		ds = append(ds, apperr.Detail{Field: "hours", Message: "学时应为大于0、不超过200的数，最多一位小数"})
	}
	switch {
	case !actor.Scope.Whole && t.StreetCode == "" && len(actor.Scope.Streets) == 1:
		t.StreetCode = actor.Scope.Streets[0]
	case t.StreetCode != "" && !actor.Scope.HasStreet(t.StreetCode):
		ds = append(ds, apperr.Detail{Field: "street", Message: "只能登记您管辖范围内街道的培训"})
	case !actor.Scope.Whole && t.StreetCode == "":
		ds = append(ds, apperr.Detail{Field: "street", Message: "请选择街道"})
	}
	ids := slices.Clone(in.Attendees)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 || len(ids) > 2000 {
		ds = append(ds, apperr.Detail{Field: "attendees", Message: "请选择参加培训的信息员"})
	}
	if len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		found, err := d.store.OfficersByID(ctx, actor.Scope, ids)
		if err != nil {
			return err
		}
		if len(found) != len(ids) {
			return apperr.Invalid(apperr.Detail{Field: "attendees", Message: "有信息员不存在或不在您的管辖范围内"})
		}
		if t.StreetCode != "" {
			for _, o := range found {
				if o.StreetCode != t.StreetCode {
					return apperr.Invalid(apperr.Detail{Field: "attendees", Message: fmt.Sprintf("%s不是本街道的信息员", o.Name)})
				}
			}
		}
		t.CreatedAt, t.CreatedBy = d.now().UTC(), actor.Username
		if err := d.store.CreateTraining(ctx, t, ids); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "training.create", ObjectType: "officer_training", ObjectID: strconv.FormatInt(t.ID, 10),
			Changes: []Change{{Field: "held_on", After: t.HeldOn.String()}, {Field: "topic", After: t.Topic}, {Field: "trainer", After: t.Trainer},
				{Field: "hours", After: t.Hours.String()}, {Field: "street", After: t.StreetCode}, {Field: "attendees", After: ids}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "create training")
	}
	ts, err := d.store.Trainings(ctx, actor.Scope, "")
	if err != nil {
		return nil, apperr.Wrap(err, "read training")
	}
	for i := range ts {
		if ts[i].ID == t.ID {
			return &ts[i], nil
		}
	}
	return nil, apperr.NotFoundf("培训记录")
}

// Team roles.
const (
	TeamLead   = "lead"
	TeamMember = "member"
)

// TeamView is a check team with its streets, its members and the answer of
// the staffing rule.
type TeamView struct {
	Code    string
	Name    string
	Streets []store.Street
	Members []store.CheckTeamMember
	Rule    checkteams.Result
	// DepartmentNames names every department by code (members and rule).
	DepartmentNames map[string]string
}

// teamsOf lists the teams a scope sees: all district-wide, a check team its
// own, a street the team of its street.
func (d *Directories) teamsOf(ctx context.Context, sc access.Scope) ([]TeamView, error) {
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []TeamView
	for _, t := range tree.Teams {
		v := TeamView{Code: t.Code, Name: t.Name, Streets: []store.Street{}}
		visible := sc.Whole || (sc.Team != "" && sc.Team == t.Code)
		for _, s := range tree.Streets {
			if s.CheckTeam == t.Code {
				v.Streets = append(v.Streets, s)
				visible = visible || (sc.Team == "" && sc.HasStreet(s.Code))
			}
		}
		if visible {
			out = append(out, v)
		}
	}
	return out, nil
}

// Teams lists the check teams the caller sees, with their members and the
// staffing rule checked.
func (d *Directories) Teams(ctx context.Context, actor access.Actor) ([]TeamView, error) {
	ts, err := d.teamsOf(ctx, actor.Scope)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(ts))
	for i := range ts {
		codes[i] = ts[i].Code
	}
	ms, err := d.store.TeamMembers(ctx, codes)
	if err != nil {
		return nil, apperr.Wrap(err, "team members")
	}
	depts, err := d.store.Departments(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, "departments")
	}
	names := make(map[string]string, len(depts))
	for _, x := range depts {
		names[x.Code] = x.Name
	}
	for i := range ts {
		ts[i].DepartmentNames = names
		ts[i].Members = []store.CheckTeamMember{}
		var depts []string
		for _, m := range ms {
			if m.TeamCode == ts[i].Code {
				ts[i].Members = append(ts[i].Members, m)
				depts = append(depts, m.Department)
			}
		}
		ts[i].Rule = checkteams.Check(depts)
	}
	return ts, nil
}

// Team reads one team the caller sees; another is not found.
func (d *Directories) Team(ctx context.Context, actor access.Actor, code string) (*TeamView, error) {
	ts, err := d.Teams(ctx, actor)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Code == code {
			return &ts[i], nil
		}
	}
	return nil, apperr.NotFoundf("核查组")
}

// MemberInput is a new or changed team member. Phone nil on an update
// keeps the phone.
type MemberInput struct {
	Version    int64
	Name       string
	Department string
	Post       string
	Phone      *string
	Role       string
}

// TeamMemberView is a member as written, with the department's name.
type TeamMemberView struct {
	store.CheckTeamMember
	DepartmentName string
}

// checkMember validates a member input and fills m; it answers the
// department's name.
func (d *Directories) checkMember(ctx context.Context, in MemberInput, m *store.CheckTeamMember) (string, error) {
	var ds []apperr.Detail
	m.Name, m.Post, m.Role, m.Department = strings.TrimSpace(in.Name), strings.TrimSpace(in.Post), in.Role, strings.TrimSpace(in.Department)
	if n := len([]rune(m.Name)); n < 2 || n > 20 {
		ds = append(ds, apperr.Detail{Field: "name", Message: "姓名应为2至20个字"})
	}
	depts, err := d.store.Departments(ctx)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(depts, func(x store.Department) bool { return x.Code == m.Department })
	if i < 0 {
		ds = append(ds, apperr.Detail{Field: "department", Message: "请选择派出人员的部门"})
	}
	if n := len([]rune(m.Post)); n > 100 {
		ds = append(ds, apperr.Detail{Field: "post", Message: "职务最多100个字"})
	}
	if in.Phone != nil {
		m.Phone = strings.TrimSpace(*in.Phone)
	}
	if !phonePattern.MatchString(m.Phone) {
		ds = append(ds, apperr.Detail{Field: "phone", Message: "联系电话应为11位手机号或带区号的座机号"})
	}
	if m.Role != TeamLead && m.Role != TeamMember {
		ds = append(ds, apperr.Detail{Field: "role", Message: "组内角色应为 lead（组长）或 member（组员）"})
	}
	if len(ds) > 0 {
		return "", apperr.Invalid(ds...)
	}
	return depts[i].Name, nil
}

func memberChanges(a, b *store.CheckTeamMember) []Change {
	var cs []Change
	for _, f := range []struct {
		field string
		x, y  string
	}{{"name", a.Name, b.Name}, {"department", a.Department, b.Department}, {"post", a.Post, b.Post},
		{"phone", a.Phone, b.Phone}, {"role", a.Role, b.Role}} {
		if f.x != f.y {
			cs = append(cs, Change{Field: f.field, Before: f.x, After: f.y})
		}
	}
	return cs
}

// AddMember adds an official to a team (audited).
func (d *Directories) AddMember(ctx context.Context, actor access.Actor, team string, in MemberInput) (*TeamMemberView, error) {
	if _, err := d.Team(ctx, actor, team); err != nil {
		return nil, err
	}
	m := &store.CheckTeamMember{TeamCode: team}
	if in.Phone == nil {
		in.Phone = new(string)
	}
	var name string
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if name, err = d.checkMember(ctx, in, m); err != nil {
			return err
		}
		now := d.now().UTC()
		m.CreatedAt, m.UpdatedAt, m.CreatedBy, m.UpdatedBy = now, now, actor.Username, actor.Username
		if err := d.store.CreateTeamMember(ctx, m); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "check_team.member_add", ObjectType: "check_team", ObjectID: team,
			Changes: memberChanges(&store.CheckTeamMember{}, m), Reason: "member " + strconv.FormatInt(m.ID, 10)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add team member")
	}
	return &TeamMemberView{CheckTeamMember: *m, DepartmentName: name}, nil
}

// UpdateMember changes a team's member at the version it was read (audited).
func (d *Directories) UpdateMember(ctx context.Context, actor access.Actor, team string, id int64, in MemberInput) (*TeamMemberView, error) {
	if _, err := d.Team(ctx, actor, team); err != nil {
		return nil, err
	}
	var m store.CheckTeamMember
	var name string
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		before, err := d.store.TeamMember(ctx, team, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return apperr.New(apperr.VersionConflict, "该成员已被他人修改，请刷新后再改")
		}
		m = *before
		if name, err = d.checkMember(ctx, in, &m); err != nil {
			return err
		}
		changes := memberChanges(before, &m)
		if len(changes) == 0 {
			return nil
		}
		m.UpdatedAt, m.UpdatedBy = d.now().UTC(), actor.Username
		if err := d.store.UpdateTeamMember(ctx, &m); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "check_team.member_update", ObjectType: "check_team", ObjectID: team,
			Changes: changes, Reason: "member " + strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "update team member")
	}
	return &TeamMemberView{CheckTeamMember: m, DepartmentName: name}, nil
}

// RemoveMember removes a team's member at the version it was read (audited).
func (d *Directories) RemoveMember(ctx context.Context, actor access.Actor, team string, id, version int64) error {
	if _, err := d.Team(ctx, actor, team); err != nil {
		return err
	}
	return apperr.Wrap(d.store.InTx(ctx, func(ctx context.Context) error {
		m, err := d.store.TeamMember(ctx, team, id)
		if err != nil {
			return err
		}
		if m.Version != version {
			return apperr.New(apperr.VersionConflict, "该成员已被他人修改，请刷新后再改")
		}
		if err := d.store.DeleteTeamMember(ctx, id, version); err != nil {
			return err
		}
		return d.audit.Record(ctx, actor, Entry{Action: "check_team.member_remove", ObjectType: "check_team", ObjectID: team,
			Changes: memberChanges(m, &store.CheckTeamMember{}), Reason: "member " + strconv.FormatInt(id, 10)})
	}), "remove team member")
}

// ExportTeams writes the teams the caller sees as XLSX: a sheet of members
// and a sheet of the staffing rule by department (audited). Phones are
// full for the district, masked for the other readers.
func (d *Directories) ExportTeams(ctx context.Context, actor access.Actor, w io.Writer) error {
	ts, err := d.Teams(ctx, actor)
	if err != nil {
		return err
	}
	full := actor.Role == access.District
	if err := d.audit.Record(ctx, actor, Entry{Action: "check_team.export", ObjectType: "check_team",
		Reason: fmt.Sprintf("full_phones=%v", full)}); err != nil {
		return apperr.Wrap(err, "audit export")
	}
	x := excelize.NewFile()
	defer x.Close()
	members, rule := "核查组成员", "部门人数核对"
	if err := x.SetSheetName("Sheet1", members); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	if _, err := x.NewSheet(rule); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	write := func(sheet string, row int, cells ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return x.SetSheetRow(sheet, cell, &cells)
	}
	if err := write(members, 1, "核查组", "姓名", "派出部门", "职务", "联系电话", "组内角色"); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	if err := write(rule, 1, "核查组", "部门", "应派（人）", "已派（人）", "是否达到"); err != nil {
		return apperr.Wrap(err, "xlsx")
	}
	mr, rr := 2, 2
	for _, t := range ts {
		deptName := t.DepartmentNames
		for _, m := range t.Members {
			phone := m.Phone
			if !full {
				phone = idcard.MaskPhone(phone)
			}
			role := "组员"
			if m.Role == TeamLead {
				role = "组长"
			}
			if err := write(members, mr, t.Name, m.Name, deptName[m.Department], m.Post, phone, role); err != nil {
				return apperr.Wrap(err, "xlsx")
			}
			mr++
		}
		for _, c := range t.Rule.Departments {
			met := "是"
			if !c.Met {
				met = fmt.Sprintf("否（缺%d人）", c.Required-c.Have)
			}
			if err := write(rule, rr, t.Name, deptName[c.Department], c.Required, c.Have, met); err != nil {
				return apperr.Wrap(err, "xlsx")
			}
			rr++
		}
	}
	_ = x.SetColWidth(members, "A", "F", 16)
	_ = x.SetColWidth(rule, "A", "E", 18)
	return apperr.Wrap(x.Write(w), "xlsx")
}
