package web

import (
	"net/http"
	"strconv"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
)

// The department's work programme: the year's tasks by deadline, a leader's form for a new one
// (its milestones one per line, "dd/mm/yyyy name"), a task's page with its progress form.

func (s *Server) programmeYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y < 2200 {
		return y
	}
	return s.now().In(calendar.Vietnam).Year()
}

func (s *Server) programmePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProgramme(w, r, http.StatusOK, map[string]string{}, nil, "")
}

func (s *Server) renderProgramme(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	tasks, err := s.plan.Tasks(r.Context(), p, year, r.URL.Query().Get("overdue") == "1")
	if err != nil {
		return err
	}
	s.render(w, r, status, "programme.html", map[string]any{"Year": year, "Tasks": tasks, "Planner": p.Can(auth.PlanProgramme), "Values": values,
		"Errors": errs, "Message": msg})
	return nil
}

// milestonesOf reads the form's milestones: "dd/mm/yyyy name" per line.
func milestonesOf(text string) []oversight.Milestone {
	var out []oversight.Milestone
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		day, title, _ := strings.Cut(line, " ")
		out = append(out, oversight.Milestone{DueOn: isoDate(day), Title: title})
	}
	return out
}

func (s *Server) programmeCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("year"))
	t, err := s.plan.AddTask(r.Context(), p, actorOf(r), oversight.Task{Year: year, Title: f.Get("title"), Unit: f.Get("unit"), Lead: f.Get("lead"),
		DueOn: isoDate(f.Get("due_on")), Milestones: milestonesOf(f.Get("milestones"))})
	if err == nil {
		http.Redirect(w, r, "/oversight/programme/"+t.ID, http.StatusSeeOther)
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
	return s.renderProgramme(w, r, http.StatusBadRequest, values, fields, s.message(r, err))
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTask(w, r, http.StatusOK, "")
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, _ := principalOf(r)
	t, err := s.plan.Task(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, status, "task.html", map[string]any{"T": t, "Message": msg, "Reporter": t.Lead == p.Username || p.Can(auth.PlanProgramme)})
	return nil
}

func (s *Server) taskProgress(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	progress, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("progress")))
	if err != nil {
		progress = -1
	}
	var reached []int
	for _, v := range r.PostForm["reached"] {
		if n, err := strconv.Atoi(v); err == nil {
			reached = append(reached, n)
		}
	}
	if _, err := s.plan.ReportProgress(r.Context(), p, actorOf(r), r.PathValue("id"), progress, reached, r.PostForm.Get("note")); err != nil {
		if msg, _, ok := s.stepProblem(r, err, fault.Conflict, fault.Forbidden); ok {
			return s.renderTask(w, r, formStatus(err), msg)
		}
		return err
	}
	http.Redirect(w, r, "/oversight/programme/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) apiProgramme(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	tasks, err := s.plan.Tasks(r.Context(), p, s.programmeYear(r), r.URL.Query().Get("overdue") == "1")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks})
	return nil
}

func (s *Server) apiTaskCreate(w http.ResponseWriter, r *http.Request) error {
	var t oversight.Task
	if err := decodeJSON(r, &t); err != nil {
		return err
	}
	p, _ := principalOf(r)
	t, err := s.plan.AddTask(r.Context(), p, actorOf(r), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	t, err := s.plan.Task(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiTaskProgress(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Progress int    `json:"progress"`
		Reached  []int  `json:"milestones_reached"`
		Note     string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	t, err := s.plan.ReportProgress(r.Context(), p, actorOf(r), r.PathValue("id"), body.Progress, body.Reached, body.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
