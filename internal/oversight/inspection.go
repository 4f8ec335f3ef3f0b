package oversight

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Inspections of the communes' civil-status work: the department plans one (the commune, its
// days, the period of work inspected, the team and its lead), the team records findings against
// a checklist that is data, each linked to the register entry or the dossier it concerns, with
// the remedy the commune owes and its day; the lead concludes, and the commune then sees its
// findings and answers each; the team accepts an answer or returns it; once every finding is
// accepted, the inspection is closed.

// Item is a line of the checklist.
type Item struct {
	Code  string `json:"code"`
	Text  string `json:"text"`
	Basis string `json:"basis"`
	Link  string `json:"link"` // "record", "dossier" or "": what a finding of it must point at
}

// Checklist is the checklist's version and items.
type Checklist struct {
	Version  string `json:"version"`
	Verified bool   `json:"verified"`
	Source   string `json:"source"`
	Items    []Item `json:"items"`
}

// Item finds a line by its code.
func (c Checklist) Item(code string) (Item, bool) {
	i := slices.IndexFunc(c.Items, func(it Item) bool { return it.Code == code })
	if i < 0 {
		return Item{}, false
	}
	return c.Items[i], true
}

//go:embed inspection.json
var checklistJSON []byte

// ParseChecklist reads and checks a checklist: codes unique, each item worded, links known.
func ParseChecklist(data []byte) (Checklist, error) {
	var c Checklist
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("inspection checklist: %w", err)
	}
	seen := map[string]bool{}
	for _, it := range c.Items {
		if it.Code == "" || seen[it.Code] || strings.TrimSpace(it.Text) == "" || !slices.Contains([]string{"", "record", "dossier"}, it.Link) {
			return c, fmt.Errorf("inspection checklist: item %q: code empty or repeated, no text, or link %q unknown", it.Code, it.Link)
		}
		seen[it.Code] = true
	}
	if len(c.Items) == 0 {
		return c, fmt.Errorf("inspection checklist: no items")
	}
	return c, nil
}

// DefaultChecklist is the checklist shipped, a sample marked unverified.
var DefaultChecklist = func() Checklist {
	c, err := ParseChecklist(checklistJSON)
	if err != nil {
		panic(err)
	}
	return c
}()

// The states of an inspection and of a finding.
const (
	Planned   = "planned"   // the team at work; findings recorded
	Concluded = "concluded" // the conclusion sent: the commune answers
	Closed    = "closed"    // every finding remedied and accepted

	FindingOpen     = "open"     // the commune owes its remedy (or its answer was returned)
	FindingAnswered = "answered" // the commune answered; the team decides
	FindingAccepted = "accepted"
)

// Inspection is an inspection of a commune with its findings.
type Inspection struct {
	ID          string    `json:"id"`
	Year        int       `json:"year"`
	Commune     string    `json:"commune"`
	CommuneName string    `json:"commune_name"`
	StartsOn    string    `json:"starts_on"`
	EndsOn      string    `json:"ends_on"`
	PeriodFrom  string    `json:"period_from"` // the work inspected
	PeriodTo    string    `json:"period_to"`
	Lead        string    `json:"lead"`
	Team        []string  `json:"team"`
	Checklist   string    `json:"checklist"`
	Status      string    `json:"status"`
	Conclusion  string    `json:"conclusion,omitempty"`
	ConcludedOn string    `json:"concluded_on,omitempty"`
	ClosedOn    string    `json:"closed_on,omitempty"`
	CreatedBy   string    `json:"created_by"`
	Findings    []Finding `json:"findings"`
	Open        int       `json:"findings_open"` // not accepted yet
}

// Finding is a shortcoming found, the remedy owed and how it stands.
type Finding struct {
	ID         string `json:"id"`
	Inspection string `json:"inspection_id"`
	Seq        int    `json:"seq"`
	Item       string `json:"item"`
	ItemText   string `json:"item_text"`
	Basis      string `json:"basis,omitempty"`
	Record     string `json:"record_id,omitempty"`
	Dossier    string `json:"dossier_id,omitempty"`
	Note       string `json:"note"`
	Remedy     string `json:"remedy"`
	DueOn      string `json:"due_on"`
	Status     string `json:"status"`
	Answer     string `json:"answer,omitempty"`
	AnsweredBy string `json:"answered_by,omitempty"`
	AnsweredOn string `json:"answered_on,omitempty"`
	ReviewNote string `json:"review_note,omitempty"`
	SettledBy  string `json:"settled_by,omitempty"`
	SettledOn  string `json:"settled_on,omitempty"`
	FoundBy    string `json:"found_by"`
	FoundOn    string `json:"found_on"`
	Overdue    bool   `json:"overdue,omitempty"`
}

// Inspections keeps the inspections; it reads the entries and dossiers a finding points at
// through their services.
type Inspections struct {
	St           *store.Store
	Units        *units.Registry
	Registration *registration.Service
	Reception    *reception.Service
	User         func(ctx context.Context, username string) (auth.User, error)
	Checklist    Checklist
}

func (s *Inspections) today() string {
	return (&Programme{St: s.St}).today()
}

// Plan records an inspection of a commune (the department): its days, the period of work it
// covers (ended by its last day), a team of department staff who inspect, its lead among them.
func (s *Inspections) Plan(ctx context.Context, p auth.Principal, by audit.Actor, in Inspection) (Inspection, error) {
	if err := p.Allow(auth.Inspect, ""); err != nil {
		return in, err
	}
	var v fault.Validation
	u, err := s.Units.Lookup(units.Commune, strings.TrimSpace(in.Commune), s.St.Now())
	v.Check(err == nil, "commune", "emulation.commune_unknown")
	day := func(field, value string) string {
		if value == "" {
			v.Add(field, "civil.required")
		} else if _, ok := civil.ParseDate(value); !ok {
			v.Add(field, "civil.date_format")
		} else {
			return value
		}
		return ""
	}
	starts, ends, from, to := day("starts_on", in.StartsOn), day("ends_on", in.EndsOn), day("period_from", in.PeriodFrom), day("period_to", in.PeriodTo)
	v.Check(starts == "" || ends == "" || starts <= ends, "ends_on", "inspection.ends_before")
	v.Check(from == "" || to == "" || from <= to, "period_to", "inspection.period_order")
	v.Check(to == "" || ends == "" || to <= ends, "period_to", "inspection.period_after")
	in.Lead = strings.TrimSpace(in.Lead)
	team := []string{}
	for _, m := range append([]string{in.Lead}, in.Team...) {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(team, m) {
			team = append(team, m)
		}
	}
	v.Check(in.Lead != "", "lead", "civil.required")
	for _, m := range team {
		acc, err := s.User(ctx, m)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return in, err
		}
		if err != nil || acc.Disabled || acc.Office != auth.DepartmentOffice || !(auth.Principal{Role: acc.Role}).Can(auth.Inspect) {
			v.Add(map[bool]string{true: "lead", false: "team"}[m == in.Lead], "inspection.member_unknown")
		}
	}
	if err := v.Err(); err != nil {
		return in, err
	}
	in.ID, in.Commune, in.CommuneName, in.Team, in.Status, in.Checklist, in.CreatedBy = store.NewID(), u.Code, u.Name, team, Planned, s.Checklist.Version, by.Username
	first, _ := civil.ParseDate(starts)
	in.Year = first.Year()
	in.Conclusion, in.ConcludedOn, in.ClosedOn, in.Findings = "", "", "", []Finding{}
	err = s.St.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO inspections (id, year, commune, starts_on, ends_on, period_from, period_to, lead, team, checklist, status,
			conclusion, concluded_on, closed_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', '', '', $12, $13)`,
			in.ID, in.Year, in.Commune, starts, ends, from, to, in.Lead, strings.Join(team, ","), in.Checklist, Planned, in.CreatedBy, store.Time(tx.Now())); err != nil {
			return fmt.Errorf("inspection: plan: %w", err)
		}
		return tx.Audit(by.Entry("inspection.plan", "inspection:"+in.ID, fmt.Sprintf("%s %s–%s, %s", in.Commune, starts, ends, strings.Join(team, ", "))))
	})
	return in, err
}

// onTeam: the team's members and the department's leaders act on an inspection's findings.
func onTeam(p auth.Principal, in Inspection) error {
	if p.Role == auth.Leader || slices.Contains(in.Team, p.Username) {
		return nil
	}
	return fault.New(fault.Forbidden, "inspection.not_team")
}

// AddFinding records a finding while the inspection is under way: a checklist item, the entry
// or dossier of the commune it concerns when the item is about one, what was found, the remedy
// and the day the commune owes it by.
func (s *Inspections) AddFinding(ctx context.Context, p auth.Principal, by audit.Actor, id string, f Finding) (Finding, error) {
	if err := p.Allow(auth.Inspect, ""); err != nil {
		return f, err
	}
	in, err := s.Inspection(ctx, p, id)
	if err != nil {
		return f, err
	}
	if err := onTeam(p, in); err != nil {
		return f, err
	}
	today := s.today()
	switch {
	case in.Status != Planned:
		return f, fault.New(fault.Conflict, "inspection.concluded_already")
	case today < in.StartsOn:
		return f, fault.New(fault.Conflict, "inspection.not_started", document.DateVN(in.StartsOn))
	}
	f.Note, f.Remedy, f.Record, f.Dossier = tidy(f.Note), tidy(f.Remedy), strings.TrimSpace(f.Record), strings.TrimSpace(f.Dossier)
	var v fault.Validation
	item, ok := s.Checklist.Item(f.Item)
	v.Check(ok, "item", "inspection.item_unknown")
	v.Check(f.Note != "", "note", "civil.required")
	v.Check(f.Remedy != "", "remedy", "civil.required")
	if f.DueOn == "" {
		v.Add("due_on", "civil.required")
	} else if _, ok := civil.ParseDate(f.DueOn); !ok {
		v.Add("due_on", "civil.date_format")
	} else {
		v.Check(f.DueOn > today, "due_on", "inspection.due_past")
	}
	now := s.St.Now()
	switch {
	case item.Link == "record" && f.Record == "":
		v.Add("record_id", "inspection.record_needed")
	case f.Record != "":
		r, err := s.Registration.Get(ctx, p, by, f.Record)
		switch {
		case fault.Is(err, fault.NotFound):
			v.Add("record_id", "inspection.record_unknown")
		case err != nil:
			return f, err
		case s.Units.CommuneToday(r.Office, now) != in.Commune:
			v.Add("record_id", "inspection.record_elsewhere")
		}
	}
	switch {
	case item.Link == "dossier" && f.Dossier == "":
		v.Add("dossier_id", "inspection.dossier_needed")
	case f.Dossier != "":
		d, err := s.Reception.Dossier(ctx, f.Dossier)
		switch {
		case fault.Is(err, fault.NotFound):
			v.Add("dossier_id", "inspection.dossier_unknown")
		case err != nil:
			return f, err
		case s.Units.CommuneToday(d.Office, now) != in.Commune:
			v.Add("dossier_id", "inspection.dossier_elsewhere")
		default:
			f.Dossier = d.Code // as the team may have typed its identifier: the code is what people read
		}
	}
	if err := v.Err(); err != nil {
		return f, err
	}
	f.ID, f.Inspection, f.ItemText, f.Basis, f.Status, f.FoundBy, f.FoundOn = store.NewID(), in.ID, item.Text, item.Basis, FindingOpen, by.Username, today
	err = s.St.Write(ctx, func(tx *store.Tx) error {
		// Re-read with the write: a finding never joins a concluded inspection.
		var status string
		if err := tx.QueryRow(`SELECT status FROM inspections WHERE id = $1`, in.ID).Scan(&status); err != nil {
			return fmt.Errorf("inspection: finding: %w", err)
		}
		if status != Planned {
			return fault.New(fault.Conflict, "inspection.concluded_already")
		}
		if err := tx.QueryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM inspection_findings WHERE inspection_id = $1`, in.ID).Scan(&f.Seq); err != nil {
			return fmt.Errorf("inspection: finding: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO inspection_findings (id, inspection_id, seq, item, item_text, basis, record_id, dossier_id, note, remedy, due_on, status,
			answer, answered_by, answered_on, review_note, settled_by, settled_on, found_by, found_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', '', '', '', '', '', $13, $14)`,
			f.ID, in.ID, f.Seq, f.Item, f.ItemText, f.Basis, f.Record, f.Dossier, f.Note, f.Remedy, f.DueOn, FindingOpen, f.FoundBy, f.FoundOn); err != nil {
			return fmt.Errorf("inspection: finding: %w", err)
		}
		return tx.Audit(by.Entry("inspection.finding", "inspection:"+in.ID, fmt.Sprintf("%d %s %s", f.Seq, f.Item, f.Note)))
	})
	return f, err
}

// Conclude sends the inspection's conclusion (its lead or a leader), once the team has begun:
// no finding is added after it, and the commune now sees its findings and answers them.
func (s *Inspections) Conclude(ctx context.Context, p auth.Principal, by audit.Actor, id, conclusion string) (Inspection, error) {
	return s.step(ctx, p, by, id, Planned, Concluded, tidy(conclusion))
}

// Close closes a concluded inspection whose findings are all accepted.
func (s *Inspections) Close(ctx context.Context, p auth.Principal, by audit.Actor, id string) (Inspection, error) {
	return s.step(ctx, p, by, id, Concluded, Closed, "")
}

func (s *Inspections) step(ctx context.Context, p auth.Principal, by audit.Actor, id, from, to, conclusion string) (Inspection, error) {
	if err := p.Allow(auth.Inspect, ""); err != nil {
		return Inspection{}, err
	}
	in, err := s.Inspection(ctx, p, id)
	if err != nil {
		return in, err
	}
	if in.Lead != p.Username && p.Role != auth.Leader {
		return in, fault.New(fault.Forbidden, "inspection.lead_only")
	}
	today := s.today()
	switch {
	case in.Status != from:
		return in, fault.New(fault.Conflict, "inspection.state_"+in.Status)
	case to == Concluded && today < in.StartsOn:
		return in, fault.New(fault.Conflict, "inspection.not_started", document.DateVN(in.StartsOn))
	case to == Concluded && conclusion == "":
		var v fault.Validation
		v.Add("conclusion", "civil.required")
		return in, v.Err()
	}
	err = s.St.Write(ctx, func(tx *store.Tx) error {
		if to == Closed {
			// Counted with the write: an answer returned meanwhile keeps it open.
			var open int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM inspection_findings WHERE inspection_id = $1 AND status <> $2`, id, FindingAccepted).Scan(&open); err != nil {
				return fmt.Errorf("inspection: close: %w", err)
			}
			if open > 0 {
				return fault.New(fault.Conflict, "inspection.findings_open", open)
			}
		}
		q := `UPDATE inspections SET status = $3, conclusion = $4, concluded_on = $5 WHERE id = $1 AND status = $2`
		args := []any{id, from, to, conclusion, today}
		if to == Closed {
			q, args = `UPDATE inspections SET status = $3, closed_on = $4 WHERE id = $1 AND status = $2`, []any{id, from, to, today}
		}
		res, err := tx.Exec(q, args...)
		if err != nil {
			return fmt.Errorf("inspection: %s: %w", to, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "inspection.changed")
		}
		return tx.Audit(by.Entry("inspection."+to, "inspection:"+id, conclusion))
	})
	if err != nil {
		return in, err
	}
	return s.Inspection(ctx, p, id)
}

// Answer is the commune's answer to a finding of a concluded inspection: what it remedied.
func (s *Inspections) Answer(ctx context.Context, p auth.Principal, by audit.Actor, findingID, answer string) (Finding, error) {
	f, in, err := s.finding(ctx, p, findingID)
	if err != nil {
		return f, err
	}
	if err := p.Allow(auth.AnswerFindings, in.Commune); err != nil {
		return f, err
	}
	if answer = tidy(answer); answer == "" {
		var v fault.Validation
		v.Add("answer", "civil.required")
		return f, v.Err()
	}
	return s.move(ctx, by, f, FindingOpen, FindingAnswered, `answer = $4, answered_by = $5, answered_on = $6`, answer, by.Username, s.today())
}

// Settle is the team's decision on an answer: accepted, or returned to the commune with a note.
func (s *Inspections) Settle(ctx context.Context, p auth.Principal, by audit.Actor, findingID string, accept bool, note string) (Finding, error) {
	if err := p.Allow(auth.Inspect, ""); err != nil {
		return Finding{}, err
	}
	f, in, err := s.finding(ctx, p, findingID)
	if err != nil {
		return f, err
	}
	if err := onTeam(p, in); err != nil {
		return f, err
	}
	note = tidy(note)
	if accept {
		return s.move(ctx, by, f, FindingAnswered, FindingAccepted, `review_note = $4, settled_by = $5, settled_on = $6`, note, by.Username, s.today())
	}
	if note == "" {
		var v fault.Validation
		v.Add("review_note", "inspection.return_why")
		return f, v.Err()
	}
	return s.move(ctx, by, f, FindingAnswered, FindingOpen, `review_note = $4`, note)
}

// move changes a finding's state inside a concluded inspection, re-reading both in the write.
func (s *Inspections) move(ctx context.Context, by audit.Actor, f Finding, from, to, set string, args ...any) (Finding, error) {
	err := s.St.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE inspection_findings SET status = $3, `+set+` WHERE id = $1 AND status = $2
			AND inspection_id IN (SELECT id FROM inspections WHERE status = '`+Concluded+`')`, append([]any{f.ID, from, to}, args...)...)
		if err != nil {
			return fmt.Errorf("inspection: finding %s: %w", to, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "inspection.finding_changed")
		}
		return tx.Audit(by.Entry("inspection.finding_"+to, "inspection:"+f.Inspection, fmt.Sprintf("%d %v", f.Seq, args[0])))
	})
	if err != nil {
		return f, err
	}
	g, _, err := s.finding(ctx, auth.Principal{Role: auth.Leader, Office: auth.DepartmentOffice}, f.ID)
	return g, err
}

const inspectionCols = `id, year, commune, starts_on, ends_on, period_from, period_to, lead, team, checklist, status, conclusion, concluded_on, closed_on, created_by`

func (s *Inspections) scan(row store.Scanner) (Inspection, error) {
	var in Inspection
	var team string
	err := row.Scan(&in.ID, &in.Year, &in.Commune, &in.StartsOn, &in.EndsOn, &in.PeriodFrom, &in.PeriodTo, &in.Lead, &team, &in.Checklist, &in.Status,
		&in.Conclusion, &in.ConcludedOn, &in.ClosedOn, &in.CreatedBy)
	in.Team, in.Findings = strings.Split(team, ","), []Finding{}
	if u, err := s.Units.Lookup(units.Commune, in.Commune, s.St.Now()); err == nil {
		in.CommuneName = u.Name
	}
	return in, err
}

const findingCols = `id, inspection_id, seq, item, item_text, basis, record_id, dossier_id, note, remedy, due_on, status, answer, answered_by,
	answered_on, review_note, settled_by, settled_on, found_by, found_on`

func scanFinding(today string) func(row store.Scanner) (Finding, error) {
	return func(row store.Scanner) (Finding, error) {
		var f Finding
		// The item's words as they stood when found: a checklist loaded later changes no finding.
		err := row.Scan(&f.ID, &f.Inspection, &f.Seq, &f.Item, &f.ItemText, &f.Basis, &f.Record, &f.Dossier, &f.Note, &f.Remedy, &f.DueOn, &f.Status,
			&f.Answer, &f.AnsweredBy, &f.AnsweredOn, &f.ReviewNote, &f.SettledBy, &f.SettledOn, &f.FoundBy, &f.FoundOn)
		f.Overdue = f.Status == FindingOpen && f.DueOn < today
		return f, err
	}
}

// mayReadInspection: the department's inspectors read every inspection; a commune its own, once concluded.
func mayReadInspection(p auth.Principal, in Inspection) error {
	if p.Can(auth.Inspect) {
		return nil
	}
	if !p.Can(auth.AnswerFindings) {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	if p.Office != in.Commune || in.Status == Planned {
		return fault.New(fault.NotFound, "inspection.not_found")
	}
	return nil
}

// Inspection reads an inspection with its findings.
func (s *Inspections) Inspection(ctx context.Context, p auth.Principal, id string) (Inspection, error) {
	in, err := s.scan(s.St.QueryRow(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE id = $1`, id))
	if err != nil {
		return Inspection{}, s.St.Fail(store.NotFound(err, "inspection.not_found"))
	}
	if err := mayReadInspection(p, in); err != nil {
		return Inspection{}, err
	}
	in.Findings, err = store.Collect(ctx, s.St, scanFinding(s.today()), "findings",
		`SELECT `+findingCols+` FROM inspection_findings WHERE inspection_id = $1 ORDER BY seq`, id)
	for _, f := range in.Findings {
		if f.Status != FindingAccepted {
			in.Open++
		}
	}
	return in, err
}

func (s *Inspections) finding(ctx context.Context, p auth.Principal, id string) (Finding, Inspection, error) {
	var inspection string
	if err := s.St.QueryRow(ctx, `SELECT inspection_id FROM inspection_findings WHERE id = $1`, id).Scan(&inspection); err != nil {
		return Finding{}, Inspection{}, s.St.Fail(store.NotFound(err, "inspection.not_found"))
	}
	in, err := s.Inspection(ctx, p, inspection)
	if err != nil {
		return Finding{}, in, err
	}
	i := slices.IndexFunc(in.Findings, func(f Finding) bool { return f.ID == id })
	return in.Findings[i], in, nil
}

// List is a year's inspections by their first day: all for the department, a commune's own
// concluded ones for its staff.
func (s *Inspections) List(ctx context.Context, p auth.Principal, year int) ([]Inspection, error) {
	if !p.Can(auth.Inspect) && !p.Can(auth.AnswerFindings) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	var w store.Where
	if year > 0 {
		w.Cond("i.year = " + w.Args.Add(year))
	}
	if !p.Can(auth.Inspect) {
		w.Eq("i.commune", p.Office)
		w.Cond("i.status <> " + w.Args.Add(Planned))
	}
	list, err := store.Collect(ctx, s.St, s.scan, "inspections", `SELECT `+inspectionCols+` FROM inspections i WHERE `+w.String()+` ORDER BY starts_on, id LIMIT 1000`, w.Args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	// Each one's findings not accepted yet, in one reading.
	open := map[string]int{}
	err = s.each(ctx, `SELECT f.inspection_id, COUNT(*) FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id
		WHERE `+w.String()+` AND f.status <> '`+FindingAccepted+`' GROUP BY f.inspection_id`, w.Args, func(scan func(...any) error) error {
		var id string
		var n int
		err := scan(&id, &n)
		open[id] = n
		return err
	})
	for i := range list {
		list[i].Open = open[list[i].ID]
	}
	return list, err
}

func (s *Inspections) each(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.St.Query(ctx, q, args...)
	if err != nil {
		return s.St.Fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return s.St.Fail(rows.Err())
}

// Waiting counts what waits on p: for a commune's staff, the findings of its concluded
// inspections still to answer (and of those, the overdue); for an inspector, the answers to
// decide on the inspections whose team they are on (a leader's: all).
func (s *Inspections) Waiting(ctx context.Context, p auth.Principal) (n, overdue int, err error) {
	switch {
	case p.Can(auth.AnswerFindings):
		err = s.St.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.due_on < $3 THEN 1 ELSE 0 END), 0) FROM inspection_findings f
			JOIN inspections i ON i.id = f.inspection_id WHERE i.commune = $1 AND i.status = $2 AND f.status = $4`,
			p.Office, Concluded, s.today(), FindingOpen).Scan(&n, &overdue)
	case p.Can(auth.Inspect):
		// The answers per inspection, kept where p is on the team (a leader: all).
		err = s.each(ctx, `SELECT i.team, COUNT(*) FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id
			WHERE i.status = $1 AND f.status = $2 GROUP BY i.id, i.team`, []any{Concluded, FindingAnswered}, func(scan func(...any) error) error {
			var team string
			var k int
			if err := scan(&team, &k); err != nil {
				return err
			}
			if p.Role == auth.Leader || slices.Contains(strings.Split(team, ","), p.Username) {
				n += k
			}
			return nil
		})
		return n, 0, err
	}
	return n, overdue, s.St.Fail(err)
}

// FindingCounts are the findings of concluded inspections recorded in from..to (days) per
// commune, and of them those accepted as remedied, for the dashboard and the emulation's
// computed criterion; a commune's staff read their commune's.
func (s *Inspections) FindingCounts(ctx context.Context, p auth.Principal, from, to string) (map[string][2]int, error) {
	var w store.Where
	w.Cond("f.found_on >= " + w.Args.Add(from))
	w.Cond("f.found_on <= " + w.Args.Add(to))
	// A finding counts once its inspection is concluded: before, it is the team's draft, which
	// the commune has not seen and cannot answer.
	w.Cond("i.status <> " + w.Args.Add(Planned))
	if !p.Can(auth.Inspect) && !p.Can(auth.ViewDashboard) {
		w.Eq("i.commune", p.Office)
	}
	out := map[string][2]int{}
	err := s.each(ctx, `SELECT i.commune, COUNT(*), COALESCE(SUM(CASE WHEN f.status = '`+FindingAccepted+`' THEN 1 ELSE 0 END), 0)
		FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id WHERE `+w.String()+` GROUP BY i.commune`, w.Args,
		func(scan func(...any) error) error {
			var c string
			var n [2]int
			err := scan(&c, &n[0], &n[1])
			out[c] = n
			return err
		})
	return out, err
}
