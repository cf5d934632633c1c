/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Congresses: the list, preparing one, its overview (state, presence and
 * quorum) and its settings, as pages and as JSON. Every congress is
 * checked against the reader's grants over its own scope before anything
 * of it is read: a congress the reader holds nothing over is 404.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int congress_load(struct http_req *rq, struct http_resp *rs, const char *perm,
		  struct congress *out)
{
	int64_t id = http_param_int(rq, "c");

	if (!id || congress_get(platform_conn(), rq->arena, id, out) != DB_OK ||
	    !can(rq, perm, out->scope_id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such congress."));
		return -1;
	}
	return 0;
}

bool congress_writable(struct http_req *rq, struct http_resp *rs,
		       const struct congress *k)
{
	if (strcmp(k->state, "closed") != 0)
		return true;
	http_error(rq, rs, HTTP_E_CONFLICT,
		   N_("This congress is closed: nothing in it can change any more. Its chair can open it again in its settings."));
	return false;
}

/* "2026-12-01T18:00" (what a datetime-local field shows), or "" for 0. */
static const char *deadline_text(struct http_req *rq, int64_t t)
{
	char buf[32];
	char *sp;

	if (!t)
		return "";
	time_format(t, buf, sizeof(buf));
	if ((sp = strchr(buf, ' ')))
		*sp = 'T';
	return arena_strdup(rq->arena, buf);
}

/* A deadline typed as "YYYY-MM-DD HH:MM" (or with a T, or a day alone:
 * its end) in the organization's time zone: the unix time, 0 for "",
 * -1 when it is not one. */
static int64_t deadline_parse(const char *s)
{
	char day[11];
	unsigned h = 23, m = 59;
	int64_t t;

	if (!s || !*s)
		return 0;
	if (strlen(s) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (s[10] && ((s[10] != ' ' && s[10] != 'T') || strlen(s) != 16 ||
		      !isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]) ||
		      s[13] != ':' || !isdigit((unsigned char)s[14]) ||
		      !isdigit((unsigned char)s[15]) ||
		      sscanf(s + 11, "%2u:%2u", &h, &m) != 2 || h > 23 || m > 59))
		return -1;
	t = date_start(day, 0);
	return t < 0 ? -1 : t + h * 3600 + m * 60;
}

bool congress_api_refused(struct http_req *rq, struct http_resp *rs, int status,
			  const char *field, const char *why)
{
	if (!rq->api || status < 400)
		return false;
	if (field)
		http_error_field(rq, rs, field, field, why);
	else
		http_error(rq, rs,
			   status == 403   ? HTTP_E_FORBIDDEN
			   : status == 404 ? HTTP_E_NOT_FOUND
			   : status == 422 ? HTTP_E_INVALID_FIELD
					   : HTTP_E_CONFLICT,
			   why);
	return true;
}

void congress_done(struct http_req *rq, struct http_resp *rs, int status,
		   json_t *record, const char *flash, const char *path)
{
	if (rq->api) {
		http_json(rs, status, record ? record : json_object());
		return;
	}
	json_decref(record);
	if (flash)
		http_flash(rq, rs, flash);
	http_redirect(rs, path);
}

json_t *congress_json(struct http_req *rq, const struct congress *k)
{
	json_t *j = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:b, s:I}", "id",
		(json_int_t)k->id, "name", k->name, "place", k->place, "starts_on",
		k->starts_on, "ends_on", k->ends_on, "state", k->state, "state_label",
		tr_rq(rq, congress_state_label(k->state)), "quorum_pct", k->quorum_pct,
		"min_supporters", k->min_supporters, "speak_seconds", k->speak_seconds,
		"first_speakers_first", k->first_speakers_first, "version",
		(json_int_t)k->version);

	json_object_set_new(j, "motion_deadline", json_integer(k->motion_deadline));
	json_object_set_new(j, "projected_amendment",
			    k->projected_amendment ? json_integer(k->projected_amendment)
						   : json_null());
	json_object_set_new(j, "amendment_deadline",
			    json_integer(k->amendment_deadline));
	if (k->motion_deadline)
		json_object_set_new(j, "motion_deadline_text",
				    json_string(deadline_text(rq, k->motion_deadline)));
	if (k->amendment_deadline)
		json_object_set_new(j, "amendment_deadline_text",
				    json_string(deadline_text(rq, k->amendment_deadline)));
	return j;
}

/* The presence of congress k, and whether it has its quorum. */
static json_t *presence_json(const struct congress *k)
{
	struct congress_presence p = {0};

	congress_presence(platform_conn(), k->id, &p);
	return json_pack("{s:I, s:I, s:I, s:I, s:b}", "weight_present",
			 (json_int_t)p.weight_present, "weight_total",
			 (json_int_t)p.weight_total, "people_present",
			 (json_int_t)p.people_present, "people_total",
			 (json_int_t)p.people_total, "quorum",
			 p.weight_total > 0 &&
				 p.weight_present * 100 >=
					 (int64_t)k->quorum_pct * p.weight_total);
}

/* The congresses rq takes part in (holds congress.participate over). */
static json_t *visible(struct http_req *rq)
{
	struct congress *k;
	size_t n;
	json_t *arr = json_array();

	if (congress_list(platform_conn(), rq->arena, &k, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			if (can(rq, PERM_CONGRESS_PARTICIPATE, k[i].scope_id))
				json_array_append_new(arr, congress_json(rq, &k[i]));
	return arr;
}

void congress_list_page(struct http_req *rq, struct http_resp *rs)
{
	http_page(rq, rs, 200, "congress/list", N_("Congress"),
		  json_pack("{s:o, s:b}", "congresses", visible(rq), "may_create",
			    can(rq, PERM_CONGRESS_MANAGE, 0)));
}

/* paged by id like every list of the API (http.h, "lists") */
void congress_api_list(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;

	if (http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "congresses", visible(rq));
}

/* ---- the settings form ---- */

/* One refused setting: beside its field in form (NULL: none kept), the
 * first one's name in *first (NULL: not wanted). */
static void refused(struct http_req *rq, json_t *form, const char **first,
		    const char *name, const char *why)
{
	if (form)
		http_form_error(rq, form, name, why);
	if (first && !*first)
		*first = name;
}

/* The settings typed in rq over k's (a new congress: k's defaults), each
 * refusal said by refused(): how many. */
static size_t settings_from(struct http_req *rq, json_t *form,
			    struct congress *k, const char **first)
{
	size_t bad = 0;
	/* a new congress is prepared first: only its settings form has one */
	const char *state = k->id ? http_field(rq, "state") : NULL;
	struct {
		const char *name;
		int *out;
		int lo, hi;
	} nums[] = {{"quorum_pct", &k->quorum_pct, 0, 100},
		    {"min_supporters", &k->min_supporters, 0, 10000},
		    {"speak_seconds", &k->speak_seconds, 0, 86400}};

	/* a field not sent keeps what the congress has (a post that does
	 * not mention the place does not blank it); one sent empty is
	 * blanked. A checkbox is not sent when unticked: it is off. */
	k->name = http_field(rq, "name");
	k->place = http_field_or(rq, "place", k->place);
	k->starts_on = http_field_or(rq, "starts_on", k->starts_on);
	k->ends_on = http_field_or(rq, "ends_on", k->ends_on);
	/* the API keeps what it does not mention, the checkbox too */
	if (!rq->api || http_field_sent(rq, "first_speakers_first"))
		k->first_speakers_first = http_field_bool(rq, "first_speakers_first");
	for (size_t i = 0; i < ARRAY_LEN(nums); i++) {
		int64_t v = http_field_int(rq, nums[i].name, *nums[i].out);
		if (v < nums[i].lo || v > nums[i].hi) {
			refused(rq, form, first, nums[i].name, N_("is out of range"));
			bad++;
		} else {
			*nums[i].out = (int)v;
		}
	}
	if (*k->starts_on && !date_valid(k->starts_on, false)) {
		refused(rq, form, first, "starts_on", N_("is not a date"));
		bad++;
	}
	if (*k->ends_on && (!date_valid(k->ends_on, false) ||
			    (*k->starts_on && strcmp(k->ends_on, k->starts_on) < 0))) {
		refused(rq, form, first, "ends_on", N_("is not a date on or after the first day"));
		bad++;
	}
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "amendment_deadline" : "motion_deadline";
		int64_t *out = i ? &k->amendment_deadline : &k->motion_deadline;
		int64_t t;
		if (!http_field_sent(rq, name))
			continue;
		if ((t = deadline_parse(http_field_or(rq, name, ""))) < 0) {
			refused(rq, form, first, name,
				N_("is not a day and a time (2026-12-01 18:00)"));
			bad++;
		} else {
			*out = t;
		}
	}
	if (state && *state) {
		if (congress_state_of(state) == CS__MAX) {
			refused(rq, form, first, "state", N_("is not one of the congress's states"));
			bad++;
		} else {
			k->state = state;
		}
	}
	return bad;
}

/* The form page: a new congress (k->id 0) or k's settings; again when
 * the request's own post comes back; now, when it met another writer's
 * version (k is then the congress as it is). */
static void form_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, bool again, bool stale,
		      const char *taken)
{
	const char *action =
		k->id ? arena_printf(rq->arena, "/congress/%lld", (long long)k->id)
		      : "/congress";
	json_t *form = http_form(rq, HTTP_POST, action), *states = json_array();
	struct congress scratch = *k;

	assert(form);
	if (!again) {
		char num[3][16];
		snprintf(num[0], sizeof(num[0]), "%d", k->quorum_pct);
		snprintf(num[1], sizeof(num[1]), "%d", k->min_supporters);
		snprintf(num[2], sizeof(num[2]), "%d", k->speak_seconds);
		http_form_value(form, "name", k->name);
		http_form_value(form, "place", k->place);
		http_form_value(form, "starts_on", k->starts_on);
		http_form_value(form, "ends_on", k->ends_on);
		http_form_value(form, "quorum_pct", num[0]);
		http_form_value(form, "min_supporters", num[1]);
		http_form_value(form, "speak_seconds", num[2]);
		http_form_checked(form, "first_speakers_first", k->first_speakers_first);
		http_form_value(form, "motion_deadline",
				deadline_text(rq, k->motion_deadline));
		http_form_value(form, "amendment_deadline",
				deadline_text(rq, k->amendment_deadline));
	} else if (!stale) {
		settings_from(rq, form, &scratch, NULL);
	}
	for (int i = 0; i < CS__MAX; i++) {
		static const char *const names[] = {"preparing", "open", "closed"};
		const char *sel = again && k->id && http_field(rq, "state")
					  ? http_field(rq, "state")
					  : k->state;
		json_array_append_new(
			states, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
					  tr_rq(rq, congress_state_label(names[i])),
					  "selected", sel && strcmp(sel, names[i]) == 0));
	}
	http_form_options(form, "state", states);
	if (stale) {
		static const char *const text[] = {"name", "place", "starts_on",
						   "ends_on"};
		const char *cur[] = {k->name, k->place, k->starts_on, k->ends_on};
		for (size_t i = 0; i < ARRAY_LEN(text); i++)
			if (strcmp(http_field(rq, text[i]) ? http_field(rq, text[i]) : "",
				   cur[i]))
				http_form_now(rq, form, text[i], cur[i]);
		if (k->id && http_field(rq, "state") &&
		    strcmp(http_field(rq, "state"), k->state))
			http_form_now(rq, form, "state",
				      tr_rq(rq, congress_state_label(k->state)));
		if (http_field_int(rq, "quorum_pct", -1) != k->quorum_pct)
			http_form_now(rq, form, "quorum_pct",
				      arena_printf(rq->arena, "%d", k->quorum_pct));
		if (http_field_int(rq, "min_supporters", -1) != k->min_supporters)
			http_form_now(rq, form, "min_supporters",
				      arena_printf(rq->arena, "%d", k->min_supporters));
		if (http_field_int(rq, "speak_seconds", -1) != k->speak_seconds)
			http_form_now(rq, form, "speak_seconds",
				      arena_printf(rq->arena, "%d", k->speak_seconds));
		if (http_field(rq, "motion_deadline") &&
		    deadline_parse(http_field(rq, "motion_deadline")) != k->motion_deadline)
			http_form_now(rq, form, "motion_deadline",
				      deadline_text(rq, k->motion_deadline));
		if (http_field(rq, "amendment_deadline") &&
		    deadline_parse(http_field(rq, "amendment_deadline")) !=
			    k->amendment_deadline)
			http_form_now(rq, form, "amendment_deadline",
				      deadline_text(rq, k->amendment_deadline));
		if (http_field_bool(rq, "first_speakers_first") != k->first_speakers_first)
			http_form_now(rq, form, "first_speakers_first",
				      tr_rq(rq, k->first_speakers_first ? N_("yes") : N_("no")));
	}
	if (taken)
		http_form_error(rq, form, "name", taken);
	if (k->id)
		http_form_value(form, "version",
				arena_printf(rq->arena, "%lld", (long long)k->version));
	http_form_control(form, "starts_on", "date");
	http_form_control(form, "ends_on", "date");
	http_form_control(form, "quorum_pct", "number");
	http_form_control(form, "min_supporters", "number");
	http_form_control(form, "speak_seconds", "number");
	http_form_control(form, "motion_deadline", "datetime-local");
	http_form_control(form, "amendment_deadline", "datetime-local");
	http_page(rq, rs, status, "congress/form",
		  k->id ? N_("Congress settings") : N_("Prepare a congress"),
		  json_pack("{s:o, s:s, s:b}", "form", form, "back",
			    k->id ? action : "/congress", "conflict", stale));
}

static const struct congress defaults = {.name = "", .place = "",
					 .starts_on = "", .ends_on = "",
					 .state = "preparing", .quorum_pct = 50,
					 .speak_seconds = 180,
					 .first_speakers_first = true};

void congress_new(struct http_req *rq, struct http_resp *rs)
{
	form_page(rq, rs, 200, &defaults, false, false, NULL);
}

struct create {
	struct congress k;
	int64_t id;
};

static int create_tx(struct db_conn *c, void *arg)
{
	struct create *x = arg;
	return congress_create(c, &x->k, 0, &x->id);
}

void congress_create_post(struct http_req *rq, struct http_resp *rs)
{
	struct create x = {.k = defaults};
	const char *bad = NULL;
	int rc;

	if (!can(rq, PERM_CONGRESS_MANAGE, 0)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organization-wide congress organizer can prepare a congress."));
		return;
	}
	if (settings_from(rq, NULL, &x.k, &bad)) {
		if (!congress_api_refused(rq, rs, 422, bad, N_("is not valid")))
			form_page(rq, rs, 422, &defaults, true, false, NULL);
		return;
	}
	x.k.state = "preparing";
	rc = db_tx(platform_conn(), create_tx, &x);
	if (rc == DB_CONSTRAINT) {
		if (!congress_api_refused(rq, rs, 409, NULL,
					  N_("A congress with that name exists already.")))
			form_page(rq, rs, 409, &defaults, true, false,
				  N_("A congress with that name exists already."));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.created",
			      arena_printf(rq->arena, "congress:%lld", (long long)x.id),
			      NULL);
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	{
		struct congress made;
		if (congress_get(platform_conn(), rq->arena, x.id, &made) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		congress_done(rq, rs, 201, congress_json(rq, &made),
			      N_("The congress was prepared. Grant its roles to the people who run it."),
			      arena_printf(rq->arena, "/congress/%lld", (long long)x.id));
	}
}

void congress_edit(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) == 0)
		form_page(rq, rs, 200, &k, false, false, NULL);
}

static int update_tx(struct db_conn *c, void *arg)
{
	return congress_update(c, arg);
}

void congress_update_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k, in, now;
	const char *bad = NULL;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0)
		return;
	in = k;
	if (settings_from(rq, NULL, &in, &bad)) {
		if (!congress_api_refused(rq, rs, 422, bad, N_("is not valid")))
			form_page(rq, rs, 422, &k, true, false, NULL);
		return;
	}
	/* a settings post names the version it was read at: without one it
	 * would overwrite whatever another chair saved meanwhile (the API
	 * names it in If-Match, as everywhere there) */
	in.version = rq->api ? http_if_match(rq) : http_field_int(rq, "version", 0);
	if (rq->api && in.version < 0) {
		congress_api_refused(rq, rs, 409, NULL, NULL);
		return;
	}
	if (!rq->api && in.version < 1) {
		http_error_field(rq, rs, "version", tr_rq(rq, N_("Version")),
				 N_("is required"));
		return;
	}
	rc = db_tx(platform_conn(), update_tx, &in);
	if (rc == DB_STALE &&
	    congress_get(platform_conn(), rq->arena, k.id, &now) == DB_OK) {
		if (!congress_api_refused(rq, rs, 409, NULL, NULL))
			form_page(rq, rs, 409, &now, true, true, NULL);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		if (!congress_api_refused(rq, rs, 409, NULL,
					  N_("A congress with that name exists already.")))
			form_page(rq, rs, 409, &k, true, false,
				  N_("A congress with that name exists already."));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.updated",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      strcmp(in.state, k.state)
				      ? json_pack("{s:s, s:s}", "from", k.state, "to", in.state)
				      : NULL);
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (congress_get(platform_conn(), rq->arena, k.id, &now) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (rq->api)
		http_etag(rq, rs, now.version);
	congress_done(rq, rs, 200, congress_json(rq, &now), N_("The settings were saved."),
		      arena_printf(rq->arena, "/congress/%lld", (long long)k.id));
}

/* ---- the overview ---- */

void congress_show(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant me;
	json_t *data;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	data = json_pack("{s:o, s:o, s:b, s:b, s:b}", "congress",
			 congress_json(rq, &k), "presence", presence_json(&k),
			 "may_chair", can(rq, PERM_CONGRESS_CHAIR, k.scope_id),
			 "may_register", can(rq, PERM_CONGRESS_REGISTER, k.scope_id),
			 "may_door", can(rq, PERM_CONGRESS_DOOR, k.scope_id));
	if (congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
				    &me) == DB_OK)
		json_object_set_new(data, "me", congress_participant_json(rq, &me));
	json_object_set_new(data, "links", congress_extension_links(rq, &k));
	http_page(rq, rs, 200, "congress/show", N_("Congress"), data);
}

void congress_api_get(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	json_t *j;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	j = congress_json(rq, &k);
	json_object_set_new(j, "presence", presence_json(&k));
	http_etag(rq, rs, k.version);
	http_json(rs, 200, j);
}
