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
	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/store"
	"tuphap/internal/units"
	"tuphap/internal/vntext"
)

// Service is the legal-aid centre's case management: only the role legal_aid uses it, and every
// reading of a case is audited.
type Service struct {
	st   *store.Store
	desk *reception.Service
	// Calendar gives the official calendar the requests' time limits count on (reception's).
	Calendar func() *calendar.Calendar
	// Eligibility is the categories and papers in force (Rules unless configured).
	Eligibility Eligibility
	// Plan is the year's plan of cases the report counts against (DefaultPlan unless set).
	Plan int
	// Units checks the communes named (an applicant's, an outreach session's); nil: only their
	// form is checked.
	Units *units.Registry
}

// DefaultPlan is the centre's yearly plan of cases: it handled over 400 a year.
const DefaultPlan = 400

// New returns the service over the store.
func New(st *store.Store) *Service {
	cal := calendar.New(nil)
	return &Service{st: st, desk: reception.Open(st), Calendar: func() *calendar.Calendar { return cal }, Eligibility: Rules,
		Plan: DefaultPlan}
}

// Procedure is the dossier procedure of a legal-aid request.
const Procedure = "TGPL"

// Case is a request with what became of it: the decision, the assignee, the end.
type Case struct {
	ID string `json:"id"`
	Request
	Dossier      dossier.Dossier `json:"dossier"`
	Decision     Decision        `json:"decision,omitempty"`
	DecisionNote string          `json:"decision_note,omitempty"`
	Assignee     *Assignee       `json:"assignee,omitempty"`
	Assignments  []Assignment    `json:"assignments,omitempty"` // every assignment, the current one last
	Status       string          `json:"status"`                // received, decided, open, paused, closed, transferred
	Outcome      Outcome         `json:"outcome,omitempty"`
	ReceivedAt   time.Time       `json:"received_at"`
}

// Case states.
const (
	StatusReceived = "received" // waiting for the decision
	StatusOpen     = "open"     // accepted: assigned or to assign
	StatusClosed   = "closed"
	StatusDecided  = "decided" // refused or referred: no case
)

// Receive takes a request in: checked against the eligibility in force, its dossier TGPL opened
// at the centre in the same transaction.
func (s *Service) Receive(ctx context.Context, p auth.Principal, by audit.Actor, req Request) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	req.Normalize()
	now := s.st.Now()
	var v fault.Validation
	if err := v.Include(req.Validate(s.Eligibility, day(now))); err != nil {
		return Case{}, err
	}
	v.Check(req.Applicant.Commune == "" || s.isCommune(req.Applicant.Commune, now), "applicant.commune", "legalaid.applicant_commune")
	if err := v.Err(); err != nil {
		return Case{}, err
	}
	proc, err := dossier.ProcedureByCode(Procedure)
	if err != nil {
		return Case{}, err
	}
	data, err := json.Marshal(req)
	if err != nil {
		return Case{}, err
	}
	c := Case{Request: req, Status: StatusReceived, ReceivedAt: now}
	due := s.Calendar().Due(now, proc.Timing)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		d := dossier.Dossier{Procedure: Procedure, Office: auth.DepartmentOffice, Applicant: req.Applicant.FullName, Channel: dossier.Desk,
			Status: dossier.Received, ReceivedAt: now, DueAt: due}
		if err := reception.OpenIn(tx, &d, by); err != nil {
			return err
		}
		c.ID, c.Dossier = store.NewID(), d
		a := req.Applicant
		if _, err := tx.Exec(`INSERT INTO legal_aid_requests (id, dossier_id, applicant_folded, date_of_birth, personal_id, commune, field, form, channel,
			category, data, decision, decision_note, decided_at, received_at, received_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', '', NULL, $12, $13)`,
			c.ID, d.ID, vntext.Fold(a.FullName), a.DateOfBirth, a.PersonalID, a.Commune, string(req.Field), string(req.Form), string(req.Channel),
			req.Category, string(data), store.Time(now), by.Username); err != nil {
			return fmt.Errorf("legalaid: add request: %w", err)
		}
		return tx.Audit(by.Entry("legalaid.request", "legal_aid:"+c.ID, fmt.Sprintf("%s %s %s", req.Field, req.Form, req.Category)))
	})
	return c, err
}

// Decide records the centre's decision on a request: accepted (a case opens), refused with the
// reason, or referred to the body named; the request's dossier is settled (refused: closed) in
// the same transaction.
func (s *Service) Decide(ctx context.Context, p auth.Principal, by audit.Actor, id string, d Decision, note string) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	note = strings.Join(strings.Fields(note), " ")
	var v fault.Validation
	v.Check(d == Accepted || d == Refused || d == Referred, "decision", "legalaid.decision_bad")
	v.Check(d == Accepted || note != "", "note", "civil.required")
	if err := v.Err(); err != nil {
		return Case{}, err
	}
	c, err := s.read(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Status != StatusReceived {
		return c, fault.New(fault.Conflict, "legalaid.decided")
	}
	now := s.st.Now()
	dd, was := c.Dossier, c.Dossier.Status
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE legal_aid_requests SET decision = $2, decision_note = $3, decided_at = $4 WHERE id = $1 AND decision = ''`,
			id, string(d), note, store.Time(now))
		if err != nil {
			return fmt.Errorf("legalaid: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "legalaid.decided")
		}
		moved := dd // afresh each run
		if d == Refused {
			moved.Status, moved.ClosedAt = dossier.Refused, now
		} else {
			moved.Status, moved.SettledAt = dossier.Settled, now
		}
		if !dossier.CanMove(was, moved.Status) { // its dossier withdrawn or closed at the desk
			return fault.New(fault.Conflict, "dossier.bad_move")
		}
		if err := reception.MoveIn(tx, &moved, was, by); err != nil {
			return err
		}
		if d == Accepted {
			a, o := c.Applicant, c.OtherParty
			if o == nil {
				o = &Party{}
			}
			if _, err := tx.Exec(`INSERT INTO legal_aid_cases (id, request_id, assignee_kind, assignee_name, assisted_folded, assisted_dob, other_folded,
				other_dob, status, outcome, opened_at, closed_at) VALUES ($1, $1, '', '', $2, $3, $4, $5, $6, '', $7, NULL)`,
				id, vntext.Fold(a.FullName), a.DateOfBirth, vntext.Fold(o.FullName), o.DateOfBirth, StatusOpen, store.Time(now)); err != nil {
				return fmt.Errorf("legalaid: open case: %w", err)
			}
		}
		return tx.Audit(by.Entry("legalaid.decide", "legal_aid:"+id, string(d)+" "+note))
	})
	if err != nil {
		return c, err
	}
	return s.read(ctx, id)
}

// Assign gives an open case to an officer, a contracted lawyer or organisation, or a
// collaborator, unless they have a conflict of interest: a relative of the other party, or who
// assisted the other party before (in any case of the centre). Assigning again replaces the
// assignee (one refused, or re-assigned).
func (s *Service) Assign(ctx context.Context, p auth.Principal, by audit.Actor, id string, a Assignee) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	var v fault.Validation
	v.Check(a.Name != "", "name", "civil.required")
	v.Check(slices.Contains(AssigneeKinds, a.Kind), "kind", "legalaid.assignee_kind_bad")
	if err := v.Err(); err != nil {
		return Case{}, err
	}
	c, err := s.read(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Status != StatusOpen {
		return c, fault.New(fault.Conflict, "legalaid.not_open")
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// Read in the transaction: two cases assigned at once cannot both miss the other.
		var assistedBy []string
		if o := c.OtherParty; o != nil {
			var err error
			if assistedBy, err = assistedByIn(tx, *o); err != nil {
				return err
			}
		}
		if why := Conflict(a, assistedBy); why != "" {
			return &fault.Error{Kind: fault.Conflict, Code: why, Fields: map[string]string{"name": why}}
		}
		res, err := tx.Exec(`UPDATE legal_aid_cases SET assignee_kind = $2, assignee_name = $3 WHERE id = $1 AND status = $4`,
			id, string(a.Kind), a.Name, StatusOpen)
		if err != nil {
			return fmt.Errorf("legalaid: assign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "legalaid.not_open")
		}
		if err := endAssignment(tx, id, s.st.Now(), "replaced"); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO legal_aid_assignments (id, case_id, assignee_kind, assignee_name, assignee_folded, assisted_folded,
			assisted_dob, assigned_at, assigned_by, ended_at, end_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, '')`, store.NewID(), id,
			string(a.Kind), a.Name, vntext.Fold(a.Name), vntext.Fold(c.Applicant.FullName), c.Applicant.DateOfBirth, store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("legalaid: assignment: %w", err)
		}
		return tx.Audit(by.Entry("legalaid.assign", "legal_aid:"+id, string(a.Kind)+" "+a.Name))
	})
	if err != nil {
		return c, err
	}
	return s.read(ctx, id)
}

// Decline records that the assignee of an open case declined it (the reason said): the case
// waits for another assignee. Whoever declined stays in the case's history.
func (s *Service) Decline(ctx context.Context, p auth.Principal, by audit.Actor, id, reason string) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	if reason = strings.Join(strings.Fields(reason), " "); reason == "" {
		return Case{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": "civil.required"}}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE legal_aid_cases SET assignee_kind = '', assignee_name = '' WHERE id = $1 AND status = $2 AND assignee_name <> ''`,
			id, StatusOpen)
		if err != nil {
			return fmt.Errorf("legalaid: decline: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "legalaid.nobody_to_decline")
		}
		if err := endAssignment(tx, id, s.st.Now(), reason); err != nil {
			return err
		}
		return tx.Audit(by.Entry("legalaid.decline", "legal_aid:"+id, reason))
	})
	if err != nil {
		return Case{}, err
	}
	return s.read(ctx, id)
}

// endAssignment ends a case's current assignment, if any, for why.
func endAssignment(tx *store.Tx, caseID string, at time.Time, why string) error {
	if _, err := tx.Exec(`UPDATE legal_aid_assignments SET ended_at = $2, end_reason = $3 WHERE case_id = $1 AND ended_at IS NULL`,
		caseID, store.Time(at), why); err != nil {
		return fmt.Errorf("legalaid: end assignment: %w", err)
	}
	return nil
}

// Assignment is one assignment of a case: who, since when, and how it ended while the case went
// on (EndReason "replaced", or why the assignee declined).
type Assignment struct {
	Assignee
	AssignedAt time.Time `json:"assigned_at"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	EndReason  string    `json:"end_reason,omitempty"`
}

// Close ends a case with its outcome: an assigned case, open or paused, with any outcome; one
// never assigned only as withdrawn or stopped (nobody gave the aid).
func (s *Service) Close(ctx context.Context, p auth.Principal, by audit.Actor, id string, o Outcome) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	if !slices.Contains(Outcomes, o) {
		return Case{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"outcome": "legalaid.outcome_bad"}}
	}
	c, err := s.read(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Status != StatusOpen && c.Status != StatusPaused {
		return c, fault.New(fault.Conflict, "legalaid.not_open")
	}
	if c.Assignee == nil && o != Withdrawn && o != Stopped {
		return c, fault.New(fault.Conflict, "legalaid.not_assigned")
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// The assignee re-read with the write: a decline committed meanwhile leaves nobody who
		// could have won the case.
		res, err := tx.Exec(`UPDATE legal_aid_cases SET status = $2, outcome = $3, closed_at = $4 WHERE id = $1 AND status = $5 AND (assignee_name <> '' OR $6)`,
			id, StatusClosed, string(o), store.Time(s.st.Now()), c.Status, o == Withdrawn || o == Stopped)
		if err != nil {
			return fmt.Errorf("legalaid: close: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 { // moved meanwhile
			return fault.New(fault.Conflict, "legalaid.not_open")
		}
		return tx.Audit(by.Entry("legalaid.close", "legal_aid:"+id, string(o)))
	})
	if err != nil {
		return c, err
	}
	return s.read(ctx, id)
}

// Get reads a case, the reading audited: a case file is the centre's staff's alone.
func (s *Service) Get(ctx context.Context, p auth.Principal, by audit.Actor, id string) (Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return Case{}, err
	}
	c, err := s.read(ctx, id)
	if err != nil {
		return c, err
	}
	return c, s.st.Audit(ctx, by.Entry("legalaid.read", "legal_aid:"+id, ""))
}

// List lists the latest requests and cases, newest first; the reading is audited (it names the
// applicants).
func (s *Service) List(ctx context.Context, p auth.Principal, by audit.Actor, limit int) ([]Case, error) {
	if err := p.Allow(auth.LegalAidCases, ""); err != nil {
		return nil, err
	}
	ids, err := store.Collect(ctx, s.st, func(row store.Scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, "legal aid", `SELECT id FROM legal_aid_requests ORDER BY received_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.read(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, s.st.Audit(ctx, by.Entry("legalaid.list", "legal_aid", fmt.Sprint(len(out))))
}

// read reads a request with its case and dossier.
func (s *Service) read(ctx context.Context, id string) (Case, error) {
	var c Case
	var data, dossierID, decision, kind, name, status, outcome string
	var caseID *string
	err := s.st.QueryRow(ctx, `SELECT r.id, r.dossier_id, r.data, r.decision, r.decision_note, r.received_at,
		c.id, COALESCE(c.assignee_kind, ''), COALESCE(c.assignee_name, ''), COALESCE(c.status, ''), COALESCE(c.outcome, '')
		FROM legal_aid_requests r LEFT JOIN legal_aid_cases c ON c.request_id = r.id WHERE r.id = $1`, id).
		Scan(&c.ID, &dossierID, &data, &decision, &c.DecisionNote, store.ScanTime(&c.ReceivedAt), &caseID, &kind, &name, &status, &outcome)
	if err != nil {
		return c, s.st.Fail(store.NotFound(fmt.Errorf("legalaid: %s: %w", id, err), "legalaid.not_found"))
	}
	if err := json.Unmarshal([]byte(data), &c.Request); err != nil {
		return c, err
	}
	c.Decision, c.Outcome = Decision(decision), Outcome(outcome)
	switch {
	case caseID != nil:
		c.Status = status
	case decision != "":
		c.Status = StatusDecided
	default:
		c.Status = StatusReceived
	}
	if name != "" {
		c.Assignee = &Assignee{Kind: AssigneeKind(kind), Name: name}
	}
	if caseID != nil {
		if c.Assignments, err = s.assignments(ctx, id); err != nil {
			return c, err
		}
	}
	c.Dossier, err = s.desk.Dossier(ctx, dossierID)
	return c, err
}

func (s *Service) assignments(ctx context.Context, caseID string) ([]Assignment, error) {
	return store.Collect(ctx, s.st, func(row store.Scanner) (Assignment, error) {
		var a Assignment
		var kind string
		err := row.Scan(&kind, &a.Name, store.ScanTime(&a.AssignedAt), store.ScanTime(&a.EndedAt), &a.EndReason)
		a.Kind = AssigneeKind(kind)
		return a, err
	}, "legal aid assignments", `SELECT assignee_kind, assignee_name, assigned_at, ended_at, end_reason FROM legal_aid_assignments
		WHERE case_id = $1 ORDER BY assigned_at, id`, caseID)
}

// assistedByIn lists who was ever assigned to assist a person in the centre's cases.
func assistedByIn(tx *store.Tx, o Party) ([]string, error) {
	rows, err := tx.Query(`SELECT DISTINCT assignee_name FROM legal_aid_assignments WHERE assisted_folded = $1 AND ($2 = '' OR assisted_dob = $2)`,
		vntext.Fold(o.FullName), o.DateOfBirth)
	if err != nil {
		return nil, fmt.Errorf("legalaid: assignees: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// isCommune says whether code is a commune of the province today.
func (s *Service) isCommune(code string, now time.Time) bool {
	if len(code) != 5 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	if s.Units == nil {
		return true
	}
	_, err := s.Units.Lookup(units.Commune, code, now)
	return err == nil
}

func day(t time.Time) time.Time {
	v := t.In(calendar.Vietnam)
	return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
}
