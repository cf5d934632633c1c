/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: multipart/form-data bodies. The first line of the input is
 * the Content-Type header, the rest the body. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	const char *nl = memchr(data, '\n', size);
	char *ct, err[128];
	struct kv *kv;
	struct upload *up;
	size_t nkv, nup;

	if (nl) {
		ct = arena_strndup(a, (const char *)data, (size_t)(nl - (const char *)data));
		form_parse_multipart(a, ct, nl + 1,
				     size - (size_t)(nl + 1 - (const char *)data), &kv,
				     &nkv, &up, &nup, err, sizeof(err));
	}
	arena_free(a);
	return 0;
}
