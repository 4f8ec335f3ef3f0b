package signing

import (
	"bytes"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
	"software.sslmate.com/src/go-pkcs12"

	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/pdftest"
	"tuphap/internal/vntext"
)

func samplePDF(t *testing.T) []byte {
	t.Helper()
	pdf, err := document.Extract(document.ExtractData{
		Record: civil.Record{Kind: civil.BirthKind, Register: civil.Register{Number: 1, Book: "01", Year: 2026}, RegisteredOn: "2026-03-01",
			Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: "Nguyễn Thị Đào", Sex: civil.Female, DateOfBirth: "2026-02-01"}}}},
		Office: "UBND Phường Cẩm Thành", Province: "tỉnh Quảng Ngãi", IssuedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func demoSigner(t *testing.T) Signer {
	t.Helper()
	ca, err := NewDemoCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.Issue("UBND Phường Cẩm Thành", "Lê Văn Hùng", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := kp.Signer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pdfsig(t *testing.T, doc []byte) string { return pdftest.Sig(t, doc) }

func TestSignAndVerify(t *testing.T) {
	doc := samplePDF(t)
	s := demoSigner(t)
	signed, err := SignPDF(doc, s, Info{Name: "Lê Văn Hùng", Location: "Quảng Ngãi", Reason: "Ký trích lục khai sinh", Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, doc) {
		t.Fatal("signing must append, leaving the document's bytes as they were")
	}
	r, err := VerifyPDF(signed)
	if err != nil || !r.Signed || !r.Valid || r.Certificate == nil || !strings.Contains(r.Signers[0], "Lê Văn Hùng") {
		t.Fatalf("verify: %+v %v", r, err)
	}
	out := pdfsig(t, signed)
	if !strings.Contains(out, "Signature Validation: Signature is Valid.") || !strings.Contains(out, "adbe.pkcs7.detached") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	// One byte changed inside the signed content: both verifiers refuse it.
	i := bytes.Index(signed, []byte("/Title"))
	tampered := append([]byte(nil), signed...)
	tampered[i+1] = 'X'
	if r, _ := VerifyPDF(tampered); r.Valid {
		t.Fatal("tampered PDF verified")
	}
	if out := pdfsig(t, tampered); strings.Contains(out, "Signature is Valid.") {
		t.Fatalf("pdfsig accepts the tampered PDF:\n%s", out)
	}
	if r, _ := VerifyPDF(doc); r.Signed || r.Valid {
		t.Fatal("an unsigned PDF counts as signed")
	}
	if r, _ := VerifyPDF([]byte("not a pdf")); r.Valid {
		t.Fatal("garbage verified")
	}
}

func TestPKCS12AndSealing(t *testing.T) {
	ca, _ := NewDemoCA(time.Now())
	kp, _ := ca.Issue("UBND Phường Nghĩa Lộ", "Trần Văn Bình", time.Now())
	p12, err := pkcs12.Modern.Encode(kp.Key, kp.Cert, kp.Chain, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ImportPKCS12(p12, "mật khẩu")
	if err != nil || !got.Cert.Equal(kp.Cert) || len(got.Chain) != 1 {
		t.Fatalf("import: %v", err)
	}
	if _, err := ImportPKCS12(p12, "sai"); err == nil {
		t.Fatal("wrong PKCS#12 password accepted")
	}
	der, _ := MarshalKey(kp.Key)
	master := bytes.Repeat([]byte{7}, 32)
	sealed, err := Seal(master, der)
	if err != nil || bytes.Contains(sealed, der[:16]) {
		t.Fatalf("seal: %v", err)
	}
	plain, err := Open(master, sealed)
	if err != nil || !bytes.Equal(plain, der) {
		t.Fatalf("open: %v", err)
	}
	if _, err := Open(bytes.Repeat([]byte{8}, 32), sealed); err == nil {
		t.Fatal("wrong master key opened the key")
	}
	other, _ := ca.Issue("x", "y", time.Now())
	if _, err := NewSoftware(other.Key, kp.Cert, nil); err == nil {
		t.Fatal("a key that does not match its certificate was accepted")
	}
	if !strings.Contains(kp.Cert.Subject.CommonName, DemoMark) {
		t.Fatal("demo certificates must say they are demos")
	}
}

// A signer's name, reason or place with any Vietnamese letter, parentheses or a backslash gives
// a well-formed file (qpdf) with a valid signature (ours and pdfsig), and the dictionary says the
// same text as given, up to canonical equivalence. "ĩ" (U+0129) broke the file before.
func TestSignatureTextsWithAnyLetter(t *testing.T) {
	doc := samplePDF(t)
	s := demoSigner(t)
	names := []string{"Lưu Thị Ĩnh", "Nghĩa", "Đặng Thị Kĩ (phó chủ tịch)", "Trần Văn Ĩ)", "a\\b Ỹ\nỵ"}
	for _, n := range append(names, strings.Join(vntext.Letters(), "")) {
		signed, err := SignPDF(doc, s, Info{Name: n, Location: "Quảng Ngãi (" + n, Reason: "Ký trích lục: " + n, Time: time.Now()})
		if err != nil {
			t.Fatalf("%q: %v", n, err)
		}
		pdftest.Check(t, signed)
		if r, err := VerifyPDF(signed); err != nil || !r.Valid {
			t.Errorf("%q: our check says %+v %v", n, r, err)
		}
		if !pdftest.ValidSignature(t, signed) {
			t.Errorf("%q: pdfsig says\n%s", n, pdfsig(t, signed))
		}
	}
	for in, want := range map[string]string{
		"Lưu Thị Ĩnh":         "Lưu Thị I\u0303nh",
		"Kĩ (phó chủ tịch)":   "Ki\u0303 (phó chủ tịch)",
		"Ĩ) x":                "I\u0303\uFF09 x",
		"Đào\\Lan":            "Đào\uFFFDLan",
		"Lê Văn Hùng":         "Lê Văn Hùng",
		"plain (ascii) \\ ok": "plain (ascii) \\ ok",
	} {
		if got := textString(in); got != want {
			t.Errorf("textString(%q) = %q, want %q", in, got, want)
		}
		if got := textString(in); norm.NFC.String(got) != norm.NFC.String(in) && !strings.ContainsAny(got, "\uFF09\uFFFD") {
			t.Errorf("textString(%q) changed the text: %q", in, got)
		}
	}
}

// Junk in the frame of a PDF is refused before any parsing: the parser's search for the end of
// file took seconds of CPU per MiB (issue 13).
func TestNotAPDF(t *testing.T) {
	junk := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0}, 1<<20)...)
	signed, err := SignPDF(samplePDF(t), demoSigner(t), Info{Name: "x", Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{
		"junk":           junk,
		"no header":      []byte("not a pdf"),
		"no end":         signed[:len(signed)-10],
		"junk after end": append(append([]byte(nil), signed...), bytes.Repeat([]byte("x"), 2000)...),
		"empty":          nil,
	} {
		if _, err := VerifyPDF(doc); !errors.Is(err, ErrNotPDF) {
			t.Errorf("%s: %v, want ErrNotPDF", name, err)
		}
	}
	if _, err := VerifyPDF(signed); err != nil {
		t.Fatalf("a signed document: %v", err)
	}
}

// A signer's certificate checked against the roots a deployment trusts: issued under one of
// them, trusted with the root's name; under another authority's, refused.
func TestTrustedBy(t *testing.T) {
	now := time.Now()
	ca, err := NewDemoCA(now)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.Issue("UBND tỉnh Quảng Ngãi", "Trần Văn Bình", now)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := kp.Signer()
	signed, err := SignPDF(samplePDF(t), s, Info{Name: "Trần Văn Bình", Time: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := VerifyPDF(signed)
	if err != nil || !res.Valid || len(res.Chains) != 1 {
		t.Fatalf("verify: %v %+v", err, res)
	}
	ours := x509.NewCertPool()
	ours.AddCert(ca.Cert)
	if names, err := res.TrustedBy(ours, now); err != nil || len(names) != 1 || names[0] != ca.Cert.Subject.CommonName {
		t.Fatalf("trusted root: %v %v", names, err)
	}
	other, _ := NewDemoCA(now)
	theirs := x509.NewCertPool()
	theirs.AddCert(other.Cert)
	if _, err := res.TrustedBy(theirs, now); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("another authority's root: %v", err)
	}
	// The certificate had expired by the day it says it signed.
	late := res
	late.SignedAt = []time.Time{now.AddDate(5, 0, 0)}
	if _, err := late.TrustedBy(ours, now); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("signed after the certificate expired: %v", err)
	}
}

// Certificates issued for something else than signing are not a signer's.
func TestForSigning(t *testing.T) {
	for _, c := range []struct {
		name string
		cert x509.Certificate
		want bool
	}{
		{"no usages stated", x509.Certificate{}, true},
		{"e-mail protection", x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}, true},
		{"non-repudiation only", x509.Certificate{KeyUsage: x509.KeyUsageContentCommitment}, true},
		{"a web server's", x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, false},
		{"encryption only", x509.Certificate{KeyUsage: x509.KeyUsageKeyEncipherment}, false},
	} {
		if got := forSigning(&c.cert); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
