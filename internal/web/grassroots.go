package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
)

// The communes' grassroots registries: a commune's officers keep their year on its page, the
// department's specialists review it there; the overview lists every commune's year.

// grassrootsHome sends a commune's user to its own year, and shows the department the
// communes' years with where their review stands.
func (s *Server) grassrootsHome(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	year := s.grassrootsYear(r)
	if p.Role.AtCommune() {
		http.Redirect(w, r, fmt.Sprintf("/grassroots/%s?year=%d", p.Office, year), http.StatusSeeOther)
		return nil
	}
	rep, err := s.grass.Report(r.Context(), p, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
	if err != nil {
		return err
	}
	list, err := s.grass.Assessments(r.Context(), p, year)
	if err != nil {
		return err
	}
	access := make(map[string]grassroots.Assessment, len(list))
	for _, a := range list {
		access[a.Commune] = a
	}
	s.render(w, r, http.StatusOK, "grassroots.html", map[string]any{"R": rep, "Year": year, "Names": s.communeNames(), "Access": access})
	return nil
}

// grassrootsYear is the year asked (?year=), this year by default.
func (s *Server) grassrootsYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return s.now().In(calendar.Vietnam).Year()
}

// communeNames names today's communes by code.
func (s *Server) communeNames() map[string]string {
	cs := s.units.CurrentCommunes(s.now())
	names := make(map[string]string, len(cs))
	for _, u := range cs {
		names[u.Code] = u.Name
	}
	return names
}

func (s *Server) grassrootsCommunePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderGrassroots(w, r, http.StatusOK, r.PathValue("commune"), s.grassrootsYear(r), nil, nil, "")
}

// renderGrassroots shows a commune's year: where its review stands, its plan, events, teams and
// cases, and the forms that add to them while the year may change.
func (s *Server) renderGrassroots(w http.ResponseWriter, r *http.Request, status int, commune string, year int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	ctx := r.Context()
	review, err := s.grass.YearReview(ctx, p, commune, year)
	if err != nil {
		return err
	}
	from, to := fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
	rep, err := s.grass.Report(ctx, p, from, to)
	if err != nil {
		return err
	}
	var fig grassroots.Figures
	for _, f := range rep.Communes {
		if f.Commune == commune {
			fig = f
		}
	}
	q := grassroots.Query{Commune: commune, From: from, To: to}
	events, err := s.grass.Events(ctx, p, q)
	if err != nil {
		return err
	}
	teams, err := s.grass.Teams(ctx, p, commune)
	if err != nil {
		return err
	}
	cases, err := s.grass.Cases(ctx, p, q)
	if err != nil {
		return err
	}
	figures, err := s.grass.Enforcement(ctx, p, commune, year)
	if err != nil {
		return err
	}
	villages := map[string]string{}
	for _, t := range teams {
		villages[t.ID] = t.Village
	}
	if values == nil {
		values = map[string]string{}
	}
	s.render(w, r, status, "grassroots_commune.html", map[string]any{"Commune": commune, "Name": s.communeNames()[commune], "Year": year,
		"Review": review, "F": fig, "Events": events, "Teams": teams, "Cases": cases, "Villages": villages,
		"Editable": p.Can(auth.GrassrootsEnter) && review.Status.Editable(), "Reviewer": p.Can(auth.GrassrootsReview),
		"Forms": grassroots.Forms, "Disputes": grassroots.Disputes, "Results": grassroots.Results, "Values": values, "Errors": errs, "Message": msg,
		"Rows": []int{0, 1, 2, 3, 4, 5, 6}, "Figures": figures, "Fields": grassroots.Fields})
	return nil
}

// grassrootsStep takes a step on a commune's year from its page.
func (s *Server) grassrootsStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	ctx, by, f := r.Context(), actorOf(r), r.PostForm
	commune := r.PathValue("commune")
	year, _ := strconv.Atoi(f.Get("year"))
	var err error
	switch r.PathValue("step") {
	case "event":
		var n int
		n, err = count(f.Get("audience"), "audience")
		if err == nil {
			_, err = s.grass.AddEvent(ctx, p, by, grassroots.Event{Commune: commune, Day: isoDate(f.Get("day")), Topic: f.Get("topic"), Law: f.Get("law"),
				Form: grassroots.Form(f.Get("form_kind")), Audience: n})
		}
	case "plan":
		var n int
		if n, err = count(f.Get("events"), "events"); err == nil {
			_, err = s.grass.SetPlan(ctx, p, by, grassroots.Plan{Commune: commune, Year: year, Events: n})
		}
	case "team":
		t := grassroots.Team{Commune: commune, Village: f.Get("village"), FormedOn: isoDate(f.Get("formed_on"))}
		for i := range 7 {
			t.Members = append(t.Members, grassroots.Member{FullName: f.Get(fmt.Sprintf("member.%d.full_name", i)),
				Sex: f.Get(fmt.Sprintf("member.%d.sex", i)), Leader: f.Get("leader") == strconv.Itoa(i)})
		}
		_, err = s.grass.AddTeam(ctx, p, by, t)
	case "dissolve":
		err = s.grass.DissolveTeam(ctx, p, by, f.Get("team"), isoDate(f.Get("dissolved_on")))
	case "case":
		_, err = s.grass.AddCase(ctx, p, by, grassroots.Case{Commune: commune, TeamID: f.Get("team_id"), Parties: f.Get("parties"),
			Dispute: grassroots.Dispute(f.Get("dispute")), Summary: f.Get("summary"), ReceivedOn: isoDate(f.Get("received_on")),
			Result: grassroots.Result(f.Get("result")), EndedOn: isoDate(f.Get("ended_on")), ToCourt: f.Get("to_court") != ""})
	case "end":
		_, err = s.grass.EndCase(ctx, p, by, f.Get("case"), grassroots.Result(f.Get("result")), isoDate(f.Get("ended_on")), f.Get("to_court") != "")
	case "enforcement":
		fg := grassroots.EnforcementFigures{Commune: commune, Year: year, Field: grassroots.Field(f.Get("field")), Explanation: f.Get("explanation")}
		fg.Half, _ = strconv.Atoi(f.Get("half"))
		bad := map[string]string{}
		for name, n := range map[string]*int{"inspections": &fg.Inspections, "violations": &fg.Violations, "sanctioned": &fg.Sanctioned} {
			if *n, err = count(f.Get(name), name); err != nil {
				bad[name] = "grassroots.count_bad"
			}
		}
		if fines, ferr := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(f.Get("fines")), ".", ""), 10, 64); ferr == nil && fines >= 0 {
			fg.Fines = fines
		} else {
			bad["fines"] = "grassroots.count_bad"
		}
		if len(bad) > 0 {
			err = invalidFields(bad)
		} else {
			_, err = s.grass.SaveEnforcement(ctx, p, by, fg)
		}
	case "submit":
		_, err = s.grass.Submit(ctx, p, by, commune, year)
	case "review":
		_, err = s.grass.Decide(ctx, p, by, commune, year, grassroots.ReviewStatus(f.Get("status")), f.Get("note"))
	default:
		return notFoundErr
	}
	if err != nil {
		fields := fieldErrors(r, err)
		if fields == nil && !fault.Is(err, fault.Conflict) {
			return err
		}
		values := postedValues(f)
		values["form"] = r.PathValue("step") // the form that was sent opens again
		msg := s.message(r, err)
		if step := r.PathValue("step"); step == "end" || step == "submit" || step == "plan" || step == "dissolve" {
			// Forms without a place beside each field (a row's end, a button): said above them.
			for _, m := range fields {
				msg += " " + m
			}
		}
		if y := civilYear(f.Get("day"), f.Get("received_on")); y != 0 {
			year = y
		}
		return s.renderGrassroots(w, r, formStatus(err), commune, max(year, 2000), values, fields, msg)
	}
	// Back to the year the row belongs to, where it shows.
	if y := civilYear(f.Get("day"), f.Get("received_on")); y != 0 {
		year = y
	}
	if year == 0 {
		year = s.grassrootsYear(r)
	}
	http.Redirect(w, r, fmt.Sprintf("/grassroots/%s?year=%d", commune, year), http.StatusSeeOther)
	return nil
}

// count reads a number typed into a form, refusing what is not a number.
func count(s, field string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, invalidFields(map[string]string{field: "grassroots.count_bad"})
	}
	return n, nil
}

// civilYear is the year of the first dd/mm/yyyy day given, 0 for none.
func civilYear(days ...string) int {
	for _, d := range days {
		if t, ok := civil.ParseDate(isoDate(d)); ok {
			return t.Year()
		}
	}
	return 0
}

// grassrootsPeriod is the report's period: the days asked, the year so far by default.
func (s *Server) grassrootsPeriod(r *http.Request) (string, string, error) {
	from, to, err := days(r.URL.Query())
	if err != nil {
		return "", "", err
	}
	now := s.now().In(calendar.Vietnam)
	if from.IsZero() {
		from = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if to.Before(from) {
		return "", "", invalidFields(map[string]string{"to": "report.bad_period"})
	}
	return from.Format(civil.DateFormat), to.Format(civil.DateFormat), nil
}
