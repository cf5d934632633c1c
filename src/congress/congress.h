/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * congress: congresses, their participants and mandates, presence, and
 * (slice by slice, docs/congress.md) the agenda, speakers, motions,
 * amendments, the motion book, minutes and the projector. This header is
 * the module's C API, the only thing other modules include.
 */
#ifndef RUDDER_CONGRESS_H
#define RUDDER_CONGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db_conn;
struct module;

/* organization-wide: create congresses */
#define PERM_CONGRESS_MANAGE "congress.manage"
/* over one congress's scope */
#define PERM_CONGRESS_CHAIR "congress.chair"
#define PERM_CONGRESS_REGISTER "congress.register"
#define PERM_CONGRESS_DOOR "congress.door"
#define PERM_CONGRESS_PARTICIPATE "congress.participate"

extern const struct module congress_module;

enum congress_state { CS_PREPARING, CS_OPEN, CS_CLOSED, CS__MAX };

struct congress {
	int64_t id;
	int64_t scope_id; /* the platform scope its roles are granted over */
	const char *name, *place, *starts_on, *ends_on;
	const char *state; /* "preparing", "open", "closed" */
	int quorum_pct;	   /* share of delegates' weight present, 0..100 */
	int min_supporters;
	int speak_seconds;
	bool first_speakers_first;
	/* after it (unix time; 0: none) only the chair enters motions
	 * (amendments) */
	int64_t motion_deadline, amendment_deadline;
	int64_t projected_amendment; /* on the projector; 0: none */
	int64_t version;
};

/* Congress id: DB_OK, DB_NOTFOUND, or negative (strings arena-owned). */
int congress_get(struct db_conn *c, struct arena *a, int64_t id,
		 struct congress *out);

/* Presence: the checked weight of delegates present and of all
 * delegates (the quorum compares the two), and how many people are in. */
struct congress_presence {
	int64_t weight_present, weight_total;
	int64_t people_present, people_total;
};
int congress_presence(struct db_conn *c, int64_t congress,
		      struct congress_presence *out);

#endif
