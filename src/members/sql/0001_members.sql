-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The member registry. Columns ending in _sealed hold XChaCha20-Poly1305
-- ciphertext under the data key (context: table.column); _index columns
-- hold keyed blind indexes; intake_sealed is sealed to the intake public
-- key, which the data key cannot open. See docs/members.md.

-- A branch is a platform scope with a kind; the tree is the scopes tree.
CREATE TABLE branches (
    scope_id INTEGER PRIMARY KEY REFERENCES scopes(id),
    kind TEXT NOT NULL DEFAULT 'branch'
        CHECK (kind IN ('region', 'city', 'cell', 'branch')),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE unions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL DEFAULT 'union' CHECK (kind IN ('union', 'group')),
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    branch_id INTEGER NOT NULL REFERENCES branches(scope_id),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('applicant', 'active', 'lapsed', 'suspended', 'left')),
    joined_on TEXT NOT NULL DEFAULT '',
    consent_phone INTEGER NOT NULL DEFAULT 0,
    consent_sms INTEGER NOT NULL DEFAULT 0,
    consent_email INTEGER NOT NULL DEFAULT 0,
    account_id INTEGER UNIQUE REFERENCES users(id),
    legal_name_sealed BLOB,
    phone_sealed BLOB,
    email_sealed BLOB,
    address_sealed BLOB,
    birth_date_sealed BLOB,
    workplace_sealed BLOB,
    notes_sealed BLOB,
    email_index BLOB UNIQUE,
    phone_index BLOB UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    erased_at INTEGER
) STRICT;
CREATE INDEX people_branch ON people(branch_id);

CREATE TABLE person_unions (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    union_id INTEGER NOT NULL REFERENCES unions(id) ON DELETE CASCADE,
    is_rep INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, union_id)
) STRICT;
CREATE INDEX person_unions_union ON person_unions(union_id);

CREATE TABLE status_history (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_user INTEGER REFERENCES users(id),
    note_sealed BLOB
) STRICT;
CREATE INDEX status_history_person ON status_history(person_id);

-- Amounts in minor units (tiyn for KZT).
CREATE TABLE dues (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL DEFAULT 'KZT' CHECK (length(currency) = 3),
    period TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dues_person ON dues(person_id);
