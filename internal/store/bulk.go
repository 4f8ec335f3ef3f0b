package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
)

// BulkResult says what a batch did.
type BulkResult struct {
	Inserted int // new entries
	Skipped  int // entries already there (the same register, book and number): imports repeat safely
}

// BulkInsert stores entries that already carry their register numbers (legacy books being
// digitised, or generated data) in one transaction: a multi-row insert per chunk, an entry
// already present under the same register number is skipped, so re-running or resuming an
// import never stores a row twice. It writes one audit entry for the batch, not one per row.
// The registers' counters are raised past the highest number inserted.
// A long import should use a BulkLoader, which prepares one batch while the previous is written.
func (s *Store) BulkInsert(ctx context.Context, rs []civil.Record, by audit.Actor, source string) (BulkResult, error) {
	b, err := s.PrepareBulk(rs, by)
	if err != nil {
		return BulkResult{}, err
	}
	return s.WriteBulk(ctx, b, by, source)
}

// BulkBatch is a batch of entries made ready for WriteBulk.
type BulkBatch struct {
	chunks    []bulkChunkArgs
	registers map[book]int
}

type bulkChunkArgs struct {
	recArgs []any
	ver     [][]any // each row's version values, by position in the chunk
	names   [][]any // each row's other names (record_names values), by position
}

// PrepareBulk does the part of BulkInsert that needs no database. It gives entries without an
// id one; rs may be reused once it returns.
func (s *Store) PrepareBulk(rs []civil.Record, by audit.Actor) (*BulkBatch, error) {
	now := s.Now().UTC()
	b := &BulkBatch{registers: bookHighs(rs)}
	for start := 0; start < len(rs); start += bulkChunk {
		part := rs[start:min(start+bulkChunk, len(rs))]
		c := bulkChunkArgs{recArgs: make([]any, 0, len(part)*recordValues), ver: make([][]any, len(part)), names: make([][]any, len(part))}
		for i := range part {
			r := &part[i]
			if r.ID == "" {
				r.ID = newID()
			}
			r.Version, r.CreatedAt, r.CreatedBy = 1, now, by.Username
			data, err := entryJSON(r)
			if err != nil {
				return nil, err
			}
			c.recArgs = append(c.recArgs, r.ID, string(r.Kind), r.Office, r.Register.Year, r.Register.Book, r.Register.Number, r.RegisteredOn,
				r.Late, r.Version, r.CreatedBy, ts(r.CreatedAt))
			c.recArgs = append(c.recArgs, indexValues(r)...)
			c.ver[i] = []any{r.ID, string(civil.Original), data, by.Username, ts(now)}
			c.names[i] = nameRows(r)
		}
		b.chunks = append(b.chunks, c)
	}
	return b, nil
}

// WriteBulk writes a prepared batch in one transaction (see BulkInsert).
func (s *Store) WriteBulk(ctx context.Context, b *BulkBatch, by audit.Actor, source string) (BulkResult, error) {
	var res BulkResult
	if len(b.chunks) == 0 {
		return res, nil
	}
	chunks, registers := b.chunks, b.registers
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range chunks {
			n := len(c.ver)
			// Entries already present keep their row; their versions are not added again.
			out, err := s.queryBulk(ctx, tx, s.bulkRecordsSQL(n), c.recArgs...)
			if isUniqueViolation(err) {
				// Entries already present are skipped (ON CONFLICT), so this is a second
				// death of one person (records_one_death_*), in the file or in the store.
				return fault.Wrap(fault.Invalid, "import.death_twice", err)
			}
			if err != nil {
				return fmt.Errorf("store: bulk records: %w", err)
			}
			inserted := make(map[string]bool, n)
			for out.Next() {
				var id string
				if err := out.Scan(&id); err != nil {
					out.Close()
					return err
				}
				inserted[id] = true
			}
			out.Close()
			if err := out.Err(); err != nil {
				return err
			}
			res.Inserted += len(inserted)
			res.Skipped += n - len(inserted)
			verArgs := make([]any, 0, len(inserted)*5)
			var names []any
			for i, v := range c.ver {
				if inserted[v[0].(string)] {
					verArgs = append(verArgs, v...)
					names = append(names, c.names[i]...)
				}
			}
			if err := s.insertNameRows(ctx, tx, names); err != nil {
				return err
			}
			if len(verArgs) == 0 {
				continue
			}
			if _, err := s.execBulk(ctx, tx, s.bulkVersionsSQL(len(verArgs)/5), verArgs...); err != nil {
				return fmt.Errorf("store: bulk versions: %w", err)
			}
		}
		if err := s.raiseRegisters(ctx, tx, registers); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, by.Entry("record.import", "records", fmt.Sprintf("%s inserted=%d skipped=%d", source, res.Inserted, res.Skipped)))
	})
	if err != nil {
		return BulkResult{}, err
	}
	return res, nil
}

// bulkChunk is rows per statement: 22 parameters each, under every engine's limit.
const bulkChunk = 200

// recordValues is the number of values of one records row in a bulk insert.
const recordValues = 22

type book struct {
	office, kind, name string
	year               int
}

// bookHighs is the highest number of each register book in rs.
func bookHighs(rs []civil.Record) map[book]int {
	high := map[book]int{}
	for _, r := range rs {
		k := book{r.Office, string(r.Kind), r.Register.Book, r.Register.Year}
		high[k] = max(high[k], r.Register.Number)
	}
	return high
}

// raiseRegisters makes each book's counter continue after the highest number imported.
func (s *Store) raiseRegisters(ctx context.Context, tx *sql.Tx, high map[book]int) error {
	var rows []string
	var args []any
	upsert := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.ExecContext(inTx(ctx), `INSERT INTO registers (office, kind, year, book, last_number) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (office, kind, year, book) DO UPDATE SET last_number = excluded.last_number
			WHERE excluded.last_number > registers.last_number`, args...)
		rows, args = rows[:0], args[:0]
		if err != nil {
			return fmt.Errorf("store: bulk registers: %w", err)
		}
		return nil
	}
	for k, n := range high {
		rows = append(rows, s.placeholders(len(args), 5))
		args = append(args, k.office, k.kind, k.year, k.name, n)
		if len(rows) == 400 {
			if err := upsert(); err != nil {
				return err
			}
		}
	}
	return upsert()
}

// bulkRecordsSQL is the insert of n records rows, built once per n.
func (s *Store) bulkRecordsSQL(n int) string {
	return s.bulkSQL("records", n, func(k int) string { return s.placeholders(k*recordValues, recordValues) },
		`INSERT INTO records (id, kind, office, reg_year, reg_book, reg_number, registered_on, late, version, created_by, created_at, `+indexColumns+`) VALUES `,
		` ON CONFLICT (office, kind, reg_year, reg_book, reg_number) DO NOTHING RETURNING id`)
}

// bulkVersionsSQL is the insert of n first versions.
func (s *Store) bulkVersionsSQL(n int) string {
	return s.bulkSQL("versions", n, func(k int) string { return s.versionRow(k * 5) },
		`INSERT INTO record_versions (record_id, version, change, data, reason, legal_basis, fields, officer, at) VALUES `, ``)
}

func (s *Store) bulkSQL(what string, n int, row func(k int) string, head, tail string) string {
	key := fmt.Sprint(what, n)
	if q, ok := s.bulkText.Load(key); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(head)
	for k := range n {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row(k))
	}
	b.WriteString(tail)
	s.bulkText.Store(key, b.String())
	return b.String()
}

// execBulk and queryBulk run a generated multi-row statement, prepared once when it is the
// full-chunk size (the only one that repeats: a batch's last chunk is usually shorter).
func (s *Store) execBulk(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	ctx = inTx(ctx)
	if st := s.bulkStmt(q, len(args)); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (s *Store) queryBulk(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	ctx = inTx(ctx)
	if st := s.bulkStmt(q, len(args)); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

func (s *Store) bulkStmt(q string, args int) *sql.Stmt {
	if args != bulkChunk*recordValues && args != bulkChunk*5 {
		return nil
	}
	return s.prepared(q)
}

// versionRow is the VALUES row of a first version: id, change, data, officer, at as parameters.
func (s *Store) versionRow(k int) string {
	p := s.param
	return "(" + p(k+1) + ", 1, " + p(k+2) + ", " + p(k+3) + ", '', '', '', " + p(k+4) + ", " + p(k+5) + ")"
}

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

// WithoutSearchIndexes runs fn with the search indexes of the records table dropped, then
// builds them again: an index built once from sorted data is far cheaper than one kept up to
// date through millions of inserts in random order. Meant for an initial load while nobody
// searches; the unique index that identifies entries stays, so repeated rows are still skipped.
func (s *Store) WithoutSearchIndexes(ctx context.Context, fn func() error) error {
	idx, err := s.dialect.secondaryIndexes(ctx, s.w, "records")
	if err != nil {
		return fmt.Errorf("store: list indexes: %w", err)
	}
	for _, x := range idx {
		if _, err := s.w.ExecContext(ctx, `DROP INDEX `+x[0]); err != nil {
			return fmt.Errorf("store: drop index %s: %w", x[0], err)
		}
	}
	ferr := fn()
	defer s.buildingIndexes(ctx)()
	// Build them again whatever happened: the store must never be left without them.
	for _, x := range idx {
		if _, err := s.w.ExecContext(context.WithoutCancel(ctx), x[1]); err != nil {
			return errors.Join(ferr, fmt.Errorf("store: rebuild index %s: %w", x[0], err))
		}
	}
	// The writer's own statements are not synced by SQLite (logsync.go).
	if s.walPath != "" {
		if err := s.syncLog(); err != nil {
			return errors.Join(ferr, err)
		}
		s.checkpointAll(ctx)
	}
	// PostgreSQL plans by statistics that a bulk load leaves stale until autovacuum comes round:
	// without them an ID lookup walked the date index backwards through every entry.
	if s.dialect.name() == "postgres" {
		if _, err := s.w.ExecContext(context.WithoutCancel(ctx), `ANALYZE records`); err != nil {
			return errors.Join(ferr, fmt.Errorf("store: analyze: %w", err))
		}
	}
	return ferr
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
