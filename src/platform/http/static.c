/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Static assets compiled into the binary, served under /static/. Pages
 * link them with ?v=<hash of the stylesheet>, so they can be cached for
 * a year; an ETag answers revalidation with 304.
 */
#include "internal.h"
#include "platform/core/assets.h"
#include "platform/i18n/i18n.h"
#include "static.h"

#include <sodium.h>
#include <string.h>

static const char *content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void serve_static(struct http_req *rq, struct http_resp *rs)
{
	const char *file = http_param(rq, "file");
	char *name = arena_printf(rq->arena, "static/%s", file);
	const struct asset *a = asset_find(name);
	unsigned char h[12];
	char hex[25], *etag;
	const char *inm;

	if (!a || strstr(file, "..")) {
		http_error(rq, rs, 404, "not_found",
			   N_("There is nothing at this address."));
		return;
	}
	crypto_generichash(h, sizeof(h), a->data, a->len, NULL, 0);
	hex_encode(h, sizeof(h), hex);
	etag = arena_printf(rq->arena, "\"%s\"", hex);
	rs->cacheable = true;
	http_set_header(rs, "ETag", etag);
	http_set_header(rs, "Cache-Control",
			http_query(rq, "v") ? "public, max-age=31536000, immutable"
					    : "public, max-age=300");
	inm = http_header(rq, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		rs->status = 304;
		return;
	}
	rs->status = 200;
	rs->content_type = content_type(file);
	buf_append(&rs->body, a->data, a->len);
}

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/static/{file*}",
	 .handler = serve_static, .perm = PERM_PUBLIC,
	 .summary = "stylesheet, scripts and icons"},
};

const struct route_table http_static_routes = {"static", routes,
					       ARRAY_LEN(routes)};
