package regions

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	tr, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if tr.District.Code != "530103" || tr.District.Name != "盘龙区" {
		t.Fatalf("district %+v", tr.District)
	}
	if len(tr.Streets) != 4 {
		t.Fatalf("want 4 streets, got %d", len(tr.Streets))
	}
	if n := len(tr.Villages()); n != 43 {
		t.Fatalf("want 43 villages, got %d", n)
	}
	teamOf := map[string]string{}
	for _, tm := range tr.Teams {
		for _, s := range tm.Streets {
			teamOf[s] = tm.Code
		}
	}
	for _, s := range tr.Streets {
		if teamOf[s.Code] != s.CheckTeam {
			t.Errorf("street %s: team %q in street, %q in teams", s.Code, s.CheckTeam, teamOf[s.Code])
		}
		for _, v := range s.Villages {
			if !strings.HasPrefix(v.Code, s.Code) || len(v.Code) != 12 {
				t.Errorf("village code %s not under street %s", v.Code, s.Code)
			}
		}
	}
}
