-- The people an entry concerns by role besides its subject (a marriage's husband and wife), so
-- that a new entry's checks find them anywhere in the province: a person still married cannot
-- marry again (Law on Marriage and Family 2014 art. 5.2.c). Found by personal ID, or by folded
-- name and date of birth. Marriages imported before this migration are filled when the
-- registration service starts.
CREATE TABLE record_parties (
    record_id TEXT NOT NULL REFERENCES records (id),
    role TEXT NOT NULL,
    full_name TEXT NOT NULL,
    folded FOLDED NOT NULL,
    date_of_birth TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    -- The day the bond ended (a marriage's divorce recorded against it); '' while it holds.
    ended TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record_id, role)
);
CREATE INDEX record_parties_pid ON record_parties (personal_id) WHERE personal_id <> '';
CREATE INDEX record_parties_person ON record_parties (folded, date_of_birth);
