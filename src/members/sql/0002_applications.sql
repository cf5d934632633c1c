-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Applications to join, and the write-only intake (docs/members.md):
-- intake_sealed is crypto_box_seal to the intake public key, whose secret
-- half is stored only sealed to the personal public keys of the officers
-- allowed to vet. The data key opens none of it.

-- The one intake keypair's public half.
CREATE TABLE intake_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- The intake secret key, sealed to one officer's personal public key
-- (for_key: which one, so a replaced personal key gets a new copy).
CREATE TABLE intake_grants (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    for_key BLOB NOT NULL,
    sealed_sk BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(scope_id),
    intake_sealed BLOB NOT NULL,
    lang TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'accepted', 'rejected')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by INTEGER REFERENCES users(id),
    person_id INTEGER REFERENCES people(id)
) STRICT;
CREATE INDEX applications_branch ON applications(branch_id, state);

-- What officers said: notes are sealed with the data key (officers' words,
-- not the applicant's).
CREATE TABLE application_reviews (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'note')),
    note_sealed BLOB,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX application_reviews_app ON application_reviews(application_id);
