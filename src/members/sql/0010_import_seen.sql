-- SPDX-License-Identifier: AGPL-3.0-or-later
-- No lost updates through an import: the members each row of the
-- preview matched, at the version the preview read them ("v1:" then
-- "id.version" separated by commas; '' for an upload never previewed).
-- The import refuses a row whose member has been written since, or that
-- now matches someone it did not match then: the officer previews again
-- rather than overwrite what another officer saved unseen.
ALTER TABLE import_uploads ADD COLUMN seen TEXT NOT NULL DEFAULT '';
