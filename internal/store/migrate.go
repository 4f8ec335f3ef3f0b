package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version  int
	name     string
	sql      string
	checksum string // SHA-256 of the file: a migration that ran is never edited
}

// migrationFiles lists the embedded migrations in order. Names are NNNN_what.sql; the numbers
// must run 1, 2, 3… without gaps (a test checks), and a released file is never edited.
func migrationFiles() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("store: bad migration name " + e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		out = append(out, migration{version: v, name: e.Name(), sql: string(b), checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// migrate applies the migrations not yet applied, each in its own transaction. Servers starting
// at once on one PostgreSQL database take turns (lockMigrations): the first migrates, the others
// then find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	unlock, err := s.dialect.lockMigrations(ctx, s.w)
	if err != nil {
		return fmt.Errorf("store: wait for other servers' migrations: %w", err)
	}
	defer unlock()
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT NOT NULL DEFAULT '')`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	var current int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	files := migrationFiles()
	if current > len(files) {
		return fmt.Errorf("store: database schema %d is newer than this binary (%d): upgrade tuphap", current, len(files))
	}
	if err := s.checkMigrations(ctx, files[:current]); err != nil {
		return err
	}
	if current == len(files) {
		return nil
	}
	defer s.buildingIndexes(ctx)() // migrations build indexes over whole tables
	for _, m := range files[current:] {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			for _, stmt := range splitSQL(s.dialect.rewrite(m.sql)) {
				if stmt.only != "" && stmt.only != s.dialect.name() {
					continue
				}
				if err := s.migrationStatement(ctx, tx, stmt.sql); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt.sql)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)`,
				m.version, m.name, ts(s.Now()), m.checksum)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		s.log.Info("migration applied", "version", m.version, "name", m.name, "db", s.dialect.name())
	}
	// An index built over millions of entries sits in the log; copy it into the database file
	// before serving, as after a load (bulk.go).
	if s.walPath != "" {
		s.checkpointAll(ctx)
	}
	return nil
}

// checkMigrations compares each migration that ran with the file of the same number in this
// binary. A file edited after it ran would leave stores that ran the old text different from
// stores that run the new one, silently (0008 was: stores that had run it lacked the wider
// index); such a binary refuses to start. Rows from before checksums were kept take the
// checksum of the file as it is now.
func (s *Store) checkMigrations(ctx context.Context, ran []migration) error {
	if _, err := s.w.ExecContext(ctx, `SELECT checksum FROM schema_migrations WHERE version = 0`); err != nil {
		if _, err := s.w.ExecContext(ctx, `ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''`); err != nil {
			return fmt.Errorf("store: add migration checksums: %w", err)
		}
	}
	rows, err := s.w.QueryContext(ctx, `SELECT version, name, checksum FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("store: read migrations: %w", err)
	}
	type row struct {
		version        int
		name, checksum string
	}
	var applied []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.version, &r.name, &r.checksum); err != nil {
			rows.Close()
			return err
		}
		applied = append(applied, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range applied {
		if r.version < 1 || r.version > len(ran) {
			continue
		}
		m := ran[r.version-1]
		switch r.checksum {
		case m.checksum:
		case "":
			if _, err := s.w.ExecContext(ctx, `UPDATE schema_migrations SET checksum = $1 WHERE version = $2`, m.checksum, r.version); err != nil {
				return fmt.Errorf("store: record checksum of %s: %w", m.name, err)
			}
		default:
			return fmt.Errorf("store: migration %s was changed after it ran on this database (checksum %s…, the binary's %s…): "+
				"a migration that ran must never be edited; restore it and put the change in a new migration", m.name, r.checksum[:12], m.checksum[:12])
		}
	}
	return s.repairNameList(ctx)
}

// repairNameList rebuilds records_name_list on a store that ran the first text of 0008, which
// lacked the columns the duplicate check reads (sex and parents): searches and checks were right
// there, only slower.
func (s *Store) repairNameList(ctx context.Context) error {
	q := `SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'records_name_list'`
	if s.dialect.name() == "postgres" {
		q = `SELECT indexdef FROM pg_indexes WHERE indexname = 'records_name_list' AND schemaname = current_schema()`
	}
	var def string
	if err := s.w.QueryRowContext(ctx, q).Scan(&def); err != nil || strings.Contains(def, "father_folded") {
		return nil // not created yet, or as it should be
	}
	s.log.Warn("store: rebuilding records_name_list, made by an earlier text of migration 0008")
	defer s.buildingIndexes(ctx)()
	for _, m := range migrationFiles() {
		if m.version != 8 {
			continue
		}
		return s.soloTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `DROP INDEX records_name_list`); err != nil {
				return err
			}
			for _, st := range splitSQL(m.sql) {
				if _, err := tx.ExecContext(ctx, st.sql); err != nil {
					return fmt.Errorf("store: rebuild records_name_list: %w", err)
				}
			}
			return nil
		})
	}
	return nil
}

// statement is one statement of a migration; only names the one engine it is for, when a line
// "-- only sqlite" or "-- only postgres" stands before it.
type statement struct {
	sql, only string
}

// splitSQL cuts a migration into statements at semicolons that end a line, dropping comments.
// Migrations therefore must not put a semicolon at the end of a line inside a string.
func splitSQL(src string) []statement {
	var out []statement
	var cur strings.Builder
	only := ""
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if engine, ok := strings.CutPrefix(trimmed, "-- only "); ok {
			only = strings.TrimSpace(engine)
			continue
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, statement{sql: strings.TrimSpace(cur.String()), only: only})
			cur.Reset()
			only = ""
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, statement{sql: s, only: only})
	}
	return out
}

// migrationStatement runs one statement. "WIDEN CHECK ON t: old => new;" is not SQL: on SQLite
// it replaces the CHECK text old by new in t's definition (see widenCheck).
func (s *Store) migrationStatement(ctx context.Context, tx *sql.Tx, stmt string) error {
	if rest, ok := strings.CutPrefix(stmt, "WIDEN CHECK ON "); ok {
		table, change, ok1 := strings.Cut(strings.TrimSuffix(rest, ";"), ": ")
		old, new, ok2 := strings.Cut(change, " => ")
		if !ok1 || !ok2 {
			return fmt.Errorf("store: bad WIDEN CHECK statement")
		}
		return widenCheck(ctx, tx, table, old, new)
	}
	_, err := tx.ExecContext(ctx, stmt)
	return err
}

// widenCheck loosens a CHECK constraint of a SQLite table by editing its definition in the
// schema, the procedure SQLite's documentation gives for removing or changing constraints that
// do not change how rows are stored (https://sqlite.org/lang_altertable.html, "making other
// kinds of table schema changes"): the rows already there satisfy the looser check, so nothing
// is rewritten. The schema version is raised so that every connection reads the new definition.
func widenCheck(ctx context.Context, tx *sql.Tx, table, old, new string) error {
	var def string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = $1`, table).Scan(&def); err != nil {
		return fmt.Errorf("store: definition of %s: %w", table, err)
	}
	if strings.Count(def, old) != 1 {
		return fmt.Errorf("store: %s: the check %q is not in its definition exactly once", table, old)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`PRAGMA writable_schema = ON`, nil},
		{`UPDATE sqlite_schema SET sql = $1 WHERE type = 'table' AND name = $2`, []any{strings.Replace(def, old, new, 1), table}},
		{fmt.Sprintf(`PRAGMA schema_version = %d`, version+1), nil},
		{`PRAGMA writable_schema = OFF`, nil},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("store: widen check of %s: %w", table, err)
		}
	}
	return nil
}
