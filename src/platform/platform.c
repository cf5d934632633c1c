/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Opening a data directory (configuration, keys, database, migrations),
 * the list of modules, the platform's own route tables and navigation,
 * settings kept in the database, and the health endpoint. (Metrics are
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
static struct db *db;
static char *dir;
static char *base_url;

void platform_set_modules(const struct module *const *mods, size_t n)
{
	modules = mods;
	nmodules = n;
	authz_add_roles(auth_roles);
	for (size_t i = 0; i < n; i++) {
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

struct db *platform_db(void)
{
	return db;
}

const char *platform_dir(void)
{
	return dir;
}

struct db_conn *platform_conn(void)
{
	return db ? db_conn(db) : NULL;
}

struct db_conn *platform_conn_fresh(void)
{
	return db ? db_conn_fresh(db) : NULL;
}

/* ---- live events across processes ----
 * On PostgreSQL an event goes out with NOTIFY and comes back, in every
 * process, through a listener thread that delivers it to the local
 * streams. On SQLite there is one process and events go straight there.
 * Payload: channel, event and data separated by the unit separator. */

#define EVENT_CHANNEL "rudder_events"
static struct listener *listener;

static void fanout(const char *channel, const char *event, const char *data)
{
	struct db_conn *c = platform_conn();
	char *payload = xasprintf("%s\x1f%s\x1f%s", channel, event, data);

	if (!c || strlen(payload) > 7900 ||
	    db_notify(c, EVENT_CHANNEL, payload) != DB_OK) {
		log_warn("platform", "an event could not be shared; delivering "
				     "it here only");
		http_sse_deliver(channel, event, data);
	}
	free(payload);
}

static void received(const char *payload, void *arg)
{
	char *copy = xstrdup(payload);
	char *a = strchr(copy, '\x1f'), *b = a ? strchr(a + 1, '\x1f') : NULL;

	(void)arg;
	if (a && b) {
		*a = *b = '\0';
		http_sse_deliver(copy, a + 1, b + 1);
	}
	free(copy);
}

int platform_events_start(void)
{
	if (!db || !db_can_notify(db))
		return 0;
	listener = db_listen(db, EVENT_CHANNEL, received, NULL);
	if (!listener)
		return -1;
	http_sse_set_fanout(fanout);
	return 0;
}

void platform_events_stop(void)
{
	http_sse_set_fanout(NULL);
	db_listen_stop(listener);
	listener = NULL;
}

const char *platform_base_url(void)
{
	return base_url ? base_url : "";
}

void platform_listening(int port)
{
	char host[128];
	const char *listen = conf_str("server.listen");
	const char *colon = strrchr(listen, ':');

	if (*conf_str("server.base_url") || !colon)
		return;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	free(base_url);
	base_url = xasprintf("http://%s:%d", host, port);
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
	char *conf_path, *url;
	struct stat sb;
	char msg[512];
	int rc;

	if (stat(o->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, cap,
			 "%s: no such data directory (create one with 'rudder "
			 "init --data %s')",
			 o->dir, o->dir);
		return -1;
	}
	if ((sb.st_mode & 077) != 0)
		log_warn("platform",
			 "%s is readable by others (mode %o): chmod 700 it",
			 o->dir, sb.st_mode & 0777);
	free(dir);
	dir = xstrdup(o->dir);
	conf_path = xasprintf("%s/rudder.conf", o->dir);
	if (conf_load_file(conf_path, err, cap) != 0 ||
	    conf_load_env(err, cap) != 0) {
		free(conf_path);
		return -1;
	}
	free(conf_path);
	{
		const char *lvl = conf_str("log.level");
		log_set_level(strcmp(lvl, "debug") == 0  ? LOG_DEBUG
			      : strcmp(lvl, "warn") == 0 ? LOG_WARN
			      : strcmp(lvl, "error") == 0 ? LOG_ERROR
							  : LOG_INFO);
	}
	free(base_url);
	base_url = *conf_str("server.base_url")
			   ? xstrdup(conf_str("server.base_url"))
			   : xasprintf("http://%s", conf_str("server.listen"));
	if (base_url[strlen(base_url) - 1] == '/')
		base_url[strlen(base_url) - 1] = '\0';
	if (i18n_init() != 0) {
		snprintf(err, cap, "the message catalogs are damaged");
		return -1;
	}
	if (tmpl_load_all(msg, sizeof(msg)) != 0) {
		snprintf(err, cap, "%s", msg);
		return -1;
	}
	if (o->passphrase &&
	    keys_unlock(o->dir, o->passphrase, err, cap) != 0)
		return -1;
	db_set_groups(platform_migration_groups());
	url = *conf_str("db.url") ? xstrdup(conf_str("db.url"))
				  : xasprintf("sqlite:%s/rudder.db", o->dir);
	db = db_open(url, err, cap);
	free(url);
	if (!db)
		return -1;
	if (!db_conn(db)) {
		snprintf(err, cap, "cannot open the database in %s", o->dir);
		return -1;
	}
	if (o->migrate) {
		rc = db_migrate(db, platform_migration_groups(), err, cap);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void platform_close(void)
{
	db_close(db);
	db = NULL;
	keys_lock();
}

/* ---- settings ---- */

static const char SQL_SETTING_GET[] = "SELECT value FROM settings WHERE name = $1";
static const char SQL_SETTING_SET[] =
	"INSERT INTO settings (name, value) VALUES ($1, $2) "
	"ON CONFLICT (name) DO UPDATE SET value = excluded.value";

char *setting_get(struct db_conn *c, struct arena *a, const char *name,
		  const char *def)
{
	static const struct db_map VALUE[] = {DB_COL_SELF(const char *),
					      DB_COLS_END};
	const char *v;

	if (!c || db_row(c, a, VALUE, &v, SQL_SETTING_GET, "t", name) != DB_OK)
		return arena_strdup(a, def);
	return (char *)v;
}

int setting_set(struct db_conn *c, const char *name, const char *value)
{
	int rc = db_run(c, SQL_SETTING_SET, "tt", name, value);
	return rc < 0 ? rc : DB_OK;
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

static const struct route sys_routes[] = {
	{HTTP_GET, "/healthz", healthz, PERM_PUBLIC, 0, NULL,
	 "health check (database reachable)"},
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

/* ---- work after commit ---- */

#define ON_COMMIT_MAX 32
static __thread struct {
	void (*fn)(void *);
	void *arg;
} pending[ON_COMMIT_MAX];
static __thread int npending;
static __thread bool in_request_tx;

void platform_on_commit(void (*fn)(void *), void *arg)
{
	if (!in_request_tx || npending == ON_COMMIT_MAX) {
		fn(arg);
		return;
	}
	pending[npending].fn = fn;
	pending[npending].arg = arg;
	npending++;
}

/* After commit: run what waited; after a rollback: forget it (the
 * arguments are static or arena-owned, by contract). */
static void run_pending(bool committed)
{
	int n = npending;

	npending = 0;
	for (int i = 0; committed && i < n; i++)
		pending[i].fn(pending[i].arg);
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
		npending = 0;
	}
	x->handler(x->rq, x->rs);
	/* a server error undoes what the request wrote; a refusal (4xx)
	 * keeps it, so failed sign-ins are still counted and audited */
	return x->rs->status >= 500 ? DB_ERROR : DB_OK;
}

/* A state-changing request is one transaction: all its writes and their
 * audit entries commit together, or none do. */
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
	    (rq->route->flags & ROUTE_SSE)) {
		handler(rq, rs);
		return;
	}
	lost = db_unavailable_count(c);
	in_request_tx = true;
	npending = 0;
	rc = db_tx_deferred(c, invoke_tx, &x);
	in_request_tx = false;
	run_pending(rc == DB_OK);
	if (db_unavailable_count(c) != lost || rc == DB_UNAVAILABLE) {
		http_resp_reset(rs);
		http_error(rq, rs, 503, "unavailable",
			   N_("The database cannot be reached. Try again in a moment."));
	} else if (rc == DB_RETRY) {
		http_resp_reset(rs);
		http_error(rq, rs, 503, "busy",
			   N_("The server is too busy just now. Try again in a moment."));
	} else if (rc != DB_OK && rs->status < 500) {
		/* the commit itself failed */
		http_resp_reset(rs);
		http_error(rq, rs, 500, "internal",
			   N_("Something went wrong on our side."));
	}
}

const struct http_hooks *platform_http_hooks(void)
{
	static const struct http_hooks hooks = {
		.gate = auth_gate,
		.lang = auth_lang_early,
		.invoke = invoke,
		.csrf_token = auth_csrf_token,
		.nav = auth_nav,
		.after = auth_after,
	};
	return &hooks;
}
