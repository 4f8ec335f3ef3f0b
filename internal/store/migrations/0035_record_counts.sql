-- The entries registered per day, office and kind (and of them those registered late), kept in
-- the transaction of every registration and import (internal/registration), so that the
-- leaders' dashboard and the statistical reports sum a year's days instead of counting
-- millions of entries. Records are never deleted and their day, office, kind and lateness never
-- change, so the counts need nothing else. Filled here from the entries already present.
-- On SQLite the rows are stored in their key's order (WITHOUT ROWID): a year is one run of
-- pages, not a lookup per row.
-- only sqlite
CREATE TABLE record_counts (
    day TEXT NOT NULL,
    office TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (day, office, kind)
) WITHOUT ROWID;
-- only postgres
CREATE TABLE record_counts (
    day TEXT NOT NULL,
    office TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (day, office, kind)
);
INSERT INTO record_counts (day, office, kind, n, late)
    SELECT registered_on, office, kind, COUNT(*), SUM(CASE WHEN late THEN 1 ELSE 0 END) FROM records GROUP BY registered_on, office, kind;
