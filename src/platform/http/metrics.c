/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Request metrics in Prometheus text format: a counter per route and
 * status, and one latency histogram. Routes are labelled by their pattern,
 * never by the path a client sent, so no user input reaches /metrics.
 */
#include "internal.h"
#include "platform/db/db.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const int statuses[] = {200, 201, 204, 206, 301, 302, 303, 304, 400,
			       401, 403, 404, 405, 409, 413, 414, 415, 422,
			       429, 431, 499, 500, 501, 503};
#define NSTATUS (ARRAY_LEN(statuses) + 1) /* + "other" */

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBOUNDS ARRAY_LEN(bounds)

static size_t nroutes;
static char **route_names; /* nroutes + 1: the last is "unmatched" */
static atomic_uint_fast64_t *counts; /* (nroutes+1) * NSTATUS */
static atomic_uint_fast64_t hist[NBOUNDS + 1];
static atomic_uint_fast64_t hist_count, hist_sum_us;

void metrics_init(size_t n, const char *const *names)
{
	if (counts) {
		for (size_t i = 0; i <= nroutes; i++)
			free(route_names[i]);
		free(route_names);
		free(counts);
	}
	nroutes = n;
	route_names = xcalloc(n + 1, sizeof(*route_names));
	for (size_t i = 0; i < n; i++)
		route_names[i] = xstrdup(names[i]);
	route_names[n] = xstrdup("unmatched");
	counts = xcalloc((n + 1) * NSTATUS, sizeof(*counts));
}

void metrics_record(int route_index, int status, int64_t ms)
{
	size_t r = route_index < 0 ? nroutes : (size_t)route_index;
	size_t si = NSTATUS - 1;
	double secs = (double)ms / 1000.0;

	if (!counts)
		return;
	for (size_t i = 0; i < ARRAY_LEN(statuses); i++)
		if (statuses[i] == status)
			si = i;
	atomic_fetch_add(&counts[r * NSTATUS + si], 1);
	for (size_t i = 0; i < NBOUNDS; i++)
		if (secs <= bounds[i]) {
			atomic_fetch_add(&hist[i], 1);
			break;
		}
	if (secs > bounds[NBOUNDS - 1])
		atomic_fetch_add(&hist[NBOUNDS], 1);
	atomic_fetch_add(&hist_count, 1);
	atomic_fetch_add(&hist_sum_us, (uint64_t)ms * 1000);
}

void http_metrics_text(struct buf *out)
{
	uint64_t cum = 0;

	buf_puts(out, "# HELP rudder_http_requests_total HTTP requests by route "
		      "pattern and status.\n"
		      "# TYPE rudder_http_requests_total counter\n");
	for (size_t r = 0; counts && r <= nroutes; r++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = atomic_load(&counts[r * NSTATUS + s]);
			if (!v)
				continue;
			buf_printf(out,
				   "rudder_http_requests_total{route=\"%s\","
				   "status=\"",
				   route_names[r]);
			if (s < ARRAY_LEN(statuses))
				buf_printf(out, "%d", statuses[s]);
			else
				buf_puts(out, "other");
			buf_printf(out, "\"} %llu\n", (unsigned long long)v);
		}
	buf_puts(out, "# HELP rudder_http_request_duration_seconds Time from "
		      "request to response.\n"
		      "# TYPE rudder_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < NBOUNDS; i++) {
		cum += atomic_load(&hist[i]);
		buf_printf(out,
			   "rudder_http_request_duration_seconds_bucket{le=\"%g\"}"
			   " %llu\n",
			   bounds[i], (unsigned long long)cum);
	}
	cum += atomic_load(&hist[NBOUNDS]);
	buf_printf(out,
		   "rudder_http_request_duration_seconds_bucket{le=\"+Inf\"} "
		   "%llu\n"
		   "rudder_http_request_duration_seconds_sum %.6f\n"
		   "rudder_http_request_duration_seconds_count %llu\n",
		   (unsigned long long)cum,
		   (double)atomic_load(&hist_sum_us) / 1e6,
		   (unsigned long long)atomic_load(&hist_count));
	buf_printf(out,
		   "# HELP rudder_db_busy_retries_total Waits and retries "
		   "because the database was busy.\n"
		   "# TYPE rudder_db_busy_retries_total counter\n"
		   "rudder_db_busy_retries_total %llu\n",
		   (unsigned long long)db_busy_retries());
}
