-- Recognitions of parent and child (nhận cha, mẹ, con, Law 60/2014 art. 24–25) are entries of
-- their own kind, numbered in their own book. The kind's CHECK is widened as in migration 0006;
-- on PostgreSQL NOT VALID, so that the upgrade does not read every entry under an exclusive
-- lock (the rows there satisfy the narrower check already; new rows are checked).
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition')) NOT VALID;
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death', 'marriage', 'marital_status') => kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition');
