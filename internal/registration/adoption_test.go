package registration_test

import (
	"strings"
	"testing"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func adoption(child civil.Person, father, mother *civil.Parent) registration.AdoptionRequest {
	return registration.AdoptionRequest{Desk: registration.Desk{Office: "21025"}, Adoption: civil.Adoption{Child: child, Father: father, Mother: mother,
		Consent: "Lê Thị Hoa (mẹ đẻ)", ConsentedOn: "2026-02-01"}}
}

// A couple adopts a child whose birth is in the register (Law on Adoption 2010 art. 22): the
// adoption is numbered in its own book with its dossier NCN, due 30 days later, and the birth
// entry gains the adoptive parents as version 2 in the same transaction. A second adoption of
// the child is refused (art. 8.3) and nothing of it is stored.
func TestAdoptionAddsTheParents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Lê Thị Na", "2020-06-01", "Lê Thị Hoa")
		b.Child.PersonalID = "051320000777"
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		child := civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2020-06-01", PersonalID: "051320000777"}
		req := adoption(child, &civil.Parent{FullName: "Trần Văn Bình", DateOfBirth: "1980-02-02", PersonalID: "051080009999"},
			&civil.Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07"})
		r, err := svc.RegisterAdoption(ctx, officer, by, req)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != civil.AdoptionKind || r.Register.Number != 1 || r.Adoption.BirthRecord != born.ID {
			t.Fatalf("adoption: %+v %+v", r.Register, r.Adoption)
		}
		after, err := svc.Entry(ctx, born.ID)
		if err != nil || after.Version != 2 || after.Birth.Adoptive == nil || after.Birth.Adoptive.Father.FullName != "Trần Văn Bình" ||
			after.Birth.Adoptive.Mother.FullName != "Phạm Thị Lan" || after.Birth.Mother.FullName != "Lê Thị Hoa" {
			t.Fatalf("the birth entry after: %v version %d %+v", err, after.Version, after.Birth)
		}
		hist, _ := svc.Versions(ctx, after)
		if len(hist) != 2 || hist[1].Change != civil.Adopted || !strings.Contains(hist[1].Reason, "Trần Văn Bình và Phạm Thị Lan") {
			t.Fatalf("the birth's history: %+v", hist)
		}
		if _, n, err := svc.Search(ctx, officer, by, "cha: tran van binh", civil.Query{Kind: civil.AdoptionKind}); err != nil || n != 1 {
			t.Errorf("the adoption found by its adoptive father: %d %v", n, err)
		}
		// Received at 03:00 on 10 March (Vietnam): due on the 30th day, 9 April, at 17:00.
		var procedure, due string
		if err := st.QueryRow(ctx, `SELECT procedure_code, due_at FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure, &due); err != nil ||
			procedure != "NCN" || !strings.HasPrefix(due, "2026-04-09T10:00:00") {
			t.Fatalf("dossier %q due %q: %v", procedure, due, err)
		}
		again := adoption(child, &civil.Parent{FullName: "Phan Văn Cường", DateOfBirth: "1970-08-08"}, nil)
		if _, err := svc.RegisterAdoption(ctx, officer, by, again); !conflictOn(err, "child.full_name", "adoption.adopted_already") {
			t.Fatalf("a second adoption: %v", err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM records WHERE kind = 'adoption'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d adoptions stored (%v), want 1", n, err)
		}

		// A correction of the adoptive mother's name (Law 60/2014 art. 28) is carried to the
		// birth entry in the same transaction; a correction that names no adopter is not.
		fixed := *r.Adoption
		mother := *fixed.Mother
		mother.FullName = "Phạm Thị Lành"
		fixed.Mother = &mother
		fix := registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Ghi nhầm tên mẹ nuôi", LegalBasis: "Điều 28 Luật Hộ tịch 2014",
			Content: civil.Content{Adoption: &fixed}}
		if _, err := svc.Amend(ctx, officer, by, r.ID, fix); err != nil {
			t.Fatal(err)
		}
		followed, _ := svc.Entry(ctx, born.ID)
		if followed.Version != 3 || followed.Birth.Adoptive.Mother.FullName != "Phạm Thị Lành" || followed.Birth.Adoptive.Father.FullName != "Trần Văn Bình" ||
			followed.Birth.Adoptive.Since != r.RegisteredOn {
			t.Fatalf("the birth after the adoption's correction: version %d %+v", followed.Version, followed.Birth.Adoptive)
		}
		hist, _ = svc.Versions(ctx, followed)
		if last := hist[len(hist)-1]; last.Change != civil.Correction || !strings.Contains(last.Reason, "Phạm Thị Lành") ||
			strings.Join(last.Fields, ",") != "adoptive.mother.full_name" {
			t.Fatalf("the birth's new version: %+v", last)
		}
		consent := fixed
		consent.Consent = "Lê Thị Hoa (mẹ đẻ), có văn bản đồng ý"
		fix.Base, fix.Content.Adoption, fix.Reason = 2, &consent, "Ghi thiếu văn bản đồng ý"
		if _, err := svc.Amend(ctx, officer, by, r.ID, fix); err != nil {
			t.Fatal(err)
		}
		if same, _ := svc.Entry(ctx, born.ID); same.Version != 3 {
			t.Fatalf("a correction naming no adopter gave the birth version %d", same.Version)
		}
		// A birth and an adoption counted on their day; the corrections add nothing.
		countsMatch(t, st)
	})
}

// An adoptive father may never marry the child he adopted, by personal ID or by name and date of
// birth, even in another commune years later (Law on Marriage and Family 2014 art. 5.2.d).
func TestAdoptiveParentAndChildMayNotMarry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		tuan := civil.Spouse{FullName: "Hồ Văn Tuấn", DateOfBirth: "1975-04-04", PersonalID: "051075006666"}
		vy := civil.Spouse{FullName: "Hồ Thị Vy", DateOfBirth: "2006-06-06", Papers: "Hộ chiếu số C1234567"}
		req := adoption(civil.Person{FullName: vy.FullName, Sex: civil.Female, DateOfBirth: vy.DateOfBirth},
			&civil.Parent{FullName: tuan.FullName, DateOfBirth: tuan.DateOfBirth, PersonalID: tuan.PersonalID}, nil)
		req.RegisteredOn, req.DateReason, req.ConsentedOn = "2012-01-10", "Nhập lại từ sổ giấy", "2011-12-01"
		if _, err := svc.RegisterAdoption(ctx, officer, by, req); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterMarriage(ctx, officer2, by, marriage("21028", tuan, vy)); !conflictOn(err, "wife.full_name", "marriage.adoptive") {
			t.Fatalf("adoptive father and child: %v", err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM records WHERE kind = 'marriage'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d marriages stored (%v)", n, err)
		}
		// His certificate of marital status: never married, and the adoption he is a party of
		// is no marriage of his, read for it and audited as shown.
		cert, err := svc.RegisterMaritalStatus(ctx, officer, by, registration.MaritalStatusRequest{Desk: registration.Desk{Office: "21025"},
			MaritalStatus: civil.MaritalStatus{Person: tuan, Purpose: "Xuất cảnh"}})
		if err != nil || cert.MaritalStatus.Status != civil.NeverMarried {
			t.Fatalf("the adopter's marital status: %v %+v", err, cert.MaritalStatus)
		}
		var shown int
		if err := st.FlushAudit(ctx); err != nil { // queued entries (SQLite) reach audit_log
			t.Fatal(err)
		}
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'record.candidates'`).Scan(&shown); err != nil || shown != 1 {
			t.Fatalf("%d entries audited as shown (%v), want the marriage refused only", shown, err)
		}
		// Someone else of the same name, born another day, may marry him.
		other := vy
		other.DateOfBirth = "2000-01-01"
		if _, err := svc.RegisterMarriage(ctx, officer2, by, marriage("21028", tuan, other)); err != nil {
			t.Fatalf("another Hồ Thị Vy: %v", err)
		}
	})
}

// An adoption decided by a Japanese court for a child whose birth is in the register is
// written in (Law 60/2014 art. 48.1): its dossier GCNN, no consent typed here, and the birth
// shows the adoptive parents from the day of the decision.
func TestAdoptionDecidedAbroadWrittenIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Lê Thị Na", "2020-06-01", "Lê Thị Hoa")
		b.Child.PersonalID = "051320000777"
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		child := civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2020-06-01", PersonalID: "051320000777"}
		req := adoption(child, nil, &civil.Parent{FullName: "Lê Thị Mai", DateOfBirth: "1980-01-01", Nationality: "Việt Nam"})
		req.Consent, req.ConsentedOn = "", ""
		if _, err := svc.RegisterAdoption(ctx, officer, by, req); !invalidOn(err, "consent", "civil.required") {
			t.Fatalf("an adoption here without consent: %v", err)
		}
		req.RegisteredAbroad = &civil.ForeignRecord{Country: "Nhat Ban", Authority: "Tòa án gia đình Tokyo", Document: "Quyết định số 2025-88", IssuedOn: "2025-09-01"}
		r, err := svc.RegisterAdoption(ctx, officer, by, req)
		if err != nil {
			t.Fatal(err)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "GCNN" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		after, _ := svc.Entry(ctx, born.ID)
		if a := after.Birth.Adoptive; a == nil || a.Since != "2025-09-01" || a.Mother.FullName != "Lê Thị Mai" || r.Adoption.RegisteredAbroad.Country != "Nhật Bản" {
			t.Fatalf("the birth after an adoption abroad: %+v %+v", after.Birth.Adoptive, r.Adoption.RegisteredAbroad)
		}
		// Decided before the child was born: refused.
		early := req
		early.RegisteredAbroad = &civil.ForeignRecord{Country: "Nhật Bản", Authority: "Tòa án gia đình Tokyo", Document: "Quyết định số 2019-1", IssuedOn: "2019-01-01"}
		early.Child = civil.Person{FullName: "Lê Văn Tý", Sex: civil.Male, DateOfBirth: "2021-01-01"}
		if _, err := svc.RegisterAdoption(ctx, officer, by, early); !invalidOn(err, "registered_abroad.issued_on", "civil.registered_before_event") {
			t.Fatalf("decided before the birth: %v", err)
		}
	})
}

// The department's report of adoptions counts what each commune registered in the period; a
// commune's officer sees only their own.
func TestAdoptionReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		mother := &civil.Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07"}
		for _, c := range []struct {
			p      auth.Principal
			office string
			child  civil.Person
		}{{officer, "21025", civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2020-06-01"}},
			{officer, "21025", civil.Person{FullName: "Lê Văn Tý", Sex: civil.Male, DateOfBirth: "2025-06-01"}},
			{officer2, "21028", civil.Person{FullName: "Hà Thị Lan", Sex: civil.Female, DateOfBirth: "2021-06-01"}}} {
			req := adoption(c.child, nil, mother)
			req.Office = c.office
			if _, err := svc.RegisterAdoption(ctx, c.p, by, req); err != nil {
				t.Fatal(err)
			}
		}
		all, err := svc.AdoptionReport(ctx, leader, "2026-01-01", "2026-12-31", "")
		if err != nil || len(all) != 2 || all["21025"].Total != 2 || all["21025"].Boys != 1 || all["21028"].Total != 1 || all["21025"].Ages[0] != 1 {
			t.Fatalf("the department's report: %v %+v", err, all)
		}
		if none, _ := svc.AdoptionReport(ctx, leader, "2025-01-01", "2025-12-31", ""); len(none) != 0 {
			t.Fatalf("a year without adoptions: %+v", none)
		}
		own, err := svc.AdoptionReport(ctx, officer2, "2026-01-01", "2026-12-31", "21025")
		if err != nil || len(own) != 1 || own["21028"].Total != 1 {
			t.Fatalf("a commune's report: %v %+v", err, own)
		}
	})
}
