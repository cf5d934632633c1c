-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Polls of a congress and what they record (docs/votes.md). The secrecy
-- model is in the tables' shape: poll_marks says that a mandate voted
-- and nothing else; ballots hold what was voted, one row per unit of
-- weight, each with a random key and a receipt, and nothing that leads
-- back to a mandate — no mandate, no time, no row order (both tables are
-- stored in key order, WITHOUT ROWID on SQLite). A mark and its ballots
-- are written in one transaction, so after any crash the marks' weights
-- add up to the ballots.

CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    -- what the poll decides: a motion, an amendment, an agenda item, or a
    -- question of its own (subject_id NULL)
    subject TEXT NOT NULL DEFAULT 'question'
        CHECK (subject IN ('question', 'motion', 'amendment', 'item')),
    subject_id INTEGER,
    -- the agenda item it was taken under (the minutes list it there)
    item_id INTEGER,
    question TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
    kind TEXT NOT NULL DEFAULT 'yna'
        CHECK (kind IN ('yna', 'choice', 'approval', 'ranked')),
    seats INTEGER NOT NULL DEFAULT 1 CHECK (seats BETWEEN 1 AND 100),
    max_choices INTEGER NOT NULL DEFAULT 1 CHECK (max_choices BETWEEN 1 AND 100),
    secret INTEGER NOT NULL DEFAULT 1,
    publish_receipts INTEGER NOT NULL DEFAULT 1,
    majority TEXT NOT NULL DEFAULT 'simple'
        CHECK (majority IN ('simple', 'absolute', 'two_thirds', 'four_fifths')),
    base TEXT NOT NULL DEFAULT 'cast' CHECK (base IN ('cast', 'present')),
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'open', 'closed', 'void')),
    opened_at INTEGER,
    closed_at INTEGER,
    -- presence and quorum when the poll closed
    weight_present INTEGER,
    weight_total INTEGER,
    quorum_pct INTEGER,
    -- the order in which lots fall, drawn at the close (ranked polls)
    lot_seed BLOB,
    -- the count, computed once at the close (JSON), and the SHA-256 of
    -- the published ballot list
    result TEXT,
    ballots_digest TEXT,
    created_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX polls_congress ON polls(congress_id);

-- The options of a choice, approval or ranked poll (the candidates of an
-- election), numbered from 1.
CREATE TABLE poll_options (
    poll_id INTEGER NOT NULL REFERENCES polls(id),
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 1000),
    label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    PRIMARY KEY (poll_id, position)
) STRICT;

-- "This mandate has voted in this poll": no time, no ballot.
CREATE TABLE poll_marks (
    poll_id INTEGER NOT NULL REFERENCES polls(id),
    mandate_id INTEGER NOT NULL REFERENCES mandates(id),
    PRIMARY KEY (poll_id, mandate_id)
) STRICT, WITHOUT ROWID;

-- One row per unit of weight cast (a mandate of weight 3 casts three),
-- so a rare weight cannot single out its ballot. k is random, and so is
-- the receipt, which only the voter is shown.
CREATE TABLE ballots (
    poll_id INTEGER NOT NULL REFERENCES polls(id),
    k BLOB NOT NULL CHECK (length(k) = 16),
    receipt BLOB NOT NULL CHECK (length(receipt) = 16),
    content TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 4000),
    PRIMARY KEY (poll_id, k)
) STRICT, WITHOUT ROWID;

-- Named polls only: who voted how is the point of them.
CREATE TABLE named_votes (
    poll_id INTEGER NOT NULL REFERENCES polls(id),
    mandate_id INTEGER NOT NULL REFERENCES mandates(id),
    -- as the minutes name them: the delegate and the mandate's weight
    voter TEXT NOT NULL,
    weight INTEGER NOT NULL,
    content TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 4000),
    PRIMARY KEY (poll_id, mandate_id)
) STRICT;
