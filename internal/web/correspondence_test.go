package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/pdftest"
	"tuphap/internal/signing"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// agencyPDF is a letter signed by another agency's (demo) certificate.
func agencyPDF(t *testing.T) []byte {
	t.Helper()
	pdf, err := document.Extract(document.ExtractData{
		Record: civil.Record{Kind: civil.BirthKind, Register: civil.Register{Number: 1, Book: "01", Year: 2026}, RegisteredOn: "2026-03-01",
			Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: "Nguyễn Thị Đào", Sex: civil.Female, DateOfBirth: "2026-02-01"}}}},
		Office: "UBND Phường Cẩm Thành", Province: "tỉnh Quảng Ngãi", IssuedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := signing.NewDemoCA(time.Now())
	kp, _ := ca.Issue("UBND tỉnh Quảng Ngãi", "Trần Văn Bình", time.Now())
	s, err := kp.Signer()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := signing.SignPDF(pdf, s, signing.Info{Name: "Trần Văn Bình", Location: "Quảng Ngãi", Reason: "Ban hành văn bản", Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// upload is a multipart form with the fields and the file.
func upload(fields map[string]string, name string, data []byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// An incoming document from the register's page: a file that is not a document refused with the
// other problems, a signed letter registered with its signature shown; routed by the leader,
// completed by its assignee; the file downloaded as what it is; the API lists it.
func TestIncomingFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		clerk := e.login("chuyenvien")
		today := e.svc.Store.Now().Format("02/01/2006")
		fields := map[string]string{"sender": "UBND tỉnh Quảng Ngãi", "reference": "", "dated": today, "summary": "Về việc triển khai Luật Hộ tịch sửa đổi"}
		body, ctype := upload(fields, "virus.exe", []byte("MZ\x90\x00 not a document"))
		resp, page := e.do(clerk, "POST", "/correspondence/incoming", body, map[string]string{"Content-Type": ctype})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPEG") || !strings.Contains(page, `value="UBND tỉnh Quảng Ngãi"`) {
			t.Fatalf("an executable: %d", resp.StatusCode)
		}
		pdf := agencyPDF(t)
		fields["reference"] = "123/UBND-NC"
		body, ctype = upload(fields, "cv-123.html", pdf) // a PDF named as a page: downloaded as a PDF
		resp, _ = e.do(clerk, "POST", "/correspondence/incoming", body, map[string]string{"Content-Type": ctype})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("registered: %d", resp.StatusCode)
		}
		docURL := resp.Header.Get("Location")
		_, page = e.do(clerk, "GET", docURL, nil, nil)
		if !strings.Contains(page, `<span id="incoming-number">1/`) || !strings.Contains(page, "Chữ ký nguyên vẹn") || !strings.Contains(page, "Trần Văn Bình") || strings.Contains(page, `id="route-form"`) {
			t.Fatal("the document's page lacks its number or signature, or offers routing to a specialist")
		}
		leader := e.login("lanhdao")
		if resp, page = e.postForm(leader, docURL+"/route", url.Values{"unit": {"Phòng Hành chính tư pháp"}, "assignee": {"chuyenvien"}, "days": {"5"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("routed: %d %s", resp.StatusCode, page)
		}
		if resp, _ = e.postForm(clerk, docURL+"/complete", url.Values{"note": {"Đã tham mưu văn bản trả lời"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("completed: %d", resp.StatusCode)
		}
		_, page = e.do(clerk, "GET", docURL, nil, nil)
		if !strings.Contains(page, "Đã xử lý xong") || !strings.Contains(page, "Đã tham mưu văn bản trả lời") {
			t.Error("the completed document's page")
		}
		i := strings.Index(page, `/correspondence/files/`)
		link := page[i : i+strings.Index(page[i:], `"`)]
		resp, file := e.do(clerk, "GET", link, nil, nil)
		if resp.StatusCode != http.StatusOK || file != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="cv-123.pdf"`) {
			t.Fatalf("the file: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := e.do(e.login("canbo"), "GET", link, nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a commune officer downloads it: %d", resp.StatusCode)
		}
		if code, list := e.api(auth.Specialist, "GET", "/api/v1/correspondence/incoming?q=luat+ho+tich", ""); code != http.StatusOK || !strings.Contains(fmt.Sprint(list), "123/UBND-NC") {
			t.Errorf("the register through the API: %d %v", code, list)
		}
		_, page = e.do(leader, "GET", "/correspondence/report", nil, nil)
		if !strings.Contains(page, "1 văn bản đến (1 có chữ ký số nguyên vẹn), 0 chưa phân công; 1 đã xử lý xong, 1 đúng hạn") {
			t.Error("the leader's report")
		}
		if resp, _ := e.do(clerk, "GET", "/correspondence/report", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a specialist's report: %d", resp.StatusCode)
		}
		// Through the API, a tampered signature is refused.
		tampered := bytes.Replace(pdf, []byte("/Title"), []byte("/Xitle"), 1)
		fields["reference"] = "124/UBND-NC"
		body, ctype = upload(fields, "cv-124.pdf", tampered)
		resp, out := e.do(nil, "POST", "/api/v1/correspondence/incoming", body, map[string]string{"Content-Type": ctype, "Authorization": "Bearer " + e.tokens[auth.Specialist]})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(out, "Chữ ký số trên tệp không hợp lệ") {
			t.Fatalf("a tampered signature: %d %s", resp.StatusCode, out)
		}
	})
}

// outgoingEnv is the server with the department's key and the reviewers' accounts.
func outgoingEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	e := newEnv(t, st)
	if err := e.svc.Issuing.EnsureDemoKeys(ctx, []string{auth.DepartmentOffice}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"truongphong", "chanhvp", "vanthu"} {
		if _, err := e.svc.Accounts.AddUser(ctx, account.NewUser{Username: name, FullName: "Lê Văn Bình", Role: string(auth.Specialist), Office: auth.DepartmentOffice,
			Password: password}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// An outgoing letter from the pages: a draft with an unknown commune shown again with its
// problem and its fields, then drafted, submitted, approved at each step by its reviewer,
// numbered by the clerk, signed by the leader and so published; the commune finds it on its
// home page and downloads it signed; the API refuses an unknown recipient by name.
func TestOutgoingFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := outgoingEnv(t, st)
		drafter := e.login("chuyenvien")
		form := url.Values{"kind": {"cong_van"}, "unit": {"HCTP"}, "summary": {"hướng dẫn đăng ký hộ tịch"}, "body": {"Sở Tư pháp hướng dẫn như sau."},
			"recipient": {"unit:VP", "agency:BTP"}, "communes": {"21025, 99999"}, "signer_title": {"director"}}
		resp, page := e.postForm(drafter, "/correspondence/outgoing", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Nơi nhận không có trong danh mục: office:99999.") ||
			!strings.Contains(page, `value="hướng dẫn đăng ký hộ tịch"`) || !strings.Contains(page, `value="agency:BTP" checked`) {
			t.Fatalf("an unknown commune: %d", resp.StatusCode)
		}
		form.Set("communes", "21025")
		resp, _ = e.postForm(drafter, "/correspondence/outgoing", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("drafted: %d", resp.StatusCode)
		}
		doc := resp.Header.Get("Location")
		if resp, page := e.do(drafter, "GET", doc, nil, nil); resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="submit-form"`) || !strings.Contains(page, `id="revise-form"`) {
			t.Fatalf("the draft's page: %d", resp.StatusCode)
		}
		step := func(c *http.Client, action string, form url.Values) {
			t.Helper()
			if resp, page := e.postForm(c, doc+"/"+action, form, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", action, resp.StatusCode, page)
			}
		}
		step(drafter, "submit", url.Values{"unit_head": {"truongphong"}, "office_head": {"chanhvp"}})
		// Not the office head's step yet: the page says so.
		officeHead := e.login("chanhvp")
		if resp, page := e.postForm(officeHead, doc+"/approve", nil, nil); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Bước duyệt này thuộc người khác") {
			t.Fatalf("out of turn: %d %s", resp.StatusCode, page)
		}
		step(e.login("truongphong"), "approve", nil)
		step(officeHead, "approve", nil)
		leader := e.login("lanhdao")
		step(leader, "approve", url.Values{"note": {"Đồng ý ban hành"}})
		step(e.login("vanthu"), "number", nil)
		_, page = e.do(leader, "GET", doc, nil, nil)
		if !strings.Contains(page, `<span id="outgoing-symbol">1/STP-HCTP</span>`) || !strings.Contains(page, `id="sign-form"`) {
			t.Fatal("the numbered letter's page lacks its symbol or the leader's signing form")
		}
		step(leader, "sign", nil)
		_, page = e.do(drafter, "GET", doc, nil, nil)
		if !strings.Contains(page, "Đã ký số và phát hành") || !strings.Contains(page, "đã gửi qua trục liên thông, chờ xác nhận") || !strings.Contains(page, "Bộ Tư pháp") {
			t.Fatal("the published letter's page")
		}

		_, page = e.do(leader, "GET", "/correspondence/report", nil, nil)
		if !strings.Contains(page, "1 văn bản đi được cấp số; 1 đã ký số và phát hành điện tử (100,0%); 0 chờ ký.") {
			t.Error("the leaders' report does not count the letter signed and published")
		}
		commune := e.login("canbo")
		_, home := e.do(commune, "GET", "/", nil, nil)
		if !strings.Contains(home, "/correspondence/received") {
			t.Error("the commune's home does not lead to its letters")
		}
		_, page = e.do(commune, "GET", "/correspondence/received", nil, nil)
		i := strings.Index(page, "/correspondence/received/")
		if i < 0 || !strings.Contains(page, "1/STP-HCTP") {
			t.Fatal("the commune's letters")
		}
		link := page[i : i+strings.Index(page[i:], `"`)]
		resp, pdf := e.do(commune, "GET", link, nil, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !pdftest.ValidSignature(t, []byte(pdf)) {
			t.Fatalf("the letter downloaded: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := e.do(e.login("chutich"), "GET", "/correspondence/outgoing", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a commune's signer reads the register: %d", resp.StatusCode)
		}

		code, out := e.api(auth.Specialist, "POST", "/api/v1/correspondence/outgoing",
			`{"kind":"quyet_dinh","unit":"VP","summary":"Quyết định thành lập đoàn kiểm tra","body":"Điều 1.","recipients":["agency:NOPE"],"signer_title":"director"}`)
		if _, msg := errorOf(out); code != http.StatusBadRequest || !strings.Contains(msg, "agency:NOPE") {
			t.Fatalf("an unknown agency through the API: %d %v", code, out)
		}
		if code, out := e.api(auth.Specialist, "GET", "/api/v1/correspondence/registers", ""); code != http.StatusOK || out["outgoing_last"] != 1.0 {
			t.Fatalf("the registers: %d %v", code, out)
		}
		if code, out := e.api(auth.Officer, "GET", "/api/v1/correspondence/received", ""); code != http.StatusOK || !strings.Contains(fmt.Sprint(out), "1/STP-HCTP") {
			t.Fatalf("the commune's letters through the API: %d %v", code, out)
		}
	})
}
