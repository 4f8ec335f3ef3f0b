package correspondence_test

import (
	"bytes"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/outbox"
	"tuphap/internal/pdftest"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var (
	drafter    = auth.Principal{Username: "chuyenvien", FullName: "Nguyễn Văn An", Role: auth.Specialist, Office: auth.DepartmentOffice}
	unitHead   = auth.Principal{Username: "truongphong", Role: auth.Specialist, Office: auth.DepartmentOffice}
	officeHead = auth.Principal{Username: "chanhvp", Role: auth.Specialist, Office: auth.DepartmentOffice}
	clerk      = auth.Principal{Username: "chuyenvien2", Role: auth.Specialist, Office: auth.DepartmentOffice}
	director   = auth.Principal{Username: "lanhdao", FullName: "Trần Thị Thu Hà", Role: auth.Leader, Office: auth.DepartmentOffice}
	otherTown  = auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}
)

func act(p auth.Principal) audit.Actor { return audit.Actor{Username: p.Username} }

// setupOutgoing is setup with the reviewers' accounts and the department's signing key.
func setupOutgoing(t *testing.T, st *store.Store) (*correspondence.Service, *issuing.Service) {
	t.Helper()
	svc := setup(t, st)
	accounts := account.New(st)
	for _, name := range []string{"truongphong", "chanhvp"} {
		if _, err := accounts.AddUser(ctx, account.NewUser{Username: name, FullName: "Lê Văn Bình", Role: string(auth.Specialist), Office: auth.DepartmentOffice,
			Password: "mật khẩu đủ dài 2026"}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	svc.Office = accounts.Office
	iss := issuing.New(st, registration.New(st), units.MustLoad(), bytes.Repeat([]byte{7}, 32), "https://tuphap.example")
	if err := iss.EnsureDemoKeys(ctx, []string{auth.DepartmentOffice}); err != nil {
		t.Fatal(err)
	}
	svc.IssueWith(iss)
	return svc, iss
}

func draftLetter() correspondence.Outgoing {
	return correspondence.Outgoing{Kind: "cong_van", Unit: "HCTP", Summary: "hướng dẫn đăng ký kết hôn có yếu tố nước ngoài",
		Body:       "Thực hiện Nghị định số 120/2025/NĐ-CP, Sở Tư pháp hướng dẫn như sau:\n1. Ủy ban nhân dân cấp xã tiếp nhận hồ sơ.",
		Recipients: []string{"office:21025", "agency:BTP", "unit:VP"}, SignerTitle: "deputy"}
}

// An outgoing letter (Decree 30/2020): drafted with every problem said at once, reviewed by the
// unit head, the office head and a leader in turn (returned once with a note), numbered by the
// clerk in the year's register with the department's symbol, signed with the department's key
// and published in that signature's transaction: delivered to its commune and unit, sent to its
// agency through the exchange, whose receipt is recorded; then archived.
func TestOutgoingDraftedReviewedNumberedSignedPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, iss := setupOutgoing(t, st)

		bad := draftLetter()
		bad.Kind, bad.Summary, bad.Recipients = "thu_tay", " ", []string{"agency:XYZ", "office:99999", "office:21025"}
		_, err := svc.Draft(ctx, drafter, act(drafter), bad)
		if !hasField(err, "kind", "correspondence.kind_unknown") || !hasField(err, "summary", "civil.required") ||
			!hasField(err, "recipients", "correspondence.recipient_unknown") {
			t.Fatalf("every problem at once: %v", err)
		}
		if e, _ := fault.As(err); e == nil || len(e.Args) != 1 || e.Args[0] != "agency:XYZ, office:99999" {
			t.Fatalf("the unknown recipients are named: %#v", e)
		}
		if _, err := svc.Draft(ctx, officer, act(officer), draftLetter()); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune officer drafts: %v", err)
		}

		o, err := svc.Draft(ctx, drafter, act(drafter), draftLetter())
		if err != nil || o.Status != correspondence.Draft {
			t.Fatalf("draft: %v %+v", err, o)
		}
		if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "chuyenvien", "nobody"); !hasField(err, "unit_head", "correspondence.own_review") ||
			!hasField(err, "office_head", "correspondence.assignee_unknown") {
			t.Fatalf("a drafter reviewing their own draft, an unknown reviewer: %v", err)
		}
		if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "truongphong", "truongphong"); !hasField(err, "office_head", "correspondence.same_reviewer") {
			t.Fatalf("one person as both heads: %v", err)
		}
		if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "truongphong", "chanhvp"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Number(ctx, clerk, act(clerk), o.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("numbered before its approval: %v", err)
		}
		if _, err := svc.Decide(ctx, officeHead, act(officeHead), o.ID, true, ""); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("the office head decides the unit head's step: %v", err)
		}
		if _, err := svc.Decide(ctx, unitHead, act(unitHead), o.ID, false, ""); !hasField(err, "note", "correspondence.return_note") {
			t.Fatalf("returned without a note: %v", err)
		}
		if o, err = svc.Decide(ctx, unitHead, act(unitHead), o.ID, false, "Bổ sung căn cứ pháp lý"); err != nil || o.Status != correspondence.Draft ||
			o.ReturnNote != "Bổ sung căn cứ pháp lý" {
			t.Fatalf("returned: %v %+v", err, o)
		}
		changed := draftLetter()
		changed.Body = "Căn cứ Luật Hộ tịch 2014 và Nghị định số 120/2025/NĐ-CP, Sở Tư pháp hướng dẫn như sau:\n1. Ủy ban nhân dân cấp xã tiếp nhận hồ sơ."
		if _, err := svc.Revise(ctx, unitHead, act(unitHead), o.ID, changed); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("another revises the draft: %v", err)
		}
		if _, err := svc.Revise(ctx, drafter, act(drafter), o.ID, changed); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "truongphong", "chanhvp"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []auth.Principal{unitHead, officeHead} {
			if _, err := svc.Decide(ctx, p, act(p), o.ID, true, ""); err != nil {
				t.Fatalf("%s approves: %v", p.Username, err)
			}
		}
		if _, err := svc.Decide(ctx, clerk, act(clerk), o.ID, true, ""); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a specialist decides the leader's step: %v", err)
		}
		if n, err := svc.Waiting(ctx, director); err != nil || n != 1 {
			t.Fatalf("the leader's waiting letters: %d %v", n, err)
		}
		if o, err = svc.Decide(ctx, director, act(director), o.ID, true, ""); err != nil || o.Status != correspondence.Approved || len(o.Reviews) != 4 {
			t.Fatalf("the leader approves: %v %+v", err, o)
		}
		if _, err := svc.Decide(ctx, director, act(director), o.ID, true, ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("approved twice: %v", err)
		}

		// The clerk numbers it: "1/STP-HCTP" (a công văn: the body, then the drafting unit).
		if o, err = svc.Number(ctx, clerk, act(clerk), o.ID); err != nil || o.Status != correspondence.Numbered || o.Symbol != "1/STP-HCTP" ||
			o.Year != 2026 || o.IssuedOn != "2026-11-30" || o.Document == nil || o.Document.Status != issuing.StatusIssued {
			t.Fatalf("numbered: %v %+v", err, o)
		}
		if _, err := svc.Number(ctx, clerk, act(clerk), o.ID); !fault.Is(err, fault.Conflict) {
			t.Fatalf("numbered twice: %v", err)
		}
		// Another kind takes the next number with its own symbol: "2/TB-STP".
		notice := draftLetter()
		notice.Kind, notice.Recipients = "thong_bao", []string{"unit:TTr"}
		second := approved(t, svc, notice)
		if second, err = svc.Number(ctx, clerk, act(clerk), second.ID); err != nil || second.Symbol != "2/TB-STP" {
			t.Fatalf("a notice: %v %+v", err, second)
		}

		// The notice's paper is cancelled before its signature: issued again under its number.
		if _, err := iss.Cancel(ctx, director, act(director), second.DocumentID, "Sai nơi nhận"); err != nil {
			t.Fatal(err)
		}
		again, err := svc.Number(ctx, clerk, act(clerk), second.ID)
		if err != nil || again.Symbol != "2/TB-STP" || again.DocumentID == second.DocumentID || again.Document.Status != issuing.StatusIssued {
			t.Fatalf("issued again: %v %+v", err, again)
		}
		if got, err := svc.Received(ctx, officer); err != nil || len(got) != 0 {
			t.Fatalf("the commune has it before the signature: %v %+v", err, got)
		}
		if _, err := iss.Sign(ctx, director, act(director), o.DocumentID); err != nil {
			t.Fatal(err)
		}
		if o, err = svc.Outgoing(ctx, drafter, o.ID); err != nil || o.Status != correspondence.Published || o.Document.Status != issuing.StatusSigned || len(o.Deliveries) != 3 {
			t.Fatalf("published: %v %+v", err, o)
		}
		status := map[string]string{}
		for _, d := range o.Deliveries {
			status[d.Recipient] = d.Status
		}
		if status["office:21025"] != "delivered" || status["unit:VP"] != "delivered" || status["agency:BTP"] != "sent" {
			t.Fatalf("deliveries: %+v", o.Deliveries)
		}

		// What the commune gets is the signed letter, its number and date on the page.
		got, err := svc.Received(ctx, officer)
		if err != nil || len(got) != 1 || got[0].ID != o.ID {
			t.Fatalf("the commune's letters: %v %+v", err, got)
		}
		if other, err := svc.Received(ctx, otherTown); err != nil || len(other) != 0 {
			t.Fatalf("another commune sees it: %v %+v", err, other)
		}
		if _, _, err := svc.ReceivedFile(ctx, otherTown, o.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("another commune downloads it: %v", err)
		}
		_, pdf, err := svc.ReceivedFile(ctx, officer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !pdftest.ValidSignature(t, pdf) {
			t.Fatal("the published letter's signature is not valid")
		}
		page := pdftest.OCR(t, pdf)
		for _, want := range []string{"SỞ TƯ PHÁP", "Số: 1/STP-HCTP", "Quảng Ngãi, ngày 30 tháng 11 năm 2026", "V/v hướng dẫn đăng ký kết hôn có yếu tố nước ngoài",
			"Căn cứ Luật Hộ tịch 2014", "Kính gửi: - UBND Phường Cẩm Thành; - Bộ Tư pháp.", "Lưu: VT, HCTP, VP.", "PHÓ GIÁM ĐỐC", "Trần Thị Thu Hà"} {
			if !strings.Contains(strings.ToLower(page), strings.ToLower(want)) {
				t.Errorf("the signed letter does not read %q:\n%s", want, page)
			}
		}

		// The exchange confirms the agency's receipt, once, whatever it suffers on the way.
		secret := []byte("shared secret of the document exchange")
		sim, err := agency.NewSimulator(agency.Exchange, ":memory:", secret)
		if err != nil {
			t.Fatal(err)
		}
		defer sim.Close()
		sim.Now = st.Now
		srv := httptest.NewServer(sim)
		defer srv.Close()
		w := outbox.NewWorker(st, registration.New(st), map[string]outbox.Endpoint{string(agency.Exchange): {URL: srv.URL, Secret: secret}}, nil)
		w.Answers[outbox.SendDocument] = svc.ApplyReceipt
		w.BaseDelay, w.MaxDelay = time.Nanosecond, time.Nanosecond
		for _, mode := range []string{"drop", ""} {
			sim.SetFaults(agency.Faults{Mode: mode, Rate: 1})
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if o, err = svc.Outgoing(ctx, drafter, o.ID); err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(o.Deliveries, func(d correspondence.Delivery) bool { return d.Recipient == "agency:BTP" }); i < 0 ||
			o.Deliveries[i].Status != "received" || !strings.HasPrefix(o.Deliveries[i].Receipt, "LT-") {
			t.Fatalf("the exchange's receipt: %+v", o.Deliveries)
		}
		if sim.Processed.Load() != 1 {
			t.Fatalf("the exchange took the letter %d times", sim.Processed.Load())
		}

		// The share the department reports: the notice waits for its signature.
		rep, err := svc.Report(ctx, director, "2026-11-01", "2026-11-30")
		if err != nil || rep.OutgoingTotal.Numbered != 2 || rep.OutgoingTotal.Published != 1 || rep.OutgoingTotal.Waiting != 1 || rep.OutgoingTotal.Rate != 0.5 ||
			len(rep.Outgoing) != 1 || rep.Outgoing[0].Unit != "HCTP" {
			t.Fatalf("the report: %v %+v", err, rep)
		}
		if _, err := svc.Archive(ctx, clerk, act(clerk), o.ID, " "); !hasField(err, "archive_ref", "civil.required") {
			t.Fatalf("archived without a reference: %v", err)
		}
		if o, err = svc.Archive(ctx, clerk, act(clerk), o.ID, "HS-2026-HCTP-04"); err != nil || o.Status != correspondence.Archived {
			t.Fatalf("archived: %v %+v", err, o)
		}
		if _, err := svc.Archive(ctx, clerk, act(clerk), o.ID, "HS-2026-HCTP-05"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("archived twice: %v", err)
		}
		// Revoked: the letter says so to its commune, and no longer counts as published.
		if _, err := iss.Revoke(ctx, director, act(director), o.DocumentID, "Ban hành nhầm đối tượng"); err != nil {
			t.Fatal(err)
		}
		if got, err := svc.Received(ctx, officer); err != nil || len(got) != 1 || got[0].Status != correspondence.Revoked {
			t.Fatalf("the commune's revoked letter: %v %+v", err, got)
		}
		if rep, err := svc.Report(ctx, director, "2026-11-01", "2026-11-30"); err != nil || rep.OutgoingTotal.Published != 0 || rep.OutgoingTotal.Revoked != 1 || rep.OutgoingTotal.Waiting != 1 {
			t.Fatalf("a revoked letter counted as published: %v %+v", err, rep.OutgoingTotal)
		}
		regs, err := svc.Registers(ctx, clerk)
		if err != nil || regs.OutgoingLast != 2 || regs.Year != 2026 {
			t.Fatalf("registers: %v %+v", err, regs)
		}
	})
}

// approved drafts a letter and takes it through its three review steps.
func approved(t *testing.T, svc *correspondence.Service, o correspondence.Outgoing) correspondence.Outgoing {
	t.Helper()
	o, err := svc.Draft(ctx, drafter, act(drafter), o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "truongphong", "chanhvp"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []auth.Principal{unitHead, officeHead, director} {
		if o, err = svc.Decide(ctx, p, act(p), o.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// A state secret is not drafted in tuphap (Law on Protection of State Secrets 2018, art. 5.7);
// the register is searched by words without their marks.
func TestOutgoingSecretAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _ := setupOutgoing(t, st)
		for _, level := range []string{"confidential", "secret", "top_secret"} {
			secret := draftLetter()
			secret.Confidentiality = level
			if _, err := svc.Draft(ctx, drafter, act(drafter), secret); !hasField(err, "confidentiality", "correspondence.secret_offline") {
				t.Fatalf("a letter marked %s: %v", level, err)
			}
		}
		if _, err := svc.Draft(ctx, drafter, act(drafter), draftLetter()); err != nil {
			t.Fatal(err)
		}
		for _, p := range []auth.Principal{drafter, clerk, director} {
			if list, err := svc.OutgoingList(ctx, p, correspondence.OutgoingQuery{Words: "KET HON"}); err != nil || len(list) != 1 {
				t.Fatalf("%s does not find it by words without marks: %v %+v", p.Username, err, list)
			}
		}
		if list, err := svc.OutgoingList(ctx, clerk, correspondence.OutgoingQuery{Words: "khai sinh"}); err != nil || len(list) != 0 {
			t.Fatalf("found by other words: %v %+v", err, list)
		}
	})
}

// The department's symbols (Decree 30/2020, Appendix I, 1.3; kinds' abbreviations Appendix III).
func TestSymbol(t *testing.T) {
	c := correspondence.DefaultConventions
	for _, tc := range []struct {
		kind, unit string
		n          int
		want       string
	}{
		{"cong_van", "VP", 123, "123/STP-VP"},      // a công văn: body, then drafting unit
		{"quyet_dinh", "VP", 7, "7/QĐ-STP"},        // another kind: its abbreviation, then the body
		{"ke_hoach", "PBGDPL", 45, "45/KH-STP"},    // Appendix III: Kế hoạch KH
		{"to_trinh", "HCTP", 2, "2/TTr-STP"},       // Tờ trình TTr
		{"cong_dien", "VP", 1, "1/CĐ-STP"},         // Công điện CĐ
		{"chuong_trinh", "XDKTVB", 3, "3/CTr-STP"}, // Chương trình CTr
	} {
		var kind correspondence.Kind
		for _, k := range c.Kinds {
			if k.Code == tc.kind {
				kind = k
			}
		}
		if got := c.Symbol(kind, tc.unit, tc.n); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.kind, got, tc.want)
		}
	}
}

// The register searches the text of an attached PDF, folded, besides the summary: an officer
// types "nguyen thi dao" for the child named in a signed extract; a letter's body is searched
// the same way; a confidential document's text is found only by whom may read it.
func TestSearchInTheText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _ := setupOutgoing(t, st)
		pdf := signedPDF(t)
		if got := correspondence.SearchText(pdf); !strings.Contains(got, "nguyen thi dao") {
			t.Fatalf("the extract's text: %q", got)
		}
		doc := letter("123/UBND-NC")
		doc.Confidentiality = "confidential"
		if _, err := svc.Register(ctx, specialist, by, doc, pdf); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who   auth.Principal
			words string
			n     int
		}{
			{specialist, "NGUYỄN THỊ ĐÀO", 1}, // in the PDF's text only
			{specialist, "hộ tịch", 1},        // in the summary
			{specialist, "nguyen van dao", 0},
			{other, "nguyen thi dao", 0}, // confidential: not theirs
			{leader, "nguyen thi dao", 1},
		} {
			if list, err := svc.List(ctx, c.who, correspondence.Query{Words: c.words}); err != nil || len(list) != c.n {
				t.Errorf("%s searching %q: %v %d, want %d", c.who.Username, c.words, err, len(list), c.n)
			}
		}
		if _, err := svc.Draft(ctx, drafter, act(drafter), draftLetter()); err != nil {
			t.Fatal(err)
		}
		if list, err := svc.OutgoingList(ctx, clerk, correspondence.OutgoingQuery{Words: "uy ban nhan dan cap xa"}); err != nil || len(list) != 1 {
			t.Errorf("a letter by words of its text: %v %d", err, len(list))
		}
	})
}

// A malformed PDF gives no text and never a panic.
func FuzzSearchText(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Add([]byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		correspondence.SearchText(data)
	})
}

// A leader who drafted or reviewed a letter does not decide it again at the leader's step.
func TestOutgoingLeaderNotTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc, _ := setupOutgoing(t, st)
		o, err := svc.Draft(ctx, drafter, act(drafter), draftLetter())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, drafter, act(drafter), o.ID, "lanhdao", "chanhvp"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []auth.Principal{director, officeHead} {
			if _, err := svc.Decide(ctx, p, act(p), o.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Decide(ctx, director, act(director), o.ID, true, ""); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("the unit head, a leader, approves at the leader's step too: %v", err)
		}
	})
}
