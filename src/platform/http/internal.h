/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Shared between the files of src/platform/http/ only; the one header
 * here that includes libmicrohttpd's.
 */
#ifndef RUDDER_HTTP_INTERNAL_H
#define RUDDER_HTTP_INTERNAL_H

#include "http.h"

#include <microhttpd.h>

/* The server's per-request state (rq->priv). */
struct req_ctx {
	struct http_req rq;
	struct http_resp rs;
	struct MHD_Connection *conn;
	struct http_server *srv;
	int route_index; /* into the flattened route list; -1: none */
	int pending;     /* an error status decided before the body ended */
	const char *pending_code;
	const char *pending_msg;
	size_t limit;
	struct buf body;
	bool too_large;
	bool started;
	int64_t start_ms;
	const char *target; /* path?query as sent */
};

extern const struct http_hooks *http_hooks_current;

/* metrics.c */
void metrics_init(size_t nroutes, const char *const *names);
void metrics_record(int route_index, int status, int64_t ms);

/* sse.c */
/* Turns an SSE response prepared by http_sse_start into an MHD response;
 * NULL when the stream cannot start. */
struct MHD_Response *sse_response(struct req_ctx *ctx);
void sse_stop_all(void);
void sse_init(void);
void sse_shutdown(void);

/* reply.c */
/* Adds the security headers every response carries. */
void reply_security_headers(struct MHD_Response *r, const struct req_ctx *ctx);

#endif
