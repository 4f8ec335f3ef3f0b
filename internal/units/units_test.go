package units

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Resolution 1677/NQ-UBTVQH15 art. 1 cl. 92: 96 units, 86 xã, 9 phường, 1 đặc khu.
func TestCountsAfterReform(t *testing.T) {
	r := MustLoad()
	communes := r.CurrentCommunes(day("2026-01-01"))
	byType := map[string]int{}
	for _, u := range communes {
		byType[u.Type]++
	}
	if len(communes) != 96 || byType["xa"] != 86 || byType["phuong"] != 9 || byType["dac_khu"] != 1 {
		t.Fatalf("after reform: %d communes %v; want 96 = 86 xa + 9 phuong + 1 dac_khu", len(communes), byType)
	}
}

func TestCountsBeforeReform(t *testing.T) {
	r := MustLoad()
	var provinces, districts, communes int
	for _, u := range r.ValidOn(day("2025-06-30")) {
		switch u.Level {
		case Province:
			provinces++
		case District:
			districts++
		case Commune:
			communes++
		}
	}
	if provinces != 2 || districts != 23 || communes != 272 {
		t.Fatalf("before reform: %d provinces, %d districts, %d communes; want 2, 23, 272", provinces, districts, communes)
	}
}

func TestSuccessors(t *testing.T) {
	r := MustLoad()
	tests := []struct {
		old  string
		want []string
	}{
		{"21019", []string{"21025"}},          // merged into Phường Cẩm Thành (cl. 83)
		{"21025", []string{"21025"}},          // gave its code to the new unit
		{"23521", []string{"23500"}},          // Hà Mòn → Đăk Hà per cl. 56, not the compiled mapping
		{"21142", []string{"21136", "21157"}}, // Trà Bùi split (cl. 30–31); order as in the data
	}
	for _, tt := range tests {
		t.Run(tt.old, func(t *testing.T) {
			got, err := r.Successors(tt.old)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range got {
				codes = append(codes, u.Code)
			}
			if len(tt.want) == 1 && (len(codes) != 1 || codes[0] != tt.want[0]) {
				t.Fatalf("successors of %s = %v, want %v", tt.old, codes, tt.want)
			}
			if len(tt.want) > 1 && len(codes) != len(tt.want) {
				t.Fatalf("successors of %s = %v, want %d units", tt.old, codes, len(tt.want))
			}
		})
	}
	if _, err := r.Successors("99999"); !fault.Is(err, fault.NotFound) {
		t.Fatalf("unknown commune: err = %v, want not found", err)
	}
}

func TestEveryOldCommuneHasASuccessor(t *testing.T) {
	r := MustLoad()
	for _, u := range r.ValidOn(day("2025-06-30")) {
		if u.Level != Commune {
			continue
		}
		if _, err := r.Successors(u.Code); err != nil {
			t.Errorf("old commune %s %s: %v", u.Code, u.Name, err)
		}
	}
}

func TestLookupRespectsValidity(t *testing.T) {
	r := MustLoad()
	if _, err := r.Lookup(District, "522", day("2026-01-01")); !fault.Is(err, fault.NotFound) {
		t.Fatal("districts must not exist after the reform")
	}
	if u, err := r.Lookup(District, "522", day("2024-01-01")); err != nil || u.Name == "" {
		t.Fatalf("district 522 in 2024: %v %v", u, err)
	}
}

// A place is written as papers of its time write it: a commune of today with its province
// (Resolution 1677/NQ-UBTVQH15, two levels from 1 July 2025), a commune before the reform with
// its district and its province of then (Kon Tum was merged into Quảng Ngãi).
func TestPlace(t *testing.T) {
	r := MustLoad()
	for _, c := range []struct {
		code string
		on   time.Time
		want string
	}{
		{"21025", ReformDate, "Phường Cẩm Thành, tỉnh Quảng Ngãi"},
		{"21010", day("2020-01-01"), "Phường Lê Hồng Phong, Thành phố Quảng Ngãi, tỉnh Quảng Ngãi"},
		{"23281", day("2020-01-01"), "Phường Quang Trung, Thành phố Kon Tum, tỉnh Kon Tum"},
	} {
		u, err := r.Lookup(Commune, c.code, c.on)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Place(u); got != c.want {
			t.Errorf("%s: %q, want %q", c.code, got, c.want)
		}
	}
	if n := len(r.FormerCommunes()); n != 272 {
		t.Errorf("%d former communes, want the 272 of both provinces' data", n)
	}
}
