package jobs

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts the jobs this process ended, by kind and result: done,
// failed, handed_back (the server stopped and queued it again), requeued
// and abandoned (recovered here after their process stopped: run again, or
// failed), lost (its lease ran out and another process took it over).
type metrics struct {
	finishedVec *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{finishedVec: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jingzhun_jobs_finished_total",
		Help: "Background jobs this process ended, by kind and result (done, failed, handed_back, requeued, abandoned, lost).",
	}, []string{"kind", "result"})}
}

func (m *metrics) finished(kind, result string) { m.finishedVec.WithLabelValues(kind, result).Inc() }

var (
	descRunning = prometheus.NewDesc("jingzhun_jobs_running", "Background jobs running in this process, by kind.", []string{"kind"}, nil)
	descDone    = prometheus.NewDesc("jingzhun_job_progress_done", "Items done by the running jobs of a kind in this process.", []string{"kind"}, nil)
	descTotal   = prometheus.NewDesc("jingzhun_job_progress_total", "Items to do by the running jobs of a kind in this process (0 while not yet known).", []string{"kind"}, nil)
	descRate    = prometheus.NewDesc("jingzhun_job_rows_per_second", "Items (rows, households) per second of the running jobs of a kind in this process, since each started.", []string{"kind"}, nil)
)

// Collector exposes the jobs of this process to Prometheus: gauges of the
// running jobs per kind (count, done, total, rows per second) and the
// counter of ended jobs. Each process reports its own jobs; sum over the
// instances for the whole.
func (r *Runner) Collector() prometheus.Collector { return collector{r} }

type collector struct{ r *Runner }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descRunning
	ch <- descDone
	ch <- descTotal
	ch <- descRate
	c.r.metrics.finishedVec.Describe(ch)
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	type agg struct{ n, done, total, rate float64 }
	by := map[string]*agg{}
	c.r.mu.Lock()
	for name := range c.r.kinds {
		by[name] = &agg{} // every kind reports, 0 when idle: no gaps in the series
	}
	ls := make([]*live, 0, len(c.r.running))
	for _, l := range c.r.running {
		ls = append(ls, l)
	}
	c.r.mu.Unlock()
	now := c.r.now().UTC()
	for _, l := range ls {
		a := by[l.kind]
		if a == nil {
			a = &agg{}
			by[l.kind] = a
		}
		l.mu.Lock()
		done, total := l.done, l.total
		l.mu.Unlock()
		a.n++
		a.done += float64(done)
		a.total += float64(total)
		if secs := now.Sub(l.started).Seconds(); secs > 0 {
			a.rate += float64(done) / secs
		}
	}
	for kind, a := range by {
		ch <- prometheus.MustNewConstMetric(descRunning, prometheus.GaugeValue, a.n, kind)
		ch <- prometheus.MustNewConstMetric(descDone, prometheus.GaugeValue, a.done, kind)
		ch <- prometheus.MustNewConstMetric(descTotal, prometheus.GaugeValue, a.total, kind)
		ch <- prometheus.MustNewConstMetric(descRate, prometheus.GaugeValue, a.rate, kind)
	}
	c.r.metrics.finishedVec.Collect(ch)
}
