/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Self-service: a member whose account is linked to their record sees and
 * corrects it at /me, downloads everything rudder holds about them (as
 * JSON, or a page to read and print), and can leave: their personal data and their account are erased,
 * while the record that a member existed (status history without notes,
 * dues as amounts, and in time their anonymous votes) stays.
 *
 * An organizer opens self-service with "invite to self-service": an
 * invitation (the platform's, auth.h) to the member's email. Whoever
 * holds it chooses a password, or accepts with the account they have;
 * only then is the account linked to the record.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/i18n/i18n.h"
#include "platform/outbox/outbox.h"
#include "platform/platform.h"

#include <assert.h>
#include <string.h>

/* The signed-in account's own record, or 404 page. */
static int load_me(struct http_req *rq, struct http_resp *rs, bool unseal,
		   struct person *p)
{
	int64_t id = 0;

	if (members_person_by_account(platform_conn(), rq->user.id, &id) !=
		DB_OK ||
	    members_person_get(platform_conn(), rq->arena, id, unseal, p) !=
		DB_OK) {
		json_t *data = json_object();
		http_page(rq, rs, 200, "members/me_none", N_("My membership"), data);
		return -1;
	}
	return 0;
}

static json_t *dues_of(struct http_req *rq, int64_t id)
{
	struct due *d;
	size_t n;
	json_t *arr = json_array();

	if (members_dues_list(platform_conn(), rq->arena, id, &d, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:s}", "amount_minor",
					       (json_int_t)d[i].amount, "currency",
					       d[i].currency, "period", d[i].period,
					       "paid_on", d[i].paid_on));
	return arr;
}

static json_t *history_of(struct http_req *rq, int64_t id)
{
	struct status_change *h;
	size_t n;
	json_t *arr = json_array();
	char when[32];

	if (members_person_history(platform_conn(), rq->arena, id, &h, &n) ==
	    DB_OK)
		for (size_t i = 0; i < n; i++) {
			time_format_iso(h[i].at, when, sizeof(when));
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s, s:s}", "at", when, "from",
					       h[i].from, "to", h[i].to, "note", h[i].note));
		}
	return arr;
}

/* What the member may correct, as /me's form takes it; the rest as the
 * record holds it. */
static void me_input(struct http_req *rq, const struct person *p,
		     struct person_input *in)
{
	memset(in, 0, sizeof(*in));
	in->display_name = http_field(rq, "display_name");
	in->phone = http_field(rq, "phone");
	in->email = http_field(rq, "email");
	in->address = http_field(rq, "address");
	in->workplace = http_field(rq, "workplace");
	in->consent_phone = http_field_bool(rq, "consent_phone");
	in->consent_sms = http_field_bool(rq, "consent_sms");
	in->consent_email = http_field_bool(rq, "consent_email");
	in->legal_name = p->legal_name;
	in->birth_date = p->birth_date;
	in->notes = p->notes;
	in->joined_on = p->joined_on;
	in->branch_id = p->branch_id;
}

/* The member's page; again when their form comes back (what they typed,
 * each refusal beside its field; taken: the field whose value another
 * record holds). */
static void me_page(struct http_req *rq, struct http_resp *rs, int status,
		    const struct person *p, bool again, const char *taken,
		    bool stale)
{
	json_t *form = http_form(rq, HTTP_POST, "/me");
	json_t *data, *dues, *d;
	size_t i;

	assert(form);
	if (again) {
		struct person_input in;
		me_input(rq, p, &in);
		members_person_form_refusals(rq, form, &in);
	} else {
		http_form_value(form, "display_name", p->display_name);
		http_form_value(form, "phone",
				p->phone && *p->phone
					? members_phone_display(rq->arena, p->phone)
					: p->phone);
		http_form_value(form, "email", p->email);
		http_form_value(form, "address", p->address);
		http_form_value(form, "workplace", p->workplace);
		http_form_checked(form, "consent_phone", p->consent_phone);
		http_form_checked(form, "consent_sms", p->consent_sms);
		http_form_checked(form, "consent_email", p->consent_email);
	}
	if (taken)
		http_form_error(rq, form, taken,
				N_("Someone with this phone or email is registered already."));
	/* an organizer saved the record meanwhile: what they saved beside
	 * what was typed, and the form at their version */
	if (stale)
		members_conflict_marks(rq, form, p);
	else if (!again) /* again: the version the form was drawn from */
		http_form_value(form, "version",
				arena_printf(rq->arena, "%lld", (long long)p->version));
	members_form_settle(form);
	http_form_required(form, "display_name");
	http_form_control(form, "phone", "tel");
	http_form_control(form, "email", "email");
	data = json_pack("{s:o, s:o, s:o}", "person", members_person_json(rq, p, true),
			 "dues", dues_of(rq, p->id), "form", form);
	dues = json_object_get(data, "dues");
	/* amounts as people read them */
	json_array_foreach(dues, i, d)
		json_object_set_new(
			d, "amount",
			json_string(members_money(rq->arena,
						  json_integer_value(json_object_get(d, "amount_minor")),
						  json_string_value(json_object_get(d, "currency")))));
	if (stale)
		json_object_set_new(data, "conflict", json_true());
	http_page(rq, rs, status, "members/me", N_("My membership"), data);
}

void members_me_show(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_me(rq, rs, true, &p) != 0)
		return;
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p.id),
		 json_pack("{s:b}", "self", 1));
	me_page(rq, rs, 200, &p, false, NULL, false);
}

void members_me_refused(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_me(rq, rs, true, &p) != 0)
		return;
	me_page(rq, rs, 422, &p, true, NULL, false);
}

/* A member changes their name, contacts, address, workplace and
 * consents; the rest stays as the organizers keep it. */
void members_me_update(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct person_input in;
	const char *field;
	int64_t *uids, id, found;
	size_t nu;
	int rc;

	if (load_me(rq, rs, true, &p) != 0)
		return;
	me_input(rq, &p, &in);
	if (members_person_check(rq->arena, &in, &field)) {
		me_page(rq, rs, 422, &p, true, NULL, false);
		return;
	}
	if (members_person_unions(platform_conn(), rq->arena, p.id, &uids,
				  &nu) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	id = p.id;
	in.version = http_field_int(rq, "version", 0);
	rc = members_write(rq, &in, uids, nu, &id);
	if (rc == DB_STALE) {
		struct person now;
		if (members_person_get(platform_conn(), rq->arena, p.id, true,
				       &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		me_page(rq, rs, 409, &now, true, NULL, true);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		field = in.email && *in.email &&
				members_person_find_contact(platform_conn(), rq->arena,
							    in.email, NULL, &found) == DB_OK &&
				found != p.id
			? "email"
			: "phone";
		me_page(rq, rs, 409, &p, true, field, false);
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The changes were saved."));
	http_redirect(rs, "/me");
}

static json_t *applications_of(struct http_req *rq, int64_t id)
{
	struct application *ap;
	size_t n;
	json_t *arr = json_array();
	char when[32];

	if (members_applications_of(platform_conn(), rq->arena, id, &ap, &n) ==
	    DB_OK)
		for (size_t i = 0; i < n; i++) {
			time_format_iso(ap[i].created_at, when, sizeof(when));
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s}", "sent_at", when,
					       "branch",
					       members_branch_name(rq, ap[i].branch_id),
					       "state", ap[i].state));
		}
	return arr;
}

/* Everything rudder holds about the member p, as /me/data.json gives it
 * and /me/data shows it (a new object, the caller's). */
static json_t *everything(struct http_req *rq, const struct person *p)
{
	struct account acc;
	json_t *j;
	char when[32];

	j = json_pack("{s:o, s:o, s:o, s:o}", "person", members_person_json(rq, p, true),
		      "status_history", history_of(rq, p->id), "dues",
		      dues_of(rq, p->id), "applications", applications_of(rq, p->id));
	if (account_get(platform_conn(), rq->arena, rq->user.id, &acc) == DB_OK) {
		time_format_iso(acc.created_at, when, sizeof(when));
		json_object_set_new(j, "account",
				    json_pack("{s:s, s:s, s:s, s:s, s:b}", "display_name",
					      acc.display_name, "email", acc.email, "language",
					      acc.lang, "created_at", when, "two_step_sign_in",
					      acc.totp_enabled));
	}
	time_format_iso(time_now(), when, sizeof(when));
	json_object_set_new(j, "exported_at", json_string(when));
	json_object_set_new(j, "note",
			    json_string(tr_rq(rq, N_("Everything this organization's rudder holds about you. The audit log also records when your record was opened and by whom."))));
	return j;
}

void members_me_data(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (load_me(rq, rs, true, &p) != 0)
		return;
	audit_rq(rq, platform_conn(), "person.downloaded",
		 members_person_ref(rq->arena, p.id), NULL);
	http_json(rs, 200, everything(rq, &p));
	http_set_header(rs, "Content-Disposition", "attachment; filename=\"my-data.json\"");
}

/* The same, as a page to read, keep or print: statuses and amounts as
 * people read them. */
void members_me_data_page(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	json_t *j, *o;
	size_t i;
	enum mstatus st;

	if (load_me(rq, rs, true, &p) != 0)
		return;
	audit_rq(rq, platform_conn(), "person.downloaded",
		 members_person_ref(rq->arena, p.id),
		 json_pack("{s:s}", "as", "page"));
	j = everything(rq, &p);
	json_array_foreach(json_object_get(j, "dues"), i, o)
		json_object_set_new(
			o, "amount",
			json_string(members_money(rq->arena,
						  json_integer_value(json_object_get(o, "amount_minor")),
						  json_string_value(json_object_get(o, "currency")))));
	json_array_foreach(json_object_get(j, "status_history"), i, o) {
		if (members_status_parse(json_string_value(json_object_get(o, "from")), &st) == 0)
			json_object_set_new(o, "from", json_string(tr_rq(rq, members_status_label(st))));
		if (members_status_parse(json_string_value(json_object_get(o, "to")), &st) == 0)
			json_object_set_new(o, "to", json_string(tr_rq(rq, members_status_label(st))));
	}
	json_array_foreach(json_object_get(j, "applications"), i, o) {
		const char *state = json_string_value(json_object_get(o, "state"));
		json_object_set_new(
			o, "state_label",
			json_string(tr_rq(rq, strcmp(state, "accepted") == 0   ? N_("accepted")
					      : strcmp(state, "rejected") == 0 ? N_("rejected")
									       : N_("waiting"))));
	}
	json_object_set_new(j, "has_applications",
			    json_boolean(json_array_size(json_object_get(j, "applications")) > 0));
	http_page(rq, rs, 200, "members/me_data", N_("All my data"), j);
}

void members_me_leave_form(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	json_t *data;

	if (load_me(rq, rs, false, &p) != 0)
		return;
	data = json_object();
	http_page(rq, rs, 200, "members/me_leave", N_("Leave"), data);
}

struct leave {
	struct http_req *rq;
	int64_t person, account;
};

/* The entry first, while the account still has a name; then the status
 * history says the member left (the history stays, without notes), and
 * the record and the account lose everything personal — all or none. */
static int leave_tx(struct db_conn *c, void *arg)
{
	struct leave *l = arg;
	struct arena *a = l->rq->arena;
	int rc;

	if ((rc = audit_rq(l->rq, c, "person.left",
			   members_person_ref(a, l->person), NULL)) != DB_OK ||
	    (rc = members_person_set_status(c, a, l->person, MS_LEFT,
					    l->account, NULL, 0)) != DB_OK ||
	    (rc = members_person_erase(c, l->person)) != DB_OK)
		return rc;
	return account_erase(c, a, l->account);
}

void members_me_leave(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct db_conn *c = platform_conn();
	struct leave l = {.rq = rq, .account = rq->user.id};
	json_t *data;

	if (load_me(rq, rs, false, &p) != 0)
		return;
	if (!account_password_ok(c, rq->arena, l.account, http_field(rq, "password"))) {
		data = json_pack("{s:s}", "error",
				 tr_rq(rq, N_("That is not your password.")));
		http_page(rq, rs, 422, "members/me_leave", N_("Leave"), data);
		return;
	}
	l.person = p.id;
	if (db_tx(c, leave_tx, &l) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	members_changed(rq, p.id);
	http_set_cookie(rq, rs, "rudder_session", "", 0);
	/* the goodbye is shown to no one signed in: the account is gone */
	memset(&rq->user, 0, sizeof(rq->user));
	data = json_object();
	http_page(rq, rs, 200, "members/me_gone", N_("Goodbye"), data);
}

/* ---- an organizer opens self-service to a member ---- */

/* Accepting the invitation: the account (new, or the invitee's own) is
 * linked to the record, when neither is linked elsewhere meanwhile. */
static int link_accept(struct db_conn *c, struct arena *a, int64_t account,
		       const char *object, const char *email, const char **why_r)
{
	int64_t person = 0, other = 0;
	struct person p;
	int rc;

	if (!str_starts(object, "person:") ||
	    str_to_i64(object + 7, &person) != 0 || person <= 0)
		return DB_ERROR;
	/* the record's email must still be the one invited: after a
	 * correction, the old address's holder links nothing */
	rc = members_person_get(c, a, person, true, &p);
	if (rc == DB_NOTFOUND || (rc == DB_OK && (p.erased_at ||
			strcmp(email_normalize(a, p.email), email_normalize(a, email)) != 0))) {
		*why_r = N_("This invitation went to an address the membership record no longer has. Ask an organizer for a new one.");
		return DB_CONSTRAINT;
	}
	if (rc != DB_OK)
		return rc;
	rc = members_person_by_account(c, account, &other);
	if (rc == DB_OK && other != person) {
		*why_r = N_("Your account is linked to another membership record already. Ask an organizer.");
		return DB_CONSTRAINT;
	}
	if (rc == DB_OK)
		return DB_OK; /* linked already */
	if (rc != DB_NOTFOUND)
		return rc;
	rc = members_person_link_account(c, person, account);
	if (rc == DB_NOTFOUND) {
		*why_r = N_("This membership record has self-service already, or is gone. Ask an organizer.");
		return DB_CONSTRAINT;
	}
	return rc;
}

const struct invitation_kind members_invitations[] = {
	{"members.link",
	 N_("You can see and correct your membership record yourself: your account will be linked to it."),
	 link_accept},
	{0},
};

struct invite {
	struct http_req *rq;
	struct invitation_new in;
	int64_t person, id;
	char *link;
};

static int invite_tx(struct db_conn *c, void *arg)
{
	struct invite *x = arg;
	int rc = invitation_create(x->rq, c, &x->in, &x->id, &x->link);

	if (rc == DB_OK)
		rc = audit_rq(
		    x->rq, c, "person.invited",
		    members_person_ref(x->rq->arena, x->person),
		    json_pack("{s:I}", "invitation", (json_int_t)x->id));
	return rc;
}

/* The organizer's side: an invitation to the member's email, whatever
 * that address has. The answer is the same whether an account exists:
 * an organizer learns nothing about accounts (the administrator's
 * included), and no account is linked without its holder accepting
 * while signed in. */
void members_invite(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct invite x = {.rq = rq};

	if (members_load(rq, rs, PERM_MEMBERS_WRITE, true, &p) != 0)
		return;
	if (p.erased_at || p.account_id) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   N_("This member has self-service already, or left."));
		return;
	}
	if (!*p.email) {
		http_error(rq, rs, HTTP_E_INVALID_FIELD,
			   N_("Self-service needs the member's email: add it to the record first."));
		return;
	}
	x.person = p.id;
	x.in.email = p.email;
	x.in.display_name = p.display_name;
	x.in.kind = "members.link";
	x.in.object = members_person_ref(rq->arena, p.id);
	if (db_tx(platform_conn(), invite_tx, &x) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	outbox_wake();
	http_flash(rq, rs,
		   outbox_mail_ready()
			   ? N_("An invitation to self-service was emailed to the member.")
			   : N_("An invitation to self-service was made, but no mail relay is set up: it waits in the outbox until an administrator sets one up."));
	http_redirect(rs, arena_printf(rq->arena, "/members/%lld", (long long)p.id));
}
