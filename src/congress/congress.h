/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * congress: congresses, their participants and mandates, presence, and
 * (slice by slice, docs/congress.md) the agenda, speakers, motions,
 * amendments, the motion book, minutes and the projector. This header is
 * the module's C API, the only thing other modules include.
 */
#ifndef RUDDER_CONGRESS_H
#define RUDDER_CONGRESS_H

#include <jansson.h>
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
 * delegates (the quorum compares the two), how many people are in, and
 * how many checked mandates the delegates present hold. */
struct congress_presence {
	int64_t weight_present, weight_total;
	int64_t people_present, people_total;
	int64_t mandates_present;
};
int congress_presence(struct db_conn *c, int64_t congress,
		      struct congress_presence *out);

/* ---- for the modules built on the congress (votes) ---- */
struct http_req;
struct http_resp;

struct participant {
	int64_t id, congress_id;
	const char *kind; /* "delegate", "visitor", "guest" */
	int64_t person_id, account_id; /* 0: none */
	const char *display_name;
	bool may_speak, present;
	int64_t present_since;
	int64_t version;
	int64_t weight;	  /* sum of checked mandates */
	int64_t mandates; /* how many, checked or not */
	int64_t removed_at;
};
/* The request's own participant in congress (by account), or DB_NOTFOUND. */
int congress_participant_of(struct db_conn *c, struct arena *a,
			    int64_t congress, int64_t account,
			    struct participant *out);
int congress_participant_get(struct db_conn *c, struct arena *a, int64_t id,
			     struct participant *out);
/* The congress's participants not removed, by name (arena array). */
int congress_participants(struct db_conn *c, struct arena *a, int64_t congress,
			  struct participant **out_r, size_t *n_r);

struct mandate {
	int64_t id, participant_id;
	const char *source; /* "branch", "union" */
	int64_t source_id;
	int64_t weight;
	int64_t checked_by, checked_at; /* 0: not checked */
};
/* Participant's mandates (arena array). */
int congress_mandates(struct db_conn *c, struct arena *a, int64_t participant,
		      struct mandate **out_r, size_t *n_r);

/* The congress of the request's {c} when the reader holds perm over it
 * (else 404 answered, as for a congress that does not exist): 0 or -1. */
int congress_load(struct http_req *rq, struct http_resp *rs, const char *perm,
		  struct congress *out);
json_t *congress_json(struct http_req *rq, const struct congress *k);
/* A request to the API that a page would refuse with status (>= 400):
 * answered as JSON (why beside field, when given) and true; false for a
 * page, which then shows the refusal itself. */
bool congress_api_refused(struct http_req *rq, struct http_resp *rs, int status,
			  const char *field, const char *why);
/* A change done: to the API the record (taken) with status; to a page,
 * flash (a msgid, or NULL) and the way to path. */
void congress_done(struct http_req *rq, struct http_resp *rs, int status,
		   json_t *record, const char *flash, const char *path);
/* A closed congress changes no more (but for its chair's settings):
 * false, with 409 answered. */
bool congress_writable(struct http_req *rq, struct http_resp *rs,
		       const struct congress *k);
/* Congress id changed: once the request's transaction commits, its open
 * pages (on every process) are told to fetch themselves again. */
void congress_changed(int64_t congress);

/* What a poll can be about, in congress: "motion", "amendment" or
 * "item" and its id. DB_OK with its label ("M3: Title", "M3-A2", an
 * item's title), its page's path and the agenda item it falls under (0:
 * none) in *out; DB_NOTFOUND when it is not this congress's. */
struct congress_subject {
	const char *label, *path;
	int64_t item_id;
};
int congress_subject_get(struct db_conn *c, struct arena *a, int64_t congress,
			 const char *kind, int64_t id,
			 struct congress_subject *out);
/* Everything of congress a poll can be about, for a chooser: its
 * agenda items, then its motions, each followed by its amendments
 * (arena array; kind as congress_subject_get takes it). */
struct congress_subject_ref {
	const char *kind;
	int64_t id;
	const char *label;
};
int congress_subjects(struct db_conn *c, struct arena *a, int64_t congress,
		      struct congress_subject_ref **out_r, size_t *n_r);
/* The agenda item under way (id 0 when none). */
int congress_item_current(struct db_conn *c, struct arena *a, int64_t congress,
			  int64_t *id_r, const char **title_r);

/*
 * What a module built on the congress adds to its pages: a link on the
 * congress's page, a panel on the projector, panels in the minutes under
 * each agenda item. A panel is JSON the congress renders as it is:
 * {heading, href, lines: [text], bars: [{label, value, pct, text}],
 * list: {items: [text]}, table: {caption, head: [text], rows: [{cells:
 * [text]}]}}, all optional but heading (Markdown minutes leave the
 * table out). Registered from the module's start.
 */
struct congress_extension {
	const char *link, *link_label; /* path below /congress/<id>; msgid */
	const char *link_perm; /* who sees the link (over the congress); NULL: all */
	/* the hall's screen: a panel or NULL */
	json_t *(*projector)(struct http_req *rq, const struct congress *k);
	/* the minutes: panels (an array, maybe empty) under item (0: under
	 * none) */
	json_t *(*minutes)(struct http_req *rq, const struct congress *k,
			   int64_t item);
};
void congress_extend(const struct congress_extension *x);

#endif
