package store_test

import (
	"context"
	"database/sql"
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
