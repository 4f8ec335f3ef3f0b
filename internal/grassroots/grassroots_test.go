package grassroots_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx        = context.Background()
	officer    = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	neighbour  = auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}
	specialist = auth.Principal{Username: "chuyenvien", Role: auth.Specialist, Office: auth.DepartmentOffice}
	leader     = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	by         = audit.Actor{Username: "canbo"}
	november   = time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
)

func setup(t *testing.T, st *store.Store) *grassroots.Service {
	t.Helper()
	st.Now = func() time.Time { return november }
	reg := units.MustLoad()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, november)); err != nil {
		t.Fatal(err)
	}
	return grassroots.New(st, reg)
}

func team(commune, village string) grassroots.Team {
	return grassroots.Team{Commune: commune, Village: village, Members: []grassroots.Member{
		{FullName: "Lê Văn Hùng", Sex: "male", Leader: true}, {FullName: "Trần Thị Mai", Sex: "female"}, {FullName: "Phạm Văn Tư", Sex: "male"}}}
}

// A commune enters its year, submits it, the department returns it with a note, the commune
// corrects and submits again, the department accepts it: from then on the year does not change.
// A commune sees and enters only its own rows.
func TestYearEnteredReviewedAndLocked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		ev := grassroots.Event{Commune: "21025", Day: "2026-11-20", Topic: "Phòng, chống bạo lực gia đình", Law: "Luật Phòng, chống bạo lực gia đình 2022",
			Form: grassroots.Meeting, Audience: 80}
		if _, err := svc.AddEvent(ctx, officer, by, ev); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddEvent(ctx, neighbour, by, ev); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune enters ours: %v", err)
		}
		if _, err := svc.AddEvent(ctx, specialist, by, ev); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("the department enters a commune's event: %v", err)
		}
		bad := ev
		bad.Commune = "99999"
		if _, err := svc.AddEvent(ctx, auth.Principal{Role: auth.Officer, Office: "99999"}, by, bad); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a commune the province does not have: %v", err)
		}
		if _, err := svc.SetPlan(ctx, officer, by, grassroots.Plan{Commune: "21025", Year: 2026, Events: 4}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPlan(ctx, officer, by, grassroots.Plan{Commune: "21025", Year: 2026, Events: 2}); err != nil {
			t.Fatalf("the plan changed: %v", err)
		}
		tm, err := svc.AddTeam(ctx, officer, by, team("21025", "Tổ dân phố 5"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddTeam(ctx, officer, by, team("21025", "tổ dân phố  5")); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second team for the same village: %v", err)
		}
		other, err := svc.AddTeam(ctx, neighbour, by, team("21028", "Thôn 1"))
		if err != nil {
			t.Fatal(err)
		}
		c := grassroots.Case{Commune: "21025", TeamID: tm.ID, Parties: "Ông Lê Văn A và ông Trần Văn B", Dispute: grassroots.Land, ReceivedOn: "2026-10-01"}
		open, err := svc.AddCase(ctx, officer, by, c)
		if err != nil {
			t.Fatal(err)
		}
		foreign := c
		foreign.TeamID = other.ID
		if _, err := svc.AddCase(ctx, officer, by, foreign); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a case of another commune's team: %v", err)
		}
		done := c
		done.Result, done.EndedOn = grassroots.Unsuccessful, "2026-10-10"
		done.ToCourt = true
		if _, err := svc.AddCase(ctx, officer, by, done); err != nil {
			t.Fatal(err)
		}
		if cs, err := svc.Cases(ctx, neighbour, grassroots.Query{}); err != nil || len(cs) != 0 {
			t.Fatalf("another commune lists ours: %v %d", err, len(cs))
		}
		if _, err := svc.Cases(ctx, neighbour, grassroots.Query{Commune: "21025"}); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune asks for ours: %v", err)
		}
		if cs, err := svc.Cases(ctx, specialist, grassroots.Query{Commune: "21025"}); err != nil || len(cs) != 2 {
			t.Fatalf("the department lists the commune's cases: %v %d", err, len(cs))
		}

		if _, err := svc.Decide(ctx, specialist, by, "21025", 2026, grassroots.Accepted, ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("accepted before it was submitted: %v", err)
		}
		// A case still being mediated holds the year back: it would stay open for good.
		if _, err := svc.Submit(ctx, officer, by, "21025", 2026); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "grassroots.cases_pending") {
			t.Fatalf("submitted with a case being mediated: %v", err)
		}
		if _, err := svc.Submit(ctx, officer, by, "21025", 2027); !fault.Is(err, fault.Invalid) {
			t.Fatalf("next year submitted: %v", err)
		}
		if _, err := svc.EndCase(ctx, neighbour, by, open.ID, grassroots.Successful, "2026-10-03", false); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune ends our case: %v", err)
		}
		if _, err := svc.EndCase(ctx, officer, by, open.ID, grassroots.Successful, "2026-10-03", false); err != nil {
			t.Fatal(err)
		}
		if r, err := svc.Submit(ctx, officer, by, "21025", 2026); err != nil || r.Status != grassroots.Submitted {
			t.Fatalf("submitted: %v %+v", err, r)
		}
		if _, err := svc.AddEvent(ctx, officer, by, ev); !fault.Is(err, fault.Conflict) {
			t.Fatalf("an event added to a submitted year: %v", err)
		}
		if _, err := svc.AddCase(ctx, officer, by, c); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a case added to a submitted year: %v", err)
		}
		if _, err := svc.Decide(ctx, officer, by, "21025", 2026, grassroots.Accepted, ""); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune accepts its own year: %v", err)
		}
		if _, err := svc.Decide(ctx, specialist, by, "21025", 2026, grassroots.Returned, ""); !fault.Is(err, fault.Invalid) {
			t.Fatalf("returned without a note: %v", err)
		}
		if r, err := svc.Decide(ctx, specialist, by, "21025", 2026, grassroots.Returned, "Thiếu cuộc phổ biến ngày 20/11"); err != nil || r.Note == "" {
			t.Fatalf("returned: %v %+v", err, r)
		}
		if _, err := svc.AddEvent(ctx, officer, by, ev); err != nil {
			t.Fatalf("an event added after the return: %v", err)
		}
		if _, err := svc.EndCase(ctx, officer, by, open.ID, grassroots.Withdrawn, "2026-10-04", false); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a case ended twice: %v", err)
		}
		if r, err := svc.Submit(ctx, officer, by, "21025", 2026); err != nil || r.Note != "" {
			t.Fatalf("submitted again, the return's note cleared: %v %+v", err, r)
		}
		if r, err := svc.Decide(ctx, specialist, by, "21025", 2026, grassroots.Accepted, ""); err != nil || r.Status != grassroots.Accepted {
			t.Fatalf("accepted: %v %+v", err, r)
		}
		if _, err := svc.SetPlan(ctx, officer, by, grassroots.Plan{Commune: "21025", Year: 2026, Events: 9}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("the plan of an accepted year changed: %v", err)
		}
		if _, err := svc.Submit(ctx, officer, by, "21025", 2026); !fault.Is(err, fault.Conflict) {
			t.Fatalf("an accepted year submitted again: %v", err)
		}
		// Next year is open.
		if _, err := svc.SetPlan(ctx, officer, by, grassroots.Plan{Commune: "21025", Year: 2027, Events: 6}); err != nil {
			t.Fatal(err)
		}
	})
}

// The report: per commune of today, the province's total; a row entered under a commune of
// before the reform counts in its successor (Phường Nghĩa Chánh, 21019, in Phường Cẩm Thành,
// 21025); a commune's officer sees only its own commune.
func TestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		svc.SetPlan(ctx, officer, by, grassroots.Plan{Commune: "21025", Year: 2026, Events: 4})
		for _, f := range []grassroots.Form{grassroots.Meeting, grassroots.Loudspeaker} {
			if _, err := svc.AddEvent(ctx, officer, by, grassroots.Event{Commune: "21025", Day: "2026-11-20", Topic: "Luật Đất đai 2024",
				Law: "Luật Đất đai 2024", Form: f, Audience: 50}); err != nil {
				t.Fatal(err)
			}
		}
		// An event of 2024, kept under the commune of then.
		if err := st.ExecForTest(ctx, `INSERT INTO grassroots_events (id, commune, day, topic, law, form, audience, created_at, created_by)
			VALUES ('old', '21019', '2024-05-10', 'Luật Hòa giải ở cơ sở', 'Luật Hòa giải ở cơ sở 2013', 'meeting', 30, '2024-05-10T00:00:00Z', 'import')`); err != nil {
			t.Fatal(err)
		}
		tm, _ := svc.AddTeam(ctx, officer, by, team("21025", "Tổ dân phố 5"))
		for _, r := range []grassroots.Result{grassroots.Successful, grassroots.Successful, grassroots.Successful, grassroots.Unsuccessful, grassroots.Withdrawn, ""} {
			c := grassroots.Case{Commune: "21025", TeamID: tm.ID, Parties: "A và B", Dispute: grassroots.Neighbours, ReceivedOn: "2026-06-01", Result: r}
			if r != "" {
				c.EndedOn = "2026-06-10"
			}
			if _, err := svc.AddCase(ctx, officer, by, c); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := svc.Report(ctx, specialist, "2024-01-01", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		var ct grassroots.Figures
		for _, f := range rep.Communes {
			if f.Commune == "21025" {
				ct = f
			}
		}
		if ct.Events != 3 || ct.Audience != 130 || ct.ByForm["meeting"] != 2 || ct.PlanEvents != 4 || ct.Teams != 1 || ct.Mediators != 3 ||
			ct.Cases != 6 || ct.Successful != 3 || ct.Unsuccessful != 1 || ct.Withdrawn != 1 || ct.Pending != 1 || ct.SuccessRate != 0.75 {
			t.Fatalf("Cẩm Thành: %+v", ct)
		}
		if len(rep.Communes) != 96 || rep.Province.Events != 3 || rep.Province.Cases != 6 {
			t.Fatalf("the province: %d communes, %+v", len(rep.Communes), rep.Province)
		}
		mine, err := svc.Report(ctx, neighbour, "2026-01-01", "2026-12-31")
		if err != nil || len(mine.Communes) != 1 || mine.Communes[0].Commune != "21028" || mine.Province.Events != 0 {
			t.Fatalf("a commune's own report: %v %+v", err, mine.Communes)
		}
		if _, err := svc.Report(ctx, auth.Principal{Role: auth.Auditor}, "2026-01-01", "2026-12-31"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("an auditor's report: %v", err)
		}
		if _, err := svc.Report(ctx, leader, "2026-01-01", "2026-12-31"); err != nil {
			t.Fatal(err)
		}
	})
}

// points scores every indicator of the standard at n, with its evidence.
func points(s grassroots.Standard, n int) grassroots.Scores {
	sc := grassroots.Scores{Points: map[string]int{}, Evidence: map[string]string{}}
	for _, c := range s.Criteria {
		for _, in := range c.Indicators {
			sc.Points[in.Code], sc.Evidence[in.Code] = min(n, in.Max), "Báo cáo số 15/BC-UBND"
		}
	}
	return sc
}

// The access-to-law standard: the commune assesses itself with evidence, submits; the
// department returns it with a note, then accepts it with a score of its own, from which the
// result follows; from then on it is final. Another commune can neither read nor write it.
func TestAccessAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		sc := points(svc.Standard, 9)
		delete(sc.Evidence, "2.1")
		if _, err := svc.SaveAssessment(ctx, officer, by, "21025", 2026, sc); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a point without its evidence: %v", err)
		}
		if _, err := svc.SaveAssessment(ctx, officer, by, "21025", 2027, points(svc.Standard, 9)); !fault.Is(err, fault.Invalid) {
			t.Fatalf("next year assessed: %v", err)
		}
		a, err := svc.SaveAssessment(ctx, officer, by, "21025", 2026, points(svc.Standard, 9))
		if err != nil || a.SelfTotal != 90 || a.Status != grassroots.Draft || a.Standard != svc.Standard.Version {
			t.Fatalf("saved: %v %+v", err, a)
		}
		if _, err := svc.SaveAssessment(ctx, neighbour, by, "21025", 2026, points(svc.Standard, 10)); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune writes ours: %v", err)
		}
		if _, err := svc.GetAssessment(ctx, neighbour, "21025", 2026); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune reads ours: %v", err)
		}
		if _, err := svc.ReviewAssessment(ctx, specialist, by, "21025", 2026, grassroots.Accepted, nil, ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("reviewed before it was submitted: %v", err)
		}
		svc.SubmitAssessment(ctx, officer, by, "21025", 2026)
		if _, err := svc.SaveAssessment(ctx, officer, by, "21025", 2026, points(svc.Standard, 10)); !fault.Is(err, fault.Conflict) {
			t.Fatalf("changed once submitted: %v", err)
		}
		if a, err := svc.ReviewAssessment(ctx, specialist, by, "21025", 2026, grassroots.Returned, nil, "Chỉ tiêu 4.1 thiếu biên bản"); err != nil || a.Status != grassroots.Returned {
			t.Fatalf("returned: %v %+v", err, a)
		}
		if _, err := svc.SaveAssessment(ctx, officer, by, "21025", 2026, points(svc.Standard, 8)); err != nil {
			t.Fatalf("corrected after the return: %v", err)
		}
		svc.SubmitAssessment(ctx, officer, by, "21025", 2026)
		if _, err := svc.ReviewAssessment(ctx, officer, by, "21025", 2026, grassroots.Accepted, nil, ""); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune reviews itself: %v", err)
		}
		if _, err := svc.ReviewAssessment(ctx, specialist, by, "21025", 2026, grassroots.Accepted, map[string]int{"4.1": 11}, ""); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a score above the indicator's points: %v", err)
		}
		// The department finds criterion 4 unproven: 72 in all, under the least total, and
		// criterion 4 under half its points.
		a, err = svc.ReviewAssessment(ctx, specialist, by, "21025", 2026, grassroots.Accepted, map[string]int{"4.1": 0}, "")
		if err != nil || a.Status != grassroots.Accepted || a.ReviewedTotal != 72 || a.Outcome == nil || a.Outcome.Met || len(a.Outcome.Short) != 1 {
			t.Fatalf("accepted: %v %+v %+v", err, a, a.Outcome)
		}
		if _, err := svc.SubmitAssessment(ctx, officer, by, "21025", 2026); !fault.Is(err, fault.Conflict) {
			t.Fatalf("submitted once accepted: %v", err)
		}
		// A standard replaced after a submission: the old scores cannot be accepted, the year is
		// returned to be scored again, and what was accepted keeps its result.
		svc.SaveAssessment(ctx, neighbour, by, "21028", 2026, points(svc.Standard, 10))
		svc.SubmitAssessment(ctx, neighbour, by, "21028", 2026)
		kept := svc.Standard
		svc.Standard.Version = "QĐ mới"
		if _, err := svc.ReviewAssessment(ctx, specialist, by, "21028", 2026, grassroots.Accepted, nil, ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("accepted on an old standard: %v", err)
		}
		if r, err := svc.ReviewAssessment(ctx, specialist, by, "21028", 2026, grassroots.Returned, nil, "Chấm lại theo bộ tiêu chí mới"); err != nil || r.Status != grassroots.Returned {
			t.Fatalf("returned to be scored again: %v %+v", err, r)
		}
		if a, _ := svc.GetAssessment(ctx, leader, "21025", 2026); a.Outcome == nil || a.Outcome.Met || a.Outcome.Total != 72 {
			t.Fatalf("an accepted result under the next standard: %+v", a.Outcome)
		}
		svc.Standard = kept
		list, err := svc.Assessments(ctx, leader, 2026)
		if err != nil || len(list) != 2 || list[0].ReviewedTotal != 72 {
			t.Fatalf("the year's assessments: %v %+v", err, list)
		}
		if none, err := svc.GetAssessment(ctx, neighbour, "21028", 2025); err != nil || none.Status != grassroots.Draft || none.SelfTotal != 0 {
			t.Fatalf("a commune not yet assessed: %v %+v", err, none)
		}
	})
}

// Enforcement figures per half-year and field: the second half checked against the first, a
// jump explained; another commune neither reads nor writes them; a submitted year refuses them.
func TestEnforcementFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		h1 := grassroots.EnforcementFigures{Commune: "21025", Year: 2026, Half: 1, Field: "land", Inspections: 4, Violations: 12, Sanctioned: 10, Fines: 15_000_000}
		if _, err := svc.SaveEnforcement(ctx, officer, by, h1); err != nil {
			t.Fatal(err)
		}
		h2 := h1
		h2.Half, h2.Fines = 2, 150_000_000
		if _, err := svc.SaveEnforcement(ctx, officer, by, h2); !fault.Is(err, fault.Invalid) {
			t.Fatalf("fines ten times the first half's, unexplained: %v", err)
		}
		h2.Explanation = "Xử phạt 3 vụ khai thác cát trái phép"
		if _, err := svc.SaveEnforcement(ctx, officer, by, h2); err != nil {
			t.Fatal(err)
		}
		h2.Explanation, h2.Fines = "", 16_000_000 // corrected: the same row replaced
		if _, err := svc.SaveEnforcement(ctx, officer, by, h2); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SaveEnforcement(ctx, neighbour, by, h2); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune writes ours: %v", err)
		}
		list, err := svc.Enforcement(ctx, specialist, "21025", 2026)
		if err != nil || len(list) != 2 || list[1].Fines != 16_000_000 {
			t.Fatalf("the year's figures: %v %+v", err, list)
		}
		if mine, err := svc.Enforcement(ctx, neighbour, "", 2026); err != nil || len(mine) != 0 {
			t.Fatalf("another commune reads ours: %v %+v", err, mine)
		}
		rep, err := svc.Report(ctx, specialist, "2026-01-01", "2026-12-31")
		if err != nil || rep.Province.Violations != 24 || rep.Province.Sanctioned != 20 || rep.Province.Fines != 31_000_000 || rep.Province.ByField["land"] != 24 {
			t.Fatalf("the report: %v %+v", err, rep.Province)
		}
		if half, _ := svc.Report(ctx, specialist, "2026-07-01", "2026-12-31"); half.Province.Violations != 12 {
			t.Fatalf("the second half's report: %+v", half.Province)
		}
		svc.Submit(ctx, officer, by, "21025", 2026)
		if _, err := svc.SaveEnforcement(ctx, officer, by, h1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("figures of a submitted year: %v", err)
		}
	})
}

// A team counts in the periods it worked: formed in 2025, dissolved in March 2026, it counts in
// 2025's report, not in 2026's; its village may then form a new team, and it takes no case.
func TestTeamDissolved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		old := team("21025", "Tổ dân phố 5")
		old.FormedOn = "2025-06-01"
		tm, err := svc.AddTeam(ctx, officer, by, old)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DissolveTeam(ctx, officer, by, tm.ID, "2025-05-01"); !fault.Is(err, fault.Invalid) {
			t.Fatalf("dissolved before it was formed: %v", err)
		}
		if err := svc.DissolveTeam(ctx, neighbour, by, tm.ID, "2026-03-01"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune dissolves ours: %v", err)
		}
		if err := svc.DissolveTeam(ctx, officer, by, tm.ID, "2026-03-01"); err != nil {
			t.Fatal(err)
		}
		if err := svc.DissolveTeam(ctx, officer, by, tm.ID, "2026-03-02"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("dissolved twice: %v", err)
		}
		if _, err := svc.AddCase(ctx, officer, by, grassroots.Case{Commune: "21025", TeamID: tm.ID, Parties: "A và B", Dispute: grassroots.Land, ReceivedOn: "2026-04-01"}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a case for a dissolved team: %v", err)
		}
		if _, err := svc.AddTeam(ctx, officer, by, team("21025", "Tổ dân phố 5")); err != nil {
			t.Fatalf("a new team for the village: %v", err)
		}
		for _, c := range []struct {
			from, to string
			teams    int
		}{{"2025-01-01", "2025-12-31", 1}, {"2026-01-01", "2026-02-28", 1}, {"2026-01-01", "2026-11-30", 1}, {"2025-01-01", "2025-05-31", 0}} {
			rep, err := svc.Report(ctx, specialist, c.from, c.to)
			if err != nil || rep.Province.Teams != c.teams {
				t.Errorf("teams %s–%s: %d, want %d (%v)", c.from, c.to, rep.Province.Teams, c.teams, err)
			}
		}
	})
}
