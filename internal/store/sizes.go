package store

import (
	"context"
	"fmt"
)

// ObjectSize is the room a table or an index takes in the database.
type ObjectSize struct {
	Name  string
	Table string // the table an index belongs to; a table's own name
	Index bool
	Bytes int64
}

// Sizes lists the tables and indexes with the bytes each takes, largest first: on SQLite the
// pages of each b-tree (dbstat; it reads them all, seconds on a large file), on PostgreSQL the
// relation sizes (a table with its TOAST, without its indexes). The benchmark divides them by
// the entries to say what each index costs (docs/performance.md).
func (s *Store) Sizes(ctx context.Context) ([]ObjectSize, error) {
	q := `SELECT d.name, COALESCE(m.tbl_name, d.name), COALESCE(m.type, 'table') = 'index', SUM(d.pgsize)
		FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name ORDER BY 4 DESC`
	if s.dialect.name() == "postgres" {
		q = `SELECT c.relname, COALESCE(t.relname, c.relname), c.relkind = 'i',
			CASE WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 4 DESC`
	}
	out, err := collect(ctx, s, func(r interface{ Scan(...any) error }) (ObjectSize, error) {
		var o ObjectSize
		err := r.Scan(&o.Name, &o.Table, &o.Index, &o.Bytes)
		return o, err
	}, "sizes", q)
	if err != nil {
		return nil, fmt.Errorf("store: sizes: %w", err)
	}
	return out, nil
}
