-- The judicial-record database (Law on Judicial Records 2009): the persons convicted, the
-- judgments the courts send, and what prisons, courts and enforcement agencies report of them.
-- Only the role judicial reads or writes it (internal/judicial).
CREATE TABLE judicial_persons (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    name_folded FOLDED NOT NULL,
    sex TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    place_of_birth TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX judicial_persons_pid ON judicial_persons (personal_id) WHERE personal_id <> '';
CREATE INDEX judicial_persons_name ON judicial_persons (name_folded, date_of_birth);
-- Candidates are looked for by day of birth (within days) as well as by name.
CREATE INDEX judicial_persons_dob ON judicial_persons (date_of_birth);

-- A judgment as received; data holds it whole (crimes, penalties), the columns what is looked up.
CREATE TABLE judgments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    court TEXT NOT NULL,
    number TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    data TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL
);
-- A court's judgment is received once for a person.
CREATE UNIQUE INDEX judgments_number ON judgments (person_id, court, number);
CREATE INDEX judgments_received ON judgments (received_at);

CREATE TABLE judgment_events (
    id TEXT PRIMARY KEY,
    judgment_id TEXT NOT NULL,
    type TEXT NOT NULL,
    day TEXT NOT NULL,
    penalty_index INTEGER,
    source TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL
);
CREATE INDEX judgment_events_judgment ON judgment_events (judgment_id);

-- A request for a certificate (Law on Judicial Records 2009 art. 45–46), with its dossier; data
-- holds it whole, person_id the person found in the database when the request was handled.
CREATE TABLE judicial_requests (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    cert_type INTEGER NOT NULL,
    person_folded FOLDED NOT NULL,
    date_of_birth TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    data TEXT NOT NULL,
    fee INTEGER NOT NULL,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL
);
CREATE UNIQUE INDEX judicial_requests_dossier ON judicial_requests (dossier_id);
CREATE INDEX judicial_requests_person ON judicial_requests (person_folded, date_of_birth);
CREATE INDEX judicial_requests_pid ON judicial_requests (personal_id);
CREATE INDEX judicial_requests_received ON judicial_requests (received_at);

-- A certificate issued for a request: its number (per year, Số N/YYYY/LLTP), the content it
-- states as of its day (what the signed paper is laid out from again), its document.
CREATE TABLE judicial_certificates (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    document_id TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE INDEX judicial_certificates_request ON judicial_certificates (request_id);

-- The last certificate number given in a year.
CREATE TABLE judicial_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
