// Package correspondence is the department's official correspondence (văn thư, Decree
// 30/2020/NĐ-CP): incoming documents registered with their signature checked, routed with a
// deadline on the working-day calendar, and completed.
package correspondence

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/signing"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Urgency and confidentiality marks, as the register keeps them (Decree 30/2020).
var (
	Urgencies         = []string{"normal", "urgent", "very_urgent", "flash"}       // thường, khẩn, thượng khẩn, hỏa tốc
	Confidentialities = []string{"normal", "confidential", "secret", "top_secret"} // thường, mật, tối mật, tuyệt mật
)

// Incoming document statuses.
const (
	Registered = "registered" // in the register, not yet routed
	Routed     = "routed"     // given to a unit and a person with a deadline
	Done       = "done"
)

// Incoming is a document received from another agency.
type Incoming struct {
	ID              string `json:"id"`
	Year            int    `json:"year"`
	Number          int    `json:"number"` // in the year's incoming register
	ReceivedOn      string `json:"received_on"`
	Sender          string `json:"sender"`
	Reference       string `json:"reference"` // its number and symbol, "123/UBND-VP"
	Dated           string `json:"dated"`
	Summary         string `json:"summary"`
	Urgency         string `json:"urgency"`
	Confidentiality string `json:"confidentiality"`
	FileHash        string `json:"file_hash"`
	FileType        string `json:"file_type"`
	FileName        string `json:"file_name"`
	Signed          bool   `json:"signed"`
	Signers         string `json:"signers,omitempty"`
	// Trust is the signers' certificates checked against the trusted roots: "" (no roots are
	// configured), "trusted" (TrustedBy names the roots) or "untrusted".
	Trust        string    `json:"trust,omitempty"`
	TrustedBy    string    `json:"trusted_by,omitempty"`
	Status       string    `json:"status"`
	Unit         string    `json:"unit,omitempty"`
	Assignee     string    `json:"assignee,omitempty"` // a username
	DueOn        string    `json:"due_on,omitempty"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	DoneNote     string    `json:"done_note,omitempty"`
	RegisteredBy string    `json:"registered_by"`
	Overdue      bool      `json:"overdue,omitempty"`
}

// Service is the correspondence of the department: its specialists register and complete, its
// leaders route.
type Service struct {
	st    *store.Store
	files Files
	// Calendar gives the official calendar deadlines count on (reception's).
	Calendar func() *calendar.Calendar
	// User finds an account by its username (account.Service.User): a document is routed to
	// a department user who can work on correspondence.
	User func(ctx context.Context, username string) (auth.User, error)
	// Office finds an office by its code (account.Service.Office): a letter is published to a
	// commune of the province.
	Office func(ctx context.Context, code string) (auth.Office, error)
	// Conventions are the department's clerical conventions: kinds, units, symbols, agencies.
	Conventions Conventions
	// Issuing issues and signs the outgoing letters (IssueWith).
	Issuing *issuing.Service
	// Roots are the certification authorities' roots an incoming signature is checked against
	// (--trusted-roots); nil: not checked, and the page says so.
	Roots *x509.CertPool
}

// New returns the service over the store and the file store.
func New(st *store.Store, files Files) *Service {
	cal := calendar.New(nil)
	return &Service{st: st, files: files, Calendar: func() *calendar.Calendar { return cal }, Conventions: DefaultConventions}
}

func (s *Service) today() time.Time {
	v := s.st.Now().In(calendar.Vietnam)
	return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
}

func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// backdays is how far back a document's receipt may be registered.
const backdays = 30

// Register takes an incoming document into the year's register: every field checked at once,
// the file's type read from its bytes, a PDF's signatures verified (a signature that fails is
// refused: the file was altered or is not what it claims), the file stored by its content,
// and the next number of the register given in the same transaction (gap-free).
func (s *Service) Register(ctx context.Context, p auth.Principal, by audit.Actor, in Incoming, file []byte) (Incoming, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return in, err
	}
	in.Sender, in.Reference, in.Summary, in.FileName = tidy(in.Sender), tidy(in.Reference), tidy(in.Summary), tidy(in.FileName)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	if in.Confidentiality == "" {
		in.Confidentiality = "normal"
	}
	if in.ReceivedOn == "" {
		in.ReceivedOn = s.today().Format(civil.DateFormat)
	}
	today := s.today()
	var v fault.Validation
	v.Check(in.Sender != "", "sender", "civil.required")
	v.Check(in.Reference != "", "reference", "civil.required")
	v.Check(in.Summary != "", "summary", "civil.required")
	dated, okDated := civil.ParseDate(in.Dated)
	switch {
	case in.Dated == "":
		v.Add("dated", "civil.required")
	case !okDated:
		v.Add("dated", "civil.date_format")
	case dated.After(today):
		v.Add("dated", "civil.date_future")
	}
	received, okRec := civil.ParseDate(in.ReceivedOn)
	v.Check(okRec && !received.After(today), "received_on", "civil.date_format")
	// Registered on receipt (Decree 30/2020): a document received long ago would take a number
	// out of order in a register that is closed.
	v.Check(!okRec || !received.Before(today.AddDate(0, 0, -backdays)), "received_on", "correspondence.received_late")
	v.Check(!okDated || !okRec || !received.Before(dated), "received_on", "correspondence.received_before_dated")
	v.Check(slices.Contains(Urgencies, in.Urgency), "urgency", "correspondence.urgency_bad")
	v.Check(slices.Contains(Confidentialities, in.Confidentiality), "confidentiality", "correspondence.confidentiality_bad")
	kind, err := Sniff(file)
	if err != nil {
		if e, ok := fault.As(err); ok {
			v.Add("file", e.Code)
		}
	}
	if err := v.Err(); err != nil {
		return in, err
	}
	in.FileType = kind
	if kind == PDF {
		res, err := signing.VerifyPDF(file)
		switch {
		case errors.Is(err, signing.ErrNotPDF):
			return in, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"file": "correspondence.file_type"}}
		case err != nil:
			return in, err
		case res.Signed && !res.Valid:
			return in, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"file": "correspondence.signature_bad"}}
		}
		in.Signed, in.Signers = res.Signed, strings.Join(res.Signers, "; ")
		if res.Signed && s.Roots != nil {
			// An untrusted signer is shown, not refused: the leaders judge a letter from an
			// authority outside the list.
			in.Trust = "untrusted"
			if anchors, err := res.TrustedBy(s.Roots, s.st.Now()); err == nil {
				in.Trust, in.TrustedBy = "trusted", strings.Join(slices.Compact(anchors), "; ")
			}
		}
	}
	if in.FileHash, err = s.files.Put(ctx, file); err != nil {
		return in, err
	}
	text := ""
	if kind == PDF {
		text = textWithin(file, 10*time.Second)
	}
	in.Year, in.Status, in.RegisteredBy = received.Year(), Registered, by.Username
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO incoming_numbers (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`, in.Year); err != nil {
			return fmt.Errorf("correspondence: number: %w", err)
		}
		if err := tx.QueryRow(`UPDATE incoming_numbers SET last = last + 1 WHERE year = $1 RETURNING last`, in.Year).Scan(&in.Number); err != nil {
			return fmt.Errorf("correspondence: number: %w", err)
		}
		in.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO incoming_documents (id, year, number, received_on, sender, reference, dated, summary, summary_folded, urgency,
			confidentiality, file_hash, file_type, file_name, signed, signers, status, unit, assignee, due_on, routed_at, routed_by, done_at, done_note,
			registered_at, registered_by, trust, trusted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, '', '', '', NULL, '',
			NULL, '', $18, $19, $20, $21)`,
			in.ID, in.Year, in.Number, in.ReceivedOn, in.Sender, in.Reference, in.Dated, in.Summary, vntext.Fold(in.Summary), in.Urgency,
			in.Confidentiality, in.FileHash, in.FileType, in.FileName, in.Signed, in.Signers, in.Status, store.Time(s.st.Now()), by.Username,
			in.Trust, in.TrustedBy); err != nil {
			return fmt.Errorf("correspondence: register: %w", err)
		}
		if text != "" {
			if _, err := tx.Exec(`INSERT INTO file_texts (file_hash, folded) VALUES ($1, $2) ON CONFLICT (file_hash) DO NOTHING`, in.FileHash, text); err != nil {
				return fmt.Errorf("correspondence: file text: %w", err)
			}
		}
		return tx.Audit(by.Entry("correspondence.register", "incoming:"+in.ID, fmt.Sprintf("%d/%d %s", in.Number, in.Year, in.Reference)))
	})
	return in, err
}

// Route gives a registered (or already routed) document to a unit and a person, due in a
// number of working days counted on the official calendar from today (urgent marks shorten
// nothing by themselves: the leader sets the days).
func (s *Service) Route(ctx context.Context, p auth.Principal, by audit.Actor, id, unit, assignee string, days int) (Incoming, error) {
	if err := p.Allow(auth.RouteCorrespondence, ""); err != nil {
		return Incoming{}, err
	}
	if _, err := s.Get(ctx, p, id); err != nil {
		return Incoming{}, err
	}
	unit, assignee = tidy(unit), strings.TrimSpace(assignee)
	var v fault.Validation
	v.Check(unit != "", "unit", "civil.required")
	v.Check(assignee != "", "assignee", "civil.required")
	v.Check(days >= 1 && days <= 90, "days", "correspondence.days_bad")
	if err := v.Err(); err != nil {
		return Incoming{}, err
	}
	u, err := s.User(ctx, assignee)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return Incoming{}, err
	}
	if err != nil || u.Disabled || u.Office != auth.DepartmentOffice || !(auth.Principal{Role: u.Role}).Can(auth.Correspondence) {
		return Incoming{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"assignee": "correspondence.assignee_unknown"}}
	}
	due := s.Calendar().AddWorkingDays(s.today(), days).Format(civil.DateFormat)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE incoming_documents SET status = $2, unit = $3, assignee = $4, due_on = $5, routed_at = $6, routed_by = $7
			WHERE id = $1 AND status IN ($8, $9)`, id, Routed, unit, assignee, due, store.Time(s.st.Now()), by.Username, Registered, Routed)
		if err != nil {
			return fmt.Errorf("correspondence: route: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_open")
		}
		return tx.Audit(by.Entry("correspondence.route", "incoming:"+id, unit+" "+assignee+" "+due))
	})
	if err != nil {
		return Incoming{}, err
	}
	return s.Get(ctx, p, id)
}

// Complete records that a routed document was handled, by its assignee or a leader.
func (s *Service) Complete(ctx context.Context, p auth.Principal, by audit.Actor, id, note string) (Incoming, error) {
	in, err := s.Get(ctx, p, id)
	if err != nil {
		return in, err
	}
	leader := p.Can(auth.RouteCorrespondence)
	if in.Assignee != p.Username && !leader {
		return in, fault.New(fault.Forbidden, "correspondence.not_yours")
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// The assignee re-read with the write: a document routed to another meanwhile is theirs.
		res, err := tx.Exec(`UPDATE incoming_documents SET status = $2, done_at = $3, done_note = $4 WHERE id = $1 AND status = $5 AND (assignee = $6 OR $7)`,
			id, Done, store.Time(s.st.Now()), tidy(note), Routed, p.Username, leader)
		if err != nil {
			return fmt.Errorf("correspondence: complete: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "correspondence.not_routed")
		}
		return tx.Audit(by.Entry("correspondence.complete", "incoming:"+id, tidy(note)))
	})
	if err != nil {
		return in, err
	}
	return s.Get(ctx, p, id)
}

// mayRead: a document marked confidential or above is read by the leaders, its assignee and
// whoever registered it only; the others by every correspondence user.
func mayRead(p auth.Principal, in Incoming) bool {
	return in.Confidentiality == "normal" || p.Can(auth.RouteCorrespondence) || in.Assignee == p.Username || in.RegisteredBy == p.Username
}

const incomingCols = `id, year, number, received_on, sender, reference, dated, summary, urgency, confidentiality, file_hash, file_type, file_name,
	signed, signers, status, unit, assignee, due_on, done_at, done_note, registered_by, trust, trusted_by`

func (s *Service) scan(row store.Scanner) (Incoming, error) {
	var in Incoming
	err := row.Scan(&in.ID, &in.Year, &in.Number, &in.ReceivedOn, &in.Sender, &in.Reference, &in.Dated, &in.Summary, &in.Urgency, &in.Confidentiality,
		&in.FileHash, &in.FileType, &in.FileName, &in.Signed, &in.Signers, &in.Status, &in.Unit, &in.Assignee, &in.DueOn, store.ScanTime(&in.DoneAt), &in.DoneNote,
		&in.RegisteredBy, &in.Trust, &in.TrustedBy)
	in.Overdue = in.Status == Routed && in.DueOn < s.today().Format(civil.DateFormat)
	return in, err
}

// Get reads a document the caller may read (not found otherwise, as if there were none).
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Incoming, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return Incoming{}, err
	}
	in, err := s.scan(s.st.QueryRow(ctx, `SELECT `+incomingCols+` FROM incoming_documents WHERE id = $1`, id))
	if err != nil {
		return in, s.st.Fail(store.NotFound(err, "correspondence.not_found"))
	}
	if !mayRead(p, in) {
		return Incoming{}, fault.New(fault.NotFound, "correspondence.not_found")
	}
	return in, nil
}

// Query selects the register's documents: a year, a status, the overdue only, words of the
// summary (diacritics aside).
type Query struct {
	Year    int
	Status  string
	Overdue bool
	Words   string
}

// List lists the register as q selects it, the latest number first; confidential documents
// only to whom may read them.
func (s *Service) List(ctx context.Context, p auth.Principal, q Query) ([]Incoming, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return nil, err
	}
	var w store.Where
	if q.Year > 0 {
		w.Cond("year = " + w.Args.Add(q.Year))
	}
	w.Eq("status", q.Status)
	if q.Overdue {
		w.Cond("status = " + w.Args.Add(Routed))
		w.Cond("due_on < " + w.Args.Add(s.today().Format(civil.DateFormat)))
	}
	// Each word in the summary or in the text of the attached PDF.
	for _, pat := range likeWords(q.Words) {
		ph := w.Args.Add(pat)
		w.Cond("(summary_folded LIKE " + ph + ` ESCAPE '\' OR file_hash IN (SELECT file_hash FROM file_texts WHERE folded LIKE ` + ph + ` ESCAPE '\'))`)
	}
	if !p.Can(auth.RouteCorrespondence) {
		me := w.Args.Add(p.Username)
		w.Cond("(confidentiality = 'normal' OR assignee = " + me + " OR registered_by = " + me + ")")
	}
	return store.Collect(ctx, s.st, s.scan, "incoming documents", `SELECT `+incomingCols+` FROM incoming_documents WHERE `+w.String()+
		` ORDER BY year DESC, number DESC LIMIT 500`, w.Args...)
}

// File reads an attachment for whoever may read a document it belongs to.
func (s *Service) File(ctx context.Context, p auth.Principal, hash string) ([]byte, Incoming, error) {
	if err := p.Allow(auth.Correspondence, ""); err != nil {
		return nil, Incoming{}, err
	}
	docs, err := store.Collect(ctx, s.st, s.scan, "incoming documents", `SELECT `+incomingCols+` FROM incoming_documents WHERE file_hash = $1`, hash)
	if err != nil {
		return nil, Incoming{}, err
	}
	for _, in := range docs {
		if mayRead(p, in) {
			data, err := s.files.Get(ctx, hash)
			return data, in, err
		}
	}
	return nil, Incoming{}, fault.New(fault.NotFound, "correspondence.file_not_found")
}

// OverdueCount counts the routed documents past their deadline that wait on p: a leader's all,
// another user's own.
func (s *Service) OverdueCount(ctx context.Context, p auth.Principal) (int, error) {
	if !p.Can(auth.Correspondence) {
		return 0, nil
	}
	var w store.Where
	w.Cond("status = " + w.Args.Add(Routed))
	w.Cond("due_on < " + w.Args.Add(s.today().Format(civil.DateFormat)))
	if !p.Can(auth.RouteCorrespondence) {
		w.Eq("assignee", p.Username)
	}
	var n int
	err := s.st.QueryRow(ctx, `SELECT COUNT(*) FROM incoming_documents WHERE `+w.String(), w.Args...).Scan(&n)
	return n, s.st.Fail(err)
}

// likeWords are the LIKE patterns of a search's words, folded: "%word%", escaped the same way
// on both engines (PostgreSQL's LIKE escapes with \ by default, SQLite's not).
func likeWords(words string) []string {
	var out []string
	for _, word := range strings.Fields(vntext.Fold(words)) {
		out = append(out, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(word)+"%")
	}
	return out
}
