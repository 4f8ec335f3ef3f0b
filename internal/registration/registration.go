// Package registration is the civil-status service: it checks who may register what, applies
// the rules of package civil, looks for duplicates and stores entries through package store.
package registration

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/outbox"
	"tuphap/internal/reception"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Service registers and reads civil-status entries.
type Service struct {
	Store   *store.Store
	records *Records
	// onNewVersion keeps other domains in step with a corrected or supplemented entry, in its
	// transaction (OnNewVersion).
	onNewVersion []func(tx *store.Tx, recordID string, version int) error
	offices      *account.Service
	desk         *reception.Service
	Params       civil.Params
	// NoDuplicateCheck turns the duplicate check off: for the benchmark's floor only, which
	// measures the writer without the check's reads. Never set in a server.
	NoDuplicateCheck bool
	// Calendar gives the working-day calendar in force (official schedules included).
	Calendar func() *calendar.Calendar
}

// New returns a service with the default duplicate parameters and the default calendar.
func New(st *store.Store) *Service {
	cal := calendar.New(nil)
	return &Service{Store: st, records: NewRecords(st), offices: account.New(st), desk: reception.Open(st), Params: civil.DefaultParams, Calendar: func() *calendar.Calendar { return cal }}
}

// vietnam is UTC+7: "today" for an office is the Vietnamese date.
var vietnam = time.FixedZone("ICT", 7*3600)

// Today is the current date in Vietnam, as a date at midnight UTC (how dates are compared).
func (s *Service) Today() time.Time {
	y, m, d := s.Store.Now().In(vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Confirmation is the officer's statement that suspected duplicates are not the same entry.
type Confirmation struct {
	Reason string `json:"reason"`
}

// Desk is what every registration carries besides its entry: the office, the dossier it
// answers (the receipt code of a request received before) and the day of registration, whose
// reason is given when it is not today. Embedded, its fields are the requests' own in the API.
type Desk struct {
	Office       string `json:"office"`
	Dossier      string `json:"dossier,omitempty"`
	RegisteredOn string `json:"registered_on"`
	DateReason   string `json:"registered_on_reason,omitempty"` // why registered_on is not today
}

// BirthRequest asks to register a birth.
type BirthRequest struct {
	Desk
	Confirm *Confirmation `json:"confirm_not_duplicate,omitempty"`
	civil.Birth
}

// DeathRequest asks to register a death.
type DeathRequest struct {
	Desk
	Confirm *Confirmation `json:"confirm_not_duplicate,omitempty"`
	civil.Death
}

// DuplicateError says that likely duplicates were found; the candidates go to the officer.
type DuplicateError struct {
	Candidates []Candidate
	// Final: the entry cannot be registered whatever the officer decides (a second death of
	// one person), so no form may offer to register it anyway.
	Final bool
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%d likely duplicates", len(e.Candidates))
}

// Unwrap classifies it as a conflict for the web layer.
func (e *DuplicateError) Unwrap() error {
	if e.Final {
		return fault.New(fault.Conflict, "death.already_registered")
	}
	return fault.New(fault.Conflict, "record.duplicate")
}

// Candidate is what an officer sees of a suspected duplicate: only the facts compared, since it
// may belong to another commune.
type Candidate struct {
	ID           string         `json:"id"`
	Office       string         `json:"office"`
	Register     civil.Register `json:"register"`
	RegisteredOn string         `json:"registered_on"`
	FullName     string         `json:"full_name"`
	Sex          string         `json:"sex"`
	DateOfBirth  string         `json:"date_of_birth"`
	Mother       string         `json:"mother,omitempty"`
	Father       string         `json:"father,omitempty"`
	DateOfDeath  string         `json:"date_of_death,omitempty"`
	Score        int            `json:"score"`
	Reasons      []string       `json:"reasons"`
	// Masked is set for an entry outside the caller's jurisdiction, shown without identity.
	Masked bool `json:"masked,omitempty"`
}

// candidate shows a suspected duplicate to the caller: in full within their jurisdiction;
// outside it masked, with enough to decide (the family name and initials, the year, the commune)
// and no register reference or link: an officer must not learn another commune's entries by
// typing a name and a date of birth.
func candidate(p auth.Principal, c civil.Candidate) Candidate {
	out := toCandidate(c)
	if p.Allow(auth.ViewRecords, out.Office) == nil {
		return out
	}
	year := func(d string) string { return d[:min(4, len(d))] }
	return Candidate{Office: out.Office, RegisteredOn: year(out.RegisteredOn), FullName: vntext.Mask(out.FullName), Sex: out.Sex,
		DateOfBirth: year(out.DateOfBirth), Mother: vntext.Mask(out.Mother), Father: vntext.Mask(out.Father),
		DateOfDeath: year(out.DateOfDeath), Score: out.Score, Reasons: out.Reasons, Masked: true}
}

func toCandidate(c civil.Candidate) Candidate {
	r := c.Record
	p, f := r.Subject(), r.Entry().Search()
	return Candidate{ID: r.ID, Office: r.Office, Register: r.Register, RegisteredOn: r.RegisteredOn, FullName: p.FullName,
		Sex: p.Sex, DateOfBirth: p.DateOfBirth, Mother: f.Mother, Father: f.Father, DateOfDeath: f.DateOfDeath, Score: c.Score, Reasons: c.Reasons}
}

// checkOffice applies the jurisdiction rule and checks the office exists.
func (s *Service) checkOffice(ctx context.Context, p auth.Principal, office string) error {
	if office == "" {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"office": "civil.required"}}
	}
	if err := p.Allow(auth.WriteRecords, office); err != nil {
		return err
	}
	o, err := s.offices.Office(ctx, office)
	if fault.Is(err, fault.NotFound) || err == nil && o.Kind != "commune" {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"office": "office.not_found"}}
	}
	return err
}

// duplicates finds likely duplicates and decides: nil to go on (none, or confirmed with a
// reason), or a DuplicateError.
func (s *Service) duplicates(ctx context.Context, p auth.Principal, by audit.Actor, f civil.Facts, confirm *Confirmation) (*DuplicateDecision, error) {
	if s.NoDuplicateCheck {
		return nil, nil
	}
	regs, err := s.records.DuplicateCandidates(ctx, f, s.Params)
	if err != nil {
		return nil, err
	}
	found := civil.FindDuplicates(f, regs, s.Params)
	if len(found) == 0 {
		return nil, nil
	}
	if confirm == nil || strings.TrimSpace(confirm.Reason) == "" {
		e := &DuplicateError{}
		var ids []string
		for _, c := range found {
			e.Candidates = append(e.Candidates, candidate(p, c))
			ids = append(ids, c.Record.ID)
		}
		if err := s.shown(ctx, by, ids...); err != nil {
			return nil, err
		}
		return nil, e
	}
	d := &DuplicateDecision{Reason: strings.TrimSpace(confirm.Reason)}
	for _, c := range found {
		d.Candidates = append(d.Candidates, c.Record.ID)
	}
	return d, nil
}

// shown records that entries were shown to an officer, or read to decide what they are told
// (another commune's among them): a view of personal data, masked or not.
func (s *Service) shown(ctx context.Context, by audit.Actor, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.Store.Audit(ctx, by.Entry("record.candidates", "records", strings.Join(ids, ",")))
}

// admit tidies and validates an entry to be registered on registeredOn and returns its
// record, not yet numbered. also are the kind's further checks, reported with the entry's.
// r's content is e itself: what the caller adds to e (a death's birth entry) is registered.
//
// An entry is registered the day it is made; another day (a paper register kept during an
// outage and entered later) needs a reason, kept with the entry and in the audit log.
func (s *Service) admit(office, registeredOn, dateReason string, e civil.Entry, also ...error) (civil.Record, error) {
	today := s.Today().Format(civil.DateFormat)
	if registeredOn == "" {
		registeredOn = today
	}
	var v fault.Validation
	if registeredOn != today && strings.TrimSpace(dateReason) == "" {
		v.Add("registered_on_reason", "civil.date_needs_reason")
	}
	v.Check(len([]rune(dateReason)) <= civil.MaxText, "registered_on_reason", "civil.too_long")
	e.Normalize()
	for _, err := range append(also, e.Validate(registeredOn, s.Today())) {
		if err := v.Include(err); err != nil {
			return civil.Record{}, err
		}
	}
	if err := v.Err(); err != nil {
		return civil.Record{}, err
	}
	r := civil.Record{Kind: e.Kind(), Office: office, RegisteredOn: registeredOn, Late: e.Late(registeredOn)}
	r.Set(e)
	return r, nil
}

// RegisterBirth validates, checks for duplicates and registers a birth.
func (s *Service) RegisterBirth(ctx context.Context, p auth.Principal, by audit.Actor, req BirthRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	b := req.Birth
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &b)
	if err != nil {
		return r, err
	}
	if err := s.aliveToReregister(ctx, by, &b); err != nil {
		return civil.Record{}, err
	}
	facts, _ := b.Facts()
	dup, err := s.duplicates(ctx, p, by, facts, req.Confirm)
	if err != nil {
		return civil.Record{}, err
	}
	return r, s.register(ctx, &r, Registration{Duplicate: dup, DateReason: strings.TrimSpace(req.DateReason)}, "KS", req.Dossier, b.Requester.FullName, by)
}

// aliveToReregister refuses to register again the birth of someone the register shows dead:
// a birth is registered again for a person alive (Decree 123/2015 art. 24.2).
func (s *Service) aliveToReregister(ctx context.Context, by audit.Actor, b *civil.Birth) error {
	if b.Reregistered == nil {
		return nil
	}
	death, _, err := deathOf(readers{ctx, s.Store}, b.Child, "")
	if err != nil || death == "" {
		return err
	}
	if err := s.shown(ctx, by, death); err != nil {
		return err
	}
	return &fault.Error{Kind: fault.Conflict, Code: "reregistration.dead", Fields: map[string]string{"child.full_name": "reregistration.dead"}}
}

// RegisterDeath validates, links the deceased to their birth entry when their personal ID is
// known, refuses a second death of one person, checks for duplicates and registers.
func (s *Service) RegisterDeath(ctx context.Context, p auth.Principal, by audit.Actor, req DeathRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	d := req.Death
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &d)
	if err != nil {
		return r, err
	}
	if d.BirthRecord == "" && d.Deceased.PersonalID != "" {
		if b, err := s.records.BirthByPersonalID(ctx, d.Deceased.PersonalID); err == nil {
			d.BirthRecord = b.ID
		} else if !fault.Is(err, fault.NotFound) {
			return civil.Record{}, err
		}
	}
	if d.BirthRecord != "" {
		b, err := s.records.Record(ctx, d.BirthRecord)
		if fault.Is(err, fault.NotFound) || err == nil && b.Kind != civil.BirthKind {
			return civil.Record{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"birth_record": "record.not_found"}}
		}
		if err != nil {
			return civil.Record{}, err
		}
		if d.DateOfDeath < b.Birth.Child.DateOfBirth {
			return civil.Record{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"date_of_death": "civil.death_before_birth"}}
		}
	}
	// A person cannot die twice: a death already registered for the same personal ID or birth
	// entry is a hard stop, not a suspicion an officer can wave through.
	if prior, err := s.records.DeathOf(ctx, d.Deceased.PersonalID, d.BirthRecord); err == nil {
		if err := s.shown(ctx, by, prior.ID); err != nil {
			return civil.Record{}, err
		}
		return civil.Record{}, &DuplicateError{Final: true, Candidates: []Candidate{candidate(p, civil.Candidate{Record: prior, Score: 100,
			Reasons: []string{"dup.already_dead"}})}}
	} else if !fault.Is(err, fault.NotFound) {
		return civil.Record{}, err
	}
	facts, _ := d.Facts()
	dup, err := s.duplicates(ctx, p, by, facts, req.Confirm)
	if err != nil {
		return civil.Record{}, err
	}
	err = s.register(ctx, &r, Registration{Duplicate: dup, DateReason: strings.TrimSpace(req.DateReason)}, "KT", req.Dossier, d.Requester.FullName, by)
	if fault.Is(err, fault.Conflict) {
		// Registered meanwhile by someone else: the database keeps one death per person.
		if prior, perr := s.records.DeathOf(ctx, d.Deceased.PersonalID, d.BirthRecord); perr == nil {
			if err := s.shown(ctx, by, prior.ID); err != nil {
				return civil.Record{}, err
			}
			return civil.Record{}, &DuplicateError{Final: true, Candidates: []Candidate{candidate(p, civil.Candidate{Record: prior, Score: 100,
				Reasons: []string{"dup.already_dead"}})}}
		}
	}
	return r, err
}

// register stores the entry with its dossier: the one received before under code, which must
// be open, of this procedure and office; or else a new one, opened and settled at once (the
// request was made at the desk and answered on the spot). reg carries the duplicate decision
// and the date's reason; register adds what the entry's transaction writes besides (Then).
func (s *Service) register(ctx context.Context, r *civil.Record, reg Registration, procedure, code, applicant string, by audit.Actor) error {
	if e, ok := r.Entry().(civil.Reregistered); ok && e.Reregistration() != nil {
		procedure = "DKL" // registered again (Decree 123/2015 art. 24–28)
	}
	if e, ok := r.Entry().(civil.RecordedAbroad); ok && e.ForeignRecord() != nil {
		procedure = "GCNN" // registered abroad, written in here (Law 60/2014 art. 48–50)
	}
	now := s.Store.Now()
	settle, err := s.settling(ctx, code, procedure, r.Office, "", applicant, by)
	if err != nil {
		return err
	}
	// In the registration's transaction: the requests to the agencies the entry causes (none
	// is lost), its dossier, opened and settled or settled, and what the kind's own Then writes
	// (a recognition's new version of the child's birth entry).
	also := reg.Then
	reg.Then = func(tx *store.Tx, r *civil.Record) error {
		if also != nil {
			if err := also(tx, r); err != nil {
				return err
			}
		}
		ms, err := outbox.ForRecord(r, now)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := outbox.Enqueue(tx, m); err != nil {
				return err
			}
		}
		return settle(tx, r.ID, r.Version)
	}
	return s.records.RegisterRecord(ctx, r, reg, by)
}

// settling is what settles, in the transaction of the entry or version it brought about, the
// dossier of a procedure (Settling), with the signature of a Registration's Then.
func (s *Service) settling(ctx context.Context, code, procedure, office, entry, applicant string, by audit.Actor) (func(*store.Tx, string, int) error, error) {
	settle, err := s.Settling(ctx, code, procedure, office, entry, applicant, by)
	if err != nil {
		return nil, err
	}
	return func(tx *store.Tx, recordID string, _ int) error {
		_, err := settle(tx, recordID)
		return err
	}, nil
}

// Settling is what settles, in the transaction of what it brought about for entry recordID
// (an entry, a version, an issued copy), the dossier of a procedure: the one received before
// under code, which must be open, of this procedure and office, and linked to no other entry
// than entry ("" for a new one); or else a new one, opened and settled at once (the request
// was made at the desk and answered on the spot). settle returns the dossier as written.
func (s *Service) Settling(ctx context.Context, code, procedure, office, entry, applicant string, by audit.Actor) (settle func(tx *store.Tx, recordID string) (dossier.Dossier, error), err error) {
	now := s.Store.Now()
	var d dossier.Dossier
	var was dossier.Status
	if code != "" {
		d, err = s.desk.Dossier(ctx, code)
		if fault.Is(err, fault.NotFound) {
			return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"dossier": "dossier.not_found"}}
		}
		if err != nil {
			return nil, err
		}
		if d.Office != office || d.Procedure != procedure || !dossier.CanMove(d.Status, dossier.Settled) || d.RecordID != "" && d.RecordID != entry {
			return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"dossier": "dossier.not_for_this"}}
		}
		was = d.Status
		d.Status, d.SettledAt = dossier.Settled, now
	} else {
		p, err := dossier.ProcedureByCode(procedure)
		if err != nil {
			return nil, err
		}
		d = dossier.Dossier{Procedure: procedure, Office: office, Applicant: applicant, Channel: dossier.Desk,
			Status: dossier.Settled, ReceivedAt: now, DueAt: s.Calendar().Due(now, p.Timing), SettledAt: now}
	}
	return func(tx *store.Tx, recordID string) (dossier.Dossier, error) {
		// A copy each run: a group commit runs its members again when one of them fails, and
		// the dossier written must then be the one read, not the one a first run changed.
		dd := d
		dd.RecordID = recordID
		if dd.ID == "" {
			return dd, reception.OpenIn(tx, &dd, by)
		}
		return dd, reception.MoveIn(tx, &dd, was, by)
	}, nil
}

// Get returns an entry the caller may see, and audits the view.
func (s *Service) Get(ctx context.Context, p auth.Principal, by audit.Actor, id string) (civil.Record, error) {
	r, err := s.records.Record(ctx, id)
	if err != nil {
		return r, err
	}
	if err := p.Allow(auth.ViewRecords, r.Office); err != nil {
		return civil.Record{}, err
	}
	return r, s.Store.Audit(ctx, by.Entry("record.view", "record:"+r.ID, ""))
}

// Search finds entries within the caller's jurisdiction, and audits the search.
func (s *Service) Search(ctx context.Context, p auth.Principal, by audit.Actor, text string, q civil.Query) ([]RecordSummary, int, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return nil, 0, err
	}
	q = fromText(p, text, q)
	items, total, err := s.records.SearchRecords(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if !q.Empty() {
		if err := s.Store.Audit(ctx, by.Entry("record.search", "records", fmt.Sprintf("q=%q results=%d", text, total))); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// fromText completes a search's filters with what the search box says, within the caller's
// commune.
func fromText(p auth.Principal, text string, q civil.Query) civil.Query {
	parsed := civil.ParseQuery(text)
	q.Name, q.PersonalID, q.DOB, q.Number, q.Year, q.Book = parsed.Name, parsed.PersonalID, parsed.DOB, parsed.Number, parsed.Year, parsed.Book
	q.Mother, q.Father = parsed.Mother, parsed.Father
	if scope := p.Scope(); scope != "" {
		q.Office = scope
	}
	return q
}

// MaxExport bounds one export of a search: a year's book of a large ward, not the province.
const MaxExport = 20000

// Export returns every entry a search finds, up to MaxExport, for a spreadsheet; it is audited
// once, as an export of personal data.
func (s *Service) Export(ctx context.Context, p auth.Principal, by audit.Actor, text string, q civil.Query) ([]RecordSummary, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return nil, err
	}
	q = fromText(p, text, q)
	out, err := s.records.ExportRecords(ctx, q, MaxExport)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, by.Entry("record.export", "records", fmt.Sprintf("q=%q office=%q kind=%q rows=%d", text, q.Office, q.Kind, len(out)))); err != nil {
		return nil, err
	}
	return out, nil
}

// Amendment is a correction or supplement of an entry.
type Amendment struct {
	Change     civil.Change `json:"change"`
	Base       int          `json:"version"` // the version the officer edited
	Reason     string       `json:"reason"`
	LegalBasis string       `json:"legal_basis"`
	// Dossier is the code of the dossier received for it, if one was; else one is opened and
	// settled with the version.
	Dossier string `json:"dossier,omitempty"`
	// SubjectConsent: the person the entry is about consented to a change of their name (from
	// 9 years old) or ethnic group (from 15 to under 18): Civil Code 2015 art. 27–29.
	SubjectConsent bool `json:"subject_consent,omitempty"`
	// The entry as corrected, of the entry's kind ("birth": {…}).
	civil.Content
}

// amendProcedure is the dossier's procedure of each kind of amendment: a supplement BSTT (Law
// 60/2014 art. 29), a correction or a change of status TDCC (art. 26–28).
var amendProcedure = map[civil.Change]string{civil.Correction: "TDCC", civil.Supplement: "BSTT", civil.NameChange: "TDCC",
	civil.EthnicityChange: "TDCC"}

// Amend stores a new version: the entry as corrected, with reason, legal basis and officer,
// and its dossier settled in the same transaction. A supplement only fills fields that were
// empty (Law 60/2014 art. 29); a correction may change any (art. 28); a change of name or of
// ethnic group changes that one field of a birth, with the person's consent where the Civil
// Code asks it (civil.StatusChangeProblems).
func (s *Service) Amend(ctx context.Context, p auth.Principal, by audit.Actor, id string, a Amendment) (civil.Record, error) {
	r, err := s.records.Record(ctx, id)
	if err != nil {
		return r, err
	}
	if err := p.Allow(auth.WriteRecords, r.Office); err != nil {
		return civil.Record{}, err
	}
	if r.Kind == civil.MaritalStatusKind {
		// What it states was found on its day for the person as typed: a mistake in either
		// calls for a new certificate, not a corrected one.
		return r, fault.New(fault.Invalid, "marital.issue_new")
	}
	var v fault.Validation
	procedure, known := amendProcedure[a.Change]
	if !known {
		v.Add("change", "amend.bad_change")
	}
	if basis, ok := civil.ChangeBasis[a.Change]; ok && strings.TrimSpace(a.LegalBasis) == "" {
		a.LegalBasis = basis
	}
	v.Check(strings.TrimSpace(a.Reason) != "", "reason", "civil.required")
	v.Check(strings.TrimSpace(a.LegalBasis) != "", "legal_basis", "civil.required")
	if a.Base != r.Version {
		return r, fault.New(fault.Conflict, "record.changed")
	}
	e := a.Entry()
	if e == nil || e.Kind() != r.Kind {
		v.Add(string(r.Kind), "civil.required")
		return r, v.Err()
	}
	// Compared with the stored entry as it would be written today (a spelling of the lists
	// written their way), so that what the officer did not touch is not a change.
	before := civil.Copy(r.Entry())
	before.Normalize()
	e.Normalize()
	e.Keep(r.Entry())
	if err := v.Include(civil.ValidateAmended(before, e, r.RegisteredOn, s.Today())); err != nil {
		return r, err
	}
	next := r
	next.Set(e)
	changed, overwrote := diff(before, e)
	if len(changed) == 0 {
		v.Add("change", "amend.nothing")
	}
	if a.Change == civil.Supplement && len(overwrote) > 0 {
		v.Add(overwrote[0], "amend.supplement_overwrites")
	}
	if _, status := civil.ChangeBasis[a.Change]; status {
		if err := v.Include(civil.StatusChangeProblems(a.Change, before, e, changed, s.Today(), a.SubjectConsent)); err != nil {
			return r, err
		}
	}
	var then []func(*store.Tx, string, int) error
	var bar marriageBar
	if m, ok := e.(*civil.Marriage); ok {
		identity, check := bar.amendment(before.(*civil.Marriage), m, r.RegisteredOn)
		if err := v.Include(identity); err != nil {
			return r, err
		}
		if check != nil {
			then = append(then, check)
		}
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	settle, err := s.settling(ctx, a.Dossier, procedure, r.Office, r.ID, r.Subject().FullName, by)
	if err != nil {
		return r, err
	}
	ver := civil.Version{Change: a.Change, Reason: strings.TrimSpace(a.Reason), LegalBasis: strings.TrimSpace(a.LegalBasis), Fields: changed}
	if ad, ok := e.(*civil.Adoption); ok {
		if follow := s.adoptiveFollows(r, ad, changed, ver, by); follow != nil {
			then = append(then, follow)
		}
	}
	then = append(append(then, settle), s.onNewVersion...)
	if err := s.records.AddVersion(ctx, &next, r.Version, ver, by, then...); err != nil {
		return r, s.barred(ctx, by, bar, err)
	}
	return next, nil
}

// diff compares two entries field by field (as flattened JSON) and returns the fields that
// changed and, of those, the ones that had a value before.
func diff(before, after any) (changed, overwrote []string) {
	a, b := civil.Fields(before), civil.Fields(after)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		if !reflect.DeepEqual(a[k], b[k]) {
			changed = append(changed, k)
			if a[k] != nil && a[k] != "" {
				overwrote = append(overwrote, k)
			}
		}
	}
	sort.Strings(changed)
	sort.Strings(overwrote)
	return changed, overwrote
}

// History returns the versions of an entry the caller may see.
func (s *Service) History(ctx context.Context, p auth.Principal, r civil.Record) ([]civil.Version, error) {
	if err := p.Allow(auth.ViewRecords, r.Office); err != nil {
		return nil, err
	}
	return s.records.RecordHistory(ctx, r)
}

// Entry reads an entry in its current version, for another domain's service that checks the
// caller's rights itself (issuing, laying out a document it holds).
func (s *Service) Entry(ctx context.Context, id string) (civil.Record, error) {
	return s.records.Record(ctx, id)
}

// Versions lists an entry's versions, oldest first, for another domain's service.
func (s *Service) Versions(ctx context.Context, r civil.Record) ([]civil.Version, error) {
	return s.records.RecordHistory(ctx, r)
}

// NewBulkLoader takes in entries registered elsewhere and earlier (a legacy register, the
// benchmark's synthetic load) in batches, each checked and numbered as it came
// (Records.NewBulkLoader). The caller has decided who may: the import is an administrator's.
func (s *Service) NewBulkLoader(ctx context.Context, by audit.Actor, source string, written func(BulkResult)) *BulkLoader {
	return s.records.NewBulkLoader(ctx, by, source, written)
}

// Count is how many entries the register holds, every office and kind together.
func (s *Service) Count(ctx context.Context) (int, error) { return s.records.CountRecords(ctx) }

// OnNewVersion registers what must happen, in the same transaction, when an entry gets a new
// version (issuing marks the documents of earlier versions replaced). Call it at wiring, before
// the service serves.
func (s *Service) OnNewVersion(fn func(tx *store.Tx, recordID string, version int) error) {
	s.onNewVersion = append(s.onNewVersion, fn)
}

// AddVersion stores a supplement or correction made by another domain for the entry (the
// personal ID number the population database sent), with what OnNewVersion registered.
func (s *Service) AddVersion(ctx context.Context, r *civil.Record, base int, v civil.Version, by audit.Actor) error {
	return s.records.AddVersion(ctx, r, base, v, by, s.onNewVersion...)
}

// Counts counts the entries registered from..to (days, inclusive) per office, kind and month, within
// the caller's jurisdiction (a commune its own).
func (s *Service) Counts(ctx context.Context, p auth.Principal, from, to string) ([]KindCount, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return nil, err
	}
	return s.records.CountsByOffice(ctx, from, to, p.Scope())
}
