package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/pdftest"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// The leaders' dashboard: births registered in a commune counted for it and the province, the
// commune's staff seeing their commune only, the table coloured by the indicator chosen and
// linking to the list behind each figure; on a phone, no sideways scrolling.
func TestDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, b := range []string{birthJSON("21025", "Lê Thị Na", "2026-01-01", "Lê Thị Hoa", ""), birthJSON("21025", "Lê Văn Tám", "2026-01-02", "Hồ Thị Sen", "")} {
			if code, out := e.api(auth.Officer, "POST", "/api/v1/births", b); code != http.StatusCreated {
				t.Fatalf("birth: %d %v", code, out)
			}
		}
		// And one in another commune, which its neighbour's staff must not count.
		if code, out := e.api(auth.Specialist, "POST", "/api/v1/births", birthJSON("21028", "Trần Văn Bình", "2026-01-03", "Trần Thị Lan", "")); code != http.StatusCreated {
			t.Fatalf("a birth in 21028: %d %v", code, out)
		}
		code, d := e.api(auth.Leader, "GET", "/api/v1/oversight/dashboard", "")
		if code != http.StatusOK {
			t.Fatalf("dashboard: %d %v", code, d)
		}
		province := d["province"].(map[string]any)
		if province["registrations"] != 3.0 || fmt.Sprint(province["registrations_by_kind"]) != "map[birth:3]" {
			t.Fatalf("the province's figures: %v", province)
		}
		byCode := map[string]map[string]any{}
		for _, c := range d["communes"].([]any) {
			m := c.(map[string]any)
			byCode[m["code"].(string)] = m
		}
		active := 0
		for _, c := range byCode {
			if c["registrations"] != 0.0 {
				active++
			}
		}
		if len(byCode) < 90 || byCode["21025"]["registrations"] != 2.0 || byCode["21028"]["registrations"] != 1.0 || active != 2 {
			t.Fatalf("the communes' figures: %d communes, %d with registrations, 21025 %v", len(byCode), active, byCode["21025"])
		}
		if code, mine := e.api(auth.Officer, "GET", "/api/v1/oversight/dashboard", ""); code != http.StatusOK || len(mine["communes"].([]any)) != 1 ||
			mine["province"].(map[string]any)["registrations"] != 2.0 {
			t.Fatalf("a commune's dashboard: %d %v", code, mine)
		}
		// The months of the period, each with its registrations (the births were registered on
		// 1 March), the commune's its own.
		months := map[string]float64{}
		for _, m := range d["registrations_by_month"].([]any) {
			months[m.(map[string]any)["month"].(string)] = m.(map[string]any)["registrations"].(float64)
		}
		if months["2026-01"] != 0 || months["2026-03"] != 3 || len(months) != int(e.svc.Store.Now().In(calendar.Vietnam).Month()) {
			t.Fatalf("the months: %v", months)
		}
		if code, _ := e.api(auth.Judicial, "GET", "/api/v1/oversight/dashboard", ""); code != http.StatusForbidden {
			t.Errorf("the judicial-record office reads the dashboard: %d", code)
		}
		if code, _ := e.api(auth.LegalAid, "GET", "/api/v1/oversight/dashboard", ""); code != http.StatusForbidden {
			t.Errorf("the legal-aid centre reads the dashboard: %d", code)
		}
		if code, _ := e.api(auth.Leader, "GET", "/api/v1/oversight/dashboard?from=02/02/2026&to=01/01/2026", ""); code != http.StatusBadRequest {
			t.Errorf("a period that ends before it starts: %d", code)
		}

		leader := e.login("lanhdao")
		_, page := e.do(leader, "GET", "/oversight?indicator=registrations", nil, nil)
		row := page[strings.Index(page, `data-commune="21025"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `class="lv q4"`) || !strings.Contains(row, `/records?from=`) || !strings.Contains(row, `office=21025`) || !strings.Contains(page, `id="kf-registrations">3<`) {
			t.Fatalf("the commune's row: %s", row)
		}
		if !strings.Contains(page, `<title>3/26: 3</title>`) {
			t.Fatal("March's column on the dashboard")
		}
		// The day after the births: each commune beside its own day before.
		code, d = e.api(auth.Leader, "GET", "/api/v1/oversight/dashboard?from=02/03/2026&to=02/03/2026", "")
		for _, c := range d["communes"].([]any) {
			if m := c.(map[string]any); m["code"] == "21025" && (m["registrations"] != 0.0 || m["previous"].(map[string]any)["registrations"] != 2.0) {
				t.Fatalf("21025 beside its day before: %d %v", code, m)
			}
		}
		_, page = e.do(leader, "GET", "/oversight?indicator=registrations&from=02/03/2026&to=02/03/2026", nil, nil)
		row = page[strings.Index(page, `data-commune="21025"`):]
		if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, `<td class="trend">▼ 100%</td>`) {
			t.Fatalf("21025's trend: %s", row)
		}
	})
}

// The dashboard on a leader's phone: reached from the menu, the kinds' bars, no sideways scroll.
func TestBrowserDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if code, out := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Lê Thị Na", "2026-01-01", "Lê Thị Hoa", "")); code != http.StatusCreated {
			t.Fatalf("birth: %d %v", code, out)
		}
		ctx := browserCtx(t)
		do(t, ctx, chromedp.EmulateViewport(360, 740))
		browserLogin(t, ctx, e.srv.URL, "lanhdao", password)
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("welcome")), chromedp.Click(chromedp.CSS(`a[data-nav="nav.oversight"]`)), chromedp.WaitVisible(chromedp.ID("communes")))
		if got := run(t, ctx, chromedp.Text(chromedp.ID("by-kind"))); !strings.Contains(got, "Khai sinh") {
			t.Errorf("the kinds: %q", got)
		}
		onPhone(t, ctx, "dashboard-"+st.Dialect())
	})
}

// The work programme from the pages: a leader's task with a milestone out of order shown again
// with its problem, then added; its lead reports progress; past its day it is overdue on the
// lead's home page; the API lists it.
func TestProgrammeFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		year := e.svc.Store.Now().Year()
		leader := e.login("lanhdao")
		form := url.Values{"year": {fmt.Sprint(year)}, "title": {"Tổng kết công tác hộ tịch"}, "unit": {"Phòng Hành chính tư pháp"}, "lead": {"chuyenvien"},
			"due_on": {fmt.Sprintf("31/12/%d", year)}, "milestones": {fmt.Sprintf("20/12/%d Hội nghị\n10/12/%d Đề cương", year, year)}}
		resp, page := e.postForm(leader, "/oversight/programme", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Mốc 2: Các mốc phải theo thứ tự thời gian.") || !strings.Contains(page, `value="Tổng kết công tác hộ tịch"`) {
			t.Fatalf("milestones out of order: %d", resp.StatusCode)
		}
		form.Set("milestones", fmt.Sprintf("10/12/%d Đề cương\n20/12/%d Hội nghị", year, year))
		resp, _ = e.postForm(leader, "/oversight/programme", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("added: %d", resp.StatusCode)
		}
		taskURL := resp.Header.Get("Location")
		lead := e.login("chuyenvien")
		if resp, page := e.postForm(lead, taskURL+"/progress", url.Values{"progress": {"40"}, "reached": {"1"}, "note": {"Đã xong đề cương"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("progress: %d %s", resp.StatusCode, page)
		}
		_, page = e.do(lead, "GET", taskURL, nil, nil)
		if !strings.Contains(page, `<dd id="task-progress">40%`) || !strings.Contains(page, "Đã xong đề cương") {
			t.Fatal("the task's page after the report")
		}
		if code, out := e.api(auth.Specialist, "GET", "/api/v1/oversight/programme", ""); code != http.StatusOK || !strings.Contains(fmt.Sprint(out), "Tổng kết công tác hộ tịch") {
			t.Fatalf("the API: %d %v", code, out)
		}
		if resp, _ := e.do(e.login("canbo"), "GET", "/oversight/programme", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a commune officer reads the programme: %d", resp.StatusCode)
		}
		// A task whose day, 1 January, has passed (on 1 January itself, nothing is overdue).
		late := url.Values{"year": {fmt.Sprint(year)}, "title": {"Kế hoạch năm"}, "unit": {"Văn phòng"}, "lead": {"chuyenvien"}, "due_on": {fmt.Sprintf("01/01/%d", year)}}
		if resp, _ := e.postForm(leader, "/oversight/programme", late, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a task due on 1 January: %d", resp.StatusCode)
		}
		if e.svc.Store.Now().YearDay() > 1 {
			_, home := e.do(lead, "GET", "/", nil, nil)
			if i := strings.Index(home, `href="/oversight/programme?overdue=1"`); i < 0 || !strings.Contains(home[i:i+300], ">1<") {
				t.Error("the lead's home page does not count the overdue task")
			}
		}
	})
}

// Emulation from the pages: the sample criteria marked unverified, a specialist's points with
// their evidence (a bad one said), the commune's reasons and rank; a commune reads its own.
func TestEmulationFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		year := fmt.Sprint(e.svc.Store.Now().Year())
		clerk := e.login("chuyenvien")
		_, page := e.do(clerk, "GET", "/oversight/emulation", nil, nil)
		if !strings.Contains(page, "Bộ tiêu chí mẫu, chưa được Sở ban hành") || !strings.Contains(page, `data-commune="21025"`) {
			t.Fatal("the ranking page")
		}
		resp, page := e.postForm(clerk, "/oversight/emulation/21025/points", url.Values{"year": {year}, "criterion": {"reporting"}, "points": {"20"}, "evidence": {"x"}}, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Điểm từ 0 đến điểm tối đa của tiêu chí.") {
			t.Fatalf("too many points: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(clerk, "/oversight/emulation/21025/points", url.Values{"year": {year}, "criterion": {"reporting"}, "points": {"7,5"},
			"evidence": {"Quyết định công nhận báo cáo đúng hạn"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("points entered: %d", resp.StatusCode)
		}
		_, page = e.do(clerk, "GET", "/oversight/emulation/21025?year="+year, nil, nil)
		if !strings.Contains(page, "Sở chấm 7,5/10 điểm: Quyết định công nhận") || !strings.Contains(page, "Xếp hạng 1 trên") {
			t.Fatal("the commune's points and rank")
		}
		code, out := e.api(auth.Officer, "GET", "/api/v1/oversight/emulation", "")
		if scores, _ := out["scores"].([]any); code != http.StatusOK || len(scores) != 1 || scores[0].(map[string]any)["code"] != "21025" {
			t.Fatalf("a commune's own score: %d %v", code, out)
		}
		if code, _ := e.api(auth.Officer, "POST", "/api/v1/oversight/emulation/21025/points", `{"year":2026,"criterion":"reporting","points":10,"evidence":"x"}`); code != http.StatusForbidden {
			t.Errorf("a commune scores itself: %d", code)
		}
	})
}

// An inspection from the pages: a leader's plan with an unknown commune shown again with its
// problem, then planned; its lead records a finding and concludes; the commune sees it on its
// home page and answers; the lead accepts and closes; the dashboard counts the finding.
func TestInspectionFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		now := e.svc.Store.Now().In(calendar.Vietnam)
		today, due := now.Format("02/01/2006"), now.AddDate(0, 0, 10).Format("02/01/2006")
		leader := e.login("lanhdao")
		form := url.Values{"commune": {"99999"}, "starts_on": {today}, "ends_on": {today}, "period_from": {"01/01/" + fmt.Sprint(now.Year())},
			"period_to": {today}, "lead": {"chuyenvien"}}
		resp, page := e.postForm(leader, "/oversight/inspections", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Không có xã, phường này.") || !strings.Contains(page, `value="99999"`) {
			t.Fatalf("an unknown commune: %d", resp.StatusCode)
		}
		if !strings.Contains(page, "Danh mục kiểm tra mẫu, chưa được Sở ban hành") {
			t.Error("the sample checklist is not said to be one")
		}
		form.Set("commune", "21025")
		resp, _ = e.postForm(leader, "/oversight/inspections", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("planned: %d", resp.StatusCode)
		}
		at := resp.Header.Get("Location")
		id := strings.TrimPrefix(at, "/oversight/inspections/")
		lead := e.login("chuyenvien")
		resp, page = e.postForm(lead, at+"/findings", url.Values{"item": {"late_reason"}, "note": {"Quá hạn không ghi lý do"}, "remedy": {"Bổ sung lý do"}, "due_on": {due}}, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Nội dung này cần ghi bản ghi hộ tịch liên quan.") {
			t.Fatalf("an entry item without its entry: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(lead, at+"/findings", url.Values{"item": {"books"}, "note": {"Sổ đăng ký khai sinh năm trước chưa khóa sổ"}, "remedy": {"Khóa sổ theo quy định"}, "due_on": {due}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a finding: %d", resp.StatusCode)
		}
		officer := e.login("canbo")
		if resp, _ := e.do(officer, "GET", at, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the commune reads it before the conclusion: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(lead, at+"/conclude", url.Values{"conclusion": {"Cơ bản đúng quy định; một sai sót cần khắc phục."}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("concluded: %d", resp.StatusCode)
		}
		_, home := e.do(officer, "GET", "/", nil, nil)
		if i := strings.Index(home, `href="/oversight/inspections"`); i < 0 || !strings.Contains(home[i:i+300], ">1<") {
			t.Fatal("the commune's home page does not count its finding")
		}
		_, page = e.do(officer, "GET", at, nil, nil)
		if !strings.Contains(page, "Sổ đăng ký khai sinh năm trước chưa khóa sổ") || !strings.Contains(page, "Chờ xã khắc phục, trả lời") {
			t.Fatal("the commune's view of its finding")
		}
		code, out := e.api(auth.Officer, "GET", "/api/v1/oversight/inspections/"+id, "")
		if code != http.StatusOK {
			t.Fatalf("the API: %d %v", code, out)
		}
		finding := out["findings"].([]any)[0].(map[string]any)["id"].(string)
		if resp, _ := e.postForm(officer, "/oversight/findings/"+finding+"/answer", url.Values{"inspection": {id}, "answer": {"Đã khóa sổ ngày hôm nay"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answered: %d", resp.StatusCode)
		}
		if resp, page := e.postForm(lead, "/oversight/findings/"+finding+"/settle", url.Values{"inspection": {id}, "decision": {"return"}}, nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "Ghi lý do trả lại.") {
			t.Fatalf("returned without a reason: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(lead, "/oversight/findings/"+finding+"/settle", url.Values{"inspection": {id}, "decision": {"accept"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accepted: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(lead, at+"/close", nil, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("closed: %d", resp.StatusCode)
		}
		_, page = e.do(lead, "GET", at, nil, nil)
		if !strings.Contains(page, "Đã kết thúc") || !strings.Contains(page, "Đã khắc phục") {
			t.Fatal("the closed inspection's page")
		}
		_, page = e.do(leader, "GET", "/oversight?indicator=findings", nil, nil)
		row := page[strings.Index(page, `data-commune="21025"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `class="lv good"`) || !strings.Contains(row, ">1</a>") || !strings.Contains(page, `id="kf-findings">1<`) || !strings.Contains(page, `id="kf-certificates"`) {
			t.Fatalf("the dashboard's row: %s", row)
		}
		if resp, _ := e.postForm(officer, "/oversight/inspections", form, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a commune plans an inspection: %d", resp.StatusCode)
		}
	})
}

// A commune officer answers a finding on a phone: from the home page's count to the finding's
// form, the answer sent and shown, no sideways scroll.
func TestBrowserAnswerFinding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		now := e.svc.Store.Now().In(calendar.Vietnam)
		code, in := e.api(auth.Leader, "POST", "/api/v1/oversight/inspections", fmt.Sprintf(`{"commune":"21025","starts_on":%q,"ends_on":%q,"period_from":"%d-01-01","period_to":%q,"lead":"lanhdao"}`,
			now.Format("2006-01-02"), now.Format("2006-01-02"), now.Year(), now.Format("2006-01-02")))
		if code != http.StatusCreated {
			t.Fatalf("planned: %d %v", code, in)
		}
		id := in["id"].(string)
		if code, out := e.api(auth.Leader, "POST", "/api/v1/oversight/inspections/"+id+"/findings", fmt.Sprintf(`{"item":"fees","note":"Thu lệ phí cấp bản sao trích lục 10.000 đồng, cao hơn mức quy định","remedy":"Hoàn trả phần thu thừa cho người dân","due_on":%q}`,
			now.AddDate(0, 0, 15).Format("2006-01-02"))); code != http.StatusCreated {
			t.Fatalf("a finding: %d %v", code, out)
		}
		if code, out := e.api(auth.Leader, "POST", "/api/v1/oversight/inspections/"+id+"/conclude", `{"conclusion":"Thu lệ phí chưa đúng quy định."}`); code != http.StatusOK {
			t.Fatalf("concluded: %d %v", code, out)
		}
		ctx := browserCtx(t)
		do(t, ctx, chromedp.EmulateViewport(360, 740))
		browserLogin(t, ctx, e.srv.URL, "canbo", password)
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/oversight/inspections"]`)), chromedp.WaitVisible(chromedp.ID("inspections")),
			chromedp.Click(chromedp.CSS(`#inspections a`)), chromedp.WaitVisible(chromedp.CSS(".answer-form")))
		onPhone(t, ctx, "finding-"+st.Dialect())
		// The page after the answer has no answer form left: wait for it to go, not for the
		// status line, which the page before the answer has too.
		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`.answer-form textarea`), "Đã hoàn trả 5.000 đồng cho 12 người"), chromedp.Click(chromedp.CSS(`.answer-form button`)),
			chromedp.WaitNotPresent(chromedp.CSS(".answer-form")), chromedp.WaitVisible(chromedp.CSS(".finding-status")))
		if got := run(t, ctx, chromedp.Text(chromedp.CSS(".finding-status"))); !strings.Contains(got, "Xã đã trả lời") || !strings.Contains(got, "Đã hoàn trả 5.000 đồng") {
			t.Fatalf("after the answer: %q", got)
		}
	})
}

// A statistical report from the pages: a period not begun refused in words, the province's
// half-year generated, its workbook opened in LibreOffice laid out like the form, locked by a
// leader, and a birth registered later in the half-year shown beside the locked figure.
func TestStatisticsFromThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, b := range []string{birthJSON("21025", "Lê Thị Na", "2026-01-01", "Lê Thị Hoa", ""), birthJSON("21025", "Lê Văn Tám", "2026-01-02", "Hồ Thị Sen", "")} {
			if code, out := e.api(auth.Officer, "POST", "/api/v1/births", b); code != http.StatusCreated {
				t.Fatalf("birth: %d %v", code, out)
			}
		}
		clerk := e.login("chuyenvien")
		form := url.Values{"form": {"hotich"}, "period": {"6m"}, "year": {"2099"}, "unit": {"province"}}
		resp, page := e.postForm(clerk, "/oversight/statistics", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Kỳ báo cáo của năm này chưa bắt đầu.") {
			t.Fatalf("a year not begun: %d", resp.StatusCode)
		}
		form.Set("year", "2026")
		resp, _ = e.postForm(clerk, "/oversight/statistics", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("generated: %d", resp.StatusCode)
		}
		at := resp.Header.Get("Location")
		code, rep := e.api(auth.Leader, "GET", "/api/v1"+at, "")
		if code != http.StatusOK {
			t.Fatalf("the API: %d %v", code, rep)
		}
		var name string
		for _, r := range rep["rows"].([]any) {
			if m := r.(map[string]any); m["code"] == "21025" {
				name = m["name"].(string)
			}
		}
		_, page = e.do(clerk, "GET", at, nil, nil)
		if !strings.Contains(page, `<tr data-unit="21025"><td>`+name+`</td><td>2</td>`) || !strings.Contains(page, "Bản nháp, chưa khóa số liệu") {
			t.Fatalf("the report's page: %q", name)
		}
		sheet := func() [][]string {
			resp, body := e.do(clerk, "GET", at+"/report.xlsx", nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("the workbook: %d", resp.StatusCode)
			}
			if dir := os.Getenv("TUPHAP_SCREENSHOTS"); dir != "" {
				os.WriteFile(filepath.Join(dir, "statistics-"+st.Dialect()+".xlsx"), []byte(body), 0o644)
			}
			return pdftest.Calc(t, "bieu.xlsx", []byte(body))
		}
		rows := sheet()
		find := func(rows [][]string, first string, col int) []string {
			for _, r := range rows {
				if len(r) > col && r[col] == first {
					return r
				}
			}
			t.Fatalf("no row %q in %v", first, rows[:12])
			return nil
		}
		if rows[0][0] != "Biểu số 01/HT (mẫu)" || rows[3][0] != "KẾT QUẢ ĐĂNG KÝ HỘ TỊCH" || rows[4][0] != "(Từ ngày 01/01/2026 đến ngày 30/06/2026)" ||
			!strings.HasPrefix(rows[5][0], "BẢN NHÁP") || rows[7][2] != "Đăng ký khai sinh" || rows[8][2] != "Tổng số" || rows[8][3] != "Trong đó: quá hạn" ||
			rows[9][0] != "A" || rows[9][2] != "1" {
			t.Fatalf("the form's head as LibreOffice shows it: %q", rows[:10])
		}
		if r := find(rows, name, 1); r[2] != "2" {
			t.Fatalf("the commune's line: %q", r)
		}
		if r := find(rows, "Tổng số", 1); r[2] != "2" {
			t.Fatalf("the total: %q", r)
		}
		leader := e.login("lanhdao")
		// Without the figures read, the lock is refused in words; with them, done.
		if resp, page := e.postForm(leader, at+"/lock", url.Values{"note": {"Đã đối chiếu"}}, nil); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(page, "Báo cáo vừa được lập lại với số liệu mới") {
			t.Fatalf("locked unread: %d", resp.StatusCode)
		}
		_, page = e.do(leader, "GET", at, nil, nil)
		i := strings.Index(page, `name="generated_at" value="`)
		if i < 0 {
			t.Fatal("the lock form names no figures")
		}
		seen := page[i+len(`name="generated_at" value="`):]
		seen = seen[:strings.Index(seen, `"`)]
		if resp, _ := e.postForm(leader, at+"/lock", url.Values{"note": {"Đã đối chiếu"}, "generated_at": {seen}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("locked: %d", resp.StatusCode)
		}
		if code, out := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Trần Văn Ba", "2026-01-03", "Trần Thị Lan", "")); code != http.StatusCreated {
			t.Fatalf("a later birth: %d %v", code, out)
		}
		_, page = e.do(leader, "GET", at, nil, nil)
		if !strings.Contains(page, `<tr data-unit="21025"><td>`+name+`</td><td>2 <span class="error"`) || !strings.Contains(page, "→ 3") || !strings.Contains(page, `id="differences"`) {
			t.Fatal("the locked report's differences")
		}
		if rows := sheet(); !strings.HasPrefix(rows[5][0], "Số liệu đã khóa ngày") || find(rows, name, 1)[2] != "2" {
			t.Fatalf("the locked workbook: %q", rows[5])
		}
		if resp, _ := e.do(e.login("canbo"), "GET", at, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a commune reads the province's report: %d", resp.StatusCode)
		}
	})
}
