package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/dossier"
	"tuphap/internal/i18n"
)

// The on-time report's chart: one stacked bar per row, drawn on the server as SVG (no script,
// no CDN), in the five parts that a rate alone would hide.
var barParts = []struct {
	key, color string
	count      func(dossier.Rate) int
}{
	{"report.part_on_time", "#2e7d32", func(r dossier.Rate) int { return r.OnTime }},
	{"report.part_late", "#ef6c00", func(r dossier.Rate) int { return r.Late }},
	{"report.part_within", "#1565c0", func(r dossier.Rate) int { return r.WithinTime() }},
	{"report.part_overdue", "#c62828", func(r dossier.Rate) int { return r.Overdue }},
	{"report.part_waiting", "#9e9e9e", func(r dossier.Rate) int { return r.Waiting }},
}

// stackBar draws r as a bar 100 units wide that scales to its box; label names it for screen
// readers, with every count.
func stackBar(r dossier.Rate, label string, t func(string, ...any) string) template.HTML {
	total := 0
	for _, p := range barParts {
		total += p.count(r)
	}
	var desc []string
	var b strings.Builder
	x := 0.0
	for _, p := range barParts {
		n := p.count(r)
		desc = append(desc, fmt.Sprintf("%s %d", t(p.key), n))
		if n == 0 || total == 0 {
			continue
		}
		w := 100 * float64(n) / float64(total)
		fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="10" fill="%s"><title>%s: %d</title></rect>`,
			x, w, p.color, template.HTMLEscapeString(t(p.key)), n)
		x += w
	}
	if total == 0 {
		b.WriteString(`<rect x="0" y="0" width="100" height="10" fill="#eeeeee"></rect>`)
	}
	aria := template.HTMLEscapeString(label + ": " + strings.Join(desc, ", "))
	return template.HTML(`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="` + aria + `">` + b.String() + `</svg>`)
}

// barLegend is the colours' key.
func barLegend(t func(string, ...any) string) template.HTML {
	var b strings.Builder
	b.WriteString(`<ul class="legend">`)
	for _, p := range barParts {
		fmt.Fprintf(&b, `<li><svg viewBox="0 0 10 10" width="12" height="12" aria-hidden="true"><rect width="10" height="10" fill="%s"></rect></svg> %s</li>`,
			p.color, template.HTMLEscapeString(t(p.key)))
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}

// Bar is stackBar in the page's language.
func (v view) Bar(r dossier.Rate, label string) template.HTML { return stackBar(r, label, v.T) }

// Legend is barLegend in the page's language.
func (v view) Legend() template.HTML { return barLegend(v.T) }

// onTimeXLSX exports the on-time report as a workbook: a sheet per office and per procedure,
// with the backlog beside the rate, numbers as numbers and the rate as a percentage.
func (s *Server) onTimeXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, from, to, err := s.onTime(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	procs := procNames(lang)
	f := excelize.NewFile()
	defer f.Close()
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sheet := func(name, first string, rows map[string]dossier.Rate, label func(string) string) error {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		f.SetCellValue(name, "A1", t("report.on_time_title"))
		f.SetCellValue(name, "A2", t("report.period", from.Format("02/01/2006"), to.Format("02/01/2006")))
		head := []any{first, t("report.settled"), t("report.part_on_time"), t("report.part_late"), t("report.rate"),
			t("report.part_within"), t("report.part_overdue"), t("report.part_waiting")}
		f.SetSheetRow(name, "A4", &head)
		f.SetCellStyle(name, "A4", "H4", bold)
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		line := 5
		write := func(label string, v dossier.Rate) {
			var rate any = v.Rate
			if v.Settled == 0 {
				rate = "" // nothing settled: no rate, as on the page (not 100 %)
			}
			row := []any{label, v.Settled, v.OnTime, v.Late, rate, v.WithinTime(), v.Overdue, v.Waiting}
			cell, _ := excelize.CoordinatesToCellName(1, line)
			f.SetSheetRow(name, cell, &row)
			f.SetCellStyle(name, fmt.Sprintf("E%d", line), fmt.Sprintf("E%d", line), percent)
			line++
		}
		for _, k := range keys {
			write(label(k), rows[k])
		}
		write(t("report.total"), rep.Total)
		f.SetCellStyle(name, fmt.Sprintf("A%d", line-1), fmt.Sprintf("A%d", line-1), bold)
		f.SetColWidth(name, "A", "A", 40)
		f.SetColWidth(name, "B", "H", 16)
		return nil
	}
	if err := sheet(t("report.sheet_office"), t("users.office"), rep.ByOffice, func(k string) string { return s.officeName[k] }); err != nil {
		return err
	}
	if err := sheet(t("report.sheet_procedure"), t("dossier.procedure"), rep.ByProcedure, func(k string) string { return procs[k] }); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="dung-han-%s-%s.xlsx"`, from.Format("20060102"), to.Format("20060102")))
	return f.Write(w)
}
