package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
	"tuphap/internal/store"
)

// cli is the audit actor for command-line changes: whoever runs the binary on the server.
func cli() audit.Actor {
	name := "cli"
	if u := os.Getenv("USER"); u != "" {
		name = "cli:" + u
	}
	return audit.Actor{Username: name, IP: "local"}
}

// explain turns a classified error into a readable line, with per-field problems.
func explain(err error) error {
	e, ok := fault.As(err)
	if !ok || e.Kind == fault.Internal {
		return err
	}
	msg := i18n.T(i18n.EN, e.Code, e.Args...)
	for f, key := range e.Fields {
		msg += fmt.Sprintf("\n  %s: %s", f, i18n.T(i18n.EN, key))
	}
	return errors.New(msg)
}

// readPassword prompts on a terminal without echo; from a pipe it reads one line.
func readPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(again) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// withStore opens the store for one command and closes it after fn.
func withStore(ctx context.Context, dsn string, fn func(st *store.Store) error) error {
	st, _, err := openStore(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// parse parses args and checks that every named flag was given a value.
func parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	var missing []string
	for _, name := range required {
		if fs.Lookup(name).Value.String() == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		fs.Usage()
		return fmt.Errorf("%s required: %w", strings.Join(missing, ", "), errUsage)
	}
	return nil
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, db := newFlags("user add", stderr)
	username := fs.String("username", "", "login name (required)")
	fullName := fs.String("name", "", "full name, with diacritics")
	role := fs.String("role", "", "officer, signer, specialist, leader, admin, auditor, judicial or legal_aid (required)")
	office := fs.String("office", "", "commune code (5 digits) or department (required)")
	password := fs.String("password", "", "password; prompted when absent")
	if err := parse(fs, args, "username", "role", "office"); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		if *password == "" {
			var err error
			if *password, err = readPassword(stdin, stderr, "Password: "); err != nil {
				return err
			}
		}
		u, err := account.New(st).AddUser(ctx, account.NewUser{Username: *username, FullName: *fullName, Role: *role,
			Office: *office, Password: *password}, cli())
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "user %s created (%s, %s)\n", u.Username, u.Role, u.Office)
		return nil
	})
}

func userPasswd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, db := newFlags("user passwd", stderr)
	username := fs.String("username", "", "login name (required)")
	password := fs.String("password", "", "new password; prompted when absent")
	if err := parse(fs, args, "username"); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		if *password == "" {
			var err error
			if *password, err = readPassword(stdin, stderr, "New password: "); err != nil {
				return err
			}
		}
		if err := account.New(st).SetPassword(ctx, strings.ToLower(*username), *password, cli()); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions have ended\n", *username)
		return nil
	})
}

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("token create", stderr)
	username := fs.String("username", "", "the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for")
	if err := parse(fs, args, "username"); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		secret, err := account.New(st).CreateToken(ctx, *username, *name, cli())
		if err != nil {
			return explain(err)
		}
		// The token alone on stdout: scripts capture it with $(tuphap token create ...).
		fmt.Fprintln(stdout, secret)
		return nil
	})
}

func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("token list", stderr)
	username := fs.String("username", "", "whose tokens (required)")
	if err := parse(fs, args, "username"); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		accounts := account.New(st)
		u, err := accounts.User(ctx, *username)
		if err != nil {
			return explain(err)
		}
		tokens, err := accounts.Tokens(ctx, u)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			state := "active"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", t.ID, t.CreatedAt.Format(time.RFC3339), state, t.Name)
		}
		return nil
	})
}

func tokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("token revoke", stderr)
	username := fs.String("username", "", "the token's user (required)")
	id := fs.String("id", "", "token id, from 'tuphap token list' (required)")
	if err := parse(fs, args, "username", "id"); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		accounts := account.New(st)
		u, err := accounts.User(ctx, *username)
		if err != nil {
			return explain(err)
		}
		if err := accounts.RevokeToken(ctx, u, *id, cli()); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "token %s revoked\n", *id)
		return nil
	})
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("audit verify", stderr)
	file := fs.String("checkpoints", env("TUPHAP_AUDIT_CHECKPOINTS", ""),
		"checkpoint file made by 'tuphap audit checkpoint': the chain must match every checkpoint in it (env TUPHAP_AUDIT_CHECKPOINTS)")
	keyFile := keyFileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cps []audit.Checkpoint
	if *file != "" {
		var err error
		if _, cps, err = readCheckpoints(*db, *keyFile, *file); err != nil {
			return fmt.Errorf("audit log NOT verified: %w", err)
		}
		if len(cps) == 0 { // an emptied or missing file must not pass as "checked against the checkpoints"
			return fmt.Errorf("audit log NOT verified: %s holds no checkpoint", *file)
		}
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		n, err := st.VerifyAudit(ctx, cps...)
		if err != nil {
			return fmt.Errorf("audit log NOT intact after %d good entries: %w", n, err)
		}
		fmt.Fprintf(stdout, "audit log intact: %d entries", n)
		if len(cps) > 0 {
			fmt.Fprintf(stdout, ", matching %d checkpoints (the last at entry %d)", len(cps), cps[len(cps)-1].Seq)
		}
		fmt.Fprintln(stdout)
		return nil
	})
}

// auditCheckpoint appends the chain's head to a file kept away from the database (see
// audit.Checkpoint): run it from cron, e.g. hourly.
func auditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("audit checkpoint", stderr)
	file := fs.String("checkpoints", env("TUPHAP_AUDIT_CHECKPOINTS", ""),
		"file the checkpoint is appended to; keep it off the database server (required; env TUPHAP_AUDIT_CHECKPOINTS)")
	keyFile := keyFileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return fmt.Errorf("audit checkpoint needs --checkpoints FILE: %w", errUsage)
	}
	// The file's own checkpoints must hold, and the log must match them: a rewrite with
	// recomputed hashes passes the chain alone, and must never be sealed by the next run.
	key, existing, err := readCheckpoints(*db, *keyFile, *file)
	if err != nil {
		return fmt.Errorf("no checkpoint made: %w", err)
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		head, _, err := st.VerifyAuditHead(ctx, existing...)
		if err != nil {
			return fmt.Errorf("audit log NOT intact, no checkpoint made: %w", err)
		}
		f, err := os.OpenFile(*file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, head.Line(key)); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "checkpoint at entry %d appended to %s\n", head.Seq, *file)
		return nil
	})
}

// readCheckpoints reads a checkpoint file (none when it does not exist yet) with the key derived
// from the master key, which it returns for sealing a new one.
func readCheckpoints(dsn, keyFile, file string) ([]byte, []audit.Checkpoint, error) {
	master, err := masterKey(dsn, keyFile, false, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("the master key, which seals the checkpoints: %w", err)
	}
	key := audit.CheckpointKey(master)
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return key, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return nil, nil, fmt.Errorf("%s ends in a partial line (an interrupted write?): repair it first", file)
	}
	cps, err := audit.ReadCheckpoints(bytes.NewReader(b), key)
	return key, cps, err
}

// keyFileFlag is serve's --secret-key-file, for the commands that need the master key.
func keyFileFlag(fs *flag.FlagSet) *string {
	return fs.String("secret-key-file", env("TUPHAP_SECRET_KEY_FILE", ""),
		"file with the master key (env TUPHAP_SECRET_KEY_FILE; default: the SQLite file's name + .secret, or tuphap.secret); TUPHAP_SECRET_KEY (base64) overrides it")
}

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("backup", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("backup takes one FILE: %w", errUsage)
	}
	file := fs.Arg(0)
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists; choose a new file", file)
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		if err := st.Backup(ctx, file); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s\n", file)
		return nil
	})
}
