package judicial_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/judicial"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	ctx      = context.Background()
	clerk    = auth.Principal{Username: "lltp", Role: auth.Judicial, Office: auth.DepartmentOffice}
	officer  = auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
	leader   = auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
	by       = audit.Actor{Username: "lltp"}
	november = time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	vietnam  = time.FixedZone("ICT", 7*3600)
)

func theft(person judicial.Person, number, date, effective, offense string, months int) judicial.JudgmentRequest {
	return judicial.JudgmentRequest{Person: person, Judgment: judicial.Judgment{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi",
		Number: number, Date: date, EffectiveDate: effective, OffenseDate: offense,
		Crimes: []judicial.Crime{{Article: 173, Clause: "1", Category: judicial.LessSerious, Intentional: true}},
		Main:   judicial.MainPenalty{Type: judicial.Prison, Months: months}}}
}

func day(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

// setup is the judicial service over st on the clock now, with the offices the dossiers name
// and certificates issued as the application wires them.
func setup(t *testing.T, st *store.Store, now func() time.Time) *judicial.Service {
	t.Helper()
	st.Now = now
	reg := units.MustLoad()
	if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, now())); err != nil {
		t.Fatal(err)
	}
	svc := judicial.New(st)
	svc.IssueWith(issuing.New(st, registration.New(st), reg, bytes.Repeat([]byte{7}, 32), "https://tuphap.example"))
	return svc
}

// A court's judgment is received for a person found again by ID, then by name and date of
// birth; the prison's report of release starts the waiting period (Penal Code 2015 art. 70.2.b),
// and the status on any day says that day's truth. Only the role judicial reads or writes, each
// reading audited with its purpose.
func TestJudgmentsEventsStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return november }
		svc := judicial.New(st)
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111", PlaceOfBirth: "Bình Sơn, Quảng Ngãi"}
		id, personID, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24)); !fault.Is(err, fault.Conflict) {
			t.Fatalf("the same judgment twice: %v", err)
		}
		noID := lam
		noID.PersonalID, noID.FullName = "", "TRẦN VĂN LÂM"
		_, again, err := svc.Receive(ctx, clerk, by, theft(noID, "30/2024/HS-ST", "2024-03-01", "2024-03-20", "2023-12-01", 6))
		if err != nil || again != personID {
			t.Fatalf("the second judgment's person: %q want %q (%v)", again, personID, err)
		}
		for _, p := range []auth.Principal{officer, leader} {
			if _, _, err := svc.Receive(ctx, p, by, theft(lam, "1/2020/HS-ST", "2020-01-10", "2020-01-25", "2019-10-01", 12)); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s receives a judgment: %v", p.Role, err)
			}
			if _, err := svc.StatusOn(ctx, p, by, personID, day("2026-01-01"), "Tuyển dụng"); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s reads a record: %v", p.Role, err)
			}
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2019-01-09"}); !fieldIs(err, "date", "judicial.event_before_judgment") {
			t.Fatalf("a release before the judgment: %v", err)
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2021-01-25", Source: "Trại giam An Điềm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StatusOn(ctx, clerk, by, personID, day("2026-01-01"), "  "); !fieldIs(err, "purpose", "judicial.purpose_required") {
			t.Fatalf("a reading without a purpose: %v", err)
		}
		// 2 years after release, 25 January 2023, the first is expunged; the second judgment
		// took effect in 2024, its release not yet reported.
		before, err := svc.StatusOn(ctx, clerk, by, personID, day("2023-01-24"), "Cấp Phiếu lý lịch tư pháp số 1")
		if err != nil || !before.HasRecord || len(before.Convictions) != 1 || before.Convictions[0].Expunged {
			t.Fatalf("the day before: %v %+v", err, before)
		}
		on, _ := svc.StatusOn(ctx, clerk, by, personID, day("2023-01-25"), "Cấp Phiếu lý lịch tư pháp số 1")
		if on.HasRecord || !on.Convictions[0].Expunged || *on.Convictions[0].ExpungedOn != "2023-01-25" || !strings.Contains(on.Convictions[0].Basis, "Điều 70.2.b") {
			t.Fatalf("the day it ends: %+v", on)
		}
		now, _ := svc.StatusOn(ctx, clerk, by, personID, day("2026-11-30"), "Cấp Phiếu lý lịch tư pháp số 1")
		if !now.HasRecord || len(now.Convictions) != 2 || !now.Convictions[1].Verify {
			t.Fatalf("today, a second judgment whose release is not reported: %+v", now)
		}
		var n int
		if err := st.FlushAudit(ctx); err != nil { // queued entries (SQLite) reach audit_log
			t.Fatal(err)
		}
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'judicial.read' AND object = $1 AND detail LIKE '%Cấp Phiếu lý lịch tư pháp số 1%'`,
			"judicial_person:"+personID).Scan(&n); err != nil || n != 3 {
			t.Fatalf("%d readings audited with their purpose (%v), want 3", n, err)
		}
	})
}

// Bad input gets every problem at once: an article that does not exist, a probation longer
// than the law allows, someone under 14 when they offended (Penal Code 2015 art. 12).
func TestJudgmentRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return november }
		svc := judicial.New(st)
		kid := judicial.Person{FullName: "Lê Văn Tý", DateOfBirth: "2012-05-01", Sex: "male"}
		req := theft(kid, "5/2025/HS-ST", "2025-06-01", "2025-06-20", "2025-01-01", 12)
		req.Crimes[0].Article = 60
		req.Main = judicial.MainPenalty{Type: judicial.Suspended, Months: 12, ProbationMonths: 72}
		_, _, err := svc.Receive(ctx, clerk, by, req)
		for field, want := range map[string]string{"crimes.0.article": "judicial.article_unknown", "main_penalty.probation_months": "judicial.probation_months",
			"offense_date": "judicial.under_14"} {
			if !fieldIs(err, field, want) {
				t.Errorf("want %s: %s in %v", field, want, err)
			}
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM judicial_persons`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d persons stored after a refusal (%v)", n, err)
		}
	})
}

func fieldIs(err error, field, code string) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.Invalid && e.Fields[field] == code
}

// A request for a certificate opens its dossier with the time limit of its case (Law on
// Judicial Records 2009 art. 48): 10 working days, 15 for a person who lived in several
// provinces, 24 hours for a prosecuting body's urgent request; the fee from the fees in force.
// Type 2 goes to the person themself or a prosecuting body, never through a proxy (art. 41, 46).
func TestCertificateRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november }) // Monday 30 November 2026, 10:00 in Vietnam
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111"}
		for _, tt := range []struct {
			name      string
			req       judicial.Request
			procedure string
			due       string // in Vietnam
			fee       int64
		}{
			{"type 1 for himself", judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"}, "LLTP", "2026-12-14 17:00", 200000},
			{"a student, several provinces", judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Du học", SeveralProvinces: true, Exemption: "student"},
				"LLTP15", "2026-12-21 17:00", 100000},
			{"a proxy", judicial.Request{Type: 1, Requester: judicial.Proxy, RequesterName: "Trần Thị Mai", Authorization: "Văn bản ủy quyền số 12, công chứng ngày 20/11/2026",
				Person: lam, Purpose: "Xin việc", Channel: "post"}, "LLTP", "2026-12-14 17:00", 200000},
			{"urgent, a prosecuting body", judicial.Request{Type: 2, Requester: judicial.Prosecutor, RequesterName: "Cơ quan Cảnh sát điều tra Công an tỉnh Quảng Ngãi",
				Person: lam, Purpose: "Phục vụ điều tra vụ án", Urgent: true}, "LLTPK", "2026-12-01 10:00", 0},
		} {
			got, err := svc.RequestCertificate(ctx, clerk, by, tt.req)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got.Dossier.Procedure != tt.procedure || got.Dossier.DueAt.In(vietnam).Format("2006-01-02 15:04") != tt.due || got.Fee != tt.fee ||
				got.Dossier.Code == "" || got.Status != judicial.RequestReceived {
				t.Errorf("%s: %s due %s fee %d, want %s %s %d", tt.name, got.Dossier.Procedure, got.Dossier.DueAt.In(vietnam), got.Fee, tt.procedure, tt.due, tt.fee)
			}
		}
		for _, tt := range []struct {
			name, field, want string
			req               judicial.Request
		}{
			{"type 2 through a proxy", "requester", "judicial.type2_who", judicial.Request{Type: 2, Requester: judicial.Proxy, RequesterName: "Trần Thị Mai",
				Authorization: "Giấy ủy quyền", Person: lam, Purpose: "Biết thông tin"}},
			{"type 2 for an agency", "requester", "judicial.type2_who", judicial.Request{Type: 2, Requester: judicial.Agency, RequesterName: "Công ty A", Person: lam, Purpose: "Tuyển dụng"}},
			{"a proxy without authorisation", "authorization", "judicial.authorization", judicial.Request{Type: 1, Requester: judicial.Proxy, RequesterName: "Trần Thị Mai",
				Person: lam, Purpose: "Xin việc"}},
			{"urgent, for himself", "urgent", "judicial.urgent_prosecutor", judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc", Urgent: true}},
			{"a type 3", "type", "judicial.type", judicial.Request{Type: 3, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"}},
			{"an exemption not in the fees", "exemption", "judicial.exemption", judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc", Exemption: "friend"}},
		} {
			if _, err := svc.RequestCertificate(ctx, clerk, by, tt.req); !fieldIs(err, tt.field, tt.want) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		var n int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM dossiers WHERE procedure_code LIKE 'LLTP%'`).Scan(&n); err != nil || n != 4 {
			t.Fatalf("%d dossiers (%v), want the 4 accepted", n, err)
		}
		if _, err := svc.RequestCertificate(ctx, officer, by, judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"}); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer receives a request: %v", err)
		}
	})
}

// From a request to a signed certificate: the certificate states the record as it stands today
// ("Không có án tích" once the only conviction is expunged), takes the year's next number,
// settles the request's dossier; the department's leader signs it, and only the role judicial
// and the signers see it. A record that waits on an unreported release is not certified.
func TestCertificateIssuedAndSigned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		if _, err := account.New(st).AddUser(ctx, account.NewUser{Username: "lltp", FullName: "Võ Thị Hằng", Role: "judicial", Office: auth.DepartmentOffice,
			Password: "mật khẩu đủ dài"}, audit.System); err != nil {
			t.Fatal(err)
		}
		svc.Authority = document.Authority{Parent: "Bộ Công an", Name: "Công an tỉnh Quảng Ngãi", SignerTitle: "GIÁM ĐỐC", Place: "Quảng Ngãi"}
		if err := svc.Issuing.EnsureDemoKeys(ctx, []string{auth.DepartmentOffice}); err != nil {
			t.Fatal(err)
		}
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111"}
		id, _, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24))
		if err != nil {
			t.Fatal(err)
		}
		req, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "judicial.verify_first") {
			t.Fatalf("a release not reported: %v", err)
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2021-01-25"}); err != nil {
			t.Fatal(err)
		}
		doc, err := svc.IssueCertificate(ctx, clerk, by, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Kind != "judicial_certificate_1" || doc.RegisterRef != "Số: 1/2026/LLTP" || doc.Office != auth.DepartmentOffice || doc.Status != issuing.StatusIssued {
			t.Fatalf("the certificate: %+v", doc)
		}
		if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("issued twice: %v", err)
		}
		var status string
		if err := st.QueryRow(ctx, `SELECT status FROM dossiers WHERE id = $1`, req.Dossier.ID).Scan(&status); err != nil || status != "settled" {
			t.Fatalf("the request's dossier: %q %v", status, err)
		}
		for _, p := range []auth.Principal{{Username: "cv", Role: auth.Specialist, Office: auth.DepartmentOffice}, officer} {
			if _, err := svc.Issuing.Get(ctx, p, doc.ID); !fault.Is(err, fault.NotFound) {
				t.Errorf("%s sees a judicial certificate: %v", p.Role, err)
			}
			if docs, _ := svc.Issuing.List(ctx, p, "", ""); len(docs) != 0 {
				t.Errorf("%s lists %d judicial certificates", p.Role, len(docs))
			}
		}
		signer := auth.Principal{Username: "giamdoc", FullName: "Nguyễn Văn Giám", Role: auth.Leader, Office: auth.DepartmentOffice}
		chairman := auth.Principal{Username: "chutich", Role: auth.Signer, Office: "21025"}
		if _, err := svc.Issuing.Sign(ctx, chairman, audit.Actor{Username: "chutich"}, doc.ID); err == nil {
			t.Fatal("a commune's chairman signs a judicial certificate")
		}
		signed, err := svc.Issuing.Sign(ctx, signer, audit.Actor{Username: "giamdoc"}, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !pdftest.ValidSignature(t, signed.SignedPDF) {
			t.Fatal("the signature does not verify")
		}
		text := pdftest.Text(t, signed.SignedPDF)
		for _, want := range []string{"PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "CÔNG AN TỈNH QUẢNG NGÃI", "Số: 1/2026/LLTP", "TRẦN VĂN LÂM", "Không có án tích", "Nguyễn Văn Giám"} {
			if !strings.Contains(text, want) {
				t.Errorf("the signed certificate lacks %q:\n%s", want, text)
			}
		}
		if c, err := svc.Issuing.Verify(ctx, doc.Code); err != nil || !c.Genuine {
			t.Fatalf("the public check: %+v %v", c, err)
		}
		// Lâm asks for his own type 2: it lists who asked about him before.
		mine, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 2, Requester: judicial.Self, Person: lam, Purpose: "Biết thông tin của mình"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 1, Requester: judicial.Agency, RequesterName: "Công ty TNHH A",
			Person: judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090009999"}, Purpose: "Tuyển dụng"}); err != nil {
			t.Fatal(err) // another Trần Văn Lâm, born the same day: not his
		}
		own, err := svc.IssueCertificate(ctx, clerk, by, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, own.PDF); !strings.Contains(text, "Các yêu cầu cấp Phiếu lý lịch tư pháp về người này") ||
			!strings.Contains(text, "chính người đó (Phiếu số 1), Xin việc") || strings.Contains(text, "Công ty TNHH A") ||
			!strings.Contains(text, "12/2019/HS-ST") || !strings.Contains(text, "Đã được xóa án tích ngày 25/01/2023") {
			t.Errorf("his own type 2:\n%s", text)
		}
	})
}

// The authority's report of a period: requests by type, channel and requester, the share of
// certificates issued on time, the fees, the judgments received, and the convictions expunged
// in the period as the database now shows them.
func TestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111"}
		id, _, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2024/HS-ST", "2024-06-10", "2024-06-25", "2024-03-01", 6))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddEvent(ctx, clerk, by, id, judicial.Event{Type: judicial.MainServed, Date: "2024-11-10"}); err != nil {
			t.Fatal(err) // expunged two years later, 10 November 2026
		}
		for _, r := range []judicial.Request{
			{Type: 1, Requester: judicial.Self, Person: lam, Purpose: "Xin việc"},
			{Type: 1, Requester: judicial.Agency, RequesterName: "Công ty TNHH A", Person: lam, Purpose: "Tuyển dụng", Channel: "online"},
			{Type: 2, Requester: judicial.Prosecutor, RequesterName: "Viện kiểm sát nhân dân tỉnh", Person: lam, Purpose: "Truy tố", Urgent: true},
		} {
			req, err := svc.RequestCertificate(ctx, clerk, by, r)
			if err != nil {
				t.Fatal(err)
			}
			if r.Requester == judicial.Self {
				if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		rep, err := svc.Report(ctx, clerk, day("2026-11-01"), day("2026-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 3 || rep.ByType[1] != 2 || rep.ByType[2] != 1 || rep.ByChannel["online"] != 1 || rep.ByRequester["prosecutor"] != 1 ||
			rep.Urgent != 1 || rep.Issued != 1 || rep.IssuedOnTime != 1 || rep.OnTimeRate != 1 || rep.Fees != 400000 || rep.Expunged != 1 || rep.Judgments != 1 {
			t.Fatalf("the report: %+v", rep)
		}
		if rep, _ := svc.Report(ctx, clerk, day("2024-01-01"), day("2024-12-31")); rep.Judgments != 0 || rep.Requests != 0 || rep.Expunged != 0 {
			t.Fatalf("a year before: %+v", rep)
		}
		if _, err := svc.Report(ctx, leader, day("2026-11-01"), day("2026-12-31")); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a leader reads the judicial report: %v", err)
		}
		// The dashboard's counts, naming nobody, are the leaders'.
		if f, err := svc.Figures(ctx, leader, day("2026-11-01"), day("2026-12-31")); err != nil || f != (judicial.Figures{Requests: 3, Issued: 1, OnTime: 1}) {
			t.Fatalf("the dashboard's figures: %+v %v", f, err)
		}
	})
}

// A person's page links them to the civil-status register, a recorded death shown; finding
// candidates for a name is audited, and so is reading the page, with its purpose.
func TestPersonLinkedToTheRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		reg := registration.New(st)
		civ := auth.Principal{Username: "canbo", Role: auth.Officer, Office: "21025"}
		if _, err := reg.RegisterDeath(ctx, civ, audit.Actor{Username: "canbo"}, registration.DeathRequest{Desk: registration.Desk{Office: "21025"},
			Death: civil.Death{Deceased: civil.Person{FullName: "Trần Văn Lâm", Sex: civil.Male, DateOfBirth: "1990-05-01"},
				DateOfDeath: "2026-10-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh", Requester: civil.Requester{FullName: "Trần Thị Mai", Relation: "vợ"}}}); err != nil {
			t.Fatal(err)
		}
		svc.Register = reg
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111"}
		_, personID, err := svc.Receive(ctx, clerk, by, theft(lam, "12/2019/HS-ST", "2019-01-10", "2019-01-25", "2018-10-01", 24))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Candidates(ctx, clerk, by, judicial.Person{FullName: "Tran Van Lam"}, ""); !fieldIs(err, "purpose", "judicial.purpose_required") {
			t.Fatalf("a search without a purpose: %v", err)
		}
		cands, err := svc.Candidates(ctx, clerk, by, judicial.Person{FullName: "Tran Van Lam", DateOfBirth: "1990-05-02", Sex: "male"}, "Cập nhật bản án")
		if err != nil || len(cands) != 1 || cands[0].Person.ID != personID {
			t.Fatalf("candidates: %v %+v", err, cands)
		}
		v, err := svc.Person(ctx, clerk, by, personID, "Xử lý yêu cầu cấp Phiếu")
		if err != nil || v.DeathRecord == "" || v.DiedOn != "2026-10-01" || len(v.Judgments) != 1 || !v.Status.HasRecord {
			t.Fatalf("the person's page: %v %+v", err, v)
		}
		if _, err := svc.Person(ctx, clerk, by, personID, ""); !fieldIs(err, "purpose", "judicial.purpose_required") {
			t.Fatalf("read without a purpose: %v", err)
		}
		var n int
		if err := st.FlushAudit(ctx); err != nil { // queued entries (SQLite) reach audit_log
			t.Fatal(err)
		}
		st.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('judicial.search', 'judicial.read')`).Scan(&n)
		if n != 2 {
			t.Fatalf("%d readings audited, want the search and the page", n)
		}
	})
}

// A request outside the law's cases is refused with the reason (Law on Judicial Records 2009
// art. 49); its dossier closes refused, and it is neither refused twice nor certified. A
// judgment may name the person the officer chose among the candidates.
func TestRefusalAndChosenPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		lam := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male"}
		req, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 1, Requester: judicial.Agency, RequesterName: "Công ty TNHH A", Person: lam, Purpose: "Tuyển dụng"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Refuse(ctx, clerk, by, req.ID, " "); !fieldIs(err, "reason", "civil.required") {
			t.Fatalf("a refusal without a reason: %v", err)
		}
		if err := svc.Refuse(ctx, clerk, by, req.ID, "Không có văn bản yêu cầu của cơ quan, tổ chức"); err != nil {
			t.Fatal(err)
		}
		var status string
		if err := st.QueryRow(ctx, `SELECT status FROM dossiers WHERE id = $1`, req.Dossier.ID).Scan(&status); err != nil || status != "refused" {
			t.Fatalf("the dossier: %q %v", status, err)
		}
		if err := svc.Refuse(ctx, clerk, by, req.ID, "Lần nữa"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("refused twice: %v", err)
		}
		if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a refused request certified: %v", err)
		}
		_, first, err := svc.Receive(ctx, clerk, by, theft(lam, "1/2020/HS-ST", "2020-01-10", "2020-01-25", "2019-10-01", 12))
		if err != nil {
			t.Fatal(err)
		}
		other := judicial.Person{ID: first, FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-02", Sex: "male"} // a typo in the day, the officer knows him
		if _, got, err := svc.Receive(ctx, clerk, by, theft(other, "2/2022/HS-ST", "2022-01-10", "2022-01-25", "2021-10-01", 12)); err != nil || got != first {
			t.Fatalf("the chosen person: %q want %q (%v)", got, first, err)
		}
		unknown := other
		unknown.ID = "nobody"
		if _, _, err := svc.Receive(ctx, clerk, by, theft(unknown, "3/2022/HS-ST", "2022-01-10", "2022-01-25", "2021-10-01", 12)); !fieldIs(err, "person.id", "judicial.not_found") {
			t.Fatalf("a person who does not exist: %v", err)
		}
	})
}

// Two persons of one name and day of birth, born in two places: a request that does not say
// where is not certified from either until the officer chooses (never from the first row).
func TestSeveralPersonsTheOfficerChooses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := setup(t, st, func() time.Time { return november })
		binhSon := judicial.Person{FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PlaceOfBirth: "Bình Sơn"}
		tuNghia := binhSon
		tuNghia.PlaceOfBirth = "Tư Nghĩa"
		if _, _, err := svc.Receive(ctx, clerk, by, theft(binhSon, "1/2020/HS-ST", "2020-01-10", "2020-01-25", "2019-10-01", 12)); err != nil {
			t.Fatal(err)
		}
		jid, second, err := svc.Receive(ctx, clerk, by, theft(tuNghia, "2/2024/HS-ST", "2024-01-10", "2024-01-25", "2023-10-01", 36))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddEvent(ctx, clerk, by, jid, judicial.Event{Type: judicial.MainServed, Date: "2026-01-25"}); err != nil {
			t.Fatal(err)
		}
		unsure := binhSon
		unsure.PlaceOfBirth = ""
		if _, _, err := svc.Receive(ctx, clerk, by, theft(unsure, "3/2025/HS-ST", "2025-01-10", "2025-01-25", "2024-10-01", 12)); !fault.Is(err, fault.Conflict) ||
			!strings.Contains(err.Error(), "judicial.several_persons") {
			t.Fatalf("a judgment whose person is one of two: %v", err)
		}
		req, err := svc.RequestCertificate(ctx, clerk, by, judicial.Request{Type: 1, Requester: judicial.Self, Person: unsure, Purpose: "Xin việc"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.IssueCertificate(ctx, clerk, by, req.ID); err == nil || !strings.Contains(err.Error(), "judicial.several_persons") {
			t.Fatalf("certified from one of two: %v", err)
		}
		if err := svc.ChoosePerson(ctx, clerk, by, req.ID, "nobody"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a person who does not exist chosen: %v", err)
		}
		if err := svc.ChoosePerson(ctx, clerk, by, req.ID, second); err != nil {
			t.Fatal(err)
		}
		doc, err := svc.IssueCertificate(ctx, clerk, by, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, doc.PDF); !strings.Contains(text, "2/2024/HS-ST") || strings.Contains(text, "1/2020/HS-ST") {
			t.Fatalf("the chosen person's certificate:\n%s", text)
		}
	})
}
