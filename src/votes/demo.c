/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module's part of the demo organization: the decisions of
 * the seed's conference taken in the demo congress (the congress
 * module's demo, which runs first) by its delegates present, each with
 * their checked mandates — two amendments to the draft programme, the
 * programme as amended by two thirds, the re-launch as the Socialist
 * Movement of Kazakhstan (every ballot yes: "unanimously" is the
 * count's word), an election of a leadership committee of seven by STV
 * whose rounds transfer surpluses and exclude the weakest, and a poll
 * still open with a few ballots in it. The delegates who sign in
 * (delegate@ and member@example.org) have not voted in the open poll.
 * Polls are opened, cast in and closed through the module's own
 * functions, as the chair's and the delegates' requests do, inside the
 * demo's transaction.
 */
#include "internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAPTER2 "Draft programme, chapter 2: Banks, homes and deposits"

/* The election: a committee of seven, from twelve candidates. */
static const char *const candidates[] = {
	"Ainagul Zhaksybekova (Zhanaozen oil workers)",
	"Bolat Seitkali (Aktau oil workers)",
	"Galina Sorokina (Temirtau steelworkers)",
	"Yerlan Tasbolatov (Shakhtinsk miners)",
	"Marat Abenov (Karaganda scientific workers)",
	"Dana Omarova (students' union, Almaty)",
	"Serik Zhumabayev (Leave people's homes alone!)",
	"Natalia Kim (depositors of Almaty)",
	"Timur Iskakov (Astana construction workers)",
	"Gulnara Akhmetova (teacher, Shymkent)",
	"Viktor Petrenko (Karaganda miners)",
	"Zhanna Utegenova (Aktau branch)",
};
/* How the hall ranks them (candidates' positions, first choice first):
 * the oil workers' bloc carries its first candidate well over the quota,
 * and the surpluses and exclusions settle the rest. For 39 ballots, the
 * demo's hall, no count ties; a delegate whose ballots start at the
 * hall's u-th casts the ranking of slot u % 39 with all their mandates. */
static const struct {
	int n;
	const char *ranking;
} rankings[] = {
	{8, "1 2 12 4 11 3"}, {4, "2 1 12 3"}, {6, "7 8 6 10 3"}, {2, "8 7 10 9"},
	{4, "5 6 3 4"},	      {3, "6 5 9 10"}, {3, "3 4 11 5 1"}, {2, "4 11 3 2"},
	{4, "11 4 3 7"},      {2, "9 3 7 6"},  {1, "10 8 7 6"},
};

/* A poll of the demo and how the hall votes in it. */
struct demo_poll {
	/* what it is about: "item" or "motion" (by title), "amendment"
	 * (its motion's title and its number), "question" */
	const char *about, *title;
	int amendment;
	/* the question, after the subject's label ("M3-A1: …") when
	 * labelled; NULL: the label alone */
	const char *question;
	bool labelled;
	const char *kind, *majority;
	bool secret;
	int seats; /* a ranked poll's; 0 for the others */
	/* a yes/no poll's ballots: delegate i votes hall[i % strlen(hall)]
	 * with all their mandates (a ranked poll's are rankings[]) */
	const char *hall;
	/* left open after this many casts, none by those who sign in; 0:
	 * every delegate present votes and the poll is closed */
	int open_with;
};

static const struct demo_poll polls[] = {
	{.about = "amendment", .title = CHAPTER2, .amendment = 1, .labelled = true,
	 .question = "the banks under the democratic control of their workers "
		     "and of the people",
	 .kind = "yna", .majority = "simple", .secret = false,
	 .hall = "YYYYNYYAYYYYNYYYYYNA"},
	{.about = "amendment", .title = CHAPTER2, .amendment = 4, .labelled = true,
	 .question = "rent controls, and homes built by the state for those who "
		     "have none",
	 .kind = "yna", .majority = "simple", .secret = true,
	 .hall = "YYNYYAYYYNYNYYA"},
	{.about = "item", .title = "Draft programme",
	 .question = "Adopt the draft programme, chapters 1 to 3, as amended",
	 .kind = "yna", .majority = "two_thirds", .secret = true,
	 .hall = "YYYYYNYYYYYAY"},
	/* the seed's "unanimous decision": every ballot yes */
	{.about = "motion", .title = "Re-launch as the Socialist Movement of Kazakhstan",
	 .kind = "yna", .majority = "two_thirds", .secret = true, .hall = "Y"},
	{.about = "item", .title = "Election of a leadership committee",
	 .question = "Leadership committee of the Socialist Movement of Kazakhstan",
	 .kind = "ranked", .majority = "simple", .secret = true, .seats = 7},
	{.about = "question",
	 .question = "Call a day of solidarity with the oil workers of Zhanaozen "
		     "and Aktau, with a collection for their strike fund in "
		     "every branch",
	 .kind = "yna", .majority = "simple", .secret = true,
	 .hall = "YYYNYYAYYY", .open_with = 9},
};

/* A delegate present and their checked mandates: one cast votes them
 * all, as on the delegate's page. */
struct voter {
	int64_t id, *mandates, *weights, weight;
	size_t n;
	const char *name;
	bool signs_in; /* the delegate has an account (the demo's logins) */
};

static int by_id(const void *x, const void *y)
{
	const struct voter *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

/* The delegates present of congress who hold checked mandates (arena
 * array). */
static int voters(struct db_conn *c, struct arena *a, int64_t congress,
		  struct voter **v_r, size_t *n_r)
{
	struct participant *p;
	size_t np, n = 0;
	int rc = congress_participants(c, a, congress, &p, &np);
	struct voter *v = arena_alloc(a, (rc == DB_OK && np ? np : 1) * sizeof(*v));

	for (size_t i = 0; rc == DB_OK && i < np; i++) {
		struct mandate *m;
		size_t nm;
		struct voter *w = &v[n];
		if (strcmp(p[i].kind, "delegate") != 0 || !p[i].present ||
		    p[i].removed_at ||
		    (rc = congress_mandates(c, a, p[i].id, &m, &nm)) != DB_OK)
			continue;
		*w = (struct voter){.id = p[i].id, .name = p[i].display_name,
				    .signs_in = p[i].account_id != 0};
		w->mandates = arena_alloc(a, (nm ? nm : 1) * sizeof(int64_t));
		w->weights = arena_alloc(a, (nm ? nm : 1) * sizeof(int64_t));
		for (size_t j = 0; j < nm; j++)
			if (m[j].checked_at && m[j].weight > 0) {
				w->mandates[w->n] = m[j].id;
				w->weights[w->n++] = m[j].weight;
				w->weight += m[j].weight;
			}
		n += w->n > 0;
	}
	/* in the order they registered, the same on every backend (names
	 * sort by the database's collation) */
	qsort(v, n, sizeof(*v), by_id);
	*v_r = v;
	*n_r = n;
	return rc;
}

static bool ends_with(const char *s, const char *end)
{
	size_t ls = strlen(s), le = strlen(end);

	return ls >= le && strcmp(s + ls - le, end) == 0;
}

/* What d is about in congress: p's subject, subject_id, item_id and
 * question. DB_NOTFOUND when the congress's demo has no such thing. */
static int subject(struct db_conn *c, struct arena *a, int64_t congress,
		   const struct demo_poll *d, struct poll *p)
{
	struct congress_subject_ref *s;
	struct congress_subject got;
	const char *title;
	size_t n, i;
	int rc;

	p->subject = d->about;
	p->question = d->question;
	if (strcmp(d->about, "question") == 0)
		return congress_item_current(c, a, congress, &p->item_id, &title);
	if ((rc = congress_subjects(c, a, congress, &s, &n)) != DB_OK)
		return rc;
	/* a motion's label is "M1: title"; its amendments ("M1-A4") follow it */
	for (i = 0; i < n; i++)
		if (strcmp(s[i].kind, d->amendment ? "motion" : d->about) == 0 &&
		    ends_with(s[i].label, d->title))
			break;
	if (i < n && d->amendment) {
		const char *num = arena_printf(a, "-A%d", d->amendment);
		while (++i < n && strcmp(s[i].kind, "amendment") == 0 &&
		       !ends_with(s[i].label, num))
			;
		if (i < n && strcmp(s[i].kind, "amendment") != 0)
			i = n;
	}
	if (i == n)
		return DB_NOTFOUND;
	p->subject_id = s[i].id;
	if ((rc = congress_subject_get(c, a, congress, d->about, s[i].id, &got)) != DB_OK)
		return rc;
	p->item_id = got.item_id;
	if (!d->question)
		p->question = got.label;
	else if (d->labelled)
		p->question = arena_printf(a, "%s: %s", got.label, d->question);
	return DB_OK;
}

/* The ballot of d's voter i, the first of whose ballots is the
 * hall's unit-th. */
static const char *content_of(struct arena *a, const struct demo_poll *d,
			      size_t i, int64_t unit)
{
	int64_t total = 0, slot;

	if (d->hall)
		return arena_strndup(a, d->hall + i % strlen(d->hall), 1);
	for (size_t r = 0; r < ARRAY_LEN(rankings); r++)
		total += rankings[r].n;
	slot = unit % total;
	for (size_t r = 0;; r++) {
		if (slot < rankings[r].n)
			return rankings[r].ranking;
		slot -= rankings[r].n;
	}
}

/* Prepares d in k, opens it, casts the hall's ballots, closes it unless
 * it stays open. */
static int demo_poll(struct db_conn *c, struct arena *a, const struct congress *k,
		     int64_t chair, const struct voter *v, size_t nv,
		     const struct demo_poll *d)
{
	bool ranked = strcmp(d->kind, "ranked") == 0;
	struct poll p = {.congress_id = k->id, .kind = d->kind,
			 .seats = d->seats ? d->seats : 1,
			 .max_choices = 1, .secret = d->secret,
			 .publish_receipts = d->secret, .majority = d->majority,
			 .base = "cast", .created_by = chair};
	int64_t id, unit = 0;
	size_t cast = 0;
	int rc = subject(c, a, k->id, d, &p);

	if (rc == DB_OK)
		rc = votes_poll_add(c, &p, ranked ? candidates : NULL,
				    ranked ? ARRAY_LEN(candidates) : 0, &id);
	if (rc == DB_OK && (rc = votes_poll_get(c, a, id, &p)) == DB_OK)
		rc = votes_poll_move(c, &p, "open");
	if (rc == DB_OK)
		rc = votes_poll_get(c, a, id, &p);
	for (size_t i = 0; rc == DB_OK && i < nv; unit += v[i++].weight) {
		struct votes_cast x = {
			.poll_id = id, .congress_id = k->id, .mandates = v[i].mandates,
			.weights = v[i].weights, .n = v[i].n,
			.content = content_of(a, d, i, unit), .voter = v[i].name,
			.named = !d->secret};
		/* the open poll: a few casts, none of those who sign in */
		if (d->open_with && (v[i].signs_in || cast == (size_t)d->open_with))
			continue;
		assert(!votes_content_ok(&p, ranked ? ARRAY_LEN(candidates) : 0,
					 x.content));
		x.receipts = arena_alloc(a, (size_t)v[i].weight * RECEIPT_BYTES);
		rc = votes_cast_now(c, &x);
		cast++;
	}
	if (rc == DB_OK && !d->open_with && (rc = votes_poll_get(c, a, id, &p)) == DB_OK)
		rc = votes_poll_close(c, a, &p, k);
	return rc;
}

int votes_demo(struct db_conn *c, char *err, size_t cap)
{
	struct arena *a = arena_new();
	struct congress k = {0};
	struct account chair = {0};
	struct voter *v = NULL;
	size_t nv = 0, i = 0;
	int rc = DB_OK;

	/* the demo's congress in session: the first open one */
	for (int64_t id = 1; rc == DB_OK; id++)
		if ((rc = congress_get(c, a, id, &k)) == DB_OK &&
		    strcmp(k.state, "open") == 0)
			break;
	if (rc == DB_NOTFOUND) {
		arena_free(a);
		return 0; /* no congress in session: nothing to vote on */
	}
	if (account_find_email(c, a, "chair@example.org", &chair) != DB_OK)
		chair.id = 0;
	rc = voters(c, a, k.id, &v, &nv);
	/* a hall too small for the story is left alone (as the congress's
	 * demo leaves a small registry) */
	while (rc == DB_OK && nv >= 12 && i < ARRAY_LEN(polls))
		rc = demo_poll(c, a, &k, chair.id, v, nv, &polls[i++]);
	if (rc != DB_OK) /* i: the poll that failed, 1 up; 0 before any */
		snprintf(err, cap, "cannot load the demo's polls (poll %zu of %zu: %d)",
			 i, ARRAY_LEN(polls), rc);
	arena_free(a);
	return rc == DB_OK ? 0 : -1;
}
