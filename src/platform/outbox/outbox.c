/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Queueing and delivering outbox messages (see outbox.h).
 *
 * A message is claimed by setting claimed_until, so several workers (in
 * several processes, later) never deliver the same row at once; a worker
 * that dies leaves a claim that simply expires. Receivers de-duplicate
 * on the idempotency key if a delivery succeeded but its result was lost.
 */
#include "outbox.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/runtime.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_CTX "outbox.target"
#define PAYLOAD_CTX "outbox.payload"
#define WEBHOOK_SECRET_CTX "webhooks.secret"
#define MAX_BACKOFF 21600 /* six hours */

static const char SQL_INSERT[] =
	"INSERT INTO outbox (kind, idem_key, target_sealed, payload_sealed, "
	"label, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6) "
	"ON CONFLICT (idem_key) DO NOTHING";
static const char SQL_HOOKS[] =
	"SELECT id, events FROM webhooks WHERE active = 1 ORDER BY id";
/* The outer conditions repeat the inner ones: when two processes pick the
 * same row, the second finds it claimed once the first's lock is gone. */
static const char SQL_CLAIM[] =
	"UPDATE outbox SET claimed_until = $1 WHERE id = ("
	" SELECT id FROM outbox WHERE status = 'pending' AND next_at <= $2"
	" AND claimed_until < $2 ORDER BY next_at, id LIMIT 1) "
	"AND status = 'pending' AND claimed_until < $2 "
	"RETURNING id, kind, idem_key, target_sealed, payload_sealed, attempts";
/* A sent message keeps no recipient and no content: what was sent to
 * whom is not left for a seized server to tell. */
static const char SQL_SENT[] =
	"UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
	"sent_at = $1, last_error = '', claimed_until = 0, target_sealed = $3, "
	"payload_sealed = $3 WHERE id = $2";
static const char SQL_RETRY[] =
	"UPDATE outbox SET attempts = attempts + 1, next_at = $1, "
	"last_error = $2, claimed_until = 0, status = $3 WHERE id = $4";
static const char SQL_HOOK_GET[] =
	"SELECT url, secret_sealed FROM webhooks WHERE id = $1";

int64_t outbox_backoff(int attempts, int64_t base)
{
	int64_t d = base;

	for (int i = 1; i < attempts && d < MAX_BACKOFF; i++)
		d *= 2;
	return d > MAX_BACKOFF ? MAX_BACKOFF : d;
}

static int enqueue(struct db_conn *c, struct arena *a, const char *kind,
		   const char *target, const char *payload, const char *label,
		   const char *idem_key)
{
	size_t tlen, plen;
	unsigned char *t = seal_str(a, TARGET_CTX, target, &tlen);
	unsigned char *p = seal_str(a, PAYLOAD_CTX, payload, &plen);
	int rc = db_run(c, SQL_INSERT, "ttbbti", kind, idem_key, t, tlen, p,
			plen, label, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int outbox_email(struct db_conn *c, struct arena *a, const char *to,
		 const char *subject, const char *body, const char *label,
		 const char *idem_key)
{
	json_t *j = json_pack("{s:s, s:s}", "subject", subject, "body", body);
	char *payload = json_dumps(j, JSON_COMPACT);
	int rc = enqueue(c, a, "email", to, payload, label, idem_key);

	free(payload);
	json_decref(j);
	return rc;
}

int outbox_webhook(struct db_conn *c, struct arena *a, int64_t webhook_id,
		   const char *event, json_t *payload, const char *idem_key)
{
	json_t *j = json_pack("{s:s, s:O, s:s}", "event", event, "data", payload,
			      "delivery", idem_key);
	char *body = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	char *target = arena_printf(a, "%lld", (long long)webhook_id);
	char *label = arena_printf(a, "webhook %s", event);
	int rc = enqueue(c, a, "webhook", target, body, label, idem_key);

	free(body);
	json_decref(j);
	return rc;
}

static bool subscribes(const char *events, const char *event)
{
	const char *p = events;
	size_t n = strlen(event);

	if (strcmp(events, "*") == 0)
		return true;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, event, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

struct hook_sub {
	int64_t id;
	const char *events;
};
static const struct db_map HOOK_SUB[] = {
	DB_COL(struct hook_sub, id), DB_COL(struct hook_sub, events), DB_COLS_END};

int outbox_event(struct db_conn *c, struct arena *a, const char *event,
		 json_t *payload, const char *idem_key)
{
	struct hook_sub *h;
	size_t n;
	int rc = db_rows(c, a, HOOK_SUB, sizeof(*h), &h, &n, SQL_HOOKS, "");

	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		if (!subscribes(h[i].events, event))
			continue;
		rc = outbox_webhook(c, a, h[i].id, event, payload,
				    arena_printf(a, "%s:%lld", idem_key,
						 (long long)h[i].id));
	}
	return rc;
}

/* ---- delivery ---- */

struct upload_src {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct upload_src *u = arg;
	size_t k = size * nmemb;

	if (k > u->len - u->off)
		k = u->len - u->off;
	memcpy(buf, u->data + u->off, k);
	u->off += k;
	return k;
}

static size_t discard_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

/* An RFC 2047 encoded word for a UTF-8 header value. */
static void header_utf8(struct buf *b, const char *s)
{
	bool ascii = true;

	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\r' || *p == '\n')
			ascii = false;
	if (ascii) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "=?UTF-8?B?");
	base64_append(b, s, strlen(s), false);
	buf_puts(b, "?=");
}

static int send_email(const char *to, const char *payload, const char *idem,
		      char *err, size_t cap)
{
	const char *url = conf_str("smtp.url");
	const char *from = conf_str("smtp.from");
	json_error_t jerr;
	json_t *j = json_loads(payload, 0, &jerr);
	struct curl_slist *rcpt = NULL;
	struct upload_src src;
	struct buf msg, addr;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	CURL *curl;
	CURLcode code;
	int rc = -1;

	if (!*url) {
		snprintf(err, cap, "no SMTP relay configured (smtp.url)");
		json_decref(j);
		return -1;
	}
	if (!j) {
		snprintf(err, cap, "damaged message");
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_init(&msg);
	buf_printf(&msg, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: ", date,
		   from, to);
	header_utf8(&msg, json_string_value(json_object_get(j, "subject")));
	buf_printf(&msg,
		   "\r\nMessage-ID: <%s@rudder>\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: text/plain; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: base64\r\n"
		   "Auto-Submitted: auto-generated\r\n\r\n",
		   idem);
	{
		const char *body = json_string_value(json_object_get(j, "body"));
		base64_append(&msg, body, strlen(body), true);
	}
	json_decref(j);

	curl = curl_easy_init();
	if (!curl) {
		buf_free(&msg);
		snprintf(err, cap, "cannot start libcurl");
		return -1;
	}
	buf_init(&addr);
	buf_printf(&addr, "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr.data);
	src.data = msg.data;
	src.len = msg.len;
	src.off = 0;
	{
		char *fromb = xasprintf("<%s>", from);
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_MAIL_FROM, fromb);
		curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(curl, CURLOPT_READDATA, &src);
		curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		curl_easy_setopt(curl, CURLOPT_TIMEOUT,
				 (long)conf_int("outbox.timeout"));
		curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
		if (*conf_str("smtp.user")) {
			const char *pwf = conf_str("smtp.password_file");
			size_t plen = 0;
			char *pw = *pwf ? file_read(pwf, 4096, &plen) : NULL;
			curl_easy_setopt(curl, CURLOPT_USERNAME,
					 conf_str("smtp.user"));
			if (pw) {
				str_trim(pw);
				curl_easy_setopt(curl, CURLOPT_PASSWORD, pw);
				sodium_memzero(pw, plen);
				free(pw);
			}
		}
		code = curl_easy_perform(curl);
		free(fromb);
	}
	if (code == CURLE_OK) {
		rc = 0;
	} else {
		long resp = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp);
		/* the library's words and the SMTP code: no addresses */
		snprintf(err, cap, "%s (SMTP %ld)", curl_easy_strerror(code), resp);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	buf_free(&addr);
	sodium_memzero(msg.data, msg.len);
	buf_free(&msg);
	return rc;
}

struct hook_row {
	const char *url, *secret;
};
static const struct db_map HOOK_ROW[] = {
	DB_COL(struct hook_row, url),
	DB_COL_FN(struct hook_row, secret, unseal_col, WEBHOOK_SECRET_CTX),
	DB_COLS_END,
};

static int send_webhook(struct db_conn *c, struct arena *a,
			const char *target, const char *body,
			const char *idem, char *err, size_t cap)
{
	struct hook_row hook;
	int64_t id = 0;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char machex[2 * crypto_auth_hmacsha256_BYTES + 1];
	char ts[24];
	struct curl_slist *h = NULL;
	struct upload_src src;
	CURL *curl;
	CURLcode code;
	long status = 0;
	int rc = -1;

	str_to_i64(target, &id);
	rc = db_row(c, a, HOOK_ROW, &hook, SQL_HOOK_GET, "i", id);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return -1;
	if (rc == DB_NOTFOUND || !*hook.secret) {
		snprintf(err, cap, "the webhook no longer exists");
		return -2; /* permanent */
	}
	rc = -1;
	snprintf(ts, sizeof(ts), "%lld", (long long)time_now());
	{
		/* signature over "timestamp.body" so a replay with a new
		 * timestamp does not verify */
		crypto_auth_hmacsha256_state hs;
		crypto_auth_hmacsha256_init(&hs, (const unsigned char *)hook.secret,
					    strlen(hook.secret));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)ts,
					      strlen(ts));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)".", 1);
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)body,
					      strlen(body));
		crypto_auth_hmacsha256_final(&hs, mac);
		hex_encode(mac, sizeof(mac), machex);
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, arena_printf(a, "Idempotency-Key: %s", idem));
	h = curl_slist_append(h, arena_printf(a, "X-Rudder-Timestamp: %s", ts));
	h = curl_slist_append(h, arena_printf(a, "X-Rudder-Signature: sha256=%s",
					      machex));
	h = curl_slist_append(h, "Expect:");
	curl = curl_easy_init();
	if (!curl) {
		curl_slist_free_all(h);
		snprintf(err, cap, "cannot start libcurl");
		return -1;
	}
	src.data = body;
	src.len = strlen(body);
	src.off = 0;
	curl_easy_setopt(curl, CURLOPT_URL, hook.url);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)src.len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)conf_int("outbox.timeout"));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "rudder-webhook");
	code = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (code != CURLE_OK)
		snprintf(err, cap, "%s", curl_easy_strerror(code));
	else if (status < 200 || status >= 300)
		snprintf(err, cap, "the receiver answered HTTP %ld", status);
	else
		rc = 0;
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return rc;
}

/* A message claimed for delivery. */
struct claim {
	int64_t id;
	const char *kind, *idem, *target, *payload;
	int attempts;
};
static const struct db_map CLAIM[] = {
	DB_COL(struct claim, id),
	DB_COL(struct claim, kind),
	DB_COL(struct claim, idem),
	DB_COL_FN(struct claim, target, unseal_col, TARGET_CTX),
	DB_COL_FN(struct claim, payload, unseal_col, PAYLOAD_CTX),
	DB_COL(struct claim, attempts),
	DB_COLS_END,
};

int outbox_run_once(struct db_conn *c)
{
	int count = 0;

	for (;;) {
		struct arena *a = arena_new();
		struct claim m = {0};
		int64_t now = time_now();
		char err[256] = "";
		int rc = db_row(c, a, CLAIM, &m, SQL_CLAIM, "ii",
				now + 2 * conf_int("outbox.timeout") + 10, now);

		if (rc != DB_OK) {
			arena_free(a);
			break;
		}
		count++;
		if (!*m.target || !*m.payload) {
			snprintf(err, sizeof(err), "the sealed message cannot be opened");
			rc = -2;
		} else if (strcmp(m.kind, "email") == 0) {
			rc = send_email(m.target, m.payload, m.idem, err, sizeof(err));
		} else {
			rc = send_webhook(c, a, m.target, m.payload, m.idem, err,
					  sizeof(err));
		}
		if (rc == 0) {
			db_run(c, SQL_SENT, "iib", (int64_t)time_now(), m.id, "", (size_t)0);
			log_info("outbox", "delivered message %lld (%s)",
				 (long long)m.id, m.kind);
		} else {
			int max = (int)conf_int("outbox.max_attempts");
			bool give_up = rc == -2 || m.attempts + 1 >= max;
			int64_t next = time_now() +
				       outbox_backoff(m.attempts + 1,
						      conf_int("outbox.retry_base"));
			db_run(c, SQL_RETRY, "itti", next, err,
			       give_up ? "failed" : "pending", m.id);
			log_warn("outbox", "message %lld (%s) attempt %d failed: %s",
				 (long long)m.id, m.kind, m.attempts + 1, err);
		}
		arena_free(a);
	}
	return count;
}

/* ---- the worker thread ---- */

static pthread_t worker;
static bool running;
static bool stop_flag;
static bool wake_flag;
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcond = PTHREAD_COND_INITIALIZER;

static void *worker_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts;
		struct db_conn *c;
		int64_t ms = conf_int("outbox.poll_ms");

		pthread_mutex_lock(&wlock);
		if (!stop_flag && !wake_flag) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += ms / 1000;
			ts.tv_nsec += (ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&wcond, &wlock, &ts);
		}
		wake_flag = false;
		if (stop_flag) {
			pthread_mutex_unlock(&wlock);
			break;
		}
		pthread_mutex_unlock(&wlock);
		c = platform_conn_fresh();
		if (c)
			outbox_run_once(c);
	}
	return NULL;
}

int outbox_worker_start(void)
{
	if (running)
		return 0;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	stop_flag = false;
	if (pthread_create(&worker, NULL, worker_main, NULL) != 0)
		return -1;
	running = true;
	return 0;
}

void outbox_worker_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&wlock);
	stop_flag = true;
	pthread_cond_signal(&wcond);
	pthread_mutex_unlock(&wlock);
	pthread_join(worker, NULL);
	running = false;
}

void outbox_wake(void)
{
	pthread_mutex_lock(&wlock);
	wake_flag = true;
	pthread_cond_signal(&wcond);
	pthread_mutex_unlock(&wlock);
}
