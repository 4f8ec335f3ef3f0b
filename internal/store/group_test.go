package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"tuphap/internal/audit"
)

// testStore opens a SQLite store in a directory of its own, closed when the test ends, runs
// stmts on it, and returns it with the path of its file.
func testStore(t *testing.T, stmts ...string) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "g.db")
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, q := range stmts {
		if err := s.ExecForTest(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	return s, path
}

// Group commit must keep each caller's transaction its own: a member that fails (or panics)
// leaves nothing behind and takes nobody down with it, and every member that was told "done"
// is in the database.
func TestGroupCommitIsolatesMembers(t *testing.T) {
	ctx := context.Background()
	s, _ := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
	n0, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.tx(ctx, func(tx *sql.Tx) error {
				// Two writes and an audit entry each, so that a failure after the first must be
				// undone, the audit chain's head included.
				if _, err := s.exec(ctx, tx, `INSERT INTO g (k, v) VALUES ($1, 'a')`, i*2); err != nil {
					return err
				}
				if err := s.appendAudit(ctx, tx, audit.System.Entry("test.member", fmt.Sprint(i), "")); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errors.New("refused")
				case 7:
					panic("broken")
				case 9: // a constraint failure inside the database
					_, err := s.exec(ctx, tx, `INSERT INTO g (k, v) VALUES ($1, NULL)`, i*2+1)
					return err
				}
				_, err := s.exec(ctx, tx, `INSERT INTO g (k, v) VALUES ($1, 'b')`, i*2+1)
				return err
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		var want bool
		switch i % 10 {
		case 3, 7, 9:
			want = false
		default:
			want = true
		}
		var rows int
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM g WHERE k IN ($1, $2)`, i*2, i*2+1).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		switch {
		case want && (err != nil || rows != 2):
			t.Errorf("member %d: err %v, %d rows; want both rows", i, err, rows)
		case !want && (err == nil || rows != 0):
			t.Errorf("member %d: err %v, %d rows; want an error and nothing stored", i, err, rows)
		}
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != n0+280 {
		t.Errorf("audit chain after failed members: %d entries, %v; want %d", n, err, n0+280)
	}
	if c, m := s.GroupCommits.Load(), s.GroupedTxs.Load(); c >= m {
		t.Errorf("%d commits for %d transactions: nothing was grouped", c, m)
	} else {
		t.Logf("%d transactions in %d commits", m, c)
	}
}

// Two processes (here two stores) appending to the audit log of one file keep one chain: each
// group reads the head under the write lock.
func TestGroupCommitTwoWritersOneChain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	a, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			if err := s.Audit(ctx, audit.System.Entry("test.two", fmt.Sprint(i), "")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, err := a.VerifyAudit(ctx); err != nil || n < 200 { // and the migrations' own
		t.Fatalf("%d entries checked: %v", n, err)
	}
}

// What a group commit acknowledged is committed when it says so: another connection sees it at
// once, and a copy of the files taken at any moment (what a crash would leave; checkpoints are
// off so that the copy is consistent) holds every transaction acknowledged before it began.
func TestGroupCommitAcknowledgedIsOnDisk(t *testing.T) {
	ctx := context.Background()
	s, path := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY)`, `PRAGMA wal_autocheckpoint = 0`)
	dir := filepath.Dir(path)
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var mu sync.Mutex
	var acked []int64
	var unseen atomic.Int64
	var next atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := next.Add(1)
				if err := s.tx(ctx, func(tx *sql.Tx) error {
					_, err := s.exec(ctx, tx, `INSERT INTO g (k) VALUES ($1)`, k)
					return err
				}); err == nil {
					var one int
					if other.QueryRowContext(ctx, `SELECT 1 FROM g WHERE k = $1`, k).Scan(&one) != nil {
						unseen.Add(1)
					}
					mu.Lock()
					acked = append(acked, k)
					mu.Unlock()
				}
			}
		}()
	}
	// Let the writers run until a few hundred writes are acknowledged.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged", n)
		}
	}
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	for _, suffix := range []string{"", "-wal"} { // the crash
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "crash.db"+suffix), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if n := unseen.Load(); n > 0 {
		t.Fatalf("%d transactions were acknowledged before another connection could see them", n)
	}
	c, err := Open(ctx, filepath.Join(dir, "crash.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	missing := 0
	for _, k := range before {
		var one int
		if err := c.r.QueryRowContext(ctx, `SELECT 1 FROM g WHERE k = $1`, k).Scan(&one); err != nil {
			missing++
		}
	}
	if missing > 0 || len(before) == 0 {
		t.Fatalf("%d of %d acknowledged transactions are not in the crash copy", missing, len(before))
	}
	t.Logf("%d acknowledged transactions all in the copy", len(before))
}

// A caller whose context has ended before its turn is told so and its function never runs.
func TestGroupCommitCancelled(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err = s.tx(ctx, func(*sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("err %v, ran %v; want context.Canceled and not run", err, ran)
	}
	s.Close()
	if err := s.tx(context.Background(), func(*sql.Tx) error { return fmt.Errorf("must not run") }); !errors.Is(err, errClosed) {
		t.Errorf("after Close: %v, want errClosed", err)
	}
}

// Only a deadlock or a serialisation failure sends a PostgreSQL member to be run again alone;
// SQLite, with one writer, never does.
func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		d    dialect
		err  error
		want bool
	}{
		{postgres{}, &pgconn.PgError{Code: "40P01"}, true},
		{postgres{}, fmt.Errorf("store: insert record: %w", &pgconn.PgError{Code: "40001"}), true},
		{postgres{}, &pgconn.PgError{Code: "23505"}, false}, // a unique violation is the caller's
		{postgres{}, errors.New("connection reset"), false},
		{postgres{}, nil, false},
		{sqlite{}, &pgconn.PgError{Code: "40P01"}, false},
	} {
		if got := tt.d.retryable(tt.err); got != tt.want {
			t.Errorf("%s retryable(%v) = %v, want %v", tt.d.name(), tt.err, got, tt.want)
		}
	}
}

// On SQLite a group is answered only after the syncer has synced the log, and one sync may
// answer several groups. Once a sync fails, the store cannot vouch for any later write either
// (the kernel may have dropped the pages it failed to write), so it refuses them all.
func TestGroupCommitWaitsForTheLogSync(t *testing.T) {
	ctx := context.Background()
	s, _ := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY)`)
	insert := func(k int) error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			_, err := s.exec(ctx, tx, `INSERT INTO g (k) VALUES ($1)`, k)
			return err
		})
	}
	syncs0, groups0 := s.LogSyncs.Load(), s.GroupCommits.Load()
	var wg sync.WaitGroup
	for k := range 200 {
		wg.Go(func() {
			if err := insert(k); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	syncs, groups := s.LogSyncs.Load()-syncs0, s.GroupCommits.Load()-groups0
	if syncs == 0 || syncs > groups {
		t.Fatalf("%d syncs for %d groups: every acknowledged group needs one, and one may serve several", syncs, groups)
	}

	s.walMu.Lock()
	s.wal.Close()
	good := s.walPath
	s.wal, s.walPath = nil, filepath.Join(t.TempDir(), "gone", "g.db-wal")
	s.walMu.Unlock()
	if err := insert(1000); !errors.Is(err, errBroken) {
		t.Fatalf("write when the log cannot be synced: %v, want errBroken", err)
	}
	s.walMu.Lock()
	s.walPath = good
	s.walMu.Unlock()
	if err := insert(1001); !errors.Is(err, errBroken) {
		t.Fatalf("write after a failed sync: %v, want errBroken still", err)
	}
}

// Writes that arrive while the log is being synced would wait for the next sync anyway: past
// the one group committed beside each sync, the committer gathers them into one commit when the
// sync ends (gatherWhileSyncing), instead of committing each as it comes and making every
// reader drop its page cache each time.
func TestGroupCommitGathersWhileTheLogSyncs(t *testing.T) {
	ctx := context.Background()
	s, _ := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY)`)
	insert := func(k int) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := s.exec(ctx, tx, `INSERT INTO g (k) VALUES ($1)`, k)
			return err
		}
	}
	s.walMu.Lock() // the next sync waits here: a slow disk
	unlocked := false
	defer func() {
		if !unlocked {
			s.walMu.Unlock()
		}
	}()
	groups0 := s.GroupCommits.Load()
	first := make(chan error, 1)
	go func() { first <- s.tx(ctx, insert(0)) }()
	for deadline := time.Now().Add(5 * time.Second); !s.syncing.Load() || s.GroupCommits.Load() == groups0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first write's sync never began")
		}
	}
	// Handed to the committer one at a time (the channel is unbuffered: each send returns once
	// the committer holds the member); without gathering, each would be a commit of its own.
	const n = 20
	members := make([]*groupTx, n)
	for k := range members {
		members[k] = &groupTx{ctx: ctx, fn: insert(k + 1), done: make(chan error, 1)}
		s.group <- members[k]
	}
	if got := s.GroupCommits.Load() - groups0; got > 2 {
		t.Errorf("%d commits while one sync ran, want the first write's and at most one beside the sync", got)
	}
	s.walMu.Unlock()
	unlocked = true
	for _, m := range members {
		if err := <-m.done; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// The first write's, one beside the sync, then the rest as one.
	if got := s.GroupCommits.Load() - groups0; got > 3 {
		t.Errorf("%d writes that came during one sync took %d commits, want at most 3", n+1, got)
	}
	var count int
	if err := s.r.QueryRow(`SELECT count(*) FROM g`).Scan(&count); err != nil || count != n+1 {
		t.Fatalf("%d rows (%v), want %d", count, err, n+1)
	}
}

// While commits keep coming, a passive checkpoint never catches up with the log and the log
// never starts again. Past its threshold the checkpointer pauses the committer and restarts it:
// the log then holds only what was written since.
func TestCheckpointRestartsAGrowingLog(t *testing.T) {
	ctx := context.Background()
	s, path := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
	s.stopCheckpointer() // this test checkpoints by itself
	db, err := sql.Open("sqlite", sqliteBase(path, 20*time.Millisecond)+syncFull)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var next atomic.Int64
	insert := func() error {
		k := next.Add(1)
		return s.tx(ctx, func(tx *sql.Tx) error {
			_, err := s.exec(ctx, tx, `INSERT INTO g (k, v) VALUES ($1, $2)`, k, strings.Repeat("x", 2000))
			return err
		})
	}
	const restartAt = 1 << 20
	for {
		if err := insert(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(s.walPath); err == nil && fi.Size() > restartAt {
			break
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := insert(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	frames := func() int {
		var busy, log, done int
		if err := db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		return log
	}
	before := frames()
	if err := s.checkpoint(db, restartAt); err != nil {
		t.Fatal(err)
	}
	if err := insert(); err != nil { // the first commit after the checkpoint restarts the log
		t.Fatal(err)
	}
	after := frames()
	close(stop)
	wg.Wait()
	if after >= before {
		t.Fatalf("log of %d frames before the checkpoint, %d after: it did not start again", before, after)
	}
	t.Logf("log: %d frames before, %d after", before, after)
}

// A caller that gives up while its member runs does not interrupt the member's statements: the
// member shares its transaction with others, and it is either committed whole or undone whole.
// (On PostgreSQL an interrupted statement would abort the whole group's transaction.)
func TestGroupMemberIgnoresCancellationOnceRunning(t *testing.T) {
	s, _ := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY)`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `INSERT INTO g (k) VALUES (1)`); err != nil {
			return err
		}
		cancel()
		_, err := s.exec(ctx, tx, `INSERT INTO g (k) VALUES (2)`)
		return err
	})
	if err != nil {
		t.Fatalf("member cancelled while running: %v, want it to finish", err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM g`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows (%v), want both", n, err)
	}
}

// A load without secondary indexes ends with the indexes it built copied into the database
// file and the log emptied, not left for the checkpointer while people work; the indexes are
// back.
func TestLoadEndsWithAnEmptyLog(t *testing.T) {
	ctx := context.Background()
	s, path := testStore(t, `CREATE TABLE g (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`, `CREATE INDEX g_v ON g (v)`)
	if err := s.WithoutIndexes(ctx, []string{"g"}, func() error {
		return s.Write(ctx, func(tx *Tx) error {
			for i := 1; i <= 5000; i++ {
				if _, err := tx.Exec(`INSERT INTO g (k, v) VALUES ($1, $2)`, i, fmt.Sprintf("Lê Thị %d", i)); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 {
		t.Fatalf("log after the load: %d bytes", fi.Size())
	}
	plan, err := s.QueryPlan(ctx, `SELECT k FROM g WHERE v = $1`, "Lê Thị 7")
	if err != nil || !strings.Contains(plan, "g_v") {
		t.Fatalf("the index is not back: %q %v", plan, err)
	}
}

// Migrations that build indexes leave them in the log; a store opens with its log emptied.
func TestOpenEndsMigrationsWithAnEmptyLog(t *testing.T) {
	_, path := testStore(t)
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 {
		t.Fatalf("log after the migrations: %d bytes", fi.Size())
	}
}

// A database out of reach is told apart from faults that are not a passing outage: a refused
// password or a missing database (configuration), a client that hung up.
func TestUnavailable(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"server starting up", fmt.Errorf("store: begin: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"reached a standby", &pgconn.PgError{Code: "25006"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"connection closed", fmt.Errorf("store: begin: %w", pgconn.ErrConnClosed), true},
		{"refused to connect", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"wrong password", &pgconn.PgError{Code: "28P01"}, false},
		{"missing database", &pgconn.PgError{Code: "3D000"}, false},
		{"protocol violation", &pgconn.PgError{Code: "08P01"}, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"client hung up", fmt.Errorf("store: query: %w", context.Canceled), false},
		{"connection cut mid-query", fmt.Errorf("account: office 21025: %w", io.ErrUnexpectedEOF), true},
		{"read reset", &net.OpError{Op: "read", Err: errors.New("connection reset")}, false},
		{"nil", nil, false},
	} {
		if got := unavailable(tt.err); got != tt.want {
			t.Errorf("%s: unavailable = %v, want %v", tt.name, got, tt.want)
		}
	}
}
