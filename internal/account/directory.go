package account

import (
	"context"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
)

// Offices lists the offices, the department first.
func (s *Service) Offices(ctx context.Context) ([]auth.Office, error) { return s.repo.offices(ctx) }

// Office returns one office.
func (s *Service) Office(ctx context.Context, code string) (auth.Office, error) {
	return s.repo.office(ctx, code)
}

// SyncOffices makes sure every office exists with its current name (at start: offices follow
// the administrative units shipped with the binary).
func (s *Service) SyncOffices(ctx context.Context, offices []auth.Office) error {
	return s.repo.syncOffices(ctx, offices)
}

// User returns the account of a username (any case).
func (s *Service) User(ctx context.Context, username string) (auth.User, error) {
	return s.repo.userByUsername(ctx, normalUsername(username))
}

// ViewUser returns the account of a username for an administrator's page, and records the view
// as any view of a person's data is.
func (s *Service) ViewUser(ctx context.Context, by audit.Actor, username string) (auth.User, error) {
	u, err := s.User(ctx, username)
	if err != nil {
		return u, err
	}
	return u, s.store.Audit(ctx, by.Entry("user.view", "user:"+u.Username, ""))
}

// Users lists accounts, of one office when office is not "".
func (s *Service) Users(ctx context.Context, office string) ([]auth.User, error) {
	return s.repo.users(ctx, office)
}

// Sessions lists a user's sessions, newest first.
func (s *Service) Sessions(ctx context.Context, u auth.User) ([]auth.Session, error) {
	return s.repo.userSessions(ctx, u.ID)
}

// Tokens lists a user's API tokens.
func (s *Service) Tokens(ctx context.Context, u auth.User) ([]auth.Token, error) {
	return s.repo.userTokens(ctx, u.ID)
}

// RevokeSessions ends every session of u but the one whose hash is keep ("" ends them all).
func (s *Service) RevokeSessions(ctx context.Context, u auth.User, keep string, by audit.Actor) error {
	return s.repo.revokeUserSessions(ctx, u, keep, by)
}

// RevokeToken ends one of u's API tokens.
func (s *Service) RevokeToken(ctx context.Context, u auth.User, id string, by audit.Actor) error {
	return s.repo.revokeToken(ctx, u, id, by)
}

// RemoveTOTP removes u's second factor on a valid current code. Roles that require one
// (administrators) keep it.
func (s *Service) RemoveTOTP(ctx context.Context, u auth.User, code string, by audit.Actor) error {
	if u.Role.RequiresTOTP() {
		return fault.New(fault.Forbidden, "totp.required_for_role")
	}
	step, ok := auth.MatchTOTP(u.TOTPSecret, code, s.now())
	if ok {
		fresh, err := s.repo.useTOTPStep(ctx, u, step) // a code serves once, here too
		if err != nil {
			return err
		}
		ok = fresh
	}
	if !ok {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"code": "totp.bad_code"}}
	}
	return s.repo.setTOTP(ctx, u, "", by)
}

// SetDisabled blocks (ending their sessions and tokens' use) or unblocks the account of
// username. Nobody blocks themself: an administrator could lock the last way in.
func (s *Service) SetDisabled(ctx context.Context, me auth.User, username string, disabled bool, by audit.Actor) (auth.User, error) {
	u, err := s.User(ctx, username)
	if err != nil {
		return u, err
	}
	if me.ID == u.ID {
		return u, fault.New(fault.Forbidden, "users.not_self")
	}
	return u, s.repo.setDisabled(ctx, u, disabled, by)
}

// normalUsername is a username as stored: trimmed, lower case.
func normalUsername(u string) string { return strings.TrimSpace(strings.ToLower(u)) }
