/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading the audit log: a page for administrators where each entry is a
 * sentence with names and links, filtered by who did it, what it was
 * about, the action and the days, in pages of 50 either way; its JSON
 * twin under /api/v1/audit; and an event stream that tells an open page
 * when entries arrive.
 */
#include "audit.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 50

/* The filters: $3 action, $4 actor, $5 object, $6..$7 a span of time. */
#define FILTERS                                                              \
	"FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "           \
	"WHERE a.id < $1 AND a.id > $2 AND ($3 = '' OR a.action = $3) "      \
	"AND ($4 = 0 OR a.actor_id = $4) AND ($5 = '' OR a.object = $5) "    \
	"AND a.at >= $6 AND a.at < $7 "
#define COLUMNS                                                              \
	"SELECT a.id, a.at, coalesce(a.actor_id, 0), a.actor_label, "        \
	"a.action, a.object, a.detail, coalesce(u.display_name, '') "
/* newest first, older than $1; or the oldest newer than $2 */
static const char SQL_OLDER[] = COLUMNS FILTERS "ORDER BY a.id DESC LIMIT $8";
static const char SQL_NEWER[] = COLUMNS FILTERS "ORDER BY a.id ASC LIMIT $8";
/* how many match, up to $8 */
static const char SQL_COUNT[] =
	"SELECT count(*) FROM (SELECT 1 " FILTERS "LIMIT $8) AS c";
/* the API counts up to this many entries, then says "at least" */
#define COUNT_CAP 1000
static const char SQL_ACTIONS[] =
	"SELECT DISTINCT action FROM audit_log ORDER BY action";
static const char SQL_ACTORS[] =
	"SELECT u.id, u.display_name FROM users u WHERE EXISTS "
	"(SELECT 1 FROM audit_log a WHERE a.actor_id = u.id) "
	"ORDER BY u.display_name, u.id";

struct entry {
	int64_t id, at, actor_id;
	const char *label, *action, *object, *detail, *actor;
};
static const struct db_map ENTRY[] = {
	DB_COL(struct entry, id),	DB_COL(struct entry, at),
	DB_COL(struct entry, actor_id), DB_COL(struct entry, label),
	DB_COL(struct entry, action),	DB_COL(struct entry, object),
	DB_COL(struct entry, detail),	DB_COL(struct entry, actor),
	DB_COLS_END,
};

struct query {
	int64_t before, after; /* keyset: older than before, newer than after */
	const char *action, *object;
	int64_t actor;
	int64_t from, to; /* [from, to) in seconds */
	int64_t limit;
};

/* Going forward (newer than after) rather than back. */
static bool newer_mode(const struct query *q)
{
	return q->after > 0 && q->before <= 0;
}

static int64_t id_at(json_t *list, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(list, i), "id"));
}

/* The entries q asks for, newest first, as JSON; NULL when they cannot
 * be read. */
static json_t *entries(struct http_req *rq, const struct query *q)
{
	struct db_conn *c = platform_conn();
	bool newer = newer_mode(q);
	struct entry *e;
	size_t n;
	json_t *arr;

	if (!c || db_rows(c, rq->arena, ENTRY, sizeof(*e), &e, &n,
			  newer ? SQL_NEWER : SQL_OLDER, "iititiii",
			  q->before > 0 ? q->before : INT64_MAX, q->after,
			  q->action ? q->action : "", q->actor,
			  q->object ? q->object : "", q->from,
			  q->to > 0 ? q->to : INT64_MAX, q->limit) != DB_OK)
		return NULL;
	arr = json_array();
	for (size_t k = 0; k < n; k++) {
		size_t i = newer ? n - 1 - k : k; /* newest first either way */
		char when[40], iso[40];
		const char *d = e[i].detail;
		json_t *detail = json_loads(d, 0, NULL);
		char *text = NULL;

		/* sealed values (a search's text) are opened for the auditor */
		if (detail && strstr(d, "_sealed\"")) {
			audit_open_detail(rq->arena, detail);
			text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
			d = arena_strdup(rq->arena, text);
			free(text);
		}
		if (!detail)
			detail = json_object();
		time_format(e[i].at, when, sizeof(when));
		time_format_iso(e[i].at, iso, sizeof(iso));
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:o}",
				  "id", (json_int_t)e[i].id, "when", when, "at",
				  iso, "actor_id", (json_int_t)e[i].actor_id,
				  "actor", e[i].actor, "actor_label", e[i].label,
				  "action", e[i].action, "object", e[i].object,
				  "sentence",
				  audit_tell(rq, e[i].actor_id, e[i].actor, e[i].label,
					     e[i].action, e[i].object, detail),
				  "detail_text", strcmp(d, "{}") == 0 ? "" : d,
				  "detail", detail));
	}
	return arr;
}

/* The query of the request's filters; -1 when a date is not one (the
 * form then says so beside it). */
static int query_of(struct http_req *rq, struct query *q, json_t *form)
{
	const char *from = http_field(rq, "from"), *to = http_field(rq, "to");
	int bad = 0;

	memset(q, 0, sizeof(*q));
	q->action = http_field(rq, "action");
	q->object = http_field(rq, "object");
	q->actor = http_field_int(rq, "actor", 0);
	q->limit = PAGE + 1;
	if (from && (q->from = date_start(from, 0)) < 0) {
		http_form_error(rq, form, "from", N_("Give a date like 2026-11-30."));
		bad = -1;
	}
	if (to && (q->to = date_start(to, 1)) < 0) {
		http_form_error(rq, form, "to", N_("Give a date like 2026-11-30."));
		bad = -1;
	}
	if (q->from < 0)
		q->from = 0;
	if (q->to < 0)
		q->to = 0;
	return bad;
}

/* The link to another page of the same filters. */
static char *page_link(struct http_req *rq, const struct query *q,
		       const char *key, int64_t id)
{
	struct buf b;
	const char *names[] = {"action", "object", "from", "to"};
	char *out;

	buf_init(&b);
	buf_printf(&b, "/audit?%s=%lld", key, (long long)id);
	if (q->actor)
		buf_printf(&b, "&actor=%lld", (long long)q->actor);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *v = http_field(rq, names[i]);
		if (v) {
			buf_printf(&b, "&%s=", names[i]);
			http_urlencode(&b, v);
		}
	}
	out = arena_strdup(rq->arena, b.data);
	buf_free(&b);
	return out;
}

static json_t *options_of(struct http_req *rq, const char *sql, bool ids,
			  const char *chosen)
{
	struct pair {
		int64_t id;
		const char *name;
	} *p;
	static const struct db_map PAIR[] = {DB_COL(struct pair, id),
					     DB_COL(struct pair, name), DB_COLS_END};
	static const struct db_map ONE[] = {DB_COL(struct pair, name), DB_COLS_END};
	size_t n;
	json_t *arr = json_array();

	if (db_rows(platform_conn(), rq->arena, ids ? PAIR : ONE, sizeof(*p), &p,
		    &n, sql, "") != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		const char *v = ids ? arena_printf(rq->arena, "%lld", (long long)p[i].id)
				    : p[i].name;
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "value", v, "label",
				       p[i].name, "selected",
				       chosen && strcmp(chosen, v) == 0));
	}
	return arr;
}

static void audit_page(struct http_req *rq, struct http_resp *rs)
{
	json_t *form = http_form(rq, HTTP_GET, "/audit");
	json_t *list = NULL, *data, *about = NULL;
	struct query q;
	size_t n;
	bool filtered, more_older, more_newer;
	int bad = query_of(rq, &q, form);

	q.before = http_field_int(rq, "before", 0);
	q.after = http_field_int(rq, "after", 0);
	if (bad == 0)
		list = entries(rq, &q);
	else
		list = json_array();
	if (!list) {
		json_decref(form);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_form_options(form, "action",
			  options_of(rq, SQL_ACTIONS, false, q.action));
	http_form_options(form, "actor",
			  options_of(rq, SQL_ACTORS, true, http_field(rq, "actor")));
	/* as filters, the empty choice means "all", not "pick one" */
	json_object_set_new(json_object_get(form, "actor"), "blank",
			    json_string(tr_rq(rq, N_("anyone"))));
	json_object_set_new(json_object_get(form, "action"), "blank",
			    json_string(tr_rq(rq, N_("every action"))));
	if (q.object) {
		about = json_pack("{s:o, s:s}", "parts", audit_name(rq, q.object),
				  "object", q.object);
	}
	filtered = q.action || q.object || q.actor || q.from || q.to;
	n = json_array_size(list);
	data = json_pack("{s:o, s:o, s:b, s:b}", "rows", list, "form", form,
			 "filtered", filtered, "live", !filtered && q.before <= 0 &&
							       q.after <= 0);
	if (about)
		json_object_set_new(data, "about", about);
	/* a page holds one entry more than it shows when more wait beyond
	 * it: older ones going back, newer ones going forward */
	if (newer_mode(&q)) {
		if (n > PAGE)
			json_array_remove(list, 0);
		more_newer = n > PAGE;
		more_older = true;
	} else {
		if (n > PAGE)
			json_array_remove(list, PAGE);
		more_older = n > PAGE;
		more_newer = q.before > 0;
	}
	n = json_array_size(list);
	if (n > 0 && more_older)
		json_object_set_new(data, "older",
				    json_string(page_link(rq, &q, "before",
							  id_at(list, n - 1))));
	if (n > 0 && more_newer)
		json_object_set_new(data, "newer",
				    json_string(page_link(rq, &q, "after", id_at(list, 0))));
	http_page(rq, rs, http_form_errors(form) ? 422 : 200, "audit/list",
		  N_("Audit log"), data);
}

/* How many entries q's filters match, up to COUNT_CAP + 1; -1 when
 * they cannot be counted. */
static int64_t count_of(const struct query *q)
{
	int64_t n = -1;

	if (db_int(platform_conn(), &n, SQL_COUNT, "iititiii", INT64_MAX,
		   (int64_t)0, q->action ? q->action : "", q->actor,
		   q->object ? q->object : "", q->from,
		   q->to > 0 ? q->to : INT64_MAX, (int64_t)COUNT_CAP + 1) != DB_OK)
		return -1;
	return n;
}

/* The API walks the log newest first, as the page does (http.h,
 * "lists"): a cursor is the id the last page ended at, and the next
 * page the entries older than it. The log only grows, at the new end,
 * so a walk neither skips nor repeats an entry; what is written while
 * it goes is newer than its first page (a walk begun again sees it). */
static void audit_api(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;
	struct query q;
	json_t *list;
	int64_t total, next = 0;

	if (http_list_args(rq, rs, &l) != 0)
		return;
	if (query_of(rq, &q, NULL) != 0) {
		http_error(rq, rs, HTTP_E_INVALID_FIELD,
			   N_("Give a date like 2026-11-30."));
		return;
	}
	q.before = l.id; /* 0: from the newest */
	q.limit = (int64_t)l.limit + 1; /* one more: whether more follow */
	list = entries(rq, &q);
	if (!list || (total = count_of(&q)) < 0) {
		json_decref(list);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (json_array_size(list) > l.limit) {
		json_array_remove(list, l.limit);
		next = id_at(list, l.limit - 1);
	}
	http_list_reply(rs, &l, "entries", list, next,
			(size_t)(total > COUNT_CAP ? COUNT_CAP : total),
			total > COUNT_CAP);
}

static void audit_stream(struct http_req *rq, struct http_resp *rs)
{
	http_sse_start(rq, rs, "audit");
}

/* the page goes back and forth by ids; the API by cursor */
#define PAGE_FIELDS                                                          \
	{.name = "before", .type = F_INT, .label = N_("Older than")},        \
	{.name = "after", .type = F_INT, .label = N_("Newer than")}
#define FILTER_FIELDS                                                        \
	{.name = "action", .type = F_TOKEN, .max_len = 64,                   \
	 .label = N_("Action")},                                             \
	{.name = "actor", .type = F_INT, .label = N_("Who")},                \
	{.name = "object", .type = F_LINE, .max_len = 100,                   \
	 .label = N_("About")},                                              \
	{.name = "from", .type = F_LINE, .max_len = 10, .label = N_("From"), \
	 .placeholder = N_("2026-11-30")},                                   \
	{.name = "to", .type = F_LINE, .max_len = 10, .label = N_("To"),     \
	 .placeholder = N_("2026-11-30")}

static const struct field list_fields[] = {
	PAGE_FIELDS,
	FILTER_FIELDS,
	{0},
};
static const struct field api_fields[] = {
	FILTER_FIELDS,
	HTTP_LIST_FIELDS,
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/audit", .handler = audit_page,
	 .perm = PERM_AUDIT, .fields = list_fields, .refused = audit_page,
	 .summary = "the audit log, newest first, as sentences, filtered"},
	{.method = HTTP_GET, .pattern = "/audit/stream", .handler = audit_stream,
	 .perm = PERM_AUDIT, .flags = ROUTE_SSE,
	 .summary = "events as audit entries are written"},
	{.method = HTTP_GET, .pattern = "/api/v1/audit", .handler = audit_api,
	 .perm = PERM_AUDIT, .flags = ROUTE_API, .fields = api_fields,
	 .summary = "audit entries as JSON"},
};

const struct route_table audit_routes = {"audit", routes, ARRAY_LEN(routes)};
