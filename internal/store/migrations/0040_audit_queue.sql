-- The audit queue (SQLite, internal/store/auditqueue.go): which queue the log last took entries
-- from, and the last entry it took, recorded in the same commit as the entries themselves, so
-- that entries still in the queue after a crash are neither lost nor chained twice.
ALTER TABLE audit_head ADD COLUMN queue TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN queue_moved BIGINT NOT NULL DEFAULT 0;
