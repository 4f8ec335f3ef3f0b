// Package dossier holds the rules of administrative dossiers (hồ sơ thủ tục hành chính): the
// catalogue of procedures with their statutory times, the status machine, receipt codes and the
// on-time rule. It is pure Go.
package dossier

import (
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"math/big"
	"strings"
	"time"
	"tuphap/internal/auth"

	"tuphap/internal/calendar"
	"tuphap/internal/fault"
)

//go:embed procedures.json
var proceduresJSON []byte

// Procedure is one administrative procedure of the catalogue.
type Procedure struct {
	Code   string          `json:"code"`
	Name   string          `json:"name"`
	NameEn string          `json:"name_en"`
	Level  string          `json:"level"` // commune or province
	Timing calendar.Timing `json:"timing"`
	Fee    *int            `json:"fee"` // VND; nil where the provincial council sets it
	Basis  string          `json:"basis"`
	Papers []string        `json:"papers"`
}

var catalogue = func() []Procedure {
	var ps []Procedure
	if err := json.Unmarshal(proceduresJSON, &ps); err != nil {
		panic("dossier: procedures.json: " + err.Error())
	}
	return ps
}()

// Procedures lists the catalogue.
func Procedures() []Procedure { return append([]Procedure(nil), catalogue...) }

// ProcedureByCode finds a procedure.
func ProcedureByCode(code string) (Procedure, error) {
	for _, p := range catalogue {
		if p.Code == code {
			return p, nil
		}
	}
	return Procedure{}, fault.New(fault.NotFound, "procedure.not_found", code)
}

// Status of a dossier.
type Status string

const (
	Received   Status = "received"    // tiếp nhận
	InProgress Status = "in_progress" // đang giải quyết
	Waiting    Status = "waiting"     // chờ bổ sung: the clock stops
	Settled    Status = "settled"     // đã giải quyết: the result is ready
	Returned   Status = "returned"    // đã trả kết quả
	Refused    Status = "refused"     // từ chối, with a reason
	Withdrawn  Status = "withdrawn"   // rút hồ sơ
)

// Statuses lists them in order.
var Statuses = []Status{Received, InProgress, Waiting, Settled, Returned, Refused, Withdrawn}

var transitions = map[Status][]Status{
	Received:   {InProgress, Waiting, Settled, Refused, Withdrawn},
	InProgress: {Waiting, Settled, Refused, Withdrawn},
	Waiting:    {InProgress, Refused, Withdrawn},
	Settled:    {Returned},
}

// CanMove reports whether a dossier may go from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Open reports whether the dossier is still being handled (counts for due lists).
func (s Status) Open() bool { return s == Received || s == InProgress || s == Waiting }

// NeedsReason reports whether moving to s must give a reason.
func (s Status) NeedsReason() bool { return s == Refused || s == Waiting || s == Withdrawn }

// Channel is how the request came.
type Channel string

const (
	Desk   Channel = "desk"
	Post   Channel = "post"
	Online Channel = "online"
)

// Dossier is one request.
type Dossier struct {
	ID         string    `json:"id"`
	Code       string    `json:"code"`
	Procedure  string    `json:"procedure"`
	Office     string    `json:"office"`
	Applicant  string    `json:"applicant"`
	Phone      string    `json:"phone,omitempty"`
	Channel    Channel   `json:"channel"`
	Status     Status    `json:"status"`
	ReceivedAt time.Time `json:"received_at"`
	DueAt      time.Time `json:"due_at"`
	PausedAt   time.Time `json:"paused_at,omitzero"`
	SettledAt  time.Time `json:"settled_at,omitzero"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	Extended   int       `json:"extended_days"`
	RecordID   string    `json:"record_id,omitempty"`
	Note       string    `json:"note,omitempty"`
	Version    int       `json:"version"`
}

// Guarded are the procedures whose dossiers their domain keeps to its role, by code prefix:
// the judicial-record certificates (a dossier's history says what the certificate waits on) and
// the legal-aid requests (whose applicant's case is confidential), Law 91/2025 on personal data.
var Guarded = []struct {
	Prefix string
	Action auth.Action
}{{"LLTP", auth.JudicialRecords}, {"TGPL", auth.LegalAidCases}}

// Guard is the action that sees and moves a procedure's dossiers, "" for the officers of their
// office as usual.
func Guard(procedure string) auth.Action {
	for _, g := range Guarded {
		if strings.HasPrefix(procedure, g.Prefix) {
			return g.Action
		}
	}
	return ""
}

// Private says whether a procedure's dossiers belong to a domain that keeps them to its role:
// it opens and settles them.
func Private(procedure string) bool { return Guard(procedure) != "" }

// OnTime reports whether a settled dossier was settled by its due time.
func (d Dossier) OnTime() bool { return !d.SettledAt.IsZero() && !d.SettledAt.After(d.DueAt) }

// Overdue reports whether an open dossier is past its due time at now (a paused one is not).
func (d Dossier) Overdue(now time.Time) bool {
	return d.Status.Open() && d.Status != Waiting && now.After(d.DueAt)
}

// Event is a change of status, kept for the history.
type Event struct {
	Seq    int       `json:"seq"`
	From   Status    `json:"from"`
	To     Status    `json:"to"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	DueAt  time.Time `json:"due_at"`
}

// codeAlphabet leaves out letters and digits that sound or look alike over the phone
// (0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V).
const codeAlphabet = "34679ACDEFGHJKMNPQRTWXY"

// NewCode makes a receipt code: eight random characters in two groups and a check character,
// "K7QM-4XRA-P": easy to read out over the phone, and a mistyped character is caught.
func NewCode() string {
	var b strings.Builder
	n := big.NewInt(int64(len(codeAlphabet)))
	for i := 0; i < 8; i++ {
		x, _ := rand.Int(rand.Reader, n)
		if i == 4 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[x.Int64()])
	}
	body := b.String()
	return body + "-" + string(check(strings.ReplaceAll(body, "-", "")))
}

// check is a position-weighted sum modulo the alphabet size (23, a prime larger than the
// weights): it catches any single wrong character and any swap of two neighbours.
func check(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += (i + 1) * strings.IndexByte(codeAlphabet, s[i])
	}
	return codeAlphabet[sum%len(codeAlphabet)]
}

// NormalizeCode reads a code as typed (any case, spaces or hyphens) and checks it.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", ".", "").Replace(s))
	if len(s) != 9 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(codeAlphabet, s[i]) < 0 {
			return "", false
		}
	}
	if check(s[:8]) != s[8] {
		return "", false
	}
	return s[:4] + "-" + s[4:8] + "-" + s[8:], true
}

// Rate is the on-time share of settled dossiers, beside the backlog that the share alone would
// hide: the dossiers still open, within their time or overdue, and those waiting for the
// applicant (whose clock is stopped).
type Rate struct {
	Settled int     `json:"settled"`
	OnTime  int     `json:"on_time"`
	Late    int     `json:"late"`
	Rate    float64 `json:"rate"`    // OnTime / Settled; 1 when nothing was settled
	Open    int     `json:"open"`    // received or in progress
	Overdue int     `json:"overdue"` // of Open, past their due time
	Waiting int     `json:"waiting"` // waiting for the applicant
}

// WithinTime are the open dossiers not yet due.
func (r Rate) WithinTime() int { return r.Open - r.Overdue }

// NewRate computes the rate from counts.
func NewRate(settled, onTime int) Rate {
	r := Rate{Settled: settled, OnTime: onTime, Late: settled - onTime, Rate: 1}
	if settled > 0 {
		r.Rate = float64(onTime) / float64(settled)
	}
	return r
}
