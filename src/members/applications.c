/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Joining: the public form at /join, and the vetting of what arrives.
 *
 * The form works without JavaScript and keeps bots out without anyone
 * else's CAPTCHA: a field people cannot see (filled only by bots, who are
 * then thanked and ignored), a signed time token (a form sent within
 * seconds of being shown, or a day later, is refused), and a limit per
 * client. Only regions and cities are offered, never workplace cells.
 *
 * What arrives is sealed to the intake key (intake.c) at once; no email
 * goes out on arrival (the address would wait in the outbox under the
 * data key). A branch's vetting officers read it in their own sessions,
 * add notes, and accept or reject it; with members.approvals set to 2,
 * two different officers must approve. Accepting makes a person; either
 * way the sealed submission is wiped and the applicant, if they gave an
 * email, is told through the outbox in the language they used.
 */
#include "internal.h"
#include "platform/core/conf.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/crypto/crypto.h"
#include "platform/i18n/i18n.h"
#include "platform/outbox/outbox.h"
#include "platform/platform.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define JOIN_MIN_SECONDS 3
#define JOIN_MAX_SECONDS 86400
#define JOIN_PER_CLIENT 10

static const char *const state_labels[][2] = {
	{"new", N_("waiting")},
	{"accepted", N_("accepted")},
	{"rejected", N_("not accepted")},
};

static const char *state_label(struct http_req *rq, const char *state)
{
	for (size_t i = 0; i < ARRAY_LEN(state_labels); i++)
		if (strcmp(state_labels[i][0], state) == 0)
			return tr_rq(rq, state_labels[i][1]);
	return state;
}

/* ---- the form's token: its time, and one application per form ----
 * "AT.NONCE.MAC": when the form was shown, a random nonce, and a keyed
 * hash of both. A token is good from JOIN_MIN_SECONDS to JOIN_MAX_SECONDS
 * after AT, and for one application (join_forms_used). */

static char *join_token_for(struct arena *a, int64_t at, const char *nonce)
{
	unsigned char mac[MAC_LEN];
	char *msg = arena_printf(a, "join|%lld|%s", (long long)at, nonce);
	char hex[33];

	keyed_hash(SUBKEY_CSRF, msg, strlen(msg), mac);
	sodium_bin2hex(hex, sizeof(hex), mac, 16);
	return arena_printf(a, "%lld.%s.%s", (long long)at, nonce, hex);
}

static char *join_token(struct arena *a, int64_t at)
{
	return join_token_for(a, at, random_token(a, 12));
}

/* Uses the form's token for one application: DB_OK, DB_CONSTRAINT when
 * it was used already, or an error. */
static int join_token_use(struct db_conn *c, const char *t)
{
	unsigned char h[MAC_LEN];

	plain_hash(t, strlen(t), h);
	return members_join_form_use(c, h, sizeof(h), JOIN_MAX_SECONDS);
}

/* NULL when the token is good and old enough, else why not. */
static const char *join_token_check(struct arena *a, const char *t)
{
	int64_t at;
	const char *dot = t ? strchr(t, '.') : NULL;
	const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
	char *good;

	if (!dot || !dot2 ||
	    str_to_i64(arena_strndup(a, t, (size_t)(dot - t)), &at) != 0)
		return N_("This form has expired. It is shown again: send it once more.");
	good = join_token_for(a, at, arena_strndup(a, dot + 1, (size_t)(dot2 - dot - 1)));
	if (strlen(good) != strlen(t) || sodium_memcmp(good, t, strlen(t)) != 0 ||
	    time_now() - at > JOIN_MAX_SECONDS)
		return N_("This form has expired. It is shown again: send it once more.");
	if (time_now() - at < JOIN_MIN_SECONDS)
		return N_("That was very fast. Check the form and send it again.");
	return NULL;
}

/* ---- the public form ---- */

/* Regions and cities the form offers (never cells). */
static json_t *join_branches(struct http_req *rq, int64_t selected)
{
	struct branch *b;
	size_t n;
	json_t *arr = json_array();

	if (members_branch_list(platform_conn(), rq->arena, &b, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		if (strcmp(b[i].kind, "cell") != 0)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:b}", "id",
					       (json_int_t)b[i].id, "name", b[i].name,
					       "selected", b[i].id == selected));
	return arr;
}

/* What the join form gives for a person (the rest is for the vetting). */
static void join_input(struct http_req *rq, struct person_input *in)
{
	memset(in, 0, sizeof(*in));
	in->display_name = http_field(rq, "display_name");
	in->legal_name = http_field(rq, "legal_name");
	in->phone = http_field(rq, "phone");
	in->email = http_field(rq, "email");
	in->workplace = http_field(rq, "workplace");
	in->branch_id = http_field_int(rq, "branch", 0);
}

static bool join_branch_ok(struct http_req *rq, int64_t id)
{
	struct branch b;
	return members_branch_get(platform_conn(), rq->arena, id, &b) ==
		   DB_OK &&
	       strcmp(b.kind, "cell") != 0;
}

/* The form; again when it is the request's own post shown again: what
 * was typed kept, every refusal beside its field (the router's and the
 * module's), and error (translated) above when the trouble is no one
 * field's (too fast, too many, sent twice). */
static void join_page(struct http_req *rq, struct http_resp *rs, int status,
		      bool again, const char *error)
{
	unsigned char pk[INTAKE_KEY_LEN];
	bool open = members_intake_public(platform_conn(), pk) == 0 ||
		    members_intake_ensure(platform_conn()) == 0;
	json_t *form = http_form(rq, HTTP_POST, "/join");
	json_t *data;

	assert(form);
	members_form_choices(form, "branch",
			     join_branches(rq, again ? 0 : http_field_int(rq, "branch", 0)));
	http_form_required(form, "display_name");
	http_form_required(form, "branch");
	if (again) {
		struct person_input in;
		join_input(rq, &in);
		members_person_form_refusals(rq, form, &in);
		if ((!in.phone || !*in.phone) && (!in.email || !*in.email))
			http_form_error(rq, form, "phone",
					N_("Give a phone number or an email address, so that we can reach you."));
		if (in.branch_id > 0 && !join_branch_ok(rq, in.branch_id))
			members_form_refuse(rq, form, "branch", N_("is required"));
	}
	members_form_settle(form);
	http_form_control(form, "phone", "tel");
	http_form_control(form, "email", "email");
	data = json_pack("{s:o, s:s, s:b, s:s}", "form", form, "t",
			 join_token(rq->arena, time_now()), "open", open, "org",
			 setting_get(platform_conn(), rq->arena, "org.name", "rudder"));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "members/join", N_("Join"), data);
}

void members_join_form(struct http_req *rq, struct http_resp *rs)
{
	join_page(rq, rs, 200, false, NULL);
}

void members_join_refused(struct http_req *rq, struct http_resp *rs)
{
	join_page(rq, rs, 422, true, NULL);
}

static void join_done(struct http_req *rq, struct http_resp *rs)
{
	json_t *data = json_object();

	http_page(rq, rs, 200, "members/join_done", N_("Thank you"), data);
}
/* After the commit of an application: the open vetting pages hear. */
static void announce(void *arg)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)(intptr_t)arg);
	http_sse_publish("applications", "new", id);
}

void members_join_submit(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	/* NULL when every visitor shares one address (an onion service):
	 * then each form takes one application, and nothing limits a
	 * visitor's own new forms, so no one can shut the form for others */
	const char *client = rq->client;
	struct person_input in = {0};
	unsigned char pk[INTAKE_KEY_LEN], *sealed;
	const char *why, *field;
	json_t *j;
	char *plain;
	size_t slen;
	int64_t id;

	/* a field no person sees: whoever fills it is thanked and ignored */
	if (http_field(rq, "website") && *http_field(rq, "website")) {
		join_done(rq, rs);
		return;
	}
	int64_t wait;
	if (client && (wait = throttle_locked(c, "join", client)) > 0) {
		http_set_header(rs, "Retry-After",
				arena_printf(rq->arena, "%lld", (long long)wait));
		join_page(rq, rs, 429, true,
			  tr_rq(rq, N_("Too many applications came from here. Try again later.")));
		return;
	}
	if ((why = join_token_check(rq->arena, http_field(rq, "t")))) {
		join_page(rq, rs, 422, true, tr_rq(rq, why));
		return;
	}
	join_input(rq, &in);
	if (members_person_check(rq->arena, &in, &field) ||
	    ((!in.phone || !*in.phone) && (!in.email || !*in.email)) ||
	    !join_branch_ok(rq, in.branch_id)) {
		join_page(rq, rs, 422, true, NULL);
		return;
	}
	switch (join_token_use(c, http_field(rq, "t"))) {
	case DB_OK:
		break;
	case DB_CONSTRAINT:
		join_page(rq, rs, 409, true,
			  tr_rq(rq, N_("This form was sent already. If this is another application, send it again from here.")));
		return;
	default:
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (members_intake_public(c, pk) != 0 &&
	    (members_intake_ensure(c) != 0 ||
	     members_intake_public(c, pk) != 0)) {
		join_page(rq, rs, 503, true,
			  tr_rq(rq, N_("Applications cannot be received online yet. Please contact the organization directly.")));
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "display_name",
		      in.display_name, "legal_name", in.legal_name ? in.legal_name : "",
		      "phone", in.phone ? in.phone : "", "email", in.email ? in.email : "",
		      "workplace", in.workplace ? in.workplace : "", "message",
		      http_field(rq, "message") ? http_field(rq, "message") : "",
		      "consent_phone", http_field_bool(rq, "consent_phone"),
		      "consent_sms", http_field_bool(rq, "consent_sms"),
		      "consent_email", http_field_bool(rq, "consent_email"));
	plain = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	sealed =
	    members_intake_seal(rq->arena, pk, plain, strlen(plain), &slen);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	if (members_application_add(c, in.branch_id, sealed, slen, rq->lang,
				    (int64_t)time_now(), &id) != DB_OK ||
	    audit_rq(rq, c, "application.received",
		     arena_printf(rq->arena, "application:%lld", (long long)id),
		     json_pack("{s:I}", "branch", (json_int_t)in.branch_id)) !=
		DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* every application counts, so that no one floods the queue */
	if (client)
		throttle_fail(c, "join", client, JOIN_PER_CLIENT);
	/* the vetting pages hear of it once it is there to read */
	db_on_commit(c, announce, (void *)(intptr_t)id);
	join_done(rq, rs);
}

/* ---- vetting ---- */

/* The submission as JSON, or NULL (no key in this session, or wiped). */
static json_t *app_open(struct http_req *rq, const struct application *ap,
			const unsigned char *sk, const unsigned char *pk)
{
	char *plain;

	if (!sk || ap->sealed.len == 0)
		return NULL;
	plain = members_intake_open(rq->arena, sk, pk, ap->sealed.p,
				    ap->sealed.len);
	return plain ? json_loads(plain, 0, NULL) : NULL;
}

static const char *jstr(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));
	return v ? v : "";
}

/* What the page set, never fewer than the operator's floor
 * ([members] approvals_min): one officer can raise it, not lower it
 * below what the operator wants. */
static int approvals_needed(struct http_req *rq)
{
	char *v = setting_get(platform_conn(), rq->arena, "members.approvals", "1");
	int n = strcmp(v, "2") == 0 ? 2 : 1;
	return n < conf_int("members.approvals_min") ? 2 : n;
}

void members_applications_list(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	unsigned char sk[INTAKE_KEY_LEN], pk[INTAKE_KEY_LEN];
	bool holds;
	struct mscope s;
	struct application *apps;
	size_t n;
	json_t *rows, *data;
	char when[32];

	if (members_application_list(c, rq->arena, &apps, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	members_intake_ensure(c);
	holds = members_intake_secret(rq, sk, pk) == 0;
	if (holds)
		members_intake_share(
		    c, sk); /* officers granted since get their copy */
	members_scope_for(rq, PERM_MEMBERS_VET, &s);
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct application *ap = &apps[i];
		json_t *o, *sub;
		if (!members_scope_has(&s, ap->branch_id))
			continue;
		time_format(ap->created_at, when, sizeof(when));
		sub = holds ? app_open(rq, ap, sk, pk) : NULL;
		o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)ap->id,
			      "branch", members_branch_name(rq, ap->branch_id), "when",
			      when, "state_label", state_label(rq, ap->state), "waiting",
			      strcmp(ap->state, "new") == 0, "approvals",
			      (json_int_t)ap->approvals);
		if (sub)
			json_object_set_new(o, "name", json_string(jstr(sub, "display_name")));
		json_decref(sub);
		json_array_append_new(rows, o);
	}
	sodium_memzero(sk, sizeof(sk));
	data = json_pack("{s:o, s:b, s:i, s:b}", "applications", rows, "holds_key",
			 holds, "needed", approvals_needed(rq), "may_set",
			 can(rq, PERM_MEMBERS_VET, 0));
	json_object_set_new(data, "two", json_boolean(approvals_needed(rq) == 2));
	http_page(rq, rs, 200, "members/applications", N_("Applications"), data);
}

static int load_app(struct http_req *rq, struct http_resp *rs,
		    struct application *ap)
{
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    members_application_get(platform_conn(), rq->arena, id, ap) !=
		DB_OK ||
	    !can(rq, PERM_MEMBERS_VET, ap->branch_id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such application."));
		return -1;
	}
	return 0;
}

static json_t *reviews_json(struct http_req *rq,
			    const struct application_review *r, size_t n)
{
	json_t *arr = json_array();
	char when[32];

	for (size_t i = 0; i < n; i++) {
		const char *d = r[i].decision;
		time_format(r[i].at, when, sizeof(when));
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:s}", "decision",
				       strcmp(d, "approve") == 0  ? tr_rq(rq, N_("approved"))
				       : strcmp(d, "reject") == 0 ? tr_rq(rq, N_("rejected"))
								  : tr_rq(rq, N_("note")),
				       "when", when, "by", r[i].by_name, "note", r[i].note));
	}
	return arr;
}

static void app_page(struct http_req *rq, struct http_resp *rs, int status,
		     const struct application *ap, const char *error)
{
	unsigned char sk[INTAKE_KEY_LEN], pk[INTAKE_KEY_LEN];
	bool holds;
	json_t *sub;
	struct application_review *reviews;
	size_t nreviews;
	char when[32];
	int64_t mine = 0;
	json_t *data;

	/* a page without the reviews it failed to read would tell an
	 * officer that no one has looked at it yet */
	if (members_application_reviews(platform_conn(), rq->arena, ap->id,
					&reviews, &nreviews) != DB_OK ||
	    members_application_approved_by(platform_conn(), ap->id,
					    rq->user.id, &mine) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	holds = members_intake_secret(rq, sk, pk) == 0;
	sub = holds ? app_open(rq, ap, sk, pk) : NULL;
	sodium_memzero(sk, sizeof(sk));
	time_format(ap->created_at, when, sizeof(when));
	data = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:o, s:b, s:i}", "id",
			 (json_int_t)ap->id, "branch",
			 members_branch_name(rq, ap->branch_id), "when", when,
			 "state_label", state_label(rq, ap->state), "waiting",
			 strcmp(ap->state, "new") == 0, "holds_key", holds, "reviews",
			 reviews_json(rq, reviews, nreviews), "approved_by_me", mine > 0,
			 "needed", approvals_needed(rq));
	if (sub) {
		/* a phone as people read it, and a link to call it */
		const char *phone = json_string_value(json_object_get(sub, "phone"));
		const char *tel = members_phone_tel(phone);
		json_object_set_new(sub, "phone_display",
				    json_string(members_phone_display(rq->arena, phone)));
		if (tel)
			json_object_set_new(sub, "phone_tel", json_string(tel));
		json_object_set_new(data, "sub", sub);
	}
	if (ap->person_id)
		json_object_set_new(data, "person_id", json_integer(ap->person_id));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "members/application", N_("Application"), data);
}

void members_applications_show(struct http_req *rq, struct http_resp *rs)
{
	struct application ap;

	if (load_app(rq, rs, &ap) != 0)
		return;
	audit_rq(rq, platform_conn(), "application.viewed",
		 arena_printf(rq->arena, "application:%lld", (long long)ap.id), NULL);
	app_page(rq, rs, 200, &ap, NULL);
}

/* Tells the applicant, in the language they used, when they gave an
 * email. The message names no one but the organization. */
static int tell(struct http_req *rq, struct db_conn *c,
		const struct application *ap, json_t *sub, bool accepted)
{
	const char *to = jstr(sub, "email");
	const char *lang = *ap->lang ? ap->lang : rq->lang;
	char *org = setting_get(c, rq->arena, "org.name", "rudder");
	struct buf body;
	int rc;

	if (!*to)
		return DB_OK;
	buf_init(&body);
	buf_printf(&body, "%s\n\n%s\n", tr(lang, "Hello,"),
		   accepted ? tr(lang, "Your application to join was accepted. Welcome! An organizer of your branch will contact you.")
			    : tr(lang, "Your application to join was not accepted. If you think this is a mistake, contact the organization directly."));
	rc = outbox_email(c, rq->arena, to, org, body.data, "application decision",
			  arena_printf(rq->arena, "application-%lld", (long long)ap->id));
	buf_free(&body);
	return rc;
}

struct decide {
	struct http_req *rq;
	struct application *ap;
	const char *decision, *note;
	json_t *sub;
	int needed;
	const char *why; /* a refusal, msgid */
	int status;
	int64_t person;
};

static int decide_tx(struct db_conn *c, void *arg)
{
	struct decide *d = arg;
	struct http_req *rq = d->rq;
	unsigned char *ns = NULL;
	size_t nlen = 0;
	int64_t approvals = 0;
	int rc;
	bool accept = false, reject = strcmp(d->decision, "reject") == 0;

	if (d->note && *d->note)
		ns = seal_str(rq->arena, "application_reviews.note", d->note, &nlen);
	rc = members_application_review_add(c, d->ap->id, rq->user.id,
					    d->decision, ns, nlen);
	if (rc != DB_OK)
		return rc;
	if (strcmp(d->decision, "approve") == 0) {
		if ((rc = members_application_approvals(c, d->ap->id,
							&approvals)) != DB_OK)
			return rc;
		accept = approvals >= d->needed;
	}
	if (!accept && !reject)
		return audit_rq(rq, c, arena_printf(rq->arena, "application.%s", d->decision),
				arena_printf(rq->arena, "application:%lld", (long long)d->ap->id),
				NULL);
	if (!d->sub) {
		d->status = 409;
		d->why = N_("Deciding needs the intake key, and your session does not hold it.");
		return DB_CONSTRAINT;
	}
	if (accept) {
		struct person_input in = {0};
		const char *field;
		in.display_name = jstr(d->sub, "display_name");
		in.legal_name = jstr(d->sub, "legal_name");
		in.phone = jstr(d->sub, "phone");
		in.email = jstr(d->sub, "email");
		in.workplace = jstr(d->sub, "workplace");
		in.notes = jstr(d->sub, "message");
		in.branch_id = d->ap->branch_id;
		in.status = "active";
		{
			char today[11]; /* the organization's day, as on the forms */
			date_today(today, sizeof(today));
			in.joined_on = arena_strdup(rq->arena, today);
		}
		in.consent_phone = json_is_true(json_object_get(d->sub, "consent_phone"));
		in.consent_sms = json_is_true(json_object_get(d->sub, "consent_sms"));
		in.consent_email = json_is_true(json_object_get(d->sub, "consent_email"));
		if (members_person_check(rq->arena, &in, &field)) {
			d->status = 422;
			d->why = N_("The application does not make a valid record; add a note and reject it, or register the person by hand.");
			return DB_CONSTRAINT;
		}
		{
			/* a clash with someone the officer may not see is a
			 * review, not an answer (contacts.c) */
			struct contact_view v = members_contact_view_of(rq);
			d->person = 0;
			rc = members_person_put(c, rq->arena, &in, &v,
						rq->user.id, &d->person);
		}
		if (rc == DB_CONSTRAINT) {
			d->status = 409;
			d->why = N_("Someone with this phone or email is registered already.");
			return rc;
		}
		if (rc != DB_OK)
			return rc;
	}
	/* decided: the sealed submission goes; what was accepted lives on
	 * in the person's record, sealed with the data key */
	rc = members_application_decide(c, d->ap->id,
					accept ? "accepted" : "rejected",
					rq->user.id, d->person);
	if (rc == DB_NOTFOUND) {
		d->status = 409;
		d->why = N_("This application was decided already.");
		return DB_CONSTRAINT;
	}
	if (rc != DB_OK)
		return rc;
	if ((rc = tell(rq, c, d->ap, d->sub, accept)) != DB_OK)
		return rc;
	return audit_rq(rq, c, accept ? "application.accepted" : "application.rejected",
			arena_printf(rq->arena, "application:%lld", (long long)d->ap->id),
			d->person ? json_pack("{s:I}", "person", (json_int_t)d->person)
				  : NULL);
}

/* Is the caller a second person for every approval given so far? */
static bool independent_of_approvers(struct http_req *rq, int64_t app)
{
	int64_t *ids;
	size_t n;

	if (members_application_approvers(platform_conn(), rq->arena, app, &ids,
					  &n) != DB_OK)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!accounts_independent(platform_conn(), rq->user.id, ids[i]))
			return false;
	return true;
}

void members_applications_review(struct http_req *rq, struct http_resp *rs)
{
	struct application ap;
	unsigned char sk[INTAKE_KEY_LEN], pk[INTAKE_KEY_LEN];
	const char *decision = http_field(rq, "decision");
	struct decide d = {.rq = rq, .ap = &ap, .decision = decision,
			   .note = http_field(rq, "note")};
	int64_t mine = 0;
	int rc;

	if (load_app(rq, rs, &ap) != 0)
		return;
	if (strcmp(decision, "approve") != 0 && strcmp(decision, "reject") != 0 &&
	    strcmp(decision, "note") != 0) {
		app_page(rq, rs, 422, &ap, tr_rq(rq, N_("Choose approve, reject or a note.")));
		return;
	}
	if (strcmp(ap.state, "new") != 0) {
		app_page(rq, rs, 409, &ap, tr_rq(rq, N_("This application was decided already.")));
		return;
	}
	if (strcmp(decision, "note") == 0 && (!d.note || !*d.note)) {
		app_page(rq, rs, 422, &ap, tr_rq(rq, N_("Write the note first.")));
		return;
	}
	if (members_application_approved_by(platform_conn(), ap.id, rq->user.id,
					    &mine) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (strcmp(decision, "approve") == 0 && mine > 0) {
		app_page(rq, rs, 409, &ap,
			 tr_rq(rq, N_("You approved it already: another organizer must approve it too.")));
		return;
	}
	if (strcmp(decision, "approve") == 0 && !independent_of_approvers(rq, ap.id)) {
		app_page(rq, rs, 409, &ap,
			 tr_rq(rq, N_("You cannot be the second organizer for this one: one of you made the other's account or gave the other a role.")));
		return;
	}
	if (strcmp(decision, "reject") == 0 &&
	    !http_confirmed(rq, rs, N_("Reject this application?"),
			    tr_rq(rq, N_("Rejecting closes the application for good: what the applicant sent is erased, and it cannot be accepted later.")),
			    N_("Reject the application"),
			    arena_printf(rq->arena, "/applications/%lld",
					 (long long)ap.id)))
		return;
	if (members_intake_secret(rq, sk, pk) == 0)
		d.sub = app_open(rq, &ap, sk, pk);
	sodium_memzero(sk, sizeof(sk));
	d.needed = approvals_needed(rq);
	rc = db_tx(platform_conn(), decide_tx, &d);
	json_decref(d.sub);
	if (d.why) {
		app_page(rq, rs, d.status, &ap, tr_rq(rq, d.why));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (d.person)
		members_changed(rq, d.person);
	outbox_wake();
	http_flash(rq, rs, d.person ? N_("Accepted: the new member is registered.")
			   : strcmp(decision, "reject") == 0 ? N_("The application was rejected.")
							     : N_("Saved."));
	http_redirect(rs, d.person ? arena_printf(rq->arena, "/members/%lld", (long long)d.person)
				   : arena_printf(rq->arena, "/applications/%lld", (long long)ap.id));
}

void members_applications_settings(struct http_req *rq, struct http_resp *rs)
{
	int64_t n = http_field_int(rq, "approvals", 0);

	if (!can(rq, PERM_MEMBERS_VET, 0)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organization-wide organizer can change how applications are approved."));
		return;
	}
	if (n != 1 && n != 2) {
		http_error(rq, rs, HTTP_E_INVALID_FIELD, N_("Choose one or two approvals."));
		return;
	}
	if (n < conf_int("members.approvals_min")) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("The operator's settings ask for two approvals; they cannot be lowered here."));
		return;
	}
	if (setting_set(platform_conn(), "members.approvals", n == 2 ? "2" : "1") != DB_OK ||
	    audit_rq(rq, platform_conn(), "members.approvals", "setting:members.approvals",
		     json_pack("{s:I}", "approvals", (json_int_t)n)) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("Saved."));
	http_redirect(rs, "/applications");
}
