package outbox

import (
	"context"
	"fmt"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// Queue is the outbox table: messages for the agencies, their leases and their outcomes.
type Queue struct{ st *store.Store }

// NewQueue returns the queue of st.
func NewQueue(st *store.Store) *Queue { return &Queue{st: st} }

// Message is one request to an agency waiting in, or delivered from, the outbox.
type Message struct {
	ID          string
	Agency      string // population, insurance
	Op          string // birth, death, card, close
	RecordID    string
	Office      string
	Key         string // the Idempotency-Key: one per record, operation and record version
	Payload     string // JSON body
	Status      string
	Attempts    int
	NextAt      time.Time
	LeaseUntil  time.Time
	LastError   string
	Response    string
	CreatedAt   time.Time
	DeliveredAt time.Time
}

// Outbox statuses.
const (
	MsgPending   = "pending"
	MsgDelivered = "delivered"
	MsgDead      = "dead"
)

const msgCols = `id, agency, op, record_id, office, idem_key, payload, status, attempts, next_at, lease_until, last_error, response, created_at, delivered_at`

func scanMsg(row store.Scanner) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.Agency, &m.Op, &m.RecordID, &m.Office, &m.Key, &m.Payload, &m.Status, &m.Attempts, store.ScanTime(&m.NextAt),
		store.ScanTime(&m.LeaseUntil), &m.LastError, &m.Response, store.ScanTime(&m.CreatedAt), store.ScanTime(&m.DeliveredAt))
	return m, err
}

// Enqueue adds a message inside the write of the domain that causes it (a registration queues
// its requests in its own transaction, so that none is lost); a message with the same key
// already queued is kept as is.
func Enqueue(tx *store.Tx, m *Message) error {
	m.ID, m.Status, m.CreatedAt = store.NewID(), MsgPending, tx.Now()
	if m.NextAt.IsZero() {
		m.NextAt = m.CreatedAt
	}
	_, err := tx.Exec(`INSERT INTO outbox (`+msgCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, NULL, '', '', $10, NULL)
		ON CONFLICT (idem_key) DO NOTHING`, m.ID, m.Agency, m.Op, m.RecordID, m.Office, m.Key, m.Payload, m.Status, store.Time(m.NextAt), store.Time(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("outbox: enqueue: %w", err)
	}
	return nil
}

// Enqueue adds messages in a transaction of their own.
func (q *Queue) Enqueue(ctx context.Context, ms ...*Message) error {
	return q.st.Write(ctx, func(tx *store.Tx) error {
		for _, m := range ms {
			if err := Enqueue(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// Claim takes up to n due messages for delivery, leasing each until lease: another worker (or
// this one after a restart) takes it again only once the lease has run out.
func (q *Queue) Claim(ctx context.Context, n int, lease time.Duration) ([]Message, error) {
	now := q.st.Now()
	rows, err := q.st.Query(ctx, `SELECT `+msgCols+` FROM outbox WHERE status = 'pending' AND next_at <= $1
		AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at LIMIT $2`, store.Time(now), n)
	if err != nil {
		return nil, q.st.Fail(fmt.Errorf("outbox: due messages: %w", err))
	}
	var due []Message
	for rows.Next() {
		m, err := scanMsg(rows)
		if err != nil {
			rows.Close()
			return nil, q.st.Fail(err)
		}
		due = append(due, m)
	}
	rows.Close()
	var out []Message
	for _, m := range due {
		var claimed bool
		err := q.st.Write(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(`UPDATE outbox SET lease_until = $2, attempts = attempts + 1 WHERE id = $1 AND status = 'pending'
				AND (lease_until IS NULL OR lease_until < $3)`, m.ID, store.Time(now.Add(lease)), store.Time(now))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			claimed = n == 1
			return nil
		})
		if err != nil {
			return out, err
		}
		if claimed {
			m.Attempts++
			out = append(out, m)
		}
	}
	return out, nil
}

// Delivered marks a message answered, with the answer, and queues its follow-ups in the same
// transaction.
func (q *Queue) Delivered(ctx context.Context, m Message, response string, next ...*Message) error {
	return q.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`UPDATE outbox SET status = 'delivered', response = $2, delivered_at = $3, lease_until = NULL, last_error = ''
			WHERE id = $1`, m.ID, response, store.Time(q.st.Now())); err != nil {
			return fmt.Errorf("outbox: delivered: %w", err)
		}
		for _, n := range next {
			if err := Enqueue(tx, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// Hold records a delivery refused for authentication: the message waits for next without
// the attempt counting against it (the fault is the configuration's, and may last).
func (q *Queue) Hold(ctx context.Context, m Message, reason string, next time.Time) error {
	return q.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET last_error = $2, next_at = $3, lease_until = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
			WHERE id = $1`, m.ID, reason, store.Time(next))
		if err != nil {
			return fmt.Errorf("outbox: paused: %w", err)
		}
		return nil
	})
}

// Failed records a failed attempt: retried at next, or dead when dead is true.
func (q *Queue) Failed(ctx context.Context, m Message, reason string, next time.Time, dead bool) error {
	status := MsgPending
	if dead {
		status = MsgDead
	}
	return q.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET status = $2, last_error = $3, next_at = $4, lease_until = NULL WHERE id = $1`,
			m.ID, status, reason, store.Time(next))
		if err != nil {
			return fmt.Errorf("outbox: failed: %w", err)
		}
		if dead {
			return tx.Audit(audit.System.Entry("outbox.dead", "record:"+m.RecordID, m.Agency+"."+m.Op+": "+reason))
		}
		return nil
	})
}

// Requeue sends a dead message again, with a fresh payload and key (the record may have been
// corrected since).
func (q *Queue) Requeue(ctx context.Context, m Message, payload, key string, by audit.Actor) error {
	return q.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE outbox SET status = 'pending', payload = $2, idem_key = $3, attempts = 0, next_at = $4,
			lease_until = NULL, last_error = '' WHERE id = $1 AND status = 'dead'`, m.ID, payload, key, store.Time(q.st.Now()))
		if err != nil {
			if store.IsUniqueViolation(err) {
				return fault.New(fault.Conflict, "outbox.same_key")
			}
			return fmt.Errorf("outbox: requeue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "outbox.not_dead")
		}
		return tx.Audit(by.Entry("outbox.retry", "record:"+m.RecordID, m.Agency+"."+m.Op))
	})
}

// Message returns one message.
func (q *Queue) Message(ctx context.Context, id string) (Message, error) {
	m, err := scanMsg(q.st.QueryRow(ctx, `SELECT `+msgCols+` FROM outbox WHERE id = $1`, id))
	if err != nil {
		return m, q.st.Fail(store.NotFound(fmt.Errorf("outbox: message %s: %w", id, err), "outbox.not_found"))
	}
	return m, nil
}

// Messages lists messages of an office (all when ""), a status (all when "") or a record.
func (q *Queue) Messages(ctx context.Context, office, status, recordID string, limit int) ([]Message, error) {
	return q.Find(ctx, Query{Office: office, Status: status, RecordID: recordID, Limit: limit})
}

// Query selects messages for a list: by office, status, entry, agency and the period they were
// queued in.
type Query struct {
	Office, Status, RecordID, Agency string
	// Failed keeps the messages that an agency has refused at least once (with Status pending:
	// those still being retried).
	Failed   bool
	From, To time.Time // queued at or after From, before To; zero: open
	Oldest   bool      // first queued first; newest first otherwise
	Offset   int       // the messages before it are skipped (a list's later pages)
	Limit    int       // 200 when 0; at most MaxMessages
	Except   string    // an agency left out (the police's, for whoever may not read judicial records)
}

// MaxMessages is the most messages one call returns (an export asks for it).
const MaxMessages = 10000

// Find lists the messages q selects, newest first unless q.Oldest.
func (q *Queue) Find(ctx context.Context, f Query) ([]Message, error) {
	if f.Limit <= 0 || f.Limit > MaxMessages {
		f.Limit = 200
	}
	var w store.Where
	w.Eq("office", f.Office)
	w.Eq("status", f.Status)
	w.Eq("record_id", f.RecordID)
	w.Eq("agency", f.Agency)
	if f.Except != "" {
		w.Cond("agency <> " + w.Args.Add(f.Except))
	}
	w.Range("created_at", f.From, f.To)
	if f.Failed {
		w.Cond("last_error <> ''")
	}
	return store.Collect(ctx, q.st, scanMsg, "messages", `SELECT `+msgCols+` FROM outbox WHERE `+w.String()+
		store.Chronological("created_at", f.Oldest, f.Offset, f.Limit), w.Args...)
}

// PendingIn says, in tx, whether a message to agency about recordID is still on its way (or
// waits for its answer): a domain that asks once per record checks it in the write that asks.
func PendingIn(tx *store.Tx, agency, recordID string) (bool, error) {
	var n int
	err := tx.QueryRow(`SELECT COUNT(*) FROM outbox WHERE agency = $1 AND record_id = $2 AND status = $3`, agency, recordID, MsgPending).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("outbox: pending: %w", err)
	}
	return n > 0, nil
}

// Counts counts messages by status, for /metrics.
func (q *Queue) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := q.st.Query(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, q.st.Fail(err)
	}
	defer rows.Close()
	out := map[string]int{MsgPending: 0, MsgDelivered: 0, MsgDead: 0}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Paused lists the agencies whose deliveries are paused (a pending message last refused for
// authentication), with the error: read from the table, so that every node of a deployment
// shows it, whichever delivers.
func (q *Queue) Paused(ctx context.Context) (map[string]string, error) {
	rows, err := q.st.Query(ctx, `SELECT agency, MAX(last_error) FROM outbox WHERE status = $1 AND last_error LIKE $2 GROUP BY agency`,
		MsgPending, AuthPrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("outbox: paused: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ag, e string
		if err := rows.Scan(&ag, &e); err != nil {
			return nil, err
		}
		out[ag] = e
	}
	return out, rows.Err()
}

// Dead lists the dead letters of an office ("" for all), optionally of one agency and one
// operation, oldest first: what a bulk resend takes.
func (q *Queue) Dead(ctx context.Context, office, agency, op string, limit int) ([]Message, error) {
	return store.Collect(ctx, q.st, scanMsg, "dead letters", `SELECT `+msgCols+` FROM outbox WHERE status = $1 AND ($2 = '' OR office = $2)
		AND ($3 = '' OR agency = $3) AND ($4 = '' OR op = $4) ORDER BY created_at LIMIT `+fmt.Sprint(max(1, min(limit, 1000))), MsgDead, office, agency, op)
}
