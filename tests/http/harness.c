/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "harness.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <sodium.h>
#include <libpq-fe.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/auth/auth.h"
#include "platform/core/core.h"

static const char *bin(void)
{
	const char *b = getenv("RUDDER_BIN");
	return b ? b : "./rudder";
}

int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Everything fd holds until its end, NUL-ended (malloc'd); *len_r, when
 * not NULL, gets its length (the bytes may hold NULs of their own). */
static char *slurp_fd(int fd, size_t *len_r)
{
	struct buf b;
	char chunk[4096];
	ssize_t k;

	buf_init(&b);
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)k);
	buf_reserve(&b, 0);
	return buf_steal(&b, len_r);
}

int run_rudder(const char *in, char **out_r, char **err_r, ...)
{
	const char *argv[64];
	int n = 0, op[2], ep[2], ip[2], status;
	va_list ap;
	pid_t pid;
	char *out, *err;

	argv[n++] = bin();
	va_start(ap, err_r);
	for (const char *a; (a = va_arg(ap, const char *)) && n < 63;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	cr_assert_eq(pipe(op), 0);
	cr_assert_eq(pipe(ep), 0);
	cr_assert_eq(pipe(ip), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(ip[0], 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		close(ip[1]);
		close(op[0]);
		close(ep[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(ip[0]);
	close(op[1]);
	close(ep[1]);
	if (in && write(ip[1], in, strlen(in)) < 0) {
		/* the child may not read it */
	}
	close(ip[1]);
	out = slurp_fd(op[0], NULL);
	err = slurp_fd(ep[0], NULL);
	close(op[0]);
	close(ep[0]);
	waitpid(pid, &status, 0);
	if (out_r)
		*out_r = out;
	else
		free(out);
	if (err_r)
		*err_r = err;
	else
		free(err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool on_pg(void)
{
	const char *pg = getenv("RUDDER_TEST_PG");
	return pg && *pg;
}

void pg_admin(const char *sql)
{
	char *url = xasprintf("%s/postgres", getenv("RUDDER_TEST_PG"));
	PGconn *c = PQconnectdb(url);
	PGresult *r;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql,
		     PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	free(url);
}

static void init_on(struct srv *s, bool demo, bool pg);

void srv_init(struct srv *s, bool demo)
{
	init_on(s, demo, on_pg());
}

void srv_init_sqlite(struct srv *s, bool demo)
{
	init_on(s, demo, false);
}

static void init_on(struct srv *s, bool demo, bool pg)
{
	char *err = NULL, *apw;
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->root, sizeof(s->root), "/tmp/rudder-http-XXXXXX");
	cr_assert_not_null(mkdtemp(s->root));
	if (pg) {
		/* a database of its own, named after the directory */
		snprintf(s->dbname, sizeof(s->dbname), "t_%s", s->root + 17);
		for (char *p = s->dbname; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		char *sql = xasprintf("CREATE DATABASE %s", s->dbname);
		pg_admin(sql);
		free(sql);
		snprintf(s->db, sizeof(s->db), "%s/%s", getenv("RUDDER_TEST_PG"),
			 s->dbname);
	}
	snprintf(s->dir, sizeof(s->dir), "%s/data", s->root);
	snprintf(s->pass, sizeof(s->pass), "%s/pass", s->root);
	snprintf(s->log, sizeof(s->log), "%s/server.log", s->root);
	snprintf(s->bkey, sizeof(s->bkey), "%s/backup.key", s->root);
	s->demo = demo;
	if (demo) {
		rc = s->db[0] ? run_rudder(NULL, NULL, &err, "demo", "--data", s->dir,
					   "--no-serve", "--db", s->db, NULL)
			      : run_rudder(NULL, NULL, &err, "demo", "--data", s->dir,
					   "--no-serve", NULL);
		cr_assert_eq(rc, 0, "rudder demo: %s", err);
		sh("echo demo > %s", s->pass);
		/* the demo writes its backup key beside its directory */
		sh("cp %s.backup-key %s", s->dir, s->bkey);
	} else {
		apw = xasprintf("%s/adminpw", s->root);
		sh("echo '%s' > %s; echo '%s' > %s", PASSPHRASE, s->pass,
		   ADMIN_PASSWORD, apw);
		rc = run_rudder(NULL, NULL, &err, "init", "--data", s->dir,
				"--admin-email", ADMIN_EMAIL,
				"--admin-password-file", apw,
				"--passphrase-file", s->pass, "--kdf",
				"interactive", "--backup-key-out", s->bkey,
				"--org-name", "Test Movement",
				s->db[0] ? "--db" : NULL, s->db, NULL);
		cr_assert_eq(rc, 0, "rudder init: %s", err);
		free(apw);
	}
	free(err);
}

void srv_start(struct srv *s, const char *const *sets)
{
	const char *argv[64];
	int n = 0, op[2], logfd, status;
	char line[512];
	size_t used = 0;
	time_t deadline = time(NULL) + 20;

	argv[n++] = bin();
	argv[n++] = "serve";
	argv[n++] = "--data";
	argv[n++] = s->dir;
	argv[n++] = "--passphrase-file";
	argv[n++] = s->pass;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--threads";
	argv[n++] = "4";
	argv[n++] = "--set";
	argv[n++] = "metrics.listen=127.0.0.1:0";
	for (int i = 0; sets && sets[i] && n < 60; i++) {
		argv[n++] = "--set";
		argv[n++] = sets[i];
	}
	argv[n] = NULL;
	cr_assert_eq(pipe(op), 0);
	logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	cr_assert_geq(logfd, 0);
	s->pid = fork();
	cr_assert_geq(s->pid, 0);
	if (s->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(op[1], 1);
		dup2(logfd, 2);
		close(op[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(op[1]);
	close(logfd);
	/* wait for "rudder: serving on ... (port N)", noting the metrics
	 * port on the way ("(metrics port N)") */
	s->metrics_port = 0;
	while (time(NULL) < deadline && used < sizeof(line) - 1) {
		ssize_t k = read(op[0], line + used, 1);
		if (k <= 0)
			break;
		used++;
		line[used] = '\0';
		if (line[used - 1] == '\n') {
			char *p = strstr(line, "(port ");
			char *m = strstr(line, "(metrics port ");
			if (m)
				s->metrics_port = atoi(m + 14);
			if (p) {
				s->port = atoi(p + 6);
				break;
			}
			used = 0;
		}
	}
	close(op[0]);
	if (!s->port) {
		char *log = srv_log(s);
		waitpid(s->pid, &status, WNOHANG);
		cr_assert_fail("rudder serve did not start: %s", log);
	}
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
}

int srv_stop(struct srv *s)
{
	int status;

	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 300; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			s->port = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(50000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
	s->pid = 0;
	return -1;
}

void srv_destroy(struct srv *s)
{
	srv_stop(s);
	/* RUDDER_KEEP=1 keeps data and logs for a look after a failure */
	if (s->root[0] && !getenv("RUDDER_KEEP"))
		sh("rm -rf %s", s->root);
	if (s->dbname[0] && !getenv("RUDDER_KEEP")) {
		char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)",
				      s->dbname);
		pg_admin(sql);
		free(sql);
	}
}

void srv_up(struct srv *s, enum srv_org org, const char *const *sets)
{
	srv_init(s, org == SRV_DEMO);
	srv_start(s, sets);
}

void srv_down(struct srv *s)
{
	int rc = srv_stop(s);

	if (rc != 0) {
		char *log = srv_log(s);
		cr_expect_eq(rc, 0, "rudder serve did not exit cleanly on SIGTERM (%d): %s",
			     rc, log);
		free(log);
	}
	srv_destroy(s);
}

char *srv_log(struct srv *s)
{
	size_t n;
	char *t = file_read(s->log, 1 << 24, &n);
	return t ? t : xstrdup("");
}

long srv_rss_kb(struct srv *s)
{
	char path[64], *status, *p;
	size_t n;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)s->pid);
	status = file_read(path, 1 << 16, &n);
	cr_assert_not_null(status, "cannot read %s", path);
	p = strstr(status, "VmRSS:");
	if (p)
		kb = atol(p + 6);
	free(status);
	cr_assert_gt(kb, 0, "no VmRSS in %s", path);
	return kb;
}

/* srv_sql with a va_list. */
static char *srv_vsql(struct srv *s, const char *fmt, va_list ap)
{
	char sql[2048], *out = NULL, *path = xasprintf("%s/sql.in", s->root);
	char *cmd;
	size_t n;

	vsnprintf(sql, sizeof(sql), fmt, ap);
	cr_assert_eq(file_write_atomic(path, sql, strlen(sql), 0600), 0);
	if (s->db[0])
		cmd = xasprintf("psql -qAtX -v ON_ERROR_STOP=1 '%s' -f %s > %s.out", s->db,
				path, path);
	else
		cmd = xasprintf("sqlite3 -bail %s/rudder.db < %s > %s.out", s->dir,
				path, path);
	if (sh("%s", cmd) == 0) {
		char *p = xasprintf("%s.out", path);
		out = file_read(p, 1 << 20, &n);
		free(p);
		if (out) {
			char *nl = strchr(out, '\n');
			if (nl)
				*nl = '\0';
		}
	}
	free(cmd);
	free(path);
	return out;
}

char *srv_sql(struct srv *s, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = srv_vsql(s, fmt, ap);
	va_end(ap);
	return out;
}

char *srv_value(struct srv *s, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = srv_vsql(s, fmt, ap);
	va_end(ap);
	/* the shell tool said why on stderr */
	cr_assert_not_null(out, "the query failed: %s", fmt);
	return str_trim(out);
}

/* ---- plaintext: everything rudder writes, read as bytes ---- */

enum raw_kind { RAW_DATA, RAW_DUMP, RAW_LOG, RAW_BACKUP, RAW_RESTORED };

struct raw_blob {
	enum raw_kind kind;
	char *where; /* for messages */
	char *bytes;
	size_t len;
};

struct raw {
	struct raw_blob *v;
	size_t n, cap;
};

static void raw_add(struct raw *r, enum raw_kind kind, const char *path,
		    const char *where)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct raw_blob *b;

	cr_assert_geq(fd, 0, "cannot read %s: %s", path, strerror(errno));
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	b = &r->v[r->n++];
	b->kind = kind;
	b->where = xstrdup(where);
	b->bytes = slurp_fd(fd, &b->len);
	close(fd);
}

/* Every regular file below dir, recursively; where = prefix/relative. */
static void raw_add_dir(struct raw *r, enum raw_kind kind, const char *dir,
			const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	cr_assert_not_null(d, "cannot list %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char *path, *where;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		where = xasprintf("%s/%s", prefix, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			raw_add_dir(r, kind, path, where);
		else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			raw_add(r, kind, path, where);
		free(path);
		free(where);
	}
	closedir(d);
}

static void raw_free(struct raw *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].where);
		free(r->v[i].bytes);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Reads into r everything srv_assert_no_plaintext looks at (header). */
static void raw_read(struct srv *s, struct raw *r)
{
	static int seq; /* more than one check in a test */
	char *bk, *restored, *err = NULL;
	struct stat st;

	seq++;
	bk = xasprintf("%s/plaintext-%d.backup", s->root, seq);
	restored = xasprintf("%s/plaintext-%d.restored", s->root, seq);
	memset(r, 0, sizeof(*r));
	raw_add_dir(r, RAW_DATA, s->dir, "the data directory");
	if (s->db[0]) {
		char *dump = xasprintf("%s/plaintext-%d.sql", s->root, seq);
		char *why = xasprintf("%s.err", dump);
		/* stderr aside: a data-only dump warns of the scopes' tree */
		if (sh("pg_dump --data-only '%s' > %s 2> %s", s->db, dump, why) != 0) {
			size_t n;
			char *e = file_read(why, 1 << 16, &n);
			cr_assert_fail("pg_dump of %s failed: %s", s->db, e ? e : "");
		}
		raw_add(r, RAW_DUMP, dump, "the database (pg_dump)");
		unlink(dump);
		unlink(why);
		free(dump);
		free(why);
	}
	if (stat(s->log, &st) == 0) /* a server that never ran has none */
		raw_add(r, RAW_LOG, s->log, "the server's log");
	cr_assert_eq(run_rudder(NULL, NULL, &err, "backup", "--data", s->dir,
				"--passphrase-file", s->pass, "--to", bk, NULL),
		     0, "rudder backup: %s", err);
	free(err);
	err = NULL;
	raw_add(r, RAW_BACKUP, bk, "the backup as written");
	cr_assert_eq(run_rudder(NULL, NULL, &err, "restore", "--from", bk, "--backup-key",
				s->bkey, "--data", restored, NULL),
		     0, "rudder restore: %s", err);
	free(err);
	raw_add_dir(r, RAW_RESTORED, restored, "the restored backup");
	if (!getenv("RUDDER_KEEP"))
		sh("rm -rf %s %s", bk, restored);
	free(bk);
	free(restored);
}

/* Where needle stands in the blobs of the kinds in mask (1 << kind), or
 * NULL. Borrowed from r. */
static const char *raw_find(const struct raw *r, unsigned mask, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i < r->n; i++)
		if ((mask & (1u << r->v[i].kind)) &&
		    memmem(r->v[i].bytes, r->v[i].len, needle, n))
			return r->v[i].where;
	return NULL;
}

void srv_assert_no_plaintext(struct srv *s, const char *control,
			     const char *const *needles)
{
	const unsigned everywhere = ~0u;
	const unsigned database = 1u << RAW_DATA | 1u << RAW_DUMP;
	struct raw r;

	cr_assert(control && *control, "a control text is needed");
	raw_read(s, &r);
	/* on SQLite the database is a file of the data directory */
	cr_assert_not_null(raw_find(&r, database, control),
			   "\"%s\" is not in the database: the check could not fail", control);
	cr_assert_not_null(raw_find(&r, 1u << RAW_RESTORED, control),
			   "\"%s\" is not in the restored backup: the check could not fail",
			   control);
	for (size_t i = 0; needles && needles[i]; i++) {
		const char *where = raw_find(&r, everywhere, needles[i]);
		cr_assert_null(where, "\"%s\" is in plain text in %s", needles[i], where);
	}
	raw_free(&r);
}

int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int connect_port(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void wait_port(int port)
{
	for (int i = 0; i < 100; i++) {
		int fd = connect_port(port);
		if (fd >= 0) {
			close(fd);
			return;
		}
		usleep(100000);
	}
	cr_assert_fail("nothing came up on port %d", port);
}

int open_stream(struct srv *s, const char *path, const char *token)
{
	int fd = connect_port(s->port);
	char *req;

	cr_assert_geq(fd, 0);
	req = xasprintf("GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
			"Cookie: rudder_session=%s\r\n\r\n", path, token);
	cr_assert_gt(send(fd, req, strlen(req), 0), 0);
	free(req);
	return fd;
}

int stream_until(int fd, const char *want, int seconds)
{
	struct buf b;
	char chunk[1024];
	struct timeval tv = {1, 0};
	int found = 0;

	buf_init(&b);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < seconds && !found; i++) {
		ssize_t k;
		while ((k = recv(fd, chunk, sizeof(chunk), 0)) > 0) {
			buf_append(&b, chunk, (size_t)k);
			if (strstr(b.data, want)) {
				found = 1;
				break;
			}
		}
		if (k == 0)
			break;
	}
	buf_free(&b);
	return found;
}

char *admin_session_token(struct srv *s, const char *secret)
{
	struct client *d = cl_new(s);
	char *e = urlenc(ADMIN_EMAIL), *p = urlenc(ADMIN_PASSWORD), code[7];
	struct resp *r = cl_post(d, "/login", "email=%s&password=%s", e, p);
	char *token = between(resp_header(r, "Set-Cookie"), "rudder_session=", ";");

	cr_assert_not_null(token);
	resp_free(r);
	totp_now(secret, code);
	r = cl_post(d, "/login/totp", "code=%s", code);
	cr_assert_eq(r->status, 303);
	resp_free(r);
	free(e);
	free(p);
	cl_free(d);
	return token;
}

/* ---- the client ---- */

struct client {
	CURL *h;
	struct srv *s;
	struct curl_slist *headers;
};

struct client *cl_new(struct srv *s)
{
	struct client *c = xcalloc(1, sizeof(*c));
	c->h = curl_easy_init();
	c->s = s;
	curl_easy_setopt(c->h, CURLOPT_COOKIEFILE, ""); /* in-memory jar */
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c->h, CURLOPT_USERAGENT, "curl/7.88 rudder-tests");
	if (getenv("RUDDER_CURL_VERBOSE"))
		curl_easy_setopt(c->h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	return c;
}

void cl_free(struct client *c)
{
	if (!c)
		return;
	curl_slist_free_all(c->headers);
	curl_easy_cleanup(c->h);
	free(c);
}

void cl_header(struct client *c, const char *line)
{
	c->headers = curl_slist_append(c->headers, line);
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	buf_append(arg, p, sz * n);
	return sz * n;
}

void resp_free(struct resp *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->headers);
	free(r);
}

const char *resp_header(struct resp *r, const char *name)
{
	static char value[2048];
	size_t nl = strlen(name);
	const char *p = r->headers;

	while (p && *p) {
		const char *eol = strstr(p, "\r\n");
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		if (ll > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(value, sizeof(value), "%.*s", (int)(ll - (size_t)(v - p)), v);
			return value;
		}
		p = eol ? eol + 2 : NULL;
	}
	return NULL;
}

/* Every JSON answer under /api/v1/ goes, one line each, to the file
 * RUDDER_API_RECORD names (when set): tests/api/responses then checks
 * each against the schema docs/api/openapi.yaml gives its operation and
 * status, so the description cannot drift from the code. One write per
 * line on an O_APPEND file: the parallel test workers never interleave. */
static void record_api(const char *method, const char *path,
		       const struct resp *r)
{
	const char *file = getenv("RUDDER_API_RECORD");
	const char *ct = resp_header((struct resp *)r, "Content-Type");
	json_t *body, *line;
	char *text;
	int fd;

	if (!file || !*file || strncmp(path, "/api/v1/", 8) != 0 || !ct ||
	    !str_starts(ct, "application/json") ||
	    !(body = json_loadb(r->body, r->len, 0, NULL)))
		return;
	line = json_pack("{s:s, s:s, s:i, s:o}", "method", method, "path", path,
			 "status", (int)r->status, "body", body);
	text = json_dumps(line, JSON_COMPACT);
	json_decref(line);
	if (!text)
		return;
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		size_t n = strlen(text);
		text[n] = '\n'; /* the NUL goes: the length is known */
		cr_assert_eq(write(fd, text, n + 1), (ssize_t)(n + 1),
			     "cannot record an API answer in %s", file);
		close(fd);
	}
	free(text);
}

struct resp *cl_req(struct client *c, const char *method, const char *path,
		    const char *content_type, const char *body, size_t len,
		    const char *const *headers)
{
	struct resp *r = xcalloc(1, sizeof(*r));
	struct buf b, h;
	struct curl_slist *hl = NULL;
	char *url = xasprintf("%s%s", c->s->base, path);
	CURLcode rc;

	buf_init(&b);
	buf_init(&h);
	for (struct curl_slist *x = c->headers; x; x = x->next)
		hl = curl_slist_append(hl, x->data);
	if (content_type) {
		char *ct = xasprintf("Content-Type: %s", content_type);
		hl = curl_slist_append(hl, ct);
		free(ct);
	}
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	/* back to a plain GET first: it clears any earlier body */
	curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, NULL);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c->h, CURLOPT_NOBODY, 1L);
	} else if (body) {
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)len);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_HEADERDATA, &h);
	rc = curl_easy_perform(c->h);
	cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &r->status);
	buf_reserve(&b, 0);
	buf_reserve(&h, 0);
	r->body = buf_steal(&b, &r->len);
	r->headers = buf_steal(&h, NULL);
	curl_slist_free_all(hl);
	free(url);
	record_api(method, path, r);
	return r;
}

struct resp *cl_get(struct client *c, const char *path)
{
	return cl_req(c, "GET", path, NULL, NULL, 0, NULL);
}

json_t *cl_page(struct client *c, const char *path, const char *cursor,
		int limit)
{
	const char *sep = path[strlen(path) - 1] == '?' ? "" : "&";
	char *p = cursor ? xasprintf("%s%slimit=%d&cursor=%s", path, sep, limit, cursor)
			 : xasprintf("%s%slimit=%d", path, sep, limit);
	struct resp *r = cl_get(c, p);
	json_t *j, *next;

	cr_assert_eq(r->status, 200, "%s: %s", p, r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j, "%s", r->body);
	next = json_object_get(j, "next_cursor");
	cr_assert(json_is_string(next) || json_is_null(next), "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(j, "limit")), limit, "%s",
		     r->body);
	cr_assert(json_is_integer(json_object_get(j, "total")), "%s", r->body);
	cr_assert(json_is_boolean(json_object_get(j, "total_is_lower_bound")),
		  "%s", r->body);
	resp_free(r);
	free(p);
	return j;
}

void unversion(char *html)
{
	for (char *p = html; (p = strstr(p, "?v=")); p += 3)
		for (char *h = p + 3; isxdigit((unsigned char)*h); h++)
			*h = 'v';
}

void numbers_as_one(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		if (isdigit((unsigned char)*r)) {
			/* past the run before writing: w may stand on it */
			while (isdigit((unsigned char)*r))
				r++;
			*w++ = '#';
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

char *between(const char *hay, const char *start, const char *end)
{
	const char *a = hay ? strstr(hay, start) : NULL;
	const char *b;

	if (!a)
		return NULL;
	a += strlen(start);
	b = strstr(a, end);
	return b ? xstrndup(a, (size_t)(b - a)) : NULL;
}

char *urlenc(const char *s)
{
	struct buf b;
	buf_init(&b);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
			buf_putc(&b, (char)ch);
		else
			buf_printf(&b, "%%%02X", ch);
	}
	buf_reserve(&b, 0);
	return buf_steal(&b, NULL);
}

char *cl_csrf(struct client *c)
{
	struct resp *r = cl_get(c, "/api/v1/session");
	char *t = between(r->body, "\"csrf\":\"", "\"");
	cr_assert_eq(r->status, 200, "GET /api/v1/session: %ld %s", r->status, r->body);
	cr_assert_not_null(t, "no csrf in %s", r->body);
	resp_free(r);
	return t;
}

char *cl_cookie(struct client *c, const char *name)
{
	struct curl_slist *list = NULL;
	char *v = NULL;

	curl_easy_getinfo(c->h, CURLINFO_COOKIELIST, &list);
	/* Netscape format: domain, flag, path, secure, expiry, name, value */
	for (struct curl_slist *x = list; x && !v; x = x->next) {
		const char *f = x->data;
		for (int i = 0; i < 5 && f; i++) {
			f = strchr(f, '\t');
			if (f)
				f++;
		}
		if (f && str_starts(f, name) && f[strlen(name)] == '\t')
			v = xstrdup(f + strlen(name) + 1);
	}
	curl_slist_free_all(list);
	return v;
}

struct resp *cl_post(struct client *c, const char *path, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	struct resp *r;
	char *target;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_reserve(&b, 0);
	cr_assert_null(strstr(b.data, "_csrf="),
		       "cl_post: the token goes in the query, not the body (%s)",
		       path);
	if (strstr(path, "_csrf=")) {
		target = xstrdup(path);
	} else {
		char *t = cl_csrf(c);
		target = xasprintf("%s%c_csrf=%s", path,
				   strchr(path, '?') ? '&' : '?', t);
		free(t);
	}
	r = cl_req(c, "POST", target, "application/x-www-form-urlencoded",
		   b.data, b.len, NULL);
	free(target);
	buf_free(&b);
	return r;
}

char *srv_metrics(struct srv *s)
{
	struct srv m = *s;
	struct client *c;
	struct resp *r;
	char *body;

	cr_assert_gt(s->metrics_port, 0, "this server has no metrics listener");
	snprintf(m.base, sizeof(m.base), "http://127.0.0.1:%d", s->metrics_port);
	c = cl_new(&m);
	r = cl_get(c, "/metrics");
	cr_assert_eq(r->status, 200, "metrics: %ld", r->status);
	body = r->body;
	r->body = NULL;
	resp_free(r);
	cl_free(c);
	return body;
}

void totp_now(const char *secret, char out[7])
{
	/* a code is refused when its step was used already: if the step is
	 * about to end, wait for the next one */
	static __thread int64_t last_step;
	int64_t now = time_now();
	/* the server takes one step either side, once each: after the
	 * current step was used, the next step's code is still good */
	while (now / 30 + 1 <= last_step || now % 30 > 27) {
		sleep(1);
		now = time_now();
	}
	if (now / 30 == last_step)
		now += 30;
	last_step = now / 30;
	cr_assert_eq(totp_code(secret, now, out), 0);
}

long cl_login(struct client *c, const char *email, const char *password,
	      const char *totp_secret)
{
	char *e = urlenc(email), *p = urlenc(password);
	struct resp *r = cl_post(c, "/login", "email=%s&password=%s", e, p);
	long status = r->status;
	const char *loc = resp_header(r, "Location");

	if (totp_secret && status == 303 && loc && str_starts(loc, "/login/totp")) {
		char code[7];
		totp_now(totp_secret, code);
		resp_free(r);
		r = cl_post(c, "/login/totp", "code=%s", code);
		status = r->status;
	}
	resp_free(r);
	free(e);
	free(p);
	return status;
}

char *cl_enrol(struct client *c)
{
	struct resp *r;
	char *secret, code[7];

	r = cl_get(c, "/account/totp");
	cr_assert_eq(r->status, 200);
	secret = between(r->body, "id=\"totp-secret\">", "<");
	cr_assert_not_null(secret, "no second factor to set up: %s", r->body);
	resp_free(r);
	totp_now(secret, code);
	r = cl_post(c, "/account/totp", "code=%s", code);
	cr_assert_eq(r->status, 303, "enrol: %s", r->body);
	resp_free(r);
	return secret;
}

char *cl_admin(struct client *c)
{
	cr_assert_eq(cl_login(c, ADMIN_EMAIL, ADMIN_PASSWORD, NULL), 303);
	return cl_enrol(c);
}

struct client *cl_as(struct srv *s, const char *who, const char *lang)
{
	struct client *c = cl_new(s);
	char *email = strchr(who, '@') ? xstrdup(who) : xasprintf("%s@example.org", who);

	if (s->demo) {
		cr_assert_eq(cl_login(c, email, DEMO_PASSWORD, NULL), 303,
			     "cannot sign in as %s with the demo's password", email);
	} else {
		cr_assert_str_eq(email, ADMIN_EMAIL,
				 "a fresh server has one account, " ADMIN_EMAIL);
		if (s->admin_totp[0]) {
			cr_assert_eq(cl_login(c, email, ADMIN_PASSWORD, s->admin_totp), 303);
		} else {
			char *secret = cl_admin(c);
			cr_assert_lt(strlen(secret), sizeof(s->admin_totp));
			strcpy(s->admin_totp, secret);
			free(secret);
		}
	}
	if (lang)
		cl_lang(c, lang);
	free(email);
	return c;
}

void cl_lang(struct client *c, const char *lang)
{
	struct resp *r = cl_get(c, "/api/v1/session");
	json_t *j = json_loads(r->body, 0, NULL);
	const char *name = json_string_value(
		json_object_get(json_object_get(j, "user"), "display_name"));
	char *want = xasprintf("<html lang=\"%s\">", lang), *n;

	cr_assert_not_null(name, "not signed in: %s", r->body);
	n = urlenc(name);
	resp_free(r);
	r = cl_post(c, "/account", "display_name=%s&lang=%s", n, lang);
	cr_assert_eq(r->status, 303, "setting the language %s: %ld %s", lang, r->status,
		     r->body);
	resp_free(r);
	/* the page shows, and so ends, the notice; and speaks the language */
	r = cl_get(c, "/account");
	cr_assert(strstr(r->body, want), "the account does not speak %s", lang);
	resp_free(r);
	json_decref(j);
	free(want);
	free(n);
}

struct resp *cl_api(struct client *c, const char *method, const char *path,
		    const char *json)
{
	char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	struct resp *r = cl_req(c, method, path, "application/json", json,
				json ? strlen(json) : 0, hs);

	free(t);
	free(h);
	return r;
}

/* ---- a real mail server ---- */

pid_t mail_start(struct srv *s, int port)
{
	char *dir = xasprintf("%s/mail", s->root);
	char *listen = xasprintf("127.0.0.1:%d", port);
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *argv[] = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
				listen, "-c", "aiosmtpd.handlers.Mailbox", dir, NULL};
		setpgid(0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	wait_port(port);
	free(dir);
	free(listen);
	return pid;
}

void mail_stop(pid_t pid)
{
	if (pid > 0) {
		kill(-pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* A mail's body, decoded from base64 when it is. */
static char *mail_body(const char *mail)
{
	const char *sep = strstr(mail, "\r\n\r\n"), *lf = strstr(mail, "\n\n");
	struct buf clean;
	unsigned char *out;
	size_t n;

	if (!sep || (lf && lf < sep))
		sep = lf;
	if (!sep)
		return xstrdup("");
	if (!strstr(mail, "Content-Transfer-Encoding: base64"))
		return xstrdup(sep);
	buf_init(&clean);
	for (const char *p = sep; *p; p++)
		if (*p != '\r' && *p != '\n' && *p != ' ')
			buf_putc(&clean, *p);
	out = xcalloc(1, clean.len + 1);
	if (sodium_base642bin(out, clean.len, clean.data ? clean.data : "", clean.len,
			      NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		n = 0;
	out[n] = '\0';
	buf_free(&clean);
	return (char *)out;
}

char *mail_find(struct srv *s, const char *to, const char *needle)
{
	char *dir = xasprintf("%s/mail/new", s->root);
	char *want = xasprintf("To: <%s>", to);

	for (int i = 0; i < 150; i++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char *p, *text, *body;
			size_t n;
			if (e->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", dir, e->d_name);
			text = file_read(p, 1 << 20, &n);
			free(p);
			if (!text || !strstr(text, want)) {
				free(text);
				continue;
			}
			body = mail_body(text);
			free(text);
			if (strstr(body, needle)) {
				closedir(d);
				free(dir);
				free(want);
				return body;
			}
			free(body);
		}
		if (d)
			closedir(d);
		usleep(100000);
	}
	cr_assert_fail("no mail to %s holding '%s' arrived", to, needle);
	return NULL;
}

char *mail_link(struct srv *s, const char *to, const char *path)
{
	char *body = mail_find(s, to, path);
	const char *p = strstr(body, path);
	size_t n = strcspn(p, " \r\n\"<>");
	char *out = xstrndup(p, n);

	free(body);
	return out;
}

/* ---- the authorization walk's registry ---- */

static struct walk_part *walk_list;

void walk_register(struct walk_part *p)
{
	p->next = walk_list;
	walk_list = p;
}

const struct walk_part *walk_parts(void)
{
	return walk_list;
}
