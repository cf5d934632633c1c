/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Lookups in the table of embedded files (see assets.h). */
#include "assets.h"

#include <string.h>

const struct asset *asset_find(const char *name)
{
	size_t lo = 0, hi = assets_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(assets_table[mid].name, name);
		if (c == 0)
			return &assets_table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t asset_range(const char *prefix, size_t *count_r)
{
	size_t plen = strlen(prefix);
	size_t lo = 0, hi = assets_count, end;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(assets_table[mid].name, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	end = lo;
	while (end < assets_count &&
	       strncmp(assets_table[end].name, prefix, plen) == 0)
		end++;
	*count_r = end - lo;
	return lo;
}
