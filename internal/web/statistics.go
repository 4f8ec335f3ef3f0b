package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/oversight"
)

// The sector's statistical reports: the year's reports with a form to generate one, a report's
// page (its table, the differences later corrections made to a locked one, the lock) and its
// workbook laid out like the printed form.

func (s *Server) statisticsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderStatistics(w, r, http.StatusOK, map[string]string{}, nil, "")
}

func (s *Server) renderStatistics(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	year := s.programmeYear(r)
	list, err := s.stats.List(r.Context(), p, year)
	if err != nil {
		return err
	}
	if values["unit"] == "" {
		values["unit"] = oversight.Province
		if p.Role.AtCommune() {
			values["unit"] = p.Office
		}
	}
	s.render(w, r, status, "statistics.html", map[string]any{"Year": year, "List": list, "T": s.stats.Templates, "Values": values, "Errors": errs,
		"Message": msg, "Reporter": p.Can(auth.ReportStatistics), "Commune": p.Role.AtCommune()})
	return nil
}

func (s *Server) statisticsGenerate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("year"))
	rep, err := s.stats.Generate(r.Context(), p, actorOf(r), f.Get("form"), f.Get("period"), year, f.Get("unit"))
	if err == nil {
		http.Redirect(w, r, "/oversight/statistics/"+rep.ID, http.StatusSeeOther)
		return nil
	}
	msg, fields, ok := s.stepProblem(r, err, fault.Conflict)
	if !ok {
		return err
	}
	values := map[string]string{}
	for k, v := range f {
		values[k] = v[0]
	}
	return s.renderStatistics(w, r, formStatus(err), values, fields, msg)
}

func (s *Server) statisticPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderStatistic(w, r, http.StatusOK, "")
}

func (s *Server) renderStatistic(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, _ := principalOf(r)
	rep, err := s.stats.Report(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	// The differences by cell, for the table to show beside the locked figure (as text: a
	// figure that fell to 0 is a difference too).
	diff := map[string]string{}
	for _, d := range rep.Differences {
		diff[d.Row+"/"+d.Column] = strconv.Itoa(d.Now)
	}
	s.render(w, r, status, "statistic.html", map[string]any{"R": rep, "Message": msg, "Diff": diff,
		"Locker": p.Can(auth.LockStatistics) && rep.Status == "draft"})
	return nil
}

func (s *Server) statisticsLock(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	// The figures the leader read: a draft generated again meanwhile is not locked unread.
	seen, err := time.Parse(time.RFC3339Nano, r.PostForm.Get("generated_at"))
	if err != nil {
		seen = time.Unix(0, 0) // matches no draft: the page is shown again
	}
	if _, err := s.stats.Lock(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("note"), seen); err != nil {
		if msg, _, ok := s.stepProblem(r, err, fault.Conflict, fault.Forbidden); ok {
			return s.renderStatistic(w, r, formStatus(err), msg)
		}
		return err
	}
	http.Redirect(w, r, "/oversight/statistics/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// statisticsXLSX is the report as the printed form: the form's number and the reporting and
// receiving units at the top, the title and period, the unit of count, the column headings
// under their groups with the columns' letters and numbers, a line per unit and the total, and
// the places to sign; a draft says so, and a locked report's differences are a second sheet.
func (s *Server) statisticsXLSX(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	rep, err := s.stats.Report(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Biểu"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	cols := len(rep.Form.Columns) + 2 // STT, the unit, the columns
	last, _ := excelize.ColumnNumberToName(cols)
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col, row)
		return name
	}
	style := func(st *excelize.Style) int {
		id, _ := f.NewStyle(st)
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := func(bold, italic bool) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: 12, Bold: bold, Italic: italic}
	}
	plain := style(&excelize.Style{Font: font(false, false)})
	bold := style(&excelize.Style{Font: font(true, false)})
	italic := style(&excelize.Style{Font: font(false, true), Alignment: &excelize.Alignment{Horizontal: "center"}})
	title := style(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 14, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	head := style(&excelize.Style{Font: font(true, false), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	body := style(&excelize.Style{Font: font(false, false), Border: border})
	total := style(&excelize.Style{Font: font(true, false), Border: border})
	right := style(&excelize.Style{Font: font(false, true), Alignment: &excelize.Alignment{Horizontal: "right"}})

	mid := max(cols/2, 2) // the right-hand column of the heads and signatures, right of "Đơn vị"
	put := func(c, row int, v any, st int) {
		f.SetCellValue(sheet, cell(c, row), v)
		f.SetCellStyle(sheet, cell(c, row), cell(c, row), st)
	}
	reporting := "Sở Tư pháp tỉnh Quảng Ngãi"
	receiving := s.stats.Templates.ReportingTo
	if rep.Unit != oversight.Province {
		reporting, receiving = "UBND "+rep.UnitName, "Sở Tư pháp tỉnh Quảng Ngãi"
	}
	put(1, 1, rep.Form.Number, bold)
	put(mid+1, 1, "Đơn vị báo cáo: "+reporting, plain)
	put(1, 2, "Kỳ báo cáo: "+rep.Period.Name+" "+strconv.Itoa(rep.Year), plain)
	put(mid+1, 2, "Đơn vị nhận báo cáo: "+receiving, plain)
	f.MergeCell(sheet, "A4", last+"4")
	put(1, 4, strings.ToUpper(rep.Form.Title), title)
	f.MergeCell(sheet, "A5", last+"5")
	put(1, 5, fmt.Sprintf("(Từ ngày %s đến ngày %s)", document.DateVN(rep.From), document.DateVN(rep.To)), italic)
	status := "Số liệu đã khóa ngày " + rep.LockedAt.In(calendar.Vietnam).Format("02/01/2006")
	if rep.Status != "locked" {
		status = "BẢN NHÁP: số liệu chưa được duyệt, khóa"
	}
	f.MergeCell(sheet, "A6", last+"6")
	put(1, 6, status, italic)
	put(cols, 7, "Đơn vị tính: "+rep.Form.Unit, right)

	// The headings: a group over its columns on row 8, each column's label on row 9; a column
	// without a group spans both. Row 10 numbers them as the forms do: A, B, 1, 2, …
	put(1, 8, "STT", head)
	f.MergeCell(sheet, "A8", "A9")
	put(2, 8, "Đơn vị", head)
	f.MergeCell(sheet, "B8", "B9")
	for i := 0; i < len(rep.Form.Columns); {
		c := rep.Form.Columns[i]
		if c.Group == "" {
			put(i+3, 8, c.Label, head)
			put(i+3, 9, "", head)
			f.MergeCell(sheet, cell(i+3, 8), cell(i+3, 9))
			i++
			continue
		}
		j := i
		for j < len(rep.Form.Columns) && rep.Form.Columns[j].Group == c.Group {
			put(j+3, 8, "", head)
			put(j+3, 9, rep.Form.Columns[j].Label, head)
			j++
		}
		put(i+3, 8, c.Group, head)
		f.MergeCell(sheet, cell(i+3, 8), cell(j+2, 8))
		i = j
	}
	put(1, 10, "A", head)
	put(2, 10, "B", head)
	for i := range rep.Form.Columns {
		put(i+3, 10, i+1, head)
	}
	row := 11
	for n, line := range rep.Rows {
		put(1, row, n+1, body)
		put(2, row, line.Name, body)
		for i, v := range line.Cells {
			put(i+3, row, v, body)
		}
		row++
	}
	put(1, row, "", total)
	put(2, row, rep.Total.Name, total)
	for i, v := range rep.Total.Cells {
		put(i+3, row, v, total)
	}
	row += 2
	put(mid+1, row, fmt.Sprintf("Quảng Ngãi, ngày %s", s.now().In(calendar.Vietnam).Format("02/01/2006")), italic)
	put(2, row+1, "NGƯỜI LẬP BIỂU", bold)
	put(mid+1, row+1, "THỦ TRƯỞNG ĐƠN VỊ", bold)
	// The people by their names, as they sign.
	fullName := func(username string) string {
		if u, err := s.accounts.User(r.Context(), username); err == nil && u.FullName != "" {
			return u.FullName
		}
		return username
	}
	put(2, row+4, fullName(rep.GeneratedBy), plain)
	if rep.LockedBy != "" {
		put(mid+1, row+4, fullName(rep.LockedBy), plain)
	}
	f.SetColWidth(sheet, "A", "A", 6)
	f.SetColWidth(sheet, "B", "B", 28)
	c, _ := excelize.ColumnNumberToName(3)
	f.SetColWidth(sheet, c, last, 14)
	f.SetRowHeight(sheet, 9, 48)
	// Printed as the form is: A4 landscape, every column on the page's width, the headings
	// again on each page.
	landscape, a4, one, tall, fit := "landscape", 9, 1, 0, true
	f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &one, FitToHeight: &tall})
	f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$8:$10", Scope: sheet})

	if len(rep.Differences) > 0 {
		diff := "Chênh lệch"
		if _, err := f.NewSheet(diff); err != nil {
			return err
		}
		f.SetSheetRow(diff, "A1", &[]any{"Đơn vị", "Chỉ tiêu", "Số liệu đã khóa", "Số liệu hiện nay"})
		labels := map[string]string{}
		for _, c := range rep.Form.Columns {
			labels[c.Code] = c.Label
			if c.Group != "" {
				labels[c.Code] = c.Group + ": " + c.Label
			}
		}
		for i, d := range rep.Differences {
			f.SetSheetRow(diff, cell(1, i+2), &[]any{d.Name, labels[d.Column], d.Locked, d.Now})
		}
		f.SetColWidth(diff, "A", "B", 30)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="thong-ke-%s-%s-%d-%s.xlsx"`, rep.Form.Code, rep.Period.Code, rep.Year, rep.Unit))
	return f.Write(w)
}

// The API.

func (s *Server) apiStatistics(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.stats.List(r.Context(), p, s.programmeYear(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": list, "templates": s.stats.Templates})
	return nil
}

func (s *Server) apiStatisticsGenerate(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Form   string `json:"form"`
		Period string `json:"period"`
		Year   int    `json:"year"`
		Unit   string `json:"unit"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	rep, err := s.stats.Generate(r.Context(), p, actorOf(r), body.Form, body.Period, body.Year, body.Unit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rep)
	return nil
}

func (s *Server) apiStatistic(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	rep, err := s.stats.Report(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) apiStatisticsLock(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Note string `json:"note"`
		// GeneratedAt: the figures read (the report's generated_at); omitted, whatever is there.
		GeneratedAt time.Time `json:"generated_at"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	rep, err := s.stats.Lock(r.Context(), p, actorOf(r), r.PathValue("id"), body.Note, body.GeneratedAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
