package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tuphap/internal/auth"
	"tuphap/internal/pdftest"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// From a birth entry the officer opens the adoption form (the child filled in); an adoptive
// mother too young is refused with the article and what was typed kept; once registered, the
// birth entry shows the adoptive mother and the note, its correction form leaves her out, and
// a second adoption through the API is refused. An adoption of a child whose birth is not in
// the register has its certificate, and the leader's on-time report counts the dossiers NCN.
func TestAdoptionForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, born := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Lê Thị Na", "2020-06-01", "Lê Thị Hoa", ""))
		if code != http.StatusCreated {
			t.Fatalf("birth: %d %v", code, born)
		}
		id := born["id"].(string)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/adoption?birth_record="+id, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Tờ khai đăng ký việc nuôi con nuôi") || !strings.Contains(page, `value="Lê Thị Na"`) ||
			!strings.Contains(page, `name="child_consent"`) || !strings.Contains(page, "Cô, cậu, dì, chú, bác ruột") {
			t.Fatalf("the form from the birth entry (%d) is not filled", resp.StatusCode)
		}
		form := url.Values{"birth_record": {id}, "child.full_name": {"Lê Thị Na"}, "child.date_of_birth": {"01/06/2020"}, "child.sex": {"female"},
			"has_mother": {"on"}, "mother.full_name": {"Phạm Thị Lan"}, "mother.date_of_birth": {"07/07/2006"},
			"consent": {"Lê Thị Hoa (mẹ đẻ)"}, "consented_on": {"01/02/2026"}}
		resp, page = e.postForm(c, "/records/adoptions", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "hơn con nuôi từ 20 tuổi trở lên") || !strings.Contains(page, `value="Phạm Thị Lan"`) {
			t.Fatalf("a mother 14 years older: %d", resp.StatusCode)
		}
		form.Set("mother.date_of_birth", "07/07/1982")
		if resp, page := e.postForm(c, "/records/adoptions", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("adoption: %d %s", resp.StatusCode, page)
		}
		_, page = e.do(c, "GET", "/records/"+id, nil, nil)
		if !strings.Contains(page, "Cha mẹ nuôi") || !strings.Contains(page, "Phạm Thị Lan") || !strings.Contains(page, "Ghi chú nuôi con nuôi") ||
			strings.Contains(page, `id="register-adoption"`) {
			t.Error("the birth entry does not show the adoptive mother and the note (or offers a second adoption)")
		}
		if _, page := e.do(c, "GET", "/records/"+id+"/amend", nil, nil); strings.Contains(page, "adoptive.mother.full_name") {
			t.Error("a correction of the birth offers to change the adoptive parents")
		}
		code, out := e.api(auth.Officer, "POST", "/api/v1/adoptions", `{"office": "21025", "birth_record": "`+id+`", "child": {"full_name": "Lê Thị Na",
			"sex": "female", "date_of_birth": "2020-06-01"}, "father": {"full_name": "Phan Văn Cường", "date_of_birth": "1970-01-01"},
			"consent": "Lê Thị Hoa", "consented_on": "2026-02-01"}`)
		if code != http.StatusConflict {
			t.Errorf("a second adoption through the API: %d %v", code, out)
		}
		code, rec := e.api(auth.Officer, "POST", "/api/v1/adoptions", `{"office": "21025", "child": {"full_name": "Đỗ Văn Tí", "sex": "male",
			"date_of_birth": "2014-09-09"}, "father": {"full_name": "Đỗ Văn Mạnh", "date_of_birth": "1975-05-05"}, "relation": "relative",
			"consent": "Người giám hộ Đỗ Thị Lệ", "consented_on": "2026-03-01", "child_consent": true}`)
		if code != http.StatusCreated || rec["type"] != "adoption" || rec["child_consent"] != true {
			t.Fatalf("an adoption without a birth entry: %d %v", code, rec)
		}
		if code, doc := e.api(auth.Officer, "POST", "/api/v1/records/"+rec["id"].(string)+"/certificate", ""); code != http.StatusCreated || doc["kind"] != "certificate_adoption" {
			t.Fatalf("adoption certificate: %d %v", code, doc)
		}
		_, report := e.api(auth.Leader, "GET", "/api/v1/reports/on-time", "")
		if ncn, _ := report["by_procedure"].(map[string]any)["NCN"].(map[string]any); ncn == nil || ncn["settled"] != 2.0 {
			t.Errorf("the on-time report does not count the adoptions' dossiers: %v", report["by_procedure"])
		}
		// The department's report of adoptions: the page, its workbook as LibreOffice shows it,
		// and the API; a commune's officer sees their own office only.
		_, counts := e.api(auth.Leader, "GET", "/api/v1/reports/adoptions", "")
		if total, _ := counts["total"].(map[string]any); total == nil || total["total"] != 2.0 || total["relative"] != 1.0 || total["boys"] != 1.0 {
			t.Fatalf("the adoptions report: %v", counts)
		}
		if code, _ := e.api(auth.Leader, "GET", "/api/v1/reports/adoptions?from=2026-12-31&to=2026-01-01", ""); code != http.StatusBadRequest {
			t.Errorf("a period that ends before it starts: %d", code)
		}
		leader := e.login("lanhdao")
		_, page = e.do(leader, "GET", "/reports/adoptions", nil, nil)
		for _, want := range []string{"Báo cáo đăng ký nuôi con nuôi", "UBND Phường Cẩm Thành", "Cô, cậu, dì, chú, bác ruột nhận", "Từ 9 tuổi trở lên"} {
			if !strings.Contains(page, want) {
				t.Errorf("the adoptions report page lacks %q", want)
			}
		}
		resp, xlsx := e.do(leader, "GET", "/reports/adoptions.xlsx", nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the adoptions workbook: %d", resp.StatusCode)
		}
		rows := pdftest.Calc(t, "nuoi-con-nuoi.xlsx", []byte(xlsx))
		if len(rows) < 6 || rows[3][0] != "Cơ quan" || rows[3][1] != "Tổng số" || rows[len(rows)-1][0] != "Toàn bộ" || rows[len(rows)-1][1] != "2" {
			t.Fatalf("the adoptions workbook as LibreOffice shows it: %q", rows)
		}
		if code, own := e.api(auth.Officer, "GET", "/api/v1/reports/adoptions?office=21028", ""); code != http.StatusOK || own["offices"].(map[string]any)["21025"] == nil {
			t.Errorf("a commune's own report: %d %v", code, own)
		}
	})
}
