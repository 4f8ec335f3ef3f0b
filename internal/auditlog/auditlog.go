// Package auditlog is the reading of the audit log: who may read it, and that every reading is
// itself recorded, since auditors are accountable too. The chain is written by the store engine
// inside each change's transaction (store.Tx.Audit) and checked by `tuphap audit verify`.
package auditlog

import (
	"context"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/store"
)

// Service reads the audit log.
type Service struct{ st *store.Store }

// New returns the service of st.
func New(st *store.Store) *Service { return &Service{st: st} }

// Filter narrows a reading.
type Filter = store.AuditFilter

// Entries lists the entries that match f, newest first, for those who may read the log, and
// records the reading (query is what was asked, as the request said it).
func (s *Service) Entries(ctx context.Context, p auth.Principal, by audit.Actor, f Filter, query string) ([]audit.Entry, error) {
	if err := p.Allow(auth.ViewAudit, ""); err != nil {
		return nil, err
	}
	f.Limit = min(f.Limit, PageLimit)
	entries, err := s.st.AuditEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	return entries, s.st.Audit(ctx, by.Entry("audit.view", "audit", query))
}

// PageLimit is the most entries a page of the log shows.
const PageLimit = 500

// Export reads up to store.MaxAuditPage entries that match f for a spreadsheet, and records
// the export as a reading.
func (s *Service) Export(ctx context.Context, p auth.Principal, by audit.Actor, f Filter, query string) ([]audit.Entry, error) {
	if err := p.Allow(auth.ViewAudit, ""); err != nil {
		return nil, err
	}
	f.Limit = store.MaxAuditPage
	entries, err := s.st.AuditEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	return entries, s.st.Audit(ctx, by.Entry("audit.export", "audit", query))
}
