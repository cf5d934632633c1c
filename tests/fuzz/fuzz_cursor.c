/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: the cursor of an API list (http/list.c), as a client sends
 * it back. Input: the cursor's text. Whatever reads as a cursor names a
 * positive id and is the very text rudder makes for that id. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *text = arena_strndup(a, (const char *)data, size);
	int64_t id = 0;

	if (http_list_cursor_read(text, &id) == 0) {
		assert(id > 0);
		assert(strcmp(http_list_cursor(a, id), text) == 0);
	}
	arena_free(a);
	return 0;
}
