package judicial

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/store"
)

// Report is what the issuing authority reports of a period: certificate requests received,
// by type, channel and requester; certificates issued and the share issued on time; judgments
// received; convictions expunged in the period (worked out from the database as it stands).
type Report struct {
	From, To     string         `json:"-"`
	Requests     int            `json:"requests"`
	ByType       map[int]int    `json:"by_type"`
	ByChannel    map[string]int `json:"by_channel"`
	ByRequester  map[string]int `json:"by_requester"`
	Urgent       int            `json:"urgent"`
	Issued       int            `json:"issued"`
	IssuedOnTime int            `json:"issued_on_time"`
	OnTimeRate   float64        `json:"on_time_rate"` // of those issued; 0 when none
	Judgments    int            `json:"judgments"`
	Expunged     int            `json:"expunged"`
	Fees         int64          `json:"fees"` // đồng, of the requests received
}

// Report counts the period from day from to day to (inclusive, in Vietnam).
func (s *Service) Report(ctx context.Context, p auth.Principal, from, to time.Time) (Report, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return Report{}, err
	}
	return s.report(ctx, from, to)
}

// Figures are the certificates of a period as the leaders' dashboard shows them: requests
// received, certificates issued and of those on time. Counts only, naming nobody, for whoever
// reads the dashboard.
type Figures struct {
	Requests int `json:"requests"`
	Issued   int `json:"issued"`
	OnTime   int `json:"issued_on_time"`
}

// Figures counts the period from day from to day to for the dashboard.
func (s *Service) Figures(ctx context.Context, p auth.Principal, from, to time.Time) (Figures, error) {
	if err := p.Allow(auth.ViewDashboard, ""); err != nil {
		return Figures{}, err
	}
	rep, err := s.report(ctx, from, to)
	return Figures{Requests: rep.Requests, Issued: rep.Issued, OnTime: rep.IssuedOnTime}, err
}

func (s *Service) report(ctx context.Context, from, to time.Time) (Report, error) {
	start, end := vnMidnight(from), vnMidnight(to).AddDate(0, 0, 1)
	rep := Report{From: from.Format(civil.DateFormat), To: to.Format(civil.DateFormat), ByType: map[int]int{}, ByChannel: map[string]int{}, ByRequester: map[string]int{}}
	rows, err := s.st.Query(ctx, `SELECT r.cert_type, r.data, r.fee, r.status, d.due_at, d.settled_at FROM judicial_requests r
		JOIN dossiers d ON d.id = r.dossier_id WHERE r.received_at >= $1 AND r.received_at < $2`, store.Time(start), store.Time(end))
	if err != nil {
		return rep, s.st.Fail(fmt.Errorf("judicial: report: %w", err))
	}
	for rows.Next() {
		var kind int
		var data, status string
		var fee int64
		var due, settled time.Time
		if err := rows.Scan(&kind, &data, &fee, &status, store.ScanTime(&due), store.ScanTime(&settled)); err != nil {
			rows.Close()
			return rep, s.st.Fail(err)
		}
		var req Request
		if err := json.Unmarshal([]byte(data), &req); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Requests++
		rep.ByType[kind]++
		rep.ByChannel[string(req.Channel)]++
		rep.ByRequester[string(req.Requester)]++
		rep.Fees += fee
		if req.Urgent {
			rep.Urgent++
		}
		if status == string(RequestIssued) {
			rep.Issued++
			if !settled.IsZero() && !settled.After(due) {
				rep.IssuedOnTime++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, s.st.Fail(err)
	}
	if rep.Issued > 0 {
		rep.OnTimeRate = float64(rep.IssuedOnTime) / float64(rep.Issued)
	}
	if err := s.st.QueryRow(ctx, `SELECT COUNT(*) FROM judgments WHERE received_at >= $1 AND received_at < $2`, store.Time(start), store.Time(end)).
		Scan(&rep.Judgments); err != nil {
		return rep, s.st.Fail(err)
	}
	// Expunged by the period's end, or by today for a period not yet over.
	last := to
	if today := s.today(); today.Before(last) {
		last = today
	}
	rep.Expunged, err = s.expungedIn(ctx, from, last)
	return rep, err
}

// expungedIn counts the convictions expunged from day from to day to, as the database shows
// them on the last day: the standing of every person's record is worked out again.
func (s *Service) expungedIn(ctx context.Context, from, to time.Time) (int, error) {
	ids, err := store.Collect(ctx, s.st, func(row store.Scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, "judicial persons", `SELECT DISTINCT person_id FROM judgments`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		records, err := s.repo.records(ctx, id)
		if err != nil {
			return 0, err
		}
		for _, c := range StatusOn(records, to).Convictions {
			if !c.Expunged || c.NoRecord || c.ExpungedOn == nil {
				continue
			}
			if on, ok := civil.ParseDate(*c.ExpungedOn); ok && !on.Before(from) && !on.After(to) {
				n++
			}
		}
	}
	return n, nil
}

// vnMidnight is the start of a day in Vietnam.
func vnMidnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Vietnam)
}
