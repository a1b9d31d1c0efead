package access

import (
	"fmt"
	"strings"
)

// Who sees what (issue 5; deploy/SECURITY.md shows this table, and a test
// keeps the two the same). Personal data falls in classes; each view of the
// register shows a class in full, masked, or not at all, by role.

// DataClass is a kind of personal data.
type DataClass string

// The classes.
const (
	IDNumber DataClass = "id_number" // 身份证号
	Phone    DataClass = "phone"     // 联系电话
	Health   DataClass = "health"    // 健康、疾病、残疾
	Income   DataClass = "income"    // 收入
	Property DataClass = "property"  // 住房、车辆、房产、经营
)

// View is where data is shown.
type View string

// The views.
const (
	ListView   View = "list"        // lists, notices, list exports
	FullRecord View = "full_record" // one household's record (audited read)
	Export     View = "interchange" // the national export and /interchange (audited, with a reason)
)

// Level is how much of a value a view shows.
type Level string

// The levels.
const (
	Full   Level = "full"
	Masked Level = "masked" // 530103********0018, 138****1234
	Hidden Level = "none"
)

// householdReaders read the register in their scope.
var householdReaders = []Role{VillageOfficer, CheckTeam, Street, District, Supervisor}

// visibility is the table. Roles absent from a row see nothing of it.
// Department liaisons match records by name and full ID number on their own
// endpoints (departments.md) and see their own fields only; admin, the
// security administrator and the auditor see no household data at all.
var visibility = map[View]map[DataClass]map[Role]Level{
	ListView: {
		IDNumber: levels(Masked, householdReaders...),
		Phone:    levels(Masked, householdReaders...),
	},
	FullRecord: {
		IDNumber: levels(Full, append([]Role{Department}, householdReaders...)...),
		Phone:    levels(Full, householdReaders...),
		Health:   levels(Full, householdReaders...),
		Income:   levels(Full, householdReaders...),
		Property: levels(Full, householdReaders...),
	},
	Export: {
		IDNumber: levels(Full, householdReaders...),
		Phone:    levels(Full, householdReaders...),
		Health:   levels(Full, householdReaders...),
		Income:   levels(Full, householdReaders...),
		Property: levels(Full, householdReaders...),
	},
}

func levels(l Level, roles ...Role) map[Role]Level {
	m := map[Role]Level{}
	for _, r := range roles {
		m[r] = l
	}
	return m
}

// Sees is how much of a class a role sees in a view.
func Sees(r Role, v View, c DataClass) Level {
	if l, ok := visibility[v][c][r]; ok {
		return l
	}
	return Hidden
}

// VisibilityMarkdown renders the table for deploy/SECURITY.md.
func VisibilityMarkdown() string {
	var b strings.Builder
	classes := []DataClass{IDNumber, Phone, Health, Income, Property}
	b.WriteString("| view | data |")
	for _, r := range Roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n|---|---|")
	b.WriteString(strings.Repeat("---|", len(Roles)))
	b.WriteString("\n")
	for _, v := range []View{ListView, FullRecord, Export} {
		for _, c := range classes {
			if _, ok := visibility[v][c]; !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s |", v, c)
			for _, r := range Roles {
				fmt.Fprintf(&b, " %s |", Sees(r, v, c))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
