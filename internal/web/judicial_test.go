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

// The judicial-record API as a court's and a prison's systems and the records office use it:
// only the role judicial may; bad input is refused in Vietnamese with the article; the status
// says whether the person has a record on the day asked, and each reading states its purpose.
func TestJudicialAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		judgment := `{"person": {"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male", "personal_id": "051090001111"},
			"court": "Tòa án nhân dân khu vực 1 - Quảng Ngãi", "number": "12/2019/HS-ST", "date": "2019-01-10", "effective_date": "2019-01-25",
			"offense_date": "2018-10-01", "crimes": [{"article": %d, "clause": "1", "category": "less_serious", "intentional": true}],
			"main_penalty": {"type": "suspended", "months": 12, "probation_months": %d}, "additional_penalties": [{"type": "ban_office", "months": 24}]}`
		for _, role := range []auth.Role{auth.Officer, auth.Specialist, auth.Leader, auth.Admin, auth.Auditor, auth.Signer} {
			if code, _ := e.api(role, "POST", "/api/v1/judgments", fmt.Sprintf(judgment, 173, 24)); code != http.StatusForbidden {
				t.Errorf("%s receives a judgment: %d", role, code)
			}
		}
		code, body := e.api(auth.Judicial, "POST", "/api/v1/judgments", fmt.Sprintf(judgment, 60, 72))
		if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "từ Điều 108 đến Điều 425") || !strings.Contains(fmt.Sprint(body), "Điều 65.1") {
			t.Fatalf("an article that does not exist, a probation of 6 years: %d %v", code, body)
		}
		code, body = e.api(auth.Judicial, "POST", "/api/v1/judgments", fmt.Sprintf(judgment, 173, 24))
		if code != http.StatusCreated || body["id"] == nil || body["person_id"] == nil {
			t.Fatalf("a judgment: %d %v", code, body)
		}
		id, person := body["id"].(string), body["person_id"].(string)
		if code, body := e.api(auth.Judicial, "POST", "/api/v1/judgments/"+id+"/events", `{"type": "probation_ended", "date": "2018-12-31"}`); code != http.StatusBadRequest {
			t.Fatalf("an event before the judgment: %d %v", code, body)
		}
		// The probation of 24 months ran to 10 January 2021, the ban 24 months from 25 January
		// 2019: expunged a year after the probation (Penal Code 2015 art. 70.2.a).
		status := "/api/v1/judicial/persons/" + person + "/status?purpose=" + url.QueryEscape("Cấp Phiếu lý lịch tư pháp số 1") + "&on="
		if code, body := e.api(auth.Judicial, "GET", status+"2022-01-09", ""); code != http.StatusOK || body["has_record"] != true {
			t.Fatalf("the day before: %d %v", code, body)
		}
		code, body = e.api(auth.Judicial, "GET", status+"2022-01-10", "")
		conv, _ := body["convictions"].([]any)
		if code != http.StatusOK || body["has_record"] != false || len(conv) != 1 || conv[0].(map[string]any)["expunged_on"] != "2022-01-10" {
			t.Fatalf("a year after the probation: %d %v", code, body)
		}
		if code, body := e.api(auth.Judicial, "GET", "/api/v1/judicial/persons/"+person+"/status", ""); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "mục đích") {
			t.Fatalf("a reading without a purpose: %d %v", code, body)
		}
		if code, _ := e.api(auth.Leader, "GET", status+"2022-01-10", ""); code != http.StatusForbidden {
			t.Fatalf("a leader reads a judicial record: %d", code)
		}
		if code, _ := e.api(auth.Judicial, "POST", "/api/v1/judgments/"+id+"/events", `{"type": "court_expunged", "date": "2020-01-01"}`); code != http.StatusCreated {
			t.Fatalf("a court's expungement: %d", code)
		}
		if code, body := e.api(auth.Judicial, "GET", status+"2020-06-01", ""); code != http.StatusOK || body["has_record"] != false {
			t.Fatalf("after the court's expungement: %d %v", code, body)
		}
		// A request for a certificate opens its dossier, which the officer follows.
		code, body = e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 1, "requester": "self", "purpose": "Xin việc",
			"person": {"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male", "personal_id": "051090001111"}}`)
		dossier, _ := body["dossier"].(map[string]any)
		if code != http.StatusCreated || dossier["procedure"] != "LLTP" || body["fee"] != 200000.0 {
			t.Fatalf("a request: %d %v", code, body)
		}
		if code, got := e.api(auth.Judicial, "GET", "/api/v1/judicial/requests/"+body["id"].(string), ""); code != http.StatusOK || got["purpose"] != "Xin việc" {
			t.Fatalf("the request read back: %d %v", code, got)
		}
		if code, got := e.api(auth.Judicial, "GET", "/api/v1/dossiers/"+dossier["code"].(string), ""); code != http.StatusOK {
			t.Fatalf("its dossier: %d %v", code, got)
		}
		if code, body := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 2, "requester": "proxy", "requester_name": "Trần Thị Mai",
			"authorization": "Giấy ủy quyền", "purpose": "Biết thông tin", "person": {"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male"}}`); code != http.StatusBadRequest ||
			!strings.Contains(fmt.Sprint(body), "không qua người được ủy quyền") {
			t.Fatalf("type 2 through a proxy: %d %v", code, body)
		}
	})
}

// A certificate waiting on a release nobody reported: the request's page says so and offers
// the question to the police; sending it says how many went out and moves the time limit.
func TestJudicialVerifyFromThePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		person := `{"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male", "personal_id": "051090001111"}`
		if code, body := e.api(auth.Judicial, "POST", "/api/v1/judgments", `{"person": `+person+`, "court": "Tòa án nhân dân huyện Bình Sơn",
			"number": "12/2015/HS-ST", "date": "2015-01-10", "effective_date": "2015-01-25", "offense_date": "2014-10-01",
			"crimes": [{"article": 173, "clause": "1", "category": "less_serious", "intentional": true}], "main_penalty": {"type": "prison", "months": 24}}`); code != http.StatusCreated {
			t.Fatalf("judgment: %d %v", code, body)
		}
		_, req := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 1, "requester": "self", "purpose": "Xin việc", "person": `+person+`}`)
		id := req["id"].(string)
		c := e.login("lltp")
		_, page := e.do(c, "GET", "/judicial/requests/"+id, nil, nil)
		i := strings.Index(page, `href="/judicial/persons/`)
		if i < 0 || !strings.Contains(page, "cùng nơi sinh") && !strings.Contains(page, "Trùng số định danh") && !strings.Contains(page, "điểm") {
			t.Fatalf("the request's page shows no candidate")
		}
		link := page[i+6 : i+strings.Index(page[i:], `">`)]
		_, record := e.do(c, "GET", strings.ReplaceAll(link, "&amp;", "&"), nil, nil)
		if !strings.Contains(record, "Có án tích") || !strings.Contains(record, "12/2015/HS-ST") || !strings.Contains(record, "cần xác minh") {
			t.Fatalf("the person's page (%s)", link)
		}
		resp, page := e.postForm(c, "/judicial/requests/"+id+"/certificate", nil, nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "cần xác minh") || !strings.Contains(page, `id="verify"`) {
			t.Fatalf("issuing before the answer: %d", resp.StatusCode)
		}
		resp, page = e.postForm(c, "/judicial/requests/"+id+"/verify", nil, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Đã gửi 1 yêu cầu xác minh") {
			t.Fatalf("verify: %d", resp.StatusCode)
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE agency = 'police' AND op = 'verify' AND status = 'pending'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d questions queued (%v)", n, err)
		}
		// Asked again through the API before the police answer: not sent twice.
		if code, body := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests/"+id+"/verifications", ""); code != http.StatusConflict ||
			!strings.Contains(fmt.Sprint(body), "đang chờ trả lời") {
			t.Fatalf("asked again through the API: %d %v", code, body)
		}
		_, cands := e.api(auth.Judicial, "GET", "/api/v1/judicial/candidates?full_name=Tran+Van+Lam&date_of_birth=1990-05-02&sex=male&purpose=C%E1%BA%ADp+nh%E1%BA%ADt", "")
		if list, _ := cands["candidates"].([]any); len(list) != 1 {
			t.Fatalf("candidates through the API: %v", cands)
		}
	})
}

// The authority's report: the API, the page, and its workbook as LibreOffice shows it.
func TestJudicialReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if code, body := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 1, "requester": "agency", "requester_name": "Công ty TNHH A",
			"purpose": "Tuyển dụng", "channel": "online", "person": {"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male"}}`); code != http.StatusCreated {
			t.Fatalf("request: %d %v", code, body)
		}
		_, rep := e.api(auth.Judicial, "GET", "/api/v1/judicial/report", "")
		if rep["requests"] != 1.0 || rep["by_channel"].(map[string]any)["online"] != 1.0 || rep["fees"] != 200000.0 {
			t.Fatalf("the report: %v", rep)
		}
		if code, _ := e.api(auth.Leader, "GET", "/api/v1/judicial/report", ""); code != http.StatusForbidden {
			t.Fatalf("a leader reads the judicial report: %d", code)
		}
		c := e.login("lltp")
		_, page := e.do(c, "GET", "/judicial/report", nil, nil)
		if !strings.Contains(page, "Báo cáo cấp Phiếu lý lịch tư pháp") || !strings.Contains(page, "Cơ quan, tổ chức") {
			t.Fatal("the report page")
		}
		resp, xlsx := e.do(c, "GET", "/judicial/report.xlsx", nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("workbook: %d", resp.StatusCode)
		}
		rows := pdftest.Calc(t, "llpt.xlsx", []byte(xlsx))
		found := false
		for _, r := range rows {
			if len(r) > 1 && r[0] == "Yêu cầu cấp Phiếu đã tiếp nhận" && r[1] == "1" {
				found = true
			}
		}
		if !found {
			t.Fatalf("the workbook as LibreOffice shows it: %q", rows)
		}
	})
}

// A judgment a court sent on paper is typed into the database: every problem beside its
// field and what was typed kept; once stored, the person's record opens, where a prison's
// report of release is recorded (one before the judgment is refused, in Vietnamese).
func TestJudgmentTypedAtTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("lltp")
		form := url.Values{"person.full_name": {"Lê Văn Hùng"}, "person.date_of_birth": {"01/05/1985"}, "person.sex": {"male"},
			"court": {"Tòa án nhân dân khu vực 1 - Quảng Ngãi"}, "number": {"44/2023/HS-ST"}, "date": {"10/03/2023"}, "effective_date": {"25/03/2023"},
			"offense_date": {"01/12/2022"}, "crimes.0.article": {"51"}, "crimes.0.clause": {"1"}, "crimes.0.category": {"serious"}, "crimes.0.intentional": {"1"},
			"main_penalty.type": {"prison"}, "main_penalty.months": {"18"}, "additional_penalties.0.type": {"ban_office"}, "additional_penalties.0.months": {"24"}}
		resp, page := e.postForm(c, "/judicial/judgments", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "từ Điều 108 đến Điều 425") || !strings.Contains(page, `value="Lê Văn Hùng"`) {
			t.Fatalf("an article that defines no crime: %d", resp.StatusCode)
		}
		form.Set("crimes.0.article", "178")
		resp, _ = e.postForm(c, "/judicial/judgments", form, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/judicial/persons/") {
			t.Fatalf("a judgment typed: %d", resp.StatusCode)
		}
		personURL := resp.Header.Get("Location")
		personID := personURL[len("/judicial/persons/"):strings.Index(personURL, "?")]
		_, page = e.do(c, "GET", personURL, nil, nil)
		i := strings.Index(page, `action="/judicial/judgments/`)
		if i < 0 || !strings.Contains(page, "44/2023/HS-ST") || !strings.Contains(page, "Có án tích") {
			t.Fatal("the person's record after the judgment")
		}
		action := page[i+len(`action="`) : i+strings.Index(page[i:], `/events"`)+len("/events")]
		resp, page = e.postForm(c, action, url.Values{"person": {personID}, "type": {"main_served"}, "date": {"01/01/2023"}, "source": {"Trại giam An Điềm"}}, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "không thể trước ngày tuyên án") {
			t.Fatalf("a release before the judgment: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(c, action, url.Values{"person": {personID}, "type": {"main_served"}, "date": {"25/09/2024"}, "source": {"Trại giam An Điềm"}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a release: %d", resp.StatusCode)
		}
		_, page = e.do(c, "GET", resp.Header.Get("Location"), nil, nil)
		if !strings.Contains(page, "25/09/2024: Chấp hành xong hình phạt chính — Trại giam An Điềm") {
			t.Fatal("the release on the person's record")
		}
	})
}

// A request is refused from its page with the reason; without one the page says what is
// missing.
func TestJudicialRefusalFromThePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, req := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 1, "requester": "agency", "requester_name": "Công ty TNHH A",
			"purpose": "Tuyển dụng", "person": {"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male"}}`)
		id := req["id"].(string)
		c := e.login("lltp")
		if resp, page := e.postForm(c, "/judicial/requests/"+id+"/refuse", url.Values{"reason": {""}}, nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "Bắt buộc") && !strings.Contains(page, "bắt buộc") {
			t.Fatalf("a refusal without a reason: %d", resp.StatusCode)
		}
		resp, _ := e.postForm(c, "/judicial/requests/"+id+"/refuse", url.Values{"reason": {"Không có văn bản yêu cầu của cơ quan"}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("refuse: %d", resp.StatusCode)
		}
		_, page := e.do(c, "GET", "/judicial/requests/"+id, nil, nil)
		if !strings.Contains(page, "Từ chối") || strings.Contains(page, `id="issue-certificate"`) {
			t.Fatal("the refused request's page")
		}
		if code, _ := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests/"+id+"/refusal", `{"reason": "Lần nữa"}`); code != http.StatusConflict {
			t.Fatalf("refused twice through the API: %d", code)
		}
	})
}

// Judicial records stay with their role (Law 91/2025): another department user finds neither
// a certificate request's dossier (whose history says what it waits on), nor moves it, nor
// opens one at the general desk; nor sees the questions to the police in the outbox, nor
// cancels a judicial certificate.
func TestJudicialDataStaysWithItsRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.svc.Issuing.EnsureDemoKeys(ctx, []string{auth.DepartmentOffice}); err != nil {
			t.Fatal(err)
		}
		person := `{"full_name": "Trần Văn Lâm", "date_of_birth": "1990-05-01", "sex": "male", "personal_id": "051090001111"}`
		e.api(auth.Judicial, "POST", "/api/v1/judgments", `{"person": `+person+`, "court": "Tòa án nhân dân huyện Bình Sơn", "number": "12/2015/HS-ST",
			"date": "2015-01-10", "effective_date": "2015-01-25", "offense_date": "2014-10-01",
			"crimes": [{"article": 173, "clause": "1", "category": "less_serious", "intentional": true}], "main_penalty": {"type": "prison", "months": 24}}`)
		_, req := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests", `{"type": 1, "requester": "self", "purpose": "Xin việc", "person": `+person+`}`)
		id, code := req["id"].(string), req["dossier"].(map[string]any)["code"].(string)
		if c, _ := e.api(auth.Judicial, "POST", "/api/v1/judicial/requests/"+id+"/verifications", ""); c != http.StatusAccepted {
			t.Fatalf("verify: %d", c)
		}
		for _, role := range []auth.Role{auth.Specialist, auth.Leader} {
			if c, _ := e.api(role, "GET", "/api/v1/dossiers/"+code, ""); c != http.StatusNotFound {
				t.Errorf("%s reads the request's dossier: %d", role, c)
			}
			_, list := e.api(role, "GET", "/api/v1/dossiers?list=all", "")
			if strings.Contains(fmt.Sprint(list), code) {
				t.Errorf("%s lists the request's dossier", role)
			}
			_, msgs := e.api(role, "GET", "/api/v1/outbox", "")
			if strings.Contains(fmt.Sprint(msgs), "police") {
				t.Errorf("%s sees the questions to the police: %v", role, msgs)
			}
		}
		if c, _ := e.api(auth.Specialist, "POST", "/api/v1/dossiers/"+code+"/status", `{"status": "settled"}`); c != http.StatusNotFound {
			t.Errorf("a specialist settles the request's dossier: %d", c)
		}
		if c, body := e.api(auth.Specialist, "POST", "/api/v1/dossiers", `{"procedure": "LLTP", "office": "department", "applicant": "Trần Văn Lâm"}`); c != http.StatusBadRequest {
			t.Errorf("a specialist opens a judicial-record dossier at the general desk: %d %v", c, body)
		}
		if c, got := e.api(auth.Judicial, "GET", "/api/v1/dossiers/"+code, ""); c != http.StatusOK || got["extended_days"] != 5.0 {
			t.Errorf("the judicial officer's own dossier: %d %v", c, got)
		}
		_, msgs := e.api(auth.Judicial, "GET", "/api/v1/outbox", "")
		if !strings.Contains(fmt.Sprint(msgs), "police") {
			t.Errorf("the judicial officer does not see their questions: %v", msgs)
		}
	})
}
