/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The composition root: the list of modules, and what is made of them
 * with the platform's parts (roles, settings and invitation kinds, the
 * migration groups, every route table, the navigation, the HTTP hooks
 * that run each request in one transaction), and the health endpoint.
 * The parts below know nothing of it: they use runtime.h. (Metrics are
 * served by the HTTP layer on a listener of their own: metrics.listen.)
 */
#include "platform.h"
#include "platform/audit/audit.h"
#include "platform/auth/internal.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/html/tmpl.h"
#include "platform/http/static.h"
#include "platform/i18n/i18n.h"
#include "platform/outbox/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct module *const *modules;
static size_t nmodules;

/* What the command line and the runtime write to the audit log. */
static const struct audit_phrase platform_phrases[] = {
	{"system.init", N_("The organization was set up from {actor}")},
	{"database.migrated", N_("The data was moved to this database from {from}")},
	{"passphrase.changed", N_("The passphrase was changed from {actor}")},
	{"backup.created", N_("{actor} made a backup")},
	{0},
};
static const struct audit_words platform_audit_words = {platform_phrases, NULL};

void platform_set_modules(const struct module *const *mods, size_t n)
{
	modules = mods;
	nmodules = n;
	authz_add_roles(auth_roles);
	audit_add_words(&platform_audit_words);
	audit_add_words(&auth_audit_words);
	audit_add_words(&outbox_audit_words);
	for (size_t i = 0; i < n; i++) {
		audit_add_words(mods[i]->audit_words);
		authz_add_roles(mods[i]->roles);
		if (mods[i]->conf)
			conf_add_keys(mods[i]->conf);
		auth_add_invitation_kinds(mods[i]->invitations);
	}
}

const struct module *const *platform_modules(size_t *n_r)
{
	*n_r = nmodules;
	return modules;
}

const char *const *platform_migration_groups(void)
{
	static const char *groups[64];

	groups[0] = "platform";
	for (size_t i = 0; i < nmodules && i < ARRAY_LEN(groups) - 2; i++)
		groups[i + 1] = modules[i]->name;
	groups[nmodules + 1] = NULL;
	return groups;
}

int platform_open(const struct platform_open *o, char *err, size_t cap)
{
	return runtime_open(o, platform_migration_groups(), err, cap);
}

void platform_close(void)
{
	runtime_close();
}

/* ---- health ---- */

static void healthz(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t one = 0;

	if (!c || db_int(c, &one, "SELECT 1", "") != DB_OK) {
		http_text(rs, 503, "text/plain; charset=utf-8",
			  "database unavailable\n");
		return;
	}
	http_text(rs, 200, "text/plain; charset=utf-8", "ok\n");
}

/* ---- home ---- */

/* The signed-in home: what waits for this reader, from each part and
 * module, warnings first; a visitor reads the organization's name. */
static void home(struct http_req *rq, struct http_resp *rs)
{
	json_t *lines = json_array(), *data;

	if (rq->user.id) {
		if (can_any(rq, PERM_SYSTEM))
			outbox_waiting(rq, lines);
		for (size_t i = 0; i < nmodules; i++)
			if (modules[i]->waiting)
				modules[i]->waiting(rq, lines);
	}
	data = json_pack("{s:s, s:b, s:o}", "org",
			 setting_get(platform_conn(), rq->arena, "org.name",
				     "rudder"),
			 "has_waiting", json_array_size(lines) > 0, "waiting",
			 lines);
	http_page(rq, rs, 200, "auth/home", NULL, data);
}

static const struct route sys_routes[] = {
	{.method = HTTP_GET, .pattern = "/", .handler = home,
	 .perm = PERM_PUBLIC, .summary = "home: what waits for the reader"},
	{.method = HTTP_GET, .pattern = "/healthz", .handler = healthz,
	 .perm = PERM_PUBLIC, .summary = "health check (database reachable)"},
};
static const struct route_table sys_table = {"system", sys_routes,
					     ARRAY_LEN(sys_routes)};

const struct route_table *platform_route_tables(size_t *n_r)
{
	static struct route_table tables[64];
	static size_t n;

	if (!n) {
		tables[n++] = sys_table;
		tables[n++] = http_static_routes;
		tables[n++] = auth_routes;
		tables[n++] = audit_routes;
		tables[n++] = outbox_routes;
		for (size_t i = 0; i < nmodules && n < ARRAY_LEN(tables); i++)
			if (modules[i]->routes)
				tables[n++] = *modules[i]->routes;
	}
	*n_r = n;
	return tables;
}

/* ---- navigation ---- */

static const struct nav_item platform_items[] = {
	{"/", N_("Home"), PERM_LOGIN},
	{"/admin/users", N_("Accounts"), PERM_ACCOUNTS},
	{"/audit", N_("Audit log"), PERM_AUDIT},
	{"/admin/outbox", N_("Outbox"), PERM_SYSTEM},
	{"/admin/webhooks", N_("Webhooks"), PERM_SYSTEM},
	{"/account", N_("Your account"), PERM_LOGIN},
};

const struct nav_item *platform_nav(size_t *n_r)
{
	static struct nav_item items[128];
	static size_t n;

	if (!n) {
		/* Home first, modules next, administration last */
		items[n++] = platform_items[0];
		for (size_t i = 0; i < nmodules; i++)
			for (const struct nav_item *it = modules[i]->nav;
			     it && it->href && n < ARRAY_LEN(items); it++)
				items[n++] = *it;
		for (size_t i = 1; i < ARRAY_LEN(platform_items); i++)
			items[n++] = platform_items[i];
	}
	*n_r = n;
	return items;
}

struct invoke {
	struct http_req *rq;
	struct http_resp *rs;
	http_handler handler;
	int runs;
};

static int invoke_tx(struct db_conn *c, void *arg)
{
	struct invoke *x = arg;

	(void)c;
	if (x->runs++ > 0) {
		http_resp_reset(x->rs); /* a conflict: start the answer again */
	}
	x->handler(x->rq, x->rs);
	/* a server error undoes what the request wrote; a refusal (4xx)
	 * keeps it, so failed sign-ins are still counted and audited */
	return x->rs->status >= 500 ? DB_ERROR : DB_OK;
}

/* A state-changing request is one transaction: all its writes and their
 * audit entries commit together, or none do — but for a route that
 * commits its own (ROUTE_OWN_TX). */
static void invoke(struct http_req *rq, struct http_resp *rs,
		   http_handler handler)
{
	struct db_conn *c = platform_conn();
	struct invoke x = {rq, rs, handler, 0};
	struct auth_session *s = rq->user.session;
	unsigned lost;
	int rc;

	/* the gate ran on the headers, perhaps long before (an upload), and
	 * this thread has served others since: count losses from here */
	if (c && s)
		s->lost_at_start = db_unavailable_count(c);

	if (rq->method == HTTP_GET || rq->method == HTTP_HEAD || !c ||
	    (rq->route->flags & (ROUTE_SSE | ROUTE_OWN_TX))) {
		handler(rq, rs);
		return;
	}
	lost = db_unavailable_count(c);
	rc = db_tx_deferred(c, invoke_tx, &x);
	if (db_unavailable_count(c) != lost || rc == DB_UNAVAILABLE) {
		http_resp_reset(rs);
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
	} else if (rc == DB_RETRY) {
		http_resp_reset(rs);
		http_error(rq, rs, HTTP_E_BUSY,
			   N_("The server is too busy just now. Try again in a moment."));
	} else if (rc != DB_OK && rs->status < 500) {
		/* the commit itself failed */
		http_resp_reset(rs);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
	}
}

/* The navigation of the page: the entries this request may see. */
static void nav(struct http_req *rq, json_t *page)
{
	size_t n;
	const struct nav_item *items = platform_nav(&n);

	auth_nav(rq, page, items, n);
}

const struct http_hooks *platform_http_hooks(void)
{
	static const struct http_hooks hooks = {
		.gate = auth_gate,
		.lang = auth_lang_early,
		.invoke = invoke,
		.csrf_token = auth_csrf_token,
		.nav = nav,
		.after = auth_after,
	};
	return &hooks;
}
