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
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/pdftest"
	"tuphap/internal/reception"
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
	special = auth.Principal{Username: "chuyenvien", Role: auth.Specialist, Office: auth.DepartmentOffice}
	admin   = auth.Principal{Username: "quantri", Role: auth.Admin, Office: auth.DepartmentOffice}
	by      = audit.Actor{Username: "canbo"}
	master  = bytes.Repeat([]byte{42}, 32)
)

const publicURL = "https://tuphap.example"

func setup(t *testing.T, st *store.Store) (*issuing.Service, *registration.Service, civil.Record) {
	t.Helper()
	reg := units.MustLoad()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
		t.Fatal(err)
	}
	rs := registration.New(st)
	r, err := rs.RegisterBirth(ctx, officer, by, registration.BirthRequest{Desk: registration.Desk{Office: "21025"}, Birth: civil.Birth{
		Child:     civil.Person{FullName: "Nguyễn Thị Hồng Đào", Sex: civil.Female, DateOfBirth: "2026-01-02", PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
		Mother:    &civil.Parent{FullName: "Trần Thị Lan"},
		Requester: civil.Requester{FullName: "Trần Thị Lan", Relation: "mẹ"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The officer exists as an account, so that papers can name her.
	if _, err := account.New(st).AddUser(ctx, account.NewUser{Username: "canbo", FullName: "Nguyễn Thị Đào", Role: "officer", Office: "21025", Password: "mật khẩu đủ dài"}, audit.System); err != nil {
		t.Fatal(err)
	}
	svc := issuing.New(st, rs, reg, master, publicURL)
	if err := svc.EnsureDemoKeys(ctx, []string{"21025"}); err != nil {
		t.Fatal(err)
	}
	return svc, rs, r
}

func TestIssueSignVerifyRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != issuing.StatusIssued || len(d.Code) != 20 || d.Kind != "extract_birth" || d.VerifyURL != publicURL+"/verify/"+d.Code {
			t.Fatalf("issued: %+v", d)
		}
		// Unsigned, the paper says so across the page.
		if text := pdftest.Text(t, d.PDF); !strings.Contains(text, "Văn bản chưa được ký số") || !strings.Contains(text, publicURL+"/verify/"+d.Code) {
			t.Fatalf("unsigned paper: %s", text)
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
		if text := pdftest.Text(t, signed); !strings.Contains(text, "NGƯỜI KÝ TRÍCH LỤC") || !strings.Contains(text, "Lê Văn Hùng") || strings.Contains(text, "chưa được ký số") {
			t.Fatalf("signed paper lacks the signer's name, or is still marked unsigned: %s", text)
		}
		pdftest.Check(t, signed)
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
		if c.Genuine || c.Status != "revoked" || c.Reason != "Văn bản đã bị cơ quan cấp thu hồi." { // never the office's words
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
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, rs, r := setup(t, st)
		d, _ := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		d, _ = svc.Sign(ctx, signer, by, d.ID)
		fixed := *r.Birth
		fixed.Child.FullName = "Nguyễn Thị Hồng Đào Anh"
		if _, err := rs.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Sai tên", LegalBasis: "Điều 28", Content: civil.Content{Birth: &fixed}}); err != nil {
			t.Fatal(err)
		}
		c, _ := svc.Verify(ctx, d.Code)
		if c.Status != "replaced" || c.Genuine {
			t.Fatalf("after correction: %+v", c)
		}
		if _, err := svc.Sign(ctx, signer, by, d.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("signing a replaced document: %v", err)
		}
	})
}

func TestKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
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
		other := issuing.New(st, registration.New(st), units.MustLoad(), bytes.Repeat([]byte{1}, 32), publicURL)
		d, _ := other.IssueExtract(ctx, officer, by, mustRecord(t, st), issuing.CopyRequest{})
		if _, err := other.Sign(ctx, signer, by, d.ID); err == nil {
			t.Fatal("signed with a key sealed under another master key")
		}
	})
}

func mustRecord(t *testing.T, st *store.Store) string {
	items, _, err := registration.NewRecords(st).SearchRecords(ctx, civil.Query{Limit: 1})
	if err != nil || len(items) == 0 {
		t.Fatal("no record")
	}
	return items[0].ID
}

// Without a configured public address nothing that prints one is issued; a preview, which prints
// none, still works and stores nothing.
func TestNoPublicAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, rs, r := setup(t, st)
		svc := issuing.New(st, rs, units.MustLoad(), master, "")
		if _, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{}); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "document.no_public_url") {
			t.Fatalf("issue without a public address: %v", err)
		}
		if _, err := svc.ReceiptSlip(ctx, dossierOf(t, st, r.ID), "canbo"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("receipt without a public address: %v", err)
		}
		pdf, err := svc.Preview(ctx, officer, by, r.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, pdf); !strings.Contains(text, "Bản xem trước: chưa cấp") || !strings.Contains(text, "GIẤY KHAI SINH") || strings.Contains(text, "/verify/") {
			t.Fatalf("preview: %s", text)
		}
		if ds, _ := svc.List(ctx, leader, "", ""); len(ds) != 0 {
			t.Fatalf("a preview stored %d documents", len(ds))
		}
	})
}

func dossierOf(t *testing.T, st *store.Store, recordID string) dossier.Dossier {
	t.Helper()
	r, err := registration.NewRecords(st).Record(ctx, recordID)
	if err != nil {
		t.Fatal(err)
	}
	// The entry's dossier, opened and settled with it.
	var id string
	if err := st.QueryRow(ctx, `SELECT id FROM dossiers WHERE record_id = $1`, r.ID).Scan(&id); err != nil {
		t.Fatalf("no dossier: %v", err)
	}
	d, err := reception.Open(st).Dossier(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// An issued copy that is not wanted is cancelled with its reason before it is signed, by an
// officer or the signer of its office; it then has no value and cannot be signed.
func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		for reason, want := range map[string]fault.Kind{" ": fault.Invalid, strings.Repeat("x", 501): fault.Invalid} {
			if _, err := svc.Cancel(ctx, officer, by, d.ID, reason); !fault.Is(err, want) {
				t.Errorf("cancel with reason of %d bytes: %v", len(reason), err)
			}
		}
		if _, err := svc.Cancel(ctx, signer2, by, d.ID, "Cấp nhầm"); !fault.Is(err, fault.NotFound) {
			t.Errorf("another commune cancels: %v", err)
		}
		for _, p := range []auth.Principal{leader, special} {
			if _, err := svc.Cancel(ctx, p, by, d.ID, "Cấp nhầm"); !fault.Is(err, fault.Forbidden) {
				t.Errorf("the department's %s cancels a commune's document: %v", p.Role, err)
			}
		}
		// An unsigned copy is cancelled, never revoked: a revoked one would count as issued.
		if _, err := svc.Revoke(ctx, signer, by, d.ID, "Cấp nhầm"); !fault.Is(err, fault.Conflict) {
			t.Errorf("revoke an unsigned document: %v", err)
		}
		d, err = svc.Cancel(ctx, officer, by, d.ID, "Cấp nhầm bản")
		if err != nil || d.Status != issuing.StatusCancelled || d.RevokeReason != "Cấp nhầm bản" {
			t.Fatalf("cancel: %+v %v", d, err)
		}
		if _, err := svc.Sign(ctx, signer, by, d.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("signing a cancelled document: %v", err)
		}
		if c, _ := svc.Verify(ctx, d.Code); c.Genuine || c.Status != issuing.StatusCancelled {
			t.Fatalf("public check of a cancelled document: %+v", c)
		}
		// A cancelled copy was never issued to anyone: it counts neither as an extract issued
		// nor in the share of documents signed.
		if n, _ := svc.ExtractCount(ctx, leader, r.ID); n != 0 {
			t.Fatalf("extracts counted: %d", n)
		}
		if sh, _ := svc.SignedShare(ctx, leader, time.Now().AddDate(0, 0, -1), time.Now().AddDate(0, 0, 1), ""); sh.Issued != 0 {
			t.Fatalf("share counts the cancelled copy: %+v", sh)
		}
		// A signed document is revoked, never cancelled.
		d2, _ := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if _, err := svc.Sign(ctx, signer, by, d2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Cancel(ctx, signer, by, d2.ID, "x"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("cancel a signed document: %v", err)
		}
	})
}

// The signer signs several documents of the queue at once; one that cannot be signed is
// reported and the others are signed.
func TestSignMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		var ids []string
		for range 3 {
			d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
		}
		if _, err := svc.Cancel(ctx, officer, by, ids[1], "Thừa một bản"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SignMany(ctx, officer, by, ids); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("an officer signs: %v", err)
		}
		if _, err := svc.SignMany(ctx, signer, by, nil); !fault.Is(err, fault.Invalid) {
			t.Fatalf("nothing chosen: %v", err)
		}
		res, err := svc.SignMany(ctx, signer, audit.Actor{Username: "chutich"}, append(ids, "no-such-id"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range res {
			got[o.ID] = o.Signed
			if !o.Signed && o.Error == nil {
				t.Errorf("%s: not signed, no reason", o.ID)
			}
		}
		if !got[ids[0]] || got[ids[1]] || !got[ids[2]] || got["no-such-id"] || len(res) != 4 {
			t.Fatalf("signed: %v", got)
		}
		for _, id := range []string{ids[0], ids[2]} {
			d, _ := svc.Get(ctx, leader, id)
			if d.Status != issuing.StatusSigned || !pdftest.ValidSignature(t, issuing.File(d)) {
				t.Fatalf("%s: %s", id, d.Status)
			}
		}
	})
}

// Paper names people, never usernames or field keys: the marginal note of a supplement names
// the officer with her title and the changed field in words, and the receipt slip names who
// received the dossier.
func TestPaperNamesPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, rs, r := setup(t, st)
		next := *r.Birth
		next.Child.PlaceOfBirth = "Trạm Y tế xã Bình Sơn"
		if _, err := rs.Amend(ctx, officer, by, r.ID, registration.Amendment{Change: civil.Correction, Base: 1, Reason: "Ghi thiếu tên xã", LegalBasis: "Điều 28 Luật Hộ tịch", Content: civil.Content{Birth: &next}}); err != nil {
			t.Fatal(err)
		}
		d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, d.PDF)
		if !strings.Contains(text, "(nơi sinh của người được khai sinh)") || !strings.Contains(text, "Người thực hiện: Nguyễn Thị Đào, công chức tư pháp - hộ tịch.") ||
			strings.Contains(text, "canbo") || strings.Contains(text, "child.") {
			t.Fatalf("marginal note: %s", text)
		}
		slip, err := svc.ReceiptSlip(ctx, dossierOf(t, st, r.ID), "canbo")
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, slip); !strings.Contains(text, "Nguyễn Thị Đào") || strings.Contains(text, "canbo") || !strings.Contains(text, publicURL+"/track/") {
			t.Fatalf("receipt slip: %s", text)
		}
		pdftest.Check(t, slip)
		if codes := pdftest.QRCodes(t, slip, 150); len(codes) != 1 || !strings.HasPrefix(codes[0], publicURL+"/track/") {
			t.Fatalf("receipt QR: %v", codes)
		}
	})
}

// A signer whose name has any Vietnamese letter signs a well-formed file that the public check
// calls signed: "Ĩ" (U+0128) broke the file before.
func TestSignerNamedWithAnyLetter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		for _, name := range []string{"Lưu Thị Ĩnh", "Nghĩa", "Đỗ Thị Kĩ (phó chủ tịch)"} {
			d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
			if err != nil {
				t.Fatal(err)
			}
			p := signer
			p.FullName = name
			if d, err = svc.Sign(ctx, p, by, d.ID); err != nil {
				t.Fatal(err)
			}
			signed := issuing.File(d)
			pdftest.Check(t, signed)
			if u, err := svc.VerifyUpload(ctx, signed); err != nil || !u.Signed || !u.SignatureValid || !u.Issued {
				t.Fatalf("%s: %+v %v", name, u, err)
			}
			if text := pdftest.Text(t, signed); !strings.Contains(text, name) {
				t.Fatalf("%s: the signer's name is not on the paper: %s", name, text)
			}
		}
	})
}

// The birth certificate is issued by the registering office's officers, who write entries; a
// signer or the department may preview it but not issue one.
func TestCertificateIssuedByTheOffice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		for _, p := range []auth.Principal{signer, leader} {
			if _, err := svc.IssueCertificate(ctx, p, by, r.ID); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s issues a certificate: %v", p.Role, err)
			}
			if _, err := svc.Preview(ctx, p, by, r.ID, true); err != nil {
				t.Errorf("%s previews the certificate: %v", p.Role, err)
			}
		}
		if _, err := svc.IssueCertificate(ctx, officer, by, r.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// Issuing and signing are two people's work: a signer whose role changed after issuing (the
// officer "canbo" made signer) may not sign their own paper, unless the office allows it.
func TestNoSigningOwnDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		promoted := auth.Principal{Username: "canbo", FullName: "Nguyễn Thị Đào", Role: auth.Signer, Office: "21025"}
		if _, err := svc.Sign(ctx, promoted, by, d.ID); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("signing one's own document: %v", err)
		} else if e, _ := fault.As(err); e.Code != "document.self_sign" {
			t.Fatalf("signing one's own document: %v", err)
		}
		if got, _ := svc.Get(ctx, signer, d.ID); got.Status != issuing.StatusIssued {
			t.Fatalf("refused signature changed the document: %+v", got)
		}
		svc.SelfSign = map[string]bool{"21028": true} // another office's setting does not apply
		if _, err := svc.Sign(ctx, promoted, by, d.ID); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("another office's setting: %v", err)
		}
		svc.SelfSign = map[string]bool{"21025": true}
		if d, err = svc.Sign(ctx, promoted, by, d.ID); err != nil || d.Status != issuing.StatusSigned {
			t.Fatalf("office allows self-signing: %+v %v", d, err)
		}
	})
}

// The documents list a clerk works with: filtered by kind, status and the period issued,
// oldest or newest first, a page at a time, within the caller's jurisdiction; an export is
// audited.
func TestFindDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		var codes []string
		for range 3 {
			d, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, d.Code)
		}
		cert, err := svc.IssueCertificate(ctx, officer, by, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		find := func(p auth.Principal, q issuing.Query) ([]string, bool) {
			t.Helper()
			ds, more, err := svc.Find(ctx, p, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.Code)
			}
			return out, more
		}
		if got, more := find(officer, issuing.Query{Kind: "extract_birth", Oldest: true, Limit: 2}); !more || strings.Join(got, ",") != strings.Join(codes[:2], ",") {
			t.Errorf("first page, oldest first: %v (more %v), want %v", got, more, codes[:2])
		}
		if got, more := find(officer, issuing.Query{Kind: "extract_birth", Oldest: true, Offset: 2, Limit: 2}); more || len(got) != 1 || got[0] != codes[2] {
			t.Errorf("second page: %v (more %v)", got, more)
		}
		if got, _ := find(officer, issuing.Query{}); len(got) != 4 || got[0] != cert.Code {
			t.Errorf("newest first: %v, want the certificate %s first", got, cert.Code)
		}
		now := time.Now()
		if got, _ := find(leader, issuing.Query{Office: "21025", From: now.Add(-time.Hour), To: now.Add(time.Hour)}); len(got) != 4 {
			t.Errorf("issued this hour: %v", got)
		}
		if got, _ := find(leader, issuing.Query{From: now.Add(time.Hour)}); len(got) != 0 {
			t.Errorf("issued from the next hour: %v", got)
		}
		// The home page's count, which stops at its bound.
		for _, c := range []struct {
			p     auth.Principal
			limit int
			want  int
		}{{officer, 100, 4}, {officer, 2, 2}, {leader, 100, 4}, {signer2, 100, 0}} {
			if n, err := svc.Count(ctx, c.p, issuing.StatusIssued, c.limit); err != nil || n != c.want {
				t.Errorf("%s counts %d (bound %d), %v; want %d", c.p.Username, n, c.limit, err, c.want)
			}
		}
		// Another commune's signer asking for this office's documents is told it does not exist;
		// without a filter they see their own office's, none.
		if _, _, err := svc.Find(ctx, signer2, issuing.Query{Office: "21025"}); !fault.Is(err, fault.NotFound) {
			t.Errorf("another commune's list: %v", err)
		}
		if got, _ := find(signer2, issuing.Query{}); len(got) != 0 {
			t.Errorf("another commune's officer sees %v", got)
		}
		ds, more, err := svc.Export(ctx, leader, audit.Actor{Username: "lanhdao"}, issuing.Query{Status: issuing.StatusIssued})
		if err != nil || len(ds) != 4 || more {
			t.Fatalf("export: %d (more %v), %v", len(ds), more, err)
		}
		// A commune user's export is recorded with the office it was narrowed to.
		if _, _, err := svc.Export(ctx, officer, by, issuing.Query{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "document.export"})
		if len(es) != 2 || !strings.Contains(es[1].Detail, "office= status=issued kind= issued_from= issued_before= rows=4 more=false") ||
			!strings.Contains(es[0].Detail, "office=21025 ") || !strings.Contains(es[0].Detail, "issued_from=2026-11-01T07:00:00+07:00") {
			t.Errorf("audit of the exports: %+v", es)
		}
	})
}

// An extract issued by its office on the day the entry was made goes with the registration;
// any later one is a copy asked for (Law 60/2014 art. 64), whose dossier BSTL is settled with
// it: opened then and there, or the one received before. A dossier of another procedure is
// refused and nothing is issued.
func TestCopyOfAnExtractSettlesItsDossier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _, r := setup(t, st)
		first, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{})
		if err != nil || first.DossierID != "" {
			t.Fatalf("the registration's own extract: %v, dossier %q", err, first.DossierID)
		}
		later := r.CreatedAt.Add(48 * time.Hour)
		st.Now = func() time.Time { return later }
		copied, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{Applicant: "Trần Thị Lan"})
		if err != nil || copied.DossierID == "" {
			t.Fatalf("a copy two days later: %v, dossier %q", err, copied.DossierID)
		}
		desk, err := reception.New(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		d, err := desk.Dossier(ctx, copied.DossierID)
		if err != nil || d.Procedure != "BSTL" || d.Status != dossier.Settled || d.Applicant != "Trần Thị Lan" || d.RecordID != r.ID || !d.OnTime() {
			t.Fatalf("the copy's dossier: %v %+v", err, d)
		}
		received, err := desk.Open(ctx, officer, by, reception.Input{Procedure: "BSTL", Office: "21025", Applicant: "Nguyễn Văn Ba", Channel: dossier.Online})
		if err != nil {
			t.Fatal(err)
		}
		byPost, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{Dossier: received.Code})
		if err != nil || byPost.DossierID != received.ID {
			t.Fatalf("a copy for a received dossier: %v, dossier %q want %q", err, byPost.DossierID, received.ID)
		}
		if again, _ := desk.Dossier(ctx, received.Code); again.Status != dossier.Settled || again.RecordID != r.ID {
			t.Fatalf("the received dossier after the copy: %+v", again)
		}
		other, err := desk.Open(ctx, officer, by, reception.Input{Procedure: "KS", Office: "21025", Applicant: "Nguyễn Văn Ba"})
		if err != nil {
			t.Fatal(err)
		}
		var before int
		st.QueryRow(ctx, `SELECT COUNT(*) FROM documents`).Scan(&before)
		if _, err := svc.IssueExtract(ctx, officer, by, r.ID, issuing.CopyRequest{Dossier: other.Code}); !fieldIs(err, "dossier", "dossier.not_for_this") {
			t.Fatalf("a birth dossier for a copy: %v", err)
		}
		var after int
		st.QueryRow(ctx, `SELECT COUNT(*) FROM documents`).Scan(&after)
		if after != before {
			t.Fatalf("%d documents after a refused copy, want %d", after, before)
		}
	})
}

// fieldIs says whether err is a validation error naming the field with the code.
func fieldIs(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Invalid && e.Fields[field] == code
}
