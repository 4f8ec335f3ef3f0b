package main

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"path/filepath"
	"sync"

	"tuphap/internal/agency"
)

// agencySim is one national agency's simulator, served on its own port in this process, with a
// count of the requests it received for each idempotency key.
type agencySim struct {
	kind agency.Kind
	sim  *agency.Simulator
	path string
	srv  *http.Server
	url  string

	mu   sync.Mutex
	sent map[string]int // idempotency key → requests received
}

func startAgency(kind agency.Kind, dir string, secret []byte) (*agencySim, error) {
	path := filepath.Join(dir, string(kind)+"-sim.db")
	sim, err := agency.NewSimulator(kind, path, secret)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sim.Close()
		return nil, err
	}
	a := &agencySim{kind: kind, sim: sim, path: path, url: "http://" + ln.Addr().String(), sent: map[string]int{}}
	a.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get(agency.HeaderKey); k != "" {
			a.mu.Lock()
			a.sent[k]++
			a.mu.Unlock()
		}
		sim.ServeHTTP(w, r)
	})}
	go a.srv.Serve(ln)
	return a, nil
}

func (a *agencySim) close() {
	a.srv.Close()
	a.sim.Close()
}

// answered are the idempotency keys the agency acted on: one stored answer each, which every
// later request with the key gets again without acting twice.
func (a *agencySim) answered(ctx context.Context) (map[string]bool, error) {
	db, err := sql.Open("sqlite", "file:"+a.path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT idem_key FROM answers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

func (a *agencySim) requests() (keys, total int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range a.sent {
		total += n
	}
	return len(a.sent), total
}
