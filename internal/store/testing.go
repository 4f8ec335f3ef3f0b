package store

import "context"

// ExecForTest runs raw SQL on the writer. Only tests call it, to tamper with stored rows on
// purpose (e.g. proving that audit verify notices an edited entry).
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.w.ExecContext(ctx, query, args...)
	return err
}
