package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/document"
	"tuphap/internal/grassroots"
	"tuphap/internal/i18n"
)

// The grassroots API, under /api/v1/grassroots/: the same service as the pages.

func (s *Server) apiGrassrootsEvent(w http.ResponseWriter, r *http.Request) error {
	var e grassroots.Event
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.AddEvent(r.Context(), p, actorOf(r), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// grassrootsQuery reads a list's filters: commune, from, to (yyyy-mm-dd).
func grassrootsQuery(r *http.Request) grassroots.Query {
	v := r.URL.Query()
	return grassroots.Query{Commune: v.Get("commune"), From: v.Get("from"), To: v.Get("to")}
}

func (s *Server) apiGrassrootsEvents(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	es, err := s.grass.Events(r.Context(), p, grassrootsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": es})
	return nil
}

func (s *Server) apiGrassrootsPlan(w http.ResponseWriter, r *http.Request) error {
	var pl grassroots.Plan
	if err := decodeJSON(r, &pl); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.SetPlan(r.Context(), p, actorOf(r), pl)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiGrassrootsTeam(w http.ResponseWriter, r *http.Request) error {
	var t grassroots.Team
	if err := decodeJSON(r, &t); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.AddTeam(r.Context(), p, actorOf(r), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiGrassrootsTeams(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ts, err := s.grass.Teams(r.Context(), p, r.URL.Query().Get("commune"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": ts})
	return nil
}

func (s *Server) apiGrassrootsCase(w http.ResponseWriter, r *http.Request) error {
	var c grassroots.Case
	if err := decodeJSON(r, &c); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.AddCase(r.Context(), p, actorOf(r), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiGrassrootsCases(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	cs, err := s.grass.Cases(r.Context(), p, grassrootsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cs})
	return nil
}

func (s *Server) apiGrassrootsCaseResult(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Result  grassroots.Result `json:"result"`
		EndedOn string            `json:"ended_on"`
		ToCourt bool              `json:"referred_to_court"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.EndCase(r.Context(), p, actorOf(r), r.PathValue("id"), in.Result, in.EndedOn, in.ToCourt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reviewYear reads the path's commune and year.
func reviewYear(r *http.Request) (string, int, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return "", 0, invalidFields(map[string]string{"year": "grassroots.year_bad"})
	}
	return r.PathValue("commune"), year, nil
}

func (s *Server) apiGrassrootsReview(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	rv, err := s.grass.YearReview(r.Context(), p, commune, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rv)
	return nil
}

func (s *Server) apiGrassrootsSubmit(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	rv, err := s.grass.Submit(r.Context(), p, actorOf(r), commune, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rv)
	return nil
}

func (s *Server) apiGrassrootsDecide(w http.ResponseWriter, r *http.Request) error {
	commune, year, err := reviewYear(r)
	if err != nil {
		return err
	}
	var in struct {
		Status grassroots.ReviewStatus `json:"status"`
		Note   string                  `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	rv, err := s.grass.Decide(r.Context(), p, actorOf(r), commune, year, in.Status, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rv)
	return nil
}

func (s *Server) apiEnforcementSave(w http.ResponseWriter, r *http.Request) error {
	var f grassroots.EnforcementFigures
	if err := decodeJSON(r, &f); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.grass.SaveEnforcement(r.Context(), p, actorOf(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiEnforcementList(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		year = s.grassrootsYear(r)
	}
	p, _ := principalOf(r)
	list, err := s.grass.Enforcement(r.Context(), p, r.URL.Query().Get("commune"), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "figures": list})
	return nil
}

func (s *Server) grassrootsReport(r *http.Request) (grassroots.Report, error) {
	from, to, err := s.grassrootsPeriod(r)
	if err != nil {
		return grassroots.Report{}, err
	}
	p, _ := principalOf(r)
	return s.grass.Report(r.Context(), p, from, to)
}

func (s *Server) apiGrassrootsReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.grassrootsReport(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) grassrootsReportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.grassrootsReport(r)
	if err != nil {
		return err
	}
	most := 0
	for _, f := range rep.Communes {
		most = max(most, f.Events)
	}
	s.render(w, r, http.StatusOK, "grassroots_report.html", map[string]any{"R": rep, "Names": s.communeNames(), "Most": most})
	return nil
}

// grassrootsReportXLSX is the report as a workbook: a line per commune, the province's total
// last, numbers as numbers and the rates as percentages.
func (s *Server) grassrootsReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.grassrootsReport(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	f := excelize.NewFile()
	defer f.Close()
	name := t("grassroots.title")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	f.SetCellValue(name, "A1", t("grassroots.report"))
	f.SetCellValue(name, "A2", t("report.period", document.DateVN(rep.From), document.DateVN(rep.To)))
	head := []any{t("grassroots.commune"), t("grassroots.events"), t("grassroots.audience"), t("grassroots.plan_events"), t("grassroots.completion"),
		t("grassroots.teams"), t("grassroots.mediators"), t("grassroots.cases"), t("grassroots.result.successful"), t("grassroots.result.unsuccessful"),
		t("grassroots.result.withdrawn"), t("grassroots.pending"), t("grassroots.to_court"), t("grassroots.success_rate"), t("grassroots.review"),
		t("grassroots.inspections"), t("grassroots.violations"), t("grassroots.sanctioned"), t("grassroots.fines")}
	f.SetSheetRow(name, "A4", &head)
	f.SetCellStyle(name, "A4", "S4", bold)
	names := s.communeNames()
	line := 5
	write := func(label string, g grassroots.Figures) {
		row := []any{label, g.Events, g.Audience, g.PlanEvents, g.Completion, g.Teams, g.Mediators, g.Cases, g.Successful, g.Unsuccessful,
			g.Withdrawn, g.Pending, g.ToCourt, g.SuccessRate, "", g.Inspections, g.Violations, g.Sanctioned, g.Fines}
		if g.Commune != "" {
			row[14] = t("grassroots.status." + string(g.Review))
		}
		f.SetSheetRow(name, fmt.Sprintf("A%d", line), &row)
		f.SetCellStyle(name, fmt.Sprintf("E%d", line), fmt.Sprintf("E%d", line), pct)
		f.SetCellStyle(name, fmt.Sprintf("N%d", line), fmt.Sprintf("N%d", line), pct)
		line++
	}
	for _, g := range rep.Communes {
		label := names[g.Commune]
		if label == "" {
			label = g.Commune
		}
		write(label, g)
	}
	write(t("report.total"), rep.Province)
	f.SetCellStyle(name, fmt.Sprintf("A%d", line-1), fmt.Sprintf("A%d", line-1), bold)
	f.SetColWidth(name, "A", "A", 32)
	f.SetColWidth(name, "B", "S", 14)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="co-so-%s-%s.xlsx"`, rep.From, rep.To))
	return f.Write(w)
}
