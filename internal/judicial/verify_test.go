package judicial_test

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/fault"
	"tuphap/internal/judicial"
	"tuphap/internal/outbox"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// clock is a store's clock a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// A certificate that waits on releases nobody reported (Law on Judicial Records 2009 art. 48.1):
// the officer sends one question per judgment to the police through the outbox, which moves the
// request to 15 working days; the simulated police refuses at first (503), then loses its
// reply once, then answers: one sentence served in 2021, another still running. Each answer is
// recorded once, and the certificate is then drawn up from them.
func TestVerificationThroughThePolice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := &clock{t: november}
		svc := setup(t, st, c.now)
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111"}
		if _, _, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24)); err != nil {
			t.Fatal(err)
		}
		long := theft(lam, "3/2022/HS-ST", "2022-02-01", "2022-02-20", "2021-11-01", 120)
		long.Crimes[0].Category = judicial.Serious
		if _, _, err := svc.Receive(ctx, clerk, by, long); err != nil {
			t.Fatal(err)
		}
		req, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); !strings.Contains(err.Error(), "judicial.verify_first") {
			t.Fatalf("before the answers: %v", err)
		}
		n, err := svc.Verify(ctx, clerk, by, req.ID)
		if err != nil || n != 2 {
			t.Fatalf("questions sent: %d %v, want one per judgment", n, err)
		}
		var due string
		var extended int
		if err := st.QueryRow(ctx, `SELECT due_at, extended_days FROM dossiers WHERE id = $1`, req.Dossier.ID).Scan(&due, &extended); err != nil ||
			extended != 5 || !strings.HasPrefix(due, "2026-12-21") {
			t.Fatalf("the dossier after the question: due %s, extended %d (%v)", due, extended, err)
		}
		if _, err := svc.Verify(ctx, officer, by, req.ID); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer asks the police: %v", err)
		}
		// Asked again before the answers: the questions on their way are not sent twice.
		if _, err := svc.Verify(ctx, clerk, by, req.ID); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "judicial.verify_waiting") {
			t.Fatalf("asking again while waiting: %v", err)
		}

		secret := []byte("shared secret of the police link")
		police, err := agency.NewSimulator(agency.Police, ":memory:", secret)
		if err != nil {
			t.Fatal(err)
		}
		defer police.Close()
		police.Now = c.now
		srv := httptest.NewServer(police)
		defer srv.Close()
		w := outbox.NewWorker(st, registration.New(st), map[string]outbox.Endpoint{string(agency.Police): {URL: srv.URL, Secret: secret}}, nil)
		w.Answers[outbox.PoliceVerify] = svc.ApplyVerification
		w.BaseDelay, w.MaxDelay = time.Second, time.Second
		deliver := func() {
			t.Helper()
			c.add(2 * time.Second)
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		police.SetFaults(agency.Faults{Mode: "refuse", Rate: 1})
		deliver()
		police.SetFaults(agency.Faults{Mode: "drop", Rate: 1})
		deliver()
		police.SetFaults(agency.Faults{})
		deliver()
		var events, pending int
		st.QueryRow(ctx, `SELECT COUNT(*) FROM judgment_events`).Scan(&events)
		st.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&pending)
		if events != 2 || pending != 0 {
			t.Fatalf("%d reports recorded, %d questions pending; want the two answers once each, none pending", events, pending)
		}
		doc, err := svc.IssueCertificate(ctx, clerk, by, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The second crime was committed within the first one's waiting period: both stand
		// (Penal Code 2015 art. 73.2), and a type 1 certificate lists both.
		text := pdftest.Text(t, doc.PDF)
		for _, want := range []string{"12/2019/HS-ST", "3/2022/HS-ST", "Chưa được xóa án tích; đã chấp hành xong hình phạt chính ngày 25/01/2021"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		var source string
		if err := st.QueryRow(ctx, `SELECT source FROM judgment_events WHERE type = 'main_served'`).Scan(&source); err != nil || !strings.Contains(source, "Trại giam") {
			t.Fatalf("the answer's source: %q %v", source, err)
		}
	})
}

// The police's "served" is recorded as the judgment's penalty is served: a fine paid, a
// suspended sentence's probation over (else the standing would never see it).
func TestAnswerFitsThePenalty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male"}
		fine := theft(lam, "5/2020/HS-ST", "2020-01-10", "2020-01-25", "2019-10-01", 0)
		fine.Main = judicial.MainPenalty{Type: judicial.Fine, Amount: 10_000_000}
		id, _, err := svc.Receive(ctx, clerk, by, fine)
		if err != nil {
			t.Fatal(err)
		}
		answer := []byte(`{"status": "served", "main_served_on": "2020-02-25", "as_of": "2026-11-30", "source": "Cơ quan thi hành án dân sự"}`)
		for range 2 { // applied twice, recorded once
			if err := svc.ApplyVerification(ctx, outbox.Message{RecordID: id}, answer); err != nil {
				t.Fatal(err)
			}
		}
		var kind string
		var n int
		if err := st.QueryRow(ctx, `SELECT MIN(type), COUNT(*) FROM judgment_events WHERE judgment_id = $1`, id).Scan(&kind, &n); err != nil || kind != "fine_paid" || n != 1 {
			t.Fatalf("the answer on a fine: %q ×%d (%v)", kind, n, err)
		}
		if err := svc.ApplyVerification(ctx, outbox.Message{RecordID: id}, []byte(`{"status": "lost"}`)); err == nil {
			t.Fatal("an answer that says nothing applied")
		}
	})
}
