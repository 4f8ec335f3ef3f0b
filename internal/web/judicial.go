package web

import (
	"net/http"
	"time"

	"tuphap/internal/calendar"
	"tuphap/internal/judicial"
)

// apiReceiveJudgment stores a judgment a court sent: 201 with its id and its person's.
func (s *Server) apiReceiveJudgment(w http.ResponseWriter, r *http.Request) error {
	var req judicial.JudgmentRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id, personID, err := s.judicial.Receive(r.Context(), p, actorOf(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "person_id": personID})
	return nil
}

// apiJudgmentEvent stores a report of a judgment's enforcement.
func (s *Server) apiJudgmentEvent(w http.ResponseWriter, r *http.Request) error {
	var e judicial.Event
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id, err := s.judicial.AddEvent(r.Context(), p, actorOf(r), r.PathValue("id"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "judgment_id": r.PathValue("id"), "type": e.Type, "date": e.Date,
		"penalty_index": e.PenaltyIndex})
	return nil
}

// apiJudicialStatus is a person's record on a day (today by default), read for the purpose the
// caller states.
func (s *Server) apiJudicialStatus(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := s.now().In(calendar.Vietnam)
	on := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if v := q.Get("on"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return invalidFields(map[string]string{"on": "civil.date_format"})
		}
		on = d
	}
	p, _ := principalOf(r)
	st, err := s.judicial.StatusOn(r.Context(), p, actorOf(r), r.PathValue("id"), on, q.Get("purpose"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiJudicialRequest receives a request for a certificate: 201 with its dossier, time limit
// and fee.
func (s *Server) apiJudicialRequest(w http.ResponseWriter, r *http.Request) error {
	var req judicial.Request
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.judicial.RequestCertificate(r.Context(), p, actorOf(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiJudicialRequestGet(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	out, err := s.judicial.Request(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
