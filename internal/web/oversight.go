package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/i18n"
	"tuphap/internal/oversight"
)

// The leaders' dashboard (oversight): the period's key figures beside the period before, the
// registrations by kind as bars, and the communes coloured by the indicator chosen, each figure
// a link to the list behind it.

// dashboardPeriod is the period asked, this year so far by default.
func (s *Server) dashboardPeriod(r *http.Request) (time.Time, time.Time, error) {
	from, to, err := s.grassrootsPeriod(r)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	f, _ := civil.ParseDate(from)
	t, _ := civil.ParseDate(to)
	return f, t, nil
}

// pointsTrend compares a rate with the period before in percentage points: "▲ 2,5 điểm %",
// "" when either had nothing to rate.
func pointsTrend(now, before float64) string {
	if now < 0 || before < 0 {
		return ""
	}
	d := (now - before) * 100
	switch {
	case d >= 0.05:
		return "▲ " + strings.Replace(fmt.Sprintf("%.1f", d), ".", ",", 1) + " điểm %"
	case d <= -0.05:
		return "▼ " + strings.Replace(fmt.Sprintf("%.1f", -d), ".", ",", 1) + " điểm %"
	}
	return "="
}

// trend compares a count with the period before: "▲ 12%", "▼ 3%", "" when there was nothing
// to compare with.
func trend(now, before float64) string {
	if before <= 0 || now < 0 {
		return ""
	}
	d := (now - before) / before * 100
	switch {
	case d >= 0.5:
		return fmt.Sprintf("▲ %.0f%%", d)
	case d <= -0.5:
		return fmt.Sprintf("▼ %.0f%%", -d)
	}
	return "="
}

// dashRow is a commune's row as the table shows it.
type dashRow struct {
	oversight.Commune
	Level string
	Trend string // the indicator against the commune's period before
	Links map[string]string
}

func (s *Server) oversightPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	from, to, err := s.dashboardPeriod(r)
	if err != nil {
		return err
	}
	d, err := s.watch.Dashboard(r.Context(), p, from, to)
	if err != nil {
		return err
	}
	ind := oversight.IndicatorByKey(r.URL.Query().Get("indicator"))
	most := 0.0
	for _, c := range d.Communes {
		most = max(most, ind.Value(c.Figures))
	}
	period := url.Values{"from": {from.Format("02/01/2006")}, "to": {to.Format("02/01/2006")}}
	var rows []dashRow
	for _, c := range d.Communes {
		q := period.Encode() + "&office=" + url.QueryEscape(c.Code)
		now, before := ind.Value(c.Figures), ind.Value(c.Previous)
		change := trend(now, before)
		switch {
		case ind.Key == "overdue":
			change = "" // counted as it stands today for both periods: no trend to read
		case ind.Target > 0:
			change = pointsTrend(now, before)
		}
		rows = append(rows, dashRow{Commune: c, Level: ind.Level(now, most), Trend: change, Links: map[string]string{
			"registrations": "/records?" + q, "dossiers": "/reports/on-time?" + q, "signed": "/reports/on-time?" + q + "#signed",
			"grassroots": "/grassroots/report?" + period.Encode(), "findings": fmt.Sprintf("/oversight/inspections?year=%d", to.Year())}})
	}
	// The kinds registered, most first, as bars against the most.
	type kindBar struct {
		Kind string
		N    int
		Bar  template.HTML
	}
	var kinds []kindBar
	mostKind := 0
	for _, n := range d.Province.ByKind {
		mostKind = max(mostKind, n)
	}
	for k, n := range d.Province.ByKind {
		kinds = append(kinds, kindBar{Kind: k, N: n, Bar: countBar(n, mostKind, k)})
	}
	sort.Slice(kinds, func(i, j int) bool {
		return kinds[i].N > kinds[j].N || (kinds[i].N == kinds[j].N && kinds[i].Kind < kinds[j].Kind)
	})
	pv := d.Previous
	s.render(w, r, http.StatusOK, "oversight.html", map[string]any{"D": d, "Rows": rows, "Kinds": kinds, "Indicator": ind.Key,
		"Months":     monthChart(d.Months, i18n.T(langOf(r), "oversight.by_month")),
		"Indicators": oversight.Indicators, "Period": period.Encode(), "Programme": p.Can(auth.ReportProgramme),
		"Trends": map[string]string{"registrations": trend(float64(d.Province.Registrations), float64(pv.Registrations)),
			"on_time": pointsTrend(d.Province.OnTimeRate, pv.OnTimeRate), "signed": pointsTrend(d.Province.SignedRate, pv.SignedRate),
			"mediation": pointsTrend(d.Province.MediateRate, pv.MediateRate)},
		"Rated": ind.Target > 0, "Fewer": ind.Fewer,
		"Rate": func(v float64) string {
			if v < 0 {
				return "—"
			}
			return strings.Replace(fmt.Sprintf("%.1f%%", v*100), ".", ",", 1)
		}})
	return nil
}

// monthChart draws the registrations of each month as columns against the most, on the
// server (SVG, no script), each month's number under its column (with its year on the first and
// in January) and its name and count in its title; label names the chart for screen readers, with every month.
func monthChart(months []oversight.MonthCount, label string) template.HTML {
	most := 0
	for _, m := range months {
		most = max(most, m.N)
	}
	var b strings.Builder
	var desc []string
	const w, h = 10, 40 // a column's width and the columns' height, in the chart's units
	for i, m := range months {
		t, _ := time.Parse("2006-01", m.Month)
		name := fmt.Sprintf("%d/%02d", int(t.Month()), t.Year()%100)
		desc = append(desc, fmt.Sprintf("%s: %d", name, m.N))
		bh := 0.0
		if most > 0 {
			bh = h * float64(m.N) / float64(most)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%.2f" width="%d" height="%.2f" fill="#1565c0"><title>%s: %d</title></rect>`, i*w+1, h-bh, w-2, bh, name, m.N)
		// Under its column, the month's number; its year too on the first column and in January,
		// so that twelve labels fit a phone's width.
		short := fmt.Sprint(int(t.Month()))
		if i == 0 || t.Month() == time.January {
			short = name
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="4" text-anchor="middle">%s</text>`, i*w+w/2, h+6, short)
	}
	aria := template.HTMLEscapeString(label + ": " + strings.Join(desc, ", "))
	return template.HTML(fmt.Sprintf(`<svg class="months" viewBox="0 0 %d %d" role="img" aria-label="%s">%s</svg>`, max(1, len(months))*w, h+8, aria, b.String()))
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	from, to, err := s.dashboardPeriod(r)
	if err != nil {
		return err
	}
	d, err := s.watch.Dashboard(r.Context(), p, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
