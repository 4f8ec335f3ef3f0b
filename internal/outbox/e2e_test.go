package outbox_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/outbox"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx     = context.Background()
	officer = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	by      = audit.Actor{Username: "canbo"}
	secret  = []byte("shared secret of the test agencies")
)

// agencyServer is a simulator behind a real HTTP listener that can go down and come back on the
// same address, keeping its store.
type agencyServer struct {
	t    *testing.T
	sim  *agency.Simulator
	addr string
	srv  *httptest.Server
}

func startAgency(t *testing.T, kind agency.Kind) *agencyServer {
	t.Helper()
	sim, err := agency.NewSimulator(kind, ":memory:", secret)
	if err != nil {
		t.Fatal(err)
	}
	a := &agencyServer{t: t, sim: sim}
	a.up()
	t.Cleanup(func() { a.down(); sim.Close() })
	return a
}

func (a *agencyServer) up() {
	addr := a.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may take a moment to free its port
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		a.t.Fatal(err)
	}
	a.addr = ln.Addr().String()
	a.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: a.sim}}
	a.srv.Start()
}

func (a *agencyServer) down() {
	if a.srv != nil {
		a.srv.CloseClientConnections()
		a.srv.Close()
		a.srv = nil
	}
}

func (a *agencyServer) url() string { return "http://" + a.addr }

type fixture struct {
	st       *store.Store
	reg      *registration.Service
	pop, ins *agencyServer
}

func setup(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), time.Now())); err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, reg: registration.New(st), pop: startAgency(t, agency.Population), ins: startAgency(t, agency.Insurance)}
}

func (f *fixture) worker() *outbox.Worker {
	w := outbox.NewWorker(f.st, f.reg, map[string]outbox.Endpoint{
		string(agency.Population): {URL: f.pop.url(), Secret: secret},
		string(agency.Insurance):  {URL: f.ins.url(), Secret: secret},
	}, nil)
	w.Client = &http.Client{Timeout: 2 * time.Second}
	w.BaseDelay, w.MaxDelay, w.Poll, w.Lease = 5*time.Millisecond, 40*time.Millisecond, 5*time.Millisecond, 400*time.Millisecond
	return w
}

func (f *fixture) births(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		sex := civil.Female
		if i%2 == 0 {
			sex = civil.Male
		}
		dob := time.Now().AddDate(0, 0, -1-i%50).Format(civil.DateFormat)
		r, err := f.reg.RegisterBirth(ctx, officer, by, registration.BirthRequest{Desk: registration.Desk{Office: "21025"}, Birth: civil.Birth{
			Child:     civil.Person{FullName: fmt.Sprintf("Nguyễn Văn %c%c", 'A'+i/26%26, 'A'+i%26), Sex: sex, DateOfBirth: dob, PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
			Mother:    &civil.Parent{FullName: fmt.Sprintf("Trần Thị %c%c", 'A'+i/26%26, 'A'+i%26)},
			Requester: civil.Requester{FullName: "Trần Thị Mẹ", Relation: "mẹ"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// drain runs the worker until nothing is pending, or fails the test after a while.
func drain(t *testing.T, w *outbox.Worker) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		w.RunOnce(ctx)
		c, err := w.Queue.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[outbox.MsgPending] == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	c, _ := w.Queue.Counts(ctx)
	t.Fatalf("outbox not drained: %v", c)
}

// eventually waits, up to a minute, for cond to hold.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the condition never held")
		}
	}
}

// check proves the promise: every birth has exactly one valid personal ID, the one the agency
// issued for it, no number twice, and every child under 6 exactly one card.
func (f *fixture) check(t *testing.T, ids []string) {
	t.Helper()
	pids, err := f.pop.sim.Numbers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := f.ins.sim.Numbers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		r, err := registration.NewRecords(f.st).Record(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		pid := r.Birth.Child.PersonalID
		born, _ := civil.ParseDate(r.Birth.Child.DateOfBirth)
		if pid == "" || pid != pids[id] || civil.PersonalIDProblem(pid, born, r.Birth.Child.Sex) != "" || pid[:3] != "051" {
			t.Fatalf("record %s: number %q, agency issued %q", id, pid, pids[id])
		}
		if seen[pid] {
			t.Fatalf("number %s issued twice", pid)
		}
		seen[pid] = true
		if cards[id] == "" {
			t.Fatalf("record %s: no card", id)
		}
	}
	if len(pids) != len(ids) || len(cards) != len(ids) {
		t.Fatalf("agencies issued %d numbers and %d cards for %d births", len(pids), len(cards), len(ids))
	}
	if dead, _ := outbox.NewQueue(f.st).Messages(ctx, "", outbox.MsgDead, "", 0); len(dead) != 0 {
		t.Fatalf("dead letters: %+v", dead)
	}
}

func TestAgencyDownDuringRegistrationThenBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		f.pop.down()
		ids := f.births(t, 5) // registering does not wait for the agency
		w := f.worker()
		// While the agency is down every message is tried, fails, and waits for its next try.
		eventually(t, func() bool {
			w.RunOnce(ctx)
			ms, _ := outbox.NewQueue(st).Messages(ctx, "", outbox.MsgPending, "", 0)
			tried := 0
			for _, m := range ms {
				if m.Attempts > 0 && m.LastError != "" {
					tried++
				}
			}
			return len(ms) == 5 && tried == 5
		})
		f.pop.up()
		drain(t, w)
		f.check(t, ids)
	})
}

func TestReplyLostAfterProcessing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		f.pop.sim.SetFaults(agency.Faults{Mode: "drop", Rate: 1})
		ids := f.births(t, 4)
		w := f.worker()
		w.RunOnce(ctx)
		if n := f.pop.sim.Processed.Load(); n != 4 {
			t.Fatalf("agency processed %d", n)
		}
		f.pop.sim.SetFaults(agency.Faults{})
		drain(t, w)
		if n := f.pop.sim.Processed.Load(); n != 4 {
			t.Fatalf("resent requests were processed again: %d", n)
		}
		f.check(t, ids)
	})
}

func TestWorkerKilledDuringDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		f.pop.sim.SetFaults(agency.Faults{Mode: "slow", Rate: 1, Delay: 300 * time.Millisecond})
		ids := f.births(t, 6)
		w := f.worker()
		runCtx, kill := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { w.Run(runCtx); close(done) }()
		// Killed once a request has reached the agency, which answers after 300 ms: deliveries
		// are cut off in flight.
		eventually(t, func() bool { return f.pop.sim.Requests.Load() > 0 })
		kill()
		<-done
		if c, err := outbox.NewQueue(st).Counts(ctx); err != nil || c[outbox.MsgDelivered] != 0 || c[outbox.MsgPending] != 6 {
			t.Fatalf("no delivery was cut off: %v %v", c, err)
		}
		f.pop.sim.SetFaults(agency.Faults{})
		// A new process: the leases of the killed one run out and its messages are taken again.
		drain(t, f.worker())
		f.check(t, ids)
	})
}

func TestManyBirthsWithFlakyAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		f.pop.sim.SetFaults(agency.Faults{Mode: "error", Rate: 0.33})
		f.ins.sim.SetFaults(agency.Faults{Mode: "error", Rate: 0.33})
		var mu sync.Mutex
		var ids []string
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ { // four officers at once
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					n := g*50 + i
					sex := civil.Male
					if n%2 == 1 {
						sex = civil.Female
					}
					r, err := f.reg.RegisterBirth(ctx, officer, by, registration.BirthRequest{Desk: registration.Desk{Office: "21025"}, Birth: civil.Birth{
						Child: civil.Person{FullName: fmt.Sprintf("Lê Văn %c%c", 'A'+n/26%26, 'A'+n%26), Sex: sex,
							DateOfBirth: time.Now().AddDate(0, 0, -1-n%40).Format(civil.DateFormat), PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
						Mother:    &civil.Parent{FullName: fmt.Sprintf("Phạm Thị %c%c%c", 'A'+g, 'A'+n/26%26, 'A'+n%26)},
						Requester: civil.Requester{FullName: "Phạm Thị Mẹ", Relation: "mẹ"}}})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					ids = append(ids, r.ID)
					mu.Unlock()
				}
			}(g)
		}
		wg.Wait()
		if len(ids) != 200 {
			t.Fatalf("%d registered", len(ids))
		}
		drain(t, f.worker())
		f.check(t, ids)
	})
}

func TestDeathClosesBoth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		ids := f.births(t, 1)
		w := f.worker()
		drain(t, w)
		r, _ := registration.NewRecords(st).Record(ctx, ids[0])
		if r.Version != 2 {
			t.Fatalf("the number is a new version: v%d", r.Version)
		}
		d, err := f.reg.RegisterDeath(ctx, officer, by, registration.DeathRequest{Desk: registration.Desk{Office: "21025"}, Death: civil.Death{
			Deceased: r.Birth.Child, DateOfDeath: time.Now().Format(civil.DateFormat), PlaceOfDeath: "Bệnh viện", Cause: "Bệnh",
			Requester: civil.Requester{FullName: "Trần Thị Mẹ", Relation: "mẹ"}}})
		if err != nil {
			t.Fatal(err)
		}
		drain(t, w)
		ms, _ := outbox.NewQueue(st).Messages(ctx, "", outbox.MsgDelivered, d.ID, 0)
		ops := map[string]bool{}
		for _, m := range ms {
			ops[m.Agency+"."+m.Op] = true
		}
		if !ops["population.death"] || !ops["insurance.close"] {
			t.Fatalf("death messages: %v", ops)
		}
	})
}

// The agency refuses the data: the message goes to the dead letters with the agency's reason;
// once the entry is fixed it is sent again.
func TestDeadLetterAndResend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		ids := f.births(t, 1)
		ms, _ := outbox.NewQueue(st).Messages(ctx, "", outbox.MsgPending, ids[0], 0)
		// Spoil the request as a bad entry would: no 3-digit province.
		st.ExecForTest(ctx, `UPDATE outbox SET payload = REPLACE(payload, '"051"', '"5"') WHERE id = $1`, ms[0].ID)
		w := f.worker()
		drain(t, w)
		dead, _ := outbox.NewQueue(st).Messages(ctx, "21025", outbox.MsgDead, "", 0)
		if len(dead) != 1 || dead[0].LastError == "" || dead[0].Attempts != 1 {
			t.Fatalf("dead letters: %+v", dead)
		}
		r, _ := registration.NewRecords(st).Record(ctx, ids[0])
		payload, key, err := outbox.Rebuild(dead[0], &r)
		if err != nil {
			t.Fatal(err)
		}
		if err := outbox.NewQueue(st).Requeue(ctx, dead[0], payload, key+":retry1", by); err != nil {
			t.Fatal(err)
		}
		drain(t, w)
		f.check(t, ids)
	})
}

// An answer that cannot be applied (the entry was given another number meanwhile) goes to the
// dead letters with the reason, instead of being retried for ever.
func TestUnappliableAnswerIsDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		ids := f.births(t, 1)
		r, _ := registration.NewRecords(st).Record(ctx, ids[0])
		b := *r.Birth
		born, _ := civil.ParseDate(b.Child.DateOfBirth)
		b.Child.PersonalID = fmt.Sprintf("051%d%02d999999", civil.CenturySexDigit(born.Year(), b.Child.Sex), born.Year()%100)
		next := r
		next.Birth = &b
		if err := registration.NewRecords(st).AddVersion(ctx, &next, r.Version, civil.Version{Change: civil.Supplement, Fields: []string{"child.personal_id"}, Reason: "x", LegalBasis: "y"}, by); err != nil {
			t.Fatal(err)
		}
		drain(t, f.worker())
		dead, _ := outbox.NewQueue(st).Messages(ctx, "", outbox.MsgDead, ids[0], 0)
		if len(dead) != 1 || !strings.Contains(dead[0].LastError, "already has number") {
			t.Fatalf("dead letters: %+v", dead)
		}
	})
}

// A wrong shared secret (or a clock out of step) is a fault of configuration, not of the
// messages: they stay queued, the agency is shown paused (metric and page), and once the secret
// is right they all go, none a dead letter (issue 15: 170 of 170 became dead letters at once).
func TestWrongSecretPausesInsteadOfDeadLetters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st)
		ids := f.births(t, 6)
		bad := f.worker()
		bad.Endpoints[string(agency.Population)] = outbox.Endpoint{URL: f.pop.url(), Secret: []byte("not the shared secret")}
		q := outbox.NewQueue(st)
		for range 3 {
			bad.RunOnce(ctx)
			// Due again: what PauseRetry would wait for.
			if err := st.ExecForTest(ctx, `UPDATE outbox SET next_at = '2000-01-01T00:00:00.000000Z' WHERE status = 'pending'`); err != nil {
				t.Fatal(err)
			}
		}
		c, err := q.Counts(ctx)
		if err != nil || c[outbox.MsgDead] != 0 || c[outbox.MsgPending] != 6 {
			t.Fatalf("after three rounds with a wrong secret: %v %v", c, err)
		}
		paused, err := q.Paused(ctx)
		if _, ok := paused[string(agency.Population)]; err != nil || !ok || len(paused) != 1 {
			t.Fatalf("paused: %v %v", paused, err)
		}
		// The pause uses up none of a message's tries: once the secret is right, each has them all.
		if ms, _ := q.Messages(ctx, "", outbox.MsgPending, "", 0); len(ms) != 6 || ms[0].Attempts != 0 {
			t.Fatalf("tries used while paused: %+v", ms)
		}
		drain(t, f.worker())
		f.check(t, ids)
		if paused, _ := q.Paused(ctx); len(paused) != 0 {
			t.Fatalf("still paused after the secret was put right: %v", paused)
		}
	})
}
