package correspondence

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"tuphap/internal/vntext"
)

// Text extraction: github.com/ledongthuc/pdf, a maintained fork of rsc.io/pdf that decodes
// fonts through their ToUnicode maps (the subset fonts gopdf and office suites embed);
// digitorus/pdf, which signing already uses, returns glyph numbers for those fonts instead of
// letters. Like rsc.io/pdf it may panic on a malformed file: the caller gets no text then, and
// the document is registered all the same. A scanned letter has no text layer (OCR is not done).

const (
	maxTextPages = 200     // pages read for the search text
	maxText      = 1 << 20 // bytes of text kept
)

// SearchText is the text of a PDF as the register searches it: folded (no marks, lower case)
// and its white space collapsed, "" when it has none or cannot be read.
func SearchText(data []byte) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || r.NumPage() > maxTextPages {
		return ""
	}
	rd, err := r.GetPlainText()
	if err != nil {
		return ""
	}
	raw, err := io.ReadAll(io.LimitReader(rd, maxText))
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(vntext.Fold(string(raw))), " ")
}

// textWithin is SearchText given at most d: a crafted file that sends the parser round in
// circles costs the registration nothing but its text (the parser's goroutine is left to end).
func textWithin(data []byte, d time.Duration) string {
	// One parse at a time, and none while a timed-out one still runs: crafted uploads one after
	// another cannot pile parsers up on the cores; a document registered meanwhile has no text.
	select {
	case parsing <- struct{}{}:
	default:
		return ""
	}
	out := make(chan string, 1)
	go func() { defer func() { <-parsing }(); out <- SearchText(data) }()
	select {
	case t := <-out:
		return t
	case <-time.After(d):
		return ""
	}
}

var parsing = make(chan struct{}, 1)
