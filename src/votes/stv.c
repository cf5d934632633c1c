/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Single transferable vote by the Scottish rules (The Scottish Local
 * Government Elections Order 2007, Schedule 1, rules 45 to 52), written
 * from the Order; docs/votes.md says how each rule reads here. Every
 * number is an integer in units of 1/100,000 of a vote, so each value
 * the Order truncates to five decimal places is an integer division and
 * the rounds table is exact.
 *
 * Papers that rank the same candidates in the same order are counted as
 * one bundle: they always carry the same value and go to the same
 * candidate, so a bundle is never split, and a count of 100,000 papers
 * moves a few thousand bundles a stage.
 */
#include "votes/count.h"
#include "platform/core/core.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

struct bundle {
	int64_t n, v; /* papers, and each one's value */
	uint32_t off, len, pos;
};

struct held {
	uint32_t *b;
	size_t n, cap;
};

struct stv_result_mem {
	int32_t *eff; /* the papers' rankings as counted */
	struct bundle *bundles;
	struct held *held; /* per candidate: the bundles it holds */
	uint8_t *state;
	int64_t *vote;
	int64_t nt;
	int64_t **snap; /* the votes at the end of each round */
	size_t nsnap;
	size_t cap_rows;
	int round;
};

struct count {
	const struct blt *b;
	struct stv_result *r;
	struct stv_result_mem *m;
};

static void row(struct count *k, enum stv_action a, int cand,
		const char *msg)
{
	struct stv_result *r = k->r;
	struct stv_row *w;
	size_t n = (size_t)k->b->ncand;

	if (r->nrows == k->m->cap_rows) {
		k->m->cap_rows = k->m->cap_rows ? k->m->cap_rows * 2 : 64;
		r->rows = xrealloc(r->rows, k->m->cap_rows * sizeof(*r->rows));
	}
	w = &r->rows[r->nrows++];
	w->round = a == STV_END ? -1 : k->m->round;
	w->action = a;
	w->cand = cand;
	w->msg = msg ? xstrdup(msg) : NULL;
	w->tied = NULL;
	w->ntied = 0;
	w->tie_round = -1;
	w->quota = r->quota;
	w->nontransferable = k->m->nt;
	w->state = memcpy(xmalloc(n), k->m->state, n);
	w->vote = memcpy(xmalloc(n * sizeof(int64_t)), k->m->vote,
			 n * sizeof(int64_t));
}

static void hold(struct stv_result_mem *m, int c, uint32_t bi)
{
	struct held *h = &m->held[c];

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->b = xrealloc(h->b, h->cap * sizeof(*h->b));
	}
	h->b[h->n++] = bi;
}

/* A bundle to the next hopeful it ranks, or to the non-transferable. */
static void pass_on(struct count *k, uint32_t bi)
{
	struct stv_result_mem *m = k->m;
	struct bundle *u = &m->bundles[bi];

	while (u->pos < u->len && m->state[m->eff[u->off + u->pos]] != STV_HOPEFUL)
		u->pos++;
	if (u->pos == u->len) {
		m->nt += u->n * u->v;
		return;
	}
	m->vote[m->eff[u->off + u->pos]] += u->n * u->v;
	hold(m, m->eff[u->off + u->pos], bi);
}

static uint64_t hash_ranks(const int32_t *r, uint32_t n)
{
	uint64_t h = 1469598103934665603ULL ^ n;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ (uint32_t)r[i]) * 1099511628211ULL;
	return h;
}

/*
 * The papers as counted: withdrawn candidates are not on them; a paper
 * whose first preference is shared by several candidates is rejected
 * (rule 42(1)(b)); one whose next preference is shared stops there, as
 * a non-transferable paper (rule 43(1)(b)); identical rankings make one
 * bundle.
 */
static void bundle_papers(struct count *k)
{
	const struct blt *b = k->b;
	struct stv_result_mem *m = k->m;
	size_t nb = 0, cap = 1;
	uint32_t *table, used = 0;

	while (cap < b->nlines * 2 + 2)
		cap *= 2;
	table = xmalloc(cap * sizeof(*table));
	memset(table, 0xff, cap * sizeof(*table));
	m->eff = xmalloc((b->nranks + 1) * sizeof(*m->eff));
	m->bundles = xmalloc((b->nlines + 1) * sizeof(*m->bundles));
	for (size_t i = 0; i < b->nlines; i++) {
		const struct blt_line *l = &b->lines[i];
		const int32_t *in = b->ranks + l->off;
		int32_t *out = m->eff + used;
		uint32_t n = 0;
		bool rejected = false;

		for (uint32_t j = 0; j < l->n; j++) {
			int32_t c = in[j] & ~BLT_EQUAL;
			bool shared = false;

			if (b->withdrawn[c])
				continue;
			/* ranked equal with a standing candidate next to it */
			for (uint32_t q = j + 1; q < l->n && (in[q] & BLT_EQUAL); q++)
				shared |= !b->withdrawn[in[q] & ~BLT_EQUAL];
			for (uint32_t q = j; q > 0 && (in[q] & BLT_EQUAL); q--)
				shared |= !b->withdrawn[in[q - 1] & ~BLT_EQUAL];
			if (shared) {
				rejected = n == 0;
				break;
			}
			out[n++] = c;
		}
		if (rejected) {
			k->r->rejected += l->weight;
			continue;
		}
		if (n == 0) {
			k->r->empty += l->weight;
			continue;
		}
		k->r->valid += l->weight;
		uint64_t h = hash_ranks(out, n) & (cap - 1);
		for (;; h = (h + 1) & (cap - 1)) {
			struct bundle *u;
			if (table[h] == UINT32_MAX) {
				table[h] = (uint32_t)nb;
				m->bundles[nb++] = (struct bundle){
					l->weight, STV_UNIT, used, n, 0};
				used += n;
				break;
			}
			u = &m->bundles[table[h]];
			if (u->len == n &&
			    memcmp(m->eff + u->off, out, n * sizeof(*out)) == 0) {
				u->n += l->weight;
				break;
			}
		}
	}
	free(table);
	for (size_t i = 0; i < nb; i++)
		pass_on(k, (uint32_t)i);
}

static int seats_left(const struct count *k)
{
	return k->b->seats - k->r->nelected;
}

static int hopefuls(const struct count *k)
{
	int n = 0;

	for (int c = 0; c < k->b->ncand; c++)
		n += k->m->state[c] == STV_HOPEFUL;
	return n;
}

static bool complete(const struct count *k)
{
	return seats_left(k) <= 0 || hopefuls(k) <= seats_left(k);
}

static void elect(struct count *k, int c, enum stv_state s)
{
	k->m->state[c] = (uint8_t)s;
	k->r->elected[k->r->nelected++] = c;
	row(k, STV_ELECT, c, NULL);
}

static void new_round(struct count *k)
{
	struct stv_result_mem *m = k->m;
	size_t n = (size_t)k->b->ncand * sizeof(int64_t);

	m->snap = xrealloc(m->snap, (m->nsnap + 1) * sizeof(*m->snap));
	m->snap[m->nsnap++] = memcpy(xmalloc(n), m->vote, n);
	m->round++;
	row(k, STV_ROUND, -1, "New Round");
}

static void tie_row(struct count *k, const int *tied, int n, int pick,
		    int stage)
{
	row(k, STV_TIE, pick, NULL);
	struct stv_row *w = &k->r->rows[k->r->nrows - 1];
	int *t = xmalloc((size_t)n * sizeof(*t));

	memcpy(t, tied, (size_t)n * sizeof(*t));
	w->tied = t;
	w->ntied = n;
	w->tie_round = stage;
}

/*
 * Of tied candidates (rules 49 and 51): the one with the most votes (for
 * a surplus) or the fewest (for exclusion) at the most recent earlier
 * stage where exactly one of them did; at none, the first in the order
 * of lots. The choice is a TIE row before the action.
 */
static int break_tie(struct count *k, const int *tied, int n, bool fewest)
{
	int pick;

	if (n == 1)
		return tied[0];
	for (int s = (int)k->m->nsnap - 1; s >= 0; s--) {
		const int64_t *v = k->m->snap[s];
		int64_t best = v[tied[0]];
		int at = 0;

		for (int i = 1; i < n; i++)
			if (fewest ? v[tied[i]] < best : v[tied[i]] > best)
				best = v[tied[i]];
		for (int i = 0; i < n; i++)
			if (v[tied[i]] == best) {
				at++;
				pick = tied[i];
			}
		if (at == 1) {
			tie_row(k, tied, n, pick, s);
			return pick;
		}
	}
	pick = tied[0];
	for (int i = 1; i < n; i++)
		if (k->b->lot[tied[i]] < k->b->lot[pick])
			pick = tied[i];
	tie_row(k, tied, n, pick, -1);
	return pick;
}

/* Rule 48: the surplus of c, every paper it holds at value × surplus ÷
 * votes, truncated to five places. */
static void transfer_surplus(struct count *k, int c)
{
	struct stv_result_mem *m = k->m;
	struct held h = m->held[c];
	int64_t total = m->vote[c], surplus = total - k->r->quota;

	m->held[c] = (struct held){0};
	for (size_t i = 0; i < h.n; i++) {
		struct bundle *u = &m->bundles[h.b[i]];
		u->v = (int64_t)((u128)u->v * (u128)surplus / (u128)total);
		pass_on(k, h.b[i]);
	}
	free(h.b);
	m->vote[c] = k->r->quota;
	row(k, STV_TRANSFER, c, NULL);
}

/* Rule 50: an excluded candidate's papers, each at the value it came with. */
static void transfer_excluded(struct count *k, int c)
{
	struct stv_result_mem *m = k->m;
	struct held h = m->held[c];

	m->held[c] = (struct held){0};
	for (size_t i = 0; i < h.n; i++)
		pass_on(k, h.b[i]);
	free(h.b);
	m->vote[c] = 0;
	row(k, STV_TRANSFER, c, NULL);
}

static int by_vote_down(const void *x, const void *y, void *ctx)
{
	const int64_t *v = ctx;
	int a = *(const int *)x, b = *(const int *)y;

	if (v[a] != v[b])
		return v[a] < v[b] ? 1 : -1;
	return b - a; /* equal votes: the later in the file first */
}

static void count_loop(struct count *k)
{
	const struct blt *b = k->b;
	struct stv_result_mem *m = k->m;
	int *set = xmalloc((size_t)b->ncand * sizeof(*set));

	for (;;) {
		int n = 0;

		/* rule 47: whoever has the quota is elected */
		for (int c = 0; c < b->ncand; c++)
			if (m->state[c] == STV_HOPEFUL &&
			    m->vote[c] >= k->r->quota)
				set[n++] = c;
		qsort_r(set, (size_t)n, sizeof(*set), by_vote_down, m->vote);
		for (int i = 0; i < n && seats_left(k) > 0; i++)
			elect(k, set[i], STV_PENDING);
		if (complete(k))
			break;
		new_round(k);

		/* rule 48: the largest surplus first */
		n = 0;
		int64_t hi = -1, lo = INT64_MAX;
		for (int c = 0; c < b->ncand; c++)
			if (m->state[c] == STV_PENDING && m->vote[c] > hi)
				hi = m->vote[c];
		if (hi >= 0) {
			for (int c = 0; c < b->ncand; c++)
				if (m->state[c] == STV_PENDING && m->vote[c] == hi)
					set[n++] = c;
			int c = break_tie(k, set, n, false);
			m->state[c] = STV_ELECTED;
			row(k, STV_UNPEND, c, NULL);
			transfer_surplus(k, c);
			continue;
		}

		/* rule 50: exclude the lowest */
		for (int c = 0; c < b->ncand; c++)
			if (m->state[c] == STV_HOPEFUL && m->vote[c] < lo)
				lo = m->vote[c];
		for (int c = 0; c < b->ncand; c++)
			if (m->state[c] == STV_HOPEFUL && m->vote[c] == lo)
				set[n++] = c;
		int c = break_tie(k, set, n, true);
		m->state[c] = STV_DEFEATED;
		row(k, STV_DEFEAT, c, NULL);
		transfer_excluded(k, c);
		if (complete(k))
			break;
	}
	free(set);
}

struct stv_result *stv_count(const struct blt *b)
{
	struct stv_result *r = xcalloc(1, sizeof(*r));
	struct stv_result_mem *m = xcalloc(1, sizeof(*m));
	struct count k = {b, r, m};
	size_t nc = (size_t)b->ncand;

	r->blt = b;
	r->mem = m;
	r->elected = xcalloc(nc, sizeof(*r->elected));
	m->state = xcalloc(nc, 1);
	m->vote = xcalloc(nc, sizeof(*m->vote));
	m->held = xcalloc(nc, sizeof(*m->held));
	for (int c = 0; c < b->ncand; c++) {
		char *msg = xasprintf("Add %s: %s",
				      b->withdrawn[c] ? "withdrawn" : "eligible",
				      b->names[c]);
		m->state[c] = b->withdrawn[c] ? STV_WITHDRAWN : STV_HOPEFUL;
		row(&k, STV_LOG, c, msg);
		free(msg);
	}
	bundle_papers(&k);
	/* rule 46: the quota */
	r->quota = (r->valid / (b->seats + 1) + 1) * STV_UNIT;
	for (size_t i = 0; i < r->nrows; i++)
		r->rows[i].quota = r->quota;
	row(&k, STV_BEGIN, -1, NULL);
	count_loop(&k);

	/* rule 52: the last seats to the last hopefuls */
	for (int c = 0; c < b->ncand; c++)
		if (m->state[c] == STV_PENDING)
			m->state[c] = STV_ELECTED;
	if (hopefuls(&k) <= seats_left(&k))
		for (int c = 0; c < b->ncand; c++)
			if (m->state[c] == STV_HOPEFUL)
				elect(&k, c, STV_ELECTED);
	for (int c = 0; c < b->ncand; c++)
		if (m->state[c] == STV_HOPEFUL) {
			m->state[c] = STV_DEFEATED;
			row(&k, STV_DEFEAT, c, NULL);
		}
	row(&k, STV_END, -1, NULL);
	return r;
}

void stv_free(struct stv_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows; i++) {
		free((char *)r->rows[i].msg);
		free((void *)r->rows[i].tied);
		free((void *)r->rows[i].state);
		free((void *)r->rows[i].vote);
	}
	free(r->rows);
	free(r->elected);
	if (r->mem) {
		for (int c = 0; c < r->blt->ncand; c++)
			free(r->mem->held[c].b);
		for (size_t i = 0; i < r->mem->nsnap; i++)
			free(r->mem->snap[i]);
		free(r->mem->snap);
		free(r->mem->held);
		free(r->mem->state);
		free(r->mem->vote);
		free(r->mem->eff);
		free(r->mem->bundles);
		free(r->mem);
	}
	free(r);
}
