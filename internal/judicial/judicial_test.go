package judicial_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/judicial"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

var (
	ctx      = context.Background()
	clerk    = auth.Principal{Username: "lltp", Role: auth.Judicial, Office: auth.DepartmentOffice}
	officer  = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	leader   = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	by       = audit.Actor{Username: "lltp"}
	november = time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
)

func theft(person judicial.Person, number, date, effective, offense string, months int) judicial.JudgmentRequest {
	return judicial.JudgmentRequest{Person: person, Judgment: judicial.Judgment{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi",
		Number: number, Date: date, EffectiveDate: effective, OffenseDate: offense,
		Crimes: []judicial.Crime{{Article: 173, Clause: "1", Category: judicial.LessSerious, Intentional: true}},
		Main:   judicial.MainPenalty{Type: judicial.Prison, Months: months}}}
}

func day(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

// A court's judgment is received for a person found again by ID, then by name and date of
// birth; the prison's report of release starts the waiting period (Penal Code 2015 art. 70.2.b),
// and the status on any day says that day's truth. Only the role judicial reads or writes, each
// reading audited with its purpose.
func TestJudgmentsEventsStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return november }
		svc := judicial.New(st)
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111", PlaceOfBirth: "Bình Sơn, Quảng Ngãi"}
		id, personID, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24)); !fault.Is(err, fault.Conflict) {
			t.Fatalf("the same judgment twice: %v", err)
		}
		noID := lam
		noID.PersonalID, noID.FullName = "", "TRẦN VĂN LÂM"
		_, again, err := svc.Receive(ctx, clerk, by, theft(noID, "30/2024/HS-ST", "2024-03-01", "2024-03-20", "2023-12-01", 6))
		if err != nil || again != personID {
			t.Fatalf("the second judgment's person: %q want %q (%v)", again, personID, err)
		}
		for _, p := range []auth.Principal{officer, leader} {
			if _, _, err := svc.Receive(ctx, p, by, theft(lam, "1/2020/HS-ST", "2020-01-10", "2020-01-25", "2019-10-01", 12)); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s receives a judgment: %v", p.Role, err)
			}
			if _, err := svc.StatusOn(ctx, p, by, personID, day("2026-01-01"), "Tuyển dụng"); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s reads a record: %v", p.Role, err)
			}
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2019-01-09"}); !fieldIs(err, "date", "judicial.event_before_judgment") {
			t.Fatalf("a release before the judgment: %v", err)
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2021-01-25", Source: "Trại giam An Điềm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StatusOn(ctx, clerk, by, personID, day("2026-01-01"), "  "); !fieldIs(err, "purpose", "judicial.purpose_required") {
			t.Fatalf("a reading without a purpose: %v", err)
		}
		// 2 years after release, 25 January 2023, the first is expunged; the second judgment
		// took effect in 2024, its release not yet reported.
		before, err := svc.StatusOn(ctx, clerk, by, personID, day("2023-01-24"), "Cấp Phiếu lý lịch tư pháp số 1")
		if err != nil || !before.HasRecord || len(before.Convictions) != 1 || before.Convictions[0].Expunged {
			t.Fatalf("the day before: %v %+v", err, before)
		}
		on, _ := svc.StatusOn(ctx, clerk, by, personID, day("2023-01-25"), "Cấp Phiếu lý lịch tư pháp số 1")
		if on.HasRecord || !on.Convictions[0].Expunged || *on.Convictions[0].ExpungedOn != "2023-01-25" || !strings.Contains(on.Convictions[0].Basis, "Điều 70.2.b") {
			t.Fatalf("the day it ends: %+v", on)
		}
		now, _ := svc.StatusOn(ctx, clerk, by, personID, day("2026-11-30"), "Cấp Phiếu lý lịch tư pháp số 1")
		if !now.HasRecord || len(now.Convictions) != 2 || !now.Convictions[1].Verify {
			t.Fatalf("today, a second judgment whose release is not reported: %+v", now)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'judicial.read' AND object = $1 AND detail LIKE '%Cấp Phiếu lý lịch tư pháp số 1%'`,
			"judicial_person:"+personID).Scan(&n); err != nil || n != 3 {
			t.Fatalf("%d readings audited with their purpose (%v), want 3", n, err)
		}
	})
}

// Bad input gets every problem at once: an article that does not exist, a probation longer
// than the law allows, someone under 14 when they offended (Penal Code 2015 art. 12).
func TestJudgmentRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return november }
		svc := judicial.New(st)
		kid := judicial.Person{FullName: "Lê Văn Tý", DateOfBirth: "2012-05-01", Sex: "male"}
		req := theft(kid, "5/2025/HS-ST", "2025-06-01", "2025-06-20", "2025-01-01", 12)
		req.Crimes[0].Article = 60
		req.Main = judicial.MainPenalty{Type: judicial.Suspended, Months: 12, ProbationMonths: 72}
		_, _, err := svc.Receive(ctx, clerk, by, req)
		for field, want := range map[string]string{"crimes.0.article": "judicial.article_unknown", "main_penalty.probation_months": "judicial.probation_months",
			"offense_date": "judicial.under_14"} {
			if !fieldIs(err, field, want) {
				t.Errorf("want %s: %s in %v", field, want, err)
			}
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM judicial_persons`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d persons stored after a refusal (%v)", n, err)
		}
	})
}

func fieldIs(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Invalid && e.Fields[field] == code
}
