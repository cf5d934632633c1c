/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit: the append-only, hash-chained log of what was done and by whom:
 * sign-ins and failed sign-ins, grants and revocations, views and exports
 * of personal data, backups, poll openings and closings.
 *
 * Row n's hash is a BLAKE2b keyed with the audit subkey over row n-1's
 * hash and row n's fields; ids run 1, 2, 3 ... without gaps; audit_head
 * keeps the last id and hash under a MAC. Altering, removing, inserting or
 * reordering rows breaks the chain, and `rudder audit verify` says where.
 * Without the data key nobody can forge a chain that verifies.
 *
 * Details are JSON that name objects by id ("user:12"), never by name,
 * email or address; what must be said of a person is sealed (audit_seal).
 */
#ifndef RUDDER_AUDIT_H
#define RUDDER_AUDIT_H

#include <jansson.h>
#include <stdint.h>

/* Reading the audit log (granted by roles: auth.h). */
#define PERM_AUDIT "audit.read"

struct arena;
struct db_conn;
struct db;
struct http_req;

/* Appends an entry. Runs in the caller's transaction when there is one
 * (so the entry commits or rolls back with the change it records), else
 * in its own. detail is stolen (may be NULL). Returns DB_OK or an error. */
int audit_add(struct db_conn *c, int64_t actor, const char *actor_label,
	      const char *action, const char *object, json_t *detail);
/* The actor label of an entry made through a personal access token:
 * this prefix and the token's name; the detail then holds "token": id. */
#define AUDIT_TOKEN_LABEL "token:"
/* The same with the request's account as actor (and, through a token,
 * the token's name as label and its id in the detail). */
int audit_rq(struct http_req *rq, struct db_conn *c, const char *action,
	     const char *object, json_t *detail);
/* The same at a given time (seconds; 0: now). */
int audit_add_at(struct db_conn *c, int64_t at, int64_t actor,
		 const char *actor_label, const char *action,
		 const char *object, json_t *detail);

/* Lookups (a search of the registry) come in numbers: written one by one,
 * each waiting for the chain's one writer and a flush to disk, they made
 * a search under load wait tens of milliseconds. audit_soon queues an
 * entry (its time: now) that a thread of its own writes with the others
 * waiting, in one transaction, within AUDIT_SOON_MS. detail is stolen.
 * DB_OK, or DB_RETRY when too many wait (the database has been away):
 * the caller then shows nothing. A crash loses at most the lookups of the
 * last AUDIT_SOON_MS; every other entry is written in its transaction. */
#define AUDIT_SOON_MS 100
int audit_soon(struct http_req *rq, const char *action, const char *object,
	       json_t *detail);
/* The actor label for rq ("anonymous", "", or a token's) and its detail
 * with the token's id added (detail is stolen; the result is new). */
const char *audit_rq_label(struct http_req *rq);
json_t *audit_rq_detail(struct http_req *rq, json_t *detail);
/* Writes every queued entry and stops the thread (at shutdown; the
 * database must still be open). */
void audit_soon_stop(void);

/* A value for a detail that names something personal (the text of a
 * search): sealed with the data key, as base64url, arena-owned. Put it
 * under a key ending in "_sealed"; the audit pages open it for the
 * auditor ("q_sealed" shows as "q"). The database holds only the
 * sealed form. */
char *audit_seal(struct arena *a, const char *text);
/* Opens the sealed values of a detail in place, for showing it. */
void audit_open_detail(struct arena *a, json_t *detail);

/* Checks the whole chain. Returns 0 when intact, with the count of rows;
 * else -1 with the first bad row's id (0 when the head is at fault) and a
 * reason in err. */
int audit_verify(struct db_conn *c, int64_t *rows_r, int64_t *bad_id_r,
		 char *err, size_t cap);

/* The last entry's id and hash (hex, 65 bytes), to note elsewhere: a
 * later verify that ends on another hash at that id shows a rewrite. */
int audit_head(struct db_conn *c, int64_t *last_r, char hex_r[65]);

/* ---- telling entries as sentences ----
 * The audit page says each entry as a sentence with names and links:
 * "Ainur took the Organizer role over Aktau from Yerlan". Each part of
 * rudder gives the sentences of its actions and the names of its
 * things; the composition root registers them (struct module's
 * audit_words for a module).
 *
 * A sentence is a msgid with placeholders: {actor} (who did it),
 * {object} (the entry's object, "user:12", named and linked), {KEY} (the
 * detail's KEY as it is) and {KEY:KIND} (the detail's KEY naming a thing
 * of KIND: {scope:scope}, {role:role}). */
struct audit_phrase {
	const char *action; /* "grant.revoked" */
	const char *msgid;
};
struct audit_noun {
	const char *kind; /* "user": objects "user:12", {KEY:user} */
	/* The name of the thing with this key ("12", "organizer") as rq may
	 * see it, arena-owned; NULL when it is gone or hidden from rq (the
	 * page then says "user #12"). */
	const char *(*name)(struct http_req *rq, const char *key);
	const char *href; /* with one %s for the key; NULL: no link */
	const char *label; /* msgid of the kind, for "person #12" */
};
struct audit_words {
	const struct audit_phrase *phrases; /* end with {0}; may be NULL */
	const struct audit_noun *nouns;     /* end with {0}; may be NULL */
};
/* Adds a part's words; called before serving. */
void audit_add_words(const struct audit_words *w);
/* An entry told for rq: the sentence as parts [{text, href}] (hrefs are
 * paths of ours; text is plain), new. */
json_t *audit_tell(struct http_req *rq, int64_t actor, const char *actor_name,
		   const char *actor_label, const char *action,
		   const char *object, json_t *detail);

/* An object ("person:5") named for rq, as the same parts. */
json_t *audit_name(struct http_req *rq, const char *object);

extern const struct route_table audit_routes;

#endif
