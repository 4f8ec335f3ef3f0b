package web

import (
	"net/http"

	"tuphap/internal/account"
	"tuphap/internal/auth"
	"tuphap/internal/i18n"
)

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, account.NewUser{}, nil, "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, form account.NewUser, fields map[string]string, flash string) error {
	users, err := s.accounts.Users(r.Context(), "")
	if err != nil {
		return err
	}
	s.render(w, r, status, "users.html", map[string]any{"Users": users, "Offices": s.offices, "Roles": auth.Roles,
		"Form": form, "Errors": fields, "Flash": flash})
	return nil
}

func (s *Server) usersCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := account.NewUser{Username: r.PostForm.Get("username"), FullName: r.PostForm.Get("full_name"),
		Role: r.PostForm.Get("role"), Office: r.PostForm.Get("office"), Password: r.PostForm.Get("password")}
	u, err := s.accounts.AddUser(r.Context(), in, actorOf(r))
	if fields := fieldErrors(r, err); fields != nil {
		in.Password = ""
		return s.renderUsers(w, r, http.StatusBadRequest, in, fields, "")
	}
	if err != nil {
		in.Password = ""
		return s.renderUsers(w, r, statusOf(s, r, err), in, map[string]string{"username": s.message(r, err)}, "")
	}
	return s.renderUsers(w, r, http.StatusCreated, account.NewUser{}, nil, i18n.T(langOf(r), "users.created", u.Username))
}

func statusOf(s *Server, r *http.Request, err error) int {
	code, _, _, _ := s.describe(r, err)
	return code
}

// userPage shows one person's account data; the view is audited like any view of personal data.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.ViewUser(r.Context(), actorOf(r), r.PathValue("username")); err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, fields map[string]string, flash string) error {
	u, err := s.accounts.User(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	sessions, err := s.accounts.Sessions(r.Context(), u)
	if err != nil {
		return err
	}
	s.render(w, r, status, "user.html", map[string]any{"User": u, "Sessions": sessions, "Errors": fields, "Flash": flash})
	return nil
}

func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	err := s.accounts.SetPassword(r.Context(), r.PathValue("username"), r.PostForm.Get("password"), actorOf(r))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderUser(w, r, http.StatusBadRequest, fields, "")
	}
	if err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, nil, i18n.T(langOf(r), "users.password_set"))
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	me, _ := userOf(r)
	u, err := s.accounts.SetDisabled(r.Context(), me, r.PathValue("username"), disabled, actorOf(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+u.Username, http.StatusSeeOther)
	return nil
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, true)
}
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, false)
}

func (s *Server) userRevokeSessions(w http.ResponseWriter, r *http.Request) error {
	u, err := s.accounts.User(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeSessions(r.Context(), u, "", actorOf(r)); err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, nil, i18n.T(langOf(r), "account.sessions_revoked"))
}
