package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
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
func (s *Store) BulkInsert(ctx context.Context, rs []civil.Record, by audit.Actor, source string) (BulkResult, error) {
	var res BulkResult
	if len(rs) == 0 {
		return res, nil
	}
	now := s.Now().UTC()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		const chunk = 200 // rows per statement: 24 parameters each, under every engine's limit
		for start := 0; start < len(rs); start += chunk {
			part := rs[start:min(start+chunk, len(rs))]
			var rec, ver []string
			var recArgs, verArgs []any
			for i := range part {
				r := &part[i]
				if r.ID == "" {
					r.ID = newID()
				}
				r.Version, r.CreatedAt, r.CreatedBy = 1, now, by.Username
				data, err := entryJSON(r)
				if err != nil {
					return err
				}
				vals := append([]any{r.ID, string(r.Kind), r.Office, r.Register.Year, r.Register.Book, r.Register.Number, r.RegisteredOn,
					r.Late, r.Version, r.CreatedBy, ts(r.CreatedAt)}, indexValues(r)...)
				rec = append(rec, s.placeholders(len(recArgs), len(vals)))
				recArgs = append(recArgs, vals...)
				ver = append(ver, s.versionRow(len(verArgs)))
				verArgs = append(verArgs, r.ID, string(civil.Original), data, by.Username, ts(now))
			}
			// Entries already present keep their row; their versions are not added again.
			out, err := tx.QueryContext(ctx, `INSERT INTO records (id, kind, office, reg_year, reg_book, reg_number, registered_on, late,
				version, created_by, created_at, `+indexColumns+`) VALUES `+strings.Join(rec, ", ")+`
				ON CONFLICT (office, kind, reg_year, reg_book, reg_number) DO NOTHING RETURNING id`, recArgs...)
			if err != nil {
				return fmt.Errorf("store: bulk records: %w", err)
			}
			inserted := map[string]bool{}
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
			res.Skipped += len(part) - len(inserted)
			if len(inserted) < len(part) {
				// Keep only the versions of the rows that went in.
				ver, verArgs = nil, nil
				for i := range part {
					if !inserted[part[i].ID] {
						continue
					}
					data, _ := entryJSON(&part[i])
					ver = append(ver, s.versionRow(len(verArgs)))
					verArgs = append(verArgs, part[i].ID, string(civil.Original), data, by.Username, ts(now))
				}
			}
			if len(ver) == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO record_versions (record_id, version, change, data, reason, legal_basis, fields, officer, at)
				VALUES `+strings.Join(ver, ", "), verArgs...); err != nil {
				return fmt.Errorf("store: bulk versions: %w", err)
			}
		}
		// Registers continue after the highest number of each book in the batch.
		type book struct {
			office, kind, name string
			year               int
		}
		high := map[book]int{}
		for _, r := range rs {
			k := book{r.Office, string(r.Kind), r.Register.Book, r.Register.Year}
			high[k] = max(high[k], r.Register.Number)
		}
		var rows []string
		var args []any
		upsert := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO registers (office, kind, year, book, last_number) VALUES `+strings.Join(rows, ", ")+`
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
		if err := upsert(); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, by.Entry("record.import", "records", fmt.Sprintf("%s inserted=%d skipped=%d", source, res.Inserted, res.Skipped)))
	})
	return res, err
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
	// Build them again whatever happened: the store must never be left without them.
	for _, x := range idx {
		if _, err := s.w.ExecContext(context.WithoutCancel(ctx), x[1]); err != nil {
			return errors.Join(ferr, fmt.Errorf("store: rebuild index %s: %w", x[0], err))
		}
	}
	return ferr
}
