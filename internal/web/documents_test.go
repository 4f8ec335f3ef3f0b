package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/pdftest"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func TestDocumentsSignVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if err := e.web.DemoKeys(ctx, []string{"21025"}); err != nil {
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
		// Revocation shows on the public page.
		if got, _ := e.api(auth.Signer, "POST", "/api/v1/documents/"+id+"/revoke", `{"reason": "Cấp nhầm người"}`); got != 200 {
			t.Fatalf("revoke: %d", got)
		}
		resp, page := e.do(nil, "GET", "/verify/"+code, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Văn bản đã bị thu hồi") || !strings.Contains(page, "Cấp nhầm người") || strings.Contains(page, "Nguyễn Thị Đào") {
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
	e := newEnv(t, storetest.SQLite(t))
	st := e.store
	u, _ := st.UserByUsername(ctx, "quantri")
	key := "JBSWY3DPEHPK3PXP"
	st.SetTOTP(ctx, u, key, auditSystem)
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
}

func TestImportPage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	u, _ := e.store.UserByUsername(ctx, "quantri")
	key := "JBSWY3DPEHPK3PXP"
	e.store.SetTOTP(ctx, u, key, auditSystem)
	a := e.loginTOTP("quantri", key)
	csvText := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n" +
		"birth,21025,1,2026,2026-03-05,Phạm Gia Bảo,male,2026-02-01,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n" +
		"birth,21025,2,2026,2026-03-05,Phạm Gia Huy,male,2026-02-30,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n"
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
	i := strings.Index(page, `id="job-`)
	if i < 0 {
		t.Fatal("no job on the page")
	}
	id := page[i+8 : i+8+16]
	var frag string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, frag = e.do(a, "GET", "/imports/"+id, nil, nil)
		if strings.Contains(frag, "Đã xong.") {
			break
		}
	}
	if !strings.Contains(frag, `<dd class="import-inserted">1</dd>`) || !strings.Contains(frag, `<dd class="import-rejected">1`) {
		t.Fatalf("progress: %s", frag)
	}
	_, report := e.do(a, "GET", "/imports/"+id+"/report.csv", nil, nil)
	if !strings.Contains(report, "3,") || !strings.Contains(report, "date_of_birth") {
		t.Fatalf("report: %s", report)
	}
}
