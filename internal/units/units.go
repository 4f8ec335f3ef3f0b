// Package units knows the administrative units of the province, before and after the reform of
// 1 July 2025 (Resolution 202/2025/QH15, Law 72/2025/QH15, Resolution 1677/NQ-UBTVQH15), with
// their validity periods and which new unit each old commune went into.
package units

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"tuphap/internal/fault"
)

//go:embed data/admin-units.json
var rawData []byte

// Level of a unit in the hierarchy.
type Level string

const (
	Province Level = "province"
	District Level = "district"
	Commune  Level = "commune"
)

// Unit is one administrative unit valid over [ValidFrom, ValidTo). A zero ValidFrom means "as far
// back as our data goes"; a zero ValidTo means "still valid".
type Unit struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Level     Level     `json:"level"`
	Parent    string    `json:"parent,omitempty"`
	ValidFrom time.Time `json:"-"`
	ValidTo   time.Time `json:"-"`
	// FormedFrom lists old commune codes merged into a new unit.
	FormedFrom []string `json:"formed_from,omitempty"`
	// Partial lists old communes only partly absorbed (a split commune).
	Partial []string `json:"formed_from_partially,omitempty"`
}

// ValidOn reports whether u existed on day d.
func (u Unit) ValidOn(d time.Time) bool {
	return (u.ValidFrom.IsZero() || !d.Before(u.ValidFrom)) && (u.ValidTo.IsZero() || d.Before(u.ValidTo))
}

// ReformDate is the day the two-level units took effect.
var ReformDate = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// Registry holds every unit. Codes repeat across periods (an old commune often gave its code to
// the new one), so a unit is identified by code and date.
type Registry struct {
	units []Unit
	// successors maps an old commune code to the new units that took its territory.
	successors map[string][]string
	province   Unit
}

type rawUnit struct {
	Code          string   `json:"code"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Province      string   `json:"province"`
	District      string   `json:"district"`
	FormedFrom    []string `json:"formed_from"`
	FormedPartial []string `json:"formed_from_partially"`
}

// Load parses the embedded data.
func Load() (*Registry, error) {
	var raw struct {
		Province rawUnit   `json:"province"`
		After    []rawUnit `json:"units_after_2025_07_01"`
		Before   struct {
			Provinces []rawUnit `json:"provinces"`
			Districts []rawUnit `json:"districts"`
			Communes  []rawUnit `json:"communes"`
		} `json:"units_before_2025_07_01"`
	}
	if err := json.Unmarshal(rawData, &raw); err != nil {
		return nil, fmt.Errorf("units: parse embedded data: %w", err)
	}
	r := &Registry{successors: map[string][]string{}}
	r.province = Unit{Code: raw.Province.Code, Name: raw.Province.Name, Type: raw.Province.Type, Level: Province, ValidFrom: ReformDate}
	r.units = append(r.units, r.province)
	for _, u := range raw.After {
		nu := Unit{Code: u.Code, Name: u.Name, Type: u.Type, Level: Commune, Parent: r.province.Code,
			ValidFrom: ReformDate, FormedFrom: u.FormedFrom, Partial: u.FormedPartial}
		r.units = append(r.units, nu)
		seen := map[string]bool{}
		for _, old := range append(append([]string{}, u.FormedFrom...), u.FormedPartial...) {
			if !seen[old] {
				seen[old] = true
				r.successors[old] = append(r.successors[old], u.Code)
			}
		}
	}
	for _, p := range raw.Before.Provinces {
		r.units = append(r.units, Unit{Code: p.Code, Name: p.Name, Type: p.Type, Level: Province, ValidTo: ReformDate})
	}
	for _, d := range raw.Before.Districts {
		r.units = append(r.units, Unit{Code: d.Code, Name: d.Name, Type: d.Type, Level: District, Parent: d.Province, ValidTo: ReformDate})
	}
	for _, c := range raw.Before.Communes {
		r.units = append(r.units, Unit{Code: c.Code, Name: c.Name, Type: c.Type, Level: Commune, Parent: c.District, ValidTo: ReformDate})
	}
	return r, nil
}

// MustLoad is Load for program start, where the embedded data cannot be wrong without a failing test.
func MustLoad() *Registry {
	r, err := Load()
	if err != nil {
		panic(err)
	}
	return r
}

// ValidOn lists the units valid on day d, provinces first, then by code.
func (r *Registry) ValidOn(d time.Time) []Unit {
	var out []Unit
	for _, u := range r.units {
		if u.ValidOn(d) {
			out = append(out, u)
		}
	}
	rank := map[Level]int{Province: 0, District: 1, Commune: 2}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Level] != rank[out[j].Level] {
			return rank[out[i].Level] < rank[out[j].Level]
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Lookup finds the unit of the given level with code that was valid on day d.
func (r *Registry) Lookup(level Level, code string, d time.Time) (Unit, error) {
	for _, u := range r.units {
		if u.Level == level && u.Code == code && u.ValidOn(d) {
			return u, nil
		}
	}
	return Unit{}, fault.New(fault.NotFound, "unit.not_found", code)
}

// CommuneToday is the commune of today a commune's rows count in: itself, or for a commune of
// before the reform of 1 July 2025 its successor (the first, where it was split); any other
// code as it is.
func (r *Registry) CommuneToday(code string, today time.Time) string {
	if _, err := r.Lookup(Commune, code, today); err == nil {
		return code
	}
	if next, err := r.Successors(code); err == nil && len(next) > 0 {
		return next[0].Code
	}
	return code
}

// CurrentCommunes lists the communes valid today under the two-level system.
func (r *Registry) CurrentCommunes(today time.Time) []Unit {
	var out []Unit
	for _, u := range r.ValidOn(today) {
		if u.Level == Commune {
			out = append(out, u)
		}
	}
	return out
}

// Successors answers "which current unit does this old commune belong to": the new communes
// that took its territory. More than one means the old commune was split, and the caller must
// choose by address.
func (r *Registry) Successors(oldCommune string) ([]Unit, error) {
	if _, err := r.Lookup(Commune, oldCommune, ReformDate.AddDate(0, 0, -1)); err != nil {
		return nil, err
	}
	var out []Unit
	for _, code := range r.successors[oldCommune] {
		u, err := r.Lookup(Commune, code, ReformDate)
		if err != nil {
			return nil, fmt.Errorf("units: successor %s of %s: %w", code, oldCommune, err)
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fault.New(fault.NotFound, "unit.no_successor", oldCommune)
	}
	return out, nil
}

// Province returns the current province.
func (r *Registry) Province() Unit { return r.province }

// Place is how a unit is written as a place (of birth, of residence, a hometown) in a register:
// a commune of today with its province ("Phường Cẩm Thành, tỉnh Quảng Ngãi"), a commune before
// the reform with its district and province ("Xã Tịnh Ấn Tây, Huyện Sơn Tịnh, tỉnh Quảng
// Ngãi"), as people born before 1 July 2025 have it on their papers.
func (r *Registry) Place(u Unit) string {
	if u.Level != Commune {
		return provinceName(u)
	}
	if !u.ValidTo.IsZero() && !u.ValidTo.After(ReformDate) {
		before := ReformDate.AddDate(0, 0, -1)
		d, err := r.Lookup(District, u.Parent, before)
		if err != nil {
			return u.Name
		}
		p, err := r.Lookup(Province, d.Parent, before)
		if err != nil {
			return u.Name + ", " + d.Name
		}
		return u.Name + ", " + d.Name + ", " + provinceName(p)
	}
	return u.Name + ", " + provinceName(r.province)
}

// provinceName is a province as an address writes it: "tỉnh Quảng Ngãi", "thành phố Huế".
func provinceName(p Unit) string {
	if p.Type == "thanh_pho" {
		return "thành phố " + p.Name
	}
	return "tỉnh " + p.Name
}

// FormerCommunes lists the communes of the three-level system, which ended on 30 June 2025, by
// code.
func (r *Registry) FormerCommunes() []Unit {
	var out []Unit
	for _, u := range r.ValidOn(ReformDate.AddDate(0, 0, -1)) {
		if u.Level == Commune {
			out = append(out, u)
		}
	}
	return out
}
