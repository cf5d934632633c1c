/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Amendments: a delegate names lines of an admitted motion's text (as
 * numbered on the page they read) and replaces, deletes or inserts after
 * them; the chair admits, adopts or rejects each, and adopting one that
 * touches the lines of one adopted already is refused. An amendment is
 * shown as a diff (the lines struck through, the new ones marked as
 * inserted) and in place on the motion's page. An amendment of an
 * amendment does not exist: asking for one is refused with the way to
 * do it (docs/congress.md, "The amendment model").
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <string.h>

static json_t *lines_json(struct http_req *rq, const char *text)
{
	const char **lines;
	size_t n = congress_lines(rq->arena, text, &lines);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:b}", "n",
						     (json_int_t)(i + 1), "text",
						     lines[i], "fifth", (i + 1) % 5 == 0));
	return arr;
}

static json_t *op_options(struct http_req *rq, const char *sel)
{
	static const char *const ops[][2] = {
		{"replace", N_("Replace the lines")},
		{"delete", N_("Delete the lines")},
		{"insert", N_("Insert after the first line")},
	};
	json_t *arr = json_array();

	for (size_t i = 0; i < ARRAY_LEN(ops); i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value",
						     ops[i][0], "label",
						     tr_rq(rq, ops[i][1]), "selected",
						     sel && strcmp(sel, ops[i][0]) == 0));
	return arr;
}

/* The numbered lines of m and the form to amend them (status; a refusal
 * beside field, or above the form when field is NULL). */
static void amend_page(struct http_req *rq, struct http_resp *rs, int status,
		       const struct congress *k, const struct motion *m,
		       const char *field, const char *why)
{
	json_t *form;

	if (congress_api_refused(rq, rs, status, field, why))
		return;
	form = http_form(rq, HTTP_POST,
				 arena_printf(rq->arena, "%s/amendments",
					      congress_motion_path(rq->arena, m)));

	const char *op = rq->method == HTTP_POST ? http_field(rq, "op") : NULL;
	json_t *data;

	http_form_options(form, "op", op_options(rq, op ? op : "replace"));
	http_form_value(form, "text_version",
			arena_printf(rq->arena, "%lld", (long long)m->text_version));
	http_form_control(form, "first_line", "number");
	http_form_control(form, "last_line", "number");
	if (field)
		http_form_error(rq, form, field, why);
	data = json_pack("{s:o, s:o, s:o, s:o}", "congress", congress_json(rq, k),
			 "motion", congress_motion_json(rq, m), "lines",
			 lines_json(rq, m->body), "form", form);
	if (why && !field)
		json_object_set_new(data, "error", json_string(tr_rq(rq, why)));
	http_page(rq, rs, status, "congress/amend", N_("Amend the motion"), data);
}

void congress_amend_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct participant me;
	const char *why;
	bool is_me;
	int status;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0)
		return;
	is_me = congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
					&me) == DB_OK;
	if ((status = congress_amend_refused(&k, &m, can(rq, PERM_CONGRESS_CHAIR, k.scope_id),
					     is_me ? &me : NULL, &why))) {
		congress_motion_page(rq, rs, status, &k, &m, tr_rq(rq, why));
		return;
	}
	amend_page(rq, rs, 200, &k, &m, NULL, NULL);
}

/* To the API: amendment id of m as it is now, with status. */
static void answer(struct http_req *rq, struct http_resp *rs, int status,
		   const struct motion *m, int64_t id)
{
	struct amendment *all;
	size_t n;

	if (congress_amendments(platform_conn(), rq->arena, m->id, &all, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id) {
			http_json(rs, status, congress_amendment_json(rq, m, &all[i], all, n));
			return;
		}
	http_error(rq, rs, HTTP_E_INTERNAL, NULL);
}

struct add {
	struct amendment am;
	int64_t id;
};

static int add_tx(struct db_conn *c, void *arg)
{
	struct add *x = arg;
	return congress_amendment_add(c, &x->am, &x->id);
}

void congress_amendment_submit(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct participant me;
	struct add x = {0};
	struct amend change;
	const char **lines;
	const char *why, *field;
	const char *text = http_field(rq, "new_text");
	bool chair, is_me;
	int rc, status;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0)
		return;
	chair = can(rq, PERM_CONGRESS_CHAIR, k.scope_id);
	is_me = congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
					&me) == DB_OK;
	if ((status = congress_amend_refused(&k, &m, chair, is_me ? &me : NULL, &why))) {
		congress_motion_page(rq, rs, status, &k, &m, tr_rq(rq, why));
		return;
	}
	{
		struct motion_counts n;
		if (congress_motion_counts(platform_conn(), k.id, is_me ? me.id : 0,
					   m.id, &n) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		if (n.amendments_of >= CONGRESS_MAX_AMENDMENTS ||
		    (!chair && n.amendments_by >= CONGRESS_MAX_AMENDMENTS_EACH)) {
			congress_motion_page(rq, rs, 409, &k, &m,
					     tr_rq(rq, n.amendments_of >= CONGRESS_MAX_AMENDMENTS
							       ? N_("This motion has as many amendments as a motion may take.")
							       : N_("You have submitted as many amendments as one delegate may; the chair can enter more.")));
			return;
		}
	}
	if (http_field_int(rq, "text_version", m.text_version) != m.text_version) {
		amend_page(rq, rs, 409, &k, &m, NULL,
			   N_("The motion's text changed since you read it: here are its lines as they are now."));
		return;
	}
	change = (struct amend){
		.op = congress_amend_op(http_field(rq, "op")),
		.first = http_field_int(rq, "first_line", -1),
		.text = text ? congress_wrap(rq->arena, text, CONGRESS_LINE_WIDTH) : "",
	};
	change.last = change.op == AMEND_INSERT
			      ? change.first
			      : http_field_int(rq, "last_line", change.first);
	if ((why = congress_amend_check(&change,
					congress_lines(rq->arena, m.body, &lines),
					&field))) {
		amend_page(rq, rs, 422, &k, &m, field, why);
		return;
	}
	x.am = (struct amendment){
		.motion_id = m.id,
		.text_version = m.text_version,
		.first_line = change.first,
		.last_line = change.last,
		.op = congress_amend_op_name(change.op),
		.new_text = change.text,
		.reason = http_field(rq, "reason") ? http_field(rq, "reason") : "",
		.submitted_by = is_me ? me.id : 0,
	};
	rc = db_tx(platform_conn(), add_tx, &x);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.amendment.submitted",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:I}", "motion", (json_int_t)m.id,
					"amendment", (json_int_t)x.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		answer(rq, rs, 201, &m, x.id);
		return;
	}
	http_flash(rq, rs, N_("The amendment was submitted."));
	http_redirect(rs, arena_printf(rq->arena, "%s/amendments/%lld",
				       congress_motion_path(rq->arena, &m),
				       (long long)x.id));
}

/* Amendment {a} of motion m (404 answered when it is another's). */
static int load_amendment(struct http_req *rq, struct http_resp *rs,
			  const struct motion *m, struct amendment *am)
{
	if (congress_amendment_get(platform_conn(), rq->arena,
				   http_param_int(rq, "a"), am) != DB_OK ||
	    am->motion_id != m->id) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such amendment."));
		return -1;
	}
	return 0;
}

/* The diff: two lines either side as they are, the lines it takes away
 * struck through, the ones it brings marked as inserted. */
json_t *congress_diff_json(struct http_req *rq, const char *text,
			   const struct amendment *am)
{
	const char **lines, **added;
	size_t n = congress_lines(rq->arena, text, &lines);
	size_t na = congress_lines(rq->arena, am->new_text, &added);
	bool insert = strcmp(am->op, "insert") == 0;
	int64_t from = am->first_line - 2, to = am->last_line + 2;
	json_t *arr = json_array();

	if (from < 1)
		from = 1;
	if (to > (int64_t)n)
		to = (int64_t)n;
	if (insert && am->first_line == 0)
		for (size_t j = 0; j < na; j++)
			json_array_append_new(arr, json_pack("{s:s, s:b}", "text",
							     added[j], "ins", 1));
	for (int64_t l = from; l <= to; l++) {
		bool gone = !insert && l >= am->first_line && l <= am->last_line;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:b}", "n",
						     (json_int_t)l, "text",
						     lines[l - 1], "del", gone));
		if ((insert && l == am->first_line) || (!insert && l == am->last_line))
			for (size_t j = 0; j < na; j++)
				json_array_append_new(arr, json_pack("{s:s, s:b}", "text",
								     added[j], "ins", 1));
	}
	return arr;
}

static void amendment_page(struct http_req *rq, struct http_resp *rs,
			   int status, const struct congress *k,
			   const struct motion *m, const struct amendment *am,
			   const char *error)
{
	struct amendment *all;
	size_t n = 0;
	struct participant me;
	const char *text;
	bool chair = can(rq, PERM_CONGRESS_CHAIR, k->scope_id);
	bool mine = am->submitted_by &&
		    congress_participant_of(platform_conn(), rq->arena, k->id,
					    rq->user.id, &me) == DB_OK &&
		    me.id == am->submitted_by;
	bool open = strcmp(k->state, "closed") != 0 &&
		    !congress_motion_final(m->state);
	json_t *data, *moves;

	if (congress_api_refused(rq, rs, status, NULL, error))
		return;
	moves = json_array();
	if (congress_amendments(platform_conn(), rq->arena, m->id, &all, &n) != DB_OK)
		n = 0;
	if (congress_motion_text(platform_conn(), rq->arena, m, am->text_version,
				 &text) != DB_OK)
		text = "";
	if (chair && open) {
		static const char *const to[] = {"admitted", "adopted", "rejected",
						 "withdrawn"};
		for (size_t i = 0; i < ARRAY_LEN(to); i++)
			if (congress_amendment_move_ok(am->state, to[i]))
				json_array_append_new(
					moves,
					json_pack("{s:s, s:s}", "value", to[i], "label",
						  tr_rq(rq, congress_amendment_state_label(to[i]))));
	}
	data = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "congress",
			 congress_json(rq, k), "motion", congress_motion_json(rq, m),
			 "amendment", congress_amendment_json(rq, m, am, all, n), "diff",
			 congress_diff_json(rq, text, am), "moves", moves, "may_chair",
			 json_array_size(moves) > 0, "may_withdraw",
			 open && mine && !chair &&
				 congress_amendment_move_ok(am->state, "withdrawn"));
	json_object_set_new(data, "projected",
			    json_boolean(k->projected_amendment == am->id));
	json_object_set_new(data, "chair", json_boolean(chair && strcmp(k->state, "closed")));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/amendment", N_("Amendment"), data);
}

void congress_amendment_show(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct amendment am;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0 &&
	    congress_motion_load(rq, rs, &k, &m) == 0 &&
	    load_amendment(rq, rs, &m, &am) == 0)
		amendment_page(rq, rs, 200, &k, &m, &am, NULL);
}

/* Why am cannot go to `to` now (a msgid, the number it conflicts with in
 * *other_r), or NULL. */
static const char *move_refused(struct http_req *rq, const struct motion *m,
				const struct amendment *am, const char *to,
				const char **other_r)
{
	struct amendment *all;
	size_t n = 0;
	struct amend x = congress_amend_of(am);

	*other_r = NULL;
	if (congress_motion_final(m->state))
		return N_("The motion was decided: its amendments change no more.");
	if (!congress_amendment_move_ok(am->state, to))
		return N_("The amendment cannot go from its state to that one.");
	if ((strcmp(to, "admitted") == 0 || strcmp(to, "adopted") == 0) &&
	    am->text_version != m->text_version)
		return N_("It was written against an earlier text of the motion: its submitter writes it again against the lines as they are now.");
	if (strcmp(to, "adopted") != 0)
		return NULL;
	if (congress_amendments(platform_conn(), rq->arena, m->id, &all, &n) != DB_OK)
		return N_("Something went wrong on our side.");
	for (size_t i = 0; i < n; i++) {
		struct amend y = congress_amend_of(&all[i]);
		if (all[i].id != am->id && strcmp(all[i].state, "adopted") == 0 &&
		    all[i].text_version == am->text_version &&
		    congress_amend_conflict(&x, &y)) {
			*other_r = congress_amendment_number(rq->arena, m, &all[i]);
			return N_("It touches the same lines as %s, adopted already: the chair edits the text first.");
		}
	}
	return NULL;
}

struct move {
	struct http_req *rq;
	int64_t motion;
	const struct amendment *am;
	const char *to;
	const char *why, *other; /* refused: why (a msgid), naming other */
};

/* The motion's row first: a second chair adopting another amendment at
 * once waits there, then reads this one as adopted — the rules are
 * checked inside the write, on the motion as it is. */
static int move_tx(struct db_conn *c, void *arg)
{
	struct move *x = arg;
	struct motion m;
	int rc = congress_motion_touch(c, x->motion);

	if (rc == DB_OK)
		rc = congress_motion_get(c, x->rq->arena, x->motion, &m);
	if (rc != DB_OK)
		return rc;
	if ((x->why = move_refused(x->rq, &m, x->am, x->to, &x->other)))
		return DB_CONSTRAINT;
	return congress_amendment_move(c, x->am, x->to);
}

void congress_amendment_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct amendment am, now;
	struct participant me;
	struct move x;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0 ||
	    load_amendment(rq, rs, &m, &am) != 0 || !congress_writable(rq, rs, &k))
		return;
	x = (struct move){.rq = rq, .motion = m.id, .am = &am, .to = http_field(rq, "to")};
	if (!can(rq, PERM_CONGRESS_CHAIR, k.scope_id) &&
	    !(strcmp(x.to, "withdrawn") == 0 && am.submitted_by &&
	      congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
				      &me) == DB_OK &&
	      me.id == am.submitted_by)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only the chair decides on an amendment; its submitter may withdraw it."));
		return;
	}
	rc = db_tx(platform_conn(), move_tx, &x);
	if (rc == DB_CONSTRAINT && x.why) {
		amendment_page(rq, rs, 409, &k, &m, &am,
			       x.other ? arena_printf(rq->arena, tr_rq(rq, x.why), x.other)
				       : tr_rq(rq, x.why));
		return;
	}
	if (rc == DB_STALE &&
	    congress_amendment_get(platform_conn(), rq->arena, am.id, &now) == DB_OK) {
		amendment_page(rq, rs, 409, &k, &m, &now,
			       tr_rq(rq, N_("The amendment changed meanwhile; here it is as it is now.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.amendment.changed",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:I, s:s}", "motion", (json_int_t)m.id,
					"amendment", (json_int_t)am.id, "to", x.to));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		answer(rq, rs, 200, &m, am.id);
		return;
	}
	http_flash(rq, rs, N_("The amendment's state was changed."));
	http_redirect(rs, arena_printf(rq->arena, "%s/amendments/%lld",
				       congress_motion_path(rq->arena, &m),
				       (long long)am.id));
}

/* OpenSlides users report breakage with amendments of amendments; here
 * there are none, and whoever asks is told what to do instead. */
void congress_amendment_of_amendment(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct amendment am;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0 &&
	    congress_motion_load(rq, rs, &k, &m) == 0 &&
	    load_amendment(rq, rs, &m, &am) == 0)
		http_error(rq, rs, HTTP_E_INVALID_FIELD,
			   N_("An amendment cannot be amended. Amend the motion's lines instead: an amendment of an amendment is a new amendment to the same lines."));
}
