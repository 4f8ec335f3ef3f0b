// Package oversight is the leaders' view over what the other domains record: the key figures of
// a period for the province and for each commune, beside the period before, an indicator to
// colour the communes by, and links down to the lists behind each figure. It reads the other
// domains through their services, never their tables.
package oversight

import (
	"context"
	"slices"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
	"tuphap/internal/issuing"
	"tuphap/internal/judicial"
	"tuphap/internal/legalaid"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/units"
)

// Figures are one unit's figures of a period.
type Figures struct {
	Registrations int            `json:"registrations"`
	ByKind        map[string]int `json:"registrations_by_kind"`
	LateByKind    map[string]int `json:"late_by_kind"` // registered past the law's time limit
	byMonth       map[string]int // the registrations per month, for the dashboard's columns
	// Dossiers settled in the period, and those on time; open and overdue now.
	Settled    int     `json:"dossiers_settled"`
	OnTime     int     `json:"dossiers_on_time"`
	Overdue    int     `json:"dossiers_overdue"`
	OnTimeRate float64 `json:"on_time_rate"`
	// Documents issued in the period, and those signed digitally.
	Issued     int     `json:"documents_issued"`
	Signed     int     `json:"documents_signed"`
	SignedRate float64 `json:"signed_rate"`
	// Grassroots: dissemination events held, mediation cases received and settled.
	Events      int     `json:"dissemination_events"`
	Mediations  int     `json:"mediation_cases"`
	Mediated    int     `json:"mediation_successful"`
	MediateRate float64 `json:"mediation_rate"`
	// Legal-aid requests from the commune's people; inspection findings recorded in the period
	// and of those accepted as remedied.
	LegalAid int `json:"legal_aid_requests"`
	Findings int `json:"inspection_findings"`
	Remedied int `json:"findings_remedied"`
}

func newFigures() Figures {
	return Figures{ByKind: map[string]int{}, LateByKind: map[string]int{}, byMonth: map[string]int{}}
}

func (f *Figures) add(g Figures) {
	f.Registrations += g.Registrations
	for k, n := range g.ByKind {
		f.ByKind[k] += n
	}
	for k, n := range g.LateByKind {
		f.LateByKind[k] += n
	}
	for m, n := range g.byMonth {
		f.byMonth[m] += n
	}
	f.Settled, f.OnTime, f.Overdue = f.Settled+g.Settled, f.OnTime+g.OnTime, f.Overdue+g.Overdue
	f.Issued, f.Signed = f.Issued+g.Issued, f.Signed+g.Signed
	f.Events, f.Mediations, f.Mediated = f.Events+g.Events, f.Mediations+g.Mediations, f.Mediated+g.Mediated
	f.LegalAid, f.Findings, f.Remedied = f.LegalAid+g.LegalAid, f.Findings+g.Findings, f.Remedied+g.Remedied
}

func (f *Figures) rates() {
	f.OnTimeRate, f.SignedRate, f.MediateRate = share(f.OnTime, f.Settled), share(f.Signed, f.Issued), share(f.Mediated, f.Mediations)
}

// share is part ÷ whole, -1 when there is no whole (nothing to rate: "—").
func share(part, whole int) float64 {
	if whole == 0 {
		return -1
	}
	return float64(part) / float64(whole)
}

// Commune is a commune of today with its figures.
type Commune struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Figures
	// Previous are its figures of the same length of time just before, for its trend.
	Previous Figures `json:"previous"`
}

// Dashboard is the figures of a period, and of the period of the same length before it.
type Dashboard struct {
	From     string    `json:"from"`
	To       string    `json:"to"`
	Province Figures   `json:"province"`
	Previous Figures   `json:"previous"` // the same length of time just before
	Communes []Commune `json:"communes"`
	// Department is what the department itself issued (its own documents, its dossiers).
	Department Figures `json:"department"`
	// Months are the registrations of each month of the period, oldest first.
	Months []MonthCount `json:"registrations_by_month"`
	// The province's other fields, for the department's readers: judicial-record
	// certificates, legal aid, correspondence.
	Certificates   *judicial.Figures       `json:"certificates,omitempty"`
	LegalAid       *LegalAidFigures        `json:"legal_aid,omitempty"`
	Correspondence *correspondence.Figures `json:"correspondence,omitempty"`
}

// MonthCount is a month's registrations ("2026-01").
type MonthCount struct {
	Month string `json:"month"`
	N     int    `json:"registrations"`
}

// LegalAidFigures are the legal-aid centre's period: requests received, cases closed, and the
// year's cases against its plan.
type LegalAidFigures struct {
	Requests  int `json:"requests"`
	Closed    int `json:"closed"`
	YearCases int `json:"year_cases"`
	Plan      int `json:"plan"`
}

// Service builds the dashboard from the other domains' services.
type Service struct {
	Registration *registration.Service
	Reception    *reception.Service
	Issuing      *issuing.Service
	Grassroots   *grassroots.Service
	// The fields read for the department only, and inspections; nil leaves them out.
	Judicial       *judicial.Service
	LegalAid       *legalaid.Service
	Correspondence *correspondence.Service
	Inspections    *Inspections
	Units          *units.Registry
	Now            func() time.Time
}

// Dashboard reads the figures of from..to (days, inclusive) for whom p may see: the leaders and
// specialists the province, a commune's staff their commune. Rows of communes of before 1 July
// 2025 count in the commune of today that succeeded them.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal, from, to time.Time) (Dashboard, error) {
	// The department's leaders and specialists, and a commune's staff for their commune; not
	// the roles whose work is elsewhere (judicial records), who would read "nothing happened".
	if !p.Can(auth.ViewDashboard) && !(p.Role.AtCommune() && p.Can(auth.ViewRecords)) {
		return Dashboard{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	d := Dashboard{From: from.Format(civil.DateFormat), To: to.Format(civil.DateFormat)}
	now := s.Now()
	communes := map[string]*Commune{}
	for _, u := range s.Units.CurrentCommunes(now) {
		if scope := p.Scope(); scope == "" || scope == u.Code {
			communes[u.Code] = &Commune{Code: u.Code, Name: u.Name, Figures: newFigures(), Previous: newFigures()}
		}
	}
	cur, err := s.figures(ctx, p, from, to, now)
	if err != nil {
		return d, err
	}
	days := int(to.Sub(from).Hours()/24) + 1
	prev, err := s.figures(ctx, p, from.AddDate(0, 0, -days), from.AddDate(0, 0, -1), now)
	if err != nil {
		return d, err
	}
	d.Province, d.Previous, d.Department = newFigures(), newFigures(), newFigures()
	for code, f := range cur {
		if code == auth.DepartmentOffice {
			d.Department.add(*f)
		} else if c := communes[s.Units.CommuneToday(code, now)]; c != nil {
			c.add(*f)
		}
		d.Province.add(*f)
	}
	for code, f := range prev {
		if c := communes[s.Units.CommuneToday(code, now)]; c != nil && code != auth.DepartmentOffice {
			c.Previous.add(*f)
		}
		d.Previous.add(*f)
	}
	for _, c := range communes {
		c.Previous.rates()
		c.rates()
		d.Communes = append(d.Communes, *c)
	}
	slices.SortFunc(d.Communes, func(a, b Commune) int { return strings.Compare(a.Code, b.Code) })
	d.Province.rates()
	d.Previous.rates()
	d.Department.rates()
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		d.Months = append(d.Months, MonthCount{Month: m.Format("2006-01"), N: d.Province.byMonth[m.Format("2006-01")]})
	}
	return d, s.sector(ctx, p, &d, from, to)
}

// sector reads the fields the department's readers see beside civil status: certificates,
// legal aid and correspondence, counted for the province.
func (s *Service) sector(ctx context.Context, p auth.Principal, d *Dashboard, from, to time.Time) error {
	if !p.Can(auth.ViewDashboard) {
		return nil
	}
	if s.Judicial != nil {
		f, err := s.Judicial.Figures(ctx, p, from, to)
		if err != nil {
			return err
		}
		d.Certificates = &f
	}
	if s.LegalAid != nil {
		r, err := s.LegalAid.Report(ctx, p, from, to)
		if err != nil {
			return err
		}
		d.LegalAid = &LegalAidFigures{Requests: r.Requests, Closed: r.Closed, YearCases: r.YearCases, Plan: r.Plan}
	}
	if s.Correspondence != nil {
		f, err := s.Correspondence.Figures(ctx, p, from.Format(civil.DateFormat), to.Format(civil.DateFormat))
		if err != nil {
			return err
		}
		d.Correspondence = &f
	}
	return nil
}

// figures are a period's figures per office code as the domains keep them.
func (s *Service) figures(ctx context.Context, p auth.Principal, from, to, now time.Time) (map[string]*Figures, error) {
	out := map[string]*Figures{}
	at := func(office string) *Figures {
		if out[office] == nil {
			f := newFigures()
			out[office] = &f
		}
		return out[office]
	}
	counts, err := s.Registration.Counts(ctx, p, from.Format(civil.DateFormat), to.Format(civil.DateFormat))
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		f := at(c.Office)
		f.Registrations += c.N
		f.ByKind[string(c.Kind)] += c.N
		f.byMonth[c.Month] += c.N
		if c.Late > 0 {
			f.LateByKind[string(c.Kind)] += c.Late
		}
	}
	onTime, err := s.Reception.OnTime(ctx, p, from, to, "")
	if err != nil {
		return nil, err
	}
	for office, r := range onTime.ByOffice {
		f := at(office)
		f.Settled, f.OnTime, f.Overdue = r.Settled, r.OnTime, r.Overdue
	}
	signed, err := s.Issuing.SignedShare(ctx, p, from, to, "")
	if err != nil {
		return nil, err
	}
	for office, r := range signed.ByOffice {
		f := at(office)
		f.Issued, f.Signed = r.Issued, r.Signed
	}
	if p.Can(auth.GrassrootsView) {
		rep, err := s.Grassroots.Report(ctx, p, from.Format(civil.DateFormat), to.Format(civil.DateFormat))
		if err != nil {
			return nil, err
		}
		for _, c := range rep.Communes {
			f := at(c.Commune)
			f.Events, f.Mediations, f.Mediated = c.Events, c.Cases, c.Successful
		}
	}
	if s.LegalAid != nil && p.Can(auth.ViewDashboard) {
		rep, err := s.LegalAid.Report(ctx, p, from, to)
		if err != nil {
			return nil, err
		}
		for commune, n := range rep.ByCommune {
			if commune != "" {
				at(commune).LegalAid += n
			}
		}
	}
	if s.Inspections != nil {
		counts, err := s.Inspections.FindingCounts(ctx, p, from.Format(civil.DateFormat), to.Format(civil.DateFormat))
		if err != nil {
			return nil, err
		}
		for commune, n := range counts {
			f := at(commune)
			f.Findings, f.Remedied = n[0], n[1]
		}
	}
	return out, nil
}
