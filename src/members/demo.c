/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's part of the demo organization: every scope made a
 * branch, the affiliated unions, and a few dozen invented people spread
 * over the cells, with statuses, unions and dues. Officers get member
 * roles: the administrator and the national coordinator as organizers of
 * the whole organization, Yerlan as organizer in Aktau, Galina as
 * registrar in Karaganda. Every name, phone and email here is invented
 * (phones use the 555 exchange; emails example.org).
 */
#include "internal.h"
#include "platform/auth/auth.h"
#include "platform/platform.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *kind, *description;
} demo_unions[] = {
	{"Independent oil workers' union of Mangystau", "union",
	 "Drillers, operators and drivers of the Zhanaozen and Aktau fields."},
	{"Shakhtinsk miners' union", "union",
	 "Miners of the Karaganda coal basin, organized after the 2011 strikes."},
	{"Union of scientific workers", "union",
	 "Researchers and laboratory staff of the Karaganda institutes."},
	{"Students' union", "group",
	 "Students of Almaty universities and colleges."},
	{"Temirtau steelworkers' committee", "union",
	 "Workers of the Temirtau steel plant."},
};

/* Cells and the work people in them do, with the union they join. */
static const struct {
	const char *branch, *workplace, *union_name;
} places[] = {
	{"Zhanaozen: Ozenmunaigas cell", "Ozenmunaigas, drilling crew",
	 "Independent oil workers' union of Mangystau"},
	{"Aktau: oil workers' cell", "Karazhanbasmunai, operator",
	 "Independent oil workers' union of Mangystau"},
	{"Karaganda: Shakhtinsk miners' cell", "Kazakhstanskaya mine, face worker",
	 "Shakhtinsk miners' union"},
	{"Karaganda: scientific workers' cell", "Institute of organic synthesis",
	 "Union of scientific workers"},
	{"Almaty: students' union cell", "Kazakh National University, student",
	 "Students' union"},
	{"Almaty: AZTM machine works cell", "AZTM machine works, turner", NULL},
	{"Astana: construction workers' cell", "Building site, left bank",
	 NULL},
	{"Central Kazakhstan: Temirtau steelworkers' cell",
	 "Temirtau steel plant, rolling mill", "Temirtau steelworkers' committee"},
	{"Shymkent", "Shymkent oil refinery", NULL},
	{"Aktau", "Port of Aktau, docker", NULL},
};

static const struct {
	const char *first;
	bool woman;
} firsts[] = {
	{"Askar", false}, {"Aigerim", true}, {"Bolat", false}, {"Dana", true},
	{"Yerzhan", false}, {"Gulnara", true}, {"Marat", false},
	{"Saule", true}, {"Nurlan", false}, {"Zhanna", true}, {"Timur", false},
	{"Aliya", true}, {"Sergei", false}, {"Natalia", true},
	{"Daniyar", false}, {"Madina", true}, {"Viktor", false},
	{"Irina", true}, {"Serik", false}, {"Lyudmila", true},
};
static const char *const surnames[] = {
	"Akhmetov", "Baimukhanov", "Dzhaksybekov", "Ermekov", "Ivanov",
	"Kozlov", "Nurpeisov", "Omarov", "Petrov", "Sadykov", "Tulegenov",
	"Zhumabayev", "Abenov", "Karimov",
};
static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

#define DEMO_PEOPLE 60

static int grant_by_email(struct db_conn *c, struct arena *a,
			  const char *email, const char *role,
			  const char *scope_name)
{
	struct account acc;
	struct scope s = {0};

	if (account_find_email(c, a, email, &acc) != DB_OK)
		return DB_OK; /* an account the platform's demo did not make */
	if (scope_name && scope_find(c, a, scope_name, &s) != DB_OK)
		return DB_ERROR;
	return grant_add(c, acc.id, role, s.id, 0, NULL);
}

static int demo_person(struct db_conn *c, struct arena *a, int i,
		       const int64_t *union_ids)
{
	size_t pl = (size_t)(i * 7 + i / 10) % ARRAY_LEN(places);
	size_t fi = (size_t)i % ARRAY_LEN(firsts);
	size_t si = (size_t)(i * 5 + 3) % ARRAY_LEN(surnames);
	const char *first = firsts[fi].first, *sur = surnames[si];
	struct branch b;
	struct person_input in = {0};
	char *email, *legal;
	int64_t id, uid = 0;
	int rc;
	static const char *const statuses[] = {
		"active", "active", "active", "active", "applicant", "active",
		"lapsed", "active", "suspended", "active", "active", "left"};

	if (members_branch_find(c, a, places[pl].branch, &b) != DB_OK)
		return DB_ERROR;
	legal = arena_printf(a, "%s %s%s", first, sur,
			     firsts[fi].woman ? "a" : "");
	in.legal_name = legal;
	/* organizers know most people by a short name; a few by a pseudonym */
	in.display_name = i % 9 == 4 ? arena_printf(a, "Comrade %c%c", sur[0],
						    first[0])
				     : arena_printf(a, "%s %c.", first, sur[0]);
	in.phone = arena_printf(a, "+7 70%d 555 %02d %02d", 1 + i % 8,
				(i * 37) % 100, (i * 11 + 7) % 100);
	if (i % 3 != 0) {
		email = arena_printf(a, "%s.%s%d@example.org", first, sur, i);
		lower_ascii(email);
		in.email = email;
	}
	in.workplace = places[pl].workplace;
	in.birth_date = arena_printf(a, "%d-%02d-%02d", 1960 + (i * 13) % 45,
				     1 + i % 12, 1 + (i * 3) % 28);
	in.joined_on = arena_printf(a, "%d-%02d-%02d", 2011 + (i * 7) % 15,
				    1 + (i * 5) % 12, 1 + (i * 11) % 28);
	in.address = i % 4 == 0 ? arena_printf(a, "Microdistrict %d, house %d",
					      1 + i % 30, 1 + (i * 3) % 60)
				: NULL;
	in.notes = i % 10 == 2 ? "Spoke at the factory meeting; wants to help with the strike fund."
				: NULL;
	in.status = statuses[i % ARRAY_LEN(statuses)];
	in.branch_id = b.id;
	in.consent_phone = i % 5 != 1;
	in.consent_sms = i % 2 == 0;
	in.consent_email = in.email && i % 4 != 3;
	const char *field;
	if (members_person_check(a, &in, &field))
		return DB_ERROR;
	rc = members_person_create(c, a, &in, 0, &id);
	if (rc != DB_OK)
		return rc;
	if (places[pl].union_name)
		for (size_t u = 0; u < ARRAY_LEN(demo_unions); u++)
			if (strcmp(demo_unions[u].name, places[pl].union_name) == 0)
				uid = union_ids[u];
	if (uid && i % 6 != 5 &&
	    (rc = members_person_set_unions(c, id, &uid, 1)) != DB_OK)
		return rc;
	if (uid && i < 10 &&
	    (rc = members_union_set_rep(c, uid, id, true, "shop steward")) !=
		DB_OK)
		return rc;
	if (strcmp(in.status, "active") == 0)
		for (int m = 9; m <= 11 && rc == DB_OK; m++)
			rc = members_dues_add(
			    c, id, 100000, "KZT",
			    arena_printf(a, "2026-%02d", m),
			    arena_printf(a, "2026-%02d-%02d", m, 5 + i % 20),
			    0, NULL);
	return rc;
}

/* Applications waiting to be vetted, sealed to the intake key like any
 * other (the first in Almaty, for the tests' foreign object). */
static const struct {
	const char *branch, *json;
} demo_apps[] = {
	{"Almaty", "{\"display_name\":\"Arman\",\"legal_name\":\"Arman Seitkali\","
		   "\"phone\":\"+77015550311\",\"email\":\"arman.s@example.org\","
		   "\"workplace\":\"Almaty metro depot\",\"message\":\"I read about the "
		   "drivers' strike and want to help.\",\"consent_phone\":true,"
		   "\"consent_sms\":true,\"consent_email\":true}"},
	{"Aktau", "{\"display_name\":\"Roza\",\"legal_name\":\"Roza Utemisova\","
		  "\"phone\":\"+77025550412\",\"email\":\"\",\"workplace\":"
		  "\"Karazhanbasmunai, canteen\",\"message\":\"My brother is in the oil "
		  "workers' cell.\",\"consent_phone\":true,\"consent_sms\":false,"
		  "\"consent_email\":false}"},
	{"Aktau", "{\"display_name\":\"Yerbol\",\"legal_name\":\"\","
		  "\"phone\":\"\",\"email\":\"yerbol.k@example.org\",\"workplace\":"
		  "\"Port of Aktau\",\"message\":\"\",\"consent_phone\":false,"
		  "\"consent_sms\":false,\"consent_email\":true}"},
	{"Karaganda", "{\"display_name\":\"Svetlana\",\"legal_name\":\"Svetlana "
		      "Morozova\",\"phone\":\"+77055550513\",\"email\":\"\","
		      "\"workplace\":\"Shakhtinsk hospital, nurse\",\"message\":\"\","
		      "\"consent_phone\":true,\"consent_sms\":true,\"consent_email\":false}"},
};

static int demo_applications(struct db_conn *c, struct arena *a)
{
	unsigned char pk[INTAKE_KEY_LEN];
	int rc = DB_OK;

	if (members_intake_ensure(c) != 0 || members_intake_public(c, pk) != 0)
		return DB_ERROR;
	for (size_t i = 0; i < ARRAY_LEN(demo_apps) && rc == DB_OK; i++) {
		struct branch b;
		size_t len;
		unsigned char *s;
		int64_t id;
		if (members_branch_find(c, a, demo_apps[i].branch, &b) != DB_OK)
			return DB_ERROR;
		s = members_intake_seal(a, pk, demo_apps[i].json,
					strlen(demo_apps[i].json), &len);
		rc = members_application_add(
		    c, b.id, s, len, i % 2 ? "kk" : "ru",
		    (int64_t)time_now() - 3600 * (int64_t)(10 - i), &id);
	}
	return rc;
}

/* A member with self-service, to show /me (the demo's password). */
static int demo_member(struct db_conn *c, struct arena *a, int64_t oil_union)
{
	struct person_input in = {
		.display_name = "Saule M.", .legal_name = "Saule Mukhanova",
		.phone = "+7 702 555 77 10", .email = "member@example.org",
		.workplace = "Karazhanbasmunai, laboratory", .joined_on = "2019-04-12",
		.status = "active", .consent_email = true, .consent_sms = true};
	struct branch b;
	const char *field;
	int64_t pid, uid;
	int rc;

	if (members_branch_find(c, a, "Aktau: oil workers' cell", &b) != DB_OK)
		return DB_ERROR;
	in.branch_id = b.id;
	if (members_person_check(a, &in, &field) ||
	    members_person_create(c, a, &in, 0, &pid) != DB_OK ||
	    members_person_set_unions(c, pid, &oil_union, 1) != DB_OK ||
	    members_dues_add(c, pid, 150000, "KZT", "2026-11", "2026-11-03",
			     0, NULL) != DB_OK)
		return DB_ERROR;
	rc = account_create(c, a, "member@example.org", "Saule (member)", "kk",
			    "rudder-demo", &uid);
	if (rc != DB_OK)
		return rc;
	/* a record just made has no account yet */
	rc = members_person_link_account(c, pid, uid);
	return rc == DB_OK ? DB_OK : DB_ERROR;
}

int members_demo(struct db_conn *c, char *err, size_t cap)
{
	struct arena *a = arena_new();
	struct scope *sc;
	size_t ns;
	int64_t union_ids[ARRAY_LEN(demo_unions)];
	int rc = scope_list(c, a, &sc, &ns);

	for (size_t i = 0; i < ns && rc == DB_OK; i++)
		rc = members_branch_ensure(c, sc[i].id,
					   sc[i].parent_id ? "cell" : "region");
	for (size_t i = 0; i < ARRAY_LEN(demo_unions) && rc == DB_OK; i++)
		rc = members_union_create(
		    c, demo_unions[i].name, demo_unions[i].kind,
		    demo_unions[i].description, &union_ids[i]);
	for (int i = 0; i < DEMO_PEOPLE && rc == DB_OK; i++)
		rc = demo_person(c, a, i, union_ids);
	if (rc == DB_OK)
		rc = grant_by_email(c, a, "admin@example.org", "organizer", NULL);
	if (rc == DB_OK)
		rc = grant_by_email(c, a, "coordinator@example.org", "organizer", NULL);
	if (rc == DB_OK)
		rc = grant_by_email(c, a, "aktau@example.org", "organizer", "Aktau");
	if (rc == DB_OK)
		rc = grant_by_email(c, a, "karaganda@example.org", "registrar",
				    "Karaganda");
	if (rc == DB_OK)
		rc = demo_applications(c, a);
	if (rc == DB_OK)
		rc = demo_member(c, a, union_ids[0]);
	if (rc != DB_OK)
		snprintf(err, cap, "cannot load the demo members (%d)", rc);
	arena_free(a);
	return rc == DB_OK ? 0 : -1;
}
