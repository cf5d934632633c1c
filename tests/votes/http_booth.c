/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The voting booth over real HTTP: the door team prints a delegate's
 * sheet of one-time codes; at the booth, with no account, a code opens
 * the delegate's ballots and votes once; a used code, a mistyped one,
 * one of another congress and one of a replaced sheet all open nothing,
 * alike; a refused cast (the delegate voted on their phone) keeps the
 * code. Then SIGKILL: rudder serve is killed while hundreds of casts
 * are under way, and after the restart every acknowledged ballot is
 * there, no mandate has voted twice, and the marks' weight equals the
 * ballots in every poll.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(booth, .init = up, .fini = down, .timeout = 300);

static const char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *at(const char *fmt, ...)
{
	static char ring[8][1024];
	static int next;
	char *b = ring[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return b;
}

static long post(struct client *c, const char *path, const char *form,
		 const char *want)
{
	struct resp *r = cl_post(c, path, "%s", form);
	long status = r->status;

	if (want)
		cr_assert(strstr(r->body, want), "%s %s → %ld, wanted \"%s\": %s",
			  path, form, status, want, r->body);
	resp_free(r);
	return status;
}

/* The chair opens a new yes/no poll of congress 1: its id. */
static char *open_poll(struct client *ch, const char *question)
{
	struct resp *r = cl_post(ch, "/congress/1/polls", "question=%s&kind=yna"
				 "&secret=on&publish_receipts=on", question);
	char *path, *id;

	cr_assert_eq(r->status, 303, "%s", r->body);
	path = xstrdup(resp_header(r, "Location"));
	resp_free(r);
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	id = xstrdup(strrchr(path, '/') + 1);
	free(path);
	return id;
}

/* The door prints a sheet of n codes for participant: the codes. */
static int sheet(struct client *door, const char *participant, int n,
		 char codes[][16])
{
	struct resp *r = cl_post(door, "/congress/1/codes", "participant=%s&count=%d",
				 participant, n);
	const char *p = r->body;
	int k = 0;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(strcmp(resp_header(r, "Cache-Control"), "no-store"), 0);
	while (k < n && (p = strstr(p, "<li class=\"receipt\">"))) {
		p += strlen("<li class=\"receipt\">");
		snprintf(codes[k++], 16, "%.*s", (int)strcspn(p, "<"), p);
	}
	resp_free(r);
	cr_assert_eq(k, n);
	return k;
}

static char *participant_of(struct client *c)
{
	struct resp *r = cl_get(c, "/api/v1/session");
	json_t *j = json_loads(r->body, 0, NULL);
	json_int_t uid = json_integer_value(
		json_object_get(json_object_get(j, "user"), "id"));
	char *id = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 "
				 "AND account_id = %lld", (long long)uid);

	json_decref(j);
	resp_free(r);
	return id;
}

Test(booth, a_sheet_of_codes_votes_once_each_at_the_booth)
{
	struct client *door = cl_as(&S, "door@example.org", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *anon = cl_new(&S);
	char codes[3][16], again[2][16], *poll, *poll2, *part;
	struct resp *r;

	part = participant_of(mem);
	/* only the door team prints; only for a delegate of this congress */
	cr_assert_eq(post(mem, "/congress/1/codes", at("participant=%s", part), NULL),
		     403);
	cr_assert_eq(post(door, "/congress/1/codes", "participant=999999",
			  "Choose one of the congress&#39;s delegates."), 422);
	sheet(door, part, 3, codes);
	/* the codes are nowhere in the database, only their hashes */
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM vote_codes WHERE "
				       "participant_id = %s", part), "3");
	poll = open_poll(ch, "Elect+the+presidium");
	poll2 = open_poll(ch, "Adopt+the+agenda");

	/* the booth says nothing of the congress before a code */
	r = cl_get(anon, "/congress/1/booth");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(!strstr(r->body, "Fourth conference"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(anon, "/congress/1/booth", "code=AAAA-BBBB-CCCC",
			  "That code opens nothing"), 403);
	/* a code of congress 1 at another congress's booth: the same */
	cr_assert_eq(post(anon, "/congress/2/booth", at("code=%s", codes[0]),
			  "That code opens nothing"), 403);
	/* typed loosely, it opens the delegate's ballots */
	r = cl_post(anon, "/congress/1/booth", "code=%s", urlenc(at(" %s ", codes[0])));
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Fourth conference"), "%s", r->body);
	cr_assert(strstr(r->body, "Elect the presidium"), "%s", r->body);
	cr_assert(strstr(r->body, at("name=\"code\" value=\"%s\"", codes[0])), "%s",
		  r->body);
	cr_assert_str_eq(resp_header(r, "Cache-Control"), "no-store");
	resp_free(r);
	/* it votes once */
	r = cl_post(anon, at("/congress/1/booth/%s", poll), "code=%s&vote=Y", codes[0]);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Your vote is in the ballot box."), "%s", r->body);
	cr_assert(strstr(r->body, "<li class=\"receipt\">"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(anon, at("/congress/1/booth/%s", poll2),
			  at("code=%s&vote=Y", codes[0]), "That code opens nothing"),
		     403);
	/* the next code: that poll is voted, the code is kept */
	cr_assert_eq(post(anon, at("/congress/1/booth/%s", poll),
			  at("code=%s&vote=N", codes[1]), "You have voted in this poll."),
		     409);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM vote_codes WHERE "
				       "participant_id = %s", part), "2");
	/* the delegate votes the other poll on their phone: the booth
	 * refuses it too, and keeps the code */
	cr_assert_eq(post(mem, at("/congress/1/polls/%s/ballots", poll2), "vote=A", NULL),
		     200);
	cr_assert_eq(post(anon, at("/congress/1/booth/%s", poll2),
			  at("code=%s&vote=N", codes[1]), "You have voted"), 409);
	/* a new sheet: every old code dies */
	sheet(door, part, 2, again);
	cr_assert_eq(post(anon, "/congress/1/booth", at("code=%s", codes[2]),
			  "That code opens nothing"), 403);
	cr_assert_eq(post(anon, "/congress/1/booth", at("code=%s", again[0]),
			  "You have voted in this poll."), 200);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM ballots WHERE poll_id "
				       "IN (%s, %s)", poll, poll2),
			 srv_value(&S, "SELECT coalesce(sum(d.weight), 0) FROM "
				       "poll_marks m JOIN mandates d ON d.id = "
				       "m.mandate_id WHERE m.poll_id IN (%s, %s)",
				       poll, poll2));
	free(poll);
	free(poll2);
	free(part);
	cl_free(door);
	cl_free(ch);
	cl_free(mem);
	cl_free(anon);
}

/* ---- SIGKILL during the casts ---- */

enum { POLLS = 8, MAXD = 64, MAXACK = POLLS * MAXD * 4 };

struct job {
	char code[16];
	const char *poll;
};

static struct {
	struct job jobs[POLLS * MAXD];
	int njobs;
	atomic_int next;
	int port;
	char cookie[256], csrf[128];
	pthread_mutex_t mu;
	char acked[MAXACK][32]; /* receipts acknowledged */
	int nacked;
	atomic_int answers;
} K = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* A POST over a raw socket (the server may die under it): the status
 * (0: no answer) and the body. */
static int raw_post(const char *path, const char *body, char *out, size_t cap)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)K.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
	char req[2048];
	size_t got = 0;
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return 0;
	}
	n = snprintf(req, sizeof(req),
		     "POST %s?_csrf=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		     "Cookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		     path, K.csrf, K.port, K.cookie, strlen(body), body);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return 0;
	}
	while (got + 1 < cap && (n = read(fd, out + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	sscanf(out, "HTTP/1.1 %d", &status);
	return status;
}

static void *caster(void *arg)
{
	static __thread char page[1 << 16];
	int i;

	(void)arg;
	while ((i = atomic_fetch_add(&K.next, 1)) < K.njobs) {
		const char *p;
		int st = raw_post(at("/congress/1/booth/%s", K.jobs[i].poll),
				  at("code=%s&vote=%s", K.jobs[i].code, i % 3 ? "Y" : "N"),
				  page, sizeof(page));
		if (st == 0)
			break; /* killed */
		atomic_fetch_add(&K.answers, 1);
		if (st != 200)
			continue;
		pthread_mutex_lock(&K.mu);
		for (p = page; (p = strstr(p, "<li class=\"receipt\">")) && K.nacked < MAXACK;) {
			p += strlen("<li class=\"receipt\">");
			snprintf(K.acked[K.nacked++], 32, "%.*s", (int)strcspn(p, "<"), p);
		}
		pthread_mutex_unlock(&K.mu);
	}
	return NULL;
}

Test(booth, sigkill_during_hundreds_of_casts_loses_no_acknowledged_ballot)
{
	struct client *door = cl_as(&S, "door@example.org", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *anon;
	char *polls[POLLS], *list, *ids;
	char codes[POLLS][16];
	pthread_t t[6];
	int nd = 0, status;

	for (int i = 0; i < POLLS; i++)
		polls[i] = open_poll(ch, at("Poll+%d", i + 1));
	/* every delegate present with a checked mandate: a sheet each */
	if (!on_pg())
		ids = srv_sql(&S, "SELECT group_concat(id, ' ') FROM (SELECT DISTINCT "
				  "p.id FROM participants p JOIN mandates m ON "
				  "m.participant_id = p.id WHERE p.congress_id = 1 AND "
				  "p.kind = 'delegate' AND p.present = 1 AND p.removed_at "
				  "IS NULL AND m.checked_at IS NOT NULL ORDER BY p.id)");
	else {
		ids = srv_sql(&S, "SELECT string_agg(id::text, ' ') FROM (SELECT "
				  "DISTINCT p.id FROM participants p JOIN mandates m "
				  "ON m.participant_id = p.id WHERE p.congress_id = 1 "
				  "AND p.kind = 'delegate' AND p.present = 1 AND "
				  "p.removed_at IS NULL AND m.checked_at IS NOT NULL) x");
	}
	cr_assert(ids && *ids);
	for (char *save = NULL, *id = strtok_r(ids, " ", &save); id && nd < MAXD;
	     id = strtok_r(NULL, " ", &save), nd++) {
		sheet(door, id, POLLS, codes);
		for (int i = 0; i < POLLS; i++)
			K.jobs[K.njobs++] = (struct job){.poll = polls[i]};
		for (int i = 0; i < POLLS; i++)
			strcpy(K.jobs[K.njobs - POLLS + i].code, codes[i]);
	}
	cr_assert_geq(K.njobs, 200, "hundreds of casts (%d)", K.njobs);
	/* shuffled, as a hall votes */
	for (int i = K.njobs - 1; i > 0; i--) {
		int j = rand() % (i + 1);
		struct job x = K.jobs[i];
		K.jobs[i] = K.jobs[j];
		K.jobs[j] = x;
	}
	anon = cl_new(&S);
	{
		char *csrf = cl_csrf(anon), *cookie = cl_cookie(anon, "rudder_csrf");
		cr_assert(csrf && cookie, "an anonymous CSRF cookie");
		snprintf(K.csrf, sizeof(K.csrf), "%s", csrf);
		snprintf(K.cookie, sizeof(K.cookie), "rudder_csrf=%s", cookie);
		free(csrf);
		free(cookie);
	}
	K.port = S.port;
	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, caster, NULL);
	/* killed once a third of the casts have been answered */
	while (atomic_load(&K.answers) < K.njobs / 3)
		usleep(1000);
	kill(S.pid, SIGKILL);
	waitpid(S.pid, &status, 0);
	S.pid = 0;
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	cr_log_info("SIGKILL after %d answers of %d casts; %d ballots acknowledged",
		    atomic_load(&K.answers), K.njobs, K.nacked);
	cr_assert_gt(K.nacked, 50, "casts acknowledged before the kill (%d)", K.nacked);
	cr_assert_lt(atomic_load(&K.next), K.njobs + 6, "the kill came mid-way");

	srv_start(&S, NULL);
	cl_free(ch);
	ch = cl_as(&S, "chair@example.org", "en");
	/* per poll: no mandate twice (the key), marks' weight = ballots */
	for (int i = 0; i < POLLS; i++) {
		cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM ballots WHERE "
					       "poll_id = %s", polls[i]),
				 srv_value(&S, "SELECT coalesce(sum(d.weight), 0) FROM "
					       "poll_marks m JOIN mandates d ON d.id "
					       "= m.mandate_id WHERE m.poll_id = %s",
					       polls[i]),
				 "poll %s", polls[i]);
		cr_assert_str_eq(srv_value(&S, "SELECT count(*) - count(DISTINCT "
					       "mandate_id) FROM poll_marks WHERE "
					       "poll_id = %s", polls[i]), "0");
	}
	/* every acknowledged receipt is in a published list */
	list = xstrdup("");
	for (int i = 0; i < POLLS; i++) {
		struct resp *r;
		char *more;
		cr_assert_eq(post(ch, at("/congress/1/polls/%s", polls[i]), "action=close",
				  NULL), 303);
		r = cl_get(ch, at("/congress/1/polls/%s/ballots.csv", polls[i]));
		cr_assert_eq(r->status, 200);
		more = xasprintf("%s%s", list, r->body);
		free(list);
		list = more;
		resp_free(r);
	}
	for (int i = 0; i < K.nacked; i++) {
		char plain[32];
		size_t k = 0;
		for (const char *s = K.acked[i]; *s; s++)
			if (*s != '-')
				plain[k++] = *s;
		plain[k] = '\0';
		cr_assert(strstr(list, plain), "acknowledged receipt %s is lost", plain);
	}
	free(list);
	free(ids);
	for (int i = 0; i < POLLS; i++)
		free(polls[i]);
	cl_free(anon);
	cl_free(door);
	cl_free(ch);
}
