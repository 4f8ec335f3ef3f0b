package civil

import (
	"testing"
	"time"
)

// A birth or marriage registered by a foreign authority, written into the register on 10 March
// 2026 (Law 60/2014 art. 48–50; Decree 123/2015 art. 34–36).
func TestRegisteredAbroad(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	abroad := func() *ForeignRecord {
		return &ForeignRecord{Country: "Han Quoc", Authority: "Văn phòng hộ tịch quận Gangnam, Seoul", Document: "Giấy chứng nhận khai sinh số 2024-1234", IssuedOn: "2024-06-10"}
	}
	birth := func(f *ForeignRecord) Entry {
		return &Birth{Child: Person{FullName: "Kim Minh Anh", Sex: Female, DateOfBirth: "2024-06-01", PlaceOfBirth: "Seoul, Hàn Quốc", Ethnicity: "Kinh", Nationality: "Việt Nam"},
			Mother: &Parent{FullName: "Nguyễn Thị Hạnh", DateOfBirth: "1995-01-01"}, Requester: Requester{FullName: "Nguyễn Thị Hạnh", Relation: "mẹ"}, RegisteredAbroad: f}
	}
	marriage := func(f *ForeignRecord) Entry {
		return &Marriage{Husband: Spouse{FullName: "Kim Ji Hoon", DateOfBirth: "1990-01-01", Nationality: "Hàn Quốc", Papers: "Hộ chiếu M1234567"},
			Wife: Spouse{FullName: "Nguyễn Thị Hạnh", DateOfBirth: "2003-05-05", PersonalID: "051303001234"}, RegisteredAbroad: f}
	}
	tests := []struct {
		name  string
		entry func(*ForeignRecord) Entry
		edit  func(*ForeignRecord)
		field string
		want  string
	}{
		{"a birth in Seoul", birth, func(*ForeignRecord) {}, "", ""},
		{"not abroad", birth, func(f *ForeignRecord) { f.Country = "Việt Nam" }, "registered_abroad.country", "foreign.not_abroad"},
		{"registered before the birth", birth, func(f *ForeignRecord) { f.IssuedOn = "2024-05-31" }, "registered_abroad.issued_on", "civil.registered_before_event"},
		{"no paper", birth, func(f *ForeignRecord) { f.Document = "" }, "registered_abroad.document", "civil.required"},
		// Decree 123/2015 art. 35: the Law on Marriage and Family's conditions on the day abroad: a
		// bride of 18 in 2021, of 17 in 2020.
		{"a marriage at 18", marriage, func(f *ForeignRecord) { f.IssuedOn = "2021-05-05" }, "", ""},
		{"a marriage at 17", marriage, func(f *ForeignRecord) { f.IssuedOn = "2021-05-04" }, "wife.date_of_birth", "civil.under_marriage_age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := abroad()
			tt.edit(f)
			e := tt.entry(f)
			e.Normalize()
			err := e.Validate("2026-03-10", today)
			wantField(t, err, tt.field, tt.want)
		})
	}
	b := birth(abroad())
	b.Normalize()
	if b.Late("2026-03-10") || b.(*Birth).RegisteredAbroad.Country != "Hàn Quốc" {
		t.Errorf("a birth registered abroad: late %v, country %q", b.Late("2026-03-10"), b.(*Birth).RegisteredAbroad.Country)
	}
}
