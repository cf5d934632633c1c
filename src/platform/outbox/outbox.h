/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * outbox: messages to send, written in the same transaction as the change
 * that causes them, and delivered afterwards by a worker — email through
 * the configured SMTP relay (libcurl) and webhooks (HTTP POST, signed with
 * HMAC-SHA256). Each message has an idempotency key; delivery is retried
 * with exponential backoff until it succeeds or runs out of attempts.
 *
 * Recipients and contents are sealed at rest; the status page shows only
 * a label ("invitation"), the state and the attempts.
 */
#ifndef RUDDER_OUTBOX_H
#define RUDDER_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Running the system: the outbox, webhooks, settings (granted by roles:
 * auth.h). */
#define PERM_SYSTEM "system.manage"

struct arena;
struct db_conn;
struct http_req;

/* Queues an email. idem_key makes a second call with the same key a no-op
 * (returns DB_OK). Call inside the transaction of the causing change. */
int outbox_email(struct db_conn *c, struct arena *a, const char *to,
		 const char *subject, const char *body, const char *label,
		 const char *idem_key);
/* Queues event for every active webhook that subscribes to it; returns
 * DB_OK or an error. payload is borrowed. */
int outbox_event(struct db_conn *c, struct arena *a, const char *event,
		 json_t *payload, const char *idem_key);
/* Queues one delivery to one webhook (e.g. a test ping). */
int outbox_webhook(struct db_conn *c, struct arena *a, int64_t webhook_id,
		   const char *event, json_t *payload, const char *idem_key);

/* Delivers what is due now, once; returns how many were attempted. */
int outbox_run_once(struct db_conn *c);
/* The background worker of `rudder serve`. */
int outbox_worker_start(void);
void outbox_worker_stop(void);
/* Asks the worker to look now rather than at its next poll. */
void outbox_wake(void);

/* Whether email can leave at all: a relay is configured (smtp.url).
 * Without one, pages that send mail say so and show the link instead. */
bool outbox_mail_ready(void);
/* Its lines on the home page, for a reader who holds PERM_SYSTEM (the
 * caller checks): no relay, messages that could not be delivered. */
void outbox_waiting(struct http_req *rq, json_t *lines);

/* Seconds to wait after `attempts` failed attempts. */
int64_t outbox_backoff(int attempts, int64_t base);

extern const struct route_table outbox_routes;

/* Its actions in the audit log's words. */
struct audit_words;
extern const struct audit_words outbox_audit_words;

#endif
