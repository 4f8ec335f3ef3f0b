// Package signing signs and verifies PDF documents: a PKCS#7 / CMS detached signature with the
// signing certificate embedded, as PDF readers and pdfsig expect (adbe.pkcs7.detached). The key
// is behind crypto.Signer, so a PKCS#11 hardware token (the USB tokens Vietnamese officials sign
// with) can replace the software key without touching anything else; see Signer.
package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pdfsign/verify"
	"github.com/digitorus/pkcs7"
)

// Signer is a signing key with its certificate. A software key (NewSoftware) implements it; a
// PKCS#11 token would too: open the token with github.com/ThalesGroup/crypto11 (behind a build
// tag, since it needs cgo), find the key pair by label, and return its crypto.Signer with the
// token's certificate. Nothing else changes.
type Signer interface {
	crypto.Signer
	Certificate() *x509.Certificate
	Chain() []*x509.Certificate // intermediates and root, may be empty
}

type software struct {
	crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate
}

func (s software) Certificate() *x509.Certificate { return s.cert }
func (s software) Chain() []*x509.Certificate     { return s.chain }

// NewSoftware wraps a private key held in memory.
func NewSoftware(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) (Signer, error) {
	if !samePublicKey(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("signing: the key does not match the certificate")
	}
	return software{Signer: key, cert: cert, chain: chain}, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// Info is what the signature says about itself.
type Info struct {
	Name     string // the signer's name
	Location string
	Reason   string
	Contact  string
	Time     time.Time
}

// SignPDF appends a signature to a PDF as an incremental update: the original bytes stay as
// they were, and the signature covers all of them.
func SignPDF(doc []byte, s Signer, info Info) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("signing: read PDF: %w", err)
	}
	var chains [][]*x509.Certificate
	if ch := s.Chain(); len(ch) > 0 {
		chains = [][]*x509.Certificate{append([]*x509.Certificate{s.Certificate()}, ch...)}
	}
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{Name: textString(info.Name), Location: textString(info.Location), Reason: textString(info.Reason),
				ContactInfo: textString(info.Contact), Date: info.Time},
			CertType:   sign.ApprovalSignature,
			DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer:            s,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Certificate(),
		CertificateChains: chains,
	})
	if err != nil {
		return nil, fmt.Errorf("signing: sign PDF: %w", err)
	}
	return out.Bytes(), nil
}

// Result is what verification of an uploaded PDF found.
type Result struct {
	Signed      bool              // the PDF carries at least one signature
	Valid       bool              // every signature is mathematically valid over the bytes it covers
	Signers     []string          // subject common names
	Certificate *x509.Certificate // the first signer's certificate
	// Chains are each signer's certificate, then the others its signature carries, and SignedAt
	// when a timestamp authority says it signed (zero without a valid timestamp: now is used).
	Chains   [][]*x509.Certificate
	SignedAt []time.Time
}

// ErrUntrusted says a signer's certificate does not lead to a trusted root.
var ErrUntrusted = errors.New("signing: the signer's certificate is not issued under a trusted root")

// TrustedBy checks that every signer's certificate leads, through the certificates the
// signature carries, to one of roots (the national roots of the certification authorities a
// deployment trusts), valid when a timestamp authority says it signed (or at now). It
// returns the names of the roots reached; ErrUntrusted, wrapping the reason, when one is not.
// Revocation (OCSP, CRL) is not checked: that needs the authorities' servers online.
func (r Result) TrustedBy(roots *x509.CertPool, now time.Time) ([]string, error) {
	var anchors []string
	for i, chain := range r.Chains {
		if len(chain) == 0 {
			return nil, fmt.Errorf("%w: a signature carries no certificate", ErrUntrusted)
		}
		inter := x509.NewCertPool()
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		at := now
		if i < len(r.SignedAt) && !r.SignedAt[i].IsZero() {
			at = r.SignedAt[i]
		}
		verified, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUntrusted, chain[0].Subject.CommonName, err)
		}
		if !forSigning(chain[0]) {
			return nil, fmt.Errorf("%w: %s: a certificate not issued for signing", ErrUntrusted, chain[0].Subject.CommonName)
		}
		root := verified[0][len(verified[0])-1]
		anchors = append(anchors, root.Subject.CommonName)
	}
	return anchors, nil
}

// ErrNotPDF is returned for a file that does not have the frame of a PDF: the header, and the
// end-of-file marker with its cross-reference pointer at the end.
var ErrNotPDF = errors.New("signing: not a PDF file")

// tail is how far from the end a PDF's "%%EOF" and "startxref" must be. The PDF reader looks
// for "%%EOF" in ever larger windows from the end, in time that grows with the square of the
// distance: 1 MiB of junk after "%PDF-1.7" took 6 to 18 s of CPU. Every file we issue ends
// with them (signing appends an update that ends the same way).
const tail = 1024

func looksLikePDF(doc []byte) bool {
	if !bytes.HasPrefix(doc, []byte("%PDF-1.")) && !bytes.HasPrefix(doc, []byte("%PDF-2.")) {
		return false
	}
	end := doc[max(0, len(doc)-tail):]
	eof := bytes.LastIndex(end, []byte("%%EOF"))
	return eof >= 0 && bytes.Contains(end[:eof], []byte("startxref")) && len(bytes.TrimSpace(end[eof+5:])) == 0
}

// VerifyPDF checks the signatures of a PDF. Trust in the issuer is not judged here: the caller
// compares the document with what was issued. A file without the frame of a PDF is ErrNotPDF,
// found without parsing it.
func VerifyPDF(doc []byte) (Result, error) {
	if !looksLikePDF(doc) {
		return Result{}, ErrNotPDF
	}
	resp, err := verify.Verify(bytes.NewReader(doc), int64(len(doc)))
	if resp == nil || len(resp.Signers) == 0 {
		// No signature, or not a PDF at all: nothing valid to report.
		return Result{}, nil
	}
	_ = err // a failing signature is reported per signer below
	// Who signed is read from each signature's own signer entry, never from the order of the
	// certificates it carries: the sender orders those, and could put an official's first.
	signers, err := signerCerts(doc)
	if err != nil || len(signers) != len(resp.Signers) {
		return Result{Signed: true}, nil // a signature we cannot attribute is not valid
	}
	r := Result{Signed: true, Valid: true}
	for i, sg := range resp.Signers {
		r.Valid = r.Valid && sg.ValidSignature
		chain := []*x509.Certificate{signers[i]}
		for _, c := range sg.Certificates {
			if c.Certificate != nil && !c.Certificate.Equal(signers[i]) {
				chain = append(chain, c.Certificate)
			}
		}
		// The day it signed is the timestamp authority's word when there is one; the
		// signature's own date (/M) is the sender's claim and is not used.
		var at time.Time
		if sg.TimeStamp != nil && sg.TimestampStatus == "valid" {
			at = sg.TimeStamp.Time
		}
		r.Chains, r.SignedAt = append(r.Chains, chain), append(r.SignedAt, at)
		r.Signers = append(r.Signers, signers[i].Subject.CommonName)
		if r.Certificate == nil {
			r.Certificate = signers[i]
		}
	}
	return r, nil
}

// signerCerts are the certificates that made each signature of a PDF, in the order the
// verifier walks them (the cross-reference table): each signature's single signer entry,
// matched to its certificate by issuer and serial number (PKCS #7). A signature with more than
// one signer entry, or none, is refused.
func signerCerts(doc []byte) (out []*x509.Certificate, err error) {
	defer func() {
		if recover() != nil { // the PDF reader panics on some malformed files
			out, err = nil, errors.New("signing: unreadable signature")
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, err
	}
	for _, x := range rdr.Xref() {
		v := rdr.Resolve(x.Ptr(), x.Ptr())
		if v.Key("Filter").Name() != "Adobe.PPKLite" {
			continue
		}
		p7, err := pkcs7.Parse([]byte(v.Key("Contents").RawString()))
		if err != nil {
			continue // the verifier skips it too
		}
		signer := p7.GetOnlySigner()
		if signer == nil {
			return nil, errors.New("signing: a signature without exactly one signer")
		}
		out = append(out, signer)
	}
	return out, nil
}

// forSigning: a certificate whose key usages, where it states them, include signing, and whose
// extended usages are not only a server's or a timestamp authority's. The authorities' signing
// certificates carry e-mail protection, client authentication, document signing or none.
func forSigning(c *x509.Certificate) bool {
	if c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return false
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range c.ExtKeyUsage {
		if u != x509.ExtKeyUsageServerAuth && u != x509.ExtKeyUsageTimeStamping && u != x509.ExtKeyUsageOCSPSigning {
			return true
		}
	}
	return len(c.UnknownExtKeyUsage) > 0 // RFC 9336 document signing, among others
}
