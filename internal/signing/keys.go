package signing

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Seal encrypts a private key (or any secret) with the server's master key (AES-256-GCM), so
// that a copy of the database alone does not hold usable signing keys.
func Seal(master, plain []byte) ([]byte, error) {
	gcm, err := newGCM(master)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

// Open decrypts what Seal produced.
func Open(master, sealed []byte) ([]byte, error) {
	gcm, err := newGCM(master)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("signing: sealed key too short")
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
	if err != nil {
		return nil, errors.New("signing: cannot open the sealed key (wrong master key?)")
	}
	return plain, nil
}

func newGCM(master []byte) (cipher.AEAD, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("signing: the master key must be 32 bytes, not %d", len(master))
	}
	block, err := aes.NewCipher(master)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// KeyPair is a private key with its certificate chain, ready to seal and store.
type KeyPair struct {
	Key   crypto.Signer
	Cert  *x509.Certificate
	Chain []*x509.Certificate
}

// Signer returns the software signer of the pair.
func (k KeyPair) Signer() (Signer, error) { return NewSoftware(k.Key, k.Cert, k.Chain) }

// ImportPKCS12 reads a PKCS#12 (.p12, .pfx) file as issued by a Vietnamese certification
// authority: the private key, its certificate and the chain.
func ImportPKCS12(data []byte, password string) (KeyPair, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return KeyPair{}, fmt.Errorf("signing: PKCS#12: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return KeyPair{}, errors.New("signing: PKCS#12 key cannot sign")
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return KeyPair{}, errors.New("signing: the certificate is not for signatures")
	}
	if _, err := NewSoftware(signer, cert, chain); err != nil {
		return KeyPair{}, err
	}
	return KeyPair{Key: signer, Cert: cert, Chain: chain}, nil
}

// MarshalKey encodes a private key as PKCS#8 DER.
func MarshalKey(k crypto.Signer) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k) }

// ParseKey decodes a PKCS#8 DER private key.
func ParseKey(der []byte) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("signing: not a signing key")
	}
	return s, nil
}

// CertsPEM encodes certificates as PEM.
func CertsPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// ParseCertsPEM decodes PEM certificates.
func ParseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out, nil
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

// DemoMark is in the name of every demo certificate, so that nobody mistakes one for real.
const DemoMark = "DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"

// DemoCA is a certification authority for demonstrations only.
type DemoCA struct {
	Key  *ecdsa.PrivateKey
	Cert *x509.Certificate
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// NewDemoCA makes a self-signed demo root.
func NewDemoCA(now time.Time) (DemoCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return DemoCA{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "tuphap Demo CA (" + DemoMark + ")", Organization: []string{"tuphap demo"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return DemoCA{}, err
	}
	cert, err := x509.ParseCertificate(der)
	return DemoCA{Key: key, Cert: cert}, err
}

// Issue makes a demo signing key for an office.
func (ca DemoCA) Issue(office, signerName string, now time.Time) (KeyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return KeyPair{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial(),
		Subject:   pkix.Name{CommonName: signerName + " (" + DemoMark + ")", Organization: []string{office}, Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(3, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		// RFC 9336 document signing, and e-mail protection which older readers accept.
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage: nil,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return KeyPair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{Key: key, Cert: cert, Chain: []*x509.Certificate{ca.Cert}}, nil
}
