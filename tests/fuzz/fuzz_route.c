/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: route patterns and paths. Input: pattern NUL path. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *copy = arena_strndup(a, (const char *)data, size);
	const char *nul = memchr(data, 0, size);
	const char *path = nul ? copy + (nul - (const char *)data) + 1 : "/";
	char err[64];
	struct kv *p;
	size_t n;
	static const char *const fixed[] = {"/admin/users/{id:int}",
					    "/u/{id:int}/g/{gid:int}/revoke",
					    "/static/{file*}", "/b/{name}", "/"};

	/* the fuzzed text as a path against our patterns */
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		route_match(a, fixed[i], copy, &p, &n);
	/* and as a pattern, when it is a well-formed one */
	if (route_pattern_check(copy, err, sizeof(err)) == 0)
		route_match(a, copy, path, &p, &n);
	arena_free(a);
	return 0;
}
