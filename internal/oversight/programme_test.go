package oversight_test

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx        = context.Background()
	leader     = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	lead       = auth.Principal{Username: "chuyenvien", Role: auth.Specialist, Office: auth.DepartmentOffice}
	colleague  = auth.Principal{Username: "chuyenvien2", Role: auth.Specialist, Office: auth.DepartmentOffice}
	officer    = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	by         = audit.Actor{Username: "lanhdao"}
	midNovembe = time.Date(2026, 11, 16, 3, 0, 0, 0, time.UTC)
)

func setup(t *testing.T, st *store.Store) *oversight.Programme {
	t.Helper()
	st.Now = func() time.Time { return midNovembe }
	accounts := account.New(st)
	if err := accounts.SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), midNovembe)); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name   string
		role   auth.Role
		office string
	}{{"lanhdao", auth.Leader, auth.DepartmentOffice}, {"chuyenvien", auth.Specialist, auth.DepartmentOffice}, {"chuyenvien2", auth.Specialist, auth.DepartmentOffice},
		{"canbo", auth.Officer, "21025"}} {
		if _, err := accounts.AddUser(ctx, account.NewUser{Username: u.name, FullName: "Nguyễn Văn An", Role: string(u.role), Office: u.office,
			Password: "mật khẩu đủ dài 2026"}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	return &oversight.Programme{St: st, User: accounts.User}
}

func task() oversight.Task {
	return oversight.Task{Year: 2026, Title: "Tổng kết 10 năm thi hành Luật Hộ tịch", Unit: "Phòng Hành chính tư pháp", Lead: "chuyenvien", DueOn: "2026-12-15",
		Milestones: []oversight.Milestone{{Title: "Xây dựng đề cương báo cáo", DueOn: "2026-11-10"}, {Title: "Tổ chức hội nghị", DueOn: "2026-12-10"}}}
}

func hasField(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Fields[field] == code
}

// A task's rules, every problem at once: its day within its year, a lead who is department
// staff, milestones named, in order and due by the task's day.
func TestTaskRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g := setup(t, st)
		for _, c := range []struct {
			name        string
			change      func(*oversight.Task)
			field, code string
		}{
			{"no title", func(x *oversight.Task) { x.Title = " " }, "title", "civil.required"},
			{"due next year", func(x *oversight.Task) { x.DueOn = "2027-01-05" }, "due_on", "programme.due_outside_year"},
			{"a commune officer leads", func(x *oversight.Task) { x.Lead = "canbo" }, "lead", "programme.lead_unknown"},
			{"nobody leads", func(x *oversight.Task) { x.Lead = "" }, "lead", "civil.required"},
			{"a step after the task", func(x *oversight.Task) { x.Milestones[1].DueOn = "2026-12-20" }, "milestones.2", "programme.milestone_after_task"},
			{"steps out of order", func(x *oversight.Task) { x.Milestones[0].DueOn = "2026-12-12" }, "milestones.2", "programme.milestones_order"},
			{"a step without a name", func(x *oversight.Task) { x.Milestones[0].Title = "" }, "milestones.1", "programme.milestone_title"},
			{"a step in another year", func(x *oversight.Task) { x.Milestones[0].DueOn = "2025-12-20" }, "milestones.1", "programme.due_outside_year"},
		} {
			x := task()
			x.Milestones = append([]oversight.Milestone(nil), x.Milestones...)
			c.change(&x)
			if _, err := g.AddTask(ctx, leader, by, x); !hasField(err, c.field, c.code) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if _, err := g.AddTask(ctx, lead, by, task()); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a specialist sets the programme: %v", err)
		}
	})
}

// Progress: reported by the lead (or a leader), never going back, with the milestones reached;
// at 100% the task is done; an undone task past its day is overdue for the leaders and its lead.
func TestProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g := setup(t, st)
		x, err := g.AddTask(ctx, leader, by, task())
		if err != nil {
			t.Fatal(err)
		}
		if !x.Milestones[0].Overdue || x.Milestones[1].Overdue || x.Overdue {
			t.Fatalf("the first step is past its day, the task is not: %+v", x)
		}
		if _, err := g.ReportProgress(ctx, colleague, audit.Actor{Username: "chuyenvien2"}, x.ID, 30, nil, "Đã xong đề cương"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("another specialist reports: %v", err)
		}
		if x, err = g.ReportProgress(ctx, lead, audit.Actor{Username: "chuyenvien"}, x.ID, 40, []int{1}, "Đã xong đề cương"); err != nil || x.Progress != 40 ||
			x.Milestones[0].DoneOn != "2026-11-16" || x.Milestones[0].Overdue || len(x.Reports) != 1 {
			t.Fatalf("reported: %v %+v", err, x)
		}
		if _, err := g.ReportProgress(ctx, lead, audit.Actor{Username: "chuyenvien"}, x.ID, 20, nil, "Sửa lại"); !hasField(err, "progress", "programme.progress_back") {
			t.Fatalf("progress going back: %v", err)
		}
		if _, err := g.ReportProgress(ctx, lead, audit.Actor{Username: "chuyenvien"}, x.ID, 50, []int{3}, "x"); !hasField(err, "milestones", "programme.milestone_unknown") {
			t.Fatalf("an unknown milestone: %v", err)
		}
		if n, err := g.OverdueCount(ctx, leader); err != nil || n != 0 {
			t.Fatalf("overdue now: %d %v", n, err)
		}
		st.Now = func() time.Time { return time.Date(2026, 12, 16, 3, 0, 0, 0, time.UTC) }
		for _, p := range []auth.Principal{leader, lead} {
			if n, err := g.OverdueCount(ctx, p); err != nil || n != 1 {
				t.Fatalf("%s: overdue after its day: %d %v", p.Username, n, err)
			}
		}
		if n, _ := g.OverdueCount(ctx, colleague); n != 0 {
			t.Fatalf("another's overdue task counted: %d", n)
		}
		if x, err = g.ReportProgress(ctx, leader, by, x.ID, 100, nil, "Đã tổ chức hội nghị tổng kết"); err != nil || x.DoneOn != "2026-12-16" || x.Overdue ||
			x.Milestones[1].Overdue {
			t.Fatalf("done: %v %+v", err, x)
		}
		if _, err := g.ReportProgress(ctx, leader, by, x.ID, 100, nil, "lại"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a done task reported again: %v", err)
		}
		if list, err := g.Tasks(ctx, lead, 2026, false); err != nil || len(list) != 1 {
			t.Fatalf("the year's programme: %v %d", err, len(list))
		}
		if _, err := g.Tasks(ctx, officer, 2026, false); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer reads the department's programme: %v", err)
		}
	})
}
