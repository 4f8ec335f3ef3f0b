package registration

import (
	"context"
	"fmt"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/store"
)

// AdoptionRequest asks to register an adoption within the country (Law on Adoption 2010 art. 22).
type AdoptionRequest struct {
	Desk
	civil.Adoption
}

// RegisterAdoption registers an adoption in the office's book of adoptions with its dossier NCN
// (30 days), and, when the child's birth entry is in the register (given, or found by the
// child's personal ID), adds the adoptive parents to it as a new version in the same
// transaction: the birth's later extracts carry the note. A child the register shows adopted
// already is refused (Law on Adoption 2010 art. 8.3).
func (s *Service) RegisterAdoption(ctx context.Context, p auth.Principal, by audit.Actor, req AdoptionRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	a := req.Adoption
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &a)
	if err != nil {
		return r, err
	}
	birth, err := s.childsBirth(ctx, a.BirthRecord, a.Child)
	if err != nil {
		return r, err
	}
	reg := Registration{DateReason: strings.TrimSpace(req.DateReason)}
	if birth != nil {
		a.BirthRecord = birth.ID
		since := r.RegisteredOn
		if f := a.RegisteredAbroad; f != nil {
			since = f.IssuedOn // decided abroad: the child is adopted from that day
		}
		adopted, err := a.Adopt(birth.Birth, since)
		if err != nil {
			return r, err
		}
		v := civil.Version{Change: civil.Adopted, LegalBasis: civil.AdoptionBasis}
		if a.Father != nil {
			v.Fields = append(v.Fields, "adoptive.father.full_name")
		}
		if a.Mother != nil {
			v.Fields = append(v.Fields, "adoptive.mother.full_name")
		}
		if reg.Then, err = s.birthVersion(*birth, adopted, v, "Đăng ký nuôi con nuôi", "cha mẹ nuôi "+adopters(&a), by); err != nil {
			return r, err
		}
	}
	return r, s.register(ctx, &r, reg, "NCN", req.Dossier, adopters(&a), by)
}

// adopters names the adoptive parents as the note and the dossier do: "A và B".
func adopters(a *civil.Adoption) string {
	var names []string
	for _, p := range []*civil.Parent{a.Father, a.Mother} {
		if p != nil {
			names = append(names, p.FullName)
		}
	}
	return strings.Join(names, " và ")
}

// adoptiveFollows keeps the child's birth entry in step with a changed adoption entry: when the
// change touches the adoptive parents, the birth gains a version naming them as the adoption
// now does, in the change's own transaction (the birth's extracts show the adoptive parents).
// Nil when nothing of the birth follows.
func (s *Service) adoptiveFollows(adoption civil.Record, a *civil.Adoption, changed []string, v civil.Version, by audit.Actor) func(*store.Tx, string, int) error {
	var fields []string
	for _, f := range changed {
		if strings.HasPrefix(f, "father.") || strings.HasPrefix(f, "mother.") {
			fields = append(fields, "adoptive."+f)
		}
	}
	if a.BirthRecord == "" || len(fields) == 0 {
		return nil
	}
	now := s.Store.Now().UTC()
	return func(tx *store.Tx, _ string, _ int) error {
		birth, err := recordIn(tx, a.BirthRecord)
		if err != nil || birth.Birth == nil {
			return err
		}
		since := adoption.RegisteredOn
		if was := birth.Birth.Adoptive; was != nil && was.Since != "" {
			since = was.Since // the adoption's day stays (abroad, the foreign decision's)
		}
		next := birth
		next.Set(a.Readopt(birth.Birth, since))
		data, err := entryJSON(&next)
		if err != nil {
			return err
		}
		ver := civil.Version{Change: v.Change, LegalBasis: v.LegalBasis, Fields: fields,
			Reason: fmt.Sprintf("Theo việc nuôi con nuôi số %d, quyển %s/%d (%s): cha mẹ nuôi %s",
				adoption.Register.Number, adoption.Register.Book, adoption.Register.Year, v.Reason, adopters(a))}
		return addVersionIn(tx, &next, birth.Version, ver, data, now, by, s.onNewVersion...)
	}
}

// AdoptionReport counts the adoptions registered from day from to day to (inclusive,
// YYYY-MM-DD), by office: the department's oversight of the communes' adoptions. A commune's
// caller sees its own office only; office narrows a department caller's report to one.
func (s *Service) AdoptionReport(ctx context.Context, p auth.Principal, from, to, office string) (map[string]civil.AdoptionCount, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return nil, err
	}
	if scope := p.Scope(); scope != "" {
		office = scope
	}
	rows, err := s.Store.Query(ctx, `SELECT r.office, r.registered_on, v.data FROM records r
		JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
		WHERE r.kind = 'adoption' AND r.registered_on >= $1 AND r.registered_on <= $2 AND ($3 = '' OR r.office = $3)`, from, to, office)
	if err != nil {
		return nil, s.Store.Fail(fmt.Errorf("registration: adoption report: %w", err))
	}
	defer rows.Close()
	out := map[string]civil.AdoptionCount{}
	for rows.Next() {
		var at, on, data string
		if err := rows.Scan(&at, &on, &data); err != nil {
			return nil, s.Store.Fail(err)
		}
		var c civil.Content
		if err := decodeEntry(&c, civil.AdoptionKind, data); err != nil {
			return nil, err
		}
		n := out[at]
		n.Add(c.Adoption, on)
		out[at] = n
	}
	return out, s.Store.Fail(rows.Err())
}
