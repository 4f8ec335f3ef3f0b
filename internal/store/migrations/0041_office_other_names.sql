-- An officer's name search finds, in its third step, the entries whose other name (a marriage's
-- wife) matches, and counts them. record_names' indexes lead with the name: in a province of 96
-- communes the officer's step walked the province's matches of the name and kept the office's
-- (at ten million entries spread evenly, an officer's search by a wife's name took 47.6 / 162.1 ms
-- at p50 / p99 under load, the department's 12.7 / 32.2). These lead with the office, with the
-- same columns after it, so that a count reads the index alone.
CREATE INDEX record_names_office_folded ON record_names (office, folded, kind, registered_on, own_folded, own_given, record_id);
CREATE INDEX record_names_office_given ON record_names (office, given_folded, kind, registered_on, own_folded, own_given, folded,
    record_id);
