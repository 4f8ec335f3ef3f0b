// Package storetest opens real stores for tests: SQLite always, PostgreSQL when
// TUPHAP_TEST_POSTGRES holds a URL. Every test that needs a database runs on both, so the two
// engines pass one suite.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"tuphap/internal/store"
)

// EnvPostgres names the variable with the PostgreSQL test server's URL.
const EnvPostgres = "TUPHAP_TEST_POSTGRES"

// Each runs fn once per available engine, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// DSNs returns a fresh DSN per engine (for tests that open the store themselves, such as the
// command-line tests).
func DSNs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": filepath.Join(t.TempDir(), "tuphap.db")}
	if os.Getenv(EnvPostgres) != "" {
		out["postgres"] = PostgresDSN(t)
	}
	return out
}

// SQLite opens a store on a new file in the test's temporary directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "tuphap.db"))
}

// Postgres opens a store on a new schema of the test server, dropped when the test ends. It
// skips, saying why, when no server is configured.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates an empty schema and returns a DSN whose search_path points at it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a postgres:// URL (e.g. postgres://postgres@127.0.0.1:5432/test)", EnvPostgres)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("postgres at %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// MustExec runs raw SQL against a store's database, for tests that tamper with data on purpose.
func MustExec(t testing.TB, s *store.Store, query string, args ...any) {
	t.Helper()
	if err := s.ExecForTest(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
