package civil

import (
	"encoding/json"
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
