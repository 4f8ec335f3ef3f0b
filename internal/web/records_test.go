package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

func birthJSON(office, child, dob, mother string, extra string) string {
	return fmt.Sprintf(`{"office": %q, "registered_on": "2026-03-01", "registered_on_reason": "Nhập lại từ sổ giấy",
		"child": {"full_name": %q, "sex": "female", "date_of_birth": %q, "place_of_birth": "Bệnh viện Đa khoa tỉnh Quảng Ngãi", "ethnicity": "Kinh", "nationality": "Việt Nam", "hometown": "Xã Bình Sơn"},
		"mother": {"full_name": %q, "date_of_birth": "1995-04-12"}, "father": null,
		"requester": {"full_name": %q, "relation": "mẹ"}%s}`, office, child, dob, mother, mother, extra)
}

func TestRecordsAPIByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// Who may register a birth in commune 21025 (the officer's own) and in 21028.
		tests := []struct {
			role   auth.Role
			office string
			want   int
		}{
			{auth.Officer, "21025", 201},
			{auth.Officer, "21028", 404}, // another commune: not even told it exists
			{auth.Specialist, "21028", 201},
			{auth.Signer, "21025", 403},
			{auth.Leader, "21025", 403},
			{auth.Admin, "21025", 403},
			{auth.Auditor, "21025", 403},
			{"", "21025", 401},
		}
		ids := map[string]string{}
		for i, tt := range tests {
			child := fmt.Sprintf("Nguyễn Thị %c", 'A'+i)
			got, body := e.api(tt.role, "POST", "/api/v1/births", birthJSON(tt.office, child, "2026-02-01", fmt.Sprintf("Mẹ Thị %c", 'A'+i), ""))
			if got != tt.want {
				t.Fatalf("%s registering in %s: %d %v", tt.role, tt.office, got, body)
			}
			if got == 201 {
				reg := body["register"].(map[string]any)
				if body["type"] != "birth" || reg["book"] != "01" || reg["year"].(float64) != 2026 || body["child"].(map[string]any)["full_name"] != child {
					t.Fatalf("201 body: %v", body)
				}
				ids[tt.office] = body["id"].(string)
			}
		}
		// Reading: the officer sees their commune's entry and not the other's.
		for _, tt := range []struct {
			role auth.Role
			id   string
			want int
		}{
			{auth.Officer, ids["21025"], 200}, {auth.Officer, ids["21028"], 404}, {auth.Signer, ids["21025"], 200},
			{auth.Leader, ids["21028"], 200}, {auth.Admin, ids["21025"], 403}, {auth.Auditor, ids["21025"], 403},
			{auth.Leader, "no-such-id", 404},
		} {
			if got, body := e.api(tt.role, "GET", "/api/v1/records/"+tt.id, ""); got != tt.want {
				t.Errorf("%s reading %s: %d %v", tt.role, tt.id, got, body)
			}
		}
		_, body := e.api(auth.Officer, "GET", "/api/v1/records?q=nguyen+thi", "")
		if body["total"].(float64) != 1 {
			t.Fatalf("officer search sees %v entries", body["total"])
		}
		_, body = e.api(auth.Leader, "GET", "/api/v1/records?q=nguyen+thi", "")
		items := body["items"].([]any)
		if body["total"].(float64) != 2 || items[0].(map[string]any)["register"] == nil {
			t.Fatalf("leader search: %v", body)
		}
		if got, _ := e.api(auth.Leader, "GET", "/api/v1/records?type=wedding", ""); got != 400 {
			t.Fatalf("bad type: %d", got)
		}
	})
}

func TestBirthAPIValidationAndDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		got, body := e.api(auth.Officer, "POST", "/api/v1/births", `{"office": "21025", "child": {"full_name": "", "sex": "x", "date_of_birth": "2099-01-01"},
			"mother": {"full_name": "Trần Thị Lan", "date_of_birth": "2099-02-01", "personal_id": "123"}, "requester": {}}`)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		for _, f := range []string{"child.full_name", "child.sex", "child.date_of_birth", "child.place_of_birth", "mother.personal_id", "requester.full_name"} {
			if fields[f] == nil {
				t.Errorf("no message for %s", f)
			}
		}
		if got != 400 || !strings.Contains(fmt.Sprint(fields["child.date_of_birth"]), "tương lai") {
			t.Fatalf("validation: %d %v", got, body)
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/births", `{"office": "21025", "child": {"full_nam": "x"}}`); got != 400 {
			t.Fatalf("unknown field: %d", got)
		}
		if got, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", "")); got != 201 {
			t.Fatalf("first: %d %v", got, body)
		}
		got, body = e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "nguyen thi dao", "2026-02-02", "tran thi lan", ""))
		errBody := body["error"].(map[string]any)
		cands, _ := errBody["candidates"].([]any)
		if got != 409 || errBody["code"] != "conflict" || len(cands) != 1 {
			t.Fatalf("duplicate: %d %v", got, body)
		}
		c := cands[0].(map[string]any)
		if c["score"].(float64) < 70 || len(c["reasons"].([]any)) == 0 || !strings.Contains(fmt.Sprint(c["reasons_text"]), "Cùng họ tên mẹ") {
			t.Fatalf("candidate: %v", c)
		}
		got, body = e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "nguyen thi dao", "2026-02-02", "tran thi lan",
			`, "confirm_not_duplicate": {"reason": "Khác người: đã đối chiếu giấy chứng sinh"}`))
		if got != 201 || body["child"].(map[string]any)["full_name"] != "Nguyen Thi Dao" {
			t.Fatalf("confirmed: %d %v", got, body)
		}
	})
}

func TestDeathAndAmendAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		death := `{"office": "21025", "registered_on": "2026-03-05", "registered_on_reason": "Nhập lại từ sổ giấy", "deceased": {"full_name": "Lê Văn Tám", "sex": "male", "date_of_birth": "1940-05-01", "personal_id": "051040000123"},
			"date_of_death": "2026-03-01", "place_of_death": "Tại nhà", "cause": "Bệnh già", "requester": {"full_name": "Lê Thị Hoa", "relation": "con"}}`
		got, body := e.api(auth.Officer, "POST", "/api/v1/deaths", death)
		if got != 201 || body["type"] != "death" || body["deceased"].(map[string]any)["personal_id"] != "051040000123" || body["late"] != false {
			t.Fatalf("death: %d %v", got, body)
		}
		id := body["id"].(string)
		if got, body := e.api(auth.Officer, "POST", "/api/v1/deaths", death); got != 409 {
			t.Fatalf("second death: %d %v", got, body)
		}
		amend := `{"change": "correction", "version": 1, "reason": "Sai nơi chết", "legal_basis": "Điều 28 Luật Hộ tịch 2014",
			"death": {"deceased": {"full_name": "Lê Văn Tám", "sex": "male", "date_of_birth": "1940-05-01", "personal_id": "051040000123"},
			"date_of_death": "2026-03-01", "place_of_death": "Bệnh viện Đa khoa tỉnh", "cause": "Bệnh già", "requester": {"full_name": "Lê Thị Hoa", "relation": "con"}}}`
		if got, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/amendments", amend); got != 200 || body["version"].(float64) != 2 {
			t.Fatalf("amend: %d %v", got, body)
		}
		if got, _ := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/amendments", amend); got != 409 {
			t.Fatalf("stale amend: %d", got)
		}
		_, body = e.api(auth.Leader, "GET", "/api/v1/records/"+id, "")
		hist := body["history"].([]any)
		if len(hist) != 2 || hist[1].(map[string]any)["reason"] != "Sai nơi chết" || body["place_of_death"] != "Bệnh viện Đa khoa tỉnh" {
			t.Fatalf("record: %v", body)
		}
		// The record's page shows what the correction changed, value by value.
		_, page := e.do(e.login("canbo"), "GET", "/records/"+id, nil, nil)
		if !strings.Contains(page, "<li>Nơi chết: <del>Tại nhà</del> → <ins>Bệnh viện Đa khoa tỉnh</ins></li>") {
			t.Errorf("the history does not show the place of death before and after:\n%s", page)
		}
		// A GET shows a preview and issues nothing (issue 13: the signer's queue filled with
		// identical extracts, and a link from another site could make an officer issue one).
		for i := 1; i <= 2; i++ {
			resp, pdf := e.do(nil, "GET", "/api/v1/records/"+id+"/extract.pdf", nil, map[string]string{"Authorization": "Bearer " + e.tokens[auth.Signer]})
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
				t.Fatalf("preview: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if text := pdftest.Text(t, []byte(pdf)); !strings.Contains(text, "Bản xem trước") || strings.Contains(text, "/verify/") {
				t.Fatalf("preview text: %s", text)
			}
		}
		if docs := e.documents("", id); len(docs) != 0 {
			t.Fatalf("previews issued %d documents", len(docs))
		}
		// Issuing is a POST; each copy is counted.
		for i := 1; i <= 2; i++ {
			if got, _ := e.api(auth.Signer, "POST", "/api/v1/records/"+id+"/extracts", ""); got != 201 {
				t.Fatalf("issue extract: %d", got)
			}
		}
		_, body = e.api(auth.Leader, "GET", "/api/v1/records/"+id, "")
		if body["extracts_issued"].(float64) != 2 {
			t.Fatalf("extracts counted: %v", body["extracts_issued"])
		}
		if resp, _ := e.do(nil, "GET", "/api/v1/records/"+id+"/extract.pdf", nil, map[string]string{"Authorization": "Bearer " + e.tokens[auth.Admin]}); resp.StatusCode != 403 {
			t.Fatalf("admin extract: %d", resp.StatusCode)
		}
	})
}

// The birth form: a bad form comes back with everything typed and every problem; a duplicate
// shows the candidates; a confirmation registers it.
func TestBirthFormFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/birth", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Tờ khai đăng ký khai sinh") || strings.Index(page, `name="requester.full_name"`) > strings.Index(page, `name="child.full_name"`) {
			t.Fatalf("form page: %d", resp.StatusCode)
		}
		form := url.Values{"registered_on": {"2026-03-01"}, "registered_on_reason": {"Nhập lại từ sổ giấy"}, "requester.full_name": {"Trần Thị Lan"}, "requester.relation": {"mẹ"},
			"child.full_name": {"Nguyễn Thị Đào"}, "child.date_of_birth": {"2026-02-30"}, "child.sex": {"female"}, "child.ethnicity": {"Kinh"},
			"child.nationality": {"Việt Nam"}, "child.place_of_birth": {"Bệnh viện tỉnh"}, "has_mother": {"on"}, "mother.full_name": {"Trần Thị Lan"},
			"mother.date_of_birth": {"1995-04-12"}}
		resp, page = e.postForm(c, "/records/births", form, nil)
		if resp.StatusCode != 400 || !strings.Contains(page, `value="Nguyễn Thị Đào"`) || !strings.Contains(page, "Ngày không hợp lệ") {
			t.Fatalf("bad date: %d", resp.StatusCode)
		}
		form.Set("child.date_of_birth", "2026-02-01")
		resp, _ = e.postForm(c, "/records/births", form, nil)
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/records/") {
			t.Fatalf("register: %d", resp.StatusCode)
		}
		resp, page = e.do(c, "GET", resp.Header.Get("Location"), nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Đã đăng ký: Số 1, Quyển số 01/2026") || !strings.Contains(page, "<dd>01/02/2026</dd>") {
			t.Fatalf("record page: %d", resp.StatusCode)
		}
		// The same child again.
		form.Set("child.full_name", "nguyen thi dao")
		resp, page = e.postForm(c, "/records/births", form, nil)
		if resp.StatusCode != 409 || !strings.Contains(page, `id="duplicates"`) || !strings.Contains(page, "Cùng họ tên mẹ") {
			t.Fatalf("duplicate: %d", resp.StatusCode)
		}
		form.Set("confirm_not_duplicate", "1")
		form.Set("duplicate_reason", "Hai trẻ khác nhau")
		if resp, _ = e.postForm(c, "/records/births", form, nil); resp.StatusCode != 303 {
			t.Fatalf("confirmed: %d", resp.StatusCode)
		}
		// The list finds both, typed without diacritics.
		_, page = e.do(c, "GET", "/records?q=nguyen+thi+dao", nil, nil)
		if strings.Count(page, `<a href="/records/`) != 2 {
			t.Fatalf("list: %d links", strings.Count(page, `<a href="/records/`))
		}
		// htmx asks for the results table only.
		resp, part := e.do(c, "GET", "/records?q=dao", nil, map[string]string{"HX-Request": "true", "HX-Target": "results"})
		if resp.StatusCode != 200 || strings.Contains(part, "<html") || !strings.Contains(part, `id="results"`) {
			t.Fatalf("partial: %d", resp.StatusCode)
		}
		if resp, _ := e.do(e.login("kiemtoan"), "GET", "/records/new/birth", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("auditor form: %d", resp.StatusCode)
		}
	})
}

// A death registered from the person's birth entry is linked to it.
func TestDeathFromBirthPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Lê Thị Bé", "2026-02-01", "Hồ Thị Sen", ""))
		birthID := body["id"].(string)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/death?birth_record="+birthID, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, `value="Lê Thị Bé"`) || !strings.Contains(page, `name="birth_record" value="`+birthID+`"`) {
			t.Fatalf("death form from birth: %d", resp.StatusCode)
		}
		form := url.Values{"registered_on": {"2026-03-05"}, "registered_on_reason": {"Nhập lại từ sổ giấy"}, "birth_record": {birthID}, "requester.full_name": {"Hồ Thị Sen"}, "requester.relation": {"mẹ"},
			"deceased.full_name": {"Lê Thị Bé"}, "deceased.sex": {"female"}, "deceased.date_of_birth": {"2026-02-01"},
			"date_of_death": {"2026-03-01"}, "place_of_death": {"Bệnh viện Sản Nhi"}, "cause": {"Bệnh"}}
		resp, _ = e.postForm(c, "/records/deaths", form, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("death: %d", resp.StatusCode)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/records/"), "?new=1")
		_, body = e.api(auth.Leader, "GET", "/api/v1/records/"+id, "")
		if body["birth_record"] != birthID {
			t.Fatalf("death not linked: %v", body["birth_record"])
		}
		// A department specialist may open it too (the whole province is theirs).
		if resp, _ := e.do(e.login("chuyenvien"), "GET", "/records/new/death?birth_record="+birthID, nil, nil); resp.StatusCode != 200 {
			t.Fatalf("specialist: %d", resp.StatusCode)
		}
		// A second death of the same person is refused outright: the form says why and offers
		// no "not a duplicate" override, which could never succeed; ticking it changes nothing.
		for _, tick := range []bool{false, true} {
			if tick {
				form.Set("confirm_not_duplicate", "1")
				form.Set("duplicate_reason", "không trùng")
			}
			resp, page := e.postForm(c, "/records/deaths", form, nil)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Việc khai tử của người này đã được đăng ký.") ||
				!strings.Contains(page, "không thể đăng ký khai tử lần thứ hai") || strings.Contains(page, `name="confirm_not_duplicate"`) {
				t.Errorf("second death (override ticked: %v): %d\n%s", tick, resp.StatusCode, page)
			}
		}
	})
}

// Every civil-status endpoint, every role: allowed (2xx), forbidden (403) or hidden (404).
func TestCivilEndpointsRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Phan Thị Ngọc", "2026-02-01", "Đỗ Thị Hằng", ""))
		id := body["id"].(string)
		death := func(name string) string {
			return fmt.Sprintf(`{"office": "21025", "registered_on": "2026-03-05", "registered_on_reason": "Nhập lại từ sổ giấy", "deceased": {"full_name": %q, "sex": "male", "date_of_birth": "1940-05-01"},
				"date_of_death": "2026-03-01", "place_of_death": "Tại nhà", "cause": "Bệnh già", "requester": {"full_name": "Lê Thị Hoa", "relation": "con"}}`, name)
		}
		amend := func(v int) string {
			return fmt.Sprintf(`{"change": "correction", "version": %d, "reason": "Sửa nơi cư trú", "legal_basis": "Điều 28", "birth": {"child": {"full_name": "Phan Thị Ngọc", "sex": "female",
				"date_of_birth": "2026-02-01", "place_of_birth": "Bệnh viện Đa khoa tỉnh Quảng Ngãi", "ethnicity": "Kinh", "nationality": "Việt Nam", "hometown": "Xã Bình Sơn",
				"residence": "Tổ %d"}, "mother": {"full_name": "Đỗ Thị Hằng", "date_of_birth": "1995-04-12"}, "requester": {"full_name": "Đỗ Thị Hằng", "relation": "mẹ"}}}`, v, v)
		}
		version := 1
		type call struct{ method, path, body string }
		roles := []auth.Role{auth.Officer, auth.Signer, auth.Specialist, auth.Leader, auth.Admin, auth.Auditor}
		for i, role := range roles {
			calls := []struct {
				c       call
				allowed []auth.Role
			}{
				{call{"GET", "/api/v1/records?q=phan", ""}, []auth.Role{auth.Officer, auth.Signer, auth.Specialist, auth.Leader}},
				{call{"GET", "/api/v1/records/" + id, ""}, []auth.Role{auth.Officer, auth.Signer, auth.Specialist, auth.Leader}},
				{call{"GET", "/api/v1/records/" + id + "/extract.pdf", ""}, []auth.Role{auth.Officer, auth.Signer, auth.Specialist, auth.Leader}},
				{call{"POST", "/api/v1/deaths", death(fmt.Sprintf("Lê Văn %c", 'A'+i))}, []auth.Role{auth.Officer, auth.Specialist}},
				{call{"POST", "/api/v1/records/" + id + "/amendments", ""}, []auth.Role{auth.Officer, auth.Specialist}},
			}
			for _, c := range calls {
				body := c.c.body
				if strings.HasSuffix(c.c.path, "/amendments") {
					body = amend(version)
				}
				h := map[string]string{"Authorization": "Bearer " + e.tokens[role], "Content-Type": "application/json"}
				var rd *strings.Reader
				if body != "" {
					rd = strings.NewReader(body)
				}
				var resp *http.Response
				if rd != nil {
					resp, _ = e.do(nil, c.c.method, c.c.path, rd, h)
				} else {
					resp, _ = e.do(nil, c.c.method, c.c.path, nil, h)
				}
				allowed := false
				for _, a := range c.allowed {
					allowed = allowed || a == role
				}
				ok := resp.StatusCode >= 200 && resp.StatusCode < 300
				if allowed != ok || !allowed && resp.StatusCode != 403 {
					t.Errorf("%s %s %s: %d (allowed %v)", role, c.c.method, c.c.path, resp.StatusCode, allowed)
				}
				if ok && strings.HasSuffix(c.c.path, "/amendments") {
					version++
				}
			}
		}
	})
}

// Text the store must never see is refused at the boundary with 400, the same on both engines
// (PostgreSQL answered 500 to a NUL or bytes that are not UTF-8, SQLite stored them); an
// over-long field is refused; uploads without a body are the caller's mistake.
func TestInputAtTheBoundary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		id := body["id"].(string)
		long := strings.Repeat("đ", 2001)
		for _, c := range []struct {
			name, method, path, body string
			want                     int
		}{
			{"NUL in a search", "GET", "/api/v1/records?q=nguyen%00", "", 400},
			{"not UTF-8 in a search", "GET", "/api/v1/records?q=%FF%FE", "", 400},
			{"NUL in an id", "GET", "/api/v1/records/" + id + "%00", "", 400},
			{"NUL in a name", "POST", "/api/v1/births", strings.Replace(birthJSON("21025", "Lê Văn Tám", "2026-02-02", "Hồ Thị Sen", ""), "Lê Văn Tám", `Lê Văn\u0000Tám`, 1), 400},
			{"not UTF-8 in a name", "POST", "/api/v1/births", strings.Replace(birthJSON("21025", "Lê Văn Tám", "2026-02-02", "Hồ Thị Sen", ""), "Lê Văn Tám", "L\xffê", 1), 400},
			{"a reason of 2,001 letters", "POST", "/api/v1/records/" + id + "/extracts", "", 201},
		} {
			got, out := e.api(auth.Officer, c.method, c.path, c.body)
			if got != c.want {
				t.Errorf("%s: %d %v, want %d", c.name, got, out, c.want)
			}
		}
		docs := e.documents("", id)
		if got, out := e.api(auth.Officer, "POST", "/api/v1/documents/"+docs[0].ID+"/cancel", `{"reason": "`+long+`"}`); got != 400 || !strings.Contains(fmt.Sprint(out), "2000") {
			t.Errorf("an over-long reason: %d %v", got, out)
		}
		// A form: the login name.
		resp, page := e.postForm(nil, "/login", url.Values{"username": {"canbo\x00"}, "password": {password}}, nil)
		if resp.StatusCode != 400 || !strings.Contains(page, "không hợp lệ") {
			t.Errorf("NUL in a login name: %d", resp.StatusCode)
		}
		// Uploads without a body.
		key := "JBSWY3DPEHPK3PXP"
		setTOTP(t, st, "quantri", key)
		admin := e.loginTOTP("quantri", key)
		for _, path := range []string{"/imports", "/keys"} {
			if resp, _ := e.do(admin, "POST", path, nil, nil); resp.StatusCode != 400 {
				t.Errorf("POST %s without a body: %d", path, resp.StatusCode)
			}
		}
		// A multipart field (the office of a key) and a form that is not one.
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		mw.WriteField("office", "21025\x00")
		mw.WriteField("action", "demo")
		mw.Close()
		if resp, _ := e.do(admin, "POST", "/keys", &form, map[string]string{"Content-Type": mw.FormDataContentType()}); resp.StatusCode != 400 {
			t.Errorf("NUL in a multipart field: %d", resp.StatusCode)
		}
		if resp, _ := e.do(nil, "POST", "/login", strings.NewReader("username=%zz"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); resp.StatusCode != 400 {
			t.Errorf("a form that does not parse: %d", resp.StatusCode)
		}
		// Nothing of it reached the store.
		if _, total, err := registration.NewRecords(st).SearchRecords(ctx, civil.Query{Limit: 10}); err != nil || total != 1 {
			t.Errorf("entries: %d %v", total, err)
		}
	})
}

// A suspected duplicate in another commune is shown masked, enough to decide (family name and
// initials, year, commune) but not who, where in which book, or a link; within one's commune in
// full; and the showing is audited (issue 15: an officer typing a name and a date of birth read
// another commune's entry, parents and register number included).
func TestDuplicateCandidatesOutsideJurisdictionMasked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// The department registers a birth in commune 21028.
		if got, body := e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "Nguyễn Thị Hồng Đào", "2026-02-01", "Trần Thị Lan", "")); got != 201 {
			t.Fatalf("birth in 21028: %d %v", got, body)
		}
		// An officer of 21025 submits the same child.
		got, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Hồng Đào", "2026-02-01", "Trần Thị Lan", ""))
		if got != 409 {
			t.Fatalf("duplicate: %d %v", got, body)
		}
		c := body["error"].(map[string]any)["candidates"].([]any)[0].(map[string]any)
		if c["masked"] != true || c["full_name"] != "Nguyễn T. H. Đ." || c["date_of_birth"] != "2026" || c["mother"] != "Trần T. L." ||
			c["id"] != "" || c["register"].(map[string]any)["number"] != 0.0 || c["office"] != "21028" {
			t.Fatalf("candidate from another commune: %v", c)
		}
		// The same check by the department shows it in full.
		got, body = e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "Nguyễn Thị Hồng Đào", "2026-02-01", "Trần Thị Lan", ""))
		c = body["error"].(map[string]any)["candidates"].([]any)[0].(map[string]any)
		if got != 409 || c["masked"] != nil || c["full_name"] != "Nguyễn Thị Hồng Đào" || c["id"] == "" {
			t.Fatalf("candidate within jurisdiction: %d %v", got, c)
		}
		entries, err := st.AuditEntries(ctx, store.AuditFilter{Action: "record.candidates"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("showings audited: %d %v", len(entries), err)
		}
	})
}

// Find anything from anything: a record's page links to the dossier its registration opened,
// the search box takes that dossier's receipt code, a register reference as officers write it,
// and a parent's name.
func TestFindAnythingFromAnything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		got, rec := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""))
		if got != 201 {
			t.Fatalf("birth: %d %v", got, rec)
		}
		id := rec["id"].(string)
		reg := rec["register"].(map[string]any)
		c := e.login("canbo")
		_, page := e.do(c, "GET", "/records/"+id, nil, nil)
		m := regexp.MustCompile(`href="/dossiers/([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9])"`).FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `id="record-dossiers"`) {
			t.Fatalf("the record page links to no dossier:\n%s", page)
		}
		code := m[1]
		resp, _ := e.do(c, "GET", "/records?q="+url.QueryEscape(" "+strings.ToLower(code)+" "), nil, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dossiers/"+code {
			t.Fatalf("a receipt code in the search box: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := e.do(c, "GET", "/records?q=nguyen+thi", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("a name whose letters could spell a code stays a name: %d", resp.StatusCode)
		}
		number, year := int(reg["number"].(float64)), int(reg["year"].(float64))
		for _, q := range []string{fmt.Sprintf("%d/%d", number, year), fmt.Sprintf("số %d quyển %s/%d", number, reg["book"], year),
			"mẹ: Trần Thị Lan", "me: tran thi"} {
			_, list := e.api(auth.Officer, "GET", "/api/v1/records?q="+url.QueryEscape(q), "")
			items, _ := list["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["id"] != id {
				t.Errorf("search %q: %v", q, list)
			}
		}
		if _, list := e.api(auth.Officer, "GET", "/api/v1/records?q="+url.QueryEscape(fmt.Sprintf("%d/%d", number, year-1)), ""); fmt.Sprint(list["total"]) != "0" {
			t.Errorf("another year's number: %v", list)
		}
	})
}

// Lists export as a clerk opens them: CSV in UTF-8 with a byte-order mark (else Excel shows
// "Nguyá»…n"), XLSX with dates as date cells; an officer's export holds only their commune, and
// exporting is audited once.
func TestListExports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, b := range []string{birthJSON("21025", "Nguyễn Thị Đào", "2026-02-01", "Trần Thị Lan", ""), birthJSON("21025", "Lê Văn Tám", "2026-02-03", "Hồ Thị Sen", ""),
			birthJSON("21028", "Phạm Gia Bảo", "2026-02-05", "Đỗ Thị Hà", "")} {
			if got, d := e.api(auth.Specialist, "POST", "/api/v1/births", b); got != 201 {
				t.Fatalf("birth: %d %v", got, d)
			}
		}
		c := e.login("canbo")
		_, page := e.do(c, "GET", "/records", nil, nil)
		if !strings.Contains(page, `href="/export/records?format=xlsx"`) {
			t.Errorf("the records page has no export link")
		}
		resp, body := e.do(c, "GET", "/export/records?format=csv", nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeffLoại,") {
			t.Fatalf("csv: %d %.80q", resp.StatusCode, body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("csv rows: %v %v", rows, err)
		}
		for _, row := range rows[1:] {
			if !regexp.MustCompile(`^\d{2}/\d{2}/\d{4}$`).MatchString(row[2]) || !regexp.MustCompile(`^\d{2}/\d{2}/\d{4}$`).MatchString(row[8]) {
				t.Errorf("CSV dates are not day first: %q", row)
			}
		}
		if !strings.Contains(body, "Nguyễn Thị Đào") || strings.Contains(body, "Phạm Gia Bảo") {
			t.Errorf("the officer's export holds another commune's entries, or not theirs:\n%s", body)
		}
		resp, body = e.do(c, "GET", "/export/records?format=xlsx&q=dao", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("xlsx: %d", resp.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		if v, _ := f.GetCellValue(sheet, "B2"); v != "Nguyễn Thị Đào" {
			t.Errorf("B2 = %q", v)
		}
		if raw, _ := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true}); raw != "46054" { // 1 February 2026
			t.Errorf("the date of birth is stored as %q, want the day number 46054", raw)
		}
		if shown, _ := f.GetCellValue(sheet, "C2"); shown != "01/02/2026" {
			t.Errorf("the date of birth shows as %q", shown)
		}
		// And as LibreOffice opens it.
		if calc := pdftest.Calc(t, "ho-tich.xlsx", []byte(body)); len(calc) != 2 || calc[1][1] != "Nguyễn Thị Đào" || calc[1][2] != "01/02/2026" || calc[0][0] != "Loại" {
			t.Errorf("LibreOffice shows %q", calc)
		}
		resp, body = e.do(c, "GET", "/export/dossiers?format=csv", nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeffMã hồ sơ,") {
			t.Errorf("dossiers csv: %d %.60q", resp.StatusCode, body)
		}
		// An applicant's name that Excel would run as a formula is written as text.
		if got, d := e.api(auth.Officer, "POST", "/api/v1/dossiers", `{"procedure": "GH", "applicant": "=HYPERLINK(\"http://x\")"}`); got != 201 {
			t.Fatalf("dossier: %d %v", got, d)
		}
		if _, body := e.do(c, "GET", "/export/dossiers?format=csv", nil, nil); !strings.Contains(body, `"'=HYPERLINK(""http://x"")"`) {
			t.Errorf("a formula in a CSV cell:\n%s", body)
		}
		if resp, _ := e.do(c, "GET", "/export/records?format=pdf", nil, nil); resp.StatusCode != 404 {
			t.Errorf("an unknown format: %d", resp.StatusCode)
		}
		_, audit := e.api(auth.Auditor, "GET", "/api/v1/audit?action=record.export", "")
		if entries, _ := audit["items"].([]any); len(entries) != 2 {
			t.Errorf("exports audited: %v", audit)
		}
		_, audit = e.api(auth.Auditor, "GET", "/api/v1/audit?action=dossier.export", "")
		if entries, _ := audit["items"].([]any); len(entries) != 2 {
			t.Errorf("dossier exports audited: %v", audit)
		}
	})
}

// A parent known by the year of birth alone, as the birth certificate records it, is accepted,
// shown as such, and kept through an amendment form (dates are text inputs, which hold it).
func TestParentYearOfBirthAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		body := strings.Replace(birthJSON("21025", "Võ Thị Hạnh", "2026-02-01", "Đinh Thị Xuân", ""), `"date_of_birth": "1995-04-12"`, `"date_of_birth": "1985"`, 1)
		got, rec := e.api(auth.Officer, "POST", "/api/v1/births", body)
		if got != 201 || rec["mother"].(map[string]any)["date_of_birth"] != "1985" {
			t.Fatalf("birth with the mother's year alone: %d %v", got, rec)
		}
		_, page := e.do(e.login("canbo"), "GET", "/records/"+rec["id"].(string)+"/amend", nil, nil)
		if !strings.Contains(page, `name="mother.date_of_birth" id="mother-date_of_birth" value="1985">`) {
			t.Errorf("the amendment form does not keep the year:\n%s", page)
		}
	})
}

// The records list is newest first, or first registered first when asked; an unknown order is
// refused on its field.
func TestRecordsListOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, name := range []string{"Lê Thị An", "Lê Thị Bình", "Lê Thị Cúc"} {
			if code, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", name, "2026-02-01", "Trần Thị Lan", "")); code != 201 {
				t.Fatalf("birth: %d %v", code, body)
			}
		}
		names := func(query string) string {
			t.Helper()
			code, body := e.api(auth.Officer, "GET", "/api/v1/records"+query, "")
			if code != 200 {
				t.Fatalf("%s: %d %v", query, code, body)
			}
			var out []string
			for _, it := range body["items"].([]any) {
				out = append(out, it.(map[string]any)["full_name"].(string))
			}
			return strings.Join(out, ", ")
		}
		if got := names(""); got != "Lê Thị Cúc, Lê Thị Bình, Lê Thị An" {
			t.Errorf("newest first: %s", got)
		}
		if got := names("?order=oldest&type=birth"); got != "Lê Thị An, Lê Thị Bình, Lê Thị Cúc" {
			t.Errorf("oldest first: %s", got)
		}
		if got := names("?type=marriage"); got != "" {
			t.Errorf("marriages: %s", got)
		}
		if code, _ := e.api(auth.Officer, "GET", "/api/v1/records?order=sideways", ""); code != 400 {
			t.Errorf("an unknown order: %d", code)
		}
		c := e.login("canbo")
		_, page := e.do(c, "GET", "/records?order=oldest", nil, nil)
		if !strings.Contains(page, `<option value="oldest" selected>`) || strings.Index(page, "Lê Thị An") > strings.Index(page, "Lê Thị Cúc") {
			t.Error("the page does not list oldest first")
		}
		// Register references as each language writes them.
		if !strings.Contains(page, "<td>Số 1, Quyển số 01/2026</td>") {
			t.Error("the list's register reference in Vietnamese")
		}
		e.postForm(c, "/lang", url.Values{"lang": {"en"}, "next": {"/"}}, nil)
		if _, page := e.do(c, "GET", "/records", nil, nil); !strings.Contains(page, "<td>No. 3, Book 01/2026</td>") {
			t.Error("the list's register reference in English")
		}
	})
}
