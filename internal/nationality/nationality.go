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
	byName    = map[string]Country{} // Vietnamese and English names, by vntext.Key
	byCode    = map[string]Country{}
)

func init() {
	vi, en := display.Vietnamese.Regions(), display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// A country, under its own current code (BU, YU… are old codes of others).
			if err != nil || !r.IsCountry() || r.String() != code || notISO[code] || r.Canonicalize().String() != code {
				continue
			}
			if name := vi.Name(r); name != "" {
				countries = append(countries, Country{Code: code, Name: name})
				byCode[code] = countries[len(countries)-1]
			}
		}
	}
	// Vietnamese names first, then English ones where they do not clash with a Vietnamese name
	// ("Áo" is Austria, whatever English name reads "ao").
	for _, names := range []display.Namer{vi, en} {
		for _, c := range countries {
			if k := vntext.Key(names.Name(language.MustParseRegion(c.Code))); k != "" {
				if _, taken := byName[k]; !taken {
					byName[k] = c
				}
			}
		}
	}
	byName[vntext.Key("Viet Nam")] = Vietnam
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
// or without diacritics and spaces, or its ISO code. Two plain letters are a code ("BI" is
// Burundi); a name written with its marks is a name ("Bỉ" is Belgium, "Áo" Austria).
func Find(s string) (Country, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 2 {
		if c, ok := byCode[strings.ToUpper(s)]; ok {
			return c, true
		}
	}
	k := vntext.Key(s)
	c, ok := byName[k]
	return c, ok && k != ""
}
