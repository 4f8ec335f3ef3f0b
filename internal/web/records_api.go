package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/i18n"
	"tuphap/internal/registration"
)

// recordJSON is the API form of an entry: its register data beside the entry's own fields
// (child, mother, father…; deceased, date_of_death…; husband, wife), as integrators expect.
func recordJSON(r civil.Record) map[string]any {
	out := map[string]any{}
	b, _ := json.Marshal(r.Entry())
	json.Unmarshal(b, &out)
	out["id"], out["type"], out["office"], out["register"] = r.ID, r.Kind, r.Office, r.Register
	out["registered_on"], out["late"], out["version"] = r.RegisteredOn, r.Late, r.Version
	out["created_by"], out["created_at"] = r.CreatedBy, r.CreatedAt.UTC().Format(time.RFC3339)
	return out
}

// candidatesJSON adds the officer-readable reasons to duplicate candidates.
func candidatesJSON(r *http.Request, cs []registration.Candidate) []map[string]any {
	var out []map[string]any
	for _, c := range cs {
		b, _ := json.Marshal(c)
		var m map[string]any
		json.Unmarshal(b, &m)
		var texts []string
		for _, k := range c.Reasons {
			texts = append(texts, i18n.T(langOf(r), k))
		}
		m["reasons_text"] = texts
		out = append(out, m)
	}
	return out
}

// apiRegister answers a registration through the API: the request of its kind decoded, the
// service's register called, 201 with the entry.
func apiRegister[Req any](register func(context.Context, auth.Principal, audit.Actor, Req) (civil.Record, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req Req
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
		p, _ := principalOf(r)
		rec, err := register(r.Context(), p, actorOf(r), req)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, recordJSON(rec))
		return nil
	}
}

// recordView is an entry with what is shown beside it: its history, the copies issued and the
// registering office.
type recordView struct {
	rec      civil.Record
	hist     []civil.Version
	extracts int
	office   auth.Office
}

// loadRecord reads the entry named in the path, if the caller may see it (the view is audited).
func (s *Server) loadRecord(r *http.Request) (recordView, error) {
	var v recordView
	p, _ := principalOf(r)
	var err error
	if v.rec, err = s.registry.Get(r.Context(), p, actorOf(r), r.PathValue("id")); err != nil {
		return v, err
	}
	if v.hist, err = s.registry.History(r.Context(), p, v.rec); err != nil {
		return v, err
	}
	if v.extracts, err = s.issuer.ExtractCount(r.Context(), p, v.rec.ID); err != nil {
		return v, err
	}
	v.office, err = s.accounts.Office(r.Context(), v.rec.Office)
	return v, err
}

func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadRecord(r)
	if err != nil {
		return err
	}
	hist, extracts := v.hist, v.extracts
	out := recordJSON(v.rec)
	type versionJSON struct {
		Version    int          `json:"version"`
		Change     civil.Change `json:"change"`
		Reason     string       `json:"reason,omitempty"`
		LegalBasis string       `json:"legal_basis,omitempty"`
		Fields     []string     `json:"fields,omitempty"`
		Officer    string       `json:"officer"`
		At         string       `json:"at"`
	}
	var hs []versionJSON
	for _, v := range hist {
		hs = append(hs, versionJSON{v.Number, v.Change, v.Reason, v.LegalBasis, v.Fields, v.Officer, v.At.UTC().Format(time.RFC3339)})
	}
	out["history"], out["extracts_issued"] = hs, extracts
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listQuery reads the list filters shared by the page and the API.
func listQuery(r *http.Request) (civil.Query, error) {
	q := r.URL.Query()
	out := civil.Query{Kind: civil.Kind(q.Get("type")), Office: q.Get("office"), From: isoDate(q.Get("from")), To: isoDate(q.Get("to"))}
	out.Limit, _ = strconv.Atoi(q.Get("limit"))
	out.Offset, _ = strconv.Atoi(q.Get("offset"))
	fields := map[string]string{}
	switch q.Get("order") {
	case "", "newest":
	case "oldest":
		out.Oldest = true
	default:
		fields["order"] = "dossier.bad_order"
	}
	if out.Kind != "" && !slices.Contains(civil.Kinds, out.Kind) {
		fields["type"] = "civil.kind"
	}
	for _, k := range []string{"from", "to"} {
		if v := isoDate(q.Get(k)); v != "" {
			if _, ok := civil.ParseDate(v); !ok {
				fields[k] = "civil.date_format"
			}
		}
	}
	if len(fields) > 0 {
		return out, invalidFields(fields)
	}
	return out, nil
}

func (s *Server) apiRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	items, total, err := s.registry.Search(r.Context(), p, actorOf(r), r.URL.Query().Get("q"), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total})
	return nil
}

func (s *Server) apiAmend(w http.ResponseWriter, r *http.Request) error {
	var a registration.Amendment
	if err := decodeJSON(r, &a); err != nil {
		return err
	}
	p, _ := principalOf(r)
	rec, err := s.registry.Amend(r.Context(), p, actorOf(r), r.PathValue("id"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, recordJSON(rec))
	return nil
}

// apiNote records a note against an entry through the API, as its new version: a divorce, a
// guardianship's end.
func apiNote[Req any](record func(context.Context, auth.Principal, audit.Actor, string, Req) (civil.Record, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req Req
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
		p, _ := principalOf(r)
		rec, err := record(r.Context(), p, actorOf(r), r.PathValue("id"), req)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, recordJSON(rec))
		return nil
	}
}

func duplicateOf(err error) (*registration.DuplicateError, bool) {
	var d *registration.DuplicateError
	ok := errors.As(err, &d)
	return d, ok
}
