/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: urlencoded bodies, then validation against a declaration. */
#include <stddef.h>
#include <stdint.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field decl[] = {
	{.name = "email", .type = F_EMAIL, .required = true, .label = "Email"},
	{.name = "name", .type = F_LINE, .max_len = 20, .label = "Name"},
	{.name = "n", .type = F_INT, .label = "N"},
	{.name = "b", .type = F_BOOL, .label = "B"},
	{.name = "t", .type = F_TOKEN, .label = "T", .multi = true},
	{.name = "x", .type = F_TEXT, .label = "X"},
	{.name = "p", .type = F_SECRET, .label = "P"},
	{0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct kv *kv;
	size_t n;
	const struct field *bad;
	const char *why;
	struct field_error *errs;
	size_t nerrs;

	if (form_parse_urlencoded(a, (const char *)data, size, &kv, &n) == 0 &&
	    form_check(a, decl, &kv, &n, NULL, 0, &bad, &why, &errs, &nerrs) == 1)
		for (size_t i = 0; i < nerrs; i++) /* each names a declared field */
			if (!errs[i].field || !errs[i].field->name || !errs[i].msgid)
				__builtin_trap();
	arena_free(a);
	return 0;
}
