-- Outgoing documents (internal/correspondence, văn bản đi, Decree 30/2020/NĐ-CP): drafted,
-- reviewed in steps, numbered in the year's outgoing register, issued and signed as issuing's
-- documents (QR-verifiable), published to units, communes and agencies, archived.
CREATE TABLE outgoing_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE outgoing_documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    summary TEXT NOT NULL,
    summary_folded FOLDED NOT NULL,
    body TEXT NOT NULL,
    recipients TEXT NOT NULL,
    urgency TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    status TEXT NOT NULL,
    step INTEGER NOT NULL,
    unit_head TEXT NOT NULL,
    office_head TEXT NOT NULL,
    return_note TEXT NOT NULL,
    year INTEGER,
    number INTEGER,
    symbol TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    document_id TEXT NOT NULL,
    archive_ref TEXT NOT NULL,
    drafted_by TEXT NOT NULL,
    drafted_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    numbered_by TEXT NOT NULL,
    published_at TEXT
);
-- Gap-free and unique per year; NULL until numbered.
CREATE UNIQUE INDEX outgoing_documents_number ON outgoing_documents (year, number);
CREATE INDEX outgoing_documents_status ON outgoing_documents (status);
CREATE INDEX outgoing_documents_document ON outgoing_documents (document_id);

-- Each review step's decision, in order: who, approved or returned, with the note.
CREATE TABLE outgoing_reviews (
    id TEXT PRIMARY KEY,
    outgoing_id TEXT NOT NULL REFERENCES outgoing_documents (id),
    step INTEGER NOT NULL,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX outgoing_reviews_document ON outgoing_reviews (outgoing_id);

-- Where a published document went: a unit of the department, a commune office, or an agency
-- through the outbox (sent, then received when the agency answers).
CREATE TABLE outgoing_deliveries (
    outgoing_id TEXT NOT NULL REFERENCES outgoing_documents (id),
    recipient TEXT NOT NULL,
    office TEXT NOT NULL,
    status TEXT NOT NULL,
    receipt TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    received_at TEXT,
    PRIMARY KEY (outgoing_id, recipient)
);
CREATE INDEX outgoing_deliveries_office ON outgoing_deliveries (office, sent_at);
