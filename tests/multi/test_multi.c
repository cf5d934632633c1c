/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Several `rudder serve` processes on one PostgreSQL database, behind a
 * real nginx that sends requests to them in turn: signing in, a form with
 * its CSRF token and a live update all work whichever process a request
 * reaches. And a database connection killed mid-run: the request fails
 * with 503, the next one reconnects, and no acknowledged write is lost.
 * A personal access token made on one process works on the other, and
 * once revoked is refused there at once.
 * These run in the PostgreSQL phase of `make test` (tests/pg/run).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv A, B, N; /* two rudders, and nginx seen as a server */
static pid_t nginx_pid;

static void start_nginx(void)
{
	int port = free_port();
	char *conf = xasprintf("%s/nginx.conf", A.root);
	char *text = xasprintf(
		"daemon off;\nworker_processes 1;\npid %s/nginx.pid;\n"
		"error_log %s/nginx.err;\nevents { worker_connections 256; }\n"
		"http {\n access_log off;\n client_body_temp_path %s;\n"
		" proxy_temp_path %s;\n"
		" upstream rudder { server 127.0.0.1:%d; server 127.0.0.1:%d; }\n"
		" server {\n  listen 127.0.0.1:%d;\n"
		"  location / {\n   proxy_pass http://rudder;\n"
		"   proxy_set_header Host $host:$server_port;\n"
		"   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
		"   proxy_buffering off;\n   proxy_http_version 1.1;\n"
		"   proxy_set_header Connection \"\";\n  }\n }\n}\n",
		A.root, A.root, A.root, A.root, A.port, B.port, port);
	cr_assert_eq(file_write_atomic(conf, text, strlen(text), 0644), 0);
	nginx_pid = fork();
	if (nginx_pid == 0) {
		execlp("nginx", "nginx", "-c", conf, "-p", A.root, (char *)NULL);
		_exit(127);
	}
	memset(&N, 0, sizeof(N));
	N.port = port;
	snprintf(N.base, sizeof(N.base), "http://127.0.0.1:%d", port);
	wait_port(port);
	free(conf);
	free(text);
}

static void up(void)
{
	cr_assert(on_pg(), "these tests run on PostgreSQL: use tests/pg/run");
	srv_init(&A, false);
	B = A;
	snprintf(B.log, sizeof(B.log), "%s/server-b.log", A.root);
	srv_start(&A, NULL);
	srv_start(&B, NULL);
	start_nginx();
}

static void down(void)
{
	if (nginx_pid > 0) {
		kill(nginx_pid, SIGTERM);
		waitpid(nginx_pid, NULL, 0);
	}
	cr_expect_eq(srv_stop(&B), 0);
	B.root[0] = '\0';
	B.dbname[0] = '\0';
	cr_expect_eq(srv_stop(&A), 0);
	srv_destroy(&A);
}

TestSuite(multi, .init = up, .fini = down, .timeout = 180);

static long route_count(struct srv *s, const char *route)
{
	char *text = srv_metrics(s);
	char *needle = xasprintf("rudder_http_requests_total{route=\"%s\",", route);
	long total = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		total += atol(strchr(p, '}') + 2);
	free(needle);
	free(text);
	return total;
}

Test(multi, sign_in_forms_and_csrf_work_whichever_process_answers)
{
	struct client *c = cl_new(&N);
	char *secret = cl_admin(c); /* GET /login, POST /login, enrolment */
	struct resp *r;
	/* a few form posts, each with its token, alternate between them */
	for (int i = 0; i < 6; i++) {
		r = cl_post(c, "/admin/users",
			    "display_name=Via+nginx+%d&email=n%d%%40example.org&role=coordinator&scope=0",
			    i, i);
		cr_assert_eq(r->status, 201, "post %d: %ld", i, r->status);
		resp_free(r);
	}
	r = cl_get(c, "/admin/users");
	cr_assert_eq(r->status, 200);
	for (int i = 0; i < 6; i++) {
		char *e = xasprintf("n%d@example.org", i);
		cr_assert(strstr(r->body, e), "%s is missing", e);
		free(e);
	}
	resp_free(r);
	/* both processes took part: their own counters say so */
	long a = route_count(&A, "/admin/users"), b = route_count(&B, "/admin/users");
	cr_assert_gt(a, 0, "process A served no form");
	cr_assert_gt(b, 0, "process B served no form");
	free(secret);
	cl_free(c);
}

Test(multi, a_live_view_on_one_process_sees_what_happens_on_the_other)
{
	struct client *c = cl_new(&A);
	char *secret = cl_admin(c);
	char *token = admin_session_token(&A, secret);
	int fd = open_stream(&A, "/audit/stream", token);
	struct resp *r;

	cr_assert(stream_until(fd, "text/event-stream", 5));
	/* something auditable happens on B */
	struct client *x = cl_new(&B);
	r = cl_post(x, "/login", "email=nobody%%40example.org&password=x");
	cr_assert_eq(r->status, 401);
	resp_free(r);
	cr_assert(stream_until(fd, "event: audit", 10),
		  "the event on B never reached the stream on A");
	close(fd);
	free(token);
	free(secret);
	cl_free(x);
	cl_free(c);
}

Test(multi, a_lost_connection_fails_with_503_reconnects_and_loses_nothing)
{
	struct client *c = cl_new(&A);
	char *secret = cl_admin(c);
	char *acked[64];
	int nacked = 0, refused = 0;
	struct resp *r;
	char *csrf = cl_csrf(c); /* fetched once: the session outlives the kills */

	for (int round = 0; round < 5; round++) {
		/* kill every connection rudder holds to its database */
		char *killed = srv_sql(&A,
			"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
			"WHERE datname = current_database() AND pid <> pg_backend_pid()");
		cr_assert_not_null(killed);
		cr_assert_gt(atoi(killed), 0, "no connection was killed");
		free(killed);
		for (int k = 0; k < 3; k++) {
			char *email = xasprintf("r%d-%d@example.org", round, k);
			char *enc = urlenc(email);
			char *path = xasprintf("/admin/users?_csrf=%s", csrf);
			r = cl_post(c, path,
				    "display_name=Round+%d&email=%s&role=coordinator&scope=0",
				    round, enc);
			free(path);
			free(enc);
			if (r->status == 201) {
				acked[nacked++] = email;
			} else {
				cr_assert_eq(r->status, 503,
					     "round %d: %ld is neither done nor 503: %s",
					     round, r->status, r->body);
				cr_assert(strstr(r->body, "database cannot be reached") ||
						  strstr(r->body, "too busy"),
					  "%s", r->body);
				refused++;
				free(email); /* counted below: it must not be there */
			}
			resp_free(r);
		}
	}
	cr_assert_gt(refused, 0, "killing the connections never showed");
	cr_assert_gt(nacked, 5, "it never recovered");
	/* every acknowledged account is there */
	r = cl_get(c, "/api/v1/users");
	if (r->status == 503) { /* the last kill may still show once */
		resp_free(r);
		r = cl_get(c, "/api/v1/users");
	}
	cr_assert_eq(r->status, 200);
	for (int i = 0; i < nacked; i++) {
		cr_assert(strstr(r->body, acked[i]), "acknowledged %s was lost", acked[i]);
		free(acked[i]);
	}
	resp_free(r);
	/* and nothing that was refused */
	char *n = srv_sql(&A, "SELECT count(*) FROM users WHERE display_name LIKE 'Round %%'");
	cr_assert_eq(atoi(n), nacked, "%s accounts for %d acknowledged", n, nacked);
	free(n);
	free(csrf);
	free(secret);
	cl_free(c);
}

/* A request carrying only a token (no cookie, no CSRF) to server s. */
static long with_token(struct srv *s, const char *token, const char *path)
{
	struct client *c = cl_new(s);
	char *h = xasprintf("Authorization: Bearer %s", token);
	const char *hs[] = {h, NULL};
	struct resp *r = cl_req(c, "GET", path, NULL, NULL, 0, hs);
	long status = r->status;

	resp_free(r);
	free(h);
	cl_free(c);
	return status;
}

Test(multi, a_token_made_on_one_process_works_and_dies_on_the_other)
{
	struct client *c = cl_new(&A);
	char *secret = cl_admin(c);
	char *grant = srv_value(&A, "SELECT min(id) FROM grants");
	char *body = xasprintf("{\"name\": \"both processes\", \"days\": 30, "
			       "\"read_only\": true, \"grants\": [%s]}", grant);
	struct resp *r = cl_api(c, "POST", "/api/v1/tokens", body);
	json_t *j;
	char *token, *path;
	long id;

	cr_assert_eq(r->status, 201, "%s", r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j, "%s", r->body);
	token = xstrdup(json_string_value(json_object_get(j, "token")));
	id = (long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(r);

	/* made on A, it works on B (and through nginx, on either) */
	cr_assert_eq(with_token(&B, token, "/api/v1/session"), 200);
	cr_assert_eq(with_token(&N, token, "/api/v1/users"), 200);
	cr_assert_eq(with_token(&N, token, "/api/v1/users"), 200);

	/* revoked on A: refused on B at its next request, nothing cached */
	path = xasprintf("/api/v1/tokens/%ld", id);
	r = cl_api(c, "DELETE", path, NULL);
	cr_assert(r->status == 200 || r->status == 204, "%ld %s", r->status, r->body);
	resp_free(r);
	cr_assert_eq(with_token(&B, token, "/api/v1/session"), 401);
	cr_assert_eq(with_token(&A, token, "/api/v1/session"), 401);

	free(path);
	free(token);
	free(body);
	free(grant);
	free(secret);
	cl_free(c);
}
