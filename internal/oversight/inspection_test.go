package oversight_test

import (
	"strings"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// The checklist shipped is a sample, and a checklist is checked when read.
func TestParseChecklist(t *testing.T) {
	c := oversight.DefaultChecklist
	if c.Verified || len(c.Items) < 5 {
		t.Fatalf("the sample checklist: %+v", c)
	}
	for _, code := range []string{"late_reason", "marginal_note", "dossier_late"} {
		if it, ok := c.Item(code); !ok || it.Link == "" || it.Basis == "" {
			t.Errorf("%s: %+v", code, it)
		}
	}
	for name, bad := range map[string]string{
		"no items":      `{"items":[]}`,
		"repeated code": `{"items":[{"code":"a","text":"A"},{"code":"a","text":"B"}]}`,
		"no text":       `{"items":[{"code":"a","text":" "}]}`,
		"unknown link":  `{"items":[{"code":"a","text":"A","link":"person"}]}`,
	} {
		if _, err := oversight.ParseChecklist([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func inspections(t *testing.T, st *store.Store) (*oversight.Inspections, *oversight.Service) {
	t.Helper()
	g := setup(t, st)
	dash := dashboard(t, st)
	s := &oversight.Inspections{St: st, Units: dash.Units, Registration: dash.Registration, Reception: dash.Reception, User: g.User,
		Checklist: oversight.DefaultChecklist}
	dash.Inspections = s
	return s, dash
}

func birthAt(t *testing.T, rs *registration.Service, office, name string) civil.Record {
	t.Helper()
	r, err := rs.RegisterBirth(ctx, auth.Principal{Username: "canbo", Role: auth.Officer, Office: office}, by, registration.BirthRequest{
		Desk: registration.Desk{Office: office}, Birth: civil.Birth{
			Child:     civil.Person{FullName: name, Sex: civil.Female, DateOfBirth: "2026-01-02", PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
			Mother:    &civil.Parent{FullName: "Trần Thị Lan"},
			Requester: civil.Requester{FullName: "Trần Thị Lan", Relation: "mẹ"}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func actor(p auth.Principal) audit.Actor { return audit.Actor{Username: p.Username} }

func plan() oversight.Inspection {
	return oversight.Inspection{Commune: "21025", StartsOn: "2026-11-10", EndsOn: "2026-11-20", PeriodFrom: "2026-01-01", PeriodTo: "2026-10-31",
		Lead: "chuyenvien", Team: []string{"chuyenvien2"}}
}

// Planning: a commune of today, days in order, the period inspected ended by the last day, a
// team of the department's inspectors.
func TestPlanInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, _ := inspections(t, st)
		if _, err := s.Plan(ctx, officer, actor(officer), plan()); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune plans an inspection: %v", err)
		}
		bad := plan()
		bad.Commune, bad.EndsOn, bad.PeriodTo, bad.Team = "99999", "2026-11-01", "2026-11-25", []string{"canbo"}
		_, err := s.Plan(ctx, leader, actor(leader), bad)
		for field, code := range map[string]string{"commune": "emulation.commune_unknown", "ends_on": "inspection.ends_before",
			"period_to": "inspection.period_after", "team": "inspection.member_unknown"} {
			if !hasField(err, field, code) {
				t.Errorf("%s: want %s in %v", field, code, err)
			}
		}
		bad = plan()
		bad.Lead, bad.StartsOn, bad.PeriodFrom = "", "10/11/2026", "2026-11-01"
		_, err = s.Plan(ctx, leader, actor(leader), bad)
		for field, code := range map[string]string{"lead": "civil.required", "starts_on": "civil.date_format", "period_to": "inspection.period_order"} {
			if !hasField(err, field, code) {
				t.Errorf("%s: want %s in %v", field, code, err)
			}
		}
		in, err := s.Plan(ctx, leader, actor(leader), plan())
		if err != nil {
			t.Fatal(err)
		}
		if in.Year != 2026 || in.Status != oversight.Planned || strings.Join(in.Team, ",") != "chuyenvien,chuyenvien2" || in.CommuneName == "" {
			t.Fatalf("planned: %+v", in)
		}
	})
}

// An inspection from plan to closure: findings linked to the commune's entries and dossiers;
// the commune sees them once concluded and answers; the team returns an answer or accepts it;
// closed when every finding is accepted. The findings reach the dashboard and the emulation.
func TestInspectionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, dash := inspections(t, st)
		lateBirth := birthAt(t, dash.Registration, "21025", "Nguyễn Thị Hồng Đào")
		elsewhere := birthAt(t, dash.Registration, "21028", "Lê Thị Mai")
		var dossierCode string
		if err := st.QueryRow(ctx, `SELECT code FROM dossiers WHERE record_id = $1`, lateBirth.ID).Scan(&dossierCode); err != nil {
			t.Fatal(err)
		}
		in, err := s.Plan(ctx, leader, actor(leader), plan())
		if err != nil {
			t.Fatal(err)
		}
		add := func(p auth.Principal, f oversight.Finding) (oversight.Finding, error) {
			return s.AddFinding(ctx, p, actor(p), in.ID, f)
		}
		finding := func(item, record, dossier string) oversight.Finding {
			return oversight.Finding{Item: item, Record: record, Dossier: dossier, Note: "Đăng ký khai sinh quá hạn, không ghi lý do",
				Remedy: "Bổ sung lý do và giấy tờ chứng minh", DueOn: "2026-12-15"}
		}
		for _, tc := range []struct {
			name  string
			f     oversight.Finding
			field string
			code  string
		}{
			{"an entry item with no entry", finding("late_reason", "", ""), "record_id", "inspection.record_needed"},
			{"another commune's entry", finding("late_reason", elsewhere.ID, ""), "record_id", "inspection.record_elsewhere"},
			{"an entry that is not", finding("late_reason", "x", ""), "record_id", "inspection.record_unknown"},
			{"a dossier item with no dossier", finding("dossier_late", "", ""), "dossier_id", "inspection.dossier_needed"},
			{"a dossier that is not", finding("dossier_late", "", "KS-0000"), "dossier_id", "inspection.dossier_unknown"},
			{"an item not on the list", finding("weather", "", ""), "item", "inspection.item_unknown"},
			{"a remedy owed in the past", oversight.Finding{Item: "books", Note: "x", Remedy: "y", DueOn: "2026-11-01"}, "due_on", "inspection.due_past"},
			{"nothing said", oversight.Finding{Item: "books"}, "note", "civil.required"},
		} {
			if _, err := add(lead, tc.f); !hasField(err, tc.field, tc.code) {
				t.Errorf("%s: want %s %s, got %v", tc.name, tc.field, tc.code, err)
			}
		}
		if _, err := add(auth.Principal{Username: "khac", Role: auth.Specialist, Office: auth.DepartmentOffice}, finding("books", "", "")); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a specialist off the team: %v", err)
		}
		f1, err := add(lead, finding("late_reason", lateBirth.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		f2, err := add(leader, finding("dossier_late", "", dossierCode)) // a leader acts on any inspection
		if err != nil {
			t.Fatal(err)
		}
		if f1.Seq != 1 || f2.Seq != 2 || f2.Dossier != dossierCode || f1.ItemText == "" || f1.Basis == "" {
			t.Fatalf("findings: %+v %+v", f1, f2)
		}

		// Before the conclusion, the commune sees nothing, and nothing counts against it.
		if list, err := s.List(ctx, officer, 2026); err != nil || len(list) != 0 {
			t.Fatalf("the commune's list before the conclusion: %v %+v", err, list)
		}
		if counts, err := s.FindingCounts(ctx, leader, "2026-01-01", "2026-12-31"); err != nil || len(counts) != 0 {
			t.Fatalf("the findings of an inspection under way counted: %v %v", counts, err)
		}
		if _, err := s.Answer(ctx, officer, actor(officer), f1.ID, "Đã bổ sung"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("answered before the conclusion: %v", err)
		}
		if _, err := s.Conclude(ctx, colleague, actor(colleague), in.ID, "Kết luận"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a member who does not lead concludes: %v", err)
		}
		if _, err := s.Conclude(ctx, lead, actor(lead), in.ID, " "); !hasField(err, "conclusion", "civil.required") {
			t.Fatalf("an empty conclusion: %v", err)
		}
		if in, err = s.Conclude(ctx, lead, actor(lead), in.ID, "Công tác hộ tịch cơ bản đúng quy định; còn 2 sai sót cần khắc phục."); err != nil || in.Status != oversight.Concluded || in.ConcludedOn != "2026-11-16" {
			t.Fatalf("concluded: %v %+v", err, in)
		}
		if _, err := add(lead, finding("books", "", "")); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a finding after the conclusion: %v", err)
		}

		// The commune sees its findings and answers; another commune does not see them.
		if n, overdue, err := s.Waiting(ctx, officer); err != nil || n != 2 || overdue != 0 {
			t.Fatalf("waiting on the commune: %d %d %v", n, overdue, err)
		}
		if _, err := s.Inspection(ctx, auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}, in.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune reads it: %v", err)
		}
		if _, err := s.Answer(ctx, officer, actor(officer), f1.ID, ""); !hasField(err, "answer", "civil.required") {
			t.Fatalf("an empty answer: %v", err)
		}
		if f, err := s.Answer(ctx, officer, actor(officer), f1.ID, "Đã bổ sung lý do vào hồ sơ"); err != nil || f.Status != oversight.FindingAnswered {
			t.Fatalf("answered: %v %+v", err, f)
		}
		if _, err := s.Answer(ctx, officer, actor(officer), f1.ID, "Lần nữa"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("answered twice: %v", err)
		}
		if n, _, _ := s.Waiting(ctx, colleague); n != 1 {
			t.Fatalf("waiting on the team: %d", n)
		}
		if _, err := s.Settle(ctx, lead, actor(lead), f1.ID, false, ""); !hasField(err, "review_note", "inspection.return_why") {
			t.Fatalf("returned without a reason: %v", err)
		}
		if f, err := s.Settle(ctx, lead, actor(lead), f1.ID, false, "Chưa có giấy tờ chứng minh"); err != nil || f.Status != oversight.FindingOpen || f.ReviewNote == "" {
			t.Fatalf("returned: %v %+v", err, f)
		}
		if _, err := s.Answer(ctx, officer, actor(officer), f1.ID, "Đã bổ sung giấy chứng sinh"); err != nil {
			t.Fatal(err)
		}
		if f, err := s.Settle(ctx, lead, actor(lead), f1.ID, true, ""); err != nil || f.Status != oversight.FindingAccepted || f.SettledBy != "chuyenvien" {
			t.Fatalf("accepted: %v %+v", err, f)
		}
		if _, err := s.Close(ctx, lead, actor(lead), in.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("closed with a finding open: %v", err)
		}

		// Past its day, the open finding is overdue on the commune's page.
		st.Now = func() time.Time { return time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC) }
		if n, overdue, _ := s.Waiting(ctx, officer); n != 1 || overdue != 1 {
			t.Fatalf("overdue: %d %d", n, overdue)
		}
		if got, _ := s.Inspection(ctx, officer, in.ID); !got.Findings[1].Overdue || got.Open != 1 {
			t.Fatalf("the overdue finding: %+v", got.Findings[1])
		}
		if _, err := s.Answer(ctx, officer, actor(officer), f2.ID, "Đã gửi văn bản xin lỗi"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Settle(ctx, leader, actor(leader), f2.ID, true, "Đạt"); err != nil {
			t.Fatal(err)
		}
		if in, err = s.Close(ctx, lead, actor(lead), in.ID); err != nil || in.Status != oversight.Closed || in.Open != 0 {
			t.Fatalf("closed: %v %+v", err, in)
		}

		counts, err := s.FindingCounts(ctx, leader, "2026-01-01", "2026-12-31")
		if err != nil || counts["21025"] != [2]int{2, 2} || len(counts) != 1 {
			t.Fatalf("finding counts: %v %v", counts, err)
		}
		d, err := dash.Dashboard(ctx, leader, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		seen := false
		for _, c := range d.Communes {
			if c.Code == "21025" {
				seen = true
				if c.Findings != 2 || c.Remedied != 2 {
					t.Fatalf("the dashboard's commune: %+v", c)
				}
			}
		}
		if !seen {
			t.Fatal("21025 is not on the dashboard")
		}
		if d.Province.Findings != 2 {
			t.Fatalf("the province's findings: %+v", d.Province)
		}
		e := &oversight.Emulation{St: st, Dashboard: dash, Sets: []oversight.Criteria{oversight.DefaultCriteria}}
		scores, err := e.Scores(ctx, officer, 2026)
		if err != nil || len(scores) != 1 {
			t.Fatal(err)
		}
		found := false
		for _, p := range scores[0].Points {
			if p.Code == "discipline" {
				found = true
				if p.Points != 11 || !strings.Contains(p.Why, "2 sai sót qua kiểm tra") {
					t.Fatalf("the discipline point: %+v", p)
				}
			}
		}
		if !found {
			t.Fatal("no discipline point")
		}
	})
}
