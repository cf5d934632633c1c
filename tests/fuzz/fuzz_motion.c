/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: a motion's text through the congress's line rules — wrapped
 * (and wrapping again changes nothing: the lines are fixed), split into
 * lines, rendered block by block (each block's lines within the text's),
 * and an amendment made of the input's first bytes checked and, when
 * accepted, applied. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "congress/internal.h"
#include "platform/html/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *text = arena_strndup(a, (const char *)data, size);
	size_t width = size ? 20 + data[0] % 80 : 80;
	char *w = congress_wrap(a, text, width);
	const char **lines, *field;
	size_t n = congress_lines(a, w, &lines);

	if (strcmp(congress_wrap(a, w, width), w) != 0)
		abort(); /* the lines moved on a second wrap */
	{
		struct md_block *b;
		size_t nb = md_blocks(a, w, &b);
		for (size_t i = 0; i < nb; i++)
			if (b[i].first_line < 1 || b[i].last_line < b[i].first_line ||
			    (size_t)b[i].last_line > n + 1)
				abort(); /* a block outside the text's lines */
	}
	if (size >= 3) {
		struct amend m = {data[1] % 4 == 3 ? -1 : data[1] % 3,
				  (int64_t)(data[2] % (n + 2)),
				  (int64_t)(data[2] % (n + 2)) + data[1] % 3,
				  data[1] % 3 == AMEND_DELETE ? "" : "new words"};
		if (m.op == AMEND_INSERT)
			m.last = m.first;
		if (!congress_amend_check(&m, n, &field))
			congress_apply(a, w, &m, 1, width);
	}
	arena_free(a);
	return 0;
}
