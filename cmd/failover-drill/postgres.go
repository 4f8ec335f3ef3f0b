package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgServer is one PostgreSQL server of the drill, in its own data directory, run with Debian's
// binaries. PostgreSQL refuses to run as root: as root, the drill runs them as user postgres.
type pgServer struct {
	name string
	bin  string // directory of initdb, pg_ctl, pg_basebackup
	dir  string // the data directory
	sock string // its Unix socket directory
	port int
	log  string
}

// asOwner runs a PostgreSQL program as the data directory's owner.
func asOwner(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

func (p *pgServer) run(prog string, args ...string) error {
	cmd := asOwner(filepath.Join(p.bin, prog), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// options are the server's settings, given on pg_ctl's command line so that a base backup does
// not carry them to the standby. synchronous_standby_names is not among them: ALTER SYSTEM sets
// it, and the command line would override that.
func (p *pgServer) options() string {
	return fmt.Sprintf("-c port=%d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c wal_level=replica "+
		"-c max_wal_senders=5 -c hot_standby=on -c max_connections=120 -c shared_buffers=64MB -c cluster_name=%s",
		p.port, p.sock, p.name)
}

func (p *pgServer) initdb() error {
	return p.run("initdb", "-D", p.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
}

func (p *pgServer) start() error {
	return p.run("pg_ctl", "-D", p.dir, "-l", p.log, "-w", "-t", "60", "-o", p.options(), "start")
}

// stopNow stops the server as a crash would: no shutdown checkpoint, clients cut off.
func (p *pgServer) stopNow() error {
	return p.run("pg_ctl", "-D", p.dir, "-m", "immediate", "-w", "stop")
}

func (p *pgServer) stop() { _ = p.run("pg_ctl", "-D", p.dir, "-m", "fast", "-w", "-t", "30", "stop") }

func (p *pgServer) promote() error { return p.run("pg_ctl", "-D", p.dir, "-w", "-t", "60", "promote") }

// baseBackup copies from into p's data directory; as a standby (with standby.signal and the
// address of from, under p's name so that from can require it as its synchronous standby), or
// as a server of its own.
func (p *pgServer) baseBackup(from *pgServer, standby bool) error {
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(from.port), "-U", "postgres", "-D", p.dir, "-X", "stream", "-c", "fast"}
	if standby {
		args = append(args, "-R")
	}
	if err := p.run("pg_basebackup", args...); err != nil {
		return err
	}
	if !standby {
		return nil
	}
	return p.appendConf(fmt.Sprintf("primary_conninfo = 'host=127.0.0.1 port=%d user=postgres application_name=%s'", from.port, p.name))
}

// appendConf adds a setting to postgresql.auto.conf, where the last one of a name counts.
func (p *pgServer) appendConf(line string) error {
	f, err := os.OpenFile(filepath.Join(p.dir, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("\n" + line + "\n")
	return err
}

// runbookAfterPromotion is the step docs/deploy.md gives after a promotion: the new primary has
// no standby yet, so it must not wait for one (commits would hang).
func (p *pgServer) runbookAfterPromotion(ctx context.Context) error {
	db, err := p.open("postgres")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `ALTER SYSTEM RESET synchronous_standby_names`); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `SELECT pg_reload_conf()`)
	return err
}

// dsn is the address of one database on this server alone.
func (p *pgServer) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=3", p.port, db)
}

func (p *pgServer) open(db string) (*sql.DB, error) {
	d, err := sql.Open("pgx", p.dsn(db))
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(4)
	return d, nil
}

// chownToPostgres hands a directory the drill made to user postgres (when running as root).
func chownToPostgres(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a postgres user to run PostgreSQL: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// pgBin finds Debian's PostgreSQL programs: pg_config's bindir, else the newest under
// /usr/lib/postgresql.
func pgBin() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server programs (initdb): install Debian's postgresql package")
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s: not within %s (last error: %v)", what, timeout, last)
}
