package judicial

import (
	"errors"
	"strings"
	"testing"
)

// What a certificate says (Law on Judicial Records 2009 art. 42–43): a type 1 leaves out an
// expunged conviction and shows bans only when asked; a type 2 shows every conviction, the
// expunged marked, and the bans always; a standing that needs an unreported day waits.
func TestCertificateContent(t *testing.T) {
	old := rec("A", MainPenalty{Type: Prison, Months: 24}, "2019-01-25", served("2021-01-25")) // expunged 25/01/2023
	recent := rec("B", MainPenalty{Type: Prison, Months: 6}, "2024-03-20", served("2024-09-20"))
	recent.Number, recent.Additional = "30/2024/HS-ST", []Additional{{Type: BanOffice, Months: 36}}
	self := Request{Type: 1, Requester: Self, Person: Person{FullName: "Trần Văn Lâm", Sex: "male", DateOfBirth: "1990-05-01"}, Purpose: "Xin việc"}

	c, err := CertificateFor(self, []Record{old}, day("2026-11-30"))
	if err != nil || !c.NoRecord || c.BansAsked || len(c.Lines) != 0 {
		t.Fatalf("type 1, the only conviction expunged: %v %+v", err, c)
	}
	two := self
	two.Type = 2
	c, _ = CertificateFor(two, []Record{old}, day("2026-11-30"))
	if c.NoRecord || len(c.Lines) != 1 || c.Lines[0].Status != "Đã được xóa án tích ngày 25/01/2023" || c.Lines[0].Main != "2 năm tù" ||
		c.Lines[0].Crimes != "khoản 1 Điều 173 Bộ luật Hình sự 2015" || !c.BansAsked {
		t.Fatalf("type 2, the same: %+v", c)
	}
	c, _ = CertificateFor(self, []Record{old, recent}, day("2026-11-30"))
	if c.NoRecord || len(c.Lines) != 1 || !strings.HasPrefix(c.Lines[0].Status, "Chưa được xóa án tích; đã chấp hành xong hình phạt chính ngày 20/09/2024") ||
		c.Lines[0].Additional != "Cấm đảm nhiệm chức vụ 3 năm" || c.BansAsked {
		t.Fatalf("type 1 with a conviction standing: %+v", c)
	}
	asked := self
	asked.ShowBans = true
	c, _ = CertificateFor(asked, []Record{old, recent}, day("2026-11-30"))
	if !c.BansAsked || c.Bans != "Cấm đảm nhiệm chức vụ 3 năm (đến ngày 20/09/2027), Bản án số 30/2024/HS-ST" {
		t.Fatalf("bans asked for: %q", c.Bans)
	}
	c, _ = CertificateFor(asked, []Record{old, recent}, day("2027-09-20"))
	if c.Bans != "Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã" {
		t.Fatalf("the ban over: %q", c.Bans)
	}
	c, _ = CertificateFor(self, nil, day("2026-11-30"))
	if !c.NoRecord {
		t.Fatalf("nobody's record: %+v", c)
	}
	unknown := rec("C", MainPenalty{Type: Prison, Months: 24}, "2015-01-10")
	if _, err := CertificateFor(self, []Record{unknown}, day("2026-11-30")); !errors.Is(err, errVerifyFirst) {
		t.Fatalf("a release not reported: %v", err)
	}
	if got := dong(10_000_000); got != "10.000.000 đồng" {
		t.Errorf("dong: %q", got)
	}
	for m, want := range map[int]string{6: "6 tháng", 18: "18 tháng", 24: "2 năm", 30: "2 năm 6 tháng", 36: "3 năm"} {
		if got := monthsVN(m); got != want {
			t.Errorf("monthsVN(%d) = %q, want %q", m, got, want)
		}
	}
}
