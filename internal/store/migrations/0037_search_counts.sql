-- A name search counts its matches up to a thousand, and a count should read index entries, not
-- the entries themselves: every search is audited, so it commits, and a commit empties the
-- readers' page caches; each entry read under load is a read from the operating system.

-- The other names (a marriage's wife) carry what their count tests: the entry's office, kind
-- and day of registration (a search's usual filters) and its own names, since an entry its own
-- name finds is counted there already. Counting a wife's name read the entry of every match
-- before: a quarter of a name search's time at a million entries with one marriage in ten.
ALTER TABLE record_names ADD COLUMN office TEXT NOT NULL DEFAULT '';
ALTER TABLE record_names ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE record_names ADD COLUMN registered_on TEXT NOT NULL DEFAULT '';
ALTER TABLE record_names ADD COLUMN own_folded FOLDED NOT NULL DEFAULT '';
ALTER TABLE record_names ADD COLUMN own_given FOLDED NOT NULL DEFAULT '';
UPDATE record_names SET office = r.office, kind = r.kind, registered_on = r.registered_on, own_folded = r.name_folded,
    own_given = r.given_first FROM records r WHERE r.id = record_names.record_id;
DROP INDEX record_names_folded;
DROP INDEX record_names_given;
CREATE INDEX record_names_folded ON record_names (folded, office, kind, registered_on, own_folded, own_given, record_id);
CREATE INDEX record_names_given ON record_names (given_folded, office, kind, registered_on, own_folded, own_given, folded,
    record_id);

-- An officer's search by a parent's name tests the office of each child the parent's index
-- finds: with the office in the index, its count reads no entry (5 ms a search before, in a
-- commune holding a million entries).
DROP INDEX records_mother;
CREATE INDEX records_mother ON records (mother_folded, date_of_birth, name_folded, office);
DROP INDEX records_father;
CREATE INDEX records_father ON records (father_folded, date_of_birth, name_folded, office);

-- A name search's given-name-first part, counted without the family-first part, tests each
-- match's family-first name: with it in the index, that count reads no entry either.
DROP INDEX records_given;
CREATE INDEX records_given ON records (given_first, date_of_birth, name_folded);
DROP INDEX records_office_given;
CREATE INDEX records_office_given ON records (office, given_first, date_of_birth, name_folded);

-- A search by a date of birth or a register number finds hundreds of entries at ten million
-- (seven hundred born on a day, a number in every book of a year), listed newest first: with
-- the day of registration in the index a page reads its twenty entries (and those registered
-- the same day as the last), not all of them to sort them, and with the office and kind a
-- count or an officer's search reads no entry at all. The id, which breaks ties in the order,
-- would double the indexes' size (37 bytes an entry each) for no measurable gain.
DROP INDEX records_dob;
CREATE INDEX records_dob ON records (date_of_birth, registered_on, office, kind);
DROP INDEX records_number;
CREATE INDEX records_number ON records (reg_number, reg_year, registered_on, office, kind, reg_book);

-- A name searched within a period is counted by a seek to each distinct name of its range,
-- then to the period within it (registration.fullInPeriod), instead of a walk of every entry
-- of the name. records_name served only walks in name order (the probe of the cap), which it
-- still does.
DROP INDEX records_name;
CREATE INDEX records_name ON records (name_folded, registered_on, kind, office);
