package evaluation

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"

	"jingzhun/internal/synth"
)

// BenchmarkEvaluate runs the engine (decode, validate, rules, encode the
// answer) over synthetic households and reports households per second per
// core. The engine is single-threaded: one core does the work.
func BenchmarkEvaluate(b *testing.B) {
	const n = 10000
	var env bytes.Buffer
	if err := synth.New(42).Envelope(&env, n); err != nil {
		b.Fatal(err)
	}
	doc := env.Bytes()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Run(context.Background(), bytes.NewReader(doc), io.Discard, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	perSec := float64(n) * float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "households/s")
	b.ReportMetric(perSec/1, "households/s/core")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}
