// Package access names the roles of workflow.md and the scope a user works in.
// It is pure: the store turns a Scope into WHERE clauses, the api layer checks
// roles on routes, and neither needs to know the other.
package access

import (
	"slices"
)

// Role is one of the nine roles of workflow.md.
type Role string

const (
	VillageOfficer Role = "village_officer"
	CheckTeam      Role = "check_team"
	Department     Role = "department"
	Street         Role = "street"
	District       Role = "district"
	Supervisor     Role = "supervisor"
	Admin          Role = "admin"
	SecurityAdmin  Role = "security_admin"
	Auditor        Role = "auditor"
)

// Roles lists every role in a stable order (menus, tests, the matrix).
var Roles = []Role{VillageOfficer, CheckTeam, Department, Street, District, Supervisor, Admin, SecurityAdmin, Auditor}

var roleNames = map[Role]string{
	VillageOfficer: "村信息管理员",
	CheckTeam:      "核查组",
	Department:     "行业部门",
	Street:         "街道",
	District:       "区扶贫办",
	Supervisor:     "区目督办",
	Admin:          "系统管理员",
	SecurityAdmin:  "安全管理员",
	Auditor:        "审计管理员",
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// Chinese is the role's name as users know it.
func (r Role) Chinese() string { return roleNames[r] }

// SeesHouseholds reports whether the role may read household data at all.
// The three administrators of 三权分立 never do.
func (r Role) SeesHouseholds() bool {
	switch r {
	case Admin, SecurityAdmin, Auditor:
		return false
	}
	return r.Valid()
}

// Scope is where a user works, fully expanded: the streets and villages it
// covers (every village of a covered street is listed), and for department
// liaisons and check teams their department or team. District-wide roles list
// every street and village. Administrators have an empty scope.
type Scope struct {
	Streets    []string
	Villages   []string
	Department string // "" unless role department
	Team       string // "" unless role check_team
	// Whole is true for district-wide roles: queries need no region filter.
	Whole bool
}

// HasVillage reports whether a village code is inside the scope.
func (s Scope) HasVillage(code string) bool {
	return s.Whole || slices.Contains(s.Villages, code)
}

// HasStreet reports whether a street code is inside the scope.
func (s Scope) HasStreet(code string) bool {
	return s.Whole || slices.Contains(s.Streets, code)
}

// Empty reports whether the scope covers no region.
func (s Scope) Empty() bool { return !s.Whole && len(s.Villages) == 0 && len(s.Streets) == 0 }

// Grant is what an account is given: the raw scope before expansion (the
// villages of an officer, the one street of a street account, a team, a
// department). The store keeps grants; Scope is derived from them and the
// regions on every request, so moving an officer takes effect at once.
type Grant struct {
	Villages   []string
	Street     string
	Team       string
	Department string
}

// GrantProblem says what is wrong with a grant for a role, or "" when it fits.
// The messages are Chinese because they reach the admin's form as field errors.
func GrantProblem(r Role, g Grant) (field, message string) {
	has := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	set := has(len(g.Villages) > 0) + has(g.Street != "") + has(g.Team != "") + has(g.Department != "")
	switch r {
	case VillageOfficer:
		if len(g.Villages) == 0 || set != 1 {
			return "scope.villages", "村信息管理员须指定所管的行政村，且只能指定行政村"
		}
	case Street:
		if g.Street == "" || set != 1 {
			return "scope.streets", "街道账号须指定一个街道，且只能指定街道"
		}
	case CheckTeam:
		if g.Team == "" || set != 1 {
			return "scope.team", "核查组账号须指定一个核查组，且只能指定核查组"
		}
	case Department:
		if g.Department == "" || set != 1 {
			return "scope.department", "行业部门账号须指定一个部门，且只能指定部门"
		}
	default:
		if set != 0 {
			return "scope", "该角色的范围是全区或无区域数据，不能另行指定范围"
		}
	}
	return "", ""
}

// Actor is who makes a request, as the services need it for scope checks and
// the audit record. The api layer fills it from the database on every request.
type Actor struct {
	UserID    int64
	Username  string
	Role      Role
	Scope     Scope
	SessionID string
	RequestID string
	ClientIP  string
}
