// Command tuphap is the whole system in one binary: the web server, the administration commands
// and the operations tools. Configuration comes from flags, each with an environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

const usage = `tuphap: back office of a provincial Department of Justice.

Usage:
  tuphap serve [--addr HOST:PORT] [--db DSN] [--demo]   run the web server
  tuphap user add --username U --role ROLE --office CODE [--password P]
  tuphap user passwd --username U [--password P]
  tuphap token create --username U [--name NAME]        print a new API token on stdout
  tuphap token list --username U                        list a user's tokens
  tuphap token revoke --username U --id ID              revoke a token
  tuphap audit verify [--checkpoints F]                 check the audit log's hash chain (and its checkpoints)
  tuphap audit checkpoint --checkpoints F               append the chain's head to F, sealed with the master key
  tuphap backup FILE                                    consistent online copy of the SQLite store
  tuphap sim population|insurance|police|exchange [--addr A] [--fault MODE]  run an agency simulator
  tuphap import FILE.csv [--mapping M.json]            import legacy register entries (report: FILE.rejected.csv)
  tuphap bench [--n N] [--clients C] [--duration D]   load synthetic data, measure through the API
  tuphap calendar YEAR                                  the year's holidays and swapped working days
  tuphap calendar lunar YYYY-MM-DD                      the lunar date of a day

ROLE is one of officer, signer, specialist, leader, admin, auditor, judicial, legal_aid.
CODE is a commune's 5-digit code or "department".
Every command takes --db (env TUPHAP_DB): a SQLite file path (default tuphap.db) or a
postgres:// URL. Run "tuphap COMMAND --help" for a command's flags.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tuphap:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("see 'tuphap --help'")

// run dispatches a command line; main and the tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return serve(ctx, rest, stdout, stderr)
	case cmd == "user" && sub == "add":
		return userAdd(ctx, rest[1:], stdin, stdout, stderr)
	case cmd == "user" && sub == "passwd":
		return userPasswd(ctx, rest[1:], stdin, stdout, stderr)
	case cmd == "token" && sub == "create":
		return tokenCreate(ctx, rest[1:], stdout, stderr)
	case cmd == "token" && sub == "list":
		return tokenList(ctx, rest[1:], stdout, stderr)
	case cmd == "token" && sub == "revoke":
		return tokenRevoke(ctx, rest[1:], stdout, stderr)
	case cmd == "audit" && sub == "verify":
		return auditVerify(ctx, rest[1:], stdout, stderr)
	case cmd == "audit" && sub == "checkpoint":
		return auditCheckpoint(ctx, rest[1:], stdout, stderr)
	case cmd == "import":
		return importCmd(ctx, rest, stdout, stderr)
	case cmd == "bench":
		return benchCmd(ctx, rest, stdout, stderr)
	case cmd == "sim":
		return simCmd(ctx, rest, stdout, stderr)
	case cmd == "calendar":
		return calendarCmd(ctx, rest, stdout, stderr)
	case cmd == "backup":
		return backup(ctx, rest, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q: %w", strings.Join(args[:min(2, len(args))], " "), errUsage)
}

// env returns the environment variable's value, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// newFlags makes a flag set that prints its help to stderr and carries the common --db flag.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("tuphap "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", env("TUPHAP_DB", "tuphap.db"), "SQLite file or postgres:// URL (env TUPHAP_DB)")
	return fs, db
}

// openStore opens the store, runs migrations and brings the offices in line with the units.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (*store.Store, *units.Registry, error) {
	reg, err := units.Load()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, dsn, log)
	if err != nil {
		return nil, nil, err
	}
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, reg, nil
}
