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
	return legalaid.New(st)
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
		biz.Field = legalaid.Business
		if _, err := svc.Receive(ctx, staff, by, biz); err == nil || !strings.Contains(err.Error(), "error.invalid") {
			t.Fatalf("a business matter: %v", err)
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
		c, err := svc.Close(ctx, staff, by, second.ID, legalaid.Partly)
		if err != nil || c.Status != legalaid.StatusClosed || c.Outcome != legalaid.Partly || c.Assignee.Name != "Lê Thị Bình" {
			t.Fatalf("closed: %v %+v", err, c)
		}
		if _, err := svc.Get(ctx, staff, by, second.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'legalaid.read' AND object = $1`, "legal_aid:"+second.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d readings audited (%v)", n, err)
		}
	})
}
