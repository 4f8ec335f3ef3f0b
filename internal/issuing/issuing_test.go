package issuing_test

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
	"tuphap/internal/issuing"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx     = context.Background()
	officer = auth.Principal{Username: "canbo", FullName: "Nguyễn Thị Đào", Role: auth.Officer, Office: "21025"}
	signer  = auth.Principal{Username: "chutich", FullName: "Lê Văn Hùng", Role: auth.Signer, Office: "21025"}
	signer2 = auth.Principal{Username: "chutich2", FullName: "Võ Văn Hai", Role: auth.Signer, Office: "21028"}
	leader  = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	admin   = auth.Principal{Username: "quantri", Role: auth.Admin, Office: auth.DepartmentOffice}
	by      = audit.Actor{Username: "canbo"}
	master  = bytes.Repeat([]byte{42}, 32)
)

func setup(t *testing.T, st *store.Store) (*issuing.Service, *registration.Service, civil.Record) {
	t.Helper()
	reg := units.MustLoad()
	if err := st.SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
		t.Fatal(err)
	}
	rs := registration.New(st)
	r, err := rs.RegisterBirth(ctx, officer, by, registration.BirthRequest{Office: "21025", Birth: civil.Birth{
		Child:     civil.Person{FullName: "Nguyễn Thị Hồng Đào", Sex: civil.Female, DateOfBirth: "2026-01-02", PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
		Mother:    &civil.Parent{FullName: "Trần Thị Lan"},
		Requester: civil.Requester{FullName: "Trần Thị Lan", Relation: "mẹ"}}})
	if err != nil {
		t.Fatal(err)
	}
	svc := issuing.New(st, rs, reg, master)
	if err := svc.EnsureDemoKeys(ctx, []string{"21025"}); err != nil {
		t.Fatal(err)
	}
	return svc, rs, r
}

func TestIssueSignVerifyRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		d, err := svc.IssueExtract(ctx, officer, by, r.ID, "https://tuphap.example")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.DocIssued || len(d.Code) != 20 || d.Kind != "extract_birth" {
			t.Fatalf("issued: %+v", d)
		}
		c, err := svc.Verify(ctx, strings.ToLower(d.Code))
		if err != nil || c.Genuine || c.Status != "issued" || c.Subject != "Nguyễn T. H. Đ." {
			t.Fatalf("check before signing: %+v %v", c, err)
		}
		if _, err := svc.Verify(ctx, d.ID); !fault.Is(err, fault.NotFound) {
			t.Fatal("internal ids must not open the public check")
		}
		// Only the signer of the issuing office signs.
		for _, p := range []auth.Principal{officer, leader, admin} {
			if _, err := svc.Sign(ctx, p, by, d.ID); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s signs: %v", p.Role, err)
			}
		}
		if _, err := svc.Sign(ctx, signer2, by, d.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("another commune's signer signs: %v", err)
		}
		d, err = svc.Sign(ctx, signer, audit.Actor{Username: "chutich"}, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Sign(ctx, signer, by, d.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("signing twice: %v", err)
		}
		signed := issuing.File(d)
		if text := pdftest.Text(t, signed); !strings.Contains(text, "NGƯỜI KÝ TRÍCH LỤC") || !strings.Contains(text, "Lê Văn Hùng") {
			t.Fatalf("signed paper lacks the signer's name: %s", text)
		}
		if !pdftest.ValidSignature(t, signed) {
			t.Fatalf("pdfsig:\n%s", pdftest.Sig(t, signed))
		}
		c, _ = svc.Verify(ctx, d.Code)
		if !c.Genuine || c.Status != "signed" || !strings.Contains(c.SignedBy, "DEMO") {
			t.Fatalf("check after signing: %+v", c)
		}
		u, err := svc.VerifyUpload(ctx, signed)
		if err != nil || !u.SignatureValid || !u.Issued || u.Document.Code != d.Code {
			t.Fatalf("upload: %+v %v", u, err)
		}
		tampered := append([]byte(nil), signed...)
		i := bytes.Index(tampered, []byte("/Title"))
		tampered[i+1] = 'X'
		if u, _ := svc.VerifyUpload(ctx, tampered); u.Issued || u.SignatureValid {
			t.Fatalf("tampered upload: %+v", u)
		}
		if u, _ := svc.VerifyUpload(ctx, d.PDF); u.Issued || u.Signed {
			t.Fatalf("the unsigned draft passes as the issued document: %+v", u)
		}
		if _, err := svc.Revoke(ctx, signer, by, d.ID, " "); !fault.Is(err, fault.Invalid) {
			t.Fatalf("revoke without a reason: %v", err)
		}
		if _, err := svc.Revoke(ctx, signer, by, d.ID, "Cấp nhầm"); err != nil {
			t.Fatal(err)
		}
		c, _ = svc.Verify(ctx, d.Code)
		if c.Genuine || c.Status != "revoked" || c.Reason != "Cấp nhầm" {
			t.Fatalf("check after revocation: %+v", c)
		}
		sh, err := svc.SignedShare(ctx, leader, time.Now().AddDate(0, 0, -1), time.Now().AddDate(0, 0, 1), "")
		if err != nil || sh.Issued != 1 || sh.Signed != 1 || sh.Rate != 1 {
			t.Fatalf("share: %+v %v", sh, err)
		}
	})
}

// A correction replaces the documents issued from the earlier version.
func TestCorrectionReplacesDocuments(t *testing.T) {
	st := storetest.SQLite(t)
	svc, rs, r := setup(t, st)
	d, _ := svc.IssueExtract(ctx, officer, by, r.ID, "http://x")
	d, _ = svc.Sign(ctx, signer, by, d.ID)
	fixed := *r.Birth
	fixed.Child.FullName = "Nguyễn Thị Hồng Đào Anh"
	if _, err := rs.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Sai tên", LegalBasis: "Điều 28", Birth: &fixed}); err != nil {
		t.Fatal(err)
	}
	c, _ := svc.Verify(ctx, d.Code)
	if c.Status != "replaced" || c.Genuine {
		t.Fatalf("after correction: %+v", c)
	}
	if _, err := svc.Sign(ctx, signer, by, d.ID); !fault.Is(err, fault.Conflict) {
		t.Fatalf("signing a replaced document: %v", err)
	}
}

func TestKeys(t *testing.T) {
	st := storetest.SQLite(t)
	svc, _, _ := setup(t, st)
	if _, err := svc.DemoKey(ctx, officer, by, "21028"); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("officer makes keys: %v", err)
	}
	if _, err := svc.ImportKey(ctx, admin, by, "21028", []byte("not a p12"), "x"); !fault.Is(err, fault.Invalid) {
		t.Fatalf("bad PKCS#12: %v", err)
	}
	k, err := svc.DemoKey(ctx, admin, by, "21028")
	if err != nil || !k.Demo || bytes.Contains(k.KeySealed, []byte("PRIVATE")) {
		t.Fatalf("demo key: %+v %v", k, err)
	}
	// A server with another master key cannot use the stored keys.
	other := issuing.New(st, registration.New(st), units.MustLoad(), bytes.Repeat([]byte{1}, 32))
	d, _ := other.IssueExtract(ctx, officer, by, mustRecord(t, st), "http://x")
	if _, err := other.Sign(ctx, signer, by, d.ID); err == nil {
		t.Fatal("signed with a key sealed under another master key")
	}
}

func mustRecord(t *testing.T, st *store.Store) string {
	items, _, err := st.SearchRecords(ctx, civil.Query{Limit: 1})
	if err != nil || len(items) == 0 {
		t.Fatal("no record")
	}
	return items[0].ID
}
