package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindSurvivesWrapping(t *testing.T) {
	base := New(NotFound, "user.not_found")
	wrapped := fmt.Errorf("loading profile: %w", base)
	if KindOf(wrapped) != NotFound || !Is(wrapped, NotFound) || Is(wrapped, Conflict) {
		t.Fatalf("kind lost through %%w: %v", KindOf(wrapped))
	}
	if KindOf(errors.New("disk on fire")) != Internal || Is(nil, Internal) {
		t.Fatal("plain errors are internal, nil is nothing")
	}
	cause := errors.New("cause")
	if !errors.Is(Wrap(Conflict, "x", cause), cause) {
		t.Fatal("Wrap hides its cause")
	}
}

func TestValidationCollectsEveryField(t *testing.T) {
	var v Validation
	if v.Err() != nil {
		t.Fatal("empty validation is an error")
	}
	v.Check(true, "a", "never")
	v.Check(false, "b", "first")
	v.Add("b", "second")
	v.Add("c", "third")
	e, ok := As(v.Err())
	if !ok || e.Kind != Invalid || len(e.Fields) != 2 || e.Fields["b"] != "first" || e.Fields["c"] != "third" {
		t.Fatalf("validation error = %+v", e)
	}
}
