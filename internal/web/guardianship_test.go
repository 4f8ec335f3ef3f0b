package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// From a boy's birth entry the officer registers his aunt as guardian (the form filled with the
// ward); the birth entry then shows her. A second guardian is refused while hers holds. Her
// guardianship's end, typed on its own form, first without its ground, then with it, is
// recorded as a version with its dossier CDGH; the birth entry no longer shows her, and the
// API refuses a second end. The guardianship's extract is issued.
func TestGuardianshipForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, born := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Đinh Thị Tí", "2018-04-04", "Đinh Thị Hoa", ""))
		if code != http.StatusCreated {
			t.Fatalf("birth: %d %v", code, born)
		}
		id := born["id"].(string)
		c := e.login("canbo")
		resp, page := e.do(c, "GET", "/records/new/guardianship?birth_record="+id, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Tờ khai đăng ký giám hộ") || !strings.Contains(page, `name="ward.full_name" id="ward-full_name" value="Đinh Thị Tí"`) {
			t.Fatalf("the form from the birth entry (%d) is not filled", resp.StatusCode)
		}
		form := url.Values{"birth_record": {id}, "ward.full_name": {"Đinh Thị Tí"}, "ward.date_of_birth": {"04/04/2018"}, "ward.sex": {"female"},
			"guardian.full_name": {"Đinh Thị Mơ"}, "guardian.date_of_birth": {"01/01/1985"},
			"appointment": {"Văn bản cử người giám hộ số 12/VB-UBND"}}
		if resp, page := e.postForm(c, "/records/guardianships", form, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Điều 54.1") {
			t.Fatalf("a ward of seven not heard: %d", resp.StatusCode)
		}
		form.Set("ward_heard", "on")
		resp, _ = e.postForm(c, "/records/guardianships", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("guardianship: %d", resp.StatusCode)
		}
		gid := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/records/"), "?new=1")
		if _, page := e.do(c, "GET", "/records/"+id, nil, nil); !strings.Contains(page, `id="guardians"`) || !strings.Contains(page, "Đinh Thị Mơ") ||
			strings.Contains(page, `id="register-guardianship"`) {
			t.Fatal("the birth entry does not show the guardian (or offers a second one)")
		}
		code, out := e.api(auth.Officer, "POST", "/api/v1/guardianships", `{"office": "21025", "ward": {"full_name": "Đinh Thị Tí", "sex": "female",
			"date_of_birth": "2018-04-04"}, "guardian": {"full_name": "Đinh Văn Núi", "date_of_birth": "1960-01-01"}, "by_law": true}`)
		if code != http.StatusConflict {
			t.Fatalf("a second guardian: %d %v", code, out)
		}
		_, page = e.do(c, "GET", "/records/"+gid, nil, nil)
		if !strings.Contains(page, `id="end-guardianship"`) || !strings.Contains(page, "Đã xem xét nguyện vọng") {
			t.Fatalf("the guardianship's page (%s) offers no end or hides what was typed", gid)
		}
		today := time.Now().In(calendar.Vietnam)
		end := url.Values{"version": {"1"}, "end.on": {today.Format("02/01/2006")}, "end.reason": {""}, "end.basis": {"Quyết định số 3/2026/QĐ-TA"}}
		if resp, page := e.postForm(c, "/records/"+gid+"/end-guardianship", end, nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "Điều 62.1") || !strings.Contains(page, "Quyết định số 3/2026/QĐ-TA") {
			t.Fatalf("an end without its ground: %d", resp.StatusCode)
		}
		end.Set("end.reason", "parents_resume")
		if resp, page := e.postForm(c, "/records/"+gid+"/end-guardianship", end, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("end: %d %s", resp.StatusCode, page)
		}
		_, page = e.do(c, "GET", "/records/"+gid, nil, nil)
		if !strings.Contains(page, "Ghi chú chấm dứt giám hộ") || !strings.Contains(page, "Cha, mẹ đã có đủ điều kiện") || strings.Contains(page, `id="end-guardianship"`) {
			t.Error("the guardianship's page does not show its end")
		}
		if _, page := e.do(c, "GET", "/records/"+id, nil, nil); strings.Contains(page, `id="guardians"`) {
			t.Error("the birth entry still shows a guardian whose guardianship ended")
		}
		if code, out := e.api(auth.Officer, "POST", "/api/v1/records/"+gid+"/guardianship-end", `{"version": 2, "on": "`+today.Format("2006-01-02")+`",
			"reason": "ward_died", "basis": "x"}`); code != http.StatusConflict {
			t.Errorf("a second end: %d %v", code, out)
		}
		_, report := e.api(auth.Leader, "GET", "/api/v1/reports/on-time", "")
		for _, proc := range []string{"GH", "CDGH"} {
			if d, _ := report["by_procedure"].(map[string]any)[proc].(map[string]any); d == nil || d["settled"] != 1.0 {
				t.Errorf("the on-time report does not count %s: %v", proc, report["by_procedure"])
			}
		}
		if code, doc := e.api(auth.Officer, "POST", "/api/v1/records/"+gid+"/extracts", ""); code != http.StatusCreated || doc["kind"] != "extract_guardianship" {
			t.Fatalf("the guardianship's extract: %d %v", code, doc)
		}
	})
}
