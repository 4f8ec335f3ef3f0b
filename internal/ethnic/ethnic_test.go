package ethnic

import "testing"

func TestGroups(t *testing.T) {
	gs := Groups()
	if len(gs) != 54 || gs[0] != (Group{"01", "Kinh"}) || gs[53] != (Group{"54", "Rơ-măm"}) {
		t.Fatalf("%d groups, first %v, last %v", len(gs), gs[0], gs[len(gs)-1])
	}
	// Every group is found under its own name.
	for _, g := range gs {
		if got, ok := Find(g.Name); !ok || got != g {
			t.Errorf("Find(%q) = %v, %v", g.Name, got, ok)
		}
	}
}

// Spellings from forms and old registers, including the variants the list's source names
// (Mông/Hmông, Giẻ-Triêng/Gié-Triêng, Khmer/Khơ-me).
func TestFind(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"kinh", "Kinh"}, {" KINH ", "Kinh"},
		{"Mông", "Hmông"}, {"H'Mông", "Hmông"}, {"Mèo", "Hmông"},
		{"Khmer", "Khơ-me"}, {"Khơ Me", "Khơ-me"},
		{"Giẻ-Triêng", "Gié-Triêng"}, {"Gie Trieng", "Gié-Triêng"},
		{"Ê Đê", "Ê-đê"}, {"Êđê", "Ê-đê"}, {"Ede", "Ê-đê"},
		{"M'nông", "Mnông"}, {"Xơ Đăng", "Xơ-đăng"}, {"Ba Na", "Ba-na"}, {"Jrai", "Gia-rai"},
		{"Bru - Vân Kiều", "Bru-Vân Kiều"}, {"Vân Kiều", "Bru-Vân Kiều"}, {"Cao Lan", "Sán Chay"},
		{"Hrê", "Hrê"}, {"H're", "Hrê"}, {"Co", "Co"}, {"Rơ Măm", "Rơ-măm"},
	}
	for _, tt := range tests {
		if g, ok := Find(tt.typed); !ok || g.Name != tt.want {
			t.Errorf("Find(%q) = %q, %v; want %q", tt.typed, g.Name, ok, tt.want)
		}
	}
	for _, typed := range []string{"", " ", "-", "Kinhh", "Việt", "Người nước ngoài"} {
		if g, ok := Find(typed); ok {
			t.Errorf("Find(%q) = %v, want none", typed, g)
		}
	}
}
