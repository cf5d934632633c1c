-- SPDX-License-Identifier: AGPL-3.0-or-later
-- What each officer exported, for the two-person rule over a window
-- (docs/members.md): people and branches exported by one officer within
-- members.export_window seconds count together, so seven one-branch
-- exports need the second officer one export of all seven would.
-- scopes: the branches exported (ids separated by commas), "" for the
-- whole organization.
CREATE TABLE export_log (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    people INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    request_id INTEGER REFERENCES export_requests(id)
) STRICT;
CREATE INDEX export_log_user ON export_log(user_id, at);

-- A request now says what it asks for (a branch, or everything in the
-- requester's reach) and why it waits.
ALTER TABLE export_requests ADD COLUMN people INTEGER NOT NULL DEFAULT 0;
