package registration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// MarriageRequest asks to register a marriage (đăng ký kết hôn, Law 60/2014 art. 17–18).
type MarriageRequest struct {
	Office       string `json:"office"`
	Dossier      string `json:"dossier,omitempty"`
	RegisteredOn string `json:"registered_on"`
	DateReason   string `json:"registered_on_reason,omitempty"`
	civil.Marriage
}

// RegisterMarriage validates and registers a marriage. Refused with every field at once when
// the parties do not meet the law's conditions on themselves (age, sex, identity: 400); refused
// as a conflict when the register shows a party still married or the two to be kin (409).
// The register is read inside the registration's transaction, after the audit head that every
// write takes first: two offices marrying one person at the same moment cannot both pass.
func (s *Service) RegisterMarriage(ctx context.Context, p auth.Principal, by audit.Actor, req MarriageRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	m := req.Marriage
	m.Normalize()
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &m, m.IdentityProblems())
	if err != nil {
		return r, err
	}
	var barred map[string]civil.Union
	reg := Registration{DateReason: strings.TrimSpace(req.DateReason), Check: func(tx *store.Tx) error {
		unions, err := unionsOf(tx, m.Parties())
		if err != nil {
			return err
		}
		if barred = civil.StillMarried(&m, unions); len(barred) > 0 {
			return errStillMarried
		}
		h, w, err := birthsOf(tx, m.Parties())
		if err != nil {
			return err
		}
		if civil.Related(&m, h, w) {
			return &fault.Error{Kind: fault.Conflict, Code: "marriage.related", Fields: map[string]string{"wife.full_name": "marriage.related"}}
		}
		return nil
	}}
	applicant := m.Husband.FullName + " – " + m.Wife.FullName
	err = s.register(ctx, &r, reg, "KH", req.Dossier, applicant, by)
	if errors.Is(err, errStillMarried) {
		return civil.Record{}, s.stillMarried(ctx, by, barred)
	}
	return r, err
}

var errStillMarried = fault.New(fault.Conflict, "marriage.still_married")

// stillMarried is the conflict an officer reads: which party is still married. The entries
// that bind them were read for the check, so their reading is audited as any view of another
// entry is; the officer looks them up within their jurisdiction.
func (s *Service) stillMarried(ctx context.Context, by audit.Actor, barred map[string]civil.Union) error {
	e := &fault.Error{Kind: fault.Conflict, Code: "marriage.still_married", Fields: map[string]string{}}
	var ids []string
	for role, u := range barred {
		e.Fields[role+".full_name"] = "marriage.still_married"
		ids = append(ids, u.RecordID)
	}
	sort.Strings(ids)
	if err := s.Store.Audit(ctx, by.Entry("record.candidates", "records", strings.Join(ids, ","))); err != nil {
		return err
	}
	return e
}

// unionsOf reads the marriages in which any of the parties is a husband or a wife, with whether
// each has ended by a death.
func unionsOf(tx *store.Tx, parties []civil.Party) ([]civil.Union, error) {
	ids := map[string]bool{}
	for _, p := range parties {
		found, err := partyRecords(tx, p)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			ids[id] = true
		}
	}
	var out []civil.Union
	for id := range ids {
		u := civil.Union{RecordID: id}
		rows, err := tx.Query(`SELECT r.office, r.reg_number, r.reg_book, r.reg_year, p.role, p.full_name, p.date_of_birth, p.personal_id, p.ended
			FROM records r JOIN record_parties p ON p.record_id = r.id WHERE r.id = $1 AND r.kind = 'marriage'`, id)
		if err != nil {
			return nil, fmt.Errorf("registration: marriage parties: %w", err)
		}
		for rows.Next() {
			var party civil.Party
			if err := rows.Scan(&u.Office, &u.Register.Number, &u.Register.Book, &u.Register.Year, &party.Role, &party.FullName,
				&party.DateOfBirth, &party.PersonalID, &party.Ended); err != nil {
				rows.Close()
				return nil, err
			}
			u.Ended = u.Ended || party.Ended != ""
			if party.Role == civil.HusbandRole {
				u.Husband = party
			} else {
				u.Wife = party
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, party := range []civil.Party{u.Husband, u.Wife} {
			if u.Ended {
				break
			}
			dead, err := hasDied(tx, party)
			if err != nil {
				return nil, err
			}
			u.Ended = u.Ended || dead
		}
		out = append(out, u)
	}
	return out, nil
}

// partyRecords lists the entries that name p as a party: by personal ID, and by name and date
// of birth (an entry may hold either).
func partyRecords(tx *store.Tx, p civil.Party) ([]string, error) {
	var ids []string
	collect := func(q string, args ...any) error {
		rows, err := tx.Query(q, args...)
		if err != nil {
			return fmt.Errorf("registration: parties: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}
	if p.PersonalID != "" {
		if err := collect(`SELECT record_id FROM record_parties WHERE personal_id = $1 AND personal_id <> ''`, p.PersonalID); err != nil {
			return nil, err
		}
	}
	if p.DateOfBirth != "" {
		if err := collect(`SELECT record_id FROM record_parties WHERE folded = $1 AND date_of_birth = $2`, vntext.Fold(p.FullName), p.DateOfBirth); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// hasDied says whether a death entry names p: by personal ID, or by name and date of birth
// where either side lacks an ID (civil.SamePerson).
func hasDied(tx *store.Tx, p civil.Party) (bool, error) {
	var n int
	if p.PersonalID != "" {
		if err := tx.QueryRow(`SELECT COUNT(*) FROM records WHERE kind = 'death' AND personal_id = $1`, p.PersonalID).Scan(&n); err != nil {
			return false, fmt.Errorf("registration: death of a party: %w", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	if p.DateOfBirth == "" {
		return false, nil
	}
	if err := tx.QueryRow(`SELECT COUNT(*) FROM records WHERE kind = 'death' AND name_folded = $1 AND date_of_birth = $2
		AND ($3 = '' OR personal_id = '')`, vntext.Fold(p.FullName), p.DateOfBirth, p.PersonalID).Scan(&n); err != nil {
		return false, fmt.Errorf("registration: death of a party: %w", err)
	}
	return n > 0, nil
}

// birthsOf reads the birth entries of a marriage's parties, by personal ID; nil where none is
// known.
func birthsOf(tx *store.Tx, parties []civil.Party) (husband, wife *civil.Birth, err error) {
	var out [2]*civil.Birth
	for i, p := range parties[:2] {
		if p.PersonalID == "" {
			continue
		}
		var data string
		err := tx.QueryRow(`SELECT v.data FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
			WHERE r.kind = 'birth' AND r.personal_id = $1 LIMIT 1`, p.PersonalID).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("registration: birth of a party: %w", err)
		}
		e, err := civil.DecodeEntry(civil.BirthKind, []byte(data))
		if err != nil {
			return nil, nil, err
		}
		out[i] = e.(*civil.Birth)
	}
	return out[0], out[1], nil
}

// FillParties indexes the parties of the entries stored before record_parties was kept
// (migration 0018: legacy marriages), a batch at a time; it ends when none is left.
func (s *Service) FillParties(ctx context.Context) error {
	for {
		rs, err := store.Collect(ctx, s.Store, scanRecord, "registration: parties to index", `SELECT `+recordCols+` FROM records r
			JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
			WHERE r.kind = 'marriage' AND NOT EXISTS (SELECT 1 FROM record_parties p WHERE p.record_id = r.id) LIMIT 500`)
		if err != nil || len(rs) == 0 {
			return err
		}
		err = s.Store.Write(ctx, func(tx *store.Tx) error {
			for i := range rs {
				if err := insertPartyRows(tx, partyRows(&rs[i])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// DivorceRequest records a court's divorce against a marriage entry of version Version.
type DivorceRequest struct {
	Version int `json:"version"`
	civil.Divorce
}

// RecordDivorce records a court's judgment or decision of divorce against a marriage entry, as
// a new version whose marginal note every later extract carries (Law 60/2014 art. 3.2.đ). The
// office that registered the marriage records it. From then the parties are free to marry
// (RegisterMarriage reads the end from the entry's parties).
func (s *Service) RecordDivorce(ctx context.Context, p auth.Principal, by audit.Actor, id string, req DivorceRequest) (civil.Record, error) {
	r, err := s.records.Record(ctx, id)
	if err != nil {
		return r, err
	}
	if err := p.Allow(auth.WriteRecords, r.Office); err != nil {
		return civil.Record{}, err
	}
	switch {
	case r.Marriage == nil:
		return r, fault.New(fault.Invalid, "divorce.not_a_marriage")
	case r.Marriage.Divorce != nil:
		return r, fault.New(fault.Conflict, "divorce.already_recorded")
	case req.Version != r.Version:
		return r, fault.New(fault.Conflict, "record.changed")
	}
	m := civil.Copy(r.Marriage).(*civil.Marriage)
	d := req.Divorce
	m.Divorce = &d
	m.Normalize()
	// Only the divorce's own fields are the officer's to answer for: an old entry's other
	// fields stay as the register has them.
	if err := m.Validate(r.RegisteredOn, s.Today()); err != nil {
		e, ok := fault.As(err)
		if !ok || len(e.Fields) == 0 {
			return r, err
		}
		var v fault.Validation
		for f, msg := range e.Fields {
			if strings.HasPrefix(f, "divorce.") {
				v.Add(f, msg)
			}
		}
		if err := v.Err(); err != nil {
			return r, err
		}
	}
	next := r
	next.Set(m)
	ver := civil.Version{Change: civil.Divorced, LegalBasis: civil.DivorceBasis,
		Reason: fmt.Sprintf("Bản án/Quyết định số %s của %s, có hiệu lực pháp luật ngày %s", m.Divorce.Decision, m.Divorce.Court, document.DateVN(m.Divorce.EffectiveOn)),
		Fields: []string{"divorce.court", "divorce.decision", "divorce.effective_on"}}
	if err := s.records.AddVersion(ctx, &next, r.Version, ver, by, s.onNewVersion...); err != nil {
		return r, err
	}
	return next, nil
}
