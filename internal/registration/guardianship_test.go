package registration_test

import (
	"testing"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func guardianship(office string, ward civil.Person, guardian civil.Parent) registration.GuardianshipRequest {
	return registration.GuardianshipRequest{Desk: registration.Desk{Office: office}, Guardianship: civil.Guardianship{Ward: ward, Guardian: guardian,
		Appointment: "Văn bản cử người giám hộ số 12/VB-UBND", WardHeard: true}}
}

// An aunt is appointed guardian of a boy whose birth is in the register (Law 60/2014 art. 20):
// numbered in the book of guardianships with its dossier GH, shown on the boy's birth entry. No
// other commune can give him a second guardian while hers holds (Civil Code 2015 art. 47.2);
// once her guardianship's end is recorded (art. 62; Law 60/2014 art. 22), with its dossier CDGH,
// the entry no longer shows her and another guardian may be registered.
func TestGuardianshipAndItsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Đinh Văn Tí", "2018-04-04", "Đinh Thị Hoa")
		b.Child.PersonalID, b.Child.Sex = "051218000123", civil.Male
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		ward := civil.Person{FullName: "Đinh Văn Tí", Sex: civil.Male, DateOfBirth: "2018-04-04", PersonalID: "051218000123"}
		aunt := civil.Parent{FullName: "Đinh Thị Mơ", DateOfBirth: "1985-01-01", Residence: "Thôn Nước Vương"}
		r, err := svc.RegisterGuardianship(ctx, officer, by, guardianship("21025", ward, aunt))
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != civil.GuardianshipKind || r.Register.Number != 1 || r.Guardianship.BirthRecord != born.ID {
			t.Fatalf("guardianship: %+v %+v", r.Register, r.Guardianship)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "GH" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		if gs, err := svc.Guardians(ctx, officer, born); err != nil || len(gs) != 1 || gs[0].ID != r.ID {
			t.Fatalf("the birth entry's guardian: %v %+v", err, gs)
		}
		// The ward typed without his ID, by name and date of birth, in another commune.
		uncle := civil.Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1980-02-02"}
		noID := ward
		noID.PersonalID = ""
		if _, err := svc.RegisterGuardianship(ctx, officer2, by, guardianship("21028", noID, uncle)); !conflictOn(err, "ward.full_name", "guardianship.held") {
			t.Fatalf("a second guardian: %v", err)
		}
		end := registration.GuardianshipEndRequest{Version: 1, GuardianshipEnd: civil.GuardianshipEnd{On: "2026-03-10", Reason: "parents_resume",
			Basis: "Quyết định số 3/2026/QĐ-TA khôi phục quyền của cha mẹ"}}
		if _, err := svc.EndGuardianship(ctx, officer2, by, r.ID, end); !fault.Is(err, fault.Forbidden) && !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune records the end: %v", err)
		}
		ended, err := svc.EndGuardianship(ctx, officer, by, r.ID, end)
		if err != nil || ended.Version != 2 || ended.Guardianship.End == nil || ended.Guardianship.Guardian.FullName != "Đinh Thị Mơ" {
			t.Fatalf("end: %v %+v", err, ended)
		}
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1 AND procedure_code = 'CDGH'`, r.ID).Scan(&procedure); err != nil {
			t.Fatalf("the end's dossier: %v", err)
		}
		if _, err := svc.EndGuardianship(ctx, officer, by, r.ID, registration.GuardianshipEndRequest{Version: 2, GuardianshipEnd: end.GuardianshipEnd}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("ended twice: %v", err)
		}
		if gs, _ := svc.Guardians(ctx, officer, born); len(gs) != 0 {
			t.Fatalf("the birth entry still shows an ended guardian: %+v", gs)
		}
		if _, err := svc.RegisterGuardianship(ctx, officer2, by, guardianship("21028", noID, uncle)); err != nil {
			t.Fatalf("a guardian after the end: %v", err)
		}
		// An end is recorded on its own, never typed with the registration.
		withEnd := guardianship("21025", civil.Person{FullName: "Lò Thị Sen", Sex: civil.Female, DateOfBirth: "2015-05-05"}, aunt)
		withEnd.End = &end.GuardianshipEnd
		if _, err := svc.RegisterGuardianship(ctx, officer, by, withEnd); !fieldIs(err, "end.on", "guardianship.end_later") {
			t.Fatalf("a guardianship registered with its end: %v", err)
		}
	})
}

// A guardianship ends by law when the ward is adopted or dies (Civil Code 2015 art. 62.1.b, d),
// whether or not its end was recorded: the adopted boy's birth entry shows no guardian any more,
// and no guardian is registered for a dead ward.
func TestGuardianshipEndsByLaw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Đinh Văn Tí", "2018-04-04", "Đinh Thị Hoa")
		b.Child.PersonalID, b.Child.Sex = "051218000123", civil.Male
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		ward := civil.Person{FullName: "Đinh Văn Tí", Sex: civil.Male, DateOfBirth: "2018-04-04", PersonalID: "051218000123"}
		aunt := civil.Parent{FullName: "Đinh Thị Mơ", DateOfBirth: "1985-01-01"}
		req := guardianship("21025", ward, aunt)
		req.RegisteredOn, req.DateReason = "2025-01-10", "Nhập lại từ sổ giấy"
		if _, err := svc.RegisterGuardianship(ctx, officer, by, req); err != nil {
			t.Fatal(err)
		}
		before, _ := svc.Entry(ctx, born.ID)
		if gs, err := svc.Guardians(ctx, officer, before); err != nil || len(gs) != 1 {
			t.Fatalf("the ward's guardian before the adoption: %v %+v", err, gs)
		}
		if _, err := svc.RegisterAdoption(ctx, officer, by, adoption(ward, nil, &aunt)); err != nil {
			t.Fatal(err)
		}
		adopted, _ := svc.Entry(ctx, born.ID)
		if gs, err := svc.Guardians(ctx, officer, adopted); err != nil || len(gs) != 0 {
			t.Fatalf("an adopted ward still shows a guardian: %v %+v", err, gs)
		}
		// And another guardian may be registered for him (his adoptive mother died, say).
		uncle := guardianship("21028", ward, civil.Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1980-02-02"})
		if _, err := svc.RegisterGuardianship(ctx, officer2, by, uncle); err != nil {
			t.Fatalf("a guardian after the adoption: %v", err)
		}
		d := registration.DeathRequest{Desk: registration.Desk{Office: "21025"}, Death: civil.Death{
			Deceased:    civil.Person{FullName: "Lò Văn Sáng", Sex: civil.Male, DateOfBirth: "1960-01-01", PersonalID: "051060001111"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh", Requester: civil.Requester{FullName: "Lò Thị Sen", Relation: "con"}}}
		if _, err := svc.RegisterDeath(ctx, officer, by, d); err != nil {
			t.Fatal(err)
		}
		dead := guardianship("21025", civil.Person{FullName: "Lò Văn Sáng", Sex: civil.Male, DateOfBirth: "1960-01-01", PersonalID: "051060001111"}, aunt)
		dead.Incapacity = "Quyết định số 1/2020/QĐ-TA"
		if _, err := svc.RegisterGuardianship(ctx, officer, by, dead); !conflictOn(err, "ward.full_name", "guardianship.ward_dead") {
			t.Fatalf("a guardian for a dead ward: %v", err)
		}
	})
}

// What ends a guardianship by law is read from the register however it names the ward: an
// adoption of a girl whose birth is not in the register (Civil Code 2015 art. 62.1.d), and the
// death of a man recorded without his personal ID, found by name and date of birth (art.
// 62.1.b).
func TestGuardianshipEndsByLawWithoutTheBirth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		aunt := civil.Parent{FullName: "Đinh Thị Mơ", DateOfBirth: "1985-01-01"}
		girl := civil.Person{FullName: "Hà Thị Lan", Sex: civil.Female, DateOfBirth: "2019-09-09", PersonalID: "051319000777"}
		req := guardianship("21025", girl, aunt)
		req.RegisteredOn, req.DateReason = "2025-01-10", "Nhập lại từ sổ giấy"
		if _, err := svc.RegisterGuardianship(ctx, officer, by, req); err != nil {
			t.Fatal(err)
		}
		uncle := guardianship("21028", girl, civil.Parent{FullName: "Hà Văn Núi", DateOfBirth: "1980-02-02"})
		if _, err := svc.RegisterGuardianship(ctx, officer2, by, uncle); !conflictOn(err, "ward.full_name", "guardianship.held") {
			t.Fatalf("a second guardian before the adoption: %v", err)
		}
		if _, err := svc.RegisterAdoption(ctx, officer, by, adoption(girl, nil, &aunt)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterGuardianship(ctx, officer2, by, uncle); err != nil {
			t.Fatalf("a guardian after the adoption of a ward without a birth entry: %v", err)
		}

		d := registration.DeathRequest{Desk: registration.Desk{Office: "21028"}, Death: civil.Death{
			Deceased:    civil.Person{FullName: "Lò Văn Sáng", Sex: civil.Male, DateOfBirth: "1960-01-01"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh", Requester: civil.Requester{FullName: "Lò Thị Sen", Relation: "con"}}}
		if _, err := svc.RegisterDeath(ctx, officer2, by, d); err != nil {
			t.Fatal(err)
		}
		dead := guardianship("21025", civil.Person{FullName: "Lò Văn Sáng", Sex: civil.Male, DateOfBirth: "1960-01-01", PersonalID: "051060001111"}, aunt)
		dead.Incapacity = "Quyết định số 1/2020/QĐ-TA"
		if _, err := svc.RegisterGuardianship(ctx, officer, by, dead); !conflictOn(err, "ward.full_name", "guardianship.ward_dead") {
			t.Fatalf("a guardian for a ward whose death is recorded without his ID: %v", err)
		}
	})
}
