// Package nationality lists the countries a person can be a national of, by ISO 3166-1 code
// with their Vietnamese names (Việt Nam, Lào, Hoa Kỳ…), and reads what forms and registers
// write ("Viet Nam", "VN", "Vietnam", "Việt nam") as one of them. The names come from the
// Unicode CLDR through golang.org/x/text, kept up to date with it, rather than a list of our own.
package nationality

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"tuphap/internal/vntext"
)

// Country is a country of nationality.
type Country struct {
	Code string // ISO 3166-1 alpha-2: "VN"
	Name string // in Vietnamese, as printed on papers: "Việt Nam"
}

// Vietnam is the nationality of most entries, first in every list.
var Vietnam = Country{Code: "VN", Name: "Việt Nam"}

// notISO are regions CLDR names that ISO 3166-1 does not assign to a country: exceptionally
// reserved codes for parts of countries, Kosovo's user-assigned XK, and the eurozone and the
// United Nations, which x/text counts as countries.
var notISO = map[string]bool{"AC": true, "CP": true, "CQ": true, "DG": true, "EA": true, "IC": true, "TA": true, "XK": true, "EZ": true, "UN": true}

var (
	countries []Country
	byKey     = map[string]Country{}
)

func key(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, vntext.Fold(s))
}

func init() {
	vi, en := display.Vietnamese.Regions(), display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// A country, under its own current code (BU, YU… are old codes of others).
			if err != nil || !r.IsCountry() || r.String() != code || notISO[code] {
				continue
			}
			if r.Canonicalize().String() != code {
				continue
			}
			name := vi.Name(r)
			if name == "" {
				continue
			}
			c := Country{Code: code, Name: name}
			countries = append(countries, c)
			for _, spelling := range []string{name, en.Name(r), code} {
				if k := key(spelling); k != "" {
					if _, taken := byKey[k]; !taken {
						byKey[k] = c
					}
				}
			}
		}
	}
	byKey[key("Viet Nam")] = Vietnam
	// Việt Nam first, then Vietnamese order (collation, not byte order: "Ấn Độ" after "Ai Cập").
	col := collate.New(language.Vietnamese)
	slices.SortFunc(countries, func(a, b Country) int {
		switch {
		case a.Code == b.Code:
			return 0
		case a.Code == Vietnam.Code:
			return -1
		case b.Code == Vietnam.Code:
			return 1
		}
		return col.CompareString(a.Name, b.Name)
	})
}

// All lists the countries, Việt Nam first, then in Vietnamese alphabetical order.
func All() []Country { return countries }

// Find reads a country as forms and registers write it: its Vietnamese or English name, with
// or without diacritics and spaces, or its ISO code.
func Find(s string) (Country, bool) {
	k := key(s)
	c, ok := byKey[k]
	return c, ok && k != ""
}
