/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: a members CSV file through the reader, the header and every
 * row's checks (the part of an import that needs no database). */
#include <stddef.h>
#include <stdint.h>

#include "members/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct import_plan p;

	if (members_import_parse(a, (const char *)data, size, &p) == 0)
		for (size_t i = 0; i < p.n; i++)
			if (p.rows[i].error)
				members_import_message(a, "en", &p.rows[i]);
	arena_free(a);
	return 0;
}
