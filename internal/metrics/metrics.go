// Package metrics keeps counters and histograms and writes them in the Prometheus text
// exposition format. It is a few dozen lines instead of a client library with its dependencies.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
)

// Registry holds the metrics of one process.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
}

type metric interface {
	write(w io.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

func (r *Registry) add(m metric) {
	r.mu.Lock()
	r.metrics = append(r.metrics, m)
	r.mu.Unlock()
}

// Write writes every metric in the text format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	ms := append([]metric(nil), r.metrics...)
	r.mu.Unlock()
	for _, m := range ms {
		m.write(w)
	}
}

// Counter is a monotonically increasing count split by label values.
type Counter struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	values     map[string]float64
}

// NewCounter registers a counter with the given label names.
func (r *Registry) NewCounter(name, help string, labels ...string) *Counter {
	c := &Counter{name: name, help: help, labels: labels, values: map[string]float64{}}
	r.add(c)
	return c
}

// Add adds v for the label values (in the order of the label names).
func (c *Counter) Add(v float64, values ...string) {
	key := strings.Join(values, "\x00")
	c.mu.Lock()
	c.values[key] += v
	c.mu.Unlock()
}

// Inc adds one.
func (c *Counter) Inc(values ...string) { c.Add(1, values...) }

func (c *Counter) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range sortedKeys(c.values) {
		fmt.Fprintf(w, "%s%s %s\n", c.name, labelString(c.labels, k, ""), num(c.values[k]))
	}
}

// GaugeFunc reports a value read at scrape time.
type GaugeFunc struct {
	name, help string
	fn         func() float64
}

// NewGaugeFunc registers a gauge whose value fn returns.
func (r *Registry) NewGaugeFunc(name, help string, fn func() float64) {
	r.add(&GaugeFunc{name: name, help: help, fn: fn})
}

func (g *GaugeFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.name, g.help, g.name, g.name, num(g.fn()))
}

// GaugeVecFunc reports values read together at scrape time, one per label value.
type GaugeVecFunc struct {
	name, help, label string
	fn                func() map[string]float64
}

// NewGaugeVecFunc registers a gauge whose values by label fn returns in one call.
func (r *Registry) NewGaugeVecFunc(name, help, label string, fn func() map[string]float64) {
	r.add(&GaugeVecFunc{name: name, help: help, label: label, fn: fn})
}

func (g *GaugeVecFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", g.name, g.help, g.name)
	vals := g.fn()
	for _, k := range sortedKeys(vals) {
		fmt.Fprintf(w, "%s{%s=%q} %s\n", g.name, g.label, k, num(vals[k]))
	}
}

// CounterFunc reports a monotonically increasing value read at scrape time.
type CounterFunc struct{ GaugeFunc }

// NewCounterFunc registers a counter whose value fn returns.
func (r *Registry) NewCounterFunc(name, help string, fn func() float64) {
	r.add(&CounterFunc{GaugeFunc{name: name, help: help, fn: fn}})
}

func (c *CounterFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %s\n", c.name, c.help, c.name, c.name, num(c.fn()))
}

// Histogram counts observations into cumulative buckets, split by label values.
type Histogram struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.Mutex
	series     map[string]*series
}

type series struct {
	counts []uint64
	sum    float64
	count  uint64
}

// DefaultBuckets suit request latencies in seconds.
var DefaultBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewHistogram registers a histogram.
func (r *Registry) NewHistogram(name, help string, buckets []float64, labels ...string) *Histogram {
	h := &Histogram{name: name, help: help, labels: labels, buckets: buckets, series: map[string]*series{}}
	r.add(h)
	return h
}

// Observe records v for the label values.
func (h *Histogram) Observe(v float64, values ...string) {
	key := strings.Join(values, "\x00")
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[key]
	if s == nil {
		s = &series{counts: make([]uint64, len(h.buckets))}
		h.series[key] = s
	}
	for i, b := range h.buckets {
		if v <= b {
			s.counts[i]++
		}
	}
	s.sum += v
	s.count++
}

func (h *Histogram) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range sortedKeys(h.series) {
		s := h.series[k]
		for i, b := range h.buckets {
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, labelString(h.labels, k, num(b)), s.counts[i])
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, labelString(h.labels, k, "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.name, labelString(h.labels, k, ""), num(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.name, labelString(h.labels, k, ""), s.count)
	}
}

func labelString(names []string, key, le string) string {
	var parts []string
	if len(names) > 0 {
		for i, v := range strings.Split(key, "\x00") {
			if i < len(names) {
				parts = append(parts, fmt.Sprintf("%s=%q", names[i], v))
			}
		}
	}
	if le != "" {
		parts = append(parts, fmt.Sprintf("le=%q", le))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func num(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
