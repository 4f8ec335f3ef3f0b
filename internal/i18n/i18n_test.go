package i18n

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Every message exists in both languages, is not empty, and is valid NFC UTF-8.
func TestCatalogueComplete(t *testing.T) {
	for _, l := range Langs {
		for _, other := range Langs {
			for _, k := range Keys(l) {
				if _, ok := catalogue[other][k]; !ok && !strings.HasSuffix(k, ".one") {
					t.Errorf("%s has %q, %s lacks it", l, k, other)
				}
			}
		}
		for _, k := range Keys(l) {
			v := catalogue[l][k]
			if strings.TrimSpace(v) == "" || !utf8.ValidString(v) || !norm.NFC.IsNormalString(v) {
				t.Errorf("%s %q: bad message %q", l, k, v)
			}
		}
	}
}

// No key is written twice in a file: JSON keeps the last, silently, and one of two messages
// would never be shown.
func TestNoKeyTwice(t *testing.T) {
	for _, l := range Langs {
		b, err := files.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		seen := map[string]bool{}
		dec.Token() // {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			key := tok.(string)
			if seen[key] {
				t.Errorf("%s: %q is written twice", l, key)
			}
			seen[key] = true
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The Vietnamese catalogue must really be Vietnamese: it is the default language.
func TestVietnameseHasDiacritics(t *testing.T) {
	for _, k := range []string{"nav.home", "login.title", "error.forbidden"} {
		v := T(VI, k)
		if v == T(EN, k) || !strings.ContainsAny(v, "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐ") {
			t.Errorf("vi %q = %q: not Vietnamese", k, v)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(VI, "no.such.key"); !strings.HasPrefix(got, Missing) {
		t.Errorf("unknown key gave %q", got)
	}
	if Parse("en-US") != EN || Parse("") != VI || Parse("fr") != VI {
		t.Error("Parse")
	}
}

// A count of one takes the singular where the language has one (CLDR plural rules); other
// counts, and Vietnamese, take the message as it is. Every singular has its message.
func TestPlurals(t *testing.T) {
	tests := []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{EN, "records.total", []any{1}, "1 result"},
		{EN, "records.total", []any{0}, "0 results"},
		{EN, "records.total", []any{2}, "2 results"},
		{EN, "records.total", []any{int64(1)}, "1 result"},
		{EN, "report.summary", []any{1, 1, 0}, "1 dossier settled: 1 on time, 0 late."},
		{EN, "report.summary", []any{3, 2, 1}, "3 dossiers settled: 2 on time, 1 late."},
		{EN, "dossier.extended", []any{1}, "extended by 1 day"},
		{VI, "records.total", []any{1}, "1 kết quả"},
	}
	for _, tt := range tests {
		if got := T(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%s, %s, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
	for _, l := range Langs {
		for _, k := range Keys(l) {
			if base, ok := strings.CutSuffix(k, ".one"); ok {
				if _, has := catalogue[l][base]; !has {
					t.Errorf("%s has the singular %q without its message", l, k)
				}
			}
		}
	}
}
