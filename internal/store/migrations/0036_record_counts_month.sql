-- The entries per month, office and kind, kept beside the days' counts (0035) in the same
-- transactions: a period's whole months are read here (a dozen rows per office and kind a
-- year), only its partial months from the days. Filled here from the entries already present.
-- only sqlite
CREATE TABLE record_counts_month (
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (month, office, kind)
) WITHOUT ROWID;
-- only postgres
CREATE TABLE record_counts_month (
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (month, office, kind)
);
INSERT INTO record_counts_month (month, office, kind, n, late)
    SELECT substr(day, 1, 7), office, kind, SUM(n), SUM(late) FROM record_counts GROUP BY substr(day, 1, 7), office, kind;
