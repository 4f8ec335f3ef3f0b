package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/synth"
)

// benchFloor measures what bounds the figures from below, apart from tuphap's own code: how
// fast this machine's SQLite (the pure-Go driver) takes bare rows shaped like an entry and its
// first version, with no index at all; and how fast the registration service goes without HTTP.
func benchFloor(ctx context.Context, st *store.Store, f benchFlags, w io.Writer) error {
	dir, err := os.MkdirTemp("", "tuphap-floor")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	n := min(f.n, 500000)
	rows, err := bareInserts(filepath.Join(dir, "a.db"), 22, 0, n)
	if err != nil {
		return err
	}
	versions, err := bareInserts(filepath.Join(dir, "b.db"), 5, 500, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "floor: bare rows of 22 text columns, no index        %8.0f rows/s\n", rows)
	fmt.Fprintf(w, "floor: bare rows of 5 columns with 500 bytes of JSON %8.0f rows/s\n", versions)
	fmt.Fprintf(w, "floor: both, as one entry needs                      %8.0f entries/s\n", 1/(1/rows+1/versions))

	// The registration service itself, many callers, no HTTP and no JSON between them.
	svc := registration.New(st)
	p := auth.Principal{Username: "bench", Role: auth.Specialist, Office: auth.DepartmentOffice}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	span := min(f.duration, 5*time.Second)
	service := birthsPerSecond(f, span, func(g *synth.Generator) bool {
		_, err := svc.RegisterBirth(ctx, p, audit.Actor{Username: "bench"}, newBirthRequest(g, today))
		return err == nil
	})
	fmt.Fprintf(w, "floor: registrations through the service, no HTTP     %8.0f births/s\n", service)

	// The writer alone: the same service with its duplicate check off, so that each birth costs
	// the write (entry, dossier, outbox message, audit) and its validation only: the most the
	// single writer gives on this store, whatever the rest of the machine does.
	bare := registration.New(st)
	bare.NoDuplicateCheck = true
	writer := birthsPerSecond(f, span, func(g *synth.Generator) bool {
		_, err := bare.RegisterBirth(ctx, p, audit.Actor{Username: "bench"}, newBirthRequest(g, today))
		return err == nil
	})
	fmt.Fprintf(w, "floor: the writer alone, no duplicate check          %8.0f births/s\n", writer)
	return nil
}

// birthsPerSecond runs register from f.clients goroutines, each with a generator of its own,
// for span, and returns how many a second succeeded.
func birthsPerSecond(f benchFlags, span time.Duration, register func(g *synth.Generator) bool) float64 {
	var ok atomic.Int64
	deadline := time.Now().Add(span)
	var wg sync.WaitGroup
	for c := range f.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := synth.New(uint64(time.Now().UnixNano())+uint64(c), f.communes)
			for time.Now().Before(deadline) {
				if register(g) {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(ok.Load()) / span.Seconds()
}

// bareInserts writes n rows of cols text columns (the last one pad bytes long when pad > 0)
// into an unindexed table, the way the bulk loader does: 200-row prepared inserts, 5 000 rows
// a transaction, WAL. It returns rows per second.
func bareInserts(path string, cols, pad, n int) (float64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-65536)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var defs []string
	for i := range cols {
		defs = append(defs, fmt.Sprintf("c%d TEXT", i))
	}
	if _, err := db.Exec(`CREATE TABLE t (` + strings.Join(defs, ", ") + `)`); err != nil {
		return 0, err
	}
	const chunk = 200
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	stmt, err := db.Prepare(`INSERT INTO t VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", chunk), ", "))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	long := strings.Repeat("x", pad)
	args := make([]any, 0, chunk*cols)
	start := time.Now()
	for done := 0; done < n; {
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		for k := 0; k < 25 && done < n; k++ {
			args = args[:0]
			for i := range chunk {
				for c := range cols {
					switch {
					case c == 0:
						args = append(args, fmt.Sprintf("%036d", done+i))
					case pad > 0 && c == cols-1:
						args = append(args, long)
					default:
						args = append(args, "Nguyễn Thị Đào 2020")
					}
				}
			}
			if _, err := tx.Stmt(stmt).Exec(args...); err != nil {
				tx.Rollback()
				return 0, err
			}
			done += chunk
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
