-- Wrong second-factor codes are counted per account, apart from wrong passwords: only someone
-- who knows the password can make them, so counting them cannot let a stranger lock the owner
-- out, and a right password does not clear them (a right code does).
ALTER TABLE users ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_failed_at TEXT;
