/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * How long a request body is, read from its headers before any byte of
 * it (http.h, http_framing_add). Written by hand: libmicrohttpd frames
 * bodies itself but does not refuse the ambiguous framings a proxy in
 * front could read otherwise (request smuggling), so rudder reads the
 * headers first and answers 400 to those.
 */
#include "http.h"

#include <strings.h>

void http_framing_add(struct http_framing *f, const char *name,
		      const char *value)
{
	if (!name)
		return;
	if (strcasecmp(name, "Transfer-Encoding") == 0) {
		/* "chunked", once: anything else (gzip, a list, twice) is
		 * framing a proxy and rudder could read differently */
		if (f->chunked || !value || strcasecmp(value, "chunked") != 0)
			f->conflict = true;
		f->chunked = true;
		return;
	}
	if (strcasecmp(name, "Content-Length") != 0)
		return;
	/* "Content-Length: 5, 5" is one length said twice; "5, 6" is two */
	for (const char *p = value ? value : ""; *p;) {
		uint64_t n = 0;
		bool digits = false;

		while (*p == ' ' || *p == '\t')
			p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (n > (UINT64_MAX - 9) / 10) {
				f->conflict = true;
				return;
			}
			n = n * 10 + (uint64_t)(*p - '0');
			digits = true;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (!digits || (*p && *p != ',')) {
			f->conflict = true;
			return;
		}
		if (f->nlengths++ > 0 && n != f->length)
			f->conflict = true;
		f->length = n;
		if (*p == ',')
			p++;
	}
	/* an empty value is no length either */
	if (!value || !*value)
		f->conflict = true;
}
