-- An officer's search by a parent's name ("mẹ: Nguyễn Thị Hoa") read the province's children of
-- that name in records_mother and kept those of the office, which in a province of ninety-six
-- communes is one in a hundred: at ten million entries a common mother's name walked thousands
-- of entries for a page of twenty, and its count all of them (145 ms at p50 under load, the
-- department's same search 19 ms). Led by the office, the officer's search reads only the
-- office's children, in the order of the page.
CREATE INDEX records_office_mother ON records (office, mother_folded, date_of_birth, name_folded);
CREATE INDEX records_office_father ON records (office, father_folded, date_of_birth, name_folded);
