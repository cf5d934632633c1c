/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Settings: a fixed table of known keys, values as strings checked against
 * their type when set. The ini file is parsed by inih (libinih); this file
 * only maps its sections and keys onto the table. Values are written at
 * start-up, before any thread runs, and only read afterwards.
 */
#include "conf.h"
#include "core.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct conf_key keys[] = {
	{"server.listen", CONF_STR, "127.0.0.1:8080",
	 "address and port to listen on"},
	{"server.base_url", CONF_STR, "",
	 "public URL used in emails (default: http://LISTEN)"},
	{"server.threads", CONF_INT, "4", "HTTP worker threads"},
	{"server.max_connections", CONF_INT, "1024",
	 "simultaneous connections"},
	{"server.max_streams_per_account", CONF_INT, "16",
	 "event streams (live pages) one account may hold open at once; 0: no limit"},
	{"server.stream_seconds", CONF_INT, "600",
	 "an event stream ends after this and the browser reconnects, signed in "
	 "again (a signed-out reader's stream ends by then)"},
	{"server.max_per_address", CONF_INT, "64",
	 "connections one client address may hold at once; 0: no limit (off "
	 "with server.trust_proxy or server.shared_address, where every "
	 "connection comes from the proxy or relay)"},
	{"server.shared_address", CONF_BOOL, "false",
	 "every client comes from one address (an onion service, a proxy "
	 "without X-Forwarded-For): limits per client address are off (sign-in "
	 "locks per account stay; each join form takes one application)"},
	{"server.timeout", CONF_INT, "30", "idle connection timeout, seconds"},
	{"server.header_timeout", CONF_INT, "10",
	 "seconds a connection has to send a whole request header, from when "
	 "it opens or its previous answer went out; 0: no limit"},
	{"server.max_url", CONF_INT, "8192",
	 "longest request target (path and query, as sent), bytes"},
	{"server.max_header", CONF_INT, "16384",
	 "largest request head (request line and headers), bytes"},
	{"server.max_body", CONF_INT, "1048576", "largest form body, bytes"},
	{"server.max_upload", CONF_INT, "16777216",
	 "largest multipart upload, bytes"},
	{"server.body_budget", CONF_INT, "67108864",
	 "request bodies held in memory at once, all requests together, bytes; "
	 "past it a request gets 503; visitors not signed in may use half"},
	{"server.behind_tls_proxy", CONF_BOOL, "false",
	 "a TLS reverse proxy is in front: mark cookies Secure"},
	{"server.trust_proxy", CONF_BOOL, "false",
	 "take the client address for throttling from X-Forwarded-For"},
	{"metrics.listen", CONF_STR, "",
	 "where to serve Prometheus metrics (/metrics): IP:PORT such as "
	 "127.0.0.1:9464, or unix:/path; empty: nowhere. Never the public "
	 "address"},
	{"db.url", CONF_STR, "",
	 "the database: empty for DIR/rudder.db, or postgres://user@host/name"},
	{"log.level", CONF_STR, "info", "debug, info, warn or error"},
	{"org.timezone", CONF_STR, "Asia/Almaty",
	 "the organization's time zone: every time shown, every date typed"},
	{"auth.require_totp", CONF_BOOL, "true",
	 "roles that can see personal data must use a second factor"},
	{"auth.session_idle", CONF_INT, "43200",
	 "a session ends after this many seconds unused"},
	{"auth.session_max", CONF_INT, "1209600",
	 "a session ends this many seconds after login"},
	{"auth.password_cost", CONF_STR, "interactive",
	 "Argon2id cost for passwords: interactive, moderate or sensitive"},
	{"auth.throttle_account", CONF_INT, "5",
	 "failed logins per account in 15 minutes before a lock"},
	{"auth.throttle_client", CONF_INT, "30",
	 "failed logins per client in 15 minutes before a lock"},
	{"smtp.url", CONF_STR, "",
	 "SMTP relay, e.g. smtp://127.0.0.1:25 or smtps://relay:465"},
	{"smtp.from", CONF_STR, "rudder@localhost", "sender address"},
	{"smtp.user", CONF_STR, "", "SMTP user name, if the relay wants one"},
	{"smtp.password_file", CONF_STR, "", "file holding the SMTP password"},
	{"backup.dir", CONF_STR, "",
	 "where rudder serve writes scheduled backups (empty: none)"},
	{"backup.every", CONF_INT, "86400", "seconds between scheduled backups"},
	{"backup.keep", CONF_INT, "14", "scheduled backups to keep"},
	{"outbox.max_attempts", CONF_INT, "8",
	 "delivery attempts before a message is marked failed"},
	{"outbox.retry_base", CONF_INT, "30",
	 "seconds before the first retry; doubles each time"},
	{"outbox.poll_ms", CONF_INT, "1000",
	 "how often the delivery worker looks for due messages"},
	{"outbox.timeout", CONF_INT, "20", "seconds per delivery attempt"},
};

/* The platform's keys, then those modules add (conf_add_keys). */
static struct conf_key *all;
static size_t nall;
static char **values; /* defaults, then the file, then the env */
static char **flags;  /* command-line flags: these win */

static void keys_init(void)
{
	if (all)
		return;
	nall = ARRAY_LEN(keys);
	all = xcalloc(nall, sizeof(*all));
	memcpy(all, keys, sizeof(keys));
	values = xcalloc(nall, sizeof(*values));
	flags = xcalloc(nall, sizeof(*flags));
}

void conf_add_keys(const struct conf_key *more)
{
	size_t n = 0, old;

	keys_init();
	while (more && more[n].name)
		n++;
	old = nall;
	nall += n;
	all = xrealloc(all, nall * sizeof(*all));
	values = xrealloc(values, nall * sizeof(*values));
	flags = xrealloc(flags, nall * sizeof(*flags));
	for (size_t i = 0; i < n; i++) {
		all[old + i] = more[i];
		values[old + i] = values[0] ? xstrdup(more[i].def) : NULL;
		flags[old + i] = NULL;
	}
}

static int key_index(const char *name)
{
	keys_init();
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct conf_key *conf_keys(size_t *n_r)
{
	keys_init();
	*n_r = nall;
	return all;
}

void conf_reset(void)
{
	keys_init();
	for (size_t i = 0; i < nall; i++) {
		free(values[i]);
		values[i] = xstrdup(all[i].def);
	}
}

void conf_clear_flags(void)
{
	keys_init();
	for (size_t i = 0; i < nall; i++) {
		free(flags[i]);
		flags[i] = NULL;
	}
}

static int parse_bool(const char *v, bool *out)
{
	if (str_ieq(v, "true") || str_ieq(v, "yes") || str_ieq(v, "on") ||
	    strcmp(v, "1") == 0)
		*out = true;
	else if (str_ieq(v, "false") || str_ieq(v, "no") ||
		 str_ieq(v, "off") || strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int set_into(char **slots, const char *name, const char *value,
		    char *err, size_t cap)
{
	int i = key_index(name);
	int64_t n;
	bool b;

	if (i < 0) {
		snprintf(err, cap, "unknown setting '%s'", name);
		return -1;
	}
	if (!text_is_line(value, strlen(value))) {
		snprintf(err, cap, "setting '%s' holds control characters", name);
		return -1;
	}
	switch (all[i].type) {
	case CONF_INT:
		if (str_to_i64(value, &n) != 0 || n < 0) {
			snprintf(err, cap,
				 "setting '%s' wants a whole number >= 0, not '%s'",
				 name, value);
			return -1;
		}
		break;
	case CONF_BOOL:
		if (parse_bool(value, &b) != 0) {
			snprintf(err, cap,
				 "setting '%s' wants true or false, not '%s'",
				 name, value);
			return -1;
		}
		break;
	case CONF_STR:
		break;
	}
	if (!values || !values[0])
		conf_reset();
	free(slots[i]);
	slots[i] = xstrdup(value);
	return 0;
}

int conf_set(const char *name, const char *value, char *err, size_t cap)
{
	return set_into(values, name, value, err, cap);
}

int conf_set_flag(const char *name, const char *value, char *err, size_t cap)
{
	return set_into(flags, name, value, err, cap);
}

struct ini_ctx {
	char msg[256];
	bool failed;
};

static int ini_cb(void *user, const char *section, const char *name,
		  const char *value)
{
	struct ini_ctx *ctx = user;
	char full[128];

	if (ctx->failed)
		return 1; /* report only the first problem */
	snprintf(full, sizeof(full), "%s.%s", section, name);
	if (conf_set(full, value, ctx->msg, sizeof(ctx->msg)) != 0) {
		if (!*section)
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "setting '%s' is outside any [section]", name);
		ctx->failed = true;
		return 0;
	}
	return 1;
}

int conf_load_file(const char *path, char *err, size_t cap)
{
	struct ini_ctx ctx = {.failed = false};
	int rc;

	if (!values || !values[0])
		conf_reset();
	rc = ini_parse(path, ini_cb, &ctx);
	if (rc == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, cap, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (rc != 0) {
		snprintf(err, cap, "%s:%d: %s", path, rc,
			 ctx.failed ? ctx.msg : "not a 'key = value' line");
		return -1;
	}
	return 0;
}

int conf_load_env(char *err, size_t cap)
{
	extern char **environ;

	if (!values || !values[0])
		conf_reset();
	for (char **e = environ; *e; e++) {
		const char *eq;
		char name[128];
		size_t n;
		bool dot = false;

		if (!str_starts(*e, "RUDDER_"))
			continue;
		eq = strchr(*e, '=');
		if (!eq)
			continue;
		n = (size_t)(eq - (*e + 7));
		if (n == 0 || n >= sizeof(name))
			continue;
		/* RUDDER_SERVER_LISTEN -> server.listen (first _ is the dot) */
		for (size_t i = 0; i < n; i++) {
			char c = (*e)[7 + i];
			if (c == '_' && !dot) {
				c = '.';
				dot = true;
			} else if (c >= 'A' && c <= 'Z') {
				c = (char)(c - 'A' + 'a');
			}
			name[i] = c;
		}
		name[n] = '\0';
		if (!dot || str_starts(*e, "RUDDER_TEST_") ||
		    str_starts(*e, "RUDDER_CURL_"))
			continue; /* RUDDER_BIN and friends belong to others */
		if (key_index(name) < 0) {
			log_warn("conf", "ignoring %.*s: no setting '%s'",
				 (int)(eq - *e), *e, name);
			continue;
		}
		if (conf_set(name, eq + 1, err, cap) != 0)
			return -1;
	}
	return 0;
}

const char *conf_str(const char *name)
{
	int i = key_index(name);

	if (i < 0) {
		log_error("conf", "unknown setting %s asked for", name);
		abort();
	}
	if (!values || !values[0])
		conf_reset();
	return flags[i] ? flags[i] : values[i];
}

int64_t conf_int(const char *name)
{
	int64_t n = 0;

	str_to_i64(conf_str(name), &n);
	return n;
}

bool conf_bool(const char *name)
{
	bool b = false;

	parse_bool(conf_str(name), &b);
	return b;
}
