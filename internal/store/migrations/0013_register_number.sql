-- A register reference ("17/2026", "số 17 quyển 01/2026") finds its entries through the number
-- and year, in any office: without this index an officer's search by number walked the whole
-- office, and a department's the whole table.
CREATE INDEX records_number ON records (reg_number, reg_year);
