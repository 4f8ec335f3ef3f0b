package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"tuphap/internal/audit"
)

// Group commit must keep each caller's transaction its own: a member that fails (or panics)
// leaves nothing behind and takes nobody down with it, and every member that was told "done"
// is in the database.
func TestGroupCommitIsolatesMembers(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ExecForTest(ctx, `CREATE TABLE g (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
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
