package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
)

// The access-to-law standard: a commune's self-assessment of a year and the department's review,
// on a page of its own beside the commune's year.

func (s *Server) accessPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccess(w, r, http.StatusOK, nil, nil, "")
}

func (s *Server) renderAccess(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	commune, year := r.PathValue("commune"), s.grassrootsYear(r)
	if y, err := strconv.Atoi(r.FormValue("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	a, err := s.grass.GetAssessment(r.Context(), p, commune, year)
	if err != nil {
		return err
	}
	if values == nil { // the scores saved, as the form shows them
		values = map[string]string{}
		for code, n := range a.Self.Points {
			values["points."+code] = strconv.Itoa(n)
			values["rpoints."+code] = strconv.Itoa(n)
		}
		for code, e := range a.Self.Evidence {
			values["evidence."+code] = e
		}
		if a.Reviewed != nil {
			for code, n := range a.Reviewed.Points {
				values["rpoints."+code] = strconv.Itoa(n)
			}
		}
	}
	s.render(w, r, status, "grassroots_access.html", map[string]any{"A": a, "S": s.grass.Standard, "Name": s.communeNames()[commune],
		"Commune": commune, "Year": year, "Values": values, "Errors": errs, "Message": msg,
		"Editable": p.Can(auth.GrassrootsEnter) && a.Status.Editable(), "Reviewer": p.Can(auth.GrassrootsReview) && a.Status == grassroots.Submitted})
	return nil
}

// accessStep saves, submits or reviews an assessment from its page.
func (s *Server) accessStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	ctx, by, f := r.Context(), actorOf(r), r.PostForm
	commune := r.PathValue("commune")
	year, _ := strconv.Atoi(f.Get("year"))
	var err error
	switch r.PathValue("step") {
	case "save":
		sc := grassroots.Scores{Points: map[string]int{}, Evidence: map[string]string{}}
		bad := map[string]string{}
		for _, c := range s.grass.Standard.Criteria {
			for _, in := range c.Indicators {
				raw := strings.TrimSpace(f.Get("points." + in.Code))
				if n, err := strconv.Atoi(raw); err == nil {
					sc.Points[in.Code] = n
				} else if raw != "" {
					bad["points."+in.Code] = "grassroots.points_bad"
				}
				if e := strings.TrimSpace(f.Get("evidence." + in.Code)); e != "" {
					sc.Evidence[in.Code] = e
				}
			}
		}
		if len(bad) > 0 {
			err = invalidFields(bad)
		} else {
			_, err = s.grass.SaveAssessment(ctx, p, by, commune, year, sc)
		}
	case "submit":
		_, err = s.grass.SubmitAssessment(ctx, p, by, commune, year)
	case "review":
		points, bad := map[string]int{}, map[string]string{}
		if f.Get("status") == string(grassroots.Accepted) { // a return keeps the commune's points
			for _, c := range s.grass.Standard.Criteria {
				for _, in := range c.Indicators {
					if n, err := strconv.Atoi(strings.TrimSpace(f.Get("rpoints." + in.Code))); err == nil {
						points[in.Code] = n
					} else {
						bad["points."+in.Code] = "grassroots.points_bad" // blank or "5,5": never the commune's silently
					}
				}
			}
		}
		if len(bad) > 0 {
			err = invalidFields(bad)
		} else {
			_, err = s.grass.ReviewAssessment(ctx, p, by, commune, year, grassroots.ReviewStatus(f.Get("status")), points, f.Get("note"))
		}
	default:
		return notFoundErr
	}
	if err != nil {
		fields := fieldErrors(r, err)
		if fields == nil && !fault.Is(err, fault.Conflict) {
			return err
		}
		return s.renderAccess(w, r, formStatus(err), postedValues(f), fields, s.message(r, err))
	}
	http.Redirect(w, r, fmt.Sprintf("/grassroots/%s/access?year=%d", commune, year), http.StatusSeeOther)
	return nil
}

// The API of the access-to-law standard.

func (s *Server) apiAccessStandard(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.grass.Standard)
	return nil
}

func (s *Server) apiAccessGet(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	a, err := s.grass.GetAssessment(r.Context(), p, commune, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccessSave(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	var sc grassroots.Scores
	if err := decodeJSON(r, &sc); err != nil {
		return err
	}
	p, _ := principalOf(r)
	a, err := s.grass.SaveAssessment(r.Context(), p, actorOf(r), commune, year, sc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccessSubmit(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	a, err := s.grass.SubmitAssessment(r.Context(), p, actorOf(r), commune, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccessDecide(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	var in struct {
		Status grassroots.ReviewStatus `json:"status"`
		Points map[string]int          `json:"points"`
		Note   string                  `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	a, err := s.grass.ReviewAssessment(r.Context(), p, actorOf(r), commune, year, in.Status, in.Points, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccessList(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		year = s.grassrootsYear(r)
	}
	p, _ := principalOf(r)
	list, err := s.grass.Assessments(r.Context(), p, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "assessments": list})
	return nil
}
