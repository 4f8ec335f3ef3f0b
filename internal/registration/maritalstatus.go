package registration

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
)

// MaritalStatusRequest asks for a certificate of marital status (Decree 123/2015 art. 21–23).
type MaritalStatusRequest struct {
	Desk
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
	typed.Check(ms.Status == "" && ms.Spouse == "" && ms.Basis == "" && ms.ValidUntil == "" && ms.UsedFor == "", "status", "marital.found_not_typed")
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &ms, ms.IdentityProblems(), typed.Err())
	if err != nil {
		return r, err
	}
	person := civil.Party{FullName: ms.Person.FullName, DateOfBirth: ms.Person.DateOfBirth, PersonalID: ms.Person.PersonalID}
	unions, err := unionsOf(readers{ctx, s.Store}, []civil.Party{person}, "")
	if err != nil {
		return r, err
	}
	var on *civil.Union
	ms.Status, ms.Spouse, on = civil.StatusOf(person, unions, r.RegisteredOn)
	if ms.Basis, err = s.statusBasis(ctx, ms.Status, on); err != nil {
		return r, err
	}
	issued, _ := civil.ParseDate(r.RegisteredOn)
	ms.ValidUntil = civil.ValidUntil(issued).Format(civil.DateFormat)
	var read []string
	for _, u := range unions {
		read = append(read, u.RecordID)
	}
	sort.Strings(read)
	if err := s.shown(ctx, by, read...); err != nil {
		return r, err
	}
	// Decree 123/2015 art. 22.1: one for marrying is for a person free to marry.
	if ms.ForMarriage() && ms.Status == civil.Married {
		return civil.Record{}, &fault.Error{Kind: fault.Conflict, Code: "marriage.still_married", Fields: map[string]string{"person.full_name": "marriage.still_married"}}
	}
	return r, s.register(ctx, &r, Registration{DateReason: strings.TrimSpace(req.DateReason)}, "XNHN", req.Dossier, ms.Person.FullName, by)
}

// statusBasis cites what a status rests on, as the certificate states it: the marriage's
// registration (its number, book, office and day), the divorce (the court's decision), or the
// day the spouse died.
func (s *Service) statusBasis(ctx context.Context, status string, u *civil.Union) (string, error) {
	if u == nil {
		return "", nil
	}
	office, err := s.offices.Office(ctx, u.Office)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return "", err
	}
	registered := fmt.Sprintf("Đăng ký kết hôn số %d, quyển số %s/%d, ngày %s, tại %s", u.Register.Number, u.Register.Book, u.Register.Year,
		document.DateVN(u.RegisteredOn), cmp.Or(office.Name, u.Office))
	switch status {
	case civil.DivorcedNow:
		m, err := s.records.Record(ctx, u.RecordID)
		if err != nil {
			return "", err
		}
		if d := m.Marriage.Divorce; d != nil {
			return fmt.Sprintf("%s; ly hôn theo bản án, quyết định số %s của %s, có hiệu lực ngày %s", registered, d.Decision, d.Court, document.DateVN(d.EffectiveOn)), nil
		}
	case civil.Widowed:
		return fmt.Sprintf("%s; vợ/chồng chết ngày %s", registered, document.DateVN(u.EndedOn)), nil
	}
	return registered, nil
}
