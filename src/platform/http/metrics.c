/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Request metrics in Prometheus text format: a counter per route, method
 * and status, one latency histogram, and the body budget in use. Routes
 * are labelled by their pattern, never by the path a client sent, so no
 * user input reaches the output. A HEAD is counted with its GET route.
 *
 * The metrics are served on a listener of their own (metrics.listen),
 * never on the public one: behind a relay on loopback (an onion service)
 * every visitor looks like a local client, so no check of the client's
 * address can keep them out there.
 */
#include "internal.h"
#include "platform/db/db.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const int statuses[] = {200, 201, 204, 206, 301, 302, 303, 304, 400,
			       401, 403, 404, 405, 409, 413, 414, 415, 422,
			       429, 431, 499, 500, 501, 503};
#define NSTATUS (ARRAY_LEN(statuses) + 1) /* + "other" */

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBOUNDS ARRAY_LEN(bounds)

static const char *const method_label[HTTP__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"};

/* Rows: one per route, then one per method for requests that matched no
 * route ("unmatched"). */
static size_t nroutes;
static char **route_names;
static enum http_method *route_methods;
static atomic_uint_fast64_t *counts; /* (nroutes + HTTP__MAX) * NSTATUS */
#define NROWS (nroutes + HTTP__MAX)
static atomic_uint_fast64_t hist[NBOUNDS + 1];
static atomic_uint_fast64_t hist_count, hist_sum_us;

void metrics_init(size_t n, const char *const *names,
		  const enum http_method *methods)
{
	if (counts) {
		for (size_t i = 0; i < nroutes; i++)
			free(route_names[i]);
		free(route_names);
		free(route_methods);
		free(counts);
	}
	nroutes = n;
	route_names = xcalloc(n + 1, sizeof(*route_names));
	route_methods = xcalloc(n + 1, sizeof(*route_methods));
	for (size_t i = 0; i < n; i++) {
		route_names[i] = xstrdup(names[i]);
		route_methods[i] = methods[i];
	}
	counts = xcalloc(NROWS * NSTATUS, sizeof(*counts));
}

void metrics_record(int route_index, enum http_method method, int status,
		    int64_t ms)
{
	size_t r = route_index >= 0 ? (size_t)route_index
		   : method < HTTP__MAX ? nroutes + method
					: nroutes + HTTP_OTHER;
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

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void label_value(struct buf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_putc(out, '\\');
		if (*v == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		buf_putc(out, *v);
	}
}

void http_metrics_text(struct buf *out)
{
	uint64_t cum = 0;

	buf_puts(out, "# HELP rudder_http_requests_total HTTP requests by route "
		      "pattern, method and status.\n"
		      "# TYPE rudder_http_requests_total counter\n");
	for (size_t r = 0; counts && r < NROWS; r++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = atomic_load(&counts[r * NSTATUS + s]);
			if (!v)
				continue;
			buf_puts(out, "rudder_http_requests_total{route=\"");
			label_value(out, r < nroutes ? route_names[r]
						     : "unmatched");
			buf_printf(out, "\",method=\"%s\",status=\"",
				   method_label[r < nroutes ? route_methods[r]
							    : r - nroutes]);
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
	buf_printf(out,
		   "# HELP rudder_http_body_bytes_reserved Bytes of request "
		   "bodies held or announced, against server.body_budget.\n"
		   "# TYPE rudder_http_body_bytes_reserved gauge\n"
		   "rudder_http_body_bytes_reserved %zu\n",
		   http_body_reserved());
}

/* ---- the metrics listener ---- */

struct metrics_listener {
	struct MHD_Daemon *d;
	int port;
	char *unix_path; /* removed when the listener stops */
};

/* /metrics and nothing else; the answer is queued on the second call,
 * as on the public listener. */
static enum MHD_Result metrics_request(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version,
				       const char *upload_data,
				       size_t *upload_data_size, void **con_cls)
{
	static int seen;
	struct MHD_Response *r;
	struct buf b;
	unsigned status = 200;
	enum MHD_Result rc;
	size_t len;
	char *data;

	(void)cls;
	(void)version;
	(void)upload_data;
	if (!*con_cls) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0; /* nothing here takes a body */
		return MHD_YES;
	}
	buf_init(&b);
	if (strcmp(url, "/metrics") != 0) {
		status = 404;
		buf_puts(&b, "not found: metrics are at /metrics\n");
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = 405;
		buf_puts(&b, "method not allowed\n");
	} else {
		http_metrics_text(&b);
	}
	buf_reserve(&b, 0);
	data = buf_steal(&b, &len);
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == 200
					? "text/plain; version=0.0.4; charset=utf-8"
					: "text/plain; charset=utf-8");
	if (status == 405)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	reply_security_headers(r, false, false);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A listening Unix socket at path; -1 with a message. A socket file left
 * by a process that is gone is replaced; one in use is not. */
static int unix_listen(const char *path, char *err, size_t cap)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct stat sb;
	int fd;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	if (lstat(path, &sb) == 0) {
		int probe;
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, cap, "%s exists and is not a socket", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 &&
		    connect(probe, (struct sockaddr *)&un, sizeof(un)) == 0) {
			close(probe);
			snprintf(err, cap, "%s is in use by another process", path);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* the operator's own: whatever the umask, no one else connects */
	if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) != 0 ||
	    chmod(path, 0600) != 0 || listen(fd, 16) != 0) {
		snprintf(err, cap, "cannot listen on %s: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct metrics_listener *metrics_listen(const char *where, char *err,
					size_t cap)
{
	struct metrics_listener *m = xcalloc(1, sizeof(*m));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (str_starts(where, "unix:")) {
		int fd = unix_listen(where + 5, err, cap);
		if (fd < 0) {
			free(m);
			return NULL;
		}
		m->unix_path = xstrdup(where + 5);
		m->d = MHD_start_daemon(
			flags, 0, NULL, NULL, metrics_request, NULL,
			MHD_OPTION_LISTEN_SOCKET, fd,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
			MHD_OPTION_END);
		if (!m->d)
			close(fd);
	} else {
		if (http_parse_listen(where, &ss, &sslen, err, cap) != 0) {
			free(m);
			return NULL;
		}
		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		m->d = MHD_start_daemon(
			flags, 0, NULL, NULL, metrics_request, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
			MHD_OPTION_END);
	}
	if (!m->d) {
		snprintf(err, cap,
			 "cannot listen for metrics on %s (in use, or not ours?)",
			 where);
		if (m->unix_path)
			unlink(m->unix_path);
		free(m->unix_path);
		free(m);
		return NULL;
	}
	if (!m->unix_path) {
		const union MHD_DaemonInfo *di =
			MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);
		m->port = di ? di->port : 0;
	}
	return m;
}

int metrics_listener_port(const struct metrics_listener *m)
{
	return m ? m->port : 0;
}

void metrics_listener_stop(struct metrics_listener *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->d);
	if (m->unix_path)
		unlink(m->unix_path);
	free(m->unix_path);
	free(m);
}
