-- Official yearly calendars (overriding the computed default) and administrative dossiers.

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years (year),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE dossiers (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    procedure_code TEXT NOT NULL,
    office TEXT NOT NULL REFERENCES offices (code),
    applicant TEXT NOT NULL,
    phone TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    paused_at TEXT,
    settled_at TEXT,
    closed_at TEXT,
    extended_days INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    note TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX dossiers_office_due ON dossiers (office, status, due_at);
CREATE INDEX dossiers_due ON dossiers (status, due_at);
CREATE INDEX dossiers_settled ON dossiers (settled_at);
CREATE INDEX dossiers_office_settled ON dossiers (office, settled_at);
CREATE INDEX dossiers_record ON dossiers (record_id);

CREATE TABLE dossier_events (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    seq INTEGER NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_at TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);
