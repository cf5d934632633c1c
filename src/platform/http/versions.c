/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * No lost updates on the API: a record's entity tag is its version,
 * "v3" (strong: the version moves at every write of what its JSON
 * shows), and a write names the version it was made against in If-Match
 * (or the body's "version"). Every module's records use the same two.
 */
#include "http.h"
#include "platform/core/core.h"

#include <stdio.h>
#include <string.h>

void http_etag(struct http_req *rq, struct http_resp *rs, int64_t version)
{
	http_set_header(rs, "ETag",
			arena_printf(rq->arena, "\"v%lld\"", (long long)version));
}

int64_t http_if_match(struct http_req *rq)
{
	const char *h = http_header(rq, "If-Match");
	const char *body = http_field(rq, "version");
	long long v;
	int end = 0;

	if (!h) /* no If-Match: the body's "version", or none (any) */
		return body ? http_field_int(rq, "version", -1) : 0;
	while (*h == ' ' || *h == '\t')
		h++;
	if (strcmp(h, "*") == 0)
		return 0;
	if (strncmp(h, "W/", 2) == 0) /* a weak tag names the same version */
		h += 2;
	if (sscanf(h, "\"v%lld\"%n", &v, &end) == 1 && end > 0 && v > 0 &&
	    h[end + strspn(h + end, " \t")] == '\0')
		return (int64_t)v;
	/* no version of ours (a list, another server's tag): it matches
	 * none, so the write is refused as stale */
	return -1;
}
