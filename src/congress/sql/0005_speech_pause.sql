-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A speech the chair pauses (a point of order, noise in the hall): while
-- paused_at is set its clock stands; paused_seconds is the time it stood
-- before, so a speech ends at started_at + its limit + paused_seconds
-- and lasted ended_at - started_at - paused_seconds.
ALTER TABLE speakers ADD COLUMN paused_at INTEGER;
ALTER TABLE speakers ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0;
