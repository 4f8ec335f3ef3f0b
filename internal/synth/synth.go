// Package synth makes realistic, deterministic civil-status data: Vietnamese names with their
// real frequencies and diacritics, both sexes, communes, parents, late registrations and valid
// personal ID numbers. The demo, the tests and the benchmark use it; the same seed gives the
// same data.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/vntext"
)

// weighted is a value with its share of the population, in per mille.
type weighted struct {
	v string
	w int
}

// Family names by share of the population (the commonly cited national survey figures: Nguyễn
// about 38 %, Trần 11 %, Lê 9.5 % …).
var families = []weighted{
	{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Huỳnh", 30}, {"Hoàng", 21}, {"Phan", 45}, {"Võ", 25}, {"Vũ", 14},
	{"Đặng", 21}, {"Bùi", 20}, {"Đỗ", 14}, {"Hồ", 13}, {"Ngô", 13}, {"Dương", 10}, {"Lý", 5}, {"Đinh", 8}, {"Trương", 8},
	{"Đoàn", 6}, {"Lương", 5}, {"Mai", 5}, {"Tạ", 3}, {"Lưu", 3}, {"Châu", 3}, {"Cao", 4}, {"Tô", 3},
}

var middles = map[string][]weighted{
	civil.Male:   {{"Văn", 400}, {"Minh", 120}, {"Đức", 90}, {"Quang", 80}, {"Hữu", 80}, {"Công", 60}, {"Thành", 60}, {"Anh", 50}, {"Gia", 30}, {"Bảo", 30}},
	civil.Female: {{"Thị", 500}, {"Ngọc", 110}, {"Thu", 70}, {"Thanh", 60}, {"Kim", 50}, {"Hồng", 50}, {"Bảo", 40}, {"Khánh", 40}, {"Mỹ", 40}, {"Phương", 40}},
}

var givens = map[string][]weighted{
	civil.Male: {{"An", 20}, {"Bình", 25}, {"Cường", 20}, {"Dũng", 30}, {"Đạt", 25}, {"Hải", 30}, {"Hùng", 35}, {"Huy", 35}, {"Khoa", 20},
		{"Long", 30}, {"Minh", 40}, {"Nam", 40}, {"Phúc", 25}, {"Quân", 25}, {"Sơn", 30}, {"Tài", 20}, {"Thắng", 25}, {"Trung", 30},
		{"Tuấn", 40}, {"Việt", 20}, {"Khang", 25}, {"Hiếu", 25}, {"Kiên", 15}, {"Lâm", 15}, {"Nhân", 15}, {"Tâm", 20}, {"Thịnh", 15}, {"Vinh", 20}},
	civil.Female: {{"Anh", 40}, {"Chi", 25}, {"Dung", 20}, {"Đào", 15}, {"Giang", 20}, {"Hà", 30}, {"Hạnh", 20}, {"Hoa", 30}, {"Hương", 35},
		{"Lan", 35}, {"Linh", 40}, {"Mai", 35}, {"My", 25}, {"Ngân", 20}, {"Ngọc", 25}, {"Nhung", 20}, {"Oanh", 10}, {"Phương", 30},
		{"Quỳnh", 20}, {"Thảo", 35}, {"Thu", 25}, {"Trang", 40}, {"Trâm", 15}, {"Tuyết", 10}, {"Vân", 20}, {"Vy", 25}, {"Yến", 20}, {"Hằng", 25}},
}

var places = []string{"Bệnh viện Đa khoa tỉnh Quảng Ngãi", "Bệnh viện Sản Nhi tỉnh Quảng Ngãi", "Trung tâm Y tế khu vực", "Trạm Y tế xã", "Bệnh viện Đa khoa tỉnh Kon Tum", "Tại nhà"}

var causes = []string{"Bệnh già", "Bệnh tim mạch", "Tai biến mạch máu não", "Ung thư", "Tai nạn giao thông", "Bệnh phổi"}

// Generator makes data from a seed.
type Generator struct {
	r       *rand.Rand
	offices []string
	// pids marks the serials used under each prefix (province, century and sex, year), one bit
	// each: ten million IDs in a map of strings took 1.5 GB, the bits take 125 KB a prefix.
	pids map[string][]uint64
}

// New returns a generator over the given commune codes.
func New(seed uint64, offices []string) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), offices: offices, pids: map[string][]uint64{}}
}

func (g *Generator) pick(ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := g.r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.v
		}
		n -= w.w
	}
	return ws[0].v
}

func (g *Generator) sex() string {
	if g.r.IntN(1000) < 512 { // about 112 boys per 100 girls at birth
		return civil.Male
	}
	return civil.Female
}

// Name makes a full name for a person of that sex and family.
func (g *Generator) Name(sex, family string) string {
	if family == "" {
		family = g.pick(families)
	}
	return family + " " + g.pick(middles[sex]) + " " + g.pick(givens[sex])
}

func (g *Generator) day(from, to time.Time) time.Time {
	span := int(to.Sub(from).Hours()/24) + 1
	return from.AddDate(0, 0, g.r.IntN(span))
}

// PersonalID makes a unique, well-formed personal ID for someone registered in province 051.
func (g *Generator) PersonalID(born time.Time, sex string) string {
	prefix := fmt.Sprintf("051%d%02d", civil.CenturySexDigit(born.Year(), sex), born.Year()%100)
	used := g.pids[prefix]
	if used == nil {
		used = make([]uint64, 1000000/64+1)
		g.pids[prefix] = used
	}
	for {
		n := g.r.IntN(1000000)
		if used[n/64]&(1<<(n%64)) == 0 {
			used[n/64] |= 1 << (n % 64)
			return fmt.Sprintf("%s%06d", prefix, n)
		}
	}
}

// Entry is one generated register entry.
type Entry struct {
	Office       string
	RegisteredOn string
	Late         bool
	Birth        *civil.Birth
	Death        *civil.Death
	Marriage     *civil.Marriage
}

// Record is the entry as the register takes it, not yet numbered.
func (e Entry) Record() civil.Record {
	r := civil.Record{Office: e.Office, RegisteredOn: e.RegisteredOn, Late: e.Late}
	switch {
	case e.Death != nil:
		r.Set(e.Death)
	case e.Marriage != nil:
		r.Set(e.Marriage)
	default:
		r.Set(e.Birth)
	}
	r.Kind = r.Entry().Kind()
	return r
}

// Birth makes a birth between from and to, registered within the legal 60 days (about one in
// ten later), never after today.
func (g *Generator) Birth(from, to, today time.Time) Entry {
	sex := g.sex()
	born := g.day(from, to)
	fatherFamily := g.pick(families)
	mother := &civil.Parent{FullName: g.Name(civil.Female, ""), Ethnicity: "Kinh", Nationality: "Việt Nam"}
	motherBorn := born.AddDate(-18-g.r.IntN(22), -g.r.IntN(12), -g.r.IntN(28))
	mother.DateOfBirth = motherBorn.Format(civil.DateFormat)
	office := g.offices[g.r.IntN(len(g.offices))]
	b := &civil.Birth{
		Child: civil.Person{FullName: g.Name(sex, fatherFamily), Sex: sex, DateOfBirth: born.Format(civil.DateFormat),
			PlaceOfBirth: places[g.r.IntN(len(places))], Ethnicity: "Kinh", Nationality: "Việt Nam", Hometown: "tỉnh Quảng Ngãi",
			PersonalID: g.PersonalID(born, sex)},
		Mother: mother,
	}
	if g.r.IntN(100) < 92 { // a father is usually known
		fatherBorn := motherBorn.AddDate(-g.r.IntN(8), 0, 0)
		b.Father = &civil.Parent{FullName: fatherFamily + " " + g.pick(middles[civil.Male]) + " " + g.pick(givens[civil.Male]),
			DateOfBirth: fatherBorn.Format(civil.DateFormat), Ethnicity: "Kinh", Nationality: "Việt Nam"}
	}
	b.Requester = civil.Requester{FullName: mother.FullName, Relation: "mẹ"}
	delay := 1 + g.r.IntN(45)
	if g.r.IntN(10) == 0 {
		delay = 61 + g.r.IntN(300)
	}
	reg := born.AddDate(0, 0, delay)
	if reg.After(today) {
		reg = today
	}
	return Entry{Office: office, RegisteredOn: reg.Format(civil.DateFormat), Late: civil.LateBirth(born, reg), Birth: b}
}

// Death makes a death between from and to of a person born 1925–1975.
func (g *Generator) Death(from, to, today time.Time) Entry {
	sex := g.sex()
	born := g.day(time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1975, 12, 31, 0, 0, 0, 0, time.UTC))
	died := g.day(from, to)
	d := &civil.Death{
		Deceased: civil.Person{FullName: g.Name(sex, ""), Sex: sex, DateOfBirth: born.Format(civil.DateFormat), Ethnicity: "Kinh",
			Nationality: "Việt Nam", PersonalID: g.PersonalID(born, sex)},
		DateOfDeath: died.Format(civil.DateFormat), PlaceOfDeath: places[g.r.IntN(len(places))], Cause: causes[g.r.IntN(len(causes))],
		Requester: civil.Requester{FullName: g.Name(g.sex(), ""), Relation: "con"},
	}
	delay := g.r.IntN(14)
	if g.r.IntN(12) == 0 {
		delay = 16 + g.r.IntN(100)
	}
	reg := died.AddDate(0, 0, delay)
	if reg.After(today) {
		reg = today
	}
	return Entry{Office: g.offices[g.r.IntN(len(g.offices))], RegisteredOn: reg.Format(civil.DateFormat), Late: civil.LateDeath(died, reg), Death: d}
}

// Marriage makes a marriage registered between from and to, of a man of 20 to 39 and a woman
// of 18 to 35 that day (Law on Marriage and Family 52/2014 art. 8.1.a), both of the province.
// The wife is found by her name too (record_names), as officers search a marriage.
func (g *Generator) Marriage(from, to, today time.Time) Entry {
	reg := g.day(from, to)
	if reg.After(today) {
		reg = today
	}
	husbandBorn := reg.AddDate(-20-g.r.IntN(20), -g.r.IntN(12), -1-g.r.IntN(27))
	wifeBorn := reg.AddDate(-18-g.r.IntN(18), -g.r.IntN(12), -1-g.r.IntN(27))
	spouse := func(name string, born time.Time, sex string) civil.Spouse {
		return civil.Spouse{FullName: name, DateOfBirth: born.Format(civil.DateFormat), Ethnicity: "Kinh", Nationality: "Việt Nam",
			Residence: "tỉnh Quảng Ngãi", PersonalID: g.PersonalID(born, sex)}
	}
	m := &civil.Marriage{
		Husband: spouse(g.Name(civil.Male, ""), husbandBorn, civil.Male),
		Wife:    spouse(g.Name(civil.Female, ""), wifeBorn, civil.Female),
	}
	return Entry{Office: g.offices[g.r.IntN(len(g.offices))], RegisteredOn: reg.Format(civil.DateFormat), Marriage: m}
}

// Duplicate plants a likely duplicate of a birth, as a second registration of the same child
// would look: the name typed without diacritics or with one letter off, the date of birth a day
// apart, registered at another commune. The duplicate rules must catch it.
func (g *Generator) Duplicate(e Entry) Entry {
	b := *e.Birth
	child := b.Child
	switch g.r.IntN(3) {
	case 0:
		child.FullName = vntext.Fold(child.FullName)
	case 1:
		r := []rune(child.FullName)
		r[len(r)-1] = 'a'
		child.FullName = string(r)
	}
	if born, ok := civil.ParseDate(child.DateOfBirth); ok && g.r.IntN(2) == 0 {
		child.DateOfBirth = born.AddDate(0, 0, 1).Format(civil.DateFormat)
	}
	child.PersonalID = ""
	b.Child = child
	d := e
	d.Birth = &b
	d.Office = g.offices[g.r.IntN(len(g.offices))]
	return d
}
