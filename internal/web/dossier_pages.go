package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/i18n"
	"tuphap/internal/reception"
)

// dueClass is the colour cue of a dossier in lists: overdue, due today, due by the next working
// day, or fine.
func (s *Server) dueClass(d dossier.Dossier) string {
	now := s.now()
	switch {
	case !d.Status.Open():
		return ""
	case d.Overdue(now):
		return "overdue"
	}
	today := now.In(calendar.Vietnam)
	due := d.DueAt.In(calendar.Vietnam)
	if due.Year() == today.Year() && due.YearDay() == today.YearDay() {
		return "today"
	}
	next := s.desk.Calendar().AddWorkingDays(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC), 1)
	if !due.After(time.Date(next.Year(), next.Month(), next.Day(), 23, 59, 59, 0, calendar.Vietnam)) {
		return "near"
	}
	return ""
}

func (s *Server) dossiersPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	q, err := dossierQuery(r)
	if err != nil {
		return err
	}
	page := pageOf(r)
	q.Offset, q.Limit = (page-1)*listPageSize, listPageSize+1
	ds, err := s.desk.Dossiers(r.Context(), p, actorOf(r), q)
	if err != nil {
		return err
	}
	ds, more := cut(ds, listPageSize)
	type row struct {
		D     dossier.Dossier
		Class string
		Proc  string
	}
	var rows []row
	for _, d := range ds {
		proc, _ := dossier.ProcedureByCode(d.Procedure)
		rows = append(rows, row{d, s.dueClass(d), procName(langOf(r), proc)})
	}
	order := q.Order // as the list is shown: the open lists by due time, the others newest first
	if order == "" {
		order = reception.OrderDue
		if q.List == reception.Closed || q.List == reception.Every {
			order = reception.OrderNewest
		}
	}
	v := r.URL.Query()
	s.render(w, r, http.StatusOK, "dossiers.html", map[string]any{"Rows": rows, "Q": q, "Order": order, "From": v.Get("from"), "To": v.Get("to"),
		"Offices": s.communes(), "Scoped": p.Scope() != "", "CanWrite": p.Can(auth.WriteRecords), "Lists": reception.Lists,
		"Procedures": dossier.Procedures(), "Orders": []reception.Order{reception.OrderDue, reception.OrderNewest, reception.OrderOldest},
		"Pager":      newPager(r, "/dossiers", page, more),
		"ExportXLSX": exportURL(r, "/export/dossiers", "xlsx"), "ExportCSV": exportURL(r, "/export/dossiers", "csv")})
	return nil
}

func (s *Server) newDossierPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDossierForm(w, r, http.StatusOK, map[string]string{}, nil)
}

func (s *Server) renderDossierForm(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string) error {
	p, _ := principalOf(r)
	// A judicial-record certificate is received at its own desk (/judicial).
	procs := slices.DeleteFunc(dossier.Procedures(), func(p dossier.Procedure) bool { return dossier.Private(p.Code) })
	s.render(w, r, status, "dossier_form.html", map[string]any{"Procedures": procs, "Values": values, "Errors": errs,
		"Offices": s.communes(), "Scoped": p.Scope() != ""})
	return nil
}

func (s *Server) createDossier(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := reception.Input{Procedure: r.PostForm.Get("procedure"), Office: deskOf(r).Office, Applicant: r.PostForm.Get("applicant"),
		Phone: r.PostForm.Get("phone"), Channel: dossier.Channel(r.PostForm.Get("channel")), Note: r.PostForm.Get("note")}
	p, _ := principalOf(r)
	d, err := s.desk.Open(r.Context(), p, actorOf(r), in)
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderDossierForm(w, r, http.StatusBadRequest, postedValues(r.PostForm), fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+d.Code+"?new=1", http.StatusSeeOther)
	return nil
}

func (s *Server) dossierPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDossier(w, r, http.StatusOK, nil)
}

func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	p, _ := principalOf(r)
	d, events, err := s.desk.Get(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	proc, _ := dossier.ProcedureByCode(d.Procedure)
	office, _ := s.accounts.Office(r.Context(), d.Office)
	var moves []dossier.Status
	for _, st := range dossier.Statuses {
		if dossier.CanMove(d.Status, st) {
			moves = append(moves, st)
		}
	}
	var users []string
	for _, e := range events {
		users = append(users, e.By)
	}
	people, err := s.accounts.People(r.Context(), users...)
	if err != nil {
		return err
	}
	s.render(w, r, status, "dossier.html", map[string]any{"D": d, "Events": events, "People": people, "Proc": proc, "OfficeName": office.Name,
		"Moves": moves, "Class": s.dueClass(d), "CanWrite": p.Allow(auth.WriteRecords, d.Office) == nil, "Errors": errs,
		"New": r.URL.Query().Get("new") != "", "CanExtend": d.Status.Open() && d.Extended < proc.Timing.ExtensionDays,
		"ExtensionLeft": proc.Timing.ExtensionDays - d.Extended})
	return nil
}

func (s *Server) moveDossier(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	_, err := s.desk.Move(r.Context(), p, actorOf(r), r.PathValue("code"), dossier.Status(r.PostForm.Get("status")), r.PostForm.Get("reason"))
	return s.afterDossierChange(w, r, err)
}

// afterDossierChange shows the dossier again: with the problems when the change was refused for
// its input, else freshly loaded.
func (s *Server) afterDossierChange(w http.ResponseWriter, r *http.Request, err error) error {
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderDossier(w, r, http.StatusBadRequest, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+r.PathValue("code"), http.StatusSeeOther)
	return nil
}

func (s *Server) extendDossier(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	p, _ := principalOf(r)
	_, err := s.desk.Extend(r.Context(), p, actorOf(r), r.PathValue("code"), days, r.PostForm.Get("reason"))
	return s.afterDossierChange(w, r, err)
}

func (s *Server) onTimePage(w http.ResponseWriter, r *http.Request) error {
	rep, from, to, err := s.onTime(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	signed, err := s.issuer.SignedShare(r.Context(), p, from, to, r.URL.Query().Get("office"))
	if err != nil {
		return err
	}
	procs := procNames(langOf(r))
	s.render(w, r, http.StatusOK, "ontime.html", map[string]any{"R": rep, "Signed": signed, "Names": s.officeName, "Procs": procs,
		"From": from.Format("2006-01-02"), "To": to.Format("2006-01-02"), "Statistics": p.Can(auth.ViewDashboard) || p.Role.AtCommune()})
	return nil
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCalendar(w, r, http.StatusOK, "", "")
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, status int, text, problem string) error {
	year := s.now().In(calendar.Vietnam).Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y < 2200 {
		year = y
	}
	if y, err := strconv.Atoi(r.PathValue("year")); err == nil {
		year = y
	}
	sc := s.desk.Calendar().Schedule(year)
	if text == "" {
		var b strings.Builder
		for _, d := range sc.Days {
			b.WriteString(d.DateString() + " " + string(d.Kind) + " " + d.Name + "\n")
		}
		text = b.String()
	}
	type dayRow struct {
		Date, Weekday, Lunar, Name string
		Kind                       calendar.DayKind
	}
	var days []dayRow
	lang := langOf(r)
	for _, d := range sc.Days {
		name := d.Name
		if lang == i18n.EN {
			name = calendar.EnglishName(name)
		}
		days = append(days, dayRow{d.Date.Format("02/01/2006"), i18n.T(lang, "weekday."+strings.ToLower(d.Date.Weekday().String())),
			calendar.ToLunar(d.Date, calendar.VietnamOffset).String(), name, d.Kind})
	}
	p, _ := principalOf(r)
	s.render(w, r, status, "calendar.html", map[string]any{"Year": year, "Official": sc.Official, "Days": days, "Text": text,
		"Problem": problem, "CanEdit": p.Can(auth.ManageSettings), "Prev": year - 1, "Next": year + 1,
		"Tet": calendar.Tet(year).Format("02/01/2006")})
	return nil
}

func (s *Server) saveCalendar(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1900 || year >= 2200 {
		return invalidFields(map[string]string{"year": "calendar.year"})
	}
	p, _ := principalOf(r)
	remove := r.PostForm.Get("action") == "default"
	sc, err := parseScheduleText(year, r.PostForm.Get("days"))
	if err == nil {
		err = s.desk.SetSchedule(r.Context(), p, actorOf(r), sc, r.PostForm.Get("note"), remove)
	}
	if err != nil {
		code, _, msg, _ := s.describe(r, err)
		if code == http.StatusBadRequest {
			return s.renderCalendar(w, r, code, r.PostForm.Get("days"), msg)
		}
		return err
	}
	http.Redirect(w, r, "/calendar/"+strconv.Itoa(year), http.StatusSeeOther)
	return nil
}

// trackPage lets anyone follow a dossier by its receipt code.
func (s *Server) trackPage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if code == "" {
		code = r.URL.Query().Get("code")
	}
	data := map[string]any{"Code": code}
	status := http.StatusOK
	if code != "" {
		d, err := s.desk.Track(r.Context(), code)
		switch {
		case err == nil:
			proc, _ := dossier.ProcedureByCode(d.Procedure)
			office, _ := s.accounts.Office(r.Context(), d.Office)
			data["D"], data["Proc"], data["OfficeName"] = d, procName(langOf(r), proc), office.Name
		default:
			status, _, data["Problem"], _ = s.describe(r, err)
			if fields := fieldErrors(r, err); fields != nil {
				data["Problem"] = fields["code"]
			}
		}
	}
	s.render(w, r, status, "track.html", data)
	return nil
}

// dossierList is the list a dossiers page or export asks for (all open ones by default).
