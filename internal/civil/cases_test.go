package civil

import (
	"testing"

	"tuphap/internal/fault"
)

// wantField checks a rule's outcome: valid when field is "", else a validation error that
// names field with the message want.
func wantField(t *testing.T, err error, field, want string) {
	t.Helper()
	e, _ := fault.As(err)
	switch {
	case field == "" && err != nil:
		t.Fatalf("want valid, got %v", err)
	case field != "" && (e == nil || e.Fields[field] != want):
		t.Fatalf("want %s: %s, got %v", field, want, err)
	}
}
