package web

import (
	"net/http"
	"strconv"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
)

// Emulation: the year's ranking of the communes with their grades, a commune's points each
// with its reason, and the department's form for the points it enters with evidence.

func (s *Server) emulationPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	scores, err := s.emulate.Scores(r.Context(), p, year)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "emulation.html", map[string]any{"Year": year, "Scores": scores, "C": s.emulate.For(year)})
	return nil
}

func (s *Server) communeScorePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCommuneScore(w, r, http.StatusOK, "")
}

func (s *Server) renderCommuneScore(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	scores, err := s.emulate.Scores(r.Context(), p, year)
	if err != nil {
		return err
	}
	for _, sc := range scores {
		if sc.Code == r.PathValue("commune") {
			s.render(w, r, status, "emulation_commune.html", map[string]any{"Year": year, "S": sc, "C": s.emulate.For(year), "Message": msg,
				"Scorer": p.Can(auth.ScoreEmulation), "Of": len(scores)})
			return nil
		}
	}
	return fault.New(fault.NotFound, "emulation.commune_unknown")
}

func (s *Server) emulationEnter(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	points, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(r.PostForm.Get("points")), ",", ".", 1), 64)
	if err != nil {
		points = -1
	}
	year, _ := strconv.Atoi(r.PostForm.Get("year"))
	_, err = s.emulate.Enter(r.Context(), p, actorOf(r), oversight.Entry{Commune: r.PathValue("commune"), Year: year, Criterion: r.PostForm.Get("criterion"),
		Points: points, Evidence: r.PostForm.Get("evidence")})
	if err != nil {
		if msg, _, ok := s.stepProblem(r, err); ok {
			return s.renderCommuneScore(w, r, http.StatusBadRequest, msg)
		}
		return err
	}
	http.Redirect(w, r, "/oversight/emulation/"+r.PathValue("commune")+"?year="+strconv.Itoa(year), http.StatusSeeOther)
	return nil
}

func (s *Server) apiEmulation(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	scores, err := s.emulate.Scores(r.Context(), p, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"criteria": s.emulate.For(year), "scores": scores})
	return nil
}

func (s *Server) apiEmulationEnter(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Year      int     `json:"year"`
		Criterion string  `json:"criterion"`
		Points    float64 `json:"points"`
		Evidence  string  `json:"evidence"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	x, err := s.emulate.Enter(r.Context(), p, actorOf(r), oversight.Entry{Commune: r.PathValue("commune"), Year: body.Year, Criterion: body.Criterion,
		Points: body.Points, Evidence: body.Evidence})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"commune": x.Commune, "year": x.Year, "criterion": x.Criterion, "points": x.Points, "evidence": x.Evidence})
	return nil
}
