/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The HTTP test harness: a real `rudder serve` on a free loopback port
 * with a fresh data directory, and a libcurl client with a cookie jar.
 * Nothing here imitates rudder: every test talks HTTP to the real program.
 */
#ifndef RUDDER_TEST_HARNESS_H
#define RUDDER_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ADMIN_EMAIL "admin@example.org"
#define ADMIN_PASSWORD "admin password 1"
#define PASSPHRASE "test passphrase"
#define DEMO_PASSWORD "rudder-demo"

struct srv {
	char root[64];   /* /tmp/rudder-http-XXXXXX */
	char dir[96];    /* root/data */
	char pass[96];   /* root/pass */
	char log[96];    /* root/server.log: the server's stderr */
	char bkey[96];   /* root/backup.key */
	pid_t pid;
	int port;
	int metrics_port; /* the metrics listener (metrics.listen) */
	char base[64];
	bool demo;
	char db[160];   /* postgres://... when the suite runs on PostgreSQL */
	char dbname[32];
};

/* The suite runs on PostgreSQL when RUDDER_TEST_PG names a server
 * (postgres://user@host:port); each test then gets a database of its own. */
bool on_pg(void);

/* A fresh data directory: `rudder init` (admin ADMIN_EMAIL with
 * ADMIN_PASSWORD), or `rudder demo --no-serve` when demo is set. */
void srv_init(struct srv *s, bool demo);
/* The same on SQLite whatever the suite runs on. */
void srv_init_sqlite(struct srv *s, bool demo);
/* Runs an SQL command on the PostgreSQL server's maintenance database. */
void pg_admin(const char *sql);
/* Starts `rudder serve` with extra --set KEY=VALUE settings (NULL-ended
 * list, may be NULL) and waits until it listens. Metrics are served on a
 * loopback port of their own (metrics_port) unless sets say otherwise. */
void srv_start(struct srv *s, const char *const *sets);
/* The server process's resident memory (VmRSS), in KiB. */
long srv_rss_kb(struct srv *s);
/* GET /metrics from the metrics listener; the body (malloc'd). */
char *srv_metrics(struct srv *s);
/* SIGTERM, then waits; returns the exit status (-1 if it had to be
 * killed). */
int srv_stop(struct srv *s);
/* Stops if running and removes the directory. */
void srv_destroy(struct srv *s);
/* The server's stderr so far (malloc'd). */
char *srv_log(struct srv *s);
/* Runs SQL on the server's database with its backend's own shell tool
 * (sqlite3 or psql); returns the first line of output (malloc'd), or NULL
 * when the tool fails. For tests that look at or tamper with rows. */
char *srv_sql(struct srv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Runs the rudder binary with arguments (a shell-free argv built from a
 * NULL-ended list), stdin from in (or /dev/null). Returns the exit status;
 * out_r/err_r get malloc'd output when not NULL. */
int run_rudder(const char *in, char **out_r, char **err_r, ...)
	__attribute__((sentinel));
/* Runs a shell command line; returns its exit status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct resp {
	long status;
	char *body;
	size_t len;
	char *headers; /* all response headers, as received */
};
const char *resp_header(struct resp *r, const char *name); /* static buf */
void resp_free(struct resp *r);

struct client;
struct client *cl_new(struct srv *s);
void cl_free(struct client *c);
/* Sets a request header sent from now on ("Accept-Language: ru"). */
void cl_header(struct client *c, const char *line);
struct resp *cl_get(struct client *c, const char *path);
/* POST application/x-www-form-urlencoded; the body is printf-formatted
 * and already encoded. A fresh CSRF token goes into the query (as forms
 * send it) unless the path holds "_csrf=" already. A token in the body
 * counts for nothing: send one there with cl_req, to test that. */
struct resp *cl_post(struct client *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Any request; headers is a NULL-ended list of "Name: value" lines. */
struct resp *cl_req(struct client *c, const char *method, const char *path,
		    const char *content_type, const char *body, size_t len,
		    const char *const *headers);
/* The CSRF token for this client's cookies (GET /api/v1/session). */
char *cl_csrf(struct client *c);
/* The value of a cookie in this client's jar (malloc'd), or NULL. */
char *cl_cookie(struct client *c, const char *name);
/* Signs in with email and password (and the TOTP secret when not NULL);
 * returns the status of the last answer (303 on success). */
long cl_login(struct client *c, const char *email, const char *password,
	      const char *totp_secret);
/* Signs in as the administrator of a fresh (non-demo) server, enrolling
 * the second factor; returns the TOTP secret (malloc'd). */
char *cl_admin(struct client *c);
/* The current TOTP code for a secret, waiting out a used step. */
void totp_now(const char *secret, char out[7]);

/* A port nothing listens on now; waiting for something to listen. */
int free_port(void);
void wait_port(int port);
/* Opens the audit event stream of s on a raw socket with a session cookie
 * (so the test holds the stream itself); returns the socket. */
int open_stream(struct srv *s, const char *path, const char *session_token);
/* Reads fd until want arrives (1) or seconds pass (0). */
int stream_until(int fd, const char *want, int seconds);
/* Signs in as the administrator with the TOTP secret and returns the
 * session cookie's value (malloc'd). */
char *admin_session_token(struct srv *s, const char *totp_secret);

/* A real SMTP server on loopback (Debian's python3-aiosmtpd) on port,
 * delivering into a maildir under s->root; start rudder with
 * smtp.url=smtp://127.0.0.1:PORT (and outbox.poll_ms low) to use it. */
pid_t mail_start(struct srv *s, int port);
void mail_stop(pid_t pid);
/* The body (decoded) of a mail delivered to `to` holding needle, waiting
 * up to 15 s for it (malloc'd). */
char *mail_find(struct srv *s, const char *to, const char *needle);
/* From such a mail, the link that starts with path ("/account/...") up
 * to its end, with its query (malloc'd). */
char *mail_link(struct srv *s, const char *to, const char *path);

/* The text between start and end in hay (malloc'd), or NULL. */
char *between(const char *hay, const char *start, const char *end);
/* URL-encodes s (malloc'd). */
char *urlenc(const char *s);

#endif
