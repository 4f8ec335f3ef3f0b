-- Fills that a service makes once, after a migration whose values need Go (folded names):
-- done, they are not looked for again at the next start (registration.FillParties).
CREATE TABLE backfills (
    name TEXT PRIMARY KEY,
    done_at TEXT NOT NULL
);
