package document

import (
	"fmt"
	"strings"

	"tuphap/internal/civil"
)

// BookLayout is how a register book (sổ đăng ký) of one kind is printed: its title and its
// columns, each cell a few lines. The book is a legal record and is printed in Vietnamese
// whatever the screen's language, like the extracts. The columns follow the registers' forms
// (Circular 04/2020/TT-BTP): the number and date, the person, the parents or spouses, who
// asked, and the notes column where later corrections are written in the margin.
type BookLayout struct {
	Title   string
	Columns []string
	Widths  []int // each column's share of the page's width, in percent
	Row     func(r civil.Record, changes []civil.Version) [][]string
}

// Book is the layout of a kind's register book; false for a kind without one.
func Book(k civil.Kind) (BookLayout, bool) {
	l, ok := bookLayouts[k]
	return l, ok
}

var bookLayouts = map[civil.Kind]BookLayout{
	civil.BirthKind: {
		Title:   "SỔ ĐĂNG KÝ KHAI SINH",
		Columns: []string{"Số", "Ngày đăng ký", "Người được khai sinh", "Nơi sinh, quê quán", "Mẹ", "Cha", "Người đi đăng ký", "Ghi chú"},
		Widths:  []int{4, 8, 17, 14, 14, 14, 11, 18},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			b := r.Birth
			place := []string{"Nơi sinh: " + b.Child.PlaceOfBirth}
			if b.Child.Hometown != "" {
				place = append(place, "Quê quán: "+b.Child.Hometown)
			}
			notes := notes(r, changes)
			if b.Abandoned != nil {
				notes = append([]string{fmt.Sprintf("Trẻ bị bỏ rơi, phát hiện ngày %s tại %s", DateVN(b.Abandoned.FoundOn), b.Abandoned.FoundAt)}, notes...)
			}
			if b.Abroad != nil {
				notes = append([]string{"Sinh ở nước ngoài: " + b.Abroad.Country}, notes...)
			}
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, person(b.Child), place, parent(b.Mother), parent(b.Father),
				requester(b.Requester), notes}
		},
	},
	civil.DeathKind: {
		Title:   "SỔ ĐĂNG KÝ KHAI TỬ",
		Columns: []string{"Số", "Ngày đăng ký", "Người đã chết", "Nơi cư trú cuối cùng", "Ngày chết, nơi chết, nguyên nhân", "Người đi khai tử", "Ghi chú"},
		Widths:  []int{4, 8, 20, 16, 20, 12, 20},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			d := r.Death
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, person(d.Deceased), lines(d.Deceased.Residence),
				{"Ngày chết: " + DateVN(d.DateOfDeath), "Nơi chết: " + d.PlaceOfDeath, "Nguyên nhân: " + d.Cause},
				requester(d.Requester), notes(r, changes)}
		},
	},
	civil.MarriageKind: {
		Title:   "SỔ ĐĂNG KÝ KẾT HÔN",
		Columns: []string{"Số", "Ngày đăng ký", "Bên chồng", "Bên vợ", "Ghi chú"},
		Widths:  []int{4, 8, 28, 28, 32},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			m := r.Marriage
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, spouse(m.Husband), spouse(m.Wife), notes(r, changes)}
		},
	},
	civil.MaritalStatusKind: {
		Title:   "SỔ CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
		Columns: []string{"Số", "Ngày cấp", "Người được xác nhận", "Tình trạng hôn nhân", "Mục đích sử dụng", "Ghi chú"},
		Widths:  []int{4, 8, 28, 20, 20, 20},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			s := r.MaritalStatus
			purpose := lines(s.Purpose)
			if i := s.IntendedSpouse; i != nil {
				purpose = append(purpose, lines("Với: "+i.FullName, "Ngày sinh: "+DateVN(i.DateOfBirth), "Quốc tịch: "+i.Nationality)...)
			}
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, spouse(s.Person), lines(MaritalStatusVN(s.Status, s.Spouse), s.Basis,
				"Giá trị đến: "+DateVN(s.ValidUntil)), purpose, notes(r, changes)}
		},
	},
	civil.RecognitionKind: {
		Title:   "SỔ ĐĂNG KÝ NHẬN CHA, MẸ, CON",
		Columns: []string{"Số", "Ngày đăng ký", "Người nhận", "Người được nhận là con", "Chứng cứ", "Ghi chú"},
		Widths:  []int{4, 8, 20, 20, 20, 28},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			rc := r.Recognition
			p, role := rc.Parent()
			who := parent(p)
			if len(who) > 0 {
				who[0] += map[string]string{"father": " (cha)", "mother": " (mẹ)"}[role]
			}
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, who, person(rc.Child), lines(rc.Evidence), notes(r, changes)}
		},
	},
	civil.AdoptionKind: {
		Title:   "SỔ ĐĂNG KÝ NUÔI CON NUÔI",
		Columns: []string{"Số", "Ngày đăng ký", "Cha nuôi", "Mẹ nuôi", "Con nuôi", "Người đồng ý", "Ghi chú"},
		Widths:  []int{4, 8, 18, 18, 18, 14, 20},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			a := r.Adoption
			consent := lines(a.Consent, "Ngày: "+DateVN(a.ConsentedOn))
			if a.ChildConsent {
				consent = append(consent, "Con nuôi đồng ý")
			}
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, parent(a.Father), parent(a.Mother), person(a.Child), consent, notes(r, changes)}
		},
	},
	civil.GuardianshipKind: {
		Title:   "SỔ ĐĂNG KÝ GIÁM HỘ",
		Columns: []string{"Số", "Ngày đăng ký", "Người giám hộ", "Người được giám hộ", "Căn cứ", "Ghi chú"},
		Widths:  []int{4, 8, 20, 20, 20, 28},
		Row: func(r civil.Record, changes []civil.Version) [][]string {
			g := r.Guardianship
			who := parent(&g.Guardian)
			if g.CoGuardian != nil {
				who = append(who, lines("Cùng giám hộ: "+g.CoGuardian.FullName)...)
			}
			basis := lines("Giám hộ cử: "+g.Appointment, "Giám sát: "+g.Supervisor)
			if g.ByLaw {
				basis = lines("Giám hộ đương nhiên", "Giám sát: "+g.Supervisor)
			}
			return [][]string{number(r), {DateVN(r.RegisteredOn)}, who, append(person(g.Ward), lines(g.Incapacity)...), basis, notes(r, changes)}
		},
	},
}

// MaritalStatusVN says a marital status as the certificate writes it.
func MaritalStatusVN(status, spouse string) string {
	switch status {
	case civil.NeverMarried:
		return "Chưa đăng ký kết hôn với ai"
	case civil.Married:
		return "Đang có vợ/chồng: " + spouse
	case civil.DivorcedNow:
		return "Đã ly hôn, chưa đăng ký kết hôn lại"
	case civil.Widowed:
		return "Vợ/chồng đã chết, chưa đăng ký kết hôn lại"
	}
	return ""
}

func number(r civil.Record) []string { return []string{fmt.Sprint(r.Register.Number)} }

// lines keeps the non-empty lines.
func lines(ls ...string) []string {
	var out []string
	for _, l := range ls {
		if strings.TrimSpace(l) != "" && !strings.HasSuffix(l, ": ") {
			out = append(out, l)
		}
	}
	return out
}

func person(p civil.Person) []string {
	return lines(p.FullName, "Ngày sinh: "+DateVN(p.DateOfBirth), "Giới tính: "+sexVN[p.Sex], "Dân tộc: "+p.Ethnicity,
		"Quốc tịch: "+p.Nationality, "Số định danh cá nhân: "+p.PersonalID)
}

func parent(p *civil.Parent) []string {
	if p == nil {
		return nil
	}
	born := "Năm sinh: " + p.DateOfBirth
	if _, ok := civil.ParseDate(p.DateOfBirth); ok {
		born = "Ngày sinh: " + DateVN(p.DateOfBirth)
	}
	return lines(p.FullName, born, "Dân tộc: "+p.Ethnicity, "Quốc tịch: "+p.Nationality, "Nơi cư trú: "+p.Residence,
		"Số định danh cá nhân: "+p.PersonalID)
}

func spouse(s civil.Spouse) []string {
	return lines(s.FullName, "Ngày sinh: "+DateVN(s.DateOfBirth), "Dân tộc: "+s.Ethnicity, "Quốc tịch: "+s.Nationality,
		"Nơi cư trú: "+s.Residence, "Số định danh cá nhân: "+s.PersonalID, "Giấy tờ tùy thân: "+s.Papers)
}

func requester(q civil.Requester) []string {
	if q.Relation == "" {
		return lines(q.FullName)
	}
	return lines(q.FullName + " (" + q.Relation + ")")
}

// notes are what the notes column says: a late registration, and every later correction or
// supplement as the extracts note it in the margin (Law 60/2014 art. 28). Version.Officer is
// printed as given: the caller puts the officer's full name there.
func notes(r civil.Record, changes []civil.Version) []string {
	var out []string
	if r.Late {
		out = append(out, "Đăng ký quá hạn")
	}
	if e, ok := r.Entry().(civil.RecordedAbroad); ok && e.ForeignRecord() != nil {
		f := e.ForeignRecord()
		out = append(out, "Ghi chú việc đã đăng ký tại "+f.Authority+", "+f.Country+": "+f.Document+", ngày "+DateVN(f.IssuedOn))
	}
	if e, ok := r.Entry().(civil.Reregistered); ok && e.Reregistration() != nil {
		first := e.Reregistration()
		out = append(out, strings.TrimSuffix("Đăng ký lại; lần đầu tại "+first.OriginalOffice+", ngày "+DateVN(first.OriginalDate)+", "+first.OriginalReference, ", "))
	}
	return append(out, marginalNotes(changes)...)
}
