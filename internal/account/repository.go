package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// repo is the SQL of offices, users, sessions and API tokens. It keeps recent token lookups
// (tokencache.go): its own revocations and user changes clear them at once, another server's
// (or the admin command's) take effect within the cache's time to live.
type repo struct {
	st     *store.Store
	tokens tokenCache
	// pruned is when the forgiven login failures were last deleted (the store's clock, Unix
	// nanoseconds).
	pruned atomic.Int64
}

// pruneEvery is how often the login failures older than auth.LockMax are deleted: they count for
// nothing, and a spray of names would otherwise leave its rows for good.
const pruneEvery = 10 * time.Minute

// pruneLoginTries deletes the forgiven failures, at most once every pruneEvery per process, a
// thousand rows a write and ten writes a time, so that the login it runs in neither waits long
// nor holds the writer from registrations after a large spray; what is left goes next time. It
// never fails the login: a failure is tried again at the next prune.
func (r *repo) pruneLoginTries(ctx context.Context, now time.Time) {
	last := r.pruned.Load()
	if now.UnixNano()-last < int64(pruneEvery) || !r.pruned.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	for range 10 {
		var n int64
		err := r.st.Write(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(`DELETE FROM login_attempts WHERE (username, address) IN
				(SELECT username, address FROM login_attempts WHERE last_at < $1 LIMIT 1000)`, store.Time(now.Add(-auth.LockMax)))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil || n < 1000 {
			return
		}
	}
}

// syncOffices makes sure every office exists with its current name. It runs at start: offices
// follow the administrative units, which are data shipped with the binary.
func (r *repo) syncOffices(ctx context.Context, offices []auth.Office) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		for _, o := range offices {
			if _, err := tx.Exec(`INSERT INTO offices (code, name, kind) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind`, o.Code, o.Name, o.Kind); err != nil {
				return fmt.Errorf("account: sync office %s: %w", o.Code, err)
			}
		}
		return nil
	})
}

// office returns one office.
func (r *repo) office(ctx context.Context, code string) (auth.Office, error) {
	var o auth.Office
	err := r.st.QueryRow(ctx, `SELECT code, name, kind FROM offices WHERE code = $1`, code).Scan(&o.Code, &o.Name, &o.Kind)
	if err != nil {
		return o, r.st.Fail(store.NotFound(fmt.Errorf("account: office %s: %w", code, err), "office.not_found"))
	}
	return o, nil
}

// offices lists offices, the department first.
func (r *repo) offices(ctx context.Context) ([]auth.Office, error) {
	rows, err := r.st.Query(ctx, `SELECT code, name, kind FROM offices ORDER BY kind DESC, code`)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("account: offices: %w", err))
	}
	defer rows.Close()
	var out []auth.Office
	for rows.Next() {
		var o auth.Office
		if err := rows.Scan(&o.Code, &o.Name, &o.Kind); err != nil {
			return nil, r.st.Fail(err)
		}
		out = append(out, o)
	}
	return out, r.st.Fail(rows.Err())
}

const userCols = `id, username, full_name, role, office_code, password_hash, totp_secret, disabled, failed_logins, last_failed_at, created_at`

func scanUser(row store.Scanner) (auth.User, error) {
	var u auth.User
	var role string
	err := row.Scan(userDest(&u, &role)...)
	u.Role = auth.Role(role)
	return u, err
}

// userDest are the scan destinations of userCols.
func userDest(u *auth.User, role *string) []any {
	return []any{&u.ID, &u.Username, &u.FullName, role, &u.Office, &u.PasswordHash, &u.TOTPSecret, &u.Disabled,
		&u.FailedLogins, store.ScanTime(&u.LastFailedAt), store.ScanTime(&u.CreatedAt)}
}

// createUser adds a user; the username must be free.
func (r *repo) createUser(ctx context.Context, u auth.User, by audit.Actor) (auth.User, error) {
	u.ID = store.NewID()
	u.CreatedAt = r.st.Now()
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, $9)`,
			u.ID, u.Username, u.FullName, string(u.Role), u.Office, u.PasswordHash, u.TOTPSecret, u.Disabled, store.Time(u.CreatedAt))
		if store.IsUniqueViolation(err) {
			return fault.Wrap(fault.Conflict, "user.exists", err)
		}
		if err != nil {
			return fmt.Errorf("account: create user %s: %w", u.Username, err)
		}
		return tx.Audit(by.Entry("user.create", "user:"+u.Username,
			fmt.Sprintf("role=%s office=%s", u.Role, u.Office)))
	})
	return u, err
}

// userByUsername finds a user by login name.
func (r *repo) userByUsername(ctx context.Context, username string) (auth.User, error) {
	u, err := scanUser(r.st.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	if err != nil {
		return u, r.st.Fail(store.NotFound(fmt.Errorf("account: user %q: %w", username, err), "user.not_found"))
	}
	return u, nil
}

// userByID finds a user by id.
func (r *repo) userByID(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(r.st.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, r.st.Fail(store.NotFound(fmt.Errorf("account: user id %s: %w", id, err), "user.not_found"))
	}
	return u, nil
}

// users lists users, limited to one office when office is not "".
func (r *repo) users(ctx context.Context, office string) ([]auth.User, error) {
	return store.Collect(ctx, r.st, scanUser, "users", `SELECT `+userCols+` FROM users WHERE ($1 = '' OR office_code = $1) ORDER BY username`, office)
}

// UpdateUser changes one column of a user (by name from a fixed list) and audits it.
func (r *repo) updateUser(ctx context.Context, id, set string, args []any, entry audit.Entry) error {
	defer r.tokens.clear() // a disabled user's tokens stop working now
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE users SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
		if err != nil {
			return fmt.Errorf("account: update user %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "user.not_found")
		}
		if entry.Action == "" {
			return nil
		}
		return tx.Audit(entry)
	})
}

// setPassword replaces a user's password hash, clears lock-out and ends every session: whoever
// knew the old password is logged out.
func (r *repo) setPassword(ctx context.Context, u auth.User, hash string, by audit.Actor) error {
	defer r.tokens.clear() // its tokens stop working now
	now := store.Time(r.st.Now())
	// One transaction: a new password never lives beside the sessions or tokens of the old one.
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE users SET password_hash = $2, failed_logins = 0, last_failed_at = NULL WHERE id = $1`, u.ID, hash)
		if err != nil {
			return fmt.Errorf("account: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "user.not_found")
		}
		if err := tx.Audit(by.Entry("user.password", "user:"+u.Username, "")); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, u.ID, now); err != nil {
			return fmt.Errorf("account: revoke tokens: %w", err)
		}
		if _, err := tx.Exec(`UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, u.ID, now); err != nil {
			return fmt.Errorf("account: revoke sessions: %w", err)
		}
		return tx.Audit(by.Entry("session.revoke_all", "user:"+u.Username, "password changed; its API tokens too"))
	})
}

// setTOTP stores a user's TOTP secret ("" removes it).
func (r *repo) setTOTP(ctx context.Context, u auth.User, secret string, by audit.Actor) error {
	action := "user.totp_enroll"
	if secret == "" {
		action = "user.totp_remove"
	}
	return r.updateUser(ctx, u.ID, `totp_secret = $2`, []any{secret}, by.Entry(action, "user:"+u.Username, ""))
}

// setDisabled blocks or unblocks a user; blocking ends their sessions.
func (r *repo) setDisabled(ctx context.Context, u auth.User, disabled bool, by audit.Actor) error {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	if err := r.updateUser(ctx, u.ID, `disabled = $2`, []any{disabled}, by.Entry(action, "user:"+u.Username, "")); err != nil {
		return err
	}
	if disabled {
		return r.revokeUserSessions(ctx, u, "", by)
	}
	return nil
}

// loginFailed counts a failed login for lock-out and audits it.
func (r *repo) loginFailed(ctx context.Context, u auth.User, by audit.Actor, reason string) error {
	return r.updateUser(ctx, u.ID, `failed_logins = failed_logins + 1, last_failed_at = $2`, []any{store.Time(r.st.Now())},
		by.Entry("login.fail", "user:"+u.Username, reason))
}

// loginSucceeded clears the failure count.
func (r *repo) loginSucceeded(ctx context.Context, u auth.User) error {
	if u.FailedLogins == 0 {
		return nil
	}
	return r.updateUser(ctx, u.ID, `failed_logins = 0, last_failed_at = NULL`, nil, audit.Entry{})
}

// createSession stores a new session (by the hash of its secret) and audits the login.
func (r *repo) createSession(ctx context.Context, sess auth.Session, u auth.User, by audit.Actor) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, mfa_done, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sess.IDHash, sess.UserID, store.Time(sess.CreatedAt), store.Time(sess.ExpiresAt),
			store.Time(sess.LastSeenAt), sess.MFADone, sess.IP, sess.UserAgent)
		if err != nil {
			return fmt.Errorf("account: create session: %w", err)
		}
		return tx.Audit(by.Entry("login.ok", "user:"+u.Username, "session:"+sess.IDHash[:12]))
	})
}

const sessionCols = `id_hash, user_id, created_at, expires_at, last_seen_at, mfa_done, ip, user_agent, revoked_at`

func scanSession(row store.Scanner) (auth.Session, error) {
	var x auth.Session
	err := row.Scan(&x.IDHash, &x.UserID, store.ScanTime(&x.CreatedAt), store.ScanTime(&x.ExpiresAt), store.ScanTime(&x.LastSeenAt),
		&x.MFADone, &x.IP, &x.UserAgent, store.ScanTime(&x.RevokedAt))
	return x, err
}

// session finds a session by the hash of its secret.
func (r *repo) session(ctx context.Context, idHash string) (auth.Session, error) {
	x, err := scanSession(r.st.QueryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id_hash = $1`, idHash))
	if err != nil {
		return x, r.st.Fail(store.NotFound(fmt.Errorf("account: session: %w", err), "session.not_found"))
	}
	return x, nil
}

// userSessions lists a user's sessions, newest first.
func (r *repo) userSessions(ctx context.Context, userID string) ([]auth.Session, error) {
	return store.Collect(ctx, r.st, scanSession, "sessions", `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1 ORDER BY created_at DESC`, userID)
}

// touchSession extends a live session (sliding expiry) and may mark its second factor done.
func (r *repo) touchSession(ctx context.Context, idHash string, expires time.Time, mfaDone bool) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE sessions SET last_seen_at = $2, expires_at = $3, mfa_done = $4 WHERE id_hash = $1`,
			idHash, store.Time(r.st.Now()), store.Time(expires), mfaDone)
		return err
	})
}

// takeTOTPAttempt counts one more second-factor code tried by a live session, if it has any
// left of max, and says how many it has left after this one; -1 when none was left.
func (r *repo) takeTOTPAttempt(ctx context.Context, idHash string, max int) (int, error) {
	var used int
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`UPDATE sessions SET mfa_attempts = mfa_attempts + 1 WHERE id_hash = $1 AND revoked_at IS NULL
			AND mfa_attempts < $2 RETURNING mfa_attempts`, idHash, max).Scan(&used)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("account: second factor attempt: %w", err)
	}
	return max - used, nil
}

// useTOTPStep records the time step of an accepted code; false if that step, or a later one,
// was used already (the code is being replayed).
func (r *repo) useTOTPStep(ctx context.Context, u auth.User, step int64) (bool, error) {
	var fresh bool
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, u.ID, step)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		fresh = n == 1
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("account: second factor step: %w", err)
	}
	return fresh, nil
}

// revokeSession ends one session.
func (r *repo) revokeSession(ctx context.Context, idHash string, by audit.Actor) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL`,
			idHash, store.Time(r.st.Now())); err != nil {
			return fmt.Errorf("account: revoke session: %w", err)
		}
		return tx.Audit(by.Entry("session.revoke", "session:"+idHash[:min(12, len(idHash))], ""))
	})
}

// revokeUserSessions ends every session of u except the one whose hash is keep.
func (r *repo) revokeUserSessions(ctx context.Context, u auth.User, keep string, by audit.Actor) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id_hash <> $3`,
			u.ID, store.Time(r.st.Now()), keep); err != nil {
			return fmt.Errorf("account: revoke sessions: %w", err)
		}
		return tx.Audit(by.Entry("session.revoke_all", "user:"+u.Username, ""))
	})
}

// createToken stores an API token by its hash.
func (r *repo) createToken(ctx context.Context, u auth.User, name, hash string, by audit.Actor) (auth.Token, error) {
	t := auth.Token{ID: store.NewID(), UserID: u.ID, Name: name, CreatedAt: r.st.Now()}
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO api_tokens (id, hash, user_id, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, hash, u.ID, name, store.Time(t.CreatedAt)); err != nil {
			return fmt.Errorf("account: create token: %w", err)
		}
		return tx.Audit(by.Entry("token.create", "user:"+u.Username, "token:"+t.ID))
	})
	return t, err
}

// tokenUserQuery reads a token and its user, built once: every API request runs it.
var tokenUserQuery = `SELECT t.id, t.name, t.created_at, t.last_used_at, t.revoked_at, u.` + strings.ReplaceAll(userCols, ", ", ", u.") + `
	FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`

// tokenUser returns the live token with that hash and its user, and notes its use.
func (r *repo) tokenUser(ctx context.Context, hash string) (auth.Token, auth.User, error) {
	t, u, gen, ok := r.tokens.get(hash, r.st.Now())
	if ok {
		return t, u, nil
	}
	var role string
	// One query for both: every API request starts here.
	err := r.st.QueryRow(ctx, tokenUserQuery, hash).
		Scan(append([]any{&t.ID, &t.Name, store.ScanTime(&t.CreatedAt), store.ScanTime(&t.LastUsedAt), store.ScanTime(&t.RevokedAt)}, userDest(&u, &role)...)...)
	if err != nil {
		return t, auth.User{}, r.st.Fail(store.NotFound(fmt.Errorf("account: token: %w", err), "token.not_found"))
	}
	t.UserID, u.Role = u.ID, auth.Role(role)
	if !t.RevokedAt.IsZero() {
		return t, auth.User{}, fault.New(fault.Unauthorized, "token.revoked")
	}
	// Note the use at most once a minute, so that a busy client does not turn every read into a write.
	if now := r.st.Now(); now.Sub(t.LastUsedAt) > time.Minute {
		_ = r.st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, store.Time(now))
			return err
		})
	}
	r.tokens.put(hash, t, u, r.st.Now(), gen)
	return t, u, nil
}

// userTokens lists a user's tokens.
func (r *repo) userTokens(ctx context.Context, userID string) ([]auth.Token, error) {
	rows, err := r.st.Query(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("account: tokens: %w", err))
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, store.ScanTime(&t.CreatedAt), store.ScanTime(&t.LastUsedAt), store.ScanTime(&t.RevokedAt)); err != nil {
			return nil, r.st.Fail(err)
		}
		out = append(out, t)
	}
	return out, r.st.Fail(rows.Err())
}

// revokeToken ends a token of user u.
func (r *repo) revokeToken(ctx context.Context, u auth.User, id string, by audit.Actor) error {
	defer r.tokens.clear()
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, u.ID, store.Time(r.st.Now()))
		if err != nil {
			return fmt.Errorf("account: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "token.not_found")
		}
		return tx.Audit(by.Entry("token.revoke", "user:"+u.Username, "token:"+id))
	})
}

// takeLoginTry counts one more try of name from address, and of address over every name, if
// neither is locked; it says how long to wait otherwise. The count is taken before the password
// is checked (compare and set, retried), so that tries at once cannot exceed it.
func (r *repo) takeLoginTry(ctx context.Context, name, address string) (wait time.Duration, err error) {
	r.pruneLoginTries(ctx, r.st.Now())
	for _, k := range []struct {
		name string
		free int
	}{{name, auth.FreeFailures}, {"*", auth.AddressFreeFailures}} {
		for attempt := 0; ; attempt++ {
			now := r.st.Now()
			var failures int
			var last time.Time
			err := r.st.QueryRow(ctx, `SELECT failures, last_at FROM login_attempts WHERE username = $1 AND address = $2`, k.name, address).
				Scan(&failures, store.ScanTime(&last))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return 0, r.st.Fail(fmt.Errorf("account: login tries: %w", err))
			}
			count := failures
			if now.Sub(last) > auth.LockMax {
				count = 0 // failures that old are forgiven
			}
			if until := auth.LockedAfter(count, k.free, last); now.Before(until) {
				return until.Sub(now), nil
			}
			var taken bool
			err = r.st.Write(ctx, func(tx *store.Tx) error {
				res, err := tx.Exec(`INSERT INTO login_attempts (username, address, failures, last_at) VALUES ($1, $2, 1, $5)
					ON CONFLICT (username, address) DO UPDATE SET failures = $4, last_at = $5
					WHERE login_attempts.failures = $3`, k.name, address, failures, count+1, store.Time(now))
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				taken = n == 1
				return nil
			})
			if err != nil {
				return 0, fmt.Errorf("account: login try: %w", err)
			}
			if taken {
				break
			}
			if attempt > 50 {
				return 0, fmt.Errorf("account: login try: too much contention")
			}
		}
	}
	return 0, nil
}

// loginSucceededFrom forgets the failures of name from address (a right password ends them),
// and takes the try back from the address's count, which counts failures only.
func (r *repo) loginSucceededFrom(ctx context.Context, name, address string) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`DELETE FROM login_attempts WHERE username = $1 AND address = $2`, name, address); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE login_attempts SET failures = failures - 1 WHERE username = '*' AND address = $1 AND failures > 0`, address)
		return err
	})
}

// totpFailures reads an account's count of wrong second-factor codes and when the last was.
func (r *repo) totpFailures(ctx context.Context, u auth.User) (int, time.Time, error) {
	var n int
	var at time.Time
	err := r.st.QueryRow(ctx, `SELECT totp_failures, totp_failed_at FROM users WHERE id = $1`, u.ID).Scan(&n, store.ScanTime(&at))
	return n, at, r.st.Fail(err)
}

// totpFailed counts a wrong code of u; totpPassed clears the count.
func (r *repo) totpFailed(ctx context.Context, u auth.User) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE users SET totp_failures = totp_failures + 1, totp_failed_at = $2 WHERE id = $1`, u.ID, store.Time(r.st.Now()))
		return err
	})
}

func (r *repo) totpPassed(ctx context.Context, u auth.User) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE users SET totp_failures = 0, totp_failed_at = NULL WHERE id = $1 AND totp_failures > 0`, u.ID)
		return err
	})
}

// giveBackTry takes back a login try that was counted but never judged (the server was too busy
// to check the password, or the caller left): it must not count as a failure.
func (r *repo) giveBackTry(ctx context.Context, name, address string) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE login_attempts SET failures = failures - 1 WHERE (username = $1 OR username = '*') AND address = $2 AND failures > 0`, name, address)
		return err
	})
}
