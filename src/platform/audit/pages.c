/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading the audit log: a page for administrators (newest first, pages of
 * 50, a filter by action), its JSON twin under /api/v1/audit, and an
 * event stream that tells an open page when entries arrive.
 */
#include "audit.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 50

static const char SQL_PAGE[] =
	"SELECT a.id, a.at, coalesce(a.actor_id, 0), a.actor_label, a.action, "
	"a.object, a.detail, coalesce(u.display_name, '') "
	"FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
	"WHERE a.id < $1 AND a.id > $2 AND ($3 = '' OR a.action = $3) "
	"ORDER BY a.id DESC LIMIT $4";
static const char SQL_ACTIONS[] =
	"SELECT DISTINCT action FROM audit_log ORDER BY action";

struct entry {
	int64_t id, at, actor_id;
	const char *label, *action, *object, *detail, *actor;
};
static const struct db_map ENTRY[] = {
	DB_COL(struct entry, id),     DB_COL(struct entry, at),
	DB_COL(struct entry, actor_id), DB_COL(struct entry, label),
	DB_COL(struct entry, action), DB_COL(struct entry, object),
	DB_COL(struct entry, detail), DB_COL(struct entry, actor),
	DB_COLS_END,
};

/* Rows with before > id > after, newest first, as a JSON array; NULL
 * when they cannot be read. */
static json_t *rows(struct db_conn *c, struct arena *a, int64_t before,
		    int64_t after, const char *action, int64_t limit)
{
	struct entry *e;
	size_t n;
	json_t *arr;

	if (!c || db_rows(c, a, ENTRY, sizeof(*e), &e, &n, SQL_PAGE, "iiti",
			  before > 0 ? before : INT64_MAX, after,
			  action ? action : "", limit) != DB_OK)
		return NULL;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char when[40], iso[40];
		const char *d = e[i].detail;
		json_t *detail = json_loads(d, 0, NULL);
		char *text = NULL;

		/* sealed values (a search's text) are opened for the auditor */
		if (detail && strstr(d, "_sealed\"")) {
			audit_open_detail(a, detail);
			text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
			d = arena_strdup(a, text);
			free(text);
		}
		time_format(e[i].at, when, sizeof(when));
		time_format_iso(e[i].at, iso, sizeof(iso));
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s}",
				  "id", (json_int_t)e[i].id, "when", when, "at",
				  iso, "actor_id", (json_int_t)e[i].actor_id,
				  "actor", e[i].actor, "actor_label", e[i].label,
				  "action", e[i].action, "object", e[i].object,
				  "detail", detail ? detail : json_object(),
				  "detail_text", strcmp(d, "{}") == 0 ? "" : d));
	}
	return arr;
}

static void audit_page(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t before = http_field_int(rq, "before", 0);
	const char *action = http_field(rq, "action");
	static const struct db_map NAME[] = {DB_COL_SELF(const char *),
					     DB_COLS_END};
	json_t *list = rows(c, rq->arena, before, 0, action, PAGE + 1);
	json_t *actions, *data;
	const char **names;
	size_t n, nnames;

	if (!list || db_rows(c, rq->arena, NAME, sizeof(*names), &names, &nnames,
			     SQL_ACTIONS, "") != DB_OK) {
		json_decref(list);
		http_error(rq, rs, 500, "db", N_("Something went wrong on our side."));
		return;
	}
	n = json_array_size(list);
	actions = json_array();
	for (size_t i = 0; i < nnames; i++)
		json_array_append_new(
			actions, json_pack("{s:s, s:b}", "name", names[i], "selected",
					   action && strcmp(action, names[i]) == 0));
	data = json_pack("{s:o, s:o, s:s}", "rows", list, "actions", actions,
			 "action", action ? action : "");
	if (n > PAGE) {
		json_t *last = json_array_get(list, PAGE - 1);
		json_array_remove(list, PAGE);
		json_object_set_new(data, "older",
				    json_integer(json_integer_value(
					    json_object_get(last, "id"))));
	}
	http_page(rq, rs, 200, "audit/list", N_("Audit log"), data);
	json_decref(data);
}

static void audit_api(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t before = http_field_int(rq, "before", 0);
	int64_t after = http_field_int(rq, "after", 0);
	int64_t limit = http_field_int(rq, "limit", PAGE);

	json_t *entries;

	if (limit < 1 || limit > 500)
		limit = PAGE;
	entries = rows(c, rq->arena, before, after, http_field(rq, "action"), limit);
	if (!entries) {
		http_error(rq, rs, 500, "db", N_("Something went wrong on our side."));
		return;
	}
	http_json(rs, 200, json_pack("{s:o}", "entries", entries));
}

static void audit_stream(struct http_req *rq, struct http_resp *rs)
{
	http_sse_start(rq, rs, "audit");
}

static const struct field list_fields[] = {
	{.name = "before", .type = F_INT, .label = N_("Older than")},
	{.name = "action", .type = F_TOKEN, .max_len = 64,
	 .label = N_("Action")},
	{0},
};
static const struct field api_fields[] = {
	{.name = "before", .type = F_INT, .label = N_("Older than")},
	{.name = "after", .type = F_INT, .label = N_("Newer than")},
	{.name = "action", .type = F_TOKEN, .max_len = 64,
	 .label = N_("Action")},
	{.name = "limit", .type = F_INT, .label = N_("Limit")},
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/audit", .handler = audit_page,
	 .perm = PERM_AUDIT, .fields = list_fields,
	 .summary = "the audit log, newest first"},
	{.method = HTTP_GET, .pattern = "/audit/stream", .handler = audit_stream,
	 .perm = PERM_AUDIT, .flags = ROUTE_SSE,
	 .summary = "events as audit entries are written"},
	{.method = HTTP_GET, .pattern = "/api/v1/audit", .handler = audit_api,
	 .perm = PERM_AUDIT, .flags = ROUTE_API, .fields = api_fields,
	 .summary = "audit entries as JSON"},
};

const struct route_table audit_routes = {"audit", routes, ARRAY_LEN(routes)};
