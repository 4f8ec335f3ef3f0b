package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// An export cut at its bound says so on its last line, in either format's text.
func TestTableSaysWhenCut(t *testing.T) {
	tb := table{name: "x", header: []string{"a"}, rows: [][]any{{"1"}, {"2"}}, cut: 2, cutNote: "… stops at %d rows"}
	w := httptest.NewRecorder()
	if err := tb.write(w, "csv"); err != nil {
		t.Fatal(err)
	}
	if body := w.Body.String(); !strings.HasSuffix(body, "2\r\n… stops at 2 rows\r\n") {
		t.Errorf("the cut export ends %q", body)
	}
	tb.cut = 0
	w = httptest.NewRecorder()
	tb.write(w, "csv")
	if strings.Contains(w.Body.String(), "stops") {
		t.Error("an export that was not cut says it was")
	}
}
