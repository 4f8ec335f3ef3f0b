package web_test

import (
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
