package vntext

import "strings"

var digitWords = [...]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// NumberWords writes 0 ≤ n < 1 000 000 in Vietnamese words, as dates are written in words on
// civil-status papers: 2026 → "hai nghìn không trăm hai mươi sáu", 15 → "mười lăm".
func NumberWords(n int) string {
	if n < 0 || n >= 1000000 {
		return ""
	}
	if n < 1000 {
		return hundreds(n, false)
	}
	out := hundreds(n/1000, false) + " nghìn"
	if rest := n % 1000; rest > 0 {
		out += " " + hundreds(rest, true)
	}
	return out
}

// hundreds writes 0–999; full asks for "không trăm" and "lẻ" inside a larger number.
func hundreds(n int, full bool) string {
	h, t, u := n/100, n/10%10, n%10
	var w []string
	if h > 0 || full {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u == 0:
		if len(w) == 0 {
			return digitWords[0]
		}
		return strings.Join(w, " ")
	case t == 0:
		if len(w) > 0 {
			w = append(w, "lẻ")
		}
	case t == 1:
		w = append(w, "mười")
	default:
		w = append(w, digitWords[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		w = append(w, "mốt")
	case u == 5 && t > 0:
		w = append(w, "lăm")
	case u == 4 && t > 1:
		w = append(w, "tư")
	default:
		w = append(w, digitWords[u])
	}
	return strings.Join(w, " ")
}
