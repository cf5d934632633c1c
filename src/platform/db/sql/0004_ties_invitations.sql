-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Two-person rules and invitations (docs/platform.md, "Two people").

-- Who made or empowered whom: an account created by another (or whose
-- password link another was shown), a role granted, a second factor
-- reset by another. A two-person rule never counts two accounts tied
-- this way (in either direction) as two people, nor two accounts one
-- person may hold through a chain of creations (auth.h). A tie stays
-- when the role is revoked.
CREATE TABLE account_ties (
    by_user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('created', 'granted', 'reset')),
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX account_ties_user ON account_ties(user_id);
CREATE INDEX account_ties_by ON account_ties(by_user);
INSERT INTO account_ties (by_user, user_id, kind, at)
    SELECT granted_by, user_id, 'granted', created_at FROM grants
    WHERE granted_by IS NOT NULL AND granted_by <> user_id;
INSERT INTO account_ties (by_user, user_id, kind, at)
    SELECT a.actor_id, u.id, 'created', a.at
    FROM audit_log a JOIN users u ON 'user:' || CAST(u.id AS TEXT) = a.object
    WHERE a.action = 'account.created' AND a.actor_id IS NOT NULL
      AND a.actor_id <> u.id;

-- An invitation: to an email address (sealed), to take a role or something a module offers (link
-- an account to a membership record). Whoever holds the emailed link
-- either chooses a password (no account with that address yet) or
-- accepts while signed in as the account that has it. The inviter's
-- answer is the same either way. Only the token's hash is stored.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    email_sealed BLOB NOT NULL,
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    lang TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    scope_id INTEGER REFERENCES scopes(id),
    object TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'declined', 'cancelled')),
    account_id INTEGER REFERENCES users(id),
    decided_at INTEGER
) STRICT;
CREATE INDEX invitations_by ON invitations(created_by, created_at);
CREATE INDEX invitations_scope ON invitations(scope_id, created_at);
CREATE INDEX invitations_object ON invitations(object, state);
