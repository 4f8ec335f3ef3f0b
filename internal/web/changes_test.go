package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tuphap/internal/auth"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A birth's correction form offers the changes of status too (Civil Code 2015 art. 27–29): a
// girl of ten's new name is refused without her consent, with the article, and stored with it;
// the entry's history then says "Thay đổi họ, chữ đệm, tên".
func TestNameChangeForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, born := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Hoàng Thị An", "2016-01-01", "Nông Thị Cúc", ""))
		if code != http.StatusCreated {
			t.Fatalf("birth: %d %v", code, born)
		}
		id := born["id"].(string)
		c := e.login("canbo")
		_, page := e.do(c, "GET", "/records/"+id+"/amend", nil, nil)
		if !strings.Contains(page, `<option value="name_change"`) || !strings.Contains(page, `id="subject_consent"`) {
			t.Fatal("the correction form of a birth offers no change of name")
		}
		// The entry as birthJSON registered it, the name changed.
		form := url.Values{"kind": {"birth"}, "version": {"1"}, "change": {"name_change"}, "reason": {"Theo nguyện vọng của cha mẹ"},
			"legal_basis": {"Điều 27 Bộ luật Dân sự 2015"}, "child.full_name": {"Hoàng Minh An"}, "child.sex": {"female"},
			"child.date_of_birth": {"01/01/2016"}, "child.place_of_birth": {"Bệnh viện Đa khoa tỉnh Quảng Ngãi"}, "child.ethnicity": {"Kinh"},
			"child.nationality": {"Việt Nam"}, "child.hometown": {"Xã Bình Sơn"}, "has_mother": {"on"}, "mother.full_name": {"Nông Thị Cúc"},
			"mother.date_of_birth": {"12/04/1995"}, "requester.full_name": {"Nông Thị Cúc"}, "requester.relation": {"mẹ"}}
		if resp, page := e.postForm(c, "/records/"+id+"/amend", form, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Điều 27.2") {
			t.Fatalf("without her consent: %d", resp.StatusCode)
		}
		form.Set("subject_consent", "on")
		if resp, page := e.postForm(c, "/records/"+id+"/amend", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("renamed: %d %s", resp.StatusCode, page)
		}
		if _, page := e.do(c, "GET", "/records/"+id, nil, nil); !strings.Contains(page, "Hoàng Minh An") || !strings.Contains(page, "Thay đổi họ, chữ đệm, tên") {
			t.Error("the entry does not show the new name and its change")
		}
	})
}

// A birth of 1990 registered again through the API (Decree 123/2015 art. 24–26) shows its first
// registration on its page; the birth form offers the section; a first registration dated 2016
// is refused with the article.
func TestBirthRegisteredAgainPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		again := `, "reregistered": {"original_office": "UBND xã Nghĩa Chánh", "original_date": "1990-05-20", "original_reference": "số 45, quyển 01/1990", "both_lost": true}`
		body := strings.Replace(birthJSON("21025", "Phạm Văn Lực", "1990-05-01", "Phạm Thị Lụa", again), `"date_of_birth": "1995-04-12"`, `"date_of_birth": "1965"`, 1)
		code, rec := e.api(auth.Officer, "POST", "/api/v1/births", body)
		if code != http.StatusCreated || rec["late"] != false {
			t.Fatalf("registered again: %d %v", code, rec)
		}
		c := e.login("canbo")
		if _, page := e.do(c, "GET", "/records/"+rec["id"].(string), nil, nil); !strings.Contains(page, "Đăng ký lại") || !strings.Contains(page, "số 45, quyển 01/1990") {
			t.Error("the entry does not show its first registration")
		}
		if _, page := e.do(c, "GET", "/records/new/birth", nil, nil); !strings.Contains(page, `id="has_reregistered"`) {
			t.Error("the birth form offers no re-registration")
		}
		code, out := e.api(auth.Officer, "POST", "/api/v1/births", strings.Replace(body, "1990-05-20", "2016-02-01", 1))
		if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out), "Điều 24.1") {
			t.Errorf("first registered in 2016: %d %v", code, out)
		}
	})
}

// A marriage registered in Korea is written into the register through the API (Law 60/2014 art.
// 49) and its page says where; the marriage form offers the section.
func TestMarriageRegisteredAbroadPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		code, rec := e.api(auth.Officer, "POST", "/api/v1/marriages", `{"office": "21025", "husband": {"full_name": "Kim Ji Hoon", "date_of_birth": "1990-01-01",
			"nationality": "Hàn Quốc", "papers": "Hộ chiếu M1234567"}, "wife": {"full_name": "Nguyễn Thị Hạnh", "date_of_birth": "1995-05-05",
			"personal_id": "051195001234"}, "registered_abroad": {"country": "Han Quoc", "authority": "Văn phòng hộ tịch quận Gangnam",
			"document": "Giấy chứng nhận kết hôn số 2023-77", "issued_on": "2023-10-10"}}`)
		if code != http.StatusCreated {
			t.Fatalf("a marriage registered abroad: %d %v", code, rec)
		}
		c := e.login("canbo")
		if _, page := e.do(c, "GET", "/records/"+rec["id"].(string), nil, nil); !strings.Contains(page, "Đã đăng ký ở nước ngoài") || !strings.Contains(page, "Hàn Quốc") {
			t.Error("the entry does not say it was registered abroad")
		}
		if _, page := e.do(c, "GET", "/records/new/marriage", nil, nil); !strings.Contains(page, `id="has_registered_abroad"`) {
			t.Error("the marriage form offers no section for a marriage registered abroad")
		}
	})
}
