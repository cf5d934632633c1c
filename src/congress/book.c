/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The motion book and the minutes, each as a printable page (a print
 * stylesheet: no navigation, a page per motion) and as a Markdown
 * download. The book is every motion but the withdrawn, with its lines,
 * reason, amendments as diffs and the text as amended; the minutes are
 * built as the day happens: the agenda item by item with who spoke and
 * the chair's note, the motions debated under each with their outcome
 * and final text, and the presence. Issue 12 adds every poll's result.
 */
#include "internal.h"
#include "platform/html/markdown.h"
#include "platform/i18n/i18n.h"

#include <string.h>

/* A motion with its amendments, as the book reads it. */
struct entry {
	struct motion m;
	struct amendment *am;
	size_t n;
	const char *amended; /* final_body, or as amended so far; NULL */
};

/* The congress's motions (arena): for the book, all but the withdrawn,
 * with their amendments; for the minutes (book false), every one, whose
 * outcome is all they need. */
static size_t entries(struct http_req *rq, const struct congress *k, bool book,
		      struct entry **out_r)
{
	struct motion *m;
	size_t n = 0, k2 = 0;
	struct entry *e;

	if (congress_motions(platform_conn(), rq->arena, k->id, &m, &n) != DB_OK)
		n = 0;
	e = arena_alloc(rq->arena, (n ? n : 1) * sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		if (book && strcmp(m[i].state, "withdrawn") == 0)
			continue;
		e[k2].m = m[i];
		if (book && congress_amendments(platform_conn(), rq->arena, m[i].id,
						&e[k2].am, &e[k2].n) != DB_OK)
			e[k2].n = 0;
		e[k2].amended = *m[i].final_body ? m[i].final_body
				: book		 ? congress_as_amended(rq->arena, &m[i],
								       e[k2].am, e[k2].n)
						 : NULL;
		k2++;
	}
	*out_r = e;
	return k2;
}

static const char *clock_of(struct http_req *rq, int64_t t)
{
	char buf[32];

	if (!t)
		return "";
	time_format(t, buf, sizeof(buf));
	return arena_strdup(rq->arena, buf);
}

/* ---- the motion book ---- */

void congress_book(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct entry *e;
	size_t n;
	json_t *motions = json_array();

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0) {
		json_decref(motions);
		return;
	}
	n = entries(rq, &k, true, &e);
	for (size_t i = 0; i < n; i++) {
		json_t *j = congress_motion_json(rq, &e[i].m), *ams = json_array();
		for (size_t a = 0; a < e[i].n; a++) {
			const char *text;
			json_t *aj;
			if (strcmp(e[i].am[a].state, "withdrawn") == 0)
				continue;
			if (congress_motion_text(platform_conn(), rq->arena, &e[i].m,
						 e[i].am[a].text_version, &text) != DB_OK)
				text = "";
			aj = congress_amendment_json(rq, &e[i].m, &e[i].am[a], e[i].am,
						     e[i].n);
			json_object_set_new(aj, "diff",
					    congress_diff_json(rq, text, &e[i].am[a]));
			json_array_append_new(ams, aj);
		}
		json_object_set_new(j, "blocks",
				    congress_blocks_json(rq, &e[i].m, NULL, 0));
		json_object_set_new(j, "reason_text", json_string(e[i].m.reason));
		json_object_set_new(j, "amendment_list", ams);
		json_object_set_new(j, "any_amendments",
				    json_boolean(json_array_size(ams) > 0));
		if (e[i].amended)
			json_object_set_new(j, "amended_html",
					    json_string(md_html(rq->arena, e[i].amended)));
		json_object_set_new(j, "adopted_text",
				    json_boolean(*e[i].m.final_body != '\0'));
		json_array_append_new(motions, j);
	}
	http_page(rq, rs, 200, "congress/book", N_("Motion book"),
		  json_pack("{s:o, s:o, s:b}", "congress", congress_json(rq, &k),
			    "motions", motions, "any", n > 0));
}

/* text as a Markdown quote, line by line */
static void quote(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_printf(b, ">%s%.*s\n", len ? " " : "", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

static void download(struct http_req *rq, struct http_resp *rs, struct buf *b,
		     const char *name)
{
	http_text(rs, 200, "text/markdown; charset=utf-8", b->data ? b->data : "");
	http_set_header(rs, "Content-Disposition",
			arena_printf(rq->arena, "attachment; filename=\"%s\"", name));
	buf_free(b);
}

static const char *amendment_line(struct http_req *rq, const struct motion *m,
				  const struct amendment *am)
{
	const char *what =
		strcmp(am->op, "insert") == 0
			? arena_printf(rq->arena, tr_rq(rq, N_("insert after line %lld")),
				       (long long)am->first_line)
		: strcmp(am->op, "delete") == 0
			? arena_printf(rq->arena, tr_rq(rq, N_("delete lines %lld to %lld")),
				       (long long)am->first_line, (long long)am->last_line)
			: arena_printf(rq->arena, tr_rq(rq, N_("replace lines %lld to %lld")),
				       (long long)am->first_line, (long long)am->last_line);

	return arena_printf(rq->arena, "%s · %s · %s%s%s",
			    congress_amendment_number(rq->arena, m, am),
			    tr_rq(rq, congress_amendment_state_label(am->state)), what,
			    *am->submitter_name ? " · " : "", am->submitter_name);
}

void congress_book_md(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct entry *e;
	struct buf b;
	size_t n;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	n = entries(rq, &k, true, &e);
	buf_init(&b);
	buf_printf(&b, "# %s: %s\n\n", tr_rq(rq, N_("Motion book")), k.name);
	for (size_t i = 0; i < n; i++) {
		const struct motion *m = &e[i].m;
		buf_printf(&b, "---\n\n# %s%s%s\n\n*%s · %s", congress_motion_number(rq->arena, m),
			   m->seq ? ": " : "", m->title,
			   tr_rq(rq, congress_motion_kind_label(m->kind)),
			   tr_rq(rq, congress_motion_state_label(m->state)));
		if (*m->submitter_name)
			buf_printf(&b, " · %s", m->submitter_name);
		/* the text quoted: whatever it holds, it stays inside its
		 * motion (a heading in it cannot pass for the next one) */
		buf_puts(&b, "*\n\n");
		quote(&b, m->body);
		buf_puts(&b, "\n");
		/* a reason is quoted: it cannot pass for another motion */
		if (*m->reason) {
			buf_printf(&b, "**%s:**\n\n", tr_rq(rq, N_("Reason")));
			quote(&b, m->reason);
			buf_puts(&b, "\n");
		}
		for (size_t a = 0; a < e[i].n; a++) {
			const struct amendment *am = &e[i].am[a];
			if (strcmp(am->state, "withdrawn") == 0)
				continue;
			buf_printf(&b, "## %s\n\n", amendment_line(rq, m, am));
			if (*am->new_text) {
				quote(&b, am->new_text);
				buf_puts(&b, "\n");
			}
			if (*am->reason) {
				buf_printf(&b, "**%s:**\n\n", tr_rq(rq, N_("Reason")));
				quote(&b, am->reason);
				buf_puts(&b, "\n");
			}
		}
		if (e[i].amended) {
			buf_printf(&b, "## %s\n\n",
				   tr_rq(rq, *m->final_body ? N_("As adopted with its amendments")
							    : N_("As amended so far")));
			quote(&b, e[i].amended);
			buf_puts(&b, "\n");
		}
	}
	download(rq, rs, &b, "motion-book.md");
}

/* ---- the minutes ---- */

/* The motions debated under item (all: those under none). */
static json_t *item_motions(struct http_req *rq, const struct entry *e, size_t n,
			    int64_t item)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *j;
		if (e[i].m.item_id != item || strcmp(e[i].m.state, "submitted") == 0)
			continue;
		j = congress_motion_json(rq, &e[i].m);
		if (strcmp(e[i].m.state, "adopted") == 0)
			json_object_set_new(j, "final_html",
					    json_string(md_html(rq->arena, e[i].m.body)));
		else if (*e[i].m.final_body)
			json_object_set_new(j, "final_html",
					    json_string(md_html(rq->arena, e[i].m.final_body)));
		json_array_append_new(arr, j);
	}
	return arr;
}

/* Who spoke on item: {name, point_of_order, seconds} in order. */
static json_t *spoke(struct http_req *rq, int64_t item)
{
	struct speaker *s;
	size_t n;
	json_t *arr = json_array();

	if (congress_speakers(platform_conn(), rq->arena, item, &s, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			if (s[i].started_at)
				json_array_append_new(
					arr, json_pack("{s:s, s:b, s:I, s:b}", "name",
						       s[i].display_name, "point_of_order",
						       s[i].point_of_order, "seconds",
						       (json_int_t)congress_spoken(&s[i], time_now()),
						       "speaking", !s[i].ended_at));
	return arr;
}

/* The minutes of k, its motions e (n of them, as entries() reads them
 * for the minutes). */
static json_t *minutes_json(struct http_req *rq, const struct congress *k,
			    const struct entry *e, size_t n)
{
	struct agenda_item *it;
	struct congress_presence p = {0};
	size_t ni = 0;
	json_t *items = json_array(), *rest, *rest_panels;

	if (congress_items(platform_conn(), rq->arena, k->id, &it, &ni) != DB_OK)
		ni = 0;
	for (size_t i = 0; i < ni; i++) {
		json_t *sp = spoke(rq, it[i].id), *mo = item_motions(rq, e, n, it[i].id);
		json_t *pa = congress_extension_minutes(rq, k, it[i].id);
		json_array_append_new(
			items,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:b, s:o, s:b}",
				  "position", (json_int_t)it[i].position, "title",
				  it[i].title, "state", it[i].state, "started",
				  clock_of(rq, it[i].started_at), "ended",
				  clock_of(rq, it[i].ended_at), "note", it[i].minutes_note,
				  "spoke", sp, "any_spoke", json_array_size(sp) > 0,
				  "motions", mo, "any_motions", json_array_size(mo) > 0,
				  "panels", pa, "any_panels", json_array_size(pa) > 0));
	}
	rest = item_motions(rq, e, n, 0);
	rest_panels = congress_extension_minutes(rq, k, 0);
	congress_presence(platform_conn(), k->id, &p);
	return json_pack("{s:o, s:o, s:o, s:o, s:b, s:I, s:I, s:I, s:I, s:b}",
			 "congress", congress_json(rq, k), "items", items, "rest",
			 rest, "rest_panels", rest_panels, "any_rest",
			 json_array_size(rest) + json_array_size(rest_panels) > 0,
			 "people_present",
			 (json_int_t)p.people_present, "people_total",
			 (json_int_t)p.people_total, "weight_present",
			 (json_int_t)p.weight_present, "weight_total",
			 (json_int_t)p.weight_total, "any", ni > 0);
}

void congress_minutes(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	struct entry *e;
	size_t n;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	n = entries(rq, &k, false, &e);
	http_page(rq, rs, 200, "congress/minutes", N_("Minutes"),
		  minutes_json(rq, &k, e, n));
}

void congress_api_minutes(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	struct entry *e;
	size_t n;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	n = entries(rq, &k, false, &e);
	http_json(rs, 200, minutes_json(rq, &k, e, n));
}

static void motions_md(struct http_req *rq, struct buf *b, json_t *mo,
		       const struct entry *e, size_t n)
{
	size_t i;
	json_t *j;

	json_array_foreach(mo, i, j) {
		int64_t id = json_integer_value(json_object_get(j, "id"));
		buf_printf(b, "- **%s%s%s**: %s\n",
			   json_string_value(json_object_get(j, "number")),
			   *json_string_value(json_object_get(j, "number")) ? " " : "",
			   json_string_value(json_object_get(j, "title")),
			   json_string_value(json_object_get(j, "state_label")));
		for (size_t x = 0; x < n; x++)
			if (e[x].m.id == id &&
			    (strcmp(e[x].m.state, "adopted") == 0 || *e[x].m.final_body)) {
				buf_puts(b, "\n");
				quote(b, *e[x].m.final_body ? e[x].m.final_body : e[x].m.body);
				buf_puts(b, "\n");
			}
	}
}

void congress_minutes_md(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct entry *e;
	struct buf b;
	json_t *d, *items, *it;
	size_t n, i;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	n = entries(rq, &k, false, &e);
	d = minutes_json(rq, &k, e, n);
	buf_init(&b);
	buf_printf(&b, "# %s: %s\n\n", tr_rq(rq, N_("Minutes")), k.name);
	if (*k.place || *k.starts_on)
		buf_printf(&b, "%s%s%s%s%s\n\n", k.place, *k.place && *k.starts_on ? ", " : "",
			   k.starts_on, *k.ends_on ? " – " : "", k.ends_on);
	buf_printf(&b, "%s: %lld / %lld\n\n", tr_rq(rq, N_("People in the hall")),
		   (long long)json_integer_value(json_object_get(d, "people_present")),
		   (long long)json_integer_value(json_object_get(d, "people_total")));
	items = json_object_get(d, "items");
	json_array_foreach(items, i, it) {
		size_t s;
		json_t *sp;
		buf_printf(&b, "## %lld. %s\n\n",
			   (long long)json_integer_value(json_object_get(it, "position")),
			   json_string_value(json_object_get(it, "title")));
		if (*json_string_value(json_object_get(it, "started")))
			buf_printf(&b, "*%s – %s*\n\n",
				   json_string_value(json_object_get(it, "started")),
				   json_string_value(json_object_get(it, "ended")));
		if (*json_string_value(json_object_get(it, "note")))
			buf_printf(&b, "%s\n\n", json_string_value(json_object_get(it, "note")));
		if (json_array_size(json_object_get(it, "spoke"))) {
			buf_printf(&b, "%s:\n\n", tr_rq(rq, N_("Spoke")));
			json_array_foreach(json_object_get(it, "spoke"), s, sp)
				buf_printf(&b, "- %s%s\n",
					   json_string_value(json_object_get(sp, "name")),
					   json_is_true(json_object_get(sp, "point_of_order"))
						   ? arena_printf(rq->arena, " (%s)",
								  tr_rq(rq, N_("point of order")))
						   : "");
			buf_puts(&b, "\n");
		}
		motions_md(rq, &b, json_object_get(it, "motions"), e, n);
		congress_panels_md(&b, json_object_get(it, "panels"));
		buf_puts(&b, "\n");
	}
	if (json_is_true(json_object_get(d, "any_rest"))) {
		buf_printf(&b, "## %s\n\n", tr_rq(rq, N_("Other business")));
		motions_md(rq, &b, json_object_get(d, "rest"), e, n);
		congress_panels_md(&b, json_object_get(d, "rest_panels"));
	}
	json_decref(d);
	download(rq, rs, &b, "minutes.md");
}
