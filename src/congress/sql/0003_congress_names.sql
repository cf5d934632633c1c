-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A congress's name is the organization's one: a branch's conference
-- cannot take the national congress's name, which an administrator
-- granting roles over "Congress: <name>" would then confuse with it.
CREATE UNIQUE INDEX congresses_name ON congresses(name);
