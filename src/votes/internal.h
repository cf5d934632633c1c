/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module inside: its store (all its SQL, store.c), casting
 * (cast.c), the count of a closed poll (tally.c), routes and handlers.
 * Other modules include votes.h only.
 */
#ifndef RUDDER_VOTES_INTERNAL_H
#define RUDDER_VOTES_INTERNAL_H

#include "congress/congress.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/platform.h"
#include "votes/count.h"
#include "votes/majority.h"
#include "votes/votes.h"

#include <jansson.h>
#include <pthread.h>

#define POLL_MAX_QUESTION 500
#define POLL_MAX_OPTIONS 100
#define POLL_MAX_LABEL 200
/* a secret ballot's receipt: 16 random bytes, shown as 26 base32 letters */
#define RECEIPT_BYTES 16

/* ---- polls (store.c) ---- */
struct poll {
	int64_t id, congress_id;
	const char *subject; /* "question", "motion", "amendment", "item" */
	int64_t subject_id;  /* 0 for a question */
	int64_t item_id;     /* the agenda item it was taken under; 0 */
	const char *question;
	const char *kind; /* "yna", "choice", "approval", "ranked" */
	int seats, max_choices;
	bool secret, publish_receipts;
	const char *majority, *base; /* majority.h's names */
	const char *state;	     /* "draft", "open", "closed", "void" */
	int64_t opened_at, closed_at;
	int64_t weight_present, weight_total; /* at the close */
	int quorum_pct;
	const char *result;	    /* the count (JSON), "" before the close */
	const char *ballots_digest; /* hex SHA-256 of the ballot list; "" */
	int64_t created_by, version, created_at;
	int64_t marks; /* mandates that have voted (votes_polls'; votes_poll_get leaves 0) */
};
struct poll_option {
	int64_t position;
	const char *label;
};
/* A new poll in draft with its n options (labels): DB_OK and *id_r. */
int votes_poll_add(struct db_conn *c, const struct poll *in,
		   const char *const *options, size_t n, int64_t *id_r);
/* Congress's polls, newest first (arena array). */
int votes_polls(struct db_conn *c, struct arena *a, int64_t congress,
		struct poll **out_r, size_t *n_r);
/* Poll id, its marks left 0 (what casting reads). */
int votes_poll_get(struct db_conn *c, struct arena *a, int64_t id,
		   struct poll *out);
/* How many mandates have voted in poll. */
int64_t votes_marks_count(struct db_conn *c, int64_t poll);
int votes_options(struct db_conn *c, struct arena *a, int64_t poll,
		  struct poll_option **out_r, size_t *n_r);
/* Moves p from its state to to ("open", "void"): DB_OK, DB_STALE when p
 * changed meanwhile. */
int votes_poll_move(struct db_conn *c, const struct poll *p, const char *to);
/* Which of the mandates (n) have voted in poll: marked[i] set. */
int votes_marked(struct db_conn *c, int64_t poll, const int64_t *mandates,
		 size_t n, bool *marked);

/* A closed poll's ballots: content and how many unit ballots hold it. */
struct tally_row {
	const char *content;
	int64_t n;
};
int votes_tally_rows(struct db_conn *c, struct arena *a, int64_t poll,
		     struct tally_row **out_r, size_t *n_r);
/* A named poll's votes, by voter. */
struct named_vote {
	const char *voter, *content;
	int64_t weight;
};
int votes_named(struct db_conn *c, struct arena *a, int64_t poll,
		struct named_vote **out_r, size_t *n_r);
/* Every ballot of poll in key order: fn(receipt, content, arg). */
int votes_ballots_each(struct db_conn *c, int64_t poll,
		       int (*fn)(const unsigned char *receipt,
				 const char *content, void *arg),
		       void *arg);
/* Ballots whose receipt is one of n (each RECEIPT_BYTES): their content
 * into out[i] (arena; NULL where none). */
int votes_ballots_by_receipt(struct db_conn *c, struct arena *a, int64_t poll,
			     const unsigned char *receipts, size_t n,
			     const char **out);

/* ---- casting (cast.c) ---- */
/* One request's cast: the mandates (n, with their weights) it votes
 * with, all the same way. */
struct votes_cast {
	int64_t poll_id, congress_id;
	const int64_t *mandates, *weights;
	size_t n;
	/* checked against the poll (votes_content_ok): every unit ballot's,
	 * unless the vote is split; a named poll's record either way (a
	 * split's is "Y:70 N:30 A:5") */
	const char *content;
	/* a split vote: contents[i] for units[i] units of weight, in turn
	 * over the mandates in order (the units add up to their weights);
	 * nparts 0: every unit votes content */
	const char *const *contents;
	const int64_t *units;
	size_t nparts;
	const char *voter; /* a named poll's: the delegate's name */
	/* per mandate, the name a named poll records (a proxy's giver
	 * beside its holder); NULL: voter for all */
	const char *const *voters;
	bool named;
	/* the receipts of the unit ballots, RECEIPT_BYTES each, as many as
	 * the weights add up to (the caller's buffer, filled) */
	unsigned char *receipts;
	/* out: DB_OK, DB_CONSTRAINT (a mandate has voted), DB_STALE (the
	 * poll is not open), DB_NOTFOUND (the booth code is used or
	 * replaced), or an error */
	int status;
	/* at the booth: the code's blind index (BLIND_LEN bytes), used up
	 * by the cast, and whose it must be; NULL otherwise */
	const unsigned char *code_index;
	int64_t code_participant;
	/* the queue's */
	struct votes_cast *next;
	pthread_cond_t cv;
	bool done;
};
/* Casts v with whatever else is being cast at that moment: one
 * transaction for all, in shuffled order, each cast all or nothing.
 * Returns v->status once it is committed (or refused). No transaction
 * may be open on c. Each group committed tells its congresses' pages
 * once ("voted" on the congress's channel): a hall voting makes one
 * event per commit, not one per ballot. */
int votes_cast_run(struct db_conn *c, struct votes_cast *v);
/* Casts v inside the transaction open on c (a savepoint): the demo's
 * way, and nothing a request may use (its order would be the voters'). */
int votes_cast_now(struct db_conn *c, struct votes_cast *v);
/* Is content a valid ballot for p (with nopt options)? NULL, or why (a
 * msgid). Contents: yna "Y", "N", "A"; choice "3" or "A"; approval
 * "1,4" (ascending) or "A"; ranked "3 1 2". */
const char *votes_content_ok(const struct poll *p, size_t nopt,
			     const char *content);

/* ---- the close (tally.c) ---- */
/* Closes p: its presence and the congress's quorum taken now, the
 * ballots counted, the result stored, the ballots rewritten in key
 * order, the digest of their list kept. DB_OK, DB_STALE. */
int votes_poll_close(struct db_conn *c, struct arena *a, const struct poll *p,
		     const struct congress *k);
/* The ballots of p (counted rows t, n) as an election for stv_count,
 * ties broken in the lot order seed draws; blt_free it. */
struct blt *votes_blt(const struct poll *p, const struct poll_option *opt,
		      size_t nopt, const struct tally_row *t, size_t n,
		      const unsigned char seed[32]);
/* The published list of p's ballots: CSV (receipt, ballot) or, for a
 * ranked poll, BLT, into b. */
void votes_ballot_list(struct db_conn *c, struct arena *a, const struct poll *p,
		       bool blt, struct buf *b);

/* ---- the voter's side (ballot.c) ---- */
/* Whose mandates vote: a delegate's checked ones, which have voted in
 * the poll, and (after a cast) what it cast. */
struct votes_standing {
	bool delegate, present;
	struct participant me;
	struct mandate *m; /* the checked ones, the proxies' after the own */
	const char **via;  /* per mandate: its giver's name (a proxy) or NULL */
	size_t n;
	const char *handed_to; /* the own vote's holder in this poll, or NULL */
	bool split;	       /* may this voter split their votes here */
	bool *voted;
	size_t unvoted;
	int64_t unvoted_weight;
	size_t cast;
	int64_t cast_weight;
};
/* me: the voter (NULL: none); p: the poll (NULL: mandates only). */
void votes_standing(struct http_req *rq, const struct poll *p,
		    const struct participant *me, struct votes_standing *s);
/* Why s cannot vote in an open poll now (a msgid), or NULL. */
const char *votes_cannot_vote(const struct votes_standing *s);
/* The ballot form's data; code: the booth's one-time code, sent again
 * with it (NULL on a delegate's own page). */
json_t *votes_ballot_json(struct http_req *rq, const struct poll *p,
			  const struct poll_option *opt, size_t nopt,
			  const struct votes_standing *s, const char *code);
/* A receipt as shown: 26 letters in groups of five. */
const char *votes_receipt_text(struct arena *a, const unsigned char *r);
/* A page showing poll p again with status and a note (a msgid). */
typedef void (*votes_page_fn)(struct http_req *rq, struct http_resp *rs,
			      int status, const struct congress *k,
			      const struct poll *p, json_t *receipts,
			      const char *note);
/* Casts the request's vote (fields vote, choice, rank, mandate) with s's
 * mandates, using up the booth code code_index when not NULL: the
 * receipts (new; empty when the poll gives none), or NULL with the
 * refusal answered (a form's mistake through again). */
json_t *votes_cast_request(struct http_req *rq, struct http_resp *rs,
			   const struct congress *k, const struct poll *p,
			   struct votes_standing *s,
			   const unsigned char *code_index, votes_page_fn again);
/* A ballot's content as people read it: "Yes", an option's label,
 * "A > B > C" for a ranking, "Yes 70, No 30" for a split (arena). */
const char *votes_content_text(struct http_req *rq, const struct poll *p,
			       const struct poll_option *opt, size_t nopt,
			       const char *content);
/* A poll as JSON (opt: its options, for its page). */
json_t *votes_poll_json(struct http_req *rq, const struct poll *p,
			const struct poll_option *opt, size_t nopt);

/* ---- proxies and the voting rules (proxies.c) ---- */
struct vote_rules {
	int proxy_limit;  /* votes one delegate may hold for others; 0: none */
	bool split_votes; /* may several votes be split among ways */
	int64_t version;
};
/* The congress's rules (its defaults when it changed none). */
int votes_rules_get(struct db_conn *c, int64_t congress, struct vote_rules *out);
struct vote_proxy {
	int64_t id, giver_id, holder_id;
	int64_t poll_id; /* 0: every poll of the congress */
	const char *giver, *holder; /* their names */
	int64_t created_at;
};
/* The congress's proxies standing (neither revoked nor of someone
 * removed), oldest first. */
int votes_proxies_live(struct db_conn *c, struct arena *a, int64_t congress,
		       struct vote_proxy **out_r, size_t *n_r);
/* Of x (n), the proxy giver's vote follows in poll: the one for the
 * poll, else the one for the congress; NULL: none. */
const struct vote_proxy *votes_proxy_for(const struct vote_proxy *x, size_t n,
					 int64_t giver, int64_t poll);
/* The checked weight (and checked mandates) of delegates absent
 * whose vote in poll is held by one present: it counts as present. */
int64_t votes_proxied_present(struct db_conn *c, struct arena *a,
			      int64_t congress, int64_t poll,
			      int64_t *mandates_r);
void votes_proxies_page(struct http_req *rq, struct http_resp *rs);
void votes_proxy_give(struct http_req *rq, struct http_resp *rs);
void votes_proxy_revoke(struct http_req *rq, struct http_resp *rs);
void votes_rules_post(struct http_req *rq, struct http_resp *rs);

/* ---- pages ---- */
extern const struct route_table votes_routes;
extern const struct audit_words votes_audit_words;
void votes_polls_page(struct http_req *rq, struct http_resp *rs);
void votes_poll_new_page(struct http_req *rq, struct http_resp *rs);
void votes_poll_create(struct http_req *rq, struct http_resp *rs);
void votes_poll_page(struct http_req *rq, struct http_resp *rs);
void votes_poll_post(struct http_req *rq, struct http_resp *rs);
void votes_cast_post(struct http_req *rq, struct http_resp *rs);
void votes_ballots_csv(struct http_req *rq, struct http_resp *rs);
void votes_ballots_blt(struct http_req *rq, struct http_resp *rs);
void votes_receipt_check(struct http_req *rq, struct http_resp *rs);
void votes_api_polls(struct http_req *rq, struct http_resp *rs);
void votes_codes_page(struct http_req *rq, struct http_resp *rs);
void votes_codes_issue(struct http_req *rq, struct http_resp *rs);
void votes_booth_page(struct http_req *rq, struct http_resp *rs);
void votes_booth_open(struct http_req *rq, struct http_resp *rs);
void votes_booth_cast(struct http_req *rq, struct http_resp *rs);
/* "/congress/<c>/polls/<p>" */
const char *votes_poll_path(struct arena *a, const struct poll *p);
/* A closed poll's result as people read it: {verdict, adopted,
 * unanimous, lines, bars, elected, quota, rounds: {head, rows}, raw};
 * NULL before the close. */
json_t *votes_result_view(struct http_req *rq, const struct poll *p,
			  const struct poll_option *opt, size_t nopt);
/* The demo's polls in its open congress (demo.c): the module's demo
 * hook, run inside the demo's transaction after the congress's. 0, or
 * -1 with why in err. */
int votes_demo(struct db_conn *c, char *err, size_t cap);
/* the congress's projector and minutes (panels.c) */
extern const struct congress_extension votes_extension, votes_codes_extension,
	votes_proxies_extension;

#endif
