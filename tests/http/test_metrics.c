/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Metrics: served on a listener of their own (metrics.listen), never on
 * the public one, where a relay on loopback (an onion service) would
 * hand them to anyone; labelled by route pattern, method and status, and
 * readable by Prometheus's own parser without duplicate series.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_FRESH, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(metrics, .init = up, .fini = down, .timeout = 60);

/* The metrics once they hold needle (malloc'd). A request is counted
 * when its answer has gone, which may be just after the client has it. */
static char *metrics_with(const char *needle)
{
	char *text = srv_metrics(&S);
	for (int i = 0; i < 50 && !strstr(text, needle); i++) {
		free(text);
		usleep(100000);
		text = srv_metrics(&S);
	}
	return text;
}

Test(metrics, served_only_on_their_own_listener)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	char *m;

	r = cl_get(c, "/login");
	resp_free(r);
	r = cl_get(c, "/nope/nope");
	resp_free(r);
	/* the public listener has no metrics: not from loopback without a
	 * proxy header (what an onion service's relay looks like) */
	r = cl_get(c, "/metrics");
	cr_assert_eq(r->status, 404);
	cr_assert_null(strstr(r->body, "rudder_http_requests_total"));
	resp_free(r);
	cl_free(c);
	free(metrics_with("status=\"404\"} 2"));

	/* the metrics listener has them, and nothing else */
	struct srv ms = S;
	snprintf(ms.base, sizeof(ms.base), "http://127.0.0.1:%d", S.metrics_port);
	c = cl_new(&ms);
	r = cl_get(c, "/metrics");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/plain; version=0.0.4"));
	cr_assert_str_eq(resp_header(r, "X-Content-Type-Options"), "nosniff");
	m = r->body;
	cr_assert(strstr(m, "# TYPE rudder_http_requests_total counter"));
	cr_assert(strstr(m, "rudder_http_requests_total{route=\"/login\",method=\"GET\","
			    "status=\"200\"} 1"),
		  "%s", m);
	cr_assert(strstr(m, "rudder_http_requests_total{route=\"unmatched\",method=\"GET\","
			    "status=\"404\"} 2"),
		  "%s", m);
	cr_assert(strstr(m, "rudder_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	cr_assert(strstr(m, "rudder_http_request_duration_seconds_count"));
	cr_assert(strstr(m, "rudder_db_busy_retries_total"));
	cr_assert(strstr(m, "# TYPE rudder_http_body_bytes_reserved gauge"));
	cr_assert_null(strstr(m, "/nope"), "paths typed by clients never appear");
	resp_free(r);
	r = cl_get(c, "/login");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	r = cl_req(c, "POST", "/metrics", "text/plain", "x", 1, NULL);
	cr_assert_eq(r->status, 405);
	resp_free(r);
	cl_free(c);
}

Test(metrics, parse_without_duplicate_series)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	char *text, *path = xasprintf("%s/metrics.txt", S.root);

	/* one path, two methods, the same status: two series, not one
	 * counted twice under the same labels */
	r = cl_get(c, "/login?unknown=1");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_post(c, "/login", "email=%%zz&password=x");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_get(c, "/login");
	resp_free(r);
	r = cl_req(c, "DELETE", "/nowhere", NULL, NULL, 0, NULL);
	cr_assert_eq(r->status, 404);
	resp_free(r);
	text = metrics_with("method=\"DELETE\"");
	cr_assert(strstr(text, "{route=\"/login\",method=\"GET\",status=\"400\"} 1"), "%s",
		  text);
	cr_assert(strstr(text, "{route=\"/login\",method=\"POST\",status=\"400\"} 1"), "%s",
		  text);
	cr_assert(strstr(text, "{route=\"unmatched\",method=\"DELETE\",status=\"404\"} 1"),
		  "%s", text);
	cr_assert_eq(file_write_atomic(path, text, strlen(text), 0600), 0);
	cr_assert_eq(sh("/usr/bin/python3 tests/http/promcheck.py < %s", path), 0,
		     "Prometheus's parser refuses the metrics: %s", text);
	/* and the check itself catches a duplicate */
	char *dup = xasprintf("%s%s", text,
			      "rudder_db_busy_retries_total 1\n");
	cr_assert_eq(file_write_atomic(path, dup, strlen(dup), 0600), 0);
	cr_assert_neq(sh("/usr/bin/python3 tests/http/promcheck.py < %s >/dev/null", path), 0);
	free(dup);
	free(text);
	free(path);
	cl_free(c);
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
	buf_append(arg, p, sz * n);
	return sz * n;
}

Test(metrics, on_a_unix_socket)
{
	char *sock = xasprintf("%s/metrics.sock", S.root);
	char *set = xasprintf("metrics.listen=unix:%s", sock);
	const char *sets[] = {set, NULL};
	struct stat sb;
	struct buf b;
	CURL *h = curl_easy_init();
	long status = 0;

	cr_assert_eq(srv_stop(&S), 0);
	srv_start(&S, sets);
	cr_assert_eq(S.metrics_port, 0);
	cr_assert_eq(stat(sock, &sb), 0, "no socket at %s", sock);
	cr_assert(S_ISSOCK(sb.st_mode));
	cr_assert_eq(sb.st_mode & 077, 0, "the socket is for its owner only");
	buf_init(&b);
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(h, CURLOPT_URL, "http://localhost/metrics");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	cr_assert_eq(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	cr_assert_eq(status, 200);
	buf_reserve(&b, 0);
	cr_assert(strstr(b.data, "rudder_http_requests_total"), "%s", b.data);
	buf_free(&b);
	curl_easy_cleanup(h);
	/* a second server cannot take the socket of a running one */
	{
		char *err = NULL;
		int rc = run_rudder(NULL, NULL, &err, "serve", "--data", S.dir,
				    "--passphrase-file", S.pass, "--listen", "127.0.0.1:0",
				    "--set", set, NULL);
		cr_assert_eq(rc, 1);
		cr_assert(strstr(err, "in use"), "%s", err);
		free(err);
	}
	cr_assert_eq(srv_stop(&S), 0);
	cr_assert_neq(stat(sock, &sb), 0, "the socket is removed at exit");
	srv_start(&S, NULL);
	free(set);
	free(sock);
}
