// Package calendar knows Vietnamese dates: the lunisolar calendar (âm lịch) computed from the
// Sun and Moon for the Vietnamese time zone, the public holidays of the Labour Code, each
// year's official schedule, working days and statutory due dates.
package calendar

import (
	"fmt"
	"math"
	"time"
)

// The lunisolar calendar follows the traditional rules, evaluated at UTC+7 (Vietnam), which is
// why Tết sometimes falls on another day than in China (UTC+8), e.g. 1985 and 2007:
//   - a month begins on the local day of a new moon;
//   - the winter solstice (solar longitude 270°) falls in month 11;
//   - a lunar year with 13 months repeats the first month, counting from month 11, in which
//     the Sun enters no new 30° sign ("major term"); that month is the leap month.
// New moons and the Sun's longitude come from the series in J. Meeus, Astronomical Algorithms
// (2nd ed.), ch. 25 and 49, truncated to the terms that matter at a one-day resolution.

// VietnamOffset is the time zone of the Vietnamese calendar, in hours.
const VietnamOffset = 7.0

// julianDay is the Julian day number of a civil date (Gregorian from 15 October 1582).
func julianDay(y int, m time.Month, d int) int {
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	jd := d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
	if jd < 2299161 {
		jd = d + (153*mm+2)/5 + 365*yy + yy/4 - 32083
	}
	return jd
}

// civilDate turns a Julian day number back into a date.
func civilDate(jd int) time.Time {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - b*146097/4
	} else {
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - 1461*d/4
	m := (5*e + 2) / 153
	day := e - (153*m+2)/5 + 1
	month := m + 3 - 12*(m/10)
	year := b*100 + d - 4800 + m/10
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

const rad = math.Pi / 180

// newMoonJD is the moment (Julian day, UT) of the k-th new moon after that of 1900-01-01.
func newMoonJD(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3 := t*t, t*t*t
	jd := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3 + 0.00033*math.Sin((166.56+132.87*t-0.009173*t2)*rad)
	sun := (359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3) * rad   // Sun's mean anomaly
	moon := (306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3) * rad // Moon's mean anomaly
	lat := (21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3) * rad   // Moon's argument of latitude
	corr := (0.1734-0.000393*t)*math.Sin(sun) + 0.0021*math.Sin(2*sun) -
		0.4068*math.Sin(moon) + 0.0161*math.Sin(2*moon) - 0.0004*math.Sin(3*moon) +
		0.0104*math.Sin(2*lat) - 0.0051*math.Sin(sun+moon) - 0.0074*math.Sin(sun-moon) +
		0.0004*math.Sin(2*lat+sun) - 0.0004*math.Sin(2*lat-sun) - 0.0006*math.Sin(2*lat+moon) +
		0.0010*math.Sin(2*lat-moon) + 0.0005*math.Sin(2*moon+sun)
	// ΔT, the gap between dynamical and universal time, in days.
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd + corr - deltaT
}

// sunLongitude is the Sun's apparent longitude at Julian day jd, in radians within [0, 2π).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525
	t2 := t * t
	m := (357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2) * rad
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	c := (1.914600-0.004817*t-0.000014*t2)*math.Sin(m) + (0.019993-0.000101*t)*math.Sin(2*m) + 0.000290*math.Sin(3*m)
	l := (l0 + c) * rad
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// newMoonDay is the local day number on which the k-th new moon falls in zone tz (hours).
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoonJD(k) + 0.5 + tz/24))
}

// sign is the Sun's 30° sign (0–11) at the start of local day jd: major terms begin a sign.
func sign(jd int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(jd)-0.5-tz/24) / math.Pi * 6))
}

const synodic = 29.530588853

// month11 is the day on which month 11 of the lunar year ending in civil year y begins: the
// last new moon before the Sun reaches 270° (the winter solstice) in December of y.
func month11(y int, tz float64) int {
	k := int(math.Floor(float64(julianDay(y, time.December, 31)-2415021) / synodic))
	start := newMoonDay(k, tz)
	if sign(start, tz) >= 9 { // already past 270°: month 11 began a moon earlier
		start = newMoonDay(k-1, tz)
	}
	return start
}

// leapOffset is, for a 13-month year whose month 11 starts on a11, how many months after it
// the leap month comes: the first month in which the Sun enters no new sign.
func leapOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/synodic + 0.5))
	prev := sign(newMoonDay(k+1, tz), tz)
	i := 1
	for i < 14 {
		i++
		cur := sign(newMoonDay(k+i, tz), tz)
		if cur == prev {
			break
		}
		prev = cur
	}
	return i - 1
}

// Lunar is a date of the lunisolar calendar.
type Lunar struct {
	Day   int  `json:"day"`
	Month int  `json:"month"`
	Year  int  `json:"year"`
	Leap  bool `json:"leap"` // the month is the repeated (leap) month
}

func (l Lunar) String() string {
	leap := ""
	if l.Leap {
		leap = " (nhuận)"
	}
	return fmt.Sprintf("%02d/%02d%s/%d", l.Day, l.Month, leap, l.Year)
}

// ToLunar converts a civil date to the lunar calendar of zone tz (VietnamOffset for Vietnam).
func ToLunar(d time.Time, tz float64) Lunar {
	day := julianDay(d.Year(), d.Month(), d.Day())
	// The mean month gives k within one; the true new moons settle it, so a date next to a new
	// moon that comes early or late still lands in the right month.
	k := int(math.Floor((float64(day) - 2415021.076998695) / synodic))
	for newMoonDay(k+1, tz) <= day {
		k++
	}
	for newMoonDay(k, tz) > day {
		k--
	}
	start := newMoonDay(k, tz)
	a11 := month11(d.Year(), tz)
	b11 := a11
	year := d.Year()
	if a11 >= start {
		a11 = month11(d.Year()-1, tz)
	} else {
		year++
		b11 = month11(d.Year()+1, tz)
	}
	l := Lunar{Day: day - start + 1, Year: year}
	diff := (start - a11) / 29
	l.Month = diff + 11
	if b11-a11 > 365 {
		leap := leapOffset(a11, tz)
		if diff >= leap {
			l.Month = diff + 10
			l.Leap = diff == leap
		}
	}
	if l.Month > 12 {
		l.Month -= 12
	}
	if l.Month >= 11 && diff < 4 {
		l.Year--
	}
	return l
}

// FromLunar converts a lunar date of zone tz to the civil date; ok is false when the date does
// not exist (a leap flag on a month that is not leap that year).
func FromLunar(l Lunar, tz float64) (time.Time, bool) {
	var a11, b11 int
	if l.Month < 11 {
		a11, b11 = month11(l.Year-1, tz), month11(l.Year, tz)
	} else {
		a11, b11 = month11(l.Year, tz), month11(l.Year+1, tz)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/synodic))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return time.Time{}, false
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return time.Time{}, false
	}
	return civilDate(newMoonDay(k+off, tz) + l.Day - 1), true
}

// Tet is the first day of the lunar year that begins in civil year y, in Vietnam.
func Tet(y int) time.Time {
	d, _ := FromLunar(Lunar{Day: 1, Month: 1, Year: y}, VietnamOffset)
	return d
}
