/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading the audit log: a page for administrators (newest first, pages of
 * 50, a filter by action), its JSON twin under /api/v1/audit, and an
 * event stream that tells an open page when entries arrive.
 */
#include "audit.h"
#include "platform/auth/auth.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

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

/* Rows with before > id > after, newest first, as a JSON array. */
static json_t *rows(struct db_conn *c, struct arena *a, int64_t before,
		   int64_t after, const char *action, int64_t limit)
{
	struct db_stmt *st = db_prepare(c, SQL_PAGE);
	json_t *arr = json_array();

	if (!st)
		return arr;
	db_bind_int(st, 1, before > 0 ? before : INT64_MAX);
	db_bind_int(st, 2, after);
	db_bind_text(st, 3, action ? action : "");
	db_bind_int(st, 4, limit);
	while (db_step(st) == DB_ROW) {
		char when[40], iso[40];
		json_error_t jerr;
		const char *d = db_col_text(st, 6);
		json_t *detail = json_loads(d, 0, &jerr);
		char *text = NULL;

		/* sealed values (a search's text) are opened for the auditor */
		if (detail && strstr(d, "_sealed\"")) {
			audit_open_detail(a, detail);
			text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
			d = arena_strdup(a, text);
			free(text);
		}
		time_format(db_col_int(st, 1), when, sizeof(when));
		time_format_iso(db_col_int(st, 1), iso, sizeof(iso));
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s}",
				  "id", (json_int_t)db_col_int(st, 0), "when",
				  when, "at", iso, "actor_id",
				  (json_int_t)db_col_int(st, 2), "actor",
				  db_col_text(st, 7), "actor_label",
				  db_col_text(st, 3), "action", db_col_text(st, 4),
				  "object", db_col_text(st, 5), "detail",
				  detail ? detail : json_object(), "detail_text",
				  strcmp(d, "{}") == 0 ? "" : d));
	}
	db_reset(st);
	return arr;
}

static void audit_page(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t before = http_field_int(rq, "before", 0);
	const char *action = http_field(rq, "action");
	json_t *list = rows(c, rq->arena, before, 0, action, PAGE + 1);
	json_t *actions = json_array();
	json_t *data;
	struct db_stmt *st = db_prepare(c, SQL_ACTIONS);
	size_t n = json_array_size(list);

	while (st && db_step(st) == DB_ROW) {
		const char *a = db_col_text(st, 0);
		json_array_append_new(actions,
				      json_pack("{s:s, s:b}", "name", a,
						"selected",
						action && strcmp(action, a) == 0));
	}
	db_reset(st);
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

	if (limit < 1 || limit > 500)
		limit = PAGE;
	http_json(rs, 200,
		  json_pack("{s:o}", "entries",
			    rows(c, rq->arena, before, after, http_field(rq, "action"),
				 limit)));
}

static void audit_stream(struct http_req *rq, struct http_resp *rs)
{
	http_sse_start(rq, rs, "audit");
}

static const struct field list_fields[] = {
	{"before", F_INT, false, 0, N_("Older than"), false},
	{"action", F_TOKEN, false, 64, N_("Action"), false},
	{0},
};
static const struct field api_fields[] = {
	{"before", F_INT, false, 0, N_("Older than"), false},
	{"after", F_INT, false, 0, N_("Newer than"), false},
	{"action", F_TOKEN, false, 64, N_("Action"), false},
	{"limit", F_INT, false, 0, N_("Limit"), false},
	{0},
};

static const struct route routes[] = {
	{HTTP_GET, "/audit", audit_page, PERM_AUDIT, 0, list_fields,
	 "the audit log, newest first"},
	{HTTP_GET, "/audit/stream", audit_stream, PERM_AUDIT, ROUTE_SSE, NULL,
	 "events as audit entries are written"},
	{HTTP_GET, "/api/v1/audit", audit_api, PERM_AUDIT, ROUTE_API,
	 api_fields, "audit entries as JSON"},
};

const struct route_table audit_routes = {"audit", routes, ARRAY_LEN(routes)};
