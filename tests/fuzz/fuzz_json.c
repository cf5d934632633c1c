/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: JSON request bodies become fields, then validation. */
#include <stddef.h>
#include <stdint.h>

#include "platform/http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field decl[] = {
	{.name = "email", .type = F_EMAIL, .required = true, .label = "Email"},
	{.name = "display_name", .type = F_LINE, .required = true, .max_len = 200, .label = "Name"},
	{.name = "scope_id", .type = F_INT, .label = "Scope"},
	{.name = "role", .type = F_TOKEN, .required = true, .max_len = 64, .label = "Role"},
	{0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct kv *kv;
	size_t n;
	json_t *j;
	const struct field *bad;
	const char *why;

	if (form_from_json(a, (const char *)data, size, &kv, &n, &j) == 0)
		form_validate(a, decl, &kv, &n, NULL, 0, &bad, &why);
	arena_free(a);
	return 0;
}
