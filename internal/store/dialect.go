package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// dialect is what differs between engines: how to connect and how to back up.
type dialect interface {
	name() string
	open(dsn string) (w, r *sql.DB, err error)
	backup(ctx context.Context, db *sql.DB, file string) error
	// secondaryIndexes lists the non-unique indexes of a table as (name, CREATE statement).
	secondaryIndexes(ctx context.Context, db *sql.DB, table string) ([][2]string, error)
	// retryable says a transaction failed for the moment only (a deadlock, a serialisation
	// failure) and may simply be run again.
	retryable(err error) bool
	// rewrite adapts a migration: FOLDED becomes the type of prefix-searched folded text, BYTES
	// the type of binary data.
	rewrite(sql string) string
	// entryKey is the column by which entries that an index found are read again: SQLite's
	// rowid, which every index holds (the id is in an index of its own), PostgreSQL's id.
	entryKey() string
	// lockMigrations keeps other servers from migrating the same database until unlock.
	lockMigrations(ctx context.Context, db *sql.DB) (unlock func(), err error)
}

func dialectFor(dsn string) dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres{}
	}
	return sqlite{}
}

type sqlite struct{}

func (sqlite) name() string { return "sqlite" }

// writerCacheKiB is the writer's page cache.
const writerCacheKiB = 65536

// sqlitePath is the database file a DSN names.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// sqliteBase is the DSN every connection to the file shares, waiting up to busy for a lock.
// busy_timeout must come first: the WAL switch itself can meet a lock.
func sqliteBase(dsn string, busy time.Duration) string {
	return fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)", sqlitePath(dsn), busy.Milliseconds())
}

// sqliteLogPath is the file of the write-ahead log that goes with the database file. SQLite
// names it after the file a symbolic link points to, and so must we.
func sqliteLogPath(dsn string) string { return sqliteRealPath(dsn) + "-wal" }

// sqliteRealPath is the database's file with symbolic links resolved.
func sqliteRealPath(dsn string) string {
	path := sqlitePath(dsn)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return path
}

// syncFull makes a connection sync as a checkpoint needs (and as the last connection to close
// checkpoints). The writer does not sync its commits itself: logsync.go does, after them.
const syncFull = "&_pragma=synchronous(FULL)"

// open makes one writer connection (SQLite allows one writer; queuing in Go is cheaper than
// SQLITE_BUSY) and a pool of readers, which WAL lets run beside the writer.
func (sqlite) open(dsn string) (*sql.DB, *sql.DB, error) {
	base := sqliteBase(dsn, 10*time.Second)
	// The writer keeps a 64 MiB page cache: index pages of large registers stay in memory while a
	// bulk import or a burst of registrations updates them. Readers keep SQLite's default. The
	// writer neither syncs its commits (logsync.go does, after them) nor checkpoints: checkpoints
	// run beside it on a connection that syncs (checkpoint.go).
	// Its temporary files stay in memory: a statement or savepoint journal copies every page
	// first touched, and past 64 KiB it went to a file, a write system call per page (index
	// builds set this back, buildingIndexes).
	w, err := sql.Open("sqlite", base+fmt.Sprintf("&_txlock=immediate&_pragma=synchronous(OFF)&_pragma=cache_size(-%d)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(%d)&_pragma=temp_store(MEMORY)",
		writerCacheKiB, 64<<20))
	if err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, nil, err
	}
	r, err := sql.Open("sqlite", base+syncFull+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	// Readers stay open: database/sql keeps two idle connections by default and would close the
	// others after each burst, and opening one runs every pragma and re-prepares every statement.
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return w, r, nil
}

// lockMigrations: SQLite's one writer connection already keeps writers in turn, and a second
// process's migration waits for the file's write lock.
func (sqlite) lockMigrations(context.Context, *sql.DB) (func(), error) { return func() {}, nil }

// backup uses VACUUM INTO: a consistent copy taken inside one read transaction while the
// server keeps running.
func (sqlite) backup(ctx context.Context, db *sql.DB, file string) error {
	_, err := db.ExecContext(ctx, `VACUUM INTO $1`, file)
	return err
}

func (sqlite) retryable(error) bool { return false } // one writer: nothing to deadlock with

func (sqlite) entryKey() string { return "rowid" }

func (sqlite) rewrite(q string) string {
	return strings.NewReplacer(" FOLDED ", " TEXT ", " BYTES ", " BLOB ", " BYTES,", " BLOB,", " BYTES\n", " BLOB\n").Replace(q)
}

func (sqlite) secondaryIndexes(ctx context.Context, db *sql.DB, table string) ([][2]string, error) {
	// Unique constraints have no CREATE statement (sql IS NULL) and stay.
	return indexRows(ctx, db, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE%'`, table)
}

type postgres struct{}

func (postgres) secondaryIndexes(ctx context.Context, db *sql.DB, table string) ([][2]string, error) {
	// From the catalogs rather than pg_indexes, whose filter on indexdef ran pg_get_indexdef on
	// other schemas' indexes too, and failed ("could not open relation") when one was being
	// dropped meanwhile. Here it runs only on this table's non-unique indexes.
	return indexRows(ctx, db, `SELECT c.relname, pg_get_indexdef(c.oid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname = $1 AND NOT i.indisunique`, table)
}

func indexRows(ctx context.Context, db *sql.DB, q, table string) ([][2]string, error) {
	rows, err := db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var x [2]string
		if err := rows.Scan(&x[0], &x[1]); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func (postgres) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (postgres) rewrite(q string) string {
	return strings.NewReplacer(" FOLDED ", ` TEXT COLLATE "C" `, " BYTES ", " BYTEA ", " BYTES,", " BYTEA,", " BYTES\n", " BYTEA\n").Replace(q)
}

func (postgres) name() string { return "postgres" }

func (postgres) entryKey() string { return "id" }

func (postgres) open(dsn string) (*sql.DB, *sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20) // see the readers of SQLite: a new connection costs a handshake
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, db, nil
}

// searchPool opens the readers of the register's searches (Store.SearchQuery): connections that
// plan each statement once (plan_cache_mode=force_generic_plan). With custom plans PostgreSQL
// planned every name search afresh against its columns' 2,000-bucket histograms: 0.35–0.6 ms a
// statement against 0.01–0.06 ms to run it, most of a search's cost. The searches are shaped so
// that an index leads each whatever the values, and a generic plan cannot flip with the value
// typed. Only they use it: a statement whose best plan depends on its values (an optional
// filter written "$1 = ” OR col = $1", a status that is rare) keeps custom plans on the main
// pool.
func (postgres) searchPool(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(10)
	return db, nil
}

// unavailable: see Unavailable (engine.go). Only a server out of reach counts: a refused
// password or a missing database is a configuration fault (500, logged as an error), and a
// client that hung up is not the database's doing. database/sql hands a connection cut
// mid-query up as a bare io.ErrUnexpectedEOF, which counts (a request body cut short gives the
// same error: the web edge marks those as the request's before they get here).
func unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", // shutting down, crashed, starting up
			"25006",                                     // read-only: the address reached a standby
			"08000", "08001", "08003", "08004", "08006": // connection failures (not 08P01, a protocol bug)
			return true
		}
		return false
	}
	// pgconn's own errors (a connection cut mid-query, none of the servers taking writes) say
	// whether a retry is safe; a request body's read error does not come wrapped in one.
	var ce *pgconn.ConnectError
	var ne *net.OpError
	var fromDriver interface{ SafeToRetry() bool }
	return errors.As(err, &ce) || errors.As(err, &fromDriver) || errors.As(err, &ne) && ne.Op == "dial" ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF)
}

// safeToRetry is a failure before anything reached the server (a connection found closed):
// the same statement may be sent again on another connection.
func safeToRetry(err error) bool { return errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) }

// migrationLock is the advisory lock that servers starting at once on one database take in
// turn: the first migrates, the others then find nothing left to do.
const migrationLock = 0x7475706861700001 // "tuphap" + 1

func (postgres) lockMigrations(ctx context.Context, db *sql.DB) (func(), error) {
	conn, err := db.Conn(ctx) // a session lock lives on one connection
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
		conn.Close()
	}, nil
}

func (postgres) backup(context.Context, *sql.DB, string) error {
	return fmt.Errorf("store: use pg_dump to back up PostgreSQL")
}

// Backup writes a consistent copy of the database to file (SQLite only).
func (s *Store) Backup(ctx context.Context, file string) error {
	// The copy holds the entries audited until now; should the queue not move, the backup is
	// worth more than they are (they stay in the queue, for the live log).
	if err := s.FlushAudit(ctx); err != nil {
		s.log.Warn("store: backup without the queued audit entries", "err", err)
	}
	if err := s.dialect.backup(ctx, s.w, file); err != nil {
		return fmt.Errorf("store: backup to %s: %w", file, err)
	}
	return nil
}

// redact hides a password in a DSN for logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}
