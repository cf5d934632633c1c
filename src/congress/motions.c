/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Motions: delegates submit them (before the congress's deadline; the
 * chair enters one at any time) in Markdown, stored wrapped so that line
 * n is line n everywhere; other delegates support them; the chair moves
 * them through their workflow (docs/congress.md), every change kept in
 * the motion's history, and puts them under an agenda item. A motion's
 * page shows its text block by block with the lines each covers, its
 * amendments in place beside the lines they touch, and the text as
 * amended once any is adopted.
 */
#include "internal.h"
#include "platform/html/markdown.h"
#include "platform/i18n/i18n.h"

#include <string.h>

static const char *const kinds[] = {"motion", "resolution", "programme",
				    "statute"};

const char *congress_motion_number(struct arena *a, const struct motion *m)
{
	return m->seq ? arena_printf(a, "M%lld", (long long)m->seq) : "";
}

const char *congress_amendment_number(struct arena *a, const struct motion *m,
				      const struct amendment *am)
{
	return arena_printf(a, "%s-A%lld",
			    m->seq ? congress_motion_number(a, m)
				   : arena_printf(a, "#%lld", (long long)m->id),
			    (long long)am->seq);
}

const char *congress_motion_path(struct arena *a, const struct motion *m)
{
	return arena_printf(a, "/congress/%lld/motions/%lld",
			    (long long)m->congress_id, (long long)m->id);
}

json_t *congress_motion_json(struct http_req *rq, const struct motion *m)
{
	json_t *j = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:b}",
		"id", (json_int_t)m->id, "number", congress_motion_number(rq->arena, m),
		"kind", m->kind, "kind_label",
		tr_rq(rq, congress_motion_kind_label(m->kind)), "title", m->title,
		"state", m->state, "state_label",
		tr_rq(rq, congress_motion_state_label(m->state)), "supporters",
		(json_int_t)m->supporters, "amendments", (json_int_t)m->amendments,
		"text_version", (json_int_t)m->text_version, "version",
		(json_int_t)m->version, "path", congress_motion_path(rq->arena, m),
		"final", congress_motion_final(m->state));

	json_object_set_new(j, "submitter",
			    *m->submitter_name ? json_string(m->submitter_name)
					       : json_null());
	json_object_set_new(j, "item", m->item_id ? json_integer(m->item_id)
						  : json_null());
	return j;
}

int congress_motion_load(struct http_req *rq, struct http_resp *rs,
			 const struct congress *k, struct motion *m)
{
	if (congress_motion_get(platform_conn(), rq->arena, http_param_int(rq, "m"),
				m) != DB_OK ||
	    m->congress_id != k->id) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such motion."));
		return -1;
	}
	return 0;
}

/* Is t past deadline d (0: none)? */
static bool past(int64_t d)
{
	return d && time_now() > d;
}

/* May the reader submit motions here (a delegate before the deadline,
 * the chair at any time)? Why not in *why_r (a msgid) when not. */
static bool may_submit(struct http_req *rq, const struct congress *k,
		       const struct participant *me, bool is_me,
		       const char **why_r)
{
	bool chair = can(rq, PERM_CONGRESS_CHAIR, k->scope_id);

	*why_r = NULL;
	if (strcmp(k->state, "closed") == 0)
		*why_r = N_("This congress is closed: nothing in it can change any more. Its chair can open it again in its settings.");
	else if (!chair && (!is_me || strcmp(me->kind, "delegate") != 0))
		*why_r = N_("Only a delegate or the chair submits motions.");
	else if (!chair && past(k->motion_deadline))
		*why_r = N_("The deadline for motions has passed; only the chair can enter one now.");
	return *why_r == NULL;
}

static json_t *kind_options(struct http_req *rq, const char *sel)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "value", kinds[i], "label",
				       tr_rq(rq, congress_motion_kind_label(kinds[i])),
				       "selected", sel && strcmp(sel, kinds[i]) == 0));
	return arr;
}

static json_t *motions_json(struct http_req *rq, const struct congress *k)
{
	struct motion *m;
	size_t n;
	json_t *arr = json_array();

	if (congress_motions(platform_conn(), rq->arena, k->id, &m, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, congress_motion_json(rq, &m[i]));
	return arr;
}

static void list_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const char *field,
		      const char *why)
{
	struct participant me;
	bool is_me = congress_participant_of(platform_conn(), rq->arena, k->id,
					     rq->user.id, &me) == DB_OK;
	const char *cannot;
	json_t *motions = motions_json(rq, k);
	json_t *data;

	if (congress_api_refused(rq, rs, status, field, why)) {
		json_decref(motions);
		return;
	}
	data = json_pack("{s:o, s:o, s:b}", "congress", congress_json(rq, k),
			 "motions", motions, "any", json_array_size(motions) > 0);

	if (may_submit(rq, k, &me, is_me, &cannot)) {
		json_t *form = http_form(rq, HTTP_POST,
					 arena_printf(rq->arena, "/congress/%lld/motions",
						      (long long)k->id));
		const char *sel = rq->method == HTTP_POST ? http_field(rq, "kind") : NULL;
		http_form_options(form, "kind", kind_options(rq, sel ? sel : "motion"));
		if (field)
			http_form_error(rq, form, field, why);
		json_object_set_new(data, "form", form);
	} else if (is_me || can(rq, PERM_CONGRESS_CHAIR, k->scope_id)) {
		json_object_set_new(data, "cannot", json_string(tr_rq(rq, cannot)));
	}
	http_page(rq, rs, status, "congress/motions", N_("Motions"), data);
}

void congress_motions_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0)
		list_page(rq, rs, 200, &k, NULL, NULL);
}

static bool kind_ok(const char *kind)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

/* To the API: motion id as it is now, with status. */
static void answer(struct http_req *rq, struct http_resp *rs, int status,
		   int64_t id)
{
	struct motion now;

	if (congress_motion_get(platform_conn(), rq->arena, id, &now) == DB_OK)
		http_json(rs, status, congress_motion_json(rq, &now));
	else
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
}

struct add {
	struct motion m;
	int64_t by, id;
};

static int add_tx(struct db_conn *c, void *arg)
{
	struct add *x = arg;
	return congress_motion_add(c, &x->m, x->by, &x->id);
}

void congress_motion_submit(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant me;
	struct add x = {0};
	const char *cannot;
	bool is_me;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	is_me = congress_participant_of(platform_conn(), rq->arena, k.id,
					rq->user.id, &me) == DB_OK;
	if (!may_submit(rq, &k, &me, is_me, &cannot)) {
		http_error(rq, rs,
			   strcmp(k.state, "closed") == 0 || past(k.motion_deadline)
				   ? HTTP_E_CONFLICT
				   : HTTP_E_FORBIDDEN,
			   cannot);
		return;
	}
	if (is_me && !can(rq, PERM_CONGRESS_CHAIR, k.scope_id)) {
		struct motion_counts n;
		if (congress_motion_counts(platform_conn(), k.id, me.id, 0, &n) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		if (n.motions_by >= CONGRESS_MAX_MOTIONS_EACH) {
			list_page(rq, rs, 409, &k, NULL,
				  N_("You have submitted as many motions as one delegate may; the chair can enter more."));
			return;
		}
	}
	if (!kind_ok(http_field(rq, "kind"))) {
		list_page(rq, rs, 422, &k, "kind", N_("is not one of the kinds of motion"));
		return;
	}
	x.m = (struct motion){
		.congress_id = k.id,
		.kind = http_field(rq, "kind"),
		.title = http_field(rq, "title"),
		.body = congress_wrap(rq->arena, http_field(rq, "body"),
				      CONGRESS_LINE_WIDTH),
		.reason = http_field(rq, "reason") ? http_field(rq, "reason") : "",
		.submitted_by = is_me ? me.id : 0,
	};
	if (!*x.m.body) {
		list_page(rq, rs, 422, &k, "body", N_("is required"));
		return;
	}
	x.by = rq->user.id;
	rc = db_tx(platform_conn(), add_tx, &x);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.motion.submitted",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I}", "motion", (json_int_t)x.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		answer(rq, rs, 201, x.id);
		return;
	}
	http_flash(rq, rs, N_("The motion was submitted."));
	http_redirect(rs, arena_printf(rq->arena, "/congress/%lld/motions/%lld",
				       (long long)k.id, (long long)x.id));
}

/* ---- one motion ---- */

/* The other live amendments am conflicts with: their numbers, ", "-joined,
 * or NULL. */
static const char *conflicts_of(struct arena *a, const struct motion *m,
				const struct amendment *all, size_t n,
				const struct amendment *am)
{
	struct amend x = congress_amend_of(am);
	struct buf b;
	const char *r;

	if (strcmp(am->state, "withdrawn") == 0 || strcmp(am->state, "rejected") == 0)
		return NULL;
	size_t more = 0, named = 0;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		struct amend y = congress_amend_of(&all[i]);
		if (all[i].id == am->id || all[i].text_version != am->text_version ||
		    strcmp(all[i].state, "withdrawn") == 0 ||
		    strcmp(all[i].state, "rejected") == 0 ||
		    !congress_amend_conflict(&x, &y))
			continue;
		/* a few named, the rest counted: a page stays the size of its
		 * amendments, not of their square */
		if (named++ < 5)
			buf_printf(&b, "%s%s", b.len ? ", " : "",
				   congress_amendment_number(a, m, &all[i]));
		else
			more++;
	}
	if (more)
		buf_printf(&b, " +%zu", more);
	r = b.len ? arena_strndup(a, b.data, b.len) : NULL;
	buf_free(&b);
	return r;
}

json_t *congress_amendment_json(struct http_req *rq, const struct motion *m,
				const struct amendment *am,
				const struct amendment *all, size_t n)
{
	const char *conflicts = conflicts_of(rq->arena, m, all, n, am);
	json_t *j = json_pack(
		"{s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:s}",
		"id", (json_int_t)am->id, "number",
		congress_amendment_number(rq->arena, m, am), "text_version",
		(json_int_t)am->text_version, "first_line", (json_int_t)am->first_line,
		"last_line", (json_int_t)am->last_line, "op", am->op, "new_text",
		am->new_text, "reason", am->reason, "state", am->state, "state_label",
		tr_rq(rq, congress_amendment_state_label(am->state)), "version",
		(json_int_t)am->version, "outdated", am->text_version != m->text_version,
		"path",
		arena_printf(rq->arena, "%s/amendments/%lld",
			     congress_motion_path(rq->arena, m), (long long)am->id));

	json_object_set_new(j, "submitter",
			    *am->submitter_name ? json_string(am->submitter_name)
						: json_null());
	json_object_set_new(j, "conflicts",
			    conflicts ? json_string(conflicts) : json_null());
	json_object_set_new(j, "is_insert", json_boolean(strcmp(am->op, "insert") == 0));
	json_object_set_new(j, "is_delete", json_boolean(strcmp(am->op, "delete") == 0));
	json_object_set_new(j, "one_line", json_boolean(am->first_line == am->last_line));
	return j;
}

/* The text as amended by the adopted amendments of its version (arena),
 * or NULL when none is adopted. */
const char *congress_as_amended(struct arena *a, const struct motion *m,
				const struct amendment *all, size_t n)
{
	struct amend *ms = arena_alloc(a, (n ? n : 1) * sizeof(*ms));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].state, "adopted") == 0 &&
		    all[i].text_version == m->text_version)
			ms[k++] = congress_amend_of(&all[i]);
	return k ? congress_apply(a, m->body, ms, k, CONGRESS_LINE_WIDTH) : NULL;
}

/* The reader's standing on m. */
struct standing {
	struct participant me;
	bool is_me, chair, submitter, supporter;
};

static void standing_of(struct http_req *rq, const struct congress *k,
			const struct motion *m, struct standing *s)
{
	struct motion_person *pp;
	size_t np;

	memset(s, 0, sizeof(*s));
	s->chair = can(rq, PERM_CONGRESS_CHAIR, k->scope_id);
	s->is_me = congress_participant_of(platform_conn(), rq->arena, k->id,
					   rq->user.id, &s->me) == DB_OK;
	s->submitter = s->is_me && m->submitted_by == s->me.id;
	if (s->is_me && congress_motion_people(platform_conn(), rq->arena, m->id,
					       &pp, &np) == DB_OK)
		for (size_t i = 0; i < np; i++)
			if (pp[i].participant_id == s->me.id &&
			    strcmp(pp[i].role, "supporter") == 0)
				s->supporter = true;
}

int congress_amend_refused(const struct congress *k, const struct motion *m,
			   bool chair, const struct participant *me,
			   const char **why_r)
{
	*why_r = NULL;
	if (strcmp(k->state, "closed") == 0)
		*why_r = N_("This congress is closed: nothing in it can change any more. Its chair can open it again in its settings.");
	else if (strcmp(m->state, "admitted") && strcmp(m->state, "debated"))
		*why_r = N_("Amendments are made to an admitted motion, before its vote.");
	else if (!chair && (!me || strcmp(me->kind, "delegate") != 0)) {
		*why_r = N_("Only a delegate or the chair submits amendments.");
		return 403;
	} else if (!chair && past(k->amendment_deadline))
		*why_r = N_("The deadline for amendments has passed; only the chair can enter one now.");
	return *why_r ? 409 : 0;
}

static json_t *history_json(struct http_req *rq, const struct motion *m)
{
	struct motion_change *h;
	size_t n;
	json_t *arr = json_array();

	if (congress_motion_history(platform_conn(), rq->arena, m->id, &h, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		char at[32];
		time_format(h[i].at, at, sizeof(at));
		json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b}", "at", at,
				  "from", *h[i].from_state
					      ? tr_rq(rq, congress_motion_state_label(h[i].from_state))
					      : "",
				  "to", tr_rq(rq, congress_motion_state_label(h[i].to_state)),
				  "note", h[i].note, "text_version",
				  (json_int_t)h[i].text_version, "text_changed",
				  h[i].text_changed, "moved",
				  strcmp(h[i].from_state, h[i].to_state) != 0));
	}
	return arr;
}

static json_t *people_json(struct http_req *rq, const struct motion *m)
{
	struct motion_person *p;
	size_t n;
	json_t *arr = json_array();

	if (congress_motion_people(platform_conn(), rq->arena, m->id, &p, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			if (strcmp(p[i].role, "supporter") == 0)
				json_array_append_new(arr, json_string(p[i].display_name));
	return arr;
}

/* The text block by block, each with the lines it covers and the
 * amendments touching them; an amendment of another version goes under
 * the last block, marked as written against it. */
json_t *congress_blocks_json(struct http_req *rq, const struct motion *m,
			     const struct amendment *am, size_t n)
{
	struct md_block *b;
	size_t nb = md_blocks(rq->arena, m->body, &b);
	json_t *arr = json_array();
	bool *placed = arena_alloc(rq->arena, (n ? n : 1) * sizeof(*placed));

	for (size_t i = 0; i < nb; i++) {
		json_t *here = json_array();
		for (size_t j = 0; j < n; j++) {
			/* the first line it touches (an insert after l touches l;
			 * at the top, line 1) */
			int64_t f = am[j].first_line ? am[j].first_line : 1;
			/* under the first block it reaches (lines between blocks
			 * belong to the next), the last block for what lies after
			 * every block or names another version's lines */
			if (placed[j] || strcmp(am[j].state, "withdrawn") == 0 ||
			    (i + 1 < nb && (am[j].text_version != m->text_version ||
					    f > b[i].last_line)))
				continue;
			placed[j] = true;
			json_array_append_new(here,
					      congress_amendment_json(rq, m, &am[j], am, n));
		}
		json_array_append_new(
			arr, json_pack("{s:i, s:i, s:b, s:s, s:o, s:b}", "first",
				       b[i].first_line, "last", b[i].last_line, "range",
				       b[i].last_line > b[i].first_line, "html", b[i].html,
				       "amendments", here, "amended",
				       json_array_size(here) > 0));
	}
	return arr;
}

/* The states the chair may move m to, as choices. */
static json_t *moves_json(struct http_req *rq, const struct motion *m)
{
	static const char *const states[] = {
		"admitted", "debated",	 "adopted",  "adopted_amended",
		"rejected", "withdrawn", "referred",
	};
	json_t *arr = json_array();

	for (size_t i = 0; i < ARRAY_LEN(states); i++)
		if (congress_motion_move_ok(m->state, states[i]))
			json_array_append_new(
				arr, json_pack("{s:s, s:s}", "value", states[i], "label",
					       tr_rq(rq, congress_motion_state_label(states[i]))));
	return arr;
}

static json_t *items_json(struct http_req *rq, const struct congress *k,
			  const struct motion *m)
{
	struct agenda_item *it;
	size_t n;
	json_t *arr = json_array();

	if (congress_items(platform_conn(), rq->arena, k->id, &it, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)it[i].id,
					       "title", it[i].title, "selected",
					       it[i].id == m->item_id));
	return arr;
}

/* May one of standing s edit m? After the deadline its submitter changes
 * it no more: else a placeholder submitted in time would be written
 * afterwards. */
static bool may_edit(const struct congress *k, const struct motion *m,
		     const struct standing *s)
{
	return strcmp(k->state, "closed") != 0 &&
	       ((s->chair && !congress_motion_final(m->state)) ||
		(s->submitter && strcmp(m->state, "submitted") == 0 &&
		 !past(k->motion_deadline)));
}

void congress_motion_page(struct http_req *rq, struct http_resp *rs, int status,
			  const struct congress *k, const struct motion *m,
			  const char *error)
{
	struct amendment *am;
	size_t n = 0;
	struct standing s;
	const char *why, *amended;
	json_t *data;

	if (congress_api_refused(rq, rs, status, NULL, error))
		return;
	standing_of(rq, k, m, &s);
	if (congress_amendments(platform_conn(), rq->arena, m->id, &am, &n) != DB_OK)
		n = 0;
	data = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:i}", "congress",
			 congress_json(rq, k), "motion", congress_motion_json(rq, m),
			 "blocks", congress_blocks_json(rq, m, am, n), "supporters",
			 people_json(rq, m), "history", history_json(rq, m), "reason_html",
			 md_html(rq->arena, m->reason), "needed", k->min_supporters);
	json_object_set_new(data, "has_reason", json_boolean(*m->reason != '\0'));
	json_object_set_new(data, "gathering",
			    json_boolean(strcmp(m->state, "submitted") == 0));
	if (*m->final_body)
		json_object_set_new(data, "final_html",
				    json_string(md_html(rq->arena, m->final_body)));
	else if ((amended = congress_as_amended(rq->arena, m, am, n)))
		json_object_set_new(data, "amended_html",
				    json_string(md_html(rq->arena, amended)));
	json_object_set_new(
		data, "may_support",
		json_boolean(s.is_me && !s.submitter && !s.supporter &&
			     strcmp(s.me.kind, "delegate") == 0 &&
			     strcmp(m->state, "submitted") == 0 &&
			     strcmp(k->state, "closed") != 0));
	json_object_set_new(data, "supporter",
			    json_boolean(s.supporter && strcmp(m->state, "submitted") == 0));
	json_object_set_new(data, "may_withdraw",
			    json_boolean(s.submitter && !congress_motion_final(m->state)));
	json_object_set_new(data, "may_edit", json_boolean(may_edit(k, m, &s)));
	json_object_set_new(data, "may_amend",
			    json_boolean(!congress_amend_refused(k, m, s.chair,
								 s.is_me ? &s.me : NULL, &why)));
	if (s.chair) {
		json_object_set_new(data, "may_chair", json_true());
		json_t *moves = moves_json(rq, m);
		json_object_set_new(data, "has_moves",
				    json_boolean(json_array_size(moves) > 0));
		json_object_set_new(data, "moves", moves);
		json_object_set_new(data, "items", items_json(rq, k, m));
	}
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/motion", N_("Motion"), data);
}

void congress_motion_show(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0 &&
	    congress_motion_load(rq, rs, &k, &m) == 0)
		congress_motion_page(rq, rs, 200, &k, &m, NULL);
}

/* Why the chair cannot move m to `to` now (a msgid), or NULL; the text
 * as amended in *final_r for adopted_amended. */
static const char *move_refused(struct http_req *rq, const struct congress *k,
				const struct motion *m, const char *to,
				const char **final_r)
{
	struct amendment *am;
	size_t n = 0;
	const char *amended;

	*final_r = NULL;
	if (!congress_motion_move_ok(m->state, to))
		return N_("The motion cannot go from its state to that one.");
	if (strcmp(to, "admitted") == 0 && m->supporters < k->min_supporters)
		return N_("The motion has fewer supporters than the congress asks for.");
	/* a motion rejected before admission comes back only through
	 * admission, with its supporters: never straight to a debate */
	if (!m->seq && (strcmp(to, "debated") == 0 || strncmp(to, "adopted", 7) == 0))
		return N_("The motion was never admitted: admit it first.");
	if (m->seq && strcmp(m->state, "rejected") == 0 && strcmp(to, "admitted") == 0)
		return N_("The motion cannot go from its state to that one.");
	if (congress_amendments(platform_conn(), rq->arena, m->id, &am, &n) != DB_OK)
		n = 0;
	amended = congress_as_amended(rq->arena, m, am, n);
	if (strcmp(to, "adopted") == 0 && amended)
		return N_("Amendments to it were adopted: it is adopted as amended.");
	if (strcmp(to, "adopted_amended") == 0) {
		if (!amended)
			return N_("No amendment to it was adopted: it is adopted as it stands.");
		*final_r = amended;
	}
	return NULL;
}

struct move {
	const struct motion *m;
	const char *to, *final_body, *note;
	int64_t by;
};

static int move_tx(struct db_conn *c, void *arg)
{
	struct move *x = arg;
	return congress_motion_move(c, x->m, x->to, x->final_body, x->by, x->note);
}

/* What a participant or the chair does to a motion: support it (or no
 * longer), withdraw their own, and the chair's workflow and agenda item. */
void congress_motion_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct standing s;
	const char *action = http_field(rq, "action");
	const char *done = NULL, *applied = ""; /* the state it went to */
	int rc = DB_OK;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	standing_of(rq, &k, &m, &s);
	if (strcmp(action, "support") == 0 || strcmp(action, "unsupport") == 0) {
		bool on = action[0] == 's';
		if (!s.is_me || strcmp(s.me.kind, "delegate") != 0) {
			http_error(rq, rs, HTTP_E_FORBIDDEN,
				   N_("Only a delegate supports a motion."));
			return;
		}
		if (s.submitter || strcmp(m.state, "submitted") != 0) {
			congress_motion_page(rq, rs, 409, &k, &m,
					     tr_rq(rq, s.submitter
							       ? N_("You submitted this motion: you cannot support it as well.")
							       : N_("Only a motion not yet admitted gathers supporters.")));
			return;
		}
		rc = congress_motion_support(platform_conn(), m.id, s.me.id, on);
		if (rc == DB_CONSTRAINT) {
			congress_motion_page(rq, rs, 409, &k, &m,
					     tr_rq(rq, on ? N_("You support this motion already.")
							  : N_("You do not support this motion.")));
			return;
		}
		done = on ? N_("You support the motion.") : N_("You no longer support the motion.");
	} else if (strcmp(action, "withdraw") == 0 ||
		   strcmp(action, "move") == 0) {
		struct move x = {.m = &m, .by = rq->user.id,
				 .note = http_field(rq, "note")};
		const char *why;
		x.to = action[0] == 'w' ? "withdrawn" : http_field(rq, "to");
		if (!x.to) {
			http_error_field(rq, rs, "to", tr_rq(rq, N_("New state")),
					 N_("is required"));
			return;
		}
		if (!s.chair && !(action[0] == 'w' && s.submitter)) {
			http_error(rq, rs, HTTP_E_FORBIDDEN,
				   N_("Only the chair moves a motion on; its submitter may withdraw it."));
			return;
		}
		if ((why = move_refused(rq, &k, &m, x.to, &x.final_body))) {
			congress_motion_page(rq, rs, 409, &k, &m, tr_rq(rq, why));
			return;
		}
		rc = db_tx(platform_conn(), move_tx, &x);
		applied = x.to;
		done = N_("The motion's state was changed.");
	} else if (strcmp(action, "item") == 0) {
		struct agenda_item it;
		int64_t item = http_field_int(rq, "item", 0);
		if (!s.chair) {
			http_error(rq, rs, HTTP_E_FORBIDDEN,
				   N_("Only the chair puts a motion on the agenda."));
			return;
		}
		if (item && (congress_item_get(platform_conn(), rq->arena, item, &it) !=
				     DB_OK ||
			     it.congress_id != k.id)) {
			http_error_field(rq, rs, "item", tr_rq(rq, N_("Agenda item")),
					 N_("is not an item of this congress's agenda"));
			return;
		}
		rc = congress_motion_set_item(platform_conn(), m.id, item);
		done = N_("The motion's agenda item was saved.");
	} else {
		congress_motion_page(rq, rs, 422, &k, &m, tr_rq(rq, N_("Choose what to do.")));
		return;
	}
	if (rc == DB_STALE || rc == DB_CONSTRAINT) {
		struct motion now;
		if (congress_motion_get(platform_conn(), rq->arena, m.id, &now) == DB_OK)
			congress_motion_page(rq, rs, 409, &k, &now,
					     tr_rq(rq, N_("The motion changed meanwhile; here it is as it is now.")));
		else
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.motion.changed",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:s, s:s}", "motion", (json_int_t)m.id,
					"action", action, "to", applied));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		answer(rq, rs, 200, m.id);
		return;
	}
	http_flash(rq, rs, done);
	http_redirect(rs, congress_motion_path(rq->arena, &m));
}

/* ---- editing a motion's text ---- */

static void edit_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const struct motion *m,
		      bool again, bool stale)
{
	if (congress_api_refused(rq, rs, status, NULL, NULL))
		return;
	json_t *form = http_form(rq, HTTP_POST,
				 arena_printf(rq->arena, "%s/edit",
					      congress_motion_path(rq->arena, m)));

	if (!again) {
		http_form_value(form, "title", m->title);
		http_form_value(form, "body", m->body);
		http_form_value(form, "reason", m->reason);
	}
	if (stale) {
		if (strcmp(http_field(rq, "title"), m->title))
			http_form_now(rq, form, "title", m->title);
		if (strcmp(http_field(rq, "body"), m->body))
			http_form_now(rq, form, "body", m->body);
	}
	http_form_value(form, "version",
			arena_printf(rq->arena, "%lld", (long long)m->version));
	http_page(rq, rs, status, "congress/motion_edit", N_("Edit the motion"),
		  json_pack("{s:o, s:o, s:o, s:b, s:b}", "congress",
			    congress_json(rq, k), "motion", congress_motion_json(rq, m),
			    "form", form, "conflict", stale, "frozen",
			    strcmp(m->state, "submitted") != 0));
}

void congress_motion_edit_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct standing s;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0)
		return;
	standing_of(rq, &k, &m, &s);
	if (!may_edit(&k, &m, &s)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Its submitter edits a motion until it is admitted; the chair until its vote."));
		return;
	}
	edit_page(rq, rs, 200, &k, &m, false, false);
}

struct edit {
	struct motion m;
	int64_t by;
};

static int edit_tx(struct db_conn *c, void *arg)
{
	struct edit *x = arg;
	return congress_motion_edit(c, &x->m, x->by);
}

void congress_motion_edit_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m, now;
	struct standing s;
	struct edit x;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0)
		return;
	standing_of(rq, &k, &m, &s);
	if (!may_edit(&k, &m, &s)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Its submitter edits a motion until it is admitted; the chair until its vote."));
		return;
	}
	x.m = m;
	x.m.title = http_field(rq, "title");
	x.m.body = congress_wrap(rq->arena, http_field(rq, "body"),
				 CONGRESS_LINE_WIDTH);
	x.m.reason = http_field_or(rq, "reason", m.reason);
	/* the API names the version it read in If-Match */
	x.m.version = rq->api ? http_if_match(rq) : http_field_int(rq, "version", -1);
	x.by = rq->user.id;
	if (!*x.m.body) {
		http_error_field(rq, rs, "body", tr_rq(rq, N_("Text")), N_("is required"));
		return;
	}
	rc = db_tx(platform_conn(), edit_tx, &x);
	if (rc == DB_STALE &&
	    congress_motion_get(platform_conn(), rq->arena, m.id, &now) == DB_OK) {
		edit_page(rq, rs, 409, &k, &now, true, true);
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.motion.edited",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:b}", "motion", (json_int_t)m.id, "text",
					strcmp(x.m.body, m.body) != 0));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		answer(rq, rs, 200, m.id);
		return;
	}
	http_flash(rq, rs,
		   strcmp(x.m.body, m.body) && strcmp(m.state, "submitted")
			   ? N_("The motion was saved as a new version of its text; amendments to the old one must be written again.")
			   : N_("The motion was saved."));
	http_redirect(rs, congress_motion_path(rq->arena, &m));
}

/* ---- the API ---- */

void congress_api_motions(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct http_list l;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0 &&
	    http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "motions", motions_json(rq, &k));
}

void congress_api_motion(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct motion m;
	struct amendment *am;
	size_t n = 0;
	const char **lines;
	json_t *j, *arr = json_array();

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    congress_motion_load(rq, rs, &k, &m) != 0) {
		json_decref(arr);
		return;
	}
	if (congress_amendments(platform_conn(), rq->arena, m.id, &am, &n) != DB_OK)
		n = 0;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, congress_amendment_json(rq, &m, &am[i], am, n));
	j = congress_motion_json(rq, &m);
	json_object_set_new(j, "body", json_string(m.body));
	json_object_set_new(j, "reason", json_string(m.reason));
	json_object_set_new(j, "lines", json_integer((json_int_t)congress_lines(
						rq->arena, m.body, &lines)));
	json_object_set_new(j, "final_body", *m.final_body ? json_string(m.final_body)
							    : json_null());
	json_object_set_new(j, "supporter_names", people_json(rq, &m));
	json_object_set_new(j, "amendment_list", arr);
	http_etag(rq, rs, m.version);
	http_json(rs, 200, j);
}
