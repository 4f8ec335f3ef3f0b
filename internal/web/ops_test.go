package web_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"tuphap/internal/app"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
	"tuphap/internal/web"
)

// The OpenAPI document lists exactly the API routes that are registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	resp, body := e.do(nil, "GET", "/api/v1/openapi.json", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v", err)
	}
	registered := map[string]bool{}
	for _, p := range e.web.Routes() {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		key := strings.ToLower(method) + " " + path
		registered[key] = true
		if doc.Paths[path][strings.ToLower(method)] == nil {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not registered", method, path)
			}
		}
	}
	if len(registered) < 7 {
		t.Fatalf("only %d API routes found", len(registered))
	}
}

func TestOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if resp, body := e.do(nil, "GET", "/healthz", nil, nil); resp.StatusCode != 200 || body != "ok\n" {
			t.Fatalf("healthz: %d %q", resp.StatusCode, body)
		}
		if resp, body := e.do(nil, "GET", "/readyz", nil, nil); resp.StatusCode != 200 || body != "ready\n" {
			t.Fatalf("readyz: %d %q", resp.StatusCode, body)
		}
		e.api(auth.Officer, "GET", "/api/v1/me", "")
		e.api("", "GET", "/api/v1/me", "")
		_, body := e.do(nil, "GET", "/metrics", nil, nil)
		for _, want := range []string{
			`tuphap_http_requests_total{method="GET",route="GET /api/v1/me",code="200"} 1`,
			`tuphap_http_requests_total{method="GET",route="GET /api/v1/me",code="401"} 1`,
			`tuphap_http_request_duration_seconds_count{route="GET /api/v1/me"} 2`,
			"# TYPE tuphap_store_errors_total counter",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// A broken store makes readyz fail.
		st.Close()
		if resp, _ := e.do(nil, "GET", "/readyz", nil, nil); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("readyz on a closed store: %d", resp.StatusCode)
		}
	})
}

var assetRE = regexp.MustCompile(`/static/app\.[0-9a-f]{8}\.css`)

func TestStaticAssetsAreHashed(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	_, page := e.do(nil, "GET", "/login", nil, nil)
	url := assetRE.FindString(page)
	if url == "" {
		t.Fatal("no hashed stylesheet URL on the login page")
	}
	resp, body := e.do(nil, "GET", url, nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(body, "--accent") {
		t.Fatalf("asset: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := e.do(nil, "GET", "/static/app.00000000.css", nil, nil); resp.StatusCode != 404 {
		t.Fatalf("stale asset URL: %d", resp.StatusCode)
	}
	if !strings.Contains(page, "htmx-2.0.8.min.") {
		t.Fatal("htmx is not served from our own files")
	}
	// Small pages for slow links: the login page with its assets stays well under 100 KB.
	if len(page) > 8<<10 {
		t.Fatalf("login page is %d bytes", len(page))
	}
	// Static files go compressed to the browsers that take it, and plain to the others.
	js := regexp.MustCompile(`/static/vendor/htmx-2\.0\.8\.min\.[0-9a-f]{8}\.js`).FindString(page)
	plain, _ := e.do(nil, "GET", js, nil, map[string]string{"Accept-Encoding": "identity"})
	zipped, gz := e.do(nil, "GET", js, nil, map[string]string{"Accept-Encoding": "br;q=1.0, gzip;q=0.8"})
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		t.Fatalf("the gzipped asset (%s): %v", zipped.Header.Get("Content-Encoding"), err)
	}
	unzipped, _ := io.ReadAll(zr)
	if plain.Header.Get("Content-Encoding") != "" || zipped.Header.Get("Content-Encoding") != "gzip" || len(gz)*2 > int(plain.ContentLength) ||
		!strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") || string(unzipped) != func() string { _, b := e.do(nil, "GET", js, nil, nil); return b }() {
		t.Errorf("htmx: %d bytes plain, %d gzipped (%q)", plain.ContentLength, len(gz), zipped.Header.Get("Content-Encoding"))
	}
}

// The places a form suggests come in a cached static file per language: today's communes, and
// those of before the reform, marked so.
func TestPlacesFile(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.login("canbo")
	for _, lang := range []string{"vi", "en"} {
		e.postForm(c, "/lang", url.Values{"lang": {lang}, "next": {"/"}}, nil)
		_, form := e.do(c, "GET", "/records/new/birth", nil, nil)
		src := regexp.MustCompile(`<datalist id="places" hx-get="(/static/places-` + lang + `\.[0-9a-f]{8}\.html)"`).FindStringSubmatch(form)
		if src == nil {
			t.Fatalf("%s: the form does not load its places", lang)
		}
		resp, places := e.do(nil, "GET", src[1], nil, nil)
		label := map[string]string{"vi": "Trước ngày 01/7/2025", "en": "Before 1 July 2025"}[lang]
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || strings.Count(places, "<option") != 96+272 ||
			!strings.Contains(places, `<option value="Phường Cẩm Thành, tỉnh Quảng Ngãi">`) ||
			!strings.Contains(places, `<option value="Phường Quang Trung, Thành phố Kon Tum, tỉnh Kon Tum" label="`+label+`">`) {
			t.Errorf("%s places (%d, %s): %.300s", lang, resp.StatusCode, resp.Header.Get("Content-Type"), places)
		}
	}
}

func TestMethodNotAllowedAndNotFoundPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	if resp, body := e.do(nil, "DELETE", "/api/v1/users", nil, map[string]string{"Authorization": "Bearer " + e.tokens[auth.Admin]}); resp.StatusCode != 405 || !strings.Contains(body, `"method_not_allowed"`) {
		t.Fatalf("DELETE users: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.do(nil, "GET", "/no/such/page", nil, nil); resp.StatusCode != 404 || !strings.Contains(body, "Không tìm thấy") {
		t.Fatalf("unknown page: %d", resp.StatusCode)
	}
}

// The public lookups are limited per address: a burst, then one every two seconds (2,108
// guesses a second were answered before); another address is not held back. Behind a trusted
// proxy the address is the last the proxy appended.
func TestPublicLookupsLimitedPerAddress(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	status := func(ip string) int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/verify/NOSUCHCODEAAAAAAAAAA", nil)
		req.Header.Set("X-Forwarded-For", ip) // not trusted: this server takes the connection's address
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	codes := map[int]int{}
	for i := range 40 {
		codes[status(fmt.Sprintf("10.0.0.%d", i))]++ // a forged header changes nothing
	}
	if codes[404] < 15 || codes[404] > 25 || codes[429] < 15 {
		t.Fatalf("answers to 40 lookups from one address: %v", codes)
	}
	// Another server trusts its proxy: addresses differ, none is held back.
	srv := httptest.NewUnstartedServer(nil)
	svc, err := app.New(ctx, e.store, units.MustLoad(), app.Options{MasterKey: testMasterKey, PublicURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := web.New(web.Config{MaxBody: 64 << 10, TrustProxy: true}, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = ws
	srv.Start()
	defer srv.Close()
	for i := range 40 {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/track/AAAA-BBBB-C", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.7, 10.1.1."+fmt.Sprint(i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			t.Fatalf("lookup %d from its own address held back", i)
		}
	}
}

// Callers are counted by IPv4 address or IPv6 /64, and the table of callers stays bounded.
func TestLookupLimiterKeysAndBound(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := web.NewLimiterForTest(func() time.Time { return now })
	for i := range 20 {
		if !l.Allow(fmt.Sprintf("2001:db8::%x", i+1)) {
			t.Fatalf("try %d from one /64 refused", i)
		}
	}
	if l.Allow("2001:db8::ffff") {
		t.Fatal("a 21st try from the same /64, other address, allowed")
	}
	if !l.Allow("2001:db8:0:1::1") {
		t.Fatal("another /64 held back")
	}
	for i := range 60000 {
		l.Allow(fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255))
	}
	if n := l.Size(); n > 50001 {
		t.Fatalf("%d callers kept", n)
	}
}

// Each register book's column widths have their class in the style sheet (the page's CSP bars
// style attributes).
func TestBookWidthsHaveStyles(t *testing.T) {
	css, err := os.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range civil.Kinds {
		l, ok := document.Book(k)
		if !ok {
			t.Errorf("no register book layout for %s", k)
			continue
		}
		for _, w := range l.Widths {
			if !strings.Contains(string(css), fmt.Sprintf("col.w%d {", w)) {
				t.Errorf("%s: no style for a column of %d%%", k, w)
			}
		}
	}
}

// A body cut short (the client's connection half-closed mid-request) is the request's fault: 400
// with a message, not the 503 of a database out of reach.
func TestCutBodyIsBadRequest(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/births HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"office\": \"21", e.tokens[auth.Officer])
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "không trọn vẹn") {
		t.Errorf("a cut body: %d %s", resp.StatusCode, body)
	}
}
