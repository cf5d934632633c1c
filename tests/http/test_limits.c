/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Bad and oversized requests get clear 4xx answers and change nothing. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	const char *sets[] = {"server.max_body=4096", NULL};
	srv_up(&S, SRV_FRESH, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(limits, .init = up, .fini = down, .timeout = 120);

/* Sends raw bytes and returns the status line's code (0 on no answer). */
static int raw(const char *req, size_t n, char **reply_r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), code = 0;
	char buf[8192];
	struct buf all;
	ssize_t k;
	struct timeval tv = {10, 0};

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t off = 0;
	while (off < n) {
		k = send(fd, req + off, n - off, MSG_NOSIGNAL);
		if (k <= 0)
			break; /* the server may hang up mid-body: fine */
		off += (size_t)k;
	}
	buf_init(&all);
	while ((k = recv(fd, buf, sizeof(buf), 0)) > 0)
		buf_append(&all, buf, (size_t)k);
	close(fd);
	if (all.len > 12 && str_starts(all.data, "HTTP/1."))
		code = atoi(all.data + 9);
	if (reply_r)
		*reply_r = buf_steal(&all, NULL);
	else
		buf_free(&all);
	return code;
}

static int rawf(const char *s)
{
	return raw(s, strlen(s), NULL);
}

Test(limits, oversized_bodies_get_413_without_being_read)
{
	struct client *c = cl_new(&S);
	size_t n = 64 * 1024;
	char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big, "email=", 6);
	struct resp *r = cl_req(c, "POST", "/login", "application/x-www-form-urlencoded",
				big, n, NULL);
	cr_assert_eq(r->status, 413);
	cr_assert(strstr(r->body, "larger than this server accepts"));
	resp_free(r);
	/* chunked, with no length announced: read up to the limit (with a
	 * right token: without one the gate refuses before reading) */
	const char *h[] = {"Transfer-Encoding: chunked", NULL};
	char *t = cl_csrf(c), *path = xasprintf("/login?_csrf=%s", t);
	r = cl_req(c, "POST", path, "application/x-www-form-urlencoded", big, n, h);
	cr_assert_eq(r->status, 413);
	resp_free(r);
	free(path);
	free(t);
	/* an API answers in JSON */
	r = cl_req(c, "POST", "/api/v1/session", "application/json", big, n, NULL);
	cr_assert_eq(r->status, 413);
	cr_assert(strstr(r->body, "\"code\":\"too_large\""));
	resp_free(r);
	free(big);
	cl_free(c);
}

Test(limits, long_urls_big_headers_and_garbage_are_refused_cleanly)
{
	char *url = xmalloc(70000);
	memset(url, 'a', 69999);
	url[0] = '/';
	url[69999] = '\0';
	char *req = xasprintf("GET %s HTTP/1.1\r\nHost: x\r\n\r\n", url);
	int code = raw(req, strlen(req), NULL);
	cr_assert(code == 414 || code == 431, "long URL gave %d", code);
	free(req);
	char *hdr = xmalloc(70000);
	memset(hdr, 'b', 69999);
	hdr[69999] = '\0';
	req = xasprintf("GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", hdr);
	code = raw(req, strlen(req), NULL);
	cr_assert_eq(code, 431, "big header gave %d", code);
	free(req);
	free(url);
	free(hdr);
	/* not HTTP at all: libmicrohttpd hangs up without an answer */
	code = rawf("NONSENSE\r\n\r\n");
	cr_assert(code == 0 || code == 400, "garbage gave %d", code);
	cr_assert_eq(rawf("GET / HTTP/9.9\r\nHost: x\r\n\r\n"), 505);
	cr_assert_eq(rawf("GET /\r\n\r\n"), 400);
	cr_assert_eq(rawf("GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"), 400);
	/* the server is still there */
	cr_assert_eq(rawf("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 200);
}

Test(limits, methods_paths_and_queries)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	r = cl_req(c, "PUT", "/login", NULL, NULL, 0, NULL);
	cr_assert_eq(r->status, 405);
	cr_assert(strstr(resp_header(r, "Allow"), "POST"));
	cr_assert(strstr(resp_header(r, "Allow"), "GET"));
	resp_free(r);
	r = cl_get(c, "/no/such/page");
	cr_assert_eq(r->status, 404);
	cr_assert(strstr(r->body, "There is nothing at this address."));
	resp_free(r);
	r = cl_get(c, "/api/v1/nothing");
	cr_assert_eq(r->status, 404);
	cr_assert(strstr(resp_header(r, "Content-Type"), "application/json"));
	cr_assert(strstr(r->body, "\"code\":\"not_found\""));
	resp_free(r);
	r = cl_get(c, "/login%00.html");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_get(c, "/login%C3");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_get(c, "/login?next=%FF");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_get(c, "/login?unknown=1");
	cr_assert_eq(r->status, 400, "a GET form refuses fields it does not have");
	cr_assert(strstr(r->body, "unknown"));
	resp_free(r);
	r = cl_req(c, "HEAD", "/login", NULL, NULL, 0, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(r->len, 0);
	resp_free(r);
	cl_free(c);
}

Test(limits, malformed_forms_and_json_bodies)
{
	struct client *c = cl_new(&S);
	char *t = cl_csrf(c);
	struct resp *r;
	char *body;

	r = cl_post(c, "/login", "email=%%zz&password=x");
	cr_assert_eq(r->status, 400);
	cr_assert(strstr(r->body, "malformed"));
	resp_free(r);
	r = cl_post(c, "/login", "email=a%%40b.kz&password=x&admin=1");
	cr_assert_eq(r->status, 400);
	cr_assert(strstr(r->body, "admin: is not a field of this form"), "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/login", "email=a%%40b.kz&email=c%%40d.kz&password=x");
	cr_assert_eq(r->status, 400);
	resp_free(r);
	r = cl_post(c, "/login", "email=a%%0Ab&password=x");
	cr_assert_eq(r->status, 422, "a refused value is 422, not 400");
	cr_assert(strstr(r->body, "Email: holds characters that are not allowed"), "%s", r->body);
	resp_free(r);
	body = xasprintf("/login?_csrf=%s", t);
	r = cl_req(c, "POST", body, "text/plain", "email=x", 7, NULL);
	cr_assert_eq(r->status, 415);
	resp_free(r);
	free(body);

	char *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	const char *bad[] = {"{", "[1,2]", "{\"email\": \"a\", \"email\": \"b\"}",
			     "{\"email\": \"a\\u0000b\", \"password\": \"x\"}", "null"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		r = cl_req(c, "POST", "/api/v1/session", "application/json", bad[i],
			   strlen(bad[i]), hs);
		cr_assert_eq(r->status, 400, "%s gave %ld", bad[i], r->status);
		cr_assert(strstr(r->body, "\"status\":400"));
		cr_assert(strstr(r->body, "\"code\":"));
		cr_assert(strstr(r->body, "\"message\":"));
		resp_free(r);
	}
	const char *missing = "{\"email\": \"a@b.kz\"}";
	r = cl_req(c, "POST", "/api/v1/session", "application/json", missing,
		   strlen(missing), hs);
	cr_assert_eq(r->status, 422);
	cr_assert(strstr(r->body, "\"code\":\"invalid_field\""));
	cr_assert(strstr(r->body, "\"field\":\"password\""), "%s", r->body);
	cr_assert(strstr(r->body, "Password: is required"), "%s", r->body);
	resp_free(r);
	free(h);
	free(t);
	cl_free(c);
}

Test(limits, errors_speak_the_users_language)
{
	struct client *c = cl_new(&S);
	cl_header(c, "Accept-Language: ru-RU,ru;q=0.9");
	struct resp *r = cl_get(c, "/no/such/page");
	cr_assert_eq(r->status, 404);
	cr_assert(strstr(r->body, "По этому адресу ничего нет."), "%s", r->body);
	cr_assert(strstr(r->body, "lang=\"ru\""));
	resp_free(r);
	r = cl_post(c, "/login", "email=a%%40b.kz");
	cr_assert_eq(r->status, 422);
	cr_assert(strstr(r->body, "Пароль: обязательное поле"), "%s", r->body);
	resp_free(r);
	cl_free(c);
	c = cl_new(&S);
	cl_header(c, "Accept-Language: kk");
	r = cl_get(c, "/api/v1/nothing");
	cr_assert(strstr(r->body, "Бұл мекенжайда ештеңе жоқ."), "%s", r->body);
	resp_free(r);
	/* a language chosen with the switcher wins over the browser's, even
	 * on pages that do not exist */
	r = cl_post(c, "/lang", "lang=ru&next=%%2F");
	resp_free(r);
	r = cl_get(c, "/no/such/page");
	cr_assert(strstr(r->body, "По этому адресу ничего нет."), "%s", r->body);
	resp_free(r);
	cl_free(c);
}

Test(limits, sigterm_lets_a_request_in_flight_finish)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char reply[4096];
	/* a raw client with the cookie and token of a real browser, so the
	 * request passes the gate and its body is read: the answer is a 401
	 * (no such account), which is enough to see it was handled */
	struct client *c = cl_new(&S);
	char *t = cl_csrf(c), *cookie = cl_cookie(c, "rudder_csrf");
	cr_assert_not_null(cookie);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	const char *body = "email=nobody%40example.org&password=x";
	char *head = xasprintf("POST /login?_csrf=%s HTTP/1.1\r\nHost: x\r\n"
			       "Cookie: rudder_csrf=%s\r\n"
			       "Content-Type: application/x-www-form-urlencoded\r\n"
			       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			       t, cookie, strlen(body));
	cr_assert_gt(send(fd, head, strlen(head), 0), 0);
	cr_assert_gt(send(fd, body, 10, 0), 0); /* half the body */
	usleep(200000);
	kill(S.pid, SIGTERM); /* stop while the request is open */
	usleep(300000);
	cr_assert_gt(send(fd, body + 10, strlen(body) - 10, 0), 0);
	ssize_t k = recv(fd, reply, sizeof(reply) - 1, MSG_WAITALL);
	cr_assert_gt(k, 12, "no answer for the request in flight");
	reply[k] = '\0';
	/* answered by the handler, not dropped */
	cr_assert(str_starts(reply, "HTTP/1.1 401"), "%.40s", reply);
	close(fd);
	cr_assert_eq(srv_stop(&S), 0, "it exits cleanly once the request is done");
	srv_start(&S, NULL);
	free(head);
	free(cookie);
	free(t);
	cl_free(c);
}

Test(limits, slow_clients_do_not_block_others)
{
	/* a client that opens a request and stalls */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	const char *part = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nemail=";
	cr_assert_gt(send(fd, part, strlen(part), 0), 0);
	struct client *c = cl_new(&S);
	for (int i = 0; i < 20; i++) {
		struct resp *r = cl_get(c, "/healthz");
		cr_assert_eq(r->status, 200);
		resp_free(r);
	}
	cl_free(c);
	close(fd);
}

Test(limits, conflicting_lengths_get_400)
{
	char *reply = NULL;
	/* two lengths: a proxy in front may take one and rudder the other */
	const char *two = "POST /login HTTP/1.1\r\nHost: x\r\n"
			  "Content-Type: application/x-www-form-urlencoded\r\n"
			  "Content-Length: 5\r\nContent-Length: 6\r\n"
			  "Connection: close\r\n\r\nemail=";
	cr_assert_eq(raw(two, strlen(two), &reply), 400, "%s", reply);
	cr_assert(strstr(reply, "states its length in conflicting ways"), "%s", reply);
	cr_assert(strstr(reply, "Content-Security-Policy"), "our own page: %s", reply);
	free(reply);
	/* a length and chunked encoding together */
	const char *both = "POST /login HTTP/1.1\r\nHost: x\r\n"
			   "Content-Type: application/x-www-form-urlencoded\r\n"
			   "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"
			   "Connection: close\r\n\r\n5\r\nemail\r\n0\r\n\r\n";
	cr_assert_eq(raw(both, strlen(both), &reply), 400, "%s", reply);
	free(reply);
	/* an encoding other than chunked alone, or chunked said twice */
	const char *gzip = "POST /login HTTP/1.1\r\nHost: x\r\n"
			   "Content-Type: application/x-www-form-urlencoded\r\n"
			   "Transfer-Encoding: gzip, chunked\r\n"
			   "Connection: close\r\n\r\n5\r\nemail\r\n0\r\n\r\n";
	cr_assert_eq(raw(gzip, strlen(gzip), &reply), 400, "%s", reply);
	free(reply);
	const char *twice = "POST /login HTTP/1.1\r\nHost: x\r\n"
			    "Content-Type: application/x-www-form-urlencoded\r\n"
			    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
			    "Connection: close\r\n\r\n5\r\nemail\r\n0\r\n\r\n";
	cr_assert_eq(raw(twice, strlen(twice), &reply), 400, "%s", reply);
	free(reply);
	/* one length said twice is one length: it goes on to the gate */
	const char *same = "POST /login HTTP/1.1\r\nHost: x\r\n"
			   "Content-Type: application/x-www-form-urlencoded\r\n"
			   "Content-Length: 6\r\nContent-Length: 6\r\n"
			   "Connection: close\r\n\r\nemail=";
	cr_assert_eq(raw(same, strlen(same), &reply), 403, "%s", reply);
	cr_assert(strstr(reply, "did not come from this site"), "%s", reply);
	free(reply);
}

Test(limits, our_own_414_and_431_carry_the_security_headers)
{
	char *reply = NULL, *fill = xmalloc(20001), *req;

	/* over our limits (server.max_url, server.max_header) but within
	 * what libmicrohttpd holds, the answer is ours: security headers,
	 * the user's language */
	memset(fill, 'a', 20000);
	fill[20000] = '\0';
	req = xasprintf("GET /login?next=%.10000s HTTP/1.1\r\nHost: x\r\n"
			"Accept-Language: ru\r\nConnection: close\r\n\r\n",
			fill);
	cr_assert_eq(raw(req, strlen(req), &reply), 414, "%.300s", reply);
	cr_assert(strstr(reply, "Content-Security-Policy"), "%.600s", reply);
	cr_assert(strstr(reply, "X-Frame-Options: DENY"), "%.600s", reply);
	cr_assert(strstr(reply, "Адрес длиннее"), "%s", reply);
	free(reply);
	free(req);
	req = xasprintf("GET /login HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n"
			"Connection: close\r\n\r\n",
			fill);
	cr_assert_eq(raw(req, strlen(req), &reply), 431, "%.300s", reply);
	cr_assert(strstr(reply, "Content-Security-Policy"), "%.600s", reply);
	cr_assert(strstr(reply, "headers are larger than this server accepts"), "%s",
		  reply);
	free(reply);
	free(req);
	free(fill);
}
