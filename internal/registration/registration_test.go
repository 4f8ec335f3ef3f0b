package registration_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var ctx = context.Background()

var (
	officer    = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	officer2   = auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}
	leader     = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	specialist = auth.Principal{Username: "cv", Role: auth.Specialist, Office: auth.DepartmentOffice}
	by         = audit.Actor{Username: "canbo", Office: "21025"}
)

func setup(t *testing.T, st *store.Store) *registration.Service {
	t.Helper()
	// 03:00 on 10 March in Vietnam, still 9 March in UTC: "today" must be Vietnam's.
	st.Now = func() time.Time { return time.Date(2026, 3, 9, 20, 0, 0, 0, time.UTC) }
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), time.Now())); err != nil {
		t.Fatal(err)
	}
	return registration.New(st)
}

func birth(child, dob, mother string) registration.BirthRequest {
	return registration.BirthRequest{Desk: registration.Desk{Office: "21025", RegisteredOn: "2026-03-01", DateReason: "Nhập lại từ sổ giấy"}, Birth: civil.Birth{
		Child: civil.Person{FullName: child, Sex: civil.Female, DateOfBirth: dob, PlaceOfBirth: "Bệnh viện Đa khoa tỉnh Quảng Ngãi",
			Ethnicity: "Kinh", Nationality: "Việt Nam"},
		Mother:    &civil.Parent{FullName: mother, DateOfBirth: "1995-04-12"},
		Requester: civil.Requester{FullName: mother, Relation: "mẹ"},
	}}
}

// 60 officers register at the same moment: numbers 1…60, no gap, no repeat, on both engines.
func TestConcurrentRegistrationsAreGapless(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		const n = 60
		var wg sync.WaitGroup
		nums := make(chan int, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				// Births four days apart, so that no registration is held up as a duplicate.
				dob := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 4*i).Format(civil.DateFormat)
				r, err := svc.RegisterBirth(ctx, officer, by, birth(fmt.Sprintf("Nguyễn Thị Con %c", 'A'+i%26), dob,
					fmt.Sprintf("Trần Thị %c%c", 'A'+i/26, 'A'+i%26)))
				if err != nil {
					errs <- err
					return
				}
				nums <- r.Register.Number
			}(i)
		}
		wg.Wait()
		close(nums)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var got []int
		for x := range nums {
			got = append(got, x)
		}
		sort.Ints(got)
		for i, x := range got {
			if x != i+1 {
				t.Fatalf("numbers %v: want 1..%d without gaps", got, n)
			}
		}
		if len(got) != n {
			t.Fatalf("%d registered, want %d", len(got), n)
		}
		// Another commune's register starts at 1 again.
		req := birth("Lê Văn An", "2026-02-01", "Phạm Thị Bé")
		req.Office = "21028"
		r, err := svc.RegisterBirth(ctx, officer2, by, req)
		if err != nil || r.Register.Number != 1 || r.Register.Book != "01" || r.Register.Year != 2026 {
			t.Fatalf("other commune: %+v %v", r.Register, err)
		}
	})
}

func TestBirthDuplicateFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		first, err := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan"))
		if err != nil {
			t.Fatal(err)
		}
		if first.Late || first.Register.Number != 1 {
			t.Fatalf("first: %+v", first)
		}
		// The same child typed without diacritics, by the officer of another commune: caught,
		// and shown masked (another commune's entry).
		again := birth("nguyen thi dao", "2026-02-02", "tran thi lan")
		again.Office = "21028"
		_, err = svc.RegisterBirth(ctx, officer2, by, again)
		var dup *registration.DuplicateError
		if !errors.As(err, &dup) || !fault.Is(err, fault.Conflict) || len(dup.Candidates) != 1 || dup.Candidates[0].ID != "" ||
			!dup.Candidates[0].Masked || dup.Candidates[0].FullName != "Nguyễn T. Đ." {
			t.Fatalf("duplicate not caught, or shown in full to another commune: %v %+v", err, dup)
		}
		if dup.Candidates[0].Score < civil.DefaultParams.Threshold || len(dup.Candidates[0].Reasons) == 0 {
			t.Fatalf("candidate: %+v", dup.Candidates[0])
		}
		// An empty reason is no confirmation.
		again.Confirm = &registration.Confirmation{Reason: "  "}
		if _, err := svc.RegisterBirth(ctx, officer2, by, again); !errors.As(err, &dup) {
			t.Fatalf("blank reason accepted: %v", err)
		}
		again.Confirm = &registration.Confirmation{Reason: "Hai trẻ khác nhau, đã đối chiếu giấy chứng sinh"}
		second, err := svc.RegisterBirth(ctx, officer2, by, again)
		if err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		if es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "record.not_duplicate"}); len(es) != 1 || es[0].Object != "record:"+second.ID {
			t.Fatalf("decision not audited: %+v", es)
		}
	})
}

// A child entered under another family name (the father's instead of the mother's) is found
// through the mother alone; a sister born the same week is not taken for her.
func TestBirthDuplicateFoundByMother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		first, err := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.RegisterBirth(ctx, officer, by, birth("Lê Thị Đào", "2026-02-03", "Trần Thị Lan"))
		var dup *registration.DuplicateError
		if !errors.As(err, &dup) || len(dup.Candidates) != 1 || dup.Candidates[0].ID != first.ID {
			t.Fatalf("same child under another family name: %v, want a duplicate of %s", err, first.ID)
		}
		if _, err := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Mai", "2026-02-01", "Trần Thị Lan")); err != nil {
			t.Fatalf("twin sister: %v", err)
		}
	})
}

// The mother's name typed a letter off: only the child's name finds the first entry (the
// same-name step, judged from the index alone), and the similar mother makes it likely. A
// namesake with another mother is no duplicate.
func TestBirthDuplicateFoundByName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		first, err := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-02", "Phạm Thị Hoa")); err != nil {
			t.Fatalf("namesake with another mother: %v", err)
		}
		_, err = svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-02", "Trần Thị Lanh"))
		var dup *registration.DuplicateError
		if !errors.As(err, &dup) || len(dup.Candidates) != 1 || dup.Candidates[0].ID != first.ID {
			t.Fatalf("same child, mother's name a letter off: %v, want a duplicate of %s", err, first.ID)
		}
	})
}

func TestLateBirthAndValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		late := birth("Võ Thị Hạnh", "2025-12-01", "Đỗ Thị Thu")
		r, err := svc.RegisterBirth(ctx, officer, by, late)
		if err != nil || !r.Late {
			t.Fatalf("registered 90 days after birth: late=%v %v", r.Late, err)
		}
		bad := birth("", "2027-01-01", "Đỗ Thị Thu")
		_, err = svc.RegisterBirth(ctx, officer, by, bad)
		e, ok := fault.As(err)
		if !ok || e.Fields["child.full_name"] == "" || e.Fields["child.date_of_birth"] == "" {
			t.Fatalf("validation: %v", err)
		}
		if _, err := svc.RegisterBirth(ctx, officer2, by, birth("Võ Thị Hạnh", "2026-02-01", "Đỗ Thị Thu")); !fault.Is(err, fault.NotFound) {
			t.Fatalf("officer registering in another commune: %v", err)
		}
		if _, err := svc.RegisterBirth(ctx, leader, by, birth("Võ Thị Hạnh", "2026-02-01", "Đỗ Thị Thu")); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("leader registering: %v", err)
		}
		req := birth("Võ Thị Hạnh", "2026-02-01", "Đỗ Thị Thu")
		req.Office = "99999"
		if _, err := svc.RegisterBirth(ctx, specialist, by, req); !fault.Is(err, fault.Invalid) {
			t.Fatalf("unknown office: %v", err)
		}
	})
}

func death(name, dob, pid, died string) registration.DeathRequest {
	return registration.DeathRequest{Desk: registration.Desk{Office: "21025", RegisteredOn: "2026-03-05", DateReason: "Nhập lại từ sổ giấy"}, Death: civil.Death{
		Deceased:    civil.Person{FullName: name, Sex: civil.Male, DateOfBirth: dob, PersonalID: pid},
		DateOfDeath: died, PlaceOfDeath: "Tại nhà", Cause: "Bệnh già", Requester: civil.Requester{FullName: "Lê Thị Hoa", Relation: "con"}}}
}

func TestDeaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		// The person's birth entry, with a personal ID, links the death to it.
		b := birth("Lê Văn Tám", "2026-01-10", "Hồ Thị Sen")
		b.Child.Sex = civil.Male
		b.Child.PersonalID = "051226000123"
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterDeath(ctx, officer, by, death("Lê Văn Tám", "2026-01-10", "051226000123", "2026-01-05")); !fault.Is(err, fault.Invalid) {
			t.Fatalf("death before birth: %v", err)
		}
		d, err := svc.RegisterDeath(ctx, officer, by, death("Lê Văn Tám", "2026-01-10", "051226000123", "2026-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Death.BirthRecord != born.ID || d.Late || d.Register.Number != 1 {
			t.Fatalf("death: link %q late %v number %d", d.Death.BirthRecord, d.Late, d.Register.Number)
		}
		// Nobody dies twice, even with a confirmation.
		again := death("Lê Văn Tám", "2026-01-10", "051226000123", "2026-03-02")
		again.Confirm = &registration.Confirmation{Reason: "thử"}
		var dup *registration.DuplicateError
		if _, err := svc.RegisterDeath(ctx, officer, by, again); !errors.As(err, &dup) || dup.Candidates[0].Reasons[0] != "dup.already_dead" {
			t.Fatalf("second death: %v", err)
		}
		// Same name and birthday without an ID: a suspicion the officer can override.
		s1 := death("Phạm Văn Sáu", "1950-02-02", "", "2026-02-01")
		if _, err := svc.RegisterDeath(ctx, officer, by, s1); err != nil {
			t.Fatal(err)
		}
		s2 := death("pham van sau", "1950-02-02", "", "2026-02-03")
		if _, err := svc.RegisterDeath(ctx, officer, by, s2); !errors.As(err, &dup) {
			t.Fatalf("suspected double death: %v", err)
		}
		s2.Confirm = &registration.Confirmation{Reason: "Trùng tên, khác quê quán"}
		r, err := svc.RegisterDeath(ctx, officer, by, s2)
		if err != nil || !r.Late {
			t.Fatalf("confirmed late death (registered 30 days after): %v late=%v", err, r.Late)
		}
	})
}

// A person dies once (Law 60/2014 art. 32-33), also when officers register the same death at
// the same moment: the check before the transaction let 2 of 2, and 17 of 20, through; the
// database now keeps one, and the others are told whose death it already is. Both engines.
func TestConcurrentDeathsOfOnePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Lê Văn Tám", "2026-01-10", "Hồ Thị Sen")
		b.Child.Sex = civil.Male
		b.Child.PersonalID = "051226000123"
		born, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		const n = 20
		var wg sync.WaitGroup
		var ok, refused atomic.Int32
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half give the personal ID, half the birth entry: the same person either way.
				req := death("Lê Văn Tám", "2026-01-10", "051226000123", "2026-03-01")
				if i%2 == 1 {
					req.Death.Deceased.PersonalID, req.Death.BirthRecord = "", born.ID
				}
				// Each officer waves suspicions through: only the rule can stop them.
				req.Confirm = &registration.Confirmation{Reason: "Không trùng"}
				_, err := svc.RegisterDeath(ctx, officer, by, req)
				var dup *registration.DuplicateError
				switch {
				case err == nil:
					ok.Add(1)
				case errors.As(err, &dup) && dup.Candidates[0].Reasons[0] == "dup.already_dead":
					refused.Add(1)
				default:
					t.Errorf("death %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || refused.Load() != n-1 {
			t.Fatalf("%d deaths registered, %d refused", ok.Load(), refused.Load())
		}
		items, total, err := registration.NewRecords(st).SearchRecords(ctx, civil.Query{Kind: civil.DeathKind, Limit: 50})
		if err != nil || total != 1 || len(items) != 1 {
			t.Fatalf("deaths stored: %d (%v)", total, err)
		}
	})
}

// Registrations that share a group commit with failing ones (a second death of one person)
// still succeed: a group whose member failed runs its members again, and each must write what
// it would have written the first time (its dossier, not one a first run changed).
func TestRegistrationsBesideFailingOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Lê Văn Tám", "2026-01-10", "Hồ Thị Sen")
		b.Child.Sex = civil.Male
		b.Child.PersonalID = "051226000123"
		if _, err := svc.RegisterBirth(ctx, officer, by, b); err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i%2 == 0 {
						dob := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i+40*round).Format(civil.DateFormat)
						_, err := svc.RegisterBirth(ctx, officer, by, birth(fmt.Sprintf("Đỗ Văn %c%c", 'A'+round, 'A'+i%26), dob, fmt.Sprintf("Phan Thị %c%c%c", 'A'+round, 'A'+i/26, 'A'+i%26)))
						errs <- err
						return
					}
					req := death("Lê Văn Tám", "2026-01-10", "051226000123", "2026-03-01")
					req.Confirm = &registration.Confirmation{Reason: "Không trùng"}
					svc.RegisterDeath(ctx, officer, by, req) // one succeeds in all, the rest fail
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("round %d: a birth beside failing deaths: %v", round, err)
				}
			}
		}
	})
}

// Correcting a death onto a person whose death is already registered is a conflict, not an
// error of the system (records_one_death_*).
func TestAmendDeathOntoAnother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		if _, err := svc.RegisterDeath(ctx, officer, by, death("Lê Văn Tám", "1950-01-10", "051050000123", "2026-03-01")); err != nil {
			t.Fatal(err)
		}
		other, err := svc.RegisterDeath(ctx, officer, by, death("Phạm Văn Sáu", "1950-02-02", "051050000456", "2026-03-02"))
		if err != nil {
			t.Fatal(err)
		}
		fixed := *other.Death
		fixed.Deceased.PersonalID = "051050000123"
		_, err = svc.Amend(ctx, officer, by, other.ID, registration.Amendment{Change: civil.Correction, Base: other.Version, Reason: "Ghi nhầm số",
			LegalBasis: "Điều 28 Luật Hộ tịch", Content: civil.Content{Death: &fixed}})
		if !fault.Is(err, fault.Conflict) {
			t.Fatalf("a death corrected onto a person already dead: %v", err)
		}
	})
}

func TestSearchFoldsAndScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		r1, _ := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan"))
		req := birth("Nguyễn Thị Đào", "2026-01-15", "Lê Thị Hoa")
		req.Office = "21028"
		r2, err := svc.RegisterBirth(ctx, officer2, by, req)
		if err != nil {
			t.Fatal(err)
		}
		r3, _ := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Văn Đạo", "2026-02-03", "Phan Thị Mỹ"))
		tests := []struct {
			who  auth.Principal
			q    string
			want []string
		}{
			{leader, "nguyen thi dao", []string{r2.ID, r1.ID}}, // ordered by name, then date of birth
			{leader, "NGUYỄN THỊ ĐÀO", []string{r2.ID, r1.ID}},
			{leader, "dao", []string{r2.ID, r1.ID, r3.ID}}, // by given name: Đào and Đạo alike
			{leader, "dao 01/02/2026", []string{r1.ID}},    // name and date of birth
			{officer, "nguyen thi dao", []string{r1.ID}},   // a commune sees only its own
			{officer2, "nguyen thi dao", []string{r2.ID}},
			{leader, "tran thi lan", nil},         // mothers are not subjects
			{leader, "1", []string{r1.ID, r2.ID}}, // register number 1 in both communes
		}
		for _, tt := range tests {
			items, total, err := svc.Search(ctx, tt.who, by, tt.q, civil.Query{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.ID)
			}
			if tt.q == "1" {
				sort.Strings(got)
				sort.Strings(tt.want)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || total != len(tt.want) {
				t.Errorf("%s searching %q: %v (total %d), want %v", tt.who.Username, tt.q, got, total, tt.want)
			}
		}
		if _, err := svc.Get(ctx, officer, by, r2.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("officer reading another commune's entry: %v", err)
		}
		if _, err := svc.Get(ctx, leader, by, r2.ID); err != nil {
			t.Fatal(err)
		}
		if es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "record.view"}); len(es) != 1 {
			t.Fatalf("views audited: %d", len(es))
		}
	})
}

func TestAmendKeepsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		r, _ := svc.RegisterBirth(ctx, officer, by, birth("Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan"))
		fixed := *r.Birth
		fixed.Child.FullName = "Nguyễn Thị Hồng Đào"
		a := registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Sai tên do ghi nhầm", LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Birth: &fixed}}
		got, err := svc.Amend(ctx, officer, by, r.ID, a)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Birth.Child.FullName != "Nguyễn Thị Hồng Đào" {
			t.Fatalf("amended: %+v", got)
		}
		// Editing the old version again is a conflict, not a silent overwrite.
		if _, err := svc.Amend(ctx, officer, by, r.ID, a); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale amendment: %v", err)
		}
		// A supplement may fill an empty field but not change a filled one.
		sup := *got.Birth
		sup.Child.Hometown = "Xã Bình Sơn"
		sup.Child.PlaceOfBirth = "Trạm y tế"
		_, err = svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Supplement, Base: 2, Reason: "Bổ sung quê quán", LegalBasis: "Điều 29", Content: civil.Content{Birth: &sup}})
		if e, _ := fault.As(err); e == nil || e.Fields["child.place_of_birth"] != "amend.supplement_overwrites" {
			t.Fatalf("supplement overwriting: %v", err)
		}
		sup.Child.PlaceOfBirth = got.Birth.Child.PlaceOfBirth
		if _, err := svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Supplement, Base: 2, Reason: "Bổ sung quê quán", LegalBasis: "Điều 29", Content: civil.Content{Birth: &sup}}); err != nil {
			t.Fatal(err)
		}
		cur, _ := svc.Get(ctx, leader, by, r.ID)
		hist, err := svc.History(ctx, leader, cur)
		if err != nil || len(hist) != 3 {
			t.Fatalf("history: %d versions, %v", len(hist), err)
		}
		if hist[0].Birth.Child.FullName != "Nguyễn Thị Đào" || hist[1].Change != civil.Correction || fmt.Sprint(hist[1].Fields) != "[child.full_name]" ||
			hist[2].Change != civil.Supplement || fmt.Sprint(hist[2].Fields) != "[child.hometown]" {
			t.Fatalf("history: %+v", hist)
		}
		// Search follows the current version.
		items, _, _ := svc.Search(ctx, leader, by, "nguyen thi hong dao", civil.Query{})
		if len(items) != 1 {
			t.Fatalf("search after correction: %d", len(items))
		}
		if _, err := svc.Amend(ctx, officer2, by, r.ID, a); !fault.Is(err, fault.NotFound) {
			t.Fatalf("amending another commune's entry: %v", err)
		}
	})
}

// An entry is registered the day it is made (the clock says 10 March 2026 in Vietnam); a paper
// register entered later, on another day, says why, and the reason stays with the entry and in
// the audit log.
func TestRegistrationDateIsTodayUnlessAReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		tests := []struct {
			name, on, reason string
			problem          string // on registered_on_reason
		}{
			{"today, no reason", "2026-03-10", "", ""},
			{"the date left empty is today", "", "", ""},
			{"another day without a reason", "2026-03-09", "", "civil.date_needs_reason"},
			{"another day, a reason of spaces", "2026-03-09", "   ", "civil.date_needs_reason"},
			{"another day with a reason", "2026-03-09", "Mất mạng ngày 09/3, nhập lại từ sổ giấy", ""},
		}
		for i, tt := range tests {
			req := birth(fmt.Sprintf("Nguyễn Thị Ngày %c", 'A'+i), "2026-03-01", fmt.Sprintf("Trần Thị Mẹ %c", 'A'+i))
			req.RegisteredOn, req.DateReason = tt.on, tt.reason
			r, err := svc.RegisterBirth(ctx, officer, by, req)
			if tt.problem != "" {
				if e, _ := fault.As(err); e == nil || e.Fields["registered_on_reason"] != tt.problem {
					t.Errorf("%s: %v, want %s", tt.name, err, tt.problem)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			hist, err := svc.History(ctx, officer, r)
			if err != nil || len(hist) != 1 || hist[0].Reason != strings.TrimSpace(tt.reason) {
				t.Errorf("%s: first version %+v, %v", tt.name, hist, err)
			}
			if want := "2026-03-10"; tt.on == "" && r.RegisteredOn != want {
				t.Errorf("%s: registered on %s, want %s", tt.name, r.RegisteredOn, want)
			}
		}
		// The date's problem comes with the entry's own, all at once.
		req := birth("", "2026-03-01", "Trần Thị Lan")
		req.RegisteredOn, req.DateReason = "2026-03-09", ""
		_, err := svc.RegisterBirth(ctx, officer, by, req)
		if e, _ := fault.As(err); e == nil || e.Fields["registered_on_reason"] == "" || e.Fields["child.full_name"] == "" {
			t.Errorf("problems of a nameless birth on another day: %v", err)
		}
		es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "record.create"})
		found := false
		for _, e := range es {
			found = found || strings.Contains(e.Detail, "registered_on=2026-03-09 reason=Mất mạng ngày 09/3")
		}
		if !found {
			t.Error("the audit log does not say why an entry was registered on another day")
		}
	})
}

// A register book holds an office's entries of a kind and year in number order, each in its
// current version with its corrections for the notes column; another commune's officer is told
// it does not exist; a printing is audited.
func TestRegisterBook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		var ids []string
		for i := range 3 {
			r, err := svc.RegisterBirth(ctx, officer, by, birth(fmt.Sprintf("Nguyễn Thị Sổ %c", 'A'+i), fmt.Sprintf("2026-02-0%d", i+1), fmt.Sprintf("Trần Thị Mẹ %c", 'A'+i)))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		if _, err := svc.RegisterDeath(ctx, officer, by, death("Lê Văn Tám", "1940-05-01", "051040000123", "2026-03-01")); err != nil {
			t.Fatal(err)
		}
		r, _ := svc.Entry(ctx, ids[1])
		fixed := *r.Birth
		fixed.Child.PlaceOfBirth = "Trạm Y tế Phường Cẩm Thành"
		if _, err := svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Ghi nhầm nơi sinh",
			LegalBasis: "Điều 28 Luật Hộ tịch 2014", Content: civil.Content{Birth: &fixed}}); err != nil {
			t.Fatal(err)
		}
		books, err := svc.Books(ctx, officer, "21025")
		if err != nil || len(books) != 2 {
			t.Fatalf("books: %+v, %v", books, err)
		}
		b, err := svc.Book(ctx, officer, by, "21025", civil.BirthKind, 2026, registration.CurrentBook)
		if err != nil || b.Count != 3 || b.Last != 3 || len(b.Entries) != 3 {
			t.Fatalf("book: %+v, %v", b.BookRef, err)
		}
		for i, e := range b.Entries {
			if e.Register.Number != i+1 || e.ID != ids[i] {
				t.Errorf("entry %d: number %d, id %s", i, e.Register.Number, e.ID)
			}
		}
		if c := b.Entries[1].Changes; len(c) != 1 || c[0].Reason != "Ghi nhầm nơi sinh" || b.Entries[1].Birth.Child.PlaceOfBirth != "Trạm Y tế Phường Cẩm Thành" {
			t.Errorf("the corrected entry in the book: %+v", b.Entries[1])
		}
		if len(b.Entries[0].Changes) != 0 {
			t.Errorf("an uncorrected entry has changes: %+v", b.Entries[0].Changes)
		}
		if _, err := svc.Book(ctx, officer2, by, "21025", civil.BirthKind, 2026, registration.CurrentBook); !fault.Is(err, fault.NotFound) {
			t.Errorf("another commune's book: %v", err)
		}
		if _, err := svc.Book(ctx, officer, by, "21025", civil.BirthKind, 2025, registration.CurrentBook); !fault.Is(err, fault.NotFound) {
			t.Errorf("a book that does not exist: %v", err)
		}
		if es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "register.print"}); len(es) != 1 || es[0].Object != "book:21025/birth/2026/01" {
			t.Errorf("audit of the printing: %+v", es)
		}
	})
}

// Entries stored before the official lists were checked stay correctable: an older spelling
// ("Mông") is not taken for a change, and a value the lists do not know may stay as it was but
// not be typed anew.
func TestAmendEntriesFromBeforeTheLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		old := func(n int, ethnicity string) civil.Record {
			return civil.Record{Kind: civil.BirthKind, Office: "21025", Register: civil.Register{Number: n, Book: "CU", Year: 2010}, RegisteredOn: "2010-05-01",
				Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: "Giàng Thị Mai", Sex: civil.Female, DateOfBirth: "2010-04-01",
					PlaceOfBirth: "Tại nhà", Ethnicity: ethnicity, Nationality: "Việt Nam"},
					Mother: &civil.Parent{FullName: "Giàng Thị Súa"}, Requester: civil.Requester{FullName: "Giàng Thị Súa", Relation: "mẹ"}}}}
		}
		if _, err := registration.NewRecords(st).BulkInsert(ctx, []civil.Record{old(1, "Mông"), old(2, "Thượng")}, by, "cu.csv"); err != nil {
			t.Fatal(err)
		}
		items, _, err := svc.Search(ctx, officer, by, "giang thi mai", civil.Query{Limit: 10})
		if err != nil || len(items) != 2 {
			t.Fatalf("search: %v %v", items, err)
		}
		for _, it := range items {
			r, _ := svc.Entry(ctx, it.ID)
			sup := *r.Birth
			sup.Child.Hometown = "Xã Ba Tơ"
			got, err := svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Supplement, Base: 1, Reason: "Bổ sung quê quán",
				LegalBasis: "Điều 29 Luật Hộ tịch", Content: civil.Content{Birth: &sup}})
			if err != nil {
				t.Fatalf("supplement of an entry of %s: %v", r.Birth.Child.Ethnicity, err)
			}
			if h, _ := svc.History(ctx, officer, got); strings.Join(h[1].Fields, ",") != "child.hometown" {
				t.Errorf("%s: changed %v, want the hometown alone", r.Birth.Child.Ethnicity, h[1].Fields)
			}
			if r.Birth.Child.Ethnicity == "Thượng" {
				typo := *got.Birth
				typo.Child.Ethnicity = "Thượngg"
				_, err := svc.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Correction, Base: 2, Reason: "Sửa dân tộc",
					LegalBasis: "Điều 28 Luật Hộ tịch", Content: civil.Content{Birth: &typo}})
				if e, _ := fault.As(err); e == nil || e.Fields["child.ethnicity"] != "civil.ethnicity_unknown" {
					t.Errorf("a new value not on the list: %v", err)
				}
			}
		}
	})
}
