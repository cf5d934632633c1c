-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Each join form takes one application: the hash of its token once used
-- (kept a day, as long as a token lives). Behind an onion service every
-- visitor has the same address, so a limit per address would let one
-- visitor shut the form for everyone; a form of one's own cannot.
CREATE TABLE join_forms_used (
    token_hash BLOB PRIMARY KEY,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX join_forms_used_at ON join_forms_used(at);
