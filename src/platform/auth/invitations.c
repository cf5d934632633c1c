/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Invitations: a role, or what a module offers (a membership record to
 * link an account to), sent to an email address. The inviter never
 * learns whether the address has an account: the answer, the email and
 * what their pages show are the same either way. Whoever holds the
 * emailed link finds out on opening it: they choose a password (no
 * account has the address), or sign in with the account that has it and
 * accept or decline. Accepting ties the accounts for two-person rules
 * (auth.h): the inviter made the new account, or granted the role.
 */
#include "auth.h"
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/outbox/outbox.h"
#include "platform/runtime.h"

#include <assert.h>
#include <string.h>

#define INVITATION_TTL (7 * 24 * 3600)
#define EMAIL_CTX "invitations.email"

static const char SQL_ADD[] =
	"INSERT INTO invitations (token_hash, email_sealed, display_name, lang, "
	"kind, role, scope_id, object, created_by, created_at, expires_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
#define INV_COLS                                                              \
	"SELECT i.id, i.email_sealed, i.display_name, i.lang, i.kind, i.role, " \
	"coalesce(i.scope_id, 0), i.object, i.state, coalesce(i.created_by, 0), " \
	"i.created_at, i.expires_at, coalesce(u.display_name, '') "            \
	"FROM invitations i LEFT JOIN users u ON u.id = i.created_by "
static const char SQL_BY_TOKEN[] =
	INV_COLS "WHERE i.token_hash = $1 AND i.state = 'pending' "
	"AND i.expires_at > $2";
static const char SQL_GET[] = INV_COLS "WHERE i.id = $1";
static const char SQL_FOR_OBJECT[] =
	INV_COLS "WHERE i.object = $1 ORDER BY i.id DESC LIMIT 20";
/* invitations to roles of the last days: all (an organization-wide
 * manager), or those to roles inside a branch ($2: its path and '%') */
static const char SQL_RECENT[] =
	INV_COLS "WHERE i.kind = 'role' AND i.created_at > $1 "
	"ORDER BY i.id DESC LIMIT 200";
static const char SQL_RECENT_IN[] =
	INV_COLS "WHERE i.kind = 'role' AND i.created_at > $1 AND i.scope_id IN "
	"(SELECT id FROM scopes WHERE path LIKE $2) ORDER BY i.id DESC LIMIT 200";
static const char SQL_DECIDE[] =
	"UPDATE invitations SET state = $1, account_id = $2, decided_at = $3 "
	"WHERE id = $4 AND state = 'pending'";
static const char SQL_CANCEL[] =
	"UPDATE invitations SET state = 'cancelled', decided_at = $1 "
	"WHERE id = $2 AND state = 'pending'";

/* ---- kinds modules add ---- */

static const struct invitation_kind *kinds[16];
static size_t nkinds;

void auth_add_invitation_kinds(const struct invitation_kind *k)
{
	for (; k && k->name; k++) {
		assert(nkinds < ARRAY_LEN(kinds));
		kinds[nkinds++] = k;
	}
}

static const struct invitation_kind *kind_of(const char *name)
{
	for (size_t i = 0; i < nkinds; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

/* ---- the store ---- */

#define INV(member) DB_COL(struct invitation, member)
static const struct db_map INVITATION[] = {
	INV(id),
	DB_COL_FN(struct invitation, email, unseal_col, EMAIL_CTX),
	INV(display_name),
	INV(lang),
	INV(kind),
	INV(role),
	INV(scope),
	INV(object),
	INV(state),
	INV(created_by),
	INV(created_at),
	INV(expires_at),
	INV(by_name),
	DB_COLS_END,
};
#undef INV

int invitations_for(struct db_conn *c, struct arena *a, const char *object,
		    struct invitation **out_r, size_t *n_r)
{
	return db_rows(c, a, INVITATION, sizeof(**out_r), out_r, n_r,
		       SQL_FOR_OBJECT, "t", object);
}

/* ---- sending ---- */

static const char *what_of(const struct invitation_new *in)
{
	const struct invitation_kind *k = kind_of(in->kind);

	return k ? k->what : N_("You are offered a role.");
}

int invitation_create(struct http_req *rq, struct db_conn *c,
		      const struct invitation_new *in, int64_t *id_r,
		      char **link_r)
{
	char *token = random_token(rq->arena, 32);
	char *norm = email_normalize(rq->arena, in->email);
	const char *lang = in->lang && *in->lang ? in->lang : rq->lang;
	char *org = setting_get(c, rq->arena, "org.name", "rudder");
	unsigned char h[MAC_LEN], *sealed;
	const char *subject = tr(lang, "You are invited to {org}");
	const char *p = strstr(subject, "{org}");
	int64_t now = time_now();
	struct buf body;
	size_t slen;
	int rc;

	plain_hash(token, strlen(token), h);
	sealed = seal_str(rq->arena, EMAIL_CTX, norm, &slen);
	if (in->scope)
		rc = db_int(c, id_r, SQL_ADD, "bbttttitiii", h, sizeof(h), sealed,
			    slen, in->display_name, lang, in->kind,
			    in->role ? in->role : "", in->scope,
			    in->object ? in->object : "", rq->user.id, now,
			    now + INVITATION_TTL);
	else
		rc = db_int(c, id_r, SQL_ADD, "bbttttntiii", h, sizeof(h), sealed,
			    slen, in->display_name, lang, in->kind,
			    in->role ? in->role : "", in->object ? in->object : "",
			    rq->user.id, now, now + INVITATION_TTL);
	if (rc != DB_OK)
		return rc;
	*link_r = arena_printf(rq->arena, "%s/account/invitation?token=%s",
			       platform_base_url(), token);
	buf_init(&body);
	buf_printf(&body, "%s\n\n%s\n\n%s\n\n%s\n\n%s\n", tr(lang, "Hello,"),
		   tr(lang, what_of(in)),
		   tr(lang, "Open this link within 7 days. If you have an account with this email address already, sign in with it to accept; if not, you will choose a password:"),
		   *link_r, tr(lang, "If you did not expect this message, ignore it."));
	rc = outbox_email(c, rq->arena, norm,
			  p ? arena_printf(rq->arena, "%.*s%s%s", (int)(p - subject),
					   subject, org, p + 5)
			    : subject,
			  body.data, "invitation",
			  arena_printf(rq->arena, "invitation-%lld", (long long)*id_r));
	buf_free(&body);
	if (rc != DB_OK)
		return rc;
	return audit_rq(rq, c, "invitation.sent",
			arena_printf(rq->arena, "invitation:%lld", (long long)*id_r),
			json_pack("{s:s, s:s, s:I, s:s}", "kind", in->kind, "role",
				  in->role ? in->role : "", "scope",
				  (json_int_t)in->scope, "object",
				  in->object ? in->object : ""));
}

/* ---- the invitee's page ---- */

enum mode { MODE_NEW, MODE_ACCEPT, MODE_SIGNIN, MODE_OTHER };

static void gone(struct http_req *rq, struct http_resp *rs)
{
	http_error(rq, rs, HTTP_E_LINK_INVALID,
		   N_("This invitation is no longer valid. Ask the person who invited you for a new one."));
}

/* The pending invitation behind the token, and what its holder can do. */
static int load(struct http_req *rq, struct http_resp *rs,
		struct invitation *inv, struct account *acc, enum mode *mode)
{
	const char *token = http_field(rq, "token");
	struct db_conn *c = platform_conn();
	unsigned char h[MAC_LEN];

	if (!token || !*token) {
		gone(rq, rs);
		return -1;
	}
	plain_hash(token, strlen(token), h);
	if (db_row(c, rq->arena, INVITATION, inv, SQL_BY_TOKEN, "bi", h,
		   sizeof(h), (int64_t)time_now()) != DB_OK) {
		gone(rq, rs);
		return -1;
	}
	memset(acc, 0, sizeof(*acc));
	if (account_find_email(c, rq->arena, inv->email, acc) != DB_OK ||
	    strcmp(acc->status, "invited") == 0)
		*mode = MODE_NEW; /* no account, or one never opened */
	else if (strcmp(acc->status, "active") != 0) {
		gone(rq, rs);
		return -1;
	} else
		*mode = rq->user.id == acc->id ? MODE_ACCEPT
			: rq->user.id		? MODE_OTHER
						: MODE_SIGNIN;
	return 0;
}

static const char *what_text(struct http_req *rq, const struct invitation *inv)
{
	const struct invitation_kind *k = kind_of(inv->kind);
	const struct role_def *r;
	struct scope s;

	if (k)
		return tr_rq(rq, k->what);
	r = authz_role(inv->role);
	if (!r)
		return "";
	if (inv->scope && scope_get(platform_conn(), rq->arena, inv->scope, &s) == DB_OK)
		return arena_printf(rq->arena, "%s: %s, %s", tr_rq(rq, N_("A role")),
				    tr_rq(rq, r->label), s.name);
	return arena_printf(rq->arena, "%s: %s, %s", tr_rq(rq, N_("A role")),
			    tr_rq(rq, r->label), tr_rq(rq, N_("the whole organization")));
}

static void page(struct http_req *rq, struct http_resp *rs, int status,
		 const struct invitation *inv, enum mode mode, const char *error)
{
	struct buf next;
	json_t *data;

	buf_init(&next);
	buf_puts(&next, "/login?next=");
	{
		struct buf t;
		buf_init(&t);
		buf_puts(&t, "/account/invitation?token=");
		http_urlencode(&t, http_field(rq, "token"));
		http_urlencode(&next, t.data);
		buf_free(&t);
	}
	data = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "token",
			 http_field(rq, "token"), "what", what_text(rq, inv), "by",
			 *inv->by_name ? inv->by_name : "—", "name", inv->display_name,
			 "new", mode == MODE_NEW, "accept", mode == MODE_ACCEPT,
			 "signin", mode == MODE_SIGNIN, "other", mode == MODE_OTHER,
			 "login", next.data);
	buf_free(&next);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/invitation", N_("Invitation"), data);
}

void auth_invitation_form(struct http_req *rq, struct http_resp *rs)
{
	struct invitation inv;
	struct account acc;
	enum mode mode;

	if (load(rq, rs, &inv, &acc, &mode) == 0)
		page(rq, rs, 200, &inv, mode, NULL);
}

struct accept {
	struct http_req *rq;
	struct invitation *inv;
	struct account *acc;
	enum mode mode;
	const char *password;
	int64_t account;
	const char *why; /* a refusal, msgid */
};

/* What accepting gives: the role, or the module's part. */
static int give(struct db_conn *c, struct accept *x)
{
	struct http_req *rq = x->rq;
	const struct invitation *inv = x->inv;
	const struct invitation_kind *k = kind_of(inv->kind);
	int rc;

	if (k)
		return k->accept(c, rq->arena, x->account, inv->object, inv->email,
				 &x->why);
	/* the inviter must still be able to grant it */
	if (!authz_role(inv->role) ||
	    !account_can(c, rq->arena, inv->created_by, PERM_ACCOUNTS, inv->scope)) {
		x->why = N_("The person who invited you can no longer give this role.");
		return DB_CONSTRAINT;
	}
	rc = grant_add(c, x->account, inv->role, inv->scope, inv->created_by, NULL);
	return rc == DB_CONSTRAINT ? DB_OK : rc; /* holds it already */
}

static int accept_tx(struct db_conn *c, void *arg)
{
	struct accept *x = arg;
	struct http_req *rq = x->rq;
	const struct invitation *inv = x->inv;
	bool created = false;
	int rc;

	x->account = x->acc->id;
	if (x->mode == MODE_NEW) {
		if (x->acc->id) {
			/* an account made but never opened: this sets its
			 * password */
			rc = account_set_password(c, rq->arena, x->acc->id, x->password);
		} else {
			rc = account_create(c, rq->arena, inv->email, inv->display_name,
					    inv->lang, x->password, &x->account);
			created = true;
		}
		if (rc == DB_OK)
			rc = account_tie(c, inv->created_by, x->account, "created");
		if (rc != DB_OK)
			return rc;
	}
	if ((rc = give(c, x)) != DB_OK)
		return rc;
	rc = db_run(c, SQL_DECIDE, "tiii", "accepted", x->account, (int64_t)time_now(),
		    inv->id);
	if (rc == 0)
		return DB_NOTFOUND; /* decided meanwhile */
	if (rc < 0)
		return rc;
	return audit_add(c, x->account, "", "invitation.accepted",
			 arena_printf(rq->arena, "invitation:%lld", (long long)inv->id),
			 json_pack("{s:s, s:b}", "kind", inv->kind, "new_account", created));
}

void auth_invitation(struct http_req *rq, struct http_resp *rs)
{
	struct invitation inv;
	struct account acc;
	struct accept x = {.rq = rq, .inv = &inv, .acc = &acc};
	const char *action = http_field(rq, "action");
	struct db_conn *c = platform_conn();
	int rc;

	if (load(rq, rs, &inv, &acc, &x.mode) != 0)
		return;
	if (!action)
		action = "";
	/* whoever holds the link may decline, account or not: a "declined"
	 * on the inviter's list must not say that an account exists */
	if (strcmp(action, "decline") == 0) {
		int drc = x.mode == MODE_ACCEPT
				  ? db_run(c, SQL_DECIDE, "tiii", "declined", acc.id,
					   (int64_t)time_now(), inv.id)
				  : db_run(c, SQL_DECIDE, "tnii", "declined",
					   (int64_t)time_now(), inv.id);
		if (drc < 0 ||
		    audit_add(c, rq->user.id, audit_rq_label(rq),
			      "invitation.declined",
			      arena_printf(rq->arena, "invitation:%lld", (long long)inv.id),
			      NULL) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_flash(rq, rs, N_("You declined the invitation."));
		http_redirect(rs, "/");
		return;
	}
	if ((strcmp(action, "create") == 0 && x.mode != MODE_NEW) ||
	    (strcmp(action, "accept") == 0 && x.mode != MODE_ACCEPT) ||
	    (strcmp(action, "create") != 0 && strcmp(action, "accept") != 0)) {
		page(rq, rs, 409, &inv, x.mode,
		     tr_rq(rq, N_("This step does not fit the invitation any more. Read the page again.")));
		return;
	}
	if (x.mode == MODE_NEW) {
		const char *p2 = http_field(rq, "password2");
		const char *weak;
		x.password = http_field(rq, "password");
		weak = password_weak(x.password ? x.password : "");
		if (weak) {
			page(rq, rs, 422, &inv, x.mode, tr_rq(rq, weak));
			return;
		}
		if (!p2 || strcmp(x.password, p2) != 0) {
			page(rq, rs, 422, &inv, x.mode,
			     tr_rq(rq, N_("The two passwords are not the same.")));
			return;
		}
	}
	rc = db_tx(c, accept_tx, &x);
	if (rc == DB_NOTFOUND) {
		gone(rq, rs);
		return;
	}
	if (x.why) {
		page(rq, rs, 409, &inv, x.mode, tr_rq(rq, x.why));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	outbox_wake();
	if (x.mode == MODE_NEW) {
		http_flash(rq, rs, N_("Your account is ready. Sign in with your email and the password you chose."));
		http_redirect(rs, "/login");
	} else {
		http_flash(rq, rs, N_("You accepted the invitation."));
		http_redirect(rs, "/");
	}
}

/* ---- the inviters' side ---- */

/* The invitations to roles inside the manager's reach, read by scope:
 * nothing read depends on invitations elsewhere. */
static void invitations_in_reach(struct http_req *rq, struct invitation **out_r,
				 size_t *n_r)
{
	struct db_conn *c = platform_conn();
	int64_t since = time_now() - 30 * 86400;
	struct invitation *all = NULL, *part;
	size_t n = 0, cap = 0, np, k;
	const char **paths;
	bool org;

	*out_r = NULL;
	*n_r = 0;
	authz_scopes(rq, PERM_ACCOUNTS, &org, &paths, &np);
	if (org) {
		db_rows(c, rq->arena, INVITATION, sizeof(**out_r), out_r, n_r,
			SQL_RECENT, "i", since);
		return;
	}
	for (size_t i = 0; i < np; i++) {
		if (db_rows(c, rq->arena, INVITATION, sizeof(*part), &part, &k,
			    SQL_RECENT_IN, "it", since,
			    arena_printf(rq->arena, "%s%%", paths[i])) != DB_OK)
			continue;
		for (size_t j = 0; j < k; j++) {
			bool dup = false;
			for (size_t m = 0; m < n && !dup; m++)
				dup = all[m].id == part[j].id;
			if (dup)
				continue;
			all = arena_grow(rq->arena, all, n, &cap, sizeof(*all));
			all[n++] = part[j];
		}
	}
	*out_r = all;
	*n_r = n;
}

json_t *admin_invitations_json(struct http_req *rq)
{
	struct invitation *inv;
	size_t n;
	json_t *arr = json_array();

	invitations_in_reach(rq, &inv, &n);
	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(inv[i].role);
		struct scope s;
		char when[40];
		const char *scope_name = tr_rq(rq, "the whole organization");

		if (!can(rq, PERM_ACCOUNTS, inv[i].scope))
			continue;
		if (inv[i].scope &&
		    scope_get(platform_conn(), rq->arena, inv[i].scope, &s) == DB_OK)
			scope_name = s.name;
		time_format(inv[i].created_at, when, sizeof(when));
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
				       (json_int_t)inv[i].id, "email", inv[i].email,
				       "display_name", inv[i].display_name, "role",
				       r ? tr_rq(rq, r->label) : inv[i].role, "scope",
				       scope_name, "when", when, "state",
				       tr_rq(rq, strcmp(inv[i].state, "pending") == 0
							 ? (inv[i].expires_at > time_now()
								    ? N_("waiting")
								    : N_("expired"))
						 : strcmp(inv[i].state, "accepted") == 0
							 ? N_("accepted")
						 : strcmp(inv[i].state, "declined") == 0
							 ? N_("declined")
							 : N_("cancelled")),
				       "cancellable",
				       strcmp(inv[i].state, "pending") == 0 &&
					       inv[i].expires_at > time_now()));
	}
	return arr;
}

void admin_invitation_cancel(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct invitation inv;
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    db_row(c, rq->arena, INVITATION, &inv, SQL_GET, "i", id) != DB_OK ||
	    strcmp(inv.kind, "role") != 0 || !can(rq, PERM_ACCOUNTS, inv.scope)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such invitation."));
		return;
	}
	if (db_run(c, SQL_CANCEL, "ii", (int64_t)time_now(), id) < 0 ||
	    audit_rq(rq, c, "invitation.cancelled",
		     arena_printf(rq->arena, "invitation:%lld", (long long)id),
		     NULL) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The invitation is cancelled."));
	http_redirect(rs, "/admin/users");
}
