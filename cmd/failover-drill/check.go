package main

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// findings is what the drill found in the database at the end.
type findings struct {
	Stored     int // births in the database
	Lost       int // acknowledged, not there
	Duplicated int // stored more than once (same office, name, date of birth and mother)
	Gaps       []string
	Pending    int // outbox messages not yet delivered
	Dead       int
	Messages   map[string][]string // agency → idempotency keys of its delivered messages
	NoPID      int                 // births the population database's answer has not reached
}

func inspect(ctx context.Context, db *sql.DB, acks []ack) (findings, error) {
	var f findings
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE kind = 'birth'`).Scan(&f.Stored); err != nil {
		return f, err
	}
	// Lost: an acknowledged id that is not there.
	ids := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id FROM records`)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return f, err
		}
		ids[id] = true
	}
	rows.Close()
	for _, a := range acks {
		if !ids[a.ID] {
			f.Lost++
		}
	}
	// Duplicated: a birth stored twice, as a retry inside the system would store it.
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM records WHERE kind = 'birth'
		GROUP BY office, name_folded, date_of_birth, mother_folded HAVING count(*) > 1) d`).Scan(&f.Duplicated); err != nil {
		return f, err
	}
	// Gap-free: each book holds 1..n once each.
	rows, err = db.QueryContext(ctx, `SELECT office, kind, reg_year, reg_book, count(*), count(DISTINCT reg_number), min(reg_number), max(reg_number)
		FROM records GROUP BY office, kind, reg_year, reg_book`)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var office, kind, book string
		var year, n, distinct, lo, hi int
		if err := rows.Scan(&office, &kind, &year, &book, &n, &distinct, &lo, &hi); err != nil {
			rows.Close()
			return f, err
		}
		if n != distinct || lo != 1 || hi != n {
			f.Gaps = append(f.Gaps, fmt.Sprintf("%s %s %s/%d: %d entries numbered %d..%d", office, kind, book, year, n, lo, hi))
		}
	}
	rows.Close()
	sort.Strings(f.Gaps)
	// The outbox: every message delivered, none dead.
	f.Messages = map[string][]string{}
	rows, err = db.QueryContext(ctx, `SELECT agency, status, idem_key FROM outbox`)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var ag, status, key string
		if err := rows.Scan(&ag, &status, &key); err != nil {
			return f, err
		}
		switch status {
		case "pending":
			f.Pending++
		case "dead":
			f.Dead++
		default:
			f.Messages[ag] = append(f.Messages[ag], key)
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE kind = 'birth' AND personal_id = ''`).Scan(&f.NoPID)
	return f, err
}

// pendingMessages counts the outbox messages still to deliver.
func pendingMessages(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&n)
	return n, err
}
