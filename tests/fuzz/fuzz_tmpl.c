/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: the template compiler, and rendering what compiles over a
 * fixed data set with nested objects and arrays. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/html/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tmpl *self;
static const struct tmpl *resolve(const char *name)
{
	return strcmp(name, "self") == 0 ? self : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct buf out;
	json_t *d;
	json_error_t jerr;

	self = tmpl_compile((const char *)data, size, err, sizeof(err));
	if (!self)
		return 0;
	d = json_loads("{\"a\": \"<x>\", \"b\": [1, {\"c\": \"javascript:1\"}, [2]],"
		       " \"o\": {\"p\": {\"q\": true}}, \"n\": 0, \"s\": \"\"}",
		       0, &jerr);
	buf_init(&out);
	tmpl_render(self, d, "ru", resolve, &out, err, sizeof(err));
	buf_free(&out);
	json_decref(d);
	tmpl_free(self);
	self = NULL;
	return 0;
}
