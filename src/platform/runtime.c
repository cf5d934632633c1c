/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The runtime under every platform part: one opened data directory
 * (configuration, keys, database, migrations), this thread's connection,
 * live events shared between processes, the public base URL, settings
 * kept in the database, and work after commit. It knows nothing of
 * modules, routes or navigation: platform.c composes those above it.
 */
#include "runtime.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/html/tmpl.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct db *db;
static char *dir;
static char *base_url;

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

int runtime_open(const struct platform_open *o, const char *const *groups,
		 char *err, size_t cap)
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
	if (time_zone_set(conf_str("org.timezone")) != 0) {
		snprintf(err, cap,
			 "org.timezone: the system knows no time zone '%s' "
			 "(install tzdata, or use a name like Asia/Almaty)",
			 conf_str("org.timezone"));
		return -1;
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
	db_set_groups(groups);
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
		rc = db_migrate(db, groups, err, cap);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void runtime_close(void)
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

/* ---- work after commit ---- */

void platform_on_commit(void (*fn)(void *), void *arg)
{
	db_on_commit(platform_conn(), fn, arg);
}
