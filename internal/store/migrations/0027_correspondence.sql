-- Official correspondence (internal/correspondence): the incoming register of each year with
-- its gap-free numbers, each document's attachment kept by its content (files), routing and
-- completion.
CREATE TABLE incoming_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE incoming_documents (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    sender TEXT NOT NULL,
    reference TEXT NOT NULL,
    dated TEXT NOT NULL,
    summary TEXT NOT NULL,
    summary_folded FOLDED NOT NULL,
    urgency TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    file_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    signed BOOLEAN NOT NULL,
    signers TEXT NOT NULL,
    status TEXT NOT NULL,
    unit TEXT NOT NULL,
    assignee TEXT NOT NULL,
    due_on TEXT NOT NULL,
    routed_at TEXT,
    routed_by TEXT NOT NULL,
    done_at TEXT,
    done_note TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_by TEXT NOT NULL
);
CREATE UNIQUE INDEX incoming_documents_number ON incoming_documents (year, number);
CREATE INDEX incoming_documents_status_due ON incoming_documents (status, due_on);
CREATE INDEX incoming_documents_file ON incoming_documents (file_hash);
