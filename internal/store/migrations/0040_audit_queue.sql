-- The audit queue (SQLite, internal/store/auditqueue.go): for each queue file the log has taken
-- entries from, the last entry it took, recorded in the same commit as the entries themselves,
-- so that entries still in a queue after a crash are neither lost nor chained twice, even where
-- two queue files take turns (a database reached through two paths).
CREATE TABLE audit_queues (
    queue TEXT PRIMARY KEY,
    moved BIGINT NOT NULL
);
