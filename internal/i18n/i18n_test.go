package i18n

import (
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
				if _, ok := catalogue[other][k]; !ok {
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
