package legacy

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// VNI (VNI-Windows, the encoding of the VNI-Times fonts) writes a Vietnamese letter as its
// base letter followed by Windows-1252 characters that stand for the marks: "Vieät Nam",
// "Nguyeãn Thò Ñaøo". Besides the marks, a few characters stand for whole letters (ơ ư đ and
// the i and y with a tone, which VNI draws as one glyph). There is no table of it in
// golang.org/x/text or in glibc; this one follows the VNI fonts' layout, checked against
// the spellings in encoding_test.go.
var vniHigh = func() map[byte]string {
	marks := map[byte]string{
		0xF9: "\u0301", 0xF8: "\u0300", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323", // tones
		0xE2: "\u0302", 0xE1: "\u0302\u0301", 0xE0: "\u0302\u0300", 0xE5: "\u0302\u0309", 0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323", // circumflex
		0xEA: "\u0306", 0xE9: "\u0306\u0301", 0xE8: "\u0306\u0300", 0xFA: "\u0306\u0309", 0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323", // breve
	}
	letters := map[byte][2]string{ // lower case byte: lower, upper letter (upper byte = lower − 0x20)
		0xF4: {"ơ", "Ơ"}, 0xF6: {"ư", "Ư"}, 0xF1: {"đ", "Đ"},
		0xED: {"í", "Í"}, 0xEC: {"ì", "Ì"}, 0xE6: {"ỉ", "Ỉ"}, 0xF3: {"ĩ", "Ĩ"}, 0xF2: {"ị", "Ị"}, 0xEE: {"ỵ", "Ỵ"},
	}
	m := map[byte]string{}
	for b, s := range marks {
		m[b], m[b-0x20] = s, s // the marks of capitals are the capitals of the marks: "VIEÄT"
	}
	for b, l := range letters {
		m[b], m[b-0x20] = l[0], l[1]
	}
	return m
}()

// vniDecoder decodes VNI bytes into UTF-8 with combining marks, which the NFC step after it
// composes ("e" + U+0302 U+0323 → "ệ"). Other bytes are Windows-1252.
type vniDecoder struct{ transform.NopResetter }

func (vniDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		b := src[nSrc]
		s, ok := vniHigh[b]
		if !ok {
			r := rune(b)
			if b >= 0x80 {
				r = charmap.Windows1252.DecodeByte(b)
			}
			if nDst+utf8.RuneLen(r) > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], r)
			nSrc++
			continue
		}
		if nDst+len(s) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], s)
		nSrc++
	}
	return nDst, nSrc, nil
}
