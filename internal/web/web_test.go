package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/app"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/i18n"
	"tuphap/internal/issuing"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
	"tuphap/internal/web"
)

var ctx = context.Background()

var testMasterKey = []byte("0123456789abcdef0123456789abcdef")

const password = "mật khẩu thử 2026"

// env is a running server on a real store with one user per role.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	web    *web.Server
	svc    *app.Services
	store  *store.Store
	tokens map[auth.Role]string
}

var testUsers = []struct {
	username string
	role     auth.Role
	office   string
}{
	{"canbo", auth.Officer, "21025"},
	{"chutich", auth.Signer, "21025"},
	{"chuyenvien", auth.Specialist, auth.DepartmentOffice},
	{"lanhdao", auth.Leader, auth.DepartmentOffice},
	{"quantri", auth.Admin, auth.DepartmentOffice},
	{"kiemtoan", auth.Auditor, auth.DepartmentOffice},
	{"lltp", auth.Judicial, auth.DepartmentOffice},
	{"tgpl", auth.LegalAid, auth.DepartmentOffice},
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	reg := units.MustLoad()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
		t.Fatal(err)
	}
	// The server's own address is its public address, so that QR codes lead back to it.
	srv := httptest.NewUnstartedServer(nil)
	svc, err := app.New(ctx, st, reg, app.Options{MasterKey: testMasterKey, PublicURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := web.New(web.Config{MaxBody: 64 << 10}, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = ws
	srv.Start()
	e := &env{t: t, web: ws, svc: svc, store: st, srv: srv, tokens: map[auth.Role]string{}}
	t.Cleanup(e.srv.Close)
	for _, u := range testUsers {
		if _, err := svc.Accounts.AddUser(ctx, account.NewUser{Username: u.username, FullName: "Nguyễn Thị Đào", Role: string(u.role), Office: u.office, Password: password}, audit.System); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.Accounts.CreateToken(ctx, u.username, "test", audit.System)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.role] = tok
	}
	return e
}

// browser is a client with cookies that does not follow redirects, so tests see them.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) do(c *http.Client, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c == nil {
		c = e.browser()
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) postForm(c *http.Client, path string, form url.Values, header map[string]string) (*http.Response, string) {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		h[k] = v
	}
	return e.do(c, "POST", path, strings.NewReader(form.Encode()), h)
}

func (e *env) login(username string) *http.Client {
	e.t.Helper()
	c := e.browser()
	resp, _ := e.postForm(c, "/login", url.Values{"username": {username}, "password": {password}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return c
}

func (e *env) api(role auth.Role, method, path, body string) (int, map[string]any) {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if role != "" {
		h["Authorization"] = "Bearer " + e.tokens[role]
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	resp, text := e.do(nil, method, path, r, h)
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		e.t.Fatalf("%s %s: not JSON (%d): %q", method, path, resp.StatusCode, text)
	}
	return resp.StatusCode, out
}

func errorOf(body map[string]any) (code, message string) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	return
}

func TestAPIAccessByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		all := []auth.Role{"", auth.Officer, auth.Signer, auth.Specialist, auth.Leader, auth.Admin, auth.Auditor}
		tests := []struct {
			method, path, body string
			allowed            []auth.Role
		}{
			{"GET", "/api/v1/me", "", all[1:]},
			{"GET", "/api/v1/units", "", all[1:]},
			{"GET", "/api/v1/units/21019/successors", "", all[1:]},
			{"GET", "/api/v1/offices", "", all[1:]},
			{"GET", "/api/v1/users", "", []auth.Role{auth.Admin}},
			{"GET", "/api/v1/audit", "", []auth.Role{auth.Auditor}},
		}
		for _, tt := range tests {
			for _, role := range all {
				allowed := false
				for _, a := range tt.allowed {
					allowed = allowed || a == role
				}
				want := http.StatusOK
				switch {
				case role == "":
					want = http.StatusUnauthorized
				case !allowed:
					want = http.StatusForbidden
				}
				t.Run(tt.path+"/"+string(role), func(t *testing.T) {
					got, body := e.api(role, tt.method, tt.path, tt.body)
					if got != want {
						t.Fatalf("status %d, want %d: %v", got, want, body)
					}
					if want != http.StatusOK {
						if code, msg := errorOf(body); code == "" || msg == "" {
							t.Fatalf("error body %v", body)
						}
					}
				})
			}
		}
	})
}

func TestAPIErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		tests := []struct {
			name, method, path, body string
			role                     auth.Role
			status                   int
			code                     string
			message                  string // a part of the Vietnamese message
		}{
			{"malformed json", "POST", "/api/v1/users", `{"username": `, auth.Admin, 400, "invalid", "JSON không hợp lệ"},
			{"unknown field", "POST", "/api/v1/users", `{"usernme": "x"}`, auth.Admin, 400, "invalid", "JSON không hợp lệ"},
			{"trailing data", "POST", "/api/v1/users", `{} {}`, auth.Admin, 400, "invalid", "JSON không hợp lệ"},
			{"oversized", "POST", "/api/v1/users", `{"full_name": "` + strings.Repeat("đ", 40000) + `"}`, auth.Admin, 413, "too_large", "quá lớn"},
			{"invalid user", "POST", "/api/v1/users", `{"username": "x", "role": "officer", "office": "21025", "password": "1"}`, auth.Admin, 400, "invalid", "chưa hợp lệ"},
			{"unknown unit", "GET", "/api/v1/units/99999/successors", "", auth.Officer, 404, "not_found", "99999"},
			{"bad date", "GET", "/api/v1/units?valid_on=01/07/2025", "", auth.Officer, 400, "invalid", "chưa hợp lệ"},
			{"no such route", "GET", "/api/v1/nothing", "", auth.Officer, 404, "not_found", "Không tìm thấy"},
			{"bad token", "GET", "/api/v1/me", "", "forged", 401, "unauthorized", "token"},
		}
		e.tokens["forged"] = "tp_forged"
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, body := e.api(tt.role, tt.method, tt.path, tt.body)
				code, msg := errorOf(body)
				if got != tt.status || code != tt.code || !strings.Contains(msg, tt.message) {
					t.Fatalf("got %d %q %q, want %d %q containing %q", got, code, msg, tt.status, tt.code, tt.message)
				}
			})
		}
		// Nothing was created by the failed requests.
		_, body := e.api(auth.Admin, "GET", "/api/v1/users", "")
		if n := body["total"].(float64); n != float64(len(testUsers)) {
			t.Fatalf("users after bad requests: %v", n)
		}
		// Per-field problems, all at once.
		_, body = e.api(auth.Admin, "POST", "/api/v1/users", `{"username": "A", "role": "boss", "office": "1", "password": "1"}`)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		for _, f := range []string{"username", "role", "office", "password"} {
			if fields[f] == nil {
				t.Errorf("no message for %s: %v", f, body)
			}
		}
		got, body := e.api(auth.Admin, "POST", "/api/v1/users", `{"username": "moi", "full_name": "Lê Thị Mới", "role": "officer", "office": "21025", "password": "0123456789"}`)
		if got != 201 || body["username"] != "moi" || body["full_name"] != "Lê Thị Mới" {
			t.Fatalf("create: %d %v", got, body)
		}
		if got, body = e.api(auth.Admin, "POST", "/api/v1/users", `{"username": "moi", "role": "officer", "office": "21025", "password": "0123456789"}`); got != 409 {
			t.Fatalf("duplicate: %d %v", got, body)
		}
	})
}

func TestUnitsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "GET", "/api/v1/units?valid_on=2025-07-01", "")
		if body["total"].(float64) != 97 { // the province and its 96 communes
			t.Fatalf("after the reform: %v units", body["total"])
		}
		_, body = e.api(auth.Officer, "GET", "/api/v1/units?valid_on=2025-06-30", "")
		if body["total"].(float64) != 2+23+272 {
			t.Fatalf("before the reform: %v units", body["total"])
		}
		_, body = e.api(auth.Officer, "GET", "/api/v1/units/21142/successors", "")
		if body["split"] != true || len(body["successors"].([]any)) != 2 {
			t.Fatalf("Trà Bùi was split: %v", body)
		}
	})
}

func TestLoginFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.browser()
		resp, _ := e.do(c, "GET", "/", nil, nil)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2F" {
			t.Fatalf("anonymous home: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := e.postForm(c, "/login", url.Values{"username": {"canbo"}, "password": {"sai"}}, nil)
		if resp.StatusCode != 401 || !strings.Contains(body, "Tên đăng nhập hoặc mật khẩu không đúng.") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		// A forged cross-origin post is refused and logs nobody in.
		resp, body = e.postForm(c, "/login", url.Values{"username": {"canbo"}, "password": {password}},
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
		if resp.StatusCode != 403 || !strings.Contains(body, "không xuất phát từ trang") || len(resp.Cookies()) != 0 {
			t.Fatalf("cross-origin login: %d cookies %v", resp.StatusCode, resp.Cookies())
		}
		resp, _ = e.postForm(c, "/login", url.Values{"username": {"canbo"}, "password": {password}, "next": {"https://evil.example/"}}, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		resp, _ = e.do(c, "GET", resp.Header.Get("Location"), nil, nil)
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Fatalf("after login, went to %q (open redirect?)", loc)
		}
		resp, body = e.do(c, "GET", "/", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "Xin chào, Nguyễn Thị Đào") || !strings.Contains(body, "UBND Phường Cẩm Thành") {
			t.Fatalf("home: %d", resp.StatusCode)
		}
		// No state change on GET.
		if resp, _ = e.do(c, "GET", "/logout", nil, nil); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("GET /logout: %d", resp.StatusCode)
		}
		// Cross-origin logout is refused too.
		if resp, _ = e.postForm(c, "/logout", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != 403 {
			t.Fatalf("cross-origin logout: %d", resp.StatusCode)
		}
		if resp, _ = e.postForm(c, "/logout", nil, nil); resp.StatusCode != 303 {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if resp, _ = e.do(c, "GET", "/", nil, nil); resp.StatusCode != 303 {
			t.Fatalf("home after logout: %d", resp.StatusCode)
		}
		if n, err := st.VerifyAudit(ctx); err != nil || n == 0 {
			t.Fatalf("audit: %d %v", n, err)
		}
		for _, action := range []string{"login.fail", "login.ok", "session.revoke"} {
			if es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: action}); len(es) == 0 {
				t.Errorf("no %s in the audit log", action)
			}
		}
	})
}

func TestLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.browser()
		for i := 0; i < auth.FreeFailures; i++ {
			e.postForm(c, "/login", url.Values{"username": {"canbo"}, "password": {"sai"}}, nil)
		}
		resp, body := e.postForm(c, "/login", url.Values{"username": {"canbo"}, "password": {password}}, nil)
		if resp.StatusCode != 429 || !strings.Contains(body, "thử lại sau") {
			t.Fatalf("locked login: %d", resp.StatusCode)
		}
	})
}

var totpSecretRE = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)

func TestAdminTOTPFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.browser()
		resp, _ := e.postForm(c, "/login", url.Values{"username": {"quantri"}, "password": {password}, "next": {"/users"}}, nil)
		if resp.StatusCode != 303 {
			t.Fatal(resp.StatusCode)
		}
		// Before the second factor, admin pages send back to it.
		if resp, _ = e.do(c, "GET", "/users", nil, nil); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
			t.Fatalf("/users before TOTP: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := e.do(c, "GET", "/login/totp?next=/users", nil, nil)
		m := totpSecretRE.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "data:image/png;base64,") {
			t.Fatalf("enrolment page: %d", resp.StatusCode)
		}
		resp, body = e.postForm(c, "/login/totp", url.Values{"secret": {m[1]}, "code": {"000000"}, "next": {"/users"}}, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, "Mã xác thực không đúng") {
			t.Fatalf("wrong code: %d", resp.StatusCode)
		}
		code, _ := auth.TOTPCode(m[1], time.Now())
		resp, _ = e.postForm(c, "/login/totp", url.Values{"secret": {m[1]}, "code": {code}, "next": {"/users"}}, nil)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/users" {
			t.Fatalf("enrol: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = e.do(c, "GET", "/users", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "kiemtoan") {
			t.Fatalf("/users after TOTP: %d", resp.StatusCode)
		}
		// Create a user through the form; a bad form keeps what was typed and shows every problem.
		resp, body = e.postForm(c, "/users", url.Values{"username": {"Đ"}, "full_name": {"Trần Thị Én"}, "role": {"officer"}, "office": {"department"}, "password": {"1"}}, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, "Trần Thị Én") || !strings.Contains(body, "ít nhất 10 ký tự") || !strings.Contains(body, "UBND cấp xã") {
			t.Fatalf("bad user form: %d", resp.StatusCode)
		}
		resp, body = e.postForm(c, "/users", url.Values{"username": {"en.tt"}, "full_name": {"Trần Thị Én"}, "role": {"officer"}, "office": {"21025"}, "password": {"0123456789"}}, nil)
		if resp.StatusCode != 201 || !strings.Contains(body, "Đã tạo người dùng en.tt") {
			t.Fatalf("user form: %d", resp.StatusCode)
		}
		// Lock the new user: their login fails.
		if resp, _ = e.postForm(c, "/users/en.tt/disable", nil, nil); resp.StatusCode != 303 {
			t.Fatalf("disable: %d", resp.StatusCode)
		}
		resp, body = e.postForm(e.browser(), "/login", url.Values{"username": {"en.tt"}, "password": {"0123456789"}}, nil)
		if resp.StatusCode != 401 || !strings.Contains(body, "đã bị khoá") {
			t.Fatalf("disabled login: %d", resp.StatusCode)
		}
	})
}

// Every page renders for every role that may see it, with no missing message.
func TestPagesRenderInBothLanguages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	st := e.store
	key, _, _ := auth.NewTOTP("tuphap", "quantri")
	setTOTP(t, st, "quantri", key)
	pages := map[auth.Role][]string{
		auth.Officer: {"/", "/units", "/units?valid_on=2025-06-30", "/account"},
		auth.Signer:  {"/"},
		auth.Leader:  {"/"},
		auth.Admin:   {"/", "/users", "/users/canbo", "/account", "/imports", "/keys", "/outbox"},
		auth.Auditor: {"/", "/audit", "/audit?action=login"},
	}
	for _, tu := range testUsers {
		c := e.login(tu.username)
		if tu.role == auth.Admin {
			code, _ := auth.TOTPCode(key, time.Now())
			e.postForm(c, "/login/totp", url.Values{"code": {code}}, nil)
		}
		for _, lang := range i18n.Langs {
			c.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{{Name: "lang", Value: string(lang)}})
			for _, p := range pages[tu.role] {
				resp, body := e.do(c, "GET", p, nil, nil)
				if resp.StatusCode != 200 || strings.Contains(body, i18n.Missing) {
					t.Errorf("%s %s %s: %d, missing message: %v", tu.username, lang, p, resp.StatusCode, strings.Contains(body, i18n.Missing))
				}
				if lang == i18n.EN && !strings.Contains(body, `lang="en"`) {
					t.Errorf("%s %s: not in English", tu.username, p)
				}
			}
		}
	}
}

// Navigation shows each role only what it may use, and the pages behind hidden links refuse.
func TestNavigationByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		tests := []struct {
			username  string
			shows     []string
			hides     []string
			forbidden []string
		}{
			{"canbo", []string{"nav.records", "nav.units", "nav.account"}, []string{"nav.users", "nav.audit"}, []string{"/users", "/audit"}},
			{"kiemtoan", []string{"nav.audit"}, []string{"nav.users"}, []string{"/users"}},
			{"lanhdao", []string{"nav.units"}, []string{"nav.users", "nav.audit"}, []string{"/users", "/audit"}},
		}
		for _, tt := range tests {
			c := e.login(tt.username)
			_, body := e.do(c, "GET", "/", nil, nil)
			for _, k := range tt.shows {
				if !strings.Contains(body, `data-nav="`+k+`"`) {
					t.Errorf("%s: no %s in navigation", tt.username, k)
				}
			}
			for _, k := range tt.hides {
				if strings.Contains(body, `data-nav="`+k+`"`) {
					t.Errorf("%s: %s shown", tt.username, k)
				}
			}
			for _, p := range tt.forbidden {
				if resp, body := e.do(c, "GET", p, nil, nil); resp.StatusCode != 403 || !strings.Contains(body, "không có quyền") {
					t.Errorf("%s GET %s: %d", tt.username, p, resp.StatusCode)
				}
			}
		}
	})
}

var auditSystem = audit.System

// loginTOTP logs in a user whose second factor has the given key.
func (e *env) loginTOTP(username, key string) *http.Client {
	e.t.Helper()
	c := e.login(username)
	code, _ := auth.TOTPCode(key, time.Now())
	if resp, _ := e.postForm(c, "/login/totp", url.Values{"code": {code}}, nil); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("TOTP for %s: %d", username, resp.StatusCode)
	}
	return c
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestRevokeOwnTokenFromAccountPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("canbo")
		if got, _ := e.api(auth.Officer, "GET", "/api/v1/me", ""); got != 200 {
			t.Fatalf("token before revoke: %d", got)
		}
		u, _ := e.svc.Accounts.User(ctx, "canbo")
		tokens, _ := e.svc.Accounts.Tokens(ctx, u)
		_, page := e.do(c, "GET", "/account", nil, nil)
		if !strings.Contains(page, "/account/tokens/"+tokens[0].ID+"/revoke") {
			t.Fatal("account page does not offer to revoke the token")
		}
		// Another user's token cannot be revoked through one's own account.
		other, _ := e.svc.Accounts.User(ctx, "lanhdao")
		otherTokens, _ := e.svc.Accounts.Tokens(ctx, other)
		if resp, _ := e.postForm(c, "/account/tokens/"+otherTokens[0].ID+"/revoke", nil, nil); resp.StatusCode != 404 {
			t.Fatalf("revoking someone else's token: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(c, "/account/tokens/"+tokens[0].ID+"/revoke", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if got, body := e.api(auth.Officer, "GET", "/api/v1/me", ""); got != 401 {
			t.Fatalf("revoked token still works: %d %v", got, body)
		}
		if got, _ := e.api(auth.Leader, "GET", "/api/v1/me", ""); got != 200 {
			t.Fatalf("other token broken: %d", got)
		}
	})
}

// Any user may turn on a second factor; the next login then asks for it; they may turn it off.
func TestOptionalTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("canbo")
		resp, body := e.do(c, "GET", "/account/totp", nil, nil)
		m := totpSecretRE.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil {
			t.Fatalf("enrol page: %d", resp.StatusCode)
		}
		code, _ := auth.TOTPCode(m[1], time.Now())
		if resp, _ = e.postForm(c, "/login/totp", url.Values{"secret": {m[1]}, "code": {code}, "next": {"/account"}}, nil); resp.StatusCode != 303 {
			t.Fatalf("enrol: %d", resp.StatusCode)
		}
		c2 := e.login("canbo")
		if resp, _ := e.do(c2, "GET", "/", nil, nil); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
			t.Fatalf("login after enrolment skips the code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := e.postForm(c, "/account/totp/off", url.Values{"code": {"000000"}}, nil); resp.StatusCode != 400 {
			t.Fatalf("turn off with a wrong code: %d", resp.StatusCode)
		}
		// The enrolment's code served once; the next step's (within the allowed skew) turns it off.
		if resp, _ := e.postForm(c, "/account/totp/off", url.Values{"code": {code}}, nil); resp.StatusCode != 400 {
			t.Fatalf("turn off with the enrolment's code again: %d", resp.StatusCode)
		}
		code, _ = auth.TOTPCode(m[1], time.Now().Add(auth.TOTPPeriod))
		if resp, _ := e.postForm(c, "/account/totp/off", url.Values{"code": {code}}, nil); resp.StatusCode != 303 {
			t.Fatalf("turn off: %d", resp.StatusCode)
		}
		if u, _ := e.svc.Accounts.User(ctx, "canbo"); u.TOTPSecret != "" {
			t.Fatal("still on")
		}
	})
}

// documents lists the documents of an entry, optionally of one status, as the department sees them.
func (e *env) documents(status, recordID string) []issuing.Document {
	e.t.Helper()
	ds, err := e.svc.Issuing.List(ctx, auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}, status, recordID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// document reads one document with its PDFs.
func (e *env) document(id string) issuing.Document {
	e.t.Helper()
	d, err := e.svc.Issuing.Get(ctx, auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// setTOTP gives a user a second factor directly in the table, as an enrolment would.
func setTOTP(t *testing.T, st *store.Store, username, key string) {
	t.Helper()
	if err := st.ExecForTest(ctx, `UPDATE users SET totp_secret = $1 WHERE username = $2`, key, username); err != nil {
		t.Fatal(err)
	}
}

// Each role's home page is its work queue: the officer's overdue dossiers and documents
// waiting for a signature, the signer's documents to sign, the leader's month with its
// backlog; every count links to its list.
func TestHomeIsAWorkQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.overdueDossier()
		_, rec := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		if got, d := e.api(auth.Officer, "POST", "/api/v1/records/"+rec["id"].(string)+"/extracts", ""); got != 201 {
			t.Fatalf("extract: %d %v", got, d)
		}
		count := regexp.MustCompile(`<a href="([^"]+)"><span class="count">(\d+)</span> ([^<]+)</a>`)
		queue := func(user string) map[string]string {
			_, page := e.do(e.login(user), "GET", "/", nil, nil)
			out := map[string]string{}
			for _, m := range count.FindAllStringSubmatch(page, -1) {
				out[m[3]] = m[2] + " " + m[1]
			}
			return out
		}
		officer := queue("canbo")
		for what, want := range map[string]string{"hồ sơ quá hạn": "1 /dossiers?list=overdue", "văn bản chờ ký số": "1 /documents?status=issued",
			"yêu cầu liên thông bị từ chối, cần xử lý": "0 /outbox?status=dead", "hồ sơ chờ người dân bổ sung": "0 /dossiers?list=waiting"} {
			if officer[what] != want {
				t.Errorf("officer's %q: %q, want %q (queue %v)", what, officer[what], want, officer)
			}
		}
		if got := queue("chutich")["văn bản chờ ký số"]; got != "1 /documents?status=issued" {
			t.Errorf("signer's documents to sign: %q", got)
		}
		_, page := e.do(e.login("lanhdao"), "GET", "/", nil, nil)
		if !strings.Contains(page, `id="month"`) || !strings.Contains(page, "Đang giải quyết 1 hồ sơ: 0 trong hạn, 1 quá hạn") || !strings.Contains(page, "100,0%") {
			t.Errorf("leader's month: %s", page)
		}
	})
}

// In English, procedures and holidays are named in English, and a count of one is singular.
func TestEnglishNamesAndPlurals(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.login("canbo")
	e.postForm(c, "/lang", url.Values{"lang": {"en"}, "next": {"/"}}, nil)
	_, d := e.api(auth.Officer, "POST", "/api/v1/dossiers", `{"procedure": "GH", "applicant": "Lê Thị Hoa"}`)
	if _, page := e.do(c, "GET", "/dossiers/"+d["code"].(string), nil, nil); !strings.Contains(page, "Guardianship registration") || strings.Contains(page, "Đăng ký giám hộ") {
		t.Error("the dossier page does not name its procedure in English")
	}
	if _, page := e.do(c, "GET", "/calendar/2026", nil, nil); !strings.Contains(page, "National Day") || !strings.Contains(page, "Lunar New Year (day 1)") || strings.Contains(page, "Quốc khánh") {
		t.Error("the calendar does not name the holidays in English")
	}
	e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
	if _, page := e.do(c, "GET", "/records?q=nguyen+thi+dao", nil, nil); !strings.Contains(page, ">1 result<") {
		t.Error("one entry found is not \"1 result\"")
	}
}

// The audit log filters by office and period as well, and exports what it shows (the export is
// itself recorded).
func TestAuditFiltersAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.login("canbo")
		e.login("lanhdao")
		c := e.login("kiemtoan")
		today := time.Now().In(time.FixedZone("ICT", 7*3600))
		csvOf := func(query string) [][]string {
			t.Helper()
			resp, body := e.do(c, "GET", "/export/audit?format=csv&"+query, nil, nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeff") {
				t.Fatalf("export (%d): %.200s", resp.StatusCode, body)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows[1:]
		}
		rows := csvOf("action=login&office=21025&from=" + today.Format("02/01/2006") + "&to=" + today.Format("02/01/2006"))
		if len(rows) == 0 {
			t.Fatal("no login of 21025 today")
		}
		for _, row := range rows {
			if row[2] != "canbo" || row[3] != "21025" || !strings.HasPrefix(row[4], "login") {
				t.Errorf("row outside the filters: %q", row)
			}
		}
		if rows := csvOf("action=login&from=" + today.AddDate(0, 0, 1).Format("02/01/2006")); len(rows) != 0 {
			t.Errorf("logins from tomorrow: %q", rows)
		}
		if resp, _ := e.do(c, "GET", "/export/audit?format=csv&from=31/02/2026", nil, nil); resp.StatusCode != 400 {
			t.Errorf("a day that does not exist: %d", resp.StatusCode)
		}
		if es, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "audit.export"}); len(es) != 2 {
			t.Errorf("%d exports recorded, want 2", len(es))
		}
		if resp, _ := e.do(e.login("canbo"), "GET", "/export/audit?format=csv", nil, nil); resp.StatusCode != 403 {
			t.Errorf("an officer exports the log: %d", resp.StatusCode)
		}
		// Oldest first: the chain from its first entry, the next page after the last one shown.
		if rows := csvOf("order=oldest"); len(rows) < 3 || rows[0][0] != "1" || rows[1][0] != "2" {
			t.Errorf("the export oldest first starts %q", rows[:min(len(rows), 2)])
		}
		seqs := func(path string) (first, last, next string) {
			t.Helper()
			_, page := e.do(c, "GET", path, nil, nil)
			cells := regexp.MustCompile(`<tr><td>(\d+)</td>`).FindAllStringSubmatch(page, -1)
			if len(cells) == 0 {
				t.Fatalf("%s lists nothing", path)
			}
			if m := regexp.MustCompile(`<a href="([^"]+)" id="audit-older">`).FindStringSubmatch(page); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			return cells[0][1], cells[len(cells)-1][1], next
		}
		first, last, next := seqs("/audit?order=oldest&limit=2")
		if first != "1" || last != "2" || !strings.Contains(next, "after=2") {
			t.Errorf("oldest first: %s…%s, next %q", first, last, next)
		}
		if first, _, _ := seqs(next); first != "3" {
			t.Errorf("the next page oldest first starts at %s", first)
		}
		if first, _, next := seqs("/audit?limit=2"); first == "1" || !strings.Contains(next, "before=") {
			t.Errorf("newest first starts at %s, next %q", first, next)
		}
		if _, _, next := seqs("/audit?order=oldest&limit=500"); next != "" {
			t.Errorf("the last page oldest first links to %q", next)
		}
	})
}

// overdueDossier opens a guardianship request received twenty days ago at the officer's
// commune: overdue today.
func (e *env) overdueDossier() {
	e.t.Helper()
	past := time.Now().AddDate(0, 0, -20).UTC().Format(time.RFC3339)
	if got, d := e.api(auth.Officer, "POST", "/api/v1/dossiers", `{"procedure": "GH", "applicant": "Lê Thị Hoa", "received_at": "`+past+`", "backdate_reason": "nhập muộn"}`); got != 201 {
		e.t.Fatalf("dossier: %d %v", got, d)
	}
}
