/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Server-Sent Events: channels of recent events, and connections that
 * follow a channel. A connection with nothing to send is suspended (its
 * content reader suspends it and returns 0, as libmicrohttpd prescribes);
 * publishing an event resumes every suspended follower of the channel. A
 * timer resumes everyone every 15 s to send a keep-alive comment, which
 * also lets a stream notice that the server is stopping, or that it has
 * lived its time (server.stream_seconds): it ends, and the browser's
 * EventSource comes back through the gate, so a reader signed out or
 * removed meanwhile hears nothing more. One account holds at most
 * server.max_streams_per_account streams at once (429 beyond).
 */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING 64
#define KEEPALIVE_S 15

struct sse_sub;

struct channel {
	char name[64];
	char *events[RING]; /* formatted "event: ..\ndata: ..\n\n" */
	uint64_t next_seq;  /* seq of the next event; events[seq % RING] */
	struct channel *next;
};

struct sse_sub {
	struct MHD_Connection *conn;
	int64_t account;
	time_t ends; /* then the stream ends; the browser comes back */
	struct channel *ch;
	uint64_t cursor;
	bool suspended;
	bool keepalive;
	char *pending; /* bytes of the current event not yet written */
	size_t plen, poff;
	struct sse_sub *next;
};

/* what http_sse_start leaves in rs->sse */
struct sse_start {
	char channel[64];
	int64_t account;
};

static unsigned per_account, lifetime = 600;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct channel *channels;
static struct sse_sub *subs;
static bool stopping;
static pthread_t timer;
static bool timer_running;
static pthread_cond_t timer_cond = PTHREAD_COND_INITIALIZER;

static struct channel *channel_get(const char *name)
{
	struct channel *c;

	for (c = channels; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	c = xcalloc(1, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->next = channels;
	channels = c;
	return c;
}

static void wake(struct sse_sub *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

static void (*fanout_fn)(const char *, const char *, const char *);

static struct {
	char channel[64];
	void (*fn)(const char *event, const char *data);
} hooks[16];
static size_t nhooks;

void http_sse_on(const char *channel,
		 void (*fn)(const char *event, const char *data))
{
	if (nhooks < ARRAY_LEN(hooks)) {
		snprintf(hooks[nhooks].channel, sizeof(hooks[nhooks].channel),
			 "%s", channel);
		hooks[nhooks].fn = fn;
		nhooks++;
	}
}

void http_sse_set_fanout(void (*fanout)(const char *channel, const char *event,
					 const char *data))
{
	fanout_fn = fanout;
}

void http_sse_publish(const char *channel, const char *event,
		      const char *data)
{
	if (fanout_fn)
		fanout_fn(channel, event, data);
	else
		http_sse_deliver(channel, event, data);
}

void http_sse_deliver(const char *channel, const char *event,
		      const char *data)
{
	for (size_t i = 0; i < nhooks; i++)
		if (strcmp(hooks[i].channel, channel) == 0)
			hooks[i].fn(event, data);
	struct buf b;
	struct channel *c;

	buf_init(&b);
	buf_printf(&b, "event: %s\n", event);
	/* one data: line per line of data */
	for (const char *p = data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t k = nl ? (size_t)(nl - p) : strlen(p);
		buf_puts(&b, "data: ");
		buf_append(&b, p, k);
		buf_putc(&b, '\n');
		p += k + (nl ? 1 : 0);
	}
	buf_putc(&b, '\n');
	pthread_mutex_lock(&lock);
	c = channel_get(channel);
	free(c->events[c->next_seq % RING]);
	c->events[c->next_seq % RING] = buf_steal(&b, NULL);
	c->next_seq++;
	for (struct sse_sub *s = subs; s; s = s->next)
		if (s->ch == c)
			wake(s);
	pthread_mutex_unlock(&lock);
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_sub *s = cls;
	ssize_t n = 0;

	(void)pos;
	pthread_mutex_lock(&lock);
	if (!s->pending) {
		struct channel *c = s->ch;
		if (c->next_seq > RING && s->cursor < c->next_seq - RING) {
			/* fell behind the ring: tell the page to reload */
			s->pending = xstrdup("event: reset\ndata: \n\n");
			s->cursor = c->next_seq;
		} else if (s->cursor < c->next_seq) {
			s->pending = xstrdup(c->events[s->cursor % RING]);
			s->cursor++;
		} else if (stopping || (s->ends && time(NULL) >= s->ends)) {
			/* caught up, and lived its time: it ends, and the
			 * browser comes back through the gate */
			pthread_mutex_unlock(&lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		} else if (s->keepalive) {
			s->pending = xstrdup(": keep-alive\n\n");
		}
		s->keepalive = false;
		if (s->pending) {
			s->plen = strlen(s->pending);
			s->poff = 0;
		}
	}
	if (s->pending) {
		size_t k = s->plen - s->poff;
		if (k > max)
			k = max;
		memcpy(buf, s->pending + s->poff, k);
		s->poff += k;
		n = (ssize_t)k;
		if (s->poff == s->plen) {
			free(s->pending);
			s->pending = NULL;
		}
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&lock);
	return n;
}

static void reader_free(void *cls)
{
	struct sse_sub *s = cls;

	pthread_mutex_lock(&lock);
	for (struct sse_sub **pp = &subs; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	free(s->pending);
	free(s);
}

void http_sse_start(struct http_req *rq, struct http_resp *rs,
		    const char *channel)
{
	struct sse_start *st;
	unsigned held = 0;

	/* one account's streams are bounded: a phone left open in every tab,
	 * or a script, cannot hold the server's connections */
	if (per_account && rq->user.id) {
		pthread_mutex_lock(&lock);
		for (struct sse_sub *s = subs; s; s = s->next)
			held += s->account == rq->user.id;
		pthread_mutex_unlock(&lock);
		if (held >= per_account) {
			http_set_header(rs, "Retry-After", "60");
			http_error(rq, rs, HTTP_E_THROTTLED,
				   N_("Too many live pages are open for this account: close some and reload."));
			return;
		}
	}
	st = arena_alloc(rq->arena, sizeof(*st));
	snprintf(st->channel, sizeof(st->channel), "%s", channel);
	st->account = rq->user.id;
	rs->sse = st;
	rs->status = 200;
}

struct MHD_Response *sse_response(struct req_ctx *ctx)
{
	struct sse_start *st = ctx->rs.sse;
	struct sse_sub *s = xcalloc(1, sizeof(*s));
	struct MHD_Response *r;

	s->conn = ctx->conn;
	s->account = st->account;
	s->ends = lifetime ? time(NULL) + (time_t)lifetime : 0;
	pthread_mutex_lock(&lock);
	s->ch = channel_get(st->channel);
	s->cursor = s->ch->next_seq; /* only what happens from now on */
	/* an opening comment so the client sees the stream at once */
	s->pending = xstrdup(": rudder\nretry: 3000\n\n");
	s->plen = strlen(s->pending);
	s->next = subs;
	subs = s;
	pthread_mutex_unlock(&lock);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s,
					      reader_free);
	if (!r) {
		reader_free(s);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	reply_security_headers(r, ctx->rs.cacheable, ctx->rq.tls);
	return r;
}

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += KEEPALIVE_S;
		pthread_cond_timedwait(&timer_cond, &lock, &ts);
		for (struct sse_sub *s = subs; s; s = s->next) {
			s->keepalive = true;
			wake(s);
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void sse_init(const struct http_config *cfg)
{
	pthread_mutex_lock(&lock);
	per_account = cfg->max_streams_per_account;
	lifetime = cfg->stream_seconds;
	stopping = false;
	pthread_mutex_unlock(&lock);
	if (!timer_running && pthread_create(&timer, NULL, timer_main, NULL) == 0)
		timer_running = true;
}

void sse_stop_all(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	for (struct sse_sub *s = subs; s; s = s->next)
		wake(s);
	pthread_cond_broadcast(&timer_cond);
	pthread_mutex_unlock(&lock);
}

void sse_shutdown(void)
{
	sse_stop_all();
	if (timer_running) {
		pthread_join(timer, NULL);
		timer_running = false;
	}
	pthread_mutex_lock(&lock);
	while (channels) {
		struct channel *c = channels;
		channels = c->next;
		for (int i = 0; i < RING; i++)
			free(c->events[i]);
		free(c);
	}
	pthread_mutex_unlock(&lock);
}
