package legacy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The encodings of text files that Vietnamese offices' tools have written over the years.
const (
	UTF8        = "utf-8"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
	Windows1258 = "windows-1258"
	TCVN3       = "tcvn3"
	VNI         = "vni"
)

// Encodings are the names a user may pick (the mapping's "encoding", the import form).
var Encodings = []string{UTF8, UTF16LE, UTF16BE, Windows1258, TCVN3, VNI}

// sampleSize is how much of a file decides its encoding.
const sampleSize = 64 << 10

// decodeText turns a text file into UTF-8 in NFC, whatever it came in: with a byte-order mark
// (UTF-8, UTF-16), in the encoding asked for, or else as found: UTF-8 when it is valid UTF-8,
// UTF-16 when every other byte is NUL, and otherwise whichever of Windows-1258, TCVN3 and VNI makes
// Vietnamese words of it. Decomposed text (Windows-1258's combining tones, a Mac's files) is
// composed, so that "Việt" is one spelling. It answers the encoding used.
func decodeText(r io.Reader, enc string) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	sample, err := br.Peek(sampleSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		enc = UTF8
	case bytes.HasPrefix(sample, []byte("\xff\xfe")):
		enc = UTF16LE
	case bytes.HasPrefix(sample, []byte("\xfe\xff")):
		enc = UTF16BE
	case enc == "":
		if enc = detect(sample); enc == "" {
			return nil, "", fmt.Errorf("không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16, Windows-1258, TCVN3 hay VNI): hãy chọn bảng mã khi nhập")
		}
	}
	dec, err := decoder(enc)
	if err != nil {
		return nil, "", err
	}
	return transform.NewReader(br, transform.Chain(dec, norm.NFC)), enc, nil
}

func decoder(enc string) (transform.Transformer, error) {
	switch strings.ToLower(enc) {
	case UTF8:
		return transform.Nop, nil
	case UTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder(), nil
	case UTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewDecoder(), nil
	case Windows1258, "cp1258":
		return charmap.Windows1258.NewDecoder(), nil
	case TCVN3, "abc", "tcvn":
		return tcvn3Decoder{}, nil
	case VNI, "vni-windows":
		return vniDecoder{}, nil
	}
	return nil, fmt.Errorf("bảng mã %q không được hỗ trợ: chọn một trong %s", enc, strings.Join(Encodings, ", "))
}

// detect names the encoding of a sample without a byte-order mark, "" when none fits.
func detect(sample []byte) string {
	if utf8.Valid(trimPartialRune(sample)) {
		return UTF8
	}
	if len(sample) >= 4 {
		var evenNUL, oddNUL int
		for i, b := range sample {
			if b == 0 {
				if i%2 == 0 {
					evenNUL++
				} else {
					oddNUL++
				}
			}
		}
		switch half := len(sample) / 2; {
		case oddNUL > half*3/4: // "A\x00" "B\x00": the high bytes of ASCII letters
			return UTF16LE
		case evenNUL > half*3/4:
			return UTF16BE
		}
	}
	best, bestScore := "", 0
	for _, enc := range []string{Windows1258, TCVN3, VNI} {
		dec, _ := decoder(enc)
		text, _, err := transform.Bytes(transform.Chain(dec, norm.NFC), sample)
		if err != nil {
			continue
		}
		if s := vietnameseScore(string(text)); s > bestScore {
			best, bestScore = enc, s
		}
	}
	return best
}

// trimPartialRune drops a rune cut off at the end of a sample.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// vietnameseScore counts the words of text with a letter outside ASCII that read as Vietnamese
// (every letter of the Vietnamese alphabet, at most one tone mark: a syllable), less those that
// do not. The wrong decoding of a legacy file makes "Céng hßa" or "Viï¿½t" of its words.
func vietnameseScore(text string) int {
	score := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r < 0x80 && !unicode.IsLetter(r) }) {
		ascii := true
		for _, r := range w {
			if r >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		if syllable(w) {
			score++
		} else {
			score--
		}
	}
	return score
}

// syllable reports whether w is made of Vietnamese letters with at most one tone mark.
func syllable(w string) bool {
	tones := 0
	for _, r := range w {
		if r < 0x80 {
			if !unicode.IsLetter(r) {
				return false
			}
			continue
		}
		if !vietnameseLetter[r] {
			return false
		}
		for _, m := range norm.NFD.String(string(r)) {
			switch m {
			case 0x300, 0x301, 0x303, 0x309, 0x323: // grave, acute, tilde, hook above, dot below
				tones++
			}
		}
	}
	return tones <= 1
}

// vietnameseLetter holds the letters outside ASCII of the Vietnamese alphabet, both cases.
var vietnameseLetter = func() map[rune]bool {
	m := map[rune]bool{}
	bases := "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
	for _, b := range bases {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"} {
			for _, r := range norm.NFC.String(string(b) + tone) {
				if r >= 0x80 {
					m[r] = true
				}
			}
		}
	}
	m['đ'], m['Đ'] = true, true
	return m
}()

// tcvn3Decoder decodes TCVN3 bytes, one byte to one rune.
type tcvn3Decoder struct{ transform.NopResetter }

func (tcvn3Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		b := src[nSrc]
		r := rune(b)
		if b >= 0x80 {
			r = tcvn3High[b-0x80]
		} else if low, ok := tcvn3Low[b]; ok {
			r = low
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}
