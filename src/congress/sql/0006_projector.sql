-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The amendment the chair puts on the projector (NULL: none), beside the
-- motion in debate under the current item.
ALTER TABLE congresses ADD COLUMN projected_amendment INTEGER REFERENCES amendments(id);
