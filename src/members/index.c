/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The in-memory member index (see index.h).
 *
 * Records live in one array; a record's searchable text (folded display
 * name, legal name, phone digits, email, separated by 0x1f) and display
 * name live in two string arenas. The records present at the last build
 * ("base") are sorted by folded display name in order[] and indexed by
 * trigram: for each of 2^20 buckets (a hash of three bytes), the ascending
 * positions of the records whose text holds such a trigram, delta-encoded
 * as varints. Records added since ("overlay") are checked one by one; a
 * changed record gets a new position and its old one is marked dead. When
 * the overlay grows past OVERLAY_MAX, a background thread builds a fresh
 * index from the database and swaps it in.
 *
 * A query walks the sorted records (merging the sorted overlay), testing
 * visibility and filters, and for a text query a bitmap of candidates from
 * the rarest trigram of the fragment, then the text itself. The API walks
 * in id order instead (by_id[], the base positions by id, and the overlay
 * sorted by id), from the id its cursor names. Everything is under one
 * read-write lock.
 */
#include "internal.h"
#include "platform/core/core.h"
#include "platform/db/db.h"
#include "platform/platform.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS (1u << 20)
#define OVERLAY_MAX 20000
#define SEP '\x1f'
#define GONE UINT32_MAX

struct rec {
	int64_t id;
	uint32_t branch;
	uint32_t text;   /* offset in texts */
	uint32_t name;   /* offset in names */
	uint32_t unions; /* offset in unions */
	uint16_t text_len;
	uint8_t nunions;
	uint8_t status;
	uint8_t dead;
};

struct idx {
	struct rec *recs;
	size_t n, cap, base_n, dead_n;
	char *texts;
	size_t texts_len, texts_cap;
	char *names;
	size_t names_len, names_cap;
	uint32_t *unions;
	size_t unions_len, unions_cap;
	uint32_t *order; /* base positions by name */
	uint32_t *rank;  /* base position -> its place in order */
	uint32_t *by_id; /* base positions by id */
	/* live people by branch and status: counts[branch * MS__MAX + s] */
	int64_t *counts;
	size_t ncount_branches;
	int64_t *hkeys;  /* id -> position, open addressing */
	uint32_t *hvals;
	size_t hcap, hused;
	uint32_t *boff; /* NBUCKETS + 1 offsets into post */
	uint8_t *post;
};

static struct idx *cur;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t rebuild_lock = PTHREAD_MUTEX_INITIALIZER;
static bool rebuilding;
static int64_t *replay; /* ids changed while a rebuild ran */
static size_t nreplay, capreplay;

/* The searchable text of a person. */
static void person_text(struct buf *b, const char *display, const char *legal,
			const char *phone, const char *email)
{
	text_fold_into(b, display);
	buf_putc(b, SEP);
	text_fold_into(b, legal ? legal : "");
	buf_putc(b, SEP);
	for (const char *p = phone ? phone : ""; *p; p++)
		if (*p >= '0' && *p <= '9')
			buf_putc(b, *p);
	buf_putc(b, SEP);
	text_fold_into(b, email ? email : "");
}

/* ---- building blocks ---- */

static uint32_t bucket_of(const unsigned char *t)
{
	uint32_t h = (uint32_t)t[0] * 2654435761u ^ (uint32_t)t[1] * 40503u ^
		     (uint32_t)t[2] * 2246822519u;
	h ^= h >> 15;
	return h & (NBUCKETS - 1);
}

static void idx_free(struct idx *x)
{
	if (!x)
		return;
	free(x->recs);
	free(x->texts);
	free(x->names);
	free(x->unions);
	free(x->order);
	free(x->rank);
	free(x->by_id);
	free(x->counts);
	free(x->hkeys);
	free(x->hvals);
	free(x->boff);
	free(x->post);
	free(x);
}

static void count(struct idx *x, const struct rec *r, int delta)
{
	if (r->branch >= x->ncount_branches) {
		size_t n = (size_t)r->branch + 64;
		x->counts = xrealloc(x->counts, n * MS__MAX * sizeof(*x->counts));
		memset(x->counts + x->ncount_branches * MS__MAX, 0,
		       (n - x->ncount_branches) * MS__MAX * sizeof(*x->counts));
		x->ncount_branches = n;
	}
	x->counts[(size_t)r->branch * MS__MAX + r->status] += delta;
}

static size_t hslot(const struct idx *x, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (x->hcap - 1);
}

static void hput(struct idx *x, int64_t id, uint32_t pos);

static void hgrow(struct idx *x)
{
	int64_t *ok = x->hkeys;
	uint32_t *ov = x->hvals;
	size_t oc = x->hcap;

	x->hcap = oc ? oc * 2 : 1024;
	x->hkeys = xcalloc(x->hcap, sizeof(*x->hkeys));
	x->hvals = xcalloc(x->hcap, sizeof(*x->hvals));
	x->hused = 0;
	for (size_t i = 0; i < oc; i++)
		if (ok[i])
			hput(x, ok[i], ov[i]);
	free(ok);
	free(ov);
}

static void hput(struct idx *x, int64_t id, uint32_t pos)
{
	size_t i;

	if ((x->hused + 1) * 2 > x->hcap)
		hgrow(x);
	for (i = hslot(x, id); x->hkeys[i] && x->hkeys[i] != id;
	     i = (i + 1) & (x->hcap - 1))
		;
	if (!x->hkeys[i])
		x->hused++;
	x->hkeys[i] = id;
	x->hvals[i] = pos;
}

static uint32_t hget(const struct idx *x, int64_t id)
{
	if (!x->hcap)
		return GONE;
	for (size_t i = hslot(x, id); x->hkeys[i];
	     i = (i + 1) & (x->hcap - 1))
		if (x->hkeys[i] == id)
			return x->hvals[i];
	return GONE;
}

static uint32_t append_str(char **arr, size_t *len, size_t *cap,
			   const char *s, size_t n)
{
	uint32_t off = (uint32_t)*len;

	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 1 << 16;
		*arr = xrealloc(*arr, *cap);
	}
	memcpy(*arr + *len, s, n);
	(*arr)[*len + n] = '\0';
	*len += n + 1;
	return off;
}

/* Adds a record at the end; returns its position. */
static uint32_t add_rec(struct idx *x, int64_t id, int64_t branch, int status,
			const char *display, const char *text, size_t tlen,
			const int64_t *unions, size_t nunions)
{
	struct rec *r;

	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 1024;
		x->recs = xrealloc(x->recs, x->cap * sizeof(*x->recs));
	}
	if (tlen > 0xFFFF)
		tlen = 0xFFFF;
	if (nunions > 0xFF)
		nunions = 0xFF;
	r = &x->recs[x->n];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->branch = (uint32_t)branch;
	r->status = (uint8_t)status;
	r->text = append_str(&x->texts, &x->texts_len, &x->texts_cap, text, tlen);
	r->text_len = (uint16_t)tlen;
	r->name = append_str(&x->names, &x->names_len, &x->names_cap, display,
			     strlen(display));
	r->unions = (uint32_t)x->unions_len;
	r->nunions = (uint8_t)nunions;
	if (x->unions_len + nunions > x->unions_cap) {
		while (x->unions_len + nunions > x->unions_cap)
			x->unions_cap = x->unions_cap ? x->unions_cap * 2 : 4096;
		x->unions = xrealloc(x->unions, x->unions_cap * sizeof(*x->unions));
	}
	for (size_t i = 0; i < nunions; i++)
		x->unions[x->unions_len++] = (uint32_t)unions[i];
	hput(x, id, (uint32_t)x->n);
	return (uint32_t)x->n++;
}

/* Compares records by their folded display name (the text up to the
 * first separator), then by id. */
static int cmp_pos(const void *pa, const void *pb, void *arg)
{
	const struct idx *x = arg;
	const struct rec *a = &x->recs[*(const uint32_t *)pa];
	const struct rec *b = &x->recs[*(const uint32_t *)pb];
	const unsigned char *ta = (const unsigned char *)x->texts + a->text;
	const unsigned char *tb = (const unsigned char *)x->texts + b->text;

	for (;; ta++, tb++) {
		unsigned ca = *ta == SEP ? 0 : *ta, cb = *tb == SEP ? 0 : *tb;
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			break;
	}
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Compares records by id. */
static int cmp_id(const void *pa, const void *pb, void *arg)
{
	const struct idx *x = arg;
	int64_t a = x->recs[*(const uint32_t *)pa].id;
	int64_t b = x->recs[*(const uint32_t *)pb].id;

	return a < b ? -1 : a > b;
}

/* Distinct buckets of a text's trigrams, sorted, into out (cap). */
static size_t buckets_of(const char *t, size_t n, uint32_t *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i + 3 <= n && k < cap; i++)
		out[k++] = bucket_of((const unsigned char *)t + i);
	/* sort and dedupe: small arrays, insertion sort */
	for (size_t i = 1; i < k; i++) {
		uint32_t v = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1] > v) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = v;
	}
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || out[m - 1] != out[i])
			out[m++] = out[i];
	return m;
}

static size_t varint_len(uint32_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void build_postings(struct idx *x)
{
	uint32_t *last = xcalloc(NBUCKETS, sizeof(*last));
	uint32_t *fill = NULL;
	uint32_t bk[1024];
	size_t total = 0;

	x->boff = xcalloc(NBUCKETS + 1, sizeof(*x->boff));
	/* pass 1: bytes per bucket (positions count up, deltas from +1) */
	for (size_t p = 0; p < x->base_n; p++) {
		const struct rec *r = &x->recs[p];
		size_t nb = buckets_of(x->texts + r->text, r->text_len, bk, 1024);
		for (size_t i = 0; i < nb; i++) {
			x->boff[bk[i] + 1] += (uint32_t)varint_len((uint32_t)p + 1 - last[bk[i]]);
			last[bk[i]] = (uint32_t)p + 1;
		}
	}
	for (size_t b = 0; b < NBUCKETS; b++)
		x->boff[b + 1] += x->boff[b];
	total = x->boff[NBUCKETS];
	x->post = xmalloc(total ? total : 1);
	fill = xmalloc(NBUCKETS * sizeof(*fill));
	memcpy(fill, x->boff, NBUCKETS * sizeof(*fill));
	memset(last, 0, NBUCKETS * sizeof(*last));
	/* pass 2: the varints */
	for (size_t p = 0; p < x->base_n; p++) {
		const struct rec *r = &x->recs[p];
		size_t nb = buckets_of(x->texts + r->text, r->text_len, bk, 1024);
		for (size_t i = 0; i < nb; i++) {
			uint32_t d = (uint32_t)p + 1 - last[bk[i]];
			last[bk[i]] = (uint32_t)p + 1;
			while (d >= 0x80) {
				x->post[fill[bk[i]]++] = (uint8_t)(d | 0x80);
				d >>= 7;
			}
			x->post[fill[bk[i]]++] = (uint8_t)d;
		}
	}
	free(fill);
	free(last);
}

/* ---- loading from the database (the store's streams) ---- */

/* A person into the index. */
static void add_person(struct idx *x, struct buf *t, const struct person *p,
		       const int64_t *unions, size_t nunions)
{
	buf_reset(t);
	person_text(t, p->display_name, p->legal_name, p->phone, p->email);
	add_rec(x, p->id, p->branch_id, (int)p->status, p->display_name,
		t->data ? t->data : "", t->len, unions, nunions);
}

struct build {
	struct idx *x;
	struct buf t;
	int64_t *pu; /* person, union, person, union, ... */
	size_t npu, cappu;
};

static int build_person(const struct person *p, const char *unions, void *arg)
{
	struct build *b = arg;

	add_person(b->x, &b->t, p, NULL, 0);
	return 0;
}

static int build_union(void *row, void *arg)
{
	const struct person_union *u = row;
	struct build *b = arg;

	if (b->npu + 2 > b->cappu) {
		b->cappu = b->cappu ? b->cappu * 2 : 4096;
		b->pu = xrealloc(b->pu, b->cappu * sizeof(*b->pu));
	}
	b->pu[b->npu++] = u->person;
	b->pu[b->npu++] = u->union_id;
	return 0;
}

static struct idx *build(struct db_conn *c)
{
	struct idx *x = xcalloc(1, sizeof(*x));
	struct build b = {.x = x};
	int rc;

	buf_init(&b.t);
	rc = members_index_people_each(c, build_person, &b);
	buf_free(&b.t);
	if (rc == DB_OK)
		rc = members_person_unions_each(c, build_union, &b);
	if (rc != DB_OK) {
		free(b.pu);
		idx_free(x);
		return NULL;
	}
	/* unions: collected per person, then laid out again */
	{
		const int64_t *pu = b.pu;
		size_t npu = b.npu;
		uint32_t *start, *count;
		start = xcalloc(x->n + 1, sizeof(*start));
		count = xcalloc(x->n + 1, sizeof(*count));
		free(x->unions);
		x->unions = xmalloc((npu / 2 + 1) * sizeof(*x->unions));
		x->unions_cap = npu / 2 + 1;
		x->unions_len = 0;
		for (size_t i = 0; i < npu; i += 2) {
			uint32_t pos = hget(x, pu[i]);
			if (pos == GONE)
				continue;
			if (count[pos] == 0)
				start[pos] = (uint32_t)x->unions_len;
			/* rows come ordered by person: each person's unions
			 * are contiguous */
			x->unions[x->unions_len++] = (uint32_t)pu[i + 1];
			count[pos]++;
		}
		for (size_t p = 0; p < x->n; p++) {
			x->recs[p].unions = start[p];
			x->recs[p].nunions = (uint8_t)(count[p] > 0xFF ? 0xFF : count[p]);
		}
		free(start);
		free(count);
		free(b.pu);
	}
	x->base_n = x->n;
	x->order = xmalloc((x->n + 1) * sizeof(*x->order));
	for (size_t i = 0; i < x->n; i++)
		x->order[i] = (uint32_t)i;
	qsort_r(x->order, x->n, sizeof(*x->order), cmp_pos, x);
	/* the base is laid out in name order: a position is a rank, and
	 * every posting list runs in name order, so a search can stop at
	 * the end of its page */
	{
		struct rec *sorted = xmalloc((x->n + 1) * sizeof(*sorted));
		for (size_t i = 0; i < x->n; i++) {
			sorted[i] = x->recs[x->order[i]];
			hput(x, sorted[i].id, (uint32_t)i);
			x->order[i] = (uint32_t)i;
		}
		free(x->recs);
		x->recs = sorted;
		x->cap = x->n + 1;
	}
	x->rank = xmalloc((x->n + 1) * sizeof(*x->rank));
	for (size_t i = 0; i < x->n; i++)
		x->rank[x->order[i]] = (uint32_t)i;
	x->by_id = xmalloc((x->n + 1) * sizeof(*x->by_id));
	for (size_t i = 0; i < x->n; i++)
		x->by_id[i] = (uint32_t)i;
	qsort_r(x->by_id, x->n, sizeof(*x->by_id), cmp_id, x);
	for (size_t i = 0; i < x->n; i++)
		count(x, &x->recs[i], 1);
	build_postings(x);
	return x;
}

int members_index_load(struct db_conn *c)
{
	struct idx *x = build(c);

	if (!x)
		return -1;
	pthread_rwlock_wrlock(&lock);
	idx_free(cur);
	cur = x;
	pthread_rwlock_unlock(&lock);
	return 0;
}

void members_index_free(void)
{
	pthread_rwlock_wrlock(&lock);
	idx_free(cur);
	cur = NULL;
	pthread_rwlock_unlock(&lock);
}

size_t members_index_count(void)
{
	size_t n;

	pthread_rwlock_rdlock(&lock);
	n = cur ? cur->n - cur->dead_n : 0;
	pthread_rwlock_unlock(&lock);
	return n;
}

/* ---- keeping current ---- */

static void refresh_in(struct idx *x, struct db_conn *c, int64_t id);

static void *rebuild_main(void *arg)
{
	struct db_conn *c = platform_conn_fresh();
	struct idx *x;

	(void)arg;
	x = c ? build(c) : NULL;
	pthread_mutex_lock(&rebuild_lock);
	if (x) {
		/* changes made while building were recorded: apply them */
		for (size_t i = 0; i < nreplay; i++)
			refresh_in(x, c, replay[i]);
		pthread_rwlock_wrlock(&lock);
		idx_free(cur);
		cur = x;
		pthread_rwlock_unlock(&lock);
		log_info("members", "the member index was rebuilt");
	}
	nreplay = 0;
	rebuilding = false;
	pthread_mutex_unlock(&rebuild_lock);
	return NULL;
}

/* Reads person id and puts them in x (as an overlay record), or takes
 * them out when erased or gone. A read that fails changes nothing: the
 * person stays as the index had them, never dropped for a failed step. */
static void refresh_in(struct idx *x, struct db_conn *c, int64_t id)
{
	struct arena *a = arena_new();
	struct person p;
	int64_t *unions = NULL;
	size_t nu = 0;
	uint32_t old;
	int rc = members_person_get(c, a, id, true, &p);

	if (rc == DB_OK && !p.erased_at)
		rc = members_person_unions(c, a, id, &unions, &nu);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		log_error("members", "the index could not read person %lld again",
			  (long long)id);
		arena_free(a);
		return;
	}
	old = hget(x, id);
	if (old != GONE && !x->recs[old].dead) {
		x->recs[old].dead = 1;
		x->dead_n++;
		count(x, &x->recs[old], -1);
	}
	if (rc == DB_OK && !p.erased_at) {
		struct buf t;
		buf_init(&t);
		add_person(x, &t, &p, unions, nu < 255 ? nu : 255);
		count(x, &x->recs[x->n - 1], 1);
		buf_free(&t);
	} else if (old != GONE) {
		hput(x, id, GONE);
	}
	arena_free(a);
}

void members_index_refresh(struct db_conn *c, int64_t id)
{
	bool start = false;

	pthread_mutex_lock(&rebuild_lock);
	if (rebuilding && nreplay < 1000000) {
		if (nreplay == capreplay) {
			capreplay = capreplay ? capreplay * 2 : 1024;
			replay = xrealloc(replay, capreplay * sizeof(*replay));
		}
		replay[nreplay++] = id;
	}
	pthread_mutex_unlock(&rebuild_lock);

	pthread_rwlock_wrlock(&lock);
	if (cur) {
		refresh_in(cur, c, id);
		start = cur->n - cur->base_n > OVERLAY_MAX;
	}
	pthread_rwlock_unlock(&lock);

	if (start)
		members_index_rebuild();
}

void members_index_rebuild(void)
{
	pthread_mutex_lock(&rebuild_lock);
	if (!rebuilding) {
		pthread_t th;
		rebuilding = true;
		if (pthread_create(&th, NULL, rebuild_main, NULL) == 0)
			pthread_detach(th);
		else
			rebuilding = false;
	}
	pthread_mutex_unlock(&rebuild_lock);
}

void members_index_count_active(int64_t *counts, size_t n)
{
	memset(counts, 0, n * sizeof(*counts));
	pthread_rwlock_rdlock(&lock);
	for (size_t b = 0; cur && b < cur->ncount_branches && b < n; b++)
		counts[b] = cur->counts[b * MS__MAX + MS_ACTIVE];
	pthread_rwlock_unlock(&lock);
}

/* ---- queries ---- */

static bool bit(const uint8_t *map, size_t n, uint32_t i)
{
	return i < n && (map[i >> 3] >> (i & 7)) & 1;
}

static bool rec_ok(const struct idx *x, const struct rec *r,
		   const struct members_index_query *q)
{
	if (r->dead)
		return false;
	if (!q->org && !bit(q->visible, q->nvisible, r->branch))
		return false;
	if (q->in_branch && !bit(q->in_branch, q->nin_branch, r->branch))
		return false;
	if (q->status >= 0 && r->status != q->status)
		return false;
	if (q->union_id) {
		bool found = false;
		for (size_t i = 0; i < r->nunions && !found; i++)
			found = x->unions[r->unions + i] == (uint32_t)q->union_id;
		if (!found)
			return false;
	}
	return true;
}

/* The fragment as the index holds text: folded, and a phone-looking
 * fragment reduced to its digits (a leading 8 read as 7). */
static char *query_text(struct arena *a, const char *in)
{
	bool phoneish = true;
	size_t digits = 0;
	char *out, *o;

	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '+' && *p != '(' &&
			 *p != ')')
			phoneish = false;
	}
	if (!phoneish || digits == 0)
		return str_trim(text_fold(a, in));
	out = o = arena_alloc(a, digits + 1);
	for (const char *p = in; *p; p++)
		if (*p >= '0' && *p <= '9')
			*o++ = *p;
	*o = '\0';
	if (out[0] == '8' && digits >= 4)
		out[0] = '7';
	return out;
}

/* The total from the per-branch counts, when the query has no text and
 * no union filter: then a page is found without walking everyone. */
static bool total_from_counts(const struct idx *x,
			      const struct members_index_query *q,
			      size_t *total_r)
{
	size_t total = 0;

	if ((q->text && *q->text) || q->union_id)
		return false;
	for (size_t b = 0; b < x->ncount_branches; b++) {
		if (!q->org && !bit(q->visible, q->nvisible, (uint32_t)b))
			continue;
		if (q->in_branch && !bit(q->in_branch, q->nin_branch, (uint32_t)b))
			continue;
		for (int st = 0; st < MS__MAX; st++)
			if (q->status < 0 || q->status == st)
				total += (size_t)x->counts[b * MS__MAX + (size_t)st];
	}
	*total_r = total;
	return true;
}

static void hit(struct arena *a, const struct idx *x, uint32_t pos,
		struct mindex_hit *h)
{
	const struct rec *r = &x->recs[pos];

	h->id = r->id;
	h->branch_id = r->branch;
	h->status = r->status;
	h->display_name = arena_strdup(a, x->names + r->name);
}

/* Live overlay positions sorted by cmp (name or id order; malloc'd). */
static uint32_t *overlay_sorted(struct idx *x,
				int (*cmp)(const void *, const void *, void *),
				size_t *n_r)
{
	uint32_t *o = NULL;
	size_t n = 0;

	if (x->n > x->base_n) {
		o = xmalloc((x->n - x->base_n) * sizeof(*o));
		for (size_t p = x->base_n; p < x->n; p++)
			if (!x->recs[p].dead)
				o[n++] = (uint32_t)p;
		qsort_r(o, n, sizeof(*o), cmp, x);
	}
	*n_r = n;
	return o;
}

static bool text_ok(const struct idx *x, const struct rec *r, const char *frag,
		    size_t flen)
{
	return !flen || memmem(x->texts + r->text, r->text_len, frag, flen);
}

/* A fragment of three bytes or more: the rarest trigram's postings give
 * the candidates in name order (the base is laid out so), each checked;
 * the page is read off as they come, merged with the overlay's matches,
 * and the counting stops at q->count_cap when one is set. */
static void query_text3(struct arena *a, struct idx *x,
			const struct members_index_query *q, const char *frag,
			size_t flen, const uint32_t *ov, size_t nov,
			struct mindex_page *pg)
{
	struct mindex_hit *hits = pg->hits;
	uint32_t bk[256];
	size_t nb = buckets_of(frag, flen, bk, 256), best = 0, total = 0, nh = 0;
	size_t io = 0, seen = 0;
	uint32_t *om = xmalloc((nov + 1) * sizeof(*om));
	size_t nom = 0, cap = q->count_cap ? q->count_cap : SIZE_MAX;
	bool stopped = false;

	for (size_t i = 0; i < nov; i++)
		if (rec_ok(x, &x->recs[ov[i]], q) && text_ok(x, &x->recs[ov[i]], frag, flen))
			om[nom++] = ov[i];
	total = nom;
	for (size_t i = 1; i < nb; i++)
		if (x->boff[bk[i] + 1] - x->boff[bk[i]] <
		    x->boff[bk[best] + 1] - x->boff[bk[best]])
			best = i;
	if (nb) {
		uint32_t pos = 0, d = 0;
		int shift = 0;
		for (uint32_t k = x->boff[bk[best]]; k < x->boff[bk[best] + 1]; k++) {
			if (nh == q->limit && total >= cap) {
				stopped = true;
				break;
			}
			d |= (uint32_t)(x->post[k] & 0x7F) << shift;
			if (x->post[k] & 0x80) {
				shift += 7;
				continue;
			}
			pos += d;
			d = 0;
			shift = 0;
			uint32_t p = pos - 1;
			const struct rec *r = &x->recs[p];
			if (!rec_ok(x, r, q) || !text_ok(x, r, frag, flen))
				continue;
			total++;
			while (io < nom && cmp_pos(&om[io], &p, x) < 0) {
				if (seen++ >= q->offset && nh < q->limit)
					hit(a, x, om[io], &hits[nh++]);
				io++;
			}
			if (seen++ >= q->offset && nh < q->limit)
				hit(a, x, p, &hits[nh++]);
		}
	}
	while (io < nom && nh < q->limit) {
		if (seen++ >= q->offset)
			hit(a, x, om[io], &hits[nh++]);
		io++;
	}
	free(om);
	pg->n = nh;
	pg->total = total;
	pg->at_least = stopped;
}

/* ---- in id order (the API) ---- */

/* The first place in pos[0..n), positions in id order, whose record's
 * id is above after (n when none is). */
static size_t first_after(const struct idx *x, const uint32_t *pos, size_t n,
			  int64_t after)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->recs[pos[mid]].id <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A fragment's candidates in the base, for a walk by id: a bitmap of
 * base positions (base_n bits, malloc'd) and how many of those set lie
 * after the cursor (the walk stops once it has met them all). */
struct cands {
	uint8_t *bits;
	size_t left;
};

/* A fragment of three bytes or more: the rarest trigram's postings read
 * into c, counting the matches into pg (the overlay's ov[0..nov) too) up
 * to q->count_cap, past which pg->at_least says the total is a lower
 * bound. The postings run in name order, not by id, so all of them are
 * read whatever the count: a posting counted is set only if it matches;
 * one past the cap is set unchecked, for the walk to check. */
static void candidates(struct idx *x, const struct members_index_query *q,
		       const char *frag, size_t flen, const uint32_t *ov,
		       size_t nov, struct cands *c, struct mindex_page *pg)
{
	uint32_t bk[256];
	size_t nb = buckets_of(frag, flen, bk, 256), best = 0, total = 0;
	size_t cap = q->count_cap ? q->count_cap : SIZE_MAX;

	c->bits = xcalloc(x->base_n / 8 + 1, 1);
	c->left = 0;
	for (size_t i = 0; i < nov; i++)
		if (rec_ok(x, &x->recs[ov[i]], q) && text_ok(x, &x->recs[ov[i]], frag, flen))
			total++;
	for (size_t i = 1; i < nb; i++)
		if (x->boff[bk[i] + 1] - x->boff[bk[i]] <
		    x->boff[bk[best] + 1] - x->boff[bk[best]])
			best = i;
	if (nb) {
		uint32_t pos = 0, d = 0;
		int shift = 0;
		for (uint32_t k = x->boff[bk[best]]; k < x->boff[bk[best] + 1]; k++) {
			d |= (uint32_t)(x->post[k] & 0x7F) << shift;
			if (x->post[k] & 0x80) {
				shift += 7;
				continue;
			}
			pos += d;
			d = 0;
			shift = 0;
			uint32_t p = pos - 1;
			const struct rec *r = &x->recs[p];
			if (!pg->at_least && total >= cap)
				pg->at_least = true; /* more wait uncounted */
			if (!pg->at_least) {
				if (!rec_ok(x, r, q) || !text_ok(x, r, frag, flen))
					continue;
				total++;
				c->left += r->id > q->after;
			} else {
				c->left++; /* unread: maybe after the cursor */
			}
			c->bits[p >> 3] |= (uint8_t)(1u << (p & 7));
		}
	}
	pg->total = total;
}

/* The page in id order from the first id above q->after: base (by_id)
 * and overlay (ov, by id) merged; a base record only when c holds it
 * (a fragment's candidates), when c is given. With counted (the total
 * known already) the walk starts at q->after and stops at the end of
 * the page, or once no candidate is left; otherwise it walks everyone,
 * counting into total. */
static void walk_by_id(struct arena *a, struct idx *x,
		       const struct members_index_query *q, const char *frag,
		       size_t flen, struct cands *c, const uint32_t *ov,
		       size_t nov, bool counted, struct mindex_page *pg)
{
	size_t ib = counted ? first_after(x, x->by_id, x->base_n, q->after) : 0;
	size_t io = counted ? first_after(x, ov, nov, q->after) : 0;
	size_t nh = 0, seen = 0;

	while ((ib < x->base_n || io < nov) && !(counted && nh == q->limit)) {
		uint32_t pos;
		if (c && c->left == 0)
			ib = x->base_n; /* no candidate further on */
		if (io >= nov || (ib < x->base_n && x->recs[x->by_id[ib]].id <
						    x->recs[ov[io]].id)) {
			if (ib >= x->base_n)
				break;
			pos = x->by_id[ib++];
			if (c) {
				if (!bit(c->bits, x->base_n, pos))
					continue;
				c->left--;
			}
		} else {
			pos = ov[io++];
		}
		const struct rec *r = &x->recs[pos];
		if (!rec_ok(x, r, q) || !text_ok(x, r, frag, flen))
			continue;
		seen++;
		if (r->id > q->after && nh < q->limit)
			hit(a, x, pos, &pg->hits[nh++]);
	}
	pg->n = nh;
	if (!counted)
		pg->total = seen;
}

static void query_by_id(struct arena *a, struct idx *x,
			const struct members_index_query *q, const char *frag,
			size_t flen, struct mindex_page *pg)
{
	size_t nov = 0, total = 0;
	uint32_t *ov = overlay_sorted(x, cmp_id, &nov);
	struct cands c = {0};

	if (flen >= 3) {
		candidates(x, q, frag, flen, ov, nov, &c, pg);
		walk_by_id(a, x, q, frag, flen, &c, ov, nov, true, pg);
	} else {
		bool counted = total_from_counts(x, q, &total);
		pg->total = total;
		walk_by_id(a, x, q, frag, flen, NULL, ov, nov, counted, pg);
	}
	free(c.bits);
	free(ov);
}

int members_index_query(struct arena *a, const struct members_index_query *q,
			struct mindex_page *pg)
{
	struct mindex_hit *hits;
	uint32_t *overlay;
	size_t no = 0, total = 0, nh = 0, io = 0, ib = 0, seen = 0;
	const char *frag = NULL;
	size_t flen = 0;
	bool counted;
	struct idx *x;

	hits = arena_alloc(a, (q->limit + 1) * sizeof(*hits));
	memset(pg, 0, sizeof(*pg));
	pg->hits = hits;
	pthread_rwlock_rdlock(&lock);
	x = cur;
	if (!x) {
		pthread_rwlock_unlock(&lock);
		return -1;
	}
	if (q->text && *q->text) {
		frag = query_text(a, q->text);
		flen = strlen(frag);
	}
	if (q->by_id) {
		query_by_id(a, x, q, frag, flen, pg);
		pthread_rwlock_unlock(&lock);
		return 0;
	}
	overlay = overlay_sorted(x, cmp_pos, &no);
	if (flen >= 3) {
		query_text3(a, x, q, frag, flen, overlay, no, pg);
		pthread_rwlock_unlock(&lock);
		free(overlay);
		return 0;
	}
	/* otherwise a walk in name order, base and overlay merged; it stops
	 * at the end of the page when the total is known from the counts */
	counted = total_from_counts(x, q, &total);
	while ((ib < x->base_n || io < no) && !(counted && nh == q->limit)) {
		uint32_t pos;
		if (io >= no ||
		    (ib < x->base_n && cmp_pos(&x->order[ib], &overlay[io], x) < 0))
			pos = x->order[ib++];
		else
			pos = overlay[io++];
		const struct rec *r = &x->recs[pos];
		if (!rec_ok(x, r, q) || !text_ok(x, r, frag, flen))
			continue;
		if (seen >= q->offset && nh < q->limit)
			hit(a, x, pos, &hits[nh++]);
		seen++;
	}
	if (!counted)
		total = seen;
	pthread_rwlock_unlock(&lock);
	free(overlay);
	pg->n = nh;
	pg->total = total;
	return 0;
}
