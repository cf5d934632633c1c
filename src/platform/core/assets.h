/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Files compiled into the binary by tools/embed.c: templates, static
 * assets, migrations and message catalogs. See tools/embed.c for names.
 */
#ifndef RUDDER_ASSETS_H
#define RUDDER_ASSETS_H

#include <stddef.h>

struct asset {
	const char *name;
	const unsigned char *data; /* NUL-terminated; len excludes the NUL */
	size_t len;
};

/* Sorted by name. */
extern const struct asset assets_table[];
extern const size_t assets_count;

/* The asset with exactly this name, or NULL. Borrowed, static. */
const struct asset *asset_find(const char *name);
/* Index of the first asset whose name starts with prefix, and how many
 * follow it with that prefix (they are contiguous because sorted). */
size_t asset_range(const char *prefix, size_t *count_r);

#endif
