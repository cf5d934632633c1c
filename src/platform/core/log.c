/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Logging to stderr, one line per event: time, level, component, message.
 *
 * Callers log events and identifiers (route patterns, row ids, counts),
 * never IP addresses, emails, names or request bodies. The http layer logs
 * route patterns rather than paths so that nothing typed by a user lands
 * here. Lines are written with one write(2) so threads do not interleave.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_msg(enum log_level lvl, const char *component, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char line[1024];
	char ts[40];
	size_t n;
	va_list ap;
	int k;

	if (lvl < min_level)
		return;
	time_format_iso(time_now(), ts, sizeof(ts));
	k = snprintf(line, sizeof(line), "%s %s %s: ", ts, names[lvl],
		     component);
	n = k > 0 ? (size_t)k : 0;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (k > 0)
		n += (size_t)k < sizeof(line) - n - 1 ? (size_t)k
						      : sizeof(line) - n - 2;
	/* one event per line: flatten any newline a message carried */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report it */
	}
}
