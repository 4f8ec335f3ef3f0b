package registration

import (
	"fmt"
	"strings"

	"tuphap/internal/store"
)

// The day's counts (record_counts, migration 0035): every write that inserts entries adds them
// to their day, office and kind in its own transaction, so that a year's figures are a sum over
// its days. Every write already takes the audit head first, so the few hot rows (one per
// commune, kind and day) add no waiting of their own.

type countKey struct{ day, office, kind string }

// tally is what a write adds: entries, and of them those registered late.
type tally map[countKey][2]int

func (t tally) add(day, office, kind string, late bool) {
	k := countKey{day, office, kind}
	c := t[k]
	c[0]++
	if late {
		c[1]++
	}
	t[k] = c
}

// addCounts adds a write's tally to record_counts, several keys to a statement.
func addCounts(tx *store.Tx, t tally) error {
	rows := make([]string, 0, len(t))
	args := make([]any, 0, len(t)*5)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.ExecOnce(`INSERT INTO record_counts (day, office, kind, n, late) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (day, office, kind) DO UPDATE SET n = record_counts.n + excluded.n, late = record_counts.late + excluded.late`, args...)
		rows, args = rows[:0], args[:0]
		if err != nil {
			return fmt.Errorf("registration: counts: %w", err)
		}
		return nil
	}
	for k, c := range t {
		rows = append(rows, tx.Placeholders(len(args), 5))
		args = append(args, k.day, k.office, k.kind, c[0], c[1])
		if len(rows) == 200 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
