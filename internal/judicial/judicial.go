package judicial

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Person is someone the judicial-record database holds: identified by personal ID where
// known, else by name, date of birth and place of birth (Law on Judicial Records 2009).
type Person struct {
	ID           string    `json:"id,omitempty"`
	FullName     string    `json:"full_name"`
	DateOfBirth  string    `json:"date_of_birth"`
	Sex          string    `json:"sex"`
	PersonalID   string    `json:"personal_id,omitempty"`
	PlaceOfBirth string    `json:"place_of_birth,omitempty"`
	CreatedAt    time.Time `json:"-"`
}

// JudgmentRequest is a judgment received from a court, with the person it convicts.
type JudgmentRequest struct {
	Person Person `json:"person"`
	Judgment
}

// Service is the judicial-record database: only the role judicial uses it, and every reading
// of a person's record is audited with its purpose (Law 91/2025 on personal data).
type Service struct {
	st   *store.Store
	repo repo
}

// New returns the service over the store.
func New(st *store.Store) *Service { return &Service{st: st, repo: repo{st}} }

func (s *Service) today() time.Time {
	now := s.st.Now().In(calendar.Vietnam)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// Receive stores a judgment a court sent, for the person it names (found by personal ID, or by
// name, date of birth and place of birth; else added), after checking every field of both.
func (s *Service) Receive(ctx context.Context, p auth.Principal, by audit.Actor, req JudgmentRequest) (id, personID string, err error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return "", "", err
	}
	person, j := req.Person, req.Judgment
	person.FullName, person.PersonalID = vntext.Clean(person.FullName), strings.TrimSpace(person.PersonalID)
	person.PlaceOfBirth = strings.Join(strings.Fields(person.PlaceOfBirth), " ")
	j.Normalize()
	var v fault.Validation
	today := s.today()
	v.Check(person.FullName != "", "person.full_name", "civil.required")
	born := dateField(&v, "person.date_of_birth", person.DateOfBirth, today)
	v.Check(person.Sex == civil.Male || person.Sex == civil.Female, "person.sex", "civil.sex")
	if person.PersonalID != "" {
		if problem := civil.PersonalIDProblem(person.PersonalID, born, person.Sex); problem != "" {
			v.Add("person.personal_id", problem)
		}
	}
	if err := j.Validate(today); err != nil {
		if e, ok := fault.As(err); ok {
			for f, msg := range e.Fields {
				v.Add(f, msg)
			}
		}
	}
	j.AgeAtOffense = -1
	if offense, ok := civil.ParseDate(j.OffenseDate); ok && !born.IsZero() {
		if !offense.After(born) {
			v.Add("offense_date", "judicial.offense_before_birth")
		} else if j.AgeAtOffense = civil.CompletedYears(born, offense); j.AgeAtOffense < 14 {
			v.Add("offense_date", "judicial.under_14") // no criminal liability under 14 (art. 12.2)
		}
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	return s.repo.receive(ctx, person, j, by)
}

// AddEvent stores a report of a judgment's enforcement (a release, a fine paid, a court's
// expungement…), checked against the judgment.
func (s *Service) AddEvent(ctx context.Context, p auth.Principal, by audit.Actor, judgmentID string, e Event) (string, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return "", err
	}
	rec, personID, err := s.repo.judgment(ctx, judgmentID)
	if err != nil {
		return "", err
	}
	e.Source = strings.Join(strings.Fields(e.Source), " ")
	if err := rec.ValidateEvent(e, s.today()); err != nil {
		return "", err
	}
	return s.repo.addEvent(ctx, judgmentID, personID, e, by)
}

// StatusOn is a person's record on day on, read for a purpose the caller states and the audit
// keeps: who saw whose record, and why.
func (s *Service) StatusOn(ctx context.Context, p auth.Principal, by audit.Actor, personID string, on time.Time, purpose string) (Status, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return Status{}, err
	}
	purpose = strings.Join(strings.Fields(purpose), " ")
	if purpose == "" {
		return Status{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"purpose": "judicial.purpose_required"}}
	}
	if _, err := s.repo.person(ctx, personID); err != nil {
		return Status{}, err
	}
	records, err := s.repo.records(ctx, personID)
	if err != nil {
		return Status{}, err
	}
	if err := s.st.Audit(ctx, by.Entry("judicial.read", "judicial_person:"+personID,
		fmt.Sprintf("status on %s; purpose: %s", on.Format(civil.DateFormat), purpose))); err != nil {
		return Status{}, err
	}
	return StatusOn(records, on), nil
}
