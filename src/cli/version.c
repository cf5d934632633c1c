/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder version, and rudder routes: every route with its permission. */
#include "cli.h"
#include "platform/platform.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RUDDER_VERSION
#define RUDDER_VERSION "0.1.0"
#endif

static const char *const method_names[] = {"GET", "HEAD", "POST", "PUT",
					   "PATCH", "DELETE", "OPTIONS",
					   "OTHER"};

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("rudder %s\n", RUDDER_VERSION);
	return 0;
}

int cmd_routes(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool as_json = false;
	size_t n;
	const struct route_table *t;
	json_t *arr = json_array();
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = true; break;
		case 'h':
			printf("usage: rudder routes [--json]\n\nLists every HTTP "
			       "route: method, pattern, permission and flags.\n");
			json_decref(arr);
			return 0;
		default:
			cli_usage_error("routes", "[--json]");
			json_decref(arr);
			return EXIT_USAGE;
		}
	}
	t = platform_route_tables(&n);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < t[i].n; k++) {
			const struct route *r = &t[i].routes[k];
			json_t *fields = json_array();
			static const char *const types[] = {
				"line", "text", "secret", "email",
				"int",  "bool", "token",  "file"};
			for (const struct field *f = r->fields; f && f->name; f++)
				json_array_append_new(
					fields,
					json_pack("{s:s, s:s, s:b}", "name", f->name,
						  "type", types[f->type], "required",
						  f->required));
			if (as_json)
				json_array_append_new(
					arr,
					json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, "
						  "s:b, s:b, s:o, s:s}",
						  "module", t[i].module, "method",
						  method_names[r->method], "pattern",
						  r->pattern, "perm", r->perm, "api",
						  (r->flags & ROUTE_API) != 0,
						  "no_csrf",
						  (r->flags & ROUTE_NO_CSRF) != 0,
						  "pre_2fa",
						  (r->flags & ROUTE_PRE_2FA) != 0,
						  "sse", (r->flags & ROUTE_SSE) != 0,
						  "fields", fields, "summary",
						  r->summary ? r->summary : ""));
			else {
				printf("%-7s %-46s %-16s %s\n",
				       method_names[r->method], r->pattern,
				       r->perm, r->summary ? r->summary : "");
				json_decref(fields);
			}
		}
	if (as_json) {
		char *s = json_dumps(arr, JSON_INDENT(1));
		puts(s);
		free(s);
	}
	json_decref(arr);
	return 0;
}
