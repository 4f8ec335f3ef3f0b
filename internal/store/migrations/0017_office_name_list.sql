-- An officer's name search lists its page from the index, as the department's does from
-- records_name_list: records_office_list carries the columns of the list, so a page of twenty is
-- read from a few adjacent index pages instead of twenty random reads of the entries (every
-- search is audited, so every search commits, and a commit empties the readers' page caches:
-- under load each of those reads went to the operating system). It replaces
-- records_office_name, whose columns are its first three. The id makes the index order the
-- list's order, ties included.
CREATE INDEX records_office_list ON records (office, name_folded, date_of_birth, id, kind, full_name, personal_id,
    reg_year, reg_book, reg_number, registered_on, date_of_death, late);
DROP INDEX records_office_name;

-- PostgreSQL estimates a name's prefix range from the column's histogram. With the default
-- hundred buckets, "nguyen huu minh" (952 entries of a million) was estimated at one entry, and
-- the planner walked records_name testing each entry's office: 26 ms alone, 200 ms under load,
-- against 1.4 ms through records_office_list once the histogram is fine enough to see it.
-- only postgres
ALTER TABLE records ALTER COLUMN name_folded SET STATISTICS 2000;
-- only postgres
ALTER TABLE records ALTER COLUMN given_first SET STATISTICS 2000;
-- only postgres
ALTER TABLE records ALTER COLUMN mother_folded SET STATISTICS 2000;
-- only postgres
ALTER TABLE records ALTER COLUMN father_folded SET STATISTICS 2000;
-- The next ANALYZE (autovacuum's, or the one that ends a bulk load) takes them up. Not one here:
-- on a new, empty table it would record "no rows", and the foreign-key checks that a loading
-- connection plans then would scan the entries for every row it adds.
