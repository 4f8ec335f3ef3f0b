-- Messages to the national agencies, written in the same transaction as the registration that
-- causes them and delivered by a worker until the agency has answered.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    op TEXT NOT NULL,
    record_id TEXT NOT NULL,
    office TEXT NOT NULL,
    idem_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL,
    next_at TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_office ON outbox (office, status);
CREATE INDEX outbox_record ON outbox (record_id);
