package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tuphap/internal/fault"
	"tuphap/internal/i18n"
	"tuphap/internal/store"
)

var (
	notFoundErr    = fault.New(fault.NotFound, "error.not_found")
	crossOriginErr = fault.New(fault.Forbidden, "error.cross_origin")
	tooLargeErr    = fault.New(fault.Invalid, "error.too_large")
)

// status is the one table from error kind to HTTP status and API error code.
var status = map[fault.Kind]struct {
	code int
	name string
	msg  string // default message key
}{
	fault.Internal:         {http.StatusInternalServerError, "internal", "error.internal"},
	fault.Invalid:          {http.StatusBadRequest, "invalid", "error.invalid"},
	fault.NotFound:         {http.StatusNotFound, "not_found", "error.not_found"},
	fault.Conflict:         {http.StatusConflict, "conflict", "error.conflict"},
	fault.Forbidden:        {http.StatusForbidden, "forbidden", "error.forbidden"},
	fault.Unauthorized:     {http.StatusUnauthorized, "unauthorized", "error.unauthorized"},
	fault.TooMany:          {http.StatusTooManyRequests, "too_many_requests", "error.too_many"},
	fault.MethodNotAllowed: {http.StatusMethodNotAllowed, "method_not_allowed", "error.method"},
	fault.Unavailable:      {http.StatusServiceUnavailable, "unavailable", "error.unavailable"},
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
		// Candidates are the suspected duplicates of a refused registration.
		Candidates []map[string]any `json:"candidates,omitempty"`
	} `json:"error"`
}

// describe turns err into a status, an API code, a message and per-field messages in lang.
// Internal errors are logged here and never shown in detail.
func (s *Server) describe(r *http.Request, err error) (int, string, string, map[string]string) {
	lang := langOf(r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, "too_large", i18n.T(lang, "error.too_large", tooBig.Limit/1024), nil
	}
	var cut *bodyError
	if errors.As(err, &cut) {
		return http.StatusBadRequest, "bad_body", i18n.T(lang, "error.bad_body"), nil
	}
	kind := fault.KindOf(err)
	if kind == fault.Internal && store.Unavailable(err) {
		// Not a bug: the database is restarting or failing over. A load balancer and a client
		// may try again; a write may or may not have been stored, and the message says so.
		kind = fault.Unavailable
		s.log.Warn("database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	st := status[kind]
	msg := i18n.T(lang, st.msg)
	var fields map[string]string
	if e, ok := fault.As(err); ok && kind != fault.Internal {
		if e.Code != "" && i18n.Has(e.Code) {
			msg = i18n.T(lang, e.Code, localArgs(e.Args)...)
		}
		if len(e.Fields) > 0 {
			fields = map[string]string{}
			for f, key := range e.Fields {
				fields[f] = i18n.T(lang, key)
			}
		}
	}
	if kind == fault.Internal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return st.code, st.name, msg, fields
}

// localArgs formats message arguments for people: times in Vietnam's time zone.
func localArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			a = t.In(vietnam).Format("15:04:05 02/01/2006")
		}
		out[i] = a
	}
	return out
}

// vietnam is UTC+7 all year (no daylight saving), so a fixed zone needs no tzdata.
var vietnam = time.FixedZone("ICT", 7*3600)

// fail answers an error: JSON for the API, a redirect to the login page for an anonymous page
// request, otherwise an error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, name, msg, fields := s.describe(r, err)
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if isAPI(r) {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Fields = name, msg, fields
		if d, ok := duplicateOf(err); ok {
			body.Error.Candidates = candidatesJSON(r, d.Candidates)
		}
		writeJSON(w, code, body)
		return
	}
	if sess, ok := sessionOf(r); ok && !sess.MFADone && code == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login/totp?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if code == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, code, "error.html", map[string]any{"Status": code, "Message": msg, "Fields": fields})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fieldErrors returns the per-field messages of a validation error for re-showing a form, or nil
// when err is not one.
func fieldErrors(r *http.Request, err error) map[string]string {
	e, ok := fault.As(err)
	if !ok || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for f, key := range e.Fields {
		out[f] = i18n.T(langOf(r), key)
	}
	return out
}

// message returns the user message for err in the request's language.
func (s *Server) message(r *http.Request, err error) string {
	_, _, msg, _ := s.describe(r, err)
	return msg
}

// stepProblem is what a step taken from a page (route, review, report…) says back on that
// page: the error's message followed by each field's problem, and the fields. ok is false
// unless err is a validation error or of one of the kinds the page shows (a conflict, a step
// that is someone else's); any other error goes to the error page.
func (s *Server) stepProblem(r *http.Request, err error, shown ...fault.Kind) (msg string, fields map[string]string, ok bool) {
	fields = fieldErrors(r, err)
	ok = fields != nil
	for _, k := range shown {
		ok = ok || fault.Is(err, k)
	}
	if !ok {
		return "", nil, false
	}
	msg = s.message(r, err)
	for _, m := range fields {
		msg += " " + m
	}
	return msg, fields, true
}

// invalidFields is a validation error with per-field message keys.
func invalidFields(fields map[string]string) error {
	return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: fields}
}
