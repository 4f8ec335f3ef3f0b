package vntext

import (
	"golang.org/x/text/unicode/norm"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Thị Đào", "nguyen thi dao"},
		{"nguyen thi dao", "nguyen thi dao"},
		{"  TRẦN   văn  Bình ", "tran van binh"},
		{"Đặng Quốc Việt", "dang quoc viet"},
		{"Huỳnh Thị Ngọc Hường", "huynh thi ngoc huong"},
		{"Lưu Thượng Ượng", "luu thuong uong"}, // stacked marks (ượ) that remove_diacritics 1 misses
		{"Nguye\u0302\u0303n", "nguyen"},       // decomposed input
		{"Ksor H'Bia", "ksor h'bia"},           // ethnic-minority names keep their apostrophe
		{"Y-Moan Êban", "y moan eban"},
		{"Ðinh Thị Ðào", "dinh thi dao"}, // Ð (U+00D0) for Đ, as old registers converted from TCVN3 have it
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"  nguyễn   THỊ đào ":  "Nguyễn Thị Đào",
		"NGUYỄN VĂN AN":        "Nguyễn Văn An",
		"Ksor H'Bia":           "Ksor H'Bia", // Gia Rai: the part after the apostrophe keeps its capital
		"ksor h'bia":           "Ksor H'Bia",
		"KSOR H'BIA":           "Ksor H'Bia",
		"y-moan ênuôl":         "Y-Moan Ênuôl", // Ê Đê
		"H’Hen Niê":            "H'Hen Niê",    // a typographic apostrophe, as Word writes it
		norm.NFD.String("đào"): "Đào",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitAndGivenFirst(t *testing.T) {
	n := Split("Nguyễn Thị Ngọc Đào")
	if n.Family != "nguyen" || n.Middle != "thi ngoc" || n.Given != "dao" {
		t.Errorf("Split = %+v", n)
	}
	if got := GivenFirst("Nguyễn Thị Đào"); got != "dao nguyen thi" {
		t.Errorf("GivenFirst = %q", got)
	}
	if got := GivenFirst("Đào"); got != "dao" {
		t.Errorf("GivenFirst(one word) = %q", got)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"nguyen thi dao", "nguyen thi dao", 0},
		{"nguyen thi dao", "nguyen thi dau", 1},
		{"tran van binh", "tran binh", 4},
		{"", "abc", 3},
		{"đào", "dao", 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Nguyễn Thị Đào", "Ượng", "a\u0300\u0301", "ĐĐ  đ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if got != fold(s) {
			t.Fatalf("Fold(%q) = %q, the full fold gives %q", s, got, fold(s))
		}
		if !utf8.ValidString(s) {
			return
		}
		if Fold(got) != got {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, got, Fold(got))
		}
		for _, r := range got {
			if r == 'đ' || r == 'Đ' || (r >= 'A' && r <= 'Z') {
				t.Fatalf("Fold(%q) = %q keeps %q", s, got, r)
			}
		}
	})
}

// Folded names take a path of their own, by byte, and Within gives up early; both must agree
// with the full distance by rune.
func FuzzDistance(f *testing.F) {
	f.Add("nguyen thi dao", "nguyen thi đao")
	f.Add("nguyen van hung", "nguyen van hunh")
	f.Add("hoa", "hoà")
	f.Add("", "an")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := []rune(a), []rune(b)
		want := distance(ra, rb, make([]int, len(rb)+1), make([]int, len(rb)+1), math.MaxInt)
		if got := Distance(a, b); got != want {
			t.Fatalf("Distance(%q, %q) = %d, by rune %d", a, b, got, want)
		}
		for k := range 4 {
			if Within(a, b, k) != (want <= k) {
				t.Fatalf("Within(%q, %q, %d) = %v, distance %d", a, b, k, !(want <= k), want)
			}
		}
	})
}

func TestNumberWords(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "không"}, {1, "một"}, {5, "năm"}, {10, "mười"}, {11, "mười một"}, {15, "mười lăm"}, {21, "hai mươi mốt"},
		{24, "hai mươi tư"}, {25, "hai mươi lăm"}, {30, "ba mươi"}, {105, "một trăm lẻ năm"}, {114, "một trăm mười bốn"},
		{1990, "một nghìn chín trăm chín mươi"}, {2000, "hai nghìn"}, {2005, "hai nghìn không trăm lẻ năm"},
		{2026, "hai nghìn không trăm hai mươi sáu"}, {2031, "hai nghìn không trăm ba mươi mốt"},
	}
	for _, tt := range tests {
		if got := NumberWords(tt.n); got != tt.want {
			t.Errorf("NumberWords(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestLetters(t *testing.T) {
	ls := Letters()
	if len(ls) != 2*(17+12*6) {
		t.Fatalf("%d letters", len(ls))
	}
	seen := map[string]bool{}
	marked := 0
	for _, l := range ls {
		if len([]rune(l)) != 1 || seen[l] {
			t.Errorf("letter %q: not one precomposed rune, or twice", l)
		}
		seen[l] = true
		if Fold(l) != strings.ToLower(l) {
			marked++
		}
	}
	// 60 toned vowels, ă â ê ô ơ ư and đ, in both cases.
	if marked != 134 {
		t.Errorf("%d letters with a mark, want 134", marked)
	}
	for _, want := range []string{"ự", "Ỵ", "ễ", "Đ", "ẳ"} {
		if !seen[want] {
			t.Errorf("%q missing", want)
		}
	}
}
