package web_test

import (
	"net/http"
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
// typed without diacritics, and is refused (with a reason, not a broken paper) where tuphap
// has no layout or form for marriages yet.
func TestMarriageEntryPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		m := civil.Record{Kind: civil.MarriageKind, Office: "21025", Register: civil.Register{Number: 3, Book: "KH", Year: 2005}, RegisteredOn: "2005-10-10",
			Marriage: &civil.Marriage{Husband: civil.Spouse{FullName: "Nguyễn Văn Hải", DateOfBirth: "1980-01-01"},
				Wife: civil.Spouse{FullName: "Trần Thị Thu Hương", DateOfBirth: "1983-03-03", Residence: "Xã Tân Mỹ"}}}
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
		if strings.Contains(page, `id="extract"`) || strings.Contains(page, `id="amend"`) {
			t.Error("the page offers an extract or a correction it cannot make")
		}
		if code, body := e.api(auth.Officer, "POST", "/api/v1/records/"+id+"/extracts", ""); code != http.StatusBadRequest {
			t.Errorf("extract of a marriage: %d %v", code, body)
		}
		if resp, _ := e.do(c, "GET", "/records/"+id+"/amend", nil, nil); resp.StatusCode < 400 {
			t.Errorf("amend page of a marriage: %d", resp.StatusCode)
		}
	})
}
