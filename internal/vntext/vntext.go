// Package vntext handles Vietnamese names for search and matching: folding away diacritics and
// case (đ included, which Unicode decomposition does not touch), splitting a full name into
// family, middle and given names, and edit distance.
package vntext

import (
	"math"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s without diacritics, in lower case, with runs of space collapsed:
// "Nguyễn Thị  Đào" → "nguyen thi dao". The same function folds stored names and queries, on
// every store, so that both sides agree.
func Fold(s string) string {
	if folded(s) {
		return s // folded already, as stored names are: no copy
	}
	return fold(s)
}

// folded reports whether fold would return s as it is: plain ASCII with nothing to lower-case,
// no separator but single spaces between words.
func folded(s string) bool {
	space := true // a leading space is dropped
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if space {
				return false
			}
			space = true
			continue
		case c < 0x20 || c >= 0x7f || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == ',' || c == '.':
			return false
		}
		space = false
	}
	return len(s) == 0 || s[len(s)-1] != ' '
}

func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ' || r == 'Ð' || r == 'ð': // Ð (U+00D0) stands for Đ in text converted from old encodings
			r = 'd'
		case unicode.IsSpace(r) || r == '-' || r == '_' || r == ',' || r == '.':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// Clean normalises a name as typed: NFC, single spaces, each word capitalised the way
// Vietnamese names are written ("nguyễn thị đào" → "Nguyễn Thị Đào"). The names of the Central
// Highlands' peoples join parts with an apostrophe or a hyphen, each part capitalised: "Ksor
// H'Bia", "Y-Moan Ênuôl", "H'Hen Niê".
func Clean(s string) string {
	// Word types a typographic apostrophe; names are stored and searched with the plain one.
	words := strings.Fields(strings.NewReplacer("’", "'", "ʼ", "'").Replace(norm.NFC.String(s)))
	for i, w := range words {
		rs := []rune(strings.ToLower(w))
		start := true
		for j, r := range rs {
			if start && unicode.IsLetter(r) {
				rs[j] = unicode.ToUpper(r)
			}
			start = r == '\'' || r == '-'
		}
		words[i] = string(rs)
	}
	return strings.Join(words, " ")
}

// Name is a folded full name cut into its parts.
type Name struct {
	Family string // first word: Nguyễn, Trần, Lê…
	Middle string // the words between, often empty or Thị / Văn
	Given  string // last word: the name people are called by
}

// Key folds s and keeps its letters only, so that the spellings of a listed name match
// whatever spaces, hyphens and apostrophes they use: "Ê-đê", "Ê Đê" and "Êđê" are all "ede".
func Key(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, Fold(s))
}

// Split cuts a full name; a one-word name is all given name.
func Split(full string) Name {
	w := strings.Fields(Fold(full))
	switch len(w) {
	case 0:
		return Name{}
	case 1:
		return Name{Given: w[0]}
	}
	return Name{Family: w[0], Middle: strings.Join(w[1:len(w)-1], " "), Given: w[len(w)-1]}
}

// GivenFirst is the folded name reordered to start with the given name ("dao nguyen thi"), so
// that an index on it answers searches by given name as a prefix search.
func GivenFirst(full string) string {
	n := Split(full)
	return strings.TrimSpace(strings.Join(strings.Fields(n.Given+" "+n.Family+" "+n.Middle), " "))
}

// Distance is the Levenshtein edit distance between two strings, by rune.
func Distance(a, b string) int { return boundedDistance(a, b, math.MaxInt) }

// Within reports whether a and b are at most k edits apart. It gives up as soon as they cannot
// be, which for the names a duplicate check compares is after a letter or two.
func Within(a, b string, k int) bool { return boundedDistance(a, b, k) <= k }

// boundedDistance is Distance, or any number above bound once it exceeds bound.
func boundedDistance(a, b string, bound int) int {
	// Folded names are short ASCII: compared by byte, with the rows on the stack.
	if len(b) < 32 && ascii(a) && ascii(b) {
		var prev, cur [32]int
		return distance([]byte(a), []byte(b), prev[:len(b)+1], cur[:len(b)+1], bound)
	}
	ra, rb := []rune(a), []rune(b)
	return distance(ra, rb, make([]int, len(rb)+1), make([]int, len(rb)+1), bound)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// distance is the Levenshtein distance of ra and rb, using prev and cur (len(rb)+1 each); past
// bound it returns bound+1.
func distance[T byte | rune](ra, rb []T, prev, cur []int, bound int) int {
	if d := len(ra) - len(rb); d > bound || -d > bound {
		return bound + 1
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		least := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			least = min(least, cur[j])
		}
		if least > bound { // a row never goes below the one before
			return bound + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Mask keeps a name recognisable without disclosing it: the family name and initials
// ("Nguyễn T. H. Đ."), for those who may know that a person exists but not who.
func Mask(name string) string {
	w := strings.Fields(name)
	for i := 1; i < len(w); i++ {
		r := []rune(w[i])
		w[i] = string(r[0]) + "."
	}
	return strings.Join(w, " ")
}
