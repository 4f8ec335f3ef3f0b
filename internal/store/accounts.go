package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
)

func isInternal(err error) bool { return fault.KindOf(err) == fault.Internal }

func notFound(err error, code string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Wrap(fault.NotFound, code, err)
	}
	return err
}

// SyncOffices makes sure every office exists with its current name. It runs at start: offices
// follow the administrative units, which are data shipped with the binary.
func (s *Store) SyncOffices(ctx context.Context, offices []auth.Office) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, o := range offices {
			if _, err := s.exec(ctx, tx, `INSERT INTO offices (code, name, kind) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind`, o.Code, o.Name, o.Kind); err != nil {
				return fmt.Errorf("store: sync office %s: %w", o.Code, err)
			}
		}
		return nil
	})
}

// Office returns one office.
func (s *Store) Office(ctx context.Context, code string) (auth.Office, error) {
	var o auth.Office
	err := s.readRow(ctx, `SELECT code, name, kind FROM offices WHERE code = $1`, code).Scan(&o.Code, &o.Name, &o.Kind)
	if err != nil {
		return o, s.fail(notFound(fmt.Errorf("store: office %s: %w", code, err), "office.not_found"))
	}
	return o, nil
}

// Offices lists offices, the department first.
func (s *Store) Offices(ctx context.Context) ([]auth.Office, error) {
	rows, err := s.read(ctx, `SELECT code, name, kind FROM offices ORDER BY kind DESC, code`)
	if err != nil {
		return nil, s.fail(fmt.Errorf("store: offices: %w", err))
	}
	defer rows.Close()
	var out []auth.Office
	for rows.Next() {
		var o auth.Office
		if err := rows.Scan(&o.Code, &o.Name, &o.Kind); err != nil {
			return nil, s.fail(err)
		}
		out = append(out, o)
	}
	return out, s.fail(rows.Err())
}

const userCols = `id, username, full_name, role, office_code, password_hash, totp_secret, disabled, failed_logins, last_failed_at, created_at`

func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	var role string
	err := row.Scan(userDest(&u, &role)...)
	u.Role = auth.Role(role)
	return u, err
}

// userDest are the scan destinations of userCols.
func userDest(u *auth.User, role *string) []any {
	return []any{&u.ID, &u.Username, &u.FullName, role, &u.Office, &u.PasswordHash, &u.TOTPSecret, &u.Disabled,
		&u.FailedLogins, scanTime(&u.LastFailedAt), scanTime(&u.CreatedAt)}
}

// CreateUser adds a user; the username must be free.
func (s *Store) CreateUser(ctx context.Context, u auth.User, by audit.Actor) (auth.User, error) {
	u.ID = newID()
	u.CreatedAt = s.Now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, $9)`,
			u.ID, u.Username, u.FullName, string(u.Role), u.Office, u.PasswordHash, u.TOTPSecret, u.Disabled, ts(u.CreatedAt))
		if isUniqueViolation(err) {
			return fault.Wrap(fault.Conflict, "user.exists", err)
		}
		if err != nil {
			return fmt.Errorf("store: create user %s: %w", u.Username, err)
		}
		return s.appendAudit(ctx, tx, by.Entry("user.create", "user:"+u.Username,
			fmt.Sprintf("role=%s office=%s", u.Role, u.Office)))
	})
	return u, err
}

// UserByUsername finds a user by login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	u, err := scanUser(s.readRow(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	if err != nil {
		return u, s.fail(notFound(fmt.Errorf("store: user %q: %w", username, err), "user.not_found"))
	}
	return u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(s.readRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, s.fail(notFound(fmt.Errorf("store: user id %s: %w", id, err), "user.not_found"))
	}
	return u, nil
}

// Users lists users, limited to one office when office is not "".
func (s *Store) Users(ctx context.Context, office string) ([]auth.User, error) {
	return collect(ctx, s, scanUser, "users", `SELECT `+userCols+` FROM users WHERE ($1 = '' OR office_code = $1) ORDER BY username`, office)
}

// UpdateUser changes one column of a user (by name from a fixed list) and audits it.
func (s *Store) updateUser(ctx context.Context, id, set string, args []any, entry audit.Entry) error {
	defer s.tokens.clear() // a disabled user's tokens stop working now
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE users SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
		if err != nil {
			return fmt.Errorf("store: update user %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "user.not_found")
		}
		if entry.Action == "" {
			return nil
		}
		return s.appendAudit(ctx, tx, entry)
	})
}

// SetPassword replaces a user's password hash, clears lock-out and ends every session: whoever
// knew the old password is logged out.
func (s *Store) SetPassword(ctx context.Context, u auth.User, hash string, by audit.Actor) error {
	err := s.updateUser(ctx, u.ID, `password_hash = $2, failed_logins = 0, last_failed_at = NULL`, []any{hash},
		by.Entry("user.password", "user:"+u.Username, ""))
	if err != nil {
		return err
	}
	return s.RevokeUserSessions(ctx, u, "", by)
}

// SetTOTP stores a user's TOTP secret ("" removes it).
func (s *Store) SetTOTP(ctx context.Context, u auth.User, secret string, by audit.Actor) error {
	action := "user.totp_enroll"
	if secret == "" {
		action = "user.totp_remove"
	}
	return s.updateUser(ctx, u.ID, `totp_secret = $2`, []any{secret}, by.Entry(action, "user:"+u.Username, ""))
}

// SetDisabled blocks or unblocks a user; blocking ends their sessions.
func (s *Store) SetDisabled(ctx context.Context, u auth.User, disabled bool, by audit.Actor) error {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	if err := s.updateUser(ctx, u.ID, `disabled = $2`, []any{disabled}, by.Entry(action, "user:"+u.Username, "")); err != nil {
		return err
	}
	if disabled {
		return s.RevokeUserSessions(ctx, u, "", by)
	}
	return nil
}

// LoginFailed counts a failed login for lock-out and audits it.
func (s *Store) LoginFailed(ctx context.Context, u auth.User, by audit.Actor, reason string) error {
	return s.updateUser(ctx, u.ID, `failed_logins = failed_logins + 1, last_failed_at = $2`, []any{ts(s.Now())},
		by.Entry("login.fail", "user:"+u.Username, reason))
}

// LoginSucceeded clears the failure count.
func (s *Store) LoginSucceeded(ctx context.Context, u auth.User) error {
	if u.FailedLogins == 0 {
		return nil
	}
	return s.updateUser(ctx, u.ID, `failed_logins = 0, last_failed_at = NULL`, nil, audit.Entry{})
}

// CreateSession stores a new session (by the hash of its secret) and audits the login.
func (s *Store) CreateSession(ctx context.Context, sess auth.Session, u auth.User, by audit.Actor) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, mfa_done, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sess.IDHash, sess.UserID, ts(sess.CreatedAt), ts(sess.ExpiresAt),
			ts(sess.LastSeenAt), sess.MFADone, sess.IP, sess.UserAgent)
		if err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("login.ok", "user:"+u.Username, "session:"+sess.IDHash[:12]))
	})
}

const sessionCols = `id_hash, user_id, created_at, expires_at, last_seen_at, mfa_done, ip, user_agent, revoked_at`

func scanSession(row interface{ Scan(...any) error }) (auth.Session, error) {
	var x auth.Session
	err := row.Scan(&x.IDHash, &x.UserID, scanTime(&x.CreatedAt), scanTime(&x.ExpiresAt), scanTime(&x.LastSeenAt),
		&x.MFADone, &x.IP, &x.UserAgent, scanTime(&x.RevokedAt))
	return x, err
}

// Session finds a session by the hash of its secret.
func (s *Store) Session(ctx context.Context, idHash string) (auth.Session, error) {
	x, err := scanSession(s.readRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id_hash = $1`, idHash))
	if err != nil {
		return x, s.fail(notFound(fmt.Errorf("store: session: %w", err), "session.not_found"))
	}
	return x, nil
}

// UserSessions lists a user's sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]auth.Session, error) {
	return collect(ctx, s, scanSession, "sessions", `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1 ORDER BY created_at DESC`, userID)
}

// TouchSession extends a live session (sliding expiry) and may mark its second factor done.
func (s *Store) TouchSession(ctx context.Context, idHash string, expires time.Time, mfaDone bool) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3, mfa_done = $4 WHERE id_hash = $1`,
			idHash, ts(s.Now()), ts(expires), mfaDone)
		return err
	})
}

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, idHash string, by audit.Actor) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL`,
			idHash, ts(s.Now())); err != nil {
			return fmt.Errorf("store: revoke session: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("session.revoke", "session:"+idHash[:min(12, len(idHash))], ""))
	})
}

// RevokeUserSessions ends every session of u except the one whose hash is keep.
func (s *Store) RevokeUserSessions(ctx context.Context, u auth.User, keep string, by audit.Actor) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id_hash <> $3`,
			u.ID, ts(s.Now()), keep); err != nil {
			return fmt.Errorf("store: revoke sessions: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("session.revoke_all", "user:"+u.Username, ""))
	})
}

// CreateToken stores an API token by its hash.
func (s *Store) CreateToken(ctx context.Context, u auth.User, name, hash string, by audit.Actor) (auth.Token, error) {
	t := auth.Token{ID: newID(), UserID: u.ID, Name: name, CreatedAt: s.Now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `INSERT INTO api_tokens (id, hash, user_id, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, hash, u.ID, name, ts(t.CreatedAt)); err != nil {
			return fmt.Errorf("store: create token: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("token.create", "user:"+u.Username, "token:"+t.ID))
	})
	return t, err
}

// tokenUserQuery reads a token and its user, built once: every API request runs it.
var tokenUserQuery = `SELECT t.id, t.name, t.created_at, t.last_used_at, t.revoked_at, u.` + strings.ReplaceAll(userCols, ", ", ", u.") + `
	FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`

// TokenUser returns the live token with that hash and its user, and notes its use.
func (s *Store) TokenUser(ctx context.Context, hash string) (auth.Token, auth.User, error) {
	t, u, gen, ok := s.tokens.get(hash, s.Now())
	if ok {
		return t, u, nil
	}
	var role string
	// One query for both: every API request starts here.
	err := s.readRow(ctx, tokenUserQuery, hash).
		Scan(append([]any{&t.ID, &t.Name, scanTime(&t.CreatedAt), scanTime(&t.LastUsedAt), scanTime(&t.RevokedAt)}, userDest(&u, &role)...)...)
	if err != nil {
		return t, auth.User{}, s.fail(notFound(fmt.Errorf("store: token: %w", err), "token.not_found"))
	}
	t.UserID, u.Role = u.ID, auth.Role(role)
	if !t.RevokedAt.IsZero() {
		return t, auth.User{}, fault.New(fault.Unauthorized, "token.revoked")
	}
	// Note the use at most once a minute, so that a busy client does not turn every read into a write.
	if now := s.Now(); now.Sub(t.LastUsedAt) > time.Minute {
		_ = s.tx(ctx, func(tx *sql.Tx) error {
			_, err := s.exec(ctx, tx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, ts(now))
			return err
		})
	}
	s.tokens.put(hash, t, u, s.Now(), gen)
	return t, u, nil
}

// UserTokens lists a user's tokens.
func (s *Store) UserTokens(ctx context.Context, userID string) ([]auth.Token, error) {
	rows, err := s.read(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, s.fail(fmt.Errorf("store: tokens: %w", err))
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, scanTime(&t.CreatedAt), scanTime(&t.LastUsedAt), scanTime(&t.RevokedAt)); err != nil {
			return nil, s.fail(err)
		}
		out = append(out, t)
	}
	return out, s.fail(rows.Err())
}

// RevokeToken ends a token of user u.
func (s *Store) RevokeToken(ctx context.Context, u auth.User, id string, by audit.Actor) error {
	defer s.tokens.clear()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, u.ID, ts(s.Now()))
		if err != nil {
			return fmt.Errorf("store: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "token.not_found")
		}
		return s.appendAudit(ctx, tx, by.Entry("token.revoke", "user:"+u.Username, "token:"+id))
	})
}
