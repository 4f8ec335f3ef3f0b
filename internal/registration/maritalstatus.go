package registration

import (
	"context"
	"sort"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
)

// MaritalStatusRequest asks for a certificate of marital status (Decree 123/2015 art. 21–23).
type MaritalStatusRequest struct {
	Office       string `json:"office"`
	Dossier      string `json:"dossier,omitempty"`
	RegisteredOn string `json:"registered_on"`
	DateReason   string `json:"registered_on_reason,omitempty"`
	civil.MaritalStatus
}

// RegisterMaritalStatus issues a certificate of marital status: what the province's register
// shows of the person's marriages on the day (never married, married and to whom, divorced or
// widowed), valid six months. It is numbered in the office's book of such certificates with
// its dossier XNHN. The marriages read to decide, other communes' among them, are audited as
// any showing of another entry is: the certificate names the spouse.
func (s *Service) RegisterMaritalStatus(ctx context.Context, p auth.Principal, by audit.Actor, req MaritalStatusRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	ms := req.MaritalStatus
	ms.Normalize()
	var typed fault.Validation
	// What the register shows is found, not typed.
	typed.Check(ms.Status == "" && ms.Spouse == "" && ms.ValidUntil == "", "status", "marital.found_not_typed")
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &ms, ms.IdentityProblems(), typed.Err())
	if err != nil {
		return r, err
	}
	person := civil.Party{FullName: ms.Person.FullName, DateOfBirth: ms.Person.DateOfBirth, PersonalID: ms.Person.PersonalID}
	unions, err := unionsOf(readers{ctx, s.Store}, []civil.Party{person}, "")
	if err != nil {
		return r, err
	}
	ms.Status, ms.Spouse = civil.StatusOf(person, unions, r.RegisteredOn)
	issued, _ := civil.ParseDate(r.RegisteredOn)
	ms.ValidUntil = civil.ValidUntil(issued).Format(civil.DateFormat)
	// Decree 123/2015 art. 22.1: one for marrying is for a person free to marry.
	var refused error
	if ms.ForMarriage() && ms.Status == civil.Married {
		refused = &fault.Error{Kind: fault.Conflict, Code: "marriage.still_married", Fields: map[string]string{"person.full_name": "marriage.still_married"}}
	}
	if len(unions) > 0 {
		var ids []string
		for _, u := range unions {
			ids = append(ids, u.RecordID)
		}
		sort.Strings(ids)
		if err := s.Store.Audit(ctx, by.Entry("record.candidates", "records", strings.Join(ids, ","))); err != nil {
			return r, err
		}
	}
	if refused != nil {
		return civil.Record{}, refused
	}
	return r, s.register(ctx, &r, Registration{DateReason: strings.TrimSpace(req.DateReason)}, "XNHN", req.Dossier, ms.Person.FullName, by)
}
