/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: urlencoded bodies, then validation against a declaration. */
#include <stddef.h>
#include <stdint.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field decl[] = {
	{"email", F_EMAIL, true, 0, "Email", false},
	{"name", F_LINE, false, 20, "Name", false},
	{"n", F_INT, false, 0, "N", false},
	{"b", F_BOOL, false, 0, "B", false},
	{"t", F_TOKEN, false, 0, "T", true},
	{"x", F_TEXT, false, 0, "X", false},
	{"p", F_SECRET, false, 0, "P", false},
	{0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct kv *kv;
	size_t n;
	const struct field *bad;
	const char *why;

	if (form_parse_urlencoded(a, (const char *)data, size, &kv, &n) == 0)
		form_validate(a, decl, &kv, &n, NULL, 0, &bad, &why);
	arena_free(a);
	return 0;
}
