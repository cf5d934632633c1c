/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Route patterns: literal segments, {name} (one non-empty segment),
 * {name:int} (a positive decimal integer up to 18 digits) and {name*} (the
 * rest of the path, possibly with slashes, at the end only). Matching is a
 * single left-to-right walk over pattern and path; no backtracking.
 * Harness: tests/fuzz/fuzz_route.c.
 */
#include "http.h"

#include <stdio.h>
#include <string.h>

#define MAX_PARAMS 8

int route_pattern_check(const char *pattern, char *err, size_t cap)
{
	const char *p = pattern;
	int nparams = 0;

	if (p[0] != '/') {
		snprintf(err, cap, "a pattern starts with '/'");
		return -1;
	}
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t k;
			if (!close) {
				snprintf(err, cap, "unclosed '{'");
				return -1;
			}
			if (p[-1] != '/' || (close[1] != '/' && close[1] != '\0')) {
				snprintf(err, cap, "a parameter must fill a segment");
				return -1;
			}
			k = (size_t)(close - p - 1);
			if (k == 0) {
				snprintf(err, cap, "empty parameter name");
				return -1;
			}
			if (p[k] == '*' && close[1] != '\0') {
				snprintf(err, cap, "{name*} must come last");
				return -1;
			}
			if (++nparams > MAX_PARAMS) {
				snprintf(err, cap, "too many parameters");
				return -1;
			}
			p = close + 1;
		} else {
			if (*p == '}') {
				snprintf(err, cap, "stray '}'");
				return -1;
			}
			p++;
		}
	}
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool route_match(struct arena *a, const char *pattern, const char *path,
		 struct kv **params_r, size_t *n_r)
{
	struct kv params[MAX_PARAMS];
	size_t np = 0;
	const char *p = pattern, *s = path;

	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *colon;
			size_t namelen, seglen;
			bool rest, isint;

			if (!close || np >= MAX_PARAMS)
				return false;
			namelen = (size_t)(close - p - 1);
			rest = namelen > 0 && p[namelen] == '*';
			colon = memchr(p + 1, ':', namelen);
			isint = colon && strncmp(colon, ":int}", 5) == 0;
			if (rest)
				namelen--;
			if (colon)
				namelen = (size_t)(colon - p - 1);
			if (rest) {
				seglen = strlen(s);
			} else {
				const char *slash = strchr(s, '/');
				seglen = slash ? (size_t)(slash - s) : strlen(s);
			}
			if (seglen == 0)
				return false;
			if (isint && !all_digits(s, seglen))
				return false;
			params[np].key = arena_strndup(a, p + 1, namelen);
			params[np].value = arena_strndup(a, s, seglen);
			params[np].len = seglen;
			np++;
			s += seglen;
			p = close + 1;
		} else {
			if (*p != *s)
				return false;
			p++;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	if (params_r) {
		*params_r = np ? arena_memdup(a, params, np * sizeof(*params))
			       : NULL;
		*n_r = np;
	}
	return true;
}
