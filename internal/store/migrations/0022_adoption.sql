-- Adoptions within the country (nuôi con nuôi, Law on Adoption 2010 art. 22) are entries of their
-- own kind, numbered in their own book. The kind's CHECK is widened as in migration 0019.
-- only postgres
ALTER TABLE records DROP CONSTRAINT records_kind_check;
-- only postgres
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition', 'adoption')) NOT VALID;
-- only sqlite
WIDEN CHECK ON records: kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition') => kind IN ('birth', 'death', 'marriage', 'marital_status', 'recognition', 'adoption');
