/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Build tool: prints the msgids of every embedded template ({{_ "..."}})
 * as a .pot fragment, using the template compiler itself, so what is
 * extracted is exactly what is rendered.
 */
#include <stdio.h>
#include <string.h>

#include "platform/core/assets.h"
#include "platform/html/tmpl.h"

static const char *current;

static void put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if (*s == '\n') {
			fputs("\\n", stdout);
			continue;
		}
		putchar(*s);
	}
}

static void emit(const char *msgid, void *arg)
{
	(void)arg;
	printf("#: %s\nmsgid \"", current);
	put_escaped(msgid);
	printf("\"\nmsgstr \"\"\n\n");
}

int main(void)
{
	size_t count, first = asset_range("tmpl/", &count);

	/* msguniq needs the charset once any message is not ASCII */
	printf("msgid \"\"\nmsgstr \"\"\n"
	       "\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n");

	for (size_t i = first; i < first + count; i++) {
		char err[256];
		struct tmpl *t = tmpl_compile((const char *)assets_table[i].data,
					      assets_table[i].len, err,
					      sizeof(err));
		if (!t) {
			fprintf(stderr, "%s: %s\n", assets_table[i].name, err);
			return 1;
		}
		current = assets_table[i].name;
		tmpl_each_msgid(t, emit, NULL);
		tmpl_free(t);
	}
	return 0;
}
