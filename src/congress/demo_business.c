/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The demo congress's business, modelled on the seed: an agenda (the
 * leadership's report, done; the draft programme, under debate with
 * speakers queued; the re-launch under a new name; the election of a
 * leadership committee), the motion to re-launch "Kazakhstan 2012" as
 * the Socialist Movement of Kazakhstan, a draft programme in chapters
 * with half a dozen amendments (two of them touching the same lines),
 * and a resolution still gathering supporters. The texts are written
 * for the demo, after the article in ../shared/seed/.
 */
#include "internal.h"

#include <string.h>

static const char RELAUNCH[] =
	"The fourth conference of Kazakhstan 2012 decides:\n\n"
	"1. To re-launch Kazakhstan 2012 as the **Socialist Movement of Kazakhstan** "
	"(SMK), a membership-based organization with an explicitly socialist "
	"programme.\n"
	"2. That the Socialist Movement of Kazakhstan coordinates and supports social "
	"and workers' protests, and conducts agitation and propaganda to consolidate "
	"the growing opposition around a socialist programme.\n"
	"3. To prepare the ground, politically and organizationally, for a new mass "
	"workers' party.\n"
	"4. That every branch and affiliated union of Kazakhstan 2012 is a branch or "
	"affiliated union of the Socialist Movement of Kazakhstan from this day, with "
	"its members, officers and mandates.\n";
static const char RELAUNCH_WHY[] =
	"The elections showed that the movement can play a political role: it was "
	"the first to call for a boycott. Social explosions are on the agenda in the "
	"region; the question is whether the left offers an alternative.";

static const char CHAPTER1[] =
	"## Who we are\n\n"
	"Kazakhstan 2012 was formed in May 2009, when the crisis hit ordinary people: "
	"banks were bailed out while families lost their jobs, their deposits on new "
	"flats and, in the worst cases, their homes.\n\n"
	"We are a movement of people who organize: tenants and depositors, oil "
	"workers and miners, scientific workers and students. We coordinate their "
	"protests and make their demands heard.\n\n"
	"We stand for a society run by and for working people, and for the closest "
	"links with the international socialist movement.\n";
static const char CHAPTER2[] =
	"## Banks, homes and deposits\n\n"
	"The banks that were saved with public money still demand payments from "
	"people who lost their jobs, and raise their charges and interest rates.\n\n"
	"We demand:\n\n"
	"- the nationalization of the banks under democratic control;\n"
	"- the nationalization of the construction sector, and the completion of "
	"every abandoned building site;\n"
	"- full compensation for everyone who lost a deposit on a new flat;\n"
	"- an end to evictions for debt, and no family's only home taken by a bank.\n\n"
	"Compensation was won by threatening the government, not by begging it: "
	"where residents only lobbied, the building sites stand still.\n";
static const char CHAPTER3[] =
	"## Workers' rights and independent unions\n\n"
	"We support the independent trade unions of oil workers, miners, scientific "
	"workers and students, and every strike for decent pay and safe work.\n\n"
	"We demand the freedom to organize, to strike and to protest without "
	"permission, and the release of everyone imprisoned for it.\n";
static const char ZHANAOZEN[] =
	"The conference sends its solidarity to the oil workers of Zhanaozen and "
	"Aktau, whose mood for strike action is hardening, and calls on every branch "
	"to organize support for them.\n";

struct demo_amendment {
	int motion; /* which chapter: 0, 1, 2 */
	int64_t first, last;
	const char *op, *text, *reason, *state;
};
/* lines as chapter 2 is stored (wrapped at 80 columns) */
static const struct demo_amendment amendments[] = {
	{1, 8, 8, "replace",
	 "- the nationalization of the banks under the democratic control of their "
	 "workers and of the people;",
	 "Say whose control.", "admitted"},
	{1, 11, 11, "replace",
	 "- full compensation, with interest, for everyone who lost a deposit on a new "
	 "flat;",
	 "Inflation ate the compensation paid so far.", "submitted"},
	{1, 11, 11, "delete", "", "Compensation is a demand of the campaign, not of "
	 "the programme.", "submitted"},
	{1, 12, 12, "insert",
	 "- rent controls, and homes built by the state for those who have none;",
	 "The internal migrants around Almaty need land and homes.", "admitted"},
	{0, 11, 12, "replace",
	 "We stand for a socialist society run by and for working people, and for "
	 "the closest links with the international socialist movement.",
	 "Say it plainly.", "submitted"},
	{2, 6, 7, "replace",
	 "We demand the freedom to organize, to strike and to protest without "
	 "permission, the release of everyone imprisoned for it, and the "
	 "rehabilitation of those sentenced.",
	 "A teacher was sentenced for exposing corruption.", "withdrawn"},
};

static int add_motion(struct db_conn *c, int64_t congress, const char *kind,
		      const char *title, const char *body, const char *reason,
		      int64_t by, int64_t *id_r)
{
	struct arena *a = arena_new();
	struct motion m = {.congress_id = congress, .kind = kind, .title = title,
			   .body = congress_wrap(a, body, CONGRESS_LINE_WIDTH),
			   .reason = reason, .submitted_by = by};
	int rc = congress_motion_add(c, &m, 0, id_r);

	arena_free(a);
	return rc;
}

/* Moves motion id through states (NULL-ended). */
static int move(struct db_conn *c, int64_t id, const char *const *to)
{
	struct arena *a = arena_new();
	struct motion m;
	int rc = DB_OK;

	for (; *to && rc == DB_OK; to++) {
		rc = congress_motion_get(c, a, id, &m);
		if (rc == DB_OK)
			rc = congress_motion_move(c, &m, *to, NULL, 0, NULL);
	}
	arena_free(a);
	return rc;
}

static int add_item(struct db_conn *c, struct arena *a, int64_t congress,
		    const char *title, int minutes, struct agenda_item *it)
{
	int64_t id;
	int rc = congress_item_add(c, congress, title, minutes, 0, &id);

	return rc == DB_OK ? congress_item_get(c, a, id, it) : rc;
}

int congress_demo_business(struct db_conn *c, struct arena *a,
			   const struct congress *k, const int64_t *delegates,
			   size_t n)
{
	static const char *const admit[] = {"admitted", NULL};
	struct agenda_item report, programme, relaunch, election;
	int64_t m_relaunch, m_ch[3], m_zh, sid;
	int rc;

	if (n < 12)
		return DB_OK; /* a registry too small for the story */
	rc = add_item(c, a, k->id, "Report of the leadership", 40, &report);
	if (rc == DB_OK)
		rc = add_item(c, a, k->id, "Draft programme", 90, &programme);
	if (rc == DB_OK)
		rc = add_item(c, a, k->id,
			      "Re-launch as the Socialist Movement of Kazakhstan", 30,
			      &relaunch);
	if (rc == DB_OK)
		rc = add_item(c, a, k->id, "Election of a leadership committee", 60,
			      &election);
	/* the report was given and discussed; the programme is under debate */
	if (rc == DB_OK)
		rc = congress_item_set_state(c, &report, "current");
	for (size_t i = 0; i < 3 && rc == DB_OK; i++) {
		struct speaker s;
		rc = congress_speaker_request(c, &report, delegates[3 + i], false, true,
					      &sid);
		if (rc == DB_OK)
			rc = congress_speaker_get(c, a, sid, &s);
		if (rc == DB_OK)
			rc = congress_speaker_floor(c, &s);
		if (rc == DB_OK)
			rc = congress_speaker_get(c, a, sid, &s);
		if (rc == DB_OK)
			rc = congress_speaker_end(c, &s);
	}
	if (rc == DB_OK)
		rc = congress_item_note(c, report.id,
					"The report was received; nearly all who spoke "
					"supported reforming the organization into a clearly "
					"socialist force.");
	if (rc == DB_OK)
		rc = congress_item_set_state(c, &programme, "current");
	for (size_t i = 0; i < 5 && rc == DB_OK; i++) {
		rc = congress_speaker_request(c, &programme, delegates[6 + i], i == 4,
					      true, &sid);
		if (rc == DB_OK && i == 0) {
			struct speaker s;
			rc = congress_speaker_get(c, a, sid, &s);
			if (rc == DB_OK)
				rc = congress_speaker_floor(c, &s);
		}
	}

	/* the re-launch, submitted by the first delegate who signs in */
	if (rc == DB_OK)
		rc = add_motion(c, k->id, "statute",
				"Re-launch as the Socialist Movement of Kazakhstan",
				RELAUNCH, RELAUNCH_WHY, delegates[0], &m_relaunch);
	for (size_t i = 2; i < 8 && rc == DB_OK; i++)
		rc = congress_motion_support(c, m_relaunch, delegates[i], true);
	if (rc == DB_OK)
		rc = move(c, m_relaunch, admit);
	if (rc == DB_OK)
		rc = congress_motion_set_item(c, m_relaunch, relaunch.id);
	/* the leadership's draft programme, chapter by chapter */
	{
		const char *titles[] = {"Draft programme, chapter 1: Who we are",
					"Draft programme, chapter 2: Banks, homes and deposits",
					"Draft programme, chapter 3: Workers' rights"};
		const char *bodies[] = {CHAPTER1, CHAPTER2, CHAPTER3};
		static const char *const debate[] = {"admitted", "debated", NULL};
		for (int i = 0; i < 3 && rc == DB_OK; i++) {
			rc = add_motion(c, k->id, "programme", titles[i], bodies[i], "",
					0, &m_ch[i]);
			if (rc == DB_OK)
				rc = move(c, m_ch[i], i == 1 ? debate : admit);
			if (rc == DB_OK)
				rc = congress_motion_set_item(c, m_ch[i], programme.id);
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(amendments) && rc == DB_OK; i++) {
		const struct demo_amendment *d = &amendments[i];
		struct amendment am = {
			.motion_id = m_ch[d->motion], .text_version = 1,
			.first_line = d->first, .last_line = d->last, .op = d->op,
			.new_text = congress_wrap(a, d->text, CONGRESS_LINE_WIDTH),
			.reason = d->reason, .submitted_by = delegates[1 + i]};
		int64_t id;
		rc = congress_amendment_add(c, &am, &id);
		if (rc == DB_OK && strcmp(d->state, "submitted")) {
			struct amendment now;
			rc = congress_amendment_get(c, a, id, &now);
			if (rc == DB_OK)
				rc = congress_amendment_move(c, &now, d->state);
		}
	}
	/* a resolution still gathering supporters */
	if (rc == DB_OK)
		rc = add_motion(c, k->id, "resolution",
				"Solidarity with the oil workers of Zhanaozen", ZHANAOZEN,
				"", delegates[9], &m_zh);
	for (size_t i = 10; i < 12 && rc == DB_OK; i++)
		rc = congress_motion_support(c, m_zh, delegates[i], true);
	return rc;
}
