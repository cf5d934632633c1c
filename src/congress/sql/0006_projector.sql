-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The amendment the chair puts on the projector (NULL: none), beside the
-- motion in debate under the current item. No foreign key: amendments
-- refer to motions and motions to congresses, and a key back would make
-- the tables a circle that a backup cannot order (amendments are never
-- deleted; the projector checks the amendment is the congress's).
ALTER TABLE congresses ADD COLUMN projected_amendment INTEGER;
