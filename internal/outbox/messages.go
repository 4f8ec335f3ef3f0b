// Package outbox carries civil-status events to the national agencies: it turns registrations
// into messages (written with the registration, in one transaction), and a worker delivers them
// over HTTP with exponential backoff and jitter until the agency answers, applying the answer
// (a personal ID number on the entry, then a child's health-insurance card) exactly once.
package outbox

import (
	"encoding/json"
	"fmt"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/civil"
)

// Operations, as agency and op.
const (
	PopBirth  = "birth" // population: assign a personal ID number
	PopDeath  = "death" // population: record a death
	CardIssue = "card"  // insurance: issue a child's card
	CardClose = "close" // insurance: close a card on death
	// PoliceVerify asks the police (courts, prisons) whether a sentence was served: the
	// judicial-record domain sends it and applies the answer (Worker.Answers).
	PoliceVerify = "verify"
	// SendDocument delivers a signed outgoing letter to an agency through the document
	// exchange: correspondence sends it and records the receipt (Worker.Answers).
	SendDocument = "document"
)

// ProvinceCode is the province part of personal ID numbers registered here (Quảng Ngãi, 051).
const ProvinceCode = "051"

// Key is the idempotency key of an operation on a record's version: resending the same request
// carries the same key; a corrected record sent again carries a new one.
func Key(op, recordID string, version int) string {
	return fmt.Sprintf("%s:%s:v%d", op, recordID, version)
}

func person(p civil.Person) agency.Person {
	return agency.Person{FullName: p.FullName, Sex: p.Sex, DateOfBirth: p.DateOfBirth, PersonalID: p.PersonalID}
}

func parent(p *civil.Parent) *agency.Person {
	if p == nil {
		return nil
	}
	return &agency.Person{FullName: p.FullName, DateOfBirth: p.DateOfBirth, PersonalID: p.PersonalID}
}

func message(ag, op string, r *civil.Record, body any) (*Message, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return &Message{Agency: ag, Op: op, RecordID: r.ID, Office: r.Office, Key: Key(op, r.ID, r.Version), Payload: string(b)}, nil
}

// UnderSix reports whether someone born on dob is under 6 on day now (Decree 63/2024: the
// health-insurance card goes with the birth registration of a child under 6).
func UnderSix(dob string, now time.Time) bool {
	born, ok := civil.ParseDate(dob)
	return ok && now.Before(born.AddDate(6, 0, 0))
}

// ForRecord is what a newly registered entry sends: a birth asks for a personal ID number (or,
// when the child has one already and is under 6, for the card); a death of a person with a known
// number is recorded with the population database and closes any card.
func ForRecord(r *civil.Record, now time.Time) ([]*Message, error) {
	switch {
	case r.Birth != nil && r.Birth.Child.PersonalID == "":
		m, err := message(string(agency.Population), PopBirth, r, BirthRequest(r))
		return []*Message{m}, err
	case r.Birth != nil && UnderSix(r.Birth.Child.DateOfBirth, now):
		m, err := message(string(agency.Insurance), CardIssue, r, CardRequest(r))
		if m != nil {
			m.Key = Key(CardIssue, r.ID, 0) // one card per birth, whatever the version
		}
		return []*Message{m}, err
	case r.Death != nil && r.Death.Deceased.PersonalID != "":
		d := r.Death
		a, err := message(string(agency.Population), PopDeath, r, agency.DeathRequest{RecordID: r.ID, PersonalID: d.Deceased.PersonalID,
			FullName: d.Deceased.FullName, DateOfDeath: d.DateOfDeath})
		if err != nil {
			return nil, err
		}
		b, err := message(string(agency.Insurance), CardClose, r, agency.CloseRequest{RecordID: r.ID, PersonalID: d.Deceased.PersonalID, DateOfDeath: d.DateOfDeath})
		return []*Message{a, b}, err
	}
	return nil, nil
}

// BirthRequest is the population database's request for a birth entry.
func BirthRequest(r *civil.Record) agency.BirthRequest {
	b := r.Birth
	return agency.BirthRequest{RecordID: r.ID, Province: ProvinceCode, Child: person(b.Child), PlaceOfBirth: b.Child.PlaceOfBirth,
		Mother: parent(b.Mother), Father: parent(b.Father), Office: r.Office, RegisteredOn: r.RegisteredOn}
}

// CardRequest is social insurance's request for a child's card.
func CardRequest(r *civil.Record) agency.CardRequest {
	return agency.CardRequest{RecordID: r.ID, Child: person(r.Birth.Child), Province: ProvinceCode}
}

// Rebuild makes a dead message's payload and key afresh from the entry as it is now.
func Rebuild(m Message, r *civil.Record) (payload, key string, err error) {
	var body any
	switch {
	case m.Op == PopBirth && r.Birth != nil:
		body = BirthRequest(r)
	case m.Op == CardIssue && r.Birth != nil:
		body = CardRequest(r)
	case m.Op == PopDeath && r.Death != nil:
		body = agency.DeathRequest{RecordID: r.ID, PersonalID: r.Death.Deceased.PersonalID, FullName: r.Death.Deceased.FullName, DateOfDeath: r.Death.DateOfDeath}
	case m.Op == CardClose && r.Death != nil:
		body = agency.CloseRequest{RecordID: r.ID, PersonalID: r.Death.Deceased.PersonalID, DateOfDeath: r.Death.DateOfDeath}
	default:
		return "", "", fmt.Errorf("outbox: cannot rebuild %s for a %s entry", m.Op, r.Kind)
	}
	b, err := json.Marshal(body)
	return string(b), Key(m.Op, r.ID, r.Version), err
}
