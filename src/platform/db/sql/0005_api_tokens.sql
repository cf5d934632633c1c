-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Personal access tokens (docs/api/tokens.md): a secret an account gives
-- a program, to use /api/v1/ as that account with less power, for a
-- limited time. Only the keyed hash of the token is stored (as for
-- sessions); the token itself is shown once.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash BLOB NOT NULL UNIQUE,
    read_only INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    revoked_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);
-- The grants a token carries: a subset of its account's, by grant id, so
-- that a role revoked from the account (its grants row deleted) leaves
-- every token at once.
CREATE TABLE api_token_grants (
    token_id INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    PRIMARY KEY (token_id, grant_id)
) STRICT;
CREATE INDEX api_token_grants_grant ON api_token_grants(grant_id);
