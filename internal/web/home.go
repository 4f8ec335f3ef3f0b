package web

import (
	"fmt"
	"net/http"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/issuing"
	"tuphap/internal/outbox"
	"tuphap/internal/reception"
)

// queueItem is one line of a user's work queue on the home page: how many, and where to act.
type queueItem struct {
	Key   string // message key of what it counts
	Count int
	Href  string
	Alert bool // needs attention today (overdue, dead letters)
	More  bool // the count stopped at a list's length: there are at least that many
}

// deadShown is how many dead letters the home page reads to count them.
const deadShown = 200

// home is each role's own start: the officer's work queue (dossiers by due time, documents to
// sign or re-issue, requests the agencies refused), the signer's documents to sign, and for
// the department the month's on-time rate beside the backlog.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ctx := r.Context()
	var queue []queueItem
	var overdue []dossier.Dossier
	if p.Can(auth.ViewRecords) {
		n, err := s.desk.Count(ctx, p)
		if err != nil {
			return err
		}
		if overdue, err = s.desk.Dossiers(ctx, p, actorOf(r), reception.Query{List: reception.Overdue, Limit: 5}); err != nil {
			return err
		}
		queue = append(queue,
			queueItem{Key: "home.q_overdue", Count: n.Overdue, Href: "/dossiers?list=overdue", Alert: n.Overdue > 0},
			queueItem{Key: "home.q_today", Count: n.DueToday, Href: "/dossiers?list=today"},
			queueItem{Key: "home.q_near", Count: n.NearDue, Href: "/dossiers?list=near"},
			queueItem{Key: "home.q_waiting", Count: n.Waiting, Href: "/dossiers?list=waiting"})
		for _, st := range []string{issuing.StatusIssued, issuing.StatusReplaced} {
			n, err := s.issuer.Count(ctx, p, st, issuing.ListLimit)
			if err != nil {
				return err
			}
			key := map[string]string{issuing.StatusIssued: "home.q_to_sign", issuing.StatusReplaced: "home.q_reissue"}[st]
			queue = append(queue, queueItem{Key: key, Count: n, Href: "/documents?status=" + st,
				Alert: st == issuing.StatusReplaced && n > 0, More: n >= issuing.ListLimit})
		}
	}
	if p.Can(auth.LegalAidCases) {
		// The legal-aid cases' deadlines due within two working days, or past.
		rs, err := s.legalaid.Reminders(ctx, p, 2)
		if err != nil {
			return err
		}
		overdue := 0
		for _, m := range rs {
			overdue += map[bool]int{true: 1}[m.Overdue]
		}
		queue = append(queue, queueItem{Key: "legalaid.home_deadlines", Count: len(rs), Href: "/legal-aid", Alert: overdue > 0})
	}
	if p.Can(auth.GrassrootsReview) || p.Can(auth.GrassrootsEnter) {
		n, year, err := s.grass.Waiting(ctx, p)
		if err != nil {
			return err
		}
		key, href := "grassroots.home_returned", "/grassroots"
		if year > 0 { // the earliest year waiting, not this one
			href += fmt.Sprintf("?year=%d", year)
		}
		if p.Can(auth.GrassrootsReview) {
			key = "grassroots.home_submitted"
		}
		queue = append(queue, queueItem{Key: key, Count: n, Href: href, Alert: n > 0 && key == "grassroots.home_returned"})
	}
	if p.Can(auth.Correspondence) {
		n, err := s.mail.OverdueCount(ctx, p)
		if err != nil {
			return err
		}
		queue = append(queue, queueItem{Key: "correspondence.home_overdue", Count: n, Href: "/correspondence?overdue=1", Alert: n > 0})
		if n, err = s.mail.Waiting(ctx, p); err != nil {
			return err
		}
		queue = append(queue, queueItem{Key: "outgoing.home_waiting", Count: n, Href: "/correspondence/outgoing", Alert: n > 0})
	}
	if p.Can(auth.ReportProgramme) {
		n, err := s.plan.OverdueCount(ctx, p)
		if err != nil {
			return err
		}
		queue = append(queue, queueItem{Key: "programme.home_overdue", Count: n, Href: "/oversight/programme?overdue=1", Alert: n > 0})
	}
	if p.Can(auth.AnswerFindings) || p.Can(auth.Inspect) {
		n, overdue, err := s.inspect.Waiting(ctx, p)
		if err != nil {
			return err
		}
		key := map[bool]string{true: "inspection.home_open", false: "inspection.home_answered"}[p.Can(auth.AnswerFindings)]
		queue = append(queue, queueItem{Key: key, Count: n, Href: "/oversight/inspections", Alert: overdue > 0})
	}
	if p.Can(auth.ReceiveLetters) {
		// The letters of the last week: what a commune has to read.
		letters, err := s.mail.Received(ctx, p)
		if err != nil {
			return err
		}
		week := 0
		for _, l := range letters {
			if s.now().Sub(l.PublishedAt) < 7*24*time.Hour {
				week++
			}
		}
		queue = append(queue, queueItem{Key: "received.home", Count: week, Href: "/correspondence/received", Alert: week > 0})
	}
	if p.Can(auth.ViewOutbox) {
		q := outbox.Query{Office: p.Scope(), Status: outbox.MsgDead, Limit: deadShown}
		if !p.Can(auth.JudicialRecords) {
			q.Except = string(agency.Police) // left out by the query: the count stays whole
		}
		dead, err := s.queue.Find(ctx, q)
		if err != nil {
			return err
		}
		queue = append(queue, queueItem{Key: "home.q_dead", Count: len(dead), Href: "/outbox?status=" + outbox.MsgDead, Alert: len(dead) > 0,
			More: len(dead) >= deadShown})
		if p.Can(auth.ManageSettings) { // a wrong secret or clock pauses an agency for everyone
			paused, err := s.queue.Paused(ctx)
			if err != nil {
				return err
			}
			queue = append(queue, queueItem{Key: "home.q_paused", Count: len(paused), Href: "/outbox", Alert: len(paused) > 0})
		}
	}
	data := map[string]any{"Queue": queue, "Overdue": overdue[:min(len(overdue), 5)]}
	if p.Can(auth.ViewDashboard) {
		// The month so far, in Vietnam's calendar.
		now := s.now().In(calendar.Vietnam)
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendar.Vietnam)
		rep, err := s.desk.OnTime(ctx, p, first, now, "")
		if err != nil {
			return err
		}
		data["Month"] = rep
	}
	if p.Can(auth.ViewDashboard) {
		// The communes' grassroots year so far: the reviews and the province's figures.
		now := s.now().In(calendar.Vietnam)
		rep, err := s.grass.Report(ctx, p, fmt.Sprintf("%d-01-01", now.Year()), now.Format("2006-01-02"))
		if err != nil {
			return err
		}
		data["Grassroots"] = rep
	}
	if p.Can(auth.ViewDashboard) || p.Can(auth.LegalAidCases) {
		rep, parts, err := s.legalAidYear(r)
		if err != nil {
			return err
		}
		data["LegalAid"], data["LegalAidParts"] = rep, parts
	}
	s.render(w, r, http.StatusOK, "home.html", data)
	return nil
}
