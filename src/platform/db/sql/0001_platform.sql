-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The platform's tables: scopes, accounts, roles, sessions, one-time
-- links, login throttling, the audit chain, the outbox and settings.
-- Times are seconds since the epoch (UTC). Columns ending in _sealed hold
-- XChaCha20-Poly1305 ciphertext (see src/platform/crypto/crypto.h); columns
-- ending in _index hold keyed blind indexes. No plaintext personal data.

-- The organization's tree of units (regions, cities, workplace cells).
-- The members module calls them branches; the platform only needs the
-- tree to scope roles. path is "/1/7/12/": ancestors first, itself last.
CREATE TABLE scopes (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES scopes(id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    path TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scopes_path ON scopes(path);
CREATE UNIQUE INDEX scopes_sibling_name ON scopes(coalesce(parent_id, 0), name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email_sealed BLOB NOT NULL,
    email_index BLOB NOT NULL UNIQUE,
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash TEXT,
    lang TEXT NOT NULL DEFAULT '',
    totp_sealed BLOB,
    totp_pending_sealed BLOB,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'invited'
        CHECK (status IN ('invited', 'active', 'disabled')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- A role held over the whole organization (scope_id NULL) or one subtree.
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    scope_id INTEGER REFERENCES scopes(id),
    granted_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX grants_unique ON grants(user_id, role, coalesce(scope_id, 0));
CREATE INDEX grants_scope ON grants(scope_id);

-- Sessions: only the hash of the token is stored. stage 'totp' means the
-- password was right and the second factor is still owed.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('totp', 'full')),
    second_factor INTEGER NOT NULL DEFAULT 0,
    agent TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links (set a password). Only the hash of the token is stored.
CREATE TABLE account_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('set_password')),
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX account_tokens_user ON account_tokens(user_id);

-- Failed logins per account and per client, keyed by a keyed hash so the
-- table holds neither addresses nor emails. Survives restarts.
CREATE TABLE throttle (
    key BLOB PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The audit log: append-only, each row's hash is a keyed BLAKE2b over the
-- previous hash and the row; audit_head holds the last id and hash under
-- a MAC so removing rows from the end is noticed too.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor_label TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_action ON audit_log(action);

CREATE TABLE audit_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    hash BLOB NOT NULL,
    mac BLOB NOT NULL
) STRICT;

-- Messages to deliver, written in the same transaction as their cause.
-- The recipient and the content are sealed; label says what it is in
-- words that name no one ("invitation", "webhook ping").
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
    idem_key TEXT NOT NULL UNIQUE,
    target_sealed BLOB NOT NULL,
    payload_sealed BLOB NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_at);

-- Webhook endpoints (SMS or messenger gateways, other systems).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    url TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    events TEXT NOT NULL DEFAULT '*',
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
