-- Marriage entries (kết hôn) join births and deaths in the registers; for now they come in from
-- legacy registers (tuphap import).
--
-- The kind's CHECK is widened. PostgreSQL changes the constraint in place. SQLite cannot alter a
-- constraint: the statement marked "only sqlite" is carried out by migrate.go, which rewrites the
-- table's definition in the schema, as SQLite's documentation gives for loosening a CHECK
-- without copying the table (copying ten million entries would take minutes).
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage'));
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death') => kind IN ('birth', 'death', 'marriage');

-- Names an entry is found by besides its subject's: a marriage's wife (the husband is the
-- subject). Folded as records.name_folded and records.given_first are.
CREATE TABLE record_names (
    record_id TEXT NOT NULL REFERENCES records (id),
    folded FOLDED NOT NULL,
    given_folded FOLDED NOT NULL,
    PRIMARY KEY (record_id, folded)
);
CREATE INDEX record_names_folded ON record_names (folded);
CREATE INDEX record_names_given ON record_names (given_folded);
