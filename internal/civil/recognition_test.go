package civil

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func TestRecognition(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	base := func() *Recognition {
		return &Recognition{Child: Person{FullName: "Lê Thị Na", Sex: Female, DateOfBirth: "2020-06-01"},
			Father:   &Parent{FullName: "Trần Văn Bình", DateOfBirth: "1990-02-02", PersonalID: "051090009999"},
			Evidence: "Kết quả giám định ADN số 123/GĐ ngày 01/02/2026 của Viện Pháp y Quốc gia"}
	}
	tests := []struct {
		name  string
		edit  func(*Recognition)
		field string
		want  string
	}{
		{"a father recognised", func(*Recognition) {}, "", ""},
		// Law 60/2014 art. 25.1: the evidence of the relation comes with the request.
		{"no evidence", func(r *Recognition) { r.Evidence = " " }, "evidence", "civil.required"},
		{"nobody recognised", func(r *Recognition) { r.Father = nil }, "father", "civil.recognition_one_parent"},
		{"two at once", func(r *Recognition) { r.Mother = &Parent{FullName: "Lê Thị Hoa"} }, "mother", "civil.recognition_one_parent"},
		{"a father born after the child", func(r *Recognition) { r.Father.DateOfBirth, r.Father.PersonalID = "2021-01-01", "" }, "father.date_of_birth", "civil.parent_after_child"},
		// A father's personal ID says a man (Decree 137/2015 art. 7).
		{"a father's ID of a woman", func(r *Recognition) { r.Father.PersonalID = "051190009999" }, "father.personal_id", "pid.sex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(r)
			r.Normalize()
			err := r.Validate("2026-03-10", today)
			wantField(t, err, tt.field, tt.want)
		})
	}
}

// The recognised parent joins the child's birth entry; a birth that names one already is a
// dispute for the court (Law on Marriage and Family 2014 art. 101.2).
func TestRecognise(t *testing.T) {
	r := &Recognition{Father: &Parent{FullName: "Trần Văn Bình", DateOfBirth: "1990-02-02"}}
	b := &Birth{Child: Person{FullName: "Lê Thị Na"}, Mother: &Parent{FullName: "Lê Thị Hoa"}}
	out, err := r.Recognise(b)
	if err != nil || out.Father == nil || out.Father.FullName != "Trần Văn Bình" || out.Mother.FullName != "Lê Thị Hoa" || b.Father != nil {
		t.Fatalf("recognised: %v %+v (the entry given must stay as it was: %+v)", err, out, b.Father)
	}
	if _, err := r.Recognise(out); !fault.Is(err, fault.Conflict) {
		t.Fatalf("a father already named: %v", err)
	}
	empty := &Birth{Father: &Parent{}}
	if _, err := r.Recognise(empty); err != nil {
		t.Fatalf("an empty father's slot: %v", err)
	}
}
