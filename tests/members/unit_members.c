/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the member registry: the sealed store and the in-memory
 * index, on a real database with real keys (the rules that need no
 * database are in unit_rules.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "../platform/fixture.h"
#include "members/internal.h"
#include "modules.h"
#include "platform/auth/auth.h"
#include "platform/db/db.h"

static void up(void)
{
	platform_set_modules(rudder_modules, rudder_modules_count);
	fixture_open();
}
static void down(void)
{
	members_index_free();
	fixture_close();
}
TestSuite(members, .init = up, .fini = down);

Test(members, folding_covers_cyrillic_and_kazakh)
{
	struct arena *a = arena_new();
	cr_assert_str_eq(text_fold(a, "ҚАЗАҚСТАН Әлем"), "қазақстан әлем");
	cr_assert_str_eq(text_fold(a, "ЁЛКА Ivanov"), "ёлка ivanov");
	cr_assert_str_eq(text_fold(a, "ҒҰҮҺІӨҢ"), "ғұүһіөң");
	arena_free(a);
}

/* ---- the store and the index ---- */

struct world {
	int64_t region, cell, other;
	int64_t miners, students;
};

static int64_t add(struct db_conn *c, struct arena *a, const char *name,
		   const char *legal, const char *phone, const char *email,
		   int64_t branch, const char *status)
{
	struct person_input in = {.display_name = name, .legal_name = legal,
				  .phone = phone, .email = email,
				  .branch_id = branch, .status = status};
	const char *field;
	int64_t id = 0;

	cr_assert_null(members_person_check(a, &in, &field), "%s", field);
	cr_assert_eq(members_person_create(c, a, &in, 0, &id), DB_OK);
	return id;
}

static void world(struct world *w, struct arena *a)
{
	struct db_conn *c = platform_conn();
	cr_assert_eq(
	    members_branch_create(c, 0, "Karaganda", "region", &w->region),
	    DB_OK);
	cr_assert_eq(
	    members_branch_create(c, w->region, "Shakhtinsk", "cell", &w->cell),
	    DB_OK);
	cr_assert_eq(members_branch_create(c, 0, "Almaty", "region", &w->other),
		     DB_OK);
	cr_assert_eq(members_union_create(c, "Miners", "union", "", &w->miners),
		     DB_OK);
	cr_assert_eq(
	    members_union_create(c, "Students", "group", "", &w->students),
	    DB_OK);
	add(c, a, "Галина", "Галина Петровна Ким", "+7 701 555 00 01",
	    "galina@example.org", w->region, NULL);
	add(c, a, "Bolat", "Bolat Sadykov", "8 702 555 00 02", NULL, w->cell, NULL);
	add(c, a, "Қайрат", "Қайрат Омаров", NULL, "kairat@example.org", w->cell,
	    "lapsed");
	add(c, a, "Aliya", "Aliya Nurpeisova", "+7 705 555 00 04", NULL, w->other,
	    NULL);
}

static void query(const char *text, bool org, const uint8_t *vis, size_t nvis,
		  int status, int64_t union_id, size_t want, const char *first)
{
	struct arena *a = arena_new();
	struct members_index_query q = {.text = text,
					.org = org,
					.visible = vis,
					.nvisible = nvis,
					.status = status,
					.union_id = union_id,
					.limit = 10};
	struct mindex_page pg;
	struct mindex_hit *h;
	size_t total;

	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	h = pg.hits;
	total = pg.total;
	cr_assert_eq(total, want, "%s: %zu found, not %zu", text ? text : "(all)",
		     total, want);
	if (first)
		cr_assert_str_eq(h[0].display_name, first);
	arena_free(a);
}

Test(members, sealed_fields_open_and_contacts_match)
{
	struct arena *a = arena_new();
	struct world w;
	struct person p;
	int64_t id = 0;

	world(&w, a);
	cr_assert_eq(members_person_find_contact(
			 platform_conn(), a, "GALINA@example.org", NULL, &id),
		     DB_OK, "emails match whatever their case");
	cr_assert_eq(members_person_get(platform_conn(), a, id, true, &p),
		     DB_OK);
	cr_assert_str_eq(p.legal_name, "Галина Петровна Ким");
	cr_assert_str_eq(p.phone, "+77015550001");
	cr_assert_eq(members_person_get(platform_conn(), a, id, false, &p),
		     DB_OK);
	cr_assert_null(p.legal_name, "not opened unless asked");
	cr_assert_eq(members_person_find_contact(platform_conn(), a, NULL,
						 "+77025550002", &id),
		     DB_OK);
	cr_assert_eq(members_person_find_contact(platform_conn(), a,
						 "nobody@example.org",
						 "+70000000000", &id),
		     DB_NOTFOUND);
	/* the same phone twice is a constraint */
	{
		struct person_input dup = {.display_name = "Twin", .phone = "+77025550002",
					   .branch_id = w.cell};
		cr_assert_eq(
		    members_person_create(platform_conn(), a, &dup, 0, &id),
		    DB_CONSTRAINT);
	}
	arena_free(a);
}

Test(members, a_write_against_an_old_version_changes_nothing)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	struct world w;
	struct person p;
	struct person_input in = {.display_name = "First", .branch_id = 0};
	int64_t id = 0;

	world(&w, a);
	in.branch_id = w.cell;
	cr_assert_eq(members_person_find_contact(c, a, NULL, "+77025550002", &id),
		     DB_OK);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_eq(p.version, 1, "a new record is at version 1");

	/* the version read: written, and the version moves on */
	in.version = 1;
	cr_assert_eq(members_person_update(c, a, id, &in, 0), DB_OK);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_eq(p.version, 2);
	/* the same old version again: stale, nothing written */
	in.display_name = "Second";
	cr_assert_eq(members_person_update(c, a, id, &in, 0), DB_STALE);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_str_eq(p.display_name, "First");
	cr_assert_eq(p.version, 2);
	/* no version named: written whatever the version */
	in.version = 0;
	cr_assert_eq(members_person_update(c, a, id, &in, 0), DB_OK);
	/* a status change checks it too, and moves it */
	cr_assert_eq(members_person_set_status(c, a, id, MS_LAPSED, 0, NULL, 2),
		     DB_STALE);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_eq(p.status, MS_ACTIVE);
	cr_assert_eq(members_person_set_status(c, a, id, MS_LAPSED, 0, NULL, 3),
		     DB_OK);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_eq(p.version, 4);
	/* someone who is not there is not stale */
	in.version = 1;
	cr_assert_eq(members_person_update(c, a, id + 1000, &in, 0), DB_NOTFOUND);
	/* an erasure moves it: a form drawn before cannot write over it */
	cr_assert_eq(members_person_erase(c, id), DB_OK);
	cr_assert_eq(members_person_get(c, a, id, false, &p), DB_OK);
	cr_assert_eq(p.version, 5);
	arena_free(a);
}

Test(members, status_history_and_erasure)
{
	struct arena *a = arena_new();
	struct world w;
	struct status_change *h;
	struct person p;
	size_t n;
	int64_t id = 0;

	world(&w, a);
	cr_assert_eq(members_person_find_contact(platform_conn(), a, NULL,
						 "+77025550002", &id),
		     DB_OK);
	cr_assert_eq(members_person_set_status(platform_conn(), a, id,
					       MS_SUSPENDED, 0,
					       "broke the strike", 0),
		     DB_OK);
	cr_assert_eq(members_person_history(platform_conn(), a, id, &h, &n),
		     DB_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(h[0].to, "suspended");
	cr_assert_str_eq(h[0].from, "active");
	cr_assert_str_eq(h[0].note, "broke the strike");
	cr_assert_eq(members_person_erase(platform_conn(), id), DB_OK);
	cr_assert_eq(members_person_get(platform_conn(), a, id, true, &p),
		     DB_OK);
	cr_assert_neq(p.erased_at, 0);
	cr_assert_eq(p.status, MS_LEFT);
	cr_assert_str_eq(p.phone, "");
	cr_assert_str_eq(p.legal_name, "");
	cr_assert_null(strstr(p.display_name, "Bolat"));
	cr_assert_eq(members_person_history(platform_conn(), a, id, &h, &n),
		     DB_OK);
	cr_assert_str_eq(h[0].note, "", "notes go with the rest");
	cr_assert_eq(members_person_find_contact(platform_conn(), a, NULL,
						 "+77025550002", &id),
		     DB_NOTFOUND, "the phone can be used again");
	arena_free(a);
}

Test(members, index_finds_fragments_within_scope)
{
	struct arena *a = arena_new();
	struct world w;
	uint8_t karaganda[8] = {0};

	world(&w, a);
	cr_assert_eq(members_index_load(platform_conn()), 0);
	cr_assert_eq(members_index_count(), 4);
	karaganda[w.region >> 3] |= (uint8_t)(1u << (w.region & 7));
	karaganda[w.cell >> 3] |= (uint8_t)(1u << (w.cell & 7));

	query(NULL, true, NULL, 0, -1, 0, 4, "Aliya");
	query(NULL, false, karaganda, 64, -1, 0, 3, "Bolat");
	query("555", true, NULL, 0, -1, 0, 3, NULL);     /* phone digits */
	query("555", false, karaganda, 64, -1, 0, 2, NULL); /* not Aliya */
	query("8 702 555", true, NULL, 0, -1, 0, 1, "Bolat"); /* 8 read as 7 */
	query("ПЕТРОВНА", true, NULL, 0, -1, 0, 1, "Галина"); /* legal name, folded */
	query("қайр", true, NULL, 0, -1, 0, 1, "Қайрат");
	query("КАЙРАТ", true, NULL, 0, -1, 0, 0, NULL); /* Қ is not К */
	query("kairat@", true, NULL, 0, -1, 0, 1, NULL);
	query("ga", true, NULL, 0, -1, 0, 1, "Галина"); /* two letters: scan */
	query(NULL, true, NULL, 0, MS_LAPSED, 0, 1, "Қайрат");
	query("nobody", true, NULL, 0, -1, 0, 0, NULL);
	arena_free(a);
}

Test(members, index_follows_changes_and_pages)
{
	struct arena *a = arena_new();
	struct world w;
	struct person_input in = {0};
	struct members_index_query q = {.org = true, .status = -1, .limit = 2};
	struct mindex_page pg;
	int64_t id = 0, u;

	world(&w, a);
	cr_assert_eq(members_index_load(platform_conn()), 0);
	/* a new person, then a rename, reach queries without a rebuild */
	id = add(platform_conn(), a, "Zhanna", "Zhanna Ermekova", "+7 707 555 77 77",
		 NULL, w.cell, NULL);
	members_index_refresh(platform_conn(), id);
	query("zhanna", true, NULL, 0, -1, 0, 1, "Zhanna");
	/* a text search pages in name order with the overlay merged in */
	q.text = "555";
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert_eq(pg.total, 4);
	cr_assert(!pg.at_least);
	cr_assert_eq(pg.n, 2);
	cr_assert_str_eq(pg.hits[0].display_name, "Aliya");
	cr_assert_str_eq(pg.hits[1].display_name, "Bolat");
	q.offset = 2;
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert_eq(pg.n, 2);
	cr_assert_str_eq(pg.hits[0].display_name, "Zhanna");
	cr_assert_str_eq(pg.hits[1].display_name, "Галина");
	/* with a cap, counting stops once the page is full: "at least" */
	q.offset = 0;
	q.limit = 1;
	q.count_cap = 2;
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert_eq(pg.n, 1);
	cr_assert_str_eq(pg.hits[0].display_name, "Aliya");
	cr_assert(pg.at_least);
	cr_assert(pg.total >= 2 && pg.total < 4, "total %zu", pg.total);
	q.count_cap = 10; /* a cap not reached counts exactly */
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert(!pg.at_least);
	cr_assert_eq(pg.total, 4);
	q.text = NULL;
	q.limit = 2;
	q.count_cap = 0;
	in.display_name = "Abai";
	in.legal_name = "Abai Ermekov";
	in.branch_id = w.other;
	cr_assert_eq(members_person_update(platform_conn(), a, id, &in, 0),
		     DB_OK);
	u = w.miners;
	cr_assert_eq(members_person_set_unions(platform_conn(), id, &u, 1),
		     DB_OK);
	members_index_refresh(platform_conn(), id);
	query("zhanna", true, NULL, 0, -1, 0, 0, NULL);
	query("abai", true, NULL, 0, -1, 0, 1, "Abai");
	query("7777", true, NULL, 0, -1, 0, 0, NULL); /* the phone was cleared */
	query(NULL, true, NULL, 0, -1, w.miners, 1, "Abai");
	/* pages in name order, the overlay merged in */
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert_eq(pg.total, 5);
	cr_assert_eq(pg.n, 2);
	cr_assert_str_eq(pg.hits[0].display_name, "Abai");
	cr_assert_str_eq(pg.hits[1].display_name, "Aliya");
	q.offset = 4;
	cr_assert_eq(members_index_query(a, &q, &pg), 0);
	cr_assert_eq(pg.n, 1);
	cr_assert_str_eq(pg.hits[0].display_name, "Қайрат");
	/* erased people leave the index */
	cr_assert_eq(members_person_erase(platform_conn(), id), DB_OK);
	members_index_refresh(platform_conn(), id);
	query("abai", true, NULL, 0, -1, 0, 0, NULL);
	arena_free(a);
}

/* The ids of a page in id order after `after` (the API's walk). */
static size_t by_id(struct members_index_query *q, int64_t after,
		    int64_t *ids, size_t *total_r, bool *at_least_r)
{
	struct arena *a = arena_new();
	struct mindex_page pg;

	q->by_id = true;
	q->after = after;
	cr_assert_eq(members_index_query(a, q, &pg), 0);
	for (size_t i = 0; i < pg.n; i++)
		ids[i] = pg.hits[i].id;
	*total_r = pg.total;
	*at_least_r = pg.at_least;
	arena_free(a);
	return pg.n;
}

/* The id of the one person a fragment finds. */
static int64_t find(const char *text)
{
	struct members_index_query q = {.text = text, .org = true, .status = -1,
					.limit = 2};
	int64_t ids[2];
	size_t total;
	bool at_least;

	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 1, "%s", text);
	return ids[0];
}

Test(members, index_walks_by_id_whoever_is_renamed_or_added)
{
	struct arena *a = arena_new();
	struct world w;
	struct person_input in = {0};
	struct members_index_query q = {.org = true, .status = -1, .limit = 2};
	int64_t ids[8], galina, bolat, kairat, aliya, zhanna;
	size_t total;
	bool at_least;
	uint8_t karaganda[8] = {0};

	world(&w, a);
	cr_assert_eq(members_index_load(platform_conn()), 0);
	galina = find("galina");
	bolat = find("bolat");
	kairat = find("kairat");
	aliya = find("aliya");
	/* made in that order */
	cr_assert(galina < bolat && bolat < kairat && kairat < aliya);
	/* by id, not by name (Aliya would come first) */
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], galina);
	cr_assert_eq(ids[1], bolat);
	cr_assert_eq(total, 4);
	cr_assert(!at_least);
	/* Bolat renamed to sort last by name, and someone new: the walk
	 * after Bolat goes on where it was, the newcomer at the end */
	in.display_name = "Zzz";
	in.legal_name = "Bolat Sadykov";
	in.phone = "8 702 555 00 02";
	in.branch_id = w.cell;
	cr_assert_eq(members_person_update(platform_conn(), a, bolat, &in, 0), DB_OK);
	members_index_refresh(platform_conn(), bolat);
	zhanna = add(platform_conn(), a, "Aaa Zhanna", "Zhanna Ermekova",
		     "+7 707 555 77 77", NULL, w.cell, NULL);
	members_index_refresh(platform_conn(), zhanna);
	cr_assert_eq(by_id(&q, bolat, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], kairat);
	cr_assert_eq(ids[1], aliya);
	cr_assert_eq(total, 5);
	cr_assert_eq(by_id(&q, aliya, ids, &total, &at_least), 1);
	cr_assert_eq(ids[0], zhanna);
	cr_assert_eq(by_id(&q, zhanna, ids, &total, &at_least), 0);
	/* the renamed record (in the overlay now) keeps its place */
	cr_assert_eq(by_id(&q, galina, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], bolat);
	/* a fragment of three bytes: the candidates walked by id, the
	 * overlay's too */
	q.text = "555";
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], galina);
	cr_assert_eq(ids[1], bolat);
	cr_assert_eq(total, 4);
	cr_assert_eq(by_id(&q, bolat, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], aliya);
	cr_assert_eq(ids[1], zhanna);
	cr_assert_eq(by_id(&q, zhanna, ids, &total, &at_least), 0);
	cr_assert_eq(total, 4);
	q.text = "nobody";
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 0);
	cr_assert_eq(total, 0);
	q.text = "555";
	/* counting stops at the cap: "at least", the page whole */
	q.count_cap = 2;
	cr_assert_eq(by_id(&q, galina, ids, &total, &at_least), 2);
	cr_assert_eq(ids[0], bolat);
	cr_assert_eq(ids[1], aliya);
	cr_assert(at_least);
	cr_assert_eq(total, 2);
	q.count_cap = 0;
	/* two letters: every record read, counted exactly */
	q.text = "ga";
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 1);
	cr_assert_eq(ids[0], galina);
	cr_assert_eq(total, 1);
	/* within the caller's branches, and after a filter */
	q.text = NULL;
	q.org = false;
	karaganda[w.region >> 3] |= (uint8_t)(1u << (w.region & 7));
	karaganda[w.cell >> 3] |= (uint8_t)(1u << (w.cell & 7));
	q.visible = karaganda;
	q.nvisible = 64;
	q.limit = 8;
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 4);
	cr_assert_eq(ids[3], zhanna);
	cr_assert_eq(total, 4);
	q.status = MS_LAPSED;
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 1);
	cr_assert_eq(ids[0], kairat);
	cr_assert_eq(total, 1);
	q.status = -1;
	cr_assert_eq(members_person_set_unions(platform_conn(), zhanna, &w.miners, 1),
		     DB_OK);
	members_index_refresh(platform_conn(), zhanna);
	q.union_id = w.miners;
	cr_assert_eq(by_id(&q, 0, ids, &total, &at_least), 1);
	cr_assert_eq(ids[0], zhanna);
	cr_assert_eq(total, 1);
	cr_assert_eq(by_id(&q, zhanna, ids, &total, &at_least), 0);
	cr_assert_eq(total, 1, "the total counts those before the cursor too");
	arena_free(a);
}

/* An import larger than a few sealing chunks (the sealer runs ahead of
 * the writer on a second thread and reuses its arenas): every row lands
 * with its own sealed fields, a refused row in the middle is skipped,
 * and importing the same file again changes nothing. */
Test(members, a_large_import_seals_every_row_as_its_own)
{
	struct arena *a = arena_new();
	struct world w;
	struct import_plan p;
	struct import_opts o = {0};
	struct buf csv;
	struct person got;
	int64_t id;
	const size_t n = 7000;

	world(&w, a);
	buf_init(&csv);
	buf_puts(&csv, "display_name,legal_name,phone,email,branch,affiliations\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&csv, "P%zu,Legal %zu,+7701%07zu,p%zu@example.org,%s,%s\n", i, i,
			   i, i, i == 4321 ? "Nowhere" : "Shakhtinsk",
			   i % 3 ? "" : "Miners");
	cr_assert_eq(members_import_parse(a, csv.data, csv.len, NULL, &p), 0);
	cr_assert_eq(members_import_apply(platform_conn(), &p, &o), DB_OK);
	cr_assert_eq(p.counts[IMPORT_CREATED], n - 1);
	cr_assert_eq(p.refused, 1);
	cr_assert_str_eq(p.rows[4321].error, "is not a branch");
	for (size_t i = 0; i < n; i += 997) {
		char phone[32], legal[32];
		if (i == 4321)
			continue;
		snprintf(phone, sizeof(phone), "+7701%07zu", i);
		snprintf(legal, sizeof(legal), "Legal %zu", i);
		cr_assert_eq(members_person_find_contact(platform_conn(), a,
							 NULL, phone, &id),
			     DB_OK, "row %zu", i);
		cr_assert_eq(
		    members_person_get(platform_conn(), a, id, true, &got),
		    DB_OK);
		cr_assert_str_eq(got.legal_name, legal);
		cr_assert_str_eq(got.phone, phone);
	}
	cr_assert_eq(members_person_find_contact(
			 platform_conn(), a, "p6999@example.org", NULL, &id),
		     DB_OK, "the last row, in the last chunk");
	cr_assert_eq(members_import_parse(a, csv.data, csv.len, NULL, &p), 0);
	cr_assert_eq(members_import_apply(platform_conn(), &p, &o), DB_OK);
	cr_assert_eq(p.counts[IMPORT_UNCHANGED], n - 1, "%zu unchanged",
		     p.counts[IMPORT_UNCHANGED]);
	cr_assert_eq(p.counts[IMPORT_CREATED], 0);
	buf_free(&csv);
	arena_free(a);
}
