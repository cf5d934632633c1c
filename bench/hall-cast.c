/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * make bench, the hall's casts (bench/hall): CONNECTIONS threads, each on
 * one keep-alive connection, cast their share of the voting codes at the
 * booth, one POST a code, as fast as the answers come. Prints every
 * answer counted (200, other), the time from the first request to the
 * last answer, and p50/p99 of the answers' latency. wrk cannot do this:
 * it runs for a duration, not for a list of requests each sent once.
 *   hall-cast PORT POLL CSRF COOKIE CODES_FILE CONNECTIONS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, nconn;
static const char *poll_id, *csrf, *cookie;
static char **codes;
static size_t ncodes;
static double *lat; /* per code, ms */
static int *status;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("hall-cast: connect");
		exit(1);
	}
	return fd;
}

/* Reads one answer (headers and a Content-Length body): its status, or
 * 0 when the connection ended. */
static int answer(int fd, char *buf, size_t cap)
{
	size_t got = 0, need = 0;
	char *end = NULL;

	for (;;) {
		ssize_t n;
		if (end && got >= need)
			break;
		n = read(fd, buf + got, cap - 1 - got);
		if (n <= 0)
			return 0;
		got += (size_t)n;
		buf[got] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n"))) {
			char *cl = strcasestr(buf, "\r\nContent-Length:");
			need = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
			if (need >= cap) {
				fprintf(stderr, "hall-cast: an answer too long\n");
				exit(1);
			}
		}
	}
	return atoi(buf + 9);
}

static void *caster(void *arg)
{
	long k = (long)arg;
	char *buf = malloc(1 << 20), req[1024], body[128];
	int fd = dial();

	for (size_t i = (size_t)k; i < ncodes; i += (size_t)nconn) {
		int blen = snprintf(body, sizeof(body), "code=%s&vote=%s", codes[i],
				    i % 3 ? "Y" : "N");
		int n = snprintf(req, sizeof(req),
				 "POST /congress/1/booth/%s?_csrf=%s HTTP/1.1\r\n"
				 "Host: 127.0.0.1:%d\r\nCookie: %s\r\n"
				 "Content-Type: application/x-www-form-urlencoded\r\n"
				 "Content-Length: %d\r\n\r\n%s",
				 poll_id, csrf, port, cookie, blen, body);
		double t = now();
		if (write(fd, req, (size_t)n) != n || !(status[i] = answer(fd, buf, 1 << 20))) {
			/* the server closed a keep-alive connection: again */
			close(fd);
			fd = dial();
			t = now();
			if (write(fd, req, (size_t)n) != n)
				exit(1);
			status[i] = answer(fd, buf, 1 << 20);
		}
		lat[i] = (now() - t) * 1000;
	}
	close(fd);
	free(buf);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	FILE *f;
	char line[64];
	pthread_t *t;
	size_t ok = 0, other = 0, cap = 1024;
	double t0, t1;

	if (argc != 7) {
		fprintf(stderr, "usage: hall-cast PORT POLL CSRF COOKIE CODES CONNECTIONS\n");
		return 2;
	}
	port = atoi(argv[1]);
	poll_id = argv[2];
	csrf = argv[3];
	cookie = argv[4];
	nconn = atoi(argv[6]);
	if (!(f = fopen(argv[5], "r"))) {
		perror(argv[5]);
		return 1;
	}
	codes = malloc(cap * sizeof(*codes));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		if (ncodes == cap)
			codes = realloc(codes, (cap *= 2) * sizeof(*codes));
		codes[ncodes++] = strdup(line);
	}
	fclose(f);
	lat = calloc(ncodes, sizeof(*lat));
	status = calloc(ncodes, sizeof(*status));
	t = calloc((size_t)nconn, sizeof(*t));
	t0 = now();
	for (long k = 0; k < nconn; k++)
		pthread_create(&t[k], NULL, caster, (void *)k);
	for (int k = 0; k < nconn; k++)
		pthread_join(t[k], NULL);
	t1 = now();
	for (size_t i = 0; i < ncodes; i++) {
		ok += status[i] == 200;
		other += status[i] != 200;
	}
	qsort(lat, ncodes, sizeof(*lat), cmp);
	printf("CAST %zu %zu %.3f %.2f %.2f\n", ok, other, t1 - t0,
	       lat[ncodes / 2], lat[ncodes * 99 / 100]);
	return 0;
}
