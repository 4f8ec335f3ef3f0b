// Package i18n is the message catalogue: every string a user sees, in Vietnamese (the default)
// and English, looked up by key.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Lang is a language code.
type Lang string

const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{VI, EN}

//go:embed locales/*.json
var files embed.FS

var catalogue = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		b, err := files.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", l, err))
		}
		// NFC: Vietnamese typed on different keyboards arrives composed or decomposed.
		for k, v := range m {
			m[k] = norm.NFC.String(v)
		}
		catalogue[l] = m
	}
}

// Parse returns the language for a code, the default for anything unknown.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, l := range Langs {
		if s == string(l) || strings.HasPrefix(s, string(l)+"-") {
			return l
		}
	}
	return VI
}

// Missing marks a key with no message, so that tests can find it on a rendered page.
const Missing = "⟦"

// T returns the message for key in lang, formatted with args. An unknown key comes back marked.
//
// A message whose first argument is a count has its singular as key+".one" where the language
// has one ("1 result" beside "%d results"), chosen by the CLDR plural rules; Vietnamese nouns
// do not change with the count, so its catalogue has none.
func T(lang Lang, key string, args ...any) string {
	msg, ok := catalogue[lang][key]
	if !ok {
		if msg, ok = catalogue[VI][key]; !ok {
			return Missing + key + "⟧"
		}
	}
	if len(args) == 0 {
		return msg
	}
	if n, isCount := count(args[0]); isCount {
		if one, ok := catalogue[lang][key+".one"]; ok && plural.Cardinal.MatchPlural(language.Make(string(lang)), n, 0, 0, 0, 0) == plural.One {
			msg = one
		}
	}
	return fmt.Sprintf(msg, args...)
}

// count reads an integer argument.
func count(a any) (int, bool) {
	switch n := a.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	}
	return 0, false
}

// Has reports whether key exists in every language.
func Has(key string) bool {
	for _, l := range Langs {
		if _, ok := catalogue[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys lists the keys of lang, sorted.
func Keys(lang Lang) []string {
	var out []string
	for k := range catalogue[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
