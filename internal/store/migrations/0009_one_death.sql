-- A person dies once (Law 60/2014 art. 32-33: one death registration per person): at most one
-- death entry per personal ID and per birth entry, enforced by the database, so that two
-- registrations at the same moment cannot both pass the check made before them.
-- A store that already holds two deaths of one person cannot take this migration: find them
-- with the queries below (each returns the person), correct one entry, and start again.
--   SELECT personal_id FROM records WHERE kind = 'death' AND personal_id <> '' GROUP BY personal_id HAVING COUNT(*) > 1;
--   SELECT birth_record FROM records WHERE kind = 'death' AND birth_record <> '' GROUP BY birth_record HAVING COUNT(*) > 1;

CREATE UNIQUE INDEX records_one_death_pid ON records (personal_id) WHERE kind = 'death' AND personal_id <> '';
CREATE UNIQUE INDEX records_one_death_birth ON records (birth_record) WHERE kind = 'death' AND birth_record <> '';
