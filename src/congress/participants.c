/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A congress's participants: delegates registered from the member
 * registry (one member, or every active member of a branch or a union,
 * always within what the registrar may read of the registry: someone
 * outside it cannot be registered, nor learnt of), visitors, and guests
 * registered at the door by the name they give. A delegate's mandates
 * (from a branch or a union) count with their weight once the
 * secretariat has checked them. A participant with an account gets the
 * congress_participant role over the congress's scope.
 */
#include "internal.h"
#include "members/members.h"
#include "platform/i18n/i18n.h"

#include <string.h>

json_t *congress_participant_json(struct http_req *rq,
				  const struct participant *p)
{
	static const char *const kinds[] = {"delegate", "visitor", "guest"};
	static const char *const labels[] = {N_("Delegate"), N_("Visitor"),
					     N_("Guest")};
	const char *label = p->kind;

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(p->kind, kinds[i]) == 0)
			label = tr_rq(rq, labels[i]);
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:b, s:I}",
			 "id", (json_int_t)p->id, "kind", p->kind, "kind_label", label,
			 "display_name", p->display_name, "may_speak", p->may_speak,
			 "present", p->present, "weight", (json_int_t)p->weight,
			 "mandates", (json_int_t)p->mandates, "has_account",
			 p->account_id != 0, "version", (json_int_t)p->version);
}

static json_t *participants_json(struct http_req *rq, const struct congress *k)
{
	struct participant *p;
	size_t n;
	json_t *arr = json_array();

	if (congress_participants(platform_conn(), rq->arena, k->id, &p, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, congress_participant_json(rq, &p[i]));
	return arr;
}

/* The branches (only those whose members the reader may read, when
 * readable) or the unions, as choices. Their names are no one's personal
 * data: a mandate may name any branch. */
static json_t *sources(struct http_req *rq, bool unions, bool readable)
{
	json_t *arr = json_array();

	if (unions) {
		struct union_org *u;
		size_t n;
		if (members_union_list(platform_conn(), rq->arena, &u, &n) == DB_OK)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(
					arr, json_pack("{s:I, s:s}", "id", (json_int_t)u[i].id,
						       "name", u[i].name));
	} else {
		struct branch *b;
		size_t n;
		if (members_branch_list(platform_conn(), rq->arena, &b, &n) == DB_OK)
			for (size_t i = 0; i < n; i++)
				if (!readable || can(rq, PERM_MEMBERS_READ, b[i].id))
					json_array_append_new(
						arr, json_pack("{s:I, s:s}", "id",
							       (json_int_t)b[i].id, "name",
							       b[i].name));
	}
	return arr;
}

static void list_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const char *error)
{
	if (congress_api_refused(rq, rs, status, NULL, error))
		return;
	json_t *people = participants_json(rq, k);
	json_t *data = json_pack(
		"{s:o, s:b, s:o, s:o, s:o}", "congress", congress_json(rq, k),
		"any", json_array_size(people) > 0, "participants", people,
		"branches", sources(rq, false, true), "unions",
		sources(rq, true, true));

	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/participants", N_("Participants"), data);
}

void congress_participants_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_REGISTER, &k) == 0)
		list_page(rq, rs, 200, &k, NULL);
}

/* paged by id like every list of the API (http.h, "lists"); the page
 * keeps its order by name */
void congress_api_participants(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct http_list l;

	if (congress_load(rq, rs, PERM_CONGRESS_REGISTER, &k) == 0 &&
	    http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "participants", participants_json(rq, &k));
}

/* One registration, and what it did. */
struct reg {
	struct http_req *rq;
	const struct congress *k;
	const char *kind;
	const char *source; /* the mandate's ("branch", "union"); NULL: none */
	int64_t source_id;
	size_t added, already;
};

/* The id of account's congress_participant grant over k's scope in
 * *id_r: DB_OK, DB_NOTFOUND, or an error. */
static int participant_grant_of(struct http_req *rq, const struct congress *k,
				int64_t account, int64_t *id_r)
{
	struct grant *g;
	size_t n;
	int rc = grants_of(platform_conn(), rq->arena, account, &g, &n);

	for (size_t i = 0; rc == DB_OK && i < n; i++)
		if (g[i].scope_id == k->scope_id &&
		    strcmp(g[i].role, "congress_participant") == 0) {
			*id_r = g[i].id;
			return DB_OK;
		}
	return rc == DB_OK ? DB_NOTFOUND : rc;
}

/* The congress_participant grant of account over k's scope, unless it
 * holds it already (a refused insert would spoil the transaction on
 * PostgreSQL). */
static int participant_grant(struct http_req *rq, const struct congress *k,
			     int64_t account)
{
	int64_t id;
	int rc = participant_grant_of(rq, k, account, &id);

	return rc == DB_NOTFOUND ? grant_add(platform_conn(), account,
					     "congress_participant", k->scope_id,
					     rq->user.id, NULL)
				 : rc;
}

/* Registers member id (read as the registrar may read them): DB_OK,
 * DB_NOTFOUND (not theirs to see), or an error. */
static int register_member(struct reg *r, int64_t id)
{
	struct http_req *rq = r->rq;
	struct person p;
	struct participant in = {0};
	int64_t pid;
	int rc = members_person_for(rq, PERM_MEMBERS_READ, id, false, &p);

	if (rc != DB_OK)
		return rc;
	in.congress_id = r->k->id;
	in.kind = r->kind;
	in.person_id = p.id;
	in.account_id = p.account_id;
	in.display_name = p.display_name;
	in.may_speak = strcmp(r->kind, "delegate") == 0;
	{
		struct participant was;
		if (p.account_id &&
		    congress_participant_of(platform_conn(), rq->arena, r->k->id,
					    p.account_id, &was) == DB_OK) {
			r->already++;
			return DB_OK;
		}
	}
	rc = congress_participant_add(platform_conn(), rq->arena, &in, &pid);
	if (rc == DB_CONSTRAINT) {
		/* registered already: their account (made since, maybe)
		 * takes part */
		r->already++;
		return p.account_id ? participant_grant(rq, r->k, p.account_id) : DB_OK;
	}
	if (rc == DB_OK && r->source)
		rc = congress_mandate_add(platform_conn(), pid, r->source,
					  r->source_id, 1, NULL);
	if (rc == DB_CONSTRAINT)
		rc = DB_OK;
	/* their account takes part through the congress's scope */
	if (rc == DB_OK && p.account_id)
		rc = participant_grant(rq, r->k, p.account_id);
	if (rc == DB_OK) {
		r->added++;
		rc = audit_rq(rq, platform_conn(), "congress.registered",
			      arena_printf(rq->arena, "participant:%lld", (long long)pid),
			      json_pack("{s:I, s:s}", "congress", (json_int_t)r->k->id,
					"kind", r->kind));
	}
	return rc;
}

struct reg_many {
	struct reg *r;
	struct members_hit *hits;
	size_t n;
};

static int many_tx(struct db_conn *c, void *arg)
{
	struct reg_many *m = arg;
	int rc = DB_OK;

	(void)c;
	for (size_t i = 0; i < m->n && rc == DB_OK; i++) {
		rc = register_member(m->r, m->hits[i].id);
		if (rc == DB_NOTFOUND)
			rc = DB_OK;
	}
	return rc;
}

static int one_tx(struct db_conn *c, void *arg)
{
	struct reg_many *m = arg;

	(void)c;
	return register_member(m->r, m->hits[0].id);
}

struct guest {
	struct http_req *rq;
	struct participant in;
	int64_t id;
};

static int guest_tx(struct db_conn *c, void *arg)
{
	struct guest *g = arg;
	int rc = congress_participant_add(c, g->rq->arena, &g->in, &g->id);

	if (rc == DB_OK)
		rc = audit_rq(g->rq, c, "congress.registered",
			      arena_printf(g->rq->arena, "participant:%lld", (long long)g->id),
			      json_pack("{s:I, s:s}", "congress",
					(json_int_t)g->in.congress_id, "kind", g->in.kind));
	return rc;
}

/* Is person a member of union u? */
static bool in_union(struct http_req *rq, int64_t person, int64_t u)
{
	int64_t *ids;
	size_t n;

	if (members_person_unions(platform_conn(), rq->arena, person, &ids, &n) != DB_OK)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ids[i] == u)
			return true;
	return false;
}

/* The most people registered from one branch or union at once. */
#define REGISTER_MAX 2000

void congress_participants_add(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	const char *kind = http_field(rq, "kind");
	int64_t branch = http_field_int(rq, "branch", 0);
	int64_t union_id = http_field_int(rq, "union", 0);
	int64_t person = http_field_int(rq, "person", 0);
	const char *name = http_field(rq, "display_name");
	struct reg r = {.rq = rq, .k = &k};
	struct reg_many m = {.r = &r};
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_REGISTER, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (strcmp(kind, "delegate") && strcmp(kind, "visitor") &&
	    strcmp(kind, "guest")) {
		list_page(rq, rs, 422, &k, tr_rq(rq, N_("Choose a delegate, a visitor or a guest.")));
		return;
	}
	r.kind = kind;
	if (strcmp(kind, "guest") == 0) {
		struct guest g = {.rq = rq};
		if (!name || !*name) {
			list_page(rq, rs, 422, &k, tr_rq(rq, N_("A guest needs the name the hall will call them.")));
			return;
		}
		g.in.congress_id = k.id;
		g.in.kind = "guest";
		g.in.display_name = name;
		rc = db_tx(platform_conn(), guest_tx, &g);
		if (rc != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		{
			struct participant made;
			if (congress_participant_get(platform_conn(), rq->arena, g.id,
						     &made) != DB_OK) {
				http_error(rq, rs, HTTP_E_INTERNAL, NULL);
				return;
			}
			congress_done(rq, rs, 201,
				      json_pack("{s:i, s:i, s:o}", "registered", 1, "already", 0,
						"participant",
						congress_participant_json(rq, &made)),
				      N_("The guest was registered."),
				      arena_printf(rq->arena, "/congress/%lld/participants/%lld",
						   (long long)k.id, (long long)g.id));
		}
		return;
	}
	if (person) {
		/* one member: the mandate from their own branch (a delegate) */
		struct person p;
		if (members_person_for(rq, PERM_MEMBERS_READ, person, false, &p) != DB_OK) {
			list_page(rq, rs, 422, &k, tr_rq(rq, N_("There is no such member.")));
			return;
		}
		/* the same rule as a branch's registration: members only */
		if (p.status != MS_ACTIVE) {
			list_page(rq, rs, 422, &k,
				  tr_rq(rq, N_("Only an active member can be registered from the registry; register a guest instead.")));
			return;
		}
		if (union_id && !in_union(rq, p.id, union_id)) {
			list_page(rq, rs, 422, &k,
				  tr_rq(rq, N_("A mandate from a union needs a member of that union.")));
			return;
		}
		struct members_hit hit = {p.id, p.branch_id, p.display_name};
		m.hits = &hit;
		m.n = 1;
		if (strcmp(kind, "delegate") == 0) {
			r.source = union_id ? "union" : "branch";
			r.source_id = union_id ? union_id : p.branch_id;
		}
		rc = db_tx(platform_conn(), one_tx, &m);
	} else if (branch || union_id) {
		struct union_org u;
		if (union_id &&
		    members_union_get(platform_conn(), rq->arena, union_id, &u) != DB_OK) {
			list_page(rq, rs, 422, &k, tr_rq(rq, N_("There is no such union.")));
			return;
		}
		if (members_people_in(rq, PERM_MEMBERS_READ, branch, union_id,
				      REGISTER_MAX + 1, &m.hits, &m.n) != DB_OK) {
			list_page(rq, rs, 422, &k, tr_rq(rq, N_("There is no such branch.")));
			return;
		}
		if (m.n > REGISTER_MAX) {
			list_page(rq, rs, 422, &k,
				  tr_rq(rq, N_("More than 2000 people at once: register the branches under it one by one.")));
			return;
		}
		if (strcmp(kind, "delegate") == 0) {
			r.source = branch ? "branch" : "union";
			r.source_id = branch ? branch : union_id;
		}
		rc = db_tx(platform_conn(), many_tx, &m);
	} else {
		list_page(rq, rs, 422, &k, tr_rq(rq, N_("Choose a member, a branch or a union.")));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	congress_done(rq, rs, 200,
		      json_pack("{s:I, s:I}", "registered", (json_int_t)r.added,
				"already", (json_int_t)r.already),
		      r.added ? N_("Registered.") : N_("Everyone chosen was registered already."),
		      arena_printf(rq->arena, "/congress/%lld/participants", (long long)k.id));
}

/* ---- one participant ---- */

/* Participant {p} of congress k, or 404 answered (another congress's
 * participant does not exist here). */
static int load_participant(struct http_req *rq, struct http_resp *rs,
			    const struct congress *k, struct participant *p)
{
	int64_t id = http_param_int(rq, "p");

	if (!id ||
	    congress_participant_get(platform_conn(), rq->arena, id, p) != DB_OK ||
	    p->congress_id != k->id || p->removed_at) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such participant."));
		return -1;
	}
	return 0;
}

static const char *source_name(struct http_req *rq, const struct mandate *m)
{
	if (strcmp(m->source, "union") == 0) {
		struct union_org u;
		return members_union_get(platform_conn(), rq->arena, m->source_id,
					 &u) == DB_OK
			       ? u.name
			       : "?";
	}
	struct branch b;
	return members_branch_get(platform_conn(), rq->arena, m->source_id, &b) ==
			       DB_OK
		       ? b.name
		       : "?";
}

static void participant_page(struct http_req *rq, struct http_resp *rs,
			     int status, const struct congress *k,
			     const struct participant *p, const char *error)
{
	if (congress_api_refused(rq, rs, status, NULL, error))
		return;
	struct mandate *m;
	size_t n;
	json_t *mandates = json_array(), *data;

	if (congress_mandates(platform_conn(), rq->arena, p->id, &m, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				mandates,
				json_pack("{s:I, s:s, s:s, s:I, s:b}", "id",
					  (json_int_t)m[i].id, "source", m[i].source,
					  "from", source_name(rq, &m[i]), "weight",
					  (json_int_t)m[i].weight, "checked",
					  m[i].checked_at != 0));
	data = json_pack("{s:o, s:o, s:b, s:o, s:b, s:o, s:o}", "congress",
			 congress_json(rq, k), "participant",
			 congress_participant_json(rq, p), "any_mandate",
			 json_array_size(mandates) > 0, "mandates", mandates,
			 "is_delegate", strcmp(p->kind, "delegate") == 0, "branches",
			 sources(rq, false, false), "unions", sources(rq, true, false));
	/* someone with an account has their badge on their phone: the
	 * capability is shown (to print or send) only for a guest */
	if (!p->account_id)
		json_object_set_new(data, "badge", congress_badge_json(rq, k, p));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/participant", N_("Participant"), data);
}

void congress_participant_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;

	if (congress_load(rq, rs, PERM_CONGRESS_REGISTER, &k) == 0 &&
	    load_participant(rq, rs, &k, &p) == 0)
		participant_page(rq, rs, 200, &k, &p, NULL);
}

/* The mandate {mandate} of participant p, or NULL (404 answered). */
static bool load_mandate(struct http_req *rq, struct http_resp *rs,
			 const struct participant *p, struct mandate *m)
{
	if (congress_mandate_get(platform_conn(), rq->arena,
				 http_field_int(rq, "mandate", 0), m) != DB_OK ||
	    m->participant_id != p->id) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such mandate."));
		return false;
	}
	return true;
}

/* The congress_participant grant of account over k's scope goes. */
static int ungrant(struct http_req *rq, const struct congress *k, int64_t account)
{
	int64_t id;
	int rc = participant_grant_of(rq, k, account, &id);

	return rc == DB_OK ? grant_remove(platform_conn(), id)
	       : rc == DB_NOTFOUND ? DB_OK
				   : rc;
}

void congress_participant_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;
	struct mandate m;
	const char *action = http_field(rq, "action"), *what = NULL;
	int64_t weight = http_field_int(rq, "weight", 1);
	int rc = DB_OK;

	if (congress_load(rq, rs, PERM_CONGRESS_REGISTER, &k) != 0 ||
	    load_participant(rq, rs, &k, &p) != 0 || !congress_writable(rq, rs, &k))
		return;
	if ((!strcmp(action, "check") || !strcmp(action, "uncheck") ||
	     !strcmp(action, "mandate")) &&
	    (weight < 1 || weight > 1000)) {
		participant_page(rq, rs, 422, &k, &p,
				 tr_rq(rq, N_("A mandate's weight is a whole number from 1 to 1000.")));
		return;
	}
	if (strcmp(action, "check") == 0 || strcmp(action, "uncheck") == 0) {
		if (!load_mandate(rq, rs, &p, &m))
			return;
		rc = congress_mandate_check(platform_conn(), m.id, weight,
					    strcmp(action, "check") == 0, rq->user.id);
		what = action[0] == 'c' ? "congress.mandate.checked"
					: "congress.mandate.unchecked";
	} else if (strcmp(action, "drop") == 0) {
		if (!load_mandate(rq, rs, &p, &m))
			return;
		rc = congress_mandate_remove(platform_conn(), m.id);
		what = "congress.mandate.removed";
	} else if (strcmp(action, "mandate") == 0) {
		const char *source = http_field(rq, "source");
		int64_t sid = http_field_int(rq, "source_id", 0);
		struct branch b;
		struct union_org u;
		bool ok = source && ((strcmp(source, "branch") == 0 &&
				      members_branch_get(platform_conn(), rq->arena,
							 sid, &b) == DB_OK) ||
				     (strcmp(source, "union") == 0 &&
				      members_union_get(platform_conn(), rq->arena,
							sid, &u) == DB_OK));
		if (!ok || strcmp(p.kind, "delegate")) {
			participant_page(rq, rs, 422, &k, &p,
					 tr_rq(rq, N_("A delegate's mandate comes from a branch or a union.")));
			return;
		}
		rc = congress_mandate_add(platform_conn(), p.id, source, sid, weight, NULL);
		if (rc == DB_CONSTRAINT) {
			participant_page(rq, rs, 409, &k, &p,
					 tr_rq(rq, N_("They hold that mandate already.")));
			return;
		}
		what = "congress.mandate.added";
	} else if (strcmp(action, "speak") == 0 || strcmp(action, "mute") == 0) {
		rc = congress_participant_set_speak(platform_conn(), p.id,
						    action[0] == 's');
		what = "congress.speaking_right";
	} else if (strcmp(action, "badge") == 0) {
		rc = congress_badge_reissue(platform_conn(), p.id);
		if (rc == DB_NOTFOUND) { /* removed meanwhile */
			http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such participant."));
			return;
		}
		what = "congress.badge.reissued";
	} else if (strcmp(action, "remove") == 0) {
		if (!http_confirmed(
			    rq, rs, N_("Remove a participant?"),
			    arena_printf(rq->arena,
					 tr_rq(rq, N_("%s will no longer take part in %s. Their mandates stay on record.")),
					 p.display_name, k.name),
			    N_("Remove the participant"),
			    arena_printf(rq->arena, "/congress/%lld/participants/%lld",
					 (long long)k.id, (long long)p.id)))
			return;
		rc = congress_participant_remove(platform_conn(), p.id, rq->user.id);
		if (rc == DB_OK && p.account_id)
			rc = ungrant(rq, &k, p.account_id);
		what = "congress.unregistered";
	} else {
		participant_page(rq, rs, 422, &k, &p, tr_rq(rq, N_("Choose what to do.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), what,
			      arena_printf(rq->arena, "participant:%lld", (long long)p.id),
			      json_pack("{s:I}", "congress", (json_int_t)k.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		struct participant now;
		if (congress_participant_get(platform_conn(), rq->arena, p.id, &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_json(rs, 200, congress_participant_json(rq, &now));
		return;
	}
	http_flash(rq, rs, N_("Saved."));
	http_redirect(rs, strcmp(action, "remove") == 0
				  ? arena_printf(rq->arena, "/congress/%lld/participants",
						 (long long)k.id)
				  : arena_printf(rq->arena, "/congress/%lld/participants/%lld",
						 (long long)k.id, (long long)p.id));
}
