package legalaid_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/legalaid"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx      = context.Background()
	staff    = auth.Principal{Username: "tgpl", Role: auth.LegalAid, Office: auth.DepartmentOffice}
	by       = audit.Actor{Username: "tgpl"}
	november = time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
)

func setup(t *testing.T, st *store.Store) *legalaid.Service {
	t.Helper()
	st.Now = func() time.Time { return november }
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), november)); err != nil {
		t.Fatal(err)
	}
	svc := legalaid.New(st)
	svc.Units = units.MustLoad()
	return svc
}

func landDispute(name, dob string, other *legalaid.Party) legalaid.Request {
	return legalaid.Request{Applicant: legalaid.Applicant{FullName: name, DateOfBirth: dob, Sex: "female", Commune: "21025"},
		Field: legalaid.Land, Form: legalaid.Representation, Channel: legalaid.InPerson, Matter: "Tranh chấp ranh giới thửa đất",
		OtherParty: other, Category: "poor", Evidence: []string{"poor_certificate"}}
}

// From a request to a closed case: received with its dossier TGPL, accepted (the dossier
// settled, a case opened), assigned, closed with its outcome; every reading audited. Only the
// centre's staff may; a business matter is refused; an assignee who assisted the other party is
// refused for a conflict of interest.
func TestRequestToClosure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		for _, p := range []auth.Principal{{Username: "cv", Role: auth.Specialist, Office: auth.DepartmentOffice}, {Username: "lltp", Role: auth.Judicial, Office: auth.DepartmentOffice}} {
			if _, err := svc.Receive(ctx, p, by, landDispute("Đinh Thị Hoa", "1980-05-05", nil)); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s receives a legal-aid request: %v", p.Role, err)
			}
		}
		biz := landDispute("Đinh Thị Hoa", "1980-05-05", nil)
		biz.Field, biz.Applicant.Commune = legalaid.Business, "99999"
		// Both problems at once: the field, and a commune the province does not have.
		if _, err := svc.Receive(ctx, staff, by, biz); !hasFields(err, "field", "applicant.commune") {
			t.Fatalf("a business matter from an unknown commune: %v", err)
		}
		// Hoa was assisted by lawyer An in an earlier case against her neighbour Lan.
		first, err := svc.Receive(ctx, staff, by, landDispute("Đinh Thị Hoa", "1980-05-05", &legalaid.Party{FullName: "Phạm Thị Lan", DateOfBirth: "1975-01-01"}))
		if err != nil {
			t.Fatal(err)
		}
		if first.Dossier.Procedure != "TGPL" || first.Status != legalaid.StatusReceived {
			t.Fatalf("received: %+v", first)
		}
		if _, err := svc.Decide(ctx, staff, by, first.ID, legalaid.Refused, ""); err == nil {
			t.Fatal("a refusal without its reason")
		}
		if c, err := svc.Decide(ctx, staff, by, first.ID, legalaid.Accepted, ""); err != nil || c.Status != legalaid.StatusOpen || c.Dossier.Status != "settled" {
			t.Fatalf("accepted: %v %+v", err, c)
		}
		if _, err := svc.Assign(ctx, staff, by, first.ID, legalaid.Assignee{Kind: legalaid.Lawyer, Name: "Luật sư Trần Văn An"}); err != nil {
			t.Fatal(err)
		}
		// He declines it since, and another takes it: having had Hoa's file, he stays barred from a
		// case against her.
		if _, err := svc.Decline(ctx, staff, by, first.ID, ""); !fault.Is(err, fault.Invalid) {
			t.Fatalf("declined without a reason: %v", err)
		}
		if c, err := svc.Decline(ctx, staff, by, first.ID, "Bận tham gia phiên tòa khác"); err != nil || c.Assignee != nil {
			t.Fatalf("declined: %v %+v", err, c)
		}
		if _, err := svc.Decline(ctx, staff, by, first.ID, "x"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("declined with nobody assigned: %v", err)
		}
		c, err := svc.Assign(ctx, staff, by, first.ID, legalaid.Assignee{Kind: legalaid.Officer, Name: "Võ Văn Cường"})
		if err != nil || len(c.Assignments) != 2 || c.Assignments[0].EndReason != "Bận tham gia phiên tòa khác" || c.Assignments[0].EndedAt.IsZero() ||
			!c.Assignments[1].EndedAt.IsZero() || c.Assignee.Name != "Võ Văn Cường" {
			t.Fatalf("re-assigned: %v %+v", err, c.Assignments)
		}
		// Replaced in turn: the history keeps both ends.
		if c, err = svc.Assign(ctx, staff, by, first.ID, legalaid.Assignee{Kind: legalaid.Collaborator, Name: "Nguyễn Văn Dũng"}); err != nil ||
			len(c.Assignments) != 3 || c.Assignments[1].EndReason != "replaced" {
			t.Fatalf("replaced: %v %+v", err, c.Assignments)
		}
		// Now Lan asks for help against Hoa: lawyer An assisted Hoa, the other party.
		second, err := svc.Receive(ctx, staff, by, landDispute("Phạm Thị Lan", "1975-01-01", &legalaid.Party{FullName: "Đinh Thị Hoa", DateOfBirth: "1980-05-05"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, staff, by, second.ID, legalaid.Accepted, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Assign(ctx, staff, by, second.ID, legalaid.Assignee{Kind: legalaid.Lawyer, Name: "luật sư trần văn an"}); !fault.Is(err, fault.Conflict) ||
			!strings.Contains(err.Error(), "legalaid.conflict_other_party") {
			t.Fatalf("the other party's lawyer: %v", err)
		}
		if _, err := svc.Assign(ctx, staff, by, second.ID, legalaid.Assignee{Kind: legalaid.Officer, Name: "Lê Thị Bình", RelatedToOtherParty: true}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a relative of the other party: %v", err)
		}
		if _, err := svc.Close(ctx, staff, by, second.ID, legalaid.Won); !fault.Is(err, fault.Conflict) {
			t.Fatalf("closed before it was assigned: %v", err)
		}
		if _, err := svc.Assign(ctx, staff, by, second.ID, legalaid.Assignee{Kind: legalaid.Officer, Name: "Lê Thị Bình"}); err != nil {
			t.Fatal(err)
		}
		c, err = svc.Close(ctx, staff, by, second.ID, legalaid.Partly)
		if err != nil || c.Status != legalaid.StatusClosed || c.Outcome != legalaid.Partly || c.Assignee.Name != "Lê Thị Bình" {
			t.Fatalf("closed: %v %+v", err, c)
		}
		if _, err := svc.Get(ctx, staff, by, second.ID); err != nil {
			t.Fatal(err)
		}
		// A closed case's timeline no longer changes.
		if _, err := svc.AddEvent(ctx, staff, by, second.ID, legalaid.Event{Kind: legalaid.Note, Day: "2026-11-30", Note: "Gọi điện"}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a step added to a closed case: %v", err)
		}
		// A request withdrawn before anyone was assigned is closed as withdrawn, not as won.
		third, _ := svc.Receive(ctx, staff, by, landDispute("Trần Thị Mai", "1990-02-02", nil))
		svc.Decide(ctx, staff, by, third.ID, legalaid.Accepted, "")
		if c, err := svc.Close(ctx, staff, by, third.ID, legalaid.Withdrawn); err != nil || c.Status != legalaid.StatusClosed {
			t.Fatalf("withdrawn before assignment: %v %+v", err, c)
		}
		var n int
		if err := st.FlushAudit(ctx); err != nil { // queued entries (SQLite) reach audit_log
			t.Fatal(err)
		}
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'legalaid.read' AND object = $1`, "legal_aid:"+second.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d readings audited (%v)", n, err)
		}
	})
}

// A case's timeline: a hearing with a document due in 5 working days, counted on the official
// calendar (Friday 27 November 2026 + 5 = Friday 4 December), shown among the reminders until
// done; a case paused and resumed, another transferred; a closed case's quality assessed once,
// its result from the scores; an outreach session recorded.
func TestTimelineRemindersQualityOutreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		c, err := svc.Receive(ctx, staff, by, landDispute("Đinh Thị Hoa", "1980-05-05", nil))
		if err != nil {
			t.Fatal(err)
		}
		svc.Decide(ctx, staff, by, c.ID, legalaid.Accepted, "")
		svc.Assign(ctx, staff, by, c.ID, legalaid.Assignee{Kind: legalaid.Officer, Name: "Lê Thị Bình"})
		e, err := svc.AddEvent(ctx, staff, by, c.ID, legalaid.Event{Kind: legalaid.Document, Day: "2026-11-27", WorkingDays: 5, Note: "Nộp bản tự khai"})
		if err != nil || e.Deadline != "2026-12-04" {
			t.Fatalf("a deadline of 5 working days: %v %+v", err, e)
		}
		if _, err := svc.AddEvent(ctx, staff, by, c.ID, legalaid.Event{Kind: "party", Day: "2026-11-27", Note: "x"}); err == nil {
			t.Fatal("a step of no kind")
		}
		rs, err := svc.Reminders(ctx, staff, 5)
		if err != nil || len(rs) != 1 || rs[0].Deadline != "2026-12-04" || rs[0].Applicant != "Đinh Thị Hoa" || rs[0].Overdue {
			t.Fatalf("reminders: %v %+v", err, rs)
		}
		if rs, _ := svc.Reminders(ctx, staff, 1); len(rs) != 0 {
			t.Fatalf("a deadline 5 working days off among tomorrow's: %+v", rs)
		}
		if err := svc.Done(ctx, staff, by, c.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		if rs, _ := svc.Reminders(ctx, staff, 5); len(rs) != 0 {
			t.Fatalf("a step done still reminded: %+v", rs)
		}
		if _, err := svc.Pause(ctx, staff, by, c.ID, ""); err == nil {
			t.Fatal("a pause without its reason")
		}
		if p, err := svc.Pause(ctx, staff, by, c.ID, "Chờ lịch xét xử"); err != nil || p.Status != legalaid.StatusPaused {
			t.Fatalf("pause: %v %+v", err, p)
		}
		if _, err := svc.Pause(ctx, staff, by, c.ID, "Chờ lịch xét xử"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a paused case paused again: %v", err)
		}
		// Its steps are still kept while it waits.
		if _, err := svc.AddEvent(ctx, staff, by, c.ID, legalaid.Event{Kind: legalaid.Hearing, Day: "2026-12-10", Note: "Phiên hòa giải tại Tòa"}); err != nil {
			t.Fatalf("a step of a paused case: %v", err)
		}
		if _, err := svc.Resume(ctx, staff, by, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Assess(ctx, staff, by, c.ID, legalaid.Assessment{Method: "feedback", Criteria: map[string]int{"timeliness": 3, "legal_basis": 3, "communication": 3, "outcome_fit": 3}}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("an open case assessed: %v", err)
		}
		if _, err := svc.Close(ctx, staff, by, c.ID, legalaid.Won); err != nil {
			t.Fatal(err)
		}
		a, err := svc.Assess(ctx, staff, by, c.ID, legalaid.Assessment{Method: "peer_review", Criteria: map[string]int{"timeliness": 3, "legal_basis": 2, "communication": 3, "outcome_fit": 3}})
		if err != nil || a.Result != "satisfactory" {
			t.Fatalf("assessment: %v %+v", err, a)
		}
		if _, err := svc.Assess(ctx, staff, by, c.ID, a); !fault.Is(err, fault.Conflict) {
			t.Fatalf("assessed twice: %v", err)
		}
		other, _ := svc.Receive(ctx, staff, by, landDispute("Phạm Thị Lan", "1975-01-01", nil))
		svc.Decide(ctx, staff, by, other.ID, legalaid.Accepted, "")
		if tr, err := svc.Transfer(ctx, staff, by, other.ID, "Trung tâm Trợ giúp pháp lý tỉnh Gia Lai"); err != nil || tr.Status != legalaid.StatusTransferred {
			t.Fatalf("transfer: %v %+v", err, tr)
		}
		if _, err := svc.AddSession(ctx, staff, by, legalaid.Session{Day: "2026-11-20", Commune: "21025", Place: "Nhà văn hóa tổ 5", Topic: "Luật Đất đai 2024",
			Attendees: 60, Questions: 12}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddSession(ctx, staff, by, legalaid.Session{Day: "2027-01-01", Commune: "21025", Place: "x", Topic: "y"}); err == nil {
			t.Fatal("a session in the future")
		}
	})
}

// The centre's report of a period: requests by field, form, category and commune, decisions,
// cases closed by outcome, quality, outreach, and the year's cases against the plan.
func TestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		svc.Plan = 4
		a, _ := svc.Receive(ctx, staff, by, landDispute("Đinh Thị Hoa", "1980-05-05", nil))
		b, _ := svc.Receive(ctx, staff, by, landDispute("Phạm Thị Lan", "1975-01-01", nil))
		svc.Decide(ctx, staff, by, a.ID, legalaid.Accepted, "")
		svc.Decide(ctx, staff, by, b.ID, legalaid.Refused, "Không thuộc diện được trợ giúp pháp lý")
		svc.Assign(ctx, staff, by, a.ID, legalaid.Assignee{Kind: legalaid.Officer, Name: "Lê Thị Bình"})
		svc.Close(ctx, staff, by, a.ID, legalaid.Won)
		svc.AddSession(ctx, staff, by, legalaid.Session{Day: "2026-11-20", Commune: "21025", Place: "Nhà văn hóa", Topic: "Đất đai", Attendees: 60, Questions: 12})
		moved, _ := svc.Receive(ctx, staff, by, landDispute("Trần Thị Mai", "1990-02-02", nil))
		svc.Decide(ctx, staff, by, moved.ID, legalaid.Accepted, "")
		svc.Transfer(ctx, staff, by, moved.ID, "Trung tâm Trợ giúp pháp lý tỉnh Gia Lai")
		rep, err := svc.Report(ctx, staff, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 3 || rep.Decisions["accepted"] != 2 || rep.Decisions["refused"] != 1 || rep.ByField["land"] != 3 || rep.ByCommune["21025"] != 3 ||
			rep.ByAssignee["Lê Thị Bình"] != 1 || rep.Closed != 1 || rep.ByOutcome["favourable"] != 1 || rep.Sessions != 1 || rep.Attendees != 60 ||
			rep.YearCases != 2 || rep.PlanFraction != 0.5 || rep.Transferred != 1 {
			t.Fatalf("the report: %+v", rep)
		}
		if _, err := svc.Report(ctx, auth.Principal{Role: auth.Leader, Office: auth.DepartmentOffice}, time.Now(), time.Now()); err != nil {
			t.Fatalf("a leader reads the centre's report on the dashboard: %v", err)
		}
		if _, err := svc.Report(ctx, auth.Principal{Role: auth.Officer, Office: "21025"}, time.Now(), time.Now()); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer reads the centre's report: %v", err)
		}
	})
}

// hasFields says whether err is invalid input naming each of fields.
func hasFields(err error, fields ...string) bool {
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.Invalid {
		return false
	}
	for _, f := range fields {
		if e.Fields[f] == "" {
			return false
		}
	}
	return true
}
