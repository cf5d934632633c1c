-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A payment recorded wrong is corrected or removed, and nothing is lost:
-- a removed payment keeps its row (removed_at says when, and the lists
-- leave it out), and each correction or removal keeps the values before,
-- the reason (sealed, like a status note) and who, in dues_changes.
ALTER TABLE dues ADD COLUMN removed_at INTEGER;
CREATE TABLE dues_changes (
    id INTEGER PRIMARY KEY,
    due_id INTEGER NOT NULL REFERENCES dues(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('corrected', 'removed')),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    period TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    reason_sealed BLOB,
    by_user INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX dues_changes_due ON dues_changes(due_id);
