/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Request bodies: who may send one is decided on the headers, before a
 * byte of it is read, and the bodies held at once stay within one budget
 * for the whole server. Anonymous uploads cannot fill the server's memory,
 * and a signed-in page still answers while they try.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	/* 200 connections from one address: as behind an onion service */
	const char *sets[] = {"server.max_per_address=0", NULL};
	srv_up(&S, SRV_FRESH, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(body, .init = up, .fini = down, .timeout = 120);

static int connect_to(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect: %s",
		     strerror(errno));
	return fd;
}

/* Sends a request head on a new connection and returns the socket. */
static int send_head(const char *head)
{
	int fd = connect_to(S.port);
	cr_assert_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
	return fd;
}

/* The status of the answer on fd within seconds; 0 when none came. */
static int answer_within(int fd, int seconds, char **reply_r)
{
	struct timeval tv = {seconds, 0};
	char buf[8192];
	ssize_t k;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	k = recv(fd, buf, sizeof(buf) - 1, 0);
	if (k <= 12)
		return 0;
	buf[k] = '\0';
	if (reply_r)
		*reply_r = xstrdup(buf);
	return str_starts(buf, "HTTP/1.1 ") ? atoi(buf + 9) : 0;
}

/* The head of an anonymous upload of 16 MiB from a visitor who has
 * the cookie and token any visitor gets: CSRF is no obstacle to it. */
static char *upload_head(struct client *visitor)
{
	char *t = cl_csrf(visitor), *cookie = cl_cookie(visitor, "rudder_csrf");
	char *head;

	cr_assert_not_null(cookie);
	head = xasprintf("POST /members/import?_csrf=%s HTTP/1.1\r\nHost: x\r\n"
			 "Cookie: rudder_csrf=%s\r\n"
			 "Content-Type: multipart/form-data; boundary=XX\r\n"
			 "Content-Length: 16777216\r\n\r\n",
			 t, cookie);
	free(t);
	free(cookie);
	return head;
}

Test(body, refusals_come_before_the_body)
{
	struct client *visitor = cl_new(&S);
	char *head = upload_head(visitor), *reply = NULL;
	/* an anonymous upload is sent to sign in before one byte is sent */
	int fd = send_head(head);
	cr_assert_eq(answer_within(fd, 5, &reply), 303,
		     "the refusal waited for a body that never came");
	cr_assert(strstr(reply, "Location: /login"), "%s", reply);
	cr_assert(strstr(reply, "Content-Security-Policy"), "%s", reply);
	close(fd);
	free(reply);
	free(head);
	cl_free(visitor);
	reply = NULL;
	/* a form without its token is refused on its headers too */
	fd = send_head("POST /login HTTP/1.1\r\nHost: x\r\nAccept-Language: ru\r\n"
		       "Content-Type: application/x-www-form-urlencoded\r\n"
		       "Content-Length: 1000\r\n\r\n");
	cr_assert_eq(answer_within(fd, 5, &reply), 403);
	cr_assert(strstr(reply, "Срок действия формы истёк"), "%s", reply);
	close(fd);
	free(reply);
	reply = NULL;
	/* and one to a page that does not exist */
	fd = send_head("POST /nothing/here HTTP/1.1\r\nHost: x\r\n"
		       "Content-Length: 1000\r\n\r\n");
	cr_assert_eq(answer_within(fd, 5, NULL), 404);
	close(fd);
	/* the JSON API answers in JSON, on its headers */
	fd = send_head("POST /api/v1/users HTTP/1.1\r\nHost: x\r\n"
		       "Content-Type: application/json\r\n"
		       "Content-Length: 1000\r\n\r\n");
	cr_assert_eq(answer_within(fd, 5, &reply), 403);
	cr_assert(strstr(reply, "\"code\":\"csrf\""), "%s", reply);
	close(fd);
	free(reply);
}

Test(body, anonymous_uploads_cannot_fill_the_memory)
{
	enum { N = 200, EACH = 512 * 1024 };
	struct client *admin = cl_as(&S, "admin", NULL), *visitor = cl_new(&S);
	char *head = upload_head(visitor);
	static char chunk[65536];
	int fds[N];
	size_t sent[N];
	bool done[N];
	long before, after;
	struct resp *r;
	time_t deadline;
	int left = N;

	r = cl_get(admin, "/account");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	before = srv_rss_kb(&S);
	memset(chunk, 'a', sizeof(chunk));
	/* 200 anonymous uploads announcing 16 MiB, each sending 512 KiB of
	 * it and then holding back the rest */
	for (int i = 0; i < N; i++) {
		fds[i] = send_head(head);
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		sent[i] = 0;
		done[i] = false;
	}
	deadline = time(NULL) + 30;
	while (left > 0 && time(NULL) < deadline) {
		bool moved = false;
		for (int i = 0; i < N; i++) {
			ssize_t k;
			if (done[i])
				continue;
			k = send(fds[i], chunk,
				 EACH - sent[i] < sizeof(chunk) ? EACH - sent[i]
								: sizeof(chunk),
				 MSG_NOSIGNAL);
			if (k > 0) {
				sent[i] += (size_t)k;
				moved = true;
			}
			/* refused: the server answered and hung up */
			if (sent[i] >= EACH || (k < 0 && errno != EAGAIN)) {
				done[i] = true;
				left--;
			}
		}
		if (!moved)
			usleep(10000);
	}
	/* whatever the server did with them, it holds them now: a signed-in
	 * page answers meanwhile, and memory has not grown with the bodies */
	r = cl_get(admin, "/account");
	cr_assert_eq(r->status, 200, "a signed-in page no longer answers");
	resp_free(r);
	after = srv_rss_kb(&S);
	cr_log_info("resident memory: %ld KiB before, %ld KiB with %d uploads "
		    "of %d KiB held", before, after, N, EACH / 1024);
	cr_assert_lt(after - before, 32 * 1024,
		     "the server grew by %ld KiB holding anonymous uploads",
		     after - before);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	free(head);
	cl_free(visitor);
	cl_free(admin);
}

/* The gauge of the body budget in use, from the metrics listener. */
static long reserved(void)
{
	char *m = srv_metrics(&S);
	const char *p = strstr(m, "\nrudder_http_body_bytes_reserved ");
	long v;
	cr_assert_not_null(p, "%s", m);
	v = atol(p + strlen("\nrudder_http_body_bytes_reserved "));
	free(m);
	return v;
}

/* Sends head from a given loopback address (127.0.0.2 is loopback too). */
static int send_head_from(const char *from, const char *head)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	struct sockaddr_in me = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	inet_pton(AF_INET, from, &me.sin_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0, "bind %s", from);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
	return fd;
}

/* Bodies count against the budget as they arrive, and no client takes
 * more than its share: slow forms from one address (an attacker's) get
 * 503 once that address's share is spent, while another address, and a
 * signed-in account, are still served. Before, 32 slow forms from one
 * address held the visitors' whole half and every sign-in got 503. */
Test(body, a_spent_share_answers_503_and_no_one_else_suffers)
{
	const char *sets[] = {"server.max_per_address=0", "server.body_budget=262144",
			      "server.max_body=16384", "server.max_upload=65536",
			      NULL};
	struct client *visitor, *admin;
	char *t, *cookie, *head, *small, *reply = NULL, *secret;
	int hold[2], fd;
	struct resp *r;

	cr_assert_eq(srv_stop(&S), 0);
	srv_start(&S, sets);
	admin = cl_new(&S);
	secret = cl_admin(admin);
	/* a visitor with a real cookie and token: the gate lets it through */
	visitor = cl_new(&S);
	t = cl_csrf(visitor);
	cookie = cl_cookie(visitor, "rudder_csrf");
	cr_assert_not_null(cookie);
	head = xasprintf("POST /login?_csrf=%s HTTP/1.1\r\nHost: x\r\n"
			 "Cookie: rudder_csrf=%s\r\nAccept-Language: ru\r\n"
			 "Content-Type: application/x-www-form-urlencoded\r\n"
			 "Content-Length: 16384\r\n\r\nemail=",
			 t, cookie);
	{
		const char *form = "email=a%40b.kz&password=x";
		small = xasprintf("POST /login?_csrf=%s HTTP/1.1\r\nHost: x\r\n"
				  "Cookie: rudder_csrf=%s\r\n"
				  "Content-Type: application/x-www-form-urlencoded\r\n"
				  "Content-Length: %zu\r\n\r\n%s",
				  t, cookie, strlen(form), form);
	}
	/* a form started and held: what arrived holds its first 16 KiB, a
	 * visitor's address's share (256 KiB / 16) */
	hold[0] = send_head_from("127.0.0.1", head);
	for (int i = 0; i < 50 && reserved() < 16384; i++)
		usleep(100000);
	cr_assert_eq(reserved(), 16384);
	/* another from the same address is refused, in its language */
	fd = send_head_from("127.0.0.1", head);
	cr_assert_eq(answer_within(fd, 5, &reply), 503);
	cr_assert(strstr(reply, "Retry-After:"), "%s", reply);
	cr_assert(strstr(reply, "Сервер сейчас принимает слишком много"), "%s", reply);
	cr_assert(strstr(reply, "Content-Security-Policy"), "%s", reply);
	close(fd);
	free(reply);
	reply = NULL;
	/* a visitor from another address signs in as ever */
	hold[1] = send_head_from("127.0.0.2", small);
	cr_assert_eq(answer_within(hold[1], 5, &reply), 401, "%s", reply ? reply : "");
	close(hold[1]);
	free(reply);
	/* and a signed-in account has its own share */
	r = cl_post(admin, "/lang", "lang=en&next=%%2Faccount");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	/* once the held form is gone, its address is served again */
	close(hold[0]);
	for (int i = 0; i < 50 && reserved() > 0; i++)
		usleep(100000);
	cr_assert_eq(reserved(), 0, "the budget was not given back");
	r = cl_post(visitor, "/login", "email=a%%40b.kz&password=x");
	cr_assert_eq(r->status, 401);
	resp_free(r);
	free(head);
	free(small);
	free(cookie);
	free(t);
	free(secret);
	cl_free(visitor);
	cl_free(admin);
	cr_assert_eq(srv_stop(&S), 0);
	srv_start(&S, NULL);
}
