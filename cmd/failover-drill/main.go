// Command failover-drill runs tuphap as a province deploys it on PostgreSQL, on one machine,
// and breaks it: two web nodes and one delivering node on a primary with a synchronous
// streaming standby, 64 clients registering births through a round-robin over the web nodes.
// It kills one web node with SIGKILL, crashes the primary, promotes the standby and lets the
// nodes find it through their multi-host address; then it checks that every acknowledged birth
// is there exactly once, that register numbers have no gaps, that every outbox message reached
// its agency once, and that the audit chain still matches the checkpoint taken before the
// crash; last, it restores a base backup of the new primary and checks it the same way.
//
// It prints what it measured. CI runs it (.ci/run); docs/deploy.md explains the deployment it
// rehearses. Run it from the repository's root: go run ./cmd/failover-drill
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type config struct {
	tuphap  string
	clients int
	phase   time.Duration
	keep    bool
	verbose bool
}

func main() {
	var c config
	fs := flag.NewFlagSet("failover-drill", flag.ContinueOnError)
	fs.StringVar(&c.tuphap, "tuphap", "", "the tuphap binary to deploy (default: go build ./cmd/tuphap into the drill's folder)")
	fs.IntVar(&c.clients, "clients", 64, "clients registering births at once")
	fs.DurationVar(&c.phase, "phase", 8*time.Second, "length of each measured phase (asynchronous, synchronous, after the failover)")
	fs.BoolVar(&c.keep, "keep", false, "keep the drill's folder (data directories, logs) even when everything held")
	fs.BoolVar(&c.verbose, "timeline", false, "also print the births acknowledged in each second")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := drill(ctx, c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "failover-drill:", err)
		os.Exit(1)
	}
}

// step prints what the drill does, with the time since it began.
type stepper struct {
	w     io.Writer
	began time.Time
}

func (s stepper) say(format string, args ...any) {
	fmt.Fprintf(s.w, "[%5.1fs] %s\n", time.Since(s.began).Seconds(), fmt.Sprintf(format, args...))
}

func drill(ctx context.Context, c config, out io.Writer) (err error) {
	say := stepper{w: out, began: time.Now()}.say
	bin, err := pgBin()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tuphap-drill-")
	if err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	if err := chownToPostgres(dir); err != nil {
		return err
	}
	var servers []*pgServer
	var nodes []*node
	defer func() {
		for _, n := range nodes {
			n.stop()
		}
		for _, p := range servers {
			p.stop()
		}
		if err != nil || c.keep {
			fmt.Fprintf(out, "the drill's data directories and logs are in %s\n", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	newServer := func(name string) (*pgServer, error) {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p := &pgServer{name: name, bin: bin, dir: filepath.Join(dir, name), sock: dir, port: port, log: filepath.Join(dir, name+".log")}
		servers = append(servers, p)
		return p, nil
	}

	// 1. PostgreSQL: a primary and a streaming standby.
	primary, err := newServer("primary")
	if err != nil {
		return err
	}
	standby, err := newServer("standby")
	if err != nil {
		return err
	}
	say("PostgreSQL from %s: primary on port %d, standby on port %d", bin, primary.port, standby.port)
	if err := primary.initdb(); err != nil {
		return err
	}
	if err := primary.start(); err != nil {
		return err
	}
	pdb, err := primary.open("postgres")
	if err != nil {
		return err
	}
	defer pdb.Close()
	if _, err := pdb.ExecContext(ctx, `CREATE DATABASE tuphap`); err != nil {
		return err
	}
	if err := standby.baseBackup(primary, true); err != nil {
		return err
	}
	// A standby copied once the primary required it carries that setting (pg_basebackup copies
	// postgresql.auto.conf); promoted, it would wait for a standby of its own at every commit
	// until the runbook's step resets it (docs/deploy.md). The drill's copy carries it too.
	if err := standby.appendConf(fmt.Sprintf("synchronous_standby_names = '%s'", standby.name)); err != nil {
		return err
	}
	if err := standby.start(); err != nil {
		return err
	}
	if err := replicating(ctx, pdb, standby.name, "async"); err != nil {
		return err
	}
	say("the standby streams from the primary")

	// 2. The nodes: all three start at once on the empty database (migrations must not race).
	exe, err := tuphapBinary(c.tuphap, dir)
	if err != nil {
		return err
	}
	keyFile := filepath.Join(dir, "master.key")
	if err := writeKey(keyFile); err != nil {
		return err
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := []byte(base64.StdEncoding.EncodeToString(raw)) // it travels in the environment
	pop, err := startAgency("population", dir, secret)
	if err != nil {
		return err
	}
	defer pop.close()
	ins, err := startAgency("insurance", dir, secret)
	if err != nil {
		return err
	}
	defer ins.close()
	// Every node has both servers' addresses and takes the one that accepts writes.
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/tuphap?sslmode=disable&target_session_attrs=read-write&connect_timeout=3",
		primary.port, standby.port)
	delivery, err := newNode("delivery", exe, dir, dsn, keyFile, true, "--population-url", pop.url, "--insurance-url", ins.url)
	if err != nil {
		return err
	}
	delivery.env = []string{"TUPHAP_AGENCY_SECRET=" + string(secret)}
	web1, err := newNode("web1", exe, dir, dsn, keyFile, false)
	if err != nil {
		return err
	}
	web2, err := newNode("web2", exe, dir, dsn, keyFile, false)
	if err != nil {
		return err
	}
	nodes = []*node{delivery, web1, web2}
	for _, n := range nodes {
		if err := n.start(); err != nil {
			return err
		}
	}
	for _, n := range nodes {
		if err := n.ready(ctx, time.Minute); err != nil {
			return fmt.Errorf("%w (log: %s)", err, n.log)
		}
	}
	say("nodes ready: web1 %s, web2 %s, delivery %s", web1.addr, web2.addr, delivery.addr)
	token, err := officer(ctx, exe, dsn)
	if err != nil {
		return err
	}

	// 3. Load, and the faults on a timeline.
	l := newLoad([]*node{web1, web2}, token, c.clients)
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	loadDone := make(chan struct{})
	go func() { l.run(loadCtx, c.clients, communes(), uint64(time.Now().UnixNano())); close(loadDone) }()
	wait := func(until time.Duration) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(until - l.since()):
			return nil
		}
	}
	say("%d clients registering births over web1 and web2; replication asynchronous", c.clients)
	if err := wait(c.phase); err != nil {
		return err
	}
	if _, err := pdb.ExecContext(ctx, fmt.Sprintf(`ALTER SYSTEM SET synchronous_standby_names = '%s'`, standby.name)); err != nil {
		return err
	}
	if _, err := pdb.ExecContext(ctx, `SELECT pg_reload_conf()`); err != nil {
		return err
	}
	if err := replicating(ctx, pdb, standby.name, "sync"); err != nil {
		return err
	}
	syncAt := l.since()
	say("replication synchronous: a commit returns once the standby has it")
	if err := wait(syncAt + c.phase); err != nil {
		return err
	}
	checkpoints := filepath.Join(dir, "audit.checkpoints")
	if err := tuphapCmd(ctx, exe, "audit", "checkpoint", "--db", dsn, "--secret-key-file", keyFile, "--checkpoints", checkpoints); err != nil {
		return err
	}
	killAt := l.since()
	web1.kill()
	say("audit checkpoint written; web1 killed (SIGKILL)")
	if err := wait(killAt + 3*time.Second); err != nil {
		return err
	}
	if err := web1.start(); err != nil {
		return err
	}
	say("web1 restarted")
	if err := wait(killAt + 6*time.Second); err != nil {
		return err
	}
	crashAt := l.since()
	pdb.Close()
	if err := primary.stopNow(); err != nil {
		return err
	}
	say("primary crashed (pg_ctl stop -m immediate)")
	if err := wait(crashAt + 2*time.Second); err != nil { // an operator or a watchdog notices
		return err
	}
	if err := standby.promote(); err != nil {
		return err
	}
	if err := standby.runbookAfterPromotion(ctx); err != nil {
		return err
	}
	promotedAt := l.since()
	say("standby promoted (pg_ctl promote), synchronous_standby_names reset until a new standby streams")
	if err := wait(promotedAt + c.phase); err != nil {
		return err
	}
	stopLoad()
	<-loadDone
	say("load stopped: %d births acknowledged", len(l.acks))

	// 4. What is in the new primary.
	sdb, err := standby.open("tuphap")
	if err != nil {
		return err
	}
	defer sdb.Close()
	drainFrom := time.Now()
	if err := waitFor(ctx, 5*time.Minute, "outbox delivered", func() (bool, error) {
		n, err := pendingMessages(ctx, sdb)
		return err == nil && n == 0, err
	}); err != nil {
		return err
	}
	drained := time.Since(drainFrom)
	say("outbox delivered")
	f, err := inspect(ctx, sdb, l.acks)
	if err != nil {
		return err
	}
	var problems []string
	if err := tuphapCmd(ctx, exe, "audit", "verify", "--db", dsn, "--secret-key-file", keyFile, "--checkpoints", checkpoints); err != nil {
		problems = append(problems, err.Error())
	}
	for _, a := range []*agencySim{pop, ins} {
		problems = append(problems, deliveredOnce(ctx, a, f.Messages[string(a.kind)])...)
	}

	// 5. Backup and restore: a base backup of the new primary, started on its own, holds the same.
	for _, n := range nodes {
		n.stop()
	}
	restored, err := newServer("restored")
	if err != nil {
		return err
	}
	if err := restored.baseBackup(standby, false); err != nil {
		return err
	}
	if err := restored.start(); err != nil {
		return err
	}
	say("base backup of the new primary restored on port %d", restored.port)
	if err := tuphapCmd(ctx, exe, "audit", "verify", "--db", restored.dsn("tuphap"), "--secret-key-file", keyFile, "--checkpoints", checkpoints); err != nil {
		problems = append(problems, "restored: "+err.Error())
	}
	rdb, err := restored.open("tuphap")
	if err != nil {
		return err
	}
	defer rdb.Close()
	if same, err := sameContents(ctx, sdb, rdb); err != nil {
		return err
	} else if !same {
		problems = append(problems, "the restored copy differs from the primary it was taken from")
	}

	// 6. The figures.
	if c.verbose {
		fmt.Fprintf(out, "\nacknowledged per second: %v\n", l.timeline())
	}
	ackedBefore := 0
	for _, a := range l.acks {
		if a.At < crashAt {
			ackedBefore++
		}
	}
	for _, ph := range []struct {
		what     string
		from, to time.Duration
	}{{"asynchronous replication", time.Second, c.phase}, {"synchronous replication", syncAt + time.Second, syncAt + c.phase},
		{"after the failover", promotedAt + c.phase/2, promotedAt + c.phase}} {
		rate, p50, p99 := l.phase(ph.from, ph.to)
		fmt.Fprintf(out, "%-26s %5.0f registrations/s, response p50 %4.0f ms, p99 %4.0f ms\n", ph.what+":", rate, ms(p50), ms(p99))
	}
	fmt.Fprintf(out, "web node killed: longest time without an acknowledgement %.2f s; %d requests moved to the other node at connect\n",
		l.longestGap(killAt, crashAt).Seconds(), l.moved)
	fmt.Fprintf(out, "primary crashed: longest time without an acknowledgement %.2f s (promotion %.1f s after the crash)\n",
		l.longestGap(crashAt, promotedAt+c.phase).Seconds(), (promotedAt - crashAt).Seconds())
	fmt.Fprintf(out, "acknowledged %d (%d before the crash), lost %d, duplicated %d\n", len(l.acks), ackedBefore, f.Lost, f.Duplicated)
	fmt.Fprintf(out, "not acknowledged: %d answered with no result or 5xx (stored or not: %d stored beyond the acknowledged); other answers %v\n",
		l.ambiguous, f.Stored-len(l.acks), l.answers)
	fmt.Fprintf(out, "register books with a gap or a repeated number: %d\n", len(f.Gaps))
	popKeys, popReq := pop.requests()
	insKeys, insReq := ins.requests()
	fmt.Fprintf(out, "outbox: %d delivered to the population database (%d requests), %d to social insurance (%d requests); %d pending, %d dead; the backlog took %.0f s more after the load\n",
		popKeys, popReq, insKeys, insReq, f.Pending, f.Dead, drained.Seconds())
	if f.Lost > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged births lost", f.Lost))
	}
	if f.Duplicated > 0 {
		problems = append(problems, fmt.Sprintf("%d births stored twice", f.Duplicated))
	}
	for _, g := range f.Gaps {
		problems = append(problems, "register numbers: "+g)
	}
	if f.Pending > 0 || f.Dead > 0 || f.NoPID > 0 {
		problems = append(problems, fmt.Sprintf("outbox: %d pending, %d dead, %d births without a personal ID", f.Pending, f.Dead, f.NoPID))
	}
	if len(l.acks) == 0 || ackedBefore == len(l.acks) {
		problems = append(problems, "no birth was acknowledged after the failover")
	}
	if len(problems) > 0 {
		return fmt.Errorf("the deployment did not hold:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Fprintln(out, "failover drill: everything held")
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// replicating waits until the primary streams to the standby in the given mode (async or sync).
func replicating(ctx context.Context, db *sql.DB, standby, mode string) error {
	return waitFor(ctx, time.Minute, "standby "+mode, func() (bool, error) {
		var state, sync string
		err := db.QueryRowContext(ctx, `SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1`, standby).Scan(&state, &sync)
		return err == nil && state == "streaming" && sync == mode, err
	})
}

// deliveredOnce compares what the outbox delivered with what the agency acted on.
func deliveredOnce(ctx context.Context, a *agencySim, delivered []string) []string {
	answered, err := a.answered(ctx)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", a.kind, err)}
	}
	var problems []string
	missing := 0
	for _, k := range delivered {
		if !answered[k] {
			missing++
		}
	}
	if missing > 0 {
		problems = append(problems, fmt.Sprintf("%s: %d messages marked delivered that the agency never answered", a.kind, missing))
	}
	if len(answered) != len(delivered) {
		problems = append(problems, fmt.Sprintf("%s: acted on %d requests, the outbox delivered %d messages", a.kind, len(answered), len(delivered)))
	}
	if p := a.sim.Processed.Load(); p != int64(len(answered)) {
		problems = append(problems, fmt.Sprintf("%s: acted %d times for %d requests", a.kind, p, len(answered)))
	}
	return problems
}

// sameContents compares what the drill wrote on two servers.
func sameContents(ctx context.Context, a, b *sql.DB) (bool, error) {
	for _, q := range []string{`SELECT count(*) FROM records`, `SELECT count(*) FROM outbox WHERE status = 'delivered'`,
		`SELECT count(*) FROM audit_log`, `SELECT COALESCE(sum(reg_number), 0) FROM records`} {
		var x, y int64
		if err := a.QueryRowContext(ctx, q).Scan(&x); err != nil {
			return false, err
		}
		if err := b.QueryRowContext(ctx, q).Scan(&y); err != nil {
			return false, err
		}
		if x != y {
			return false, nil
		}
	}
	return true, nil
}

// tuphapBinary is the binary to deploy: the one given, or one built from this checkout.
func tuphapBinary(given, dir string) (string, error) {
	if given != "" {
		return filepath.Abs(given)
	}
	exe := filepath.Join(dir, "tuphap")
	if out, err := exec.Command("go", "build", "-o", exe, "./cmd/tuphap").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tuphap (run the drill from the repository's root): %w\n%s", err, out)
	}
	return exe, nil
}

// writeKey makes the master key every node shares (made once, then copied to each node).
func writeKey(path string) error {
	k := make([]byte, 32)
	rand.Read(k)
	return os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600)
}

// officer makes the drill's user, a department specialist who may register in any commune,
// and returns an API token of theirs.
func officer(ctx context.Context, exe, dsn string) (string, error) {
	pw := make([]byte, 12)
	rand.Read(pw)
	if err := tuphapCmd(ctx, exe, "user", "add", "--db", dsn, "--username", "drill", "--role", "specialist",
		"--office", "department", "--name", "Cán bộ diễn tập", "--password", base64.RawURLEncoding.EncodeToString(pw)); err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, exe, "token", "create", "--db", dsn, "--username", "drill", "--name", "drill").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("tuphap token create: %w\n%s", err, ee.Stderr)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func tuphapCmd(ctx context.Context, exe string, args ...string) error {
	out, err := exec.CommandContext(ctx, exe, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("tuphap %s: %w\n%s", strings.Join(args[:2], " "), err, out)
	}
	return nil
}
