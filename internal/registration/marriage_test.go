package registration_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func marriage(office string, husband, wife civil.Spouse) registration.MarriageRequest {
	for _, s := range []*civil.Spouse{&husband, &wife} {
		s.Ethnicity, s.Nationality, s.Residence = "Kinh", "Việt Nam", "Phường Cẩm Thành, tỉnh Quảng Ngãi"
	}
	return registration.MarriageRequest{Office: office, Marriage: civil.Marriage{Husband: husband, Wife: wife}}
}

var (
	hung = civil.Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", PersonalID: "051090001111"}
	lan  = civil.Spouse{FullName: "Phạm Thị Lan", DateOfBirth: "1995-07-09", Papers: "Giấy CMND số 212345678"}
	hoa  = civil.Spouse{FullName: "Đỗ Thị Hoa", DateOfBirth: "1991-01-01", PersonalID: "051191003333"}
	nam  = civil.Spouse{FullName: "Vũ Văn Nam", DateOfBirth: "1989-02-02", PersonalID: "051089004444"}
)

// conflictOn says whether err is a 409 naming the field.
func conflictOn(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Conflict && e.Fields[field] == code
}

// A marriage is registered in the register of marriages with its own numbers and a settled
// dossier of procedure KH; a party still married anywhere in the province cannot marry again
// until a death ends the marriage (Law on Marriage and Family 2014 art. 5.2.c, 8.1.d, 65).
func TestMarriages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		r, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != civil.MarriageKind || r.Register.Number != 1 || r.Marriage.Wife.Papers != lan.Papers || r.RegisteredOn != "2026-03-10" {
			t.Fatalf("registered: %+v", r)
		}
		var procedure, status string
		if err := st.QueryRow(ctx, `SELECT procedure_code, status FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure, &status); err != nil || procedure != "KH" || status != "settled" {
			t.Fatalf("dossier %s %s: %v", procedure, status, err)
		}
		// Hùng, by his personal ID, in another commune.
		if _, err := svc.RegisterMarriage(ctx, officer2, by, marriage("21028", hung, hoa)); !conflictOn(err, "husband.full_name", "marriage.still_married") {
			t.Fatalf("husband still married: %v", err)
		}
		// Lan has no personal ID: found by her name, typed without marks, and date of birth.
		lan2 := lan
		lan2.FullName = "PHAM THI LAN"
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", nam, lan2)); !conflictOn(err, "wife.full_name", "marriage.still_married") {
			t.Fatalf("wife still married: %v", err)
		}
		// Nothing of the refused was stored: Nam marries Hoa as number 2 of the book.
		r2, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", nam, hoa))
		if err != nil || r2.Register.Number != 2 {
			t.Fatalf("after refusals: %v, number %d", err, r2.Register.Number)
		}
		// Lan's death ends her marriage: Hùng may marry again.
		d := death("Phạm Thị Lan", "1995-07-09", "", "2026-03-01")
		d.Deceased.Sex = civil.Female
		if _, err := svc.RegisterDeath(ctx, officer, by, d); err != nil {
			t.Fatal(err)
		}
		widow := civil.Spouse{FullName: "Trịnh Thị Mai", DateOfBirth: "1992-03-03", PersonalID: "051192005555"}
		if _, err := svc.RegisterMarriage(ctx, officer2, by, marriage("21028", hung, widow)); err != nil {
			t.Fatalf("widower: %v", err)
		}
		// Who may not marry, every field at once (400).
		minor := civil.Spouse{FullName: "Ngô Thị Bé", DateOfBirth: "2008-03-11"}
		_, err = svc.RegisterMarriage(ctx, officer, by, marriage("21025", civil.Spouse{FullName: "Đinh Văn Tuấn", DateOfBirth: "1999-01-01", PersonalID: "051199006666"}, minor))
		if e, ok := fault.As(err); !ok || e.Kind != fault.Invalid || e.Fields["wife.date_of_birth"] != "civil.under_marriage_age" ||
			e.Fields["wife.personal_id"] != "civil.identity_required" || e.Fields["husband.personal_id"] != "civil.same_sex_marriage" && e.Fields["husband.personal_id"] != "pid.sex" {
			t.Fatalf("invalid: %v", err)
		}
		// An officer registers in their own commune only.
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21028", nam, widow)); err == nil {
			t.Fatal("another commune's register")
		}
	})
}

// Siblings by their birth entries may not marry (art. 5.2.d): the check reads the register.
func TestMarriageOfSiblingsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		for _, c := range []struct{ name, sex, dob, pid string }{
			{"Trần Văn Bảo", civil.Male, "2001-04-10", "051201001111"},
			{"Trần Thị Cúc", civil.Female, "2003-09-09", "051303002222"},
		} {
			b := birth(c.name, c.dob, "Hoàng Thị Mai")
			b.Mother.DateOfBirth = "1975-01-01"
			b.Child.Sex, b.Child.PersonalID = c.sex, c.pid
			if _, err := svc.RegisterBirth(ctx, officer, by, b); err != nil {
				t.Fatal(err)
			}
		}
		_, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025",
			civil.Spouse{FullName: "Trần Văn Bảo", DateOfBirth: "2001-04-10", PersonalID: "051201001111"},
			civil.Spouse{FullName: "Trần Thị Cúc", DateOfBirth: "2003-09-09", PersonalID: "051303002222"}))
		if !conflictOn(err, "wife.full_name", "marriage.related") {
			t.Fatalf("siblings: %v", err)
		}
	})
}

// Ten communes marry one man at the same moment: one marriage is registered, nine refused.
func TestConcurrentMarriagesOfOnePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		const n = 10
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := civil.Spouse{FullName: fmt.Sprintf("Đặng Thị %c", 'A'+i), DateOfBirth: fmt.Sprintf("1996-01-%02d", i+1)}
				w.Papers = fmt.Sprintf("Hộ chiếu C%07d", i)
				_, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, w))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case conflictOn(err, "husband.full_name", "marriage.still_married"):
					refused++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || refused != n-1 {
			t.Fatalf("%d registered, %d refused; want 1 and %d", ok, refused, n-1)
		}
	})
}

// A court's divorce is recorded against the marriage entry as a version (Law 60/2014 art.
// 3.2.đ); from the day it took effect (Law on Marriage and Family 2014 art. 57.1) both may
// marry again. Recorded once, not before the marriage, not by another commune; a correction of
// the entry afterwards keeps it.
func TestDivorceRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		wed, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		court := civil.Divorce{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Decision: "25/2026/QĐST-HNGĐ", EffectiveOn: "2026-03-10"}
		early := court
		early.EffectiveOn = "2026-03-01"
		tests := []struct {
			name string
			p    auth.Principal
			req  registration.DivorceRequest
			want func(error) bool
		}{
			{"another commune", officer2, registration.DivorceRequest{Version: 1, Divorce: court}, func(err error) bool { return fault.Is(err, fault.NotFound) || fault.Is(err, fault.Forbidden) }},
			{"no court named", officer, registration.DivorceRequest{Version: 1, Divorce: civil.Divorce{Decision: "1/2026", EffectiveOn: "2026-03-10"}},
				func(err error) bool {
					e, ok := fault.As(err)
					return ok && e.Fields["divorce.court"] == "civil.required"
				}},
			{"before the marriage", officer, registration.DivorceRequest{Version: 1, Divorce: early},
				func(err error) bool {
					e, ok := fault.As(err)
					return ok && e.Fields["divorce.effective_on"] == "civil.divorce_before_marriage"
				}},
			{"an old version", officer, registration.DivorceRequest{Version: 0, Divorce: court}, func(err error) bool { return fault.Is(err, fault.Conflict) }},
		}
		for _, tt := range tests {
			if _, err := svc.RecordDivorce(ctx, tt.p, by, wed.ID, tt.req); !tt.want(err) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		r, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 1, Divorce: court})
		if err != nil || r.Version != 2 || r.Marriage.Divorce == nil {
			t.Fatalf("divorce: %v %+v", err, r)
		}
		if _, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 2, Divorce: court}); !fault.Is(err, fault.Conflict) {
			t.Errorf("a second divorce: %v", err)
		}
		hist, err := svc.Versions(ctx, r)
		if err != nil || len(hist) != 2 || hist[1].Change != civil.Divorced || !strings.Contains(hist[1].Reason, "25/2026/QĐST-HNGĐ") {
			t.Fatalf("history: %v %+v", err, hist)
		}
		// Both are free: Hùng marries Hoa, Lan marries Nam.
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, hoa)); err != nil {
			t.Fatalf("the husband after the divorce: %v", err)
		}
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", nam, lan)); err != nil {
			t.Fatalf("the wife after the divorce: %v", err)
		}
		// A correction of the divorced entry keeps the divorce.
		fixed := *r.Marriage
		fixed.Divorce = nil
		fixed.Wife.Residence = "Xã Bình Sơn, tỉnh Quảng Ngãi"
		got, err := svc.Amend(ctx, officer, by, wed.ID, registration.Amendment{Base: 2, Change: civil.Correction, Reason: "Ghi nhầm nơi cư trú",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &fixed}})
		if err != nil || got.Marriage.Divorce == nil || got.Marriage.Divorce.Decision != court.Decision {
			t.Fatalf("correction after the divorce: %v %+v", err, got.Marriage)
		}
	})
}
