/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The header deadline: a connection must send a whole request header
 * within server.header_timeout seconds of opening, or of its previous
 * answer going out. libmicrohttpd's own timeout counts idle time only, so
 * a client that sends one byte of header every few seconds would hold a
 * connection for ever, and a thousand such clients lock everyone out.
 *
 * Every connection is in one list (the notify-connection callback adds
 * it when accepted and removes it when closed); a thread looks over the
 * list twice a second and shuts down the socket of any connection past
 * its deadline. Shutting down (not closing) leaves the descriptor to
 * libmicrohttpd, which sees the end of the stream and closes the
 * connection in its own thread. The descriptor stays valid while the
 * entry is in the list: libmicrohttpd notifies "closed" before it closes
 * the socket, and the list lock is held around both the removal and the
 * shutdown.
 */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define TICK_MS 500

struct watch {
	struct watch *prev, *next;
	int fd;
	/* when the header is due (ms); 0 while a request runs; -1 once shut */
	atomic_int_fast64_t due;
};

struct deadlines {
	int64_t ms;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct watch *head;
	pthread_t thread;
};

static void *deadlines_main(void *arg)
{
	struct deadlines *d = arg;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		struct timespec ts;
		int64_t now;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &ts);
		now = time_now_ms();
		for (struct watch *w = d->head; w && !d->stop; w = w->next) {
			int_fast64_t due = atomic_load(&w->due);
			/* the exchange loses to a header that just arrived */
			if (due > 0 && now >= due &&
			    atomic_compare_exchange_strong(&w->due, &due, -1))
				shutdown(w->fd, SHUT_RDWR);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct deadlines *deadlines_start(unsigned seconds)
{
	struct deadlines *d;

	if (seconds == 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->ms = (int64_t)seconds * 1000;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	if (pthread_create(&d->thread, NULL, deadlines_main, d) != 0) {
		log_error("http", "cannot start the header deadline thread");
		abort();
	}
	return d;
}

void deadlines_stop(struct deadlines *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	/* the daemon has stopped: every connection was closed before */
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void deadlines_notify(void *cls, struct MHD_Connection *c,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code)
{
	struct deadlines *d = cls;
	struct watch *w = *socket_context;

	if (!d)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci)
			return;
		w = xcalloc(1, sizeof(*w));
		w->fd = ci->connect_fd;
		atomic_init(&w->due, time_now_ms() + d->ms);
		pthread_mutex_lock(&d->lock);
		w->next = d->head;
		if (d->head)
			d->head->prev = w;
		d->head = w;
		pthread_mutex_unlock(&d->lock);
		*socket_context = w;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && w) {
		pthread_mutex_lock(&d->lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			d->head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&d->lock);
		free(w);
		*socket_context = NULL;
	}
}

static struct watch *watch_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void deadlines_busy(struct MHD_Connection *c)
{
	struct watch *w = watch_of(c);
	int_fast64_t due;

	if (!w)
		return;
	due = atomic_load(&w->due);
	/* once shut, it stays marked so */
	while (due > 0 && !atomic_compare_exchange_weak(&w->due, &due, 0))
		;
}

void deadlines_idle(struct deadlines *d, struct MHD_Connection *c)
{
	struct watch *w = d ? watch_of(c) : NULL;
	int_fast64_t due;

	if (!w)
		return;
	due = atomic_load(&w->due);
	while (due == 0 && !atomic_compare_exchange_weak(&w->due, &due,
							 time_now_ms() + d->ms))
		;
}
