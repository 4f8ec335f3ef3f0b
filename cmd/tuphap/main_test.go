package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/store/storetest"
)

func tuphap(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCommands(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			db := "--db=" + dsn
			out, _, err := tuphap(t, "", "user", "add", db, "--username", "dao", "--name", "Nguyễn Thị Đào", "--role", "officer", "--office", "21025", "--password", "mật khẩu đủ dài")
			if err != nil || !strings.Contains(out, "user dao created") {
				t.Fatalf("user add: %q %v", out, err)
			}
			// The password is read from stdin when not given.
			if _, _, err := tuphap(t, "từ stdin 12345\n", "user", "add", db, "--username", "lan", "--role", "leader", "--office", "department"); err != nil {
				t.Fatalf("user add with stdin password: %v", err)
			}
			_, _, err = tuphap(t, "", "user", "add", db, "--username", "x", "--role", "boss", "--office", "99999", "--password", "1")
			if err == nil || !strings.Contains(err.Error(), "role:") || !strings.Contains(err.Error(), "office:") || !strings.Contains(err.Error(), "password:") {
				t.Fatalf("bad user add: %v", err)
			}
			if _, _, err := tuphap(t, "", "user", "add", db, "--username", "dao", "--role", "officer", "--office", "21025", "--password", "0123456789"); err == nil || !strings.Contains(err.Error(), "taken") {
				t.Fatalf("duplicate user: %v", err)
			}
			if _, _, err := tuphap(t, "mật khẩu mới 2026\n", "user", "passwd", db, "--username", "dao"); err != nil {
				t.Fatalf("passwd: %v", err)
			}
			if _, _, err := tuphap(t, "", "user", "passwd", db, "--username", "ghost", "--password", "0123456789"); err == nil {
				t.Fatal("passwd of an unknown user succeeded")
			}
			token, _, err := tuphap(t, "", "token", "create", db, "--username", "dao")
			if err != nil || !strings.HasPrefix(token, "tp_") || strings.Count(token, "\n") != 1 || len(strings.TrimSpace(token)) < 40 {
				t.Fatalf("token create printed %q, %v", token, err)
			}
			// The token works until revoked.
			list, _, err := tuphap(t, "", "token", "list", db, "--username", "dao")
			id, _, _ := strings.Cut(list, "\t")
			if err != nil || !strings.Contains(list, "active") {
				t.Fatalf("token list: %q %v", list, err)
			}
			if out, _, err := tuphap(t, "", "token", "revoke", db, "--username", "dao", "--id", id); err != nil || !strings.Contains(out, "revoked") {
				t.Fatalf("token revoke: %q %v", out, err)
			}
			if list, _, _ = tuphap(t, "", "token", "list", db, "--username", "dao"); !strings.Contains(list, "revoked") {
				t.Fatalf("after revoke: %q", list)
			}
			if _, _, err := tuphap(t, "", "token", "revoke", db, "--username", "dao", "--id", id); err == nil {
				t.Fatal("revoking twice succeeded")
			}
			out, _, err = tuphap(t, "", "audit", "verify", db)
			if err != nil || !strings.Contains(out, "audit log intact") {
				t.Fatalf("audit verify: %q %v", out, err)
			}
			// Checkpoints: sealed with the master key, kept outside the database.
			dir := t.TempDir()
			keyFile, cpFile := filepath.Join(dir, "master.secret"), filepath.Join(dir, "audit.checkpoints")
			if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32))), 0o600); err != nil {
				t.Fatal(err)
			}
			cp := []string{"--checkpoints=" + cpFile, "--secret-key-file=" + keyFile}
			if _, _, err := tuphap(t, "", append([]string{"audit", "checkpoint", db, "--secret-key-file=" + filepath.Join(dir, "none")}, cp[:1]...)...); err == nil {
				t.Fatal("checkpoint without the master key")
			}
			if err := os.WriteFile(cpFile, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := tuphap(t, "", append([]string{"audit", "verify", db}, cp...)...); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
				t.Fatalf("verify against an empty checkpoint file: %v", err)
			}
			for range 2 {
				if out, _, err := tuphap(t, "", append([]string{"audit", "checkpoint", db}, cp...)...); err != nil || !strings.Contains(out, "checkpoint at entry") {
					t.Fatalf("audit checkpoint: %q %v", out, err)
				}
			}
			if out, _, err := tuphap(t, "", append([]string{"audit", "verify", db}, cp...)...); err != nil || !strings.Contains(out, "matching 2 checkpoints") {
				t.Fatalf("audit verify --checkpoints: %q %v", out, err)
			}
			// A partial last line (an interrupted write) stops the next checkpoint instead of being glued to it.
			good, _ := os.ReadFile(cpFile)
			if err := os.WriteFile(cpFile, append(append([]byte{}, good...), "12 abc"...), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := tuphap(t, "", append([]string{"audit", "checkpoint", db}, cp...)...); err == nil || !strings.Contains(err.Error(), "partial line") {
				t.Fatalf("checkpoint after a partial line: %v", err)
			}
			if err := os.WriteFile(cpFile, good, 0o600); err != nil {
				t.Fatal(err)
			}
			// Tamper with a row behind tuphap's back: verify must notice and fail.
			driver := "sqlite"
			if engine == "postgres" {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE audit_log SET username = 'someone else' WHERE seq = 1`); err != nil {
				t.Fatal(err)
			}
			if _, _, err := tuphap(t, "", "audit", "verify", db); err == nil || !strings.Contains(err.Error(), "NOT intact") {
				t.Fatalf("tampered audit log passed: %v", err)
			}
			if _, _, err := tuphap(t, "", append([]string{"audit", "checkpoint", db}, cp...)...); err == nil {
				t.Fatal("a tampered log was checkpointed")
			}
		})
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := "--db=" + filepath.Join(dir, "live.db")
	if _, _, err := tuphap(t, "", "user", "add", db, "--username", "dao", "--role", "officer", "--office", "21025", "--password", "0123456789"); err != nil {
		t.Fatal(err)
	}
	copyFile := filepath.Join(dir, "copy.db")
	if out, _, err := tuphap(t, "", "backup", db, copyFile); err != nil || !strings.Contains(out, copyFile) {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, _, err := tuphap(t, "", "backup", db, copyFile); err == nil {
		t.Fatal("backup over an existing file")
	}
	// The copy is a working store: its audit log verifies and the user is there.
	if out, _, err := tuphap(t, "", "audit", "verify", "--db="+copyFile); err != nil || !strings.Contains(out, "intact: 1 entries") {
		t.Fatalf("verify copy: %q %v", out, err)
	}
	if _, _, err := tuphap(t, "", "token", "create", "--db="+copyFile, "--username", "dao"); err != nil {
		t.Fatalf("copy lacks the user: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"fly"}, {"user"}, {"user", "add"}, {"token", "create"}, {"backup"}} {
		if _, _, err := tuphap(t, "", args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	out, _, err := tuphap(t, "", "--help")
	if err != nil || !strings.Contains(out, "tuphap user add --username U --role ROLE --office CODE") {
		t.Fatalf("help: %v", err)
	}
	_, errOut, _ := tuphap(t, "", "serve", "--help")
	for _, want := range []string{"TUPHAP_DB", "TUPHAP_ADDR", "TUPHAP_LOG_FORMAT", "-demo", "TUPHAP_SELF_SIGN_OFFICES", "TUPHAP_BACKDATE_WINDOW", "TUPHAP_LEGAL_AID_PLAN", "TUPHAP_ACCESS_STANDARD",
		"TUPHAP_EMULATION", "TUPHAP_INSPECTION_CHECKLIST", "TUPHAP_STATISTICS_FORMS"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("serve --help lacks %s", want)
		}
	}
	// Settings that cannot be right stop serve before it listens (a deadline in case it does not).
	badJSON := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badJSON, []byte(`{"grades":[{"grade":"A","min":10}],"items":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ flag, value, want string }{
		{"--backdate-window", "-1h", "backdate-window"},
		{"--backdate-window", "một ngày", "backdate-window"},
		{"--self-sign-offices", "21025, 99999", "99999"},
		{"--legal-aid-plan", "0", "legal-aid-plan"},
		{"--legal-aid-plan", "bốn trăm", "legal-aid-plan"},
		{"--access-standard", "/nonexistent/standard.json", "access-standard"},
		{"--emulation", badJSON, "emulation"},
		{"--inspection-checklist", badJSON, "inspection checklist"},
		{"--statistics-forms", "/nonexistent/statistics.json", "statistics-forms"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		db := "--db=" + filepath.Join(t.TempDir(), "t.db")
		err := run(ctx, []string{"serve", db, "--addr=127.0.0.1:0", c.flag, c.value}, strings.NewReader(""), io.Discard, io.Discard)
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve %s %q: %v", c.flag, c.value, err)
		}
	}
}

// serve starts, answers, loads the demo and stops cleanly when its context ends (as on SIGTERM).
func TestServeDemoAndShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	dbFile := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", addr, "--db", dbFile, "--log-format", "json"}, nil, &out, &errOut)
	}()
	// The demo loads thousands of entries before listening: wait for it, but not forever.
	var resp *http.Response
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err = http.Get(fmt.Sprintf("http://%s/readyz", addr)); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, errOut.String())
		default:
		}
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v", err)
	}
	resp.Body.Close()
	// A birth registered through the API gets its personal ID from the in-process simulator.
	token, _, err := tuphap(t, "", "token", "create", "--db", dbFile, "--username", "canbo")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"office": "21025", "child": {"full_name": "Võ Thị Mai", "sex": "female", "date_of_birth": "` + time.Now().AddDate(0, 0, -3).Format("2006-01-02") +
		`", "place_of_birth": "Trạm Y tế", "ethnicity": "Kinh", "nationality": "Việt Nam"}, "mother": {"full_name": "Võ Thị Lan"}, "father": null,
		"requester": {"full_name": "Võ Thị Lan", "relation": "mẹ"}}`
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/births", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("birth: %v %v", resp.StatusCode, err)
	}
	var rec map[string]any
	json.NewDecoder(resp.Body).Decode(&rec)
	resp.Body.Close()
	pid := ""
	for deadline := time.Now().Add(20 * time.Second); pid == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/records/"+rec["id"].(string), nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			var got map[string]any
			json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			if c, ok := got["child"].(map[string]any); ok && c["personal_id"] != nil {
				pid = c["personal_id"].(string)
			}
		}
	}
	if len(pid) != 12 || !strings.HasPrefix(pid, "0513") {
		t.Fatalf("personal ID from the demo agency: %q", pid)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(out.String(), "kiemtoan") || !strings.Contains(out.String(), "password for all of them") {
		t.Fatalf("demo users not printed:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in the JSON log:\n%s", errOut.String())
	}
}

func TestCalendarCommands(t *testing.T) {
	out, _, err := tuphap(t, "", "calendar", "lunar", "2027-02-06")
	if err != nil || out != "2027-02-06: lunar 1/1/2027, leap month: no\n" {
		t.Fatalf("lunar: %q %v", out, err)
	}
	out, _, _ = tuphap(t, "", "calendar", "lunar", "2025-07-25")
	if !strings.Contains(out, "lunar 1/6/2025, leap month: yes") {
		t.Fatalf("leap month: %q", out)
	}
	out, _, err = tuphap(t, "", "calendar", "--db", filepath.Join(t.TempDir(), "c.db"), "2026")
	if err != nil || !strings.Contains(out, "Tết 2026-02-17") || !strings.Contains(out, "2026-02-16  Monday") || !strings.Contains(out, "default") {
		t.Fatalf("calendar 2026: %q %v", out, err)
	}
	for _, bad := range [][]string{{"calendar", "lunar", "17/02/2026"}, {"calendar", "abc"}, {"calendar", "lunar"}} {
		if _, _, err := tuphap(t, "", bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// A legacy register file: good rows go in, bad ones are reported with line and reason, an old
// commune's books keep their numbers under the commune that took it over, and a second run
// stores nothing twice.
func TestImport(t *testing.T) {
	dir := t.TempDir()
	db := "--db=" + filepath.Join(dir, "i.db")
	file := filepath.Join(dir, "so-khai-sinh.csv")
	csvText := "Loại,Mã xã,Số,Năm,Ngày đăng ký,Họ tên,Giới tính,Ngày sinh,Nơi sinh,Dân tộc,Quốc tịch,Họ tên mẹ,Người đi khai,Quan hệ\n" +
		"khai sinh,21019,1,2010,05/03/2010,Nguyễn Thị Đào,Nữ,01/02/2010,Trạm y tế,Kinh,Việt Nam,Trần Thị Lan,Trần Thị Lan,mẹ\n" +
		"khai sinh,21019,2,2010,06/03/2010,Lê Văn Tám,Nam,02/02/2010,Trạm y tế,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n" +
		"khai sinh,21019,3,2010,07/03/2010,Võ Văn 3,Nam,31/02/2010,,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n" +
		"kết hôn,21019,1,2010,07/03/2010,Lê Văn A,Nam,01/01/1980,,Kinh,Việt Nam,,,,\n" +
		"khai sinh,99999,4,2010,07/03/2010,Võ Văn Bốn,Nam,01/02/2010,Trạm y tế,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n" +
		"khai sinh,21025,1,2025,05/03/2025,Phạm Gia Bảo,Nam,01/02/2025,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n"
	os.WriteFile(file, []byte(csvText), 0o600)
	mapping := filepath.Join(dir, "mapping.json")
	os.WriteFile(mapping, []byte(`{"columns": {"Loại": "kind", "Mã xã": "office", "Số": "number", "Năm": "year", "Ngày đăng ký": "registered_on",
		"Họ tên": "full_name", "Giới tính": "sex", "Ngày sinh": "date_of_birth", "Nơi sinh": "place_of_birth", "Dân tộc": "ethnicity",
		"Quốc tịch": "nationality", "Họ tên mẹ": "mother_name", "Người đi khai": "requester_name", "Quan hệ": "requester_relation"}}`), 0o600)
	if _, _, err := tuphap(t, "", "import", db, file); err == nil || !strings.Contains(err.Error(), "tệp ánh xạ cột") {
		t.Fatalf("unknown headings without a mapping: %v", err)
	}
	out, _, err := tuphap(t, "", "import", db, "--mapping", mapping, file)
	if err != nil || !strings.Contains(out, "6 rows, 3 imported, 0 already there, 3 rejected") {
		t.Fatalf("first import: %q %v", out, err)
	}
	report, _ := os.ReadFile(file + ".rejected.csv")
	for _, want := range []string{"4,", "date_of_birth", "place_of_birth", "5,", "husband.full_name", "6,", "99999"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	out, _, err = tuphap(t, "", "import", db, "--mapping", mapping, file)
	if err != nil || !strings.Contains(out, "0 imported, 3 already there") {
		t.Fatalf("second import: %q %v", out, err)
	}
	// The same rows as a workbook import the same way.
	wb := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(csvText), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		wb.SetSheetRow("Sheet1", cell, &row)
	}
	xlsx := filepath.Join(dir, "so-khai-sinh.xlsx")
	if err := wb.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	out, _, err = tuphap(t, "", "import", "--db="+filepath.Join(dir, "x.db"), "--mapping", mapping, xlsx)
	if err != nil || !strings.Contains(out, "6 rows, 3 imported, 0 already there, 3 rejected") {
		t.Fatalf("XLSX import: %q %v", out, err)
	}
	raw, _ := sql.Open("sqlite", filepath.Join(dir, "i.db"))
	defer raw.Close()
	// Each run is on the imports page, as one started there would be.
	var runs, inserted int
	var by, status string
	if err := raw.QueryRow(`SELECT COUNT(*), SUM(inserted), MIN(by_user), MAX(status) FROM imports WHERE file_name = 'so-khai-sinh.csv'`).Scan(&runs, &inserted, &by, &status); err != nil ||
		runs != 2 || inserted != 3 || !strings.HasPrefix(by, "cli") || status != "done" {
		t.Errorf("the imports recorded: %d runs, %d in, by %s, %s, %v", runs, inserted, by, status, err)
	}
	var office, book string
	// A marriage register in the documented columns: the age rule of the law in force on the
	// day of registration decides (2000 law: entering the age; 2014 law: completed years).
	kh := filepath.Join(dir, "so-ket-hon.csv")
	os.WriteFile(kh, []byte("kind,office,book,number,registered_on,husband_name,husband_date_of_birth,wife_name,wife_date_of_birth,wife_residence\n"+
		"kết hôn,21025,KH,1,01/03/2009,Nguyễn Văn Hải,01/03/1990,Trần Thị Thu,05/05/1990,Xã Tân Mỹ\n"+
		"kết hôn,21025,KH,2,01/06/2016,Lê Văn Nam,02/06/1997,Phạm Thị Hoa,01/01/1995,\n"+
		"kh,21025,KH,3,01/06/2016,Hồ Văn Sơn,01/01/1990,,01/01/1995,\n"), 0o600)
	out, _, err = tuphap(t, "", "import", db, kh)
	if err != nil || !strings.Contains(out, "3 rows, 1 imported, 0 already there, 2 rejected") {
		t.Fatalf("marriages: %q %v", out, err)
	}
	report, _ = os.ReadFile(kh + ".rejected.csv")
	for _, want := range []string{`3,"husband.date_of_birth: Chưa đủ tuổi kết hôn`, "4,wife.full_name"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("marriage report lacks %q:\n%s", want, report)
		}
	}
	var wife string
	if err := raw.QueryRow(`SELECT n.folded FROM record_names n JOIN records r ON r.id = n.record_id WHERE r.kind = 'marriage'`).Scan(&wife); err != nil || wife != "tran thi thu" {
		t.Fatalf("the wife's name is not searchable: %q %v", wife, err)
	}
	if err := raw.QueryRow(`SELECT office, reg_book FROM records WHERE full_name = 'Nguyễn Thị Đào'`).Scan(&office, &book); err != nil || office != "21025" || book != "21019/01" {
		t.Fatalf("old commune 21019 kept as %s %s: %v", office, book, err)
	}
}

// An old register never moves the numbering of the book in use (issue 15: a row numbered 5000 in
// this year's book made the next birth 5001), and a row whose number another person holds is
// refused with who holds it, not counted as already there.
func TestImportNumbering(t *testing.T) {
	dir := t.TempDir()
	db := "--db=" + filepath.Join(dir, "n.db")
	year := time.Now().Year()
	file := filepath.Join(dir, "so.csv")
	os.WriteFile(file, []byte("kind,office,book,number,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n"+
		fmt.Sprintf("khai sinh,21025,01,5000,02/01/%d,Phạm Gia Bảo,Nam,01/01/%d,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n", year, year)+
		"khai sinh,21025,01,7,05/03/2020,Lê Văn Tám,Nam,01/02/2020,Trạm y tế,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n"+
		"khai sinh,21025,01,7,05/03/2020,Võ Thị Chín,Nữ,03/02/2020,Trạm y tế,Kinh,Việt Nam,Hồ Thị Mai,Hồ Thị Mai,mẹ\n"), 0o600)
	out, _, err := tuphap(t, "", "import", db, file)
	if err != nil || !strings.Contains(out, "3 rows, 1 imported, 0 already there, 2 rejected") {
		t.Fatalf("import: %q %v", out, err)
	}
	report, _ := os.ReadFile(file + ".rejected.csv")
	for _, want := range []string{"2,", "sổ đang dùng", "4,", "đã dùng cho một người khác"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// Again: the row there is already there, the other still refused.
	if out, _, err = tuphap(t, "", "import", db, file); err != nil || !strings.Contains(out, "0 imported, 1 already there, 2 rejected") {
		t.Fatalf("again: %q %v", out, err)
	}
	raw, _ := sql.Open("sqlite", filepath.Join(dir, "n.db"))
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM registers WHERE year = $1`, year).Scan(&n); err != nil || n != 0 {
		t.Fatalf("this year's books touched by the import: %d %v", n, err)
	}
}

// The public address printed on documents: checked at start; the demo uses its own address; a
// deployment without one starts but issues nothing (issuing says why).
func TestPublicAddress(t *testing.T) {
	for _, c := range []struct {
		raw, addr string
		demo      bool
		want      string
		bad       bool
	}{
		{"https://tuphap.quangngai.gov.vn/", "0.0.0.0:8080", false, "https://tuphap.quangngai.gov.vn", false},
		{"https://example.gov.vn/tuphap", "", false, "https://example.gov.vn/tuphap", false},
		{"", "127.0.0.1:8080", true, "http://127.0.0.1:8080", false},
		{"", "127.0.0.1:8080", false, "", false},
		{"tuphap.gov.vn", "", false, "", true},
		{"ftp://tuphap.gov.vn", "", false, "", true},
		{"https://tuphap.gov.vn/?a=b", "", false, "", true},
		{"https://user:pw@tuphap.gov.vn", "", false, "", true},
	} {
		got, err := publicAddress(c.raw, c.addr, c.demo)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("publicAddress(%q, %q, %v) = %q, %v", c.raw, c.addr, c.demo, got, err)
		}
	}
}

// --judicial-authority names who issues judicial-record certificates: four parts, or nothing
// for the department of justice.
func TestJudicialAuthorityFlag(t *testing.T) {
	if a, err := judicialAuthority(""); err != nil || a.Name != "" {
		t.Errorf("empty: %+v %v", a, err)
	}
	a, err := judicialAuthority(" Bộ Công an | Công an tỉnh Quảng Ngãi | GIÁM ĐỐC | Quảng Ngãi ")
	if err != nil || a.Parent != "Bộ Công an" || a.Name != "Công an tỉnh Quảng Ngãi" || a.SignerTitle != "GIÁM ĐỐC" || a.Place != "Quảng Ngãi" {
		t.Errorf("four parts: %+v %v", a, err)
	}
	if a, err := judicialAuthority("Bộ Công an|Công an tỉnh Quảng Ngãi|GIÁM ĐỐC|Quảng Ngãi|số 1 Trần Hưng Đạo"); err != nil || a.Address != "số 1 Trần Hưng Đạo" {
		t.Errorf("with an address: %+v %v", a, err)
	}
	for _, bad := range []string{"Công an tỉnh Quảng Ngãi", "Bộ Công an||GIÁM ĐỐC|Quảng Ngãi", "a|b|c|d|e|f"} {
		if _, err := judicialAuthority(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
