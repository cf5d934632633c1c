/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Managing accounts: list, create (with a first role and a one-time link
 * to set a password, sent through the outbox), roles granted and revoked,
 * disable, sign out everywhere, a new link, reset of the second factor.
 *
 * Who may manage whom: an account manager over the whole organization
 * manages every account. One scoped to a branch manages an account only
 * when every role that account holds lies inside the manager's branches,
 * and grants roles only inside them; roles marked org_only ("admin") are
 * granted only by organization-wide managers. A scoped manager never
 * learns whether an address has an account: "create" sends an
 * invitation (invitations.c) whatever it has, and one-time links are
 * shown only to managers of the whole organization.
 */
#include "auth.h"
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/outbox/outbox.h"
#include "platform/runtime.h"

#include <string.h>

#define LINK_TTL (7 * 24 * 3600)

static const char SQL_ADMIN_COUNT[] =
	"SELECT count(*) FROM grants g JOIN users u ON u.id = g.user_id "
	"WHERE g.role = 'admin' AND g.scope_id IS NULL AND u.status = 'active'";

static const char *status_label(const char *status)
{
	if (strcmp(status, "invited") == 0)
		return N_("invited");
	if (strcmp(status, "active") == 0)
		return N_("active");
	return N_("disabled");
}

static char *obj(struct arena *a, const char *kind, int64_t id)
{
	return arena_printf(a, "%s:%lld", kind, (long long)id);
}

/* Is every grant inside the manager's scopes (and is there one)? */
static bool grants_within(struct http_req *rq, const struct grant *g,
			  size_t n)
{
	if (can(rq, PERM_ACCOUNTS, 0))
		return true;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g[i].scope_id || !can(rq, PERM_ACCOUNTS, g[i].scope_id))
			return false;
	return true;
}

bool auth_may_manage(struct http_req *rq, int64_t user_id)
{
	struct grant *g;
	size_t n;

	if (can(rq, PERM_ACCOUNTS, 0))
		return true;
	if (grants_of(platform_conn(), rq->arena, user_id, &g, &n) != DB_OK)
		return false;
	return grants_within(rq, g, n);
}

/* May rq grant role over scope (0: the organization)? NULL when yes,
 * else a msgid saying why not. */
static const char *grant_refusal(struct http_req *rq, const char *role,
				 int64_t scope)
{
	const struct role_def *r = authz_role(role ? role : "");
	struct scope s;

	if (!r)
		return N_("There is no such role.");
	if (r->org_only && scope)
		return N_("This role can only be held over the whole organization.");
	if (scope && scope_get(platform_conn(), rq->arena, scope, &s) != DB_OK)
		return N_("There is no such branch.");
	if (!can(rq, PERM_ACCOUNTS, scope))
		return N_("You can only grant roles inside your own branches.");
	return NULL;
}

static int admin_count(struct db_conn *c)
{
	int64_t n = 0;
	db_int(c, &n, SQL_ADMIN_COUNT, "");
	return (int)n;
}

/* The invitation or password link as an email body. */
static void send_link(struct http_req *rq, struct db_conn *c,
		      const struct account *acc, const char *link,
		      bool invitation)
{
	const char *lang = *acc->lang ? acc->lang : rq->lang;
	char *org = setting_get(c, rq->arena, "org.name", "rudder");
	const char *subject = invitation
		? tr(lang, "You are invited to {org}")
		: tr(lang, "A link to set your password for {org}");
	struct buf body;
	char *subj;
	const char *p = strstr(subject, "{org}");

	subj = p ? arena_printf(rq->arena, "%.*s%s%s", (int)(p - subject),
				subject, org, p + 5)
		 : arena_strdup(rq->arena, subject);
	buf_init(&body);
	buf_printf(&body, "%s\n\n%s\n\n%s\n", tr(lang, "Hello,"),
		   invitation
			   ? tr(lang, "An account was made for you. Open this link within 7 days to choose your password:")
			   : tr(lang, "Open this link within 7 days to choose a new password:"),
		   link);
	buf_printf(&body, "\n%s\n",
		   tr(lang, "If you did not expect this message, ignore it."));
	outbox_email(c, rq->arena, acc->email, subj, body.data,
		     invitation ? "invitation" : "password link",
		     arena_printf(rq->arena, "link-%lld-%s", (long long)acc->id,
				  random_token(rq->arena, 9)));
	buf_free(&body);
}

struct create {
	struct http_req *rq;
	const char *email, *name, *lang, *role;
	int64_t scope;
	int64_t id;
	char *link;
};

static int create_tx(struct db_conn *c, void *arg)
{
	struct create *cr = arg;
	struct http_req *rq = cr->rq;
	struct account acc;
	char *token;
	int rc;

	rc = account_create(c, rq->arena, cr->email, cr->name,
			    cr->lang ? cr->lang : "", NULL, &cr->id);
	if (rc != DB_OK)
		return rc;
	rc = account_tie(c, rq->user.id, cr->id, "created");
	if (rc == DB_OK)
		rc = grant_add(c, cr->id, cr->role, cr->scope, rq->user.id, NULL);
	if (rc != DB_OK)
		return rc;
	token = account_token_create(c, rq->arena, cr->id, LINK_TTL);
	if (!token)
		return DB_ERROR;
	cr->link = arena_printf(rq->arena, "%s/account/set-password?token=%s",
				platform_base_url(), token);
	if ((rc = account_get(c, rq->arena, cr->id, &acc)) != DB_OK)
		return rc;
	send_link(rq, c, &acc, cr->link, true);
	rc = audit_rq(rq, c, "account.created", obj(rq->arena, "user", cr->id),
		      NULL);
	if (rc == DB_OK)
		rc = audit_rq(rq, c, "grant.added", obj(rq->arena, "user", cr->id),
			      json_pack("{s:s, s:I}", "role", cr->role, "scope",
					(json_int_t)cr->scope));
	return rc;
}

struct invite {
	struct http_req *rq;
	struct invitation_new in;
	int64_t id;
	char *link;
};

static int invite_tx(struct db_conn *c, void *arg)
{
	struct invite *x = arg;

	return invitation_create(x->rq, c, &x->in, &x->id, &x->link);
}

int admin_create_account(struct http_req *rq, const char *email,
			 const char *name, const char *lang, const char *role,
			 int64_t scope, int64_t *id_r, char **link_r,
			 const char **why_r, const char **field_r)
{
	struct create cr = {.rq = rq, .email = email, .name = name,
			    .lang = lang, .role = role, .scope = scope};
	int rc;

	*why_r = NULL;
	*field_r = NULL;
	if (!email || !email_plausible(email)) {
		*why_r = N_("Give an email address.");
		*field_r = "email";
		return 422;
	}
	if (!name) {
		*why_r = N_("Give a name (it may be a pseudonym).");
		*field_r = "display_name";
		return 422;
	}
	if (lang && *lang && !i18n_known(lang)) {
		*why_r = N_("That language is not available.");
		*field_r = "lang";
		return 422;
	}
	if ((*why_r = grant_refusal(rq, role, scope))) {
		*field_r = authz_role(role ? role : "") ? "scope" : "role";
		return 403;
	}
	if (!can(rq, PERM_ACCOUNTS, 0)) {
		/* A manager of some branches sees only the accounts inside
		 * them: whether the address has an account elsewhere must not
		 * show, in the answer, its timing or the link. So: an
		 * invitation, whatever the address has, emailed only. */
		struct invite x = {.rq = rq,
				   .in = {.email = email, .display_name = name,
					  .lang = lang, .kind = "role", .role = role,
					  .scope = scope}};
		if (db_tx(platform_conn(), invite_tx, &x) != DB_OK) {
			*why_r = N_("Something went wrong on our side.");
			return 500;
		}
		outbox_wake();
		*id_r = x.id;
		*link_r = NULL;
		return 202;
	}
	rc = db_tx(platform_conn(), create_tx, &cr);
	if (rc == DB_CONSTRAINT) {
		*why_r = N_("An account with that email exists already.");
		*field_r = "email";
		return 409;
	}
	if (rc != DB_OK) {
		*why_r = N_("Something went wrong on our side.");
		return 500;
	}
	outbox_wake();
	*id_r = cr.id;
	*link_r = cr.link;
	return 201;
}

/* ---- pages ---- */

static json_t *grants_json(struct http_req *rq, const struct grant *g,
			   size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id",
				  (json_int_t)g[i].id, "role", g[i].role, "label",
				  r ? tr_rq(rq, r->label) : g[i].role, "scope",
				  g[i].scope_id
					  ? g[i].scope_name
					  : tr_rq(rq, "the whole organization"),
				  "scope_id", (json_int_t)g[i].scope_id,
				  "revocable",
				  can(rq, PERM_ACCOUNTS, g[i].scope_id)));
	}
	return arr;
}

json_t *admin_accounts_json(struct http_req *rq, bool with_email)
{
	struct account *list;
	struct grant **g;
	size_t *ng, n;
	json_t *arr = json_array();

	if (account_list(platform_conn(), rq->arena, &list, &g, &ng, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (!grants_within(rq, g[i], ng[i]))
			continue;
		o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id",
			      (json_int_t)list[i].id, "display_name",
			      list[i].display_name, "status", list[i].status,
			      "status_label", tr_rq(rq, status_label(list[i].status)),
			      "totp", list[i].totp_enabled, "grants",
			      grants_json(rq, g[i], ng[i]));
		if (with_email)
			json_object_set_new(o, "email", json_string(list[i].email));
		json_array_append_new(arr, o);
	}
	return arr;
}

void admin_users(struct http_req *rq, struct http_resp *rs)
{
	json_t *data = json_pack("{s:o, s:o}", "users", admin_accounts_json(rq, true),
				 "invitations", admin_invitations_json(rq));

	json_object_set_new(data, "has_invitations",
			    json_boolean(json_array_size(json_object_get(data, "invitations")) > 0));

	http_page(rq, rs, 200, "auth/users", N_("Accounts"), data);
}

/* Roles and scopes the manager may offer in a grant form: the form's
 * options, none chosen until someone chooses, and a line on each role
 * for the page (data "roles"). */
static void grant_options(struct http_req *rq, json_t *form, json_t *data)
{
	json_t *roles = json_array(), *about = json_array(), *scopes = json_array();
	size_t nr, ns;
	const struct role_def *const *rl = authz_roles(&nr);
	struct scope *sl;
	bool org = can(rq, PERM_ACCOUNTS, 0);

	for (size_t i = 0; i < nr; i++) {
		if (rl[i]->org_only && !org)
			continue;
		json_array_append_new(roles, json_pack("{s:s, s:s}", "value",
						       rl[i]->name, "label",
						       tr_rq(rq, rl[i]->label)));
		json_array_append_new(
			about, json_pack("{s:s, s:s}", "label", tr_rq(rq, rl[i]->label),
					 "about", rl[i]->about ? tr_rq(rq, rl[i]->about) : ""));
	}
	if (org)
		json_array_append_new(
			scopes, json_pack("{s:s, s:s}", "value", "0", "label",
					  tr_rq(rq, "The whole organization")));
	if (scope_list(platform_conn(), rq->arena, &sl, &ns) == DB_OK) {
		for (size_t i = 0; i < ns; i++) {
			if (!can(rq, PERM_ACCOUNTS, sl[i].id))
				continue;
			/* indent by depth so the tree shows in a select */
			struct buf b;
			buf_init(&b);
			for (int d = 0; d < sl[i].depth; d++)
				buf_puts(&b, "\u2003");
			buf_puts(&b, sl[i].name);
			json_array_append_new(
				scopes, json_pack("{s:I, s:s}", "value",
						  (json_int_t)sl[i].id, "label",
						  b.data));
			buf_free(&b);
		}
	}
	http_form_options(form, "role", roles);
	http_form_options(form, "scope", scopes);
	json_object_set_new(data, "roles", about);
}

/* The languages, this request's chosen until someone chooses. */
static json_t *lang_options(struct http_req *rq)
{
	json_t *arr = json_array();
	size_t n;
	const struct lang_info *li = i18n_langs(&n);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "value", li[i].code,
				       "label", li[i].native, "selected",
				       strcmp(rq->lang, li[i].code) == 0));
	return arr;
}

/* The new account form; when field and why are given, the reason the
 * last try was refused, beside that field. */
static void new_page(struct http_req *rq, struct http_resp *rs, int status,
		     const char *field, const char *why)
{
	json_t *form = http_form(rq, HTTP_POST, "/admin/users");
	json_t *data = json_object();

	http_form_options(form, "lang", lang_options(rq));
	grant_options(rq, form, data);
	if (why && field)
		http_form_error(rq, form, field, why);
	else if (why)
		json_object_set_new(data, "error", json_string(tr_rq(rq, why)));
	json_object_set_new(data, "form", form);
	http_page(rq, rs, status, "auth/user_new", N_("New account"), data);
}

void admin_user_new(struct http_req *rq, struct http_resp *rs)
{
	new_page(rq, rs, 200, NULL, NULL);
}

void admin_user_refused(struct http_req *rq, struct http_resp *rs)
{
	new_page(rq, rs, 422, NULL, NULL);
}


void admin_user_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t id = 0;
	char *link = NULL;
	const char *why, *field;
	int status = admin_create_account(
		rq, http_field(rq, "email"), http_field(rq, "display_name"),
		http_field(rq, "lang"), http_field(rq, "role"),
		http_field_int(rq, "scope", 0), &id, &link, &why, &field);
	json_t *data;

	if (status == 202) {
		data = json_pack("{s:s, s:b}", "email", http_field(rq, "email"),
				 "mail", outbox_mail_ready());
		http_page(rq, rs, 202, "auth/user_invited", N_("Invitation sent"), data);
		return;
	}
	if (status != 201) {
		new_page(rq, rs, status, field, why);
		return;
	}
	data = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "link",
			 link, "display_name", http_field(rq, "display_name"),
			 "mail", outbox_mail_ready());
	http_page(rq, rs, 201, "auth/user_created", N_("Account created"), data);
}

static int load_managed(struct http_req *rq, struct http_resp *rs,
			struct account *acc)
{
	int64_t id = http_param_int(rq, "id");

	/* an account outside the manager's reach does not exist for them */
	if (!id || account_get(platform_conn(), rq->arena, id, acc) != DB_OK ||
	    !auth_may_manage(rq, id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such account."));
		return -1;
	}
	return 0;
}

/* An account's page; error (a msgid) at the top, or beside the grant
 * form's field when field is given; link: a new one-time link. */
static void account_page(struct http_req *rq, struct http_resp *rs,
			 int status, const struct account *acc,
			 const char *field, const char *error, const char *link)
{
	struct grant *g;
	size_t n;
	json_t *data, *form;

	grants_of(platform_conn(), rq->arena, acc->id, &g, &n);
	data = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:o, s:b}", "user_id",
			 (json_int_t)acc->id, "display_name", acc->display_name,
			 "email", acc->email, "status", acc->status, "totp",
			 acc->totp_enabled, "has_password", acc->has_password,
			 "grants", grants_json(rq, g, n), "self",
			 acc->id == rq->user.id);
	json_object_set_new(data, "disabled",
			    json_boolean(strcmp(acc->status, "disabled") == 0));
	json_object_set_new(data, "status_label",
			    json_string(tr_rq(rq, status_label(acc->status))));
	json_object_set_new(data, "may_audit", json_boolean(can_any(rq, PERM_AUDIT)));
	form = http_form(rq, HTTP_POST,
			 arena_printf(rq->arena, "/admin/users/%lld/grants",
				      (long long)acc->id));
	grant_options(rq, form, data);
	if (error && field)
		http_form_error(rq, form, field, error);
	else if (error)
		json_object_set_new(data, "error", json_string(tr_rq(rq, error)));
	json_object_set_new(data, "form", form);
	if (link)
		json_object_set_new(data, "link", json_string(link));
	json_object_set_new(data, "mail", json_boolean(outbox_mail_ready()));
	http_page(rq, rs, status, "auth/user", N_("Account"), data);
}

static void user_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct account *acc, const char *error,
		      const char *link)
{
	account_page(rq, rs, status, acc, NULL, error, link);
}

void admin_user(struct http_req *rq, struct http_resp *rs)
{
	struct account acc;

	if (load_managed(rq, rs, &acc) == 0)
		user_page(rq, rs, 200, &acc, NULL, NULL);
}

void admin_grant_add(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	const char *role = http_field(rq, "role");
	int64_t scope = http_field_int(rq, "scope", 0);
	const char *why;
	int rc;

	if (load_managed(rq, rs, &acc) != 0)
		return;
	if ((why = grant_refusal(rq, role, scope))) {
		account_page(rq, rs, 403, &acc,
			     authz_role(role ? role : "") ? "scope" : "role", why,
			     NULL);
		return;
	}
	rc = grant_add(c, acc.id, role, scope, rq->user.id, NULL);
	if (rc == DB_CONSTRAINT) {
		account_page(rq, rs, 409, &acc, "scope",
			     N_("The account holds that role there already."), NULL);
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c, "grant.added", obj(rq->arena, "user", acc.id),
		 json_pack("{s:s, s:I}", "role", role, "scope", (json_int_t)scope));
	http_flash(rq, rs, N_("The role is granted."));
	http_redirect(rs, arena_printf(rq->arena, "/admin/users/%lld",
				       (long long)acc.id));
}

void admin_grant_refused(struct http_req *rq, struct http_resp *rs)
{
	struct account acc;

	if (load_managed(rq, rs, &acc) == 0)
		account_page(rq, rs, 422, &acc, NULL, NULL, NULL);
}

void admin_grant_revoke(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	struct grant g;
	int64_t gid = http_param_int(rq, "gid");

	if (load_managed(rq, rs, &acc) != 0)
		return;
	if (grant_get(c, rq->arena, gid, &g) != DB_OK || g.user_id != acc.id ||
	    !can(rq, PERM_ACCOUNTS, g.scope_id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such role."));
		return;
	}
	if (strcmp(g.role, "admin") == 0 && g.scope_id == 0 &&
	    strcmp(acc.status, "active") == 0 && admin_count(c) <= 1) {
		user_page(rq, rs, 409, &acc,
			  N_("At least one administrator must remain."), NULL);
		return;
	}
	const struct role_def *r = authz_role(g.role);
	const char *back = arena_printf(rq->arena, "/admin/users/%lld",
					(long long)acc.id);
	if (!http_confirmed(
		    rq, rs, N_("Revoke a role?"),
		    arena_printf(rq->arena,
				 tr_rq(rq, N_("%s loses the role %s over %s: what it opens closes to them at once.")),
				 acc.display_name, r ? tr_rq(rq, r->label) : g.role,
				 g.scope_id ? g.scope_name
					    : tr_rq(rq, N_("the whole organization"))),
		    N_("Revoke the role"), back))
		return;
	if (grant_remove(c, gid) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c, "grant.revoked", obj(rq->arena, "user", acc.id),
		 json_pack("{s:s, s:I}", "role", g.role, "scope",
			   (json_int_t)g.scope_id));
	http_flash(rq, rs, N_("The role is revoked."));
	http_redirect(rs, back);
}

static bool is_admin_account(struct db_conn *c, struct arena *a, int64_t id)
{
	struct grant *g;
	size_t n;

	if (grants_of(c, a, id, &g, &n) != DB_OK)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].role, "admin") == 0 && g[i].scope_id == 0)
			return true;
	return false;
}

void admin_user_status(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	const char *status = http_field(rq, "status");

	if (load_managed(rq, rs, &acc) != 0)
		return;
	if (!status || (strcmp(status, "active") != 0 &&
			strcmp(status, "disabled") != 0)) {
		http_error(rq, rs, HTTP_E_INVALID_FIELD, N_("There is no such state."));
		return;
	}
	if (strcmp(status, "disabled") == 0) {
		if (acc.id == rq->user.id) {
			user_page(rq, rs, 409, &acc,
				  N_("You cannot disable your own account."), NULL);
			return;
		}
		if (is_admin_account(c, rq->arena, acc.id) && admin_count(c) <= 1) {
			user_page(rq, rs, 409, &acc,
				  N_("At least one administrator must remain."),
				  NULL);
			return;
		}
	} else if (!acc.has_password) {
		user_page(rq, rs, 409, &acc,
			  N_("This account has no password yet: send a new link instead."),
			  NULL);
		return;
	}
	if (account_set_status(c, acc.id, status) != DB_OK ||
	    (strcmp(status, "disabled") == 0 &&
	     account_revoke_sessions(c, acc.id) < 0)) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c,
		 strcmp(status, "disabled") == 0 ? "account.disabled"
						 : "account.enabled",
		 obj(rq->arena, "user", acc.id), NULL);
	http_flash(rq, rs, strcmp(status, "disabled") == 0
				   ? N_("The account is disabled and signed out.")
				   : N_("The account is enabled."));
	http_redirect(rs, arena_printf(rq->arena, "/admin/users/%lld",
				       (long long)acc.id));
}

void admin_user_signout(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	int n;

	if (load_managed(rq, rs, &acc) != 0)
		return;
	n = account_revoke_sessions(c, acc.id);
	audit_rq(rq, c, "sessions.revoked_all", obj(rq->arena, "user", acc.id),
		 json_pack("{s:i}", "sessions", n < 0 ? 0 : n));
	if (acc.id == rq->user.id) {
		http_set_cookie(rq, rs, SESSION_COOKIE, "", 0);
		http_redirect(rs, "/login");
		return;
	}
	http_flash(rq, rs, N_("The account is signed out everywhere."));
	http_redirect(rs, arena_printf(rq->arena, "/admin/users/%lld",
				       (long long)acc.id));
}

struct relink {
	struct http_req *rq;
	struct account *acc;
	char *link;
};

static int relink_tx(struct db_conn *c, void *arg)
{
	struct relink *r = arg;
	char *token = account_token_create(c, r->rq->arena, r->acc->id, LINK_TTL);
	int rc;

	if (!token)
		return DB_ERROR;
	r->link = arena_printf(r->rq->arena, "%s/account/set-password?token=%s",
			       platform_base_url(), token);
	send_link(r->rq, c, r->acc, r->link, !r->acc->has_password);
	/* only a manager of the whole organization is shown the link; who
	 * saw it could set the account's password, so for two-person rules
	 * the two are one */
	if (can(r->rq, PERM_ACCOUNTS, 0)) {
		if ((rc = account_tie(c, r->rq->user.id, r->acc->id, "created")) != DB_OK)
			return rc;
	} else {
		r->link = NULL;
	}
	return audit_rq(r->rq, c, "password.link_created",
			obj(r->rq->arena, "user", r->acc->id), NULL);
}

void admin_user_link(struct http_req *rq, struct http_resp *rs)
{
	struct account acc;
	struct relink r = {.rq = rq, .acc = &acc};

	if (load_managed(rq, rs, &acc) != 0)
		return;
	if (strcmp(acc.status, "disabled") == 0) {
		user_page(rq, rs, 409, &acc,
			  N_("Enable the account before sending it a link."), NULL);
		return;
	}
	if (db_tx(platform_conn(), relink_tx, &r) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	outbox_wake();
	if (!r.link) {
		http_flash(rq, rs,
			   outbox_mail_ready()
				   ? N_("A new link to set a password was emailed to the account's address.")
				   : N_("A new link to set a password was made, but no mail relay is set up: it waits in the outbox until an administrator sets one up."));
		http_redirect(rs, arena_printf(rq->arena, "/admin/users/%lld",
					       (long long)acc.id));
		return;
	}
	user_page(rq, rs, 200, &acc, NULL, r.link);
}

struct totp_reset {
	struct http_req *rq;
	const struct account *acc;
};

/* A reset is how an account lost to someone else is taken back: its
 * factor, every session and every access token go together. */
static int totp_reset_tx(struct db_conn *c, void *arg)
{
	struct totp_reset *x = arg;
	struct http_req *rq = x->rq;
	int64_t id = x->acc->id;
	int rc;

	/* who reset an account's factor (and might know its password) is
	 * not its second officer */
	if ((rc = account_totp_clear(c, id)) != DB_OK ||
	    (rc = account_tie(c, rq->user.id, id, "reset")) != DB_OK ||
	    (rc = audit_rq(rq, c, "totp.reset", obj(rq->arena, "user", id),
			   NULL)) != DB_OK)
		return rc;
	return account_reset_access(c, id, rq->user.id, audit_rq_label(rq),
				    "totp.reset");
}

void admin_user_totp_reset(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	struct totp_reset x = {.rq = rq};

	if (load_managed(rq, rs, &acc) != 0)
		return;
	if (acc.id == rq->user.id) {
		user_page(rq, rs, 409, &acc,
			  N_("Turn off your own two-step sign-in under Your account."),
			  NULL);
		return;
	}
	x.acc = &acc;
	if (db_tx(c, totp_reset_tx, &x) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("Two-step sign-in was reset and every access token of the account revoked. The account must set it up again at its next sign-in."));
	http_redirect(rs, arena_printf(rq->arena, "/admin/users/%lld",
				       (long long)acc.id));
}
