-- The imports of legacy registers, from the page or the command line: what each read, wrote and
-- refused, kept when the server restarts and seen from every node (the page polls whichever
-- node answers). total_rows is the rows the file was found to hold before reading (0: not
-- known), for the progress bar; report is the CSV of the rows refused (line, reason). A running import writes
-- updated_at as it goes: one that stopped writing had its process die, and is shown stopped.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    by_user TEXT NOT NULL,
    encoding TEXT NOT NULL,
    separator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'stopped')),
    total_rows INTEGER NOT NULL,
    read_rows INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    error TEXT NOT NULL,
    report TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_started ON imports (started_at);
