/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Branches and affiliated organizations. A branch is a platform scope
 * (the tree roles are granted over) with a kind; an organizer adds
 * branches under their own. Affiliated unions and groups belong to the
 * whole organization: everyone with members.read sees the list, only an
 * organization-wide writer adds to it, and a union's page lists only the
 * members within the reader's branches.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <assert.h>
#include <string.h>

/* cells first: most branches added are cells inside a region */
static const char *const branch_kinds[] = {"cell", "city", "region",
					   "branch"};
static const char *const branch_kind_labels[] = {N_("Cell"), N_("City"),
						 N_("Region"), N_("Branch")};
static const char *const union_kinds[] = {"union", "group"};
static const char *const union_kind_labels[] = {N_("Trade union"),
						N_("Group")};

static const char *kind_label(const char *const *names,
			      const char *const *labels, size_t n,
			      const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], kind) == 0)
			return labels[i];
	return NULL;
}

static json_t *kind_options(struct http_req *rq, const char *const *names,
			    const char *const *labels, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", names[i],
						     "label", tr_rq(rq, labels[i])));
	return arr;
}

/* Active members of branch id, from the index. */
static int64_t active_in(int64_t id)
{
	static __thread int64_t counts[4096];
	static __thread int64_t at;

	/* counted once a second at most per thread: a page lists many */
	if (time_now_ms() - at > 1000) {
		members_index_count_active(counts, ARRAY_LEN(counts));
		at = time_now_ms();
	}
	return id >= 0 && (size_t)id < ARRAY_LEN(counts) ? counts[id] : 0;
}

json_t *members_branch_json(struct http_req *rq, const struct branch *b)
{
	const char *kl = kind_label(branch_kinds, branch_kind_labels,
				    ARRAY_LEN(branch_kinds), b->kind);

	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:I, s:I}", "id",
			 (json_int_t)b->id, "parent_id", (json_int_t)b->parent_id,
			 "name", b->name, "kind", b->kind, "kind_label",
			 kl ? tr_rq(rq, kl) : b->kind, "depth", b->depth,
			 "members", (json_int_t)active_in(b->id), "version",
			 (json_int_t)b->version);
}

/* The branches the caller may read, in tree order. */
json_t *members_branches_json(struct http_req *rq)
{
	struct mscope s;
	struct branch *b;
	size_t n;
	json_t *arr = json_array();

	members_scope_for(rq, PERM_MEMBERS_READ, &s);
	if (members_branch_list(platform_conn(), rq->arena, &b, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		if (members_scope_has(&s, b[i].id))
			json_array_append_new(arr, members_branch_json(rq, &b[i]));
	return arr;
}

static void list_page(struct http_req *rq, struct http_resp *rs, int status,
		      const char *error)
{
	struct mscope w;
	json_t *parents, *data;

	members_scope_for(rq, PERM_MEMBERS_WRITE, &w);
	parents = members_branch_options(rq, &w, http_field_int(rq, "parent", 0));
	data = json_pack("{s:o, s:o, s:o, s:b, s:b}", "branches",
			 members_branches_json(rq), "parents", parents, "kinds",
			 kind_options(rq, branch_kinds, branch_kind_labels,
				      ARRAY_LEN(branch_kinds)),
			 "may_add", w.any, "may_add_top", w.org);
	if (error) {
		json_object_set_new(data, "error", json_string(error));
		json_object_set_new(data, "name",
				    json_string(http_field(rq, "name")));
	}
	http_page(rq, rs, status, "members/branches", N_("Branches"), data);
}

void members_branches_list(struct http_req *rq, struct http_resp *rs)
{
	list_page(rq, rs, 200, NULL);
}

/* Creations run in a savepoint of their own: a duplicate name is a
 * constraint, and must leave the request's transaction usable. */
struct add {
	const char *name, *kind, *description;
	int64_t parent, id;
};

static int branch_tx(struct db_conn *c, void *arg)
{
	struct add *x = arg;
	return members_branch_create(c, x->parent, x->name, x->kind, &x->id);
}

static int union_tx(struct db_conn *c, void *arg)
{
	struct add *x = arg;
	return members_union_create(c, x->name, x->kind, x->description,
				    &x->id);
}

void members_branches_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t parent = http_field_int(rq, "parent", 0), id;
	const char *kind = http_field(rq, "kind");
	struct branch pb;
	int rc;

	if (!kind || !*kind)
		kind = parent ? "cell" : "region";
	if (!can(rq, PERM_MEMBERS_WRITE, parent)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   parent ? N_("You can only add branches inside your own branches.")
				  : N_("Only an organization-wide organizer can add a top-level branch."));
		return;
	}
	if (parent && members_branch_get(platform_conn(), rq->arena, parent,
					 &pb) != DB_OK) {
		list_page(rq, rs, 422, tr_rq(rq, N_("There is no such branch.")));
		return;
	}
	if (!kind_label(branch_kinds, branch_kind_labels, ARRAY_LEN(branch_kinds),
			kind)) {
		list_page(rq, rs, 422, tr_rq(rq, N_("That kind of branch does not exist.")));
		return;
	}
	struct add x = {.name = http_field(rq, "name"), .kind = kind,
			.parent = parent};
	rc = db_tx(platform_conn(), branch_tx, &x);
	id = x.id;
	if (rc == DB_CONSTRAINT) {
		list_page(rq, rs, 409, tr_rq(rq, N_("A branch with that name exists already.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "branch.created",
			      arena_printf(rq->arena, "scope:%lld", (long long)id),
			      json_pack("{s:I}", "parent", (json_int_t)parent));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The branch was added."));
	http_redirect(rs, arena_printf(rq->arena, "/branches/%lld", (long long)id));
}

static bool may_edit_branch(struct http_req *rq, const struct branch *b);

void members_branches_show(struct http_req *rq, struct http_resp *rs)
{
	int64_t id = http_param_int(rq, "id");
	struct branch b, *all;
	size_t n;
	json_t *children = json_array(), *data;

	if (!id ||
	    members_branch_get(platform_conn(), rq->arena, id, &b) != DB_OK ||
	    !can(rq, PERM_MEMBERS_READ, id)) {
		json_decref(children);
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such branch."));
		return;
	}
	if (members_branch_list(platform_conn(), rq->arena, &all, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			if (all[i].parent_id == id)
				json_array_append_new(children,
						      members_branch_json(rq, &all[i]));
	data = json_pack("{s:o, s:o, s:b}", "branch", members_branch_json(rq, &b),
			 "children", children, "may_add",
			 can(rq, PERM_MEMBERS_WRITE, id));
	/* read inside {{#branch}} */
	json_object_set_new(json_object_get(data, "branch"), "may_edit",
			    json_boolean(may_edit_branch(rq, &b)));
	json_object_set_new(data, "kinds",
			    kind_options(rq, branch_kinds, branch_kind_labels,
					 ARRAY_LEN(branch_kinds)));
	if (b.parent_id && can(rq, PERM_MEMBERS_READ, b.parent_id))
		json_object_set_new(data, "parent",
				    json_pack("{s:I, s:s}", "id", (json_int_t)b.parent_id,
					      "name", members_branch_name(rq, b.parent_id)));
	http_page(rq, rs, 200, "members/branch", N_("Branch"), data);
}

/* ---- affiliated organizations ---- */

json_t *members_union_json(struct http_req *rq, const struct union_org *u)
{
	const char *kl = kind_label(union_kinds, union_kind_labels,
				    ARRAY_LEN(union_kinds), u->kind);

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)u->id,
			 "name", u->name, "kind", u->kind, "kind_label",
			 kl ? tr_rq(rq, kl) : u->kind, "description",
			 u->description, "version", (json_int_t)u->version);
}

json_t *members_unions_json(struct http_req *rq)
{
	struct union_org *u;
	size_t n;
	json_t *arr = json_array();

	if (members_union_list(platform_conn(), rq->arena, &u, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, members_union_json(rq, &u[i]));
	return arr;
}

static void unions_page(struct http_req *rq, struct http_resp *rs, int status,
			const char *error)
{
	json_t *data = json_pack(
		"{s:o, s:o, s:b}", "unions", members_unions_json(rq), "kinds",
		kind_options(rq, union_kinds, union_kind_labels,
			     ARRAY_LEN(union_kinds)),
		"may_add", can(rq, PERM_MEMBERS_WRITE, 0));

	if (error) {
		json_object_set_new(data, "error", json_string(error));
		json_object_set_new(data, "name", json_string(http_field(rq, "name")));
		json_object_set_new(data, "description",
				    json_string(http_field(rq, "description")
							? http_field(rq, "description")
							: ""));
	}
	http_page(rq, rs, status, "members/unions", N_("Unions"), data);
}

void members_unions_list(struct http_req *rq, struct http_resp *rs)
{
	unions_page(rq, rs, 200, NULL);
}

void members_unions_create(struct http_req *rq, struct http_resp *rs)
{
	const char *kind = http_field(rq, "kind");
	int64_t id;
	int rc;

	if (!can(rq, PERM_MEMBERS_WRITE, 0)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organization-wide organizer can add an affiliated organization."));
		return;
	}
	if (!kind || !*kind)
		kind = "union";
	if (!kind_label(union_kinds, union_kind_labels, ARRAY_LEN(union_kinds),
			kind)) {
		unions_page(rq, rs, 422, tr_rq(rq, N_("That kind of organization does not exist.")));
		return;
	}
	struct add x = {.name = http_field(rq, "name"), .kind = kind,
			.description = http_field(rq, "description")};
	rc = db_tx(platform_conn(), union_tx, &x);
	id = x.id;
	if (rc == DB_CONSTRAINT) {
		unions_page(rq, rs, 409, tr_rq(rq, N_("An organization with that name exists already.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "union.created",
			      arena_printf(rq->arena, "union:%lld", (long long)id),
			      NULL);
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The organization was added."));
	http_redirect(rs, arena_printf(rq->arena, "/unions/%lld", (long long)id));
}

static void union_page(struct http_req *rq, struct http_resp *rs, int status,
		       const struct union_org *u, const char *error)
{
	struct mscope s;
	struct members_index_query q = {0};
	struct mindex_page pg;
	struct mindex_hit *hits;
	struct union_rep *reps;
	size_t n, total, nr;
	json_t *people = json_array(), *rj = json_array(), *data;
	bool may_write_any = false;

	/* the members of it the reader may see, and no count of the rest */
	members_scope_for(rq, PERM_MEMBERS_READ, &s);
	q.org = s.org;
	q.visible = s.bits;
	q.nvisible = s.nbits;
	q.status = -1;
	q.union_id = u->id;
	q.limit = 200;
	if (members_index_query(rq->arena, &q, &pg) != 0)
		pg.n = pg.total = 0;
	hits = pg.hits;
	n = pg.n;
	total = pg.total;
	for (size_t i = 0; i < n; i++) {
		bool w = can(rq, PERM_MEMBERS_WRITE, hits[i].branch_id);
		may_write_any |= w;
		json_array_append_new(
		    people,
		    json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
			      (json_int_t)hits[i].id, "display_name",
			      hits[i].display_name, "branch",
			      members_branch_name(rq, hits[i].branch_id),
			      "status_label",
			      tr_rq(rq, members_status_label(
					    (enum mstatus)hits[i].status)),
			      "writable", w));
	}
	if (members_union_reps(platform_conn(), rq->arena, u->id, &reps, &nr) ==
	    DB_OK)
		for (size_t i = 0; i < nr; i++)
			if (members_scope_has(&s, reps[i].branch_id))
				json_array_append_new(
					rj, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
						      (json_int_t)reps[i].person,
						      "display_name", reps[i].display_name,
						      "title", reps[i].title, "branch",
						      members_branch_name(rq, reps[i].branch_id),
						      "writable",
						      can(rq, PERM_MEMBERS_WRITE,
							  reps[i].branch_id)));
	json_t *uj = members_union_json(rq, u);
	json_object_set_new(uj, "may_edit", json_boolean(can(rq, PERM_MEMBERS_WRITE, 0)));
	data = json_pack("{s:o, s:o, s:o, s:I, s:b, s:b}", "union",
			 uj, "people", people, "reps", rj,
			 "total", (json_int_t)total, "more", total > n,
			 "may_write", may_write_any);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "members/union", N_("Union"), data);
}

static int load_union(struct http_req *rq, struct http_resp *rs,
		      struct union_org *u)
{
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    members_union_get(platform_conn(), rq->arena, id, u) != DB_OK) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such organization."));
		return -1;
	}
	return 0;
}

void members_unions_show(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u;

	if (load_union(rq, rs, &u) == 0)
		union_page(rq, rs, 200, &u, NULL);
}

/* Makes a member of the union its representative, or no longer. */
void members_unions_rep(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u;
	struct person p;
	int64_t pid = http_field_int(rq, "person", 0);
	bool is_rep = !http_field_bool(rq, "remove");
	const char *title = http_field(rq, "title");
	int rc;

	if (load_union(rq, rs, &u) != 0)
		return;
	/* someone outside the officer's branches does not exist for them */
	if (members_person_get(platform_conn(), rq->arena, pid, false, &p) !=
		DB_OK ||
	    !can(rq, PERM_MEMBERS_WRITE, p.branch_id) || p.erased_at) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such member."));
		return;
	}
	if (!is_rep &&
	    !http_confirmed(
		    rq, rs, N_("Remove a representative?"),
		    arena_printf(rq->arena,
				 tr_rq(rq, N_("%s will no longer represent %s. They stay a member of the union.")),
				 p.display_name, u.name),
		    N_("Remove the representative"),
		    arena_printf(rq->arena, "/unions/%lld", (long long)u.id)))
		return;
	rc = members_union_set_rep(platform_conn(), u.id, p.id, is_rep,
				   is_rep && title && *title ? title : "");
	if (rc == DB_NOTFOUND) {
		union_page(rq, rs, 422, &u,
			   tr_rq(rq, N_("Only a member of the union can represent it.")));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), is_rep ? "union.rep.added" : "union.rep.removed",
			      arena_printf(rq->arena, "union:%lld", (long long)u.id),
			      json_pack("{s:I}", "person", (json_int_t)p.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, is_rep ? N_("The representative was named.")
				  : N_("The representative was removed."));
	http_redirect(rs, arena_printf(rq->arena, "/unions/%lld", (long long)u.id));
}

/* ---- editing a branch or an organization ----
 * Both carry a version: the form holds the one it was drawn from, and
 * a save against another is refused (409) with what was typed kept and
 * the record as it is now beside each field that differs. The API's
 * PATCH names it in If-Match (or "version") and gets 409 with "current". */

/* Who may rename a branch: whoever could have added it (a writer of
 * its parent; of the organization for a top-level one). */
static bool may_edit_branch(struct http_req *rq, const struct branch *b)
{
	return can(rq, PERM_MEMBERS_WRITE, b->parent_id);
}

/* Branch id if the reader may see it; else 404 answered (a branch
 * outside their scope does not exist for them). */
static int load_branch(struct http_req *rq, struct http_resp *rs,
		       struct branch *b)
{
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    members_branch_get(platform_conn(), rq->arena, id, b) != DB_OK ||
	    !can(rq, PERM_MEMBERS_READ, id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such branch."));
		return -1;
	}
	return 0;
}

static json_t *kind_choices(struct http_req *rq, const char *const *names,
			    const char *const *labels, size_t n,
			    const char *selected)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
				       tr_rq(rq, labels[i]), "selected",
				       selected && strcmp(selected, names[i]) == 0));
	return arr;
}

/* The edit page of a branch (u NULL) or an organization (b NULL); from
 * the record when not again, else the request's own post; now, when a
 * save met another writer's version: the record as it is. */
static void edit_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct branch *b, const struct union_org *u,
		      bool again, const char *field, const char *why)
{
	const char *action =
		b ? arena_printf(rq->arena, "/branches/%lld", (long long)b->id)
		  : arena_printf(rq->arena, "/unions/%lld", (long long)u->id);
	json_t *form = http_form(rq, HTTP_POST, action);
	const char *kind = again ? http_field(rq, "kind") : b ? b->kind : u->kind;
	int64_t version = b ? b->version : u->version;

	assert(form);
	if (!again) {
		http_form_value(form, "name", b ? b->name : u->name);
		if (u)
			http_form_value(form, "description", u->description);
	}
	http_form_options(form, "kind",
			  b ? kind_choices(rq, branch_kinds, branch_kind_labels,
					   ARRAY_LEN(branch_kinds), kind)
			    : kind_choices(rq, union_kinds, union_kind_labels,
					   ARRAY_LEN(union_kinds), kind));
	if (status == 409 && !why) {
		/* what another officer saved, beside what was typed here */
		const char *name = b ? b->name : u->name;
		const char *now_kind = b ? b->kind : u->kind;
		const char *kl = b ? kind_label(branch_kinds, branch_kind_labels,
						ARRAY_LEN(branch_kinds), now_kind)
				   : kind_label(union_kinds, union_kind_labels,
						ARRAY_LEN(union_kinds), now_kind);
		if (strcmp(http_field(rq, "name") ? http_field(rq, "name") : "", name))
			http_form_now(rq, form, "name", name);
		if (!kind || strcmp(kind, now_kind))
			http_form_now(rq, form, "kind", kl ? tr_rq(rq, kl) : now_kind);
		if (u && strcmp(http_field(rq, "description")
					? http_field(rq, "description")
					: "",
				u->description))
			http_form_now(rq, form, "description", u->description);
	}
	if (why)
		http_form_error(rq, form, field, why);
	http_form_value(form, "version",
			arena_printf(rq->arena, "%lld", (long long)version));
	http_page(rq, rs, status, "members/edit", b ? N_("Edit the branch") : N_("Edit the organization"),
		  json_pack("{s:o, s:s, s:s, s:b}", "form", form, "back",
			    b ? arena_printf(rq->arena, "/branches/%lld", (long long)b->id)
			      : arena_printf(rq->arena, "/unions/%lld", (long long)u->id),
			    "name", b ? b->name : u->name, "conflict",
			    status == 409 && !why));
}

void members_branches_edit(struct http_req *rq, struct http_resp *rs)
{
	struct branch b;

	if (load_branch(rq, rs, &b) != 0)
		return;
	if (!may_edit_branch(rq, &b)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organizer of the branch it is part of can rename a branch."));
		return;
	}
	edit_page(rq, rs, 200, &b, NULL, false, NULL, NULL);
}

struct edit {
	int64_t id, version;
	const char *name, *kind, *description;
	bool is_branch;
};

static int edit_tx(struct db_conn *c, void *arg)
{
	struct edit *e = arg;

	return e->is_branch
		       ? members_branch_update(c, e->id, e->name, e->kind, e->version)
		       : members_union_update(c, e->id, e->name, e->kind,
					      e->description, e->version);
}

/* Writes e (in a savepoint of its own: a taken name is a constraint)
 * and audits what changed from was (the name and kind before, and an
 * organization's description): DB_OK, DB_STALE, DB_CONSTRAINT, or an
 * error. */
static int edit_write(struct http_req *rq, struct edit *e, const char *was_name,
		      const char *was_kind, const char *was_description)
{
	json_t *changed = json_object();
	int rc = db_tx(platform_conn(), edit_tx, e);

	if (rc != DB_OK) {
		json_decref(changed);
		return rc;
	}
	if (strcmp(e->name, was_name))
		json_object_set_new(changed, "name",
				    json_pack("{s:s, s:s}", "from", was_name, "to", e->name));
	if (strcmp(e->kind, was_kind))
		json_object_set_new(changed, "kind",
				    json_pack("{s:s, s:s}", "from", was_kind, "to", e->kind));
	if (!e->is_branch && strcmp(e->description, was_description))
		json_object_set_new(changed, "description", json_true());
	if (e->is_branch)
		members_branch_renamed(e->id);
	return audit_rq(rq, platform_conn(),
			e->is_branch ? "branch.updated" : "union.updated",
			arena_printf(rq->arena, e->is_branch ? "scope:%lld" : "union:%lld",
				     (long long)e->id),
			changed);
}

void members_branches_update(struct http_req *rq, struct http_resp *rs)
{
	struct branch b, now;
	struct edit e = {.is_branch = true};
	int rc;

	if (load_branch(rq, rs, &b) != 0)
		return;
	if (!may_edit_branch(rq, &b)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organizer of the branch it is part of can rename a branch."));
		return;
	}
	e.id = b.id;
	e.name = http_field(rq, "name");
	e.kind = http_field(rq, "kind") && *http_field(rq, "kind") ? http_field(rq, "kind")
								  : b.kind;
	e.version = http_field_int(rq, "version", 0);
	if (!kind_label(branch_kinds, branch_kind_labels, ARRAY_LEN(branch_kinds),
			e.kind)) {
		edit_page(rq, rs, 422, &b, NULL, true, "kind", N_("That kind of branch does not exist."));
		return;
	}
	rc = edit_write(rq, &e, b.name, b.kind, "");
	if (rc == DB_STALE &&
	    members_branch_get(platform_conn(), rq->arena, b.id, &now) == DB_OK) {
		edit_page(rq, rs, 409, &now, NULL, true, NULL, NULL);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		edit_page(rq, rs, 409, &b, NULL, true, "name",
			  N_("A branch with that name exists already there."));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The branch was saved."));
	http_redirect(rs, arena_printf(rq->arena, "/branches/%lld", (long long)b.id));
}

static bool may_edit_union(struct http_req *rq, struct http_resp *rs)
{
	if (can(rq, PERM_MEMBERS_WRITE, 0))
		return true;
	http_error(rq, rs, HTTP_E_FORBIDDEN,
		   N_("Only an organization-wide organizer can change an affiliated organization."));
	return false;
}

void members_unions_edit(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u;

	if (load_union(rq, rs, &u) == 0 && may_edit_union(rq, rs))
		edit_page(rq, rs, 200, NULL, &u, false, NULL, NULL);
}

void members_unions_update(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u, now;
	struct edit e = {0};
	int rc;

	if (load_union(rq, rs, &u) != 0 || !may_edit_union(rq, rs))
		return;
	e.id = u.id;
	e.name = http_field(rq, "name");
	e.kind = http_field(rq, "kind") && *http_field(rq, "kind") ? http_field(rq, "kind")
								  : u.kind;
	e.description = http_field(rq, "description") ? http_field(rq, "description") : "";
	e.version = http_field_int(rq, "version", 0);
	if (!kind_label(union_kinds, union_kind_labels, ARRAY_LEN(union_kinds),
			e.kind)) {
		edit_page(rq, rs, 422, NULL, &u, true, "kind",
			  N_("That kind of organization does not exist."));
		return;
	}
	rc = edit_write(rq, &e, u.name, u.kind, u.description);
	if (rc == DB_STALE &&
	    members_union_get(platform_conn(), rq->arena, u.id, &now) == DB_OK) {
		edit_page(rq, rs, 409, NULL, &now, true, NULL, NULL);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		edit_page(rq, rs, 409, NULL, &u, true, "name",
			  N_("An organization with that name exists already."));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("The organization was saved."));
	http_redirect(rs, arena_printf(rq->arena, "/unions/%lld", (long long)u.id));
}

/* ---- the same over the API ---- */

void members_api_branch(struct http_req *rq, struct http_resp *rs)
{
	struct branch b;

	if (load_branch(rq, rs, &b) != 0)
		return;
	http_etag(rq, rs, b.version);
	http_json(rs, 200, members_branch_json(rq, &b));
}

/* The answer to a PATCH of a branch or an organization: the record as it
 * is after rc (the write's outcome), with its ETag. */
static void api_edited(struct http_req *rq, struct http_resp *rs, int rc,
		       bool is_branch, int64_t id)
{
	struct branch b;
	struct union_org u;
	int got = is_branch ? members_branch_get(platform_conn(), rq->arena, id, &b)
			    : members_union_get(platform_conn(), rq->arena, id, &u);
	json_t *now = got != DB_OK ? NULL
		      : is_branch  ? members_branch_json(rq, &b)
				   : members_union_json(rq, &u);

	if (now)
		http_etag(rq, rs, is_branch ? b.version : u.version);
	if (rc == DB_STALE && now) {
		http_error_with(rq, rs, HTTP_E_CONFLICT,
				N_("Someone else changed this since the version you sent; nothing was changed. The record as it is now is in \"current\"."),
				"current", now);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		json_decref(now);
		http_error(rq, rs, HTTP_E_CONFLICT,
			   is_branch ? N_("A branch with that name exists already there.")
				     : N_("An organization with that name exists already."));
		return;
	}
	if (rc != DB_OK || !now) {
		json_decref(now);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_json(rs, 200, now);
}

/* An edit the API sent that cannot be made (no name, a kind not of
 * names): true, with 422 answered beside the field. */
static bool api_edit_refused(struct http_req *rq, struct http_resp *rs,
			     const struct edit *e, const char *const *names,
			     const char *const *labels, size_t n,
			     const char *kinds_msgid)
{
	if (!*e->name) {
		http_error_field(rq, rs, "name", tr_rq(rq, N_("Name")), N_("is required"));
		return true;
	}
	if (!kind_label(names, labels, n, e->kind)) {
		http_error_field(rq, rs, "kind", tr_rq(rq, N_("Kind")), kinds_msgid);
		return true;
	}
	return false;
}

/* A field of the body when sent, else what the record has. */
static const char *sent_or(struct http_req *rq, const char *name,
			   const char *current)
{
	const char *v = http_field(rq, name);
	return v ? v : current;
}

void members_api_branch_update(struct http_req *rq, struct http_resp *rs)
{
	struct branch b;
	struct edit e = {.is_branch = true};

	if (load_branch(rq, rs, &b) != 0)
		return;
	if (!may_edit_branch(rq, &b)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only an organizer of the branch it is part of can rename a branch."));
		return;
	}
	e.id = b.id;
	e.name = sent_or(rq, "name", b.name);
	e.kind = sent_or(rq, "kind", b.kind);
	e.version = http_if_match(rq);
	if (api_edit_refused(rq, rs, &e, branch_kinds, branch_kind_labels,
			     ARRAY_LEN(branch_kinds),
			     N_("is not one of: region, city, cell, branch")))
		return;
	api_edited(rq, rs, edit_write(rq, &e, b.name, b.kind, ""), true, b.id);
}

void members_api_union(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u;

	if (load_union(rq, rs, &u) != 0)
		return;
	http_etag(rq, rs, u.version);
	http_json(rs, 200, members_union_json(rq, &u));
}

void members_api_union_update(struct http_req *rq, struct http_resp *rs)
{
	struct union_org u;
	struct edit e = {0};

	if (load_union(rq, rs, &u) != 0 || !may_edit_union(rq, rs))
		return;
	e.id = u.id;
	e.name = sent_or(rq, "name", u.name);
	e.kind = sent_or(rq, "kind", u.kind);
	e.description = sent_or(rq, "description", u.description);
	e.version = http_if_match(rq);
	if (api_edit_refused(rq, rs, &e, union_kinds, union_kind_labels,
			     ARRAY_LEN(union_kinds), N_("is not one of: union, group")))
		return;
	api_edited(rq, rs, edit_write(rq, &e, u.name, u.kind, u.description), false,
		   u.id);
}
