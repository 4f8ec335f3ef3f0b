package web_test

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/auth"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func TestCalendarAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api("", "GET", "/api/v1/calendar/lunar?date=2027-02-06", "")
		if l := body["lunar"].(map[string]any); l["day"] != 1.0 || l["month"] != 1.0 || l["year"] != 2027.0 || l["leap"] != false {
			t.Fatalf("lunar: %v", body)
		}
		_, body = e.api("", "GET", "/api/v1/calendar/due?received=2026-03-13T16:00:00%2B07:00&procedure=KS", "")
		if body["due"] != "2026-03-16T17:00:00+07:00" {
			t.Fatalf("due: %v", body)
		}
		got, body := e.api("", "GET", "/api/v1/calendar/due?received=13/03/2026&procedure=XX", "")
		fields := body["error"].(map[string]any)["fields"].(map[string]any)
		if got != 400 || fields["received"] == nil || fields["procedure"] == nil {
			t.Fatalf("bad due query: %d %v", got, body)
		}
		_, body = e.api("", "GET", "/api/v1/calendar/holidays?year=2026", "")
		if body["official"] != false || len(body["days"].([]any)) != 12 {
			t.Fatalf("holidays: %v", body)
		}
		if got, _ := e.api("", "GET", "/api/v1/calendar/lunar?date=tomorrow", ""); got != 400 {
			t.Fatalf("bad date: %d", got)
		}
	})
}

func TestDossierAPIFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		got, body := e.api(auth.Officer, "POST", "/api/v1/dossiers", `{"procedure": "TDCC", "applicant": "Nguyễn Thị Đào", "phone": "0905123456"}`)
		if got != 201 || body["status"] != "received" || body["office"] != "21025" {
			t.Fatalf("open: %d %v", got, body)
		}
		code := body["code"].(string)
		for _, tt := range []struct {
			role auth.Role
			want int
		}{{auth.Officer, 200}, {auth.Specialist, 200}, {auth.Leader, 200}, {auth.Signer, 200}, {auth.Admin, 403}, {auth.Auditor, 403}} {
			if got, _ := e.api(tt.role, "GET", "/api/v1/dossiers/"+code, ""); got != tt.want {
				t.Errorf("%s reads the dossier: %d", tt.role, got)
			}
		}
		if got, _ := e.api(auth.Leader, "POST", "/api/v1/dossiers/"+code+"/status", `{"status": "in_progress"}`); got != 403 {
			t.Fatalf("leader moves it: %d", got)
		}
		if got, body := e.api(auth.Officer, "POST", "/api/v1/dossiers/"+code+"/status", `{"status": "returned"}`); got != 409 {
			t.Fatalf("received → returned: %d %v", got, body)
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/dossiers/"+code+"/status", `{"status": "refused"}`); got != 400 {
			t.Fatalf("refused without a reason: %d", got)
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/dossiers/"+code+"/extension", `{"days": 9, "reason": "x"}`); got != 400 {
			t.Fatalf("extension beyond the law: %d", got)
		}
		if got, body := e.api(auth.Officer, "POST", "/api/v1/dossiers/"+code+"/status", `{"status": "settled"}`); got != 200 || body["on_time"] != true {
			t.Fatalf("settle: %d %v", got, body)
		}
		// Citizens follow it by code without logging in, typed loosely.
		loose := strings.ToLower(strings.ReplaceAll(code, "-", ""))
		if got, body := e.api("", "GET", "/api/v1/track/"+loose, ""); got != 200 || body["status"] != "settled" || body["applicant"] != nil {
			t.Fatalf("track: %d %v", got, body)
		}
		if got, _ := e.api("", "GET", "/api/v1/track/AAAA-AAAA-A", ""); got != 400 {
			t.Fatalf("track with a bad code: %d", got)
		}
		resp, pdf := e.do(nil, "GET", "/api/v1/dossiers/"+code+"/receipt.pdf", nil, map[string]string{"Authorization": "Bearer " + e.tokens[auth.Officer]})
		if resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
			t.Fatalf("receipt: %d", resp.StatusCode)
		}
		_, body = e.api(auth.Leader, "GET", "/api/v1/reports/on-time", "")
		total := body["total"].(map[string]any)
		if total["settled"] != 1.0 || total["rate"] != 1.0 {
			t.Fatalf("report: %v", body)
		}
		if got, _ := e.api(auth.Leader, "GET", "/api/v1/reports/on-time?from=2026-03-10&to=2026-03-01", ""); got != 400 {
			t.Fatalf("backwards period: %d", got)
		}
	})
}

func TestDossierPagesAndCalendarEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("canbo")
		resp, page := e.postForm(c, "/dossiers", url.Values{"procedure": {"GH"}, "applicant": {""}}, nil)
		if resp.StatusCode != 400 || !strings.Contains(page, "Bắt buộc nhập") {
			t.Fatalf("empty applicant: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(c, "/dossiers", url.Values{"procedure": {"GH"}, "applicant": {"Lê Văn Tâm"}, "channel": {"desk"}}, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("receive: %d", resp.StatusCode)
		}
		resp, page = e.do(c, "GET", resp.Header.Get("Location"), nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Đã tiếp nhận hồ sơ") || !strings.Contains(page, "Đăng ký giám hộ") {
			t.Fatalf("dossier page: %d", resp.StatusCode)
		}
		_, page = e.do(c, "GET", "/dossiers", nil, nil)
		if !strings.Contains(page, "Lê Văn Tâm") {
			t.Fatal("list lacks the dossier")
		}
		if resp, page := e.do(nil, "GET", "/track", nil, nil); resp.StatusCode != 200 || !strings.Contains(page, "Tra cứu hồ sơ") {
			t.Fatalf("public track page: %d", resp.StatusCode)
		}
		// Calendar: everyone reads it, only an administrator edits it.
		if resp, page := e.do(c, "GET", "/calendar/2026", nil, nil); resp.StatusCode != 200 || !strings.Contains(page, "17/02/2026") || strings.Contains(page, "calendar-save") {
			t.Fatalf("calendar for an officer: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(c, "/calendar/2026", url.Values{"days": {"2026-03-13 holiday Thử"}}, nil); resp.StatusCode != 403 {
			t.Fatalf("officer edits the calendar: %d", resp.StatusCode)
		}
		key := "JBSWY3DPEHPK3PXP"
		setTOTP(t, st, "quantri", key)
		a := e.loginTOTP("quantri", key)
		resp, page = e.postForm(a, "/calendar/2026", url.Values{"days": {"2026-01-01 holiday Tết\n2026-13-01 holiday Sai"}, "action": {"official"}}, nil)
		if resp.StatusCode != 400 || !strings.Contains(page, "Dòng 2") {
			t.Fatalf("bad line: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(a, "/calendar/2026", url.Values{"days": {"2026-01-01 holiday Tết Dương lịch\n2026-03-13 holiday Nghỉ thử\n2026-03-14 workday Làm bù"}, "action": {"official"}}, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		_, body := e.api("", "GET", "/api/v1/calendar/holidays?year=2026", "")
		if body["official"] != true || len(body["days"].([]any)) != 3 {
			t.Fatalf("official schedule: %v", body)
		}
		_, body = e.api("", "GET", "/api/v1/calendar/due?received=2026-03-12T16:00:00%2B07:00&procedure=KS", "")
		if body["due"] != "2026-03-14T17:00:00+07:00" { // Friday off, Saturday worked
			t.Fatalf("due with the official schedule: %v", body)
		}
	})
}

// The on-time report does not hide the backlog: beside the rate of the settled dossiers it
// shows those in hand, within their time or overdue, draws them, and exports them to XLSX.
func TestOnTimeReportShowsTheBacklog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		open := func(body string) string {
			got, d := e.api(auth.Officer, "POST", "/api/v1/dossiers", body)
			if got != 201 {
				t.Fatalf("open %s: %d %v", body, got, d)
			}
			return d["code"].(string)
		}
		settled := open(`{"procedure": "GH", "applicant": "Trần Văn Bình"}`)
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/dossiers/"+settled+"/status", `{"status": "settled"}`); got != 200 {
			t.Fatalf("settle: %d", got)
		}
		// Received a month ago (entered late, with the reason): long overdue.
		past := time.Now().AddDate(0, -1, 0).UTC().Format(time.RFC3339)
		open(`{"procedure": "GH", "applicant": "Lê Thị Hoa", "received_at": "` + past + `", "backdate_reason": "nhận qua bưu điện, nhập muộn"}`)
		open(`{"procedure": "GH", "applicant": "Phan Văn Hải"}`) // received now: within its time

		_, body := e.api(auth.Leader, "GET", "/api/v1/reports/on-time", "")
		total := body["total"].(map[string]any)
		if total["rate"] != 1.0 || total["open"] != 2.0 || total["overdue"] != 1.0 {
			t.Fatalf("report: %v", total)
		}
		leader := e.login("lanhdao")
		_, page := e.do(leader, "GET", "/reports/on-time", nil, nil)
		for _, want := range []string{"100,0%", "Đang giải quyết 2 hồ sơ: 1 trong hạn, 1 quá hạn; 0 hồ sơ chờ bổ sung", `<svg class="bar"`,
			`aria-label="Toàn bộ: Đã giải quyết đúng hạn 1, Đã giải quyết trễ hạn 0, Đang giải quyết trong hạn 1, Quá hạn 1, Chờ bổ sung 0"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the report page lacks %q", want)
			}
		}
		resp, xlsx := e.do(leader, "GET", "/reports/on-time.xlsx", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Theo đơn vị")
		if err != nil || len(rows) < 6 {
			t.Fatalf("sheet by office: %v %v", rows, err)
		}
		if got := strings.Join(rows[3], "|"); got != "Cơ quan|Đã giải quyết|Đã giải quyết đúng hạn|Đã giải quyết trễ hạn|Tỷ lệ|Đang giải quyết trong hạn|Quá hạn|Chờ bổ sung" {
			t.Errorf("headings: %s", got)
		}
		last := rows[len(rows)-1]
		if strings.Join(last, "|") != "Toàn bộ|1|1|0|100.00%|1|1|0" {
			t.Errorf("total row: %q", last)
		}
		if v, _ := f.GetCellValue("Theo đơn vị", "E5", excelize.Options{RawCellValue: true}); v != "1" {
			t.Errorf("the rate is stored as %q, want the number 1 shown as a percentage", v)
		}
	})
}

// The dossiers page finds a dossier by applicant or phone, filters by procedure and status,
// orders as asked, and its export holds what the filters select.
func TestDossierListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, body := range []string{`{"procedure": "TDCC", "applicant": "Nguyễn Thị Đào", "phone": "0905 123 456"}`,
			`{"procedure": "GH", "applicant": "Nguyễn Văn Đạo"}`, `{"procedure": "GH", "applicant": "Trần Văn Bình", "phone": "0914555666"}`} {
			if code, d := e.api(auth.Officer, "POST", "/api/v1/dossiers", body); code != 201 {
				t.Fatalf("open: %d %v", code, d)
			}
		}
		c := e.login("canbo")
		listed := func(path string) []string {
			t.Helper()
			resp, page := e.do(c, "GET", path, nil, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			var names []string
			for _, m := range regexp.MustCompile(`</a></td><td>[^<]*</td><td>([^<]+)</td>`).FindAllStringSubmatch(page, -1) {
				names = append(names, m[1])
			}
			return names
		}
		for path, want := range map[string]string{
			"/dossiers?who=nguyen+thi":                    "[Nguyễn Thị Đào]",
			"/dossiers?who=0905.123.456":                  "[Nguyễn Thị Đào]",
			"/dossiers?procedure=GH&order=oldest":         "[Nguyễn Văn Đạo Trần Văn Bình]",
			"/dossiers?procedure=GH&order=newest":         "[Trần Văn Bình Nguyễn Văn Đạo]",
			"/dossiers?list=closed":                       "[]",
			"/dossiers?list=all&who=tran&from=01/01/2020": "[Trần Văn Bình]",
		} {
			if got := fmt.Sprint(listed(path)); got != want {
				t.Errorf("%s lists %s, want %s", path, got, want)
			}
		}
		for _, path := range []string{"/dossiers?order=sideways", "/dossiers?list=lost", "/dossiers?procedure=XYZ", "/dossiers?from=31/02/2026"} {
			if resp, _ := e.do(c, "GET", path, nil, nil); resp.StatusCode != 400 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		_, page := e.do(c, "GET", "/dossiers?procedure=GH&order=newest", nil, nil)
		if !strings.Contains(page, `href="/export/dossiers?format=csv&amp;order=newest&amp;procedure=GH"`) || !strings.Contains(page, `<option value="newest" selected>`) {
			t.Errorf("the page's export link or order choice does not keep its filters")
		}
		_, body := e.do(c, "GET", "/export/dossiers?format=csv&procedure=GH&order=newest", nil, nil)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 3 || rows[1][2] != "Trần Văn Bình" || rows[1][3] != "0914555666" {
			t.Errorf("the export: %q %v", rows, err)
		}
		if _, api := e.api(auth.Officer, "GET", "/api/v1/dossiers?who=nguyen", ""); api["total"] != 2.0 || api["more"] != false {
			t.Errorf("the API: %v", api)
		}
	})
}
