package oversight_test

import (
	"testing"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// The templates shipped are a sample, and templates are checked when read.
func TestParseTemplates(t *testing.T) {
	tm := oversight.DefaultTemplates
	if tm.Verified || len(tm.Forms) < 3 || len(tm.Periods) != 2 {
		t.Fatalf("the sample templates: %+v", tm)
	}
	for name, bad := range map[string]string{
		"no forms":        `{"periods":[{"code":"year","from":"01-01","to":"12-31"}],"forms":[]}`,
		"a bad day":       `{"periods":[{"code":"year","from":"01-01","to":"12-32"}],"forms":[{"code":"a","columns":[{"code":"x","label":"X","source":"registrations"}]}]}`,
		"unknown source":  `{"periods":[{"code":"year","from":"01-01","to":"12-31"}],"forms":[{"code":"a","columns":[{"code":"x","label":"X","source":"weather"}]}]}`,
		"unknown kind":    `{"periods":[{"code":"year","from":"01-01","to":"12-31"}],"forms":[{"code":"a","columns":[{"code":"x","label":"X","source":"registrations:divorce"}]}]}`,
		"repeated column": `{"periods":[{"code":"year","from":"01-01","to":"12-31"}],"forms":[{"code":"a","columns":[{"code":"x","label":"X","source":"registrations"},{"code":"x","label":"Y","source":"registrations"}]}]}`,
	} {
		if _, err := oversight.ParseTemplates([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A period's days in a year; one that starts after it ends begins the year before.
func TestPeriodDays(t *testing.T) {
	for _, tc := range []struct {
		p        oversight.StatPeriod
		from, to string
	}{
		{oversight.StatPeriod{From: "01-01", To: "06-30"}, "2026-01-01", "2026-06-30"},
		{oversight.StatPeriod{From: "01-01", To: "12-31"}, "2026-01-01", "2026-12-31"},
		{oversight.StatPeriod{From: "10-01", To: "09-30"}, "2025-10-01", "2026-09-30"},
		{oversight.StatPeriod{From: "10-01", To: "03-31"}, "2025-10-01", "2026-03-31"},
	} {
		from, to := tc.p.Days(2026)
		if from.Format("2006-01-02") != tc.from || to.Format("2006-01-02") != tc.to {
			t.Errorf("%+v: %s–%s, want %s–%s", tc.p, from.Format("2006-01-02"), to.Format("2006-01-02"), tc.from, tc.to)
		}
	}
}

// A cell is the figure its source names.
func TestCell(t *testing.T) {
	f := oversight.Figures{ByKind: map[string]int{"birth": 7}, LateByKind: map[string]int{"birth": 2}, Settled: 10, OnTime: 9, Overdue: 1, Mediations: 4}
	for source, want := range map[string]int{"registrations:birth": 7, "late:birth": 2, "registrations:death": 0, "dossiers_late": 1, "dossiers_overdue": 1, "mediation_cases": 4} {
		if n, ok := oversight.Cell(source, f); !ok || n != want {
			t.Errorf("%s: %d %v, want %d", source, n, ok, want)
		}
	}
	if _, ok := oversight.Cell("late:weather", f); ok {
		t.Error("an unknown kind counted")
	}
}

// A report from generation to lock: the province's rows (communes of today and the
// department's line) and their total; a commune's own; a draft generated again, a locked one
// refused; a later registration shown as a difference beside the locked figures.
func TestStatisticalReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, dash := inspections(t, st)
		s := &oversight.Statistics{St: st, Dashboard: dash, Templates: oversight.DefaultTemplates}
		birthAt(t, dash.Registration, "21025", "Nguyễn Thị Hồng Đào") // born 2 January, registered in November: late
		birthAt(t, dash.Registration, "21028", "Lê Thị Mai")
		signer := auth.Principal{Username: "chutich", Role: auth.Signer, Office: "21025"}

		_, err := s.Generate(ctx, lead, actor(lead), "weather", "winter", 2030, oversight.Province)
		for field, code := range map[string]string{"form": "statistics.form_unknown", "period": "statistics.period_unknown"} {
			if !hasField(err, field, code) {
				t.Errorf("%s: want %s in %v", field, code, err)
			}
		}
		if _, err := s.Generate(ctx, lead, actor(lead), "hotich", "year", 2027, oversight.Province); !hasField(err, "year", "statistics.year_bad") {
			t.Errorf("a year not begun: %v", err)
		}
		if _, err := s.Generate(ctx, officer, actor(officer), "hotich", "year", 2026, oversight.Province); !fault.Is(err, fault.NotFound) {
			t.Errorf("a commune reports for the province: %v", err)
		}
		r, err := s.Generate(ctx, lead, actor(lead), "hotich", "year", 2026, oversight.Province)
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string][]int{}
		for _, row := range r.Rows {
			byCode[row.Code] = row.Cells
		}
		// Columns: birth, birth late, death, death late, marriage, …
		if r.Status != "draft" || r.From != "2026-01-01" || r.To != "2026-12-31" || len(r.Rows) < 90 || byCode["21025"][0] != 1 || byCode["21025"][1] != 1 ||
			byCode["21028"][0] != 1 || byCode["department"] == nil || r.Total.Cells[0] != 2 || r.Total.Cells[1] != 2 {
			t.Fatalf("the province's report: %s %s–%s %d rows, 21025 %v, total %v", r.Status, r.From, r.To, len(r.Rows), byCode["21025"], r.Total.Cells)
		}
		// Generated again a minute later: the same report, and a leader who read the first
		// figures cannot lock the new ones unread.
		st.Now = func() time.Time { return midNovembe.Add(time.Minute) }
		again, err := s.Generate(ctx, lead, actor(lead), "hotich", "year", 2026, oversight.Province)
		if err != nil || again.ID != r.ID || !again.GeneratedAt.After(r.GeneratedAt) {
			t.Fatalf("a draft generated again is replaced: %v %s %s", err, again.ID, r.ID)
		}
		if _, err := s.Lock(ctx, lead, actor(lead), r.ID, "", again.GeneratedAt); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a specialist locks: %v", err)
		}
		if _, err := s.Lock(ctx, leader, actor(leader), r.ID, "", r.GeneratedAt); !fault.Is(err, fault.Conflict) {
			t.Fatalf("figures locked unread: %v", err)
		}
		if r, err = s.Lock(ctx, leader, actor(leader), r.ID, "Đã đối chiếu với sổ hộ tịch", again.GeneratedAt); err != nil || r.Status != "locked" || r.LockedBy != "lanhdao" || len(r.Differences) != 0 {
			t.Fatalf("locked: %v %+v", err, r)
		}
		if _, err := s.Generate(ctx, lead, actor(lead), "hotich", "year", 2026, oversight.Province); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a locked report generated again: %v", err)
		}

		// A registration made later in the period: the locked figures stay, the difference shows.
		birthAt(t, dash.Registration, "21025", "Phạm Văn Long")
		r, err = s.Report(ctx, leader, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range r.Rows {
			if row.Code == "21025" && row.Cells[0] != 1 {
				t.Fatalf("a locked figure changed: %v", row.Cells)
			}
		}
		name := ""
		for _, row := range r.Rows {
			if row.Code == "21025" {
				name = row.Name
			}
		}
		want := map[oversight.Difference]bool{
			{Row: "21025", Name: name, Column: "birth", Locked: 1, Now: 2}:           false,
			{Row: "21025", Name: name, Column: "birth_late", Locked: 1, Now: 2}:      false,
			{Row: "total", Name: "Tổng số", Column: "birth", Locked: 2, Now: 3}:      false,
			{Row: "total", Name: "Tổng số", Column: "birth_late", Locked: 2, Now: 3}: false,
		}
		for _, d := range r.Differences {
			if _, ok := want[d]; !ok {
				t.Errorf("an unexpected difference: %+v", d)
			}
			want[d] = true
		}
		for d, seen := range want {
			if !seen {
				t.Errorf("a difference missing: %+v", d)
			}
		}

		// A commune's own report: its officer generates, its chairperson locks; another
		// commune's staff do not see it.
		mine, err := s.Generate(ctx, officer, actor(officer), "hotich", "6m", 2026, "21025")
		if err != nil || len(mine.Rows) != 1 || mine.Rows[0].Code != "21025" || mine.To != "2026-06-30" {
			t.Fatalf("a commune's report: %v %+v", err, mine)
		}
		other := auth.Principal{Username: "chutich2", Role: auth.Signer, Office: "21028"}
		if _, err := s.Lock(ctx, other, actor(other), mine.ID, "", mine.GeneratedAt); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune locks it: %v", err)
		}
		if _, err := s.Lock(ctx, signer, actor(signer), mine.ID, "", mine.GeneratedAt); err != nil {
			t.Fatal(err)
		}
		// Its figures do not depend on who reads them: the department reads no difference.
		if read, err := s.Report(ctx, leader, mine.ID); err != nil || len(read.Differences) != 0 || len(read.Rows) != 1 {
			t.Fatalf("the commune's report read by a leader: %v %+v", err, read.Differences)
		}
		if list, err := s.List(ctx, officer, 2026); err != nil || len(list) != 1 || list[0].ID != mine.ID {
			t.Fatalf("the commune's list: %v %d", err, len(list))
		}
		if list, err := s.List(ctx, leader, 2026); err != nil || len(list) != 2 {
			t.Fatalf("the department's list: %v %d", err, len(list))
		}
	})
}
