-- An incoming signature checked against the trusted roots (--trusted-roots): '' not checked,
-- 'trusted' (trusted_by names the roots) or 'untrusted'.
ALTER TABLE incoming_documents ADD COLUMN trust TEXT NOT NULL DEFAULT '';
ALTER TABLE incoming_documents ADD COLUMN trusted_by TEXT NOT NULL DEFAULT '';
