package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"time"
	"unicode/utf8"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/units"
)

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
	return nil
}

// decodeJSON reads one JSON object into v, refusing unknown fields (a typo in a field name must
// not silently drop data) and trailing data.
func decodeJSON(r *http.Request, v any) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError past the body limit
	}
	if !utf8.Valid(raw) {
		return badText("error.bad_text")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fault.Wrap(fault.Invalid, "error.bad_json", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fault.New(fault.Invalid, "error.bad_json")
	}
	// encoding/json turns bytes that are not UTF-8 into U+FFFD and "\u0000" into a NUL: refuse
	// both, and over-long text, here rather than let the store see them.
	if p := checkStrings(reflect.ValueOf(v)); p != "" {
		return badText(p)
	}
	return nil
}

type userJSON struct {
	ID        string `json:"id,omitempty"`
	Username  string `json:"username"`
	FullName  string `json:"full_name"`
	Role      string `json:"role"`
	Office    string `json:"office"`
	Disabled  bool   `json:"disabled"`
	CreatedAt string `json:"created_at,omitempty"`
}

func toUserJSON(u auth.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, FullName: u.FullName, Role: string(u.Role), Office: u.Office,
		Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339)}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u, _ := userOf(r)
	writeJSON(w, http.StatusOK, toUserJSON(u))
	return nil
}

type unitJSON struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Level      string   `json:"level"`
	Parent     string   `json:"parent,omitempty"`
	ValidFrom  *string  `json:"valid_from"`
	ValidTo    *string  `json:"valid_to"`
	FormedFrom []string `json:"formed_from,omitempty"`
}

func toUnitJSON(u units.Unit) unitJSON {
	day := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := t.Format("2006-01-02")
		return &s
	}
	return unitJSON{Code: u.Code, Name: u.Name, Type: u.Type, Level: string(u.Level), Parent: u.Parent,
		ValidFrom: day(u.ValidFrom), ValidTo: day(u.ValidTo), FormedFrom: u.FormedFrom}
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	day, err := parseDay(r.URL.Query().Get("valid_on"), s.now())
	if err != nil {
		return err
	}
	items := []unitJSON{}
	for _, u := range s.units.ValidOn(day) {
		items = append(items, toUnitJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"valid_on": day.Format("2006-01-02"), "items": items, "total": len(items)})
	return nil
}

func (s *Server) apiUnitSuccessors(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	old, err := s.units.Lookup(units.Commune, code, units.ReformDate.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	succ, err := s.units.Successors(code)
	if err != nil {
		return err
	}
	items := []unitJSON{}
	for _, u := range succ {
		items = append(items, toUnitJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": toUnitJSON(old), "successors": items, "split": len(items) > 1})
	return nil
}

func (s *Server) apiOffices(w http.ResponseWriter, r *http.Request) error {
	items := []map[string]string{}
	for _, o := range s.offices {
		items = append(items, map[string]string{"code": o.Code, "name": o.Name, "kind": o.Kind})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items)})
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.accounts.Users(r.Context(), r.URL.Query().Get("office"))
	if err != nil {
		return err
	}
	items := []userJSON{}
	for _, u := range users {
		items = append(items, toUserJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items)})
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		FullName string `json:"full_name"`
		Role     string `json:"role"`
		Office   string `json:"office"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.accounts.AddUser(r.Context(), account.NewUser(in), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUserJSON(u))
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	entries, err := s.auditlog.Entries(r.Context(), p, actorOf(r), f, r.URL.RawQuery)
	if err != nil {
		return err
	}
	type entryJSON struct {
		Seq      int64  `json:"seq"`
		At       string `json:"at"`
		Username string `json:"username"`
		Office   string `json:"office"`
		Action   string `json:"action"`
		Object   string `json:"object"`
		Detail   string `json:"detail"`
		IP       string `json:"ip"`
		Hash     string `json:"hash"`
	}
	items := []entryJSON{}
	for _, e := range entries {
		items = append(items, entryJSON{e.Seq, e.At.Format(audit.TimeFormat), e.Username, e.Office, e.Action, e.Object, e.Detail, e.IP, e.Hash})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
	return nil
}

// readyz answers 503 until the store answers and its schema is current, so a load balancer sends
// no traffic to an instance that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ready(r.Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready")
		return nil
	}
	fmt.Fprintln(w, "ready")
	return nil
}

func (s *Server) metricsText(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.Write(w)
	return nil
}
