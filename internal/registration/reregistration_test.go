package registration_test

import (
	"testing"

	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A birth of 1990 whose register and original were both lost is registered again (Decree
// 123/2015 art. 24–26): in this year's book with its dossier DKL, not late, the first
// registration kept. The birth of someone the register shows dead is not (art. 24.2).
func TestBirthRegisteredAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Phạm Văn Lực", "1990-05-01", "Phạm Thị Lụa")
		b.Child.PersonalID, b.Child.Sex = "051090004321", civil.Male
		b.Mother.DateOfBirth = "1965"
		b.Reregistered = &civil.Reregistration{OriginalOffice: "UBND xã Nghĩa Chánh, huyện Tư Nghĩa", OriginalDate: "1990-05-20",
			OriginalReference: "số 45, quyển 01/1990", BothLost: true, Papers: "Bản sao Giấy khai sinh cấp năm 2005"}
		r, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		if r.Late || r.Register.Year != 2026 || r.Birth.Reregistered == nil || r.Birth.Reregistered.OriginalReference != "số 45, quyển 01/1990" {
			t.Fatalf("registered again: late %v, %+v %+v", r.Late, r.Register, r.Birth.Reregistered)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "DKL" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		d := registration.DeathRequest{Desk: registration.Desk{Office: "21025"}, Death: civil.Death{
			Deceased:    civil.Person{FullName: "Trần Văn Cường", Sex: civil.Male, DateOfBirth: "1950-01-01", PersonalID: "051050001111"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh", Requester: civil.Requester{FullName: "Trần Thị Mai", Relation: "con"}}}
		if _, err := svc.RegisterDeath(ctx, officer, by, d); err != nil {
			t.Fatal(err)
		}
		dead := birth("Trần Văn Cường", "1950-01-01", "Trần Thị Bé")
		dead.Child.PersonalID, dead.Child.Sex, dead.Mother.DateOfBirth = "051050001111", civil.Male, "1925"
		dead.Reregistered = &civil.Reregistration{OriginalOffice: "UBND xã Tịnh Khê", OriginalDate: "1950-02-01", BothLost: true}
		if _, err := svc.RegisterBirth(ctx, officer, by, dead); !conflictOn(err, "child.full_name", "reregistration.dead") {
			t.Fatalf("the birth of someone dead registered again: %v", err)
		}
	})
}

// A birth in Seoul that a Korean office registered is written into the register (Law 60/2014
// art. 48): in this year's book with its dossier GCNN, not late however long ago it was.
func TestBirthRegisteredAbroadWrittenIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Kim Minh Anh", "2024-06-01", "Nguyễn Thị Hạnh")
		b.Child.PlaceOfBirth = "Seoul, Hàn Quốc"
		b.RegisteredAbroad = &civil.ForeignRecord{Country: "Hàn Quốc", Authority: "Văn phòng hộ tịch quận Gangnam", Document: "Giấy chứng nhận khai sinh số 2024-1234",
			IssuedOn: "2024-06-10"}
		r, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "GCNN" || r.Late {
			t.Fatalf("dossier %q %v, late %v", procedure, err, r.Late)
		}
	})
}

// A marriage of 1980 is registered again for the living spouses who ask for it (Decree
// 123/2015 art. 24.2), in this year's book with its dossier DKL; not when the register shows a
// spouse dead, even by a death entry that names no personal ID, and nothing is stored then.
func TestMarriageRegisteredAgainForTheLiving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		again := civil.Reregistration{OriginalOffice: "UBND xã Tịnh Khê", OriginalDate: "1980-03-01", BothLost: true}
		living := marriage("21025", civil.Spouse{FullName: "Võ Văn Tám", DateOfBirth: "1955-02-02", PersonalID: "051055001234"},
			civil.Spouse{FullName: "Lê Thị Chín", DateOfBirth: "1958-03-03", PersonalID: "051158005678"})
		living.Reregistered = &again
		r, err := svc.RegisterMarriage(ctx, officer, by, living)
		if err != nil {
			t.Fatal(err)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "DKL" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		d := registration.DeathRequest{Desk: registration.Desk{Office: "21028"}, Death: civil.Death{
			Deceased:    civil.Person{FullName: "Trần Văn Cường", Sex: civil.Male, DateOfBirth: "1950-01-01"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh", Requester: civil.Requester{FullName: "Trần Thị Mai", Relation: "con"}}}
		if _, err := svc.RegisterDeath(ctx, officer2, by, d); err != nil {
			t.Fatal(err)
		}
		widow := marriage("21025", civil.Spouse{FullName: "Trần Văn Cường", DateOfBirth: "1950-01-01", PersonalID: "051050001111"},
			civil.Spouse{FullName: "Đỗ Thị Mai", DateOfBirth: "1952-04-04", PersonalID: "051152002222"})
		widow.Reregistered = &again
		if _, err := svc.RegisterMarriage(ctx, officer, by, widow); !conflictOn(err, "husband.full_name", "reregistration.spouse_dead") {
			t.Fatalf("a marriage registered again after the husband's death: %v", err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM records WHERE kind = 'marriage'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d marriages stored (%v), want 1", n, err)
		}
	})
}
