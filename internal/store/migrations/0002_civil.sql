-- Civil-status registers: entries, their versions and duplicate decisions.
-- FOLDED marks columns holding folded (diacritic-free, lower-case) text searched by prefix; it
-- becomes TEXT on SQLite and TEXT COLLATE "C" on PostgreSQL, where a byte-order collation lets a
-- B-tree index answer prefix ranges.

-- One row per register book: the last number given. Incrementing it inside the registration's
-- transaction makes numbers gapless and unique under any concurrency.
CREATE TABLE registers (
    office TEXT NOT NULL REFERENCES offices (code),
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    book TEXT NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (office, kind, year, book)
);

CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('birth', 'death')),
    office TEXT NOT NULL REFERENCES offices (code),
    reg_year INTEGER NOT NULL,
    reg_book TEXT NOT NULL,
    reg_number INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    late BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    -- A searchable copy of the current version's subject and parents.
    full_name TEXT NOT NULL,
    name_folded FOLDED NOT NULL,
    given_first FOLDED NOT NULL,
    sex TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    mother_folded FOLDED NOT NULL,
    mother_personal_id TEXT NOT NULL,
    father_folded FOLDED NOT NULL,
    date_of_death TEXT NOT NULL,
    birth_record TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (office, kind, reg_year, reg_book, reg_number)
);
CREATE INDEX records_name ON records (name_folded, date_of_birth);
CREATE INDEX records_given ON records (given_first, date_of_birth);
CREATE INDEX records_office_given ON records (office, given_first, date_of_birth);
CREATE INDEX records_office_name ON records (office, name_folded, date_of_birth);
CREATE INDEX records_personal_id ON records (personal_id);
CREATE INDEX records_dob ON records (date_of_birth);
CREATE INDEX records_mother ON records (mother_folded, date_of_birth);
CREATE INDEX records_mother_pid ON records (mother_personal_id);
CREATE INDEX records_father ON records (father_folded, date_of_birth);
CREATE INDEX records_office_date ON records (office, registered_on);
CREATE INDEX records_registered ON records (registered_on);
CREATE INDEX records_birth_record ON records (birth_record);

-- Entries are never overwritten: each correction or supplement adds a version.
CREATE TABLE record_versions (
    record_id TEXT NOT NULL REFERENCES records (id),
    version INTEGER NOT NULL,
    change TEXT NOT NULL,
    data TEXT NOT NULL,
    reason TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    fields TEXT NOT NULL,
    officer TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);

-- An officer's decision that a suspected duplicate is not one.
CREATE TABLE duplicate_decisions (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id),
    candidates TEXT NOT NULL,
    reason TEXT NOT NULL,
    officer TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX duplicate_decisions_record ON duplicate_decisions (record_id);
