package web

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/i18n"
)

// adoptionRow is one office's line of the report of adoptions.
type adoptionRow struct {
	Office, Name string
	civil.AdoptionCount
}

// adoptionReport is the department's report of the adoptions the communes registered in a
// period: a line per office, by name, and the province's total.
type adoptionReport struct {
	From    string                         `json:"from"`
	To      string                         `json:"to"`
	Offices map[string]civil.AdoptionCount `json:"offices"`
	Total   civil.AdoptionCount            `json:"total"`
	Rows    []adoptionRow                  `json:"-"`
}

func (s *Server) adoptions(r *http.Request) (adoptionReport, error) {
	from, to, err := s.reportPeriod(r)
	if err != nil {
		return adoptionReport{}, err
	}
	p, _ := principalOf(r)
	rep := adoptionReport{From: from.Format(civil.DateFormat), To: to.Format(civil.DateFormat), Total: civil.AdoptionCount{Ages: make([]int, len(civil.AdoptionAges))}}
	if rep.Offices, err = s.registry.AdoptionReport(r.Context(), p, rep.From, rep.To, r.URL.Query().Get("office")); err != nil {
		return rep, err
	}
	for office, c := range rep.Offices {
		rep.Rows = append(rep.Rows, adoptionRow{Office: office, Name: s.officeName[office], AdoptionCount: c})
		rep.Total = rep.Total.Plus(c)
	}
	sort.Slice(rep.Rows, func(i, j int) bool { return rep.Rows[i].Name < rep.Rows[j].Name })
	return rep, nil
}

func (s *Server) adoptionsPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.adoptions(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "adoptions_report.html", map[string]any{"R": rep, "Ages": civil.AdoptionAges})
	return nil
}

func (s *Server) apiAdoptions(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.adoptions(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// adoptionHeads are the report's columns after the office, in the order of adoptionCells.
func adoptionHeads(t func(string, ...any) string) []any {
	heads := []any{t("adoptions.total"), t("adoptions.step_parent"), t("adoptions.relative"), t("adoptions.others"),
		t("adoptions.couples"), t("adoptions.single"), t("adoptions.boys"), t("adoptions.girls")}
	for _, a := range civil.AdoptionAges {
		heads = append(heads, t("adoptions.age_"+a.Name))
	}
	return append(heads, t("adoptions.abroad"))
}

func adoptionCells(c civil.AdoptionCount) []any {
	cells := []any{c.Total, c.StepParent, c.Relative, c.Others, c.Couples, c.Single, c.Boys, c.Girls}
	for _, n := range c.Ages {
		cells = append(cells, n)
	}
	return append(cells, c.Abroad)
}

// adoptionsXLSX is the report as a workbook, a line per office and the total.
func (s *Server) adoptionsXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.adoptions(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	name := t("adoptions.sheet")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	f.SetCellValue(name, "A1", t("adoptions.title"))
	f.SetCellValue(name, "A2", t("report.period", document.DateVN(rep.From), document.DateVN(rep.To)))
	head := append([]any{t("users.office")}, adoptionHeads(t)...)
	f.SetSheetRow(name, "A4", &head)
	last, _ := excelize.ColumnNumberToName(len(head))
	f.SetCellStyle(name, "A4", last+"4", bold)
	line := 5
	for _, row := range append(rep.Rows, adoptionRow{Name: t("report.total"), AdoptionCount: rep.Total}) {
		cells := append([]any{row.Name}, adoptionCells(row.AdoptionCount)...)
		f.SetSheetRow(name, fmt.Sprintf("A%d", line), &cells)
		line++
	}
	f.SetCellStyle(name, fmt.Sprintf("A%d", line-1), fmt.Sprintf("%s%d", last, line-1), bold)
	f.SetColWidth(name, "A", "A", 40)
	f.SetColWidth(name, "B", last, 14)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="nuoi-con-nuoi-%s-%s.xlsx"`, rep.From, rep.To))
	return f.Write(w)
}
