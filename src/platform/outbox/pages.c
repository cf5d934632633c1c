/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The outbox as administrators see it: what was sent, what waits, what
 * failed and why (in words that name no one), with retry and cancel; and
 * the webhook endpoints, with a test delivery.
 */
#include "outbox.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <string.h>

static const char SQL_RECENT[] =
	"SELECT id, kind, label, status, attempts, next_at, last_error, "
	"created_at, coalesce(sent_at, 0) FROM outbox "
	"WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT 100";
static const char SQL_COUNTS[] =
	"SELECT status, count(*) FROM outbox GROUP BY status";
static const char SQL_RETRY[] =
	"UPDATE outbox SET status = 'pending', next_at = $1, claimed_until = 0 "
	"WHERE id = $2 AND status IN ('failed', 'pending')";
static const char SQL_CANCEL[] =
	"UPDATE outbox SET status = 'cancelled' WHERE id = $1 "
	"AND status = 'pending'";
static const char SQL_HOOKS[] =
	"SELECT id, name, url, events, active, created_at FROM webhooks ORDER BY name";
static const char SQL_HOOK_ADD[] =
	"INSERT INTO webhooks (name, url, secret_sealed, events, created_at) "
	"VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_HOOK_DEL[] = "DELETE FROM webhooks WHERE id = $1";
static const char SQL_HOOK_EXISTS[] = "SELECT id FROM webhooks WHERE id = $1";

static const char *status_label(const char *s)
{
	if (strcmp(s, "pending") == 0)
		return N_("waiting");
	if (strcmp(s, "sent") == 0)
		return N_("sent");
	if (strcmp(s, "failed") == 0)
		return N_("failed");
	return N_("cancelled");
}

static void outbox_page(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	const char *status = http_field(rq, "status");
	struct db_stmt *st = db_prepare(c, SQL_RECENT);
	json_t *list = json_array(), *counts = json_object(), *data;

	if (st) {
		db_bind_text(st, 1, status ? status : "");
		while (db_step(st) == DB_ROW) {
			char created[40], next[40], sent[40];
			const char *s = db_col_text(st, 3);
			time_format(db_col_int(st, 7), created, sizeof(created));
			time_format(db_col_int(st, 5), next, sizeof(next));
			time_format(db_col_int(st, 8), sent, sizeof(sent));
			json_array_append_new(
				list,
				json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, "
					  "s:s, s:s, s:b, s:b}",
					  "id", (json_int_t)db_col_int(st, 0),
					  "kind", db_col_text(st, 1), "label",
					  db_col_text(st, 2), "status", s,
					  "status_label",
					  tr_rq(rq, status_label(s)), "attempts",
					  (json_int_t)db_col_int(st, 4), "error",
					  db_col_text(st, 6), "created", created,
					  "next", next, "sent",
					  db_col_int(st, 8) ? sent : "",
					  "retryable",
					  strcmp(s, "failed") == 0 ||
						  strcmp(s, "pending") == 0,
					  "cancellable", strcmp(s, "pending") == 0));
		}
		db_reset(st);
	}
	st = db_prepare(c, SQL_COUNTS);
	while (st && db_step(st) == DB_ROW)
		json_object_set_new(counts, db_col_text(st, 0),
				    json_integer(db_col_int(st, 1)));
	db_reset(st);
	data = json_pack("{s:b, s:o, s:o}", "has_messages",
			 json_array_size(list) > 0, "messages", list, "counts",
			 counts);
	http_page(rq, rs, 200, "outbox/list", N_("Outbox"), data);
	json_decref(data);
}

static void outbox_retry(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");
	int rc = db_run(c, SQL_RETRY, "ii", (int64_t)time_now(), id);

	if (rc <= 0) {
		http_error(rq, rs, 404, "not_found",
			   N_("There is no such message waiting or failed."));
		return;
	}
	audit_rq(rq, c, "outbox.retry", arena_printf(rq->arena, "outbox:%lld",
						     (long long)id), NULL);
	outbox_wake();
	http_flash(rq, rs, N_("The message will be tried again now."));
	http_redirect(rs, "/admin/outbox");
}

static void outbox_cancel(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");
	int rc = db_run(c, SQL_CANCEL, "i", id);

	if (rc <= 0) {
		http_error(rq, rs, 404, "not_found",
			   N_("There is no such message waiting."));
		return;
	}
	audit_rq(rq, c, "outbox.cancel", arena_printf(rq->arena, "outbox:%lld",
						      (long long)id), NULL);
	http_flash(rq, rs, N_("The message was cancelled."));
	http_redirect(rs, "/admin/outbox");
}

/* ---- webhooks ---- */

static json_t *hooks_list(struct db_conn *c)
{
	struct db_stmt *st = db_prepare(c, SQL_HOOKS);
	json_t *list = json_array();

	while (st && db_step(st) == DB_ROW) {
		char created[40];
		time_format(db_col_int(st, 5), created, sizeof(created));
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id",
					(json_int_t)db_col_int(st, 0), "name",
					db_col_text(st, 1), "url",
					db_col_text(st, 2), "events",
					db_col_text(st, 3), "active",
					db_col_int(st, 4) != 0, "created",
					created));
	}
	db_reset(st);
	return list;
}

/* The page's data: the list of hooks, and whether there is one. */
static json_t *hooks_data(void)
{
	json_t *list = hooks_list(platform_conn());
	return json_pack("{s:b, s:o}", "has_hooks", json_array_size(list) > 0,
			 "hooks", list);
}

static void webhooks_page(struct http_req *rq, struct http_resp *rs)
{
	json_t *data = hooks_data();

	http_page(rq, rs, 200, "outbox/webhooks", N_("Webhooks"), data);
	json_decref(data);
}

struct hook_add {
	struct http_req *rq;
	const char *name, *url, *events, *secret;
	int64_t id;
};

static int hook_add_tx(struct db_conn *c, void *arg)
{
	struct hook_add *h = arg;
	size_t slen;
	unsigned char *sealed =
		seal_str(h->rq->arena, "webhooks.secret", h->secret, &slen);
	int rc = db_int(c, &h->id, SQL_HOOK_ADD, "ttbti", h->name, h->url,
			sealed, slen, h->events, (int64_t)time_now());

	if (rc != DB_OK)
		return rc;
	return audit_rq(h->rq, c, "webhook.created",
			arena_printf(h->rq->arena, "webhook:%lld",
				     (long long)h->id),
			NULL);
}

/* The webhooks page again, with the form as it was sent and why not. */
static void hook_form_again(struct http_req *rq, struct http_resp *rs,
			    int status, const struct hook_add *h,
			    const char *msgid)
{
	json_t *data = hooks_data();

	json_object_set_new(data, "error", json_string(tr_rq(rq, msgid)));
	json_object_set_new(data, "name", json_string(h->name));
	json_object_set_new(data, "url", json_string(h->url));
	json_object_set_new(data, "events", json_string(h->events));
	http_page(rq, rs, status, "outbox/webhooks", N_("Webhooks"), data);
	json_decref(data);
}

static void webhook_create(struct http_req *rq, struct http_resp *rs)
{
	struct hook_add h = {.rq = rq};
	json_t *data;
	int rc;

	h.name = http_field(rq, "name");
	h.url = http_field(rq, "url");
	h.events = http_field(rq, "events");
	if (!h.events)
		h.events = "*";
	if (!str_starts(h.url, "https://") && !str_starts(h.url, "http://")) {
		hook_form_again(rq, rs, 422, &h,
				N_("A webhook address starts with https:// or http://."));
		return;
	}
	h.secret = random_token(rq->arena, 32);
	rc = db_tx(platform_conn(), hook_add_tx, &h);
	if (rc == DB_CONSTRAINT) {
		hook_form_again(rq, rs, 409, &h,
				N_("A webhook with that name exists already."));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, 500, "db", N_("Something went wrong on our side."));
		return;
	}
	/* the secret is shown once, now, and never again */
	data = hooks_data();
	json_object_set_new(data, "created_name", json_string(h.name));
	json_object_set_new(data, "secret", json_string(h.secret));
	http_page(rq, rs, 201, "outbox/webhooks", N_("Webhooks"), data);
	json_decref(data);
}

static int hook_exists(struct db_conn *c, int64_t id)
{
	int64_t x;
	return db_int(c, &x, SQL_HOOK_EXISTS, "i", id) == DB_OK;
}

static void webhook_delete(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");

	if (db_run(c, SQL_HOOK_DEL, "i", id) <= 0) {
		http_error(rq, rs, 404, "not_found", N_("There is no such webhook."));
		return;
	}
	audit_rq(rq, c, "webhook.deleted",
		 arena_printf(rq->arena, "webhook:%lld", (long long)id), NULL);
	http_flash(rq, rs, N_("The webhook was removed."));
	http_redirect(rs, "/admin/webhooks");
}

static void webhook_test(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");
	json_t *payload;
	char *key;
	int rc;

	if (!hook_exists(c, id)) {
		http_error(rq, rs, 404, "not_found", N_("There is no such webhook."));
		return;
	}
	payload = json_pack("{s:s}", "message", "test delivery from rudder");
	key = arena_printf(rq->arena, "ping-%s", random_token(rq->arena, 12));
	rc = outbox_webhook(c, rq->arena, id, "ping", payload, key);
	json_decref(payload);
	if (rc != DB_OK) {
		http_error(rq, rs, 500, "db", N_("Something went wrong on our side."));
		return;
	}
	outbox_wake();
	http_flash(rq, rs, N_("A test delivery was queued. Its progress shows in the outbox."));
	http_redirect(rs, "/admin/outbox");
}

static const struct field status_fields[] = {
	{"status", F_TOKEN, false, 16, N_("Status"), false},
	{0},
};
static const struct field hook_fields[] = {
	{"name", F_LINE, true, 100, N_("Name"), false},
	{"url", F_LINE, true, 2000, N_("Address"), false},
	{"events", F_LINE, false, 500, N_("Events"), false},
	{0},
};

static const struct route routes[] = {
	{HTTP_GET, "/admin/outbox", outbox_page, PERM_SYSTEM, 0, status_fields,
	 "messages sent, waiting and failed"},
	{HTTP_POST, "/admin/outbox/{id:int}/retry", outbox_retry, PERM_SYSTEM, 0,
	 NULL, "try a message again now"},
	{HTTP_POST, "/admin/outbox/{id:int}/cancel", outbox_cancel, PERM_SYSTEM,
	 0, NULL, "cancel a waiting message"},
	{HTTP_GET, "/admin/webhooks", webhooks_page, PERM_SYSTEM, 0, NULL,
	 "webhook endpoints"},
	{HTTP_POST, "/admin/webhooks", webhook_create, PERM_SYSTEM, 0,
	 hook_fields, "add a webhook endpoint"},
	{HTTP_POST, "/admin/webhooks/{id:int}/delete", webhook_delete,
	 PERM_SYSTEM, 0, NULL, "remove a webhook endpoint"},
	{HTTP_POST, "/admin/webhooks/{id:int}/test", webhook_test, PERM_SYSTEM,
	 0, NULL, "queue a test delivery"},
};

const struct route_table outbox_routes = {"outbox", routes, ARRAY_LEN(routes)};
