-- Signing keys of the offices (private keys sealed with the server's master key) and the
-- documents issued, with the PDFs as delivered. BYTES becomes BLOB on SQLite, BYTEA on PostgreSQL.

CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL REFERENCES offices (code),
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    cert_pem TEXT NOT NULL,
    chain_pem TEXT NOT NULL,
    key_sealed BYTES NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    demo BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX signing_keys_office ON signing_keys (office, active);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    office TEXT NOT NULL REFERENCES offices (code),
    record_id TEXT NOT NULL,
    record_version INTEGER NOT NULL,
    dossier_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    register_ref TEXT NOT NULL,
    verify_url TEXT NOT NULL,
    status TEXT NOT NULL,
    pdf BYTES NOT NULL,
    signed_pdf BYTES,
    sha256 TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    signed_at TEXT,
    revoked_by TEXT NOT NULL,
    revoked_at TEXT,
    revoke_reason TEXT NOT NULL
);
CREATE INDEX documents_office_issued ON documents (office, issued_at);
CREATE INDEX documents_issued ON documents (issued_at);
CREATE INDEX documents_record ON documents (record_id);
CREATE INDEX documents_status ON documents (office, status);
CREATE INDEX documents_sha ON documents (sha256);
