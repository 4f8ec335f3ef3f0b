package web

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/outbox"
)

// Outbox messages are seen by officers of their office (to correct and resend what an agency
// refused), by the department, and by administrators (who watch the link). Payloads with
// personal data are not shown.
// longNumber is a personal ID, a card number or the like in free text.
var longNumber = regexp.MustCompile(`[0-9A-Z]{2}[0-9]{7,}`)

func canSeeOutbox(p auth.Principal) bool {
	return p.Can(auth.ViewRecords) || p.Can(auth.ManageSettings)
}

type messageJSON struct {
	ID          string    `json:"id"`
	Agency      string    `json:"agency"`
	Op          string    `json:"op"`
	RecordID    string    `json:"record_id"`
	Office      string    `json:"office"`
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_at,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	Response    string    `json:"response,omitempty"`
}

func toMessageJSON(m outbox.Message) messageJSON {
	return messageJSON{m.ID, m.Agency, m.Op, m.RecordID, m.Office, m.Status, m.Attempts, m.NextAt, m.LastError, m.CreatedAt, m.DeliveredAt, m.Response}
}

// messages lists the outbox for the caller (auth.ViewOutbox: officers see their office's, to
// correct and resend what an agency refused; the department and administrators see all;
// payloads with personal data are never shown); status "failed" means pending after a failure.
func (s *Server) messages(r *http.Request, status string) ([]outbox.Message, error) {
	p, _ := principalOf(r)
	failed := status == "failed"
	if failed {
		status = outbox.MsgPending
	}
	switch status {
	case "", outbox.MsgPending, outbox.MsgDelivered, outbox.MsgDead:
	default:
		return nil, invalidFields(map[string]string{"status": "outbox.bad_status"})
	}
	ms, err := s.queue.Messages(r.Context(), p.Scope(), status, r.URL.Query().Get("record"), 500)
	if err != nil {
		return nil, err
	}
	if !p.Can(auth.ViewRecords) {
		// Administrators run the outbox without reading records: the agencies' answers (a
		// personal ID, a card number) and any long number in an error are withheld from them.
		for i := range ms {
			ms[i].Response = ""
			ms[i].LastError = longNumber.ReplaceAllString(ms[i].LastError, "…")
		}
	}
	if !failed {
		return ms, nil
	}
	var out []outbox.Message
	for _, m := range ms {
		if m.LastError != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.messages(r, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	items := []messageJSON{}
	for _, m := range ms {
		items = append(items, toMessageJSON(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items)})
	return nil
}

// retryMessage resends a dead message, rebuilt from the entry as it is now (an officer may have
// corrected it after the agency's refusal).
func (s *Server) retryMessage(r *http.Request) (outbox.Message, error) {
	p, _ := principalOf(r)
	m, err := s.queue.Message(r.Context(), r.PathValue("id"))
	if err != nil {
		return m, err
	}
	if err := p.Allow(auth.WriteRecords, m.Office); err != nil {
		return m, err
	}
	rec, err := s.registry.Entry(r.Context(), m.RecordID)
	if err != nil {
		return m, err
	}
	payload, key, err := outbox.Rebuild(m, &rec)
	if err != nil {
		return m, err
	}
	// A new key for each resend: the agency refused the earlier body, and keys are never reused.
	key += ":r" + strconv.FormatInt(s.now().UnixMilli(), 10)
	if err := s.queue.Requeue(r.Context(), m, payload, key, actorOf(r)); err != nil {
		return m, err
	}
	return s.queue.Message(r.Context(), m.ID)
}

func (s *Server) apiRetryMessage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.retryMessage(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMessageJSON(m))
	return nil
}

func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = outbox.MsgDead
	}
	ms, err := s.messages(r, status)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	s.render(w, r, http.StatusOK, "outbox.html", map[string]any{"Messages": ms, "Status": status, "CanRetry": p.Can(auth.WriteRecords),
		"Statuses": []string{outbox.MsgDead, "failed", outbox.MsgPending, outbox.MsgDelivered}})
	return nil
}

func (s *Server) retryPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.retryMessage(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/outbox?status=pending", http.StatusSeeOther)
	return nil
}
