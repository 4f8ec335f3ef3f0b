// Package web serves tuphap over HTTP: server-rendered pages for people, JSON under /api/v1/ for
// machines, and the operations endpoints. Handlers are thin: parse, call a service, render.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/app"
	"tuphap/internal/auditlog"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
	"tuphap/internal/issuing"
	"tuphap/internal/judicial"
	"tuphap/internal/legalaid"
	"tuphap/internal/metrics"
	"tuphap/internal/outbox"
	"tuphap/internal/oversight"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	// SecureCookies marks cookies Secure; on by default, off only for plain-HTTP development.
	SecureCookies bool
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	// MaxUpload is the largest legacy register file accepted by the import page.
	MaxUpload int64
	// TrustProxy takes the client's address from the last X-Forwarded-For entry: set it only
	// behind a proxy that appends it (the audit log and the lookups' limit use the address).
	TrustProxy bool
}

// Server holds the dependencies of the handlers.
type Server struct {
	cfg      Config
	store    *store.Store
	accounts *account.Service
	registry *registration.Service
	desk     *reception.Service
	issuer   *issuing.Service
	judicial *judicial.Service
	legalaid *legalaid.Service
	grass    *grassroots.Service
	mail     *correspondence.Service
	watch    *oversight.Service
	plan     *oversight.Programme
	emulate  *oversight.Emulation
	inspect  *oversight.Inspections
	stats    *oversight.Statistics
	queue    *outbox.Queue
	lookups  *limiter
	auditlog *auditlog.Service
	imports  imports
	// offices and officeName are loaded once: offices follow the administrative units shipped
	// with the binary and are synchronised before the server starts, so they never change while
	// it runs, and every page names the user's office.
	offices    []auth.Office
	officeName map[string]string
	units      *units.Registry
	log        *slog.Logger
	pages      *pages
	assets     *assets
	metrics    *metrics.Registry
	requests   *metrics.Counter
	latency    *metrics.Histogram
	patterns   []string // every registered route, for the OpenAPI test
	handler    http.Handler
}

// New builds the server and its routes over the services that app.New wired. Templates are
// parsed here, so a broken template stops the start (and fails the tests) instead of a page at
// run time.
func New(cfg Config, svc *app.Services, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 512 << 20
	}
	st := svc.Store
	s := &Server{imports: imports{journal: svc.Imports}, cfg: cfg, store: st, accounts: svc.Accounts, registry: svc.Registration,
		desk: svc.Reception, issuer: svc.Issuing, judicial: svc.Judicial, legalaid: svc.LegalAid, grass: svc.Grassroots, mail: svc.Correspondence, watch: svc.Oversight, plan: svc.Programme, emulate: svc.Emulation, inspect: svc.Inspections, stats: svc.Statistics, queue: svc.Outbox, auditlog: svc.Auditlog, units: svc.Units, log: log, metrics: metrics.NewRegistry()}
	s.imports.ctx, s.imports.stop = context.WithCancel(context.Background())
	s.lookups = newLimiter(time.Now)
	var err error
	if s.offices, err = s.accounts.Offices(context.Background()); err != nil {
		return nil, err
	}
	s.officeName = map[string]string{}
	for _, o := range s.offices {
		s.officeName[o.Code] = o.Name
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if err := s.addPlaces(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	s.requests = s.metrics.NewCounter("tuphap_http_requests_total", "HTTP requests by method, route and status.", "method", "route", "code")
	s.latency = s.metrics.NewHistogram("tuphap_http_request_duration_seconds", "HTTP request latency by route.", metrics.DefaultBuckets, "route")
	s.metrics.NewCounterFunc("tuphap_store_errors_total", "Store operations that failed unexpectedly.", func() float64 { return float64(st.Errors.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_group_commits_total", "Commits, each carrying one or more grouped transactions.", func() float64 { return float64(st.GroupCommits.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_deadlocks_total", "Grouped transactions that PostgreSQL failed as a deadlock or serialisation failure (run again).", func() float64 { return float64(st.Deadlocks.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_grouped_transactions_total", "Transactions committed through group commit.", func() float64 { return float64(st.GroupedTxs.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_group_busy_seconds_total", "Time the committer spent running groups.", func() float64 { return float64(st.GroupBusy.Load()) / 1e9 })
	s.metrics.NewCounterFunc("tuphap_store_log_syncs_total", "Syncs of SQLite's write-ahead log, each making one or more groups durable.", func() float64 { return float64(st.LogSyncs.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_audit_queued_total", "Audit entries of searches, views and refused logins written to the audit queue (SQLite).", func() float64 { return float64(st.AuditQueued.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_audit_moved_total", "Queued audit entries moved into the audit log.", func() float64 { return float64(st.AuditMoved.Load()) })
	s.metrics.NewCounterFunc("tuphap_store_group_commit_seconds_total", "Part of the committer's time spent committing.", func() float64 { return float64(st.GroupCommitting.Load()) / 1e9 })
	start := time.Now()
	s.metrics.NewGaugeFunc("tuphap_uptime_seconds", "Seconds since the server started.", func() float64 { return time.Since(start).Seconds() })
	s.handler = s.routes()
	return s, nil
}

// now is the store's clock (tests set it).
func (s *Server) now() time.Time { return s.store.Now() }

// Metrics lets other parts (the outbox, later) register their metrics.
func (s *Server) Metrics() *metrics.Registry { return s.metrics }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists the registered route patterns ("GET /api/v1/units").
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }

// anyone marks a route open without login; anyUser one that needs only a login.
const (
	anyone  auth.Action = ""
	anyUser auth.Action = "*"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, need auth.Action, fn handlerFunc) {
		s.patterns = append(s.patterns, pattern)
		mux.Handle(pattern, s.guard(need, fn))
	}

	// Operations.
	h("GET /healthz", anyone, s.healthz)
	h("GET /readyz", anyone, s.readyz)
	h("GET /metrics", anyone, s.metricsText)
	mux.Handle("GET /static/{file...}", s.assets)

	// Pages.
	h("GET /{$}", anyUser, s.home)
	h("GET /login", anyone, s.loginForm)
	h("POST /login", anyone, s.loginSubmit)
	h("GET /login/totp", anyone, s.totpForm)
	h("POST /login/totp", anyone, s.totpSubmit)
	h("POST /logout", anyone, s.logout)
	h("POST /lang", anyone, s.setLang)
	h("GET /account", anyUser, s.accountPage)
	h("POST /account/password", anyUser, s.accountPassword)
	h("POST /account/sessions/revoke", anyUser, s.accountRevokeSessions)
	h("POST /account/tokens/{id}/revoke", anyUser, s.accountRevokeToken)
	h("GET /account/totp", anyUser, s.accountTOTP)
	h("POST /account/totp/off", anyUser, s.accountTOTPOff)
	h("GET /units", auth.ViewUnits, s.unitsPage)
	h("GET /users", auth.ManageUsers, s.usersPage)
	h("POST /users", auth.ManageUsers, s.usersCreate)
	h("GET /users/{username}", auth.ManageUsers, s.userPage)
	h("POST /users/{username}/password", auth.ManageUsers, s.userPassword)
	h("POST /users/{username}/disable", auth.ManageUsers, s.userDisable)
	h("POST /users/{username}/enable", auth.ManageUsers, s.userEnable)
	h("POST /users/{username}/sessions/revoke", auth.ManageUsers, s.userRevokeSessions)
	h("GET /audit", auth.ViewAudit, s.auditPage)
	h("GET /dossiers", auth.ViewRecords, s.dossiersPage)
	h("GET /dossiers/new", auth.WriteRecords, s.newDossierPage)
	h("POST /dossiers", auth.WriteRecords, s.createDossier)
	// A dossier: reception decides (the registers' readers, and a guarded one's own role).
	h("GET /dossiers/{code}", anyUser, s.dossierPage)
	// Moved by their office's officers, or the judicial-record ones by the role judicial: the
	// service decides (reception.mayWrite).
	h("POST /dossiers/{code}/status", auth.ViewRecords, s.moveDossier)
	h("POST /dossiers/{code}/extension", auth.ViewRecords, s.extendDossier)
	h("GET /dossiers/{code}/receipt.pdf", anyUser, s.receiptPDF)
	h("GET /reports/on-time", auth.ViewRecords, s.onTimePage)
	h("GET /reports/on-time.xlsx", auth.ViewRecords, s.onTimeXLSX)
	h("GET /reports/adoptions", auth.ViewRecords, s.adoptionsPage)
	h("GET /grassroots", auth.GrassrootsView, s.grassrootsHome)
	h("GET /grassroots/report", auth.GrassrootsView, s.grassrootsReportPage)
	h("GET /grassroots/report.xlsx", auth.GrassrootsView, s.grassrootsReportXLSX)
	h("GET /grassroots/{commune}", auth.GrassrootsView, s.grassrootsCommunePage)
	h("GET /grassroots/{commune}/access", auth.GrassrootsView, s.accessPage)
	h("POST /grassroots/{commune}/access/{step}", auth.GrassrootsView, s.accessStep)
	h("POST /grassroots/{commune}/{step}", auth.GrassrootsView, s.grassrootsStep)
	h("GET /correspondence", auth.Correspondence, s.correspondencePage)
	h("POST /correspondence/incoming", auth.Correspondence, s.correspondenceCreate)
	h("GET /correspondence/report", auth.RouteCorrespondence, s.correspondenceReportPage)
	h("GET /correspondence/incoming/{id}", auth.Correspondence, s.incomingPage)
	h("POST /correspondence/incoming/{id}/{step}", auth.Correspondence, s.incomingStep)
	h("GET /correspondence/files/{hash}", auth.Correspondence, s.correspondenceFile)
	h("GET /oversight", auth.ViewRecords, s.oversightPage)
	h("GET /oversight/emulation", auth.ViewRecords, s.emulationPage)
	h("GET /oversight/emulation/{commune}", auth.ViewRecords, s.communeScorePage)
	h("POST /oversight/emulation/{commune}/points", auth.ScoreEmulation, s.emulationEnter)
	h("GET /oversight/inspections", auth.ViewRecords, s.inspectionsPage)
	h("POST /oversight/inspections", auth.Inspect, s.inspectionCreate)
	h("GET /oversight/inspections/{id}", auth.ViewRecords, s.inspectionPage)
	h("POST /oversight/inspections/{id}/findings", auth.Inspect, s.findingCreate)
	h("POST /oversight/inspections/{id}/conclude", auth.Inspect, s.inspectionConclude)
	h("POST /oversight/inspections/{id}/close", auth.Inspect, s.inspectionClose)
	h("POST /oversight/findings/{id}/answer", auth.AnswerFindings, s.findingAnswer)
	h("POST /oversight/findings/{id}/settle", auth.Inspect, s.findingSettle)
	h("GET /oversight/statistics", auth.ViewRecords, s.statisticsPage)
	h("POST /oversight/statistics", auth.ReportStatistics, s.statisticsGenerate)
	h("GET /oversight/statistics/{id}", auth.ViewRecords, s.statisticPage)
	h("GET /oversight/statistics/{id}/report.xlsx", auth.ViewRecords, s.statisticsXLSX)
	h("POST /oversight/statistics/{id}/lock", auth.LockStatistics, s.statisticsLock)
	h("GET /oversight/programme", auth.ReportProgramme, s.programmePage)
	h("POST /oversight/programme", auth.PlanProgramme, s.programmeCreate)
	h("GET /oversight/programme/{id}", auth.ReportProgramme, s.taskPage)
	h("POST /oversight/programme/{id}/progress", auth.ReportProgramme, s.taskProgress)
	h("GET /correspondence/outgoing", auth.Correspondence, s.outgoingPage)
	h("POST /correspondence/outgoing", auth.Correspondence, s.outgoingCreate)
	h("GET /correspondence/outgoing/{id}", auth.Correspondence, s.outgoingDocPage)
	h("POST /correspondence/outgoing/{id}/{step}", auth.Correspondence, s.outgoingStep)
	h("GET /correspondence/received", auth.ReceiveLetters, s.receivedPage)
	h("GET /correspondence/received/{id}/file.pdf", auth.ReceiveLetters, s.receivedFile)
	h("GET /legal-aid", auth.LegalAidCases, s.legalAidPage)
	// The centre's staff, and the leaders for their dashboard: the service decides.
	h("GET /legal-aid/report", auth.ViewUnits, s.legalAidReportPage)
	h("GET /legal-aid/report.xlsx", auth.ViewUnits, s.legalAidReportXLSX)
	h("GET /legal-aid/new", auth.LegalAidCases, s.legalAidForm)
	h("GET /legal-aid/outreach", auth.LegalAidCases, s.legalAidOutreachPage)
	h("POST /legal-aid/outreach", auth.LegalAidCases, s.legalAidOutreachCreate)
	h("POST /legal-aid", auth.LegalAidCases, s.legalAidCreate)
	h("GET /legal-aid/{id}", auth.LegalAidCases, s.legalAidCasePage)
	h("POST /legal-aid/{id}/{step}", auth.LegalAidCases, s.legalAidStep)
	h("GET /judicial", auth.JudicialRecords, s.judicialPage)
	h("GET /judicial/report", auth.JudicialRecords, s.judicialReportPage)
	h("GET /judicial/persons/{id}", auth.JudicialRecords, s.judicialPersonPage)
	h("GET /judicial/judgments/new", auth.JudicialRecords, s.judicialJudgmentForm)
	h("POST /judicial/judgments", auth.JudicialRecords, s.judicialJudgmentCreate)
	h("POST /judicial/judgments/{id}/events", auth.JudicialRecords, s.judicialEventCreate)
	h("GET /judicial/report.xlsx", auth.JudicialRecords, s.judicialReportXLSX)
	h("GET /judicial/requests/new", auth.JudicialRecords, s.judicialRequestForm)
	h("POST /judicial/requests", auth.JudicialRecords, s.judicialRequestCreate)
	h("GET /judicial/requests/{id}", auth.JudicialRecords, s.judicialRequestPage)
	h("POST /judicial/requests/{id}/certificate", auth.JudicialRecords, s.judicialIssuePage)
	h("POST /judicial/requests/{id}/verify", auth.JudicialRecords, s.judicialVerifyPage)
	h("POST /judicial/requests/{id}/refuse", auth.JudicialRecords, s.judicialRefusePage)
	h("POST /judicial/requests/{id}/person", auth.JudicialRecords, s.judicialChoosePage)
	h("GET /reports/adoptions.xlsx", auth.ViewRecords, s.adoptionsXLSX)
	h("GET /calendar", anyUser, s.calendarPage)
	h("GET /calendar/{year}", anyUser, s.calendarPage)
	h("POST /calendar/{year}", auth.ManageSettings, s.saveCalendar)
	h("GET /track", anyone, s.limited(s.trackPage)) // the form submits its code here
	h("GET /track/{code}", anyone, s.limited(s.trackPage))
	h("GET /documents", auth.ViewRecords, s.documentsPage)
	h("GET /documents/{id}", auth.ViewRecords, s.documentPage)
	h("GET /documents/{id}/file.pdf", auth.ViewRecords, s.documentFile)
	h("POST /documents/{id}/sign", auth.SignDocuments, s.signDocument)
	h("POST /documents/{id}/revoke", auth.SignDocuments, s.revokeDocument)
	h("POST /documents/{id}/cancel", auth.ViewRecords, s.cancelDocument)
	h("POST /documents/sign", auth.SignDocuments, s.signDocuments)
	h("GET /verify", anyone, s.verifyPage)
	h("POST /verify", anyone, s.limited(s.verifyUploadPage))
	h("GET /verify/{code}", anyone, s.limited(s.verifyPage))
	h("GET /outbox", auth.ViewOutbox, s.outboxPage)
	h("POST /outbox/{id}/retry", auth.WriteRecords, s.retryPage)
	h("POST /outbox/retry", auth.WriteRecords, s.retryAllPage)
	h("GET /imports", auth.ManageSettings, s.importsPage)
	h("POST /imports", auth.ManageSettings, s.startImport)
	h("POST /imports/preview", auth.ManageSettings, s.previewImport)
	h("GET /imports/{id}", auth.ManageSettings, s.importProgress)
	h("GET /imports/{id}/report.csv", auth.ManageSettings, s.importReport)
	h("GET /keys", auth.ManageSettings, s.keysPage)
	h("POST /keys", auth.ManageSettings, s.addKey)
	h("GET /records", auth.ViewRecords, s.recordsPage)
	h("GET /export/records", auth.ViewRecords, s.exportRecords) // ?format=csv|xlsx and the list's filters
	h("GET /export/dossiers", auth.ViewRecords, s.exportDossiers)
	h("GET /export/documents", auth.ViewRecords, s.exportDocuments)
	h("GET /export/audit", auth.ViewAudit, s.exportAudit)
	h("GET /export/imports", auth.ManageSettings, s.exportImports)
	h("GET /export/outbox", auth.ViewOutbox, s.exportOutbox)
	h("GET /registers", auth.ViewRecords, s.registersPage)
	h("GET /registers/{office}/{kind}/{year}/{book}", auth.ViewRecords, s.registerBook)
	h("GET /records/new/birth", auth.WriteRecords, s.newBirthPage)
	h("GET /records/new/death", auth.WriteRecords, s.newDeathPage)
	h("GET /records/new/marriage", auth.WriteRecords, s.newMarriagePage)
	h("GET /records/new/marital_status", auth.WriteRecords, s.newMaritalStatusPage)
	h("GET /records/new/recognition", auth.WriteRecords, s.newRecognitionPage)
	h("GET /records/new/adoption", auth.WriteRecords, s.newAdoptionPage)
	h("GET /records/new/guardianship", auth.WriteRecords, s.newGuardianshipPage)
	h("POST /records/births", auth.WriteRecords, s.createBirth)
	h("POST /records/deaths", auth.WriteRecords, s.createDeath)
	h("POST /records/marriages", auth.WriteRecords, createFromForm(s, recordForm{Kind: civil.MarriageKind, Action: "/records/marriages",
		Sections: marriageForm}, s.registry.RegisterMarriage))
	h("POST /records/marital-status", auth.WriteRecords, createFromForm(s, recordForm{Kind: civil.MaritalStatusKind, Action: "/records/marital-status",
		Sections: maritalStatusForm}, s.registry.RegisterMaritalStatus))
	h("POST /records/recognitions", auth.WriteRecords, createFromForm(s, recordForm{Kind: civil.RecognitionKind, Action: "/records/recognitions",
		Sections: recognitionForm}, s.registry.RegisterRecognition))
	h("POST /records/adoptions", auth.WriteRecords, createFromForm(s, recordForm{Kind: civil.AdoptionKind, Action: "/records/adoptions",
		Sections: adoptionForm}, s.registry.RegisterAdoption))
	h("POST /records/guardianships", auth.WriteRecords, createFromForm(s, recordForm{Kind: civil.GuardianshipKind, Action: "/records/guardianships",
		Sections: guardianshipForm}, s.registry.RegisterGuardianship))
	h("GET /records/{id}", auth.ViewRecords, s.recordPage)
	h("GET /records/{id}/extract.pdf", auth.ViewRecords, s.previewPDF)
	h("POST /records/{id}/extracts", auth.ViewRecords, s.issueExtractPage)
	h("GET /records/{id}/amend", auth.WriteRecords, s.amendPage)
	for _, n := range []note{divorceNote, guardianshipEndNote} {
		h("GET /records/{id}/"+n.Path, auth.WriteRecords, s.notePage(n))
		h("POST /records/{id}/"+n.Path, auth.WriteRecords, s.recordNote(n))
	}
	h("POST /records/{id}/amend", auth.WriteRecords, s.amendSubmit)

	// API.
	h("GET /api/v1/openapi.json", anyone, s.openapi)
	h("GET /api/v1/me", anyUser, s.apiMe)
	h("GET /api/v1/units", auth.ViewUnits, s.apiUnits)
	h("GET /api/v1/units/{code}/successors", auth.ViewUnits, s.apiUnitSuccessors)
	h("GET /api/v1/offices", anyUser, s.apiOffices)
	h("GET /api/v1/users", auth.ManageUsers, s.apiUsers)
	h("POST /api/v1/users", auth.ManageUsers, s.apiCreateUser)
	h("GET /api/v1/audit", auth.ViewAudit, s.apiAudit)
	h("GET /api/v1/procedures", anyone, s.apiProcedures)
	h("GET /api/v1/calendar/lunar", anyone, s.apiLunar)
	h("GET /api/v1/calendar/due", anyone, s.apiDue)
	h("GET /api/v1/calendar/holidays", anyone, s.apiHolidays)
	h("POST /api/v1/dossiers", auth.WriteRecords, s.apiOpenDossier)
	h("GET /api/v1/dossiers", auth.ViewRecords, s.apiDossiers)
	h("GET /api/v1/dossiers/{code}", anyUser, s.apiDossier)
	h("POST /api/v1/dossiers/{code}/status", auth.ViewRecords, s.apiMoveDossier)
	h("POST /api/v1/dossiers/{code}/extension", auth.ViewRecords, s.apiExtendDossier)
	h("GET /api/v1/dossiers/{code}/receipt.pdf", anyUser, s.receiptPDF)
	h("GET /api/v1/track/{code}", anyone, s.limited(s.apiTrack))
	h("GET /api/v1/reports/on-time", auth.ViewRecords, s.apiOnTime)
	h("GET /api/v1/reports/adoptions", auth.ViewRecords, s.apiAdoptions)
	h("POST /api/v1/judgments", auth.JudicialRecords, s.apiReceiveJudgment)
	h("POST /api/v1/judgments/{id}/events", auth.JudicialRecords, s.apiJudgmentEvent)
	h("GET /api/v1/judicial/persons/{id}/status", auth.JudicialRecords, s.apiJudicialStatus)
	h("POST /api/v1/judicial/requests", auth.JudicialRecords, s.apiJudicialRequest)
	h("GET /api/v1/judicial/requests/{id}", auth.JudicialRecords, s.apiJudicialRequestGet)
	h("POST /api/v1/judicial/requests/{id}/certificate", auth.JudicialRecords, s.apiJudicialCertificate)
	h("POST /api/v1/judicial/requests/{id}/verifications", auth.JudicialRecords, s.apiJudicialVerify)
	h("GET /api/v1/judicial/report", auth.JudicialRecords, s.apiJudicialReport)
	h("POST /api/v1/legal-aid/requests", auth.LegalAidCases, s.apiLegalAidRequest)
	h("GET /api/v1/legal-aid/requests/{id}", auth.LegalAidCases, s.apiLegalAidGet)
	h("POST /api/v1/legal-aid/requests/{id}/decision", auth.LegalAidCases, s.apiLegalAidDecide)
	h("POST /api/v1/legal-aid/requests/{id}/assignment", auth.LegalAidCases, s.apiLegalAidAssign)
	h("POST /api/v1/legal-aid/requests/{id}/assignment/refusal", auth.LegalAidCases, s.apiLegalAidDecline)
	h("POST /api/v1/legal-aid/requests/{id}/closure", auth.LegalAidCases, s.apiLegalAidClose)
	h("POST /api/v1/legal-aid/requests/{id}/events", auth.LegalAidCases, s.apiLegalAidEvent)
	h("POST /api/v1/legal-aid/requests/{id}/status", auth.LegalAidCases, s.apiLegalAidMove)
	h("POST /api/v1/legal-aid/requests/{id}/assessment", auth.LegalAidCases, s.apiLegalAidAssess)
	h("POST /api/v1/legal-aid/outreach", auth.LegalAidCases, s.apiLegalAidSession)
	h("GET /api/v1/legal-aid/outreach", auth.LegalAidCases, s.apiLegalAidSessions)
	h("GET /api/v1/legal-aid/report", auth.ViewUnits, s.apiLegalAidReport)
	h("POST /api/v1/grassroots/dissemination", auth.GrassrootsEnter, s.apiGrassrootsEvent)
	h("GET /api/v1/grassroots/dissemination", auth.GrassrootsView, s.apiGrassrootsEvents)
	h("POST /api/v1/grassroots/dissemination/plans", auth.GrassrootsEnter, s.apiGrassrootsPlan)
	h("POST /api/v1/grassroots/mediation/teams", auth.GrassrootsEnter, s.apiGrassrootsTeam)
	h("GET /api/v1/grassroots/mediation/teams", auth.GrassrootsView, s.apiGrassrootsTeams)
	h("POST /api/v1/grassroots/mediation/cases", auth.GrassrootsEnter, s.apiGrassrootsCase)
	h("GET /api/v1/grassroots/mediation/cases", auth.GrassrootsView, s.apiGrassrootsCases)
	h("POST /api/v1/grassroots/mediation/cases/{id}/result", auth.GrassrootsEnter, s.apiGrassrootsCaseResult)
	h("GET /api/v1/grassroots/reviews/{commune}/{year}", auth.GrassrootsView, s.apiGrassrootsReview)
	h("POST /api/v1/grassroots/reviews/{commune}/{year}/submission", auth.GrassrootsEnter, s.apiGrassrootsSubmit)
	h("POST /api/v1/grassroots/reviews/{commune}/{year}/decision", auth.GrassrootsReview, s.apiGrassrootsDecide)
	h("GET /api/v1/grassroots/report", auth.GrassrootsView, s.apiGrassrootsReport)
	h("GET /api/v1/grassroots/access-standard", auth.GrassrootsView, s.apiAccessStandard)
	h("PUT /api/v1/grassroots/enforcement", auth.GrassrootsEnter, s.apiEnforcementSave)
	h("POST /api/v1/correspondence/incoming", auth.Correspondence, s.apiIncomingCreate)
	h("GET /api/v1/correspondence/incoming", auth.Correspondence, s.apiIncomingList)
	h("GET /api/v1/correspondence/incoming/{id}", auth.Correspondence, s.apiIncomingGet)
	h("POST /api/v1/correspondence/incoming/{id}/routing", auth.RouteCorrespondence, s.apiIncomingRoute)
	h("POST /api/v1/correspondence/incoming/{id}/completion", auth.Correspondence, s.apiIncomingComplete)
	h("GET /api/v1/correspondence/files/{hash}", auth.Correspondence, s.correspondenceFile)
	h("GET /api/v1/correspondence/registers", auth.Correspondence, s.apiRegisters)
	h("GET /api/v1/oversight/dashboard", auth.ViewRecords, s.apiDashboard)
	h("GET /api/v1/oversight/emulation", auth.ViewRecords, s.apiEmulation)
	h("POST /api/v1/oversight/emulation/{commune}/points", auth.ScoreEmulation, s.apiEmulationEnter)
	h("GET /api/v1/oversight/inspections", auth.ViewRecords, s.apiInspections)
	h("POST /api/v1/oversight/inspections", auth.Inspect, s.apiInspectionCreate)
	h("GET /api/v1/oversight/inspections/{id}", auth.ViewRecords, s.apiInspection)
	h("POST /api/v1/oversight/inspections/{id}/findings", auth.Inspect, s.apiFindingCreate)
	h("POST /api/v1/oversight/inspections/{id}/conclude", auth.Inspect, s.apiInspectionConclude)
	h("POST /api/v1/oversight/inspections/{id}/close", auth.Inspect, s.apiInspectionClose)
	h("POST /api/v1/oversight/findings/{id}/answer", auth.AnswerFindings, s.apiFindingAnswer)
	h("POST /api/v1/oversight/findings/{id}/settle", auth.Inspect, s.apiFindingSettle)
	h("GET /api/v1/oversight/statistics", auth.ViewRecords, s.apiStatistics)
	h("POST /api/v1/oversight/statistics", auth.ReportStatistics, s.apiStatisticsGenerate)
	h("GET /api/v1/oversight/statistics/{id}", auth.ViewRecords, s.apiStatistic)
	h("POST /api/v1/oversight/statistics/{id}/lock", auth.LockStatistics, s.apiStatisticsLock)
	h("GET /api/v1/oversight/programme", auth.ReportProgramme, s.apiProgramme)
	h("POST /api/v1/oversight/programme", auth.PlanProgramme, s.apiTaskCreate)
	h("GET /api/v1/oversight/programme/{id}", auth.ReportProgramme, s.apiTask)
	h("POST /api/v1/oversight/programme/{id}/progress", auth.ReportProgramme, s.apiTaskProgress)
	h("POST /api/v1/correspondence/outgoing", auth.Correspondence, s.apiOutgoingCreate)
	h("GET /api/v1/correspondence/outgoing", auth.Correspondence, s.apiOutgoingList)
	h("GET /api/v1/correspondence/outgoing/{id}", auth.Correspondence, s.apiOutgoingGet)
	h("PUT /api/v1/correspondence/outgoing/{id}", auth.Correspondence, s.apiOutgoingRevise)
	h("POST /api/v1/correspondence/outgoing/{id}/{step}", auth.Correspondence, s.apiOutgoingStep)
	h("GET /api/v1/correspondence/received", auth.ReceiveLetters, s.apiReceived)
	h("GET /api/v1/correspondence/received/{id}/file.pdf", auth.ReceiveLetters, s.receivedFile)
	h("GET /api/v1/correspondence/report", auth.RouteCorrespondence, s.apiCorrespondenceReport)
	h("GET /api/v1/grassroots/enforcement", auth.GrassrootsView, s.apiEnforcementList)
	h("GET /api/v1/grassroots/access", auth.GrassrootsView, s.apiAccessList)
	h("GET /api/v1/grassroots/access/{commune}/{year}", auth.GrassrootsView, s.apiAccessGet)
	h("PUT /api/v1/grassroots/access/{commune}/{year}", auth.GrassrootsEnter, s.apiAccessSave)
	h("POST /api/v1/grassroots/access/{commune}/{year}/submission", auth.GrassrootsEnter, s.apiAccessSubmit)
	h("POST /api/v1/grassroots/access/{commune}/{year}/decision", auth.GrassrootsReview, s.apiAccessDecide)
	h("POST /api/v1/judicial/requests/{id}/refusal", auth.JudicialRecords, s.apiJudicialRefuse)
	h("POST /api/v1/judicial/requests/{id}/person", auth.JudicialRecords, s.apiJudicialChoose)
	h("GET /api/v1/judicial/candidates", auth.JudicialRecords, s.apiJudicialCandidates)
	h("GET /api/v1/judicial/persons/{id}", auth.JudicialRecords, s.apiJudicialPerson)
	h("POST /api/v1/births", auth.WriteRecords, apiRegister(s.registry.RegisterBirth))
	h("POST /api/v1/deaths", auth.WriteRecords, apiRegister(s.registry.RegisterDeath))
	h("POST /api/v1/marriages", auth.WriteRecords, apiRegister(s.registry.RegisterMarriage))
	h("POST /api/v1/marital-status-certificates", auth.WriteRecords, apiRegister(s.registry.RegisterMaritalStatus))
	h("POST /api/v1/recognitions", auth.WriteRecords, apiRegister(s.registry.RegisterRecognition))
	h("POST /api/v1/adoptions", auth.WriteRecords, apiRegister(s.registry.RegisterAdoption))
	h("POST /api/v1/guardianships", auth.WriteRecords, apiRegister(s.registry.RegisterGuardianship))
	h("GET /api/v1/records", auth.ViewRecords, s.apiRecords)
	h("GET /api/v1/records/{id}", auth.ViewRecords, s.apiRecord)
	h("POST /api/v1/records/{id}/amendments", auth.WriteRecords, s.apiAmend)
	h("POST /api/v1/records/{id}/divorce", auth.WriteRecords, apiNote(s.registry.RecordDivorce))
	h("POST /api/v1/records/{id}/guardianship-end", auth.WriteRecords, apiNote(s.registry.EndGuardianship))
	h("GET /api/v1/records/{id}/extract.pdf", auth.ViewRecords, s.previewPDF)
	h("POST /api/v1/records/{id}/extracts", auth.ViewRecords, s.apiIssueExtract)
	h("POST /api/v1/records/{id}/certificate", auth.WriteRecords, s.apiIssueCertificate)
	h("GET /api/v1/documents", auth.ViewRecords, s.apiDocuments)
	h("GET /api/v1/documents/{id}", auth.ViewRecords, s.apiDocument)
	h("GET /api/v1/documents/{id}/file.pdf", auth.ViewRecords, s.documentFile)
	h("POST /api/v1/documents/{id}/sign", auth.SignDocuments, s.apiSignDocument)
	h("POST /api/v1/documents/{id}/revoke", auth.SignDocuments, s.apiRevokeDocument)
	h("POST /api/v1/documents/{id}/cancel", auth.ViewRecords, s.apiCancelDocument)
	h("POST /api/v1/documents/sign", auth.SignDocuments, s.apiSignDocuments)
	h("POST /api/v1/verify", anyone, s.limited(s.apiVerifyUpload))
	h("GET /api/v1/verify/{code}", anyone, s.limited(s.apiVerifyCode))
	h("GET /api/v1/reports/signed", auth.ViewRecords, s.apiSignedShare)
	h("GET /api/v1/outbox", auth.ViewOutbox, s.apiOutbox)
	h("POST /api/v1/outbox/{id}/retry", auth.WriteRecords, s.apiRetryMessage)
	h("POST /api/v1/outbox/retry", auth.WriteRecords, s.apiRetryAll)

	// Unmatched requests get our own 404 or 405 (JSON under /api/, a page elsewhere) instead of the
	// mux's plain text; guard still runs, so a logged-in user sees the page with navigation.
	unmatched := s.guard(anyone, func(w http.ResponseWriter, r *http.Request) error {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" {
				return fault.New(fault.MethodNotAllowed, "error.method")
			}
		}
		return notFoundErr
	})
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, p := mux.Handler(r); p == "" {
			unmatched.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, crossOriginErr)
	}))
	return s.withClientAddr(s.observe(s.secureHeaders(s.limitBody(csrf.Handler(root)))))
}
