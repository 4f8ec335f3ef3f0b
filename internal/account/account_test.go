package account_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

var ctx = context.Background()

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, s *store.Store) (*account.Service, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	s.Now = c.now
	if err := account.New(s).SyncOffices(ctx, []auth.Office{{Code: "department", Name: "Sở Tư pháp", Kind: "department"}, {Code: "21025", Name: "Phường Cẩm Thành", Kind: "commune"}}); err != nil {
		t.Fatal(err)
	}
	return account.New(s), c
}

func TestAddUserValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := setup(t, s)
		tests := []struct {
			name   string
			in     account.NewUser
			fields []string // fields expected in error; nil = success
		}{
			{"ok officer", account.NewUser{Username: "Dao.NT", Role: "officer", Office: "21025", Password: "mật khẩu dài đủ"}, nil},
			{"ok leader", account.NewUser{Username: "lanh.dao", Role: "leader", Office: "department", Password: "0123456789"}, nil},
			{"everything wrong", account.NewUser{Username: "a", Role: "boss", Office: "99999", Password: "short"}, []string{"username", "role", "office", "password"}},
			{"officer at department", account.NewUser{Username: "xyz", Role: "officer", Office: "department", Password: "0123456789"}, []string{"office"}},
			{"leader at commune", account.NewUser{Username: "xyz", Role: "leader", Office: "21025", Password: "0123456789"}, []string{"office"}},
			{"diacritics in username", account.NewUser{Username: "đào", Role: "officer", Office: "21025", Password: "0123456789"}, []string{"username"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := svc.AddUser(ctx, tt.in, audit.System)
				if tt.fields == nil {
					if err != nil {
						t.Fatal(err)
					}
					if !auth.VerifyPassword(u.PasswordHash, tt.in.Password) {
						t.Fatal("stored hash does not verify")
					}
					return
				}
				e, ok := fault.As(err)
				if !ok || e.Kind != fault.Invalid || len(e.Fields) != len(tt.fields) {
					t.Fatalf("err = %v, want fields %v", err, tt.fields)
				}
				for _, f := range tt.fields {
					if e.Fields[f] == "" {
						t.Errorf("no problem reported for %s: %v", f, e.Fields)
					}
				}
			})
		}
		if _, err := svc.AddUser(ctx, account.NewUser{Username: "dao.nt", Role: "officer", Office: "21025", Password: "0123456789"}, audit.System); !fault.Is(err, fault.Conflict) {
			t.Fatalf("duplicate (case-folded) username: %v", err)
		}
	})
}

func TestLoginLockoutAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, c := setup(t, s)
		from := audit.Actor{IP: "192.0.2.1"}
		if _, err := svc.AddUser(ctx, account.NewUser{Username: "dao", Role: "officer", Office: "21025", Password: "đúng mật khẩu"}, audit.System); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Login(ctx, "nobody", "x", from, ""); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
		for i := 0; i < auth.FreeFailures; i++ {
			if _, _, err := svc.Login(ctx, "dao", "sai", from, ""); !fault.Is(err, fault.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		// Locked now, even with the right password.
		if _, _, err := svc.Login(ctx, "dao", "đúng mật khẩu", from, ""); !fault.Is(err, fault.TooMany) {
			t.Fatalf("after %d failures: %v", auth.FreeFailures, err)
		}
		c.t = c.t.Add(auth.LockBase + time.Second)
		secret, u, err := svc.Login(ctx, " DAO ", "đúng mật khẩu", from, "test")
		if err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		sess, got, err := svc.Authenticate(ctx, secret)
		if err != nil || got.ID != u.ID || !sess.MFADone {
			t.Fatalf("authenticate: %v %v %v", sess, got, err)
		}
		if _, _, err := svc.Authenticate(ctx, secret+"x"); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("forged cookie: %v", err)
		}
		// Idle expiry.
		c.t = c.t.Add(account.IdleTimeout + time.Minute)
		if _, _, err := svc.Authenticate(ctx, secret); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("idle session: %v", err)
		}
		// Logout revokes.
		secret, _, _ = svc.Login(ctx, "dao", "đúng mật khẩu", from, "")
		sess, _, _ = svc.Authenticate(ctx, secret)
		if err := svc.Logout(ctx, sess, from); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(ctx, secret); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("after logout: %v", err)
		}
		// A password change by an administrator ends every session.
		secret, _, _ = svc.Login(ctx, "dao", "đúng mật khẩu", from, "")
		if err := svc.SetPassword(ctx, "dao", "mật khẩu mới 2026", audit.System); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(ctx, secret); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("after password change: %v", err)
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n < 10 {
			t.Fatalf("audit: %d entries, %v", n, err)
		}
		fails, _ := s.AuditEntries(ctx, store.AuditFilter{Action: "login.fail"})
		if len(fails) != auth.FreeFailures+1 || fails[0].IP != "192.0.2.1" {
			t.Fatalf("login failures audited: %d", len(fails))
		}
	})
}

func TestAdminNeedsTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, c := setup(t, s)
		if _, err := svc.AddUser(ctx, account.NewUser{Username: "admin", Role: "admin", Office: "department", Password: "0123456789"}, audit.System); err != nil {
			t.Fatal(err)
		}
		secret, u, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{}, "")
		if err != nil {
			t.Fatal(err)
		}
		sess, _, _ := svc.Authenticate(ctx, secret)
		if sess.MFADone {
			t.Fatal("admin session complete without a second factor")
		}
		key, _, _ := auth.NewTOTP("tuphap", "admin")
		if err := svc.EnrollTOTP(ctx, sess, u, key, "000000", audit.Actor{}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("wrong enrolment code: %v", err)
		}
		code, _ := auth.TOTPCode(key, c.t)
		if err := svc.EnrollTOTP(ctx, sess, u, key, code, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
		if sess, _, _ = svc.Authenticate(ctx, secret); !sess.MFADone {
			t.Fatal("session not complete after enrolment")
		}
		// Next login asks for the code.
		secret, u, _ = svc.Login(ctx, "admin", "0123456789", audit.Actor{}, "")
		sess, _, _ = svc.Authenticate(ctx, secret)
		if sess.MFADone {
			t.Fatal("second login skipped the code")
		}
		if err := svc.CompleteTOTP(ctx, sess, u, "123", audit.Actor{}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("bad code: %v", err)
		}
		// The enrolment's code served once; the next step's code completes the login.
		if err := svc.CompleteTOTP(ctx, sess, u, code, audit.Actor{}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("the enrolment's code again: %v", err)
		}
		c.t = c.t.Add(auth.TOTPPeriod)
		code, _ = auth.TOTPCode(key, c.t)
		if err := svc.CompleteTOTP(ctx, sess, u, code, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
	})
}

// The second factor can be neither guessed nor replayed (issue 15: one half-logged-in session
// took 11,418 wrong codes in 20 s, then the right one; a code served three logins). A session
// tries auth.MaxTOTPAttempts codes, parallel tries included, and then ends; wrong codes count
// towards the account's lock-out; a code of a step already used is refused (RFC 6238 §5.2).
func TestTOTPCannotBeGuessedOrReplayed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, c := setup(t, s)
		if _, err := svc.AddUser(ctx, account.NewUser{Username: "admin", Role: "admin", Office: "department", Password: "0123456789"}, audit.System); err != nil {
			t.Fatal(err)
		}
		key, _, _ := auth.NewTOTP("tuphap", "admin")
		login := func() (auth.Session, auth.User) {
			t.Helper()
			c.t = c.t.Add(time.Hour) // past any lock-out, on a fresh time step
			secret, u, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{}, "")
			if err != nil {
				t.Fatal(err)
			}
			sess, _, err := svc.Authenticate(ctx, secret)
			if err != nil || sess.MFADone {
				t.Fatalf("pending session: %+v %v", sess, err)
			}
			return sess, u
		}
		sess, u := login()
		code, _ := auth.TOTPCode(key, c.t)
		if err := svc.EnrollTOTP(ctx, sess, u, key, code, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
		wrong := func(code string) string { return map[bool]string{true: "000001", false: "000000"}[code == "000000"] }

		// One by one: four wrong codes are told so, the fifth ends the session, and then even
		// the right code does not open it.
		sess, u = login()
		right, _ := auth.TOTPCode(key, c.t)
		for i := 1; i < auth.MaxTOTPAttempts; i++ {
			if err := svc.CompleteTOTP(ctx, sess, u, wrong(right), audit.Actor{}); !fault.Is(err, fault.Invalid) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if err := svc.CompleteTOTP(ctx, sess, u, wrong(right), audit.Actor{}); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("the last wrong code: %v", err)
		}
		if err := svc.CompleteTOTP(ctx, sess, u, right, audit.Actor{}); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("the right code after the session ended: %v", err)
		}
		if _, _, err := svc.Authenticate(ctx, ""); err == nil {
			t.Fatal("no session")
		}
		// The wrong codes counted towards the account's lock-out.
		if _, _, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{}, ""); !fault.Is(err, fault.TooMany) {
			t.Fatalf("login right after five wrong codes: %v", err)
		}

		// A right password does not buy more guesses: the account's wrong codes lock its second
		// factor across sessions and addresses.
		c.t = c.t.Add(time.Hour)
		secret, _, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{IP: "192.0.2.99"}, "")
		if err != nil {
			t.Fatal(err)
		}
		other, _, _ := svc.Authenticate(ctx, secret)
		for range auth.FreeFailures {
			svc.CompleteTOTP(ctx, other, u, "000000", audit.Actor{IP: "192.0.2.99"})
			secret, _, err = svc.Login(ctx, "admin", "0123456789", audit.Actor{IP: "192.0.2.99"}, "")
			if err != nil {
				break
			}
			other, _, _ = svc.Authenticate(ctx, secret)
		}
		if secret, _, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{IP: "192.0.2.100"}, ""); err == nil {
			s2, _, _ := svc.Authenticate(ctx, secret)
			right, _ := auth.TOTPCode(key, c.t.Add(auth.TOTPPeriod))
			if err := svc.CompleteTOTP(ctx, s2, u, right, audit.Actor{IP: "192.0.2.100"}); !fault.Is(err, fault.Unauthorized) {
				t.Fatalf("a right code while the account's second factor is locked: %v", err)
			}
		}

		// In parallel: forty guesses at once on one session; at most five are checked.
		sess, u = login()
		right, _ = auth.TOTPCode(key, c.t)
		var wg sync.WaitGroup
		var checked, refused atomic.Int32
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch err := svc.CompleteTOTP(ctx, sess, u, wrong(right), audit.Actor{}); {
				case fault.Is(err, fault.Invalid):
					checked.Add(1)
				case fault.Is(err, fault.Unauthorized):
					refused.Add(1)
				default:
					t.Errorf("parallel guess: %v", err)
				}
			}()
		}
		wg.Wait()
		if checked.Load() > int32(auth.MaxTOTPAttempts)-1 || checked.Load()+refused.Load() != 40 {
			t.Fatalf("%d guesses checked, %d refused", checked.Load(), refused.Load())
		}
		if err := svc.CompleteTOTP(ctx, sess, u, right, audit.Actor{}); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("the right code after forty guesses: %v", err)
		}

		// A code serves one login.
		sess, u = login()
		right, _ = auth.TOTPCode(key, c.t)
		if err := svc.CompleteTOTP(ctx, sess, u, right, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
		sess2, u2 := func() (auth.Session, auth.User) {
			secret, u, err := svc.Login(ctx, "admin", "0123456789", audit.Actor{}, "")
			if err != nil {
				t.Fatal(err)
			}
			sess, _, _ := svc.Authenticate(ctx, secret)
			return sess, u
		}()
		if err := svc.CompleteTOTP(ctx, sess2, u2, right, audit.Actor{}); !fault.Is(err, fault.Invalid) {
			t.Fatalf("the same code for a second login: %v", err)
		}
		c.t = c.t.Add(auth.TOTPPeriod)
		next, _ := auth.TOTPCode(key, c.t)
		if err := svc.CompleteTOTP(ctx, sess2, u2, next, audit.Actor{}); err != nil {
			t.Fatalf("the next step's code: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := setup(t, s)
		svc.AddUser(ctx, account.NewUser{Username: "bot", Role: "specialist", Office: "department", Password: "0123456789"}, audit.System)
		secret, err := svc.CreateToken(ctx, "bot", "import", audit.System)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := svc.AuthenticateToken(ctx, secret); err != nil || u.Username != "bot" {
			t.Fatalf("token: %v %v", u, err)
		}
		if _, err := svc.AuthenticateToken(ctx, "tp_forged"); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("forged token: %v", err)
		}
		if _, err := svc.CreateToken(ctx, "ghost", "", audit.System); !fault.Is(err, fault.NotFound) {
			t.Fatalf("token for unknown user: %v", err)
		}
		// A new password ends the tokens made under the old one.
		if err := svc.SetPassword(ctx, "bot", "mật khẩu mới đủ dài", audit.System); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateToken(ctx, secret); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("token after a password change: %v", err)
		}
	})
}

// Failed logins are throttled by the name typed and the address, and by the address over every
// name (issue 15): tries at once stop at five, an unknown name is throttled like a known one, a
// stranger elsewhere cannot lock the owner out, and one address spraying names is stopped.
func TestLoginThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, c := setup(t, s)
		if _, err := svc.AddUser(ctx, account.NewUser{Username: "dao", Role: "officer", Office: "21025", Password: "đúng mật khẩu"}, audit.System); err != nil {
			t.Fatal(err)
		}
		stranger, owner := audit.Actor{IP: "198.51.100.9"}, audit.Actor{IP: "192.0.2.1"}
		// Thirty-two wrong passwords at once: five are checked, the rest wait.
		var wg sync.WaitGroup
		var checked, waited atomic.Int32
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch _, _, err := svc.Login(ctx, "dao", "sai", stranger, ""); {
				case fault.Is(err, fault.Unauthorized):
					checked.Add(1)
				case fault.Is(err, fault.TooMany):
					waited.Add(1)
				default:
					t.Errorf("login: %v", err)
				}
			}()
		}
		wg.Wait()
		if checked.Load() != int32(auth.FreeFailures) || waited.Load() != 32-int32(auth.FreeFailures) {
			t.Fatalf("%d checked, %d told to wait", checked.Load(), waited.Load())
		}
		// The owner, elsewhere, logs in.
		if _, _, err := svc.Login(ctx, "dao", "đúng mật khẩu", owner, ""); err != nil {
			t.Fatalf("the owner after a stranger's failures: %v", err)
		}
		// An unknown name is answered like a known one: wrong, then wait.
		for i := range auth.FreeFailures {
			if _, _, err := svc.Login(ctx, "khongco", "sai", owner, ""); !fault.Is(err, fault.Unauthorized) {
				t.Fatalf("unknown name, try %d: %v", i, err)
			}
		}
		if _, _, err := svc.Login(ctx, "khongco", "sai", owner, ""); !fault.Is(err, fault.TooMany) {
			t.Fatalf("unknown name after %d tries: %v", auth.FreeFailures, err)
		}
		// One address spraying names is stopped, whatever the name.
		c.t = c.t.Add(2 * auth.LockMax)
		sprayer := audit.Actor{IP: "203.0.113.5"}
		for i := range auth.AddressFreeFailures {
			if _, _, err := svc.Login(ctx, fmt.Sprintf("user%d", i), "sai", sprayer, ""); !fault.Is(err, fault.Unauthorized) {
				t.Fatalf("spray %d: %v", i, err)
			}
		}
		if _, _, err := svc.Login(ctx, "dao", "đúng mật khẩu", sprayer, ""); !fault.Is(err, fault.TooMany) {
			t.Fatalf("the sprayer's next try: %v", err)
		}
		// Successes do not count against an address (an office behind one address).
		c.t = c.t.Add(2 * auth.LockMax)
		for i := range 3 * auth.AddressFreeFailures {
			if _, _, err := svc.Login(ctx, "dao", "đúng mật khẩu", owner, ""); err != nil {
				t.Fatalf("login %d from a busy address: %v", i, err)
			}
		}
		// Failures past the longest lock count for nothing and are deleted: the spray's rows go.
		c.t = c.t.Add(2 * auth.LockMax)
		if _, _, err := svc.Login(ctx, "dao", "sai", audit.Actor{IP: "192.0.2.77"}, ""); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("a late failure: %v", err)
		}
		var rows int
		if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts`).Scan(&rows); err != nil || rows != 2 {
			t.Errorf("%d login-failure rows kept, want the last failure's 2 (%v)", rows, err)
		}
	})
}
