package legacy_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/legacy"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

// Paper registers of recognitions, adoptions and guardianships are imported, each row judged
// by the law in force on its day: an adoption of 2005 by a step-father 15 years older is
// refused with the Law on Marriage and Family 2000's article (art. 69.2); a guardianship of
// 2016 needed no hearing of the ward of seven (Civil Code 2005). The
// imported adoption bars the adoptive father from marrying the child (Law on Marriage and
// Family 2014 art. 5.2.d), and the imported guardianship holds against a second guardian.
func TestImportRecognitionsAdoptionsGuardianships(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		csv := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,father_name,father_date_of_birth,evidence," +
			"adoptive_father_name,adoptive_father_date_of_birth,consent,child_consent,guardian_name,guardian_date_of_birth,appointment\n" +
			"nhận cha mẹ con,21025,1,2012,10/05/2012,Lê Thị Na,nữ,01/06/2010,Trần Văn Bình,1985,Giấy xác nhận của bệnh viện,,,,,,,\n" +
			"nuôi con nuôi,21025,1,2005,10/05/2005,Hồ Thị Vy,nữ,06/06/2000,,,,Hồ Văn Tuấn,04/04/1975,Hồ Thị Lan (mẹ đẻ),,,,\n" +
			"nuôi con nuôi,21025,2,2005,11/05/2005,Phan Văn Tý,nam,01/01/2000,,,,Phan Văn Dượng,01/01/1985,Lê Thị Mai (mẹ đẻ),,,,\n" +
			"giám hộ,21025,1,2016,10/05/2016,Đinh Văn Tí,nam,04/04/2009,,,,,,,,Đinh Thị Mơ,01/01/1985,Quyết định số 12/QĐ-UBND\n"
		p, report, svc := importCSV(t, st, "so.csv", csv)
		ctx := context.Background()
		if p.Inserted != 3 || p.Rejected != 1 {
			t.Fatalf("import: %+v\n%s", p, report)
		}
		if !strings.Contains(report, "4,") || !strings.Contains(report, "Luật Hôn nhân và gia đình 2000, Điều 69.2") {
			t.Fatalf("the refused adoption of 2005: %s", report)
		}
		for kind, want := range map[string]int{"recognition": 1, "adoption": 1, "guardianship": 1} {
			var n int
			if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM records WHERE kind = $1`, kind).Scan(&n); err != nil || n != want {
				t.Errorf("%d %s entries (%v), want %d", n, kind, err, want)
			}
		}
		officer := auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
		by := audit.Actor{Username: "canbo"}
		wed := registration.MarriageRequest{Desk: registration.Desk{Office: "21025"}, Marriage: civil.Marriage{
			Husband: civil.Spouse{FullName: "Hồ Văn Tuấn", DateOfBirth: "1975-04-04", Papers: "CMND 211000111"},
			Wife:    civil.Spouse{FullName: "Hồ Thị Vy", DateOfBirth: "2000-06-06", Papers: "Hộ chiếu C1234567"}}}
		if _, err := svc.RegisterMarriage(ctx, officer, by, wed); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "marriage.adoptive") {
			t.Fatalf("an adoptive father of an imported adoption marries the child: %v", err)
		}
		second := registration.GuardianshipRequest{Desk: registration.Desk{Office: "21025"}, Guardianship: civil.Guardianship{
			Ward:     civil.Person{FullName: "Đinh Văn Tí", Sex: civil.Male, DateOfBirth: "2009-04-04"},
			Guardian: civil.Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1980-02-02"}, Appointment: "Quyết định số 3/QĐ-UBND", WardHeard: true}}
		if _, err := svc.RegisterGuardianship(ctx, officer, by, second); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second guardian over an imported guardianship: %v", err)
		}
	})
}

// A legacy marriage whose register notes its divorce (court, decision, day) ended then: both
// may marry again (Law on Marriage and Family 2014 art. 57.1); one without the note still binds.
func TestImportDivorcedMarriages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		csv := "kind,office,number,year,registered_on,husband_name,husband_date_of_birth,wife_name,wife_date_of_birth,divorce_court,divorce_decision,divorce_effective_on\n" +
			"kết hôn,21025,1,2008,10/05/2008,Trương Văn Lực,08/08/1985,Mai Thị Gấm,09/09/1988,TAND huyện Bình Sơn,12/2015/QĐST-HNGĐ,20/06/2015\n" +
			"kết hôn,21025,2,2008,11/05/2008,Võ Văn Tám,02/02/1980,Lê Thị Chín,03/03/1982,,,\n" +
			"kết hôn,21025,3,2008,12/05/2008,Phạm Văn Một,01/01/1980,Đỗ Thị Hai,02/02/1982,TAND huyện Bình Sơn,,01/01/2000\n"
		p, report, svc := importCSV(t, st, "kh.csv", csv)
		ctx := context.Background()
		if p.Inserted != 2 || p.Rejected != 1 || !strings.Contains(report, `4,"divorce.decision:`) {
			t.Fatalf("import: %+v\n%s", p, report)
		}
		officer := auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
		by := audit.Actor{Username: "canbo"}
		marry := func(husband, hdob, wife, wdob string) error {
			_, err := svc.RegisterMarriage(ctx, officer, by, registration.MarriageRequest{Desk: registration.Desk{Office: "21025"}, Marriage: civil.Marriage{
				Husband: civil.Spouse{FullName: husband, DateOfBirth: hdob, Papers: "CMND 211000111"},
				Wife:    civil.Spouse{FullName: wife, DateOfBirth: wdob, Papers: "CMND 211000222"}}})
			return err
		}
		if err := marry("Trương Văn Lực", "1985-08-08", "Nguyễn Thị Hoa", "1990-01-01"); err != nil {
			t.Fatalf("a husband divorced in the legacy register marries again: %v", err)
		}
		if err := marry("Võ Văn Tám", "1980-02-02", "Nguyễn Thị Hồng", "1990-01-01"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a husband still married in the legacy register: %v", err)
		}
	})
}

// Old certificates of marital status keep what they stated, with their six months' validity;
// a statement the importer cannot read is refused with the reason.
func TestImportCertificatesOfMaritalStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		csv := "kind,office,number,year,registered_on,full_name,date_of_birth,purpose,marital_status,intended_spouse_name,intended_spouse_date_of_birth\n" +
			"xác nhận tình trạng hôn nhân,21025,1,2020,31/08/2020,Vũ Văn Nam,02/02/1989,Kết hôn,chưa kết hôn,Kim Ji Yeon,06/06/1996\n" +
			"xác nhận tình trạng hôn nhân,21025,2,2020,01/09/2020,Lê Thị Mai,03/03/1990,Xuất cảnh,đã ly hôn,,\n" +
			"xác nhận tình trạng hôn nhân,21025,3,2020,02/09/2020,Lê Thị Hoa,03/03/1991,Xuất cảnh,không rõ,,\n"
		p, report, svc := importCSV(t, st, "xnhn.csv", csv)
		ctx := context.Background()
		if p.Inserted != 2 || p.Rejected != 1 || !strings.Contains(report, "4,") || !strings.Contains(report, "marital_status") {
			t.Fatalf("import: %+v\n%s", p, report)
		}
		var id string
		if err := st.QueryRow(ctx, `SELECT id FROM records WHERE kind = 'marital_status' AND reg_number = 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		r, err := svc.Entry(ctx, id)
		if err != nil || r.MaritalStatus.Status != civil.NeverMarried || r.MaritalStatus.ValidUntil != "2021-02-28" || r.MaritalStatus.IntendedSpouse == nil {
			t.Fatalf("the old certificate: %v %+v", err, r.MaritalStatus)
		}
	})
}

// importCSV imports a file's text into st on 30 November 2026 (the store's clock too) and
// returns the progress and the report of refused rows.
func importCSV(t *testing.T, st *store.Store, name, csv string) (legacy.Progress, string, *registration.Service) {
	t.Helper()
	ctx := context.Background()
	st.Now = func() time.Time { return time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC) }
	reg := units.MustLoad()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, st.Now())); err != nil {
		t.Fatal(err)
	}
	rd, err := legacy.Open(name, strings.NewReader(csv), legacy.Mapping{}, reg, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	svc := registration.New(st)
	var report bytes.Buffer
	p, err := legacy.Run(ctx, svc, rd, name, 10, audit.System, &report, nil)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return p, report.String(), svc
}
