package legalaid

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// EventKind is a step of a case's timeline.
type EventKind string

const (
	Hearing  EventKind = "hearing"  // phiên tòa, buổi làm việc với cơ quan tố tụng
	Meeting  EventKind = "meeting"  // gặp người được trợ giúp
	Document EventKind = "document" // văn bản phải nộp, gửi
	Note     EventKind = "note"
)

// EventKinds in display order.
var EventKinds = []EventKind{Hearing, Meeting, Document, Note}

// Event is a step of a case: its day, and where something is due, its deadline, given as a
// number of working days from the day (the calendar counts them) or as a day.
type Event struct {
	ID          string    `json:"id,omitempty"`
	Kind        EventKind `json:"kind"`
	Day         string    `json:"day"`
	WorkingDays int       `json:"working_days,omitempty"` // the deadline, counted from Day
	Deadline    string    `json:"deadline,omitempty"`
	Note        string    `json:"note"`
	Done        bool      `json:"done,omitempty"`
}

// AddEvent adds a step to an open case's timeline; a deadline given in working days is counted
// on the official calendar from the step's day.
func (s *Service) AddEvent(ctx context.Context, p auth.Principal, by audit.Actor, id string, e Event) (Event, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return e, err
	}
	e.Note = strings.Join(strings.Fields(e.Note), " ")
	var v fault.Validation
	v.Check(slices.Contains(EventKinds, e.Kind), "kind", "legalaid.event_kind_bad")
	d, ok := civil.ParseDate(e.Day)
	v.Check(ok, "day", "civil.date_format")
	v.Check(e.Note != "", "note", "civil.required")
	v.Check(e.WorkingDays >= 0 && e.WorkingDays <= 60, "working_days", "legalaid.working_days_bad")
	if e.WorkingDays > 0 && ok {
		e.Deadline = s.Calendar().AddWorkingDays(d, e.WorkingDays).Format(civil.DateFormat)
	}
	if dl, okDl := civil.ParseDate(e.Deadline); e.Deadline != "" && (!okDl || ok && dl.Before(d)) {
		v.Add("deadline", "legalaid.deadline_before")
	}
	if err := v.Err(); err != nil {
		return e, err
	}
	now := s.st.Now()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		// The case's state read with the write: a step never lands on a case closed meanwhile.
		if err := stillOpen(tx, id); err != nil {
			return err
		}
		e.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO legal_aid_events (id, case_id, kind, day, deadline, note, done_at, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)`, e.ID, id, string(e.Kind), e.Day, e.Deadline, e.Note, store.Time(now), by.Username); err != nil {
			return fmt.Errorf("legalaid: add event: %w", err)
		}
		return tx.Audit(by.Entry("legalaid.event", "legal_aid:"+id, string(e.Kind)+" "+e.Day))
	})
	return e, err
}

// Done marks a step of an open or paused case's timeline done.
func (s *Service) Done(ctx context.Context, p auth.Principal, by audit.Actor, id, eventID string) error {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return err
	}
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := stillOpen(tx, id); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE legal_aid_events SET done_at = $3 WHERE id = $1 AND case_id = $2 AND done_at IS NULL`, eventID, id, store.Time(s.st.Now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.NotFound, "legalaid.not_found")
		}
		return tx.Audit(by.Entry("legalaid.event_done", "legal_aid:"+id, eventID))
	})
}

// stillOpen checks in tx that a case is open or paused: its timeline can change.
func stillOpen(tx *store.Tx, id string) error {
	var status string
	if err := tx.QueryRow(`SELECT status FROM legal_aid_cases WHERE id = $1`, id).Scan(&status); err != nil {
		return store.NotFound(fmt.Errorf("legalaid: case %s: %w", id, err), "legalaid.not_found")
	}
	if status != StatusOpen && status != StatusPaused {
		return fault.New(fault.Conflict, "legalaid.not_open")
	}
	return nil
}

// Events lists a case's timeline by day.
func (s *Service) Events(ctx context.Context, id string) ([]Event, error) {
	return store.Collect(ctx, s.st, func(row store.Scanner) (Event, error) {
		var e Event
		var kind string
		var done *string
		err := row.Scan(&e.ID, &kind, &e.Day, &e.Deadline, &e.Note, &done)
		e.Kind, e.Done = EventKind(kind), done != nil
		return e, err
	}, "legal aid events", `SELECT id, kind, day, deadline, note, done_at FROM legal_aid_events WHERE case_id = $1 ORDER BY day, created_at`, id)
}

// Reminder is a deadline of an open case that is due soon or past.
type Reminder struct {
	CaseID, Code, Applicant, Note, Deadline string
	Overdue                                 bool
}

// Reminders are the open deadlines due by the end of the next working days days, or past: the
// home page shows them to the centre's staff. They name the applicant: the staff's own.
func (s *Service) Reminders(ctx context.Context, p auth.Principal, days int) ([]Reminder, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return nil, err
	}
	today := day(s.st.Now())
	until := s.Calendar().AddWorkingDays(today, days).Format(civil.DateFormat)
	rows, err := s.st.Query(ctx, `SELECT e.case_id, e.note, e.deadline, r.data, d.code FROM legal_aid_events e
		JOIN legal_aid_cases c ON c.id = e.case_id JOIN legal_aid_requests r ON r.id = e.case_id JOIN dossiers d ON d.id = r.dossier_id
		WHERE e.done_at IS NULL AND e.deadline <> '' AND e.deadline <= $1 AND c.status IN ('open', 'paused') ORDER BY e.deadline`, until)
	if err != nil {
		return nil, s.st.Fail(fmt.Errorf("legalaid: reminders: %w", err))
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var m Reminder
		var data string
		if err := rows.Scan(&m.CaseID, &m.Note, &m.Deadline, &data, &m.Code); err != nil {
			return nil, s.st.Fail(err)
		}
		var req Request
		if err := json.Unmarshal([]byte(data), &req); err != nil {
			return nil, err
		}
		m.Applicant, m.Overdue = req.Applicant.FullName, m.Deadline < today.Format(civil.DateFormat)
		out = append(out, m)
	}
	return out, s.st.Fail(rows.Err())
}

// StatusPaused: a case waiting (for the assisted person, a court's schedule…), with the reason.
const StatusPaused = "paused"

// Pause stops an open case for a reason; Resume takes it up again.
func (s *Service) Pause(ctx context.Context, p auth.Principal, by audit.Actor, id, reason string) (Case, error) {
	return s.move(ctx, p, by, id, StatusOpen, StatusPaused, reason)
}

// Resume takes a paused case up again.
func (s *Service) Resume(ctx context.Context, p auth.Principal, by audit.Actor, id string) (Case, error) {
	return s.move(ctx, p, by, id, StatusPaused, StatusOpen, "")
}

// Transfer ends a case by handing it to another legal-aid body (the person moved, the matter
// belongs elsewhere), named.
func (s *Service) Transfer(ctx context.Context, p auth.Principal, by audit.Actor, id, to string) (Case, error) {
	return s.move(ctx, p, by, id, StatusOpen, StatusTransferred, to)
}

// StatusTransferred: handed to another legal-aid body.
const StatusTransferred = "transferred"

func (s *Service) move(ctx context.Context, p auth.Principal, by audit.Actor, id, from, to, reason string) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if to != StatusOpen && reason == "" {
		return Case{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": "civil.required"}}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		var closed any
		if to == StatusTransferred {
			closed = store.Time(s.st.Now())
		}
		res, err := tx.Exec(`UPDATE legal_aid_cases SET status = $3, closed_at = $4 WHERE id = $1 AND status = $2`, id, from, to, closed)
		if err != nil {
			return fmt.Errorf("legalaid: %s: %w", to, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "legalaid.not_open")
		}
		return tx.Audit(by.Entry("legalaid."+to, "legal_aid:"+id, reason))
	})
	if err != nil {
		return Case{}, err
	}
	return s.read(ctx, id)
}

// Assessment is the quality assessment of a closed case: by the centre's peer review or the
// assisted person's feedback, on criteria each scored 1 (poor) to 3 (good), and its result.
type Assessment struct {
	Method   string         `json:"method"` // peer_review | feedback
	Criteria map[string]int `json:"criteria"`
	Result   string         `json:"result,omitempty"` // good | satisfactory | poor, from the scores
	Note     string         `json:"note,omitempty"`
}

// Criteria are what an assessment scores.
var Criteria = []string{"timeliness", "legal_basis", "communication", "outcome_fit"}

// Assess records a closed case's quality assessment: every criterion scored; the result follows
// from them (every criterion good: good; none poor: satisfactory; else poor).
func (s *Service) Assess(ctx context.Context, p auth.Principal, by audit.Actor, id string, a Assessment) (Assessment, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return a, err
	}
	var v fault.Validation
	v.Check(a.Method == "peer_review" || a.Method == "feedback", "method", "legalaid.method_bad")
	good, poor := 0, 0
	for _, k := range Criteria {
		score := a.Criteria[k]
		v.Check(score >= 1 && score <= 3, "criteria."+k, "legalaid.score_bad")
		good += boolInt(score == 3)
		poor += boolInt(score == 1)
	}
	if err := v.Err(); err != nil {
		return a, err
	}
	switch {
	case good == len(Criteria):
		a.Result = "good"
	case poor == 0:
		a.Result = "satisfactory"
	default:
		a.Result = "poor"
	}
	c, err := s.read(ctx, id)
	if err != nil {
		return a, err
	}
	if c.Status != StatusClosed {
		return a, fault.New(fault.Conflict, "legalaid.not_closed")
	}
	data, err := json.Marshal(a)
	if err != nil {
		return a, err
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO legal_aid_assessments (case_id, method, data, result, assessed_at, assessed_by) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, a.Method, string(data), a.Result, store.Time(s.st.Now()), by.Username); err != nil {
			if store.IsUniqueViolation(err) {
				return fault.New(fault.Conflict, "legalaid.assessed")
			}
			return fmt.Errorf("legalaid: assess: %w", err)
		}
		return tx.Audit(by.Entry("legalaid.assess", "legal_aid:"+id, a.Result))
	})
	return a, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Session is an outreach session in a commune.
type Session struct {
	ID        string `json:"id,omitempty"`
	Day       string `json:"day"`
	Commune   string `json:"commune"`
	Place     string `json:"place"`
	Topic     string `json:"topic"`
	Attendees int    `json:"attendees"`
	Questions int    `json:"questions"` // questions answered
}

// CheckSession reports every problem of a session at once, storing nothing: a form whose own
// fields failed shows these beside them too.
func (s *Service) CheckSession(ss Session) error { return s.checkSession(ss, s.st.Now()) }

func (s *Service) checkSession(ss Session, now time.Time) error {
	ss.Place, ss.Topic = strings.TrimSpace(ss.Place), strings.TrimSpace(ss.Topic)
	var v fault.Validation
	d, ok := civil.ParseDate(ss.Day)
	v.Check(ok, "day", "civil.date_format")
	v.Check(!ok || !d.After(day(now)), "day", "civil.date_future")
	v.Check(s.isCommune(ss.Commune, now), "commune", "legalaid.commune")
	v.Check(ss.Place != "", "place", "civil.required")
	v.Check(ss.Topic != "", "topic", "civil.required")
	v.Check(ss.Attendees >= 0 && ss.Questions >= 0, "attendees", "legalaid.count")
	return v.Err()
}

// AddSession records an outreach session held (a day not in the future).
func (s *Service) AddSession(ctx context.Context, p auth.Principal, by audit.Actor, ss Session) (Session, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return ss, err
	}
	ss.Place, ss.Topic = strings.Join(strings.Fields(ss.Place), " "), strings.Join(strings.Fields(ss.Topic), " ")
	if err := s.checkSession(ss, s.st.Now()); err != nil {
		return ss, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		ss.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO legal_aid_outreach (id, day, commune, place, topic, attendees, questions, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ss.ID, ss.Day, ss.Commune, ss.Place, ss.Topic, ss.Attendees, ss.Questions,
			store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("legalaid: outreach: %w", err)
		}
		return tx.Audit(by.Entry("legalaid.outreach", "legal_aid_outreach:"+ss.ID, ss.Commune+" "+ss.Day))
	})
	return ss, err
}

// Sessions lists the latest outreach sessions, the latest day first.
func (s *Service) Sessions(ctx context.Context, p auth.Principal, limit int) ([]Session, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return nil, err
	}
	return store.Collect(ctx, s.st, func(row store.Scanner) (Session, error) {
		var ss Session
		return ss, row.Scan(&ss.ID, &ss.Day, &ss.Commune, &ss.Place, &ss.Topic, &ss.Attendees, &ss.Questions)
	}, "legal aid outreach", `SELECT id, day, commune, place, topic, attendees, questions FROM legal_aid_outreach ORDER BY day DESC, id DESC LIMIT $1`,
		max(1, min(limit, 500)))
}
