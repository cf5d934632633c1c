/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The HTTP server on libmicrohttpd: thread pool, limits, routing, the
 * gate, body collection within a budget, dispatch, and turning a struct
 * http_resp into a response.
 *
 * Two facts from DESIGN.md shape this file: the response is queued on the
 * second call of the access handler (queueing on the first makes MHD close
 * every connection), and the daemon runs a thread pool rather than a
 * single epoll thread.
 *
 * The first call of the access handler comes when the headers are in and
 * no byte of the body has been read. Everything that can be decided then
 * is: the limits on the request line, the headers and the announced
 * length (400/413/414/431), the route (404/405), and the gate (who asks,
 * CSRF, permission). A refusal of a request that announced a body is
 * queued at once, so the body is never read (MHD then closes the
 * connection, which is what a refused upload deserves); other answers
 * wait for the second call. A body the gate let through is counted
 * against one budget for the whole server (server.body_budget): past it
 * the request gets 503 before its body is read.
 */
#include "internal.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

struct flat_route {
	const struct route *r;
	const char *module;
};

struct http_server {
	struct MHD_Daemon *d;
	struct http_config cfg;
	struct flat_route *routes;
	size_t nroutes;
	atomic_int inflight;
	atomic_bool stopping;
	int port;
	struct deadlines *deadlines;
	struct metrics_listener *metrics;
};

const struct http_hooks *http_hooks_current;

/* Bytes of request bodies held or promised (announced lengths), all
 * requests together; one server per process. */
static atomic_size_t body_reserved;

size_t http_body_reserved(void)
{
	return atomic_load(&body_reserved);
}

static const char *const method_names[HTTP__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"};

static enum http_method parse_method(const char *m)
{
	for (int i = 0; i < HTTP_OTHER; i++)
		if (strcmp(m, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

/* Percent-decoding of the path and query arguments. A %00 would end the C
 * string early, hiding the rest from every check, so it becomes a byte
 * that is never valid UTF-8 and the request is refused. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '%' && r[1] && r[2]) {
			int hi = r[1], lo = r[2], h, l;
			h = hi >= '0' && hi <= '9'   ? hi - '0'
			    : hi >= 'a' && hi <= 'f' ? hi - 'a' + 10
			    : hi >= 'A' && hi <= 'F' ? hi - 'A' + 10
						     : -1;
			l = lo >= '0' && lo <= '9'   ? lo - '0'
			    : lo >= 'a' && lo <= 'f' ? lo - 'a' + 10
			    : lo >= 'A' && lo <= 'F' ? lo - 'A' + 10
						     : -1;
			if (h >= 0 && l >= 0) {
				int v = h * 16 + l;
				*w++ = v == 0 ? (char)0xFF : (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ---- request accessors ---- */

static const char *kv_get(const struct kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, name) == 0)
			return kv[i].value;
	return NULL;
}

const char *http_param(struct http_req *rq, const char *name)
{
	return kv_get(rq->params, rq->nparams, name);
}

int64_t http_param_int(struct http_req *rq, const char *name)
{
	int64_t v = 0;
	const char *s = http_param(rq, name);

	if (!s || str_to_i64(s, &v) != 0)
		return 0;
	return v;
}

const char *http_query(struct http_req *rq, const char *name)
{
	return kv_get(rq->query, rq->nquery, name);
}

/* Is name a field the route declared? A handler that reads another is
 * our bug (its value was never checked): debug builds stop at once. */
static bool declared(const struct http_req *rq, const char *name)
{
	const struct field *f = rq->route ? rq->route->fields : NULL;

	if (!rq->route)
		return true; /* an error page before any route matched */
	for (; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return true;
	log_error("http", "%s reads the undeclared field '%s'",
		  rq->route->pattern, name);
	return false;
}

const char *http_field(struct http_req *rq, const char *name)
{
	const char *v;

	assert(declared(rq, name));
	if (rq->method == HTTP_GET || rq->method == HTTP_HEAD)
		v = kv_get(rq->query, rq->nquery, name);
	else
		v = kv_get(rq->form, rq->nform, name);
	return v && *v ? v : NULL;
}

bool http_field_sent(struct http_req *rq, const char *name)
{
	assert(declared(rq, name));
	if (rq->method == HTTP_GET || rq->method == HTTP_HEAD)
		return kv_get(rq->query, rq->nquery, name) != NULL;
	return kv_get(rq->form, rq->nform, name) != NULL;
}

const char *http_field_or(struct http_req *rq, const char *name,
			  const char *keep)
{
	const char *v = http_field(rq, name);

	return v ? v : http_field_sent(rq, name) ? "" : keep;
}

bool http_field_bool(struct http_req *rq, const char *name)
{
	const char *v = http_field(rq, name);

	return v && (strcmp(v, "on") == 0 || strcmp(v, "1") == 0 ||
		     strcmp(v, "true") == 0);
}

int64_t http_field_int(struct http_req *rq, const char *name, int64_t def)
{
	int64_t v;
	const char *s = http_field(rq, name);

	if (!s || str_to_i64(s, &v) != 0)
		return def;
	return v;
}

const char **http_field_all(struct http_req *rq, const char *name,
			    size_t *n_r)
{
	bool get = rq->method == HTTP_GET || rq->method == HTTP_HEAD;
	const struct kv *kv = get ? rq->query : rq->form;
	size_t n = get ? rq->nquery : rq->nform, count = 0;
	const char **out = arena_alloc(rq->arena, (n + 1) * sizeof(*out));

	assert(declared(rq, name));
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, name) == 0 && kv[i].value[0])
			out[count++] = kv[i].value;
	*n_r = count;
	return out;
}

const struct upload *http_file(struct http_req *rq, const char *name)
{
	assert(declared(rq, name));
	for (size_t i = 0; i < rq->nfiles; i++)
		if (strcmp(rq->files[i].field, name) == 0)
			return &rq->files[i];
	return NULL;
}

const char *http_header(struct http_req *rq, const char *name)
{
	struct req_ctx *ctx = rq->priv;

	if (!ctx || !ctx->conn)
		return NULL;
	return MHD_lookup_connection_value(ctx->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *rq, const char *name)
{
	struct req_ctx *ctx = rq->priv;
	const char *v;

	if (!ctx || !ctx->conn)
		return NULL;
	v = MHD_lookup_connection_value(ctx->conn, MHD_COOKIE_KIND, name);
	/* our cookies are base64url or short tokens: anything else is junk */
	if (v) {
		size_t n = strlen(v);
		if (n == 0 || n > 512)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			char c = v[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			      c == '.'))
				return NULL;
		}
	}
	return v;
}

const struct route *http_route_at(struct http_req *rq, enum http_method m,
				  const char *path)
{
	struct req_ctx *ctx = rq->priv;
	struct http_server *s = ctx ? ctx->srv : NULL;

	for (size_t i = 0; s && i < s->nroutes; i++)
		if (s->routes[i].r->method == m &&
		    route_match(rq->arena, s->routes[i].r->pattern, path, NULL,
				NULL))
			return s->routes[i].r;
	return NULL;
}

const char *http_request_target(struct http_req *rq)
{
	struct req_ctx *ctx = rq->priv;
	return ctx && ctx->target ? ctx->target : rq->path;
}

/* ---- building the MHD response ---- */

static struct MHD_Response *make_response(struct req_ctx *ctx)
{
	struct http_resp *rs = &ctx->rs;
	struct MHD_Response *r;
	size_t len;
	char *data;

	if (rs->sse)
		return sse_response(ctx);
	data = buf_steal(&rs->body, &len);
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return NULL;
	}
	if (rs->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					rs->content_type);
	for (size_t i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].key,
					rs->headers[i].value);
	for (size_t i = 0; i < rs->ncookies; i++)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
					rs->cookies[i]);
	reply_security_headers(r, rs->cacheable, ctx->rq.tls);
	return r;
}

static enum MHD_Result queue(struct req_ctx *ctx)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	ctx->queued = true;
	if (ctx->rs.status == 0)
		ctx->rs.status = 200;
	r = make_response(ctx);
	if (!r)
		return MHD_NO;
	rc = MHD_queue_response(ctx->conn, (unsigned)ctx->rs.status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Answers with an error decided by the server itself: no handler runs. */
static void answer(struct req_ctx *ctx, enum http_err e, const char *msgid)
{
	http_resp_reset(&ctx->rs);
	http_error(&ctx->rq, &ctx->rs, e, msgid);
	ctx->answered = true;
}

/* ---- the body and its budget ---- */

/* No one holds more than a share of the budget: one client address, and
 * one account, at most 1/BUDGET_SHARE of it each (counted in slots by a
 * hash, so two that share a slot share the share). Without it, one
 * client with a few dozen slow forms held the whole budget and every
 * other form got 503. Behind an onion service (no client address) only
 * the account's share holds. */
#define BUDGET_SHARE 8
#define SHARE_SLOTS 1024
static atomic_size_t share_addr[SHARE_SLOTS], share_user[SHARE_SLOTS];

static int share_slot(const char *client)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)client; *p; p++)
		h = (h ^ *p) * 16777619u;
	return (int)(h % SHARE_SLOTS);
}

/* Adds extra to a counter unless it would pass cap. */
static bool counter_take(atomic_size_t *n, size_t extra, size_t cap)
{
	size_t cur = atomic_load(n);

	do {
		if (cur > cap || extra > cap - cur)
			return false;
	} while (!atomic_compare_exchange_weak(n, &cur, cur + extra));
	return true;
}

/* Grows the share of the budget this request holds to want bytes; false
 * when the budget, or the client's or the account's share of it, cannot
 * give it. Half of the budget is kept for signed-in accounts: a
 * visitor's body is refused once half is in use. */
static size_t budget_share(const struct http_server *s, bool visitor)
{
	size_t share = s->cfg.body_budget / BUDGET_SHARE;

	/* a visitor's forms are small: half a share; an account's upload of
	 * the largest size must still go through */
	if (visitor)
		return share / 2;
	return share < s->cfg.max_upload ? s->cfg.max_upload : share;
}

static size_t room_in(atomic_size_t *n, size_t cap)
{
	size_t cur = atomic_load(n);
	return cur < cap ? cap - cur : 0;
}

static void share_slots(struct req_ctx *ctx)
{
	if (ctx->addr_slot < 0 && ctx->rq.client)
		ctx->addr_slot = share_slot(ctx->rq.client);
	if (ctx->user_slot < 0 && ctx->rq.user.id)
		ctx->user_slot = (int)((uint64_t)ctx->rq.user.id % SHARE_SLOTS);
}

/* What this request could take now: the least room of the budget and of
 * its shares. */
static size_t budget_room(struct req_ctx *ctx)
{
	size_t cap = ctx->srv->cfg.body_budget / (ctx->rq.user.id ? 1 : 2);
	size_t share = budget_share(ctx->srv, !ctx->rq.user.id);
	size_t room = room_in(&body_reserved, cap), r;

	share_slots(ctx);
	if (ctx->addr_slot >= 0 &&
	    (r = room_in(&share_addr[ctx->addr_slot], share)) < room)
		room = r;
	if (ctx->user_slot >= 0 &&
	    (r = room_in(&share_user[ctx->user_slot], share)) < room)
		room = r;
	return room;
}

static bool budget_take(struct req_ctx *ctx, size_t want)
{
	size_t cap = ctx->srv->cfg.body_budget;
	size_t share = budget_share(ctx->srv, !ctx->rq.user.id);
	size_t extra;

	if (want <= ctx->reserved)
		return true;
	share_slots(ctx);
	if (!ctx->rq.user.id)
		cap /= 2;
	extra = want - ctx->reserved;
	if (!counter_take(&body_reserved, extra, cap))
		return false;
	if (ctx->addr_slot >= 0 &&
	    !counter_take(&share_addr[ctx->addr_slot], extra, share)) {
		atomic_fetch_sub(&body_reserved, extra);
		return false;
	}
	if (ctx->user_slot >= 0 &&
	    !counter_take(&share_user[ctx->user_slot], extra, share)) {
		atomic_fetch_sub(&body_reserved, extra);
		if (ctx->addr_slot >= 0)
			atomic_fetch_sub(&share_addr[ctx->addr_slot], extra);
		return false;
	}
	ctx->reserved = want;
	return true;
}

static void body_drop(struct req_ctx *ctx)
{
	free(ctx->body);
	ctx->body = NULL;
	ctx->body_len = ctx->body_cap = 0;
	if (ctx->reserved) {
		atomic_fetch_sub(&body_reserved, ctx->reserved);
		if (ctx->addr_slot >= 0)
			atomic_fetch_sub(&share_addr[ctx->addr_slot], ctx->reserved);
		if (ctx->user_slot >= 0)
			atomic_fetch_sub(&share_user[ctx->user_slot], ctx->reserved);
		ctx->reserved = 0;
	}
}

static void budget_spent(struct req_ctx *ctx)
{
	answer(ctx, HTTP_E_BUSY,
	       N_("The server is receiving too much at once. Try again in a moment."));
	http_set_header(&ctx->rs, "Retry-After", "10");
}

/* Keeps n more bytes of the body, within the route's limit and the
 * budget; past either, the body is dropped and the answer is an error
 * (sent when the client has finished sending: libmicrohttpd cannot
 * answer in the middle of a body, so what can be decided on the headers
 * is, in head()). */
static void body_take(struct req_ctx *ctx, const char *data, size_t n)
{
	size_t need;

	if (ctx->answered || ctx->discard)
		return;
	if (n > ctx->limit - ctx->body_len) {
		body_drop(ctx);
		answer(ctx, HTTP_E_TOO_LARGE,
		       N_("The request is larger than this server accepts."));
		return;
	}
	need = ctx->body_len + n;
	if (need > ctx->reserved) {
		/* the budget holds what arrived, not what was announced (a
		 * client trickling a big body holds little): grow by doubling,
		 * up to the announced length when there is one */
		size_t want = ctx->reserved ? ctx->reserved : 16384;
		while (want < need)
			want *= 2;
		if (ctx->announced && want > ctx->announced)
			want = ctx->announced;
		if (want > ctx->limit)
			want = ctx->limit;
		if (want < need)
			want = need;
		if (!budget_take(ctx, want)) {
			body_drop(ctx);
			budget_spent(ctx);
			return;
		}
	}
	if (need > ctx->body_cap) {
		/* exactly the announced length, or the share taken above */
		ctx->body_cap = ctx->reserved;
		ctx->body = xrealloc(ctx->body, ctx->body_cap + 1);
	}
	memcpy(ctx->body + ctx->body_len, data, n);
	ctx->body_len += n;
	ctx->body[ctx->body_len] = '\0';
}

/* ---- routing ---- */

static void find_route(struct req_ctx *ctx)
{
	struct http_server *s = ctx->srv;
	struct http_req *rq = &ctx->rq;
	enum http_method m = rq->method == HTTP_HEAD ? HTTP_GET : rq->method;
	bool path_known = false;

	for (size_t i = 0; i < s->nroutes; i++) {
		const struct route *r = s->routes[i].r;
		struct kv *params;
		size_t np;

		if (!route_match(rq->arena, r->pattern, rq->path, &params, &np))
			continue;
		if (r->method != m) {
			path_known = true;
			continue;
		}
		rq->route = r;
		rq->params = params;
		rq->nparams = np;
		ctx->route_index = (int)i;
		return;
	}
	if (path_known) {
		struct buf allow;
		answer(ctx, HTTP_E_METHOD_NOT_ALLOWED,
		       N_("This address does not accept that method."));
		buf_init(&allow);
		for (size_t i = 0; i < s->nroutes; i++) {
			const struct route *r = s->routes[i].r;
			if (route_match(rq->arena, r->pattern, rq->path, NULL, NULL)) {
				buf_printf(&allow, "%s%s", allow.len ? ", " : "",
					   method_names[r->method]);
				if (r->method == HTTP_GET)
					buf_puts(&allow, ", HEAD");
			}
		}
		http_set_header(&ctx->rs, "Allow", allow.data);
		buf_free(&allow);
	} else {
		answer(ctx, HTTP_E_NOT_FOUND,
		       N_("There is nothing at this address."));
	}
}

static const char *client_address(struct req_ctx *ctx)
{
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN] = "";

	/* behind an onion service every client is the relay: an address
	 * that is everyone's must not throttle anyone */
	if (ctx->srv->cfg.shared_address)
		return NULL;
	if (ctx->srv->cfg.trust_proxy) {
		const char *xff = http_header(&ctx->rq, "X-Forwarded-For");
		if (xff && *xff) {
			const char *last = strrchr(xff, ',');
			char *v = arena_strdup(ctx->rq.arena, last ? last + 1 : xff);
			return str_trim(v);
		}
	}
	ci = MHD_get_connection_info(ctx->conn,
				     MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  addr, sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  addr, sizeof(addr));
	}
	return arena_strdup(ctx->rq.arena, addr);
}

struct arg_collect {
	struct req_ctx *ctx;
	struct kv *kv;
	size_t n, cap;
	bool bad;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
				   const char *key, const char *value)
{
	struct arg_collect *ac = cls;
	struct arena *a = ac->ctx->rq.arena;

	(void)kind;
	if (!value)
		value = "";
	if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value)) ||
	    ac->n >= 200) {
		ac->bad = true;
		return MHD_NO;
	}
	ac->kv = arena_grow(a, ac->kv, ac->n, &ac->cap, sizeof(*ac->kv));
	ac->kv[ac->n].key = arena_strdup(a, key);
	ac->kv[ac->n].value = arena_strdup(a, value);
	ac->kv[ac->n].len = strlen(value);
	ac->n++;
	return MHD_YES;
}

/* ---- how long the body is (framing.c reads each header) ---- */

static enum MHD_Result collect_framing(void *cls, enum MHD_ValueKind kind,
				       const char *key, const char *value)
{
	(void)kind;
	http_framing_add(cls, key, value);
	return MHD_YES;
}

/* ---- the first call: everything the headers decide ---- */

static void head(struct req_ctx *ctx, const char *url, const char *method)
{
	struct http_server *s = ctx->srv;
	struct http_req *rq = &ctx->rq;
	struct arg_collect ac = {.ctx = ctx};
	struct http_framing f = {0};
	const union MHD_ConnectionInfo *ci;

	rq->method = parse_method(method);
	rq->tls = s->cfg.tls_proxy;
	rq->path = arena_strdup(rq->arena, url);
	rq->api = str_starts(url, "/api/");
	rq->client = client_address(ctx);
	ctx->limit = s->cfg.max_body;
	ctx->discard = rq->method == HTTP_GET || rq->method == HTTP_HEAD;
	rq->lang = i18n_negotiate(http_header(rq, "Accept-Language"));
	if (http_hooks_current && http_hooks_current->lang)
		http_hooks_current->lang(rq);

	MHD_get_connection_values(ctx->conn, MHD_HEADER_KIND, collect_framing,
				  &f);
	ctx->body_expected = f.chunked || (f.nlengths > 0 && f.length > 0);
	if (!utf8_valid(url, strlen(url)) || url[0] != '/') {
		answer(ctx, HTTP_E_BAD_PATH,
		       N_("The address holds characters that are not allowed."));
		return;
	}
	if (f.conflict || (f.chunked && f.nlengths > 0)) {
		/* a proxy and rudder could read different bodies: refuse */
		answer(ctx, HTTP_E_CONFLICTING_LENGTH,
		       N_("The request states its length in conflicting ways."));
		return;
	}
	if (ctx->target_len > s->cfg.max_url) {
		answer(ctx, HTTP_E_URI_TOO_LONG,
		       N_("The address is longer than this server accepts."));
		return;
	}
	ci = MHD_get_connection_info(ctx->conn,
				     MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (ci && ci->header_size > s->cfg.max_header) {
		answer(ctx, HTTP_E_HEADERS_TOO_LARGE,
		       N_("The request headers are larger than this server accepts."));
		return;
	}
	find_route(ctx);
	if (ctx->answered)
		return;
	if (rq->route->flags & ROUTE_UPLOAD)
		ctx->limit = s->cfg.max_upload;
	if (f.nlengths > 0 && f.length > ctx->limit) {
		answer(ctx, HTTP_E_TOO_LARGE,
		       N_("The request is larger than this server accepts."));
		return;
	}
	MHD_get_connection_values(ctx->conn, MHD_GET_ARGUMENT_KIND, collect_arg,
				  &ac);
	if (ac.bad) {
		answer(ctx, HTTP_E_BAD_QUERY,
		       N_("The address holds characters that are not allowed."));
		return;
	}
	rq->query = ac.kv;
	rq->nquery = ac.n;
	/* the target for "next" links: the path and its query, without a
	 * CSRF token, which must not travel on into links and redirects */
	if (ac.n > 0) {
		struct buf t;
		size_t k = 0;
		buf_init(&t);
		buf_puts(&t, rq->path);
		for (size_t i = 0; i < ac.n; i++) {
			if (strcmp(ac.kv[i].key, "_csrf") == 0)
				continue;
			buf_putc(&t, k++ ? '&' : '?');
			http_urlencode(&t, ac.kv[i].key);
			buf_putc(&t, '=');
			http_urlencode(&t, ac.kv[i].value);
		}
		ctx->target = arena_strndup(rq->arena, t.data, t.len);
		buf_free(&t);
	}
	/* who asks and whether they may, before any byte of the body */
	if (http_hooks_current && http_hooks_current->gate &&
	    http_hooks_current->gate(rq, &ctx->rs) != 0) {
		ctx->answered = true;
		return;
	}
	/* an announced body that could not fit now, in the budget or in its
	 * client's or account's share, is refused now; one that could takes
	 * its room as it arrives */
	if (!ctx->discard && f.nlengths > 0 && f.length > 0) {
		ctx->announced = (size_t)f.length;
		if (ctx->announced > budget_room(ctx))
			budget_spent(ctx);
	}
}

static int parse_body(struct req_ctx *ctx)
{
	struct http_req *rq = &ctx->rq;
	const char *ct = http_header(rq, "Content-Type");
	char err[128];

	rq->body = ctx->body ? ctx->body : "";
	rq->body_len = ctx->body_len;
	rq->content_type = ct;
	if (rq->body_len == 0)
		return 0;
	if (!ct) {
		answer(ctx, HTTP_E_UNSUPPORTED_MEDIA,
		       N_("The request body has no content type."));
		return -1;
	}
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		if (form_parse_urlencoded(rq->arena, rq->body, rq->body_len,
					  &rq->form, &rq->nform) != 0)
			goto bad;
	} else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
		if (form_parse_multipart(rq->arena, ct, rq->body, rq->body_len,
					 &rq->form, &rq->nform, &rq->files,
					 &rq->nfiles, err, sizeof(err)) != 0)
			goto bad;
	} else if (strncasecmp(ct, "application/json", 16) == 0) {
		if (form_from_json(rq->arena, rq->body, rq->body_len, &rq->form,
				   &rq->nform, &rq->json) != 0)
			goto bad;
	} else {
		answer(ctx, HTTP_E_UNSUPPORTED_MEDIA,
		       N_("The request body is of a type this address does not accept."));
		return -1;
	}
	return 0;
bad:
	answer(ctx, HTTP_E_MALFORMED_BODY, N_("The request body is malformed."));
	return -1;
}

/* ---- the last call: the body is in; validate and run the handler ---- */

static void dispatch(struct req_ctx *ctx)
{
	struct http_req *rq = &ctx->rq;
	struct http_resp *rs = &ctx->rs;
	const struct field *bad = NULL;
	const char *why = NULL;
	bool get = rq->method == HTTP_GET || rq->method == HTTP_HEAD;
	http_handler handler = rq->route->handler;

	if (!get && parse_body(ctx) != 0)
		return;
	/* declared fields: the query for GET, the body otherwise */
	if (rq->route->fields || (!get && rq->nform + rq->nfiles > 0)) {
		struct field_error *errs = NULL;
		int rc = get ? form_check(rq->arena, rq->route->fields,
					  &rq->query, &rq->nquery, NULL, 0, &bad,
					  &why, &errs, &rq->nrefused)
			     : form_check(rq->arena, rq->route->fields,
					  &rq->form, &rq->nform, rq->files,
					  rq->nfiles, &bad, &why, &errs,
					  &rq->nrefused);

		rq->refused = errs;
		if (rc == 1) {
			bad = rq->refused[0].field;
			why = rq->refused[0].msgid;
		}
		if (rc == 1 && rq->route->refused && !rq->api) {
			/* the form again, each refusal beside its field */
			handler = rq->route->refused;
		} else if (rc < 0) {
			http_error_detail(rq, rs, HTTP_E_BAD_FORM, NULL,
					  arena_printf(rq->arena, "%s: %s",
						       bad->name,
						       tr(rq->lang, why)));
			return;
		} else if (rc != 0) {
			http_error_field(rq, rs, bad->name,
					 bad->label ? tr(rq->lang, bad->label)
						    : NULL,
					 why);
			return;
		}
	}
	if (http_hooks_current && http_hooks_current->invoke)
		http_hooks_current->invoke(rq, rs, handler);
	else
		handler(rq, rs);
	if (http_hooks_current && http_hooks_current->after)
		http_hooks_current->after(rq, rs);
}

/* MHD_OPTION_URI_LOG_CALLBACK: the request line has arrived (its target
 * as sent, before any decoding). The request's state starts here and
 * is freed in on_completed, whatever happens in between. */
static void *on_request_line(void *cls, const char *uri,
			     struct MHD_Connection *conn)
{
	struct http_server *s = cls;
	struct req_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->srv = s;
	ctx->conn = conn;
	ctx->route_index = -1;
	ctx->addr_slot = ctx->user_slot = -1;
	ctx->start_ms = time_now_ms();
	ctx->target_len = uri ? strlen(uri) : 0;
	ctx->rq.arena = arena_new();
	ctx->rq.priv = ctx;
	ctx->rq.method = HTTP_OTHER;
	ctx->rq.lang = "en";
	buf_init(&ctx->rs.body);
	return ctx;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_ctx *ctx = *con_cls;

	(void)version;
	if (!ctx) /* not expected: the request-line callback makes it */
		*con_cls = ctx = on_request_line(s, url, conn);
	if (!ctx->head_done) {
		/* counted from here: a connection still sending its header
		 * does not hold up a shutdown */
		atomic_fetch_add(&s->inflight, 1);
		ctx->head_done = true;
		deadlines_busy(conn);
		head(ctx, url, method);
		/* a refusal of a body is sent now: the body is never read */
		if (ctx->answered && ctx->body_expected)
			return queue(ctx);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		body_take(ctx, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->queued)
		return MHD_YES; /* already answered */
	if (!ctx->answered)
		dispatch(ctx);
	body_drop(ctx); /* the handler is done with it */
	return queue(ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req_ctx *ctx = *con_cls;
	int status;

	(void)toe;
	deadlines_idle(s->deadlines, conn);
	if (!ctx)
		return;
	status = ctx->rs.status;
	if (!status) {
		/* an answer of libmicrohttpd's own (a malformed request) */
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_HTTP_STATUS);
		status = ci ? (int)ci->http_status : 499;
	}
	metrics_record(ctx->route_index, ctx->rq.method, status,
		       time_now_ms() - ctx->start_ms);
	body_drop(ctx);
	buf_free(&ctx->rs.body);
	for (size_t i = 0; i < ctx->rs.ncookies; i++)
		free(ctx->rs.cookies[i]);
	for (size_t i = 0; i < ctx->rs.nheaders; i++)
		free((char *)ctx->rs.headers[i].value);
	arena_free(ctx->rq.arena);
	if (ctx->head_done)
		atomic_fetch_sub(&s->inflight, 1);
	free(ctx);
	*con_cls = NULL;
}

int http_parse_listen(const char *listen, struct sockaddr_storage *ss,
		      socklen_t *len, char *err, size_t cap)
{
	char host[128];
	const char *colon;
	int64_t port;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(close - listen - 1),
			 listen + 1);
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen),
			 listen);
	}
	if (str_to_i64(colon + 1, &port) != 0 || port < 0 || port > 65535)
		goto bad;
	{
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
			in4->sin_family = AF_INET;
			in4->sin_port = htons((uint16_t)port);
			*len = sizeof(*in4);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*in6);
			return 0;
		}
	}
bad:
	snprintf(err, cap,
		 "cannot use '%s' as a listen address (want IP:PORT, e.g. "
		 "127.0.0.1:8080 or [::1]:8080)",
		 listen);
	return -1;
}

int http_listen_ok(const char *listen, char *err, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return http_parse_listen(listen ? listen : "", &ss, &len, err, cap);
}

int http_metrics_listen_ok(const char *listen, char *err, size_t cap)
{
	if (!listen || !*listen)
		return 0;
	if (str_starts(listen, "unix:")) {
		const char *path = listen + 5;
		struct sockaddr_un un;
		if (path[0] != '/' || strlen(path) >= sizeof(un.sun_path)) {
			snprintf(err, cap,
				 "cannot use '%s' for metrics (want unix: and an "
				 "absolute path of at most %zu bytes)",
				 listen, sizeof(un.sun_path) - 1);
			return -1;
		}
		return 0;
	}
	return http_listen_ok(listen, err, cap);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* MHD messages may name client addresses: keep only the gist */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (strstr(msg, "client") || strstr(msg, "peer") ||
	    strstr(msg, "address"))
		return;
	log_debug("mhd", "%s", msg);
}

struct http_server *http_start(const struct http_config *cfg, char *err,
			       size_t cap)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sslen;
	const union MHD_DaemonInfo *di;
	const char **names;
	enum http_method *methods;
	size_t pool;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	s->cfg = *cfg;
	if (http_parse_listen(cfg->listen, &ss, &sslen, err, cap) != 0) {
		free(s);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	for (size_t t = 0; t < cfg->ntables; t++)
		s->nroutes += cfg->tables[t].n;
	s->routes = xcalloc(s->nroutes + 1, sizeof(*s->routes));
	names = xcalloc(s->nroutes + 1, sizeof(*names));
	methods = xcalloc(s->nroutes + 1, sizeof(*methods));
	{
		size_t k = 0;
		for (size_t t = 0; t < cfg->ntables; t++)
			for (size_t i = 0; i < cfg->tables[t].n; i++) {
				s->routes[k].r = &cfg->tables[t].routes[i];
				s->routes[k].module = cfg->tables[t].module;
				names[k] = cfg->tables[t].routes[i].pattern;
				methods[k] = cfg->tables[t].routes[i].method;
				k++;
			}
	}
	metrics_init(s->nroutes, names, methods);
	free(names);
	free(methods);
	if (cfg->metrics_listen && *cfg->metrics_listen) {
		s->metrics = metrics_listen(cfg->metrics_listen, err, cap);
		if (!s->metrics) {
			free(s->routes);
			free(s);
			return NULL;
		}
	}
	sse_init(cfg);
	http_hooks_current = &s->cfg.hooks;
	s->deadlines = deadlines_start(cfg->header_timeout);
	/* libmicrohttpd keeps a request's line and headers in a pool of its
	 * own per connection; when they overflow it, it answers 414 or 431
	 * itself, without our headers. The pool is twice our own limit, so
	 * that what passes our limit by a little is answered by us. */
	pool = 2 * cfg->max_header;
	if (pool < 32768)
		pool = 32768;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)cfg->max_per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, deadlines_notify, s->deadlines,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, cap, "cannot listen on %s (in use, or not ours?)",
			 cfg->listen);
		deadlines_stop(s->deadlines);
		metrics_listener_stop(s->metrics);
		sse_shutdown();
		http_hooks_current = NULL;
		free(s->routes);
		free(s);
		return NULL;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	return s;
}

int http_port(struct http_server *s)
{
	return s->port;
}

int http_metrics_port(struct http_server *s)
{
	return s->metrics ? metrics_listener_port(s->metrics) : 0;
}

void http_stop(struct http_server *s, int grace_ms)
{
	int64_t until = time_now_ms() + grace_ms;
	struct timespec ts = {0, 10 * 1000000L};

	if (!s)
		return;
	atomic_store(&s->stopping, true);
	MHD_quiesce_daemon(s->d);
	/* live streams end so their connections can drain */
	sse_stop_all();
	while (atomic_load(&s->inflight) > 0 && time_now_ms() < until)
		nanosleep(&ts, NULL);
	if (atomic_load(&s->inflight) > 0)
		log_warn("http", "%d requests still running at shutdown",
			 atomic_load(&s->inflight));
	MHD_stop_daemon(s->d);
	deadlines_stop(s->deadlines);
	metrics_listener_stop(s->metrics);
	sse_shutdown();
	http_hooks_current = NULL;
	free(s->routes);
	free(s);
}
