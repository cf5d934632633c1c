/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * votes: polls and elections of a congress — yes/no/abstain, choices,
 * ranked ballots counted by STV — named or secret, with marks and
 * ballots nothing links (docs/votes.md). Built on congress.h. This
 * header is the module's C API; the count itself is count.h, the
 * majorities majority.h, both free of HTTP and SQL.
 */
#ifndef RUDDER_VOTES_H
#define RUDDER_VOTES_H

struct module;

extern const struct module votes_module;

#endif
