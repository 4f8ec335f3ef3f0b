-- Certificates of marital status (giấy xác nhận tình trạng hôn nhân, Decree 123/2015 art. 21–23)
-- are entries of their own kind, numbered in their own book. The kind's CHECK is widened as in
-- migration 0006.
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage', 'marital_status'));
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death', 'marriage') => kind IN ('birth', 'death', 'marriage', 'marital_status');
