package web

import (
	"net/http"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
)

// Inspections of the communes' civil-status work: the year's plan with a form for a new one,
// an inspection's page with its findings (the team's form for a new one, the conclusion, the
// decisions on answers, the closure) and, for the commune, the answer to each finding.

func (s *Server) inspectionsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderInspections(w, r, http.StatusOK, map[string]string{}, nil, "")
}

func (s *Server) renderInspections(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	list, err := s.inspect.List(r.Context(), p, year)
	if err != nil {
		return err
	}
	s.render(w, r, status, "inspections.html", map[string]any{"Year": year, "List": list, "Inspector": p.Can(auth.Inspect), "Values": values,
		"Checklist": s.inspect.Checklist,
		"Errors":    errs, "Message": msg})
	return nil
}

func (s *Server) inspectionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f := r.PostForm
	in, err := s.inspect.Plan(r.Context(), p, actorOf(r), oversight.Inspection{Commune: f.Get("commune"), StartsOn: isoDate(f.Get("starts_on")),
		EndsOn: isoDate(f.Get("ends_on")), PeriodFrom: isoDate(f.Get("period_from")), PeriodTo: isoDate(f.Get("period_to")), Lead: f.Get("lead"),
		Team: strings.FieldsFunc(f.Get("team"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })})
	if err == nil {
		http.Redirect(w, r, "/oversight/inspections/"+in.ID, http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	values := map[string]string{}
	for k, v := range f {
		values[k] = v[0]
	}
	return s.renderInspections(w, r, http.StatusBadRequest, values, fields, s.message(r, err))
}

func (s *Server) inspectionPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderInspection(w, r, http.StatusOK, "", nil, nil)
}

func (s *Server) renderInspection(w http.ResponseWriter, r *http.Request, status int, msg string, values, errs map[string]string) error {
	p, _ := principalOf(r)
	in, err := s.inspect.Inspection(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	team := p.Role == auth.Leader || (p.Can(auth.Inspect) && strings.Contains(","+strings.Join(in.Team, ",")+",", ","+p.Username+","))
	s.render(w, r, status, "inspection.html", map[string]any{"I": in, "Message": msg, "Values": values, "Errors": errs, "Team": team,
		"Leads": in.Lead == p.Username || p.Role == auth.Leader, "Commune": p.Can(auth.AnswerFindings), "Items": s.inspect.Checklist.Items})
	return nil
}

// inspectionStep runs a step of an inspection's page and shows its problem on the page.
func (s *Server) inspectionStep(w http.ResponseWriter, r *http.Request, id string, step func() error) error {
	err := step()
	if err == nil {
		http.Redirect(w, r, "/oversight/inspections/"+id, http.StatusSeeOther)
		return nil
	}
	msg, fields, ok := s.stepProblem(r, err, fault.Conflict, fault.Forbidden)
	if !ok {
		return err
	}
	values := map[string]string{}
	for k, v := range r.PostForm {
		values[k] = v[0]
	}
	r.SetPathValue("id", id)
	return s.renderInspection(w, r, formStatus(err), msg, values, fields)
}

func (s *Server) findingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f := r.PostForm
	return s.inspectionStep(w, r, r.PathValue("id"), func() error {
		_, err := s.inspect.AddFinding(r.Context(), p, actorOf(r), r.PathValue("id"), oversight.Finding{Item: f.Get("item"), Record: f.Get("record_id"),
			Dossier: f.Get("dossier_id"), Note: f.Get("note"), Remedy: f.Get("remedy"), DueOn: isoDate(f.Get("due_on"))})
		return err
	})
}

func (s *Server) inspectionConclude(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	return s.inspectionStep(w, r, r.PathValue("id"), func() error {
		_, err := s.inspect.Conclude(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("conclusion"))
		return err
	})
}

func (s *Server) inspectionClose(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	return s.inspectionStep(w, r, r.PathValue("id"), func() error {
		_, err := s.inspect.Close(r.Context(), p, actorOf(r), r.PathValue("id"))
		return err
	})
}

// findingStep answers or settles a finding from its inspection's page (the form names it).
func (s *Server) findingStep(w http.ResponseWriter, r *http.Request, step func(p auth.Principal) (oversight.Finding, error)) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f, err := step(p)
	if err == nil {
		http.Redirect(w, r, "/oversight/inspections/"+f.Inspection, http.StatusSeeOther)
		return nil
	}
	inspection := r.PostForm.Get("inspection")
	if inspection == "" {
		return err
	}
	return s.inspectionStep(w, r, inspection, func() error { return err })
}

func (s *Server) findingAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.findingStep(w, r, func(p auth.Principal) (oversight.Finding, error) {
		return s.inspect.Answer(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("answer"))
	})
}

func (s *Server) findingSettle(w http.ResponseWriter, r *http.Request) error {
	return s.findingStep(w, r, func(p auth.Principal) (oversight.Finding, error) {
		return s.inspect.Settle(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("decision") == "accept", r.PostForm.Get("review_note"))
	})
}

// The API: the same steps as JSON.

func (s *Server) apiInspections(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.inspect.List(r.Context(), p, s.programmeYear(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"inspections": list, "checklist": s.inspect.Checklist})
	return nil
}

func (s *Server) apiInspectionCreate(w http.ResponseWriter, r *http.Request) error {
	var in oversight.Inspection
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	in, err := s.inspect.Plan(r.Context(), p, actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, in)
	return nil
}

func (s *Server) apiInspection(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	in, err := s.inspect.Inspection(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiFindingCreate(w http.ResponseWriter, r *http.Request) error {
	var f oversight.Finding
	if err := decodeJSON(r, &f); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f, err := s.inspect.AddFinding(r.Context(), p, actorOf(r), r.PathValue("id"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) apiInspectionConclude(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Conclusion string `json:"conclusion"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	in, err := s.inspect.Conclude(r.Context(), p, actorOf(r), r.PathValue("id"), body.Conclusion)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiInspectionClose(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	in, err := s.inspect.Close(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiFindingAnswer(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f, err := s.inspect.Answer(r.Context(), p, actorOf(r), r.PathValue("id"), body.Answer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiFindingSettle(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Accept bool   `json:"accept"`
		Note   string `json:"review_note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f, err := s.inspect.Settle(r.Context(), p, actorOf(r), r.PathValue("id"), body.Accept, body.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
