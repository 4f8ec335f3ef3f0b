package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
)

// handlerFunc is a handler that returns its error for fail to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type ctxKey int

const (
	principalKey ctxKey = iota
	sessionKey
	userKey
)

const sessionCookie = "tuphap_session"

// guard authenticates the request, checks that its role grants need, and runs fn. This and
// auth.Principal.Allow are the only places where access is decided.
func (s *Server) guard(need auth.Action, fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkInput(r); err != nil {
			s.fail(w, r, err)
			return
		}
		r, err := s.authenticate(r)
		if err == nil && need != anyone {
			p, ok := principalOf(r)
			switch {
			case !ok:
				err = fault.New(fault.Unauthorized, "error.unauthorized")
			case need != anyUser && !p.Can(need):
				err = fault.New(fault.Forbidden, "error.forbidden")
			}
		}
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// authenticate attaches the caller to the request: a bearer token for machines, else the
// session cookie. No credentials is not an error (public pages); bad credentials are.
func (s *Server) authenticate(r *http.Request) (*http.Request, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return r, fault.New(fault.Unauthorized, "token.invalid")
		}
		u, err := s.accounts.AuthenticateToken(ctx, strings.TrimSpace(token))
		if err != nil {
			return r, err
		}
		ctx = context.WithValue(ctx, principalKey, u.Principal())
		return r.WithContext(context.WithValue(ctx, userKey, u)), nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return r, nil
	}
	sess, u, err := s.accounts.Authenticate(ctx, c.Value)
	if fault.Is(err, fault.Unauthorized) {
		return r, nil // an expired cookie is as good as none; the page asks for a login
	}
	if err != nil {
		return r, err
	}
	ctx = context.WithValue(ctx, sessionKey, sess)
	ctx = context.WithValue(ctx, userKey, u)
	if sess.MFADone {
		ctx = context.WithValue(ctx, principalKey, u.Principal())
	}
	return r.WithContext(ctx), nil
}

func principalOf(r *http.Request) (auth.Principal, bool) {
	p, ok := r.Context().Value(principalKey).(auth.Principal)
	return p, ok
}

func sessionOf(r *http.Request) (auth.Session, bool) {
	s, ok := r.Context().Value(sessionKey).(auth.Session)
	return s, ok
}

func userOf(r *http.Request) (auth.User, bool) {
	u, ok := r.Context().Value(userKey).(auth.User)
	return u, ok
}

// actorOf is who acts, for the audit log.
func actorOf(r *http.Request) audit.Actor {
	a := audit.Actor{IP: clientIP(r)}
	if u, ok := userOf(r); ok {
		a.UserID, a.Username, a.Office = u.ID, u.Username, u.Office
	}
	return a
}

type addrKey struct{}

// withClientAddr puts the caller's address in the request once: the connection's, or behind a
// trusted proxy (--trust-proxy) the last one the proxy appended to X-Forwarded-For (the ones
// before it are the client's own claims).
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := connAddr(r)
		if s.cfg.TrustProxy {
			if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
				parts := strings.Split(xff[len(xff)-1], ",")
				if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
					addr = ip
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), addrKey{}, addr)))
	})
}

// clientIP is the caller's address (withClientAddr).
func clientIP(r *http.Request) string {
	if a, ok := r.Context().Value(addrKey{}).(string); ok {
		return a
	}
	return connAddr(r)
}

func connAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func langOf(r *http.Request) i18n.Lang {
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Parse(c.Value)
	}
	return i18n.VI
}

// limitBody caps request bodies; handlers see *http.MaxBytesError past the cap.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBody
		if r.Method == http.MethodPost && r.URL.Path == "/imports" {
			limit = s.cfg.MaxUpload // registers are large files
		}
		if r.Method == http.MethodPost && (r.URL.Path == "/correspondence/incoming" || r.URL.Path == "/api/v1/correspondence/incoming") {
			limit = max(limit, correspondence.MaxFile+64<<10) // a scanned letter; its handler caps it again
		}
		r.Body = bodyReader{http.MaxBytesReader(w, r.Body, limit)}
		next.ServeHTTP(w, r)
	})
}

// bodyReader marks the failures of reading a request's body (a client that hung up mid-upload)
// as the request's, so that they are not taken for the database's: a connection cut under
// database/sql gives the same bare io.ErrUnexpectedEOF.
type bodyReader struct{ io.ReadCloser }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooBig *http.MaxBytesError
	if err != nil && err != io.EOF && !errors.As(err, &tooBig) {
		err = &bodyError{err}
	}
	return n, err
}

// bodyError is a request body that could not be read to its end.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe counts and times every request by route pattern (not by path, which would make a
// series per record) and logs it; a panic becomes a 500, not a dropped connection.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p)
				if rec.status == 0 {
					http.Error(rec, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.requests.Inc(r.Method, route, strconv.Itoa(rec.status))
			s.latency.Observe(d.Seconds(), route)
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status, "duration", d)
		}()
		next.ServeHTTP(rec, r)
	})
}
