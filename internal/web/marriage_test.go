package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A marriage taken in from a legacy register shows both sides, is found by the wife's name
// typed without diacritics, can be corrected, and has its extract.
func TestMarriageEntryPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		m := civil.Record{Kind: civil.MarriageKind, Office: "21025", Register: civil.Register{Number: 3, Book: "KH", Year: 2005}, RegisteredOn: "2005-10-10",
			Content: civil.Content{Marriage: &civil.Marriage{Husband: civil.Spouse{FullName: "Nguyễn Văn Hải", DateOfBirth: "1980-01-01"},
				Wife: civil.Spouse{FullName: "Trần Thị Thu Hương", DateOfBirth: "1983-03-03", Residence: "Xã Tân Mỹ"}}}}
		if _, err := registration.NewRecords(st).BulkInsert(ctx, []civil.Record{m}, audit.System, "kh.csv"); err != nil {
			t.Fatal(err)
		}
		code, body := e.api(auth.Officer, "GET", "/api/v1/records?q=tran+thi+thu+huong", "")
		items, _ := body["items"].([]any)
		if code != 200 || len(items) != 1 {
			t.Fatalf("search by the wife's name: %d %v", code, body)
		}
		id := items[0].(map[string]any)["id"].(string)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/"+id, nil, nil)
		for _, want := range []string{"Bên chồng", "Bên vợ", "Nguyễn Văn Hải", "Trần Thị Thu Hương", "Xã Tân Mỹ", "Kết hôn"} {
			if resp.StatusCode != 200 || !strings.Contains(page, want) {
				t.Fatalf("record page (%d) lacks %q", resp.StatusCode, want)
			}
		}
		if !strings.Contains(page, `id="extract"`) {
			t.Error("the page offers no extract")
		}
		if code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/extracts", ""); code != http.StatusCreated || body["kind"] != "extract_marriage" {
			t.Errorf("extract of a marriage: %d %v", code, body)
		}
		// A legacy marriage entry is corrected like any other (Law 60/2014 art. 28): the form
		// holds both sides as the register has them, and the history shows the change.
		if !strings.Contains(page, `id="amend"`) {
			t.Fatal("the page offers no correction")
		}
		resp, page = e.do(c, "GET", "/records/"+id+"/amend", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, `value="Xã Tân Mỹ"`) || !strings.Contains(page, `value="Nguyễn Văn Hải"`) {
			t.Fatalf("amend page of a marriage (%d) is not filled with the entry", resp.StatusCode)
		}
		form := url.Values{"kind": {"marriage"}, "version": {"1"}, "change": {"correction"}, "reason": {"Ghi nhầm nơi cư trú"}, "legal_basis": {"Điều 28 Luật Hộ tịch"},
			"husband.full_name": {"Nguyễn Văn Hải"}, "husband.date_of_birth": {"01/01/1980"},
			"wife.full_name": {"Trần Thị Thu Hương"}, "wife.date_of_birth": {"03/03/1983"}, "wife.residence": {"Xã Tân Phước"}}
		if resp, page := e.postForm(c, "/records/"+id+"/amend", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("correcting a marriage: %d %s", resp.StatusCode, page)
		}
		_, page = e.do(c, "GET", "/records/"+id, nil, nil)
		for _, want := range []string{"Xã Tân Phước", "Ghi nhầm nơi cư trú", "phiên bản 2"} {
			if !strings.Contains(page, want) {
				t.Errorf("record page after the correction lacks %q", want)
			}
		}
	})
}

// A marriage registered through the API and through the form (Law 60/2014 art. 17–18): the
// entry answers with both sides; a party still married is refused with 409 naming the side, on
// the form too, with what was typed kept; the original certificate is issued.
func TestMarriageRegistered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		body := `{"office": "21025", "husband": {"full_name": "lê văn hùng", "date_of_birth": "1990-05-01", "personal_id": "051090001111",
			"ethnicity": "Kinh", "nationality": "Việt Nam"}, "wife": {"full_name": "Phạm Thị Lan", "date_of_birth": "1995-07-09",
			"papers": "Hộ chiếu C1234567", "nationality": "Việt Nam"}}`
		code, rec := e.api(auth.Officer, "POST", "/api/v1/marriages", body)
		husband, _ := rec["husband"].(map[string]any)
		wife, _ := rec["wife"].(map[string]any)
		if code != http.StatusCreated || rec["type"] != "marriage" || husband["full_name"] != "Lê Văn Hùng" || wife["papers"] != "Hộ chiếu C1234567" {
			t.Fatalf("register a marriage: %d %v", code, rec)
		}
		id := rec["id"].(string)
		if code, doc := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/certificate", ""); code != http.StatusCreated || doc["kind"] != "certificate_marriage" {
			t.Fatalf("marriage certificate: %d %v", code, doc)
		}
		// The leader's reports count it: its dossier KH settled on time, its certificate issued.
		_, report := e.api(auth.Leader, "GET", "/api/v1/reports/on-time", "")
		if kh, _ := report["by_procedure"].(map[string]any)["KH"].(map[string]any); kh == nil || kh["settled"] != 1.0 {
			t.Errorf("the on-time report does not count the marriage's dossier: %v", report["by_procedure"])
		}
		if _, share := e.api(auth.Leader, "GET", "/api/v1/reports/signed", ""); share["issued"] != 1.0 {
			t.Errorf("the signed-share report does not count the certificate: %v", share)
		}
		again := strings.Replace(body, "Phạm Thị Lan", "Đỗ Thị Hoa", 1)
		code, out := e.api(auth.Officer, "POST", "/api/v1/marriages", again)
		errBody, _ := out["error"].(map[string]any)
		fields, _ := errBody["fields"].(map[string]any)
		if code != http.StatusConflict || errBody["code"] != "conflict" || !strings.Contains(fmt.Sprint(fields["husband.full_name"]), "Điều 5.2.c") {
			t.Fatalf("husband still married: %d %v", code, out)
		}
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/marriage", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Tờ khai đăng ký kết hôn") || !strings.Contains(page, `name="wife.papers"`) {
			t.Fatalf("marriage form: %d", resp.StatusCode)
		}
		form := url.Values{"husband.full_name": {"Lê Văn Hùng"}, "husband.date_of_birth": {"01/05/1990"},
			"husband.personal_id": {"051090001111"}, "wife.full_name": {"Trịnh Thị Mai"}, "wife.date_of_birth": {"03/03/1992"}, "wife.papers": {"Hộ chiếu C7654321"}}
		resp, page = e.postForm(c, "/records/marriages", form, nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "đang có vợ hoặc chồng") || !strings.Contains(page, `value="Trịnh Thị Mai"`) {
			t.Fatalf("form, husband still married: %d", resp.StatusCode)
		}
		form.Set("husband.full_name", "Vũ Văn Nam")
		form.Set("husband.date_of_birth", "02/02/1989")
		form.Set("husband.personal_id", "051089004444")
		if resp, page := e.postForm(c, "/records/marriages", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("form: %d %s", resp.StatusCode, page)
		}
	})
}

// A divorce is recorded on its form against the marriage (Law 60/2014 art. 3.2.đ): a bad day is
// refused beside its field with what was typed kept; once recorded, the entry shows it, the
// link is gone, and the extract carries it as a marginal note.
func TestDivorceForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, rec := e.api(auth.Officer, "POST", "/api/v1/marriages", `{"office": "21025", "husband": {"full_name": "Lê Văn Hùng", "date_of_birth": "1990-05-01",
			"personal_id": "051090001111"}, "wife": {"full_name": "Phạm Thị Lan", "date_of_birth": "1995-07-09", "papers": "Hộ chiếu C1234567"}}`)
		if code != http.StatusCreated {
			t.Fatalf("marriage: %d %v", code, rec)
		}
		id := rec["id"].(string)
		c := e.login("canbo")
		if _, page := e.do(c, "GET", "/records/"+id, nil, nil); !strings.Contains(page, `id="record-divorce"`) {
			t.Fatal("the marriage offers no divorce to record")
		}
		form := url.Values{"version": {"1"}, "divorce.court": {"Tòa án nhân dân khu vực 1 - Quảng Ngãi"}, "divorce.decision": {"25/2026/QĐST-HNGĐ"},
			"divorce.effective_on": {"01/01/2020"}}
		resp, page := e.postForm(c, "/records/"+id+"/divorce", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "trước ngày đăng ký kết hôn") || !strings.Contains(page, `value="25/2026/QĐST-HNGĐ"`) {
			t.Fatalf("divorce before the marriage: %d %s", resp.StatusCode, page)
		}
		form.Set("divorce.effective_on", time.Now().In(calendar.Vietnam).Format("02/01/2006"))
		if resp, page := e.postForm(c, "/records/"+id+"/divorce", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("divorce: %d %s", resp.StatusCode, page)
		}
		_, page = e.do(c, "GET", "/records/"+id, nil, nil)
		for _, want := range []string{"Tòa án nhân dân khu vực 1 - Quảng Ngãi", "25/2026/QĐST-HNGĐ", "Ghi chú ly hôn"} {
			if !strings.Contains(page, want) {
				t.Errorf("the entry shows no %q", want)
			}
		}
		if strings.Contains(page, `id="record-divorce"`) || strings.Contains(page, `id="certificate"`) {
			t.Error("a divorced marriage offers a second divorce or its certificate")
		}
		if code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/certificate", ""); code != http.StatusConflict {
			t.Errorf("a certificate of an ended marriage: %d %v", code, body)
		}
		if code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/divorce", `{"version": 2, "court": "X", "decision": "1", "effective_on": "2026-01-01"}`); code != http.StatusConflict {
			t.Errorf("a second divorce through the API: %d %v", code, body)
		}
		// The divorce's number was typed wrong: corrected on the entry's correction form.
		resp, page = e.do(c, "GET", "/records/"+id+"/amend", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, `name="divorce.decision"`) {
			t.Fatalf("the correction form of a divorced marriage holds no divorce (%d)", resp.StatusCode)
		}
		fix := url.Values{"kind": {"marriage"}, "version": {"2"}, "change": {"correction"}, "reason": {"Ghi nhầm số quyết định"},
			"legal_basis": {"Điều 28 Luật Hộ tịch 2014"}, "husband.full_name": {"Lê Văn Hùng"}, "husband.date_of_birth": {"01/05/1990"},
			"husband.personal_id": {"051090001111"}, "wife.full_name": {"Phạm Thị Lan"}, "wife.date_of_birth": {"09/07/1995"},
			"wife.papers": {"Hộ chiếu C1234567"}, "divorce.court": {"Tòa án nhân dân khu vực 1 - Quảng Ngãi"},
			"divorce.decision": {"26/2026/QĐST-HNGĐ"}, "divorce.effective_on": {form.Get("divorce.effective_on")}}
		if resp, page := e.postForm(c, "/records/"+id+"/amend", fix, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("correcting the divorce's number: %d %s", resp.StatusCode, page)
		}
		if _, page = e.do(c, "GET", "/records/"+id, nil, nil); !strings.Contains(page, "26/2026/QĐST-HNGĐ") {
			t.Error("the corrected number is not shown")
		}
		resp, pdf := e.do(c, "GET", "/records/"+id+"/extract.pdf", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(pdftest.Text(t, []byte(pdf)), "Ghi chú ly hôn") {
			t.Errorf("the extract carries no note of the divorce (%d)", resp.StatusCode)
		}
	})
}

// A certificate of marital status through the API and the form: the status is what the
// register shows (a marriage registered just before makes it "married" to that spouse), the
// certificate is issued and signed like any document, and the form asks for the intended spouse
// when it is for marrying.
func TestMaritalStatusCertificate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if code, body := e.api(auth.Officer, "POST", "/api/v1/marriages", `{"office": "21025", "husband": {"full_name": "Lê Văn Hùng", "date_of_birth": "1990-05-01",
			"personal_id": "051090001111"}, "wife": {"full_name": "Phạm Thị Lan", "date_of_birth": "1995-07-09", "papers": "Hộ chiếu C1234567"}}`); code != http.StatusCreated {
			t.Fatalf("marriage: %d %v", code, body)
		}
		code, rec := e.api(auth.Officer, "POST", "/api/v1/marital-status-certificates", `{"office": "21025", "person": {"full_name": "Lê Văn Hùng",
			"date_of_birth": "1990-05-01", "personal_id": "051090001111"}, "purpose": "Bổ sung hồ sơ vay vốn ngân hàng"}`)
		if code != http.StatusCreated || rec["type"] != "marital_status" || rec["status"] != "married" || rec["spouse"] != "Phạm Thị Lan" || rec["valid_until"] == "" {
			t.Fatalf("certificate: %d %v", code, rec)
		}
		id := rec["id"].(string)
		if code, doc := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/certificate", ""); code != http.StatusCreated || doc["kind"] != "certificate_marital_status" {
			t.Fatalf("the certificate's document: %d %v", code, doc)
		}
		c := e.login("canbo")
		_, page := e.do(c, "GET", "/records/"+id, nil, nil)
		for _, want := range []string{"Đang có vợ/chồng", "Phạm Thị Lan", "Bổ sung hồ sơ vay vốn ngân hàng"} {
			if !strings.Contains(page, want) {
				t.Errorf("the entry's page shows no %q", want)
			}
		}
		resp, page := e.do(c, "GET", "/records/new/marital_status", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Tờ khai cấp giấy xác nhận tình trạng hôn nhân") {
			t.Fatalf("form: %d", resp.StatusCode)
		}
		form := url.Values{"person.full_name": {"Vũ Văn Nam"}, "person.date_of_birth": {"02/02/1989"}, "person.personal_id": {"051089004444"},
			"purpose": {"Kết hôn"}}
		resp, page = e.postForm(c, "/records/marital-status", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "người dự định kết hôn") {
			t.Fatalf("for marrying, nobody named: %d", resp.StatusCode)
		}
		form.Set("has_intended_spouse", "on")
		form.Set("intended_spouse.full_name", "Kim Ji Yeon")
		form.Set("intended_spouse.date_of_birth", "06/06/1996")
		form.Set("intended_spouse.nationality", "Hàn Quốc")
		resp, page = e.postForm(c, "/records/marital-status", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("form: %d %s", resp.StatusCode, page)
		}
		nam := resp.Header.Get("Location")
		_, page = e.do(c, "GET", nam, nil, nil)
		if !strings.Contains(page, "Chưa đăng ký kết hôn với ai") || !strings.Contains(page, "Kim Ji Yeon") {
			t.Error("the certificate for marrying does not show the status or the intended spouse")
		}
		// Nam marries Kim Ji Yeon: the certificate served that marriage, says so, and is not
		// issued again.
		if code, body := e.api(auth.Officer, "POST", "/api/v1/marriages", `{"office": "21025", "husband": {"full_name": "Vũ Văn Nam", "date_of_birth": "1989-02-02",
			"personal_id": "051089004444"}, "wife": {"full_name": "Kim Ji Yeon", "date_of_birth": "1996-06-06", "nationality": "Hàn Quốc", "papers": "Hộ chiếu M7654321",
			"marital_proof": "Giấy xác nhận độc thân số 2026-77"}}`); code != http.StatusCreated {
			t.Fatalf("marriage: %d %v", code, body)
		}
		_, page = e.do(c, "GET", nam, nil, nil)
		if !strings.Contains(page, "Đã sử dụng để") || !strings.Contains(page, "Đăng ký kết hôn số 2") || strings.Contains(page, `id="certificate"`) {
			t.Error("the used certificate does not say so, or offers to be issued again")
		}
		namID := strings.TrimSuffix(strings.TrimPrefix(nam, "/records/"), "?new=1")
		if code, out := e.api(auth.Officer, "POST", "/api/v1/records/"+namID+"/certificate", ""); code != http.StatusConflict {
			t.Errorf("a used certificate issued again: %d %v", code, out)
		}
	})
}

// From a birth entry without a father, the officer opens the recognition form (the child filled
// in), registers the father, and the birth entry then shows him; the API registers the same.
func TestRecognitionForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, born := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Lê Thị Na", "2026-01-05", "Lê Thị Hoa", ""))
		if code != http.StatusCreated {
			t.Fatalf("birth: %d %v", code, born)
		}
		id := born["id"].(string)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/recognition?birth_record="+id, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, `value="Lê Thị Na"`) || !strings.Contains(page, `name="birth_record" value="`+id+`"`) {
			t.Fatalf("the form from the birth entry (%d) is not filled", resp.StatusCode)
		}
		form := url.Values{"birth_record": {id}, "child.full_name": {"Lê Thị Na"}, "child.date_of_birth": {"05/01/2026"}, "child.sex": {"female"},
			"has_father": {"on"}, "father.full_name": {"Trần Văn Bình"}, "father.date_of_birth": {"02/02/1990"}, "evidence": {""}}
		if resp, page := e.postForm(c, "/records/recognitions", form, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `value="Trần Văn Bình"`) {
			t.Fatalf("without evidence: %d", resp.StatusCode)
		}
		form.Set("evidence", "Kết quả giám định ADN số 123/GĐ")
		if resp, page := e.postForm(c, "/records/recognitions", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recognition: %d %s", resp.StatusCode, page)
		}
		if _, page := e.do(c, "GET", "/records/"+id, nil, nil); !strings.Contains(page, "Trần Văn Bình") || !strings.Contains(page, "Ghi chú nhận cha, mẹ, con") {
			t.Error("the birth entry does not show the recognised father and the note")
		}
		code, out := e.api(auth.Officer, "POST", "/api/v1/recognitions", `{"office": "21025", "birth_record": "`+id+`", "child": {"full_name": "Lê Thị Na",
			"sex": "female", "date_of_birth": "2026-01-05"}, "father": {"full_name": "Phan Văn Cường"}, "evidence": "Lời khai"}`)
		if code != http.StatusConflict {
			t.Errorf("a second father through the API: %d %v", code, out)
		}
	})
}
