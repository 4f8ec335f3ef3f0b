// Package app wires tuphap's domain services over one store: the assembly that `tuphap serve`,
// the benchmark's in-process server and the web tests share, so that each builds the same
// services in the same way (docs/architecture.md).
package app

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/auditlog"
	"tuphap/internal/correspondence"
	"tuphap/internal/document"
	"tuphap/internal/grassroots"
	"tuphap/internal/issuing"
	"tuphap/internal/judicial"
	"tuphap/internal/legacy"
	"tuphap/internal/legalaid"
	"tuphap/internal/outbox"
	"tuphap/internal/oversight"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Options are the deployment's choices that the services need.
type Options struct {
	// MasterKey (32 bytes) seals the offices' signing keys at rest.
	MasterKey []byte
	// PublicURL is the address citizens reach, printed on paper and in QR codes; without it
	// nothing that prints an address can be issued.
	PublicURL string
	// SelfSignOffices are the offices whose signers may sign documents they issued themselves.
	SelfSignOffices []string
	// JudicialAuthority issues the judicial-record certificates (the department of justice
	// when zero; the provincial police since 1 July 2026, where the province has moved it).
	JudicialAuthority document.Authority
	// BackdateWindow is how far back a dossier's received time may lie without a reason
	// (reception.DefaultBackdateWindow when zero).
	BackdateWindow time.Duration
	// Files keeps the correspondence's attachments (a temporary folder when nil: tests).
	Files correspondence.Files
	// TrustedRoots are the roots incoming signatures are checked against (none: not checked).
	TrustedRoots []*x509.Certificate
}

// Services are the province's services over one store, wired to one another.
type Services struct {
	Store          *store.Store
	Units          *units.Registry
	Accounts       *account.Service
	Registration   *registration.Service
	Reception      *reception.Service
	Issuing        *issuing.Service
	Outbox         *outbox.Queue
	Auditlog       *auditlog.Service
	Imports        *legacy.Journal
	Judicial       *judicial.Service
	LegalAid       *legalaid.Service
	Grassroots     *grassroots.Service
	Correspondence *correspondence.Service
	Oversight      *oversight.Service
	Programme      *oversight.Programme
	Emulation      *oversight.Emulation
	Inspections    *oversight.Inspections
	Statistics     *oversight.Statistics
}

// New builds the services. The store's offices must have been synchronised with the units
// (account.SyncOffices) before: the self-signing offices are checked against them.
func New(ctx context.Context, st *store.Store, reg *units.Registry, opt Options) (*Services, error) {
	if len(opt.MasterKey) != 32 {
		return nil, errors.New("app: the master key must be 32 bytes")
	}
	s := &Services{Store: st, Units: reg, Accounts: account.New(st), Registration: registration.New(st),
		Outbox: outbox.NewQueue(st), Auditlog: auditlog.New(st), Imports: legacy.NewJournal(st), Judicial: judicial.New(st),
		LegalAid: legalaid.New(st)}
	s.LegalAid.Units = reg
	s.Grassroots = grassroots.New(st, reg)
	if err := s.Registration.FillParties(ctx); err != nil {
		return nil, err
	}
	var err error
	if s.Reception, err = reception.New(ctx, st); err != nil {
		return nil, err
	}
	s.Reception.BackdateWindow = opt.BackdateWindow
	// A registration's due dates follow the official calendar that reception keeps.
	s.Registration.Calendar = s.Reception.Calendar
	s.Judicial.Calendar, s.LegalAid.Calendar = s.Reception.Calendar, s.Reception.Calendar
	files := opt.Files
	if files == nil {
		dir, err := os.MkdirTemp("", "tuphap-files-")
		if err != nil {
			return nil, err
		}
		files = correspondence.Disk{Dir: dir}
	}
	s.Correspondence = correspondence.New(st, files)
	s.Correspondence.Calendar, s.Correspondence.User, s.Correspondence.Office = s.Reception.Calendar, s.Accounts.User, s.Accounts.Office
	if len(opt.TrustedRoots) > 0 {
		s.Correspondence.Roots = x509.NewCertPool()
		for _, c := range opt.TrustedRoots {
			s.Correspondence.Roots.AddCert(c)
		}
	}
	s.Issuing = issuing.New(st, s.Registration, reg, opt.MasterKey, opt.PublicURL)
	s.Issuing.SelfSign = map[string]bool{}
	// The judicial-record certificates are issuing's documents, laid out by their domain.
	s.Judicial.IssueWith(s.Issuing)
	// So are the department's outgoing letters, published when signed.
	s.Correspondence.IssueWith(s.Issuing)
	s.Judicial.Register = s.Registration
	if opt.JudicialAuthority.Name != "" {
		s.Judicial.Authority = opt.JudicialAuthority
	}
	s.Programme = &oversight.Programme{St: st, User: s.Accounts.User}
	s.Inspections = &oversight.Inspections{St: st, Units: reg, Registration: s.Registration, Reception: s.Reception, User: s.Accounts.User,
		Checklist: oversight.DefaultChecklist}
	s.Oversight = &oversight.Service{Registration: s.Registration, Reception: s.Reception, Issuing: s.Issuing, Grassroots: s.Grassroots,
		Judicial: s.Judicial, LegalAid: s.LegalAid, Correspondence: s.Correspondence, Inspections: s.Inspections, Units: reg, Now: st.Now}
	s.Emulation = &oversight.Emulation{St: st, Dashboard: s.Oversight, Sets: []oversight.Criteria{oversight.DefaultCriteria}}
	s.Statistics = &oversight.Statistics{St: st, Dashboard: s.Oversight, Templates: oversight.DefaultTemplates}
	if len(opt.SelfSignOffices) > 0 {
		offices, err := s.Accounts.Offices(ctx)
		if err != nil {
			return nil, err
		}
		known := map[string]bool{}
		for _, o := range offices {
			known[o.Code] = true
		}
		for _, code := range opt.SelfSignOffices {
			if !known[code] {
				return nil, fmt.Errorf("app: self-signing office %q is not an office of the province", code)
			}
			s.Issuing.SelfSign[code] = true
		}
	}
	return s, nil
}
