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
