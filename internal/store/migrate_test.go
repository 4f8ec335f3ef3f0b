package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A migration edited after it ran is refused at start with a message that says so; checksums
// missing from stores made before they were kept are filled in; a store that ran the first text
// of 0008 gets the index the current text makes.
func TestMigrationChecksums(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	reopen := func() (*Store, error) { return Open(ctx, path, nil) }
	s, err := reopen()
	if err != nil {
		t.Fatal(err)
	}
	checksum := func(s *Store, v int) string {
		var c string
		if err := s.w.QueryRowContext(ctx, `SELECT checksum FROM schema_migrations WHERE version = $1`, v).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got, want := checksum(s, 3), migrationFiles()[2].checksum; got != want || len(want) != 64 {
		t.Fatalf("checksum of 0003: %q, want %q", got, want)
	}
	// A store from before checksums: they are filled in at start.
	if err := s.ExecForTest(ctx, `UPDATE schema_migrations SET checksum = ''`); err != nil {
		t.Fatal(err)
	}
	// And one that ran the first text of 0008, whose index lacked sex and parents.
	if err := s.ExecForTest(ctx, `DROP INDEX records_name_list`); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTest(ctx, `CREATE INDEX records_name_list ON records (name_folded, date_of_birth, id, kind, full_name)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = reopen(); err != nil {
		t.Fatal(err)
	}
	if got := checksum(s, 5); got != migrationFiles()[4].checksum {
		t.Fatalf("checksum not filled in: %q", got)
	}
	var def string
	if err := s.w.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'records_name_list'`).Scan(&def); err != nil || !strings.Contains(def, "father_folded") {
		t.Fatalf("records_name_list not rebuilt: %q %v", def, err)
	}
	// A migration whose text differs from what ran.
	if err := s.ExecForTest(ctx, `UPDATE schema_migrations SET checksum = $1 WHERE version = 8`, strings.Repeat("0", 64)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = reopen(); err == nil {
		s.Close()
		t.Fatal("a store whose migration 0008 differs from the binary's opened")
	} else if !strings.Contains(err.Error(), "0008_name_page_index.sql was changed after it ran") {
		t.Fatalf("message: %v", err)
	}
}
