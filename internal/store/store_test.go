package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"tuphap/internal/audit"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

var ctx = context.Background()

var admin = audit.Actor{UserID: "u0", Username: "root", Office: "department", IP: "127.0.0.1"}

// seed adds the offices that entries refer to (the account package owns that table; the engine's
// tests write it directly).
func seed(t *testing.T, s *store.Store) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO offices (code, name, kind) VALUES ('department', 'Sở Tư pháp', 'department'), ('21025', 'Phường Cẩm Thành', 'commune')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsAndReady(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		for i := 0; i < 5; i++ {
			if err := s.Audit(ctx, admin.Entry("record.view", "record:x", "")); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.VerifyAudit(ctx)
		if err != nil || n != 5 {
			t.Fatalf("verify intact: %d, %v", n, err)
		}
		list, _ := s.AuditEntries(ctx, store.AuditFilter{Action: "record"})
		if len(list) != 5 || list[0].Seq != 5 || list[0].Username != "root" {
			t.Fatalf("entries = %+v", list)
		}

		storetest.MustExec(t, s, `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`)
		if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "entry 3") {
			t.Fatalf("edited row: %v", err)
		}
		storetest.MustExec(t, s, `UPDATE audit_log SET detail = '' WHERE seq = 3`)
		storetest.MustExec(t, s, `DELETE FROM audit_log WHERE seq = 5`)
		if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "head") {
			t.Fatalf("deleted newest row: %v", err)
		}
		storetest.MustExec(t, s, `DELETE FROM audit_log WHERE seq = 2`)
		if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("deleted row: %v", err)
		}
	})
}

// A group stores its members' audit entries together just before it commits. An entry that the
// database refuses there must fail its own member only: the group runs again with each member
// apart, and the others' entries and rows are kept, in one chain.
func TestGroupAuditEntryRefusedAtTheEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, q := range []string{
			`CREATE TABLE g (k INTEGER PRIMARY KEY)`,
			// Each object once: the second member to name one is refused by the audit log.
			`CREATE UNIQUE INDEX audit_test_once ON audit_log (object) WHERE action = 'test.once'`,
		} {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		const n, objects = 300, 200
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Write(ctx, func(tx *store.Tx) error {
					if _, err := tx.Exec(`INSERT INTO g (k) VALUES ($1)`, i); err != nil {
						return err
					}
					if err := tx.Audit(admin.Entry("test.other", fmt.Sprint(i), "")); err != nil {
						return err
					}
					return tx.Audit(admin.Entry("test.once", fmt.Sprint(i%objects), ""))
				})
			}()
		}
		wg.Wait()
		failed := 0
		for i, err := range errs {
			var rows int
			if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM g WHERE k = $1`, i).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if err != nil {
				failed++
			}
			if (err == nil) != (rows == 1) {
				t.Errorf("member %d: err %v, %d rows", i, err, rows)
			}
		}
		if failed != n-objects {
			t.Errorf("%d members failed, want %d (those naming an object a second time)", failed, n-objects)
		}
		var entries int
		if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'test.%'`).Scan(&entries); err != nil || entries != 2*objects {
			t.Errorf("%d entries (%v), want %d: a refused member's entries are undone, the others' kept", entries, err, 2*objects)
		}
		if got, err := s.VerifyAudit(ctx); err != nil || got < 2*objects {
			t.Errorf("audit chain: %d entries checked: %v", got, err)
		}
	})
}

// Appends from many goroutines must form one unbroken chain on both engines.
func TestAuditConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Audit(ctx, admin.Entry("record.view", "record:y", ""))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != 40 {
			t.Fatalf("verify: %d, %v", n, err)
		}
	})
}

func TestBackupSQLite(t *testing.T) {
	s := storetest.SQLite(t)
	seed(t, s)
	if err := s.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO users (id, username, full_name, role, office_code, password_hash, totp_secret, disabled, failed_logins, created_at)
			VALUES ('u1', 'dao', 'Nguyễn Thị Đào', 'officer', '21025', 'h', '', FALSE, 0, '2026-01-01T00:00:00.000000Z')`)
		if err != nil {
			return err
		}
		return tx.Audit(admin.Entry("user.create", "user:dao", ""))
	}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM users WHERE username = 'dao'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("backup has %d users named dao: %v", n, err)
	}
	restored, err := store.Open(ctx, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := restored.VerifyAudit(ctx); err != nil {
		t.Fatalf("restored audit: %v", err)
	}
}

// rewriteChain does what an attacker with write access to the database can: recompute every
// hash from entry `from` on, and the head, so that the chain alone looks intact.
func rewriteChain(t *testing.T, s *store.Store) {
	t.Helper()
	list, err := s.AuditEntries(ctx, store.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	prev := audit.Genesis
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		e := list[i]
		e.PrevHash = prev
		e.Hash = audit.ComputeHash(e)
		storetest.MustExec(t, s, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
		storetest.MustExec(t, s, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash)
	}
}

// The chain alone cannot tell a rewrite (#15 item 4); checkpoints kept outside the database can.
func TestAuditCheckpointsCatchRewrites(t *testing.T) {
	key := audit.CheckpointKey(bytes.Repeat([]byte{7}, 32))
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		for i := 0; i < 5; i++ {
			if err := s.Audit(ctx, admin.Entry("record.view", "record:x", "")); err != nil {
				t.Fatal(err)
			}
		}
		head, _, err := s.VerifyAuditHead(ctx)
		if err != nil || head.Seq != 5 {
			t.Fatalf("head: %+v %v", head, err)
		}
		file := head.Line(key)
		cps, err := audit.ReadCheckpoints(strings.NewReader(file), key)
		if err != nil || len(cps) != 1 {
			t.Fatalf("read back: %v", err)
		}
		if _, err := audit.ReadCheckpoints(strings.NewReader(file), audit.CheckpointKey(bytes.Repeat([]byte{8}, 32))); err == nil {
			t.Fatal("a checkpoint made with another key was accepted")
		}
		if _, err := s.VerifyAudit(ctx, cps...); err != nil {
			t.Fatalf("intact log against its checkpoint: %v", err)
		}
		// Entries after the checkpoint are fine.
		if err := s.Audit(ctx, admin.Entry("record.view", "record:y", "")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(ctx, cps...); err != nil {
			t.Fatalf("log grown past its checkpoint: %v", err)
		}

		storetest.MustExec(t, s, `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`)
		rewriteChain(t, s)
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Fatalf("the rewrite should fool the chain alone (else this test proves nothing): %v", err)
		}
		if _, err := s.VerifyAudit(ctx, cps...); err == nil || !strings.Contains(err.Error(), "rewritten") {
			t.Fatalf("rewritten chain against its checkpoint: %v", err)
		}

		// Removing the newest entries and the head with them.
		storetest.MustExec(t, s, `DELETE FROM audit_log WHERE seq >= 4`)
		rewriteChain(t, s)
		if _, err := s.VerifyAudit(ctx, cps...); err == nil || !strings.Contains(err.Error(), "removed") {
			t.Fatalf("log cut short under its checkpoint: %v", err)
		}
	})
}

// Servers sharing one PostgreSQL database (docs/deploy.md): started at once on an empty
// database, they take turns at the migrations, and all start.
func TestServersStartTogether(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(ctx, dsn, nil)
			if err == nil {
				err = s.Ready(ctx)
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("server %d: %v", i, err)
		}
	}
}

// Two servers' group commits on one PostgreSQL database, each writing a register's counter and
// an audit entry (as a registration does), queue on the audit head instead of deadlocking
// (each deadlock stalls writes for deadlock_timeout), and the numbers and the chain come out
// whole.
func TestServersShareOneDatabase(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	seed(t, a)
	const n = 600
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*store.Store{a, b}[i%2]
			book := []string{"01", "02"}[i/2%2] // rows locked in different orders by the two
			err := s.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(`INSERT INTO registers (office, kind, year, book, last_number) VALUES ('21025', 'birth', 2026, $1, 1)
					ON CONFLICT (office, kind, year, book) DO UPDATE SET last_number = registers.last_number + 1`, book); err != nil {
					return err
				}
				return tx.Audit(admin.Entry("test.number", book, ""))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d := a.Deadlocks.Load() + b.Deadlocks.Load(); d != 0 {
		t.Errorf("%d deadlocks", d)
	}
	var total int
	if err := a.QueryRow(ctx, `SELECT sum(last_number) FROM registers`).Scan(&total); err != nil || total != n {
		t.Errorf("numbers given: %d (%v), want %d", total, err, n)
	}
	if got, err := a.VerifyAudit(ctx); err != nil || got < n {
		t.Errorf("audit chain: %d entries checked: %v", got, err)
	}
}

// Sizes names each table and index with its table and the room it takes; rows written make
// their table and its indexes grow.
func TestSizes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		size := func(name string) store.ObjectSize {
			t.Helper()
			all, err := s.Sizes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range all {
				if o.Name == name {
					return o
				}
			}
			t.Fatalf("%s is not in %+v", name, all)
			return store.ObjectSize{}
		}
		before := size("login_attempts")
		err := s.Write(ctx, func(tx *store.Tx) error {
			for i := range 2000 {
				if _, err := tx.Exec(`INSERT INTO login_attempts (username, address, failures, last_at) VALUES ($1, '10.0.0.1', 1, '2026-11-30')`,
					fmt.Sprintf("%s-%04d", strings.Repeat("x", 100), i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		after := size("login_attempts")
		if after.Index || after.Table != "login_attempts" || after.Bytes <= before.Bytes || after.Bytes < 200_000 {
			t.Errorf("the table: %+v, before %+v", after, before)
		}
		if idx := size("outbox_due"); !idx.Index || idx.Table != "outbox" || idx.Bytes <= 0 {
			t.Errorf("an index: %+v", idx)
		}
	})
}

// On PostgreSQL the register's searches plan each statement once per connection (generic
// plans): planning a name search's statements afresh against their histograms cost more than
// running them. Every other read keeps PostgreSQL's plan per value: a generic plan of an
// optional filter ("$1 = ” OR office = $1") or a rare status would scan.
func TestPostgresGenericPlansForSearchesOnly(t *testing.T) {
	s, err := store.Open(ctx, storetest.PostgresDSN(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		row  *sql.Row
		want string
	}{{s.SearchRow(ctx, `SHOW plan_cache_mode`), "force_generic_plan"}, {s.QueryRow(ctx, `SHOW plan_cache_mode`), "auto"}} {
		var mode string
		if err := c.row.Scan(&mode); err != nil || mode != c.want {
			t.Errorf("plan_cache_mode %q (%v), want %q", mode, err, c.want)
		}
	}
}
