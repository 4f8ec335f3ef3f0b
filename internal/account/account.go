// Package account is the service behind logins and user management: it applies the rules of
// package auth to what package store keeps, for both the web server and the command line.
package account

import (
	"context"
	"regexp"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Session lifetimes: an idle session ends after IdleTimeout; any session after MaxAge.
const (
	IdleTimeout = 2 * time.Hour
	MaxAge      = 12 * time.Hour
	touchEvery  = 5 * time.Minute // sliding expiry is written at most this often
)

// Service manages offices, accounts, sessions and tokens.
type Service struct {
	store  *store.Store
	repo   *repo
	Issuer string // shown in authenticator apps
}

// New returns a service over st. Each service keeps its own cache of token lookups: a process
// makes one and shares it.
func New(st *store.Store) *Service { return &Service{store: st, repo: &repo{st: st}, Issuer: "tuphap"} }

func (s *Service) now() time.Time { return s.store.Now() }

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// NewUser is the input for AddUser.
type NewUser struct {
	Username string
	FullName string
	Role     string
	Office   string
	Password string
}

// AddUser validates and creates a user, reporting every problem at once.
func (s *Service) AddUser(ctx context.Context, in NewUser, by audit.Actor) (auth.User, error) {
	var v fault.Validation
	in.Username = strings.TrimSpace(strings.ToLower(in.Username))
	v.Check(usernameRE.MatchString(in.Username), "username", "user.username_format")
	role, err := auth.ParseRole(in.Role)
	if err != nil {
		v.Add("role", "role.unknown")
	}
	if _, err := s.repo.office(ctx, in.Office); err != nil {
		if !fault.Is(err, fault.NotFound) {
			return auth.User{}, err
		}
		v.Add("office", "office.not_found")
	} else if role != "" {
		if err := auth.CheckOffice(role, in.Office); err != nil {
			e, _ := fault.As(err)
			v.Add("office", e.Code)
		}
	}
	if err := auth.CheckPassword(in.Password); err != nil {
		v.Add("password", "password.too_short")
	}
	if err := v.Err(); err != nil {
		return auth.User{}, err
	}
	var hash string
	if herr := hashing(ctx, func() { hash, err = auth.HashPassword(in.Password) }); herr != nil {
		return auth.User{}, herr
	}
	if err != nil {
		return auth.User{}, err
	}
	fullName := strings.TrimSpace(in.FullName)
	if fullName == "" {
		fullName = in.Username
	}
	return s.repo.createUser(ctx, auth.User{Username: in.Username, FullName: fullName, Role: role, Office: in.Office, PasswordHash: hash}, by)
}

// SetPassword sets a new password for username (administrators and the command line).
func (s *Service) SetPassword(ctx context.Context, username, password string, by audit.Actor) error {
	if err := auth.CheckPassword(password); err != nil {
		return err
	}
	u, err := s.repo.userByUsername(ctx, username)
	if err != nil {
		return err
	}
	var hash string
	if herr := hashing(ctx, func() { hash, err = auth.HashPassword(password) }); herr != nil {
		return herr
	}
	if err != nil {
		return err
	}
	return s.repo.setPassword(ctx, u, hash, by)
}

// ChangePassword is a user changing their own password, which needs the old one.
func (s *Service) ChangePassword(ctx context.Context, u auth.User, old, password string, by audit.Actor) error {
	// Guessing the old password through an open session is throttled like a login.
	wait, err := s.repo.takeLoginTry(ctx, u.Username, by.IP)
	if err != nil {
		return err
	}
	if wait > 0 {
		return fault.New(fault.TooMany, "login.locked", s.now().Add(wait))
	}
	var ok bool
	if err := hashing(ctx, func() { ok = auth.VerifyPassword(u.PasswordHash, old) }); err != nil {
		_ = s.repo.giveBackTry(context.WithoutCancel(ctx), u.Username, by.IP)
		return err
	}
	if ok {
		if err := s.repo.loginSucceededFrom(ctx, u.Username, by.IP); err != nil {
			return err
		}
	}
	if !ok {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"old_password": "login.bad_password"}}
	}
	return s.SetPassword(ctx, u.Username, password, by)
}

// Login checks a username and password and opens a session. It answers the same
// "wrong username or password" for an unknown user and a wrong password, and locks an account
// out for a growing time after repeated failures. The returned secret goes into the cookie.
func (s *Service) Login(ctx context.Context, username, password string, from audit.Actor, userAgent string) (string, auth.User, error) {
	username = strings.TrimSpace(strings.ToLower(username))
	// The try is counted before anything is looked up, by the name typed and the address, the
	// same for a name that exists and one that does not.
	wait, err := s.repo.takeLoginTry(ctx, username, from.IP)
	if err != nil {
		return "", auth.User{}, err
	}
	if wait > 0 {
		_ = s.store.Audit(ctx, from.Entry("login.locked", "user:"+username, "wait="+wait.Round(time.Second).String()))
		return "", auth.User{}, fault.New(fault.TooMany, "login.locked", s.now().Add(wait))
	}
	u, err := s.repo.userByUsername(ctx, username)
	if fault.Is(err, fault.NotFound) {
		if err := hashing(ctx, func() { auth.BurnPasswordTime(password) }); err != nil {
			_ = s.repo.giveBackTry(context.WithoutCancel(ctx), username, from.IP)
			return "", u, err
		}
		_ = s.store.Audit(ctx, from.Entry("login.fail", "user:"+username, "unknown user"))
		return "", u, fault.New(fault.Unauthorized, "login.bad_password")
	}
	if err != nil {
		return "", u, err
	}
	var ok bool
	if err := hashing(ctx, func() { ok = auth.VerifyPassword(u.PasswordHash, password) }); err != nil {
		_ = s.repo.giveBackTry(context.WithoutCancel(ctx), username, from.IP)
		return "", u, err
	}
	if !ok {
		if err := s.repo.loginFailed(ctx, u, from, "bad password"); err != nil {
			return "", u, err
		}
		return "", u, fault.New(fault.Unauthorized, "login.bad_password")
	}
	if u.Disabled {
		_ = s.store.Audit(ctx, from.Entry("login.fail", "user:"+username, "disabled"))
		return "", u, fault.New(fault.Unauthorized, "login.disabled")
	}
	if err := s.repo.loginSucceededFrom(ctx, username, from.IP); err != nil {
		return "", u, err
	}
	if err := s.repo.loginSucceeded(ctx, u); err != nil {
		return "", u, err
	}
	secret, hash, err := auth.NewSecret("s_")
	if err != nil {
		return "", u, err
	}
	now := s.now()
	sess := auth.Session{IDHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(IdleTimeout), LastSeenAt: now,
		MFADone: u.TOTPSecret == "" && !u.Role.RequiresTOTP(), IP: from.IP, UserAgent: trim(cleanText(userAgent), 200)}
	by := from
	by.UserID, by.Username, by.Office = u.ID, u.Username, u.Office
	if err := s.repo.createSession(ctx, sess, u, by); err != nil {
		return "", u, err
	}
	return secret, u, nil
}

// Authenticate returns the live session for a cookie secret and its user. A session whose
// second factor is still pending is returned too; the caller must send it to the TOTP step.
func (s *Service) Authenticate(ctx context.Context, secret string) (auth.Session, auth.User, error) {
	unauth := fault.New(fault.Unauthorized, "session.expired")
	if secret == "" {
		return auth.Session{}, auth.User{}, fault.New(fault.Unauthorized, "session.none")
	}
	sess, err := s.repo.session(ctx, auth.HashSecret(secret))
	if fault.Is(err, fault.NotFound) {
		return sess, auth.User{}, unauth
	}
	if err != nil {
		return sess, auth.User{}, err
	}
	now := s.now()
	if !sess.RevokedAt.IsZero() || now.After(sess.ExpiresAt) || now.Sub(sess.CreatedAt) > MaxAge {
		return sess, auth.User{}, unauth
	}
	u, err := s.repo.userByID(ctx, sess.UserID)
	if err != nil {
		return sess, u, err
	}
	if u.Disabled {
		return sess, u, unauth
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		sess.ExpiresAt = now.Add(IdleTimeout)
		if err := s.repo.touchSession(ctx, sess.IDHash, sess.ExpiresAt, sess.MFADone); err != nil {
			return sess, u, err
		}
	}
	return sess, u, nil
}

// AuthenticateToken returns the user of a live API token.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (auth.User, error) {
	_, u, err := s.repo.tokenUser(ctx, auth.HashSecret(secret))
	if fault.Is(err, fault.NotFound) {
		return u, fault.New(fault.Unauthorized, "token.invalid")
	}
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return u, fault.New(fault.Unauthorized, "login.disabled")
	}
	return u, nil
}

// CompleteTOTP checks the second factor of a pending session. A session tries at most
// auth.MaxTOTPAttempts codes, counted before each is checked so that parallel guesses cannot
// exceed it; then it ends and the password must be given again. Each wrong code also counts
// towards the account's lock-out, and a code already used, or older than one used, is refused
// (RFC 6238 §5.2).
func (s *Service) CompleteTOTP(ctx context.Context, sess auth.Session, u auth.User, code string, by audit.Actor) error {
	// Across sessions: an account's wrong codes lock its second factor as wrong passwords lock a
	// name (a right password would otherwise buy five more guesses each time).
	failures, last, err := s.repo.totpFailures(ctx, u)
	if err != nil {
		return err
	}
	if s.now().Before(auth.LockedUntil(failures, last)) {
		return s.endHalfLogin(ctx, sess, u, by)
	}
	left, err := s.repo.takeTOTPAttempt(ctx, sess.IDHash, auth.MaxTOTPAttempts)
	if err != nil {
		return err
	}
	if left < 0 {
		return s.endHalfLogin(ctx, sess, u, by)
	}
	step, ok := auth.MatchTOTP(u.TOTPSecret, strings.TrimSpace(code), s.now())
	reason := "bad second factor"
	if ok {
		fresh, err := s.repo.useTOTPStep(ctx, u, step)
		if err != nil {
			return err
		}
		if fresh {
			if err := s.repo.totpPassed(ctx, u); err != nil {
				return err
			}
			return s.repo.touchSession(ctx, sess.IDHash, s.now().Add(IdleTimeout), true)
		}
		reason = "second factor code used before"
	}
	if u.TOTPSecret == "" {
		reason = "no second factor"
	}
	if err := s.repo.loginFailed(ctx, u, by, reason); err != nil {
		return err
	}
	if err := s.repo.totpFailed(ctx, u); err != nil {
		return err
	}
	// A wrong code counts as a failed login of the name from this address.
	if _, err := s.repo.takeLoginTry(ctx, u.Username, by.IP); err != nil {
		return err
	}
	if left == 0 {
		return s.endHalfLogin(ctx, sess, u, by)
	}
	return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"code": "totp.bad_code"}}
}

// endHalfLogin ends a session whose second factor was guessed at too often.
func (s *Service) endHalfLogin(ctx context.Context, sess auth.Session, u auth.User, by audit.Actor) error {
	if err := s.repo.revokeSession(ctx, sess.IDHash, by); err != nil {
		return err
	}
	_ = s.store.Audit(ctx, by.Entry("login.totp_exhausted", "user:"+u.Username, ""))
	return fault.New(fault.Unauthorized, "totp.too_many")
}

// EnrollTOTP stores a new second factor once the user proves their app has it, and marks the
// current session as fully logged in. The code shown cannot serve again.
func (s *Service) EnrollTOTP(ctx context.Context, sess auth.Session, u auth.User, secret, code string, by audit.Actor) error {
	step, ok := auth.MatchTOTP(secret, strings.TrimSpace(code), s.now())
	if secret == "" || !ok {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"code": "totp.bad_code"}}
	}
	if err := s.repo.setTOTP(ctx, u, secret, by); err != nil {
		return err
	}
	if _, err := s.repo.useTOTPStep(ctx, u, step); err != nil {
		return err
	}
	return s.repo.touchSession(ctx, sess.IDHash, s.now().Add(IdleTimeout), true)
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, sess auth.Session, by audit.Actor) error {
	return s.repo.revokeSession(ctx, sess.IDHash, by)
}

// CreateToken makes an API token for username and returns its secret, which is shown once.
func (s *Service) CreateToken(ctx context.Context, username, name string, by audit.Actor) (string, error) {
	u, err := s.repo.userByUsername(ctx, strings.ToLower(username))
	if err != nil {
		return "", err
	}
	secret, hash, err := auth.NewSecret("tp_")
	if err != nil {
		return "", err
	}
	if _, err := s.repo.createToken(ctx, u, trim(name, 100), hash, by); err != nil {
		return "", err
	}
	return secret, nil
}

func trim(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// OfficesFrom lists the offices that follow from the administrative units: the Department and
// the People's Committee of every current commune.
func OfficesFrom(reg *units.Registry, today time.Time) []auth.Office {
	out := []auth.Office{{Code: auth.DepartmentOffice, Name: "Sở Tư pháp tỉnh " + reg.Province().Name, Kind: "department"}}
	for _, u := range reg.CurrentCommunes(today) {
		out = append(out, auth.Office{Code: u.Code, Name: "UBND " + u.Name, Kind: "commune"})
	}
	return out
}

// cleanText keeps what the store may hold of a text the caller chose freely (a browser's name):
// valid UTF-8 without NUL.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
