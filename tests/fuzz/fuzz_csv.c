/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: a members CSV file through the reader, the header (its
 * names and synonyms in three languages) and every row's checks (the
 * part of an import that needs no database); a file with columns not
 * known is read again with each of them mapped, in turn, to a column or
 * left out, as the import page's mapping step does. */
#include <stddef.h>
#include <stdint.h>

#include "members/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void messages(struct arena *a, const struct import_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].error)
			members_import_message(a, "en", &p->rows[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct import_plan p;

	if (members_import_parse(a, (const char *)data, size, NULL, &p) == 0)
		messages(a, &p);
	else
		members_import_fatal(a, "en", &p);
	if (p.nunknown) {
		struct import_opts o = {0};
		struct import_plan q;
		for (size_t k = 0; k < p.nunknown; k++)
			if (p.unknown[k].cell < IMPORT_MAP_MAX)
				o.map.to[p.unknown[k].cell] =
					(unsigned char)(k % (IMPORT_IGNORE + 1));
		/* the choices through their text and back, as an upload keeps them */
		if (members_import_opts_parse(members_import_opts_text(a, &o), &o) == 0 &&
		    members_import_parse(a, (const char *)data, size, &o.map, &q) == 0)
			messages(a, &q);
	}
	arena_free(a);
	return 0;
}
