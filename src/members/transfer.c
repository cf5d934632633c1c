/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Import and export on the web.
 *
 * Import: the file is uploaded, checked as a dry run within the officer's
 * branches and shown as a preview (every refusal by line and column, and
 * what would be created or updated); it waits sealed in import_uploads
 * (the uploader's only, for an hour) until the officer confirms.
 *
 * Export: one branch (with the branches under it) is downloaded at once;
 * anything more — everything in an officer's reach over several branches
 * or the whole organization — waits for a second officer who may export
 * at least as much to approve it, then downloads once, within a day.
 * Every export is an audit entry.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <string.h>

#define UPLOAD_TTL 3600
#define EXPORT_TTL 86400
#define PREVIEW_ROWS 50

/* ---- import ---- */

static bool may_write(void *arg, int64_t branch)
{
	return can(arg, PERM_MEMBERS_WRITE, branch);
}

void members_import_form(struct http_req *rq, struct http_resp *rs)
{
	json_t *data = json_pack("{s:b}", "update", 1);

	http_page(rq, rs, 200, "members/import", N_("Import members"), data);
}

/* The officer's choices, from the upload form. -1 when not one of them. */
static int opts_from_form(struct http_req *rq, struct import_opts *o)
{
	const char *m = http_field(rq, "on_match");
	char *text = arena_printf(rq->arena, "%s%s%s", m && *m ? m : "update",
				  http_field_bool(rq, "clear_blank") ? ",clear" : "",
				  http_field_bool(rq, "move") ? ",move" : "");
	return members_import_opts_parse(text, o);
}

/* The choices as the pages show them, for the preview and the form. */
static json_t *opts_json(struct http_req *rq, const struct import_opts *o)
{
	static const char *const what[] = {
		N_("A member the file matches (same phone or email) takes what the file says."),
		N_("A member the file matches keeps their record; only what it leaves empty is filled."),
		N_("A member the file matches is left as they are."),
	};

	return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b}", "what",
			 tr_rq(rq, what[o->on_match]), "update",
			 o->on_match == IMPORT_MATCH_UPDATE, "fill",
			 o->on_match == IMPORT_MATCH_FILL, "skip",
			 o->on_match == IMPORT_MATCH_SKIP, "clear_blank", o->clear_blank,
			 "move", o->move);
}

/* A column's name as people read it. */
static const char *col_label(struct http_req *rq, const char *col)
{
	static const char *const labels[][2] = {
		{"display_name", N_("Name")},      {"legal_name", N_("Legal name")},
		{"phone", N_("Phone")},            {"email", N_("Email")},
		{"address", N_("Address")},        {"birth_date", N_("Date of birth")},
		{"workplace", N_("Workplace")},    {"branch", N_("Branch")},
		{"affiliations", N_("Unions")},    {"status", N_("Status")},
		{"joined", N_("Joined")},
	};

	for (size_t i = 0; i < ARRAY_LEN(labels); i++)
		if (strcmp(labels[i][0], col) == 0)
			return tr_rq(rq, labels[i][1]);
	return col;
}

static json_t *report_json(struct http_req *rq, const struct import_plan *p)
{
	json_t *refused = json_array(), *rows = json_array();
	size_t shown = 0;
	static const char *const action_labels[IMPORT__MAX] = {
		"", N_("new"), N_("changed"), N_("unchanged"),
		N_("left as they are")};

	for (size_t i = 0; i < p->n; i++) {
		const struct import_row *r = &p->rows[i];
		if (r->error) {
			json_array_append_new(
			    refused, json_pack("{s:I, s:s, s:s}", "line",
					       (json_int_t)r->line, "column",
					       r->error_col >= 0
						   ? members_import_col_name(
							 r->error_col)
						   : "",
					       "message",
					       members_import_message(
						   rq->arena, rq->lang, r)));
		} else if (shown < PREVIEW_ROWS && r->action) {
			/* a matched row shows each field it changes, old and new */
			json_t *changes = json_array();
			for (size_t k = 0; k < r->nchanges; k++)
				json_array_append_new(
					changes,
					json_pack("{s:s, s:s, s:s, s:b}", "field",
						  col_label(rq, r->changes[k].field),
						  "old", r->changes[k].old_v, "new",
						  r->changes[k].new_v, "cleared",
						  !*r->changes[k].new_v));
			json_array_append_new(
				rows, json_pack("{s:I, s:s, s:s, s:s, s:o}", "line",
						(json_int_t)r->line, "name",
						r->in.display_name, "branch", r->branch,
						"action", tr_rq(rq, action_labels[r->action]),
						"changes", changes));
			shown++;
		}
	}
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "refused",
			 refused, "rows", rows, "total", (json_int_t)p->n, "created",
			 (json_int_t)p->counts[IMPORT_CREATED], "updated",
			 (json_int_t)p->counts[IMPORT_UPDATED], "unchanged",
			 (json_int_t)p->counts[IMPORT_UNCHANGED], "skipped",
			 (json_int_t)p->counts[IMPORT_SKIPPED], "nrefused",
			 (json_int_t)p->refused, "more", p->n > shown + p->refused);
}

/* The columns the officer mapped, for the preview: header, and the
 * column it became or "left out". */
static json_t *mapped_json(struct http_req *rq, const struct import_plan *p)
{
	json_t *arr = json_array();

	for (size_t k = 0; k < p->nunknown; k++) {
		const struct import_unknown *u = &p->unknown[k];
		json_array_append_new(
			arr, json_pack("{s:s, s:s}", "name", u->name, "to",
				       u->to == IMPORT_IGNORE
					       ? tr_rq(rq, N_("left out"))
					       : col_label(rq, members_import_col_name(u->to - 1))));
	}
	return arr;
}

static void import_error(struct http_req *rq, struct http_resp *rs, int status,
			 const char *msg)
{
	json_t *data = json_pack("{s:s}", "error", msg);

	http_page(rq, rs, status, "members/import", N_("Import members"), data);
}

/* The mapping step: each column of the upload the importer does not
 * know, with a sample, and a choice of the column it is or "leave it
 * out", the officer's earlier choice selected. 422: nothing can be
 * imported until every one is chosen. */
static void map_page(struct http_req *rq, struct http_resp *rs, int64_t id,
		     const struct import_plan *p, const char *error)
{
	json_t *cols = json_array(), *data;

	for (size_t k = 0; k < p->nunknown; k++) {
		const struct import_unknown *u = &p->unknown[k];
		json_t *opts = json_array();
		for (int c = 0; c < COL__MAX; c++)
			json_array_append_new(
				opts, json_pack("{s:s, s:s, s:b}", "value",
						members_import_col_name(c), "label",
						col_label(rq, members_import_col_name(c)),
						"selected", u->to == c + 1));
		json_array_append_new(
			cols, json_pack("{s:I, s:s, s:s, s:o, s:b}", "cell",
					(json_int_t)u->cell, "name", u->name, "sample",
					u->sample, "options", opts, "ignore",
					u->to == IMPORT_IGNORE));
	}
	data = json_pack("{s:I, s:o, s:s}", "upload", (json_int_t)id, "columns", cols,
			 "error", error);
	http_page(rq, rs, 422, "members/import_map", N_("Import members"), data);
}

/* Why a file cannot be imported yet, in the reader's language. */
static const char *cannot(struct http_req *rq, const struct import_plan *p)
{
	if (p->unmapped)
		return arena_printf(
			rq->arena, "%s %s",
			tr_rq(rq, N_("Choose what each column holds, or leave it out: nothing is imported until every column is chosen.")),
			members_import_fatal(rq->arena, rq->lang, p));
	return arena_printf(rq->arena, "%s %s",
			    tr_rq(rq, N_("This file cannot be imported:")),
			    members_import_fatal(rq->arena, rq->lang, p));
}

/* A parsed file checked as a dry run within the officer's branches,
 * audited, and shown as a preview; the upload (id, or a new one of data
 * when 0) keeps the choices o, so the import does what was shown. */
static void preview(struct http_req *rq, struct http_resp *rs,
		    struct import_plan *p, struct import_opts *o, int64_t id,
		    const char *data, size_t n)
{
	struct db_conn *c = platform_conn();
	const char *opts = members_import_opts_text(rq->arena, o), *seen_text;
	struct import_seen seen = {0};
	json_t *page;
	int rc;

	o->seen = &seen; /* the members the rows match, and their versions */
	rc = members_import_apply(c, p, o);
	seen_text = members_import_seen_text(rq->arena, &seen);
	members_import_seen_free(&seen);
	o->seen = NULL;
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* a preview is a lookup of every row's phone and email: audited,
	 * with what it would do (the counts are all the officer saw) */
	if (audit_rq(rq, c, "members.import.previewed", "",
		     json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows", (json_int_t)p->n,
			       "created", (json_int_t)p->counts[IMPORT_CREATED], "updated",
			       (json_int_t)p->counts[IMPORT_UPDATED], "unchanged",
			       (json_int_t)p->counts[IMPORT_UNCHANGED], "refused",
			       (json_int_t)p->refused)) != DB_OK ||
	    (id ? members_import_upload_set_options(c, id, rq->user.id, opts)
		: members_import_upload_add(c, rq->arena, rq->user.id, data, n, opts,
					    UPLOAD_TTL, &id)) != DB_OK ||
	    members_import_upload_set_seen(c, id, rq->user.id, seen_text) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	page = json_pack("{s:o, s:I, s:o, s:o, s:b}", "report", report_json(rq, p),
			 "upload", (json_int_t)id, "opts", opts_json(rq, o), "mapped",
			 mapped_json(rq, p), "has_mapped", p->nunknown > 0);
	http_page(rq, rs, 200, "members/import_preview", N_("Import members"), page);
}

void members_import_preview(struct http_req *rq, struct http_resp *rs)
{
	const struct upload *f = http_file(rq, "file");
	struct contact_view view = members_contact_view_of(rq);
	struct import_opts o = {.dry_run = true, .by = rq->user.id,
				.may_write = may_write, .arg = rq,
				.view = &view, .changes = PREVIEW_ROWS};
	struct import_plan p;
	int64_t id;

	if (opts_from_form(rq, &o) != 0) {
		import_error(rq, rs, 422,
			     tr_rq(rq, N_("Choose what happens to members the file matches.")));
		return;
	}
	if (!f || f->len == 0) {
		import_error(rq, rs, 422, tr_rq(rq, N_("Choose a CSV file to import.")));
		return;
	}
	if (members_import_parse(rq->arena, f->data, f->len, NULL, &p) == 0) {
		preview(rq, rs, &p, &o, 0, f->data, f->len);
		return;
	}
	if (!p.nunknown) {
		import_error(rq, rs, 422, cannot(rq, &p));
		return;
	}
	/* columns not known: the file waits (sealed, as for a preview)
	 * while the officer says what each holds */
	if (members_import_upload_add(platform_conn(), rq->arena, rq->user.id,
				      f->data, f->len,
				      members_import_opts_text(rq->arena, &o),
				      UPLOAD_TTL, &id) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	map_page(rq, rs, id, &p, cannot(rq, &p));
}

void members_import_map(struct http_req *rq, struct http_resp *rs)
{
	int64_t id = http_param_int(rq, "id");
	struct contact_view view = members_contact_view_of(rq);
	struct import_opts o = {.dry_run = true, .by = rq->user.id,
				.may_write = may_write, .arg = rq,
				.view = &view, .changes = PREVIEW_ROWS};
	const char *text = NULL, *options, *seen, **choices;
	size_t nchoices = 0;
	struct import_plan p;
	int rc = members_import_upload_get(platform_conn(), rq->arena, id,
					   rq->user.id, UPLOAD_TTL, &text, &options,
					   &seen);

	if (rc != DB_OK && rc != DB_NOTFOUND) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (rc == DB_OK && members_import_opts_parse(options, &o) != 0)
		text = NULL;
	if (!text) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("This upload is gone (imported already, or older than an hour). Upload the file again."));
		return;
	}
	/* the choices made now replace those made before; an empty one
	 * ("choose") is no choice */
	memset(&o.map, 0, sizeof(o.map));
	choices = http_field_all(rq, "map", &nchoices);
	for (size_t i = 0; i < nchoices; i++)
		if (*choices[i] && members_import_map_parse(choices[i], &o.map) != 0) {
			http_error(rq, rs, HTTP_E_INVALID_FIELD, NULL);
			return;
		}
	/* still a column without a choice, or two made one: chosen again */
	if (members_import_parse(rq->arena, text, strlen(text), &o.map, &p) != 0) {
		map_page(rq, rs, id, &p, cannot(rq, &p));
		return;
	}
	preview(rq, rs, &p, &o, id, NULL, 0);
}

static void reload_index(void *arg)
{
	struct db_conn *c = platform_conn_fresh();

	(void)arg;
	if (c)
		members_index_load(c);
}

void members_import_run(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");
	struct contact_view view = members_contact_view_of(rq);
	struct import_opts o = {.all_or_nothing = http_field_bool(rq, "all_or_nothing"),
				.by = rq->user.id, .may_write = may_write, .arg = rq,
				.view = &view};
	struct import_plan p;
	struct import_seen seen;
	const char *text = NULL, *options, *seen_text;
	json_t *data;
	int rc = members_import_upload_get(c, rq->arena, id, rq->user.id,
					   UPLOAD_TTL, &text, &options, &seen_text);

	if (rc != DB_OK && rc != DB_NOTFOUND) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* exactly what the preview showed */
	if (rc == DB_OK && members_import_opts_parse(options, &o) != 0)
		text = NULL;
	if (!text) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("This upload is gone (imported already, or older than an hour). Upload the file again."));
		return;
	}
	/* nothing is imported before every column is known, mapped or left out */
	if (members_import_parse(rq->arena, text, strlen(text), &o.map, &p) != 0) {
		if (p.nunknown)
			map_page(rq, rs, id, &p, cannot(rq, &p));
		else
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* the members as the preview saw them: a row whose member another
	 * writer has changed since is refused, not written over */
	if (members_import_seen_parse(seen_text, &seen) == 0)
		o.seen = &seen;
	rc = members_import_apply(c, &p, &o);
	members_import_seen_free(&seen);
	/* an import undone (all or nothing) keeps the upload for another try */
	if (rc != DB_OK ||
	    members_import_upload_drop(c, p.undone ? 0 : id, UPLOAD_TTL) !=
		DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* undone (all or nothing, with refusals) or not, the officer saw
	 * what every row met: audited either way */
	if (audit_rq(rq, c, "members.imported", "",
		     json_pack("{s:I, s:I, s:I, s:I, s:b}", "created",
			       (json_int_t)p.counts[IMPORT_CREATED], "updated",
			       (json_int_t)p.counts[IMPORT_UPDATED], "unchanged",
			       (json_int_t)p.counts[IMPORT_UNCHANGED], "refused",
			       (json_int_t)p.refused, "undone", p.undone)) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (!p.undone)
		db_on_commit(platform_conn(), reload_index, NULL);
	data = json_pack("{s:o, s:b}", "report", report_json(rq, &p), "undone", p.undone);
	http_page(rq, rs, 200, "members/import_done", N_("Import members"), data);
}

/* ---- export ----
 *
 * The two-person rule counts what one officer exported over a window
 * (members.export_window seconds): while the people and the branches of
 * their exports within it stay at members.export_people and
 * members.export_branches, an export downloads at once; one that would
 * go beyond waits for a second officer. So seven one-region exports need
 * the approval one export of all seven would. The second officer must
 * be able to export all of it, and must not be tied to the first (auth.h:
 * neither made the other's account nor granted the other a role). */

/* The branches a request may export from, as text ("" = organization). */
static char *reach_text(struct http_req *rq)
{
	bool org;
	const char **paths;
	size_t n;
	struct buf b;
	char *out;

	authz_scopes(rq, PERM_MEMBERS_EXPORT, &org, &paths, &n);
	if (org)
		return "";
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		/* "/1/7/" -> 7 */
		const char *end = paths[i] + strlen(paths[i]) - 1, *p = end;
		while (p > paths[i] && p[-1] != '/')
			p--;
		buf_printf(&b, "%s%.*s", b.len ? "," : "", (int)(end - p), p);
	}
	out = arena_strndup(rq->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* May rq export everything the scopes text names? */
bool members_export_covers(struct http_req *rq, const char *scopes)
{
	char *copy, *save = NULL;

	if (!*scopes)
		return can(rq, PERM_MEMBERS_EXPORT, 0);
	copy = arena_strdup(rq->arena, scopes);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int64_t id;
		if (str_to_i64(t, &id) != 0 || !can(rq, PERM_MEMBERS_EXPORT, id))
			return false;
	}
	return true;
}

/* The people the scopes text names, as a filter for the export: the
 * organization (*org_r), or the branches with everything under them. */
static void scopes_filter(struct http_req *rq, const char *scopes, bool *org_r,
			  uint8_t **bits_r, size_t *nbits_r)
{
	char *copy, *save = NULL;

	*org_r = !*scopes;
	*bits_r = NULL;
	*nbits_r = 0;
	if (*org_r)
		return;
	copy = arena_strdup(rq->arena, scopes);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int64_t id = 0;
		uint8_t *bits;
		size_t nbits;
		str_to_i64(t, &id);
		members_scope_subtree(rq, id, &bits, &nbits);
		if (nbits > *nbits_r) {
			uint8_t *grown = arena_alloc(rq->arena, nbits / 8 + 1);
			if (*bits_r)
				memcpy(grown, *bits_r, *nbits_r / 8 + 1);
			*bits_r = grown;
			*nbits_r = nbits;
		}
		for (size_t i = 0; bits && i < nbits / 8 + 1; i++)
			(*bits_r)[i] |= bits[i];
	}
}

/* How many branches the scopes texts cover together: a branch inside
 * another counted once, the organization as all its top branches. */
static size_t branches_in(struct http_req *rq, const char *const *sets, size_t nsets)
{
	struct scope *all;
	size_t ns, count = 0;
	const char **paths = NULL;
	size_t np = 0, cap = 0;

	if (scope_list(platform_conn(), rq->arena, &all, &ns) != DB_OK)
		return SIZE_MAX; /* unsure: beyond any budget */
	for (size_t k = 0; k < nsets; k++) {
		char *copy, *save = NULL;
		if (!*sets[k]) {
			for (size_t i = 0; i < ns; i++)
				if (all[i].depth == 0) {
					paths = arena_grow(rq->arena, paths, np, &cap, sizeof(*paths));
					paths[np++] = all[i].path;
				}
			continue;
		}
		copy = arena_strdup(rq->arena, sets[k]);
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			int64_t id = 0;
			if (str_to_i64(t, &id) != 0)
				continue;
			for (size_t i = 0; i < ns; i++)
				if (all[i].id == id) {
					paths = arena_grow(rq->arena, paths, np, &cap,
							   sizeof(*paths));
					paths[np++] = all[i].path;
				}
		}
	}
	/* a path counts unless another one holds it (or is the same and
	 * comes first) */
	for (size_t i = 0; i < np; i++) {
		bool inside = false;
		for (size_t j = 0; j < np && !inside; j++)
			inside = j != i && scope_path_within(paths[i], paths[j]) &&
				 (strcmp(paths[i], paths[j]) != 0 || j < i);
		count += !inside;
	}
	return count;
}

/* Would this export (people from scopes) keep the officer within what
 * one person may take alone over the window? */
static bool within_budget(struct http_req *rq, int64_t people, const char *scopes,
			  int64_t *used_people_r, size_t *used_branches_r)
{
	struct db_conn *c = platform_conn();
	int64_t used = 0, *circle;
	const char **sets = NULL;
	size_t n = 0, cap = 0, ncircle;

	*used_people_r = 0;
	*used_branches_r = 0;
	/* what one person exported: through every account they may hold
	 * (auth.h, account_circle), not just this one */
	if (account_circle(c, rq->arena, rq->user.id, &circle, &ncircle) != DB_OK)
		return false;
	for (size_t i = 0; i < ncircle; i++) {
		int64_t theirs;
		const char **part;
		size_t k;
		if (members_export_log_since(
			c, rq->arena, circle[i],
			time_now() - conf_int("members.export_window"), &theirs,
			&part, &k) != DB_OK)
			return false;
		used += theirs;
		for (size_t j = 0; j < k; j++) {
			sets = arena_grow(rq->arena, sets, n, &cap, sizeof(*sets));
			sets[n++] = part[j];
		}
	}
	sets = arena_grow(rq->arena, sets, n, &cap, sizeof(*sets));
	sets[n] = scopes;
	*used_people_r = used + people;
	*used_branches_r = branches_in(rq, sets, n + 1);
	return *used_people_r <= conf_int("members.export_people") &&
	       *used_branches_r <= (size_t)conf_int("members.export_branches");
}

static const char *scopes_label(struct http_req *rq, const char *scopes)
{
	struct buf b;
	char *copy, *save = NULL, *out;

	if (!*scopes)
		return tr_rq(rq, N_("the whole organization"));
	buf_init(&b);
	copy = arena_strdup(rq->arena, scopes);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int64_t id = 0;
		str_to_i64(t, &id);
		buf_printf(&b, "%s%s", b.len ? ", " : "", members_branch_name(rq, id));
	}
	out = arena_strndup(rq->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* Requests the officer may see: their own, and those they may approve. */
static json_t *requests_json(struct http_req *rq, const struct export_request *r,
			     size_t n)
{
	json_t *arr = json_array();
	char when[32];

	for (size_t i = 0; i < n; i++) {
		const struct export_request *e = &r[i];
		bool mine = e->by == rq->user.id;
		if (!mine && !members_export_covers(rq, e->scopes))
			continue;
		time_format(e->created_at, when, sizeof(when));
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:s, s:I, s:b, s:b, s:b}", "id",
				  (json_int_t)e->id, "by", e->by_name, "when", when, "reach",
				  scopes_label(rq, e->scopes), "people", (json_int_t)e->people,
				  "may_approve", !mine && strcmp(e->state, "pending") == 0,
				  "may_download",
				  mine && strcmp(e->state, "approved") == 0 &&
					  time_now() - e->approved_at < EXPORT_TTL,
				  "pending", strcmp(e->state, "pending") == 0));
	}
	return arr;
}

void members_export_form(struct http_req *rq, struct http_resp *rs)
{
	struct mscope s;
	struct export_request *r;
	size_t n;
	json_t *data;

	/* a page missing the requests it failed to read would say none wait */
	if (members_export_requests_since(platform_conn(), rq->arena,
					  time_now() - 30 * 86400, &r,
					  &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	members_scope_for(rq, PERM_MEMBERS_EXPORT, &s);
	data = json_pack("{s:o, s:o, s:I, s:I, s:I}", "branches",
			 members_branch_options(rq, &s, 0), "requests",
			 requests_json(rq, r, n),
			 "free_people", (json_int_t)conf_int("members.export_people"),
			 "free_branches", (json_int_t)conf_int("members.export_branches"),
			 "window_hours",
			 (json_int_t)((conf_int("members.export_window") + 3599) / 3600));
	http_page(rq, rs, 200, "members/export", N_("Export members"), data);
}

/* Builds the CSV of the scopes; *n_r people. -1 on failure. */
static int build_csv(struct http_req *rq, const char *scopes, struct buf *out,
		     size_t *n_r)
{
	bool org;
	uint8_t *bits;
	size_t nbits;

	scopes_filter(rq, scopes, &org, &bits, &nbits);
	buf_init(out);
	if (members_export_csv(platform_conn(), rq->arena, org, bits, nbits, out,
			       n_r) != DB_OK) {
		buf_free(out);
		return -1;
	}
	return 0;
}

/* Sends a CSV built already, logging and auditing the export. */
static void send_csv(struct http_req *rq, struct http_resp *rs, struct buf *out,
		     size_t n, const char *scopes, int64_t request)
{
	const char *object = request ? arena_printf(rq->arena, "export:%lld",
						    (long long)request)
				     : *scopes ? arena_printf(rq->arena, "scope:%s", scopes)
					       : "scope:0";

	if (members_export_log_add(platform_conn(), rq->user.id, (int64_t)n,
				   scopes, request) != DB_OK ||
	    audit_rq(rq, platform_conn(), "members.exported", object,
		     json_pack("{s:I, s:s}", "people", (json_int_t)n, "reach",
			       scopes_label(rq, scopes))) != DB_OK) {
		buf_free(out);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	buf_reserve(out, 0);
	http_text(rs, 200, "text/csv; charset=utf-8", out->data ? out->data : "");
	http_set_header(rs, "Content-Disposition", "attachment; filename=\"members.csv\"");
	buf_free(out);
}

void members_export_start(struct http_req *rq, struct http_resp *rs)
{
	int64_t branch = http_field_int(rq, "branch", 0), id, used_people;
	size_t used_branches, n;
	const char *scopes;
	struct buf out;

	if (branch) {
		struct branch b;
		if (members_branch_get(platform_conn(), rq->arena, branch,
				       &b) != DB_OK ||
		    !can(rq, PERM_MEMBERS_EXPORT, branch)) {
			http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such branch."));
			return;
		}
		scopes = arena_printf(rq->arena, "%lld", (long long)branch);
	} else {
		scopes = reach_text(rq);
	}
	if (build_csv(rq, scopes, &out, &n) != 0) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (within_budget(rq, (int64_t)n, scopes, &used_people, &used_branches)) {
		send_csv(rq, rs, &out, n, scopes, 0);
		return;
	}
	buf_free(&out);
	/* beyond what one officer takes alone: a second officer approves */
	if (members_export_request_add(platform_conn(), rq->user.id, scopes,
				       (int64_t)n, &id) != DB_OK ||
	    audit_rq(rq, platform_conn(), "members.export.requested",
		     arena_printf(rq->arena, "export:%lld", (long long)id),
		     json_pack("{s:I, s:I, s:I}", "people", (json_int_t)n,
			       "window_people", (json_int_t)used_people,
			       "window_branches", (json_int_t)used_branches)) !=
		DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("This export, with what you exported lately, is more than one officer may take alone. Another officer who may export these members must approve it; then download it here."));
	http_redirect(rs, "/members/export");
}

static int load_request(struct http_req *rq, struct http_resp *rs,
			struct export_request *e)
{
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    members_export_request_get(platform_conn(), rq->arena, id, e) !=
		DB_OK ||
	    (e->by != rq->user.id && !members_export_covers(rq, e->scopes))) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such export."));
		return -1;
	}
	return 0;
}

void members_export_approve(struct http_req *rq, struct http_resp *rs)
{
	struct export_request e;

	if (load_request(rq, rs, &e) != 0)
		return;
	if (e.by == rq->user.id) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Another officer must approve your export."));
		return;
	}
	if (!accounts_independent(platform_conn(), rq->user.id, e.by)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("You cannot be the second officer for this one: one of you made the other's account or gave the other a role."));
		return;
	}
	if (members_export_request_approve(platform_conn(), e.id,
					   rq->user.id) != DB_OK) {
		http_error(rq, rs, HTTP_E_CONFLICT, N_("This export is not waiting for approval."));
		return;
	}
	audit_rq(rq, platform_conn(), "members.export.approved",
		 arena_printf(rq->arena, "export:%lld", (long long)e.id), NULL);
	http_flash(rq, rs, N_("Approved. The officer who asked can download it for a day."));
	http_redirect(rs, "/members/export");
}

void members_export_download(struct http_req *rq, struct http_resp *rs)
{
	struct export_request e;
	struct buf out;
	size_t n;

	if (load_request(rq, rs, &e) != 0)
		return;
	if (e.by != rq->user.id || strcmp(e.state, "approved") != 0 ||
	    time_now() - e.approved_at >= EXPORT_TTL) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   N_("This export cannot be downloaded: it is not approved, was downloaded already, or is older than a day."));
		return;
	}
	/* what the requester may export now, never more than was approved */
	if (!members_export_covers(rq, e.scopes)) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   N_("Your reach changed since the request. Ask again."));
		return;
	}
	if (members_export_request_done(platform_conn(), e.id) != DB_OK) {
		http_error(rq, rs, HTTP_E_CONFLICT, N_("This export was downloaded already."));
		return;
	}
	if (build_csv(rq, e.scopes, &out, &n) != 0) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	send_csv(rq, rs, &out, n, e.scopes, e.id);
}
