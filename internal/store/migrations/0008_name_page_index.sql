-- A name search lists its page in the order of the name; records_name_list carries the columns
-- of the list, so that a page is read from a few adjacent index pages instead of one random
-- table read per line (at ten million entries those were a fifth of a search's cost). The id
-- makes the index order the list's order, ties included, so nothing is left to sort.
-- It also carries what the duplicate rules look at (sex and parents): a birth's same-name
-- candidates, sixteen on average at ten million entries, are judged without reading an entry.
-- records_name stays as it is: counting up to MaxCount matches reads its entries, a quarter of
-- the size.
CREATE INDEX records_name_list ON records (name_folded, date_of_birth, id, kind, full_name, personal_id, office,
    reg_year, reg_book, reg_number, registered_on, date_of_death, late, sex, mother_folded, mother_personal_id,
    father_folded);
