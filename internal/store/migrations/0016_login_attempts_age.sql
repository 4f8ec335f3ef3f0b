-- Failures older than the longest lock are forgiven; the account service deletes them now and
-- then by their age, which this index finds without reading the table (a password spray leaves
-- one row per name tried).
CREATE INDEX login_attempts_last ON login_attempts (last_at);
