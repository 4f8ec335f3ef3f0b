package reception_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx      = context.Background()
	officer  = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	officer2 = auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}
	leader   = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	admin    = auth.Principal{Username: "quantri", Role: auth.Admin, Office: auth.DepartmentOffice}
	by       = audit.Actor{Username: "canbo"}
)

type clock struct{ t time.Time }

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func setup(t *testing.T, st *store.Store) (*reception.Service, *clock) {
	t.Helper()
	c := &clock{t: at("2026-03-09 09:00")} // Monday
	st.Now = func() time.Time { return c.t }
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), time.Now())); err != nil {
		t.Fatal(err)
	}
	svc, err := reception.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return svc, c
}

func TestOpenAndMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, c := setup(t, st)
		d, err := svc.Open(ctx, officer, by, reception.Input{Procedure: "TDCC", Applicant: "Nguyễn Thị Đào", Phone: "0905 123 456"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := dossier.NormalizeCode(d.Code); !ok || d.Office != "21025" || d.Status != dossier.Received {
			t.Fatalf("opened %+v", d)
		}
		if !d.DueAt.Equal(at("2026-03-12 17:00")) { // 3 working days (Law 60/2014 art. 28)
			t.Fatalf("due %s", d.DueAt)
		}
		// Bad input: every problem at once, nothing stored.
		_, err = svc.Open(ctx, officer, by, reception.Input{Procedure: "XX", Applicant: " ", Channel: "pigeon"})
		if e, _ := fault.As(err); e == nil || len(e.Fields) != 3 {
			t.Fatalf("bad input: %v", err)
		}
		if _, err := svc.Open(ctx, officer, by, reception.Input{Procedure: "KS", Applicant: "A", Office: "21028"}); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune: %v", err)
		}
		// Not allowed: straight from received to returned.
		if _, err := svc.Move(ctx, officer, by, d.Code, dossier.Returned, ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("received→returned: %v", err)
		}
		if _, err := svc.Move(ctx, officer, by, d.Code, dossier.Waiting, ""); !fault.Is(err, fault.Invalid) {
			t.Fatalf("waiting without a reason: %v", err)
		}
		c.t = at("2026-03-10 10:00") // Tuesday: two working days left (Wed, Thu)
		d, err = svc.Move(ctx, officer, by, d.Code, dossier.Waiting, "Thiếu bản sao giấy khai sinh")
		if err != nil || d.PausedAt.IsZero() {
			t.Fatalf("waiting: %v", err)
		}
		c.t = at("2026-03-16 09:00") // back the next Monday
		d, err = svc.Move(ctx, officer, by, d.Code, dossier.InProgress, "")
		if err != nil || !d.DueAt.Equal(at("2026-03-18 17:00")) {
			t.Fatalf("resumed: due %s, %v", d.DueAt, err)
		}
		d, err = svc.Extend(ctx, officer, by, d.Code, 2, "Cần xác minh")
		if err != nil || !d.DueAt.Equal(at("2026-03-20 17:00")) || d.Extended != 2 {
			t.Fatalf("extended: %+v %v", d, err)
		}
		if _, err := svc.Extend(ctx, officer, by, d.Code, 2, "Thêm nữa"); !fault.Is(err, fault.Invalid) {
			t.Fatalf("extension beyond the 3 days allowed: %v", err)
		}
		c.t = at("2026-03-20 16:00")
		if d, err = svc.Move(ctx, officer, by, d.Code, dossier.Settled, ""); err != nil || !d.OnTime() {
			t.Fatalf("settled: %v on time %v", err, d.OnTime())
		}
		if d, err = svc.Move(ctx, officer, by, d.Code, dossier.Returned, ""); err != nil || d.ClosedAt.IsZero() {
			t.Fatalf("returned: %v", err)
		}
		for _, to := range dossier.Statuses {
			if _, err := svc.Move(ctx, officer, by, d.Code, to, "x"); !fault.Is(err, fault.Conflict) {
				t.Errorf("returned→%s: %v", to, err)
			}
		}
		_, events, err := svc.Get(ctx, leader, d.Code)
		if err != nil || len(events) != 6 || events[1].Reason != "Thiếu bản sao giấy khai sinh" {
			t.Fatalf("events: %+v %v", events, err)
		}
		if _, _, err := svc.Get(ctx, officer2, d.Code); !fault.Is(err, fault.NotFound) {
			t.Fatalf("other commune reads it: %v", err)
		}
		tr, err := svc.Track(ctx, d.Code[:4]+" "+d.Code[5:9]+d.Code[10:])
		if err != nil || tr.Status != dossier.Returned || tr.Applicant != "" {
			t.Fatalf("track: %+v %v", tr, err)
		}
		if n, err := st.VerifyAudit(ctx); err != nil || n < 6 {
			t.Fatalf("audit: %d %v", n, err)
		}
	})
}

func TestListsAndRate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, c := setup(t, st)
		open := func(proc string, when string) dossier.Dossier {
			c.t = at(when)
			d, err := svc.Open(ctx, officer, by, reception.Input{Procedure: proc, Applicant: "Trần Văn Bình"})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		a := open("GH", "2026-03-04 09:00")      // due Mon 9 Mar
		b := open("CDGH", "2026-03-05 09:00")    // due Mon 9 Mar
		cc := open("GH", "2026-03-06 09:00")     // due Wed 11 Mar
		late := open("BSTL", "2026-03-05 09:00") // due Thu 5 Mar
		c.t = at("2026-03-09 10:00")
		ids := func(ds []dossier.Dossier) map[string]bool {
			m := map[string]bool{}
			for _, d := range ds {
				m[d.Code] = true
			}
			return m
		}
		today, _ := svc.Dossiers(ctx, officer, by, reception.Query{List: reception.DueToday})
		over, _ := svc.Dossiers(ctx, officer, by, reception.Query{List: reception.Overdue})
		near, _ := svc.Dossiers(ctx, leader, by, reception.Query{List: reception.NearDue})
		if m := ids(today); len(m) != 2 || !m[a.Code] || !m[b.Code] {
			t.Errorf("due today: %v", m)
		}
		if m := ids(over); len(m) != 1 || !m[late.Code] {
			t.Errorf("overdue: %v", m)
		}
		if m := ids(near); len(m) != 2 || m[cc.Code] {
			t.Errorf("near due (by end of Tuesday): %v", m)
		}
		if got, _ := svc.Dossiers(ctx, officer2, by, reception.Query{List: reception.AllOpen}); len(got) != 0 {
			t.Errorf("other commune sees %d", len(got))
		}
		// The home page's counts, in one query, agree with the lists.
		if n, err := svc.Count(ctx, officer); err != nil || n != (reception.Counts{Overdue: len(over), DueToday: len(today), NearDue: len(near)}) {
			t.Errorf("counts: %+v %v", n, err)
		}
		if n, _ := svc.Count(ctx, officer2); n != (reception.Counts{}) {
			t.Errorf("other commune counts %+v", n)
		}
		svc.Move(ctx, officer, by, a.Code, dossier.Settled, "")    // on time (due 17:00 today)
		svc.Move(ctx, officer, by, late.Code, dossier.Settled, "") // late
		c.t = at("2026-03-11 16:00")
		svc.Move(ctx, officer, by, cc.Code, dossier.Settled, "") // on time
		r, err := svc.OnTime(ctx, leader, at("2026-03-01 00:00"), at("2026-03-31 00:00"), "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Settled != 3 || r.Total.OnTime != 2 || r.ByProcedure["GH"].Rate != 1 || r.ByProcedure["BSTL"].Late != 1 || r.ByOffice["21025"].Settled != 3 {
			t.Fatalf("report: %+v", r)
		}
		// The backlog beside the rate: b, due Monday 9 March, is still open on the 11th.
		if r.Total.Open != 1 || r.Total.Overdue != 1 || r.ByProcedure["CDGH"].Overdue != 1 || r.ByOffice["21025"].WithinTime() != 0 {
			t.Fatalf("backlog: %+v", r.Total)
		}
		c.t = at("2026-03-11 16:30")
		waiting, err := svc.Move(ctx, officer, by, open("GH", "2026-03-11 16:10").Code, dossier.Waiting, "thiếu bản sao giấy tờ")
		if err != nil {
			t.Fatal(err)
		}
		fresh := open("GH", "2026-03-11 16:20")
		if r, _ := svc.OnTime(ctx, leader, at("2026-03-01 00:00"), at("2026-03-31 00:00"), ""); r.Total.Open != 2 || r.Total.Overdue != 1 ||
			r.Total.Waiting != 1 || r.Total.WithinTime() != 1 || r.ByProcedure["GH"].Open != 1 {
			t.Fatalf("backlog with %s waiting and %s fresh: %+v", waiting.Code, fresh.Code, r.Total)
		}
		// A period that ended before they came counts only what it had received.
		if r, _ := svc.OnTime(ctx, leader, at("2026-03-01 00:00"), at("2026-03-05 00:00"), ""); r.Total.Open != 1 || r.Total.Waiting != 0 {
			t.Fatalf("backlog of 1-5 March: %+v", r.Total)
		}
		// Settled on 9 and 11 March; a report of 10 March alone has nothing.
		if r, _ := svc.OnTime(ctx, leader, at("2026-03-10 00:00"), at("2026-03-10 00:00"), ""); r.Total.Settled != 0 {
			t.Fatalf("one day: %+v", r.Total)
		}
	})
}

// Registering a birth through the civil-status service opens and settles its dossier; a
// dossier received earlier (online) is settled by the registration that answers it.
func TestRegistrationSettlesDossiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, c := setup(t, st)
		reg := registration.New(st)
		reg.Calendar = svc.Calendar
		req := registration.BirthRequest{Desk: registration.Desk{Office: "21025"}, Birth: civil.Birth{
			Child:     civil.Person{FullName: "Lê Minh Khang", Sex: civil.Male, DateOfBirth: "2026-03-01", PlaceOfBirth: "Trạm Y tế", Ethnicity: "Kinh", Nationality: "Việt Nam"},
			Mother:    &civil.Parent{FullName: "Phạm Thị Hoa"},
			Requester: civil.Requester{FullName: "Phạm Thị Hoa", Relation: "mẹ"}}}
		r, err := reg.RegisterBirth(ctx, officer, by, req)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := svc.OnTime(ctx, officer, st.Now().AddDate(0, 0, -1), st.Now().AddDate(0, 0, 1), "21025")
		if err != nil || rep.Total.Settled != 1 || rep.Total.OnTime != 1 || rep.ByProcedure["KS"].Settled != 1 {
			t.Fatalf("dossier of the registration: %+v %v", rep, err)
		}
		var id string
		if err := st.QueryRow(ctx, `SELECT id FROM dossiers WHERE record_id = $1`, r.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if d, err := svc.Dossier(ctx, id); err != nil || d.RecordID != r.ID || d.Procedure != "KS" || !d.OnTime() {
			t.Fatalf("dossier of the registration: %+v %v", d, err)
		}
		online, err := svc.Open(ctx, officer, by, reception.Input{Procedure: "KS", Applicant: "Võ Thị Lan", Channel: dossier.Online})
		if err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Hour)
		req.Child.FullName, req.Mother.FullName, req.Requester.FullName = "Võ Gia Bảo", "Võ Thị Lan", "Võ Thị Lan"
		req.Dossier = online.Code
		r2, err := reg.RegisterBirth(ctx, officer, by, req)
		if err != nil {
			t.Fatal(err)
		}
		d, _, _ := svc.Get(ctx, officer, online.Code)
		if d.Status != dossier.Settled || d.RecordID != r2.ID {
			t.Fatalf("online dossier: %+v", d)
		}
		req.Child.FullName = "Võ Gia Huy"
		if _, err := reg.RegisterBirth(ctx, officer, by, req); !fault.Is(err, fault.Invalid) {
			t.Fatalf("settling a settled dossier again: %v", err)
		}
	})
}

// An official schedule entered by an administrator overrides the default at once.
func TestOfficialScheduleOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _ := setup(t, st)
		friday := at("2026-03-13 00:00")
		if !svc.Calendar().IsWorkingDay(friday) {
			t.Fatal("13 March 2026 is a working day by default")
		}
		sc := calendar.DefaultSchedule(2026)
		sc.Days = append(sc.Days, calendar.Day{Date: time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), Kind: calendar.Holiday, Name: "Nghỉ thử"})
		if err := svc.SetSchedule(ctx, officer, by, sc, "", false); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("officer edits the calendar: %v", err)
		}
		if err := svc.SetSchedule(ctx, admin, by, sc, "Thông báo số 1/TB", false); err != nil {
			t.Fatal(err)
		}
		if svc.Calendar().IsWorkingDay(friday) || !svc.Calendar().Schedule(2026).Official {
			t.Fatal("official day off not in force")
		}
		// A restarted server reads it back.
		again, _ := reception.New(ctx, st)
		if again.Calendar().IsWorkingDay(friday) {
			t.Fatal("not stored")
		}
		if err := svc.SetSchedule(ctx, admin, by, calendar.Schedule{Year: 2026}, "", true); err != nil || !svc.Calendar().IsWorkingDay(friday) {
			t.Fatalf("removing the official schedule: %v", err)
		}
	})
}

// A received time further back than the window moves the statutory clock back, so it needs a
// written reason, kept with the dossier's first event.
func TestBackdatedReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _ := setup(t, st) // Monday 2026-03-09 09:00
		cases := []struct {
			name       string
			received   time.Time
			reason     string
			wantErr    bool
			wantReason string
		}{
			{"an hour back needs no reason", at("2026-03-09 08:00"), "", false, ""},
			{"a reason within the window is not kept", at("2026-03-09 08:00"), "nhập muộn", false, ""},
			{"three days back without a reason", at("2026-03-06 09:00"), "  ", true, ""},
			{"three days back with a reason", at("2026-03-06 09:00"), " Nhận tại điểm tiếp nhận thôn 3, nhập sau ", false, "Nhận tại điểm tiếp nhận thôn 3, nhập sau"},
		}
		for _, tc := range cases {
			d, err := svc.Open(ctx, officer, by, reception.Input{Procedure: "KS", Applicant: "Lê Văn Tâm",
				ReceivedAt: tc.received, BackdateReason: tc.reason})
			if tc.wantErr {
				if e, _ := fault.As(err); e == nil || e.Fields["backdate_reason"] == "" {
					t.Fatalf("%s: %v", tc.name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			_, events, err := svc.Get(ctx, officer, d.Code)
			if err != nil || len(events) != 1 || events[0].Reason != tc.wantReason || !d.ReceivedAt.Equal(tc.received) {
				t.Fatalf("%s: %+v %+v %v", tc.name, d, events, err)
			}
		}
		// A wider window (Service.BackdateWindow) lets the same date through without a reason.
		svc.BackdateWindow = 96 * time.Hour
		if _, err := svc.Open(ctx, officer, by, reception.Input{Procedure: "KS", Applicant: "Lê Văn Tâm",
			ReceivedAt: at("2026-03-06 09:00")}); err != nil {
			t.Fatalf("wider window: %v", err)
		}
	})
}

// A dossier is found by its receipt code, by the start of its applicant's name (with or
// without marks) or by its phone however written; lists select by status, procedure and the
// received period, order as asked, and page. Dossiers stored before the search columns were
// kept are filled when the service starts.
func TestListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, c := setup(t, st)
		open := func(proc, applicant, phone, when string) dossier.Dossier {
			t.Helper()
			c.t = at(when)
			d, err := svc.Open(ctx, officer, by, reception.Input{Procedure: proc, Applicant: applicant, Phone: phone})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		dao := open("TDCC", "Nguyễn Thị Đào", "0905 123 456", "2026-03-02 09:00")
		open("GH", "Nguyễn Văn Đạo", "", "2026-03-03 09:00")
		binh := open("GH", "Trần Văn Bình", "+84 914.555.666", "2026-03-04 09:00")
		hoa := open("KS", "Lê Thị Hoa", "", "2026-03-05 09:00")
		c.t = at("2026-03-06 10:00")
		if _, err := svc.Move(ctx, officer, by, hoa.Code, dossier.Waiting, "Thiếu tờ khai"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Move(ctx, officer, by, binh.Code, dossier.Settled, ""); err != nil {
			t.Fatal(err)
		}
		// Stored before migration 0015: the search columns are empty until the service starts.
		if err := st.ExecForTest(ctx, `UPDATE dossiers SET applicant_folded = '', phone_digits = ''`); err != nil {
			t.Fatal(err)
		}
		svc, err := reception.New(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		c.t = at("2026-03-09 09:00")
		names := func(q reception.Query) string {
			t.Helper()
			ds, err := svc.Dossiers(ctx, officer, by, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.Applicant)
			}
			return strings.Join(out, ", ")
		}
		for _, c := range []struct {
			q    reception.Query
			want string
		}{
			{reception.Query{}, "Nguyễn Thị Đào, Lê Thị Hoa, Nguyễn Văn Đạo"}, // open, soonest due first (KS: the next working day)
			{reception.Query{List: reception.Waiting}, "Lê Thị Hoa"},
			{reception.Query{List: reception.Closed}, "Trần Văn Bình"},
			{reception.Query{List: reception.Every}, "Lê Thị Hoa, Trần Văn Bình, Nguyễn Văn Đạo, Nguyễn Thị Đào"}, // newest first
			{reception.Query{List: reception.Every, Order: reception.OrderOldest, Offset: 1, Limit: 2}, "Nguyễn Văn Đạo, Trần Văn Bình"},
			{reception.Query{List: reception.Every, Who: "nguyen"}, "Nguyễn Văn Đạo, Nguyễn Thị Đào"},
			{reception.Query{List: reception.Every, Who: "Nguyễn Thị"}, "Nguyễn Thị Đào"},
			{reception.Query{List: reception.Every, Who: "0905123456"}, "Nguyễn Thị Đào"},
			{reception.Query{List: reception.Every, Who: "0914 555 666"}, "Trần Văn Bình"}, // stored as +84
			{reception.Query{List: reception.Every, Who: strings.ToLower(dao.Code)}, "Nguyễn Thị Đào"},
			{reception.Query{Who: binh.Code}, "Trần Văn Bình"}, // a code finds its dossier whatever the list: this one is settled
			{reception.Query{List: reception.Every, Procedure: "GH"}, "Trần Văn Bình, Nguyễn Văn Đạo"},
			{reception.Query{List: reception.Every, From: at("2026-03-03 00:00"), To: at("2026-03-05 00:00")}, "Trần Văn Bình, Nguyễn Văn Đạo"},
		} {
			if got := names(c.q); got != c.want {
				t.Errorf("%+v: %s, want %s", c.q, got, c.want)
			}
		}
		if got, _ := svc.Dossiers(ctx, officer2, by, reception.Query{List: reception.Every, Who: dao.Code}); len(got) != 0 {
			t.Error("another commune finds the dossier by its code")
		}
		// A search for a person is audited (with what was asked), a plain list is not: six above
		// and the other commune's.
		if es, err := st.AuditEntries(ctx, store.AuditFilter{Action: "dossier.search"}); err != nil || len(es) != 7 || !strings.Contains(es[0].Detail, `who=`) {
			t.Errorf("dossier searches audited: %d %v", len(es), err)
		}
		for _, q := range []reception.Query{{List: "lost"}, {Procedure: "XYZ"}} {
			if _, err := svc.Dossiers(ctx, officer, by, q); !fault.Is(err, fault.Invalid) {
				t.Errorf("%+v: %v", q, err)
			}
		}
	})
}
