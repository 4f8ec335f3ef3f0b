package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/issuing"
	"tuphap/internal/legacy"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func TestDocumentsSignVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.svc.Issuing.EnsureDemoKeys(ctx, []string{"21025"}); err != nil {
			t.Fatal(err)
		}
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		recID := body["id"].(string)
		got, body := e.api(auth.Officer, "POST", "/api/v1/records/"+recID+"/extracts", "")
		if got != 201 || body["status"] != "issued" {
			t.Fatalf("issue: %d %v", got, body)
		}
		id, verify := body["id"].(string), body["verify_url"].(string)
		code := verify[strings.LastIndex(verify, "/")+1:]
		// Only the signer of the office signs.
		for _, role := range []auth.Role{auth.Officer, auth.Specialist, auth.Leader, auth.Admin, auth.Auditor} {
			if got, _ := e.api(role, "POST", "/api/v1/documents/"+id+"/sign", ""); got != 403 {
				t.Errorf("%s signs: %d", role, got)
			}
		}
		got, body = e.api(auth.Signer, "POST", "/api/v1/documents/"+id+"/sign", "")
		if got != 200 || body["status"] != "signed" {
			t.Fatalf("sign: %d %v", got, body)
		}
		resp, pdf := e.do(nil, "GET", "/api/v1/documents/"+id+"/file.pdf", nil, map[string]string{"Authorization": "Bearer " + e.tokens[auth.Officer]})
		if resp.StatusCode != 200 || !pdftest.ValidSignature(t, []byte(pdf)) {
			t.Fatalf("signed file: %d\n%s", resp.StatusCode, pdftest.Sig(t, []byte(pdf)))
		}
		if text := pdftest.Text(t, []byte(pdf)); !strings.Contains(text, "TRÍCH LỤC KHAI SINH") || !strings.Contains(text, verify) {
			t.Fatalf("signed file text: %s", text)
		}
		// Anyone can check it: by code, and by uploading the file (raw or as a form).
		if got, body := e.api("", "GET", "/api/v1/verify/"+code, ""); got != 200 || body["genuine"] != true || body["subject"] != "Nguyễn T. Đ." {
			t.Fatalf("check: %d %v", got, body)
		}
		resp, out := e.do(nil, "POST", "/api/v1/verify", strings.NewReader(pdf), map[string]string{"Content-Type": "application/pdf"})
		if resp.StatusCode != 200 || !strings.Contains(out, `"issued":true`) || !strings.Contains(out, `"signature_valid":true`) {
			t.Fatalf("upload: %d %s", resp.StatusCode, out)
		}
		tampered := strings.Replace(pdf, "/Title", "/Xitle", 1)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "x.pdf")
		fw.Write([]byte(tampered))
		mw.Close()
		resp, out = e.do(nil, "POST", "/api/v1/verify", &form, map[string]string{"Content-Type": mw.FormDataContentType()})
		if resp.StatusCode != 200 || !strings.Contains(out, `"issued":false`) || !strings.Contains(out, `"signature_valid":false`) {
			t.Fatalf("tampered upload: %d %s", resp.StatusCode, out)
		}
		// Revocation shows on the public page, in fixed words: never the office's own reason.
		if got, _ := e.api(auth.Signer, "POST", "/api/v1/documents/"+id+"/revoke", `{"reason": "Cấp nhầm người"}`); got != 200 {
			t.Fatalf("revoke: %d", got)
		}
		resp, page := e.do(nil, "GET", "/verify/"+code, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Văn bản đã bị thu hồi") || strings.Contains(page, "Cấp nhầm người") || strings.Contains(page, "Nguyễn Thị Đào") {
			t.Fatalf("verify page after revocation: %d", resp.StatusCode)
		}
		if resp, _ := e.do(nil, "GET", "/verify/NOSUCHCODE", nil, nil); resp.StatusCode != 404 {
			t.Fatalf("unknown code: %d", resp.StatusCode)
		}
		_, body = e.api(auth.Leader, "GET", "/api/v1/reports/signed", "")
		if body["issued"] != 1.0 || body["signed"] != 1.0 {
			t.Fatalf("signed share: %v", body)
		}
	})
}

func TestKeysPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		key := "JBSWY3DPEHPK3PXP"
		setTOTP(t, st, "quantri", key)
		a := e.loginTOTP("quantri", key)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		mw.WriteField("office", "21028")
		mw.WriteField("action", "demo")
		mw.Close()
		resp, _ := e.do(a, "POST", "/keys", &form, map[string]string{"Content-Type": mw.FormDataContentType()})
		if resp.StatusCode != 303 {
			t.Fatalf("demo key: %d", resp.StatusCode)
		}
		_, page := e.do(a, "GET", "/keys", nil, nil)
		if !strings.Contains(page, "DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ") {
			t.Fatal("keys page does not show the demo key as a demo")
		}
		if resp, _ := e.do(e.login("chutich"), "GET", "/keys", nil, nil); resp.StatusCode != 403 {
			t.Fatalf("signer on keys page: %d", resp.StatusCode)
		}
	})
}

func TestImportPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		key := "JBSWY3DPEHPK3PXP"
		setTOTP(t, e.store, "quantri", key)
		a := e.loginTOTP("quantri", key)
		csvText := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n" +
			"birth,21025,1,2025,2025-03-05,Phạm Gia Bảo,male,2025-02-01,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n" +
			"birth,21025,2,2025,2025-03-05,Phạm Gia Huy,male,2025-02-30,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n"
		upload := func(c *http.Client) *http.Response {
			var form bytes.Buffer
			mw := multipart.NewWriter(&form)
			fw, _ := mw.CreateFormFile("file", "so.csv")
			fw.Write([]byte(csvText))
			mw.Close()
			resp, _ := e.do(c, "POST", "/imports", &form, map[string]string{"Content-Type": mw.FormDataContentType()})
			return resp
		}
		if resp := upload(e.login("canbo")); resp.StatusCode != 403 {
			t.Fatalf("officer imports: %d", resp.StatusCode)
		}
		if resp := upload(a); resp.StatusCode != 303 {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		_, page := e.do(a, "GET", "/imports", nil, nil)
		id := jobID(t, page)
		var frag string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			_, frag = e.do(a, "GET", "/imports/"+id, nil, nil)
			if strings.Contains(frag, `class="import-status import-done"`) {
				break
			}
		}
		if !strings.Contains(frag, `<td class="import-read">2 / 2</td>`) || !strings.Contains(frag, `<td class="import-inserted">1</td>`) || !strings.Contains(frag, `<td class="import-rejected">1`) {
			t.Fatalf("progress: %s", frag)
		}
		_, report := e.do(a, "GET", "/imports/"+id+"/report.csv", nil, nil)
		if !strings.Contains(report, "3,") || !strings.Contains(report, "date_of_birth") {
			t.Fatalf("report: %s", report)
		}
	})
}

// The imports list is the journal's: an import from the command line is listed with the
// page's, the list filters by status and by who, and exports what it shows; a file name with
// Vietnamese letters names the refused rows' report.
func TestImportsListAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		a := e.admin()
		row := "birth,21025,%d,2025,05/03/2025,Phạm Gia Bảo,male,%s,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n"
		head := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n"
		e.uploadImport(a, "/imports", "Sổ khai sinh 2025.csv", []byte(head+fmt.Sprintf(row, 1, "01/02/2025")+fmt.Sprintf(row, 2, "30/02/2025")))
		// As `tuphap import` records its run.
		cli, err := e.svc.Imports.Begin(ctx, legacy.Import{File: "so-cu.xlsx", By: "cli:root"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Imports.Track(ctx, cli.ID, func(io.Writer, func(legacy.Progress)) (legacy.Progress, error) {
			return legacy.Progress{Read: 3, Inserted: 3}, nil
		}); err != nil {
			t.Fatal(err)
		}
		var page string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, page = e.do(a, "GET", "/imports?status=done", nil, nil); strings.Count(page, `class="import-status import-done"`) == 2 {
				break
			}
		}
		if !strings.Contains(page, "Sổ khai sinh 2025.csv") || !strings.Contains(page, "so-cu.xlsx") || !strings.Contains(page, "cli:root") {
			t.Fatalf("the imports done: %s", page)
		}
		if _, page := e.do(a, "GET", "/imports?by=cli:root", nil, nil); strings.Contains(page, "Sổ khai sinh 2025.csv") || !strings.Contains(page, "so-cu.xlsx") {
			t.Errorf("the command line's imports list the page's")
		}
		if _, page := e.do(a, "GET", "/imports?order=oldest", nil, nil); strings.Index(page, "Sổ khai sinh 2025.csv") > strings.Index(page, "so-cu.xlsx") {
			t.Errorf("oldest first does not start with the page's import")
		}
		if _, page := e.do(a, "GET", "/imports?status=failed", nil, nil); strings.Contains(page, `id="job-`) {
			t.Errorf("failed imports listed")
		}
		if resp, body := e.do(a, "GET", "/imports?status=lost", nil, nil); resp.StatusCode != 400 || !strings.Contains(body, "Trạng thái không hợp lệ.") {
			t.Errorf("an unknown status: %d", resp.StatusCode)
		}
		resp, body := e.do(a, "GET", "/export/imports?format=csv&status=done", nil, nil)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if resp.StatusCode != 200 || err != nil || !strings.HasPrefix(body, "\ufeff") || len(rows) != 3 || rows[0][0] != "Tệp" {
			t.Fatalf("export (%d, %v): %q", resp.StatusCode, err, rows)
		}
		if got := strings.Join(rows[2][:9], "|"); !strings.HasPrefix(got, "Sổ khai sinh 2025.csv|quantri|") || !strings.HasSuffix(got, "|Đã xong|2|1|0|1") {
			t.Errorf("the page's import exported as %q", got)
		}
		_, page = e.do(a, "GET", "/imports?by=quantri", nil, nil)
		resp, report := e.do(a, "GET", "/imports/"+jobID(t, page)+"/report.csv", nil, nil)
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename*=utf-8''S%E1%BB%95%20khai%20sinh%202025.csv.rejected.csv` || !strings.HasPrefix(report, "line,reason\n3,") {
			t.Errorf("the report: %s %q", cd, report)
		}
		if resp, _ := e.do(e.login("canbo"), "GET", "/export/imports?format=csv", nil, nil); resp.StatusCode != 403 {
			t.Errorf("an officer exports the imports: %d", resp.StatusCode)
		}
	})
}

// An import started from the page runs on the server's context: at shutdown it stops at its
// next batch, writes what it has, and Shutdown returns once it has; its report is read while it
// is written (under -race in CI).
func TestImportStopsAtShutdown(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	key := "JBSWY3DPEHPK3PXP"
	setTOTP(t, e.store, "quantri", key)
	a := e.loginTOTP("quantri", key)
	var file strings.Builder
	file.WriteString("kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n")
	for i := 1; i <= 20000; i++ {
		dob := "2026-02-30" // every tenth row is rejected, so that the report grows as it runs
		if i%10 != 0 {
			dob = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%3000).Format("2006-01-02")
		}
		fmt.Fprintf(&file, "birth,21025,%d,2011,2011-03-05,Phạm Gia Bảo %d,male,%s,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n", i, i, dob)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "so.csv")
	fw.Write([]byte(file.String()))
	mw.Close()
	if resp, _ := e.do(a, "POST", "/imports", &form, map[string]string{"Content-Type": mw.FormDataContentType()}); resp.StatusCode != 303 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, page := e.do(a, "GET", "/imports", nil, nil)
	id := jobID(t, page)
	if !strings.Contains(page, `<progress max="100" value="`) || !strings.Contains(page, " / 20000</td>") {
		t.Error("the running import shows no progress bar against its 20,000 rows")
	}
	_, _ = e.do(a, "GET", "/imports/"+id+"/report.csv", nil, nil) // read while it is written
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.web.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	// Shutdown returned: the job has ended, stopped by it before its end, and says how to go on.
	_, frag := e.do(a, "GET", "/imports/"+id, nil, nil)
	if strings.Contains(frag, "hx-trigger") || !strings.Contains(frag, "Đã dừng giữa chừng (nhập lại cùng tệp để tiếp tục)") {
		t.Fatalf("the job after shutdown: %s", frag)
	}
	if n, err := registration.NewRecords(e.store).CountRecords(ctx); err != nil || n >= 18000 {
		t.Fatalf("entries after shutdown: %d %v", n, err)
	}
	if _, report := e.do(a, "GET", "/imports/"+id+"/report.csv", nil, nil); !strings.HasPrefix(report, "line,reason") {
		t.Fatalf("report: %.200s", report)
	}
}

// The address printed on a document and in its QR code is the configured public address: a
// request with a forged Host header cannot put another site on a signed certificate.
func TestForgedHostDoesNotReachPaper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		recID := body["id"].(string)
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/records/"+recID+"/extracts", nil)
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		req.Header.Set("Authorization", "Bearer "+e.tokens[auth.Officer])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("issue: %d", resp.StatusCode)
		}
		docs := e.documents("", recID)
		if len(docs) != 1 || !strings.HasPrefix(docs[0].VerifyURL, e.srv.URL+"/verify/") {
			t.Fatalf("documents: %+v", docs)
		}
		d := e.document(docs[0].ID)
		if codes := pdftest.QRCodes(t, d.PDF, 150); len(codes) != 1 || codes[0] != docs[0].VerifyURL {
			t.Fatalf("QR code says %v, want %s", codes, docs[0].VerifyURL)
		}
		if text := pdftest.Text(t, d.PDF); strings.Contains(text, "evil") {
			t.Fatalf("the forged host is on paper: %s", text)
		}
	})
}

// Bad files sent to the public check are refused at once with a clear message: junk in the frame
// of a PDF (which took 18 s of CPU before), no file, and a file over the limit.
func TestVerifyRefusesBadFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		junk := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0}, 60<<10)...)
		for _, c := range []struct {
			name   string
			body   []byte
			status int
			says   string
		}{
			{"junk", junk, 400, "không phải là tệp PDF hợp lệ"},
			{"text", []byte("hello"), 400, "không phải là tệp PDF hợp lệ"},
			{"empty", nil, 400, "Hãy chọn một tệp PDF"},
			{"too large", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1<<20)...), 413, "quá lớn"},
		} {
			resp, out := e.do(nil, "POST", "/api/v1/verify", bytes.NewReader(c.body), map[string]string{"Content-Type": "application/pdf"})
			if resp.StatusCode != c.status || !strings.Contains(out, c.says) {
				t.Errorf("%s: %d %s", c.name, resp.StatusCode, out)
			}
			var form bytes.Buffer
			mw := multipart.NewWriter(&form)
			fw, _ := mw.CreateFormFile("file", "x.pdf")
			fw.Write(c.body)
			mw.Close()
			resp, page := e.do(nil, "POST", "/verify", &form, map[string]string{"Content-Type": mw.FormDataContentType()})
			if resp.StatusCode != c.status || !strings.Contains(page, c.says) {
				t.Errorf("%s as a form: %d", c.name, resp.StatusCode)
			}
		}
	})
}

// An unwanted copy is cancelled with its reason; the signer signs the rest of the queue at once
// from the list, and is told which could not be signed and why.
func TestCancelAndSignMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.svc.Issuing.EnsureDemoKeys(ctx, []string{"21025"}); err != nil {
			t.Fatal(err)
		}
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		recID := body["id"].(string)
		var ids []string
		for range 4 {
			_, body := e.api(auth.Officer, "POST", "/api/v1/records/"+recID+"/extracts", "")
			ids = append(ids, body["id"].(string))
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/documents/"+ids[0]+"/cancel", `{"reason": ""}`); got != 400 {
			t.Fatalf("cancel without a reason: %d", got)
		}
		if got, body := e.api(auth.Officer, "POST", "/api/v1/documents/"+ids[0]+"/cancel", `{"reason": "Cấp thừa"}`); got != 200 || body["status"] != "cancelled" {
			t.Fatalf("cancel: %d %v", got, body)
		}
		officer := e.login("canbo")
		resp, _ := e.postForm(officer, "/documents/"+ids[1]+"/cancel", url.Values{"reason": {"Người yêu cầu không lấy nữa"}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel from the page: %d", resp.StatusCode)
		}
		if _, page := e.do(officer, "GET", "/documents/"+ids[1], nil, nil); !strings.Contains(page, "Đã hủy (chưa ký)") || !strings.Contains(page, "Người yêu cầu không lấy nữa") {
			t.Fatal("the cancelled document's page")
		}
		d1 := e.document(ids[1])
		if resp, page := e.do(nil, "GET", "/verify/"+d1.Code, nil, nil); resp.StatusCode != 200 || !strings.Contains(page, "Văn bản đã bị hủy trước khi ký") {
			t.Fatalf("public check of a cancelled document: %d", resp.StatusCode)
		}
		// The queue: two waiting, chosen along with a cancelled one.
		signer := e.login("chutich")
		_, page := e.do(signer, "GET", "/documents", nil, nil)
		if strings.Count(page, `name="id"`) != 2 || !strings.Contains(page, `id="sign-selected"`) || strings.Contains(page, "canbo") {
			t.Fatalf("queue page: %s", page)
		}
		resp, page = e.postForm(signer, "/documents/sign", url.Values{"id": {ids[0], ids[2], ids[3]}}, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Đã ký số 2 văn bản.") || !strings.Contains(page, "Văn bản không ở trạng thái chờ ký.") {
			t.Fatalf("sign many: %d %s", resp.StatusCode, page)
		}
		for _, id := range ids[2:] {
			d := e.document(id)
			if d.Status != issuing.StatusSigned || !pdftest.ValidSignature(t, d.SignedPDF) {
				t.Fatalf("%s: %s", id, d.Status)
			}
		}
		if got, body := e.api(auth.Signer, "POST", "/api/v1/documents/sign", `{"ids": ["`+ids[2]+`"]}`); got != 200 || body["signed"] != 0.0 || body["failed"] != 1.0 {
			t.Fatalf("sign again through the API: %d %v", got, body)
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/documents/sign", `{"ids": ["`+ids[2]+`"]}`); got != 403 {
			t.Fatalf("an officer signs many: %d", got)
		}
	})
}

// A document replaced by a later version of its entry (here: the personal ID number that the
// population database sent) says why on its page and offers a new copy; while the number is
// awaited, the entry's page warns before issuing.
func TestReplacedDocumentSaysWhy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		recID := body["id"].(string)
		officer := e.login("canbo")
		if _, page := e.do(officer, "GET", "/records/"+recID, nil, nil); !strings.Contains(page, `id="pid-pending"`) || !strings.Contains(page, "Đang chờ Cơ sở dữ liệu quốc gia về dân cư") {
			t.Fatal("the entry's page does not warn that the personal ID number is awaited")
		}
		_, body = e.api(auth.Officer, "POST", "/api/v1/records/"+recID+"/extracts", "")
		docID := body["id"].(string)
		// The number arrives as the outbox worker records it: a supplement by the linked procedure.
		r, err := registration.NewRecords(e.store).Record(ctx, recID)
		if err != nil {
			t.Fatal(err)
		}
		next := r
		b := *r.Birth
		b.Child.PersonalID = "051326001234"
		next.Birth = &b
		if err := e.svc.Registration.AddVersion(ctx, &next, r.Version, civil.Version{Change: civil.Supplement, Fields: []string{"child.personal_id"},
			Reason: "Số định danh cá nhân do Cơ sở dữ liệu quốc gia về dân cư cấp"}, audit.Linked); err != nil {
			t.Fatal(err)
		}
		_, page := e.do(officer, "GET", "/documents/"+docID, nil, nil)
		for _, want := range []string{"Đã được thay thế", "phiên bản 1", "Số định danh cá nhân (Người được khai sinh)", "Hệ thống liên thông", `id="reissue"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the replaced document's page lacks %q", want)
			}
		}
		for _, internal := range []string{"child.personal_id", "canbo", ">21025<"} {
			if strings.Contains(page, internal) {
				t.Errorf("the document page shows %q", internal)
			}
		}
		resp, _ := e.postForm(officer, "/records/"+recID+"/extracts", nil, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reissue: %d", resp.StatusCode)
		}
		if docs := e.documents(issuing.StatusIssued, recID); len(docs) != 1 || docs[0].RecordVersion != 2 {
			t.Fatalf("new copy: %+v", docs)
		}
	})
}

// A register saved by an old tool (TCVN3, semicolons) is read as Vietnamese from the page, which
// says how it read it; bytes in no known encoding are refused with the reason, in Vietnamese.
func TestImportPageLegacyFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		a := e.admin()
		text := "kind;office;number;year;registered_on;full_name;sex;date_of_birth;place_of_birth;ethnicity;nationality;mother_name;requester_name;requester_relation\n" +
			"khai sinh;21025;4;2019;05/03/2019;Võ Thị Ánh Nguyệt;nữ;01/02/2019;Trạm y tế xã Nghĩa Kỳ;Kinh;Việt Nam;Đặng Thị Út;Đặng Thị Út;mẹ\n"
		upload := func(file []byte) (*http.Response, string) { return e.uploadImport(a, "/imports", "so-cu.csv", file) }
		if resp, _ := upload(tcvn3(t, text)); resp.StatusCode != 303 {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		var page string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			_, page = e.do(a, "GET", "/imports", nil, nil)
			if strings.Contains(page, `class="import-status import-done"`) {
				break
			}
		}
		if !strings.Contains(page, "Đọc theo bảng mã tcvn3, phân cách bằng “;”.") || !strings.Contains(page, `<td class="import-inserted">1</td>`) {
			t.Fatalf("import page: %s", page)
		}
		_, list := e.api(auth.Specialist, "GET", "/api/v1/records?q=vo+thi+anh+nguyet", "")
		if !strings.Contains(fmt.Sprint(list), "Võ Thị Ánh Nguyệt") {
			t.Errorf("the entry as stored: %v", list)
		}
		resp, body := upload([]byte("kind,office\n\x81\x8d\x8f\x90\x9d\xa0\xa4\xa6\x81\x8d\x8f\x90 \x81\x9d\x90\x8f\n"))
		if resp.StatusCode != 400 || !strings.Contains(body, "Không đọc được tệp: không nhận ra bảng mã của tệp") {
			t.Errorf("unknown encoding: %d %s", resp.StatusCode, body)
		}
	})
}

// The preview shows the first rows as they would be stored (decoded, dates read, names
// cleaned) and why a row would be refused, and stores nothing.
func TestImportPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		a := e.admin()
		resp, page := e.uploadImport(a, "/imports/preview", "so-cu.csv", tcvn3(t, previewRegister))
		if resp.StatusCode != 200 {
			t.Fatalf("preview: %d %s", resp.StatusCode, page)
		}
		for _, want := range []string{"Xem trước: so-cu.csv", "Đọc theo bảng mã tcvn3, phân cách bằng “;”.", "Đây là 2 dòng đầu như sẽ được lưu",
			`<strong class="preview-name">Ksor H&#39;Bia</strong>`, "Ngày, tháng, năm sinh: 01/02/2019", "mẹ: Đặng Thị Út", "Sẽ nhập", "ghi theo kiểu tháng/ngày/năm"} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		if _, list := e.api(auth.Specialist, "GET", "/api/v1/records?q=ksor", ""); fmt.Sprint(list["total"]) != "0" {
			t.Errorf("a preview stored entries: %v", list)
		}
	})
}

// previewRegister is a register with a Gia Rai name written in lower case and a row dated
// month first, as the preview tests feed it.
const previewRegister = "kind;office;number;year;registered_on;full_name;sex;date_of_birth;place_of_birth;ethnicity;nationality;mother_name;requester_name;requester_relation\n" +
	"khai sinh;21025;4;2019;05/03/2019;ksor h'bia;nữ;01/02/2019;Trạm y tế xã Nghĩa Kỳ;Gia Rai;Việt Nam;Đặng Thị Út;Đặng Thị Út;mẹ\n" +
	"khai sinh;21025;5;2019;03/25/2019;Lê Văn Tám;nam;01/02/2019;Trạm y tế;Kinh;Việt Nam;Hồ Thị Sen;Hồ Thị Sen;mẹ\n"

// admin logs the administrator in, with the second factor that their role requires.
func (e *env) admin() *http.Client {
	e.t.Helper()
	const key = "JBSWY3DPEHPK3PXP"
	setTOTP(e.t, e.store, "quantri", key)
	return e.loginTOTP("quantri", key)
}

// tcvn3 encodes text as the ABC-font tools wrote it, with glibc's iconv (not our decoder).
func tcvn3(t *testing.T, text string) []byte {
	t.Helper()
	cmd := exec.Command("iconv", "-f", "UTF-8", "-t", "TCVN5712-1")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("iconv: %v", err)
	}
	return out
}

// uploadImport posts a register file to the import form (or its preview).
func (e *env) uploadImport(c *http.Client, action, name string, file []byte) (*http.Response, string) {
	e.t.Helper()
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	return e.do(c, "POST", action, &form, map[string]string{"Content-Type": mw.FormDataContentType()})
}

// A signer's documents list starts with what awaits signature, and so does its export; "all"
// exports every status.
func TestSignerExportMatchesTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.svc.Issuing.EnsureDemoKeys(ctx, []string{"21025"}); err != nil {
			t.Fatal(err)
		}
		_, rec := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		var ids []string
		for range 2 {
			_, d := e.api(auth.Officer, "POST", "/api/v1/records/"+rec["id"].(string)+"/extracts", "")
			ids = append(ids, d["id"].(string))
		}
		if code, body := e.api(auth.Signer, "POST", "/api/v1/documents/"+ids[0]+"/sign", ""); code != 200 {
			t.Fatalf("sign: %d %v", code, body)
		}
		c := e.login("chutich")
		rows := func(query string) int {
			t.Helper()
			resp, body := e.do(c, "GET", "/export/documents?format=csv"+query, nil, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("export%s: %d", query, resp.StatusCode)
			}
			return strings.Count(body, "\r\n") - 1
		}
		if n := rows(""); n != 1 {
			t.Errorf("the signer's export has %d documents, the list shows the 1 awaiting signature", n)
		}
		if n := rows("&status=all"); n != 2 {
			t.Errorf("every status: %d documents, want 2", n)
		}
	})
}

// jobID is the id of the newest import on the imports page.
func jobID(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`id="job-([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no import on the page: %.3000s", page)
	}
	return m[1]
}

// A copy of an extract asked for after the registration's day (Law 60/2014 art. 64) is issued
// from the entry's page with who asked for it, and settles its dossier BSTL, which the
// document's page links to; through the API, a dossier code that is not found is refused in
// Vietnamese and nothing is issued.
func TestCopyOfAnExtractFromThePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		st.Now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		st.Now = time.Now
		recID := body["id"].(string)
		officer := e.login("canbo")
		_, page := e.do(officer, "GET", "/records/"+recID, nil, nil)
		if !strings.Contains(page, `id="copy-applicant"`) || !strings.Contains(page, "Cấp bản sao trích lục theo yêu cầu") {
			t.Fatalf("the entry's page has no form for a copy")
		}
		resp, _ := e.postForm(officer, "/records/"+recID+"/extracts", url.Values{"applicant": {"Trần Thị Lan"}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("copy: %d", resp.StatusCode)
		}
		_, page = e.do(officer, "GET", resp.Header.Get("Location"), nil, nil)
		i := strings.Index(page, `id="document-dossier"`)
		if i < 0 {
			t.Fatalf("the copy's page links no dossier")
		}
		href := page[strings.LastIndex(page[:i], `href="`)+6 : i-2]
		_, dossierPage := e.do(officer, "GET", href, nil, nil)
		for _, want := range []string{"Cấp bản sao trích lục hộ tịch", "Trần Thị Lan", "Đã giải quyết"} {
			if !strings.Contains(dossierPage, want) {
				t.Errorf("the copy's dossier page (%s) lacks %q", href, want)
			}
		}
		code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+recID+"/extracts", `{"dossier": "KHONG-CO"}`)
		if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "Không tìm thấy hồ sơ") {
			t.Fatalf("an unknown dossier: %d %v", code, body)
		}
		if docs := e.documents(issuing.StatusIssued, recID); len(docs) != 1 {
			t.Fatalf("%d documents after the refused copy, want 1", len(docs))
		}
	})
}
