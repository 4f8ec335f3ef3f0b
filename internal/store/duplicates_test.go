package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tuphap/internal/civil"
)

// On SQLite the first step of a birth's duplicate check reads the parents' indexes only: the
// child's name is in them, so no entry is read until its name leaves a duplicate possible.
func TestChildrenOfParentsReadsIndexesOnly(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "d.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q, args := s.parentsSQL(civil.Facts{Mother: "tran thi lan", Father: "nguyen van hung"}, "2026-01-29", "2026-02-04")
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "\n")
	for _, want := range []string{"USING COVERING INDEX records_mother", "USING COVERING INDEX records_father"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q:\n%s", want, got)
		}
	}
}
