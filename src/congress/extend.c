/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What the modules built on the congress (votes) reach through
 * congress.h: what a poll is about, the item under way, and their
 * extensions of the congress's pages — a link, a projector panel, panels
 * in the minutes — rendered here without knowing what they are.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <assert.h>
#include <string.h>

#define MAX_EXTENSIONS 8

static const struct congress_extension *extensions[MAX_EXTENSIONS];
static size_t nextensions;

void congress_extend(const struct congress_extension *x)
{
	for (size_t i = 0; i < nextensions; i++)
		if (extensions[i] == x)
			return; /* a second start (tests) */
	assert(nextensions < MAX_EXTENSIONS);
	extensions[nextensions++] = x;
}

int congress_subject_get(struct db_conn *c, struct arena *a, int64_t congress,
			 const char *kind, int64_t id,
			 struct congress_subject *out)
{
	struct motion m;
	struct amendment am;
	struct agenda_item it;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strcmp(kind, "item") == 0) {
		if ((rc = congress_item_get(c, a, id, &it)) != DB_OK)
			return rc;
		if (it.congress_id != congress)
			return DB_NOTFOUND;
		out->label = it.title;
		out->path = arena_printf(a, "/congress/%lld/agenda/%lld",
					 (long long)congress, (long long)id);
		out->item_id = id;
		return DB_OK;
	}
	if (strcmp(kind, "amendment") == 0) {
		if ((rc = congress_amendment_get(c, a, id, &am)) != DB_OK)
			return rc;
		id = am.motion_id;
	} else if (strcmp(kind, "motion") != 0) {
		return DB_NOTFOUND;
	}
	if ((rc = congress_motion_get(c, a, id, &m)) != DB_OK)
		return rc;
	if (m.congress_id != congress)
		return DB_NOTFOUND;
	out->item_id = m.item_id;
	if (strcmp(kind, "amendment") == 0) {
		out->label = congress_amendment_number(a, &m, &am);
		out->path = arena_printf(a, "%s/amendments/%lld",
					 congress_motion_path(a, &m), (long long)am.id);
	} else {
		out->label = m.seq ? arena_printf(a, "%s: %s",
						  congress_motion_number(a, &m), m.title)
				   : m.title;
		out->path = congress_motion_path(a, &m);
	}
	return DB_OK;
}

struct refs {
	struct arena *a;
	struct congress_subject_ref *v;
	size_t n, cap;
};

static void push(struct refs *r, const char *kind, int64_t id,
		 const char *label)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct congress_subject_ref *more =
			arena_alloc(r->a, cap * sizeof(*more));
		if (r->n)
			memcpy(more, r->v, r->n * sizeof(*more));
		r->v = more;
		r->cap = cap;
	}
	r->v[r->n++] = (struct congress_subject_ref){kind, id, label};
}

int congress_subjects(struct db_conn *c, struct arena *a, int64_t congress,
		      struct congress_subject_ref **out_r, size_t *n_r)
{
	struct agenda_item *it;
	struct motion *m;
	size_t ni, nm;
	struct refs r = {a, NULL, 0, 0};
	int rc;

	*n_r = 0;
	if ((rc = congress_items(c, a, congress, &it, &ni)) != DB_OK ||
	    (rc = congress_motions(c, a, congress, &m, &nm)) != DB_OK)
		return rc;
	for (size_t i = 0; i < ni; i++)
		push(&r, "item", it[i].id, it[i].title);
	for (size_t i = 0; i < nm; i++) {
		struct amendment *am;
		size_t na;
		if (strcmp(m[i].state, "withdrawn") == 0)
			continue;
		push(&r, "motion", m[i].id,
		     m[i].seq ? arena_printf(a, "%s: %s",
					     congress_motion_number(a, &m[i]),
					     m[i].title)
			      : m[i].title);
		if ((rc = congress_amendments(c, a, m[i].id, &am, &na)) != DB_OK)
			return rc;
		for (size_t j = 0; j < na; j++)
			if (strcmp(am[j].state, "withdrawn") != 0)
				push(&r, "amendment", am[j].id,
				     congress_amendment_number(a, &m[i], &am[j]));
	}
	*out_r = r.v;
	*n_r = r.n;
	return DB_OK;
}

int congress_item_current(struct db_conn *c, struct arena *a, int64_t congress,
			  int64_t *id_r, const char **title_r)
{
	struct agenda_item *it;
	size_t n;
	int rc = congress_items(c, a, congress, &it, &n);

	*id_r = 0;
	*title_r = "";
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(it[i].state, "current") == 0) {
			*id_r = it[i].id;
			*title_r = it[i].title;
		}
	return DB_OK;
}

json_t *congress_extension_links(struct http_req *rq, const struct congress *k)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < nextensions; i++)
		if (extensions[i]->link &&
		    (!extensions[i]->link_perm ||
		     can(rq, extensions[i]->link_perm, k->scope_id)))
			json_array_append_new(
				arr, json_pack("{s:s, s:s}", "href",
					       arena_printf(rq->arena, "/congress/%lld%s",
							    (long long)k->id,
							    extensions[i]->link),
					       "label",
					       tr_rq(rq, extensions[i]->link_label)));
	return arr;
}

json_t *congress_extension_projector(struct http_req *rq,
				     const struct congress *k)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < nextensions; i++) {
		json_t *p = extensions[i]->projector
				    ? extensions[i]->projector(rq, k)
				    : NULL;
		if (p)
			json_array_append_new(arr, p);
	}
	return arr;
}

json_t *congress_extension_minutes(struct http_req *rq, const struct congress *k,
				   int64_t item)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < nextensions; i++) {
		json_t *p = extensions[i]->minutes
				    ? extensions[i]->minutes(rq, k, item)
				    : NULL;
		if (p)
			json_array_extend(arr, p);
		json_decref(p);
	}
	return arr;
}

void congress_panels_md(struct buf *b, json_t *panels)
{
	size_t i, k;
	json_t *p, *x;

	json_array_foreach(panels, i, p) {
		buf_printf(b, "- **%s**\n",
			   json_string_value(json_object_get(p, "heading")));
		json_array_foreach(json_object_get(p, "lines"), k, x)
			buf_printf(b, "  %s\n", json_string_value(x));
		json_array_foreach(json_object_get(p, "bars"), k, x)
			buf_printf(b, "  - %s: %s\n",
				   json_string_value(json_object_get(x, "label")),
				   json_string_value(json_object_get(x, "text")));
		json_array_foreach(json_object_get(json_object_get(p, "list"), "items"),
				   k, x)
			buf_printf(b, "  %zu. %s\n", k + 1, json_string_value(x));
	}
}
