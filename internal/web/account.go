package web

import (
	"net/http"

	"tuphap/internal/i18n"
)

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, fields map[string]string, flash string) error {
	u, _ := userOf(r)
	sessions, err := s.accounts.Sessions(r.Context(), u)
	if err != nil {
		return err
	}
	tokens, err := s.accounts.Tokens(r.Context(), u)
	if err != nil {
		return err
	}
	current, _ := sessionOf(r)
	s.render(w, r, status, "account.html", map[string]any{"User": u, "Sessions": sessions, "Current": current.IDHash,
		"Tokens": tokens, "Errors": fields, "Flash": flash})
	return nil
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	u, _ := userOf(r)
	err := s.accounts.ChangePassword(r.Context(), u, r.PostForm.Get("old_password"), r.PostForm.Get("new_password"), actorOf(r))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderAccount(w, r, http.StatusBadRequest, fields, "")
	}
	if err != nil {
		return err
	}
	// Changing the password ends every session, this one too: log in again with the new one.
	s.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) accountRevokeSessions(w http.ResponseWriter, r *http.Request) error {
	u, _ := userOf(r)
	current, _ := sessionOf(r)
	if err := s.accounts.RevokeSessions(r.Context(), u, current.IDHash, actorOf(r)); err != nil {
		return err
	}
	return s.renderAccount(w, r, http.StatusOK, nil, i18n.T(langOf(r), "account.sessions_revoked"))
}

func (s *Server) accountRevokeToken(w http.ResponseWriter, r *http.Request) error {
	u, _ := userOf(r)
	if err := s.accounts.RevokeToken(r.Context(), u, r.PathValue("id"), actorOf(r)); err != nil {
		return err
	}
	return s.renderAccount(w, r, http.StatusOK, nil, i18n.T(langOf(r), "account.token_revoked"))
}

// accountTOTP shows the enrolment of a second factor for a user who has none (optional for
// every role but administrators, who enrol at their first login).
func (s *Server) accountTOTP(w http.ResponseWriter, r *http.Request) error {
	u, _ := userOf(r)
	if u.TOTPSecret != "" {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	return s.renderTOTP(w, r, http.StatusOK, u, "/account", "", nil)
}

// accountTOTPOff removes the second factor, on a valid current code; administrators keep theirs.
func (s *Server) accountTOTPOff(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	u, _ := userOf(r)
	err := s.accounts.RemoveTOTP(r.Context(), u, r.PostForm.Get("code"), actorOf(r))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderAccount(w, r, http.StatusBadRequest, fields, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
