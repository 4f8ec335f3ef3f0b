package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A marriage taken in from a legacy register shows both sides, is found by the wife's name
// typed without diacritics, can be corrected, and its extract is refused (with a reason, not a
// broken paper) while tuphap has no layout for marriages.
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
		if strings.Contains(page, `id="extract"`) {
			t.Error("the page offers an extract it cannot make")
		}
		if code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/extracts", ""); code != http.StatusBadRequest {
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
