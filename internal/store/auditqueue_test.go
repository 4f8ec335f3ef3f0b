package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tuphap/internal/store"
)

// openQueue opens the audit queue's file beside the database, as another program would.
func openQueue(t *testing.T, dbPath string) *sql.DB {
	t.Helper()
	q, err := sql.Open("sqlite", "file:"+dbPath+"-audit-queue?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func count(t *testing.T, db interface {
	QueryRow(string, ...any) *sql.Row
}, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func openSQLite(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// chained verifies the log and counts its entries of action.
func chained(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// On SQLite an entry of an event that changes nothing else is on disk in the queue when Audit
// returns, without a commit of the database (which would empty every reader's cache); it
// reaches the chain once moved, with the time of its event.
func TestAuditQueueKeepsEntriesOutOfTheDatabaseUntilMoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tuphap.db")
	s := openSQLite(t, path)
	defer s.Close()
	event := time.Date(2026, 12, 2, 8, 30, 0, 123456000, time.UTC)
	s.Now = func() time.Time { return event }
	commits := s.GroupCommits.Load()
	for i := range 20 {
		if err := s.Audit(ctx, admin.Entry("record.search", "records", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	// The mover's tick may fall among them (one commit); a commit each was the old way.
	if got := s.GroupCommits.Load() - commits; got > 1 {
		t.Errorf("20 searches audited with %d commits of the database, want none but a move", got)
	}
	var inLog int
	if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'record.search'`).Scan(&inLog); err != nil {
		t.Fatal(err)
	}
	if n := count(t, openQueue(t, path), `SELECT COUNT(*) FROM queued`) + inLog; n != 20 {
		t.Errorf("%d entries in the queue's file or the log when Audit returned, want 20", n)
	}
	s.Now = func() time.Time { return event.Add(time.Hour) }
	list, err := s.AuditEntries(ctx, store.AuditFilter{Action: "record.search", Oldest: true})
	if err != nil || len(list) != 20 {
		t.Fatalf("listed %d entries (%v), want the 20 queued", len(list), err)
	}
	for i, e := range list {
		if e.Detail != fmt.Sprint(i) || !e.At.Equal(event) || e.Username != "root" {
			t.Fatalf("entry %d: %+v, want detail %d at the event's time %s", i, e, i, event)
		}
	}
	if n := count(t, openQueue(t, path), `SELECT COUNT(*) FROM queued`); n != 0 {
		t.Errorf("%d entries left in the queue once moved", n)
	}
	if got := s.GroupCommits.Load() - commits; got > 2 {
		t.Errorf("the moves took %d commits, want a move at most besides the listing's", got)
	}
}

// A crash after a move's commit and before the queue's entries are deleted leaves entries the
// chain holds: they are dropped, not chained twice. A new queue file (its numbers starting again)
// is taken whole.
func TestAuditQueueMovesEachEntryOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tuphap.db")
	s := openSQLite(t, path)
	for i := range 3 {
		if err := s.Audit(ctx, admin.Entry("record.view", "record:x", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// What a crash between the move's commit and the delete leaves: the moved entries again.
	q := openQueue(t, path)
	if _, err := q.Exec(`INSERT INTO queued (id, at, user_id, username, office, action, object, detail, ip)
		SELECT value, '2026-12-02T08:00:00.000000Z', '', 'root', '', 'record.view', 'record:x', 'again', '' FROM generate_series(1, 3)`); err != nil {
		// generate_series is an extension; insert one by one where it is missing.
		for id := 1; id <= 3; id++ {
			if _, err := q.Exec(`INSERT INTO queued (id, at, user_id, username, office, action, object, detail, ip)
				VALUES (?, '2026-12-02T08:00:00.000000Z', '', 'root', '', 'record.view', 'record:x', 'again', '')`, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Audit(ctx, admin.Entry("record.view", "record:x", "3")); err != nil {
		t.Fatal(err)
	}
	if n := chained(t, s, "record.view"); n != 4 {
		t.Errorf("%d views chained, want 4: entries moved before a crash are not chained again", n)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM queued`); n != 0 {
		t.Errorf("%d entries left in the queue", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	q.Close()
	for _, f := range []string{"", "-wal", "-shm"} {
		os.Remove(path + "-audit-queue" + f)
	}
	s = openSQLite(t, path)
	defer s.Close()
	if err := s.Audit(ctx, admin.Entry("record.view", "record:x", "new queue")); err != nil {
		t.Fatal(err)
	}
	if n := chained(t, s, "record.view"); n != 5 {
		t.Errorf("%d views chained, want 5: the first entry of a new queue is numbered 1 and is new", n)
	}
}

// Entries queued when the server stops, and entries two processes queue into the same file, all
// reach the chain, once.
func TestAuditQueueAcrossProcessesAndRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tuphap.db")
	a, b := openSQLite(t, path), openSQLite(t, path)
	var wg sync.WaitGroup
	errs := make(chan error, 300) // 200 entries and a few flushes
	for _, s := range []*store.Store{a, b} {
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Audit(ctx, admin.Entry("login.fail", "user:x", fmt.Sprint(i)))
				if i%25 == 0 {
					errs <- s.FlushAudit(ctx)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil { // moves what a queued and what b queued
		t.Fatal(err)
	}
	if n := chained(t, b, "login.fail"); n != 200 {
		t.Errorf("%d refused logins chained, want 200", n)
	}
	if err := b.Audit(ctx, admin.Entry("login.fail", "user:x", "at close")); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	s := openSQLite(t, path)
	defer s.Close()
	if n := chained(t, s, "login.fail"); n != 201 {
		t.Errorf("%d refused logins chained after a restart, want 201", n)
	}
}

// Without anyone asking, the mover takes what is queued into the log (every ten seconds).
func TestAuditQueueMovesByItself(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "tuphap.db"))
	defer s.Close()
	if err := s.Audit(ctx, admin.Entry("user.view", "user:x", "")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var n int
		if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'user.view'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the queued entry did not reach the log by itself")
		}
	}
}

// A queue file older than the database (restored from an earlier copy, its numbers behind what
// the log has taken, or never numbered at all) must not number new entries as moved already:
// they would be deleted unchained. And a database reached through a symbolic link keeps one
// queue (and its log, which SQLite names after the link's target, is synced: the sync opened
// the link's name and failed).
func TestAuditQueueOlderThanTheLog(t *testing.T) {
	for _, restore := range []string{
		`UPDATE sqlite_sequence SET seq = 0 WHERE name = 'queued'`,
		`DELETE FROM sqlite_sequence WHERE name = 'queued'`,
	} {
		t.Run(restore[:6], func(t *testing.T) { olderQueue(t, restore) })
	}
}

func olderQueue(t *testing.T, restore string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tuphap.db")
	s := openSQLite(t, path)
	for i := range 3 {
		if err := s.Audit(ctx, admin.Entry("record.view", "record:x", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // moves the three
		t.Fatal(err)
	}
	q := openQueue(t, path)
	if _, err := q.Exec(restore); err != nil {
		t.Fatal(err)
	}
	q.Close()
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	s = openSQLite(t, link)
	defer s.Close()
	if err := s.Audit(ctx, admin.Entry("record.view", "record:x", "after the restore")); err != nil {
		t.Fatal(err)
	}
	if n := chained(t, s, "record.view"); n != 4 {
		t.Errorf("%d views chained, want 4: the entry queued after the restore was lost", n)
	}
	if _, err := os.Stat(link + "-audit-queue"); err == nil {
		t.Error("the database opened through a link got a second queue")
	}
}
