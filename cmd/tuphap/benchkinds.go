package main

import (
	"fmt"
	"io"
	"net/url"
	"strconv"

	"tuphap/internal/document"
	"tuphap/internal/synth"
	"tuphap/internal/vntext"
)

// searchKinds are the searches an officer or a specialist makes (issue 23), each measured apart
// as the department and as an officer of the largest commune: the name as written, its prefix,
// the given name first, a wife's name (a marriage's other name), the mother's name, a register
// reference, a date of birth and a personal ID; then a name and a date of birth narrowed by
// kind and registration year (and, for the department, by the entry's commune).
var searchKinds = []string{"full name", "name prefix", "given name first", "wife's name", "mother's name",
	"register number/year", "date of birth", "personal ID", "name, kind, year", "birth date, kind, year"}

// benchKind is one search kind's figures.
type benchKind struct {
	Kind       string  `json:"kind"`
	DeptP50    float64 `json:"department_p50_ms"`
	DeptP99    float64 `json:"department_p99_ms"`
	OfficerP50 float64 `json:"officer_p50_ms"`
	OfficerP99 float64 `json:"officer_p99_ms"`
	// AloneP50 and AloneP99 are the officer's with no other client: what one search costs when
	// the server is not saturated, where the figures above are mostly queueing behind 31 others.
	AloneP50 float64 `json:"officer_alone_p50_ms"`
	AloneP99 float64 `json:"officer_alone_p99_ms"`
}

// aloneQueries bounds the searches of each kind run by one client alone.
const aloneQueries = 300

// kindSamples are the API paths of each search kind, for the department and for the officer.
type kindSamples struct {
	dept, officer map[string][]string
}

// add records e's searches, if the kinds still want samples; officer says that e is in the
// officer's commune. number is the register number the load gives e.
func (s *kindSamples) add(e synth.Entry, number int, officer bool) {
	if s.dept == nil {
		s.dept, s.officer = map[string][]string{}, map[string][]string{}
	}
	year := e.RegisteredOn[:4]
	period := "&from=" + year + "-01-01&to=" + year + "-12-31"
	put := func(kind, q, filters string) {
		path := searchPath(q)
		if len(s.dept[kind]) < 500 {
			extra := ""
			if filters != "" {
				extra = "&office=" + e.Office
			}
			s.dept[kind] = append(s.dept[kind], path+filters+extra)
		}
		if officer && len(s.officer[kind]) < 500 {
			s.officer[kind] = append(s.officer[kind], path+filters)
		}
	}
	switch {
	case e.Birth != nil:
		b := e.Birth
		name := vntext.Fold(b.Child.FullName)
		put("full name", name, "")
		put("name prefix", name[:len(name)-1], "")
		put("given name first", vntext.GivenFirst(name), "")
		put("mother's name", "mẹ: "+b.Mother.FullName, "")
		put("register number/year", strconv.Itoa(number)+"/"+year, "")
		dob := document.DateVN(b.Child.DateOfBirth) // as the search box takes it
		put("date of birth", dob, "")
		put("personal ID", b.Child.PersonalID, "")
		put("name, kind, year", name, "&type=birth"+period)
		put("birth date, kind, year", dob, "&type=birth"+period)
	case e.Marriage != nil:
		put("wife's name", vntext.Fold(e.Marriage.Wife.FullName), "")
	}
}

// full reports whether every kind has its samples, the officer's included.
func (s *kindSamples) full() bool {
	for _, k := range searchKinds {
		if len(s.dept[k]) < 500 || len(s.officer[k]) < 500 {
			return false
		}
	}
	return true
}

// benchKinds runs each kind's searches, the department's then the officer's, with all clients,
// then the officer's with one client alone.
func benchKinds(srv, officer *benchServer, f benchFlags, stderr io.Writer) []benchKind {
	alone := *officer
	alone.clients = 1
	var out []benchKind
	for _, k := range searchKinds {
		r := benchKind{Kind: k}
		_, r.DeptP50, r.DeptP99 = benchQueries(srv, f.kindQueries, f.kinds.dept[k], "department: "+k, stderr)
		_, r.OfficerP50, r.OfficerP99 = benchQueries(officer, f.kindQueries, f.kinds.officer[k], "officer: "+k, stderr)
		_, r.AloneP50, r.AloneP99 = benchQueries(&alone, min(f.kindQueries, aloneQueries), f.kinds.officer[k], "officer alone: "+k, stderr)
		out = append(out, r)
	}
	return out
}

func printKinds(w io.Writer, ks []benchKind) {
	if len(ks) == 0 {
		return
	}
	fmt.Fprintf(w, "  search kinds (pages of 20)  department p50 / p99 ms   officer p50 / p99 ms   officer alone p50 / p99 ms\n")
	for _, k := range ks {
		fmt.Fprintf(w, "    %-24s %8.2f / %6.2f       %8.2f / %6.2f       %8.2f / %6.2f\n", k.Kind, k.DeptP50, k.DeptP99, k.OfficerP50, k.OfficerP99, k.AloneP50, k.AloneP99)
	}
}

// searchPath is the API path of a search for q, a page of twenty.
func searchPath(q string) string { return "/api/v1/records?limit=20&q=" + url.QueryEscape(q) }

// searchPaths are the API paths of searches for qs.
func searchPaths(qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = searchPath(q)
	}
	return out
}
