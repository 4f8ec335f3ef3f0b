package civil

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Fields flattens an entry (a Birth, a Death) into its fields by dotted path as they travel in
// JSON ("child.full_name", "mother.date_of_birth"): the names forms, validation messages and
// the list of changed fields all use.
func Fields(v any) map[string]any {
	out := map[string]any{}
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}

// Section is the first part of a dotted field path: "mother" for "mother.full_name", "" for a
// top-level field.
func Section(path string) string {
	s, _, ok := strings.Cut(path, ".")
	if !ok {
		return ""
	}
	return s
}

// FieldChange is one field of an entry before and after an amendment.
type FieldChange struct {
	Field         string // dotted path, "child.full_name"
	Before, After string // "" when the field was or became empty
}

// Diff lists the fields whose values differ between two versions of an entry (a *Birth,
// *Death or *Marriage), by field path. A correction or supplement is recorded with its reason
// and legal basis (Law 60/2014 art. 28-29); the history shows what it changed, value by value.
func Diff(before, after any) []FieldChange {
	b, a := Fields(before), Fields(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		x, y := text(b[k]), text(a[k])
		if x != y {
			out = append(out, FieldChange{Field: k, Before: x, After: y})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return fmt.Sprint(v)
}
