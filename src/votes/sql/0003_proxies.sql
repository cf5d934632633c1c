-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Proxies and the congress's voting rules (docs/votes.md, "Proxies").
-- A delegate hands their vote (every checked mandate they hold) to
-- another delegate, for the whole congress (poll_id NULL) or for one
-- poll; a proxy for a poll stands before one for the congress. Proxies
-- are open records, like a named vote: the minutes list who held whose
-- vote. A revoked proxy stays, with the time it ended.
CREATE TABLE vote_proxies (
    id INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    giver_id INTEGER NOT NULL REFERENCES participants(id),
    holder_id INTEGER NOT NULL REFERENCES participants(id),
    poll_id INTEGER REFERENCES polls(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    CHECK (giver_id <> holder_id)
) STRICT;
CREATE INDEX vote_proxies_congress ON vote_proxies(congress_id);

-- What a congress changed of the votes' defaults (no row: the defaults).
CREATE TABLE vote_rules (
    congress_id INTEGER PRIMARY KEY REFERENCES congresses(id),
    -- the votes one delegate may hold for others; 0: no proxies
    proxy_limit INTEGER NOT NULL DEFAULT 1 CHECK (proxy_limit BETWEEN 0 AND 100),
    -- may one who votes with several votes split them ("70 yes / 30 no")
    split_votes INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
