package web

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
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
// offset and limit cut the list into pages.
func (s *Server) messages(r *http.Request, status string, offset, limit int) ([]outbox.Message, error) {
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
	q := r.URL.Query()
	from, to, err := period(q)
	oldest, oerr := oldestFirst(q)
	if err := cmp.Or(err, oerr); err != nil {
		return nil, err
	}
	f := outbox.Query{Office: q.Get("office"), Status: status, Failed: failed, RecordID: q.Get("record"), Agency: q.Get("agency"),
		From: from, To: to, Oldest: oldest, Offset: offset, Limit: limit}
	if scope := p.Scope(); scope != "" {
		if f.Office != "" && f.Office != scope {
			return nil, notFoundErr // another commune's list does not exist for this user
		}
		f.Office = scope
	}
	switch {
	case !p.Can(auth.JudicialRecords):
		// The questions on sentences served, and their answers, are judicial records.
		if f.Agency == string(agency.Police) {
			return nil, nil
		}
		f.Except = string(agency.Police)
	case !p.Can(auth.WriteRecords):
		f.Agency = string(agency.Police) // a judicial-record officer follows their own questions
	}
	ms, err := s.queue.Find(r.Context(), f)
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
	return ms, nil
}

// outboxPageSize is how many messages the API answers at once.
const outboxPageSize = 500

// apiOutbox lists a page of messages (?page=, 500 a page); "more" says a later page has some.
func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request) error {
	page := pageOf(r)
	ms, err := s.messages(r, r.URL.Query().Get("status"), (page-1)*outboxPageSize, outboxPageSize+1)
	if err != nil {
		return err
	}
	ms, more := cut(ms, outboxPageSize)
	items := []messageJSON{}
	for _, m := range ms {
		items = append(items, toMessageJSON(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items), "page": page, "more": more})
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
	if judicialMessage(m) {
		return outbox.Message{}, notFoundErr // asked again from the request's page, by its role
	}
	if err := p.Allow(auth.WriteRecords, m.Office); err != nil {
		return m, err
	}
	if err := s.resend(r, m); err != nil {
		return m, err
	}
	return s.queue.Message(r.Context(), m.ID)
}

// resend requeues one dead message with a body rebuilt from its entry as it is now.
func (s *Server) resend(r *http.Request, m outbox.Message) error {
	if m.Op == outbox.SendDocument {
		// A signed letter does not change: the same one, under a new key.
		return s.queue.Requeue(r.Context(), m, m.Payload, m.Key+":r"+strconv.FormatInt(s.now().UnixNano(), 10), actorOf(r))
	}
	rec, err := s.registry.Entry(r.Context(), m.RecordID)
	if err != nil {
		return err
	}
	payload, key, err := outbox.Rebuild(m, &rec)
	if err != nil {
		return err
	}
	// A new key for each resend: the agency refused the earlier body, and keys are never reused.
	key += ":r" + strconv.FormatInt(s.now().UnixNano(), 10)
	return s.queue.Requeue(r.Context(), m, payload, key, actorOf(r))
}

// resendAll resends every dead letter in the caller's jurisdiction of one agency (and one
// operation) at once: after a configuration fault, or an agency's bad day, they are many.
func (s *Server) resendAll(r *http.Request, agencyName, op string) (resent int, failed int, err error) {
	p, _ := principalOf(r)
	if !p.Can(auth.WriteRecords) {
		return 0, 0, fault403("error.forbidden")
	}
	ms, err := s.queue.Dead(r.Context(), p.Scope(), agencyName, op, 1000)
	if err != nil {
		return 0, 0, err
	}
	ms = slices.DeleteFunc(ms, judicialMessage)
	for _, m := range ms {
		if err := s.resend(r, m); err != nil {
			if fault.KindOf(err) == fault.Internal {
				return resent, failed, err
			}
			failed++
			continue
		}
		resent++
	}
	return resent, failed, nil
}

func (s *Server) apiRetryAll(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Agency string `json:"agency"`
		Op     string `json:"op"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	resent, failed, err := s.resendAll(r, in.Agency, in.Op)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"resent": resent, "failed": failed})
	return nil
}

func (s *Server) retryAllPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if _, _, err := s.resendAll(r, r.PostForm.Get("agency"), r.PostForm.Get("op")); err != nil {
		return err
	}
	http.Redirect(w, r, "/outbox?status=pending", http.StatusSeeOther)
	return nil
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
	page := pageOf(r)
	ms, err := s.messages(r, status, (page-1)*listPageSize, listPageSize+1)
	if err != nil {
		return err
	}
	ms, more := cut(ms, listPageSize)
	p, _ := principalOf(r)
	q := r.URL.Query()
	paused, err := s.queue.Paused(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "outbox.html", map[string]any{"Messages": ms, "Status": status, "CanRetry": p.Can(auth.WriteRecords),
		"Paused": paused, "OfficeName": s.officeName, "Offices": s.communes(), "Scoped": p.Scope() != "",
		"Office": q.Get("office"), "Agency": q.Get("agency"), "Order": q.Get("order"), "From": q.Get("from"), "To": q.Get("to"),
		"Pager": newPager(r, "/outbox", page, more), "ExportXLSX": exportURL(r, "/export/outbox", "xlsx"), "ExportCSV": exportURL(r, "/export/outbox", "csv"),
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

// judicialMessage: a question to the police on a sentence served, which belongs to judicial
// records: not rebuilt from a civil-status entry, nor shown to other roles.
func judicialMessage(m outbox.Message) bool { return m.Agency == string(agency.Police) }
