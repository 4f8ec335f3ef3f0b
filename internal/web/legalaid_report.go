package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/calendar"
	"tuphap/internal/document"
	"tuphap/internal/i18n"
	"tuphap/internal/legalaid"
	"tuphap/internal/units"
)

// countSection is a part of a report: its title and total, and the counts that make it up, as
// the page draws them (a bar each, scaled to the largest) and the workbook lists them.
type countSection struct {
	ID, Title string
	Total     int
	Items     []countItem
}

type countItem struct {
	Label string
	Count int
}

// Max is the largest count, which the bars scale to.
func (c countSection) Max() int {
	m := 0
	for _, it := range c.Items {
		m = max(m, it.Count)
	}
	return m
}

// legalAidSections are the report's parts in the order the centre reports them.
func (s *Server) legalAidSections(lang i18n.Lang, rep legalaid.Report) []countSection {
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	sec := func(id, title string, total int) countSection {
		return countSection{ID: id, Title: title, Total: total}
	}
	decisions := sec("decisions", t("legalaid.report.requests"), rep.Requests)
	for _, d := range []string{"accepted", "refused", "referred"} {
		decisions.Items = append(decisions.Items, countItem{t("legalaid.decision." + d), rep.Decisions[d]})
	}
	field := sec("by-field", t("legalaid.report.by_field"), rep.Requests)
	for _, f := range legalaid.Fields {
		field.Items = append(field.Items, countItem{t("legalaid.field." + string(f)), rep.ByField[string(f)]})
	}
	form := sec("by-form", t("legalaid.report.by_form"), rep.Requests)
	for _, f := range legalaid.Forms {
		form.Items = append(form.Items, countItem{t("legalaid.form." + string(f)), rep.ByForm[string(f)]})
	}
	category := sec("by-category", t("legalaid.report.by_category"), rep.Requests)
	for _, c := range legalaid.Rules.Categories {
		category.Items = append(category.Items, countItem{c.Name, rep.ByCategory[c.Code]})
	}
	commune := sec("by-commune", t("legalaid.report.by_commune"), rep.Requests)
	for code, n := range rep.ByCommune {
		commune.Items = append(commune.Items, countItem{s.communeName(code), n})
	}
	assignee := sec("by-assignee", t("legalaid.report.by_assignee"), 0)
	for name, n := range rep.ByAssignee {
		assignee.Items = append(assignee.Items, countItem{name, n})
		assignee.Total += n
	}
	for _, c := range []*countSection{&commune, &assignee} { // most first, then by name
		slices.SortFunc(c.Items, func(a, b countItem) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Label, b.Label)) })
	}
	closed := sec("by-outcome", t("legalaid.report.closed"), rep.Closed)
	for _, o := range legalaid.Outcomes {
		closed.Items = append(closed.Items, countItem{t("legalaid.outcome." + string(o)), rep.ByOutcome[string(o)]})
	}
	quality := sec("quality", t("legalaid.report.quality"), 0)
	for _, q := range []string{"good", "satisfactory", "poor"} {
		quality.Items = append(quality.Items, countItem{t("legalaid.report.quality_" + q), rep.Quality[q]})
		quality.Total += rep.Quality[q]
	}
	return []countSection{decisions, field, form, category, commune, assignee, closed,
		sec("transferred", t("legalaid.report.transferred"), rep.Transferred), quality,
		sec("sessions", t("legalaid.report.sessions"), rep.Sessions), sec("attendees", t("legalaid.report.attendees"), rep.Attendees),
		sec("year-cases", t("legalaid.report.year_cases", rep.Plan), rep.YearCases)}
}

// communeName names a commune of the province by its code as the units registry has it today
// ("Phường Cẩm Thành"; its office's name adds "UBND"); the code when it is not one.
func (s *Server) communeName(code string) string {
	if u, err := s.units.Lookup(units.Commune, code, s.now()); err == nil {
		return u.Name
	}
	return code
}

// countBar draws n of most as a bar 100 units wide that scales to its box, named for screen
// readers.
func countBar(n, most int, label string) template.HTML {
	w := 0.0
	if most > 0 {
		w = min(100, 100*float64(n)/float64(most)) // past the plan: a full bar
	}
	return template.HTML(fmt.Sprintf(`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="%s: %d">`+
		`<rect x="0" y="0" width="100" height="10" fill="#eeeeee"></rect><rect x="0" y="0" width="%.2f" height="10" fill="#1565c0"></rect></svg>`,
		template.HTMLEscapeString(label), n, w))
}

// CountBar is countBar for the templates.
func (v view) CountBar(n, most int, label string) template.HTML { return countBar(n, most, label) }

func (s *Server) legalAidReportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.legalAidReport(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "legalaid_report.html", map[string]any{"R": rep, "Sections": s.legalAidSections(langOf(r), rep)})
	return nil
}

// legalAidYear is the centre's year so far for the home page of its staff and the leaders: the
// cases against the plan, and the requests by field.
func (s *Server) legalAidYear(r *http.Request) (legalaid.Report, []countSection, error) {
	p, _ := principalOf(r)
	now := s.now().In(calendar.Vietnam)
	rep, err := s.legalaid.Report(r.Context(), p, time.Date(now.Year(), 1, 1, 0, 0, 0, 0, calendar.Vietnam), now)
	if err != nil {
		return rep, nil, err
	}
	byField := s.legalAidSections(langOf(r), rep)[1]
	// The fields with requests only: the home page stays short on a phone.
	byField.Items = slices.DeleteFunc(byField.Items, func(it countItem) bool { return it.Count == 0 })
	return rep, []countSection{byField}, nil
}

// legalAidReportXLSX is the report as a workbook: each part's title and total in bold, its
// counts under it.
func (s *Server) legalAidReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.legalAidReport(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	f := excelize.NewFile()
	defer f.Close()
	name := i18n.T(lang, "legalaid.title")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	f.SetCellValue(name, "A1", i18n.T(lang, "legalaid.report"))
	f.SetCellValue(name, "A2", i18n.T(lang, "report.period", document.DateVN(rep.From), document.DateVN(rep.To)))
	f.SetCellStyle(name, "A1", "A1", bold)
	line := 4
	for _, sec := range s.legalAidSections(lang, rep) {
		f.SetSheetRow(name, fmt.Sprintf("A%d", line), &[]any{sec.Title, sec.Total})
		f.SetCellStyle(name, fmt.Sprintf("A%d", line), fmt.Sprintf("B%d", line), bold)
		line++
		for _, it := range sec.Items {
			f.SetSheetRow(name, fmt.Sprintf("A%d", line), &[]any{"   " + it.Label, it.Count})
			line++
		}
	}
	f.SetCellValue(name, fmt.Sprintf("A%d", line), i18n.T(lang, "legalaid.report.plan_help"))
	f.SetCellValue(name, fmt.Sprintf("B%d", line), rep.PlanFraction)
	if pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}); err == nil {
		f.SetCellStyle(name, fmt.Sprintf("B%d", line), fmt.Sprintf("B%d", line), pct)
	}
	f.SetColWidth(name, "A", "A", 70)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tro-giup-phap-ly-%s-%s.xlsx"`, rep.From, rep.To))
	return f.Write(w)
}
