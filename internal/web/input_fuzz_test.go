package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
		// Checked independently of checkStrings: the request as it would be stored holds only
		// valid UTF-8 without NUL, in fields of at most maxText characters.
		out, _ := json.Marshal(req)
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if !utf8.ValidString(x) || strings.ContainsRune(x, 0) || utf8.RuneCountInString(x) > maxText {
					t.Fatalf("let through: %q", x)
				}
			case map[string]any:
				for _, y := range x {
					walk(y)
				}
			case []any:
				for _, y := range x {
					walk(y)
				}
			}
		}
		var generic any
		json.Unmarshal(out, &generic)
		walk(generic)
		b := req.Birth
		b.Normalize()
		_ = civil.ValidateBirth(&b, "2026-11-30", mustDate("2026-11-30"))
	})
}

func mustDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}
