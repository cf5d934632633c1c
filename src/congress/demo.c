/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The demo's congress, modelled on the seed: the fourth conference of
 * "Kazakhstan 2012", open, every active member of the demo registry a
 * delegate with a checked mandate from their branch (some with a second
 * from their union), 140 visitors from the unions and campaigns and a
 * few guests — nearly 200, as in the seed — most of them checked in.
 * Its chair, its door team and a delegate can sign in (printed by
 * `rudder demo`).
 */
#include "internal.h"
#include "members/members.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "rudder-demo"
/* the seed's hall: nearly 200 delegates and visitors */
#define DEMO_VISITORS 140

static const char *const guests[] = {
	"A journalist from Vlast.kz", "An observer from the CWI",
	"A lawyer of the strike committee", "A guest from Kyrgyzstan",
	"Teacher from Shymkent (guest)", "Zhanaozen oil workers' guest",
};

static int account(struct db_conn *c, struct arena *a, const char *email,
		   const char *name, const char *lang, int64_t *id_r)
{
	struct account acc;

	if (account_find_email(c, a, email, &acc) == DB_OK) {
		*id_r = acc.id;
		return DB_OK;
	}
	return account_create(c, a, email, name, lang, DEMO_PASSWORD, id_r);
}

/* Registers person (the registry's) as a delegate of k, their mandate
 * from their branch checked; every third also from their first union. */
static int delegate(struct db_conn *c, struct arena *a, const struct congress *k,
		    const struct person *p, int n, bool present, int64_t *pid_r)
{
	struct participant in = {.congress_id = k->id, .kind = "delegate",
				 .person_id = p->id, .account_id = p->account_id,
				 .display_name = p->display_name, .may_speak = true};
	int64_t pid, mid, *uids;
	size_t nu;
	int rc = congress_participant_add(c, a, &in, &pid);

	if (rc == DB_OK)
		rc = congress_mandate_add(c, pid, "branch", p->branch_id, 1, &mid);
	if (rc == DB_OK)
		rc = congress_mandate_check(c, mid, 1, true, 0);
	if (rc == DB_OK && n % 3 == 0 &&
	    members_person_unions(c, a, p->id, &uids, &nu) == DB_OK && nu &&
	    congress_mandate_add(c, pid, "union", uids[0], 1, &mid) == DB_OK)
		rc = congress_mandate_check(c, mid, 1, true, 0);
	if (rc == DB_OK && p->account_id)
		rc = grant_add(c, p->account_id, "congress_participant", k->scope_id,
			       0, NULL);
	if (rc == DB_OK && present)
		rc = congress_check(c, pid, true, 0);
	*pid_r = pid;
	return rc;
}

int congress_demo(struct db_conn *c, char *err, size_t cap)
{
	struct arena *a = arena_new();
	struct congress k = {.name = "Fourth conference of Kazakhstan 2012",
			     .place = "Almaty", .starts_on = "2026-12-12",
			     .ends_on = "2026-12-13", .state = "open",
			     .quorum_pct = 50, .min_supporters = 5,
			     .speak_seconds = 180, .first_speakers_first = true};
	int64_t chair, door, id;
	/* the delegates, those who sign in first (they submit and amend) */
	struct buf signs, others;
	int rc = congress_create(c, &k, 0, &id), n = 0;

	buf_init(&signs);
	buf_init(&others);

	if (rc == DB_OK)
		rc = congress_get(c, a, id, &k);
	if (rc == DB_OK) {
		k.state = "open";
		rc = congress_update(c, &k);
	}
	if (rc == DB_OK)
		rc = account(c, a, "chair@example.org", "Esen (congress chair)", "ru",
			     &chair);
	if (rc == DB_OK)
		rc = grant_add(c, chair, "congress_chair", k.scope_id, 0, NULL);
	if (rc == DB_OK)
		rc = account(c, a, "door@example.org", "Dina (door team)", "kk", &door);
	if (rc == DB_OK)
		rc = grant_add(c, door, "congress_door", k.scope_id, 0, NULL);
	/* the national coordinator (an organizer of the whole registry)
	 * registers its delegates */
	{
		struct account co;
		if (rc == DB_OK &&
		    account_find_email(c, a, "coordinator@example.org", &co) == DB_OK)
			rc = grant_add(c, co.id, "congress_registrar", k.scope_id, 0,
				       NULL);
	}
	/* the registry's active members, read as the module's own demo
	 * (ids in order until a run of none) */
	for (int64_t pid = 1, misses = 0; rc == DB_OK && misses < 50; pid++) {
		struct person p;
		if (members_person_get(c, a, pid, false, &p) != DB_OK) {
			misses++;
			continue;
		}
		misses = 0;
		if (p.status != MS_ACTIVE || p.erased_at)
			continue;
		/* a second delegate who signs in: she supports and amends */
		if (n == 1 && !p.account_id)
			rc = account(c, a, "delegate@example.org", p.display_name, "kk",
				     &p.account_id);
		if (rc == DB_OK) {
			int64_t part = 0;
			rc = delegate(c, a, &k, &p, n, n % 5 != 4, &part);
			buf_append(p.account_id ? &signs : &others, &part, sizeof(part));
		}
		n++;
	}
	/* the hall was nearly 200: visitors from the unions and the
	 * campaigns who are no members of the movement, most of them in */
	for (int i = 0; rc == DB_OK && i < DEMO_VISITORS; i++) {
		static const char *const firsts[] = {
			"Askar", "Aigerim", "Bolat", "Dana", "Yerzhan", "Gulnara",
			"Marat", "Nurlan", "Zhanna", "Timur", "Aliya", "Sergei",
			"Natalia", "Daniyar", "Madina", "Viktor", "Irina", "Serik"};
		static const char *const lasts = "AKBDEIKNOPSTZUMRGL";
		static const char *const from[] = {
			"Mangystau oil workers", "Shakhtinsk miners",
			"students' union", "scientific workers",
			"Leave people's homes alone!", "depositors of Almaty",
			"Temirtau steelworkers"};
		struct participant in = {
			.congress_id = k.id, .kind = "visitor",
			.display_name = arena_printf(a, "%s %c. (%s)",
						     firsts[i % ARRAY_LEN(firsts)],
						     lasts[(i * 7) % 17],
						     from[i % ARRAY_LEN(from)])};
		int64_t pid;
		rc = congress_participant_add(c, a, &in, &pid);
		if (rc == DB_OK && i % 5 != 0)
			rc = congress_check(c, pid, true, 0);
	}
	for (size_t i = 0; i < sizeof(guests) / sizeof(*guests) && rc == DB_OK; i++) {
		struct participant in = {.congress_id = k.id,
					 .kind = i < 2 ? "visitor" : "guest",
					 .display_name = guests[i]};
		int64_t pid;
		rc = congress_participant_add(c, a, &in, &pid);
		if (rc == DB_OK && i % 2 == 0)
			rc = congress_check(c, pid, true, 0);
	}
	if (rc == DB_OK) {
		if (others.len)
			buf_append(&signs, others.data, others.len);
		rc = congress_demo_business(c, a, &k, (const int64_t *)(void *)signs.data,
					    signs.len / sizeof(int64_t));
	}
	buf_free(&signs);
	buf_free(&others);
	/* a second, smaller one, Aktau's own (its scope inside Aktau), that
	 * Aktau's coordinator chairs: a congress's roles reach only it (the
	 * authorization walk tries the first congress's things as theirs) */
	if (rc == DB_OK) {
		struct scope aktau;
		struct congress r = {.name = "Aktau regional conference",
				     .place = "Aktau", .starts_on = "2027-02-06",
				     .ends_on = "2027-02-06", .state = "preparing",
				     .quorum_pct = 50, .speak_seconds = 120,
				     .first_speakers_first = true};
		struct account ak;
		int64_t rid;
		rc = scope_find(c, a, "Aktau", &aktau);
		if (rc == DB_OK)
			rc = congress_create(c, &r, aktau.id, &rid);
		if (rc == DB_OK)
			rc = congress_get(c, a, rid, &r);
		if (rc == DB_OK &&
		    account_find_email(c, a, "aktau@example.org", &ak) == DB_OK)
			rc = grant_add(c, ak.id, "congress_chair", r.scope_id, 0, NULL);
	}
	if (rc != DB_OK)
		snprintf(err, cap, "cannot load the demo congress (%d)", rc);
	arena_free(a);
	return rc == DB_OK ? 0 : -1;
}
