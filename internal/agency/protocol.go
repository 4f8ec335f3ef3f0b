// Package agency is tuphap's side of the link (liên thông) with the national agencies, and the
// simulators that stand in for them. The national systems' APIs are not public, so this is our
// own small protocol, version 1, described in docs/protocol/*.json:
//
// Population database (Ministry of Public Security):
//
//	POST /v1/births   assign a personal ID number to a registered birth → {"personal_id"}
//	POST /v1/deaths   record a death                                 → {"status": "recorded"}
//
// Social insurance:
//
//	POST /v1/cards        issue a health-insurance card for a child under 6 → {"card_number"}
//	POST /v1/cards/close  close the card of a person who died              → {"status"}
//
// Police (the judicial-record service's questions to the courts and prisons, through the
// provincial police that keeps the records since 1 July 2026):
//
//	POST /v1/judgments/verify   has this sentence been served, and when? → {"status", "main_served_on"?, "source"}
//
// Document exchange (the national electronic document exchange, trục liên thông văn bản):
//
//	POST /v1/documents   deliver a signed document to an agency → {"status": "received", "receipt_id"}
//
// Every request carries an Idempotency-Key: the same key always gets the same answer and never
// a second effect, so tuphap may resend after a lost reply. Requests are authenticated with an
// HMAC-SHA256 signature over the method, path, timestamp and body under a secret shared with the
// agency (X-Tuphap-Timestamp, X-Tuphap-Signature); the agency refuses a signature older than
// five minutes. Mutual TLS can be added in front without changing any of this.
package agency

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Protocol headers.
const (
	HeaderKey       = "Idempotency-Key"
	HeaderTimestamp = "X-Tuphap-Timestamp"
	HeaderSignature = "X-Tuphap-Signature"
	MaxSkew         = 5 * time.Minute
)

// Person is who a request is about.
type Person struct {
	FullName    string `json:"full_name"`
	Sex         string `json:"sex"`
	DateOfBirth string `json:"date_of_birth"`
	PersonalID  string `json:"personal_id,omitempty"`
}

// BirthRequest asks the population database for a personal ID number.
type BirthRequest struct {
	RecordID     string  `json:"record_id"`
	Province     string  `json:"province"` // the 3-digit code of the registering province: "051"
	Child        Person  `json:"child"`
	PlaceOfBirth string  `json:"place_of_birth"`
	Mother       *Person `json:"mother,omitempty"`
	Father       *Person `json:"father,omitempty"`
	Office       string  `json:"office"`
	RegisteredOn string  `json:"registered_on"`
}

// BirthResponse carries the number.
type BirthResponse struct {
	PersonalID string `json:"personal_id"`
}

// DeathRequest records a death in the population database.
type DeathRequest struct {
	RecordID    string `json:"record_id"`
	PersonalID  string `json:"personal_id"`
	FullName    string `json:"full_name"`
	DateOfDeath string `json:"date_of_death"`
}

// CardRequest asks social insurance for a child's health-insurance card.
type CardRequest struct {
	RecordID string `json:"record_id"`
	Child    Person `json:"child"`
	Province string `json:"province"`
}

// CardResponse carries the card.
type CardResponse struct {
	CardNumber string `json:"card_number"`
	ValidTo    string `json:"valid_to"`
}

// CloseRequest closes the card of a person who died.
type CloseRequest struct {
	RecordID    string `json:"record_id"`
	PersonalID  string `json:"personal_id"`
	DateOfDeath string `json:"date_of_death"`
}

// VerifyRequest asks whether a judgment's main penalty was served, and when: a question the
// judicial-record office sends before certifying an expungement (Law on Judicial Records 2009).
type VerifyRequest struct {
	RequestID     string `json:"request_id"`  // the certificate request that needs the answer
	JudgmentID    string `json:"judgment_id"` // our id of the judgment
	Person        Person `json:"person"`
	Court         string `json:"court"`
	Number        string `json:"number"`
	Date          string `json:"date"`
	EffectiveDate string `json:"effective_date"`
	Penalty       string `json:"penalty"` // warning, fine, non_custodial_reform, suspended, prison, life, death
	Months        int    `json:"months,omitempty"`
	Probation     int    `json:"probation_months,omitempty"`
}

// VerifyResponse answers it: "served" on a day, or still "serving" on the day asked.
type VerifyResponse struct {
	Status       string `json:"status"` // served | serving
	MainServedOn string `json:"main_served_on,omitempty"`
	AsOf         string `json:"as_of"`  // the day the answer speaks of
	Source       string `json:"source"` // who answers: a prison, a court, an enforcement office
}

// DocumentRequest delivers a signed outgoing document to an agency through the document
// exchange (trục liên thông văn bản): who sends it, to whom, its number and symbol, and the
// signed PDF itself, whose SHA-256 the exchange checks.
type DocumentRequest struct {
	DocumentID string `json:"document_id"` // our outgoing document's id
	Sender     string `json:"sender"`      // "SỞ TƯ PHÁP TỈNH QUẢNG NGÃI"
	Recipient  string `json:"recipient"`   // the agency's code on the exchange
	Reference  string `json:"reference"`   // "12/STP-VP"
	IssuedOn   string `json:"issued_on"`
	Summary    string `json:"summary"`
	VerifyURL  string `json:"verify_url"`
	SHA256     string `json:"sha256"`
	PDF        []byte `json:"pdf"` // base64 in JSON
}

// DocumentResponse is the exchange's receipt.
type DocumentResponse struct {
	Status    string `json:"status"` // received
	ReceiptID string `json:"receipt_id"`
}

// StatusResponse answers a request that returns no number.
type StatusResponse struct {
	Status string `json:"status"`
}

// Error is the body of a refusal.
type Error struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Sign computes the signature of a request.
func Sign(secret []byte, method, path, timestamp string, body []byte) string {
	h := sha256.Sum256(body)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(method + "\n" + path + "\n" + timestamp + "\n" + hex.EncodeToString(h[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the timestamp and signature headers.
func SignRequest(r *http.Request, secret, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderSignature, Sign(secret, r.Method, r.URL.Path, ts, body))
}

// CheckSignature verifies a request's signature and freshness.
func CheckSignature(r *http.Request, secret, body []byte, now time.Time) bool {
	ts := r.Header.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return false
	}
	want := Sign(secret, r.Method, r.URL.Path, ts, body)
	return hmac.Equal([]byte(want), []byte(r.Header.Get(HeaderSignature)))
}
