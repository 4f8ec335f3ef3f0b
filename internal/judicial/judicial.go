package judicial

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/reception"
	"tuphap/internal/store"
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
	desk *reception.Service
	// Issuing issues and signs the certificates (set at wiring; Layout lays them out).
	Issuing *issuing.Service
	// Authority is who issues the certificates: configuration, never assumed (since 1 July
	// 2026 the provincial police, before the department of justice).
	Authority document.Authority
	// Register links persons to the civil-status register (registration.Service; nil: none).
	Register interface {
		BirthAndDeath(ctx context.Context, p civil.Person) (birth, death, diedOn string, err error)
	}
	// Calendar gives the official calendar the requests' time limits count on (reception's).
	Calendar func() *calendar.Calendar
	// Fees are the certificate's fee and exemptions (DefaultFees unless configured).
	Fees Fees
}

// New returns the service over the store, counting on the default calendar until wired to
// reception's.
func New(st *store.Store) *Service {
	cal := calendar.New(nil)
	return &Service{st: st, repo: repo{st}, desk: reception.Open(st), Calendar: func() *calendar.Calendar { return cal }, Fees: DefaultFees,
		Authority: DefaultAuthority}
}

// DefaultAuthority is the department of justice of Quảng Ngãi; a deployment names its own.
var DefaultAuthority = document.Authority{Parent: "UBND tỉnh Quảng Ngãi", Name: "Sở Tư pháp", SignerTitle: "GIÁM ĐỐC", Place: "Quảng Ngãi"}

// The states of a certificate request.
type RequestStatus string

const (
	RequestReceived RequestStatus = "received" // waiting to be handled
	RequestIssued   RequestStatus = "issued"   // its certificate issued
	RequestRefused  RequestStatus = "refused"
)

// StoredRequest is a request as received: its dossier (and time limit), fee and state.
type StoredRequest struct {
	ID string `json:"id"`
	Request
	Dossier    dossier.Dossier `json:"dossier"`
	Fee        int64           `json:"fee"`
	Status     RequestStatus   `json:"status"`
	ReceivedAt time.Time       `json:"received_at"`
}

// RequestCertificate receives a certificate request: checked, its fee from the fees in force, its dossier opened
// with the time limit its case has (Request.Procedure) at the issuing authority, in one
// transaction.
func (s *Service) RequestCertificate(ctx context.Context, p auth.Principal, by audit.Actor, req Request) (StoredRequest, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return StoredRequest{}, err
	}
	req.Normalize()
	if err := req.Validate(s.Fees, s.today()); err != nil {
		return StoredRequest{}, err
	}
	proc, err := dossier.ProcedureByCode(req.Procedure())
	if err != nil {
		return StoredRequest{}, err
	}
	out := StoredRequest{Request: req, Fee: s.Fees.Fee(req)}
	now := s.st.Now()
	due := s.Calendar().Due(now, proc.Timing)
	err = s.repo.request(ctx, &out, func(tx *store.Tx) (dossier.Dossier, error) {
		d := dossier.Dossier{Procedure: proc.Code, Office: auth.DepartmentOffice, Applicant: req.Applicant(), Channel: req.Channel,
			Status: dossier.Received, ReceivedAt: now, DueAt: due}
		err := reception.OpenIn(tx, &d, by)
		return d, err
	}, by)
	return out, err
}

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
	person.normalize()
	j.Normalize()
	var v fault.Validation
	today := s.today()
	born := person.check(&v, "person.", today)
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

// Request reads a certificate request with its dossier.
func (s *Service) Request(ctx context.Context, p auth.Principal, id string) (StoredRequest, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return StoredRequest{}, err
	}
	r, err := s.repo.storedRequest(ctx, id)
	if err != nil {
		return r, err
	}
	r.Dossier, err = s.desk.Dossier(ctx, r.Dossier.ID)
	return r, err
}

// Requests lists the latest certificate requests, newest first, with their dossiers.
func (s *Service) Requests(ctx context.Context, p auth.Principal, limit int) ([]StoredRequest, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return nil, err
	}
	ids, err := s.repo.latestRequests(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]StoredRequest, 0, len(ids))
	for _, id := range ids {
		r, err := s.Request(ctx, p, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// IssueCertificate issues the certificate a request asks for, as the person's record stands
// today: its content fixed with its number (what the signed paper is laid out from again), the
// request marked issued and its dossier settled in the issue's transaction; it then waits for
// the authority's signer. The reading of the record is audited with the request's purpose.
func (s *Service) IssueCertificate(ctx context.Context, p auth.Principal, by audit.Actor, requestID string) (issuing.Document, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return issuing.Document{}, err
	}
	req, err := s.repo.storedRequest(ctx, requestID)
	if err != nil {
		return issuing.Document{}, err
	}
	if req.Status != RequestReceived {
		return issuing.Document{}, fault.New(fault.Conflict, "judicial.request_issued")
	}
	d, err := s.desk.Dossier(ctx, req.Dossier.ID)
	if err != nil {
		return issuing.Document{}, err
	}
	if !dossier.CanMove(d.Status, dossier.Settled) {
		return issuing.Document{}, fault.New(fault.Conflict, "judicial.request_issued")
	}
	personID, records, err := s.repo.personRecords(ctx, req.Person)
	if err != nil {
		return issuing.Document{}, err
	}
	now := s.st.Now()
	content, err := CertificateFor(req.Request, records, s.today())
	if err != nil {
		return issuing.Document{}, err
	}
	if personID != "" {
		if err := s.st.Audit(ctx, by.Entry("judicial.read", "judicial_person:"+personID,
			fmt.Sprintf("certificate type %d for request %s; purpose: %s", req.Type, req.ID, req.Purpose))); err != nil {
			return issuing.Document{}, err
		}
	}
	year := now.In(calendar.Vietnam).Year()
	n, err := s.repo.nextNumber(ctx, year)
	if err != nil {
		return issuing.Document{}, err
	}
	content.Number, content.Authority = fmt.Sprintf("%d/%d/LLTP", n, year), s.Authority
	if req.Type == 2 && req.Requester == Self {
		// The person asking for their own record learns who asked about them.
		asked, err := s.repo.askedAbout(ctx, req.Person, req.ID)
		if err != nil {
			return issuing.Document{}, err
		}
		for _, a := range asked {
			who := a.RequesterName
			if a.Requester == Self {
				who = "chính người đó"
			}
			content.Asked = append(content.Asked, fmt.Sprintf("%s: %s (Phiếu số %d), %s", a.ReceivedAt.In(calendar.Vietnam).Format("02/01/2006"), who, a.Type, a.Purpose))
		}
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return issuing.Document{}, err
	}
	certID, was := store.NewID(), d.Status
	doc := issuing.Document{Kind: fmt.Sprintf("judicial_certificate_%d", req.Type), Title: fmt.Sprintf("Phiếu lý lịch tư pháp số %d", req.Type),
		Office: auth.DepartmentOffice, RecordID: certID, DossierID: d.ID, Subject: req.Person.FullName, RegisterRef: "Số: " + content.Number}
	draft := func(d issuing.Document) ([]byte, error) { return layoutOf(d, content, "", document.Unsigned) }
	return s.Issuing.Issue(ctx, by, doc, draft, func(tx *store.Tx, issued *issuing.Document) error {
		if err := certificateIn(tx, certID, req.ID, content.Number, raw, issued.ID, now); err != nil {
			return err
		}
		settled := d // a copy each run: a group commit may run this again
		settled.Status, settled.SettledAt = dossier.Settled, now
		return reception.MoveIn(tx, &settled, was, by)
	})
}

// IssueWith has the certificates issued and signed as iss's documents, laid out by Layout.
func (s *Service) IssueWith(iss *issuing.Service) {
	s.Issuing = iss
	iss.Layouts["judicial_certificate_1"], iss.Layouts["judicial_certificate_2"] = s.Layout, s.Layout
}

// Layout lays out an issued certificate from the content it was issued with, for its signer
// (issuing's Layouts).
func (s *Service) Layout(ctx context.Context, d issuing.Document, signer string, mark document.Mark) ([]byte, error) {
	raw, err := s.repo.certificateContent(ctx, d.RecordID)
	if err != nil {
		return nil, err
	}
	var c document.JudicialCertificate
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("judicial: certificate %s: %w", d.RecordID, err)
	}
	return layoutOf(d, c, signer, mark)
}

func layoutOf(d issuing.Document, c document.JudicialCertificate, signer string, mark document.Mark) ([]byte, error) {
	return document.Render(d.Kind, document.Data{Judicial: &c, IssuedAt: d.IssuedAt, VerifyURL: d.VerifyURL, Signer: signer, Mark: mark})
}

// Candidates are the persons of the database who may be the one named, scored with
// PersonRules, best first: the officer decides whether a judgment or a request is theirs. The
// search says whether someone has a record: it is audited with its purpose.
func (s *Service) Candidates(ctx context.Context, p auth.Principal, by audit.Actor, who Person, purpose string) ([]Candidate, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return nil, err
	}
	who.normalize()
	purpose = strings.Join(strings.Fields(purpose), " ")
	var v fault.Validation
	v.Check(who.FullName != "", "full_name", "civil.required")
	v.Check(purpose != "", "purpose", "judicial.purpose_required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	persons, err := s.repo.near(ctx, who, civil.DefaultParams.DOBWindowDays)
	if err != nil {
		return nil, err
	}
	out := rank(who, persons)
	// Whom it looked for and why; not what it found, which would tell the audit log's readers
	// who has a record.
	return out, s.st.Audit(ctx, by.Entry("judicial.search", "judicial_persons", fmt.Sprintf("%s %s; purpose: %s", who.FullName, who.DateOfBirth, purpose)))
}

// PersonView is a person's page: who they are, their links to the civil-status register (a
// recorded death shown), their judgments with the reports, and their standing today.
type PersonView struct {
	Person      Person   `json:"person"`
	BirthRecord string   `json:"birth_record,omitempty"`
	DeathRecord string   `json:"death_record,omitempty"`
	DiedOn      string   `json:"died_on,omitempty"`
	Judgments   []Record `json:"judgments"`
	Status      Status   `json:"status"`
}

// Person reads a person's record for a stated purpose, audited as any reading is.
func (s *Service) Person(ctx context.Context, p auth.Principal, by audit.Actor, id, purpose string) (PersonView, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return PersonView{}, err
	}
	purpose = strings.Join(strings.Fields(purpose), " ")
	if purpose == "" {
		return PersonView{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"purpose": "judicial.purpose_required"}}
	}
	person, err := s.repo.person(ctx, id)
	if err != nil {
		return PersonView{}, err
	}
	v := PersonView{Person: person}
	if v.Judgments, err = s.repo.records(ctx, id); err != nil {
		return v, err
	}
	if s.Register != nil {
		civ := civil.Person{FullName: person.FullName, DateOfBirth: person.DateOfBirth, Sex: person.Sex, PersonalID: person.PersonalID}
		if v.BirthRecord, v.DeathRecord, v.DiedOn, err = s.Register.BirthAndDeath(ctx, civ); err != nil {
			return v, err
		}
	}
	v.Status = StatusOn(v.Judgments, s.today())
	return v, s.st.Audit(ctx, by.Entry("judicial.read", "judicial_person:"+id, "record; purpose: "+purpose))
}

// Refuse refuses a request, with the reason the applicant is told (Law on Judicial Records 2009
// art. 49: a request outside the law's cases, or papers that do not establish the person); its
// dossier closes refused in the same transaction.
func (s *Service) Refuse(ctx context.Context, p auth.Principal, by audit.Actor, requestID, reason string) error {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": "civil.required"}}
	}
	req, err := s.repo.storedRequest(ctx, requestID)
	if err != nil {
		return err
	}
	d, err := s.desk.Dossier(ctx, req.Dossier.ID)
	if err != nil {
		return err
	}
	if req.Status != RequestReceived || !dossier.CanMove(d.Status, dossier.Refused) {
		return fault.New(fault.Conflict, "judicial.request_issued")
	}
	return s.repo.refuse(ctx, requestID, d, reason, by)
}

// ChoosePerson names the person a request is about, chosen among the candidates when the
// database holds more than one it cannot tell apart.
func (s *Service) ChoosePerson(ctx context.Context, p auth.Principal, by audit.Actor, requestID, personID string) error {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return err
	}
	req, err := s.repo.storedRequest(ctx, requestID)
	if err != nil {
		return err
	}
	if _, err := s.repo.person(ctx, personID); err != nil {
		return err
	}
	return s.repo.choosePerson(ctx, req, personID, by)
}

// Certificates lists the documents of the certificates issued for a request.
func (s *Service) Certificates(ctx context.Context, p auth.Principal, requestID string) ([]string, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return nil, err
	}
	return s.repo.certificates(ctx, requestID)
}
