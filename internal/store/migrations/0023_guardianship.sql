-- Guardianships (giám hộ, Law 60/2014 art. 20–23) are entries of their own kind, numbered in
-- their own book; their end is a version of the entry. The kind's CHECK is widened as in
-- migration 0019.
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition', 'adoption', 'guardianship')) NOT VALID;
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition', 'adoption') => kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition', 'adoption', 'guardianship');
