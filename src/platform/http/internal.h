/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Shared between the files of src/platform/http/ only; the one header
 * here that includes libmicrohttpd's.
 */
#ifndef RUDDER_HTTP_INTERNAL_H
#define RUDDER_HTTP_INTERNAL_H

#include "http.h"

#include <microhttpd.h>
#include <sys/socket.h>

/* The server's per-request state (rq->priv). Made when the request line
 * arrives, freed when the answer has gone (or the connection died). */
struct req_ctx {
	struct http_req rq;
	struct http_resp rs;
	struct MHD_Connection *conn;
	struct http_server *srv;
	int route_index; /* into the flattened route list; -1: none */
	size_t target_len; /* bytes of the request target as sent */
	size_t limit;      /* the largest body this route takes */
	char *body;        /* what arrived of the body; body_cap + 1 bytes */
	size_t body_len, body_cap;
	size_t reserved;   /* bytes of the body budget this request holds */
	size_t announced;  /* Content-Length, 0 when none */
	int addr_slot;     /* its client's share of the budget; -1: none yet */
	int user_slot;     /* its account's share; -1: none yet */
	bool head_done;    /* the headers were looked at (the first call) */
	bool body_expected; /* a length or chunked encoding was announced */
	bool discard;      /* read and drop the body (GET, HEAD) */
	bool answered;     /* rs holds the answer: no handler will run */
	bool queued;
	int64_t start_ms;
	const char *target; /* path?query as sent, without _csrf */
};

extern const struct http_hooks *http_hooks_current;

/* server.c */
/* The route that takes METHOD PATH on the server rq came to, or NULL. */
const struct route *http_route_at(struct http_req *rq, enum http_method m,
				  const char *path);
/* Reads "IP:PORT" or "[IPv6]:PORT" into ss; -1 with a message. */
int http_parse_listen(const char *listen, struct sockaddr_storage *ss,
		      socklen_t *len, char *err, size_t cap);
/* Bytes of request bodies held or promised right now, all requests. */
size_t http_body_reserved(void);

/* metrics.c */
/* Routes by index: their patterns and methods. */
void metrics_init(size_t nroutes, const char *const *names,
		  const enum http_method *methods);
/* route_index < 0: no route matched; method then labels the request. */
void metrics_record(int route_index, enum http_method method, int status,
		    int64_t ms);
/* The listener that serves /metrics and nothing else, on its own address
 * ("IP:PORT" or "unix:/path"). NULL with a message when it cannot listen. */
struct metrics_listener;
struct metrics_listener *metrics_listen(const char *where, char *err,
					size_t cap);
int metrics_listener_port(const struct metrics_listener *m); /* 0: unix */
void metrics_listener_stop(struct metrics_listener *m);

/* deadline.c: a connection must send a whole request header within a
 * time, counted from when it opened or its previous answer went out;
 * past it the connection is shut. */
struct deadlines;
/* NULL when seconds is 0 (no deadline). */
struct deadlines *deadlines_start(unsigned seconds);
void deadlines_stop(struct deadlines *d);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback; cls is d. */
void deadlines_notify(void *cls, struct MHD_Connection *c,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code);
/* A whole header arrived on c: no deadline while the request runs. */
void deadlines_busy(struct MHD_Connection *c);
/* The answer on c went out: the next header is due within the time. */
void deadlines_idle(struct deadlines *d, struct MHD_Connection *c);

/* sse.c */
/* Turns an SSE response prepared by http_sse_start into an MHD response;
 * NULL when the stream cannot start. */
struct MHD_Response *sse_response(struct req_ctx *ctx);
void sse_stop_all(void);
void sse_init(const struct http_config *cfg);
void sse_shutdown(void);

/* reply.c */
/* Adds the security headers every response carries; cacheable answers
 * (static assets) go without no-store, tls ones with HSTS. */
void reply_security_headers(struct MHD_Response *r, bool cacheable, bool tls);

#endif
