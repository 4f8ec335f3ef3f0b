package correspondence

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/outbox"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Outgoing documents (văn bản đi): drafted by a specialist from the layout of Decree 30/2020,
// reviewed by the unit head, the office head and a leader in turn, numbered by the clerk in
// the year's outgoing register, signed by the leader with the department's key (issuing's
// document, QR-verifiable), published in that signature's transaction to units, communes and,
// through the outbox and the document exchange, other agencies; then archived.

// Conventions are the department's clerical conventions as data (outgoing.json).
type Conventions struct {
	Organisation struct {
		Parent string `json:"parent"`
		Name   string `json:"name"`
		Abbr   string `json:"abbr"`
		Place  string `json:"place"`
	} `json:"organisation"`
	Units        []Named `json:"units"`
	Kinds        []Kind  `json:"kinds"`
	SignerTitles []struct {
		Code  string   `json:"code"`
		Lines []string `json:"lines"`
	} `json:"signer_titles"`
	Agencies []Named `json:"agencies"`
}

// Named is a unit or an agency: its code and name.
type Named struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kind is a kind of administrative document and its abbreviation (Decree 30/2020, Appendix III);
// the công văn has none.
type Kind struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Abbr string `json:"abbr"`
}

//go:embed outgoing.json
var conventionsJSON []byte

// DefaultConventions are the department's conventions shipped with tuphap.
var DefaultConventions = func() Conventions {
	var c Conventions
	if err := json.Unmarshal(conventionsJSON, &c); err != nil {
		panic(fmt.Sprintf("correspondence: outgoing.json: %v", err))
	}
	return c
}()

func (c Conventions) kind(code string) (Kind, bool) {
	i := slices.IndexFunc(c.Kinds, func(k Kind) bool { return k.Code == code })
	if i < 0 {
		return Kind{}, false
	}
	return c.Kinds[i], true
}

func find(list []Named, code string) (Named, bool) {
	i := slices.IndexFunc(list, func(n Named) bool { return n.Code == code })
	if i < 0 {
		return Named{}, false
	}
	return list[i], true
}

func (c Conventions) title(code string) []string {
	for _, t := range c.SignerTitles {
		if t.Code == code {
			return t.Lines
		}
	}
	return nil
}

// Symbol is a document's number and symbol (Decree 30/2020, Appendix I, 1.3): a công văn
// "12/STP-VP" (the body, then the drafting unit), any other kind "12/QĐ-STP" (the kind, then
// the body).
func (c Conventions) Symbol(kind Kind, unit string, number int) string {
	if kind.Abbr == "" {
		return fmt.Sprintf("%d/%s-%s", number, c.Organisation.Abbr, unit)
	}
	return fmt.Sprintf("%d/%s-%s", number, kind.Abbr, c.Organisation.Abbr)
}

// Outgoing statuses.
const (
	Draft     = "draft"     // with its drafter (new, or returned by a reviewer)
	InReview  = "review"    // at a review step
	Approved  = "approved"  // the leader approved it: the clerk numbers it
	Numbered  = "numbered"  // in the register, waiting for the leader's signature
	Published = "published" // signed and sent to its recipients
	Archived  = "archived"
	Revoked   = "revoked" // its signed document was revoked: it has no value any more
)

// Review steps, in order.
const (
	StepUnitHead   = 1
	StepOfficeHead = 2
	StepLeader     = 3
)

// Outgoing is an outgoing document.
type Outgoing struct {
	ID              string       `json:"id"`
	Kind            string       `json:"kind"`
	Unit            string       `json:"unit"` // the drafting unit's code
	Summary         string       `json:"summary"`
	Body            string       `json:"body"`
	Recipients      []string     `json:"recipients"` // "unit:VP", "office:21025", "agency:BTP"
	Urgency         string       `json:"urgency"`
	Confidentiality string       `json:"confidentiality"`
	SignerTitle     string       `json:"signer_title"`
	Status          string       `json:"status"`
	Step            int          `json:"step,omitempty"`
	UnitHead        string       `json:"unit_head,omitempty"`
	OfficeHead      string       `json:"office_head,omitempty"`
	ReturnNote      string       `json:"return_note,omitempty"`
	Year            int          `json:"year,omitempty"`
	Number          int          `json:"number,omitempty"`
	Symbol          string       `json:"symbol,omitempty"` // "12/STP-VP"
	IssuedOn        string       `json:"issued_on,omitempty"`
	DocumentID      string       `json:"document_id,omitempty"` // issuing's document
	ArchiveRef      string       `json:"archive_ref,omitempty"`
	DraftedBy       string       `json:"drafted_by"`
	DraftedAt       time.Time    `json:"drafted_at"`
	ApprovedBy      string       `json:"approved_by,omitempty"`
	NumberedBy      string       `json:"numbered_by,omitempty"`
	PublishedAt     time.Time    `json:"published_at,omitzero"`
	Reviews         []Review     `json:"reviews,omitempty"`
	Deliveries      []Delivery   `json:"deliveries,omitempty"`
	Document        *DocumentRef `json:"document,omitempty"`
}

// DocumentRef is what the register shows of the issued document.
type DocumentRef struct {
	Code      string `json:"code"`
	Status    string `json:"status"`
	VerifyURL string `json:"verify_url"`
}

// Review is one step's decision.
type Review struct {
	Step      int       `json:"step"`
	Reviewer  string    `json:"reviewer"`
	Decision  string    `json:"decision"` // approved | returned
	Note      string    `json:"note,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
}

// Delivery is where a published document went.
type Delivery struct {
	Recipient  string    `json:"recipient"`
	Name       string    `json:"name"`
	Status     string    `json:"status"` // delivered (units, communes); sent, then received (agencies)
	Receipt    string    `json:"receipt,omitempty"`
	SentAt     time.Time `json:"sent_at"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// Recipient kinds.
const (
	toUnit   = "unit:"
	toOffice = "office:"
	toAgency = "agency:"
)

// recipientName names a recipient, or says it is unknown ("").
func (s *Service) recipientName(ctx context.Context, r string) (string, error) {
	switch {
	case strings.HasPrefix(r, toUnit):
		u, ok := find(s.Conventions.Units, strings.TrimPrefix(r, toUnit))
		return u.Name, nilIf(ok)
	case strings.HasPrefix(r, toAgency):
		a, ok := find(s.Conventions.Agencies, strings.TrimPrefix(r, toAgency))
		return a.Name, nilIf(ok)
	case strings.HasPrefix(r, toOffice) && s.Office != nil:
		o, err := s.Office(ctx, strings.TrimPrefix(r, toOffice))
		if fault.Is(err, fault.NotFound) || (err == nil && o.Kind != "commune") {
			return "", errUnknown
		}
		return o.Name, err
	}
	return "", errUnknown
}

var errUnknown = fault.New(fault.Invalid, "correspondence.recipient_unknown")

func nilIf(ok bool) error {
	if ok {
		return nil
	}
	return errUnknown
}

// check validates a draft, every problem at once.
func (s *Service) check(ctx context.Context, o *Outgoing) error {
	o.Summary, o.Unit, o.Kind, o.SignerTitle = tidy(o.Summary), strings.TrimSpace(o.Unit), strings.TrimSpace(o.Kind), strings.TrimSpace(o.SignerTitle)
	o.Body = strings.TrimSpace(strings.ReplaceAll(o.Body, "\r\n", "\n"))
	if o.Urgency == "" {
		o.Urgency = "normal"
	}
	if o.Confidentiality == "" {
		o.Confidentiality = "normal"
	}
	var v fault.Validation
	_, okKind := s.Conventions.kind(o.Kind)
	v.Check(okKind, "kind", "correspondence.kind_unknown")
	_, okUnit := find(s.Conventions.Units, o.Unit)
	v.Check(okUnit, "unit", "correspondence.unit_unknown")
	v.Check(o.Summary != "", "summary", "civil.required")
	v.Check(len([]rune(o.Summary)) <= 300, "summary", "correspondence.too_long")
	v.Check(o.Body != "", "body", "civil.required")
	v.Check(len(o.Body) <= 50_000, "body", "correspondence.too_long")
	v.Check(s.Conventions.title(o.SignerTitle) != nil, "signer_title", "correspondence.signer_title_unknown")
	v.Check(slices.Contains(Urgencies, o.Urgency), "urgency", "correspondence.urgency_bad")
	// A state secret is never drafted, kept or sent on a computer connected to a network (Law
	// on Protection of State Secrets 2018, art. 5.7–5.8): such a letter is written offline.
	v.Check(o.Confidentiality == "normal", "confidentiality", "correspondence.secret_offline")
	var clean []string
	for _, r := range o.Recipients {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(clean, r) {
			clean = append(clean, r)
		}
	}
	o.Recipients = clean
	v.Check(len(clean) > 0, "recipients", "correspondence.recipients_none")
	var unknown []string
	for _, r := range clean {
		if _, err := s.recipientName(ctx, r); fault.Is(err, fault.Invalid) {
			unknown = append(unknown, r)
		} else if err != nil {
			return err
		}
	}
	if len(unknown) > 0 {
		// The message names them: which of a long list is wrong is the question.
		v.Add("recipients", "correspondence.recipient_unknown")
		e, _ := fault.As(v.Err())
		e.Code, e.Args = "correspondence.recipients_unknown", []any{strings.Join(unknown, ", ")}
		return e
	}
	return v.Err()
}

// folded is a text as the register searches it: no marks, lower case, single spaces.
func folded(s string) string { return strings.Join(strings.Fields(vntext.Fold(s)), " ") }

// Draft writes a new draft.
func (s *Service) Draft(ctx context.Context, p auth.Principal, by audit.Actor, o Outgoing) (Outgoing, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return o, err
	}
	if err := s.check(ctx, &o); err != nil {
		return o, err
	}
	o.ID, o.Status, o.DraftedBy, o.DraftedAt = store.NewID(), Draft, by.Username, s.st.Now()
	recipients, _ := json.Marshal(o.Recipients)
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO outgoing_documents (id, kind, unit, summary, summary_folded, body, body_folded, recipients, urgency, confidentiality,
			signer_title, status, step, unit_head, office_head, return_note, year, number, symbol, issued_on, document_id, archive_ref, drafted_by, drafted_at,
			approved_by, numbered_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '', '', '', NULL, NULL, '', '', '', '', $13, $14,
			'', '', NULL)`,
			o.ID, o.Kind, o.Unit, o.Summary, vntext.Fold(o.Summary), o.Body, folded(o.Body), string(recipients), o.Urgency, o.Confidentiality, o.SignerTitle,
			o.Status, o.DraftedBy, store.Time(o.DraftedAt)); err != nil {
			return fmt.Errorf("correspondence: draft: %w", err)
		}
		return tx.Audit(by.Entry("correspondence.draft", "outgoing:"+o.ID, o.Summary))
	})
	return o, err
}

// Revise changes a draft, by its drafter, while it is with them.
func (s *Service) Revise(ctx context.Context, p auth.Principal, by audit.Actor, id string, o Outgoing) (Outgoing, error) {
	cur, err := s.Outgoing(ctx, p, id)
	if err != nil {
		return cur, err
	}
	if cur.DraftedBy != p.Username {
		return cur, fault.New(fault.Forbidden, "correspondence.not_your_draft")
	}
	if err := s.check(ctx, &o); err != nil {
		return o, err
	}
	recipients, _ := json.Marshal(o.Recipients)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE outgoing_documents SET kind = $2, unit = $3, summary = $4, summary_folded = $5, body = $6, recipients = $7, urgency = $8,
			confidentiality = $9, signer_title = $10, body_folded = $13 WHERE id = $1 AND status = $11 AND drafted_by = $12`, id, o.Kind, o.Unit, o.Summary,
			vntext.Fold(o.Summary), o.Body, string(recipients), o.Urgency, o.Confidentiality, o.SignerTitle, Draft, p.Username, folded(o.Body))
		if err != nil {
			return fmt.Errorf("correspondence: revise: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_draft")
		}
		return tx.Audit(by.Entry("correspondence.revise", "outgoing:"+id, o.Summary))
	})
	if err != nil {
		return o, err
	}
	return s.Outgoing(ctx, p, id)
}

// reviewer checks that a username names a department user who works on correspondence.
func (s *Service) reviewer(ctx context.Context, username string) (auth.User, bool, error) {
	u, err := s.User(ctx, username)
	if fault.Is(err, fault.NotFound) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	return u, !u.Disabled && u.Office == auth.DepartmentOffice && (auth.Principal{Role: u.Role}).Can(auth.Correspondence), nil
}

// Submit sends a draft to review: its drafter names the head of the drafting unit and the
// head of the office; a leader decides last.
func (s *Service) Submit(ctx context.Context, p auth.Principal, by audit.Actor, id, unitHead, officeHead string) (Outgoing, error) {
	o, err := s.Outgoing(ctx, p, id)
	if err != nil {
		return o, err
	}
	if o.DraftedBy != p.Username {
		return o, fault.New(fault.Forbidden, "correspondence.not_your_draft")
	}
	unitHead, officeHead = strings.TrimSpace(unitHead), strings.TrimSpace(officeHead)
	var v fault.Validation
	for field, name := range map[string]string{"unit_head": unitHead, "office_head": officeHead} {
		_, ok, err := s.reviewer(ctx, name)
		if err != nil {
			return o, err
		}
		switch {
		case name == "":
			v.Add(field, "civil.required")
		case !ok:
			v.Add(field, "correspondence.assignee_unknown")
		case name == p.Username:
			v.Add(field, "correspondence.own_review") // nobody reviews their own draft
		}
	}
	// Two heads, two readings: one person cannot be both.
	v.Check(unitHead == "" || unitHead != officeHead, "office_head", "correspondence.same_reviewer")
	if err := v.Err(); err != nil {
		return o, err
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE outgoing_documents SET status = $2, step = $3, unit_head = $4, office_head = $5 WHERE id = $1 AND status = $6`,
			id, InReview, StepUnitHead, unitHead, officeHead, Draft)
		if err != nil {
			return fmt.Errorf("correspondence: submit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_draft")
		}
		return tx.Audit(by.Entry("correspondence.submit", "outgoing:"+id, unitHead+" "+officeHead))
	})
	if err != nil {
		return o, err
	}
	return s.Outgoing(ctx, p, id)
}

// MayReview tells whether p decides o's current step: the named unit head, the named office
// head, then any leader of the department.
func MayReview(p auth.Principal, o Outgoing) bool {
	if o.Status != InReview {
		return false
	}
	switch o.Step {
	case StepUnitHead:
		return p.Username == o.UnitHead
	case StepOfficeHead:
		return p.Username == o.OfficeHead
	case StepLeader:
		// A leader who drafted or reviewed the letter already does not decide it again.
		return p.Can(auth.RouteCorrespondence) && p.Can(auth.SignDocuments) && p.Office == auth.DepartmentOffice &&
			!slices.Contains([]string{o.DraftedBy, o.UnitHead, o.OfficeHead}, p.Username)
	}
	return false
}

// Decide approves the current step (the next one follows; after the leader's, the document
// waits for its number) or returns the draft to its drafter with a note.
func (s *Service) Decide(ctx context.Context, p auth.Principal, by audit.Actor, id string, approve bool, note string) (Outgoing, error) {
	o, err := s.Outgoing(ctx, p, id)
	if err != nil {
		return o, err
	}
	if !MayReview(p, o) {
		if o.Status != InReview {
			return o, fault.New(fault.Conflict, "correspondence.not_in_review")
		}
		return o, fault.New(fault.Forbidden, "correspondence.not_your_step")
	}
	note = tidy(note)
	if !approve && note == "" {
		return o, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"note": "correspondence.return_note"}}
	}
	decision, status, step, approvedBy := "returned", Draft, 0, ""
	if approve {
		decision, status, step = "approved", InReview, o.Step+1
		if o.Step == StepLeader {
			status, step, approvedBy = Approved, StepLeader, p.Username
		}
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// The step re-read with the write: two reviewers deciding at once, one wins.
		res, err := tx.Exec(`UPDATE outgoing_documents SET status = $2, step = $3, approved_by = $4, return_note = $5 WHERE id = $1 AND status = $6 AND step = $7`,
			id, status, step, approvedBy, map[bool]string{true: "", false: note}[approve], InReview, o.Step)
		if err != nil {
			return fmt.Errorf("correspondence: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_in_review")
		}
		if _, err := tx.Exec(`INSERT INTO outgoing_reviews (id, outgoing_id, step, reviewer, decision, note, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			store.NewID(), id, o.Step, p.Username, decision, note, store.Time(tx.Now())); err != nil {
			return fmt.Errorf("correspondence: review: %w", err)
		}
		return tx.Audit(by.Entry("correspondence."+decision, "outgoing:"+id, fmt.Sprintf("step %d %s", o.Step, note)))
	})
	if err != nil {
		return o, err
	}
	return s.Outgoing(ctx, p, id)
}

// Number takes the next number of the year's outgoing register for an approved document (the
// clerk's work, Decree 30/2020 art. 15–16) and issues it for the leader's signature, laid out
// with its number, date and QR code. The number is taken in a write of its own, before the
// issue: should the issue fail, the document keeps its number and Number issues it again, so
// that the register has no gap and no number twice.
func (s *Service) Number(ctx context.Context, p auth.Principal, by audit.Actor, id string) (Outgoing, error) {
	o, err := s.Outgoing(ctx, p, id)
	if err != nil {
		return o, err
	}
	if s.Issuing == nil {
		return o, fmt.Errorf("correspondence: no issuing service")
	}
	switch {
	case o.Status == Approved:
		today := s.today()
		kind, _ := s.Conventions.kind(o.Kind)
		err = s.st.Write(ctx, func(tx *store.Tx) error {
			year, number := today.Year(), 0
			if _, err := tx.Exec(`INSERT INTO outgoing_numbers (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`, year); err != nil {
				return fmt.Errorf("correspondence: number: %w", err)
			}
			if err := tx.QueryRow(`UPDATE outgoing_numbers SET last = last + 1 WHERE year = $1 RETURNING last`, year).Scan(&number); err != nil {
				return fmt.Errorf("correspondence: number: %w", err)
			}
			symbol := s.Conventions.Symbol(kind, o.Unit, number)
			res, err := tx.Exec(`UPDATE outgoing_documents SET status = $2, year = $3, number = $4, symbol = $5, issued_on = $6, numbered_by = $7
				WHERE id = $1 AND status = $8`, id, Numbered, year, number, symbol, today.Format(civil.DateFormat), by.Username, Approved)
			if err != nil {
				return fmt.Errorf("correspondence: number: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fault.New(fault.Conflict, "correspondence.not_approved")
			}
			return tx.Audit(by.Entry("correspondence.number", "outgoing:"+id, symbol))
		})
		if err != nil {
			return o, err
		}
		if o, err = s.Outgoing(ctx, p, id); err != nil {
			return o, err
		}
	case o.Status == Numbered && o.DocumentID == "":
		// numbered, its issue failed: issue it again under the same number
	case o.Status == Numbered && o.Document != nil && o.Document.Status == issuing.StatusCancelled:
		// its unsigned paper was cancelled (a mistake seen before signing): a new one, same number
	default:
		return o, fault.New(fault.Conflict, "correspondence.not_approved")
	}
	kind, _ := s.Conventions.kind(o.Kind)
	doc := issuing.Document{Kind: LetterKind, Title: kind.Name + " số " + o.Symbol, Office: auth.DepartmentOffice, RecordID: o.ID,
		RegisterRef: "Số: " + o.Symbol}
	draft := func(d issuing.Document) ([]byte, error) { return s.render(ctx, o, d, "", document.Unsigned) }
	_, err = s.Issuing.Issue(ctx, by, doc, draft, func(tx *store.Tx, d *issuing.Document) error {
		res, err := tx.Exec(`UPDATE outgoing_documents SET document_id = $2 WHERE id = $1 AND status = $3 AND document_id = $4`, id, d.ID, Numbered, o.DocumentID)
		if err != nil {
			return fmt.Errorf("correspondence: issue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_approved")
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	return s.Outgoing(ctx, p, id)
}

// LetterKind is the kind of issuing's document an outgoing letter is.
const LetterKind = "outgoing_document"

// IssueWith has the letters issued and signed as iss's documents, laid out by Layout and
// published when signed.
func (s *Service) IssueWith(iss *issuing.Service) {
	s.Issuing = iss
	iss.Layouts[LetterKind] = s.Layout
	iss.Signed[LetterKind] = s.publish
	iss.Revoked[LetterKind] = s.revoked
}

// revoked runs in a revocation's transaction: the letter, published or archived, is marked
// revoked, for its readers and the report.
func (s *Service) revoked(tx *store.Tx, d issuing.Document) error {
	_, err := tx.Exec(`UPDATE outgoing_documents SET status = $2 WHERE id = $1 AND document_id = $3 AND status IN ($4, $5)`,
		d.RecordID, Revoked, d.ID, Published, Archived)
	if err != nil {
		return fmt.Errorf("correspondence: revoke: %w", err)
	}
	return tx.Audit(audit.Actor{Username: d.RevokedBy}.Entry("correspondence.revoke", "outgoing:"+d.RecordID, d.RevokeReason))
}

// Layout lays out an issued letter for its signer (issuing's Layouts).
func (s *Service) Layout(ctx context.Context, d issuing.Document, signer string, mark document.Mark) ([]byte, error) {
	o, err := s.read(ctx, d.RecordID)
	if err != nil {
		return nil, err
	}
	return s.render(ctx, o, d, signer, mark)
}

func (s *Service) render(ctx context.Context, o Outgoing, d issuing.Document, signer string, mark document.Mark) ([]byte, error) {
	c := s.Conventions
	kind, _ := c.kind(o.Kind)
	l := document.Letter{Parent: c.Organisation.Parent, Organisation: c.Organisation.Name, Kind: kind.Name, Named: kind.Abbr != "",
		Number: o.Symbol, Place: c.Organisation.Place, IssuedOn: o.IssuedOn, Summary: o.Summary, Body: o.Body, SignerTitle: c.title(o.SignerTitle)}
	var copies []string
	for _, r := range o.Recipients {
		if unit, ok := strings.CutPrefix(r, toUnit); ok {
			copies = append(copies, unit)
			continue
		}
		name, err := s.recipientName(ctx, r)
		if fault.Is(err, fault.Invalid) {
			name = r // a commune merged away since: its code rather than nothing
		} else if err != nil {
			return nil, err
		}
		l.Addressees = append(l.Addressees, name)
	}
	if l.Named {
		for _, a := range l.Addressees {
			l.Recipients = append(l.Recipients, a+";")
		}
		l.Addressees = nil
	} else if len(l.Addressees) > 0 {
		l.Recipients = append(l.Recipients, "Như trên;")
	}
	// The copy kept by the clerk (VT) and by the drafting unit, and the units it goes to.
	kept := []string{"VT"}
	for _, u := range append([]string{o.Unit}, copies...) {
		if !slices.Contains(kept, u) {
			kept = append(kept, u)
		}
	}
	l.Recipients = append(l.Recipients, "Lưu: "+strings.Join(kept, ", ")+".")
	return document.Render(LetterKind, document.Data{Letter: &l, IssuedAt: d.IssuedAt, VerifyURL: d.VerifyURL, Signer: signer, Mark: mark})
}

// publish runs in the signature's transaction: the letter is published, a delivery recorded
// for each recipient, and for each agency a message queued for the document exchange.
func (s *Service) publish(tx *store.Tx, d issuing.Document) error {
	o, err := s.scanOutgoing(tx.QueryRow(`SELECT `+outgoingCols+` FROM outgoing_documents WHERE id = $1`, d.RecordID))
	if err != nil {
		return fmt.Errorf("correspondence: publish %s: %w", d.RecordID, err)
	}
	now := tx.Now()
	res, err := tx.Exec(`UPDATE outgoing_documents SET status = $2, published_at = $3 WHERE id = $1 AND status = $4 AND document_id = $5`,
		o.ID, Published, store.Time(now), Numbered, d.ID)
	if err != nil {
		return fmt.Errorf("correspondence: publish: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "correspondence.not_numbered")
	}
	for _, r := range o.Recipients {
		office, status := "", "delivered"
		switch {
		case strings.HasPrefix(r, toOffice):
			office = strings.TrimPrefix(r, toOffice)
		case strings.HasPrefix(r, toAgency):
			status = "sent"
			body, err := json.Marshal(agency.DocumentRequest{DocumentID: o.ID, Sender: s.Conventions.Organisation.Name + " " + strings.TrimPrefix(s.Conventions.Organisation.Parent, "UBND "),
				Recipient: strings.TrimPrefix(r, toAgency), Reference: o.Symbol, IssuedOn: o.IssuedOn, Summary: o.Summary, VerifyURL: d.VerifyURL,
				SHA256: d.SHA256, PDF: d.SignedPDF})
			if err != nil {
				return err
			}
			if err := outbox.Enqueue(tx, &outbox.Message{Agency: string(agency.Exchange), Op: outbox.SendDocument, RecordID: o.ID, Office: auth.DepartmentOffice,
				Key: "document:" + o.ID + ":" + r, Payload: string(body)}); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO outgoing_deliveries (outgoing_id, recipient, office, status, receipt, sent_at, received_at) VALUES ($1, $2, $3, $4, '', $5, NULL)`,
			o.ID, r, office, status, store.Time(now)); err != nil {
			return fmt.Errorf("correspondence: delivery: %w", err)
		}
	}
	return tx.Audit(audit.Actor{Username: d.SignedBy}.Entry("correspondence.publish", "outgoing:"+o.ID, o.Symbol))
}

// ApplyReceipt records the exchange's receipt of a letter delivered to an agency (the outbox
// worker's Answers); applying it twice changes nothing.
func (s *Service) ApplyReceipt(ctx context.Context, m outbox.Message, answer []byte) error {
	var req agency.DocumentRequest
	var ans agency.DocumentResponse
	if err := json.Unmarshal([]byte(m.Payload), &req); err != nil {
		return outbox.Unusable("correspondence: the message is not a document: " + err.Error())
	}
	if err := json.Unmarshal(answer, &ans); err != nil || ans.ReceiptID == "" {
		return outbox.Unusable(fmt.Sprintf("the exchange answered without a receipt: %.200s", answer))
	}
	return s.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE outgoing_deliveries SET status = 'received', receipt = $3, received_at = $4 WHERE outgoing_id = $1 AND recipient = $2 AND status = 'sent'`,
			req.DocumentID, toAgency+req.Recipient, ans.ReceiptID, store.Time(tx.Now()))
		return err
	})
}

// Archive files a published document in the archive under its file's reference (hồ sơ).
func (s *Service) Archive(ctx context.Context, p auth.Principal, by audit.Actor, id, ref string) (Outgoing, error) {
	o, err := s.Outgoing(ctx, p, id)
	if err != nil {
		return o, err
	}
	if ref = tidy(ref); ref == "" {
		return o, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"archive_ref": "civil.required"}}
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE outgoing_documents SET status = $2, archive_ref = $3 WHERE id = $1 AND status = $4`, id, Archived, ref, Published)
		if err != nil {
			return fmt.Errorf("correspondence: archive: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_published")
		}
		return tx.Audit(by.Entry("correspondence.archive", "outgoing:"+id, ref))
	})
	if err != nil {
		return o, err
	}
	return s.Outgoing(ctx, p, id)
}

const outgoingCols = `id, kind, unit, summary, body, recipients, urgency, confidentiality, signer_title, status, step, unit_head, office_head, return_note,
	COALESCE(year, 0), COALESCE(number, 0), symbol, issued_on, document_id, archive_ref, drafted_by, drafted_at, approved_by, numbered_by, published_at`

func (s *Service) scanOutgoing(row store.Scanner) (Outgoing, error) {
	var o Outgoing
	var recipients string
	err := row.Scan(&o.ID, &o.Kind, &o.Unit, &o.Summary, &o.Body, &recipients, &o.Urgency, &o.Confidentiality, &o.SignerTitle, &o.Status, &o.Step,
		&o.UnitHead, &o.OfficeHead, &o.ReturnNote, &o.Year, &o.Number, &o.Symbol, &o.IssuedOn, &o.DocumentID, &o.ArchiveRef, &o.DraftedBy,
		store.ScanTime(&o.DraftedAt), &o.ApprovedBy, &o.NumberedBy, store.ScanTime(&o.PublishedAt))
	if err == nil {
		err = json.Unmarshal([]byte(recipients), &o.Recipients)
	}
	return o, err
}

func (s *Service) read(ctx context.Context, id string) (Outgoing, error) {
	o, err := s.scanOutgoing(s.st.QueryRow(ctx, `SELECT `+outgoingCols+` FROM outgoing_documents WHERE id = $1`, id))
	return o, s.st.Fail(store.NotFound(err, "correspondence.not_found"))
}

// Outgoing reads a letter with its reviews, deliveries and issued document, for whoever may.
func (s *Service) Outgoing(ctx context.Context, p auth.Principal, id string) (Outgoing, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return Outgoing{}, err
	}
	o, err := s.read(ctx, id)
	if err != nil {
		return o, err
	}
	if o.Reviews, err = store.Collect(ctx, s.st, func(row store.Scanner) (Review, error) {
		var r Review
		return r, row.Scan(&r.Step, &r.Reviewer, &r.Decision, &r.Note, store.ScanTime(&r.DecidedAt))
	}, "reviews", `SELECT step, reviewer, decision, note, decided_at FROM outgoing_reviews WHERE outgoing_id = $1 ORDER BY decided_at, id`, id); err != nil {
		return o, err
	}
	if o.Deliveries, err = store.Collect(ctx, s.st, func(row store.Scanner) (Delivery, error) {
		var d Delivery
		return d, row.Scan(&d.Recipient, &d.Status, &d.Receipt, store.ScanTime(&d.SentAt), store.ScanTime(&d.ReceivedAt))
	}, "deliveries", `SELECT recipient, status, receipt, sent_at, received_at FROM outgoing_deliveries WHERE outgoing_id = $1 ORDER BY recipient`, id); err != nil {
		return o, err
	}
	for i := range o.Deliveries {
		o.Deliveries[i].Name, _ = s.recipientName(ctx, o.Deliveries[i].Recipient)
	}
	if o.DocumentID != "" && s.Issuing != nil {
		d, err := s.Issuing.Delivered(ctx, o.DocumentID)
		if err != nil {
			return o, err
		}
		o.Document = &DocumentRef{Code: d.Code, Status: d.Status, VerifyURL: d.VerifyURL}
	}
	return o, nil
}

// OutgoingQuery selects the outgoing register: a year, a status, words of the summary.
type OutgoingQuery struct {
	Year   int
	Status string
	Words  string
}

// OutgoingList lists the outgoing register, the latest first.
func (s *Service) OutgoingList(ctx context.Context, p auth.Principal, q OutgoingQuery) ([]Outgoing, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return nil, err
	}
	var w store.Where
	if q.Year > 0 {
		w.Cond("year = " + w.Args.Add(q.Year))
	}
	w.Eq("status", q.Status)
	for _, pat := range likeWords(q.Words) {
		ph := w.Args.Add(pat)
		w.Cond("(summary_folded LIKE " + ph + ` ESCAPE '\' OR body_folded LIKE ` + ph + ` ESCAPE '\')`)
	}
	// Every letter is read by every correspondence user: none holds a secret (check refuses it).
	return store.Collect(ctx, s.st, s.scanOutgoing, "outgoing documents", `SELECT `+outgoingCols+` FROM outgoing_documents WHERE `+w.String()+
		` ORDER BY drafted_at DESC, id DESC LIMIT 500`, w.Args...)
}

// Waiting counts the letters waiting on p: the steps p decides, the drafts returned to p, and
// for a leader the letters waiting for a signature.
func (s *Service) Waiting(ctx context.Context, p auth.Principal) (int, error) {
	if !p.Can(auth.Correspondence) {
		return 0, nil
	}
	var w store.Where
	me := w.Args.Add(p.Username)
	cond := "(status = 'review' AND step = 1 AND unit_head = " + me + ") OR (status = 'review' AND step = 2 AND office_head = " + me +
		") OR (status = 'draft' AND return_note <> '' AND drafted_by = " + me + ")"
	if p.Can(auth.RouteCorrespondence) && p.Can(auth.SignDocuments) {
		cond += " OR (status = 'review' AND step = 3 AND drafted_by <> " + me + " AND unit_head <> " + me + " AND office_head <> " + me +
			") OR (status = 'numbered' AND document_id IN (SELECT id FROM documents WHERE status = 'issued'))"
	}
	w.Cond("(" + cond + ")")
	var n int
	err := s.st.QueryRow(ctx, `SELECT COUNT(*) FROM outgoing_documents WHERE `+w.String(), w.Args...).Scan(&n)
	return n, s.st.Fail(err)
}

// Received lists the letters published to p's commune, the latest first.
func (s *Service) Received(ctx context.Context, p auth.Principal) ([]Outgoing, error) {
	if err := p.Allow(auth.ReceiveLetters, ""); err != nil {
		return nil, err
	}
	return store.Collect(ctx, s.st, s.scanOutgoing, "letters received", `SELECT `+outgoingCols+` FROM outgoing_documents
		WHERE id IN (SELECT outgoing_id FROM outgoing_deliveries WHERE office = $1) ORDER BY published_at DESC, id LIMIT 200`, p.Office)
}

// ReceivedFile is the signed PDF of a letter published to p's commune.
func (s *Service) ReceivedFile(ctx context.Context, p auth.Principal, id string) (Outgoing, []byte, error) {
	if err := p.Allow(auth.ReceiveLetters, ""); err != nil {
		return Outgoing{}, nil, err
	}
	o, err := s.scanOutgoing(s.st.QueryRow(ctx, `SELECT `+outgoingCols+` FROM outgoing_documents
		WHERE id = $1 AND id IN (SELECT outgoing_id FROM outgoing_deliveries WHERE office = $2)`, id, p.Office))
	if err != nil {
		return o, nil, s.st.Fail(store.NotFound(err, "correspondence.not_found"))
	}
	d, err := s.Issuing.Delivered(ctx, o.DocumentID)
	if err != nil {
		return o, nil, err
	}
	return o, issuing.File(d), nil
}

// Registers are this year's registers as they stand (their last numbers) and the conventions
// a letter is drafted with.
type Registers struct {
	Year         int         `json:"year"`
	IncomingLast int         `json:"incoming_last"`
	OutgoingLast int         `json:"outgoing_last"`
	Conventions  Conventions `json:"conventions"`
}

// Registers reads this year's registers.
func (s *Service) Registers(ctx context.Context, p auth.Principal) (Registers, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return Registers{}, err
	}
	r := Registers{Year: s.today().Year(), Conventions: s.Conventions}
	err := s.st.QueryRow(ctx, `SELECT COALESCE((SELECT last FROM incoming_numbers WHERE year = $1), 0), COALESCE((SELECT last FROM outgoing_numbers WHERE year = $1), 0)`,
		r.Year).Scan(&r.IncomingLast, &r.OutgoingLast)
	return r, s.st.Fail(err)
}
