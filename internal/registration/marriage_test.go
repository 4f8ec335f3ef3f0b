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
	return registration.MarriageRequest{Desk: registration.Desk{Office: office}, Marriage: civil.Marriage{Husband: husband, Wife: wife}}
}

var (
	hung = civil.Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", PersonalID: "051090001111"}
	lan  = civil.Spouse{FullName: "Phạm Thị Lan", DateOfBirth: "1995-07-09", Papers: "Giấy CMND số 212345678"}
	hoa  = civil.Spouse{FullName: "Đỗ Thị Hoa", DateOfBirth: "1991-01-01", PersonalID: "051191003333"}
	nam  = civil.Spouse{FullName: "Vũ Văn Nam", DateOfBirth: "1989-02-02", PersonalID: "051089004444"}
	mai  = civil.Spouse{FullName: "Trịnh Thị Mai", DateOfBirth: "1992-03-03", PersonalID: "051192005555"}
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
		if _, err := svc.RegisterMarriage(ctx, officer2, by, marriage("21028", hung, mai)); err != nil {
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
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21028", nam, mai)); err == nil {
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

// What the register shows is held against every way an entry's parties could come in: a
// correction that puts a married person in, a divorce typed with a new marriage, a day before
// the divorce took effect, and marriages taken in from legacy registers before the parties were
// indexed. A foreign party makes the dossier KHNN (Law 60/2014 art. 38).
func TestMarriageBarsHoldEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		first, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		second, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", nam, hoa))
		if err != nil {
			t.Fatal(err)
		}
		// A correction that swaps Hoa for Lan, who is married to Hùng: refused, nothing stored.
		swapped := *second.Marriage
		swapped.Wife = lan
		_, err = svc.Amend(ctx, officer, by, second.ID, registration.Amendment{Base: 1, Change: civil.Correction, Reason: "Ghi nhầm người vợ",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &swapped}})
		if !conflictOn(err, "wife.full_name", "marriage.still_married") {
			t.Fatalf("a correction to a married wife: %v", err)
		}
		if r, _ := svc.Entry(ctx, second.ID); r.Version != 1 {
			t.Fatalf("the refused correction was stored: version %d", r.Version)
		}
		// A correction of the same parties' residence passes (the check looks at moved parties
		// only, and never at the entry itself).
		fixed := *second.Marriage
		fixed.Wife.Residence = "Xã Bình Sơn, tỉnh Quảng Ngãi"
		if _, err := svc.Amend(ctx, officer, by, second.ID, registration.Amendment{Base: 1, Change: civil.Correction, Reason: "Ghi nhầm nơi cư trú",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &fixed}}); err != nil {
			t.Fatalf("a correction of the residence: %v", err)
		}

		// A divorce is never typed with a marriage.
		req := marriage("21025", civil.Spouse{FullName: "Đinh Văn Tuấn", DateOfBirth: "1999-01-01", PersonalID: "051099006666"}, mai)
		req.Divorce = &civil.Divorce{Court: "Tòa án", Decision: "1/2026", EffectiveOn: "2026-03-10"}
		if _, err := svc.RegisterMarriage(ctx, officer, by, req); !invalidOn(err, "divorce", "marriage.divorce_afterwards") {
			t.Fatalf("a divorce typed with a marriage: %v", err)
		}

		// Hùng and Lan divorce, effective 10 March. A marriage of Hùng entered from a paper
		// register of 5 March (before it took effect) is barred; one of 10 March is not.
		if _, err := svc.RecordDivorce(ctx, officer, by, first.ID, registration.DivorceRequest{Version: 1,
			Divorce: civil.Divorce{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Decision: "25/2026/QĐST-HNGĐ", EffectiveOn: "2026-03-10"}}); err != nil {
			t.Fatal(err)
		}
		early := marriage("21025", hung, mai)
		early.RegisteredOn, early.DateReason = "2026-03-05", "Nhập lại từ sổ giấy"
		if _, err := svc.RegisterMarriage(ctx, officer, by, early); !conflictOn(err, "husband.full_name", "marriage.still_married") {
			t.Fatalf("a marriage dated before the divorce took effect: %v", err)
		}
		// With a foreign wife: a KHNN dossier.
		withKim := marriage("21025", hung, civil.Spouse{FullName: "Kim Ji Yeon", DateOfBirth: "1996-06-06", Papers: "Hộ chiếu M12345678"})
		withKim.Wife.Nationality, withKim.Wife.Ethnicity = "Hàn Quốc", ""
		if _, err := svc.RegisterMarriage(ctx, officer, by, withKim); !invalidOn(err, "wife.marital_proof", "marriage.foreign_proof") {
			t.Fatalf("a foreign wife without proof of her marital status: %v", err)
		}
		withKim.Wife.MaritalProof = "Giấy xác nhận độc thân số 2026-77 của Đại sứ quán Hàn Quốc"
		r, err := svc.RegisterMarriage(ctx, officer, by, withKim)
		if err != nil {
			t.Fatal(err)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "KHNN" {
			t.Fatalf("a foreign wife's dossier: %q %v", procedure, err)
		}

		// A legacy marriage stored before its parties were indexed (as a store upgraded to
		// migration 0018 holds them) is found once the service starts.
		old := civil.Record{Kind: civil.MarriageKind, Office: "21028", Register: civil.Register{Number: 9, Book: "KH", Year: 2010}, RegisteredOn: "2010-05-05",
			Content: civil.Content{Marriage: &civil.Marriage{Husband: civil.Spouse{FullName: "Trương Văn Lực", DateOfBirth: "1985-08-08"},
				Wife: civil.Spouse{FullName: "Mai Thị Gấm", DateOfBirth: "1988-09-09"}}}}
		legacy := []civil.Record{old}
		if _, err := registration.NewRecords(st).BulkInsert(ctx, legacy, by, "kh-2010.csv"); err != nil {
			t.Fatal(err)
		}
		old = legacy[0]
		storetest.MustExec(t, st, `DELETE FROM record_parties WHERE record_id IN (SELECT id FROM records WHERE office = '21028')`)
		var marked int // by migration 0038: the store was created empty
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM backfills WHERE name = 'record_parties'`).Scan(&marked); err != nil || marked != 1 {
			t.Fatalf("a store created empty has its parties' fill marked done: %d %v", marked, err)
		}
		storetest.MustExec(t, st, `DELETE FROM backfills`)
		if err := svc.FillParties(ctx); err != nil {
			t.Fatal(err)
		}
		luc := civil.Spouse{FullName: "Truong Van Luc", DateOfBirth: "1985-08-08", PersonalID: "051085007777"}
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", luc, civil.Spouse{FullName: "Hà Thị Nga", DateOfBirth: "1990-10-10", PersonalID: "051190008888"})); !conflictOn(err, "husband.full_name", "marriage.still_married") {
			t.Fatalf("a legacy marriage, indexed at start: %v", err)
		}
		var audited int
		if err := st.FlushAudit(ctx); err != nil { // queued entries (SQLite) reach audit_log
			t.Fatal(err)
		}
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'record.candidates' AND detail LIKE $1`, "%"+old.ID+"%").Scan(&audited); err != nil || audited == 0 {
			t.Errorf("the legacy entry read for the refusal was not audited: %d %v", audited, err)
		}
	})
}

// invalidOn says whether err is a 400 naming the field.
func invalidOn(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Invalid && e.Fields[field] == code
}

// A marriage is found under the wife's name as corrected, and no longer under the name the
// correction replaced (record_names is written again with each version).
func TestCorrectedWifeIsFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		r, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		fixed := *r.Marriage
		fixed.Wife.FullName = "Phạm Thị Hạnh"
		if _, err := svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Base: 1, Change: civil.Correction, Reason: "Ghi nhầm tên",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &fixed}}); err != nil {
			t.Fatal(err)
		}
		for text, want := range map[string]int{"pham thi hanh": 1, "pham thi lan": 0} {
			_, n, err := svc.Search(ctx, officer, by, text, civil.Query{Kind: civil.MarriageKind})
			if err != nil || n != want {
				t.Errorf("search %q: %d entries (%v), want %d", text, n, err, want)
			}
		}
	})
}

// A certificate of marital status states what the province's register shows on its day
// (Decree 123/2015 art. 21–23), valid six months, numbered in its own book with its dossier
// XNHN; what the register shows is never typed.
func TestMaritalStatusCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		ask := func(person civil.Spouse, purpose string, intended *civil.Spouse) (civil.Record, error) {
			return svc.RegisterMaritalStatus(ctx, officer, by, registration.MaritalStatusRequest{Desk: registration.Desk{Office: "21025"},
				MaritalStatus: civil.MaritalStatus{Person: person, Purpose: purpose, IntendedSpouse: intended}})
		}
		r, err := ask(hung, "Kết hôn", &civil.Spouse{FullName: "Phạm Thị Lan", DateOfBirth: "1995-07-09"})
		if err != nil {
			t.Fatal(err)
		}
		ms := r.MaritalStatus
		if r.Kind != civil.MaritalStatusKind || r.Register.Number != 1 || ms.Status != civil.NeverMarried || ms.ValidUntil != "2026-09-10" {
			t.Fatalf("never married: %+v %+v", r.Register, ms)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "XNHN" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		wed, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		// The certificate for marrying Lan served this marriage, in its transaction, and serves
		// no other.
		if used, err := svc.Entry(ctx, r.ID); err != nil || used.Version != 2 || !strings.HasPrefix(used.MaritalStatus.UsedFor, "Đăng ký kết hôn số 1, quyển 01/2026") {
			t.Fatalf("the certificate after the marriage: %v version %d %q", err, used.Version, used.MaritalStatus.UsedFor)
		}
		if r, err := ask(hung, "Bổ sung hồ sơ vay vốn", nil); err != nil || r.MaritalStatus.Status != civil.Married || r.MaritalStatus.Spouse != "Phạm Thị Lan" || r.Register.Number != 2 ||
			!strings.Contains(r.MaritalStatus.Basis, "Đăng ký kết hôn số 1, quyển số 01/2026, ngày 10/03/2026, tại UBND Phường") {
			t.Fatalf("married: %v %+v", err, r.MaritalStatus)
		}
		if _, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 1,
			Divorce: civil.Divorce{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Decision: "25/2026/QĐST-HNGĐ", EffectiveOn: "2026-03-10"}}); err != nil {
			t.Fatal(err)
		}
		// Lan has no personal ID: found by her name and date of birth.
		if r, err := ask(lan, "Xuất cảnh", nil); err != nil || r.MaritalStatus.Status != civil.DivorcedNow || !strings.Contains(r.MaritalStatus.Basis, "25/2026/QĐST-HNGĐ") {
			t.Fatalf("divorced: %v %+v", err, r.MaritalStatus)
		}
		if _, err := ask(nam, "Để kết hôn", nil); !invalidOn(err, "intended_spouse", "civil.intended_spouse_required") {
			t.Fatalf("for marrying, nobody named: %v", err)
		}
		typed := registration.MaritalStatusRequest{Desk: registration.Desk{Office: "21025"}, MaritalStatus: civil.MaritalStatus{Person: nam, Purpose: "Xuất cảnh", Status: civil.NeverMarried}}
		if _, err := svc.RegisterMaritalStatus(ctx, officer, by, typed); !invalidOn(err, "status", "marital.found_not_typed") {
			t.Fatalf("a status typed: %v", err)
		}
	})
}

// A marriage's and a guardianship's checks run inside the single writer's transaction: every
// lookup is led by an index, never a scan of the parties or the entries.
func TestChecksUseIndexes(t *testing.T) {
	plan, err := registration.NewRecords(storetest.SQLite(t)).ExplainChecks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"record_parties USING INDEX record_parties_pid (personal_id=?)", "record_parties USING INDEX record_parties_person (folded=? AND date_of_birth=?)"} {
		if !strings.Contains(plan, want) {
			t.Errorf("no %q in:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "SCAN record_parties") || strings.Contains(plan, "SCAN records") {
		t.Errorf("a lookup scans:\n%s", plan)
	}
}

// A father recognises a child whose birth entry names none (Law 60/2014 art. 24–25): the
// recognition is numbered in its own book with its dossier NCMC, and the birth entry gains the
// father as version 2 in the same transaction, found then by the father's name. A second man's
// claim to the same child is refused (a dispute: Law on Marriage and Family 2014 art. 101.2),
// and nothing of it is stored.
func TestRecognitionAddsTheParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Lê Thị Na", "2026-01-05", "Lê Thị Hoa")
		b.Child.PersonalID = "051326000777"
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		req := registration.RecognitionRequest{Desk: registration.Desk{Office: "21025"}, Recognition: civil.Recognition{
			Child:    civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2026-01-05", PersonalID: "051326000777"},
			Father:   &civil.Parent{FullName: "Trần Văn Bình", DateOfBirth: "1990-02-02", PersonalID: "051090009999", Nationality: "Việt Nam"},
			Evidence: "Kết quả giám định ADN số 123/GĐ ngày 01/02/2026"}}
		r, err := svc.RegisterRecognition(ctx, officer, by, req)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != civil.RecognitionKind || r.Register.Number != 1 || r.Recognition.BirthRecord != born.ID {
			t.Fatalf("recognition: %+v %+v", r.Register, r.Recognition)
		}
		after, err := svc.Entry(ctx, born.ID)
		if err != nil || after.Version != 2 || after.Birth.Father == nil || after.Birth.Father.FullName != "Trần Văn Bình" {
			t.Fatalf("the birth entry after: %v version %d %+v", err, after.Version, after.Birth.Father)
		}
		hist, _ := svc.Versions(ctx, after)
		if len(hist) != 2 || hist[1].Change != civil.Recognised || !strings.Contains(hist[1].Reason, "ADN số 123/GĐ") {
			t.Fatalf("the birth's history: %+v", hist)
		}
		if _, n, err := svc.Search(ctx, officer, by, "cha: tran van binh", civil.Query{Kind: civil.BirthKind}); err != nil || n != 1 {
			t.Errorf("the birth found by its recognised father: %d %v", n, err)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1`, r.ID).Scan(&procedure); err != nil || procedure != "NCMC" {
			t.Fatalf("dossier %q %v", procedure, err)
		}
		other := req
		other.Father = &civil.Parent{FullName: "Phan Văn Cường", DateOfBirth: "1988-08-08"}
		if _, err := svc.RegisterRecognition(ctx, officer, by, other); !conflictOn(err, "father.full_name", "recognition.parent_named") {
			t.Fatalf("a second father: %v", err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM records WHERE kind = 'recognition'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d recognitions stored (%v), want 1", n, err)
		}
		// A child whose birth is not in this register: the recognition alone.
		away := req
		away.Child = civil.Person{FullName: "Đỗ Văn Tí", Sex: civil.Male, DateOfBirth: "2019-09-09"}
		if r, err := svc.RegisterRecognition(ctx, officer, by, away); err != nil || r.Recognition.BirthRecord != "" || r.Register.Number != 2 {
			t.Fatalf("without a birth entry: %v %+v", err, r)
		}
	})
}

// A correction of an old marriage that ended is not barred by the person's later marriage
// (they do not overlap); a certificate for marrying is refused to a married person (Decree
// 123/2015 art. 22.1); a certificate of marital status is never corrected, a new one is issued.
func TestOverlapsAndCertificateRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		old := marriage("21025", hung, lan)
		old.RegisteredOn, old.DateReason = "2015-05-05", "Nhập lại từ sổ giấy"
		first, err := svc.RegisterMarriage(ctx, officer, by, old)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordDivorce(ctx, officer, by, first.ID, registration.DivorceRequest{Version: 1,
			Divorce: civil.Divorce{Court: "Tòa án nhân dân huyện Bình Sơn", Decision: "12/2018/QĐST-HNGĐ", EffectiveOn: "2018-01-01"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, mai)); err != nil {
			t.Fatal(err)
		}
		fixed := *first.Marriage
		fixed.Husband.FullName = "Lê Văn Hưng" // the old entry's husband's name was misspelt
		fixed.Divorce = nil                    // the correction form shows the parties only
		if _, err := svc.Amend(ctx, officer, by, first.ID, registration.Amendment{Base: 2, Change: civil.Correction, Reason: "Ghi sai tên",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &fixed}}); err != nil {
			t.Fatalf("a correction of the old marriage: %v", err)
		}
		// Hùng is married to Mai: no certificate for marrying, one for another purpose.
		ask := registration.MaritalStatusRequest{Desk: registration.Desk{Office: "21025"}, MaritalStatus: civil.MaritalStatus{Person: hung, Purpose: "Kết hôn",
			IntendedSpouse: &civil.Spouse{FullName: "Đỗ Thị Hoa", DateOfBirth: "1991-01-01"}}}
		if _, err := svc.RegisterMaritalStatus(ctx, officer, by, ask); !conflictOn(err, "person.full_name", "marriage.still_married") {
			t.Fatalf("for marrying, while married: %v", err)
		}
		ask.Purpose, ask.IntendedSpouse = "Xuất cảnh", nil
		cert, err := svc.RegisterMaritalStatus(ctx, officer, by, ask)
		if err != nil || cert.MaritalStatus.Status != civil.Married {
			t.Fatalf("for another purpose: %v %+v", err, cert.MaritalStatus)
		}
		changed := *cert.MaritalStatus
		changed.Purpose = "Kết hôn"
		if _, err := svc.Amend(ctx, officer, by, cert.ID, registration.Amendment{Base: 1, Change: civil.Correction, Reason: "Sai mục đích",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{MaritalStatus: &changed}}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("a corrected certificate: %v", err)
		}
	})
}

// A divorce corrected to a later day lengthens the marriage: refused when that runs over a
// party's later marriage, allowed when it does not.
func TestDivorceCorrectedLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		old := marriage("21025", hung, lan)
		old.RegisteredOn, old.DateReason = "2015-05-05", "Nhập lại từ sổ giấy"
		first, err := svc.RegisterMarriage(ctx, officer, by, old)
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.RecordDivorce(ctx, officer, by, first.ID, registration.DivorceRequest{Version: 1,
			Divorce: civil.Divorce{Court: "Tòa án nhân dân huyện Bình Sơn", Decision: "12/2018/QĐST-HNGĐ", EffectiveOn: "2018-01-01"}})
		if err != nil {
			t.Fatal(err)
		}
		later := marriage("21025", hung, mai)
		later.RegisteredOn, later.DateReason = "2020-01-01", "Nhập lại từ sổ giấy"
		if _, err := svc.RegisterMarriage(ctx, officer, by, later); err != nil {
			t.Fatal(err)
		}
		amend := func(day string) error {
			fixed := *r.Marriage
			d := *fixed.Divorce
			d.EffectiveOn = day
			fixed.Divorce = &d
			got, err := svc.Amend(ctx, officer, by, first.ID, registration.Amendment{Base: r.Version, Change: civil.Correction,
				Reason: "Ghi sai ngày có hiệu lực", LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Marriage: &fixed}})
			if err == nil {
				r = got
			}
			return err
		}
		if err := amend("2021-01-01"); !conflictOn(err, "husband.full_name", "marriage.still_married") {
			t.Fatalf("a divorce moved past the husband's next marriage: %v", err)
		}
		if err := amend("2019-01-01"); err != nil {
			t.Fatalf("a divorce moved to a day before it: %v", err)
		}
	})
}

// A divorce decided by a court abroad is written into the register against the marriage at a
// citizen's request (Law 60/2014 art. 48; Decree 123/2015 art. 37), with its dossier GCNN
// settled in the version's transaction and the country in its note; a country not on the list,
// or Việt Nam, is refused; a domestic divorce takes no dossier.
func TestDivorceDecidedAbroad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		wed, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, lan))
		if err != nil {
			t.Fatal(err)
		}
		abroad := civil.Divorce{Court: "Tòa án gia đình Seoul", Decision: "2026드단1234", EffectiveOn: "2026-03-10", Country: "Viet Nam"}
		if _, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 1, Divorce: abroad}); !invalidOn(err, "divorce.country", "foreign.not_abroad") {
			t.Fatalf("a divorce abroad in Việt Nam: %v", err)
		}
		abroad.Country = "Xứ Sở Thần Tiên"
		if _, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 1, Divorce: abroad}); !invalidOn(err, "divorce.country", "civil.nationality_unknown") {
			t.Fatalf("a country not on the list: %v", err)
		}
		abroad.Country = "Han Quoc"
		r, err := svc.RecordDivorce(ctx, officer, by, wed.ID, registration.DivorceRequest{Version: 1, Divorce: abroad})
		if err != nil || r.Marriage.Divorce.Country != "Hàn Quốc" {
			t.Fatalf("a divorce abroad: %v %+v", err, r.Marriage)
		}
		var procedure string
		if err := st.QueryRow(ctx, `SELECT procedure_code FROM dossiers WHERE record_id = $1 AND procedure_code <> 'KH'`, wed.ID).Scan(&procedure); err != nil || procedure != "GCNN" {
			t.Fatalf("the divorce's dossier: %q %v", procedure, err)
		}
		hist, _ := svc.Versions(ctx, r)
		if last := hist[len(hist)-1]; last.LegalBasis != civil.ForeignDivorceBasis || !strings.Contains(last.Reason, "(Hàn Quốc)") {
			t.Fatalf("the note: %+v", last)
		}
		if _, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", hung, hoa)); err != nil {
			t.Fatalf("the husband after a divorce abroad: %v", err)
		}
		// A court of Việt Nam sends its own judgment: no dossier is opened for it.
		other, err := svc.RegisterMarriage(ctx, officer, by, marriage("21025", nam, lan))
		if err != nil {
			t.Fatal(err)
		}
		home := civil.Divorce{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Decision: "30/2026/QĐST-HNGĐ", EffectiveOn: "2026-03-10"}
		if _, err := svc.RecordDivorce(ctx, officer, by, other.ID, registration.DivorceRequest{Version: 1, Divorce: home}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM dossiers WHERE record_id = $1`, other.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d dossiers for a marriage divorced at home (%v), want its KH only", n, err)
		}
	})
}
