package synth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/regions"
)

func TestHouseholdsAreValidExceptFaulty(t *testing.T) {
	g := New(11)
	tree, _ := regions.Load()
	villages := map[string]string{}
	for _, v := range tree.Villages() {
		villages[v.Village.Code] = v.Street.Code
	}
	stories := map[Story]int{}
	for i := range 5000 {
		h, s := g.HouseholdStory(i)
		stories[s]++
		errs := interchange.Validate(&h, g.Campaign)
		if s == Faulty {
			if len(errs) == 0 {
				t.Errorf("%d: a faulty household passed validation", i)
			}
			continue
		}
		if len(errs) > 0 {
			t.Fatalf("%d (%v): %v", i, s, errs)
		}
		if street, ok := villages[h.Region.Village]; !ok || street != h.Region.Street || !strings.HasPrefix(h.Code, h.Region.Village+"-") {
			t.Fatalf("%d: region %+v code %s", i, h.Region, h.Code)
		}
		for _, m := range h.Members {
			if err := idcard.Validate(m.IDNumber, g.Campaign.ReferenceDate.Time()); err != nil {
				t.Fatalf("%d: %s: %v", i, m.IDNumber, err)
			}
		}
	}
	for _, s := range Stories() {
		if stories[s] == 0 {
			t.Errorf("story %d never drawn in 5000", s)
		}
	}
}

// TestDeterministic: household i depends only on the seed and i.
func TestDeterministic(t *testing.T) {
	a, b := New(5), New(5)
	for _, i := range []int{7, 0, 999, 3} {
		x, y := a.Household(i), b.Household(i)
		if !bytes.Equal(interchange.AppendHousehold(nil, &x), interchange.AppendHousehold(nil, &y)) {
			t.Fatalf("household %d differs", i)
		}
	}
	x, y := New(5).Household(1), New(6).Household(1)
	if bytes.Equal(interchange.AppendHousehold(nil, &x), interchange.AppendHousehold(nil, &y)) {
		t.Fatal("another seed, the same household")
	}
	var e1, e2 bytes.Buffer
	New(5).Envelope(&e1, 100)
	New(5).Envelope(&e2, 100)
	if !bytes.Equal(e1.Bytes(), e2.Bytes()) {
		t.Fatal("envelopes differ")
	}
}

// TestIncomesFollowTheCampaign: incomes are drawn around the campaign's
// line, so another line moves them.
func TestIncomesFollowTheCampaign(t *testing.T) {
	c := New(1).Campaign
	c.PovertyLine = c.PovertyLine.Mul(c.PovertyLine) // absurdly high
	g := NewFor(1, c)
	for i := range 50 {
		h, s := g.HouseholdStory(i)
		if s == Faulty || h.Income.Operating == nil || h.Income.Property == nil || h.Income.Transfer == nil {
			continue
		}
		net := h.Income.Wage.Add(*h.Income.Operating).Add(*h.Income.Property).Add(*h.Income.Transfer).Sub(*h.Income.OperatingCost)
		if net.LessThan(c.PovertyLine.Mul(decimal.NewFromFloat(0.3))) {
			t.Fatalf("%d: net %s under a line of %s", i, net, c.PovertyLine)
		}
	}
}
