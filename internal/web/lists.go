package web

import (
	"cmp"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/issuing"
	"tuphap/internal/reception"
)

// listPageSize is how many rows a list page shows.
const listPageSize = 50

// pager is a list's place: its page (1-based) and the links to the pages beside it, which keep
// the list's filters.
type pager struct {
	Page       int
	Prev, Next string
}

// cut is a page of a list that was read with one row more than the page holds: the rows to
// show, and whether a later page has any.
func cut[T any](rows []T, size int) ([]T, bool) {
	return rows[:min(len(rows), size)], len(rows) > size
}

// pageOf reads ?page=; a bad or missing one is the first.
func pageOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager links the pages beside page of the list at path (not r's path: a list is also shown
// after a form posted elsewhere, such as the signing of several documents).
func newPager(r *http.Request, path string, page int, more bool) pager {
	at := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return path + "?" + q.Encode()
	}
	p := pager{Page: page}
	if page > 1 {
		p.Prev = at(page - 1)
	}
	if more {
		p.Next = at(page + 1)
	}
	return p
}

// days reads the dates ?from= and ?to= (dd/mm/yyyy, or yyyy-mm-dd) as days (midnight UTC, as
// dates are compared), each zero when absent; a bad date is an error on its field, and so is a
// period that ends before it starts.
func days(q url.Values) (from, to time.Time, err error) {
	fields := map[string]string{}
	for key, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := isoDate(q.Get(key)); v != "" {
			d, ok := civil.ParseDate(v)
			if !ok {
				fields[key] = "civil.date_format"
				continue
			}
			*dst = d
		}
	}
	if len(fields) == 0 && !from.IsZero() && !to.IsZero() && to.Before(from) {
		fields["to"] = "report.bad_period"
	}
	if len(fields) > 0 {
		return from, to, invalidFields(fields)
	}
	return from, to, nil
}

// period reads ?from= and ?to= as a span of time in Vietnam: from the start of the first day
// to the end of the last, each open when absent.
func period(q url.Values) (from, to time.Time, err error) {
	first, last, err := days(q)
	if !first.IsZero() {
		from = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, vietnam)
	}
	if !last.IsZero() {
		to = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, vietnam).AddDate(0, 0, 1)
	}
	return from, to, err
}

// oldestFirst reads ?order= of a list that runs newest first: "oldest" turns it round; anything
// but that, "newest" or nothing is an error on its field.
func oldestFirst(q url.Values) (bool, error) {
	switch q.Get("order") {
	case "", "newest":
		return false, nil
	case "oldest":
		return true, nil
	}
	return false, invalidFields(map[string]string{"order": "dossier.bad_order"})
}

// documentQuery reads the documents list's filters: office, status, kind, period, order. A
// signer's list, and its export, start with what awaits signature; "all" is every status.
func documentQuery(r *http.Request) (issuing.Query, error) {
	q := r.URL.Query()
	from, to, err := period(q)
	oldest, oerr := oldestFirst(q)
	out := issuing.Query{Office: q.Get("office"), Status: q.Get("status"), Kind: q.Get("kind"), RecordID: q.Get("record"),
		From: from, To: to, Oldest: oldest}
	if p, _ := principalOf(r); out.Status == "" && p.Can(auth.SignDocuments) {
		// A signer opens on the queue of what they sign: their office's documents to sign.
		out.Status = issuing.StatusIssued
		if out.Office == "" && p.Scope() == "" {
			out.Office = p.Office
		}
	}
	if out.Status == "all" {
		out.Status = ""
	}
	return out, cmp.Or(err, oerr)
}

// documentKind is a kind of document a list can be filtered by, with its title.
type documentKind struct{ Kind, Title string }

// documentKinds are the layouts of the documents issued from entries (not receipts), by title.
func documentKinds() []documentKind {
	var out []documentKind
	for _, k := range document.Kinds() {
		if t, err := document.Lookup(k); err == nil && k != "receipt" {
			out = append(out, documentKind{k, t.Title})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out
}

// exportURL is the address of a list's export in format: the list's filters without its place
// in the list (page, offset, the audit log's before), since an export takes every row the
// filters select.
func exportURL(r *http.Request, path, format string) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("offset")
	q.Del("before")
	q.Set("format", format)
	return path + "?" + q.Encode()
}

// dossierQuery reads the dossiers list's filters: the list, office, procedure, who (a receipt
// code, applicant or phone), the received period and the order.
func dossierQuery(r *http.Request) (reception.Query, error) {
	q := r.URL.Query()
	from, to, err := period(q)
	out := reception.Query{List: reception.List(q.Get("list")), Office: q.Get("office"), Procedure: q.Get("procedure"),
		Who: q.Get("who"), From: from, To: to, Order: reception.Order(q.Get("order"))}
	if out.List == "" {
		out.List = reception.AllOpen
	}
	switch out.Order {
	case "", reception.OrderDue, reception.OrderNewest, reception.OrderOldest:
	default:
		return out, invalidFields(map[string]string{"order": "dossier.bad_order"})
	}
	return out, err
}
