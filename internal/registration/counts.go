package registration

import (
	"fmt"
	"strings"

	"tuphap/internal/store"
)

// The days' and the months' counts (record_counts, record_counts_month, migrations 0035–0036):
// every write that inserts entries adds them to their day, month, office and kind in its own
// transaction, so that a period's figures are a sum over its whole months and the days of its
// partial ones. Every write already takes the audit head first, so the few hot rows (one per
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

// addCounts adds a write's tally to the days' and the months' counts.
func addCounts(tx *store.Tx, t tally) error {
	months := tally{}
	for k, c := range t {
		m := countKey{k.day[:7], k.office, k.kind}
		sum := months[m]
		months[m] = [2]int{sum[0] + c[0], sum[1] + c[1]}
	}
	if err := upsertCounts(tx, "record_counts", "day", t); err != nil {
		return err
	}
	return upsertCounts(tx, "record_counts_month", "month", months)
}

// countOne adds one entry to its day's and its month's counts: two statements of fixed text,
// prepared once (tx.Exec), since every registration runs them on the committer's path.
func countOne(tx *store.Tx, day, office, kind string, late bool) error {
	l := map[bool]int{true: 1}[late]
	if _, err := tx.Exec(`INSERT INTO record_counts (day, office, kind, n, late) VALUES ($1, $2, $3, 1, $4)
		ON CONFLICT (day, office, kind) DO UPDATE SET n = record_counts.n + 1, late = record_counts.late + excluded.late`, day, office, kind, l); err != nil {
		return fmt.Errorf("registration: count: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO record_counts_month (month, office, kind, n, late) VALUES ($1, $2, $3, 1, $4)
		ON CONFLICT (month, office, kind) DO UPDATE SET n = record_counts_month.n + 1, late = record_counts_month.late + excluded.late`, day[:7], office, kind, l); err != nil {
		return fmt.Errorf("registration: count: %w", err)
	}
	return nil
}

// upsertCounts adds a tally to one of the counts' tables, several keys to a statement.
func upsertCounts(tx *store.Tx, table, key string, t tally) error {
	rows := make([]string, 0, len(t))
	args := make([]any, 0, len(t)*5)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.ExecOnce(`INSERT INTO `+table+` (`+key+`, office, kind, n, late) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (`+key+`, office, kind) DO UPDATE SET n = `+table+`.n + excluded.n, late = `+table+`.late + excluded.late`, args...)
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
