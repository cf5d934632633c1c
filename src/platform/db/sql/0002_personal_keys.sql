-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Personal keys (src/platform/crypto/personal.c): each account's X25519
-- public key, and its secret key wrapped by a key derived from the
-- account's own password — not by the data key, so the server's
-- passphrase cannot open what is sealed to it.
CREATE TABLE user_keys (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    public_key BLOB NOT NULL,
    secret_wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- A signed-in session's copy of the secret key, sealed under the session
-- token, which only the browser holds (the server keeps its hash).
ALTER TABLE sessions ADD COLUMN keys_sealed BLOB;
