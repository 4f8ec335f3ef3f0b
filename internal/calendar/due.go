package calendar

import "time"

// Vietnam is the time zone of offices, UTC+7 all year.
var Vietnam = time.FixedZone("ICT", 7*3600)

// Office hours that due dates use.
const (
	// Cutoff: Law on Civil Status 60/2014 art. 5.3: a same-day file received after 15:00 that
	// cannot be finished is returned the next working day.
	CutoffHour = 15
	// CloseHour is when the office closes: a result is due by then on its due day.
	CloseHour = 17
)

// Timing is a procedure's statutory time.
type Timing struct {
	// SameDay: the result is given the day the file is received (art. 5.3 Law 60/2014).
	SameDay bool `json:"same_day"`
	// WorkingDays: the result is due this many working days after receipt.
	WorkingDays int `json:"working_days"`
	// Days: the result is due this many calendar days after receipt (a law that counts days,
	// such as the Law on Adoption 2010's 30 days).
	Days int `json:"days,omitempty"`
	// Hours: the result is due this many hours after receipt, day or night (an urgent request
	// of a prosecuting body for a judicial-record certificate: 24 hours, Law on Judicial
	// Records 2009 art. 48.2).
	Hours int `json:"hours,omitempty"`
	// ExtensionDays: the most the time may be extended, with a reason.
	ExtensionDays int `json:"extension_days"`
}

// Due returns when a file received at received is due under t: 17:00 (Vietnam) on the due day.
// Same day: that day if it is a working day and the file came before 15:00, else the next
// working day. N working days: the Nth working day after the day of receipt, the day of receipt
// not counted (a file received on a day off starts with the next working day as day 1). N
// days: the Nth calendar day after the day of receipt, or the working day after it. N hours:
// N hours after receipt.
func (c *Calendar) Due(received time.Time, t Timing) time.Time {
	if t.Hours > 0 {
		return received.Add(time.Duration(t.Hours) * time.Hour)
	}
	r := received.In(Vietnam)
	day := date(r.Year(), r.Month(), r.Day())
	switch {
	case t.SameDay:
		if !c.IsWorkingDay(day) || r.Hour() >= CutoffHour {
			day = c.AddWorkingDays(day, 1)
		}
	case t.Days > 0:
		// A period of days whose last day is a day off ends with the next working day (Civil
		// Code 2015 art. 148.5).
		day = day.AddDate(0, 0, t.Days)
		if !c.IsWorkingDay(day) {
			day = c.AddWorkingDays(day, 1)
		}
	default:
		day = c.AddWorkingDays(day, t.WorkingDays)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), CloseHour, 0, 0, 0, Vietnam)
}

// Extend moves a due time by n working days.
func (c *Calendar) Extend(due time.Time, n int) time.Time {
	d := due.In(Vietnam)
	day := c.AddWorkingDays(date(d.Year(), d.Month(), d.Day()), n)
	return time.Date(day.Year(), day.Month(), day.Day(), CloseHour, 0, 0, 0, Vietnam)
}

// Resume gives the new due time when a file paused (waiting for the applicant to supplement
// it) at paused comes back at resumed: the working days that were left at the pause run again
// from the resumption, so the time spent waiting is not counted against the office. Under a
// timing of calendar days (t.Days), the calendar days left run again.
func (c *Calendar) Resume(due, paused, resumed time.Time, t Timing) time.Time {
	if t.Hours > 0 { // the hours left run again
		return resumed.Add(max(due.Sub(paused), 0))
	}
	p, d := paused.In(Vietnam), due.In(Vietnam)
	if t.Days > 0 {
		left := int(date(d.Year(), d.Month(), d.Day()).Sub(date(p.Year(), p.Month(), p.Day())).Hours() / 24)
		r := resumed.In(Vietnam)
		day := date(r.Year(), r.Month(), r.Day()).AddDate(0, 0, max(left, 0))
		if !c.IsWorkingDay(day) {
			day = c.AddWorkingDays(day, 1)
		}
		return time.Date(day.Year(), day.Month(), day.Day(), CloseHour, 0, 0, 0, Vietnam)
	}
	left := c.WorkingDaysBetween(p, d)
	if left == 0 && !c.IsWorkingDay(p) {
		left = 1
	}
	r := resumed.In(Vietnam)
	day := date(r.Year(), r.Month(), r.Day())
	if left == 0 {
		// Paused on its due day: it is due on the day it comes back (or the next working day).
		if !c.IsWorkingDay(day) || r.Hour() >= CutoffHour {
			day = c.AddWorkingDays(day, 1)
		}
	} else {
		day = c.AddWorkingDays(day, left)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), CloseHour, 0, 0, 0, Vietnam)
}
