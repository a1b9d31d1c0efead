package service_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/checkteams"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/synth"
)

type directoryFixture struct {
	*outcomeFixture
	st      *store.Store
	regions *service.Regions
	dirs    *service.Directories
}

func newDirectoryFixture(t *testing.T, st *store.Store) *directoryFixture {
	t.Helper()
	f := newOutcomeFixture(t, st)
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	return &directoryFixture{outcomeFixture: f, st: st, regions: regions, dirs: service.NewDirectories(st, audit, regions, time.Now)}
}

// actorOf is an account of a role with its grant expanded as the server does.
func (f *directoryFixture) actorOf(t *testing.T, role access.Role, g access.Grant) access.Actor {
	t.Helper()
	sc, err := f.regions.Scope(context.Background(), role, g)
	if err != nil {
		t.Fatal(err)
	}
	return access.Actor{Username: string(role) + "-test", Role: role, Scope: sc}
}

// registerIn puts a synthetic household of the given status into a village.
func (f *directoryFixture) registerIn(t *testing.T, village, status string, from int) {
	t.Helper()
	gen := synth.New(2017)
	today := localdate.Today(time.Now())
	for i := from; i < from+5000; i++ {
		v1 := gen.Household(i)
		h := register.FromInterchange(&v1)
		if h.Status != status || len(register.Validate(&h, today)) > 0 {
			continue
		}
		h.VillageCode, h.GroupID, h.Code = village, nil, fmt.Sprintf("%s-%04d", village, i)
		if _, err := f.households.Create(context.Background(), f.district, &h); err == nil {
			return
		}
	}
	t.Fatalf("no %s household for %s", status, village)
}

func missingCodes(d *service.OfficerDirectory) []string {
	var out []string
	for _, m := range d.Missing {
		out = append(out, m.VillageCode)
	}
	return out
}

func auditActions(t *testing.T, st *store.Store, prefix string) []string {
	t.Helper()
	es, _, err := st.AuditEvents(context.Background(), store.AuditFilter{Action: prefix, Page: 1, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	slices.Sort(out)
	return out
}

func TestOfficerDirectoryFlagsVillagesWithoutAnOfficer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newDirectoryFixture(t, st)
		const (
			worked   = "530103012004" // a registered household
			quiet    = "530103012005" // only a household that is not registered
			exited   = "530103010001" // an exited household, another street
			ownStr   = "530103012"
			otherStr = "530103010"
		)
		f.registerIn(t, worked, register.Registered, 0)
		f.registerIn(t, quiet, register.NotRegistered, 0)
		f.registerIn(t, exited, register.Exited, 0)

		dir, err := f.dirs.Officers(ctx, f.district, "", "")
		if err != nil {
			t.Fatal(err)
		}
		// Display order: 松华 before 阿子营.
		if len(dir.Officers) != 0 || !slices.Equal(missingCodes(dir), []string{exited, worked}) {
			t.Fatalf("empty directory: officers %d, missing %v", len(dir.Officers), missingCodes(dir))
		}
		if dir.Missing[1].Households != 1 || dir.Missing[1].StreetName != "阿子营街道" || dir.Missing[1].VillageName == "" {
			t.Fatalf("missing entry: %+v", dir.Missing[1])
		}

		// A street adds an officer to its own village: the flag goes.
		street := f.actorOf(t, access.Street, access.Grant{Street: ownStr})
		phone := "13987160001"
		o, err := f.dirs.CreateOfficer(ctx, street, service.OfficerInput{VillageCode: worked, Name: " 李建华 ", Phone: &phone,
			AppointedOn: localdate.Date{Year: 2016, Month: 3, Day: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "李建华" || o.Phone != phone || o.StreetCode != ownStr || o.VillageName == "" || o.Version != 1 || o.Username != "" {
			t.Fatalf("created: %+v", o)
		}
		dir, _ = f.dirs.Officers(ctx, f.district, "", "")
		if len(dir.Officers) != 1 || !slices.Equal(missingCodes(dir), []string{exited}) {
			t.Fatalf("after adding: %d officers, missing %v", len(dir.Officers), missingCodes(dir))
		}
		// The street sees its own street only, flags included.
		dir, _ = f.dirs.Officers(ctx, street, "", "")
		if len(dir.Officers) != 1 || len(dir.Missing) != 0 {
			t.Fatalf("street's directory: %+v", dir)
		}
		if _, err := f.dirs.Officers(ctx, street, otherStr, ""); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("street filters another street: %v", err)
		}
		// … and cannot put an officer into another street's village.
		if _, err := f.dirs.CreateOfficer(ctx, street, service.OfficerInput{VillageCode: exited, Name: "王丽萍", Phone: &phone,
			AppointedOn: localdate.Date{Year: 2016, Month: 3, Day: 1}}); !hasField(err, "village_code") {
			t.Fatalf("other street's village: %v", err)
		}
		bad := "12345"
		if _, err := f.dirs.CreateOfficer(ctx, f.district, service.OfficerInput{VillageCode: exited, Name: "王", Phone: &bad,
			AppointedOn: localdate.Today(time.Now()).AddDays(3)}); !hasField(err, "name") || !hasField(err, "phone") || !hasField(err, "appointed_on") {
			t.Fatalf("bad officer: %v", err)
		}

		// The officer's account: only a village officer account of that village.
		acct := &store.User{Username: "officer-" + worked, DisplayName: "x", Role: access.VillageOfficer, Grant: access.Grant{Villages: []string{worked}},
			PasswordChangedAt: time.Now().UTC()}
		other := &store.User{Username: "officer-" + quiet, DisplayName: "y", Role: access.VillageOfficer, Grant: access.Grant{Villages: []string{quiet}},
			PasswordChangedAt: time.Now().UTC()}
		for _, u := range []*store.User{acct, other} {
			if err := st.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		in := service.OfficerInput{Version: 1, VillageCode: worked, Name: "李建华", Username: other.Username, AppointedOn: o.AppointedOn}
		if _, err := f.dirs.UpdateOfficer(ctx, street, o.ID, in); !hasField(err, "username") {
			t.Fatalf("another village's account: %v", err)
		}
		in.Username = acct.Username
		up, err := f.dirs.UpdateOfficer(ctx, street, o.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.Username != acct.Username || up.Phone != phone || up.Version != 2 {
			t.Fatalf("updated (phone kept): %+v", up)
		}
		if _, err := f.dirs.UpdateOfficer(ctx, street, o.ID, in); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale version: %v", err)
		}

		// The village's own officer reads its village; another village's sees nothing of it.
		mine := f.actorOf(t, access.VillageOfficer, access.Grant{Villages: []string{worked}})
		if d, err := f.dirs.Officers(ctx, mine, "", ""); err != nil || len(d.Officers) != 1 {
			t.Fatalf("own village: %v %+v", err, d)
		}
		theirs := f.actorOf(t, access.VillageOfficer, access.Grant{Villages: []string{quiet}})
		if d, err := f.dirs.Officers(ctx, theirs, "", ""); err != nil || len(d.Officers) != 0 || len(d.Missing) != 0 {
			t.Fatalf("other village: %v %+v", err, d)
		}
		if _, err := f.dirs.Officers(ctx, theirs, "", worked); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("other village filtered: %v", err)
		}
		// Another street neither changes nor removes it: not found.
		otherStreet := f.actorOf(t, access.Street, access.Grant{Street: otherStr})
		in.Version = 2
		if _, err := f.dirs.UpdateOfficer(ctx, otherStreet, o.ID, in); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("other street updates: %v", err)
		}
		if err := f.dirs.DeleteOfficer(ctx, otherStreet, o.ID, 2, ""); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("other street deletes: %v", err)
		}

		// The phone is sealed at rest.
		db, _ := st.SQL()
		var raw string
		if err := db.QueryRow("SELECT phone FROM info_officers WHERE id = ?", o.ID).Scan(&raw); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		if strings.Contains(raw, phone) || !strings.HasPrefix(raw, "v1:") {
			t.Fatalf("phone at rest: %q", raw)
		}

		// Removing the officer brings the flag back; every write was audited.
		if err := f.dirs.DeleteOfficer(ctx, street, o.ID, 2, "调离"); err != nil {
			t.Fatal(err)
		}
		dir, _ = f.dirs.Officers(ctx, f.district, "", "")
		if len(dir.Officers) != 0 || !slices.Equal(missingCodes(dir), []string{exited, worked}) {
			t.Fatalf("after removal: %d officers, missing %v", len(dir.Officers), missingCodes(dir))
		}
		if got := auditActions(t, st, "officer."); !slices.Equal(got, []string{"officer.create", "officer.delete", "officer.update"}) {
			t.Fatalf("audit: %v", got)
		}
		es, _ := st.AuditOfObject(ctx, "info_officer", fmt.Sprint(o.ID))
		for _, e := range es {
			if strings.Contains(e.Changes, phone) {
				t.Fatalf("audit holds the phone: %s", e.Changes)
			}
		}
	})
}

func hasField(err error, field string) bool {
	if !apperr.Is(err, apperr.Validation) {
		return false
	}
	for _, d := range apperr.As(err).Details {
		if d.Field == field {
			return true
		}
	}
	return false
}

func TestTrainingsOfOfficers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newDirectoryFixture(t, st)
		day := localdate.Date{Year: 2016, Month: 3, Day: 1}
		var ids []int64
		for i, v := range []string{"530103012004", "530103012005", "530103010001"} {
			p := fmt.Sprintf("1398716000%d", i)
			o, err := f.dirs.CreateOfficer(ctx, f.district, service.OfficerInput{VillageCode: v, Name: []string{"李建华", "王丽萍", "张志强"}[i], Phone: &p, AppointedOn: day})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, o.ID)
		}
		tr, err := f.dirs.CreateTraining(ctx, f.district, service.TrainingInput{HeldOn: localdate.Date{Year: 2017, Month: 5, Day: 12},
			Topic: "动态管理业务培训", Trainer: "区扶贫办", Hours: decimal.RequireFromString("4"), Attendees: ids})
		if err != nil {
			t.Fatal(err)
		}
		if tr.AttendeeCount != 3 || len(tr.Attendees) != 3 || tr.StreetCode != "" {
			t.Fatalf("district training: %+v", tr)
		}
		street := f.actorOf(t, access.Street, access.Grant{Street: "530103012"})
		// A street's training is its own, for its own officers only.
		if _, err := f.dirs.CreateTraining(ctx, street, service.TrainingInput{HeldOn: localdate.Date{Year: 2017, Month: 6, Day: 2},
			Topic: "系统录入操作", Trainer: "阿子营街道扶贫工作站", Hours: decimal.RequireFromString("2.5"), Attendees: ids}); !hasField(err, "attendees") {
			t.Fatalf("another street's officer: %v", err)
		}
		own, err := f.dirs.CreateTraining(ctx, street, service.TrainingInput{HeldOn: localdate.Date{Year: 2017, Month: 6, Day: 2},
			Topic: "系统录入操作", Trainer: "阿子营街道扶贫工作站", Hours: decimal.RequireFromString("2.5"), Attendees: ids[:2]})
		if err != nil {
			t.Fatal(err)
		}
		if own.StreetCode != "530103012" || own.StreetName != "阿子营街道" {
			t.Fatalf("street training: %+v", own)
		}
		if _, err := f.dirs.CreateTraining(ctx, f.district, service.TrainingInput{Topic: "x", Hours: decimal.RequireFromString("0.25")}); !hasField(err, "held_on") ||
			!hasField(err, "topic") || !hasField(err, "trainer") || !hasField(err, "hours") || !hasField(err, "attendees") {
			t.Fatalf("bad training: %v", err)
		}

		// The street sees both trainings, its officers named, the others counted.
		ts, err := f.dirs.Trainings(ctx, street, "")
		if err != nil || len(ts) != 2 || ts[0].ID != own.ID {
			t.Fatalf("street's trainings: %v %+v", err, ts)
		}
		if ts[1].AttendeeCount != 3 || len(ts[1].Attendees) != 2 {
			t.Fatalf("district training seen by the street: %+v", ts[1])
		}
		other := f.actorOf(t, access.Street, access.Grant{Street: "530103009"})
		if ts, err := f.dirs.Trainings(ctx, other, ""); err != nil || len(ts) != 0 {
			t.Fatalf("a street without officers there: %v %+v", err, ts)
		}
		// The directory totals each officer's trainings.
		dir, _ := f.dirs.Officers(ctx, f.district, "", "")
		hours := map[int64]string{}
		for _, o := range dir.Officers {
			hours[o.ID] = fmt.Sprintf("%d/%s", o.Trainings, o.TrainingHours.StringFixed(1))
		}
		if hours[ids[0]] != "2/6.5" || hours[ids[2]] != "1/4.0" {
			t.Fatalf("training totals: %v", hours)
		}
		if got := auditActions(t, st, "training."); len(got) != 2 {
			t.Fatalf("audit: %v", got)
		}
	})
}

func TestCheckTeamStaffingRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newDirectoryFixture(t, st)
		ts, err := f.dirs.Teams(ctx, f.district)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 2 || ts[0].Rule.Met || len(ts[0].Rule.Missing) != 17 || len(ts[0].Streets) != 2 {
			t.Fatalf("teams without members: %+v", ts)
		}
		add := func(team, dept, role string) *service.TeamMemberView {
			t.Helper()
			p := "13871230000"
			m, err := f.dirs.AddMember(ctx, f.district, team, service.MemberInput{Name: "赵国庆", Department: dept, Post: "科员", Phone: &p, Role: role})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		var police *service.TeamMemberView
		for _, d := range checkteams.Required {
			for k := range 2 {
				m := add("A", d.Code, service.TeamMember)
				if d.Code == "police" && k == 0 {
					police = m
				}
				if d.Code != "inv" || k == 0 {
					add("B", d.Code, service.TeamMember)
				}
			}
		}
		lead := add("B", "org", service.TeamLead) // a department the rule does not name
		if lead.DepartmentName != "区委组织部、统战部" {
			t.Fatalf("department name: %+v", lead)
		}
		ts, _ = f.dirs.Teams(ctx, f.district)
		a, b := ts[0], ts[1]
		if !a.Rule.Met || len(a.Rule.Missing) != 0 || len(a.Members) != 34 {
			t.Fatalf("team A: met %v, missing %+v, %d members", a.Rule.Met, a.Rule.Missing, len(a.Members))
		}
		if b.Rule.Met || len(b.Rule.Missing) != 1 || b.Rule.Missing[0].Department != "inv" || b.Rule.Missing[0].Have != 1 || b.Rule.Missing[0].Required != 2 {
			t.Fatalf("team B: met %v, missing %+v", b.Rule.Met, b.Rule.Missing)
		}
		if b.Members[0].Role != service.TeamLead || b.DepartmentNames["inv"] != "区经投公司" {
			t.Fatalf("lead first, names: %+v", b.Members[0])
		}

		// One police official leaves team A: now it is short there.
		if err := f.dirs.RemoveMember(ctx, f.district, "B", police.ID, police.Version); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("removed through another team: %v", err)
		}
		if err := f.dirs.RemoveMember(ctx, f.district, "A", police.ID, 9); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale version: %v", err)
		}
		if err := f.dirs.RemoveMember(ctx, f.district, "A", police.ID, police.Version); err != nil {
			t.Fatal(err)
		}
		// A member moves department: from 公安 to 经投 in team B fills 经投 and opens 公安.
		bm := b.Members[len(b.Members)-1]
		for _, m := range b.Members {
			if m.Department == "police" {
				bm = m
				break
			}
		}
		moved, err := f.dirs.UpdateMember(ctx, f.district, "B", bm.ID, service.MemberInput{Version: bm.Version, Name: bm.Name, Department: "inv", Post: "干部", Role: service.TeamMember})
		if err != nil || moved.Phone != bm.Phone || moved.Version != 2 {
			t.Fatalf("moved: %v %+v", err, moved)
		}
		ts, _ = f.dirs.Teams(ctx, f.district)
		for i, want := range []string{"police", "police"} {
			r := ts[i].Rule
			if r.Met || len(r.Missing) != 1 || r.Missing[0].Department != want || r.Missing[0].Have != 1 {
				t.Fatalf("team %s after the changes: %+v", ts[i].Code, r.Missing)
			}
		}

		// Bad entries are refused with the fields at fault; an unknown team is not found.
		if _, err := f.dirs.AddMember(ctx, f.district, "A", service.MemberInput{Name: "x", Department: "nope", Role: "boss"}); !hasField(err, "name") ||
			!hasField(err, "department") || !hasField(err, "role") || !hasField(err, "phone") {
			t.Fatalf("bad member: %v", err)
		}
		if _, err := f.dirs.AddMember(ctx, f.district, "C", service.MemberInput{}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown team: %v", err)
		}

		// Who sees which team.
		for _, c := range []struct {
			actor access.Actor
			want  []string
		}{
			{f.actorOf(t, access.CheckTeam, access.Grant{Team: "B"}), []string{"B"}},
			{f.actorOf(t, access.Street, access.Grant{Street: "530103012"}), []string{"A"}},
			{f.actorOf(t, access.Street, access.Grant{Street: "530103009"}), []string{"B"}},
			{f.actorOf(t, access.Supervisor, access.Grant{}), []string{"A", "B"}},
		} {
			ts, err := f.dirs.Teams(ctx, c.actor)
			var got []string
			for _, x := range ts {
				got = append(got, x.Code)
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s sees %v (%v), want %v", c.actor.Role, got, err, c.want)
			}
		}
		if got := auditActions(t, st, "check_team."); len(got) != 34+34-1+1+2 {
			t.Fatalf("audit: %d events", len(got))
		}
	})
}

// The demo directories show both flags: a village without an officer and a
// team short of one department.
func TestDemoDirectories(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	f := newDirectoryFixture(t, st)
	demo := service.NewDemo(st, auth.Hasher{MemoryKiB: 64, Time: 1, Threads: 1}, f.regions, service.NewDepartments(st), f.outcomes)
	if _, _, err := demo.Seed(ctx, "Jingzhun@2017"); err != nil {
		t.Fatal(err)
	}
	f.registerIn(t, service.DemoVillageWithoutOfficer, register.Registered, 0)
	f.registerIn(t, "530103012004", register.Registered, 100)
	if err := demo.SeedDirectories(ctx); err != nil {
		t.Fatal(err)
	}
	dir, err := f.dirs.Officers(ctx, f.district, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(missingCodes(dir), []string{service.DemoVillageWithoutOfficer}) || len(dir.Officers) != 42+4 {
		t.Fatalf("demo directory: %d officers, missing %v", len(dir.Officers), missingCodes(dir))
	}
	linked := 0
	for _, o := range dir.Officers {
		if o.Username == "officer-"+o.VillageCode {
			linked++
		}
		if o.Trainings == 0 && o.StreetCode == "530103010" {
			t.Errorf("松华 officer %s attended nothing", o.Name)
		}
	}
	if linked != 42 {
		t.Fatalf("%d officers linked to their accounts", linked)
	}
	if ts, _ := f.dirs.Trainings(ctx, f.district, ""); len(ts) != 2 {
		t.Fatalf("demo trainings: %d", len(ts))
	}
	ts, err := f.dirs.Teams(ctx, f.district)
	if err != nil {
		t.Fatal(err)
	}
	if !ts[0].Rule.Met || ts[1].Rule.Met || len(ts[1].Rule.Missing) != 1 || ts[1].Rule.Missing[0].Department != service.DemoTeamShortOfDept {
		t.Fatalf("demo teams: A %+v, B %+v", ts[0].Rule.Missing, ts[1].Rule.Missing)
	}
}
