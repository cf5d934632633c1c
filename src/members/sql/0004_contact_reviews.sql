-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Contact conflicts (docs/members.md): an officer's answer never depends
-- on people outside their scope. A phone or email written for one person
-- that already belongs to someone the writer may not see is accepted as
-- if it were new: it is kept sealed as usual, its blind index goes into
-- the *_alias_index column (the unique *_index belongs to the first
-- holder), and a review row waits for an officer who sees both people.

ALTER TABLE people ADD COLUMN email_alias_index BLOB;
ALTER TABLE people ADD COLUMN phone_alias_index BLOB;
CREATE INDEX people_email_alias ON people(email_alias_index);
CREATE INDEX people_phone_alias ON people(phone_alias_index);

-- person_id: the record written with the value; other_id: a holder the
-- writer could not see. No foreign keys: a merge removes one of the two,
-- and the review stays as the record of what was decided. cover_scope:
-- the branch nearest both records (NULL: only the whole organization):
-- lists are read by it, so that no officer's page costs more for the
-- reviews they cannot see.
CREATE TABLE contact_reviews (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('email', 'phone')),
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'merged', 'apart', 'moot')),
    opened_by INTEGER REFERENCES users(id),
    opened_at INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES users(id),
    resolved_at INTEGER,
    cover_scope INTEGER REFERENCES scopes(id)
) STRICT;
CREATE INDEX contact_reviews_cover ON contact_reviews(cover_scope, state);
CREATE INDEX contact_reviews_person ON contact_reviews(person_id, state);
CREATE INDEX contact_reviews_other ON contact_reviews(other_id, state);
