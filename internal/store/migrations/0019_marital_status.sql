-- Certificates of marital status (giấy xác nhận tình trạng hôn nhân, Decree 123/2015 art. 21–23)
-- are entries of their own kind, numbered in their own book. The kind's CHECK is widened as in
-- migration 0006; on PostgreSQL NOT VALID, so that the upgrade does not read every entry under
-- an exclusive lock (the rows there satisfy the narrower check already; new rows are checked).
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage', 'marital_status')) NOT VALID;
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death', 'marriage') => kind IN ('birth', 'death', 'marriage', 'marital_status');
