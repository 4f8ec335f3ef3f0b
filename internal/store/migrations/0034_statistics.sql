-- The sector's statistical reports (internal/oversight): a form of the templates, generated for
-- a period and a unit (the province or a commune), its figures kept as generated; reviewed and
-- locked by a leader, after which they never change and later corrections show as differences.
CREATE TABLE statistical_reports (
    id TEXT PRIMARY KEY,
    form TEXT NOT NULL,
    period TEXT NOT NULL,
    year INTEGER NOT NULL,
    unit TEXT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    templates TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'locked')),
    data TEXT NOT NULL,
    generated_by TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    locked_by TEXT NOT NULL,
    locked_at TEXT,
    note TEXT NOT NULL,
    UNIQUE (form, period, year, unit)
);
CREATE INDEX statistical_reports_year ON statistical_reports (year, unit);
