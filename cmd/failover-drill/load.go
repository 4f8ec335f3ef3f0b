package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/synth"
	"tuphap/internal/units"
)

// ack is a birth the system acknowledged (201): it must be there exactly once at the end.
type ack struct {
	ID   string
	At   time.Duration // since the load began
	Took time.Duration
	Reg  civil.Register
}

// load is the officers: clients registering births through a round-robin over the web nodes,
// as a load balancer with health checks would spread them.
type load struct {
	nodes  []*node
	token  string
	client *http.Client
	began  time.Time
	ended  time.Duration
	next   atomic.Uint64

	mu        sync.Mutex
	acks      []ack
	answers   map[string]int // status or error class → count, for requests not acknowledged
	ambiguous int            // sent, then no answer or a 5xx: may or may not have been stored
	moved     int            // refused at connect by a dead node and sent to the next one
}

func newLoad(nodes []*node, token string, clients int) *load {
	return &load{nodes: nodes, token: token, answers: map[string]int{}, began: time.Now(), // the clock starts before any client
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients,
			DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext}}}
}

// run starts the clients; they stop when ctx ends, and run returns when all have.
func (l *load) run(ctx context.Context, clients int, communes []string, seed uint64) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := synth.New(seed+uint64(c), communes)
			for ctx.Err() == nil {
				e := g.Birth(today.AddDate(0, 0, -50), today.AddDate(0, 0, -1), today)
				e.Birth.Child.PersonalID = "" // the population database gives it, through the outbox
				// Registered today, as the server counts it (Vietnam's date, ahead of UTC's until 07:00).
				body, _ := json.Marshal(registration.BirthRequest{Desk: registration.Desk{Office: e.Office}, Birth: *e.Birth})
				if !l.register(ctx, body) {
					select { // the service is down: wait a little, as an officer's retry would
					case <-ctx.Done():
					case <-time.After(200 * time.Millisecond):
					}
				}
			}
		}()
	}
	wg.Wait()
	l.ended = l.since()
}

// register sends one birth, to the next node that accepts the connection. A node that refuses
// the connection never saw the request, so the next one may take it; once sent, a request is
// never sent again, since it may have been stored. It reports whether the system answered.
func (l *load) register(ctx context.Context, body []byte) bool {
	for range l.nodes {
		n := l.nodes[l.next.Add(1)%uint64(len(l.nodes))]
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, n.url("/api/v1/births"), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+l.token)
		req.Header.Set("Content-Type", "application/json")
		sent := time.Now()
		resp, err := l.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return true
			}
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				l.count("", "moved")
				continue
			}
			l.count("no answer", "ambiguous")
			return false
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusCreated:
			var rec struct {
				ID       string         `json:"id"`
				Register civil.Register `json:"register"`
			}
			if err := json.Unmarshal(out, &rec); err != nil || rec.ID == "" {
				l.count(fmt.Sprintf("201 without an id: %.80s", out), "")
				return true
			}
			l.mu.Lock()
			l.acks = append(l.acks, ack{ID: rec.ID, At: time.Since(l.began), Took: time.Since(sent), Reg: rec.Register})
			l.mu.Unlock()
			return true
		case resp.StatusCode >= 500:
			l.count(fmt.Sprint(resp.StatusCode), "ambiguous")
			return false
		default: // 409: the rules saw a likely duplicate among the synthetic names
			l.count(fmt.Sprint(resp.StatusCode), "")
			return true
		}
	}
	return false
}

func (l *load) count(answer, class string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch class {
	case "moved":
		l.moved++
		return
	case "ambiguous":
		l.ambiguous++
	}
	l.answers[answer]++
}

// since is the load's clock.
func (l *load) since() time.Duration { return time.Since(l.began) }

// phase is what the clients saw between two instants of the load: acknowledged
// registrations per second and the median and 99th percentile of their response times.
func (l *load) phase(from, to time.Duration) (perSec float64, p50, p99 time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var took []time.Duration
	for _, a := range l.acks {
		if a.At >= from && a.At < to {
			took = append(took, a.Took)
		}
	}
	if len(took) == 0 {
		return 0, 0, 0
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	return float64(len(took)) / (to - from).Seconds(), took[len(took)/2], took[len(took)*99/100]
}

// longestGap is the longest time without an acknowledgement between two instants of the load:
// the unavailability that a fault between them caused.
func (l *load) longestGap(from, to time.Duration) time.Duration {
	l.mu.Lock()
	ats := []time.Duration{from}
	for _, a := range l.acks {
		if a.At > from && a.At < to {
			ats = append(ats, a.At)
		}
	}
	l.mu.Unlock()
	sort.Slice(ats, func(i, j int) bool { return ats[i] < ats[j] })
	ats = append(ats, to)
	var gap time.Duration
	for i := 1; i < len(ats); i++ {
		gap = max(gap, ats[i]-ats[i-1])
	}
	return gap
}

// communes are the offices births are registered in: every commune of the province.
func communes() []string {
	reg, err := units.Load()
	if err != nil {
		panic(err) // embedded data: a broken build
	}
	var out []string
	for _, u := range reg.CurrentCommunes(time.Now()) {
		out = append(out, u.Code)
	}
	return out
}

// timeline is the acknowledgements in each second of the load.
func (l *load) timeline() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]int, int(l.ended.Seconds())+1)
	for _, a := range l.acks {
		if s := int(a.At.Seconds()); s < len(out) {
			out[s]++
		}
	}
	return out
}
