-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The second factor belongs to a session, not to the account: a session
-- is fully signed in only when it itself passed the second factor (or
-- enrolled it itself), so sessions.second_factor is what the gate reads.
-- A second factor being set up waits in the session that shows its QR
-- code, so another session of the same account (someone who knows only
-- the password) never sees the secret.
ALTER TABLE sessions ADD COLUMN totp_pending_sealed BLOB;
UPDATE users SET totp_pending_sealed = NULL;
