/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit chain: appending and verifying (see audit.h).
 */
#include "audit.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/http/http.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char SQL_HEAD[] =
	"SELECT last_id, hash, mac FROM audit_head WHERE one = 1";
/* Takes the head's row lock before reading it: two appends at once (two
 * processes, or a request and the lookups' writer) then queue on it,
 * and on PostgreSQL the second runs again instead of taking the same id. */
static const char SQL_HEAD_LOCK[] =
	"UPDATE audit_head SET last_id = last_id WHERE one = 1";
static const char SQL_INSERT[] =
	"INSERT INTO audit_log (id, at, actor_id, actor_label, action, object, "
	"detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char SQL_HEAD_SET[] =
	"INSERT INTO audit_head (one, last_id, hash, mac) VALUES (1, $1, $2, $3) "
	"ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, "
	"hash = excluded.hash, mac = excluded.mac";
static const char SQL_ALL[] =
	"SELECT id, at, coalesce(actor_id, 0), actor_label, action, object, "
	"detail, prev_hash, hash FROM audit_log ORDER BY id";


#define DETAIL_CTX "audit.detail"

char *audit_seal(struct arena *a, const char *text)
{
	size_t n;
	unsigned char *sealed = seal_str(a, DETAIL_CTX, text, &n);

	return arena_base64url(a, sealed, n);
}

void audit_open_detail(struct arena *a, json_t *detail)
{
	const char *key;
	json_t *v, *opened = json_object();
	void *tmp;

	json_object_foreach_safe(detail, tmp, key, v) {
		size_t kl = strlen(key);
		unsigned char buf[4096];
		long n;
		char *plain;

		if (kl <= 7 || strcmp(key + kl - 7, "_sealed") != 0 ||
		    !json_is_string(v))
			continue;
		n = base64url_decode(json_string_value(v), buf, sizeof(buf));
		plain = n > 0 ? unseal_str(a, DETAIL_CTX, buf, (size_t)n) : NULL;
		json_object_set_new(opened, arena_strndup(a, key, kl - 7),
				    json_string(plain ? plain : "?"));
		json_object_del(detail, key);
	}
	json_object_update(detail, opened);
	json_decref(opened);
}

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	crypto_generichash_update(st, b, 8);
}

static void put_str(crypto_generichash_state *st, const char *s)
{
	size_t n = strlen(s);

	put_u64(st, n);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void row_hash(const unsigned char prev[MAC_LEN], int64_t id,
		     int64_t at, int64_t actor, const char *label,
		     const char *action, const char *object,
		     const char *detail, unsigned char out[MAC_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, keys_subkey(SUBKEY_AUDIT), 32, MAC_LEN);
	crypto_generichash_update(&st, prev, MAC_LEN);
	put_u64(&st, (uint64_t)id);
	put_u64(&st, (uint64_t)at);
	put_u64(&st, (uint64_t)actor);
	put_str(&st, label);
	put_str(&st, action);
	put_str(&st, object);
	put_str(&st, detail);
	crypto_generichash_final(&st, out, MAC_LEN);
}

static void head_mac(int64_t last_id, const unsigned char hash[MAC_LEN],
		     unsigned char out[MAC_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, keys_subkey(SUBKEY_AUDIT), 32, MAC_LEN);
	crypto_generichash_update(&st, (const unsigned char *)"head", 4);
	put_u64(&st, (uint64_t)last_id);
	crypto_generichash_update(&st, hash, MAC_LEN);
	crypto_generichash_final(&st, out, MAC_LEN);
}

/* A hash column into a MAC_LEN array: zeros when it is not that long. */
static void mac_col(struct db_stmt *st, int col, struct arena *a, void *field,
		    const void *arg)
{
	size_t len;
	const void *p = db_col_blob(st, col, &len);

	(void)a;
	(void)arg;
	if (len == MAC_LEN)
		memcpy(field, p, MAC_LEN);
	else
		memset(field, 0, MAC_LEN);
}

struct head_row {
	int64_t last;
	unsigned char hash[MAC_LEN], mac[MAC_LEN];
};
static const struct db_map HEAD_ROW[] = {
	DB_COL(struct head_row, last),
	DB_COL_FN(struct head_row, hash, mac_col, NULL),
	DB_COL_FN(struct head_row, mac, mac_col, NULL),
	DB_COLS_END,
};

/* The head row: last id and hash (zeros and 0 when the log is empty). */
static int read_head(struct db_conn *c, int64_t *last_r,
		     unsigned char hash_r[MAC_LEN])
{
	struct head_row h = {0};
	int rc = db_row(c, NULL, HEAD_ROW, &h, SQL_HEAD, "");

	*last_r = h.last;
	memcpy(hash_r, h.hash, MAC_LEN);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

struct add_ctx {
	int64_t at; /* 0: now */
	int64_t actor;
	const char *label, *action, *object;
	char *detail;
	int64_t id;
};

/* Tells the audit page's watchers, once the entry has committed: one
 * event per transaction, naming its last entry. */
static void publish(void *arg)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)(intptr_t)arg);
	http_sse_publish("audit", "audit", id);
}

static int add_in_tx(struct db_conn *c, void *arg)
{
	struct add_ctx *a = arg;
	unsigned char prev[MAC_LEN], hash[MAC_LEN], mac[MAC_LEN];
	int64_t last, at = a->at ? a->at : time_now();
	int rc = db_run(c, SQL_HEAD_LOCK, "");

	if (rc < 0)
		return rc;
	if ((rc = read_head(c, &last, prev)) != DB_OK)
		return rc;
	a->id = last + 1;
	row_hash(prev, a->id, at, a->actor, a->label, a->action, a->object,
		 a->detail, hash);
	if (a->actor)
		rc = db_run(c, SQL_INSERT, "iiittttbb", a->id, at, a->actor,
			    a->label, a->action, a->object, a->detail, prev,
			    (size_t)MAC_LEN, hash, (size_t)MAC_LEN);
	else
		rc = db_run(c, SQL_INSERT, "iinttttbb", a->id, at,
			    a->label, a->action, a->object, a->detail, prev,
			    (size_t)MAC_LEN, hash, (size_t)MAC_LEN);
	if (rc == DB_CONSTRAINT) {
		/* another append took this id first (the very first entry,
		 * with no head yet to lock): the transaction runs again */
		db_conflict(c);
		return DB_RETRY;
	}
	if (rc < 0)
		return rc;
	head_mac(a->id, hash, mac);
	rc = db_run(c, SQL_HEAD_SET, "ibb", a->id, hash, (size_t)MAC_LEN, mac,
		    (size_t)MAC_LEN);
	if (rc < 0)
		return rc;
	db_on_commit_last(c, publish, (void *)(intptr_t)a->id);
	return DB_OK;
}

int audit_add_at(struct db_conn *c, int64_t at, int64_t actor,
		 const char *actor_label, const char *action,
		 const char *object, json_t *detail)
{
	struct add_ctx a = {.at = at,
			    .actor = actor,
			    .label = actor_label ? actor_label : "",
			    .action = action,
			    .object = object ? object : ""};
	int rc;

	a.detail = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)
			  : NULL;
	json_decref(detail);
	if (!a.detail)
		a.detail = xstrdup("{}");
	rc = db_in_tx(c) ? add_in_tx(c, &a) : db_tx(c, add_in_tx, &a);
	free(a.detail);
	if (rc != DB_OK)
		log_error("audit", "cannot append %s: %d", action, rc);
	return rc;
}

int audit_add(struct db_conn *c, int64_t actor, const char *actor_label,
	      const char *action, const char *object, json_t *detail)
{
	return audit_add_at(c, 0, actor, actor_label, action, object, detail);
}

const char *audit_rq_label(struct http_req *rq)
{
	if (!rq->user.id)
		return "anonymous";
	return rq->user.actor_label ? rq->user.actor_label : "";
}

json_t *audit_rq_detail(struct http_req *rq, json_t *detail)
{
	if (!rq->user.token_id)
		return detail;
	if (!detail)
		detail = json_object();
	if (json_is_object(detail))
		json_object_set_new(detail, "token",
				    json_integer((json_int_t)rq->user.token_id));
	return detail;
}

int audit_rq(struct http_req *rq, struct db_conn *c, const char *action,
	     const char *object, json_t *detail)
{
	return audit_add(c, rq->user.id, audit_rq_label(rq), action, object,
			 audit_rq_detail(rq, detail));
}

int audit_head(struct db_conn *c, int64_t *last_r, char hex_r[65])
{
	unsigned char h[MAC_LEN];
	int rc = read_head(c, last_r, h);

	if (*last_r)
		hex_encode(h, MAC_LEN, hex_r);
	else
		strcpy(hex_r, "none");
	return rc;
}


struct log_row {
	int64_t id, at, actor;
	const char *label, *action, *object, *detail;
	struct db_blob prev, hash; /* borrowed */
};
static const struct db_map LOG_ROW[] = {
	DB_COL(struct log_row, id),	DB_COL(struct log_row, at),
	DB_COL(struct log_row, actor),	DB_COL(struct log_row, label),
	DB_COL(struct log_row, action), DB_COL(struct log_row, object),
	DB_COL(struct log_row, detail),
	DB_COL(struct log_row, prev),	DB_COL(struct log_row, hash),
	DB_COLS_END,
};

struct verify {
	unsigned char prev[MAC_LEN];
	int64_t expect, rows, bad_id;
	char *err;
	size_t cap;
};

/* One row of the chain, in order: > 0 stops at the first fault. */
static int verify_row(void *row, void *arg)
{
	const struct log_row *r = row;
	struct verify *v = arg;
	unsigned char want[MAC_LEN];

	if (r->id != v->expect) {
		snprintf(v->err, v->cap, "row %lld is missing (the next row is %lld)",
			 (long long)v->expect, (long long)r->id);
		v->bad_id = v->expect;
		return 1;
	}
	if (r->prev.len != MAC_LEN || memcmp(r->prev.p, v->prev, MAC_LEN) != 0) {
		snprintf(v->err, v->cap, "row %lld does not follow the row before it",
			 (long long)r->id);
		v->bad_id = r->id;
		return 1;
	}
	row_hash(v->prev, r->id, r->at, r->actor, r->label, r->action, r->object,
		 r->detail, want);
	if (r->hash.len != MAC_LEN || sodium_memcmp(r->hash.p, want, MAC_LEN) != 0) {
		snprintf(v->err, v->cap, "row %lld was altered", (long long)r->id);
		v->bad_id = r->id;
		return 1;
	}
	memcpy(v->prev, want, MAC_LEN);
	v->expect++;
	v->rows++;
	return 0;
}

int audit_verify(struct db_conn *c, int64_t *rows_r, int64_t *bad_id_r,
		 char *err, size_t cap)
{
	struct verify v = {.expect = 1, .err = err, .cap = cap};
	struct log_row row;
	struct head_row h;
	unsigned char mac[MAC_LEN];
	int rc;

	*bad_id_r = 0;
	*rows_r = 0;
	rc = db_each(c, NULL, LOG_ROW, &row, verify_row, &v, SQL_ALL, "");
	if (rc != DB_OK) {
		snprintf(err, cap, "cannot read the audit log");
		return -1;
	}
	*rows_r = v.rows;
	if (v.bad_id) {
		*bad_id_r = v.bad_id;
		return -1;
	}
	rc = db_row(c, NULL, HEAD_ROW, &h, SQL_HEAD, "");
	if (rc == DB_NOTFOUND) {
		if (v.rows == 0)
			return 0;
		snprintf(err, cap, "the head of the log is missing");
		return -1;
	}
	if (rc != DB_OK) {
		snprintf(err, cap, "cannot read the audit head");
		return -1;
	}
	head_mac(h.last, h.hash, mac);
	if (sodium_memcmp(h.mac, mac, MAC_LEN) != 0) {
		snprintf(err, cap, "the head of the log was altered");
		return -1;
	}
	if (h.last != v.rows || memcmp(h.hash, v.prev, MAC_LEN) != 0) {
		snprintf(err, cap,
			 "the log ends at row %lld but its head says %lld: rows "
			 "were removed from the end",
			 (long long)v.rows, (long long)h.last);
		return -1;
	}
	return 0;
}
