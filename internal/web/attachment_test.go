package web

import (
	"testing"

	"tuphap/internal/correspondence"
)

// A download is named with the extension of what its bytes are, its letters kept (ASCII and
// UTF-8, RFC 6266), nothing that could end the header or name a path.
func TestAttachmentName(t *testing.T) {
	for _, c := range []struct{ name, typ, want string }{
		{"cv-123.pdf", correspondence.PDF, `attachment; filename="cv-123.pdf"; filename*=UTF-8''cv-123.pdf`},
		{"trang.html", correspondence.PDF, `attachment; filename="trang.pdf"; filename*=UTF-8''trang.pdf`},
		{"Công văn số 12.docx", correspondence.DOCX, `attachment; filename="Cong van so 12.docx"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n%20s%E1%BB%91%2012.docx`},
		{"../../etc/passwd\r\nX: y", correspondence.PNG, `attachment; filename="....etcpasswdX y.png"; filename*=UTF-8''....etcpasswdX%20y.png`},
		{"", correspondence.JPEG, `attachment; filename="0123456789abcdef.jpg"; filename*=UTF-8''0123456789abcdef.jpg`},
	} {
		if got := attachment(c.name, c.typ, "0123456789abcdef0123"); got != c.want {
			t.Errorf("%q: %s\nwant %s", c.name, got, c.want)
		}
	}
}
