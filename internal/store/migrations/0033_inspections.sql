-- Inspections of commune civil-status work (internal/oversight): the plan (commune, days, the
-- period inspected, the team), the findings against the checklist, each linked to a register
-- entry or a dossier where it concerns one, with the remedy the commune owes by a day, its
-- answer and the team's acceptance; the conclusion and the closure.
CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    commune TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    lead TEXT NOT NULL,
    team TEXT NOT NULL,
    checklist TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'concluded', 'closed')),
    conclusion TEXT NOT NULL,
    concluded_on TEXT NOT NULL,
    closed_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inspections_year ON inspections (year, starts_on);
CREATE INDEX inspections_commune ON inspections (commune, year);

CREATE TABLE inspection_findings (
    id TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    seq INTEGER NOT NULL,
    item TEXT NOT NULL,
    item_text TEXT NOT NULL,
    basis TEXT NOT NULL,
    record_id TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    note TEXT NOT NULL,
    remedy TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'accepted')),
    answer TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    review_note TEXT NOT NULL,
    settled_by TEXT NOT NULL,
    settled_on TEXT NOT NULL,
    found_by TEXT NOT NULL,
    found_on TEXT NOT NULL,
    UNIQUE (inspection_id, seq)
);
