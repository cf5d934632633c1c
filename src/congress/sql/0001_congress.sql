-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Congresses and their participants (docs/congress.md). Each congress is
-- a platform scope of its own (no row in branches): its roles are granted
-- over that scope. A participant comes from the member registry
-- (person_id) or is a guest registered at the door; what the hall calls
-- them is display_name, as the registry's display name (a pseudonym is
-- fine). The badge code is a capability: sealed, found by its blind index.

CREATE TABLE congresses (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL UNIQUE REFERENCES scopes(id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    place TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL DEFAULT '',
    ends_on TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'preparing'
        CHECK (state IN ('preparing', 'open', 'closed')),
    quorum_pct INTEGER NOT NULL DEFAULT 50 CHECK (quorum_pct BETWEEN 0 AND 100),
    min_supporters INTEGER NOT NULL DEFAULT 0 CHECK (min_supporters >= 0),
    speak_seconds INTEGER NOT NULL DEFAULT 180 CHECK (speak_seconds >= 0),
    first_speakers_first INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    kind TEXT NOT NULL CHECK (kind IN ('delegate', 'visitor', 'guest')),
    person_id INTEGER REFERENCES people(id),
    account_id INTEGER REFERENCES users(id),
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    may_speak INTEGER NOT NULL DEFAULT 0,
    badge_sealed BLOB NOT NULL,
    badge_index BLOB NOT NULL UNIQUE,
    present INTEGER NOT NULL DEFAULT 0,
    present_since INTEGER NOT NULL DEFAULT 0,
    removed_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (congress_id, person_id)
) STRICT;
CREATE INDEX participants_congress ON participants(congress_id);
CREATE INDEX participants_account ON participants(account_id);

-- A delegate's mandates: from a branch (source_id a branch's scope id) or
-- an affiliated union (a union's id); a checked mandate counts with its
-- weight, so a delegate's vote weight is the sum of their checked ones.
CREATE TABLE mandates (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    source TEXT NOT NULL CHECK (source IN ('branch', 'union')),
    source_id INTEGER NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
    checked_by INTEGER REFERENCES users(id),
    checked_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (participant_id, source, source_id)
) STRICT;

-- Every check-in and check-out, for the minutes and for a dispute.
CREATE TABLE presence_log (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    at INTEGER NOT NULL,
    went TEXT NOT NULL CHECK (went IN ('in', 'out')),
    by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX presence_log_participant ON presence_log(participant_id);
