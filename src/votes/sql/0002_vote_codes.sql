-- SPDX-License-Identifier: AGPL-3.0-or-later
-- One-time vote codes (docs/votes.md, "The booth"): a delegate without a
-- phone is handed a printed sheet of them at the door and votes at a
-- shared booth, one code a poll. Only a keyed hash of each code is kept
-- (the sheet is the only copy); a code is deleted when it is used, and
-- a new sheet deletes the old one's. No time of use is kept.
CREATE TABLE vote_codes (
    code_index BLOB NOT NULL PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    issued_by INTEGER REFERENCES users(id),
    issued_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX vote_codes_participant ON vote_codes(participant_id);
