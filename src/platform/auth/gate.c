/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The gate every request passes before its handler: find the session,
 * choose the language, check the CSRF token on state-changing requests,
 * and check the route's permission. Also sessions themselves, the CSRF
 * token for forms, and the navigation a user may see.
 *
 * CSRF: a token is a keyed hash of the session token (signed in) or of a
 * random cookie (not signed in, e.g. the login form), sent back in the
 * X-CSRF-Token header or the _csrf query parameter (forms carry it in
 * their action URL), never in the body: the gate runs on the headers,
 * before the body is read. An Origin header naming another host is
 * refused as well.
 */
#include "auth.h"
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

static const char SQL_SESSION[] =
	"SELECT s.id, s.user_id, s.stage, s.last_seen_at, u.display_name, "
	"u.lang, u.status, u.totp_sealed IS NOT NULL, s.second_factor "
	"FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3";
static const char SQL_TOUCH[] =
	"UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
static const char SQL_INSERT[] =
	"INSERT INTO sessions (token_hash, user_id, stage, second_factor, agent, "
	"created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, "
	"$6, $7) RETURNING id";
static const char SQL_DELETE[] = "DELETE FROM sessions WHERE id = $1";
static const char SQL_COMPLETE[] =
	"UPDATE sessions SET stage = 'full', second_factor = 1, "
	"totp_pending_sealed = NULL, expires_at = $2 WHERE id = $1";

static const char SQL_FACTOR_OFF[] =
	"UPDATE sessions SET second_factor = 0, totp_pending_sealed = NULL "
	"WHERE id = $1";
static const char SQL_END_OTHERS[] =
	"DELETE FROM sessions WHERE user_id = $1 AND id <> $2";

/* A session still owing its second factor lives ten minutes at most. */
#define PENDING_TTL 600

static struct auth_session *sess_of(struct http_req *rq)
{
	if (!rq->user.session)
		rq->user.session =
			arena_alloc(rq->arena, sizeof(struct auth_session));
	return rq->user.session;
}

const char *auth_agent_label(const char *ua)
{
	if (!ua)
		return "";
	/* a coarse family only: enough to recognise a session, too little
	 * to fingerprint anyone */
	if (strstr(ua, "Firefox/"))
		return "Firefox";
	if (strstr(ua, "Edg/"))
		return "Edge";
	if (strstr(ua, "Chrome/") || strstr(ua, "Chromium/"))
		return "Chrome";
	if (strstr(ua, "Safari/"))
		return "Safari";
	if (str_starts(ua, "curl/"))
		return "curl";
	return "other";
}

const char *auth_safe_next(const char *next)
{
	/* only a path on this site: "/x", never "//host" or "/\host" */
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strpbrk(next, "\r\n"))
		return "/";
	return next;
}

struct session_row {
	int64_t id, user_id;
	const char *stage;
	int64_t last_seen;
	const char *name, *lang, *status;
	bool totp_enabled, second_factor;
};
static const struct db_map SESSION_ROW[] = {
	DB_COL(struct session_row, id),
	DB_COL(struct session_row, user_id),
	DB_COL(struct session_row, stage),
	DB_COL(struct session_row, last_seen),
	DB_COL(struct session_row, name),
	DB_COL(struct session_row, lang),
	DB_COL(struct session_row, status),
	DB_COL(struct session_row, totp_enabled),
	DB_COL(struct session_row, second_factor),
	DB_COLS_END,
};

/* Reads the session cookie into rq->user. */
static void load_session(struct http_req *rq, struct db_conn *c)
{
	const char *token = http_cookie(rq, SESSION_COOKIE);
	struct auth_session *s = sess_of(rq);
	unsigned char h[MAC_LEN];
	struct session_row row;
	int64_t now = time_now();
	size_t nl;
	const struct lang_info *li;

	if (!token || !c)
		return;
	plain_hash(token, strlen(token), h);
	if (db_row(c, rq->arena, SESSION_ROW, &row, SQL_SESSION, "bii", h,
		   sizeof(h), now, now - conf_int("auth.session_idle")) != DB_OK ||
	    strcmp(row.status, "active") != 0)
		return;
	s->id = row.id;
	s->user_id = row.user_id;
	s->totp_enabled = row.totp_enabled;
	s->second_factor = row.second_factor;
	/* What this session proved, never what the account has: an account
	 * whose second factor was set up elsewhere still owes it here (a
	 * password alone opens nothing more). */
	s->pending_totp = strcmp(row.stage, "totp") == 0 ||
			  (s->totp_enabled && !s->second_factor);
	s->token = arena_strdup(rq->arena, token);
	if (!s->pending_totp) {
		rq->user.id = s->user_id;
		rq->user.name = row.name;
		rq->user.second_factor = s->second_factor;
	}
	li = i18n_langs(&nl);
	for (size_t i = 0; *row.lang && i < nl; i++)
		if (strcmp(li[i].code, row.lang) == 0)
			rq->lang = li[i].code;
	if (now - row.last_seen > 60)
		db_run(c, SQL_TOUCH, "ii", now, s->id);
}

/* ---- personal access tokens (docs/api/tokens.md) ---- */

/* The token of an "Authorization: Bearer" header, or NULL when the
 * request has none (another scheme is not ours and is ignored). */
static const char *bearer_of(struct http_req *rq)
{
	const char *h = http_header(rq, "Authorization");

	if (!h || strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return NULL;
	h += 7;
	h += strspn(h, " \t");
	return h;
}

/* Answers a token that cannot be used (unknown, revoked, expired, or its
 * account not active): one answer for all, 401, and a failure counted
 * against the client address in a bucket of its own, "token" — never
 * the failed sign-ins' "client" — and only for tokens that fail. Many
 * people may share one address (a union office behind one router, a
 * Tor exit): a flood of bad tokens from it then locks out bad tokens
 * alone, never a valid token (load_token looks a token up before it
 * asks the bucket) nor anyone's password. Past auth.throttle_client
 * failures within 15 minutes, 429 with Retry-After, nothing more
 * counted. Behind a shared address (no rq->client) there is no bucket:
 * a token is 256 random bits, which no rate of guessing reaches. */
static void token_refused(struct http_req *rq, struct http_resp *rs,
			  struct db_conn *c)
{
	int64_t locked = 0;

	if (rq->client) {
		locked = throttle_locked(c, "token", rq->client);
		if (!locked)
			locked = throttle_fail(c, "token", rq->client,
					       conf_int("auth.throttle_client"));
	}
	if (locked > 0) {
		http_error(rq, rs, HTTP_E_THROTTLED,
			   N_("Too many access tokens that do not work came from your address. Try again later."));
		http_set_header(rs, "Retry-After",
				arena_printf(rq->arena, "%lld", (long long)locked));
		return;
	}
	http_error(rq, rs, HTTP_E_UNAUTHENTICATED,
		   N_("This access token is not valid."));
}

/* A request carrying a token: the account is the token's, its grants
 * only the token's. A token that cannot be used is answered by
 * token_refused. Returns 0 to go on, -1 when answered. */
static int load_token(struct http_req *rq, struct http_resp *rs,
		      struct db_conn *c, const char *text)
{
	struct auth_session *s = sess_of(rq);
	struct api_token t;
	size_t nl;
	const struct lang_info *li;
	int rc;

	/* no cookie is set on this request, whatever the handler does */
	rq->user.bearer = true;
	if (!(rq->route->flags & ROUTE_API)) {
		/* a token never opens a page, so never a form a page holds */
		http_error(rq, rs, HTTP_E_UNAUTHENTICATED,
			   N_("An access token is for the API only."));
		return -1;
	}
	/* a valid token is served whatever came from its address before;
	 * the bucket is asked only for one that fails */
	rc = api_token_find(c, rq->arena, text, &t);
	if (rc == DB_OK)
		rc = api_token_grants(c, rq->arena, t.id, &s->grants,
				      &s->ngrants);
	if (rc == DB_NOTFOUND) {
		token_refused(rq, rs, c);
		return -1;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		return -1;
	}
	s->grants_loaded = true;
	s->user_id = t.user_id;
	s->totp_enabled = t.user_totp;
	rq->user.id = t.user_id;
	rq->user.name = t.user_name;
	rq->user.token_id = t.id;
	rq->user.token_name = t.name;
	rq->user.actor_label =
		arena_printf(rq->arena, "%s%s", AUDIT_TOKEN_LABEL, t.name);
	/* made by a session that proved the second factor; it counts while
	 * the account still has one (a reset factor closes personal roles
	 * to its tokens as to its password) */
	rq->user.second_factor = t.user_totp;
	li = i18n_langs(&nl);
	for (size_t i = 0; *t.user_lang && i < nl; i++)
		if (strcmp(li[i].code, t.user_lang) == 0)
			rq->lang = li[i].code;
	if (t.read_only && rq->method != HTTP_GET && rq->method != HTTP_HEAD) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("This access token may only read."));
		return -1;
	}
	if (time_now() - t.last_used_at >= 60)
		api_token_touch(c, t.id);
	return 0;
}

bool auth_factor_proved(struct http_req *rq)
{
	struct auth_session *s = rq->user.session;

	if (!rq->user.id || rq->user.bearer || !s || !s->id)
		return false;
	/* the account has a second factor and this session gave its code
	 * (or set it up): whatever the organization requires of others */
	return s->totp_enabled && rq->user.second_factor;
}

/* Does any role the user holds require a second factor? */
bool auth_holds_personal_role(struct http_req *rq)
{
	size_t n;
	const struct grant *g = auth_grants(rq, &n);

	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (r && r->personal)
			return true;
	}
	return false;
}

static const char *lang_choice(struct http_req *rq)
{
	const char *c = http_cookie(rq, LANG_COOKIE);
	size_t nl;
	const struct lang_info *li = i18n_langs(&nl);

	for (size_t i = 0; c && i < nl; i++)
		if (strcmp(li[i].code, c) == 0)
			return li[i].code;
	return NULL;
}

/* ---- CSRF ---- */

static const char *csrf_for(struct http_req *rq, const char *base)
{
	unsigned char mac[MAC_LEN];
	char *in = arena_printf(rq->arena, "csrf:%s", base);

	keyed_hash(SUBKEY_CSRF, in, strlen(in), mac);
	return arena_base64url(rq->arena, mac, 18);
}

const char *auth_csrf_token(struct http_req *rq, struct http_resp *rs)
{
	struct auth_session *s = sess_of(rq);
	const char *base;

	if (!keys_unlocked())
		return "";
	base = s->token ? s->token
			: (s->anon ? s->anon : http_cookie(rq, CSRF_COOKIE));
	if (!base) {
		/* first form for this browser: give it a random cookie */
		base = random_token(rq->arena, 24);
		http_set_cookie(rq, rs, CSRF_COOKIE, base, -1);
		s->anon = base;
	}
	return csrf_for(rq, base);
}

static bool csrf_ok(struct http_req *rq)
{
	struct auth_session *s = sess_of(rq);
	const char *sent = NULL;
	const char *base = s->token ? s->token : http_cookie(rq, CSRF_COOKIE);
	const char *want;

	/* the header or the query, never the body: the gate runs before any
	 * byte of the body is read */
	sent = http_header(rq, "X-CSRF-Token");
	if (!sent)
		sent = http_query(rq, "_csrf");
	if (!sent || !base)
		return false;
	want = csrf_for(rq, base);
	return strlen(sent) == strlen(want) &&
	       sodium_memcmp(sent, want, strlen(want)) == 0;
}

/* An Origin header, when a browser sends one, must name this host. Our
 * Referrer-Policy (no-referrer) makes browsers send "Origin: null" even
 * for our own forms; then Sec-Fetch-Site, when sent, must not say
 * cross-site. The CSRF token remains the real check. */
static bool origin_ok(struct http_req *rq)
{
	const char *origin = http_header(rq, "Origin");
	const char *host = http_header(rq, "Host");
	const char *site = http_header(rq, "Sec-Fetch-Site");
	const char *p;

	if (site && strcmp(site, "cross-site") == 0)
		return false;
	if (!origin || strcmp(origin, "null") == 0)
		return true;
	if (!host)
		return false;
	p = strstr(origin, "://");
	return p && strcasecmp(p + 3, host) == 0;
}

static void deny_login(struct http_req *rq, struct http_resp *rs)
{
	struct auth_session *s = rq->user.session;

	if (rq->api) {
		http_error(rq, rs, HTTP_E_UNAUTHENTICATED,
			   N_("Sign in to use this."));
		return;
	}
	if (s && s->pending_totp) {
		http_redirect(rs, "/login/totp");
		return;
	}
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "/login?next=");
	http_urlencode(&b, http_request_target(rq));
	http_redirect(rs, arena_strdup(rq->arena, b.data));
	buf_free(&b);
}

void auth_lang_early(struct http_req *rq)
{
	const char *chosen = lang_choice(rq);

	if (chosen)
		rq->lang = chosen;
}

int auth_gate(struct http_req *rq, struct http_resp *rs)
{
	const struct route *rt = rq->route;
	struct db_conn *c = platform_conn_fresh();
	bool changes = rq->method != HTTP_GET && rq->method != HTTP_HEAD;
	const char *chosen, *bearer = bearer_of(rq);

	sess_of(rq);
	if (!c) {
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		return -1;
	}
	((struct auth_session *)rq->user.session)->lost_at_start =
		db_unavailable_count(c);
	if (bearer) {
		/* a token alone: no session, no cookie, not even the
		 * language's */
		if (load_token(rq, rs, c, bearer) != 0)
			return -1;
	} else {
		chosen = lang_choice(rq);
		if (chosen)
			rq->lang = chosen;
		load_session(rq, c);
	}
	if (db_unavailable_count(c) !=
	    ((struct auth_session *)rq->user.session)->lost_at_start) {
		/* not "you are signed out": the database did not answer */
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		return -1;
	}
	if (rq->user.id && conf_bool("auth.require_totp") &&
	    !rq->user.second_factor && auth_holds_personal_role(rq))
		rq->user.needs_enrolment = true;

	/* CSRF is an attack on what a browser sends by itself; a browser
	 * never sends an Authorization header by itself, so a request that
	 * carries a token was made by its holder (THREATS.md) */
	if (changes && !rq->user.bearer && !(rt->flags & ROUTE_NO_CSRF)) {
		if (!origin_ok(rq) || !csrf_ok(rq)) {
			http_error(rq, rs, HTTP_E_CSRF,
				   N_("This form has expired or did not come from this site. Go back, reload the page and try again."));
			return -1;
		}
	}
	if (strcmp(rt->perm, PERM_PUBLIC) == 0)
		return 0;
	if (!rq->user.id) {
		deny_login(rq, rs);
		return -1;
	}
	if (rq->user.needs_enrolment && !(rt->flags & ROUTE_PRE_2FA)) {
		if (rq->api) {
			http_error(rq, rs, HTTP_E_TOTP_REQUIRED,
				   N_("Your role requires a second factor. Set it up under Account, Two-step sign-in."));
		} else {
			http_flash(rq, rs,
				   N_("Your role requires a second factor. Set it up to continue."));
			http_redirect(rs, "/account/totp");
		}
		return -1;
	}
	if (strcmp(rt->perm, PERM_LOGIN) == 0)
		return 0;
	if (!can_any(rq, rt->perm)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("You do not have permission to see this."));
		return -1;
	}
	return 0;
}

void auth_after(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct auth_session *s = rq->user.session;

	/* whatever the handler made of a database that stopped answering,
	 * the answer is 503: nothing it showed can be trusted */
	if (c && s && db_unavailable_count(c) != s->lost_at_start &&
	    rs->status != 503) {
		http_resp_reset(rs);
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
	}
	if (c && db_in_tx(c)) {
		log_error("http", "handler for %s left a transaction open",
			  rq->route ? rq->route->pattern : "?");
		abort();
	}
}

/* ---- navigation ---- */

static bool nav_allowed(struct http_req *rq, const struct nav_item *it)
{
	bool pub = strcmp(it->perm, PERM_PUBLIC) == 0;

	return !rq->user.id ? pub
			    : !pub && (strcmp(it->perm, PERM_LOGIN) == 0 ||
				       can_any(rq, it->perm));
}

/* path is href or below it ("/members/12" under "/members"; "/" only
 * itself) */
static bool path_under(const char *path, const char *href)
{
	size_t n = strlen(href);

	if (strcmp(href, "/") == 0)
		return strcmp(path, "/") == 0;
	return strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void auth_nav(struct http_req *rq, json_t *page,
	      const struct nav_item *items, size_t n)
{
	json_t *nav = json_array();

	if (rq->user.needs_enrolment) {
		json_decref(nav);
		return;
	}
	/* a visitor sees the public entries (a join form); an account sees
	 * what its roles open, and not the visitors' entries. One entry is
	 * current: the longest whose path holds this page's. */
	size_t current = n, best = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(items[i].href);
		if (nav_allowed(rq, &items[i]) && len > best &&
		    path_under(rq->path, items[i].href)) {
			current = i;
			best = len;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct nav_item *it = &items[i];
		if (!nav_allowed(rq, it))
			continue;
		json_array_append_new(
			nav, json_pack("{s:s, s:s, s:b}", "href", it->href,
				       "label", tr_rq(rq, it->label), "current",
				       i == current));
	}
	json_object_set_new(page, "has_nav", json_boolean(json_array_size(nav) > 0));
	json_object_set_new(page, "nav", nav);
}

/* ---- sessions ---- */

int session_start(struct http_req *rq, struct http_resp *rs,
		  struct db_conn *c, int64_t user, const char *stage)
{
	char *token = random_token(rq->arena, 32);
	unsigned char h[MAC_LEN];
	int64_t now = time_now(), id = 0;
	struct auth_session *s = sess_of(rq);
	int rc;

	plain_hash(token, strlen(token), h);
	/* no session starts with a second factor: it is proved afterwards,
	 * in this session (session_complete) */
	rc = db_int(c, &id, SQL_INSERT, "bititii", h, sizeof(h), user, stage,
		    (int64_t)0, auth_agent_label(http_header(rq, "User-Agent")), now,
		    now + (strcmp(stage, "totp") == 0
				   ? PENDING_TTL
				   : conf_int("auth.session_max")));
	if (rc != DB_OK) {
		log_error("auth", "cannot start a session: %s", db_errmsg(c));
		return rc;
	}
	/* a new token at every sign-in: no session fixation */
	http_set_cookie(rq, rs, SESSION_COOKIE, token, -1);
	s->id = id;
	s->user_id = user;
	s->token = token;
	s->pending_totp = strcmp(stage, "totp") == 0;
	s->second_factor = false;
	return DB_OK;
}

void session_end(struct http_req *rq, struct http_resp *rs, struct db_conn *c)
{
	struct auth_session *s = sess_of(rq);

	if (s->id)
		db_run(c, SQL_DELETE, "i", s->id);
	http_set_cookie(rq, rs, SESSION_COOKIE, "", 0);
	s->id = 0;
	s->token = NULL;
}

int session_complete(struct http_req *rq, struct db_conn *c)
{
	struct auth_session *s = sess_of(rq);
	int rc;

	if (!s->id)
		return DB_NOTFOUND;
	rc = db_run(c, SQL_COMPLETE, "ii", s->id,
		    time_now() + conf_int("auth.session_max"));
	if (rc < 0)
		return rc;
	s->pending_totp = false;
	s->totp_enabled = true; /* proved it, or set it up: it has one */
	s->second_factor = true;
	rq->user.second_factor = true;
	return DB_OK;
}

int session_factor_dropped(struct http_req *rq, struct db_conn *c)
{
	struct auth_session *s = sess_of(rq);
	int rc;

	if (!s->id)
		return DB_NOTFOUND;
	rc = db_run(c, SQL_FACTOR_OFF, "i", s->id);
	if (rc < 0)
		return rc;
	s->second_factor = false;
	rq->user.second_factor = false;
	return DB_OK;
}

int session_end_others(struct http_req *rq, struct db_conn *c, int64_t user)
{
	return db_run(c, SQL_END_OTHERS, "ii", user, session_id(rq));
}

#define PENDING_CTX "sessions.totp_pending"

static const char SQL_PENDING_SET[] =
	"UPDATE sessions SET totp_pending_sealed = $1 WHERE id = $2";
static const char SQL_PENDING_GET[] =
	"SELECT totp_pending_sealed FROM sessions WHERE id = $1 "
	"AND totp_pending_sealed IS NOT NULL";

int session_totp_pending_set(struct http_req *rq, struct db_conn *c,
			     const char *secret)
{
	struct auth_session *s = sess_of(rq);
	size_t len;
	unsigned char *sealed;
	int rc;

	if (!s->id)
		return DB_NOTFOUND;
	sealed = seal_str(rq->arena, PENDING_CTX, secret, &len);
	rc = db_run(c, SQL_PENDING_SET, "bi", sealed, len, s->id);
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

char *session_totp_pending(struct http_req *rq, struct db_conn *c)
{
	static const struct db_map SECRET[] = {
		DB_COL_SELF_FN(unseal_col, PENDING_CTX), DB_COLS_END};
	struct auth_session *s = sess_of(rq);
	const char *out = "";

	if (!s->id ||
	    db_row(c, rq->arena, SECRET, &out, SQL_PENDING_GET, "i", s->id) !=
		    DB_OK ||
	    !*out)
		return NULL;
	return (char *)out;
}

int64_t session_id(struct http_req *rq)
{
	struct auth_session *s = rq->user.session;
	return s ? s->id : 0;
}

int64_t session_pending_user(struct http_req *rq)
{
	struct auth_session *s = rq->user.session;
	return s && s->pending_totp ? s->user_id : 0;
}
