-- SPDX-License-Identifier: AGPL-3.0-or-later
-- An uploaded CSV waiting between its preview and its import: sealed,
-- its uploader's only, gone once imported or after an hour.
CREATE TABLE import_uploads (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data_sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- An export of more than one branch waits for a second officer.
-- scopes: the requester's reach when asking ("" for the organization,
-- else scope ids separated by commas).
CREATE TABLE export_requests (
    id INTEGER PRIMARY KEY,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    scopes TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'done', 'expired')),
    approved_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    approved_at INTEGER,
    done_at INTEGER
) STRICT;
