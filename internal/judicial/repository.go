package judicial

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// repo holds the judicial-record database's SQL.
type repo struct{ st *store.Store }

const personCols = `id, full_name, sex, date_of_birth, place_of_birth, personal_id, created_at`

func scanPerson(row store.Scanner) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.FullName, &p.Sex, &p.DateOfBirth, &p.PlaceOfBirth, &p.PersonalID, store.ScanTime(&p.CreatedAt))
	return p, err
}

// querier reads inside a write (*store.Tx) or on the readers.
type querier interface {
	QueryRow(q string, args ...any) *sql.Row
	Query(q string, args ...any) (*sql.Rows, error)
}

type readers struct {
	ctx context.Context
	st  *store.Store
}

func (r readers) QueryRow(q string, args ...any) *sql.Row { return r.st.QueryRow(r.ctx, q, args...) }
func (r readers) Query(q string, args ...any) (*sql.Rows, error) {
	return r.st.Query(r.ctx, q, args...)
}

// samePerson finds the person a judgment names: by personal ID, else by name and date of birth
// among those without another ID (and the place of birth, when both know it). "" for none.
func samePerson(q querier, p Person) (string, error) {
	if p.PersonalID != "" {
		var id string
		err := q.QueryRow(`SELECT id FROM judicial_persons WHERE personal_id = $1 AND personal_id <> ''`, p.PersonalID).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
	}
	rows, err := q.Query(`SELECT `+personCols+` FROM judicial_persons WHERE name_folded = $1 AND date_of_birth = $2`, vntext.Fold(p.FullName), p.DateOfBirth)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		c, err := scanPerson(rows)
		if err != nil {
			return "", err
		}
		if (c.PersonalID == "" || p.PersonalID == "" || c.PersonalID == p.PersonalID) &&
			(c.PlaceOfBirth == "" || p.PlaceOfBirth == "" || vntext.Fold(c.PlaceOfBirth) == vntext.Fold(p.PlaceOfBirth)) {
			found = append(found, c.ID)
		}
	}
	if len(found) > 1 {
		// Two persons the database cannot tell apart: the officer chooses (person.id), never
		// the first row, which would give one of them the other's convictions.
		return "", errSeveralPersons
	}
	if len(found) == 1 {
		return found[0], rows.Err()
	}
	return "", rows.Err()
}

// errSeveralPersons: a name, date and place of birth that more than one person has.
var errSeveralPersons = &fault.Error{Kind: fault.Conflict, Code: "judicial.several_persons", Fields: map[string]string{"person.full_name": "judicial.several_persons"}}

// receive stores a judgment for its person, found or added, in one transaction with its audit
// entry; it returns the judgment's and the person's ids.
func (r repo) receive(ctx context.Context, p Person, j Judgment, by audit.Actor) (id, personID string, err error) {
	data, err := json.Marshal(j)
	if err != nil {
		return "", "", err
	}
	now := r.st.Now()
	err = r.st.Write(ctx, func(tx *store.Tx) error {
		id = store.NewID() // afresh each run (a group commit may run it again)
		if p.ID != "" {
			// The officer chose the person among the candidates.
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM judicial_persons WHERE id = $1`, p.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"person.id": "judicial.not_found"}}
			}
			personID = p.ID
		} else if personID, err = samePerson(tx, p); err != nil {
			if errors.Is(err, errSeveralPersons) {
				return err
			}
			return fmt.Errorf("judicial: person: %w", err)
		}
		if personID == "" {
			personID = store.NewID()
			if _, err := tx.Exec(`INSERT INTO judicial_persons (id, full_name, name_folded, sex, date_of_birth, place_of_birth, personal_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, personID, p.FullName, vntext.Fold(p.FullName), p.Sex, p.DateOfBirth, p.PlaceOfBirth,
				p.PersonalID, store.Time(now)); err != nil {
				return fmt.Errorf("judicial: add person: %w", err)
			}
		}
		if _, err := tx.Exec(`INSERT INTO judgments (id, person_id, court, number, effective_date, data, received_at, received_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, personID, j.Court, j.Number, j.EffectiveDate, string(data), store.Time(now), by.Username); err != nil {
			if store.IsUniqueViolation(err) {
				return &fault.Error{Kind: fault.Conflict, Code: "judicial.received_already", Fields: map[string]string{"number": "judicial.received_already"}}
			}
			return fmt.Errorf("judicial: add judgment: %w", err)
		}
		return tx.Audit(by.Entry("judicial.judgment", "judicial_person:"+personID, fmt.Sprintf("judgment=%s %s %s", id, j.Number, j.Court)))
	})
	return id, personID, err
}

// judgment reads one judgment with its person's id.
func (r repo) judgment(ctx context.Context, id string) (Record, string, error) {
	var rec Record
	var personID, data string
	err := r.st.QueryRow(ctx, `SELECT id, person_id, data FROM judgments WHERE id = $1`, id).Scan(&rec.ID, &personID, &data)
	if err != nil {
		return rec, "", r.st.Fail(store.NotFound(fmt.Errorf("judicial: judgment %s: %w", id, err), "judicial.not_found"))
	}
	if err := json.Unmarshal([]byte(data), &rec.Judgment); err != nil {
		return rec, "", fmt.Errorf("judicial: judgment %s: %w", id, err)
	}
	return rec, personID, nil
}

// addEvent stores a report of a judgment's enforcement, with its audit entry.
func (r repo) addEvent(ctx context.Context, judgmentID, personID string, e Event, by audit.Actor) (string, error) {
	now := r.st.Now()
	var id string
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		id = store.NewID()
		var index any
		if e.PenaltyIndex != nil {
			index = *e.PenaltyIndex
		}
		if _, err := tx.Exec(`INSERT INTO judgment_events (id, judgment_id, type, day, penalty_index, source, received_at, received_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, judgmentID, string(e.Type), e.Date, index, e.Source, store.Time(now), by.Username); err != nil {
			return fmt.Errorf("judicial: add event: %w", err)
		}
		return tx.Audit(by.Entry("judicial.event", "judicial_person:"+personID, fmt.Sprintf("judgment=%s %s %s", judgmentID, e.Type, e.Date)))
	})
	return id, err
}

// person reads a person.
func (r repo) person(ctx context.Context, id string) (Person, error) {
	p, err := scanPerson(r.st.QueryRow(ctx, `SELECT `+personCols+` FROM judicial_persons WHERE id = $1`, id))
	if err != nil {
		return p, r.st.Fail(store.NotFound(fmt.Errorf("judicial: person %s: %w", id, err), "judicial.not_found"))
	}
	return p, nil
}

// records reads a person's judgments with their reports, oldest first.
func (r repo) records(ctx context.Context, personID string) ([]Record, error) {
	rows, err := r.st.Query(ctx, `SELECT id, data FROM judgments WHERE person_id = $1 ORDER BY effective_date, id`, personID)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("judicial: judgments: %w", err))
	}
	var out []Record
	for rows.Next() {
		var rec Record
		var data string
		if err := rows.Scan(&rec.ID, &data); err != nil {
			rows.Close()
			return nil, r.st.Fail(err)
		}
		if err := json.Unmarshal([]byte(data), &rec.Judgment); err != nil {
			rows.Close()
			return nil, fmt.Errorf("judicial: judgment %s: %w", rec.ID, err)
		}
		out = append(out, rec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.st.Fail(err)
	}
	for i := range out {
		events, err := r.events(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Events = events
	}
	return out, nil
}

// events reads a judgment's reports, in the order received.
func (r repo) events(ctx context.Context, judgmentID string) ([]Event, error) {
	rows, err := r.st.Query(ctx, `SELECT type, day, penalty_index, source FROM judgment_events WHERE judgment_id = $1 ORDER BY received_at, id`, judgmentID)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("judicial: events: %w", err))
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var index sql.NullInt64
		if err := rows.Scan(&e.Type, &e.Date, &index, &e.Source); err != nil {
			return nil, r.st.Fail(err)
		}
		if index.Valid {
			i := int(index.Int64)
			e.PenaltyIndex = &i
		}
		out = append(out, e)
	}
	return out, r.st.Fail(rows.Err())
}

// request stores a certificate request with its dossier, opened in the same transaction.
func (r repo) request(ctx context.Context, req *StoredRequest, open func(tx *store.Tx) (dossier.Dossier, error), by audit.Actor) error {
	data, err := json.Marshal(req.Request)
	if err != nil {
		return err
	}
	now := r.st.Now()
	return r.st.Write(ctx, func(tx *store.Tx) error {
		d, err := open(tx)
		if err != nil {
			return err
		}
		req.ID, req.Dossier, req.Status, req.ReceivedAt = store.NewID(), d, RequestReceived, now
		if _, err := tx.Exec(`INSERT INTO judicial_requests (id, dossier_id, cert_type, person_folded, date_of_birth, personal_id, data, fee, status,
			received_at, received_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, req.ID, d.ID, req.Type, vntext.Fold(req.Person.FullName),
			req.Person.DateOfBirth, req.Person.PersonalID, string(data), req.Fee, string(req.Status), store.Time(now), by.Username); err != nil {
			return fmt.Errorf("judicial: add request: %w", err)
		}
		return tx.Audit(by.Entry("judicial.request", "judicial_request:"+req.ID, fmt.Sprintf("type %d for %s; purpose: %s", req.Type, req.Applicant(), req.Purpose)))
	})
}

// storedRequest reads a request.
func (r repo) storedRequest(ctx context.Context, id string) (StoredRequest, error) {
	var out StoredRequest
	var data, dossierID string
	err := r.st.QueryRow(ctx, `SELECT id, dossier_id, data, fee, status, received_at FROM judicial_requests WHERE id = $1`, id).
		Scan(&out.ID, &dossierID, &data, &out.Fee, &out.Status, store.ScanTime(&out.ReceivedAt))
	if err != nil {
		return out, r.st.Fail(store.NotFound(fmt.Errorf("judicial: request %s: %w", id, err), "judicial.not_found"))
	}
	out.Dossier.ID = dossierID
	return out, json.Unmarshal([]byte(data), &out.Request)
}

// nextNumber gives the next certificate number of a year, in a write of its own (a number a
// failed issue took stays unused: the numbers of certificates are not a register's).
func (r repo) nextNumber(ctx context.Context, year int) (int, error) {
	var n int
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO judicial_numbers (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`, year); err != nil {
			return err
		}
		return tx.QueryRow(`UPDATE judicial_numbers SET last = last + 1 WHERE year = $1 RETURNING last`, year).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("judicial: certificate number: %w", err)
	}
	return n, nil
}

// certificateIn stores an issued certificate with its content, marks its request issued and
// settles its dossier, inside the transaction.
func certificateIn(tx *store.Tx, id, requestID, number string, content []byte, documentID string, now time.Time) error {
	if _, err := tx.Exec(`INSERT INTO judicial_certificates (id, request_id, number, content, document_id, issued_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, requestID, number, string(content), documentID, store.Time(now)); err != nil {
		return fmt.Errorf("judicial: add certificate: %w", err)
	}
	res, err := tx.Exec(`UPDATE judicial_requests SET status = $2 WHERE id = $1 AND status = $3`, requestID, string(RequestIssued), string(RequestReceived))
	if err != nil {
		return fmt.Errorf("judicial: request issued: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "judicial.request_issued")
	}
	return nil
}

// certificateContent reads what an issued certificate states.
func (r repo) certificateContent(ctx context.Context, id string) ([]byte, error) {
	var content string
	err := r.st.QueryRow(ctx, `SELECT content FROM judicial_certificates WHERE id = $1`, id).Scan(&content)
	if err != nil {
		return nil, r.st.Fail(store.NotFound(fmt.Errorf("judicial: certificate %s: %w", id, err), "judicial.not_found"))
	}
	return []byte(content), nil
}

// personRecords reads the records of the person a request names, found as a judgment's person
// is (samePerson); none for someone the database does not hold.
func (r repo) personRecords(ctx context.Context, p Person) (string, []Record, error) {
	id := p.ID // chosen by the officer among the candidates
	if id == "" {
		var err error
		if id, err = samePerson(readers{ctx, r.st}, p); errors.Is(err, errSeveralPersons) {
			return "", nil, err
		} else if err != nil || id == "" {
			return "", nil, r.st.Fail(err)
		}
	} else if _, err := r.person(ctx, id); err != nil {
		return "", nil, err
	}
	records, err := r.records(ctx, id)
	return id, records, err
}

// latestRequests lists the ids of the latest requests, newest first.
func (r repo) latestRequests(ctx context.Context, limit int) ([]string, error) {
	return store.Collect(ctx, r.st, func(row store.Scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, "judicial requests", `SELECT id FROM judicial_requests ORDER BY received_at DESC, id DESC LIMIT $1`, limit)
}

// addEventOnce stores a report unless the judgment has one of the same type and day already.
func (r repo) addEventOnce(ctx context.Context, judgmentID, personID string, e Event, by audit.Actor) (bool, error) {
	now := r.st.Now()
	added := false
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		added = false
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM judgment_events WHERE judgment_id = $1 AND type = $2 AND day = $3`, judgmentID, string(e.Type), e.Date).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(`INSERT INTO judgment_events (id, judgment_id, type, day, penalty_index, source, received_at, received_by)
			VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)`, store.NewID(), judgmentID, string(e.Type), e.Date, e.Source, store.Time(now), by.Username); err != nil {
			return fmt.Errorf("judicial: add event: %w", err)
		}
		added = true
		return tx.Audit(by.Entry("judicial.event", "judicial_person:"+personID, fmt.Sprintf("judgment=%s %s %s (answer)", judgmentID, e.Type, e.Date)))
	})
	return added, err
}

// askedAbout lists the other requests for certificates about a person (by personal ID, or by
// name and date of birth), oldest first.
func (r repo) askedAbout(ctx context.Context, p Person, except string) ([]StoredRequest, error) {
	rows, err := r.st.Query(ctx, `SELECT id, data, received_at FROM judicial_requests WHERE id <> $1
		AND ((personal_id = $2 AND personal_id <> '') OR (person_folded = $3 AND date_of_birth = $4)) ORDER BY received_at, id`,
		except, p.PersonalID, vntext.Fold(p.FullName), p.DateOfBirth)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("judicial: requests about a person: %w", err))
	}
	defer rows.Close()
	var out []StoredRequest
	for rows.Next() {
		var s StoredRequest
		var data string
		if err := rows.Scan(&s.ID, &data, store.ScanTime(&s.ReceivedAt)); err != nil {
			return nil, r.st.Fail(err)
		}
		if err := json.Unmarshal([]byte(data), &s.Request); err != nil {
			return nil, err
		}
		if p.PersonalID != "" && s.Person.PersonalID != "" && s.Person.PersonalID != p.PersonalID {
			continue // the same name and day of birth, another person
		}
		out = append(out, s)
	}
	return out, r.st.Fail(rows.Err())
}

// near reads the persons who may be p: the same personal ID, the same name, or a day of birth
// within days of p's.
func (r repo) near(ctx context.Context, p Person, days int) ([]Person, error) {
	lo, hi := p.DateOfBirth, p.DateOfBirth
	if d, ok := civil.ParseDate(p.DateOfBirth); ok {
		lo, hi = d.AddDate(0, 0, -days).Format(civil.DateFormat), d.AddDate(0, 0, days).Format(civil.DateFormat)
	}
	return store.Collect(ctx, r.st, scanPerson, "judicial persons", `SELECT `+personCols+` FROM judicial_persons
		WHERE (personal_id = $1 AND personal_id <> '') OR name_folded = $2 OR (date_of_birth >= $3 AND date_of_birth <= $4)
		ORDER BY CASE WHEN personal_id = $1 AND personal_id <> '' THEN 0 WHEN name_folded = $2 THEN 1 ELSE 2 END, id LIMIT 500`,
		p.PersonalID, vntext.Fold(p.FullName), lo, hi)
}

// refuse marks a request refused and its dossier with it, in one transaction.
func (r repo) refuse(ctx context.Context, id string, d dossier.Dossier, reason string, by audit.Actor) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Audit(by.Entry("judicial.refuse", "judicial_request:"+id, reason)); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE judicial_requests SET status = $2 WHERE id = $1 AND status = $3`, id, string(RequestRefused), string(RequestReceived))
		if err != nil {
			return fmt.Errorf("judicial: refuse: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "judicial.request_issued")
		}
		refused, was := d, d.Status // a copy each run
		refused.Status, refused.ClosedAt = dossier.Refused, r.st.Now()
		return reception.MoveIn(tx, &refused, was, by)
	})
}

// choosePerson names on a request the person the officer chose among the candidates.
func (r repo) choosePerson(ctx context.Context, req StoredRequest, personID string, by audit.Actor) error {
	req.Person.ID = personID
	data, err := json.Marshal(req.Request)
	if err != nil {
		return err
	}
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE judicial_requests SET data = $2 WHERE id = $1 AND status = $3`, req.ID, string(data), string(RequestReceived))
		if err != nil {
			return fmt.Errorf("judicial: choose the person: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "judicial.request_issued")
		}
		return tx.Audit(by.Entry("judicial.choose", "judicial_request:"+req.ID, "person="+personID))
	})
}

// certificates lists the documents of the certificates issued for a request.
func (r repo) certificates(ctx context.Context, requestID string) ([]string, error) {
	return store.Collect(ctx, r.st, func(row store.Scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, "judicial certificates", `SELECT document_id FROM judicial_certificates WHERE request_id = $1 ORDER BY issued_at`, requestID)
}
