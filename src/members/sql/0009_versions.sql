-- SPDX-License-Identifier: AGPL-3.0-or-later
-- No lost updates: every record two officers can edit carries a version,
-- 1 when made and one more at each write. A write that names the version
-- it was read at (a form's hidden field, the API's If-Match) changes the
-- row only while that is still its version; otherwise it is refused (409)
-- and the writer is shown both. A branch's editable row is its branches
-- row (the tree's scopes row is the platform's).
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE unions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE branches ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
