-- A dossier is found by its applicant (the start of the name, without marks or case, as the
-- records' names are) or by the phone number's digits, and a list orders by when dossiers were
-- received. reception fills the two columns of the dossiers stored before this migration when
-- it starts (their folding is Go's, not SQL's).
ALTER TABLE dossiers ADD COLUMN applicant_folded FOLDED NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN phone_digits FOLDED NOT NULL DEFAULT '';
CREATE INDEX dossiers_applicant ON dossiers (applicant_folded);
CREATE INDEX dossiers_office_applicant ON dossiers (office, applicant_folded);
CREATE INDEX dossiers_phone ON dossiers (phone_digits);
CREATE INDEX dossiers_office_received ON dossiers (office, received_at);
CREATE INDEX dossiers_received ON dossiers (received_at);
