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
		resp, xlsx := e.do(e.login("lanhdao"), "GET", "/legal-aid/report.xlsx", nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the workbook: %d", resp.StatusCode)
		}
		found := false
		for _, row := range pdftest.Calc(t, "tgpl.xlsx", []byte(xlsx)) {
			found = found || len(row) > 1 && row[0] == "Yêu cầu đã tiếp nhận" && row[1] == "1"
		}
		if !found {
			t.Error("the workbook as LibreOffice shows it lacks the requests received")
		}
	})
}
