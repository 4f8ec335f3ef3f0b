package web

import (
	"net/http"
	"time"

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
}

// More says the count stopped at a list's length: there are at least that many.
func (q queueItem) More() bool { return q.Count >= reception.ListLimit }

// home is each role's own start: the officer's work queue (dossiers by due time, documents to
// sign or re-issue, requests the agencies refused), the signer's documents to sign, and for
// the department the month's on-time rate beside the backlog.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ctx := r.Context()
	var queue []queueItem
	var overdue []dossier.Dossier
	if p.Can(auth.ViewRecords) {
		open, err := s.desk.Dossiers(ctx, p, reception.AllOpen, "")
		if err != nil {
			return err
		}
		if overdue, err = s.desk.Dossiers(ctx, p, reception.Overdue, ""); err != nil {
			return err
		}
		today, err := s.desk.Dossiers(ctx, p, reception.DueToday, "")
		if err != nil {
			return err
		}
		near, err := s.desk.Dossiers(ctx, p, reception.NearDue, "")
		if err != nil {
			return err
		}
		waiting := 0 // among the first ListLimit open ones: the list says "+" beyond
		for _, d := range open {
			if d.Status == dossier.Waiting {
				waiting++
			}
		}
		queue = append(queue,
			queueItem{"home.q_overdue", len(overdue), "/dossiers?list=overdue", len(overdue) > 0},
			queueItem{"home.q_today", len(today), "/dossiers?list=today", false},
			queueItem{"home.q_near", len(near), "/dossiers?list=near", false},
			queueItem{"home.q_waiting", waiting, "/dossiers?list=open", false})
		for _, st := range []string{issuing.StatusIssued, issuing.StatusReplaced} {
			docs, err := s.issuer.List(ctx, p, st, "")
			if err != nil {
				return err
			}
			key := map[string]string{issuing.StatusIssued: "home.q_to_sign", issuing.StatusReplaced: "home.q_reissue"}[st]
			queue = append(queue, queueItem{key, len(docs), "/documents?status=" + st, st == issuing.StatusReplaced && len(docs) > 0})
		}
	}
	if p.Can(auth.ViewOutbox) {
		dead, err := s.queue.Dead(ctx, p.Scope(), "", "", reception.ListLimit)
		if err != nil {
			return err
		}
		queue = append(queue, queueItem{"home.q_dead", len(dead), "/outbox?status=" + outbox.MsgDead, len(dead) > 0})
		if p.Can(auth.ManageSettings) { // a wrong secret or clock pauses an agency for everyone
			paused, err := s.queue.Paused(ctx)
			if err != nil {
				return err
			}
			queue = append(queue, queueItem{"home.q_paused", len(paused), "/outbox", len(paused) > 0})
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
	s.render(w, r, http.StatusOK, "home.html", data)
	return nil
}
