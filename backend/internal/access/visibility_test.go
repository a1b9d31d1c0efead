package access

import (
	"os"
	"strings"
	"testing"
)

func TestVisibility(t *testing.T) {
	cases := []struct {
		r    Role
		v    View
		c    DataClass
		want Level
	}{
		{District, ListView, IDNumber, Masked},
		{VillageOfficer, FullRecord, IDNumber, Full},
		{Supervisor, FullRecord, Income, Full},
		{Department, FullRecord, IDNumber, Full},
		{Department, FullRecord, Health, Hidden},
		{Admin, FullRecord, IDNumber, Hidden},
		{Auditor, ListView, IDNumber, Hidden},
		{SecurityAdmin, Export, IDNumber, Hidden},
	}
	for _, c := range cases {
		if got := Sees(c.r, c.v, c.c); got != c.want {
			t.Errorf("%s %s %s: %s, want %s", c.r, c.v, c.c, got, c.want)
		}
	}
	// No role sees an ID number in full in a list, whatever the table grows into.
	for _, r := range Roles {
		if Sees(r, ListView, IDNumber) == Full || Sees(r, ListView, Phone) == Full {
			t.Errorf("%s sees full ID or phone numbers in lists", r)
		}
	}
}

// deploy/SECURITY.md shows the table the server applies.
func TestSecurityDocShowsTheTable(t *testing.T) {
	doc, err := os.ReadFile("../../../deploy/SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), VisibilityMarkdown()) {
		t.Errorf("deploy/SECURITY.md does not hold the current visibility table; put this in it:\n%s", VisibilityMarkdown())
	}
}
