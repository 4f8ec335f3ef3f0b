package correspondence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/correspondence"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/signing"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx        = context.Background()
	specialist = auth.Principal{Username: "chuyenvien", Role: auth.Specialist, Office: auth.DepartmentOffice}
	other      = auth.Principal{Username: "chuyenvien2", Role: auth.Specialist, Office: auth.DepartmentOffice}
	leader     = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	officer    = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	by         = audit.Actor{Username: "chuyenvien"}
	monday     = time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC) // Monday 30 November 2026
)

func setup(t *testing.T, st *store.Store) *correspondence.Service {
	t.Helper()
	st.Now = func() time.Time { return monday }
	accounts := account.New(st)
	if err := accounts.SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), monday)); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"chuyenvien", auth.Specialist}, {"chuyenvien2", auth.Specialist}, {"lanhdao", auth.Leader}, {"tgpl", auth.LegalAid}} {
		if _, err := accounts.AddUser(ctx, account.NewUser{Username: u.name, FullName: "Nguyễn Văn An", Role: string(u.role), Office: auth.DepartmentOffice,
			Password: "mật khẩu đủ dài 2026"}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	svc := correspondence.New(st, correspondence.Disk{Dir: t.TempDir()})
	svc.User = accounts.User
	return svc
}

// extractPDF is an unsigned extract, as another office lays one out.
func extractPDF(t *testing.T) []byte {
	t.Helper()
	pdf, err := document.Extract(document.ExtractData{
		Record: civil.Record{Kind: civil.BirthKind, Register: civil.Register{Number: 1, Book: "01", Year: 2026}, RegisteredOn: "2026-03-01",
			Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: "Nguyễn Thị Đào", Sex: civil.Female, DateOfBirth: "2026-02-01"}}}},
		Office: "UBND Phường Cẩm Thành", Province: "tỉnh Quảng Ngãi", IssuedAt: monday,
	})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// signedPDF is a PDF signed by a demo certificate, as another agency would send it.
func signedPDF(t *testing.T) []byte {
	t.Helper()
	ca, err := signing.NewDemoCA(monday)
	if err != nil {
		t.Fatal(err)
	}
	return signedPDFBy(t, ca, extractPDF(t))
}

// signedPDFBy signs pdf with a certificate of ca.
func signedPDFBy(t *testing.T, ca signing.DemoCA, pdf []byte) []byte {
	t.Helper()
	kp, err := ca.Issue("UBND tỉnh Quảng Ngãi", "Trần Văn Bình", monday)
	if err != nil {
		t.Fatal(err)
	}
	s, err := kp.Signer()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := signing.SignPDF(pdf, s, signing.Info{Name: "Trần Văn Bình", Location: "Quảng Ngãi", Reason: "Ban hành văn bản", Time: monday})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func letter(ref string) correspondence.Incoming {
	return correspondence.Incoming{Sender: "UBND tỉnh Quảng Ngãi", Reference: ref, Dated: "2026-11-27", Summary: "Về việc triển khai Luật Hộ tịch sửa đổi",
		FileName: "cv.pdf"}
}

// An incoming document: registered with its signature checked and the next gap-free number of
// the year's register; a tampered signature, an unknown file type, an oversized file refused;
// routed with a deadline in working days; completed by its assignee; overdue counted.
func TestIncomingRegisteredRoutedCompleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		pdf := signedPDF(t)
		in, err := svc.Register(ctx, specialist, by, letter("123/UBND-NC"), pdf)
		if err != nil {
			t.Fatal(err)
		}
		if in.Number != 1 || in.Year != 2026 || !in.Signed || !strings.Contains(in.Signers, "Trần Văn Bình") || in.FileType != correspondence.PDF || in.Trust != "" {
			t.Fatalf("registered: %+v", in)
		}
		tampered := append([]byte(nil), pdf...)
		tampered[bytes.Index(tampered, []byte("/Title"))+1] = 'X'
		if _, err := svc.Register(ctx, specialist, by, letter("124/UBND-NC"), tampered); !hasField(err, "file", "correspondence.signature_bad") {
			t.Fatalf("a tampered signature: %v", err)
		}
		if _, err := svc.Register(ctx, specialist, by, letter("125/UBND-NC"), []byte("MZ\x90\x00 an executable")); !hasField(err, "file", "correspondence.file_type") {
			t.Fatalf("an executable: %v", err)
		}
		if _, err := svc.Register(ctx, specialist, by, letter("126/UBND-NC"), append([]byte("%PDF-1.7\n"), make([]byte, correspondence.MaxFile)...)); !hasField(err, "file", "correspondence.file_too_big") {
			t.Fatalf("an oversized file: %v", err)
		}
		bad := letter("")
		bad.Dated, bad.Urgency = "2026-12-05", "tomorrow"
		if _, err := svc.Register(ctx, specialist, by, bad, pdf); !hasField(err, "reference", "civil.required") || !hasField(err, "dated", "civil.date_future") ||
			!hasField(err, "urgency", "correspondence.urgency_bad") {
			t.Fatalf("every problem at once: %v", err)
		}
		old := letter("129/UBND-NC")
		old.Dated, old.ReceivedOn = "2026-09-01", "2026-09-02"
		if _, err := svc.Register(ctx, specialist, by, old, pdf); !hasField(err, "received_on", "correspondence.received_late") {
			t.Fatalf("a document received three months ago: %v", err)
		}
		if _, err := svc.Register(ctx, specialist, by, letter("130/UBND-NC"), zipOf(t, "[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")); !hasField(err, "file", "correspondence.file_macros") {
			t.Fatalf("a Word file with macros: %v", err)
		}
		if _, err := svc.Register(ctx, officer, by, letter("127/UBND-NC"), pdf); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer registers: %v", err)
		}
		// A Word document, a second number; the refusals above took none.
		second, err := svc.Register(ctx, specialist, by, letter("128/UBND-NC"), docx(t))
		if err != nil || second.Number != 2 || second.FileType != correspondence.DOCX || second.Signed {
			t.Fatalf("a Word document: %v %+v", err, second)
		}

		if _, err := svc.Route(ctx, specialist, by, in.ID, "Phòng Hành chính tư pháp", "chuyenvien", 5); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a specialist routes: %v", err)
		}
		if _, err := svc.Route(ctx, leader, by, in.ID, "Phòng Hành chính tư pháp", "tgpl", 5); !hasField(err, "assignee", "correspondence.assignee_unknown") {
			t.Fatalf("routed to a user outside correspondence: %v", err)
		}
		routed, err := svc.Route(ctx, leader, by, in.ID, "Phòng Hành chính tư pháp", "chuyenvien", 5)
		if err != nil || routed.Status != correspondence.Routed || routed.DueOn != "2026-12-07" {
			t.Fatalf("routed (Monday + 5 working days = Monday 7 December): %v %+v", err, routed)
		}
		if _, err := svc.Complete(ctx, other, by, in.ID, "Đã tham mưu"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("completed by someone else: %v", err)
		}
		st.Now = func() time.Time { return monday.AddDate(0, 0, 9) }
		if n, err := svc.OverdueCount(ctx, specialist); err != nil || n != 1 {
			t.Fatalf("overdue for its assignee: %d %v", n, err)
		}
		if n, _ := svc.OverdueCount(ctx, other); n != 0 {
			t.Fatalf("overdue for someone else: %d", n)
		}
		if list, _ := svc.List(ctx, leader, correspondence.Query{Overdue: true}); len(list) != 1 || !list[0].Overdue {
			t.Fatalf("the overdue list: %+v", list)
		}
		done, err := svc.Complete(ctx, specialist, by, in.ID, "Đã tham mưu văn bản trả lời")
		if err != nil || done.Status != correspondence.Done {
			t.Fatalf("completed: %v %+v", err, done)
		}
		if _, err := svc.Complete(ctx, specialist, by, in.ID, "lần hai"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("completed twice: %v", err)
		}
		if list, _ := svc.List(ctx, specialist, correspondence.Query{Words: "luat ho tich"}); len(list) != 2 {
			t.Fatalf("search without diacritics: %d", len(list))
		}
		data, _, err := svc.File(ctx, specialist, in.FileHash)
		if err != nil || !bytes.Equal(data, pdf) {
			t.Fatalf("the file read back: %v", err)
		}
	})
}

// A confidential document is read by the leaders and its assignee only.
func TestConfidential(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		l := letter("9/CAT-PA")
		l.Confidentiality = "confidential"
		in, err := svc.Register(ctx, specialist, by, l, signedPDF(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(ctx, other, in.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another specialist reads it: %v", err)
		}
		if _, err := svc.Get(ctx, specialist, in.ID); err != nil {
			t.Fatalf("whoever registered it reads it: %v", err)
		}
		if list, _ := svc.List(ctx, other, correspondence.Query{}); len(list) != 0 {
			t.Fatalf("listed to another specialist: %+v", list)
		}
		if _, _, err := svc.File(ctx, other, in.FileHash); !fault.Is(err, fault.NotFound) {
			t.Fatalf("its file to another specialist: %v", err)
		}
		if _, err := svc.Get(ctx, leader, in.ID); err != nil {
			t.Fatal(err)
		}
		svc.Route(ctx, leader, by, in.ID, "Văn phòng", "chuyenvien2", 3)
		if _, err := svc.Get(ctx, other, in.ID); err != nil {
			t.Fatalf("its assignee reads it: %v", err)
		}
	})
}

func hasField(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Fields[field] == code
}

// docx is a minimal Word document: a zip with its content types and main part.
func docx(t *testing.T) []byte { return zipOf(t, "[Content_Types].xml", "word/document.xml") }

// zipOf is a zip of the files named.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range names {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The register's report: received, signed, not yet routed; per unit, handled on time or not,
// still open past the day, and the days from receipt to completion. For the leaders.
func TestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		pdf := signedPDF(t)
		a, _ := svc.Register(ctx, specialist, by, letter("1/UBND-NC"), pdf)
		b, _ := svc.Register(ctx, specialist, by, letter("2/UBND-NC"), pdf)
		c, _ := svc.Register(ctx, specialist, by, letter("3/UBND-NC"), docx(t))
		svc.Register(ctx, specialist, by, letter("4/UBND-NC"), docx(t)) // not routed
		for _, in := range []correspondence.Incoming{a, b, c} {
			if _, err := svc.Route(ctx, leader, by, in.ID, "Phòng Hành chính tư pháp", "chuyenvien", 2); err != nil { // due Wednesday 2 December
				t.Fatal(err)
			}
		}
		svc.Complete(ctx, specialist, by, a.ID, "Xong") // Monday: on time
		st.Now = func() time.Time { return monday.AddDate(0, 0, 4) }
		svc.Complete(ctx, specialist, by, b.ID, "Xong") // Friday: late
		rep, err := svc.Report(ctx, leader, "2026-11-01", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		u := rep.Total
		if rep.Received != 4 || rep.Signed != 2 || rep.Unrouted != 1 || len(rep.Units) != 1 || u.Routed != 3 || u.Done != 2 || u.OnTime != 1 || u.Overdue != 1 ||
			u.AvgDays != 2 || u.OnTimeOf != 0.5 || rep.SignedRate != 0.5 {
			t.Fatalf("the report: %+v %+v", rep, u)
		}
		if _, err := svc.Report(ctx, specialist, "2026-11-01", "2026-11-30"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a specialist's report: %v", err)
		}
		if f, err := svc.Figures(ctx, specialist, "2026-11-01", "2026-11-30"); err != nil || f.Received != 4 {
			t.Fatalf("the dashboard's figures: %+v %v", f, err)
		}
	})
}

// With the trusted roots configured, an incoming signature is checked up to them: a letter
// signed under a trusted authority shows its root; one signed under another is registered all
// the same, marked untrusted for the leaders to judge.
func TestIncomingTrust(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st)
		trusted, _ := signing.NewDemoCA(monday)
		svc.Roots = x509.NewCertPool()
		svc.Roots.AddCert(trusted.Cert)
		unsigned := extractPDF(t)
		in, err := svc.Register(ctx, specialist, by, letter("201/UBND-NC"), signedPDFBy(t, trusted, unsigned))
		if err != nil || in.Trust != "trusted" || in.TrustedBy != trusted.Cert.Subject.CommonName {
			t.Fatalf("under a trusted root: %v %+v", err, in)
		}
		stranger, _ := signing.NewDemoCA(monday)
		in, err = svc.Register(ctx, specialist, by, letter("202/UBND-NC"), signedPDFBy(t, stranger, unsigned))
		if err != nil || in.Trust != "untrusted" || in.TrustedBy != "" || !in.Signed {
			t.Fatalf("under another root: %v %+v", err, in)
		}
		if got, err := svc.Get(ctx, specialist, in.ID); err != nil || got.Trust != "untrusted" {
			t.Fatalf("read back: %v %+v", err, got)
		}
	})
}
