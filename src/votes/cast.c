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
 * of the order people voted in. A group is a few statements whatever
 * its size (write_batch), each cast's fate decided before anything is
 * written; cast by cast, a savepoint each (write_group), is what the
 * group falls back to, and how votes_cast_now casts alone.
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

/* The group cast by cast, a savepoint each, in one transaction (run
 * again whole after a conflict): where write_batch falls back to. */
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

/* ---- a group in a few statements ----
 * On PostgreSQL each statement is a round trip, so a group written cast
 * by cast (a savepoint and some six statements each) waits on the
 * network more than it writes. Here the fate of every cast of the group
 * is decided first, as write_group would have it in the same order:
 * its poll open, then its booth code there and not used by a cast
 * before it in the group, then none of its mandates marked, in the
 * database or by a cast before it (or twice in itself). Then only the
 * casts accepted are written, a statement per table for up to
 * DB_ROWS_MAX rows, which nothing may refuse; should one be refused
 * all the same, the caller writes the group again cast by cast. */

static const struct db_rows ROWS_CODES = {
	"SELECT code_index, participant_id FROM vote_codes WHERE code_index IN (",
	"$1", ", ", ")"};
static const struct db_rows ROWS_MARKED = {
	"SELECT mandate_id FROM poll_marks WHERE poll_id = $1 AND mandate_id IN (",
	"$2", ", ", ")"};
static const struct db_rows ROWS_CODE_USE = {
	"DELETE FROM vote_codes WHERE code_index IN (", "$1", ", ", ")"};
static const struct db_rows ROWS_MARK = {
	"INSERT INTO poll_marks (poll_id, mandate_id) VALUES ", "($1, $2)", ", ",
	""};
static const struct db_rows ROWS_BALLOT = {
	"INSERT INTO ballots (poll_id, k, receipt, content) VALUES ",
	"($1, $2, $3, $4)", ", ", ""};
static const struct db_rows ROWS_NAMED = {
	"INSERT INTO named_votes (poll_id, mandate_id, voter, weight, content) "
	"VALUES ",
	"($1, $2, $3, $4, $5)", ", ", ""};

/* A booth code some casts of the group bring. */
struct code_key {
	const unsigned char *index; /* BLIND_LEN bytes */
	int64_t owner;		    /* whose the database says it is; 0: none */
	bool used;		    /* by a cast accepted in the group */
};
/* A mandate some casts of the group vote with. */
struct mark_key {
	int64_t poll, mandate;
	bool taken;   /* marked in the database or by a cast accepted */
	size_t stamp; /* the last cast that claimed it, + 1 */
};
/* What the group's cast i brings: its code and its mandates' keys. */
struct claim {
	struct code_key *code;	/* NULL: no code */
	struct mark_key **marks; /* v->n */
};
struct ballot_row {
	int64_t poll;
	const unsigned char *k, *receipt;
	const char *content;
};
struct batch {
	struct group *g;
	struct claim *claims;
	struct code_key *codes, **used;
	size_t ncodes, nused;
	struct mark_key *marks;
	size_t nmarks;
	struct mark_key **marked; /* the accepted casts' mandates, in order */
	size_t nmarked;
	struct ballot_row *ballots;
	size_t nballots;
	struct votes_cast **named; /* per named row, its cast and mandate */
	size_t *named_at, nnamed;
};

/* Statement rows: row i's values bound from placeholder k, and each
 * row a statement gives back read. */
typedef void (*rows_bind_fn)(struct db_stmt *st, int k, size_t i, void *arg);
typedef void (*rows_read_fn)(struct db_stmt *st, void *arg);

/* t over n rows (m values each, after the head's: key at $1 when head
 * is 1) in as few statements as it takes. A lookup (pad) takes the
 * rows past the last in its last statement as more of the last, which
 * changes nothing (an IN list), for one statement instead of one per
 * power of two. Returns the rows changed in all, or a negative code. */
static int rows_run(struct db_conn *c, const struct db_rows *t, int head,
		    int64_t key, int m, size_t n, bool pad, rows_bind_fn bind,
		    rows_read_fn read, void *arg)
{
	int changed = 0;

	for (size_t done = 0; done < n;) {
		size_t rows = 1, left = n - done;
		struct db_stmt *st;
		int rc;

		while (pad && rows < left && rows < DB_ROWS_MAX)
			rows *= 2;
		st = db_prepare(c, db_rows_sql(t, pad ? rows : left, &rows));
		if (!st)
			return DB_ERROR;
		if (head)
			db_bind_int(st, 1, key);
		for (size_t j = 0; j < rows; j++)
			bind(st, head + 1 + (int)j * m,
			     done + (j < left ? j : left - 1), arg);
		while ((rc = db_step(st)) == DB_ROW)
			if (read)
				read(st, arg);
		db_reset(st);
		if (rc != DB_DONE)
			return rc;
		changed += db_changes(c);
		done += rows < left ? rows : left;
	}
	return changed;
}

static int code_cmp(const void *x, const void *y)
{
	return memcmp(((const struct code_key *)x)->index,
		      ((const struct code_key *)y)->index, BLIND_LEN);
}

static int mark_cmp(const void *x, const void *y)
{
	const struct mark_key *a = x, *b = y;

	if (a->poll != b->poll)
		return a->poll < b->poll ? -1 : 1;
	return a->mandate < b->mandate ? -1 : a->mandate > b->mandate;
}

/* Sorts keys (n of size bytes) and keeps one of each: the count left. */
static size_t distinct(void *keys, size_t n, size_t size,
		       int (*cmp)(const void *, const void *))
{
	char *k = keys;
	size_t out = 0;

	qsort(keys, n, size, cmp);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || cmp(k + (out - 1) * size, k + i * size) != 0)
			memmove(k + out++ * size, k + i * size, size);
	return out;
}

static void bind_code(struct db_stmt *st, int k, size_t i, void *arg)
{
	struct batch *b = arg;

	db_bind_blob(st, k, b->codes[i].index, BLIND_LEN);
}

static void read_code(struct db_stmt *st, void *arg)
{
	struct batch *b = arg;
	size_t len;
	struct code_key key = {db_col_blob(st, 0, &len), 0, false}, *found;

	if (len != BLIND_LEN)
		return;
	found = bsearch(&key, b->codes, b->ncodes, sizeof(key), code_cmp);
	if (found)
		found->owner = db_col_int(st, 1);
}

/* the run of marks being looked up: b->marks from here */
struct marks_run {
	struct batch *b;
	size_t from;
	int64_t poll;
};

static void bind_mandate(struct db_stmt *st, int k, size_t i, void *arg)
{
	struct marks_run *r = arg;

	db_bind_int(st, k, r->b->marks[r->from + i].mandate);
}

static void read_marked(struct db_stmt *st, void *arg)
{
	struct marks_run *r = arg;
	struct mark_key key = {r->poll, db_col_int(st, 0), false, 0}, *found;

	found = bsearch(&key, r->b->marks, r->b->nmarks, sizeof(key), mark_cmp);
	if (found)
		found->taken = true;
}

static void bind_used(struct db_stmt *st, int k, size_t i, void *arg)
{
	struct batch *b = arg;

	db_bind_blob(st, k, b->used[i]->index, BLIND_LEN);
}

static void bind_mark(struct db_stmt *st, int k, size_t i, void *arg)
{
	struct batch *b = arg;

	db_bind_int(st, k, b->marked[i]->poll);
	db_bind_int(st, k + 1, b->marked[i]->mandate);
}

static void bind_ballot(struct db_stmt *st, int k, size_t i, void *arg)
{
	const struct ballot_row *r = &((struct batch *)arg)->ballots[i];

	db_bind_int(st, k, r->poll);
	db_bind_blob(st, k + 1, r->k, 16);
	db_bind_blob(st, k + 2, r->receipt, RECEIPT_BYTES);
	db_bind_text(st, k + 3, r->content);
}

static void bind_named(struct db_stmt *st, int k, size_t i, void *arg)
{
	struct batch *b = arg;
	const struct votes_cast *v = b->named[i];
	size_t m = b->named_at[i];

	db_bind_int(st, k, v->poll_id);
	db_bind_int(st, k + 1, v->mandates[m]);
	db_bind_text(st, k + 2, v->voters && v->voters[m] ? v->voters[m] : v->voter);
	db_bind_int(st, k + 3, v->weights[m]);
	db_bind_text(st, k + 4, v->content);
}

/* Each cast's poll open, or the cast DB_STALE: one look per poll. */
static int states(struct db_conn *c, struct arena *a, struct group *g)
{
	static const struct db_map TEXT[] = {DB_COL_SELF(const char *),
					     DB_COLS_END};

	for (size_t i = 0; i < g->n; i++) {
		struct votes_cast *v = g->v[i];
		const char *state = NULL;
		size_t j = 0;
		int rc;

		while (j < i && g->v[j]->poll_id != v->poll_id)
			j++;
		if (j < i) {
			v->status = g->v[j]->status;
			continue;
		}
		rc = db_row(c, a, TEXT, &state, SQL_STATE, "i", v->poll_id);
		if (rc == DB_NOTFOUND || (rc == DB_OK && strcmp(state, "open") != 0))
			rc = DB_STALE;
		if (rc != DB_OK && rc != DB_STALE)
			return rc;
		v->status = rc;
	}
	return DB_OK;
}

/* The codes and mandates the open casts bring, each once, sorted, and
 * what the database holds of them. */
static int look_up(struct db_conn *c, struct arena *a, struct batch *b)
{
	struct group *g = b->g;
	size_t nmand = 0;
	int rc;

	for (size_t i = 0; i < g->n; i++)
		nmand += g->v[i]->status == DB_OK ? g->v[i]->n : 0;
	b->codes = arena_alloc(a, (g->n + 1) * sizeof(*b->codes));
	b->marks = arena_alloc(a, (nmand + 1) * sizeof(*b->marks));
	for (size_t i = 0; i < g->n; i++) {
		struct votes_cast *v = g->v[i];

		if (v->status != DB_OK)
			continue;
		if (v->code_index)
			b->codes[b->ncodes++] =
				(struct code_key){v->code_index, 0, false};
		for (size_t m = 0; m < v->n; m++)
			b->marks[b->nmarks++] = (struct mark_key){
				v->poll_id, v->mandates[m], false, 0};
	}
	b->ncodes = distinct(b->codes, b->ncodes, sizeof(*b->codes), code_cmp);
	b->nmarks = distinct(b->marks, b->nmarks, sizeof(*b->marks), mark_cmp);
	rc = rows_run(c, &ROWS_CODES, 0, 0, 1, b->ncodes, true, bind_code,
		     read_code, b);
	/* the mandates poll by poll (sorted: each poll's a run) */
	for (size_t from = 0, to; rc >= 0 && from < b->nmarks; from = to) {
		struct marks_run r = {b, from, b->marks[from].poll};

		for (to = from; to < b->nmarks && b->marks[to].poll == r.poll; to++)
			;
		rc = rows_run(c, &ROWS_MARKED, 1, r.poll, 1, to - from, true,
			      bind_mandate, read_marked, &r);
	}
	return rc < 0 ? rc : DB_OK;
}

/* Each open cast in the group's order: refused (v->status) as the cast
 * alone would be, or accepted, its code and mandates then taken and its
 * rows counted. */
static void decide(struct arena *a, struct batch *b)
{
	struct group *g = b->g;
	size_t units = 0;

	b->claims = arena_alloc(a, g->n * sizeof(*b->claims));
	b->used = arena_alloc(a, (b->ncodes + 1) * sizeof(*b->used));
	b->marked = arena_alloc(a, (b->nmarks + 1) * sizeof(*b->marked));
	for (size_t i = 0; i < g->n; i++) {
		struct votes_cast *v = g->v[i];
		struct claim *cl = &b->claims[i];

		if (v->status != DB_OK)
			continue;
		if (v->code_index) {
			struct code_key key = {v->code_index, 0, false};
			cl->code = bsearch(&key, b->codes, b->ncodes, sizeof(key),
					   code_cmp);
			assert(cl->code);
			if (cl->code->used || cl->code->owner != v->code_participant) {
				v->status = DB_NOTFOUND;
				continue;
			}
		}
		cl->marks = arena_alloc(a, (v->n + 1) * sizeof(*cl->marks));
		for (size_t m = 0; m < v->n && v->status == DB_OK; m++) {
			struct mark_key key = {v->poll_id, v->mandates[m], false, 0};
			struct mark_key *k = bsearch(&key, b->marks, b->nmarks,
						     sizeof(key), mark_cmp);
			assert(k);
			if (k->taken || k->stamp == i + 1)
				v->status = DB_CONSTRAINT;
			k->stamp = i + 1;
			cl->marks[m] = k;
		}
		if (v->status != DB_OK)
			continue;
		if (cl->code) {
			cl->code->used = true;
			b->used[b->nused++] = cl->code;
		}
		for (size_t m = 0; m < v->n; m++) {
			cl->marks[m]->taken = true;
			b->marked[b->nmarked++] = cl->marks[m];
			units += (size_t)v->weights[m];
		}
		b->nnamed += v->named ? v->n : 0;
	}
	b->ballots = arena_alloc(a, (units + 1) * sizeof(*b->ballots));
	b->named = arena_alloc(a, (b->nnamed + 1) * sizeof(*b->named));
	b->named_at = arena_alloc(a, (b->nnamed + 1) * sizeof(*b->named_at));
}

/* The accepted casts' ballots, a random key and receipt each, the
 * receipts into v->receipts in order; the rows in an order of their
 * own (not even the group's); and a named poll's votes. */
static void fill(struct arena *a, struct batch *b)
{
	struct group *g = b->g;
	size_t nnamed = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct votes_cast *v = g->v[i];
		int64_t unit = 0;

		if (v->status != DB_OK)
			continue;
		for (size_t m = 0; m < v->n; m++) {
			for (int64_t w = 0; w < v->weights[m]; w++) {
				struct ballot_row *r = &b->ballots[b->nballots++];
				unsigned char *k = arena_alloc(a, 16);
				unsigned char *receipt =
					v->receipts + RECEIPT_BYTES * unit;

				randombytes_buf(k, 16);
				randombytes_buf(receipt, RECEIPT_BYTES);
				*r = (struct ballot_row){v->poll_id, k, receipt,
							 unit_content(v, unit++)};
			}
			if (v->named) {
				b->named[nnamed] = v;
				b->named_at[nnamed++] = m;
			}
		}
	}
	assert(nnamed == b->nnamed);
	for (size_t i = b->nballots; i > 1; i--) {
		size_t j = randombytes_uniform((uint32_t)i);
		struct ballot_row t = b->ballots[i - 1];

		b->ballots[i - 1] = b->ballots[j];
		b->ballots[j] = t;
	}
}

/* Writes the accepted casts: each statement must change the rows
 * expected, or the group is refused whole (DB_CONSTRAINT: the caller
 * writes it again cast by cast). */
static int write_accepted(struct db_conn *c, struct batch *b)
{
	const struct {
		const struct db_rows *t;
		int m;
		size_t n;
		bool pad;
		rows_bind_fn bind;
	} steps[] = {
		{&ROWS_CODE_USE, 1, b->nused, true, bind_used},
		{&ROWS_MARK, 2, b->nmarked, false, bind_mark},
		{&ROWS_BALLOT, 4, b->nballots, false, bind_ballot},
		{&ROWS_NAMED, 5, b->nnamed, false, bind_named},
	};

	for (size_t s = 0; s < ARRAY_LEN(steps); s++) {
		int rc = rows_run(c, steps[s].t, 0, 0, steps[s].m, steps[s].n,
				  steps[s].pad, steps[s].bind, NULL, b);

		if (rc < 0)
			return rc;
		if ((size_t)rc != steps[s].n) {
			log_warn("votes", "a group's write changed %d rows, not %zu",
				 rc, steps[s].n);
			return DB_CONSTRAINT;
		}
	}
	return DB_OK;
}

/* The group in a few statements (one transaction; run again whole
 * after a conflict, deciding afresh). */
static int write_batch(struct db_conn *c, void *arg)
{
	struct batch b = {.g = arg};
	struct arena *a = arena_new();
	int rc;

	for (size_t i = 0; i < b.g->n; i++)
		b.g->v[i]->status = DB_OK;
	rc = states(c, a, b.g);
	if (rc == DB_OK)
		rc = look_up(c, a, &b);
	if (rc == DB_OK) {
		decide(a, &b);
		fill(a, &b);
		rc = write_accepted(c, &b);
	}
	arena_free(a);
	return rc;
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
		rc = db_tx(c, write_batch, &g);
		if (rc == DB_CONSTRAINT || rc == DB_ERROR) {
			/* what was decided did not hold: cast by cast */
			log_warn("votes", "a group of %zu casts is written again one "
				 "at a time", g.n);
			rc = db_tx(c, write_group, &g);
		}
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
