-- SPDX-License-Identifier: AGPL-3.0-or-later
-- What the officer chose for an upload (import_opts_text: what a row
-- matching a member does, whether empty cells clear, whether members
-- move): the import runs with exactly what its preview showed.
ALTER TABLE import_uploads ADD COLUMN options TEXT NOT NULL DEFAULT '';
