package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// placeholders is "($k+1, $k+2, …)" for n values after the first k.
func (s *Store) placeholders(k, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString(s.param(k + i))
	}
	b.WriteByte(')')
	return b.String()
}

// param is the i-th positional parameter. SQLite gets "?": it looks "$n" names up one by one,
// which makes a statement with thousands of parameters slow to prepare.
func (s *Store) param(i int) string {
	if s.dialect.name() == "sqlite" {
		return "?"
	}
	return fmt.Sprintf("$%d", i)
}

// buildingIndexes sets the writer up for building indexes over large tables and returns what
// sets it back. SQLite's sorter sizes its memory by the page cache: with the writer's 64 MiB,
// building the indexes of ten million entries took the process to 2 GB; a small cache keeps it
// under 100 MB at much the same speed. Its runs go to temporary files, not to memory as the
// writer's savepoints do (a migration building two indexes took 2 GB before). And it sorts on
// every core: index builds a quarter faster on two.
func (s *Store) buildingIndexes(ctx context.Context) (restore func()) {
	if s.dialect.name() != "sqlite" {
		return func() {}
	}
	var undo []string
	for _, p := range [][2]string{
		{`PRAGMA cache_size = -16384`, fmt.Sprintf(`PRAGMA cache_size = -%d`, writerCacheKiB)},
		{`PRAGMA temp_store = FILE`, `PRAGMA temp_store = MEMORY`},
		{fmt.Sprintf(`PRAGMA threads = %d`, runtime.NumCPU()), `PRAGMA threads = 0`},
	} {
		if _, err := s.w.ExecContext(ctx, p[0]); err == nil {
			undo = append(undo, p[1])
		}
	}
	return func() {
		for _, q := range undo {
			_, _ = s.w.ExecContext(context.WithoutCancel(ctx), q)
		}
	}
}

// WithoutIndexes runs fn with the secondary indexes of tables dropped, then builds them
// again: an index built once from sorted data is far cheaper than one kept up to date through
// millions of inserts in random order. Meant for an initial load while nobody searches; unique
// indexes stay, so what they forbid is still refused.
func (s *Store) WithoutIndexes(ctx context.Context, tables []string, fn func() error) error {
	var idx [][2]string
	for _, table := range tables {
		x, err := s.dialect.secondaryIndexes(ctx, s.w, table)
		if err != nil {
			return fmt.Errorf("store: list indexes: %w", err)
		}
		idx = append(idx, x...)
	}
	for i, x := range idx {
		if _, err := s.w.ExecContext(ctx, `DROP INDEX `+x[0]); err != nil {
			return errors.Join(fmt.Errorf("store: drop index %s: %w", x[0], err), s.rebuildIndexes(ctx, idx[:i], tables))
		}
	}
	ferr := fn()
	return errors.Join(ferr, s.rebuildIndexes(ctx, idx, tables))
}

// rebuildIndexes builds idx again, every one even when another fails: the store must never be
// left without them. Then it writes them into the database file (SQLite) or refreshes the
// planner's statistics of tables (PostgreSQL).
func (s *Store) rebuildIndexes(ctx context.Context, idx [][2]string, tables []string) error {
	ctx = context.WithoutCancel(ctx)
	defer s.buildingIndexes(ctx)()
	var errs []error
	for _, x := range idx {
		start := time.Now()
		if _, err := s.w.ExecContext(ctx, x[1]); err != nil {
			errs = append(errs, fmt.Errorf("store: rebuild index %s: %w", x[0], err))
			continue
		}
		// What each index costs an import, for docs/performance.md and for whoever waits.
		s.log.Info("store: index built", "index", x[0], "took", time.Since(start).Round(time.Millisecond))
	}
	// The writer's own statements are not synced by SQLite (logsync.go).
	if s.walPath != "" {
		if err := s.syncLog(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		s.checkpointAll(ctx)
	}
	// PostgreSQL plans by statistics that a bulk load leaves stale until autovacuum comes round:
	// without them an ID lookup walked the date index backwards through every entry. And its
	// index-only scans read the entries' rows too until a VACUUM has marked their pages all
	// visible: counting a name's thousand matches visited a thousand rows (40 ms instead of 1).
	if s.dialect.name() == "postgres" {
		for _, table := range tables {
			if _, err := s.w.ExecContext(ctx, `VACUUM (ANALYZE) `+table); err != nil {
				errs = append(errs, fmt.Errorf("store: vacuum: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// checkpointAll copies the whole log into the database file and empties it. Indexes built after
// a load or by a migration sit in the log, gigabytes of it at ten million entries: left to the
// checkpointer, they were copied while people worked, every page read looked them up in the
// log's index, and registrations ran at half their speed for minutes. The data is durable
// already, so a checkpoint that cannot finish (a reader holds the log) is only logged: the
// checkpointer finishes it later.
func (s *Store) checkpointAll(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	// The writer does not sync (logsync.go); a checkpoint must, before the log is emptied.
	if _, err := s.w.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		s.log.Warn("store: checkpoint of the whole log", "err", err)
		return
	}
	defer s.w.ExecContext(ctx, `PRAGMA synchronous = OFF`)
	var busy, log, done int
	var err error
	for try := range 3 { // the checkpointer's own passive checkpoint may hold the lock a moment
		if try > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		if err = s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err == nil && busy == 0 {
			return
		}
	}
	s.log.Warn("store: checkpoint of the whole log left it to the checkpointer", "err", err, "busy", busy)
}

// QueryPlan is SQLite's plan for q, a line per step.
func (s *Store) QueryPlan(ctx context.Context, q string, args ...any) (string, error) {
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...) // once: not worth a prepared statement
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		out.WriteString(detail + "\n")
	}
	return out.String(), rows.Err()
}
