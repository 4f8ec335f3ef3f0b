// Package ethnic holds the official list of Vietnam's 54 ethnic groups (danh mục các dân tộc
// Việt Nam, Decision 121-TCTK/PPCĐ of 2 March 1979) and reads the spellings found on forms and
// in old registers ("Mông", "Khmer", "Ê Đê", "M'nông", "Mèo") as the group they name.
package ethnic

import (
	_ "embed"
	"encoding/json"

	"tuphap/internal/vntext"
)

// Group is one ethnic group of the official list.
type Group struct {
	Code string `json:"code"` // "01" Kinh … "54" Rơ-măm
	Name string `json:"name"` // as the list spells it
}

//go:embed groups.json
var groupsJSON []byte

var groups []Group

// byKey finds a group by its spelling reduced to letters (key).
var byKey = map[string]Group{}

// aliases are spellings and older names in use that reduce to another key than the list's:
// the list's own note names Mông/Hmông, Khmer/Khơ-me; the others are found on forms and in
// registers (Mèo is the Hmông's older name, Cao Lan and Sán Chỉ the two branches of the Sán Chay).
var aliases = map[string]string{
	"Mông": "08", "Mèo": "08",
	"Khmer": "05", "Khmer Krom": "05",
	"Jrai": "10", "Rhade": "12", "Bahnar": "13", "Sedang": "14",
	"Cao Lan": "15", "Sán Chỉ": "15", "Koho": "16", "Stiêng": "22",
	"Vân Kiều": "23", "Bru": "23", "Katu": "26", "Khmú": "29", "Pa Cô": "31", "Hán": "04",
}

func key(s string) string { return vntext.Key(s) }

func init() {
	var f struct {
		Groups []Group `json:"groups"`
	}
	if err := json.Unmarshal(groupsJSON, &f); err != nil || len(f.Groups) != 54 {
		panic("ethnic: the embedded list is not the 54 groups")
	}
	groups = f.Groups
	byCode := map[string]Group{}
	for _, g := range groups {
		byKey[key(g.Name)] = g
		byCode[g.Code] = g
	}
	for spelling, code := range aliases {
		byKey[key(spelling)] = byCode[code]
	}
}

// Groups lists the 54 groups in the list's order (Kinh first).
func Groups() []Group { return groups }

// Find reads a spelling of an ethnic group's name, with or without diacritics, hyphens or
// spaces, or an older name, as the group of the list.
func Find(s string) (Group, bool) {
	g, ok := byKey[key(s)]
	return g, ok && key(s) != ""
}
