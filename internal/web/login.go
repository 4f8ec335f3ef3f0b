package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"strings"

	"github.com/pquerna/otp"

	"tuphap/internal/account"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
)

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// secure says whether cookies get the Secure flag: always when configured, and whenever the
// request came over HTTPS, directly or through a TLS-terminating proxy.
func (s *Server) secure(r *http.Request) bool {
	return s.cfg.SecureCookies || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if _, ok := principalOf(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login.html", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	username, next := r.PostForm.Get("username"), safeNext(r.PostForm.Get("next"))
	secret, _, err := s.accounts.Login(r.Context(), username, r.PostForm.Get("password"), actorOf(r), r.UserAgent())
	if err != nil {
		k := fault.KindOf(err)
		if k != fault.Unauthorized && k != fault.TooMany {
			return err
		}
		code, _, msg, _ := s.describe(r, err)
		s.render(w, r, code, "login.html", map[string]any{"Next": next, "Username": username, "Error": msg})
		return nil
	}
	s.setSessionCookie(w, r, secret, int(account.MaxAge.Seconds()))
	http.Redirect(w, r, "/login/totp?next="+next, http.StatusSeeOther)
	return nil
}

// pendingUser is the user of a session that passed the password step.
func pendingUser(r *http.Request) (auth.Session, auth.User, error) {
	sess, ok1 := sessionOf(r)
	u, ok2 := userOf(r)
	if !ok1 || !ok2 {
		return sess, u, fault.New(fault.Unauthorized, "error.unauthorized")
	}
	return sess, u, nil
}

// totpForm asks for the second factor, or enrols one when the role needs it and the user has
// none. Users without a second factor go straight on.
func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) error {
	sess, u, err := pendingUser(r)
	if err != nil {
		return err
	}
	next := safeNext(r.URL.Query().Get("next"))
	if sess.MFADone {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.renderTOTP(w, r, http.StatusOK, u, next, "", nil)
}

func (s *Server) renderTOTP(w http.ResponseWriter, r *http.Request, status int, u auth.User, next, secret string, fields map[string]string) error {
	data := map[string]any{"Next": next, "Errors": fields, "Enrol": u.TOTPSecret == ""}
	if u.TOTPSecret == "" {
		url := ""
		var err error
		if secret == "" {
			if secret, url, err = auth.NewTOTP(s.accounts.Issuer, u.Username); err != nil {
				return err
			}
		} else {
			url = "otpauth://totp/" + s.accounts.Issuer + ":" + u.Username + "?secret=" + secret + "&issuer=" + s.accounts.Issuer
		}
		key, err := otp.NewKeyFromURL(url)
		if err != nil {
			return err
		}
		img, err := key.Image(200, 200)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		data["Secret"] = secret
		// A data: URL built here from our own PNG: safe to mark as trusted for html/template.
		data["QR"] = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	}
	s.render(w, r, status, "totp.html", data)
	return nil
}

func (s *Server) totpSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, u, err := pendingUser(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	next, code, secret := safeNext(r.PostForm.Get("next")), r.PostForm.Get("code"), r.PostForm.Get("secret")
	if u.TOTPSecret == "" {
		err = s.accounts.EnrollTOTP(r.Context(), sess, u, secret, code, actorOf(r))
	} else {
		err = s.accounts.CompleteTOTP(r.Context(), sess, u, code, actorOf(r))
	}
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderTOTP(w, r, http.StatusBadRequest, u, next, secret, fields)
	}
	if fault.Is(err, fault.Unauthorized) {
		s.setSessionCookie(w, r, "", -1) // too many codes tried: the half-login has ended
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if sess, ok := sessionOf(r); ok {
		if err := s.accounts.Logout(r.Context(), sess, actorOf(r)); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(i18n.Parse(r.PostForm.Get("lang"))), Path: "/",
		MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
