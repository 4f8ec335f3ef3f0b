package metrics

import (
	"strings"
	"testing"
)

func TestTextFormat(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounter("tuphap_http_requests_total", "Requests.", "method", "route", "code")
	c.Inc("GET", "GET /healthz", "200")
	c.Inc("GET", "GET /healthz", "200")
	c.Inc("POST", "POST /login", "303")
	h := r.NewHistogram("tuphap_http_request_duration_seconds", "Latency.", []float64{0.01, 0.1}, "route")
	h.Observe(0.005, "GET /healthz")
	h.Observe(0.05, "GET /healthz")
	h.Observe(3, "GET /healthz")
	r.NewGaugeFunc("tuphap_up", "Up.", func() float64 { return 1 })
	calls := 0
	r.NewGaugeVecFunc("tuphap_outbox_messages", "Messages.", "status", func() map[string]float64 {
		calls++
		return map[string]float64{"pending": 3, "dead": 1}
	})
	var b strings.Builder
	r.Write(&b)
	out := b.String()
	for _, want := range []string{
		"# TYPE tuphap_http_requests_total counter",
		`tuphap_http_requests_total{method="GET",route="GET /healthz",code="200"} 2`,
		`tuphap_http_requests_total{method="POST",route="POST /login",code="303"} 1`,
		`tuphap_http_request_duration_seconds_bucket{route="GET /healthz",le="0.01"} 1`,
		`tuphap_http_request_duration_seconds_bucket{route="GET /healthz",le="0.1"} 2`,
		`tuphap_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 3`,
		`tuphap_http_request_duration_seconds_count{route="GET /healthz"} 3`,
		"tuphap_up 1",
		`tuphap_outbox_messages{status="dead"} 1`,
		`tuphap_outbox_messages{status="pending"} 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if calls != 1 {
		t.Errorf("the labelled gauge read its values %d times in one scrape", calls)
	}
}
