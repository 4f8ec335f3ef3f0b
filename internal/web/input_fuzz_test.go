package web

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/registration"
)

// Any JSON body of a registration: decoding never panics, and what it lets through holds no
// text the store must not see; validation then never panics either.
func FuzzBirthJSON(f *testing.F) {
	f.Add(`{"office": "21025", "child": {"full_name": "Nguyễn Thị Đào", "sex": "female", "date_of_birth": "2026-11-01"}, "mother": {"full_name": "Trần Thị Lan"}, "father": null, "requester": {"full_name": "Trần Thị Lan", "relation": "mẹ"}}`)
	f.Add(`{"child": {"full_name": "\u0000"}}`)
	f.Add(`{"child": {"full_name": "` + "\xff" + `"}}`)
	f.Add(`[1, 2`)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/births", strings.NewReader(body))
		var req registration.BirthRequest
		if err := decodeJSON(r, &req); err != nil {
			return
		}
		if p := checkStrings(reflectValue(&req)); p != "" {
			t.Fatalf("let through: %q", p)
		}
		b := req.Birth
		b.Normalize()
		_ = civil.ValidateBirth(&b, "2026-11-30", mustDate("2026-11-30"))
	})
}

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v) }

func mustDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}
