-- The second factor cannot be guessed or replayed (RFC 6238 §5.2): each half-logged-in session
-- counts the codes it tried and ends after a few; each user keeps the time step of the last code
-- accepted, and a code of that step or an earlier one is refused.
ALTER TABLE sessions ADD COLUMN mfa_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
