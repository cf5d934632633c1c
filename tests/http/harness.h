/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The HTTP test harness: a real `rudder serve` on a free loopback port
 * with a fresh data directory, and a libcurl client with a cookie jar.
 * Nothing here imitates rudder: every test talks HTTP to the real program.
 *
 * It is also the kit a module's tests are written with (docs/platform.md,
 * "Testing a module"): a server of the demo or a fresh organization in
 * one call (srv_up), a client signed in as one of its people in a
 * language (cl_as), a value read from the database (srv_value), proof
 * that nothing was written in plain text (srv_assert_no_plaintext), and
 * a module's own part of the authorization walk (WALK_PART).
 */
#ifndef RUDDER_TEST_HARNESS_H
#define RUDDER_TEST_HARNESS_H

#include <jansson.h>
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
	char admin_totp[64]; /* a fresh server's ADMIN_EMAIL: its TOTP secret,
			      * once cl_as has enrolled it */
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

/* The organization a test server holds: a fresh one (`rudder init`, its
 * one account ADMIN_EMAIL) or the demo (`rudder demo`: branches, people,
 * officers, every password DEMO_PASSWORD). */
enum srv_org { SRV_FRESH, SRV_DEMO };
/* srv_init and srv_start in one: a server of org, serving, with extra
 * settings (as srv_start). What a suite's .init does. */
void srv_up(struct srv *s, enum srv_org org, const char *const *sets);
/* srv_stop, expecting a clean exit (a failure unless the server exits
 * 0), and srv_destroy. What a suite's .fini does. */
void srv_down(struct srv *s);
/* Runs SQL on the server's database with its backend's own shell tool
 * (sqlite3 or psql); returns the first line of output (malloc'd), or NULL
 * when the tool fails. For tests that look at or tamper with rows. */
char *srv_sql(struct srv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, for a value the test needs: the first line of the answer,
 * trimmed (malloc'd; "" when there is no row). Fails the test when the
 * query fails. */
char *srv_value(struct srv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Fails the test if any of needles (NULL-ended) stands in plain text
 * anywhere rudder writes for s, naming where:
 *   - every file of the data directory (on SQLite the database, its WAL
 *     and shared memory), and on PostgreSQL the database itself, read
 *     through pg_dump;
 *   - the server's log;
 *   - a backup made now (`rudder backup`): the sealed file, and what it
 *     holds once restored with the backup key.
 * control is a text rudder keeps plain by design (a display name): it
 * must be found in the database and in the restored backup, or the test
 * fails, so that the check is seen able to fail. Works whether the
 * server runs or not; stop it first to include what it writes only as
 * it stops. */
void srv_assert_no_plaintext(struct srv *s, const char *control,
			     const char *const *needles);

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
/* One page of an API list: path (ending in its query, or '?') after
 * cursor (NULL: the first), limit at a time; the answer (the caller's),
 * its envelope checked (next_cursor, limit, total, total_is_lower_bound,
 * docs/platform.md "Lists"). */
json_t *cl_page(struct client *c, const char *path, const char *cursor,
		int limit);
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
/* Turns on the second factor of the account c is signed in as, in c's
 * session (which so proves it, as a person does on /account/totp);
 * returns the TOTP secret (malloc'd). The account's other sessions end,
 * and it signs in with the secret from now on (cl_login). What making
 * an access token needs (docs/api/tokens.md). */
char *cl_enrol(struct client *c);
/* A new client signed in as who, with the account's language set to
 * lang ("en", "ru", "kk"; NULL leaves the account's own). who is an
 * email or, for the demo's logins, the part before "@example.org":
 * "admin", "coordinator" (the whole organization), "aktau", "karaganda"
 * (branch coordinators; the members module makes them an organizer and
 * a registrar), "member" (self-service). On the demo the password is
 * DEMO_PASSWORD; on a fresh server who can only be the administrator,
 * whose second factor is enrolled the first time (s->admin_totp) and
 * given after. Fails the test unless signed in. Free with cl_free. */
struct client *cl_as(struct srv *s, const char *who, const char *lang);
/* Sets the signed-in account's language (POST /account), keeping its
 * name, and reads a page so that the "saved" notice is gone. */
void cl_lang(struct client *c, const char *lang);
/* A JSON request to the API with the CSRF header (json may be NULL for
 * none): what a script sends. */
struct resp *cl_api(struct client *c, const char *method, const char *path,
		    const char *json);
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

/* ---- the authorization walk (tests/http/test_authz.c) ----
 * The walk tries every route of every table anonymously, and signed in
 * as the demo's Aktau coordinator. A route whose permission the
 * coordinator does not hold must answer 403; one that takes an object id
 * under a permission it holds is tried on an object out of its reach,
 * and must answer 404 or 403. What it holds and which objects are out of
 * reach are each part's own: the platform says them for its routes in
 * tests/http/test_authz.c, a module for its routes in
 * tests/<module>/http_authz.c. The walk fails when a route taking an id
 * has no foreign object in its module's part, and when a part names a
 * route or a permission its module does not have. */
/* An object outside the coordinator's reach for a route pattern, as
 * `rudder routes --json` prints it ("/members/{id:int}"). */
struct walk_foreign {
	const char *pattern;
	const char *id; /* put in for every {...}; or WALK_SHARED */
};
/* The object is the whole organization's: every coordinator reaches it,
 * and what the route shows of it is tested where the note says. */
#define WALK_SHARED "-"
struct walk_part {
	const char *module; /* as `rudder routes --json` names it */
	/* the module's permissions the coordinator holds (NULL-ended) */
	const char *const *held;
	const struct walk_foreign *foreign; /* ends with {0} */
	const char *file;   /* where it is said, for messages (__FILE__) */
	struct walk_part *next; /* the registry's own */
};
/* Registers a part (done before main by WALK_PART). */
void walk_register(struct walk_part *p);
/* The registered parts, in no order. */
const struct walk_part *walk_parts(void);
/* Defines and registers a part: WALK_PART(members, "members", held,
 * foreign) in a file that is linked into the HTTP tests. */
#define WALK_PART(name, module_, held_, foreign_)                              \
	static struct walk_part walk_part_##name = {module_, held_, foreign_,  \
						    __FILE__, NULL};           \
	__attribute__((constructor)) static void walk_part_##name##_add(void) \
	{                                                                      \
		walk_register(&walk_part_##name);                              \
	}

/* The text between start and end in hay (malloc'd), or NULL. */
char *between(const char *hay, const char *start, const char *end);
/* Blanks the static files' version ("?v=6d00a1c2...", a hash of their
 * bytes) in a page, in place: pages compared for sameness must not
 * differ, nor match an id, by a stylesheet's hash. */
void unversion(char *html);
/* Collapses every run of digits in s to one '#', in place: pages that may
 * differ only by ids, times and counts compare equal, however many digits
 * each has (cutting an id out instead would also cut it out of a time). */
void numbers_as_one(char *s);
/* URL-encodes s (malloc'd). */
char *urlenc(const char *s);

#endif
