// Package reception is the one-stop desk (bộ phận một cửa): it opens dossiers with a receipt
// code and a due date, moves them through their statuses, keeps the working-day calendar in
// force and reports the on-time rate.
package reception

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Service handles dossiers.
type Service struct {
	store   *store.Store
	repo    repo
	offices *account.Service
	cal     atomic.Pointer[calendar.Calendar]
	// BackdateWindow is how far back a received time may lie without a reason
	// (DefaultBackdateWindow when zero).
	BackdateWindow time.Duration
}

// New loads the official calendars and returns the service.
func New(ctx context.Context, st *store.Store) (*Service, error) {
	s := Open(st)
	if err := s.repo.fillSearchColumns(ctx); err != nil {
		return nil, err
	}
	return s, s.Reload(ctx)
}

// Open returns the service with the default calendar, until Reload loads the official ones:
// for other domains that read dossiers.
func Open(st *store.Store) *Service {
	s := &Service{store: st, repo: repo{st}, offices: account.New(st)}
	s.cal.Store(calendar.New(nil))
	return s
}

// Dossier reads a dossier by id or receipt code, for another domain's service, which checks
// that it belongs to the caller's office (a registration settling the dossier it answers).
func (s *Service) Dossier(ctx context.Context, idOrCode string) (dossier.Dossier, error) {
	return s.repo.dossier(ctx, idOrCode)
}

// Reload rebuilds the calendar from the official schedules stored.
func (s *Service) Reload(ctx context.Context) error {
	official, err := s.repo.officialSchedules(ctx)
	if err != nil {
		return err
	}
	s.cal.Store(calendar.New(official))
	return nil
}

// Calendar is the calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal.Load() }

// Input is a request received at the desk, by post or online.
type Input struct {
	Procedure  string          `json:"procedure"`
	Office     string          `json:"office"`
	Applicant  string          `json:"applicant"`
	Phone      string          `json:"phone"`
	Channel    dossier.Channel `json:"channel"`
	ReceivedAt time.Time       `json:"received_at"` // zero: now
	Note       string          `json:"note"`
	// BackdateReason says why a dossier is entered as received further back than
	// Service.BackdateWindow (a paper received at a commune point, entered later).
	BackdateReason string `json:"backdate_reason,omitempty"`
}

// DefaultBackdateWindow is how far back a dossier may be entered as received without a reason:
// the received time starts the statutory clock, and moving it back moves the due date too.
const DefaultBackdateWindow = 24 * time.Hour

// Open receives a request: a dossier with a receipt code and its due date.
func (s *Service) Open(ctx context.Context, p auth.Principal, by audit.Actor, in Input) (dossier.Dossier, error) {
	var v fault.Validation
	proc, err := dossier.ProcedureByCode(in.Procedure)
	if err != nil {
		v.Add("procedure", "procedure.not_found")
	}
	// A guarded procedure is asked for at its own desk, which opens its dossier.
	v.Check(!dossier.Private(in.Procedure), "procedure", "dossier.own_desk")
	v.Check(strings.TrimSpace(in.Applicant) != "", "applicant", "civil.required")
	if in.Channel == "" {
		in.Channel = dossier.Desk
	}
	v.Check(in.Channel == dossier.Desk || in.Channel == dossier.Post || in.Channel == dossier.Online, "channel", "dossier.bad_channel")
	if in.Office == "" {
		in.Office = p.Office
	}
	if err := p.Allow(auth.WriteRecords, in.Office); err != nil {
		return dossier.Dossier{}, err
	}
	if o, err := s.offices.Office(ctx, in.Office); err != nil || o.Kind != "commune" && proc.Level == "commune" {
		v.Add("office", "office.not_found")
	}
	now := s.store.Now()
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	v.Check(!in.ReceivedAt.After(now.Add(time.Minute)), "received_at", "civil.date_future")
	reason := strings.TrimSpace(in.BackdateReason)
	window := s.BackdateWindow
	if window == 0 {
		window = DefaultBackdateWindow
	}
	if now.Sub(in.ReceivedAt) > window {
		v.Check(reason != "", "backdate_reason", "dossier.backdate_reason")
	} else {
		reason = "" // within the window: nothing to explain
	}
	v.Check(len([]rune(reason)) <= 500, "backdate_reason", "document.reason_too_long")
	if err := v.Err(); err != nil {
		return dossier.Dossier{}, err
	}
	d := dossier.Dossier{Procedure: proc.Code, Office: in.Office, Applicant: strings.TrimSpace(in.Applicant), Phone: strings.TrimSpace(in.Phone),
		Channel: in.Channel, Status: dossier.Received, ReceivedAt: in.ReceivedAt, DueAt: s.Calendar().Due(in.ReceivedAt, proc.Timing),
		Note: strings.TrimSpace(in.Note)}
	return d, s.repo.open(ctx, &d, by, reason)
}

// mayWrite: the officers of the dossier's office move it; a guarded one, its domain's role.
func mayWrite(p auth.Principal, d dossier.Dossier) error {
	if a := dossier.Guard(d.Procedure); a != "" {
		return p.Allow(a, "")
	}
	return p.Allow(auth.WriteRecords, d.Office)
}

// Get returns a dossier the caller may see, by id or receipt code.
func (s *Service) Get(ctx context.Context, p auth.Principal, idOrCode string) (dossier.Dossier, []dossier.Event, error) {
	if code, ok := dossier.NormalizeCode(idOrCode); ok {
		idOrCode = code
	}
	d, err := s.repo.dossier(ctx, idOrCode)
	if err != nil {
		return d, nil, err
	}
	if err := allowed(p, d); err != nil {
		return dossier.Dossier{}, nil, err
	}
	ev, err := s.repo.events(ctx, d.ID)
	return d, ev, err
}

// allowed: a dossier in the caller's jurisdiction, and a guarded one (dossier.Guard) only for
// its domain's role (not found for anyone else, as another commune's is).
func allowed(p auth.Principal, d dossier.Dossier) error {
	if a := dossier.Guard(d.Procedure); a != "" {
		if !p.Can(a) {
			return fault.New(fault.NotFound, "dossier.not_found")
		}
		return nil // its domain's role, which need not read the registers
	}
	return p.Allow(auth.ViewRecords, d.Office)
}

// ForRecord lists the dossiers that a register entry answered, those the caller may see: the
// record page links to them, as the dossier page links to its record.
func (s *Service) ForRecord(ctx context.Context, p auth.Principal, recordID string) ([]dossier.Dossier, error) {
	ds, err := s.repo.byRecord(ctx, recordID)
	if err != nil {
		return nil, err
	}
	var out []dossier.Dossier
	for _, d := range ds {
		if allowed(p, d) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// Track is the citizen's view of a dossier by its receipt code: no login, only the procedure,
// status and dates.
func (s *Service) Track(ctx context.Context, code string) (dossier.Dossier, error) {
	c, ok := dossier.NormalizeCode(code)
	if !ok {
		return dossier.Dossier{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"code": "dossier.bad_code"}}
	}
	d, err := s.repo.dossier(ctx, c)
	if err != nil {
		return dossier.Dossier{}, err
	}
	return dossier.Dossier{Code: d.Code, Procedure: d.Procedure, Office: d.Office, Status: d.Status, ReceivedAt: d.ReceivedAt,
		DueAt: d.DueAt, SettledAt: d.SettledAt, ClosedAt: d.ClosedAt}, nil
}

// Move changes a dossier's status. Waiting for the applicant stops the clock; coming back
// restarts it with the working days that were left (calendar.Resume).
func (s *Service) Move(ctx context.Context, p auth.Principal, by audit.Actor, idOrCode string, to dossier.Status, reason string) (dossier.Dossier, error) {
	d, _, err := s.Get(ctx, p, idOrCode)
	if err != nil {
		return d, err
	}
	if err := mayWrite(p, d); err != nil {
		return d, err
	}
	if dossier.Private(d.Procedure) && to != dossier.Returned {
		// Its domain settles or refuses it with the request; here only the handing over.
		return d, fault.New(fault.Conflict, "dossier.bad_move")
	}
	from := d.Status
	if !dossier.CanMove(from, to) {
		return d, fault.New(fault.Conflict, "dossier.bad_move")
	}
	reason = strings.TrimSpace(reason)
	if to.NeedsReason() && reason == "" {
		return d, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": "civil.required"}}
	}
	now := s.store.Now()
	switch to {
	case dossier.Waiting:
		d.PausedAt = now
	case dossier.InProgress:
		if from == dossier.Waiting {
			proc, err := dossier.ProcedureByCode(d.Procedure)
			if err != nil {
				return d, err
			}
			d.DueAt = s.Calendar().Resume(d.DueAt, d.PausedAt, now, proc.Timing)
			d.PausedAt = time.Time{}
		}
	case dossier.Settled:
		d.SettledAt = now
	case dossier.Returned, dossier.Refused, dossier.Withdrawn:
		d.ClosedAt = now
	}
	d.Status = to
	return d, s.repo.update(ctx, &d, from, reason, by)
}

// Extend moves the due date by days working days, with a reason, within the procedure's
// allowed extension.
func (s *Service) Extend(ctx context.Context, p auth.Principal, by audit.Actor, idOrCode string, days int, reason string) (dossier.Dossier, error) {
	d, _, err := s.Get(ctx, p, idOrCode)
	if err != nil {
		return d, err
	}
	if err := mayWrite(p, d); err != nil {
		return d, err
	}
	proc, err := dossier.ProcedureByCode(d.Procedure)
	if err != nil {
		return d, err
	}
	var v fault.Validation
	v.Check(strings.TrimSpace(reason) != "", "reason", "civil.required")
	v.Check(days > 0 && d.Extended+days <= proc.Timing.ExtensionDays, "days", "dossier.extension_limit")
	if !d.Status.Open() {
		return d, fault.New(fault.Conflict, "dossier.bad_move")
	}
	if err := v.Err(); err != nil {
		return d, err
	}
	d.DueAt = s.Calendar().Extend(d.DueAt, days)
	d.Extended += days
	return d, s.repo.update(ctx, &d, d.Status, "gia hạn "+itoa(days)+" ngày: "+strings.TrimSpace(reason), by)
}

func itoa(n int) string { return strconv.Itoa(n) }

// List is which dossiers an officer wants to see.
type List string

const (
	DueToday List = "today"
	Overdue  List = "overdue"
	NearDue  List = "near" // due by the end of the next working day
	AllOpen  List = "open" // in progress or waiting for the applicant
	Waiting  List = "waiting"
	Closed   List = "closed" // settled, returned, refused or withdrawn
	Every    List = "all"
)

// Lists are the lists in the order a page shows them.
var Lists = []List{AllOpen, DueToday, NearDue, Overdue, Waiting, Closed, Every}

// Order is the order of a list.
type Order string

const (
	OrderDue    Order = "due"    // soonest due first: the open lists' order
	OrderNewest Order = "newest" // last received first: the closed lists' order
	OrderOldest Order = "oldest"
)

// ListLimit is how many dossiers a list shows; MaxExport how many an export writes.
const (
	ListLimit = 200
	MaxExport = 20000
)

// Query is a list of dossiers and its filters; the zero value of a field selects all.
type Query struct {
	List      List
	Office    string
	Procedure string
	From, To  time.Time // received at or after From, before To
	// Who is a receipt code, a phone number, or the start of the applicant's name (any case,
	// with or without marks).
	Who           string
	Order         Order
	Offset, Limit int
}

// Dossiers lists the dossiers q selects within the caller's jurisdiction, at most q.Limit
// (ListLimit when 0). A search for a person (q.Who) is audited, as a search of the registers is:
// it finds someone's dossiers by name or phone.
func (s *Service) Dossiers(ctx context.Context, p auth.Principal, by audit.Actor, q Query) ([]dossier.Dossier, error) {
	ds, err := s.dossiers(ctx, p, q)
	if err != nil || strings.TrimSpace(q.Who) == "" {
		return ds, err
	}
	return ds, s.store.Audit(ctx, by.Entry("dossier.search", "dossiers", fmt.Sprintf("who=%q list=%s rows=%d", q.Who, q.List, len(ds))))
}

// Export is a whole list for a spreadsheet, up to MaxExport, audited once: it holds the
// applicants' names and phone numbers.
func (s *Service) Export(ctx context.Context, p auth.Principal, by audit.Actor, q Query) ([]dossier.Dossier, error) {
	q.Offset, q.Limit = 0, MaxExport
	ds, err := s.dossiers(ctx, p, q)
	if err != nil {
		return nil, err
	}
	if scope := p.Scope(); scope != "" {
		q.Office = scope
	}
	err = s.store.Audit(ctx, by.Entry("dossier.export", "dossiers", fmt.Sprintf("list=%s office=%q procedure=%q who=%q rows=%d",
		q.List, q.Office, q.Procedure, q.Who, len(ds))))
	return ds, err
}

// invalid is a list's filter that cannot be read, on its field.
func invalid(field, msg string) error {
	var v fault.Validation
	v.Add(field, msg)
	return v.Err()
}

func (s *Service) dossiers(ctx context.Context, p auth.Principal, q Query) ([]dossier.Dossier, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return nil, err
	}
	if scope := p.Scope(); scope != "" {
		q.Office = scope
	}
	f := dossierFilter{Office: q.Office, Procedure: q.Procedure, ReceivedFrom: q.From, ReceivedBefore: q.To, Order: q.Order,
		Offset: q.Offset, Limit: q.Limit}
	for _, g := range dossier.Guarded {
		if !p.Can(g.Action) {
			f.Hidden = append(f.Hidden, g.Prefix)
		}
	}
	if q.Procedure != "" {
		if _, err := dossier.ProcedureByCode(q.Procedure); err != nil {
			return nil, invalid("procedure", "procedure.not_found")
		}
	}
	who := strings.TrimSpace(q.Who)
	code, isCode := dossier.NormalizeCode(who)
	digits := phoneDigits(who)
	switch {
	case isCode && strings.ContainsAny(who, "-0123456789") && !strings.ContainsAny(who, " \t"):
		// A receipt code names one dossier: it is found whatever its status and list.
		f.Code = code
		return s.repo.list(ctx, f)
	case len(digits) >= 6 && len(digits)*2 > len(who):
		f.Phone = digits
	default:
		f.Applicant = vntext.Fold(who)
	}
	w := s.window()
	open := []dossier.Status{dossier.Received, dossier.InProgress}
	switch q.List {
	case DueToday:
		f.Statuses, f.DueFrom, f.DueBefore = open, w.dayStart, w.dayEnd
	case Overdue:
		f.Statuses, f.DueBefore = open, w.now
	case NearDue:
		f.Statuses, f.DueFrom, f.DueBefore = open, w.now, w.nearEnd
	case Waiting:
		f.Statuses = []dossier.Status{dossier.Waiting}
	case Closed:
		f.Statuses = []dossier.Status{dossier.Settled, dossier.Returned, dossier.Refused, dossier.Withdrawn}
	case Every:
	case AllOpen, "":
		f.Statuses = append(open, dossier.Waiting)
	default:
		return nil, invalid("list", "dossier.bad_list")
	}
	if f.Order == "" && (q.List == Closed || q.List == Every) {
		f.Order = OrderNewest
	}
	return s.repo.list(ctx, f)
}

// dueWindow is when the lists' dossiers fall due: now, today in Vietnam, and the end of the
// next working day (near due).
type dueWindow struct{ now, dayStart, dayEnd, nearEnd time.Time }

func (s *Service) window() dueWindow {
	now := s.store.Now()
	local := now.In(calendar.Vietnam)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Vietnam)
	next := s.Calendar().AddWorkingDays(start, 1)
	return dueWindow{now: now, dayStart: start, dayEnd: start.AddDate(0, 0, 1),
		nearEnd: time.Date(next.Year(), next.Month(), next.Day(), 23, 59, 59, 0, calendar.Vietnam)}
}

// Counts is how many open dossiers each list holds within the caller's jurisdiction, counted
// in one query rather than read: the home page's work queue.
type Counts struct{ Overdue, DueToday, NearDue, Waiting int }

// Count counts the lists of Dossiers, with the same windows.
func (s *Service) Count(ctx context.Context, p auth.Principal) (Counts, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return Counts{}, err
	}
	return s.repo.counts(ctx, p.Scope(), s.window())
}

// Report is the on-time rate of a period, in total and per office and procedure.
type Report struct {
	From        string                  `json:"from"`
	To          string                  `json:"to"`
	Office      string                  `json:"office,omitempty"`
	Total       dossier.Rate            `json:"total"`
	ByOffice    map[string]dossier.Rate `json:"by_office"`
	ByProcedure map[string]dossier.Rate `json:"by_procedure"`
}

// OnTime reports the share of dossiers settled on time among those settled from from to to
// (dates, inclusive, in Vietnam's time), and beside it the backlog now: the dossiers received
// by the end of the period and still open, within their time or overdue, or waiting for the
// applicant. A rate of 99.5 % over the settled ones says nothing of thirty overdue ones.
func (s *Service) OnTime(ctx context.Context, p auth.Principal, from, to time.Time, office string) (Report, error) {
	if err := p.Allow(auth.ViewRecords, office); err != nil {
		return Report{}, err
	}
	if scope := p.Scope(); scope != "" {
		office = scope
	}
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, calendar.Vietnam)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, calendar.Vietnam).AddDate(0, 0, 1)
	rows, err := s.repo.onTimeCounts(ctx, start, end, office)
	if err != nil {
		return Report{}, err
	}
	r := Report{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), Office: office, ByOffice: map[string]dossier.Rate{}, ByProcedure: map[string]dossier.Rate{}}
	var settled, onTime int
	type acc struct{ s, o int }
	byOffice, byProc := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, k string, row rateRow) {
		if m[k] == nil {
			m[k] = &acc{}
		}
		m[k].s += row.Settled
		m[k].o += row.OnTime
	}
	for _, row := range rows {
		settled += row.Settled
		onTime += row.OnTime
		add(byOffice, row.Office, row)
		add(byProc, row.Procedure, row)
	}
	r.Total = dossier.NewRate(settled, onTime)
	for k, a := range byOffice {
		r.ByOffice[k] = dossier.NewRate(a.s, a.o)
	}
	for k, a := range byProc {
		r.ByProcedure[k] = dossier.NewRate(a.s, a.o)
	}
	backlog, err := s.repo.backlogCounts(ctx, end, s.store.Now(), office)
	if err != nil {
		return Report{}, err
	}
	addOpen := func(m map[string]dossier.Rate, k string, b backlogRow) {
		x, ok := m[k]
		if !ok {
			x = dossier.NewRate(0, 0)
		}
		x.Open, x.Overdue, x.Waiting = x.Open+b.Open, x.Overdue+b.Overdue, x.Waiting+b.Waiting
		m[k] = x
	}
	for _, b := range backlog {
		r.Total.Open, r.Total.Overdue, r.Total.Waiting = r.Total.Open+b.Open, r.Total.Overdue+b.Overdue, r.Total.Waiting+b.Waiting
		addOpen(r.ByOffice, b.Office, b)
		addOpen(r.ByProcedure, b.Procedure, b)
	}
	return r, nil
}

// SetSchedule stores a year's official calendar (administrators) and puts it in force.
func (s *Service) SetSchedule(ctx context.Context, p auth.Principal, by audit.Actor, sc calendar.Schedule, note string, remove bool) error {
	if err := p.Allow(auth.ManageSettings, ""); err != nil {
		return err
	}
	if err := s.repo.setOfficialSchedule(ctx, sc, note, remove, by); err != nil {
		return err
	}
	return s.Reload(ctx)
}
