-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The agenda and its speakers' lists (docs/congress.md, "Speakers"). The
-- queue of an item is its waiting speakers (not started, not removed) by
-- position, 1..n, a point of order put first when asked; the chair's
-- moves swap positions. Rules two chairs' clicks cannot break are
-- partial unique indexes: one open request per participant and item, one
-- speaker with the floor per item, one current item per congress.

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    planned_minutes INTEGER NOT NULL DEFAULT 0 CHECK (planned_minutes >= 0),
    speak_seconds INTEGER NOT NULL DEFAULT 0 CHECK (speak_seconds >= 0),
    state TEXT NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'current', 'done')),
    started_at INTEGER,
    ended_at INTEGER,
    minutes_note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX agenda_items_congress ON agenda_items(congress_id, position);
CREATE UNIQUE INDEX agenda_one_current ON agenda_items(congress_id)
    WHERE state = 'current';

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES agenda_items(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    point_of_order INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    first_time INTEGER NOT NULL DEFAULT 0,
    requested_at INTEGER NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    removed_at INTEGER
) STRICT;
CREATE INDEX speakers_item ON speakers(item_id);
CREATE INDEX speakers_participant ON speakers(participant_id);
CREATE UNIQUE INDEX speakers_one_request ON speakers(item_id, participant_id)
    WHERE ended_at IS NULL AND removed_at IS NULL;
CREATE UNIQUE INDEX speakers_one_floor ON speakers(item_id)
    WHERE started_at IS NOT NULL AND ended_at IS NULL AND removed_at IS NULL;
