package registration

import (
	"context"
	"fmt"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// RecognitionRequest asks to register a parent's recognition of a child (Law 60/2014 art. 24–25).
type RecognitionRequest struct {
	Desk
	civil.Recognition
}

// RegisterRecognition registers a recognition in the office's book of recognitions with its
// dossier NCMC, and, when the child's birth entry is in the register (given, or found by the
// child's personal ID), adds the parent to it as a new version in the same transaction, with
// the recognition as its reason: the birth's later extracts carry the note. A birth that names
// a parent in that role already is refused: that is a dispute for the court (Law on Marriage
// and Family 2014 art. 101.2).
func (s *Service) RegisterRecognition(ctx context.Context, p auth.Principal, by audit.Actor, req RecognitionRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	rc := req.Recognition
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &rc)
	if err != nil {
		return r, err
	}
	birth, err := s.childsBirth(ctx, rc.BirthRecord, rc.Child)
	if err != nil {
		return r, err
	}
	reg := Registration{DateReason: strings.TrimSpace(req.DateReason)}
	if birth != nil {
		rc.BirthRecord = birth.ID
		recognised, err := rc.Recognise(birth.Birth)
		if err != nil {
			return r, err
		}
		_, role := rc.Parent()
		v := civil.Version{Change: civil.Recognised, LegalBasis: civil.RecognitionBasis,
			Fields: []string{role + ".full_name", role + ".date_of_birth", role + ".personal_id"}}
		if reg.Then, err = s.birthVersion(*birth, recognised, v, "Đăng ký nhận cha, mẹ, con", rc.Evidence, by); err != nil {
			return r, err
		}
	}
	parent, _ := rc.Parent()
	return r, s.register(ctx, &r, reg, "NCMC", req.Dossier, parent.FullName, by)
}

// childsBirth is the child's birth entry, wherever in the province it was registered (the
// register is one): the one named (id), which must be a birth, or the one the child's personal
// ID finds; nil when the register holds none.
func (s *Service) childsBirth(ctx context.Context, id string, child civil.Person) (*civil.Record, error) {
	if id != "" {
		b, err := s.records.Record(ctx, id)
		if fault.Is(err, fault.NotFound) || err == nil && b.Birth == nil {
			return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"birth_record": "record.not_found"}}
		}
		return &b, err
	}
	if child.PersonalID == "" {
		return nil, nil
	}
	b, err := s.records.BirthByPersonalID(ctx, child.PersonalID)
	if fault.Is(err, fault.NotFound) {
		return nil, nil
	}
	return &b, err
}

// birthVersion is what writes, in the transaction of the entry that brings it about (a
// recognition, an adoption), the child's birth entry's next version: birth as it becomes, with
// v's change, basis and fields, its reason the entry's register reference (what, as the book
// names it) and detail.
func (s *Service) birthVersion(birth civil.Record, becomes *civil.Birth, v civil.Version, what, detail string, by audit.Actor) (func(*store.Tx, *civil.Record) error, error) {
	next := birth
	next.Set(becomes)
	data, err := entryJSON(&next)
	if err != nil {
		return nil, err
	}
	return func(tx *store.Tx, rec *civil.Record) error {
		b, ver := next, v // afresh on each run (store.Write)
		ver.Reason = fmt.Sprintf("%s số %d, quyển %s/%d: %s", what, rec.Register.Number, rec.Register.Book, rec.Register.Year, detail)
		return addVersionIn(tx, &b, birth.Version, ver, data, rec.CreatedAt, by, s.onNewVersion...)
	}, nil
}
