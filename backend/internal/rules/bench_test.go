package rules_test

import (
	"testing"

	"jingzhun/internal/interchange"
	"jingzhun/internal/rules"
	"jingzhun/internal/synth"
)

// BenchmarkRules is the rules alone on decoded, valid households: what the
// engine costs beyond reading and writing JSON.
func BenchmarkRules(b *testing.B) {
	g := synth.New(42)
	var hs []interchange.Household
	for i := 0; len(hs) < 10000; i++ {
		h := g.Household(i)
		if len(interchange.Validate(&h, g.Campaign)) == 0 {
			hs = append(hs, h)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for i := range hs {
			rules.Evaluate(&hs[i], g.Campaign)
		}
		n += len(hs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "households/s/core")
}
