/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Security headers on every kind of answer, static assets, health,
 * pages without external resources, logs without personal data. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
TestSuite(headers, .init = up, .fini = down, .timeout = 60);

static void secure(struct resp *r, const char *what)
{
	const char *csp = resp_header(r, "Content-Security-Policy");
	cr_assert_not_null(csp, "%s: no CSP", what);
	cr_assert(strstr(csp, "default-src 'none'"), "%s", what);
	cr_assert(strstr(csp, "script-src 'self'"), "%s", what);
	cr_assert(strstr(csp, "frame-ancestors 'none'"), "%s", what);
	cr_assert_null(strstr(csp, "unsafe-inline"), "%s", what);
	cr_assert_str_eq(resp_header(r, "X-Content-Type-Options"), "nosniff");
	cr_assert_str_eq(resp_header(r, "Referrer-Policy"), "no-referrer");
	cr_assert_str_eq(resp_header(r, "X-Frame-Options"), "DENY");
}

Test(headers, on_pages_errors_api_and_assets)
{
	struct client *c = cl_new(&S);
	const char *paths[] = {"/", "/login", "/nope", "/api/v1/session",
			       "/api/v1/nope", "/static/rudder.css", "/healthz"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		struct resp *r = cl_get(c, paths[i]);
		secure(r, paths[i]);
		if (!str_starts(paths[i], "/static/"))
			cr_assert_str_eq(resp_header(r, "Cache-Control"), "no-store", "%s",
					 paths[i]);
		resp_free(r);
	}
	struct resp *r = cl_post(c, "/login?_csrf=bad", "email=x&password=y");
	secure(r, "a refused POST");
	resp_free(r);
	cl_free(c);
}

Test(headers, tls_proxy_marks_cookies_secure_and_sends_hsts)
{
	const char *sets[] = {"server.behind_tls_proxy=true", NULL};
	cr_assert_eq(srv_stop(&S), 0);
	srv_start(&S, sets);
	struct client *c = cl_new(&S);
	struct resp *r = cl_get(c, "/login");
	cr_assert(strstr(resp_header(r, "Set-Cookie"), "; Secure"));
	cr_assert_not_null(resp_header(r, "Strict-Transport-Security"));
	resp_free(r);
	cl_free(c);
}

Test(headers, pages_load_nothing_from_elsewhere)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_get(c, "/login");
	cr_assert_null(strstr(r->body, "http://"), "an absolute URL in the page");
	cr_assert_null(strstr(r->body, "https://"));
	cr_assert_null(strstr(r->body, "<script>"), "an inline script");
	cr_assert_null(strstr(r->body, " style=\""), "an inline style");
	cr_assert_null(strstr(r->body, " onclick="));
	cr_assert_lt(r->len, 50 * 1024);
	resp_free(r);
	cl_free(c);
}

Test(headers, static_assets_are_cached_and_revalidated)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_get(c, "/static/rudder.css?v=1");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/css"));
	cr_assert(strstr(resp_header(r, "Cache-Control"), "immutable"));
	char *etag = xstrdup(resp_header(r, "ETag"));
	resp_free(r);
	char *h = xasprintf("If-None-Match: %s", etag);
	const char *hs[] = {h, NULL};
	r = cl_req(c, "GET", "/static/rudder.css", NULL, NULL, 0, hs);
	cr_assert_eq(r->status, 304);
	resp_free(r);
	r = cl_get(c, "/static/rudder.js");
	cr_assert(strstr(resp_header(r, "Content-Type"), "javascript"));
	resp_free(r);
	r = cl_get(c, "/static/../keys.json");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	r = cl_get(c, "/static/nothing.css");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	free(h);
	free(etag);
	cl_free(c);
}

Test(headers, health)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_get(c, "/healthz");
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(r->body, "ok\n");
	resp_free(r);
	cl_free(c);
}

Test(headers, logs_hold_no_addresses_or_personal_data)
{
	struct client *c = cl_new(&S);
	const char *xff[] = {"X-Forwarded-For: 203.0.113.77", NULL};
	struct resp *r = cl_post(c, "/login", "email=leak%%40example.org&password=nope");
	resp_free(r);
	r = cl_req(c, "GET", "/nope?name=Aigerim", NULL, NULL, 0, xff);
	resp_free(r);
	free(cl_admin(c));
	cr_assert_eq(srv_stop(&S), 0);
	char *log = srv_log(&S);
	cr_assert_null(strstr(log, "leak@example.org"));
	cr_assert_null(strstr(log, ADMIN_EMAIL));
	cr_assert_null(strstr(log, "Aigerim"));
	cr_assert_null(strstr(log, "203.0.113.77"));
	/* the only address allowed is the one we told it to listen on */
	for (char *p = strstr(log, "127.0.0.1"); p; p = strstr(p + 1, "127.0.0.1"))
		cr_assert_fail("an address in the log: %.80s", p);
	cr_assert(strstr(log, "stopped"), "%s", log);
	free(log);
	cl_free(c);
	srv_start(&S, NULL);
}
