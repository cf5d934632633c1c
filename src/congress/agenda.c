/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The agenda and the speakers' lists. Participants read the agenda and an
 * item with its speakers, and ask to speak (or raise a point of order)
 * from their phone when they have speaking rights; the chair adds and
 * orders items, makes one current, runs each list (the floor, the end of
 * a speech, the order, a request taken off), and writes the minutes'
 * note. The clock is shown as the time a speech ends; pages work without
 * JavaScript and a reload shows the state.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <string.h>

static const char *item_state_label(const char *state)
{
	return strcmp(state, "current") == 0 ? N_("Now")
	       : strcmp(state, "done") == 0  ? N_("Done")
					     : N_("Waiting");
}

static json_t *item_json(struct http_req *rq, const struct agenda_item *it)
{
	return json_pack("{s:I, s:I, s:s, s:i, s:i, s:s, s:s, s:b, s:b, s:I, s:s, s:I}",
			 "id", (json_int_t)it->id, "position", (json_int_t)it->position,
			 "title", it->title, "planned_minutes", it->planned_minutes,
			 "speak_seconds", it->speak_seconds, "state", it->state,
			 "state_label", tr_rq(rq, item_state_label(it->state)),
			 "current", strcmp(it->state, "current") == 0, "done",
			 strcmp(it->state, "done") == 0, "waiting",
			 (json_int_t)it->waiting, "minutes_note", it->minutes_note,
			 "version", (json_int_t)it->version);
}

/* "14:03:10" in the organization's time zone. */
static const char *clock_at(struct http_req *rq, int64_t t)
{
	char buf[32];

	time_format_clock(t, buf, sizeof(buf));
	return arena_strdup(rq->arena, buf);
}

static json_t *speaker_json(struct http_req *rq, const struct speaker *s,
			    int limit)
{
	bool speaking = s->started_at && !s->ended_at;
	json_t *j = json_pack(
		"{s:I, s:I, s:s, s:b, s:I, s:b, s:b, s:b, s:b, s:b}", "id",
		(json_int_t)s->id, "participant", (json_int_t)s->participant_id,
		"display_name", s->display_name, "point_of_order", s->point_of_order,
		"position", (json_int_t)s->position, "first_time", s->first_time,
		"speaking", speaking, "waiting", !s->started_at, "spoke",
		s->ended_at != 0, "paused", speaking && s->paused_at);

	/* a running clock ends at a time; a paused one has seconds left */
	if (speaking && limit > 0 && !s->paused_at) {
		int64_t ends = s->started_at + limit + s->paused_seconds;
		json_object_set_new(j, "ends_at", json_integer(ends));
		json_object_set_new(j, "ends_at_text", json_string(clock_at(rq, ends)));
	} else if (speaking && limit > 0) {
		int64_t left = limit - congress_spoken(s, time_now());
		json_object_set_new(j, "seconds_left", json_integer(left > 0 ? left : 0));
	}
	if (s->started_at)
		json_object_set_new(j, "seconds",
				    json_integer(congress_spoken(s, time_now())));
	return j;
}

/* it with its speakers (who speaks, the queue, who spoke), as the API
 * gives it. */
static json_t *item_api_json(struct http_req *rq, const struct congress *k,
			     const struct agenda_item *it)
{
	struct speaker *s;
	size_t n;
	int limit = it->speak_seconds ? it->speak_seconds : k->speak_seconds;
	json_t *j = item_json(rq, it), *arr = json_array();

	if (congress_speakers(platform_conn(), rq->arena, it->id, &s, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, speaker_json(rq, &s[i], limit));
	json_object_set_new(j, "speakers", arr);
	return j;
}

/* Agenda item {i} of congress k (404 answered when it is another
 * congress's or none). */
static int load_item(struct http_req *rq, struct http_resp *rs,
		     const struct congress *k, struct agenda_item *it)
{
	if (congress_item_get(platform_conn(), rq->arena, http_param_int(rq, "i"),
			      it) != DB_OK ||
	    it->congress_id != k->id) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such agenda item."));
		return -1;
	}
	return 0;
}

void congress_agenda(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item *it;
	size_t n = 0;
	json_t *items = json_array();

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0) {
		json_decref(items);
		return;
	}
	if (congress_items(platform_conn(), rq->arena, k.id, &it, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, item_json(rq, &it[i]));
	http_page(rq, rs, 200, "congress/agenda", N_("Agenda"),
		  json_pack("{s:o, s:o, s:b, s:b}", "congress", congress_json(rq, &k),
			    "items", items, "any", n > 0, "may_chair",
			    can(rq, PERM_CONGRESS_CHAIR, k.scope_id)));
}

void congress_agenda_add(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	int64_t minutes = http_field_int(rq, "planned_minutes", 0);
	int64_t seconds = http_field_int(rq, "speak_seconds", 0);
	int64_t id;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (minutes < 0 || minutes > 1440 || seconds < 0 || seconds > 86400) {
		bool m = minutes < 0 || minutes > 1440;
		http_error_field(rq, rs, m ? "planned_minutes" : "speak_seconds",
				 tr_rq(rq, m ? N_("Planned minutes")
					     : N_("Speaking time (seconds)")),
				 N_("is out of range"));
		return;
	}
	rc = congress_item_add(platform_conn(), k.id, http_field(rq, "title"),
			       (int)minutes, (int)seconds, &id);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.item.added",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I}", "item", (json_int_t)id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	{
		struct agenda_item it;
		if (congress_item_get(platform_conn(), rq->arena, id, &it) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		congress_done(rq, rs, 201, item_json(rq, &it),
			      N_("The item was added to the agenda."),
			      arena_printf(rq->arena, "/congress/%lld/agenda", (long long)k.id));
	}
}

/* The item page: the item, its speakers, what the reader may do. */
static void item_render(struct http_req *rq, struct http_resp *rs, int status,
			const struct congress *k, const struct agenda_item *it,
			const char *error)
{
	struct speaker *s;
	struct participant me;
	size_t n;
	int limit = it->speak_seconds ? it->speak_seconds : k->speak_seconds;
	json_t *speaking = json_array(), *queue = json_array(), *spoke = json_array();
	json_t *data;
	bool is_me = congress_participant_of(platform_conn(), rq->arena, k->id,
					     rq->user.id, &me) == DB_OK;
	bool asked = false;

	if (congress_speakers(platform_conn(), rq->arena, it->id, &s, &n) == DB_OK)
		for (size_t i = 0; i < n; i++) {
			json_t *j = speaker_json(rq, &s[i], limit);
			if (is_me && s[i].participant_id == me.id && !s[i].ended_at) {
				asked = true;
				json_object_set_new(j, "mine", json_true());
			}
			json_array_append_new(s[i].ended_at ? spoke
					      : s[i].started_at ? speaking
								: queue,
					      j);
		}
	data = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:i}",
			 "congress", congress_json(rq, k), "item", item_json(rq, it),
			 "speaking", speaking, "queue", queue, "spoke", spoke,
			 "may_chair", can(rq, PERM_CONGRESS_CHAIR, k->scope_id),
			 "may_ask", is_me && me.may_speak && !asked &&
					    strcmp(it->state, "done") != 0,
			 "asked", asked, "any_queue", json_array_size(queue) > 0,
			 "limit", limit);
	json_object_set_new(data, "now", json_integer(time_now()));
	if (can(rq, PERM_CONGRESS_CHAIR, k->scope_id)) {
		/* the chair puts a hand raised in the hall on the list */
		struct participant *p;
		size_t np;
		json_t *hands = json_array();
		if (congress_participants(platform_conn(), rq->arena, k->id, &p, &np) ==
		    DB_OK)
			for (size_t i = 0; i < np; i++)
				if (p[i].may_speak)
					json_array_append_new(
						hands, json_pack("{s:I, s:s}", "id",
								 (json_int_t)p[i].id, "name",
								 p[i].display_name));
		json_object_set_new(data, "hands", hands);
	}
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/item", N_("Agenda item"), data);
}

/* The item page with status, or (to the API) the refusal alone. */
static void item_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const struct agenda_item *it,
		      const char *error)
{
	if (!congress_api_refused(rq, rs, status, NULL, error))
		item_render(rq, rs, status, k, it, error);
}

void congress_item(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item it;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0 &&
	    load_item(rq, rs, &k, &it) == 0)
		item_page(rq, rs, 200, &k, &it, NULL);
}

static const char *item_path(struct http_req *rq, const struct congress *k,
			     const struct agenda_item *it)
{
	return arena_printf(rq->arena, "/congress/%lld/agenda/%lld",
			    (long long)k->id, (long long)it->id);
}

struct item_op {
	const struct agenda_item *it;
	const char *action, *note;
};

static int item_tx(struct db_conn *c, void *arg)
{
	struct item_op *o = arg;

	if (strcmp(o->action, "current") == 0 || strcmp(o->action, "done") == 0)
		return congress_item_set_state(c, o->it, o->action);
	if (strcmp(o->action, "up") == 0 || strcmp(o->action, "down") == 0)
		return congress_item_move(c, o->it, o->action[0] == 'u');
	return congress_item_note(c, o->it->id, o->note);
}

/* The chair's changes to an item: made current or done, moved, noted. */
void congress_item_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item it;
	const char *action = http_field(rq, "action");
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    load_item(rq, rs, &k, &it) != 0 || !congress_writable(rq, rs, &k))
		return;
	if (strcmp(action, "current") && strcmp(action, "done") &&
	    strcmp(action, "up") && strcmp(action, "down") && strcmp(action, "note")) {
		item_page(rq, rs, 422, &k, &it, tr_rq(rq, N_("Choose what to do.")));
		return;
	}
	{
		/* two statements each (the current item done, another
		 * current; a swap): one transaction */
		struct item_op o = {.it = &it, .action = action,
				    .note = http_field_or(rq, "note", it.minutes_note)};
		rc = db_tx(platform_conn(), item_tx, &o);
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.item.changed",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:s}", "item", (json_int_t)it.id, "action",
					action));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		struct agenda_item now;
		if (congress_item_get(platform_conn(), rq->arena, it.id, &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_json(rs, 200, item_api_json(rq, &k, &now));
		return;
	}
	http_redirect(rs, strcmp(action, "up") == 0 || strcmp(action, "down") == 0
				  ? arena_printf(rq->arena, "/congress/%lld/agenda",
						 (long long)k.id)
				  : item_path(rq, &k, &it));
}

/* Each change of a list runs in a savepoint of its own: one refused
 * half-way (another chair was quicker) leaves the list as it was. */
struct list_op {
	const struct agenda_item *it;
	const struct speaker *s;
	const char *action;
	int64_t participant, id;
	bool point_of_order, first_first;
};

static int list_tx(struct db_conn *c, void *arg)
{
	struct list_op *o = arg;

	if (!o->s)
		return congress_speaker_request(c, o->it, o->participant,
						o->point_of_order, o->first_first,
						&o->id);
	if (strcmp(o->action, "floor") == 0)
		return congress_speaker_floor(c, o->s);
	if (strcmp(o->action, "end") == 0)
		return congress_speaker_end(c, o->s);
	if (strcmp(o->action, "remove") == 0)
		return congress_speaker_remove(c, o->s);
	if (strcmp(o->action, "pause") == 0 || strcmp(o->action, "resume") == 0)
		return congress_speaker_pause(c, o->s, o->action[0] == 'p');
	if (strcmp(o->action, "top") == 0)
		return congress_speaker_move(c, o->s, 1);
	if (strcmp(o->action, "up") == 0)
		return congress_speaker_move(c, o->s, (int)o->s->position - 1);
	return congress_speaker_move(c, o->s, (int)o->s->position + 1);
}

/* A participant asks to speak on an item (or withdraws their request). */
void congress_speak(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item it;
	struct participant me;
	bool poo = http_field_bool(rq, "point_of_order");
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    load_item(rq, rs, &k, &it) != 0)
		return;
	if (strcmp(k.state, "open") != 0) {
		item_page(rq, rs, 409, &k, &it,
			  tr_rq(rq, N_("The congress is not open: nobody can ask to speak.")));
		return;
	}
	if (http_field_int(rq, "participant", 0)) {
		/* the chair puts a hand raised in the hall on the list */
		if (!can(rq, PERM_CONGRESS_CHAIR, k.scope_id)) {
			http_error(rq, rs, HTTP_E_FORBIDDEN,
				   N_("Only the chair puts someone else on the list."));
			return;
		}
		if (congress_participant_get(platform_conn(), rq->arena,
					     http_field_int(rq, "participant", 0),
					     &me) != DB_OK ||
		    me.congress_id != k.id || me.removed_at) {
			http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such participant."));
			return;
		}
	} else if (congress_participant_of(platform_conn(), rq->arena, k.id,
					   rq->user.id, &me) != DB_OK) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only a participant of the congress can ask to speak."));
		return;
	}
	if (!me.may_speak) {
		item_page(rq, rs, 403, &k, &it,
			  tr_rq(rq, N_("No speaking right at this congress: the secretariat can give it.")));
		return;
	}
	if (strcmp(it.state, "done") == 0) {
		item_page(rq, rs, 409, &k, &it,
			  tr_rq(rq, N_("This item is closed: nobody can ask to speak on it any more.")));
		return;
	}
	{
		struct list_op o = {.it = &it, .participant = me.id,
				    .point_of_order = poo,
				    .first_first = k.first_speakers_first};
		rc = db_tx(platform_conn(), list_tx, &o);
	}
	if (rc == DB_CONSTRAINT) {
		item_page(rq, rs, 409, &k, &it,
			  arena_printf(rq->arena,
				       tr_rq(rq, N_("%s is on this item's list already.")),
				       me.display_name));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.speaker.asked",
			      arena_printf(rq->arena, "participant:%lld", (long long)me.id),
			      json_pack("{s:I, s:I, s:b}", "congress", (json_int_t)k.id,
					"item", (json_int_t)it.id, "point_of_order", poo));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		http_json(rs, 201, item_api_json(rq, &k, &it));
		return;
	}
	http_flash(rq, rs, poo ? N_("Your point of order is first in the queue.")
			       : N_("You are on the list of speakers."));
	http_redirect(rs, item_path(rq, &k, &it));
}

/* The chair runs the list: the floor, the end of a speech, the order; a
 * participant may take their own request off. */
void congress_speaker_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item it;
	struct speaker s;
	struct participant me;
	const char *action = http_field(rq, "action");
	bool chair;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    load_item(rq, rs, &k, &it) != 0 || !congress_writable(rq, rs, &k))
		return;
	if (congress_speaker_get(platform_conn(), rq->arena, http_param_int(rq, "s"),
				 &s) != DB_OK ||
	    s.item_id != it.id) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such speaker."));
		return;
	}
	chair = can(rq, PERM_CONGRESS_CHAIR, k.scope_id);
	/* a participant takes only their own request off */
	if (!chair &&
	    (strcmp(action, "remove") ||
	     congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
				     &me) != DB_OK ||
	     me.id != s.participant_id)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN, N_("Only the chair runs the list of speakers."));
		return;
	}
	if (strcmp(action, "floor") && strcmp(action, "end") &&
	    strcmp(action, "pause") && strcmp(action, "resume") &&
	    strcmp(action, "remove") && strcmp(action, "top") &&
	    strcmp(action, "up") && strcmp(action, "down")) {
		item_page(rq, rs, 422, &k, &it, tr_rq(rq, N_("Choose what to do.")));
		return;
	}
	{
		struct list_op o = {.it = &it, .s = &s, .action = action};
		rc = db_tx(platform_conn(), list_tx, &o);
	}
	if (rc == DB_CONSTRAINT) {
		item_page(rq, rs, 409, &k, &it,
			  tr_rq(rq, N_("The list changed meanwhile; here it is as it is now.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.speaker.changed",
			      arena_printf(rq->arena, "participant:%lld",
					   (long long)s.participant_id),
			      json_pack("{s:I, s:I, s:s}", "congress", (json_int_t)k.id,
					"item", (json_int_t)it.id, "action", action));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		http_json(rs, 200, item_api_json(rq, &k, &it));
		return;
	}
	http_redirect(rs, item_path(rq, &k, &it));
}

void congress_api_agenda(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item *it;
	struct http_list l;
	size_t n = 0;
	json_t *items;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    http_list_args(rq, rs, &l) != 0)
		return;
	items = json_array();
	if (congress_items(platform_conn(), rq->arena, k.id, &it, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, item_json(rq, &it[i]));
	http_list_array(rs, &l, "items", items);
}

void congress_api_item(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item it;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    load_item(rq, rs, &k, &it) != 0)
		return;
	http_etag(rq, rs, it.version);
	http_json(rs, 200, item_api_json(rq, &k, &it));
}
