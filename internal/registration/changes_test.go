package registration_test

import (
	"testing"

	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A girl of ten changes her name (Civil Code 2015 art. 27): refused without her consent (art.
// 27.2), stored with it as version 2 with its dossier TDCC; her ethnic group is re-determined
// as her mother's (art. 29), not as a group neither parent has; a supplement has its dossier BSTT.
func TestNameAndEthnicityChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		b := birth("Hoàng Thị An", "2016-01-01", "Nông Thị Cúc")
		b.Mother.Ethnicity = "Tày"
		r, err := svc.RegisterBirth(ctx, officer, by, b)
		if err != nil {
			t.Fatal(err)
		}
		renamed := civil.Copy(r.Birth).(*civil.Birth)
		renamed.Child.FullName = "Hoàng Minh An"
		a := registration.Amendment{Change: civil.NameChange, Base: 1, Reason: "Theo nguyện vọng của cha mẹ (Điều 27.1.a)"}
		a.Set(renamed)
		if _, err := svc.Amend(ctx, officer, by, r.ID, a); !fieldIs(err, "subject_consent", "amend.name_consent") {
			t.Fatalf("a girl of ten renamed without her consent: %v", err)
		}
		a.SubjectConsent = true
		r2, err := svc.Amend(ctx, officer, by, r.ID, a)
		if err != nil || r2.Version != 2 || r2.Birth.Child.FullName != "Hoàng Minh An" {
			t.Fatalf("renamed: %v %+v", err, r2.Birth.Child)
		}
		hist, _ := svc.Versions(ctx, r2)
		if hist[1].Change != civil.NameChange || hist[1].LegalBasis != civil.ChangeBasis[civil.NameChange] {
			t.Fatalf("the change's version: %+v", hist[1])
		}
		regrouped := civil.Copy(r2.Birth).(*civil.Birth)
		regrouped.Child.Ethnicity = "Nùng"
		e := registration.Amendment{Change: civil.EthnicityChange, Base: 2, Reason: "Theo dân tộc của mẹ"}
		e.Set(regrouped)
		if _, err := svc.Amend(ctx, officer, by, r.ID, e); !fieldIs(err, "child.ethnicity", "amend.ethnicity_of_a_parent") {
			t.Fatalf("a group neither parent has: %v", err)
		}
		regrouped.Child.Ethnicity = "Tày"
		e.Set(regrouped)
		if _, err := svc.Amend(ctx, officer, by, r.ID, e); err != nil {
			t.Fatalf("the mother's group: %v", err)
		}
		var tdcc int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM dossiers WHERE record_id = $1 AND procedure_code = 'TDCC' AND status = 'settled'`, r.ID).Scan(&tdcc); err != nil || tdcc != 2 {
			t.Fatalf("%d dossiers TDCC (%v), want 2", tdcc, err)
		}
		cur, _ := svc.Entry(ctx, r.ID)
		more := civil.Copy(cur.Birth).(*civil.Birth)
		more.Child.Hometown = "Xã Ba Tơ"
		// The supplement's request was received at the desk first: its dossier BSTT is the one
		// settled, not a second one.
		desk, err := reception.New(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		received, err := desk.Open(ctx, officer, by, reception.Input{Procedure: "BSTT", Office: "21025", Applicant: "Nông Thị Cúc", Channel: dossier.Desk})
		if err != nil {
			t.Fatal(err)
		}
		s := registration.Amendment{Change: civil.Supplement, Base: 3, Reason: "Bổ sung quê quán", LegalBasis: "Điều 29 Luật Hộ tịch 2014", Dossier: received.Code}
		s.Set(more)
		if _, err := svc.Amend(ctx, officer, by, r.ID, s); err != nil {
			t.Fatal(err)
		}
		var bstt int
		var code, status string
		if err := st.QueryRow(ctx, `SELECT COUNT(*), MIN(code), MIN(status) FROM dossiers WHERE record_id = $1 AND procedure_code = 'BSTT'`, r.ID).Scan(&bstt, &code, &status); err != nil ||
			bstt != 1 || code != received.Code || status != "settled" {
			t.Fatalf("%d dossiers BSTT (%v), %s %s, want the one received (%s) settled", bstt, err, code, status, received.Code)
		}
	})
}

// fieldIs says whether err is a validation error naming the field with the code.
func fieldIs(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Invalid && e.Fields[field] == code
}
