package oversight

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// The work programme (chương trình công tác): the leaders set the year's tasks, each with the
// unit responsible, the person who leads it and its deadline, and milestones on the way; the
// lead reports progress; a task past its day and not done is overdue, on the home page.

// Task is a task of the year's programme.
type Task struct {
	ID         string      `json:"id"`
	Year       int         `json:"year"`
	Title      string      `json:"title"`
	Unit       string      `json:"unit"`
	Lead       string      `json:"lead"` // a department user's username
	DueOn      string      `json:"due_on"`
	Progress   int         `json:"progress"` // percent, as last reported
	DoneOn     string      `json:"done_on,omitempty"`
	Overdue    bool        `json:"overdue,omitempty"`
	Milestones []Milestone `json:"milestones"`
	Reports    []Report    `json:"reports,omitempty"`
	CreatedBy  string      `json:"created_by"`
}

// Milestone is a step of a task with its own day.
type Milestone struct {
	Seq     int    `json:"seq"`
	Title   string `json:"title"`
	DueOn   string `json:"due_on"`
	DoneOn  string `json:"done_on,omitempty"`
	Overdue bool   `json:"overdue,omitempty"`
}

// Report is a progress report.
type Report struct {
	At       time.Time `json:"reported_at"`
	By       string    `json:"reported_by"`
	Progress int       `json:"progress"`
	Note     string    `json:"note"`
}

// Programme is the work programme's store: the tasks, their milestones and reports.
type Programme struct {
	St *store.Store
	// User finds an account: a task's lead is a department user.
	User func(ctx context.Context, username string) (auth.User, error)
}

func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

func (g *Programme) today() string { return g.St.Now().In(calendar.Vietnam).Format(civil.DateFormat) }

// checkTask checks a task and its milestones, every problem at once.
func (g *Programme) checkTask(ctx context.Context, t *Task) error {
	t.Title, t.Unit, t.Lead = tidy(t.Title), tidy(t.Unit), strings.TrimSpace(t.Lead)
	var v fault.Validation
	v.Check(t.Title != "", "title", "civil.required")
	v.Check(t.Unit != "", "unit", "civil.required")
	due, ok := civil.ParseDate(t.DueOn)
	switch {
	case t.DueOn == "":
		v.Add("due_on", "civil.required")
	case !ok:
		v.Add("due_on", "civil.date_format")
	case due.Year() != t.Year:
		v.Add("due_on", "programme.due_outside_year") // a task of the year ends within it
	}
	if t.Lead == "" {
		v.Add("lead", "civil.required")
	} else {
		u, err := g.User(ctx, t.Lead)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
		v.Check(err == nil && !u.Disabled && u.Office == auth.DepartmentOffice && (auth.Principal{Role: u.Role}).Can(auth.ReportProgramme),
			"lead", "programme.lead_unknown")
	}
	for i := range t.Milestones {
		m := &t.Milestones[i]
		m.Seq, m.Title = i+1, tidy(m.Title)
		field := fmt.Sprintf("milestones.%d", i+1) // as the form numbers them
		md, ok := civil.ParseDate(m.DueOn)
		switch {
		case m.Title == "":
			v.Add(field, "programme.milestone_title")
		case !ok:
			v.Add(field, "civil.date_format")
		case md.Year() != t.Year:
			v.Add(field, "programme.due_outside_year")
		case due.Year() == t.Year && md.After(due):
			v.Add(field, "programme.milestone_after_task") // a step falls due by its task's day
		case i > 0 && m.DueOn < t.Milestones[i-1].DueOn:
			v.Add(field, "programme.milestones_order")
		}
	}
	return v.Err()
}

// AddTask puts a task in the year's programme (the leaders).
func (g *Programme) AddTask(ctx context.Context, p auth.Principal, by audit.Actor, t Task) (Task, error) {
	if err := p.Allow(auth.PlanProgramme, ""); err != nil {
		return t, err
	}
	if err := g.checkTask(ctx, &t); err != nil {
		return t, err
	}
	t.ID, t.CreatedBy, t.Progress, t.DoneOn = store.NewID(), by.Username, 0, ""
	err := g.St.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO programme_tasks (id, year, title, unit, lead, due_on, progress, done_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0, '', $7, $8)`, t.ID, t.Year, t.Title, t.Unit, t.Lead, t.DueOn, t.CreatedBy, store.Time(tx.Now())); err != nil {
			return fmt.Errorf("programme: add task: %w", err)
		}
		for _, m := range t.Milestones {
			if _, err := tx.Exec(`INSERT INTO programme_milestones (task_id, seq, title, due_on, done_on) VALUES ($1, $2, $3, $4, '')`,
				t.ID, m.Seq, m.Title, m.DueOn); err != nil {
				return fmt.Errorf("programme: add milestone: %w", err)
			}
		}
		return tx.Audit(by.Entry("programme.add", "task:"+t.ID, t.Title))
	})
	if err != nil {
		return t, err
	}
	return g.Task(ctx, p, t.ID)
}

// ReportProgress records the lead's (or a leader's) progress: a percent that does not go back,
// the milestones reached today, a note; at 100 the task is done today.
func (g *Programme) ReportProgress(ctx context.Context, p auth.Principal, by audit.Actor, id string, progress int, reached []int, note string) (Task, error) {
	t, err := g.Task(ctx, p, id)
	if err != nil {
		return t, err
	}
	if t.Lead != p.Username && !p.Can(auth.PlanProgramme) {
		return t, fault.New(fault.Forbidden, "programme.not_your_task")
	}
	note = tidy(note)
	var v fault.Validation
	v.Check(progress >= 0 && progress <= 100, "progress", "programme.progress_range")
	v.Check(progress >= t.Progress, "progress", "programme.progress_back")
	v.Check(note != "", "note", "civil.required")
	for _, seq := range reached {
		v.Check(seq >= 1 && seq <= len(t.Milestones), "milestones", "programme.milestone_unknown")
	}
	if err := v.Err(); err != nil {
		return t, err
	}
	today := g.today()
	done := ""
	if progress == 100 {
		done = today
	}
	err = g.St.Write(ctx, func(tx *store.Tx) error {
		// The progress re-read with the write: two reports at once never lower it.
		res, err := tx.Exec(`UPDATE programme_tasks SET progress = $2, done_on = $3 WHERE id = $1 AND progress <= $2 AND done_on = ''`, id, progress, done)
		if err != nil {
			return fmt.Errorf("programme: progress: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "programme.changed")
		}
		for _, seq := range reached {
			if _, err := tx.Exec(`UPDATE programme_milestones SET done_on = $3 WHERE task_id = $1 AND seq = $2 AND done_on = ''`, id, seq, today); err != nil {
				return fmt.Errorf("programme: milestone: %w", err)
			}
		}
		if _, err := tx.Exec(`INSERT INTO programme_reports (id, task_id, reported_at, reported_by, progress, note) VALUES ($1, $2, $3, $4, $5, $6)`,
			store.NewID(), id, store.Time(tx.Now()), by.Username, progress, note); err != nil {
			return fmt.Errorf("programme: report: %w", err)
		}
		return tx.Audit(by.Entry("programme.progress", "task:"+id, fmt.Sprintf("%d%% %s", progress, note)))
	})
	if err != nil {
		return t, err
	}
	return g.Task(ctx, p, id)
}

const taskCols = `id, year, title, unit, lead, due_on, progress, done_on, created_by`

func (g *Programme) scan(row store.Scanner) (Task, error) {
	var t Task
	err := row.Scan(&t.ID, &t.Year, &t.Title, &t.Unit, &t.Lead, &t.DueOn, &t.Progress, &t.DoneOn, &t.CreatedBy)
	t.Overdue = t.DoneOn == "" && t.DueOn < g.today()
	t.Milestones = []Milestone{}
	return t, err
}

// mayRead: the programme is the department's: its leaders and staff read it.
func mayRead(p auth.Principal) error {
	if !p.Can(auth.PlanProgramme) && !p.Can(auth.ReportProgramme) {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	return nil
}

// Task reads a task with its milestones and reports.
func (g *Programme) Task(ctx context.Context, p auth.Principal, id string) (Task, error) {
	if err := mayRead(p); err != nil {
		return Task{}, err
	}
	t, err := g.scan(g.St.QueryRow(ctx, `SELECT `+taskCols+` FROM programme_tasks WHERE id = $1`, id))
	if err != nil {
		return t, g.St.Fail(store.NotFound(err, "programme.not_found"))
	}
	today := g.today()
	if t.Milestones, err = store.Collect(ctx, g.St, func(row store.Scanner) (Milestone, error) {
		var m Milestone
		err := row.Scan(&m.Seq, &m.Title, &m.DueOn, &m.DoneOn)
		m.Overdue = m.DoneOn == "" && m.DueOn < today && t.DoneOn == "" // a done task's steps are behind it
		return m, err
	}, "milestones", `SELECT seq, title, due_on, done_on FROM programme_milestones WHERE task_id = $1 ORDER BY seq`, id); err != nil {
		return t, err
	}
	t.Reports, err = store.Collect(ctx, g.St, func(row store.Scanner) (Report, error) {
		var r Report
		return r, row.Scan(store.ScanTime(&r.At), &r.By, &r.Progress, &r.Note)
	}, "reports", `SELECT reported_at, reported_by, progress, note FROM programme_reports WHERE task_id = $1 ORDER BY reported_at, id`, id)
	return t, err
}

// Tasks lists a year's programme by deadline; overdue only when asked.
func (g *Programme) Tasks(ctx context.Context, p auth.Principal, year int, overdue bool) ([]Task, error) {
	if err := mayRead(p); err != nil {
		return nil, err
	}
	var w store.Where
	if year > 0 {
		w.Cond("year = " + w.Args.Add(year))
	}
	if overdue {
		w.Cond("done_on = ''")
		w.Cond("due_on < " + w.Args.Add(g.today()))
	}
	return store.Collect(ctx, g.St, g.scan, "tasks", `SELECT `+taskCols+` FROM programme_tasks WHERE `+w.String()+` ORDER BY due_on, id LIMIT 1000`, w.Args...)
}

// OverdueCount counts the tasks past their day that wait on p: a leader's all, a lead's own.
func (g *Programme) OverdueCount(ctx context.Context, p auth.Principal) (int, error) {
	if mayRead(p) != nil {
		return 0, nil
	}
	var w store.Where
	w.Cond("done_on = ''")
	w.Cond("due_on < " + w.Args.Add(g.today()))
	if !p.Can(auth.PlanProgramme) {
		w.Eq("lead", p.Username)
	}
	var n int
	err := g.St.QueryRow(ctx, `SELECT COUNT(*) FROM programme_tasks WHERE `+w.String(), w.Args...).Scan(&n)
	return n, g.St.Fail(err)
}
