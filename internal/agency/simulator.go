package agency

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite"
)

// Kind names a simulated agency.
type Kind string

const (
	Population Kind = "population"
	Insurance  Kind = "insurance"
	Police     Kind = "police"
	Exchange   Kind = "exchange" // the document exchange, delivering letters to other agencies
)

// Faults tell a simulator how to misbehave, for tests and demonstrations.
type Faults struct {
	// Mode: "" (behave), "refuse" (503, nothing done), "error" (500, nothing done), "timeout"
	// (hang for Delay, then 504, nothing done), "slow" (wait Delay, then answer), "drop" (do the
	// work, then close the connection without replying: the reply is lost).
	Mode  string        `json:"mode"`
	Rate  float64       `json:"rate"` // share of requests that misbehave (0 = none, 1 = all)
	Delay time.Duration `json:"delay"`
}

// Simulator is a stand-in for a national agency that speaks the protocol over HTTP and keeps its
// own store (a SQLite database), so that it survives its own restarts like the real one.
type Simulator struct {
	kind   Kind
	db     *sql.DB
	secret []byte
	mu     sync.Mutex
	faults Faults
	rng    *mrand.Rand
	Now    func() time.Time

	Requests  atomic.Int64 // requests received with a valid signature
	Processed atomic.Int64 // requests that had an effect (a number or card issued, a death recorded)
}

// NewSimulator opens (or creates) the simulator's store at path (":memory:" for a throwaway one).
func NewSimulator(kind Kind, path string, secret []byte) (*Simulator, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	if path == ":memory:" {
		dsn = "file::memory:"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: the in-memory database lives in it, and writes queue
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS answers (
		idem_key TEXT PRIMARY KEY, op TEXT NOT NULL, record_id TEXT NOT NULL, body_sha TEXT NOT NULL,
		number TEXT NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE UNIQUE INDEX IF NOT EXISTS answers_record ON answers (op, record_id)`); err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE INDEX IF NOT EXISTS answers_number ON answers (number)`); err != nil {
		return nil, err
	}
	return &Simulator{kind: kind, db: db, secret: secret, rng: mrand.New(mrand.NewPCG(1, 2)), Now: time.Now}, nil
}

// Close closes the store.
func (s *Simulator) Close() error { return s.db.Close() }

// SetFaults changes how the simulator misbehaves.
func (s *Simulator) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

func (s *Simulator) fault() (string, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.Mode == "" || s.rng.Float64() >= s.faults.Rate {
		return "", 0
	}
	return s.faults.Mode, s.faults.Delay
}

// Numbers lists every number issued (personal IDs or card numbers), for tests.
func (s *Simulator) Numbers(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT record_id, number FROM answers WHERE number <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var r, n string
		if err := rows.Scan(&r, &n); err != nil {
			return nil, err
		}
		out[r] = n
	}
	return out, rows.Err()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, code, msg string) {
	var e Error
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

// ServeHTTP implements the protocol.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		refuse(w, http.StatusBadRequest, "bad_request", "unreadable body")
		return
	}
	if r.URL.Path == "/healthz" {
		w.Write([]byte("ok\n"))
		return
	}
	if !CheckSignature(r, s.secret, body, s.Now()) {
		refuse(w, http.StatusUnauthorized, "bad_signature", "missing, wrong or stale signature")
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/sim/faults" {
		var f Faults
		if err := json.Unmarshal(body, &f); err != nil {
			refuse(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, StatusResponse{Status: "ok"})
		return
	}
	s.Requests.Add(1)
	mode, delay := s.fault()
	switch mode {
	case "refuse":
		refuse(w, http.StatusServiceUnavailable, "unavailable", "the agency is not taking requests")
		return
	case "error":
		refuse(w, http.StatusInternalServerError, "internal", "simulated failure")
		return
	case "timeout":
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
		refuse(w, http.StatusGatewayTimeout, "timeout", "simulated timeout")
		return
	case "slow":
		time.Sleep(delay)
	}
	key := r.Header.Get(HeaderKey)
	if key == "" {
		refuse(w, http.StatusBadRequest, "no_idempotency_key", "Idempotency-Key is required")
		return
	}
	status, resp := s.handle(r.Context(), r.Method+" "+r.URL.Path, key, body)
	if mode == "drop" {
		// The work is done and stored; the reply never arrives.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(resp)
}

var digits3 = regexp.MustCompile(`^\d{3}$`)

// handle answers one operation, once per idempotency key (and once per record).
func (s *Simulator) handle(ctx context.Context, op, key string, body []byte) (int, []byte) {
	sum := sha256.Sum256(body)
	bodySHA := hex.EncodeToString(sum[:])
	var prevSHA, prevResp string
	err := s.db.QueryRowContext(ctx, `SELECT body_sha, response FROM answers WHERE idem_key = $1`, key).Scan(&prevSHA, &prevResp)
	if err == nil {
		if prevSHA != bodySHA {
			return jsonError(http.StatusUnprocessableEntity, "key_reused", "this Idempotency-Key was used for another request")
		}
		return http.StatusOK, []byte(prevResp)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return jsonError(http.StatusInternalServerError, "internal", err.Error())
	}
	var recordID, number string
	var resp any
	switch {
	case s.kind == Population && op == "POST /v1/births":
		var req BirthRequest
		if err := json.Unmarshal(body, &req); err != nil || req.RecordID == "" || req.Child.FullName == "" || !digits3.MatchString(req.Province) {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "record_id, child.full_name and a 3-digit province are required")
		}
		born, err := time.Parse("2006-01-02", req.Child.DateOfBirth)
		if err != nil || (req.Child.Sex != "male" && req.Child.Sex != "female") {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "child.date_of_birth and child.sex are required")
		}
		recordID = req.RecordID
		if n, ok := s.byRecord(ctx, op, recordID); ok {
			return http.StatusOK, n
		}
		number = s.personalID(ctx, req.Province, born, req.Child.Sex)
		resp = BirthResponse{PersonalID: number}
	case s.kind == Population && op == "POST /v1/deaths":
		var req DeathRequest
		if err := json.Unmarshal(body, &req); err != nil || req.RecordID == "" || len(req.PersonalID) != 12 {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "record_id and a 12-digit personal_id are required")
		}
		recordID, resp = req.RecordID, StatusResponse{Status: "recorded"}
	case s.kind == Insurance && op == "POST /v1/cards":
		var req CardRequest
		if err := json.Unmarshal(body, &req); err != nil || req.RecordID == "" || len(req.Child.PersonalID) != 12 {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "record_id and the child's 12-digit personal_id are required")
		}
		born, err := time.Parse("2006-01-02", req.Child.DateOfBirth)
		if err != nil {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "child.date_of_birth is required")
		}
		sixth := born.AddDate(6, 0, 0)
		if !s.Now().Before(sixth) {
			return jsonError(http.StatusUnprocessableEntity, "not_eligible", "the child is 6 or older")
		}
		recordID = req.RecordID
		if n, ok := s.byRecord(ctx, op, recordID); ok {
			return http.StatusOK, n
		}
		number = s.cardNumber(ctx, req.Province)
		resp = CardResponse{CardNumber: number, ValidTo: sixth.AddDate(0, 0, -1).Format("2006-01-02")}
	case s.kind == Insurance && op == "POST /v1/cards/close":
		var req CloseRequest
		if err := json.Unmarshal(body, &req); err != nil || req.RecordID == "" || len(req.PersonalID) != 12 {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "record_id and a 12-digit personal_id are required")
		}
		recordID, resp = req.RecordID, StatusResponse{Status: "closed"}
	case s.kind == Police && op == "POST /v1/judgments/verify":
		var req VerifyRequest
		if err := json.Unmarshal(body, &req); err != nil || req.RequestID == "" || req.JudgmentID == "" || req.Number == "" {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "request_id, judgment_id and number are required")
		}
		effective, err := time.Parse("2006-01-02", req.EffectiveDate)
		if err != nil {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "effective_date is required")
		}
		recordID, resp = req.RequestID+":"+req.JudgmentID, s.served(req, effective)
	case s.kind == Exchange && op == "POST /v1/documents":
		var req DocumentRequest
		if err := json.Unmarshal(body, &req); err != nil || req.DocumentID == "" || req.Recipient == "" || req.Reference == "" || len(req.PDF) == 0 {
			return jsonError(http.StatusUnprocessableEntity, "invalid", "document_id, recipient, reference and pdf are required")
		}
		if sum := sha256.Sum256(req.PDF); hex.EncodeToString(sum[:]) != req.SHA256 {
			return jsonError(http.StatusUnprocessableEntity, "checksum", "the PDF does not match its sha256")
		}
		recordID = req.DocumentID + ":" + req.Recipient
		if n, ok := s.byRecord(ctx, op, recordID); ok {
			return http.StatusOK, n
		}
		number = fmt.Sprintf("LT-%s-%06d", s.Now().Format("20060102"), s.Processed.Load()+1)
		resp = DocumentResponse{Status: "received", ReceiptID: number}
	default:
		return jsonError(http.StatusNotFound, "not_found", "no such operation")
	}
	out, _ := json.Marshal(resp)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO answers (idem_key, op, record_id, body_sha, number, response, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, key, op, recordID, bodySHA, number, string(out), s.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		// Another key for a record already answered: answer as before (one number per birth).
		if n, ok := s.byRecord(ctx, op, recordID); ok {
			return http.StatusOK, n
		}
		return jsonError(http.StatusInternalServerError, "internal", err.Error())
	}
	s.Processed.Add(1)
	return http.StatusOK, out
}

func (s *Simulator) byRecord(ctx context.Context, op, recordID string) ([]byte, bool) {
	var resp string
	if err := s.db.QueryRowContext(ctx, `SELECT response FROM answers WHERE op = $1 AND record_id = $2`, op, recordID).Scan(&resp); err != nil {
		return nil, false
	}
	return []byte(resp), true
}

func jsonError(status int, code, msg string) (int, []byte) {
	var e Error
	e.Error.Code, e.Error.Message = code, msg
	b, _ := json.Marshal(e)
	return status, b
}

func randDigits(n int) string {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteString(d.String())
	}
	return b.String()
}

// personalID makes a new, unused number with the structure of Law on Identity 2023 art. 12:
// province, century and sex, year of birth, six random digits.
func (s *Simulator) personalID(ctx context.Context, province string, born time.Time, sex string) string {
	cs := (born.Year()/100 - 19) * 2
	if sex == "female" {
		cs++
	}
	for {
		id := province + strconv.Itoa(cs) + fmt.Sprintf("%02d", born.Year()%100) + randDigits(6)
		if !s.used(ctx, id) {
			return id
		}
	}
}

// cardNumber makes a card number of the older layout: group TE (children under 6), benefit
// level 1, the 2-digit province, and a 10-digit social-insurance number (unverified layout).
func (s *Simulator) cardNumber(ctx context.Context, province string) string {
	p := province
	if len(p) == 3 {
		p = p[1:]
	}
	for {
		n := "TE1" + p + randDigits(10)
		if !s.used(ctx, n) {
			return n
		}
	}
}

func (s *Simulator) used(ctx context.Context, number string) bool {
	var n int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers WHERE number = $1`, number).Scan(&n)
	return n > 0
}

// served is what the simulated prison or court answers: the sentence served when its term
// ran out (a prison's release, the end of reform or probation, a fine paid a month after the
// judgment), or still being served on the day asked; a life or death sentence is never served.
func (s *Simulator) served(req VerifyRequest, effective time.Time) VerifyResponse {
	today := s.Now().UTC().Format("2006-01-02")
	var end time.Time
	source := "Trại giam An Điềm"
	switch req.Penalty {
	case "warning":
		end, source = effective, "Tòa án"
	case "fine":
		end, source = effective.AddDate(0, 1, 0), "Cơ quan thi hành án dân sự"
	case "suspended":
		date, err := time.Parse("2006-01-02", req.Date)
		if err != nil {
			date = effective
		}
		end, source = date.AddDate(0, req.Probation, 0), "Ủy ban nhân dân cấp xã nơi người được hưởng án treo cư trú"
	case "non_custodial_reform":
		end, source = effective.AddDate(0, req.Months, 0), "Ủy ban nhân dân cấp xã nơi người chấp hành án cư trú"
	case "prison":
		end = effective.AddDate(0, req.Months, 0)
	}
	if end.IsZero() || end.After(s.Now()) {
		return VerifyResponse{Status: "serving", AsOf: today, Source: source}
	}
	return VerifyResponse{Status: "served", MainServedOn: end.Format("2006-01-02"), AsOf: today, Source: source}
}
