/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Casting (docs/votes.md, "Casting" and "The secrecy model"). A cast is
 * a mark per mandate ("it voted") and, per unit of the mandate's weight,
 * a ballot with a random key and a random receipt that only the voter
 * is shown — written in one transaction, so after any crash marks and
 * ballots agree, with nothing that links one to the other.
 *
 * Casts that arrive together are committed together (a group commit):
 * the first waiting thread takes every cast queued so far, writes them
 * in one transaction in shuffled order, and wakes their threads; casts
 * arriving meanwhile make the next group. One commit (one fsync) then
 * serves a whole group, and the order rows are written in says nothing
 * of the order people voted in.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* a group's most casts: bounds one transaction's length */
#define GROUP_MAX 512

static const char SQL_STATE[] = "SELECT state FROM polls WHERE id = $1";
static const char SQL_MARK[] =
	"INSERT INTO poll_marks (poll_id, mandate_id) VALUES ($1, $2) "
	"ON CONFLICT DO NOTHING RETURNING mandate_id";
static const char SQL_CODE_USE[] =
	"DELETE FROM vote_codes WHERE code_index = $1 AND participant_id = $2";
static const char SQL_BALLOT[] =
	"INSERT INTO ballots (poll_id, k, receipt, content) VALUES ($1, $2, "
	"$3, $4)";
static const char SQL_NAMED[] =
	"INSERT INTO named_votes (poll_id, mandate_id, voter, weight, content) "
	"VALUES ($1, $2, $3, $4, $5)";

/* The casts waiting to be written. Each waits on its own condition: a
 * group's writer wakes the group's casts and the first of the next
 * group, not every thread waiting. */
static struct {
	pthread_mutex_t mu;
	struct votes_cast *head, **tail;
	bool busy;
} queue = {PTHREAD_MUTEX_INITIALIZER, NULL, &queue.head, false};

/* Marks each mandate: DB_CONSTRAINT when one has voted already. */
static int mark(struct db_conn *c, struct votes_cast *v)
{
	for (size_t i = 0; i < v->n; i++) {
		int64_t got;
		int rc = db_int(c, &got, SQL_MARK, "ii", v->poll_id, v->mandates[i]);
		if (rc != DB_OK)
			return rc == DB_NOTFOUND ? DB_CONSTRAINT : rc;
	}
	return DB_OK;
}

/* What unit ballot u (counting over the mandates in order) says. */
static const char *unit_content(const struct votes_cast *v, int64_t u)
{
	for (size_t i = 0; i < v->nparts; i++) {
		if (u < v->units[i])
			return v->contents[i];
		u -= v->units[i];
	}
	return v->content;
}

static int ballots(struct db_conn *c, struct votes_cast *v)
{
	int64_t unit = 0;

	for (size_t i = 0; i < v->n; i++) {
		for (int64_t w = 0; w < v->weights[i]; w++) {
			unsigned char k[16];
			const char *content = unit_content(v, unit);
			unsigned char *r = v->receipts + RECEIPT_BYTES * unit++;
			int rc;

			randombytes_buf(k, sizeof(k));
			randombytes_buf(r, RECEIPT_BYTES);
			rc = db_run(c, SQL_BALLOT, "ibbt", v->poll_id, k, sizeof(k),
				    r, (size_t)RECEIPT_BYTES, content);
			if (rc < 0)
				return rc;
		}
		if (v->named) {
			int rc = db_run(c, SQL_NAMED, "iitit", v->poll_id,
					v->mandates[i],
					v->voters && v->voters[i] ? v->voters[i] : v->voter,
					v->weights[i], v->content);
			if (rc < 0)
				return rc;
		}
	}
	return DB_OK;
}

struct group {
	struct votes_cast **v;
	size_t n;
};

/* One cast, all or nothing (a savepoint in the group's transaction):
 * the poll open, its booth code (if any) unused, each mandate marked,
 * the ballots. A refusal is v->status and undoes only this cast. */
static int one_cast(struct db_conn *c, void *arg)
{
	struct votes_cast *v = arg;
	static const struct db_map TEXT[] = {DB_COL_SELF(const char *),
					     DB_COLS_END};
	struct arena *a = arena_new();
	const char *state = NULL;
	int rc = db_row(c, a, TEXT, &state, SQL_STATE, "i", v->poll_id);

	if (rc == DB_NOTFOUND || (rc == DB_OK && strcmp(state, "open") != 0))
		rc = DB_STALE;
	arena_free(a);
	if (rc == DB_OK && v->code_index) {
		rc = db_run(c, SQL_CODE_USE, "bi", v->code_index, (size_t)BLIND_LEN,
			    v->code_participant);
		rc = rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
	}
	if (rc == DB_OK)
		rc = mark(c, v);
	if (rc == DB_OK)
		rc = ballots(c, v);
	v->status = rc;
	return rc;
}

int votes_cast_now(struct db_conn *c, struct votes_cast *v)
{
	assert(db_in_tx(c));
	return db_tx(c, one_cast, v);
}

/* One transaction for the group; run again whole after a conflict. */
static int write_group(struct db_conn *c, void *arg)
{
	struct group *g = arg;

	for (size_t i = 0; i < g->n; i++) {
		struct votes_cast *v = g->v[i];
		int rc = db_tx(c, one_cast, v); /* a savepoint */

		v->status = rc;
		/* refusals are the cast's; anything else fails the group */
		if (rc != DB_OK && rc != DB_STALE && rc != DB_CONSTRAINT &&
		    rc != DB_NOTFOUND)
			return rc;
	}
	return DB_OK;
}

static void shuffle(struct votes_cast **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = randombytes_uniform((uint32_t)i);
		struct votes_cast *t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* One "voted" per congress of the group: the projector's count. */
static void tell(struct votes_cast **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool told = false;
		char ch[32], id[24];

		for (size_t j = 0; j < i && !told; j++)
			told = v[j]->congress_id == v[i]->congress_id &&
			       v[j]->status == DB_OK;
		if (told || v[i]->status != DB_OK)
			continue;
		snprintf(ch, sizeof(ch), "congress:%lld", (long long)v[i]->congress_id);
		snprintf(id, sizeof(id), "%lld", (long long)v[i]->poll_id);
		http_sse_publish(ch, "voted", id);
	}
}

int votes_cast_run(struct db_conn *c, struct votes_cast *v)
{
	struct votes_cast *list[GROUP_MAX];

	assert(!db_in_tx(c));
	v->done = false;
	v->next = NULL;
	v->status = DB_ERROR;
	pthread_cond_init(&v->cv, NULL);
	pthread_mutex_lock(&queue.mu);
	*queue.tail = v;
	queue.tail = &v->next;
	while (!v->done) {
		struct group g = {list, 0};
		int rc;

		if (queue.busy) {
			pthread_cond_wait(&v->cv, &queue.mu);
			continue;
		}
		queue.busy = true;
		while (queue.head && g.n < GROUP_MAX) {
			list[g.n++] = queue.head;
			queue.head = queue.head->next;
		}
		if (!queue.head)
			queue.tail = &queue.head;
		pthread_mutex_unlock(&queue.mu);

		shuffle(list, g.n);
		rc = db_tx(c, write_group, &g);
		for (size_t i = 0; i < g.n; i++)
			if (rc != DB_OK)
				list[i]->status = rc;
		if (rc == DB_OK)
			tell(list, g.n);

		pthread_mutex_lock(&queue.mu);
		for (size_t i = 0; i < g.n; i++) {
			list[i]->done = true;
			if (list[i] != v)
				pthread_cond_signal(&list[i]->cv);
		}
		queue.busy = false;
		/* the first waiting writes the next group */
		if (queue.head)
			pthread_cond_signal(&queue.head->cv);
	}
	pthread_mutex_unlock(&queue.mu);
	pthread_cond_destroy(&v->cv);
	return v->status;
}

/* "1,4" → positions ascending, each 1..nopt, at most max: true. */
static bool positions(const char *s, size_t nopt, int max, bool many)
{
	int64_t last = 0;
	int count = 0;

	while (*s) {
		int64_t p = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 5) {
			p = p * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || p < 1 || (size_t)p > nopt || p <= last)
			return false;
		last = p;
		if (++count > max)
			return false;
		if (*s == ',' && many && s[1])
			s++;
		else if (*s)
			return false;
	}
	return count > 0;
}

/* "3 1 2": distinct positions, each 1..nopt. */
static bool ranking(const char *s, size_t nopt)
{
	bool seen[POLL_MAX_OPTIONS + 1] = {0};
	int count = 0;

	while (*s) {
		int64_t p = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 5) {
			p = p * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || p < 1 || (size_t)p > nopt ||
		    p > POLL_MAX_OPTIONS || seen[p])
			return false;
		seen[p] = true;
		count++;
		if (*s == ' ' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return count > 0;
}

const char *votes_content_ok(const struct poll *p, size_t nopt,
			     const char *content)
{
	if (!content || !*content)
		return N_("Choose how you vote.");
	if (strcmp(p->kind, "yna") == 0)
		return strcmp(content, "Y") == 0 || strcmp(content, "N") == 0 ||
				       strcmp(content, "A") == 0
			       ? NULL
			       : N_("Vote yes, no or abstain.");
	if (strcmp(content, "A") == 0)
		return NULL; /* an abstention, whatever the kind */
	if (strcmp(p->kind, "choice") == 0)
		return positions(content, nopt, 1, false)
			       ? NULL
			       : N_("Choose one of the options, or abstain.");
	if (strcmp(p->kind, "approval") == 0)
		return positions(content, nopt, p->max_choices, true)
			       ? NULL
			       : N_("Choose no more options than the poll allows, or abstain.");
	return ranking(content, nopt)
		       ? NULL
		       : N_("Rank the candidates 1, 2, 3 … each at most once.");
}
