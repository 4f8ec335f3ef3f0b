-- The State Legal Aid Centre's requests and cases (Law on Legal Aid 2017). Only the role
-- legal_aid reads or writes them (internal/legalaid); data holds each whole, the columns what
-- is looked up and reported.
CREATE TABLE legal_aid_requests (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    applicant_folded FOLDED NOT NULL,
    date_of_birth TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    commune TEXT NOT NULL,
    field TEXT NOT NULL,
    form TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    data TEXT NOT NULL,
    decision TEXT NOT NULL,
    decision_note TEXT NOT NULL,
    decided_at TEXT,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL
);
CREATE UNIQUE INDEX legal_aid_requests_dossier ON legal_aid_requests (dossier_id);
CREATE INDEX legal_aid_requests_received ON legal_aid_requests (received_at);
CREATE INDEX legal_aid_requests_person ON legal_aid_requests (applicant_folded, date_of_birth);

-- A case: an accepted request, its assignee, its end. The other party is kept folded for the
-- conflict-of-interest check.
CREATE TABLE legal_aid_cases (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    assignee_kind TEXT NOT NULL,
    assignee_name TEXT NOT NULL,
    assisted_folded FOLDED NOT NULL,
    assisted_dob TEXT NOT NULL,
    other_folded FOLDED NOT NULL,
    other_dob TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX legal_aid_cases_assisted ON legal_aid_cases (assisted_folded, assisted_dob);
CREATE INDEX legal_aid_cases_opened ON legal_aid_cases (opened_at);

-- Every assignment of a case, replaced and declined ones too: who ever assisted a person is barred from a
-- case against them (a conflict of interest), even after the case was given to another.
CREATE TABLE legal_aid_assignments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    assignee_kind TEXT NOT NULL,
    assignee_name TEXT NOT NULL,
    assignee_folded FOLDED NOT NULL,
    assisted_folded FOLDED NOT NULL,
    assisted_dob TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    -- Its end while the case went on: replaced, or declined by the assignee (with the reason).
    ended_at TEXT,
    end_reason TEXT NOT NULL
);
CREATE INDEX legal_aid_assignments_assisted ON legal_aid_assignments (assisted_folded, assisted_dob);
CREATE INDEX legal_aid_assignments_case ON legal_aid_assignments (case_id);

-- A case's timeline: hearings, meetings, documents, each with its day and, where something is
-- due, its deadline on the working-day calendar; done when done.
CREATE TABLE legal_aid_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    deadline TEXT NOT NULL,
    note TEXT NOT NULL,
    done_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX legal_aid_events_case ON legal_aid_events (case_id);
CREATE INDEX legal_aid_events_deadline ON legal_aid_events (deadline);

-- The quality assessment of a closed case (peer review or the assisted person's feedback).
CREATE TABLE legal_aid_assessments (
    case_id TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    data TEXT NOT NULL,
    result TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    assessed_by TEXT NOT NULL
);

-- Outreach sessions in the communes.
CREATE TABLE legal_aid_outreach (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    commune TEXT NOT NULL,
    place TEXT NOT NULL,
    topic TEXT NOT NULL,
    attendees INTEGER NOT NULL,
    questions INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX legal_aid_outreach_day ON legal_aid_outreach (day);
