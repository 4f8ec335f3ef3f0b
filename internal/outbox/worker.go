package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/metrics"
	"tuphap/internal/store"
)

// Endpoint is where an agency listens and the secret it shares with us.
type Endpoint struct {
	URL    string
	Secret []byte
}

// Entries is what the worker reads and supplements of the civil register when an agency
// answers (registration.Service): an interface, because registration queues its requests here.
type Entries interface {
	Entry(ctx context.Context, id string) (civil.Record, error)
	AddVersion(ctx context.Context, r *civil.Record, base int, v civil.Version, by audit.Actor) error
}

// Worker delivers the outbox.
type Worker struct {
	Store     *store.Store
	Queue     *Queue
	Entries   Entries
	Endpoints map[string]Endpoint // by agency name
	Client    *http.Client
	Log       *slog.Logger
	Batch     int           // messages claimed at a time
	Parallel  int           // deliveries in flight
	Lease     time.Duration // how long a claimed message is ours; a dead worker's come back after it
	Poll      time.Duration // pause when nothing is due
	MaxTries  int           // transient failures before a message goes to the dead letters
	BaseDelay time.Duration // first retry delay, doubled each attempt, with jitter
	MaxDelay  time.Duration
	// Answers apply the agencies' answers to operations other domains send (judicial's
	// PoliceVerify), by operation; applying an answer twice must change nothing.
	Answers map[string]func(ctx context.Context, m Message, answer []byte) error

	deliveries *metrics.Counter
}

// NewWorker returns a worker with sensible defaults.
func NewWorker(st *store.Store, entries Entries, endpoints map[string]Endpoint, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{Store: st, Queue: NewQueue(st), Entries: entries, Endpoints: endpoints, Client: &http.Client{Timeout: 15 * time.Second}, Log: log, Batch: 50, Parallel: 8,
		Lease: time.Minute, Poll: time.Second, MaxTries: 25, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute,
		Answers: map[string]func(context.Context, Message, []byte) error{}}
}

// Register adds the outbox's figures to /metrics.
func (w *Worker) Register(reg *metrics.Registry) {
	w.deliveries = reg.NewCounter("tuphap_outbox_deliveries_total", "Delivery attempts to agencies by agency and result.", "agency", "result")
	reg.NewGaugeVecFunc("tuphap_outbox_messages", "Outbox messages by status (pending, delivered, dead).", "status", func() map[string]float64 {
		out := map[string]float64{}
		c, err := w.Queue.Counts(context.Background())
		for _, st := range []string{MsgPending, MsgDelivered, MsgDead} {
			out[st] = math.NaN()
			if err == nil {
				out[st] = float64(c[st])
			}
		}
		return out
	})
	reg.NewGaugeVecFunc("tuphap_outbox_paused", "1 for an agency whose deliveries are paused because it refuses our signature.", "agency", func() map[string]float64 {
		out := map[string]float64{}
		paused, err := w.Queue.Paused(context.Background())
		for _, ag := range []string{string(agency.Population), string(agency.Insurance), string(agency.Police)} {
			out[ag] = math.NaN()
			if err == nil {
				out[ag] = 0
				if _, ok := paused[ag]; ok {
					out[ag] = 1
				}
			}
		}
		return out
	})
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		if n == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(w.Poll):
			}
		}
	}
}

// RunOnce claims the due messages and delivers them; it returns how many it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	ms, err := w.Queue.Claim(ctx, w.Batch, w.Lease)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, w.Parallel))
	for _, m := range ms {
		wg.Add(1)
		sem <- struct{}{}
		go func(m Message) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := w.deliver(ctx, m); err != nil && ctx.Err() == nil {
				w.Log.Error("outbox delivery", "id", m.ID, "err", err)
			}
		}(m)
	}
	wg.Wait()
	return len(ms), nil
}

var paths = map[string]string{PopBirth: "/v1/births", PopDeath: "/v1/deaths", CardIssue: "/v1/cards", CardClose: "/v1/cards/close",
	PoliceVerify: "/v1/judgments/verify", SendDocument: "/v1/documents"}

// AuthPrefix starts the last error of a message the agency refused to authenticate (a wrong
// shared secret, a clock out of step): a fault of configuration, not of the message, which
// pauses the agency's deliveries instead of turning every message into a dead letter.
const AuthPrefix = "xác thực: "

// PauseRetry is how long a message refused for authentication waits before it is tried again.
const PauseRetry = time.Minute

// authFailure is an agency refusing our signature.
type authFailure struct{ reason string }

func (a authFailure) Error() string { return AuthPrefix + a.reason }

// permanent is an answer that resending will not change: the agency refused the data.
type permanent struct{ reason string }

func (p permanent) Error() string { return p.reason }

// Unusable is what an Answers function returns for an answer it can never apply: the message
// goes to the dead letters for an officer to look at.
func Unusable(reason string) error { return permanent{reason} }

func (w *Worker) count(ag, result string) {
	if w.deliveries != nil {
		w.deliveries.Inc(ag, result)
	}
}

func (w *Worker) deliver(ctx context.Context, m Message) error {
	resp, err := w.send(ctx, m)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: the lease runs out and the message is taken again
		}
		var af authFailure
		if errors.As(err, &af) {
			// Every message would fail the same way: keep them all, try again later, alert.
			w.count(m.Agency, "auth")
			w.Log.Error("outbox paused: the agency refuses our signature (shared secret or clock)", "agency", m.Agency, "err", err)
			return w.Queue.Hold(ctx, m, err.Error(), w.Store.Now().Add(PauseRetry))
		}
		var p permanent
		dead := errors.As(err, &p) || m.Attempts >= w.MaxTries
		w.count(m.Agency, map[bool]string{true: "dead", false: "retry"}[dead])
		w.Log.Warn("outbox delivery failed", "agency", m.Agency, "op", m.Op, "record", m.RecordID, "attempt", m.Attempts, "dead", dead, "err", err)
		return w.Queue.Failed(ctx, m, err.Error(), w.Store.Now().Add(w.backoff(m.Attempts)), dead)
	}
	next, err := w.apply(ctx, m, resp)
	var p permanent
	if errors.As(err, &p) {
		// The answer cannot be applied (the entry holds another number): an officer must look.
		w.count(m.Agency, "dead")
		return w.Queue.Failed(ctx, m, p.reason, w.Store.Now(), true)
	}
	if err != nil {
		return err // the lease runs out and the delivery is tried again: applying is idempotent
	}
	w.count(m.Agency, "ok")
	return w.Queue.Delivered(ctx, m, string(resp), next...)
}

// backoff is the wait before attempt n+1: doubling from BaseDelay to MaxDelay, with full jitter
// in the upper half so that a recovering agency is not hit by every retry at once.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.BaseDelay << min(attempts-1, 20)
	if d <= 0 || d > w.MaxDelay {
		d = w.MaxDelay
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (w *Worker) send(ctx context.Context, m Message) ([]byte, error) {
	ep, ok := w.Endpoints[m.Agency]
	if !ok || ep.URL == "" {
		return nil, fmt.Errorf("no address configured for agency %q", m.Agency)
	}
	body := []byte(m.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(ep.URL, "/")+paths[m.Op], bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(agency.HeaderKey, m.Key)
	agency.SignRequest(req, ep.Secret, body, w.Store.Now()) // the store's clock: the wall clock, but for tests
	resp, err := w.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return out, nil
	case resp.StatusCode == http.StatusUnauthorized:
		var e agency.Error
		json.Unmarshal(out, &e)
		return nil, authFailure{fmt.Sprintf("%d %s: %s", resp.StatusCode, e.Error.Code, e.Error.Message)}
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		var e agency.Error
		json.Unmarshal(out, &e)
		return nil, permanent{fmt.Sprintf("%d %s: %s", resp.StatusCode, e.Error.Code, e.Error.Message)}
	}
	return nil, fmt.Errorf("agency answered %d", resp.StatusCode)
}

// system is who applies the agencies' answers.
var system = audit.Linked

// apply records what the agency answered and returns the messages that follow from it. Applying
// the same answer twice changes nothing, so a delivery repeated after a crash is harmless.
func (w *Worker) apply(ctx context.Context, m Message, resp []byte) ([]*Message, error) {
	if answer, ok := w.Answers[m.Op]; ok {
		return nil, answer(ctx, m, resp)
	}
	if m.Op != PopBirth {
		return nil, nil
	}
	var ans agency.BirthResponse
	if err := json.Unmarshal(resp, &ans); err != nil || ans.PersonalID == "" {
		return nil, fmt.Errorf("population answer without a number: %s", resp)
	}
	r, err := w.Entries.Entry(ctx, m.RecordID)
	if err != nil {
		return nil, err
	}
	if r.Birth == nil {
		return nil, fmt.Errorf("record %s is not a birth", r.ID)
	}
	born, _ := civil.ParseDate(r.Birth.Child.DateOfBirth)
	if p := civil.PersonalIDProblem(ans.PersonalID, born, r.Birth.Child.Sex); p != "" {
		return nil, permanent{fmt.Sprintf("population answered an impossible number %s (%s)", ans.PersonalID, p)}
	}
	if r.Birth.Child.PersonalID == "" {
		b := *r.Birth
		b.Child.PersonalID = ans.PersonalID
		next := r
		next.Birth = &b
		// Never overwrite an entry: the number is a supplement, a new version (Law 60/2014 art. 29).
		v := civil.Version{Change: civil.Supplement, Fields: []string{"child.personal_id"},
			Reason:     "Số định danh cá nhân do Cơ sở dữ liệu quốc gia về dân cư cấp",
			LegalBasis: "Luật Căn cước 2023, điều 12; Nghị định 63/2024/NĐ-CP"}
		if err := w.Entries.AddVersion(ctx, &next, r.Version, v, system); err != nil {
			return nil, err
		}
		r = next
	} else if r.Birth.Child.PersonalID != ans.PersonalID {
		return nil, permanent{fmt.Sprintf("the entry already has number %s, the agency answered %s", r.Birth.Child.PersonalID, ans.PersonalID)}
	}
	if !UnderSix(r.Birth.Child.DateOfBirth, w.Store.Now()) {
		return nil, nil
	}
	card, err := message(string(agency.Insurance), CardIssue, &r, CardRequest(&r))
	if err != nil {
		return nil, err
	}
	// One card per birth, whatever the version: the key names the record only.
	card.Key = Key(CardIssue, r.ID, 0)
	return []*Message{card}, nil
}
