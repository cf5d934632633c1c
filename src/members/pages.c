/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The member pages: search and list, a person's record (every view
 * audited), new and edit forms, status changes and dues. A person outside
 * the caller's branches does not exist for them (404), and a form that
 * does not pass comes back with what was typed and why.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

char *members_person_ref(struct arena *a, int64_t id)
{
	return arena_printf(a, "person:%lld", (long long)id);
}

/* ---- shared with the API ---- */

const char *members_field_label(struct http_req *rq, const char *name)
{
	for (const struct field *f = rq->route ? rq->route->fields : NULL;
	     f && f->name; f++)
		if (strcmp(f->name, name) == 0 && f->label)
			return tr_rq(rq, f->label);
	return name;
}

void members_form_refuse(struct http_req *rq, json_t *form,
			 const char *field, const char *why)
{
	json_t *o = json_object_get(form, field);
	const char *label = json_string_value(json_object_get(o, "label"));

	if (!o)
		return;
	http_form_error(rq, form, field,
			arena_printf(rq->arena, "%s: %s", label ? label : field,
				     tr_rq(rq, why)));
}

void members_form_choices(json_t *form, const char *field, json_t *rows)
{
	json_t *options = json_array(), *row;
	size_t i;

	json_array_foreach(rows, i, row)
		json_array_append_new(
			options,
			json_pack("{s:O, s:O, s:O}", "value", json_object_get(row, "id"),
				  "label", json_object_get(row, "name"), "selected",
				  json_object_get(row, "selected")));
	json_decref(rows);
	http_form_options(form, field, options);
}

void members_input_from_form(struct http_req *rq, struct person_input *in)
{
	memset(in, 0, sizeof(*in));
	in->display_name = http_field(rq, "display_name");
	in->legal_name = http_field(rq, "legal_name");
	in->phone = http_field(rq, "phone");
	in->email = http_field(rq, "email");
	in->address = http_field(rq, "address");
	in->birth_date = http_field(rq, "birth_date");
	in->workplace = http_field(rq, "workplace");
	in->notes = http_field(rq, "notes");
	in->joined_on = http_field(rq, "joined");
	in->branch_id = http_field_int(rq, "branch", 0);
	in->consent_phone = http_field_bool(rq, "consent_phone");
	in->consent_sms = http_field_bool(rq, "consent_sms");
	in->consent_email = http_field_bool(rq, "consent_email");
}

/* Unions named in the form (ids), each checked to exist. -1 when one
 * does not. */
static int form_unions(struct http_req *rq, int64_t **ids_r, size_t *n_r)
{
	size_t n;
	const char **v = http_field_all(rq, "unions", &n);
	int64_t *ids = arena_alloc(rq->arena, (n + 1) * sizeof(*ids));
	struct union_org u;

	for (size_t i = 0; i < n; i++)
		if (str_to_i64(v[i], &ids[i]) != 0 ||
		    members_union_get(platform_conn(), rq->arena, ids[i], &u) !=
			DB_OK)
			return -1;
	*ids_r = ids;
	*n_r = n;
	return 0;
}

/* The branch exists and the caller may write there. */
static bool branch_writable(struct http_req *rq, int64_t id)
{
	struct branch b;

	return members_branch_get(platform_conn(), rq->arena, id, &b) == DB_OK &&
	       can(rq, PERM_MEMBERS_WRITE, id);
}

const char *members_write_check(struct http_req *rq, struct person_input *in,
				const char **field_r)
{
	const char *why = members_person_check(rq->arena, in, field_r);

	if (why)
		return why;
	*field_r = "branch";
	if (!branch_writable(rq, in->branch_id))
		return N_("is not one of your branches");
	*field_r = NULL;
	return NULL;
}

int members_load(struct http_req *rq, struct http_resp *rs, const char *perm,
		 bool unseal, struct person *p)
{
	int64_t id = http_param_int(rq, "id");
	struct mscope s;

	/* the same work for someone missing and someone out of reach: the
	 * reach first (it does not depend on id), then the row, and only a
	 * record in reach is opened */
	members_scope_for(rq, perm, &s);
	if (!id ||
	    members_person_get(platform_conn(), rq->arena, id, false, p) !=
		DB_OK ||
	    !members_scope_has(&s, p->branch_id) ||
	    (unseal && members_person_get(platform_conn(), rq->arena, id, true,
					  p) != DB_OK)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such member."));
		return -1;
	}
	return 0;
}

/* Branch names, cached for the process: a page names a branch per row.
 * Branches are only ever added, so a miss reloads the list. */
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static char **names;
static size_t nnames;

void members_branch_names_forget(void)
{
	pthread_mutex_lock(&names_lock);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	names = NULL;
	nnames = 0;
	pthread_mutex_unlock(&names_lock);
}

const char *members_branch_name(struct http_req *rq, int64_t id)
{
	const char *out = NULL;

	pthread_mutex_lock(&names_lock);
	if (id <= 0 || (size_t)id >= nnames || !names[id]) {
		struct arena *a = arena_new();
		struct branch *b;
		size_t n, max = 0;
		if (members_branch_list(platform_conn(), a, &b, &n) == DB_OK) {
			for (size_t i = 0; i < n; i++)
				if ((size_t)b[i].id + 1 > max)
					max = (size_t)b[i].id + 1;
			for (size_t i = 0; i < nnames; i++)
				free(names[i]);
			free(names);
			names = xcalloc(max + 1, sizeof(*names));
			nnames = max;
			for (size_t i = 0; i < n; i++)
				names[b[i].id] = xstrdup(b[i].name);
		}
		arena_free(a);
	}
	if (id > 0 && (size_t)id < nnames && names[id])
		out = arena_strdup(rq->arena, names[id]);
	pthread_mutex_unlock(&names_lock);
	return out ? out : "";
}

json_t *members_person_json(struct http_req *rq, const struct person *p,
			    bool sealed)
{
	int64_t *uids;
	size_t nu;
	json_t *unions = json_array();
	json_t *o = json_pack(
	    "{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "id",
	    (json_int_t)p->id, "display_name", p->display_name, "branch_id",
	    (json_int_t)p->branch_id, "branch",
	    members_branch_name(rq, p->branch_id), "status",
	    members_status_name(p->status), "status_label",
	    tr_rq(rq, members_status_label(p->status)), "joined", p->joined_on,
	    "consent_phone", p->consent_phone, "consent_sms", p->consent_sms,
	    "consent_email", p->consent_email, "erased", p->erased_at != 0);

	if (members_person_unions(platform_conn(), rq->arena, p->id, &uids,
				  &nu) == DB_OK)
		for (size_t i = 0; i < nu; i++) {
			struct union_org u;
			if (members_union_get(platform_conn(), rq->arena,
					      uids[i], &u) == DB_OK)
				json_array_append_new(
					unions, json_pack("{s:I, s:s}", "id",
							  (json_int_t)u.id, "name",
							  u.name));
		}
	json_object_set_new(o, "unions", unions);
	json_object_set_new(o, "version", json_integer((json_int_t)p->version));
	if (sealed) {
		json_object_set_new(o, "legal_name", json_string(or_empty(p->legal_name)));
		const char *tel = members_phone_tel(p->phone);
		json_object_set_new(o, "phone", json_string(or_empty(p->phone)));
		json_object_set_new(o, "phone_display",
				    json_string(members_phone_display(rq->arena, p->phone)));
		if (tel)
			json_object_set_new(o, "phone_tel", json_string(tel));
		json_object_set_new(o, "email", json_string(or_empty(p->email)));
		json_object_set_new(o, "address", json_string(or_empty(p->address)));
		json_object_set_new(o, "birth_date", json_string(or_empty(p->birth_date)));
		json_object_set_new(o, "workplace", json_string(or_empty(p->workplace)));
		json_object_set_new(o, "notes", json_string(or_empty(p->notes)));
	}
	return o;
}

/* ---- options for selects ---- */

json_t *members_branch_options(struct http_req *rq, const struct mscope *s,
			       int64_t selected)
{
	json_t *arr = json_array();
	struct branch *b;
	size_t n;

	if (members_branch_list(platform_conn(), rq->arena, &b, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		struct buf label;
		if (!members_scope_has(s, b[i].id))
			continue;
		buf_init(&label);
		for (int d = 0; d < b[i].depth; d++)
			buf_puts(&label, "\u2003");
		buf_puts(&label, b[i].name);
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)b[i].id,
				       "name", label.data, "selected",
				       b[i].id == selected));
		buf_free(&label);
	}
	return arr;
}

json_t *members_union_options(struct http_req *rq, const int64_t *selected,
			      size_t nselected)
{
	json_t *arr = json_array();
	struct union_org *u;
	size_t n;

	if (members_union_list(platform_conn(), rq->arena, &u, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		bool sel = false;
		for (size_t k = 0; k < nselected; k++)
			sel |= selected[k] == u[i].id;
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)u[i].id,
				       "name", u[i].name, "selected", sel));
	}
	return arr;
}

json_t *members_status_options(struct http_req *rq, const char *selected)
{
	json_t *arr = json_array();

	for (int i = 0; i < MS__MAX; i++)
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:s, s:b}", "name",
			      members_status_name((enum mstatus)i), "label",
			      tr_rq(rq, members_status_label((enum mstatus)i)),
			      "selected",
			      selected &&
				  strcmp(selected, members_status_name(
						       (enum mstatus)i)) == 0));
	return arr;
}

/* ---- the list ---- */

/* The filters the list page and the API share (q, branch, status,
 * union) into q, within the caller's scopes. -1 when a filter names
 * something outside the caller's reach. */
static int query_filters(struct http_req *rq, struct members_index_query *q)
{
	struct mscope s;
	int64_t branch = http_field_int(rq, "branch", 0);
	const char *status = http_field(rq, "status");
	enum mstatus st;

	memset(q, 0, sizeof(*q));
	members_index_current();
	members_scope_for(rq, PERM_MEMBERS_READ, &s);
	q->text = http_field(rq, "q");
	q->org = s.org;
	q->visible = s.bits;
	q->nvisible = s.nbits;
	q->status = -1;
	if (status && *status) {
		if (members_status_parse(status, &st) != 0)
			return -1;
		q->status = (int)st;
	}
	q->union_id = http_field_int(rq, "union", 0);
	if (branch) {
		uint8_t *bits;
		size_t nbits;
		if (!can(rq, PERM_MEMBERS_READ, branch))
			return -1;
		members_scope_subtree(rq, branch, &bits, &nbits);
		q->in_branch = bits;
		q->nin_branch = nbits;
	}
	q->count_cap = MEMBERS_COUNT_CAP;
	return 0;
}

int members_query(struct http_req *rq, struct mindex_page *pg, size_t *page_r)
{
	struct members_index_query q;
	int64_t page = http_field_int(rq, "page", 1);

	if (query_filters(rq, &q) != 0)
		return -1;
	if (page < 1 || page > 100000)
		page = 1;
	q.offset = (size_t)(page - 1) * MEMBERS_PAGE_SIZE;
	q.limit = MEMBERS_PAGE_SIZE;
	*page_r = (size_t)page;
	return members_index_query(rq->arena, &q, pg);
}

int members_query_after(struct http_req *rq, int64_t after, size_t limit,
			struct mindex_page *pg)
{
	struct members_index_query q;

	if (query_filters(rq, &q) != 0)
		return -1;
	q.by_id = true;
	q.after = after;
	q.limit = limit;
	return members_index_query(rq->arena, &q, pg);
}

/* "/members?q=..&branch=..&page=N" keeping the filters */
static char *page_link(struct http_req *rq, size_t page)
{
	static const char *const keep[] = {"q", "branch", "status", "union"};
	struct buf b;
	char *out;

	buf_init(&b);
	buf_puts(&b, "/members?");
	for (size_t i = 0; i < ARRAY_LEN(keep); i++) {
		const char *v = http_field(rq, keep[i]);
		if (!v || !*v)
			continue;
		buf_printf(&b, "%s=", keep[i]);
		http_urlencode(&b, v);
		buf_putc(&b, '&');
	}
	buf_printf(&b, "page=%zu", page);
	out = arena_strndup(rq->arena, b.data, b.len);
	buf_free(&b);
	return out;
}

int members_search_audit(struct http_req *rq, const struct mindex_page *pg)
{
	const char *q = http_field(rq, "q");

	/* a lookup by name, phone or email is a reading of the registry:
	 * who looked for what (sealed) and how much they found */
	if (!q || !*q)
		return DB_OK;
	return audit_soon(rq, "members.searched", "",
			  json_pack("{s:s, s:I, s:b}", "q_sealed",
				    audit_seal(rq->arena, q), "found",
				    (json_int_t)pg->total, "more", pg->at_least));
}

/* Open reviews the caller may decide, for a notice. */
static size_t reviews_waiting(struct http_req *rq)
{
	json_t *r;
	size_t k;

	if (!can_any(rq, PERM_MEMBERS_WRITE))
		return 0;
	r = members_reviews_json(rq, 0);
	k = json_array_size(r);
	json_decref(r);
	return k;
}

void members_list(struct http_req *rq, struct http_resp *rs)
{
	struct mindex_page pg;
	struct mindex_hit *hits;
	size_t n, total, page;
	struct mscope s;
	json_t *rows = json_array(), *data;
	int64_t uid = http_field_int(rq, "union", 0);

	if (members_query(rq, &pg, &page) != 0) {
		json_decref(rows);
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such branch."));
		return;
	}
	if (members_search_audit(rq, &pg) != DB_OK) {
		/* no lookup goes unrecorded */
		json_decref(rows);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	hits = pg.hits;
	n = pg.n;
	total = pg.total;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    rows,
		    json_pack("{s:I, s:s, s:s, s:s}", "id",
			      (json_int_t)hits[i].id, "display_name",
			      hits[i].display_name, "branch",
			      members_branch_name(rq, hits[i].branch_id),
			      "status_label",
			      tr_rq(rq, members_status_label(
					    (enum mstatus)hits[i].status))));
	members_scope_for(rq, PERM_MEMBERS_READ, &s);
	data = json_pack("{s:o, s:I, s:s, s:o, s:o, s:o, s:b}", "people", rows,
			 "total", (json_int_t)total, "q",
			 or_empty(http_field(rq, "q")), "branches",
			 members_branch_options(rq, &s, http_field_int(rq, "branch", 0)),
			 "statuses",
			 members_status_options(rq, http_field(rq, "status")),
			 "unions", members_union_options(rq, &uid, uid ? 1 : 0),
			 "may_write", can_any(rq, PERM_MEMBERS_WRITE));
	json_object_set_new(data, "any", json_boolean(n > 0));
	json_object_set_new(data, "at_least", json_boolean(pg.at_least));
	json_object_set_new(data, "may_export",
			    json_boolean(can_any(rq, PERM_MEMBERS_EXPORT)));
	json_object_set_new(data, "reviews", json_integer((json_int_t)reviews_waiting(rq)));
	if (page > 1)
		json_object_set_new(data, "prev", json_string(page_link(rq, page - 1)));
	if (pg.at_least || page * MEMBERS_PAGE_SIZE < total)
		json_object_set_new(data, "next", json_string(page_link(rq, page + 1)));
	if (pg.at_least)
		json_object_set_new(data, "pages",
				    json_string(arena_printf(rq->arena, "%zu", page)));
	else if (total > MEMBERS_PAGE_SIZE)
		json_object_set_new(
			data, "pages",
			json_string(arena_printf(rq->arena, "%zu / %zu", page,
						 (total + MEMBERS_PAGE_SIZE - 1) / MEMBERS_PAGE_SIZE)));
	http_page(rq, rs, 200, "members/list", N_("Members"), data);
}

/* ---- the record ---- */

static json_t *history_json(struct http_req *rq, int64_t id)
{
	struct status_change *h;
	size_t n;
	json_t *arr = json_array();
	char when[32];

	if (members_person_history(platform_conn(), rq->arena, id, &h, &n) !=
	    DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		enum mstatus from, to;
		time_format(h[i].at, when, sizeof(when));
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:s, s:s, s:s, s:s}", "when", when, "from",
			      members_status_parse(h[i].from, &from) == 0
				  ? tr_rq(rq, members_status_label(from))
				  : "",
			      "to",
			      members_status_parse(h[i].to, &to) == 0
				  ? tr_rq(rq, members_status_label(to))
				  : h[i].to,
			      "by", h[i].by, "note", h[i].note));
	}
	return arr;
}

static json_t *dues_json(struct http_req *rq, int64_t id)
{
	struct due *d;
	size_t n;
	json_t *arr = json_array();

	if (members_dues_list(platform_conn(), rq->arena, id, &d, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s}", "id",
				       (json_int_t)d[i].id, "amount",
				       members_money(rq->arena, d[i].amount,
						     d[i].currency),
				       "period", d[i].period, "paid_on",
				       d[i].paid_on));
	return arr;
}

/* Corrections and removals of a person's payments: the values before,
 * why, by whom and when. */
static json_t *due_changes_json(struct http_req *rq, int64_t id)
{
	struct due_change *x;
	size_t n;
	json_t *arr = json_array();
	char when[32];

	if (members_due_changes(platform_conn(), rq->arena, id, &x, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		time_format(x[i].at, when, sizeof(when));
		json_array_append_new(
			arr,
			json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s}", "when", when,
				  "removed", strcmp(x[i].kind, "removed") == 0,
				  "amount",
				  members_money(rq->arena, x[i].amount, x[i].currency),
				  "period", x[i].period, "paid_on", x[i].paid_on,
				  "reason", x[i].reason ? x[i].reason : "", "by",
				  x[i].by));
	}
	return arr;
}

/* A payment's amount as a form shows it: "1500.50". */
static char *amount_text(struct arena *a, int64_t minor)
{
	return arena_printf(a, "%lld.%02lld", (long long)(minor / 100),
			    (long long)(minor % 100));
}

static size_t due_typed(struct http_req *rq, json_t *form, int64_t *amount_r,
			const char **currency_r);

/* A person's page. Its forms (status, dues) are the request's own when
 * it posted one of them: shown again with what was typed and why it was
 * refused (dues_again: the dues form was posted); dup names a payment
 * for the same period (a warning, and a box to record it anyway). */
static void show_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct person *p, bool dues_again,
		      const struct due *dup)
{
	json_t *data = json_pack("{s:o}", "person",
				 members_person_json(rq, p, true));
	char *base = arena_printf(rq->arena, "/members/%lld", (long long)p->id);
	json_t *dues_form = http_form(rq, HTTP_POST,
				      arena_printf(rq->arena, "%s/dues", base));
	json_t *status_form = http_form(rq, HTTP_POST,
					arena_printf(rq->arena, "%s/status", base));
	json_t *statuses = json_array();
	char today[11];

	assert(dues_form && status_form);
	date_today(today, sizeof(today));
	json_object_set_new(data, "history", history_json(rq, p->id));
	json_object_set_new(data, "dues", dues_json(rq, p->id));
	json_object_set_new(data, "has_dues",
			    json_boolean(json_array_size(json_object_get(data, "dues")) > 0));
	json_object_set_new(data, "due_changes", due_changes_json(rq, p->id));
	json_object_set_new(data, "has_due_changes",
			    json_boolean(json_array_size(json_object_get(data, "due_changes")) > 0));
	json_object_set_new(data, "may_write",
			    json_boolean(can(rq, PERM_MEMBERS_WRITE, p->branch_id) &&
					 !p->erased_at));
	/* who looked at and changed this record: for the auditor */
	if (can_any(rq, PERM_AUDIT))
		json_object_set_new(data, "audit_link",
				    json_string(arena_printf(rq->arena,
							     "/audit?object=person:%lld",
							     (long long)p->id)));
	{
		/* the status as typed when the form comes back, else the
		 * record's */
		enum mstatus sel = p->status;
		if (rq->route->handler == members_status)
			members_status_parse(http_field(rq, "status"), &sel);
		for (int i = 0; i < MS__MAX; i++)
			json_array_append_new(
				statuses,
				json_pack("{s:s, s:s, s:b}", "value",
					  members_status_name((enum mstatus)i), "label",
					  tr_rq(rq, members_status_label((enum mstatus)i)),
					  "selected", (enum mstatus)i == sel));
	}
	http_form_options(status_form, "status", statuses);
	if (json_object_get(status_form, "status"))
		json_object_set_new(json_object_get(status_form, "status"), "choose",
				    json_false());
	json_object_set_new(
		json_object_get(status_form, "note"), "hint",
		json_string(tr_rq(rq, N_("Why, for the history. Sealed like the rest."))));
	/* the version the page shows; a form refused for its values keeps
	 * the one it was drawn from */
	if (rq->route->handler != members_status || status == 409)
		http_form_value(status_form, "version",
				arena_printf(rq->arena, "%lld", (long long)p->version));
	if (rq->route->handler == members_status && status == 409)
		http_form_error(rq, status_form, "status",
				N_("Someone else changed this member after you opened the page, so the status was not changed. Look at the record as it is now, then change the status again if you still mean to."));
	else if (rq->route->handler == members_status) {
		enum mstatus to;
		if (members_status_parse(http_field(rq, "status"), &to) != 0)
			members_form_refuse(rq, status_form, "status",
					    N_("is not a membership status"));
	}
	members_form_settle(status_form);
	json_object_set_new(data, "status_form", status_form);
	/* the dues form: this month, today and tenge, unless it comes back */
	if (dues_again) {
		/* the module's reasons beside the router's */
		int64_t amount;
		const char *currency;
		due_typed(rq, dues_form, &amount, &currency);
	} else {
		http_form_value(dues_form, "currency", "KZT");
		http_form_value(dues_form, "period", arena_strndup(rq->arena, today, 7));
		http_form_value(dues_form, "paid_on", today);
	}
	if (dup) {
		http_form_error(rq, dues_form, "period",
				N_("A payment for this period is recorded already."));
		json_object_set_new(
			data, "duplicate",
			json_pack("{s:s, s:s, s:s}", "period", dup->period, "amount",
				  members_money(rq->arena, dup->amount, dup->currency),
				  "paid_on", dup->paid_on));
	}
	members_form_settle(dues_form);
	http_form_required(dues_form, "amount");
	http_form_required(dues_form, "period");
	http_form_required(dues_form, "paid_on");
	http_form_control(dues_form, "paid_on", "date");
	json_object_set_new(data, "dues_form", dues_form);
	json_object_set_new(data, "self_service", json_boolean(p->account_id != 0));
	/* a record's own reviews only for an officer of the whole
	 * organization: anyone else's page must not cost more for a clash
	 * they cannot see (they find theirs on /members/reviews) */
	json_object_set_new(data, "reviews", can(rq, PERM_MEMBERS_WRITE, 0)
						     ? members_reviews_json(rq, p->id)
						     : json_array());
	{
		/* the latest self-service invitation: the same whether the
		 * address had an account */
		struct invitation *inv;
		size_t ni;
		if (!p->account_id &&
		    invitations_for(platform_conn(), rq->arena,
				    arena_printf(rq->arena, "person:%lld", (long long)p->id),
				    &inv, &ni) == DB_OK &&
		    ni > 0 && strcmp(inv[0].state, "pending") == 0 &&
		    inv[0].expires_at > time_now()) {
			char when[40];
			time_format(inv[0].created_at, when, sizeof(when));
			json_object_set_new(data, "invited", json_string(when));
			json_object_set_new(data, "mail",
					    json_boolean(outbox_mail_ready()));
		}
	}
	http_page(rq, rs, status, "members/person", N_("Member"), data);
}

/* A person the request may change: loaded (opened when unseal), or -1
 * with the answer given (out of reach: 404; erased: 409). */
static int load_writable(struct http_req *rq, struct http_resp *rs,
			 bool unseal, struct person *p)
{
	if (members_load(rq, rs, PERM_MEMBERS_WRITE, unseal, p) != 0)
		return -1;
	if (p->erased_at) {
		http_error(rq, rs, HTTP_E_ERASED, NULL);
		return -1;
	}
	return 0;
}

void members_show(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (members_load(rq, rs, PERM_MEMBERS_READ, true, &p) != 0)
		return;
	/* who looked at whom: the reading is the sensitive act */
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p.id), NULL);
	show_page(rq, rs, 200, &p, false, NULL);
}

void members_show_refused(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_writable(rq, rs, true, &p) != 0)
		return;
	/* the page shows the record again: a reading like any other */
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p.id), NULL);
	show_page(rq, rs, 422, &p, rq->route->handler == members_dues, NULL);
}

/* ---- new and edit ---- */

void members_person_form_refusals(struct http_req *rq, json_t *form,
				  struct person_input *in)
{
	struct members_refusal r[16];
	size_t n = members_person_refusals(rq->arena, in, r, ARRAY_LEN(r));

	for (size_t i = 0; i < n && i < ARRAY_LEN(r); i++)
		members_form_refuse(rq, form, r[i].field, r[i].why);
}

void members_form_settle(json_t *form)
{
	json_t *errors = json_object_get(form, "form_errors");
	json_t *sorted = json_array(), *o;
	const char *name;
	bool first = true;

	/* the fields come in the order the route declares them, as the
	 * page shows them: the list at the top follows it, and the first
	 * refused field takes the focus, whoever refused it */
	json_object_foreach(form, name, o) {
		size_t i;
		json_t *e;
		if (!json_is_object(o) || !json_is_true(json_object_get(o, "invalid")))
			continue;
		json_object_set_new(o, "autofocus", json_boolean(first));
		first = false;
		json_array_foreach(errors, i, e)
			if (json_equal(json_object_get(e, "id"), json_object_get(o, "id")))
				json_array_append(sorted, e);
	}
	if (json_array_size(sorted) == json_array_size(errors))
		json_object_set(form, "form_errors", sorted);
	json_decref(sorted);
}

/* What the officer typed as a member's unions differs from what the
 * record holds now: the names it holds (arena-owned, "" for none), or
 * NULL when they are the same. */
static const char *unions_differ(struct http_req *rq, const struct person *now)
{
	size_t nt, nn;
	const char **typed = http_field_all(rq, "unions", &nt);
	int64_t *held;
	struct buf b;
	const char *out;
	bool same;

	if (members_person_unions(platform_conn(), rq->arena, now->id, &held,
				  &nn) != DB_OK)
		return NULL;
	same = nt == nn;
	for (size_t i = 0; same && i < nt; i++) {
		int64_t id;
		bool found = false;
		if (str_to_i64(typed[i], &id) != 0)
			break;
		for (size_t k = 0; k < nn; k++)
			found |= held[k] == id;
		same = found;
	}
	if (same)
		return NULL;
	buf_init(&b);
	for (size_t k = 0; k < nn; k++) {
		struct union_org u;
		if (members_union_get(platform_conn(), rq->arena, held[k], &u) !=
		    DB_OK)
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, u.name);
	}
	out = arena_strndup(rq->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* only the fields the form has (/me has fewer): a field its route does
 * not declare is never read */
#define HAS(name) (json_object_get(form, name) != NULL)
void members_conflict_marks(struct http_req *rq, json_t *form,
			    const struct person *now)
{
	static const char *const text[] = {"display_name", "legal_name",
					   "email", "address", "birth_date",
					   "workplace", "notes", "joined"};
	const char *cur[] = {now->display_name, now->legal_name, now->email,
			     now->address, now->birth_date, now->workplace,
			     now->notes, now->joined_on};
	static const char *const consent[] = {"consent_phone", "consent_sms",
					      "consent_email"};
	const bool given[] = {now->consent_phone, now->consent_sms,
			      now->consent_email};
	const char *phone = HAS("phone") ? http_field(rq, "phone") : NULL, *norm, *unions;

	for (size_t i = 0; i < ARRAY_LEN(text); i++)
		if (HAS(text[i]) &&
		    strcmp(or_empty(http_field(rq, text[i])), or_empty(cur[i])))
			http_form_now(rq, form, text[i], cur[i]);
	/* a phone compares as stored: "8 702 555 17 58" is +77025551758 */
	norm = phone && *phone ? members_phone_normalize(rq->arena, phone) : "";
	if (HAS("phone") && strcmp(norm ? norm : phone, or_empty(now->phone)))
		http_form_now(rq, form, "phone",
			 members_phone_display(rq->arena, now->phone));
	if (HAS("branch") && http_field_int(rq, "branch", 0) != now->branch_id)
		http_form_now(rq, form, "branch", members_branch_name(rq, now->branch_id));
	if (HAS("unions") && (unions = unions_differ(rq, now)))
		http_form_now(rq, form, "unions", unions);
	for (size_t i = 0; i < ARRAY_LEN(consent); i++)
		if (HAS(consent[i]) && http_field_bool(rq, consent[i]) != given[i])
			http_form_now(rq, form, consent[i],
				 tr_rq(rq, given[i] ? N_("yes") : N_("no")));
	http_form_value(form, "version",
			arena_printf(rq->arena, "%lld", (long long)now->version));
#undef HAS
}

/* The member form: new (p NULL) or p's; again when it is the request's
 * own post shown again (what was typed, and why it was refused); now,
 * when the post named a version another writer had replaced: the
 * record as it is (p is it too), beside what was typed. */
static void form_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct person *p, bool again, const char *taken,
		      const struct person *now)
{
	const char *action =
		p ? arena_printf(rq->arena, "/members/%lld", (long long)p->id)
		  : "/members";
	json_t *form = http_form(rq, HTTP_POST, action);
	struct mscope s;
	json_t *data, *statuses;
	int64_t *uids = NULL;
	size_t nu = 0;
	struct person_input in;

	assert(form);
	members_scope_for(rq, PERM_MEMBERS_WRITE, &s);
	if (p && !again) {
		static const char *const keep[] = {"legal_name", "phone", "email",
						   "address", "birth_date",
						   "workplace", "notes"};
		/* the phone as people read it; it normalizes back the same */
		const char *v[] = {p->legal_name,
				   p->phone && *p->phone
					   ? members_phone_display(rq->arena, p->phone)
					   : p->phone,
				   p->email, p->address,
				   p->birth_date, p->workplace, p->notes};
		http_form_value(form, "display_name", p->display_name);
		for (size_t i = 0; i < ARRAY_LEN(keep); i++)
			http_form_value(form, keep[i], v[i]);
		http_form_value(form, "joined", p->joined_on);
		http_form_value(form, "version",
				arena_printf(rq->arena, "%lld", (long long)p->version));
		http_form_checked(form, "consent_phone", p->consent_phone);
		http_form_checked(form, "consent_sms", p->consent_sms);
		http_form_checked(form, "consent_email", p->consent_email);
		members_person_unions(platform_conn(), rq->arena, p->id, &uids, &nu);
	}
	members_form_choices(form, "branch",
			     members_branch_options(rq, &s, p && !again ? p->branch_id : 0));
	members_form_choices(form, "unions", members_union_options(rq, uids, nu));
	statuses = json_array();
	for (int i = 0; i < MS__MAX; i++)
		json_array_append_new(
			statuses,
			json_pack("{s:s, s:s, s:b}", "value",
				  members_status_name((enum mstatus)i), "label",
				  tr_rq(rq, members_status_label((enum mstatus)i)),
				  "selected", i == MS_ACTIVE));
	http_form_options(form, "status", statuses);
	http_form_required(form, "display_name");
	http_form_required(form, "branch");
	if (again) {
		/* every reason at once: the router's (kinds, limits) are in
		 * the form already, the module's join them */
		int64_t *ids;
		size_t n;
		members_input_from_form(rq, &in);
		if (!p)
			in.status = http_field(rq, "status");
		members_person_form_refusals(rq, form, &in);
		if (in.branch_id > 0 && !branch_writable(rq, in.branch_id))
			members_form_refuse(rq, form, "branch",
					    N_("is not one of your branches"));
		if (form_unions(rq, &ids, &n) != 0)
			members_form_refuse(rq, form, "unions", N_("is not a known union"));
	}
	if (taken) /* the phone or email is someone's the writer sees */
		http_form_error(rq, form, taken,
				N_("Someone with this phone or email is registered already."));
	if (now)
		members_conflict_marks(rq, form, now);
	members_form_settle(form);
	http_form_control(form, "phone", "tel");
	http_form_control(form, "email", "email");
	http_form_control(form, "birth_date", "date");
	http_form_control(form, "joined", "date");
	data = json_pack("{s:o, s:s}", "form", form, "back", action);
	if (!p)
		json_object_set_new(data, "is_new", json_true());
	if (now)
		json_object_set_new(
			data, "conflict",
			json_pack("{s:s}", "status_label",
				  tr_rq(rq, members_status_label(now->status))));
	http_page(rq, rs, status, "members/form",
		  p ? N_("Edit member") : N_("New member"), data);
}

void members_new(struct http_req *rq, struct http_resp *rs)
{
	form_page(rq, rs, 200, NULL, false, NULL, NULL);
}

void members_create_refused(struct http_req *rq, struct http_resp *rs)
{
	form_page(rq, rs, 422, NULL, true, NULL, NULL);
}

void members_edit(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_writable(rq, rs, true, &p) != 0)
		return;
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p.id), NULL);
	form_page(rq, rs, 200, &p, false, NULL, NULL);
}

void members_update_refused(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_writable(rq, rs, false, &p) != 0)
		return;
	form_page(rq, rs, 422, &p, true, NULL, NULL);
}

/* A person written in a savepoint of its own, so that a duplicate phone
 * or email (a constraint) leaves the request's transaction usable. The
 * phone and email follow the contact rules (contacts.c): a clash with
 * someone the writer may not see answers as if there were none. */
struct write {
	struct http_req *rq;
	struct person_input in;
	int64_t *uids;
	size_t nu;
	int64_t given; /* 0: a new person */
	int64_t id;    /* the person written */
};

static int write_tx(struct db_conn *c, void *arg)
{
	struct write *w = arg;
	struct http_req *rq = w->rq;
	bool create = w->given == 0;
	struct contact_view v = members_contact_view_of(rq);
	int rc;

	w->id = w->given; /* run again after a conflict: from the start */
	rc = members_person_put(c, rq->arena, &w->in, &v, rq->user.id, &w->id);

	if (rc == DB_OK)
		rc = members_person_set_unions(c, w->id, w->uids, w->nu);
	if (rc == DB_OK)
		rc = audit_rq(
		    rq, c, create ? "person.created" : "person.updated",
		    members_person_ref(rq->arena, w->id),
		    json_pack("{s:I}", "branch", (json_int_t)w->in.branch_id));
	return rc;
}

int members_write(struct http_req *rq, const struct person_input *in,
		  int64_t *uids, size_t nu, int64_t *id_io)
{
	struct write w = {.rq = rq, .in = *in, .uids = uids, .nu = nu,
			  .given = *id_io};
	int rc = db_tx(platform_conn(), write_tx, &w);

	if (rc == DB_OK) {
		members_changed(rq, w.id);
		*id_io = w.id;
	}
	return rc;
}

/* Checks the form and writes the person: 0, or an answer given (the
 * form again, every refusal beside its field). */
static int write_person(struct http_req *rq, struct http_resp *rs,
			const struct person *p, int64_t *id_r)
{
	struct write w = {.rq = rq, .given = p ? p->id : 0};
	const char *field;
	int64_t found;
	int rc;

	members_input_from_form(rq, &w.in);
	if (!p) /* a status is set once, here; later changes have their own route */
		w.in.status = http_field(rq, "status");
	else /* the version the form was drawn from */
		w.in.version = http_field_int(rq, "version", 0);
	if (members_write_check(rq, &w.in, &field) ||
	    form_unions(rq, &w.uids, &w.nu) != 0) {
		form_page(rq, rs, 422, p, true, NULL, NULL);
		return -1;
	}
	w.id = w.given;
	rc = members_write(rq, &w.in, w.uids, w.nu, &w.id);
	if (rc == DB_STALE) {
		/* another officer saved first: nothing of theirs is lost
		 * and nothing typed here is either; the record as it is now,
		 * opened (a reading like the edit form's), beside it */
		struct person now;
		if (members_person_get(platform_conn(), rq->arena, p->id, true,
				       &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return -1;
		}
		audit_rq(rq, platform_conn(), "person.viewed",
			 members_person_ref(rq->arena, now.id), NULL);
		form_page(rq, rs, 409, &now, true, NULL, &now);
		return -1;
	}
	if (rc == DB_CONSTRAINT) {
		/* beside the email when it is the one taken, else the phone */
		field = w.in.email && *w.in.email &&
				members_person_find_contact(platform_conn(), rq->arena,
							    w.in.email, NULL,
							    &found) == DB_OK
			? "email"
			: "phone";
		form_page(rq, rs, 409, p, true, field, NULL);
		return -1;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return -1;
	}
	*id_r = w.id;
	return 0;
}

void members_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;

	if (write_person(rq, rs, NULL, &id) != 0)
		return;
	http_flash(rq, rs, N_("The member was added."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)id));
}

void members_update(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	int64_t id;

	if (load_writable(rq, rs, false, &p) != 0)
		return;
	if (write_person(rq, rs, &p, &id) != 0)
		return;
	http_flash(rq, rs, N_("The changes were saved."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)id));
}

/* ---- status and dues ---- */

void members_status(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	enum mstatus to;
	int rc;

	if (load_writable(rq, rs, false, &p) != 0)
		return;
	if (members_status_parse(http_field(rq, "status"), &to) != 0) {
		members_show_refused(rq, rs);
		return;
	}
	rc = members_person_set_status(platform_conn(), rq->arena, p.id, to,
				       rq->user.id, http_field(rq, "note"),
				       http_field_int(rq, "version", 0));
	if (rc == DB_STALE) {
		/* changed since the page was drawn: the page again as the
		 * record is now, the status and note typed kept */
		struct person now;
		if (members_person_get(platform_conn(), rq->arena, p.id, true,
				       &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		audit_rq(rq, platform_conn(), "person.viewed",
			 members_person_ref(rq->arena, now.id), NULL);
		show_page(rq, rs, 409, &now, false, NULL);
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "person.status",
			      members_person_ref(rq->arena, p.id),
			      json_pack("{s:s, s:s}", "from",
					members_status_name(p.status), "to",
					members_status_name(to)));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	members_changed(rq, p.id);
	http_flash(rq, rs, N_("The status was changed."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
}

/* The payment as the form typed it: every refusal beside its field of
 * form (when form is not NULL); 0 when none, with *amount_r and
 * *currency_r set. */
static size_t due_typed(struct http_req *rq, json_t *form, int64_t *amount_r,
			const char **currency_r)
{
	struct members_refusal r[4];
	const char *currency = http_field(rq, "currency");
	size_t n;

	if (!currency)
		currency = "KZT";
	n = members_due_refusals(http_field(rq, "amount"), currency,
				 http_field(rq, "period"),
				 http_field(rq, "paid_on"), amount_r, r,
				 ARRAY_LEN(r));
	for (size_t i = 0; form && i < n && i < ARRAY_LEN(r); i++)
		http_form_error(rq, form, r[i].field, r[i].why);
	*currency_r = currency;
	return n;
}

/* The person's page again, the dues form with what was typed and why
 * it was refused (or the warning of a payment for the same period). */
static void dues_refused(struct http_req *rq, struct http_resp *rs,
			 const struct person *p, int status,
			 const struct due *dup)
{
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p->id), NULL);
	show_page(rq, rs, status, p, true, dup);
}

void members_dues(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	int64_t amount = 0, id = 0;
	const char *currency, *period = http_field(rq, "period");
	const struct due *dup;
	struct due *d;
	size_t n;
	int rc;

	if (load_writable(rq, rs, true, &p) != 0)
		return;
	if (due_typed(rq, NULL, &amount, &currency) > 0) {
		dues_refused(rq, rs, &p, 422, NULL);
		return;
	}
	/* a second payment for one period is more often a slip than two
	 * payments: it is recorded only when the officer says so */
	if (members_dues_list(platform_conn(), rq->arena, p.id, &d, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if ((dup = members_due_same_period(d, n, period, 0)) &&
	    !http_field_bool(rq, "anyway")) {
		dues_refused(rq, rs, &p, 409, dup);
		return;
	}
	rc = members_dues_add(platform_conn(), p.id, amount, currency, period,
			      http_field(rq, "paid_on"), rq->user.id, &id);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "person.dues",
			      members_person_ref(rq->arena, p.id),
			      json_pack("{s:I, s:I, s:s, s:s, s:b}", "due",
					(json_int_t)id, "amount", (json_int_t)amount,
					"currency", currency, "period", period,
					"again", dup != NULL));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The payment was recorded."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
}

/* ---- a payment corrected or removed ---- */

/* The person {id} and their payment {due}, or a 404 answered. */
static int load_due(struct http_req *rq, struct http_resp *rs,
		    struct person *p, struct due *d)
{
	if (members_load(rq, rs, PERM_MEMBERS_WRITE, false, p) != 0)
		return -1;
	if (p->erased_at ||
	    members_due_get(platform_conn(), rq->arena, p->id,
			    http_param_int(rq, "due"), d) != DB_OK) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such payment."));
		return -1;
	}
	return 0;
}

static void due_page(struct http_req *rq, struct http_resp *rs, int status,
		     const struct person *p, const struct due *d)
{
	char *base = arena_printf(rq->arena, "/members/%lld/dues/%lld",
				  (long long)p->id, (long long)d->id);
	json_t *form = http_form(rq, HTTP_POST, base);
	json_t *remove = http_form(rq, HTTP_POST,
				   arena_printf(rq->arena, "%s/remove", base));
	bool again = rq->method == HTTP_POST && rq->route->handler ==
							members_due_correct_page;
	int64_t amount;
	const char *currency;
	json_t *data;

	assert(form && remove);
	if (!again) {
		http_form_value(form, "amount", amount_text(rq->arena, d->amount));
		http_form_value(form, "currency", d->currency);
		http_form_value(form, "period", d->period);
		http_form_value(form, "paid_on", d->paid_on);
	} else {
		due_typed(rq, form, &amount, &currency);
	}
	members_form_settle(form);
	members_form_settle(remove);
	http_form_control(form, "paid_on", "date");
	data = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "form", form,
			 "remove", remove, "person", p->display_name, "back",
			 arena_printf(rq->arena, "/members/%lld", (long long)p->id),
			 "amount", members_money(rq->arena, d->amount, d->currency),
			 "period", d->period, "paid_on", d->paid_on);
	http_page(rq, rs, status, "members/due", N_("A payment"), data);
}

void members_due_form(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct due d;

	if (load_due(rq, rs, &p, &d) != 0)
		return;
	due_page(rq, rs, rq->method == HTTP_POST ? 422 : 200, &p, &d);
}

void members_due_correct_page(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct due d;
	int64_t amount;
	const char *currency, *period = http_field(rq, "period"),
			      *paid_on = http_field(rq, "paid_on");
	int rc;

	if (load_due(rq, rs, &p, &d) != 0)
		return;
	if (due_typed(rq, NULL, &amount, &currency) > 0) {
		due_page(rq, rs, 422, &p, &d);
		return;
	}
	if (!members_due_differs(&d, amount, currency, period, paid_on)) {
		http_flash(rq, rs, N_("Nothing was changed."));
		http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
		return;
	}
	rc = members_due_correct(platform_conn(), rq->arena, &d, amount, currency,
				 period, paid_on, http_field(rq, "reason"),
				 rq->user.id);
	if (rc == DB_OK)
		rc = audit_rq(
			rq, platform_conn(), "dues.corrected",
			members_person_ref(rq->arena, p.id),
			json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s}",
				  "due", (json_int_t)d.id, "period", period,
				  "amount", (json_int_t)amount, "currency", currency,
				  "paid_on", paid_on, "old_amount",
				  (json_int_t)d.amount, "old_currency", d.currency,
				  "old_period", d.period, "old_paid_on", d.paid_on));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The payment was corrected; what it said before is kept."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
}

void members_due_remove_page(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct due d;
	int rc;

	if (load_due(rq, rs, &p, &d) != 0)
		return;
	if (!http_confirmed(
		    rq, rs, N_("Remove this payment?"),
		    arena_printf(rq->arena, "%s: %s, %s %s. %s", p.display_name,
				 members_money(rq->arena, d.amount, d.currency),
				 d.period, d.paid_on,
				 tr_rq(rq, N_("It leaves the member's dues; what it said and why it was removed are kept, and the audit log records it."))),
		    N_("Remove the payment"),
		    arena_printf(rq->arena, "/members/%lld/dues/%lld",
				 (long long)p.id, (long long)d.id)))
		return;
	rc = members_due_remove(platform_conn(), rq->arena, &d,
				http_field(rq, "removal_reason"), rq->user.id);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "dues.removed",
			      members_person_ref(rq->arena, p.id),
			      json_pack("{s:I, s:I, s:s, s:s, s:s}", "due",
					(json_int_t)d.id, "amount",
					(json_int_t)d.amount, "currency", d.currency,
					"period", d.period, "paid_on", d.paid_on));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The payment was removed; what it said is kept."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
}
