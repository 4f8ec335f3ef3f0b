package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/app"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/store"
	"tuphap/internal/units"
	"tuphap/internal/web"
)

// benchServer is the server under test: a child `tuphap serve`, or one inside this process.
type benchServer struct {
	base  string
	token string
	// officerToken is an officer's of the largest commune (f.communes[0]).
	officerToken string
	clients      int // how many search at once
	client       *http.Client
	child        *exec.Cmd
	stopFn       func()
}

func startBenchServer(ctx context.Context, st *store.Store, reg *units.Registry, f benchFlags, stderr io.Writer) (*benchServer, error) {
	accounts := account.New(st)
	user := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	pw := strconv.FormatInt(time.Now().UnixNano(), 36) + "xxxxxxxxxx"
	if _, err := accounts.AddUser(ctx, account.NewUser{Username: user, Role: string(auth.Specialist), Office: auth.DepartmentOffice, Password: pw}, audit.System); err != nil {
		return nil, err
	}
	token, err := accounts.CreateToken(ctx, user, "bench", audit.System)
	if err != nil {
		return nil, err
	}
	officer := user + "x"
	if _, err := accounts.AddUser(ctx, account.NewUser{Username: officer, Role: string(auth.Officer), Office: f.communes[0], Password: pw}, audit.System); err != nil {
		return nil, err
	}
	officerToken, err := accounts.CreateToken(ctx, officer, "bench", audit.System)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &benchServer{base: "http://" + ln.Addr().String(), token: token, officerToken: officerToken, clients: f.clients,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: f.clients * 2}, Timeout: 30 * time.Second}}
	if f.inProcess {
		master := make([]byte, 32)
		rand.Read(master)
		svc, err := app.New(ctx, st, reg, app.Options{MasterKey: master})
		if err != nil {
			ln.Close()
			return nil, err
		}
		srv, err := web.New(web.Config{MaxBody: 1 << 20}, svc, nil)
		if err != nil {
			ln.Close()
			return nil, err
		}
		hs := &http.Server{Handler: srv}
		go hs.Serve(ln)
		b.stopFn = func() { hs.Close() }
		return b, nil
	}
	ln.Close() // the child listens on the address just found free
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b.child = exec.Command(exe, "serve", "--db", f.db, "--addr", strings.TrimPrefix(b.base, "http://"), "--log-level", "error", "--outbox=false")
	b.child.Stdout, b.child.Stderr = io.Discard, stderr
	if err := b.child.Start(); err != nil {
		return nil, err
	}
	b.stopFn = func() {
		b.child.Process.Signal(syscall.SIGTERM)
		b.child.Wait()
	}
	for deadline := time.Now().Add(time.Minute); ; {
		if code, err := b.call("GET", "/readyz", nil); err == nil && code == http.StatusOK {
			return b, nil
		}
		if time.Now().After(deadline) {
			b.stop()
			return nil, fmt.Errorf("bench: the server did not become ready at %s", b.base)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *benchServer) stop() {
	if b.stopFn != nil {
		b.stopFn()
		b.stopFn = nil
	}
}

func (b *benchServer) call(method, path string, body []byte) (int, error) {
	code, _, err := b.fetch(method, path, body)
	return code, err
}

// fetch is call that also returns the answer's body.
func (b *benchServer) fetch(method, path string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest(method, b.base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// rss is the server's peak resident set: the child's own, or this whole process's.
func (b *benchServer) rss() float64 {
	if b.child != nil {
		return peakRSS(strconv.Itoa(b.child.Process.Pid))
	}
	return peakRSS("self")
}

// committerCounts are the group committer's counters (SQLite's single writer) at one moment.
type committerCounts struct{ commits, txs, busy, committing, syncs float64 }

func (b *benchServer) committer() committerCounts {
	m := b.counters()
	return committerCounts{m["tuphap_store_group_commits_total"], m["tuphap_store_grouped_transactions_total"],
		m["tuphap_store_group_busy_seconds_total"], m["tuphap_store_group_commit_seconds_total"],
		m["tuphap_store_log_syncs_total"]}
}

// since prints what the committer did from c0 to c over a phase of length d.
func (c committerCounts) since(c0 committerCounts, d time.Duration, w io.Writer) {
	commits := c.commits - c0.commits
	if commits <= 0 {
		return
	}
	fmt.Fprintf(w, "  %.0f commits, %.1f transactions each, %.0f log syncs; the committer was busy %.0f%% of the time, %.0f%% committing\n",
		commits, (c.txs-c0.txs)/commits, c.syncs-c0.syncs, 100*(c.busy-c0.busy)/d.Seconds(), 100*(c.committing-c0.committing)/d.Seconds())
}

// counters reads the server's /metrics once: every unlabelled metric by name.
func (b *benchServer) counters() map[string]float64 {
	out := map[string]float64{}
	resp, err := b.client.Get(b.base + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if name, v, ok := strings.Cut(sc.Text(), " "); ok && !strings.HasPrefix(name, "#") && !strings.Contains(name, "{") {
			out[name], _ = strconv.ParseFloat(v, 64)
		}
	}
	return out
}
