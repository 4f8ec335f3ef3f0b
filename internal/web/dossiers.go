package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
)

type dossierJSON struct {
	dossier.Dossier
	OnTime  *bool           `json:"on_time,omitempty"`
	Overdue bool            `json:"overdue"`
	Events  []dossier.Event `json:"events,omitempty"`
}

func (s *Server) toDossierJSON(d dossier.Dossier, events []dossier.Event) dossierJSON {
	out := dossierJSON{Dossier: d, Overdue: d.Overdue(s.now()), Events: events}
	if !d.SettledAt.IsZero() {
		ok := d.OnTime()
		out.OnTime = &ok
	}
	return out
}

func (s *Server) apiProcedures(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"items": dossier.Procedures()})
	return nil
}

func (s *Server) apiOpenDossier(w http.ResponseWriter, r *http.Request) error {
	var in reception.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	d, err := s.desk.Open(r.Context(), p, actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toDossierJSON(d, nil))
	return nil
}

func (s *Server) apiDossier(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, events, err := s.desk.Get(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDossierJSON(d, events))
	return nil
}

func (s *Server) apiDossiers(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	q, err := dossierQuery(r)
	if err != nil {
		return err
	}
	page := pageOf(r)
	q.Offset, q.Limit = (page-1)*reception.ListLimit, reception.ListLimit+1
	ds, err := s.desk.Dossiers(r.Context(), p, actorOf(r), q)
	if err != nil {
		return err
	}
	ds, more := cut(ds, reception.ListLimit)
	items := []dossierJSON{}
	for _, d := range ds {
		items = append(items, s.toDossierJSON(d, nil))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items), "page": page, "more": more})
	return nil
}

func (s *Server) apiMoveDossier(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Status dossier.Status `json:"status"`
		Reason string         `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	d, err := s.desk.Move(r.Context(), p, actorOf(r), r.PathValue("code"), in.Status, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDossierJSON(d, nil))
	return nil
}

func (s *Server) apiExtendDossier(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	d, err := s.desk.Extend(r.Context(), p, actorOf(r), r.PathValue("code"), in.Days, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDossierJSON(d, nil))
	return nil
}

// receiptPDF prints the receipt slip of a dossier.
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, events, err := s.desk.Get(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	receivedBy := ""
	if len(events) > 0 {
		receivedBy = events[0].By
	}
	pdf, err := s.issuer.ReceiptSlip(r.Context(), d, receivedBy)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="phieu-hen-`+d.Code+`.pdf"`)
	w.Write(pdf)
	return nil
}

// apiTrack is the citizen's lookup by receipt code: no login, no personal data.
func (s *Server) apiTrack(w http.ResponseWriter, r *http.Request) error {
	d, err := s.desk.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": d.Code, "procedure": d.Procedure, "office": d.Office, "status": d.Status,
		"received_at": d.ReceivedAt, "due_at": d.DueAt, "settled_at": d.SettledAt, "closed_at": d.ClosedAt})
	return nil
}

// reportPeriod reads a report's from/to dates (inclusive days), this month by default.
func (s *Server) reportPeriod(r *http.Request) (time.Time, time.Time, error) {
	from, to, err := days(r.URL.Query())
	if err != nil {
		return from, to, err
	}
	// By default the month so far.
	now := s.now().In(calendar.Vietnam)
	if from.IsZero() {
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if to.Before(from) {
		return from, to, invalidFields(map[string]string{"to": "report.bad_period"})
	}
	return from, to, nil
}

// onTime is the on-time report for the period and office the request asks for.
func (s *Server) onTime(r *http.Request) (reception.Report, time.Time, time.Time, error) {
	from, to, err := s.reportPeriod(r)
	if err != nil {
		return reception.Report{}, from, to, err
	}
	p, _ := principalOf(r)
	rep, err := s.desk.OnTime(r.Context(), p, from, to, r.URL.Query().Get("office"))
	return rep, from, to, err
}

func (s *Server) apiOnTime(w http.ResponseWriter, r *http.Request) error {
	rep, _, _, err := s.onTime(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) apiLunar(w http.ResponseWriter, r *http.Request) error {
	d, err := time.Parse("2006-01-02", r.URL.Query().Get("date"))
	if err != nil {
		return invalidFields(map[string]string{"date": "civil.date_format"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": d.Format("2006-01-02"), "lunar": calendar.ToLunar(d, calendar.VietnamOffset)})
	return nil
}

func (s *Server) apiDue(w http.ResponseWriter, r *http.Request) error {
	fields := map[string]string{}
	received, err := time.Parse(time.RFC3339, r.URL.Query().Get("received"))
	if err != nil {
		fields["received"] = "calendar.rfc3339"
	}
	proc, err := dossier.ProcedureByCode(r.URL.Query().Get("procedure"))
	if err != nil {
		fields["procedure"] = "procedure.not_found"
	}
	if len(fields) > 0 {
		return invalidFields(fields)
	}
	due := s.desk.Calendar().Due(received, proc.Timing)
	writeJSON(w, http.StatusOK, map[string]any{"due": due.Format(time.RFC3339), "procedure": proc.Code, "timing": proc.Timing})
	return nil
}

func (s *Server) apiHolidays(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 1900 || year > 2199 {
		return invalidFields(map[string]string{"year": "calendar.year"})
	}
	sc := s.desk.Calendar().Schedule(year)
	type dayJSON struct {
		Date string           `json:"date"`
		Kind calendar.DayKind `json:"kind"`
		Name string           `json:"name"`
	}
	days := []dayJSON{}
	for _, d := range sc.Days {
		days = append(days, dayJSON{d.DateString(), d.Kind, d.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "official": sc.Official, "days": days})
	return nil
}

// parseScheduleText reads the administrator's lines "YYYY-MM-DD holiday|workday Name".
func parseScheduleText(year int, text string) (calendar.Schedule, error) {
	sc := calendar.Schedule{Year: year, Official: true}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		bad := fault.New(fault.Invalid, "calendar.bad_line", i+1, line)
		if len(parts) < 2 {
			return sc, bad
		}
		d, err := time.Parse("2006-01-02", parts[0])
		if err != nil || d.Year() != year {
			return sc, bad
		}
		kind := calendar.DayKind(parts[1])
		if kind != calendar.Holiday && kind != calendar.Workday {
			return sc, bad
		}
		name := ""
		if len(parts) == 3 {
			name = strings.TrimSpace(parts[2])
		}
		sc.Days = append(sc.Days, calendar.Day{Date: d, Kind: kind, Name: name})
	}
	return sc, nil
}
