// Package auth holds who may do what: roles, the jurisdiction rule, password and token hashing,
// the login lock-out schedule and TOTP. It is pure: no SQL, no HTTP.
package auth

import (
	"time"

	"tuphap/internal/fault"
)

// Role is what a user does in the system.
type Role string

const (
	Officer    Role = "officer"    // commune civil-status officer: registers
	Signer     Role = "signer"     // commune chairperson who signs
	Specialist Role = "specialist" // department specialist
	Leader     Role = "leader"     // department leader: reads everything, dashboards
	Admin      Role = "admin"      // users and settings
	Auditor    Role = "auditor"    // reads the audit log
	// Judicial: a judicial-record officer of the issuing authority (the department, or since
	// 1 July 2026 the provincial police): the only role that reads and writes judicial
	// records, sensitive personal data under Law 91/2025.
	Judicial Role = "judicial"
	// LegalAid: the staff of the State Legal Aid Centre, the only ones who see its case files.
	LegalAid Role = "legal_aid"
)

// Roles lists every role in display order.
var Roles = []Role{Officer, Signer, Specialist, Leader, Admin, Auditor, Judicial, LegalAid}

// DepartmentOffice is the office code of the provincial Department of Justice.
const DepartmentOffice = "department"

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fault.New(fault.Invalid, "role.unknown", s)
}

// AtCommune reports whether the role belongs to a commune office rather than the department.
func (r Role) AtCommune() bool { return r == Officer || r == Signer }

// Action is something a user may try to do. New features add actions here and to the table.
type Action string

const (
	ViewRecords    Action = "records.view"
	WriteRecords   Action = "records.write"
	SignDocuments  Action = "documents.sign"
	ViewDashboard  Action = "dashboard.view"
	ManageUsers    Action = "users.manage"
	ManageSettings Action = "settings.manage"
	ViewAudit      Action = "audit.view"
	ViewUnits      Action = "units.view"
	ViewOutbox     Action = "outbox.view" // requests to the national agencies, without their personal data
	// JudicialRecords: read and write the judicial-record database, each read with its purpose.
	JudicialRecords Action = "judicial.records"
	// LegalAidCases: receive legal-aid requests and work their cases, each read audited.
	LegalAidCases Action = "legalaid.cases"
	// GrassrootsEnter: enter a commune's dissemination events, plan, mediation teams and cases.
	GrassrootsEnter Action = "grassroots.enter"
	// GrassrootsReview: accept a commune's submitted year, or return it with a note.
	GrassrootsReview Action = "grassroots.review"
	// GrassrootsView: read the grassroots registries and reports (a commune its own).
	GrassrootsView Action = "grassroots.view"
	// Correspondence: register, read and complete the department's official correspondence.
	Correspondence Action = "correspondence.work"
	// RouteCorrespondence: route documents to units and people (the office head, the leaders),
	// and read the confidential ones.
	RouteCorrespondence Action = "correspondence.route"
	// ReceiveLetters: read the department's letters published to one's commune.
	ReceiveLetters Action = "correspondence.receive"
	// PlanProgramme: set the year's work programme, its tasks, leads and deadlines (leaders);
	// ReportProgramme: report progress on a task one leads (department staff).
	PlanProgramme   Action = "programme.plan"
	ReportProgramme Action = "programme.report"
	// ScoreEmulation: enter the communes' emulation points with evidence and read the ranking
	// (the department; a commune reads its own score).
	ScoreEmulation Action = "emulation.score"
	// Inspect: plan inspections of the communes' civil-status work, record findings, conclude
	// and close them (the department); AnswerFindings: answer one's commune's findings.
	Inspect        Action = "inspection.inspect"
	AnswerFindings Action = "inspection.answer"
	// ReportStatistics: generate the sector's statistical reports of one's unit (a commune's
	// officer its commune, the department's specialists any); LockStatistics: review and lock
	// them (the commune's chairperson, the department's leaders).
	ReportStatistics Action = "statistics.report"
	LockStatistics   Action = "statistics.lock"
)

// grants is the permission table. Jurisdiction is checked separately in Allow.
var grants = map[Role]map[Action]bool{
	// A commune's justice officer keeps its grassroots registries too; the department's
	// specialists review them.
	Officer: {ViewRecords: true, WriteRecords: true, ViewUnits: true, ViewOutbox: true, GrassrootsEnter: true, GrassrootsView: true, ReceiveLetters: true, AnswerFindings: true, ReportStatistics: true},
	Signer:  {ViewRecords: true, SignDocuments: true, ViewUnits: true, GrassrootsView: true, ReceiveLetters: true, AnswerFindings: true, LockStatistics: true},
	Specialist: {ViewRecords: true, WriteRecords: true, ViewDashboard: true, ViewUnits: true, ViewOutbox: true,
		GrassrootsReview: true, GrassrootsView: true, Correspondence: true, ReportProgramme: true, ScoreEmulation: true, Inspect: true, ReportStatistics: true},
	// A department's leader signs the department's documents (issuing.mayEndorse): the
	// judicial-record certificates of the issuing authority.
	Leader: {ViewRecords: true, ViewDashboard: true, ViewUnits: true, ViewOutbox: true, SignDocuments: true, GrassrootsView: true,
		Correspondence: true, RouteCorrespondence: true, PlanProgramme: true, ReportProgramme: true, ScoreEmulation: true, Inspect: true,
		ReportStatistics: true, LockStatistics: true},
	Admin:   {ManageUsers: true, ManageSettings: true, ViewUnits: true, ViewOutbox: true},
	Auditor: {ViewAudit: true, ViewUnits: true},
	// The certificate requests are dossiers: the judicial-record officers follow them with the
	// rest, and look up the civil-status register to identify persons.
	Judicial: {JudicialRecords: true, ViewRecords: true, ViewUnits: true, ViewOutbox: true},
	// The centre's staff see their own cases, not the registers.
	LegalAid: {LegalAidCases: true, ViewUnits: true},
}

// Principal is the authenticated caller.
type Principal struct {
	UserID   string
	Username string
	FullName string
	Role     Role
	Office   string
}

// Can reports whether the role may perform the action anywhere in its jurisdiction.
func (p Principal) Can(a Action) bool { return grants[p.Role][a] }

// Allow is the one place where every read and write is checked: the role must grant the
// action, and a commune user acts only on its own office's data. office is the office that owns
// the data ("" for data that belongs to no office, such as the unit list).
func (p Principal) Allow(a Action, office string) error {
	if !p.Can(a) {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	if office != "" && p.Role.AtCommune() && office != p.Office {
		// Not found rather than forbidden: a commune officer must not learn that another
		// commune's record exists.
		return fault.New(fault.NotFound, "error.not_found")
	}
	return nil
}

// Scope returns the office a list query must be limited to: the user's own office for commune
// roles, "" (the whole province) for department roles.
func (p Principal) Scope() string {
	if p.Role.AtCommune() {
		return p.Office
	}
	return ""
}

// CheckOffice says whether a role can belong to an office of that kind.
func CheckOffice(r Role, office string) error {
	if r.AtCommune() == (office == DepartmentOffice) {
		if r.AtCommune() {
			return fault.New(fault.Invalid, "user.role_needs_commune")
		}
		return fault.New(fault.Invalid, "user.role_needs_department")
	}
	return nil
}

// RequiresTOTP says whether the role must use a second factor.
func (r Role) RequiresTOTP() bool { return r == Admin }

// User is an account. PasswordHash and TOTPSecret never leave the server.
type User struct {
	ID           string
	Username     string
	FullName     string
	Role         Role
	Office       string
	PasswordHash string
	TOTPSecret   string
	Disabled     bool
	FailedLogins int
	LastFailedAt time.Time
	CreatedAt    time.Time
}

// Principal returns the identity the user acts under.
func (u User) Principal() Principal {
	return Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Role: u.Role, Office: u.Office}
}

// Session is a server-side login session; the browser holds only its secret.
type Session struct {
	IDHash     string
	UserID     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	MFADone    bool
	IP         string
	UserAgent  string
	RevokedAt  time.Time
}

// Token is a machine client's bearer token, stored hashed.
type Token struct {
	ID         string
	UserID     string
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Office is a registration office: a commune People's Committee or the Department.
type Office struct {
	Code string
	Name string
	Kind string // "commune" or "department"
}
