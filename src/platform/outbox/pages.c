/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The outbox as administrators see it: what was sent, what waits, what
 * failed and why (in words that name no one), with retry and cancel; and
 * the webhook endpoints, with a test delivery.
 */
#include "outbox.h"
#include "platform/audit/audit.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/core/conf.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

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

struct message {
	int64_t id;
	const char *kind, *label, *status;
	int64_t attempts, next_at;
	const char *error;
	int64_t created_at, sent_at;
};
static const struct db_map MESSAGE[] = {
	DB_COL(struct message, id),	    DB_COL(struct message, kind),
	DB_COL(struct message, label),	    DB_COL(struct message, status),
	DB_COL(struct message, attempts),   DB_COL(struct message, next_at),
	DB_COL(struct message, error),	    DB_COL(struct message, created_at),
	DB_COL(struct message, sent_at),    DB_COLS_END,
};
struct count {
	const char *status;
	int64_t n;
};
static const struct db_map COUNT[] = {
	DB_COL(struct count, status), DB_COL(struct count, n), DB_COLS_END};

static const char SQL_FAILED[] =
	"SELECT count(*) FROM outbox WHERE status = 'failed'";

bool outbox_mail_ready(void)
{
	return *conf_str("smtp.url") != '\0';
}

void outbox_waiting(struct http_req *rq, json_t *lines)
{
	int64_t failed = 0;

	if (!outbox_mail_ready())
		http_waiting(lines,
			     tr_rq(rq, N_("No mail relay is set up (smtp.url in rudder.conf): "
					  "no email leaves, and pages that would send one show "
					  "its link instead.")),
			     "/admin/outbox", true);
	if (db_int(platform_conn(), &failed, SQL_FAILED, "") != DB_OK)
		failed = 0;
	if (failed > 0)
		http_waiting(lines,
			     arena_printf(rq->arena,
					  trn(rq->lang, "%lu message could not be delivered",
					      "%lu messages could not be delivered",
					      (unsigned long)failed),
					  (unsigned long)failed),
			     "/admin/outbox?status=failed", true);
}

static void outbox_page(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	const char *status = http_field(rq, "status");
	struct message *m;
	struct count *k;
	size_t n, nk;
	json_t *list, *counts, *data;

	if (!c ||
	    db_rows(c, rq->arena, MESSAGE, sizeof(*m), &m, &n, SQL_RECENT, "t",
		    status ? status : "") != DB_OK ||
	    db_rows(c, rq->arena, COUNT, sizeof(*k), &k, &nk, SQL_COUNTS, "") !=
		    DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		char created[40], next[40], sent[40];
		const char *s = m[i].status;
		time_format(m[i].created_at, created, sizeof(created));
		time_format(m[i].next_at, next, sizeof(next));
		time_format(m[i].sent_at, sent, sizeof(sent));
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, "
				  "s:s, s:b, s:b}",
				  "id", (json_int_t)m[i].id, "kind", m[i].kind,
				  "label", m[i].label, "status", s, "status_label",
				  tr_rq(rq, status_label(s)), "attempts",
				  (json_int_t)m[i].attempts, "error", m[i].error,
				  "created", created, "next", next, "sent",
				  m[i].sent_at ? sent : "", "retryable",
				  strcmp(s, "failed") == 0 ||
					  strcmp(s, "pending") == 0,
				  "cancellable", strcmp(s, "pending") == 0));
	}
	counts = json_object();
	for (size_t i = 0; i < nk; i++)
		json_object_set_new(counts, k[i].status, json_integer(k[i].n));
	data = json_pack("{s:b, s:o, s:o}", "has_messages", n > 0, "messages",
			 list, "counts", counts);
	http_page(rq, rs, 200, "outbox/list", N_("Outbox"), data);
}

static void outbox_retry(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");
	int rc = db_run(c, SQL_RETRY, "ii", (int64_t)time_now(), id);

	if (rc <= 0) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
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
	int rc;

	if (!http_confirmed(rq, rs, N_("Cancel a message?"),
			    tr_rq(rq, N_("The message will not be sent, now or later. Whoever waits for it (a link to set a password, an invitation) will have to be sent a new one.")),
			    N_("Cancel the message"), "/admin/outbox"))
		return;
	rc = db_run(c, SQL_CANCEL, "i", id);
	if (rc <= 0) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("There is no such message waiting."));
		return;
	}
	audit_rq(rq, c, "outbox.cancel", arena_printf(rq->arena, "outbox:%lld",
						      (long long)id), NULL);
	http_flash(rq, rs, N_("The message was cancelled."));
	http_redirect(rs, "/admin/outbox");
}

/* ---- webhooks ---- */

struct hook {
	int64_t id;
	const char *name, *url, *events;
	bool active;
	int64_t created_at;
};
static const struct db_map HOOK[] = {
	DB_COL(struct hook, id),     DB_COL(struct hook, name),
	DB_COL(struct hook, url),    DB_COL(struct hook, events),
	DB_COL(struct hook, active), DB_COL(struct hook, created_at),
	DB_COLS_END,
};

/* The page's data: the list of hooks, and whether there is one; NULL
 * when they cannot be read. */
static json_t *hooks_data(struct http_req *rq)
{
	struct db_conn *c = platform_conn();
	struct hook *h;
	size_t n;
	json_t *list;

	if (!c || db_rows(c, rq->arena, HOOK, sizeof(*h), &h, &n, SQL_HOOKS, "") !=
			  DB_OK)
		return NULL;
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		char created[40];
		time_format(h[i].created_at, created, sizeof(created));
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id",
					(json_int_t)h[i].id, "name", h[i].name, "url",
					h[i].url, "events", h[i].events, "active",
					h[i].active, "created", created));
	}
	return json_pack("{s:b, s:o}", "has_hooks", n > 0, "hooks", list);
}

/* The webhooks page with data, or a 500 when it could not be read. */
static void hooks_page(struct http_req *rq, struct http_resp *rs, int status,
		       json_t *data)
{
	if (!data) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_page(rq, rs, status, "outbox/webhooks", N_("Webhooks"), data);
}

static void webhooks_page(struct http_req *rq, struct http_resp *rs)
{
	hooks_page(rq, rs, 200, hooks_data(rq));
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
	json_t *data = hooks_data(rq);

	if (data) {
		json_object_set_new(data, "error", json_string(tr_rq(rq, msgid)));
		json_object_set_new(data, "name", json_string(h->name));
		json_object_set_new(data, "url", json_string(h->url));
		json_object_set_new(data, "events", json_string(h->events));
	}
	hooks_page(rq, rs, status, data);
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
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* the secret is shown once, now, and never again */
	data = hooks_data(rq);
	if (data) {
		json_object_set_new(data, "created_name", json_string(h.name));
		json_object_set_new(data, "secret", json_string(h.secret));
	}
	hooks_page(rq, rs, 201, data);
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
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such webhook."));
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
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such webhook."));
		return;
	}
	payload = json_pack("{s:s}", "message", "test delivery from rudder");
	key = arena_printf(rq->arena, "ping-%s", random_token(rq->arena, 12));
	rc = outbox_webhook(c, rq->arena, id, "ping", payload, key);
	json_decref(payload);
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	outbox_wake();
	http_flash(rq, rs, N_("A test delivery was queued. Its progress shows in the outbox."));
	http_redirect(rs, "/admin/outbox");
}

static const struct field status_fields[] = {
	{.name = "status", .type = F_TOKEN, .max_len = 16,
	 .label = N_("Status")},
	{0},
};
static const struct field hook_fields[] = {
	{.name = "name", .type = F_LINE, .required = true, .max_len = 100,
	 .label = N_("Name")},
	{.name = "url", .type = F_LINE, .required = true, .max_len = 2000,
	 .label = N_("Address")},
	{.name = "events", .type = F_LINE, .max_len = 500,
	 .label = N_("Events")},
	{0},
};

static const struct audit_phrase phrases[] = {
	{"outbox.retry", N_("{actor} had {object} tried again")},
	{"outbox.cancel", N_("{actor} cancelled {object}")},
	{"webhook.created", N_("{actor} added {object}")},
	{"webhook.deleted", N_("{actor} removed {object}")},
	{0},
};
static const struct audit_noun nouns[] = {
	{"outbox", NULL, NULL, N_("message")},
	{"webhook", NULL, NULL, N_("webhook")},
	{0},
};
const struct audit_words outbox_audit_words = {phrases, nouns};


static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/admin/outbox", .handler = outbox_page,
	 .perm = PERM_SYSTEM, .fields = status_fields,
	 .summary = "messages sent, waiting and failed"},
	{.method = HTTP_POST, .pattern = "/admin/outbox/{id:int}/retry",
	 .handler = outbox_retry, .perm = PERM_SYSTEM,
	 .summary = "try a message again now"},
	{.method = HTTP_POST, .pattern = "/admin/outbox/{id:int}/cancel",
	 .handler = outbox_cancel, .perm = PERM_SYSTEM, .fields = http_confirm_fields,
	 .summary = "cancel a waiting message (asks first)"},
	{.method = HTTP_GET, .pattern = "/admin/webhooks",
	 .handler = webhooks_page, .perm = PERM_SYSTEM,
	 .summary = "webhook endpoints"},
	{.method = HTTP_POST, .pattern = "/admin/webhooks",
	 .handler = webhook_create, .perm = PERM_SYSTEM, .fields = hook_fields,
	 .summary = "add a webhook endpoint"},
	{.method = HTTP_POST, .pattern = "/admin/webhooks/{id:int}/delete",
	 .handler = webhook_delete, .perm = PERM_SYSTEM,
	 .summary = "remove a webhook endpoint"},
	{.method = HTTP_POST, .pattern = "/admin/webhooks/{id:int}/test",
	 .handler = webhook_test, .perm = PERM_SYSTEM,
	 .summary = "queue a test delivery"},
};

const struct route_table outbox_routes = {"outbox", routes, ARRAY_LEN(routes)};
