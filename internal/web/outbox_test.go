package web_test

import (
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/outbox"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A registered birth puts its request in the outbox; officers see their office's, other
// commune users do not see it, administrators see the link, and only dead letters can be resent.
func TestOutboxAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		recID := body["id"].(string)
		got, body := e.api(auth.Officer, "GET", "/api/v1/outbox?status=pending", "")
		items := body["items"].([]any)
		if got != 200 || len(items) != 1 {
			t.Fatalf("outbox: %d %v", got, body)
		}
		m := items[0].(map[string]any)
		if m["agency"] != "population" || m["op"] != "birth" || m["record_id"] != recID || m["attempts"] != 0.0 {
			t.Fatalf("message: %v", m)
		}
		if _, body := e.api(auth.Admin, "GET", "/api/v1/outbox", ""); body["total"] != 1.0 {
			t.Fatalf("admin sees %v", body["total"])
		}
		// Administrators run the outbox without reading records: no agency's answer reaches them.
		if err := st.ExecForTest(ctx, `UPDATE outbox SET response = '{"personal_id":"051226000123"}', last_error = 'entry has 051226000123'`); err != nil {
			t.Fatal(err)
		}
		_, body = e.api(auth.Admin, "GET", "/api/v1/outbox", "")
		if am := body["items"].([]any)[0].(map[string]any); am["response"] != nil || strings.Contains(fmt.Sprint(am), "051226000123") {
			t.Fatalf("the admin sees personal data: %v", am)
		}
		_, body = e.api(auth.Officer, "GET", "/api/v1/outbox", "")
		if om := body["items"].([]any)[0].(map[string]any); !strings.Contains(fmt.Sprint(om["response"]), "051226000123") {
			t.Fatalf("the officer does not see the answer: %v", om)
		}
		if got, _ := e.api(auth.Auditor, "GET", "/api/v1/outbox", ""); got != 403 {
			t.Fatalf("auditor: %d", got)
		}
		if got, _ := e.api(auth.Officer, "GET", "/api/v1/outbox?status=lost", ""); got != 400 {
			t.Fatalf("bad status: %d", got)
		}
		if got, body := e.api(auth.Officer, "POST", "/api/v1/outbox/"+m["id"].(string)+"/retry", ""); got != 409 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "từ chối") {
			t.Fatalf("resending a pending message: %d %v", got, body)
		}
		if got, _ := e.api(auth.Leader, "POST", "/api/v1/outbox/"+m["id"].(string)+"/retry", ""); got != 403 {
			t.Fatalf("leader resends: %d", got)
		}
		// The entry page shows the request.
		_, page := e.do(e.login("canbo"), "GET", "/records/"+recID, nil, nil)
		if !strings.Contains(page, "Cấp số định danh cá nhân") || !strings.Contains(page, "Chờ gửi") {
			t.Fatal("entry page lacks its linked request")
		}
	})
}

// Dead letters are resent at once by filter, within the caller's commune; an agency refusing
// our signature shows as paused on the outbox page.
func TestOutboxResendAllAndPaused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for i, office := range []string{"21025", "21025", "21028"} {
			role := auth.Officer
			if office == "21028" {
				role = auth.Specialist
			}
			if got, _ := e.api(role, "POST", "/api/v1/births", birthJSON(office, fmt.Sprintf("Nguyễn Văn %c", 'A'+i), fmt.Sprintf("2026-02-%02d", 1+5*i), fmt.Sprintf("Trần Thị %c", 'A'+i), "")); got != 201 {
				t.Fatalf("birth %d: %d", i, got)
			}
		}
		if err := st.ExecForTest(ctx, `UPDATE outbox SET status = 'dead', last_error = '422 refused'`); err != nil {
			t.Fatal(err)
		}
		got, body := e.api(auth.Officer, "POST", "/api/v1/outbox/retry", `{"agency": "population"}`)
		if got != 200 || body["resent"] != 2.0 || body["failed"] != 0.0 {
			t.Fatalf("resend all: %d %v", got, body)
		}
		if got, _ := e.api(auth.Leader, "POST", "/api/v1/outbox/retry", `{}`); got != 403 {
			t.Fatalf("a leader resends: %d", got)
		}
		if _, body := e.api(auth.Specialist, "GET", "/api/v1/outbox?status=dead", ""); body["total"] != 1.0 {
			t.Fatalf("the other commune's dead letter: %v", body)
		}
		if err := st.ExecForTest(ctx, `UPDATE outbox SET status = 'pending', last_error = 'xác thực: 401 bad_signature: stale'`); err != nil {
			t.Fatal(err)
		}
		if _, page := e.do(e.login("canbo"), "GET", "/outbox", nil, nil); !strings.Contains(page, `id="paused-population"`) || !strings.Contains(page, "đang tạm dừng") {
			t.Fatal("no pause shown on the outbox page")
		}
	})
}

// The outbox list filters by office, agency and period, and exports what it selects; a commune
// user asking for another commune's list is told it does not exist.
func TestOutboxFiltersAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "Lê Văn Tám", "2026-02-03", "Hồ Thị Sen", ""))
		c := e.login("chuyenvien")
		resp, body := e.do(c, "GET", "/export/outbox?format=csv&status=pending&office=21028&agency=population", nil, nil)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if resp.StatusCode != 200 || err != nil || len(rows) != 2 {
			t.Fatalf("export of 21028's requests to the population database (%d, %v): %q", resp.StatusCode, err, rows)
		}
		if !strings.Contains(strings.Join(rows[1], "|"), "CSDL quốc gia về dân cư|Cấp số định danh cá nhân|UBND Phường Nghĩa Lộ") || strings.Contains(body, "Phường Cẩm Thành") {
			t.Errorf("exported: %q", rows[1])
		}
		if _, page := e.do(c, "GET", "/outbox?status=pending&office=21025", nil, nil); strings.Count(page, `href="/records/`) != 1 {
			t.Errorf("21025's pending requests: %d listed", strings.Count(page, `href="/records/`))
		}
		if resp, page := e.do(c, "GET", "/outbox?status=pending&from=01/01/2030", nil, nil); resp.StatusCode != 200 || strings.Contains(page, `href="/records/`) {
			t.Errorf("a period with nothing (%d) lists requests", resp.StatusCode)
		}
		if code, _ := e.api(auth.Officer, "GET", "/api/v1/outbox?office=21028", ""); code != 404 {
			t.Errorf("an officer of 21025 asks for 21028's outbox: %d", code)
		}
	})
}

// The outbox lists page by page, and "failed" selects in the database, not among the first
// page: an office with many requests sees every one refused, however old.
func TestOutboxPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var ms []*outbox.Message
		for i := range 57 {
			ms = append(ms, &outbox.Message{Agency: "population", Op: "birth", RecordID: fmt.Sprintf("r%02d", i), Office: "21025",
				Key: fmt.Sprintf("k%02d", i), Payload: "{}", NextAt: time.Now().Add(time.Hour)})
		}
		if err := e.svc.Outbox.Enqueue(ctx, ms...); err != nil {
			t.Fatal(err)
		}
		// The two oldest were refused once and wait for their next try.
		if err := st.ExecForTest(ctx, `UPDATE outbox SET last_error = 'HTTP 503' WHERE idem_key IN ('k00', 'k01')`); err != nil {
			t.Fatal(err)
		}
		c := e.login("canbo")
		seen := map[string]bool{}
		next, pages := "/outbox?status=pending", 0
		for ; next != ""; pages++ {
			_, body := e.do(c, "GET", strings.ReplaceAll(next, "&amp;", "&"), nil, nil)
			for _, m := range regexp.MustCompile(`href="/records/(r\d\d)"`).FindAllStringSubmatch(body, -1) {
				seen[m[1]] = true
			}
			next = ""
			if m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
				next = m[1]
			}
			if pages > 3 {
				t.Fatal("the pages do not end")
			}
		}
		if len(seen) != 57 || pages != 2 {
			t.Errorf("%d of 57 requests reached through %d pages of 50", len(seen), pages)
		}
		_, body := e.do(c, "GET", "/outbox?status=failed", nil, nil)
		if n := strings.Count(body, `href="/records/r0`); n != 2 || !strings.Contains(body, `/records/r00"`) || !strings.Contains(body, `/records/r01"`) {
			t.Errorf("the refused requests listed: %d", n)
		}
		firstListed := func(path string) string {
			t.Helper()
			_, body := e.do(c, "GET", path, nil, nil)
			m := regexp.MustCompile(`href="/records/(r\d\d)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s lists nothing", path)
			}
			return m[1]
		}
		if a, b := firstListed("/outbox?status=pending"), firstListed("/outbox?status=pending&order=oldest"); a != "r56" || b != "r00" {
			t.Errorf("newest first starts with %s, oldest first with %s", a, b)
		}
		if resp, _ := e.do(c, "GET", "/outbox?order=sideways", nil, nil); resp.StatusCode != 400 {
			t.Errorf("an unknown order: %d", resp.StatusCode)
		}
		_, api := e.api(auth.Officer, "GET", "/api/v1/outbox?status=pending&page=1", "")
		if items := api["items"].([]any); len(items) != 57 || api["more"] != false {
			t.Errorf("the API's first page: %d items, more %v", len(items), api["more"])
		}
	})
}
