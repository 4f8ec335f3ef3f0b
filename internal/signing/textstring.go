package signing

import (
	"strings"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// textString prepares a text for the signature dictionary (/Name, /Reason, /Location).
//
// pdfsign writes a text with any non-ASCII letter as a literal string of UTF-16BE with a BOM,
// as the PDF specification allows, but without escaping the bytes of that encoding: "ĩ" is
// U+0129, whose low byte 0x29 is ")", so "Lưu Thị Ĩnh" ended the string early and made a file
// that qpdf rejects and that verifiers call unsigned. Rather than fork the library, we hand it
// only texts whose UTF-16 bytes need no escape: a letter that would produce "(", ")", "\" or an
// end of line is given in its canonically equivalent decomposed form (ĩ = i + U+0303, the same
// text to any reader), white space becomes a space, and ASCII parentheses stay only when
// balanced, which a literal string allows; otherwise they become their full-width forms.
func textString(s string) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	ascii := true
	for i := 0; i < len(s); i++ {
		ascii = ascii && s[i] < 0x80
	}
	if ascii {
		return s // pdfsign escapes ASCII (PDFDocEncoding) itself
	}
	var b strings.Builder
	depth, balanced := 0, true
	for _, r := range s {
		switch {
		case r == '(':
			depth++
			b.WriteRune(r)
		case r == ')':
			depth--
			balanced = balanced && depth >= 0
			b.WriteRune(r)
		case !safe(r):
			d := norm.NFD.String(string(r))
			if !allSafe(d) {
				d = "\uFFFD"
			}
			b.WriteString(d)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if !balanced || depth != 0 {
		out = strings.NewReplacer("(", "\uFF08", ")", "\uFF09").Replace(out)
	}
	return out
}

// safe reports whether r's UTF-16BE bytes need no escape in a PDF literal string.
func safe(r rune) bool {
	if r == '(' || r == ')' {
		return false
	}
	for _, u := range utf16.Encode([]rune{r}) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '(' || c == ')' || c == '\\' || c == '\r' || c == '\n' {
				return false
			}
		}
	}
	return true
}

func allSafe(s string) bool {
	for _, r := range s {
		if !safe(r) {
			return false
		}
	}
	return true
}
