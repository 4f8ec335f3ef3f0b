-- The duplicate check of a birth looks at every child born within days to a mother or a father
-- of the same name: with common names, dozens. The child's name in these indexes lets it drop,
-- without reading the entry, those whose given name rules out a duplicate (civil.NameMayMatch);
-- at ten million entries the duplicate check, reading them, took over a third of the machine.
DROP INDEX records_mother;
CREATE INDEX records_mother ON records (mother_folded, date_of_birth, name_folded);
DROP INDEX records_father;
CREATE INDEX records_father ON records (father_folded, date_of_birth, name_folded);
