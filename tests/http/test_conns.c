/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Connections: one client address cannot take every connection the
 * server has, and a connection that never finishes its request header is
 * cut off after server.header_timeout, however slowly it trickles.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
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
	srv_init(&S, false);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(conns, .init = up, .fini = down, .timeout = 120);

/* A connection to the server from a loopback address of our choice
 * (127.0.0.2 is loopback too on Linux); -1 when it cannot connect. */
static int connect_from(const char *from)
{
	struct sockaddr_in me = {.sin_family = AF_INET};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, from, &me.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0, "bind %s: %s", from,
		     strerror(errno));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Has the server closed fd (end of stream or reset) within ms? */
static bool closed_within(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, ms) <= 0)
		return false;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

Test(conns, one_address_cannot_take_every_connection)
{
	enum { LIMIT = 8, N = 80 };
	const char *sets[] = {"server.max_connections=64", "server.max_per_address=8",
			      "server.header_timeout=60", NULL};
	int fds[N], open_ = 0, fd;
	char reply[512];
	struct timeval tv = {5, 0};
	const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	ssize_t k;

	srv_start(&S, sets);
	/* one client opens more connections than the whole server takes,
	 * and sends nothing on them */
	for (int i = 0; i < N; i++) {
		fds[i] = connect_from("127.0.0.1");
		cr_assert_geq(fds[i], 0);
	}
	/* all but LIMIT are closed at once */
	for (int i = 0; i < N; i++)
		if (!closed_within(fds[i], i == 0 ? 1000 : 200))
			open_++;
	cr_assert_eq(open_, LIMIT, "%d connections of one address stay open (limit %d)",
		     open_, LIMIT);
	/* a client at another address is still answered */
	fd = connect_from("127.0.0.2");
	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	k = recv(fd, reply, sizeof(reply) - 1, 0);
	cr_assert_gt(k, 12, "another client was locked out");
	reply[k] = '\0';
	cr_assert(str_starts(reply, "HTTP/1.1 200"), "%s", reply);
	close(fd);
	for (int i = 0; i < N; i++)
		close(fds[i]);
}

Test(conns, a_header_that_never_ends_is_cut_off)
{
	const char *sets[] = {"server.header_timeout=2", NULL};
	const char *start = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	time_t t0, deadline;
	bool cut = false;
	int fd, idle;

	srv_start(&S, sets);
	/* a header sent a byte every half second: never idle long enough
	 * for the idle timeout, and never finished */
	fd = connect_from("127.0.0.1");
	cr_assert_geq(fd, 0);
	cr_assert_gt(send(fd, start, strlen(start), MSG_NOSIGNAL), 0);
	t0 = time(NULL);
	deadline = t0 + 10;
	while (time(NULL) < deadline) {
		if (closed_within(fd, 500) ||
		    send(fd, "a", 1, MSG_NOSIGNAL) != 1) {
			cut = true;
			break;
		}
	}
	cr_assert(cut, "a header trickling for 10 s was never cut off");
	cr_assert_geq(time(NULL) - t0, 1, "cut off before its time");
	close(fd);
	/* a connection that sends nothing at all is closed too */
	idle = connect_from("127.0.0.1");
	cr_assert_geq(idle, 0);
	cr_assert(closed_within(idle, 8000), "an idle connection stayed open");
	close(idle);
	/* while one that sends its header is answered, and kept alive for
	 * its next request */
	struct client *c = cl_new(&S);
	struct resp *r = cl_get(c, "/healthz");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	r = cl_get(c, "/healthz");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	cl_free(c);
}
