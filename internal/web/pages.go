package web

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"tuphap/internal/auditlog"
	"tuphap/internal/fault"
	"tuphap/internal/units"
)

func fault403(code string) error { return fault.New(fault.Forbidden, code) }

// parseDay reads a YYYY-MM-DD query parameter; empty means today.
func parseDay(s string, today time.Time) (time.Time, error) {
	if s == "" {
		y, m, d := today.In(vietnam).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"valid_on": "date.format"}}
	}
	return t, nil
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) error {
	day, err := parseDay(isoDate(r.URL.Query().Get("valid_on")), s.now()) // the page's field is typed day first
	if err != nil {
		return err
	}
	list := s.units.ValidOn(day)
	names := map[string]string{}
	for _, u := range s.units.ValidOn(units.ReformDate.AddDate(0, 0, -1)) {
		names[u.Code] = u.Name
	}
	s.render(w, r, http.StatusOK, "units.html", map[string]any{"Units": list, "Day": day.Format("2006-01-02"), "OldNames": names})
	return nil
}

// auditPage is how many entries a page of the log shows unless asked for more (up to
// auditlog.PageLimit).
const auditPage = 100

func auditFilter(r *http.Request) (auditlog.Filter, error) {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > auditlog.PageLimit {
		limit = auditPage
	}
	from, to, err := period(q)
	oldest, oerr := oldestFirst(q)
	return auditlog.Filter{Username: q.Get("username"), Action: q.Get("action"), Object: q.Get("object"), Office: q.Get("office"),
		From: from, To: to, Before: before, After: after, Oldest: oldest, Limit: limit}, cmp.Or(err, oerr)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	entries, err := s.auditlog.Entries(r.Context(), p, actorOf(r), f, r.URL.RawQuery) // the reading is recorded
	if err != nil {
		return err
	}
	// The next page starts after the last entry shown: below it newest first, above it oldest
	// first (sequence numbers, not offsets: entries written meanwhile move nothing).
	next := ""
	if n := len(entries); n == f.Limit && (f.Oldest || entries[n-1].Seq > 1) {
		q := r.URL.Query()
		key := map[bool]string{false: "before", true: "after"}[f.Oldest]
		q.Set(key, strconv.FormatInt(entries[n-1].Seq, 10))
		next = "/audit?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "audit.html", map[string]any{"Entries": entries, "Filter": f, "NextURL": next,
		"From": r.URL.Query().Get("from"), "To": r.URL.Query().Get("to"), "Offices": s.offices,
		"ExportXLSX": exportURL(r, "/export/audit", "xlsx"), "ExportCSV": exportURL(r, "/export/audit", "csv")})
	return nil
}
