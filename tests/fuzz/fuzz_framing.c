/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: the framing headers of a request (Content-Length,
 * Transfer-Encoding). Input: lines "Name: value", as a client sends them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *text = arena_strndup(a, (const char *)data, size), *save = NULL;
	struct http_framing f = {0};

	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		http_framing_add(&f, line, colon + 1);
	}
	arena_free(a);
	return 0;
}
