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
	Desk
	civil.Marriage
}

// RegisterMarriage validates and registers a marriage. Refused with every field at once when
// the parties do not meet the law's conditions on themselves (age, sex, identity: 400); refused
// as a conflict when the register shows a party still married or the two to be kin (409).
// The register is read inside the registration's transaction, after the audit head that every
// write takes first: two offices marrying one person at the same moment cannot both pass.
// A marriage with a foreign party is procedure KHNN (Law 60/2014 art. 37–38; its time is the
// catalogue's, as Decree 120/2025 set it).
func (s *Service) RegisterMarriage(ctx context.Context, p auth.Principal, by audit.Actor, req MarriageRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	m := req.Marriage
	m.Normalize()
	var also fault.Validation
	// A divorce is recorded afterwards from the court's decision (RecordDivorce), never typed
	// with the marriage: it would end the entry with no version, note or audit entry of its own.
	also.Check(m.Divorce == nil, "divorce", "marriage.divorce_afterwards")
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &m, m.IdentityProblems(), also.Err())
	if err != nil {
		return r, err
	}
	var bar marriageBar
	var certs []civil.Record
	reg := Registration{DateReason: strings.TrimSpace(req.DateReason), Check: func(tx *store.Tx) error {
		bar = marriageBar{}
		if err := bar.alive(tx, &m); err != nil {
			return err
		}
		if err := bar.check(tx, &m, r.RegisteredOn, ""); err != nil {
			return err
		}
		var err error
		certs, err = certificatesFor(tx, &m, r.RegisteredOn)
		return err
	}, Then: func(tx *store.Tx, rec *civil.Record) error {
		// Not onNewVersion: a certificate used is not corrected, its issued paper stays as it is.
		return useCertificates(tx, certs, rec, by)
	}}
	procedure := "KH"
	if m.Foreign() {
		procedure = "KHNN"
	}
	err = s.register(ctx, &r, reg, procedure, req.Dossier, m.Husband.FullName+" – "+m.Wife.FullName, by)
	return r, s.barred(ctx, by, bar, err)
}

// Certificates of marital status of a person, by personal ID or by name and date of birth.
const (
	qCertificatesByID   = `SELECT id FROM records WHERE kind = 'marital_status' AND personal_id = $1 AND personal_id <> ''`
	qCertificatesByName = `SELECT id FROM records WHERE kind = 'marital_status' AND name_folded = $1 AND date_of_birth = $2`
)

// certificatesFor are the certificates of marital status issued to either party, by day, for
// marrying the other that serve the marriage m registered on day
// (civil.MaritalStatus.ServesMarriage).
func certificatesFor(tx querier, m *civil.Marriage, day string) ([]civil.Record, error) {
	parties := m.Parties()
	var out []civil.Record
	seen := map[string]bool{}
	for i, p := range parties[:2] {
		var ids []string
		for _, q := range []struct {
			when bool
			sql  string
			args []any
		}{{p.PersonalID != "", qCertificatesByID, []any{p.PersonalID}}, {p.DateOfBirth != "", qCertificatesByName, []any{vntext.Fold(p.FullName), p.DateOfBirth}}} {
			if q.when {
				found, err := queryIDs(tx, q.sql, q.args...)
				if err != nil {
					return nil, err
				}
				ids = append(ids, found...)
			}
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			r, err := recordIn(tx, id)
			if err != nil {
				return nil, err
			}
			ms := r.MaritalStatus
			person := civil.Party{FullName: ms.Person.FullName, DateOfBirth: ms.Person.DateOfBirth, PersonalID: ms.Person.PersonalID}
			if civil.SamePerson(person, p) && r.RegisteredOn <= day && ms.ServesMarriage(parties[1-i], day) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// useCertificates marks each certificate as used for the marriage rec, a version with its note,
// in the marriage's transaction: it serves no other marriage.
func useCertificates(tx *store.Tx, certs []civil.Record, rec *civil.Record, by audit.Actor, then ...func(*store.Tx, string, int) error) error {
	for _, c := range certs {
		used := civil.Copy(c.MaritalStatus).(*civil.MaritalStatus)
		used.UsedFor = fmt.Sprintf("Đăng ký kết hôn số %d, quyển %s/%d, ngày %s", rec.Register.Number, rec.Register.Book, rec.Register.Year,
			document.DateVN(rec.RegisteredOn))
		next := c
		next.Set(used)
		data, err := entryJSON(&next)
		if err != nil {
			return err
		}
		v := civil.Version{Change: civil.StatusUsed, LegalBasis: "Nghị định 123/2015/NĐ-CP, Điều 23", Reason: used.UsedFor,
			Fields: []string{"used_for"}}
		if err := addVersionIn(tx, &next, c.Version, v, data, rec.CreatedAt, by, then...); err != nil {
			return err
		}
	}
	return nil
}

// recordIn reads an entry as it stands inside a transaction (or outside one: readers).
func recordIn(tx querier, id string) (civil.Record, error) {
	r, err := scanRecord(tx.QueryRow(`SELECT `+recordCols+` FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
		WHERE r.id = $1`, id))
	if err != nil {
		return r, fmt.Errorf("registration: entry %s: %w", id, err)
	}
	return r, nil
}

// marriageBar is what the register shows against a marriage, read inside its transaction.
type marriageBar struct {
	still   map[string]civil.Union // by role: the marriage that still binds that party
	adopted bool                   // one party adopted the other
	dead    []string               // the roles of the parties of a re-registration who died
	read    []string               // entries read to decide, whose reading is audited
}

// alive bars registering again a marriage of which a party is dead: a marriage is registered
// again for the living spouses who ask for it (Decree 123/2015 art. 24.2). A first
// registration passes.
func (b *marriageBar) alive(tx querier, m *civil.Marriage) error {
	if m.Reregistered == nil {
		return nil
	}
	for _, p := range m.Parties() {
		id, _, err := deathOf(tx, civil.Person{FullName: p.FullName, DateOfBirth: p.DateOfBirth, PersonalID: p.PersonalID}, "")
		if err != nil {
			return err
		}
		if id != "" {
			b.dead, b.read = append(b.dead, p.Role), append(b.read, id)
		}
	}
	if len(b.dead) > 0 {
		return errMarriageBarred
	}
	return nil
}

// errMarriageBarred: the register bars the marriage (barred says how). A conflict, not a
// fault of the store's.
var errMarriageBarred = fault.New(fault.Conflict, "marriage.barred")

// check reads the register for m, to be registered (or amended, exclude being the entry
// itself) on the day on, and returns errMarriageBarred when it bars it.
func (b *marriageBar) check(tx *store.Tx, m *civil.Marriage, on, exclude string) error {
	unions, err := unionsOf(tx, m.Parties(), exclude)
	if err != nil {
		return err
	}
	var until string // a corrected marriage is held against what overlapped it only
	if exclude != "" {
		if until, err = endOf(tx, m); err != nil {
			return err
		}
	}
	if b.still = civil.StillMarried(m, unions, on, until); len(b.still) > 0 {
		for _, u := range b.still {
			b.read = append(b.read, u.RecordID)
		}
		return errMarriageBarred
	}
	h, w, read, err := birthsOf(tx, m.Parties())
	if err != nil {
		return err
	}
	if civil.Related(m, h, w) {
		b.read = read
		return errMarriageBarred
	}
	adopted, err := adoptions(tx, m.Parties())
	if err != nil {
		return err
	}
	if len(adopted) > 0 {
		b.read, b.adopted = adopted, true
		return errMarriageBarred
	}
	return nil
}

// adoptions lists the adoptions in which one of the two parties adopted the other: an adoptive
// parent and child may never marry, even once the adoption has ended (Law on Marriage and
// Family 2014 art. 5.2.d). The adopter is found among the adoption's parties, the child is its
// subject.
func adoptions(tx querier, parties []civil.Party) ([]string, error) {
	var out []string
	for i, adopter := range parties[:2] {
		child := parties[1-i]
		ids, err := partyRecords(tx, adopter)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			var c civil.Party
			err := tx.QueryRow(qAdoptedChild, id).Scan(&c.FullName, &c.DateOfBirth, &c.PersonalID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // the adopter's marriage, not an adoption
			}
			if err != nil {
				return nil, fmt.Errorf("registration: adoption of a party: %w", err)
			}
			if civil.SamePerson(c, child) {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// barred turns a marriage barred by the register into the conflict an officer reads: which
// party is still married, or that the two are kin. The entries read to decide (other
// communes' among them) are audited as any showing of another entry is; the officer looks them
// up within their jurisdiction. Any other outcome passes through.
func (s *Service) barred(ctx context.Context, by audit.Actor, bar marriageBar, err error) error {
	if !errors.Is(err, errMarriageBarred) {
		return err
	}
	e := &fault.Error{Kind: fault.Conflict, Code: "marriage.still_married", Fields: map[string]string{}}
	for role := range bar.still {
		e.Fields[role+".full_name"] = "marriage.still_married"
	}
	for _, role := range bar.dead {
		e.Code, e.Fields[role+".full_name"] = "reregistration.spouse_dead", "reregistration.spouse_dead"
	}
	switch {
	case len(bar.dead) > 0:
	case bar.adopted:
		e.Code, e.Fields["wife.full_name"] = "marriage.adoptive", "marriage.adoptive"
	case len(bar.still) == 0:
		e.Code, e.Fields["wife.full_name"] = "marriage.related", "marriage.related"
	}
	sort.Strings(bar.read)
	if err := s.shown(ctx, by, bar.read...); err != nil {
		return err
	}
	return e
}

// amendment is what a correction of a marriage from before to after is held to. A corrected
// party meets the conditions a new one does: identity shown, not married elsewhere, not kin
// (else a correction would marry whom registration refuses); a divorce corrected to a later day
// lengthens the marriage over the parties' later ones. It returns the identity problems of the
// parties that changed, and the check to run in the version's transaction, nil when the
// parties and the end stay as they were (an old entry is then left as it is).
func (b *marriageBar) amendment(before, after *civil.Marriage, on string) (identity error, check func(*store.Tx, string, int) error) {
	moved := movedParties(before, after)
	lengthened := before.Divorce != nil && after.Divorce != nil && after.Divorce.EffectiveOn > before.Divorce.EffectiveOn
	if len(moved) == 0 && !lengthened {
		return nil, nil
	}
	if len(moved) > 0 {
		identity = after.IdentityProblems(moved...)
	}
	return identity, func(tx *store.Tx, id string, _ int) error {
		*b = marriageBar{}
		return b.check(tx, after, on, id)
	}
}

// querier reads inside a write (a *store.Tx) or outside one (readers).
type querier interface {
	Query(q string, args ...any) (*sql.Rows, error)
	QueryRow(q string, args ...any) *sql.Row
}

// readers is a querier on the store's readers, for a read that need not be in a write.
type readers struct {
	ctx context.Context
	st  *store.Store
}

func (r readers) Query(q string, args ...any) (*sql.Rows, error) {
	return r.st.Query(r.ctx, q, args...)
}
func (r readers) QueryRow(q string, args ...any) *sql.Row { return r.st.QueryRow(r.ctx, q, args...) }

// The lookups of a marriage's check, each led by an index (ExplainChecks). The
// personal-ID lookup repeats its partial index's condition, without which a generic plan
// (PostgreSQL) or SQLite cannot use it.
const (
	qPartyByID    = `SELECT record_id FROM record_parties WHERE personal_id = $1 AND personal_id <> ''`
	qPartyByName  = `SELECT record_id FROM record_parties WHERE folded = $1 AND date_of_birth = $2`
	qUnionParties = `SELECT r.office, r.reg_number, r.reg_book, r.reg_year, r.registered_on, p.role, p.full_name, p.date_of_birth,
		p.personal_id, p.ended FROM records r JOIN record_parties p ON p.record_id = r.id WHERE r.id = $1 AND r.kind = 'marriage'`
	qAdoptedChild = `SELECT full_name, date_of_birth, personal_id FROM records WHERE id = $1 AND kind = 'adoption'`
	qDeathByID    = `SELECT MIN(date_of_death) FROM records WHERE kind = 'death' AND personal_id = $1`
	qDeathByName  = `SELECT MIN(date_of_death) FROM records WHERE kind = 'death' AND name_folded = $1 AND date_of_birth = $2
		AND ($3 = '' OR personal_id = '')`
)

// ExplainChecks returns SQLite's plans of the lookups of a marriage's and a guardianship's
// checks, for a test that holds them to their indexes: they run inside the single writer's
// transaction.
func (db *Records) ExplainChecks(ctx context.Context) (string, error) {
	var out strings.Builder
	for _, q := range []struct {
		sql  string
		args []any
	}{{qPartyByID, []any{"051090001111"}}, {qPartyByName, []any{"le van hung", "1990-05-01"}}, {qUnionParties, []any{"x"}}, {qAdoptedChild, []any{"x"}},
		{qDeathByID, []any{"051090001111"}}, {qDeathByName, []any{"le van hung", "1990-05-01", ""}},
		{qGuardianshipsByID, []any{"051090001111"}}, {qGuardianshipsByName, []any{"le van hung", "1990-05-01"}}, {qGuardianshipsByBirth, []any{"x"}},
		{qDeathEntryByID, []any{"051090001111"}}, {qDeathEntryByName, []any{"le van hung", "1990-05-01", ""}}, {qDeathEntryByBirth, []any{"x"}},
		{qWardAdoptionByID, []any{"051090001111"}}, {qWardAdoptionByName, []any{"le van hung", "1990-05-01", ""}}, {qWardAdoptionByBirth, []any{"x"}}} {
		plan, err := db.st.QueryPlan(ctx, q.sql, q.args...)
		if err != nil {
			return "", err
		}
		out.WriteString(plan)
	}
	return out.String(), nil
}

// unionsOf reads the marriages, other than exclude, in which any of the parties is a husband or
// a wife, with the day each ended by a divorce or a death.
func unionsOf(tx querier, parties []civil.Party, exclude string) ([]civil.Union, error) {
	ids := map[string]bool{}
	for _, p := range parties {
		found, err := partyRecords(tx, p)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			ids[id] = id != exclude
		}
	}
	var out []civil.Union
	for id, other := range ids {
		if !other {
			continue
		}
		u := civil.Union{RecordID: id}
		rows, err := tx.Query(qUnionParties, id)
		if err != nil {
			return nil, fmt.Errorf("registration: marriage parties: %w", err)
		}
		for rows.Next() {
			var party civil.Party
			if err := rows.Scan(&u.Office, &u.Register.Number, &u.Register.Book, &u.Register.Year, &u.RegisteredOn, &party.Role, &party.FullName,
				&party.DateOfBirth, &party.PersonalID, &party.Ended); err != nil {
				rows.Close()
				return nil, err
			}
			u.End(party.Ended)
			u.DivorcedOn = max(u.DivorcedOn, party.Ended)
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
		if u.Husband.FullName == "" && u.Wife.FullName == "" {
			continue // the person is a party of another kind of entry (an adopter, a guardian)
		}
		for _, party := range []civil.Party{u.Husband, u.Wife} {
			died, err := diedOn(tx, party)
			if err != nil {
				return nil, err
			}
			u.End(died)
		}
		out = append(out, u)
	}
	return out, nil
}

// endOf is the day marriage m ended: its divorce took effect or a party died; "" while it holds.
func endOf(tx querier, m *civil.Marriage) (string, error) {
	var u civil.Union
	if m.Divorce != nil {
		u.End(m.Divorce.EffectiveOn)
	}
	for _, p := range m.Parties() {
		died, err := diedOn(tx, p)
		if err != nil {
			return "", err
		}
		u.End(died)
	}
	return u.EndedOn, nil
}

// partyRecords lists the entries that name p as a party: by personal ID, and by name and date
// of birth (an entry may hold either).
func partyRecords(tx querier, p civil.Party) ([]string, error) {
	var ids []string
	if p.PersonalID != "" {
		found, err := queryIDs(tx, qPartyByID, p.PersonalID)
		if err != nil {
			return nil, err
		}
		ids = append(ids, found...)
	}
	if p.DateOfBirth != "" {
		found, err := queryIDs(tx, qPartyByName, vntext.Fold(p.FullName), p.DateOfBirth)
		if err != nil {
			return nil, err
		}
		ids = append(ids, found...)
	}
	return ids, nil
}

// queryIDs runs a query of entries' ids.
func queryIDs(tx querier, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("registration: entries: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// diedOn is the day of the earliest death entry that names p, "" for none: by personal ID, or
// by name and date of birth where either side lacks an ID (civil.SamePerson).
func diedOn(tx querier, p civil.Party) (string, error) {
	var byID, byName sql.NullString
	if p.PersonalID != "" {
		if err := tx.QueryRow(qDeathByID, p.PersonalID).Scan(&byID); err != nil {
			return "", fmt.Errorf("registration: death of a party: %w", err)
		}
	}
	if p.DateOfBirth != "" {
		if err := tx.QueryRow(qDeathByName, vntext.Fold(p.FullName), p.DateOfBirth, p.PersonalID).Scan(&byName); err != nil {
			return "", fmt.Errorf("registration: death of a party: %w", err)
		}
	}
	switch {
	case byID.String == "":
		return byName.String, nil
	case byName.String == "" || byID.String < byName.String:
		return byID.String, nil
	}
	return byName.String, nil
}

// birthsOf reads the birth entries of a marriage's parties, by personal ID; nil where none is
// known. read lists the entries found.
func birthsOf(tx querier, parties []civil.Party) (husband, wife *civil.Birth, read []string, err error) {
	var out [2]*civil.Birth
	for i, p := range parties[:2] {
		if p.PersonalID == "" {
			continue
		}
		r, err := scanRecord(tx.QueryRow(`SELECT `+recordCols+` FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
			WHERE r.kind = 'birth' AND r.personal_id = $1 LIMIT 1`, p.PersonalID))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("registration: birth of a party: %w", err)
		}
		out[i], read = r.Birth, append(read, r.ID)
	}
	return out[0], out[1], read, nil
}

// FillParties indexes the parties of the entries stored before record_parties was kept
// (migration 0018: legacy marriages): one pass over the entries in key order, a batch at a
// time, then noted as done so that later starts do not look again. Only entries without any
// party row are read again (an entry's rows are written together). A store created empty is
// marked done by migration 0038.
func (s *Service) FillParties(ctx context.Context) error {
	var done int
	if err := s.Store.QueryRow(ctx, `SELECT COUNT(*) FROM backfills WHERE name = 'record_parties'`).Scan(&done); err != nil || done > 0 {
		return err
	}
	for last := ""; ; {
		rs, err := store.Collect(ctx, s.Store, scanRecord, "registration: parties to index", `SELECT `+recordCols+` FROM records r
			JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
			WHERE r.kind = 'marriage' AND r.id > $1 AND NOT EXISTS (SELECT 1 FROM record_parties p WHERE p.record_id = r.id)
			ORDER BY r.id LIMIT 500`, last)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			break
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
		last = rs[len(rs)-1].ID
	}
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO backfills (name, done_at) VALUES ('record_parties', $1) ON CONFLICT (name) DO NOTHING`, store.Time(tx.Now()))
		return err
	})
}

// DivorceRequest records a court's divorce against a marriage entry of version Version.
type DivorceRequest struct {
	Version int    `json:"version"`
	Dossier string `json:"dossier,omitempty"` // the dossier GCNN received for a divorce decided abroad
	civil.Divorce
}

// RecordDivorce records a court's judgment or decision of divorce against a marriage entry, as
// a new version whose marginal note every later extract carries (Law 60/2014 art. 3.2.đ). The
// office that registered the marriage records it. From then the parties are free to marry
// (RegisterMarriage reads the end from the entry's parties).
func (s *Service) RecordDivorce(ctx context.Context, p auth.Principal, by audit.Actor, id string, req DivorceRequest) (civil.Record, error) {
	return s.recordNote(ctx, p, by, id, req.Version, note{prefix: "divorce.",
		set: func(r civil.Record) (civil.Entry, error) {
			switch {
			case r.Marriage == nil:
				return nil, fault.New(fault.Invalid, "divorce.not_a_marriage")
			case r.Marriage.Divorce != nil:
				return nil, fault.New(fault.Conflict, "divorce.already_recorded")
			}
			m := civil.Copy(r.Marriage).(*civil.Marriage)
			d := req.Divorce
			m.Divorce = &d
			return m, nil
		},
		version: func(e civil.Entry) civil.Version {
			d := e.(*civil.Marriage).Divorce
			v := civil.Version{Change: civil.Divorced, LegalBasis: civil.DivorceBasis,
				Reason: fmt.Sprintf("Bản án/Quyết định số %s của %s, có hiệu lực pháp luật ngày %s", d.Decision, d.Court, document.DateVN(d.EffectiveOn)),
				Fields: []string{"divorce.court", "divorce.decision", "divorce.effective_on"}}
			if d.Country != "" {
				v.LegalBasis = civil.ForeignDivorceBasis
				v.Reason = fmt.Sprintf("Bản án/Quyết định số %s của %s (%s), có hiệu lực pháp luật ngày %s", d.Decision, d.Court, d.Country, document.DateVN(d.EffectiveOn))
				v.Fields = append(v.Fields, "divorce.country")
			}
			return v
		},
		dossier: func(r civil.Record, e civil.Entry) (func(*store.Tx, string, int) error, error) {
			// A court of Việt Nam sends its judgment to the register itself; a divorce decided
			// abroad is written in at a citizen's request, a procedure of its own.
			if e.(*civil.Marriage).Divorce.Country == "" {
				if req.Dossier != "" {
					return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"dossier": "dossier.not_for_this"}}
				}
				return nil, nil
			}
			m := e.(*civil.Marriage)
			return s.settling(ctx, req.Dossier, "GCNN", r.Office, r.ID, m.Husband.FullName+" – "+m.Wife.FullName, by)
		}})
}

// movedParties are the roles whose person an amendment changed (name, date of birth or
// personal ID).
func movedParties(before, after *civil.Marriage) []string {
	var out []string
	b, a := before.Parties(), after.Parties()
	for i := range a {
		if vntext.Fold(a[i].FullName) != vntext.Fold(b[i].FullName) || a[i].DateOfBirth != b[i].DateOfBirth || a[i].PersonalID != b[i].PersonalID {
			out = append(out, a[i].Role)
		}
	}
	return out
}
