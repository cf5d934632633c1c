/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Audit entries written soon rather than now (audit.h, audit_soon): the
 * lookups of the registry, which come in numbers. One thread writes what
 * waits every AUDIT_SOON_MS, or at once when SOON_BATCH entries wait, in
 * one transaction: the chain's single writer and its flush to disk are
 * paid once per batch instead of once per search. When the database is
 * away the entries wait (up to SOON_MAX, then audit_soon refuses and the
 * caller shows nothing) and the thread tries again a second later.
 */
#include "audit.h"
#include "platform/core/core.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/runtime.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SOON_BATCH 256
#define SOON_MAX 100000

struct soon {
	int64_t at, actor;
	char *label, *action, *object;
	json_t *detail;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct soon *queue;
static size_t nqueue, capqueue;
static pthread_t thread;
static bool running, stopping;

static void soon_free(struct soon *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].label);
		free(e[i].action);
		free(e[i].object);
		json_decref(e[i].detail);
	}
}

struct batch {
	struct soon *e;
	size_t n;
};

static int write_batch(struct db_conn *c, void *arg)
{
	struct batch *b = arg;

	for (size_t i = 0; i < b->n; i++) {
		/* audit_add_at steals a reference: keep ours for a retry */
		int rc = audit_add_at(c, b->e[i].at, b->e[i].actor, b->e[i].label,
				      b->e[i].action, b->e[i].object,
				      json_incref(b->e[i].detail));
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* Writes b; on failure puts it back at the head of the queue (mu held by
 * the caller on neither path). */
static bool flush(struct batch *b)
{
	struct db_conn *c = platform_conn_fresh();
	int rc = c ? db_tx(c, write_batch, b) : DB_UNAVAILABLE;

	if (rc == DB_OK) {
		soon_free(b->e, b->n);
		free(b->e);
		return true;
	}
	log_error("audit", "cannot write %zu lookups yet (%d): they wait", b->n, rc);
	pthread_mutex_lock(&mu);
	if (nqueue + b->n > capqueue) {
		capqueue = nqueue + b->n;
		queue = xrealloc(queue, capqueue * sizeof(*queue));
	}
	memmove(queue + b->n, queue, nqueue * sizeof(*queue));
	memcpy(queue, b->e, b->n * sizeof(*queue));
	nqueue += b->n;
	pthread_mutex_unlock(&mu);
	free(b->e);
	return false;
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (ms % 1000) * 1000000L;
	ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

static void *writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		struct timespec ts;
		struct batch b;

		while (!stopping && nqueue == 0)
			pthread_cond_wait(&cv, &mu);
		if (nqueue == 0)
			break; /* stopping, nothing left */
		/* let a batch gather, unless it is full or we stop */
		deadline_in(&ts, AUDIT_SOON_MS);
		while (!stopping && nqueue < SOON_BATCH &&
		       pthread_cond_timedwait(&cv, &mu, &ts) != ETIMEDOUT)
			;
		b.e = queue;
		b.n = nqueue;
		queue = NULL;
		nqueue = capqueue = 0;
		pthread_mutex_unlock(&mu);
		if (!flush(&b)) {
			if (stopping) {
				pthread_mutex_lock(&mu);
				break; /* the database is away at shutdown */
			}
			struct timespec pause = {1, 0};
			nanosleep(&pause, NULL);
		}
		pthread_mutex_lock(&mu);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int audit_soon(struct http_req *rq, const char *action, const char *object,
	       json_t *detail)
{
	int rc = DB_OK;

	detail = audit_rq_detail(rq, detail);
	pthread_mutex_lock(&mu);
	if (!running && !stopping) {
		running = pthread_create(&thread, NULL, writer, NULL) == 0;
		if (!running)
			rc = DB_ERROR;
	}
	if (rc == DB_OK && (nqueue >= SOON_MAX || stopping))
		rc = DB_RETRY;
	if (rc == DB_OK) {
		struct soon *e;
		if (nqueue == capqueue) {
			capqueue = capqueue ? capqueue * 2 : 64;
			queue = xrealloc(queue, capqueue * sizeof(*queue));
		}
		e = &queue[nqueue++];
		e->at = time_now();
		e->actor = rq->user.id;
		e->label = xstrdup(audit_rq_label(rq));
		e->action = xstrdup(action);
		e->object = xstrdup(object ? object : "");
		e->detail = detail;
		detail = NULL;
		/* the first wakes the writer; a full batch ends its wait */
		if (nqueue == 1 || nqueue >= SOON_BATCH)
			pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
	json_decref(detail);
	if (rc != DB_OK)
		log_error("audit", "cannot queue %s: %d", action, rc);
	return rc;
}

void audit_soon_stop(void)
{
	bool was;

	pthread_mutex_lock(&mu);
	was = running;
	stopping = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	if (was)
		pthread_join(thread, NULL);
	pthread_mutex_lock(&mu);
	if (nqueue)
		log_error("audit", "%zu lookups could not be written", nqueue);
	soon_free(queue, nqueue);
	free(queue);
	queue = NULL;
	nqueue = capqueue = 0;
	running = false;
	pthread_mutex_unlock(&mu);
}
