package vntext

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// vowels are the twelve vowel letters; each takes one of five tone marks or none.
const vowels = "aăâeêioôơuưy"

// tones are the combining tone marks: sắc, huyền, hỏi, ngã, nặng.
var tones = []string{"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}

// Letters returns every letter of the Vietnamese alphabet in NFC, lower case then upper case:
// the 17 consonant letters (đ among them) and the 12 vowels with each of the five tones or none:
// 178 in all. The 134 that carry a mark are those a document must draw with it.
func Letters() []string {
	var lower []string
	for _, c := range "bcdđghklmnpqrstvx" {
		lower = append(lower, string(c))
	}
	for _, v := range vowels {
		for _, t := range tones {
			lower = append(lower, norm.NFC.String(string(v)+t))
		}
	}
	out := append([]string(nil), lower...)
	for _, l := range lower {
		out = append(out, strings.ToUpper(l))
	}
	return out
}
