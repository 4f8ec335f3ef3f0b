package web

import (
	"net/http"
	"strconv"
	"strings"

	"tuphap/internal/fault"
	"tuphap/internal/legalaid"
)

func (s *Server) apiLegalAidRequest(w http.ResponseWriter, r *http.Request) error {
	var req legalaid.Request
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Receive(r.Context(), p, actorOf(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiLegalAidGet(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	c, err := s.legalaid.Get(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiLegalAidDecide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision legalaid.Decision `json:"decision"`
		Note     string            `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Decide(r.Context(), p, actorOf(r), r.PathValue("id"), in.Decision, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiLegalAidAssign(w http.ResponseWriter, r *http.Request) error {
	var a legalaid.Assignee
	if err := decodeJSON(r, &a); err != nil {
		return err
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Assign(r.Context(), p, actorOf(r), r.PathValue("id"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiLegalAidClose(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome legalaid.Outcome `json:"outcome"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Close(r.Context(), p, actorOf(r), r.PathValue("id"), in.Outcome)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// legalAidPage lists the centre's latest requests and cases.
func (s *Server) legalAidPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	cs, err := s.legalaid.List(r.Context(), p, actorOf(r), 50)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "legalaid.html", map[string]any{"Cases": cs})
	return nil
}

func (s *Server) legalAidForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderLegalAidForm(w, r, http.StatusOK, map[string]string{"channel": "in_person"}, nil, "")
}

func (s *Server) renderLegalAidForm(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	s.render(w, r, status, "legalaid_form.html", map[string]any{"Values": values, "Errors": errs, "Message": msg, "Rules": legalaid.Rules,
		"Fields": legalaid.Fields, "Forms": legalaid.Forms, "Channels": legalaid.Channels, "Shown": r.Form["evidence"],
		"Communes": s.units.CurrentCommunes(s.now())})
	return nil
}

// legalAidCreate receives a request typed at the desk, or shows the form again with every
// problem beside its field.
func (s *Server) legalAidCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	req := legalaid.Request{Applicant: legalaid.Applicant{FullName: f.Get("applicant.full_name"), DateOfBirth: isoDate(f.Get("applicant.date_of_birth")),
		Sex: f.Get("applicant.sex"), PersonalID: f.Get("applicant.personal_id"), Residence: f.Get("applicant.residence"), Phone: f.Get("applicant.phone"),
		Commune: f.Get("applicant.commune")},
		Field: legalaid.Field(f.Get("field")), Form: legalaid.Form(f.Get("form")), Channel: legalaid.Channel(f.Get("channel")),
		ReferredBy: f.Get("referred_by"), Matter: f.Get("matter"), Category: f.Get("category"), Evidence: f["evidence"]}
	if n := strings.TrimSpace(f.Get("other_party.full_name")); n != "" {
		req.OtherParty = &legalaid.Party{FullName: n, DateOfBirth: isoDate(f.Get("other_party.date_of_birth"))}
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Receive(r.Context(), p, actorOf(r), req)
	if err == nil {
		http.Redirect(w, r, "/legal-aid/"+c.ID, http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	return s.renderLegalAidForm(w, r, http.StatusBadRequest, postedValues(f), fields, s.message(r, err))
}

func (s *Server) legalAidCasePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderLegalAidCase(w, r, http.StatusOK, "")
}

func (s *Server) renderLegalAidCase(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, _ := principalOf(r)
	c, err := s.legalaid.Get(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	category, _ := legalaid.Rules.Category(c.Category)
	events, err := s.legalaid.Events(r.Context(), c.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "legalaid_case.html", map[string]any{"C": c, "Category": category, "Message": msg, "Events": events,
		"Kinds": legalaid.AssigneeKinds, "Outcomes": legalaid.Outcomes, "EventKinds": legalaid.EventKinds, "Criteria": legalaid.Criteria})
	return nil
}

// legalAidStep takes a case a step on from its page: decide, assign or close.
func (s *Server) legalAidStep(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	id := r.PathValue("id")
	var err error
	switch r.PathValue("step") {
	case "decide":
		_, err = s.legalaid.Decide(r.Context(), p, actorOf(r), id, legalaid.Decision(r.FormValue("decision")), r.FormValue("note"))
	case "assign":
		_, err = s.legalaid.Assign(r.Context(), p, actorOf(r), id, legalaid.Assignee{Kind: legalaid.AssigneeKind(r.FormValue("kind")),
			Name: r.FormValue("name"), RelatedToOtherParty: r.FormValue("related") != ""})
	case "decline":
		_, err = s.legalaid.Decline(r.Context(), p, actorOf(r), id, r.FormValue("reason"))
	case "close":
		_, err = s.legalaid.Close(r.Context(), p, actorOf(r), id, legalaid.Outcome(r.FormValue("outcome")))
	case "event":
		days, _ := strconv.Atoi(r.FormValue("working_days"))
		_, err = s.legalaid.AddEvent(r.Context(), p, actorOf(r), id, legalaid.Event{Kind: legalaid.EventKind(r.FormValue("kind")),
			Day: isoDate(r.FormValue("day")), WorkingDays: days, Note: r.FormValue("note")})
	case "done":
		err = s.legalaid.Done(r.Context(), p, actorOf(r), id, r.FormValue("event"))
	case "pause":
		_, err = s.legalaid.Pause(r.Context(), p, actorOf(r), id, r.FormValue("reason"))
	case "resume":
		_, err = s.legalaid.Resume(r.Context(), p, actorOf(r), id)
	case "transfer":
		_, err = s.legalaid.Transfer(r.Context(), p, actorOf(r), id, r.FormValue("to"))
	case "assess":
		a := legalaid.Assessment{Method: r.FormValue("method"), Criteria: map[string]int{}, Note: r.FormValue("note")}
		for _, k := range legalaid.Criteria {
			a.Criteria[k], _ = strconv.Atoi(r.FormValue("criteria." + k))
		}
		_, err = s.legalaid.Assess(r.Context(), p, actorOf(r), id, a)
	default:
		return notFoundErr
	}
	if err != nil {
		if msg, _, ok := s.stepProblem(r, err, fault.Conflict); ok {
			return s.renderLegalAidCase(w, r, formStatus(err), msg)
		}
		return err
	}
	http.Redirect(w, r, "/legal-aid/"+id, http.StatusSeeOther)
	return nil
}

// apiLegalAidDecline records that the assignee declined the case.
func (s *Server) apiLegalAidDecline(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	c, err := s.legalaid.Decline(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// The API of a case's further steps: its timeline, pause, resumption, transfer, assessment.
func (s *Server) apiLegalAidEvent(w http.ResponseWriter, r *http.Request) error {
	var e legalaid.Event
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.legalaid.AddEvent(r.Context(), p, actorOf(r), r.PathValue("id"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiLegalAidMove(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Status string `json:"status"` // paused, open (resumed), transferred
		Reason string `json:"reason"` // why paused, or to whom transferred
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	var c legalaid.Case
	var err error
	switch in.Status {
	case legalaid.StatusPaused:
		c, err = s.legalaid.Pause(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason)
	case legalaid.StatusOpen:
		c, err = s.legalaid.Resume(r.Context(), p, actorOf(r), r.PathValue("id"))
	case legalaid.StatusTransferred:
		c, err = s.legalaid.Transfer(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason)
	default:
		return invalidFields(map[string]string{"status": "legalaid.status_bad"})
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiLegalAidAssess(w http.ResponseWriter, r *http.Request) error {
	var a legalaid.Assessment
	if err := decodeJSON(r, &a); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.legalaid.Assess(r.Context(), p, actorOf(r), r.PathValue("id"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiLegalAidSession(w http.ResponseWriter, r *http.Request) error {
	var ss legalaid.Session
	if err := decodeJSON(r, &ss); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.legalaid.AddSession(r.Context(), p, actorOf(r), ss)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// legalAidReport is the centre's report of the period asked.
func (s *Server) legalAidReport(r *http.Request) (legalaid.Report, error) {
	from, to, err := s.reportPeriod(r)
	if err != nil {
		return legalaid.Report{}, err
	}
	p, _ := principalOf(r)
	return s.legalaid.Report(r.Context(), p, from, to)
}

func (s *Server) apiLegalAidReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.legalAidReport(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// legalAidOutreachPage lists the outreach sessions with the form that records one.
func (s *Server) legalAidOutreachPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOutreach(w, r, http.StatusOK, map[string]string{}, nil, "")
}

func (s *Server) renderOutreach(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	sessions, err := s.legalaid.Sessions(r.Context(), p, 100)
	if err != nil {
		return err
	}
	communes := s.units.CurrentCommunes(s.now())
	names := make(map[string]string, len(communes))
	for _, u := range communes {
		names[u.Code] = u.Name
	}
	s.render(w, r, status, "legalaid_outreach.html", map[string]any{"Sessions": sessions, "Values": values, "Errors": errs, "Message": msg,
		"Communes": communes, "Names": names})
	return nil
}

// legalAidOutreachCreate records a session from the form, or shows it again with its problems.
func (s *Server) legalAidOutreachCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	ss := legalaid.Session{Day: isoDate(f.Get("day")), Commune: f.Get("commune"), Place: f.Get("place"), Topic: f.Get("topic")}
	var v fault.Validation
	for field, n := range map[string]*int{"attendees": &ss.Attendees, "questions": &ss.Questions} {
		var err error
		if *n, err = strconv.Atoi(strings.TrimSpace(f.Get(field))); err != nil || *n < 0 {
			v.Add(field, "legalaid.count")
		}
	}
	p, _ := principalOf(r)
	err := v.Err()
	if err == nil {
		_, err = s.legalaid.AddSession(r.Context(), p, actorOf(r), ss)
	} else {
		// The other fields' problems at the same time: the service's checks alone, nothing stored.
		ss.Attendees, ss.Questions = 0, 0
		if verr := v.Include(s.legalaid.CheckSession(ss)); verr == nil {
			err = v.Err()
		}
	}
	if err == nil {
		http.Redirect(w, r, "/legal-aid/outreach", http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	return s.renderOutreach(w, r, http.StatusBadRequest, postedValues(f), fields, s.message(r, err))
}

func (s *Server) apiLegalAidSessions(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ss, err := s.legalaid.Sessions(r.Context(), p, 500)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": ss})
	return nil
}
