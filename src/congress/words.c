/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress's actions and things in the audit log's words.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <stdlib.h>

static const char *congress_name(struct http_req *rq, const char *key)
{
	struct congress k;
	int64_t id;

	if (str_to_i64(key, &id) != 0 ||
	    congress_get(platform_conn(), rq->arena, id, &k) != DB_OK ||
	    !can(rq, PERM_CONGRESS_PARTICIPATE, k.scope_id))
		return NULL;
	return k.name;
}

/* A participant is named to whoever may see the congress's list. */
static const char *participant_name(struct http_req *rq, const char *key)
{
	struct participant p;
	struct congress k;
	int64_t id;

	if (str_to_i64(key, &id) != 0 ||
	    congress_participant_get(platform_conn(), rq->arena, id, &p) != DB_OK ||
	    congress_get(platform_conn(), rq->arena, p.congress_id, &k) != DB_OK ||
	    !can(rq, PERM_CONGRESS_REGISTER, k.scope_id))
		return NULL;
	return p.display_name;
}

static const struct audit_phrase phrases[] = {
	{"congress.created", N_("{actor} prepared the congress {object}")},
	{"congress.updated", N_("{actor} changed the settings of {object}")},
	{"congress.registered", N_("{actor} registered {object} for {congress:congress}")},
	{"congress.unregistered", N_("{actor} removed {object} from {congress:congress}")},
	{"congress.mandate.added", N_("{actor} added a mandate of {object}")},
	{"congress.mandate.checked", N_("{actor} checked a mandate of {object}")},
	{"congress.mandate.unchecked", N_("{actor} unchecked a mandate of {object}")},
	{"congress.mandate.removed", N_("{actor} removed a mandate of {object}")},
	{"congress.item.added", N_("{actor} added an item to the agenda of {object}")},
	{"congress.item.changed", N_("{actor} changed the agenda of {object}")},
	{"congress.speaker.asked", N_("{object} asked to speak")},
	{"congress.speaker.changed", N_("{actor} changed the list of speakers: {object}")},
	{"congress.checked_in", N_("{actor} checked {object} in")},
	{"congress.checked_out", N_("{actor} checked {object} out")},
	{"congress.motion.submitted", N_("{actor} submitted a motion to {object}")},
	{"congress.motion.changed", N_("{actor} changed a motion of {object}")},
	{"congress.motion.edited", N_("{actor} edited a motion of {object}")},
	{"congress.amendment.submitted", N_("{actor} submitted an amendment to {object}")},
	{"congress.amendment.changed", N_("{actor} changed an amendment of {object}")},
	{"congress.badge.reissued", N_("{actor} issued a new badge to {object}")},
	{"congress.projected", N_("{actor} changed what the projector of {object} shows")},
	{"congress.speaking_right", N_("{actor} changed the speaking right of {object}")},
	{0},
};

static const struct audit_noun nouns[] = {
	{"congress", congress_name, "/congress/%s", N_("congress")},
	{"participant", participant_name, NULL, N_("participant")},
	{0},
};

const struct audit_words congress_audit_words = {phrases, nouns};
