package access

import "testing"

func TestGrantProblem(t *testing.T) {
	cases := []struct {
		name string
		role Role
		g    Grant
		ok   bool
	}{
		{"officer with villages", VillageOfficer, Grant{Villages: []string{"530103012004"}}, true},
		{"officer without villages", VillageOfficer, Grant{}, false},
		{"officer with a street too", VillageOfficer, Grant{Villages: []string{"530103012004"}, Street: "530103012"}, false},
		{"street with street", Street, Grant{Street: "530103012"}, true},
		{"street without", Street, Grant{}, false},
		{"team", CheckTeam, Grant{Team: "A"}, true},
		{"team with department", CheckTeam, Grant{Team: "A", Department: "police"}, false},
		{"department", Department, Grant{Department: "police"}, true},
		{"department without", Department, Grant{}, false},
		{"district plain", District, Grant{}, true},
		{"district with street", District, Grant{Street: "530103012"}, false},
		{"admin plain", Admin, Grant{}, true},
		{"auditor with team", Auditor, Grant{Team: "A"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			field, msg := GrantProblem(c.role, c.g)
			if (field == "") != c.ok {
				t.Fatalf("GrantProblem(%s, %+v) = %q %q, want ok=%v", c.role, c.g, field, msg, c.ok)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	if len(Roles) != 9 {
		t.Fatalf("workflow.md has nine roles, got %d", len(Roles))
	}
	for _, r := range Roles {
		if !r.Valid() || r.Chinese() == "" {
			t.Errorf("role %s has no Chinese name", r)
		}
	}
	if Role("root").Valid() {
		t.Error("unknown role accepted")
	}
	for _, r := range []Role{Admin, SecurityAdmin, Auditor} {
		if r.SeesHouseholds() {
			t.Errorf("%s must not see household data", r)
		}
	}
	if !District.SeesHouseholds() || !Supervisor.SeesHouseholds() {
		t.Error("district and supervisor see household data")
	}
}

func TestScope(t *testing.T) {
	s := Scope{Streets: []string{"530103012"}, Villages: []string{"530103012004"}}
	if !s.HasVillage("530103012004") || s.HasVillage("530103011001") {
		t.Error("HasVillage wrong")
	}
	if !s.HasStreet("530103012") || s.HasStreet("530103011") {
		t.Error("HasStreet wrong")
	}
	w := Scope{Whole: true}
	if !w.HasVillage("anything") || w.Empty() {
		t.Error("whole scope")
	}
	if !(Scope{}).Empty() {
		t.Error("empty scope")
	}
}
