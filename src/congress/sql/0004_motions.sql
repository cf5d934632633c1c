-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Motions and their amendments (docs/congress.md, "The amendment model").
-- A motion's text is its Markdown wrapped once when saved, so line n is
-- line n everywhere; every change of its text is a new text_version, the
-- old text kept in its history. An amendment names lines of one
-- text_version of one motion, never another amendment. Numbers: a motion
-- gets "M<seq>" when admitted, an amendment "<motion's number>-A<seq>"
-- when submitted (a motion takes amendments only once admitted); the
-- unique indexes keep two chairs' clicks from giving one number twice.

ALTER TABLE congresses ADD COLUMN motion_deadline INTEGER NOT NULL DEFAULT 0;
ALTER TABLE congresses ADD COLUMN amendment_deadline INTEGER NOT NULL DEFAULT 0;

CREATE TABLE motions (
    id INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    seq INTEGER,
    kind TEXT NOT NULL
        CHECK (kind IN ('motion', 'resolution', 'programme', 'statute')),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'submitted'
        CHECK (state IN ('submitted', 'admitted', 'debated', 'adopted',
                         'adopted_amended', 'rejected', 'withdrawn',
                         'referred')),
    item_id INTEGER REFERENCES agenda_items(id),
    submitted_by INTEGER REFERENCES participants(id),
    text_version INTEGER NOT NULL DEFAULT 1,
    final_body TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX motions_congress ON motions(congress_id);
CREATE UNIQUE INDEX motions_number ON motions(congress_id, seq)
    WHERE seq IS NOT NULL;

CREATE TABLE motion_people (
    motion_id INTEGER NOT NULL REFERENCES motions(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    role TEXT NOT NULL CHECK (role IN ('submitter', 'supporter')),
    at INTEGER NOT NULL,
    PRIMARY KEY (motion_id, participant_id)
) STRICT;

CREATE TABLE motion_history (
    id INTEGER PRIMARY KEY,
    motion_id INTEGER NOT NULL REFERENCES motions(id),
    at INTEGER NOT NULL,
    by_user INTEGER REFERENCES users(id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    text_version INTEGER NOT NULL,
    old_body TEXT
) STRICT;
CREATE INDEX motion_history_motion ON motion_history(motion_id);

CREATE TABLE amendments (
    id INTEGER PRIMARY KEY,
    motion_id INTEGER NOT NULL REFERENCES motions(id),
    seq INTEGER NOT NULL,
    text_version INTEGER NOT NULL,
    first_line INTEGER NOT NULL CHECK (first_line >= 0),
    last_line INTEGER NOT NULL CHECK (last_line >= first_line),
    op TEXT NOT NULL CHECK (op IN ('replace', 'insert', 'delete')),
    new_text TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'submitted'
        CHECK (state IN ('submitted', 'admitted', 'adopted', 'rejected',
                         'withdrawn')),
    submitted_by INTEGER REFERENCES participants(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (motion_id, seq)
) STRICT;
CREATE INDEX amendments_motion ON amendments(motion_id);
