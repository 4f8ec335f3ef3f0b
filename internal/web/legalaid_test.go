package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tuphap/internal/auth"
	"tuphap/internal/pdftest"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A legal-aid request from the desk to its closure, on the pages: missing papers refused in
// Vietnamese with what was typed kept; accepted, assigned, closed. The case file stays with the
// centre's staff: others find neither the pages nor the request's dossier.
func TestLegalAidFromRequestToClosure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("tgpl")
		form := url.Values{"applicant.full_name": {"Đinh Thị Hoa"}, "applicant.date_of_birth": {"05/05/1950"}, "applicant.sex": {"female"},
			"field": {"land"}, "form": {"representation"}, "channel": {"in_person"}, "matter": {"Tranh chấp ranh giới thửa đất"},
			"other_party.full_name": {"Phạm Thị Lan"}, "category": {"elderly"}, "evidence": {"identity_paper"}, "applicant.commune": {"99999"}}
		if _, page := e.do(c, "GET", "/legal-aid/new", nil, nil); !strings.Contains(page, `<option value="21025">`) {
			t.Fatal("the form offers no commune of the province")
		}
		resp, page := e.postForm(c, "/legal-aid", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "khó khăn về tài chính") || !strings.Contains(page, `value="Đinh Thị Hoa"`) ||
			!strings.Contains(page, "nơi người yêu cầu cư trú") {
			t.Fatalf("an elderly woman without proof of difficulty, from a commune not of the province: %d", resp.StatusCode)
		}
		form["evidence"] = []string{"identity_paper", "near_poor_certificate"}
		form["applicant.commune"] = []string{"21025"}
		resp, _ = e.postForm(c, "/legal-aid", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d", resp.StatusCode)
		}
		caseURL := resp.Header.Get("Location")
		for _, step := range []struct {
			path string
			form url.Values
		}{{"/decide", url.Values{"decision": {"accepted"}}}, {"/assign", url.Values{"kind": {"officer"}, "name": {"Lê Thị Bình"}}},
			{"/close", url.Values{"outcome": {"favourable"}}}} {
			if resp, page := e.postForm(c, caseURL+step.path, step.form, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.path, resp.StatusCode, page)
			}
		}
		_, page = e.do(c, "GET", caseURL, nil, nil)
		for _, want := range []string{"Đã kết thúc", "Lê Thị Bình", "Quyền lợi được bảo vệ", "Người cao tuổi"} {
			if !strings.Contains(page, want) {
				t.Errorf("the closed case's page lacks %q", want)
			}
		}
		code := page[strings.Index(page, `id="case-code">`)+len(`id="case-code">`):]
		code = code[:strings.Index(code, "<")]
		// The centre's staff follow the case's dossier without reading the registers.
		if got, _ := e.api(auth.LegalAid, "GET", "/api/v1/dossiers/"+code, ""); got != http.StatusOK {
			t.Errorf("the centre reads its case's dossier: %d", got)
		}
		if resp, page := e.do(c, "GET", "/dossiers/"+code, nil, nil); resp.StatusCode != http.StatusOK || !strings.Contains(page, code) {
			t.Errorf("the centre opens its case's dossier page: %d", resp.StatusCode)
		}
		for _, role := range []auth.Role{auth.Specialist, auth.Leader, auth.Judicial} {
			if got, _ := e.api(role, "GET", "/api/v1/legal-aid/requests/"+strings.TrimPrefix(caseURL, "/legal-aid/"), ""); got != http.StatusForbidden {
				t.Errorf("%s reads the case: %d", role, got)
			}
			if got, _ := e.api(role, "GET", "/api/v1/dossiers/"+code, ""); got != http.StatusNotFound {
				t.Errorf("%s reads the case's dossier: %d", role, got)
			}
		}
		if got, body := e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests", `{"applicant": {"full_name": "Lê Văn Tý", "date_of_birth": "1990-01-01", "sex": "male"},
			"field": "business", "form": "advice", "channel": "phone", "matter": "Hợp đồng mua bán hàng hóa", "category": "poor", "evidence": ["poor_certificate"]}`); got != http.StatusBadRequest ||
			!strings.Contains(fmt.Sprint(body), "kinh doanh, thương mại") {
			t.Fatalf("a business matter through the API: %d %v", got, body)
		}
	})
}

// A case's step with a deadline reminds the centre's staff on their home page; the report
// counts the period, for the staff and the leaders.
func TestLegalAidDeadlinesAndReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, c := e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests", `{"applicant": {"full_name": "Đinh Thị Hoa", "date_of_birth": "1980-05-05", "sex": "female",
			"commune": "21025"}, "field": "land", "form": "advice", "channel": "in_person", "matter": "Tranh chấp ranh giới", "category": "poor", "evidence": ["poor_certificate"]}`)
		id := c["id"].(string)
		e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/decision", `{"decision": "accepted"}`)
		today := e.svc.Store.Now().Format("2006-01-02")
		if code, ev := e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/events", `{"kind": "document", "day": "`+today+`", "working_days": 1,
			"note": "Nộp đơn khởi kiện"}`); code != http.StatusCreated || ev["deadline"] == "" {
			t.Fatalf("a step with a deadline: %d %v", code, ev)
		}
		_, page := e.do(e.login("tgpl"), "GET", "/", nil, nil)
		if !strings.Contains(page, "Hạn trợ giúp pháp lý sắp đến hoặc đã qua") || !strings.Contains(page, `<span class="count">1</span>`) {
			t.Fatal("the home page does not remind the deadline")
		}
		for _, role := range []auth.Role{auth.LegalAid, auth.Leader} {
			if code, rep := e.api(role, "GET", "/api/v1/legal-aid/report", ""); code != http.StatusOK || rep["requests"] != 1.0 || rep["plan"] != 400.0 {
				t.Errorf("%s's report: %d %v", role, code, rep)
			}
		}
		if code, _ := e.api(auth.Officer, "GET", "/api/v1/legal-aid/report", ""); code != http.StatusForbidden {
			t.Errorf("a commune officer's report: %d", code)
		}
		// The leaders' home shows the year against the plan and the requests by field, drawn.
		leader := e.login("lanhdao")
		_, home := e.do(leader, "GET", "/", nil, nil)
		if !strings.Contains(home, `id="legal-aid-year"`) || !strings.Contains(home, "1/400 vụ việc theo kế hoạch năm") ||
			!strings.Contains(home, `aria-label="Đất đai: 1"`) {
			t.Error("the leader's home lacks the year's legal aid")
		}
		if _, home := e.do(e.login("canbo"), "GET", "/", nil, nil); strings.Contains(home, `id="legal-aid-year"`) {
			t.Error("a commune officer's home shows the centre's year")
		}
		_, page = e.do(leader, "GET", "/legal-aid/report", nil, nil)
		for _, want := range []string{`id="by-commune"`, "<td>Phường Cẩm Thành</td><td>1</td>", `id="by-assignee"`, "Yêu cầu theo lĩnh vực: 1"} {
			if !strings.Contains(page, want) {
				t.Errorf("the report page lacks %q", want)
			}
		}
		resp, xlsx := e.do(leader, "GET", "/legal-aid/report.xlsx", nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the workbook: %d", resp.StatusCode)
		}
		found, commune := false, false
		for _, row := range pdftest.Calc(t, "tgpl.xlsx", []byte(xlsx)) {
			found = found || len(row) > 1 && row[0] == "Yêu cầu đã tiếp nhận" && row[1] == "1"
			commune = commune || len(row) > 1 && strings.TrimSpace(row[0]) == "Phường Cẩm Thành" && row[1] == "1"
		}
		if !found || !commune {
			t.Errorf("the workbook as LibreOffice shows it lacks the requests received (%v) or by commune (%v)", found, commune)
		}
	})
}

// Outreach sessions are recorded from their page, bad input shown beside its field, and listed.
func TestLegalAidOutreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("tgpl")
		form := url.Values{"day": {"20/11/2026"}, "commune": {""}, "place": {"Nhà văn hóa thôn 3"}, "topic": {"Luật Đất đai 2024"}, "attendees": {"-4"}, "questions": {"12"}}
		resp, page := e.postForm(c, "/legal-aid/outreach", form, nil)
		// Both problems at once: the count the handler reads, the commune the service checks.
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Số người, số câu hỏi phải là số không âm") || !strings.Contains(page, `value="Nhà văn hóa thôn 3"`) ||
			!strings.Contains(page, "Chọn xã, phường nơi tổ chức") {
			t.Fatalf("negative attendees, no commune: %d", resp.StatusCode)
		}
		form["attendees"] = []string{"60"}
		if resp, page = e.postForm(c, "/legal-aid/outreach", form, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Chọn xã, phường nơi tổ chức") {
			t.Fatalf("no commune: %d", resp.StatusCode)
		}
		form["commune"] = []string{"21025"}
		if resp, _ = e.postForm(c, "/legal-aid/outreach", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a session: %d", resp.StatusCode)
		}
		_, page = e.do(c, "GET", "/legal-aid/outreach", nil, nil)
		if !strings.Contains(page, "<td>20/11/2026</td><td>Phường Cẩm Thành</td><td>Nhà văn hóa thôn 3</td>") {
			t.Error("the session is not listed")
		}
		if code, body := e.api(auth.LegalAid, "GET", "/api/v1/legal-aid/outreach", ""); code != http.StatusOK || !strings.Contains(fmt.Sprint(body), "Luật Đất đai 2024") {
			t.Errorf("the sessions through the API: %d %v", code, body)
		}
		if code, _ := e.api(auth.Leader, "GET", "/api/v1/legal-aid/outreach", ""); code != http.StatusForbidden {
			t.Errorf("a leader lists the sessions: %d", code)
		}
	})
}

// The assignee declines from the case's page, with the reason; the case waits for another, and
// its page lists both assignments.
func TestLegalAidDecline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, c := e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests", `{"applicant": {"full_name": "Đinh Thị Hoa", "date_of_birth": "1980-05-05", "sex": "female"},
			"field": "land", "form": "advice", "channel": "in_person", "matter": "Tranh chấp ranh giới", "category": "poor", "evidence": ["poor_certificate"]}`)
		id := c["id"].(string)
		e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/decision", `{"decision": "accepted"}`)
		e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/assignment", `{"kind": "lawyer", "name": "Luật sư Trần Văn An"}`)
		browser := e.login("tgpl")
		if resp, _ := e.postForm(browser, "/legal-aid/"+id+"/decline", url.Values{"reason": {"Ốm dài ngày"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("declined: %d", resp.StatusCode)
		}
		if code, body := e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/assignment/refusal", `{"reason": "x"}`); code != http.StatusConflict {
			t.Fatalf("declined with nobody assigned: %d %v", code, body)
		}
		e.api(auth.LegalAid, "POST", "/api/v1/legal-aid/requests/"+id+"/assignment", `{"kind": "officer", "name": "Lê Thị Bình"}`)
		_, page := e.do(browser, "GET", "/legal-aid/"+id, nil, nil)
		if !strings.Contains(page, "Luật sư Trần Văn An") || !strings.Contains(page, "từ chối: Ốm dài ngày") || !strings.Contains(page, `id="assignee">Lê Thị Bình`) {
			t.Error("the case's page lacks its assignments")
		}
	})
}
