package calendar

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// DayKind says what a listed day is.
type DayKind string

const (
	Holiday DayKind = "holiday" // a day off that would otherwise be worked
	Workday DayKind = "workday" // a Saturday or Sunday worked in exchange for a day off
)

// Day is a listed day of a year's schedule.
type Day struct {
	Date time.Time `json:"-"`
	Kind DayKind   `json:"kind"`
	Name string    `json:"name"`
}

// DateString is the day as YYYY-MM-DD.
func (d Day) DateString() string { return d.Date.Format("2006-01-02") }

// Schedule is one year's holidays and swapped working days. Official is true when it is the
// government's published schedule for the year (entered by an administrator), false when it is
// the default computed from the Labour Code.
type Schedule struct {
	Year     int   `json:"year"`
	Official bool  `json:"official"`
	Days     []Day `json:"days"`
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// DefaultSchedule computes the holidays of Labour Code 2019 art. 112 for a year not yet
// announced: 1 January; Tết, five days (the last day of the lunar year and the first four of
// the new one, the usual choice); Hùng Kings' day (10th day of the 3rd lunar month); 30 April;
// 1 May; 2 September and an adjacent day. A holiday on a Saturday or Sunday gives a day off on
// the next working day (art. 111.3).
func DefaultSchedule(year int) Schedule {
	var days []Day
	add := func(d time.Time, name string) { days = append(days, Day{Date: d, Kind: Holiday, Name: name}) }
	add(date(year, time.January, 1), "Tết Dương lịch")
	tet := Tet(year)
	add(tet.AddDate(0, 0, -1), "Tết Nguyên đán (ngày cuối năm âm lịch)")
	for i := 0; i < 4; i++ {
		add(tet.AddDate(0, 0, i), fmt.Sprintf("Tết Nguyên đán (mùng %d)", i+1))
	}
	if hung, ok := FromLunar(Lunar{Day: 10, Month: 3, Year: year}, VietnamOffset); ok {
		add(hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)")
	}
	add(date(year, time.April, 30), "Ngày Chiến thắng")
	add(date(year, time.May, 1), "Ngày Quốc tế Lao động")
	national := date(year, time.September, 2)
	add(national, "Quốc khánh")
	// The adjacent day joins the weekend where it can (the government's usual choice).
	switch national.Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		add(national.AddDate(0, 0, 1), "Quốc khánh (ngày liền kề)")
	default:
		add(national.AddDate(0, 0, -1), "Quốc khánh (ngày liền kề)")
	}
	off := map[time.Time]bool{}
	for _, d := range days {
		off[d.Date] = true
	}
	var comp []Day
	for _, d := range days {
		if !weekend(d.Date) {
			continue
		}
		next := d.Date.AddDate(0, 0, 1)
		for weekend(next) || off[next] {
			next = next.AddDate(0, 0, 1)
		}
		off[next] = true
		comp = append(comp, Day{Date: next, Kind: Holiday, Name: "Nghỉ bù " + d.Name})
	}
	days = append(days, comp...)
	sort.Slice(days, func(i, j int) bool { return days[i].Date.Before(days[j].Date) })
	return Schedule{Year: year, Days: days}
}

// Calendar answers which days are worked, from the official schedules where an administrator
// entered one and the default elsewhere.
type Calendar struct {
	mu       sync.Mutex
	official map[int]Schedule
	cache    map[int]map[time.Time]DayKind
}

// New makes a calendar with the official schedules known so far.
func New(official []Schedule) *Calendar {
	c := &Calendar{official: map[int]Schedule{}, cache: map[int]map[time.Time]DayKind{}}
	for _, s := range official {
		c.official[s.Year] = s
	}
	return c
}

// Schedule returns the schedule in force for a year.
func (c *Calendar) Schedule(year int) Schedule {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.official[year]; ok {
		return s
	}
	return DefaultSchedule(year)
}

func (c *Calendar) days(year int) map[time.Time]DayKind {
	c.mu.Lock()
	m, ok := c.cache[year]
	c.mu.Unlock()
	if ok {
		return m
	}
	s := c.Schedule(year)
	m = map[time.Time]DayKind{}
	for _, d := range s.Days {
		m[d.Date] = d.Kind
	}
	c.mu.Lock()
	c.cache[year] = m
	c.mu.Unlock()
	return m
}

// IsWorkingDay reports whether offices work on the civil date of d: Monday to Friday unless a
// holiday, and any swapped working day.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	day := date(d.Year(), d.Month(), d.Day())
	switch c.days(day.Year())[day] {
	case Holiday:
		return false
	case Workday:
		return true
	}
	return !weekend(day)
}

// AddWorkingDays returns the civil date n working days after the civil date of d (d itself
// not counted); n = 0 returns d.
func (c *Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	day := date(d.Year(), d.Month(), d.Day())
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// WorkingDaysBetween counts the working days after a and up to b (0 when b is not after a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	n := 0
	for d := date(a.Year(), a.Month(), a.Day()).AddDate(0, 0, 1); !d.After(date(b.Year(), b.Month(), b.Day())); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
