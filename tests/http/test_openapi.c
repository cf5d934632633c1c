/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* docs/api/openapi.yaml and the route tables name the same API: every
 * /api/v1/ route is documented, and nothing documented is missing. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"
#include "platform/http/http.h"

/* "METHOD /path" lines from the paths: section, {id:int} as {id} */
static void from_yaml(struct buf *out)
{
	size_t n;
	char *text = file_read("docs/api/openapi.yaml", 1 << 20, &n);
	char path[256] = "";
	bool in_paths = false;

	cr_assert_not_null(text, "docs/api/openapi.yaml is missing");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strcmp(line, "paths:") == 0) {
			in_paths = true;
			continue;
		}
		if (!in_paths)
			continue;
		if (line[0] != ' ')
			break;
		if (strncmp(line, "  /", 3) == 0 && line[2 + strcspn(line + 2, ":")] == ':') {
			snprintf(path, sizeof(path), "%.*s", (int)strcspn(line + 2, ":"), line + 2);
		} else if (strncmp(line, "    ", 4) == 0 && line[4] != ' ') {
			const char *methods[] = {"get", "post", "put", "patch", "delete"};
			for (size_t i = 0; i < 5; i++) {
				size_t k = strlen(methods[i]);
				if (strncmp(line + 4, methods[i], k) == 0 && line[4 + k] == ':') {
					char up[8];
					for (size_t j = 0; j <= k; j++)
						up[j] = (char)(j < k ? methods[i][j] - 32 : 0);
					buf_printf(out, "%s %s\n", up, path);
				}
			}
		}
	}
	free(text);
}

static void from_routes(struct buf *out)
{
	char *json = NULL;
	json_error_t jerr;
	json_t *all, *r;
	size_t i;

	cr_assert_eq(run_rudder(NULL, &json, NULL, "routes", "--json", NULL), 0);
	all = json_loads(json, 0, &jerr);
	json_array_foreach(all, i, r) {
		const char *p = json_string_value(json_object_get(r, "pattern"));
		if (!str_starts(p, "/api/"))
			continue;
		buf_printf(out, "%s ", json_string_value(json_object_get(r, "method")));
		for (; *p; p++) {
			if (*p == ':') { /* {id:int} -> {id} */
				while (*p && *p != '}')
					p++;
			}
			buf_putc(out, *p);
		}
		buf_putc(out, '\n');
	}
	json_decref(all);
	free(json);
}

static bool has_line(const char *all, const char *line, size_t n)
{
	for (const char *p = all; (p = strstr(p, "")) && *p;) {
		const char *eol = strchr(p, '\n');
		size_t k = eol ? (size_t)(eol - p) : strlen(p);
		if (k == n && strncmp(p, line, n) == 0)
			return true;
		p += k + (eol ? 1 : 0);
	}
	return false;
}

static void each_in(const char *a, const char *b, const char *msg)
{
	for (const char *p = a; *p;) {
		const char *eol = strchr(p, '\n');
		size_t k = (size_t)(eol - p);
		cr_assert(has_line(b, p, k), "%.*s %s", (int)k, p, msg);
		p = eol + 1;
	}
}

Test(openapi, documents_exactly_the_api_routes)
{
	struct buf yaml, routes;
	buf_init(&yaml);
	buf_init(&routes);
	from_yaml(&yaml);
	from_routes(&routes);
	buf_reserve(&yaml, 0);
	buf_reserve(&routes, 0);
	cr_assert_gt(routes.len, 0);
	each_in(routes.data, yaml.data, "is served but not in docs/api/openapi.yaml");
	each_in(yaml.data, routes.data, "is in docs/api/openapi.yaml but not served");
	buf_free(&yaml);
	buf_free(&routes);
}

/* the codes listed under Error.code's enum, one per line */
static void codes_from_yaml(struct buf *out)
{
	size_t n;
	char *text = file_read("docs/api/openapi.yaml", 1 << 20, &n);
	char *p = text ? strstr(text, "    Error:") : NULL;

	cr_assert_not_null(p, "no Error schema in docs/api/openapi.yaml");
	p = strstr(p, "          enum:\n");
	cr_assert_not_null(p, "Error.code has no enum");
	p += strlen("          enum:\n");
	static const char item[] = "            - ";
	while (strncmp(p, item, strlen(item)) == 0) {
		p += strlen(item);
		size_t k = strcspn(p, "\n");
		buf_printf(out, "%.*s\n", (int)k, p);
		p += k + (p[k] ? 1 : 0);
	}
	free(text);
}

Test(openapi, documents_exactly_the_error_codes_of_the_table)
{
	struct buf yaml, table;
	buf_init(&yaml);
	buf_init(&table);
	codes_from_yaml(&yaml);
	for (size_t i = 0; i < HTTP_E_COUNT; i++) {
		const struct http_err_def *d = &http_errors[i];
		cr_assert_not_null(d->code, "error %zu has no row in the table", i);
		cr_assert(d->status >= 400 && d->status <= 599, "%s", d->code);
		cr_assert_not_null(d->msgid, "%s says nothing", d->code);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(http_errors[j].code, d->code,
					  "%s twice in the table", d->code);
		buf_printf(&table, "%s\n", d->code);
	}
	buf_reserve(&yaml, 0);
	buf_reserve(&table, 0);
	cr_assert_gt(yaml.len, 0);
	each_in(table.data, yaml.data, "is an error code not in docs/api/openapi.yaml");
	each_in(yaml.data, table.data, "is in docs/api/openapi.yaml but no error has it");
	buf_free(&yaml);
	buf_free(&table);
}
