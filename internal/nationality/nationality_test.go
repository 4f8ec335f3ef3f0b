package nationality

import "testing"

func TestAll(t *testing.T) {
	cs := All()
	// ISO 3166-1 assigns 249 alpha-2 codes.
	if len(cs) != 249 || cs[0] != Vietnam {
		t.Fatalf("%d countries, first %v", len(cs), cs[0])
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Code] || c.Name == "" || len(c.Code) != 2 {
			t.Errorf("country %+v repeated or unnamed", c)
		}
		seen[c.Code] = true
	}
	// Vietnamese alphabetical order after Việt Nam: "Ai Cập" before "Ấn Độ" before "Áo"? The
	// collation decides; a byte sort would put every name starting with "Ấ" after "Z".
	pos := map[string]int{}
	for i, c := range cs {
		pos[c.Code] = i
	}
	if !(pos["EG"] < pos["IN"] && pos["IN"] < pos["ZW"]) {
		t.Errorf("order: Ai Cập %d, Ấn Độ %d, Zimbabwe %d", pos["EG"], pos["IN"], pos["ZW"])
	}
}

func TestFind(t *testing.T) {
	tests := []struct{ typed, code, name string }{
		{"Việt Nam", "VN", "Việt Nam"}, {"Viet Nam", "VN", "Việt Nam"}, {"Vietnam", "VN", "Việt Nam"},
		{"việt nam", "VN", "Việt Nam"}, {"VN", "VN", "Việt Nam"},
		{"Lào", "LA", "Lào"}, {"Laos", "LA", "Lào"}, {"Campuchia", "KH", "Campuchia"}, {"Cambodia", "KH", "Campuchia"},
		{"Trung Quốc", "CN", "Trung Quốc"}, {"Hàn Quốc", "KR", "Hàn Quốc"}, {"Nhật Bản", "JP", "Nhật Bản"},
		{"Hoa Kỳ", "US", "Hoa Kỳ"}, {"United States", "US", "Hoa Kỳ"}, {"us", "US", "Hoa Kỳ"},
		// A name with its marks is a name, two plain letters a code.
		{"Áo", "AT", "Áo"}, {"Austria", "AT", "Áo"}, {"AO", "AO", "Angola"}, {"Bỉ", "BE", "Bỉ"}, {"BI", "BI", "Burundi"},
	}
	for _, tt := range tests {
		if c, ok := Find(tt.typed); !ok || c.Code != tt.code || c.Name != tt.name {
			t.Errorf("Find(%q) = %+v, %v; want %s %s", tt.typed, c, ok, tt.code, tt.name)
		}
	}
	// Old codes of countries that changed (Burma, Yugoslavia), regions that are not countries,
	// and ISO's reserved codes are not nationalities.
	for _, typed := range []string{"", "BU", "YU", "EU", "UN", "ZZ", "QO", "AC", "Atlantis"} {
		if c, ok := Find(typed); ok {
			t.Errorf("Find(%q) = %+v, want none", typed, c)
		}
	}
}
