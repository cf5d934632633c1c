/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared by the files of src/members/ only. */
#ifndef RUDDER_MEMBERS_INTERNAL_H
#define RUDDER_MEMBERS_INTERNAL_H

#include <jansson.h>

#include "index.h"
#include "platform/core/csv.h"
#include "members.h"
#include "platform/http/http.h"
#include "platform/platform.h"

/* The branches a request may see (or write) for a permission, as a
 * bitmap by branch id, for the index and for single checks. */
struct mscope {
	bool org;
	uint8_t *bits;
	size_t nbits;
	bool any; /* holds the permission somewhere */
};
void members_scope_for(struct http_req *rq, const char *perm,
		       struct mscope *out);
bool members_scope_has(const struct mscope *s, int64_t branch);
/* The branch and everything under it, as a bitmap (filters). */
void members_scope_subtree(struct http_req *rq, int64_t branch,
			   uint8_t **bits_r, size_t *n_r);

/* After a change to a person commits: this process's index, and (via the
 * event channel) every other process's. */
void members_changed(struct http_req *rq, int64_t person);
/* Rebuilds the index when the generation moved (module.c). */
void members_index_current(void);

#define MEMBERS_PAGE_SIZE 50
/* a text search counts matches up to this many, then says "more than" */
#define MEMBERS_COUNT_CAP 1000

/* ---- rules.c: rules that need no database and no HTTP ----
 * (with members_person_check, members_phone_normalize, date_valid,
 * members_due_check and the mstatus_ functions of members.h) */
/* A date as spreadsheets in Kazakhstan write it, DD.MM.YYYY (or D.M.YYYY),
 * as the registry keeps it, YYYY-MM-DD (arena-owned); anything else is
 * returned as it is (borrowed), for date_valid to judge. */
const char *members_date_from_sheet(struct arena *a, const char *s);
/* "2000.50 KZT" from minor units (arena-owned). */
char *members_money(struct arena *a, int64_t minor, const char *currency);
/* "2000", "2 000", "2000.50" or "2000,5" -> minor units in *out_r: 0, or
 * -1 (out_r untouched) for anything else: a sign, more than two
 * decimals, more than twelve digits before the point, other characters. */
int members_money_parse(const char *s, int64_t *out_r);
/* The kept record's notes after a merge: its own, then a line
 * "[merged from record N]" and every non-empty field drop held, one
 * "name: value" line each, then drop's notes. Nothing of drop fills
 * keep's fields. Arena-owned. */
char *members_person_merge_notes(struct arena *a, const struct person *keep,
				 const struct person *drop);

/* Shared by the pages and the API (pages.c) */
const char *members_field_label(struct http_req *rq, const char *name);
/* Forms as the module's pages show them (http_form): a refusal the
 * module found, beside its field as "Label: why" (why a msgid); choices
 * for a select from rows of {id, name, selected}. */
void members_form_refuse(struct http_req *rq, json_t *form,
			 const char *field, const char *why);
void members_form_choices(json_t *form, const char *field,
			  json_t *rows);
/* The module's refusals of a person as typed in a form
 * (members_person_refusals), each beside its field. */
void members_person_form_refusals(struct http_req *rq, json_t *form,
				  struct person_input *in);
/* After the refusals are marked: the list at the top in the order of
 * the fields, and the focus on the first refused field. */
void members_form_settle(json_t *form);
void members_input_from_form(struct http_req *rq, struct person_input *in);
/* members_person_check, then: the branch exists and the caller may write there.
 * NULL, or a msgid with the field in *field_r. */
const char *members_write_check(struct http_req *rq, struct person_input *in,
				const char **field_r);
/* Writes a person (new when *id_io is 0) with their unions and an audit
 * entry, in a savepoint; tells the index after commit. A DB_ rc. */
int members_write(struct http_req *rq, const struct person_input *in,
		  int64_t *uids, size_t nu, int64_t *id_io);
/* The person {id} when the caller may use perm on their branch; else
 * answers 404 and returns -1. */
int members_load(struct http_req *rq, struct http_resp *rs, const char *perm,
		 bool unseal, struct person *p);
/* A person for pages and the API; with sealed, the opened fields too,
 * and the phone as people read it (phone_display) and, when it may be
 * one, for a tel: link (phone_tel). */
json_t *members_person_json(struct http_req *rq, const struct person *p,
			    bool sealed);
/* The search/list query from the request's q, branch, status, union and
 * page, by name (the list page); -1 when a filter names a branch outside
 * the caller's reach. */
int members_query(struct http_req *rq, struct mindex_page *pg, size_t *page_r);
/* The same filters, in ascending id from the first id above after, at
 * most limit people (the API's walk, whose order no rename or addition
 * disturbs); the total counts them all, after or not. */
int members_query_after(struct http_req *rq, int64_t after, size_t limit,
			struct mindex_page *pg);
const char *members_branch_name(struct http_req *rq, int64_t id);
/* Branch id was renamed (in the request's transaction): once it
 * commits, this process and the others read the names again. */
void members_branch_renamed(int64_t id);
/* Forgets the names members_branch_name read (the "branch" event). */
void members_branch_names_forget(void);
/* "person:12", the audit log's name for a person (arena-owned). */
char *members_person_ref(struct arena *a, int64_t id);
/* Writes a text search (q) to the audit log: by whom, the text sealed,
 * how many found. Nothing for a list without q. DB_OK or an error: the
 * caller then shows nothing. */
int members_search_audit(struct http_req *rq, const struct mindex_page *pg);

/* The conflict's marks on a person's form (the member form, /me) shown
 * again over now, the record as another writer left it: beside each
 * field the form has whose typed value differs, what now says; the
 * form's version becomes now's, so that saving again is a choice made
 * with both in view. */
void members_conflict_marks(struct http_req *rq, json_t *form,
			    const struct person *now);
/* The answer to an API write against an old version of a person (the
 * version from http_if_match): 409 conflict with the person as they are
 * now in "current" (audited as a reading), and their ETag. */
void members_stale(struct http_req *rq, struct http_resp *rs, int64_t id);

/* branches.c */
json_t *members_branch_json(struct http_req *rq, const struct branch *b);
json_t *members_branches_json(struct http_req *rq);
json_t *members_union_json(struct http_req *rq, const struct union_org *u);
json_t *members_unions_json(struct http_req *rq);

/* JSON for pages and the API */
json_t *members_branch_options(struct http_req *rq, const struct mscope *s,
			       int64_t selected);
json_t *members_union_options(struct http_req *rq, const int64_t *selected,
			      size_t nselected);
json_t *members_status_options(struct http_req *rq, const char *selected);

/* handlers */
void members_list(struct http_req *rq, struct http_resp *rs);
void members_new(struct http_req *rq, struct http_resp *rs);
void members_create(struct http_req *rq, struct http_resp *rs);
/* The .refused of the member form, the forms of a person's page (status
 * and dues) and the join form: the form again, each refusal beside its
 * field (the router's and the module's), what was typed kept. */
void members_create_refused(struct http_req *rq, struct http_resp *rs);
void members_update_refused(struct http_req *rq, struct http_resp *rs);
void members_show_refused(struct http_req *rq, struct http_resp *rs);
void members_join_refused(struct http_req *rq, struct http_resp *rs);
void members_show(struct http_req *rq, struct http_resp *rs);
void members_edit(struct http_req *rq, struct http_resp *rs);
void members_update(struct http_req *rq, struct http_resp *rs);
void members_status(struct http_req *rq, struct http_resp *rs);
void members_dues(struct http_req *rq, struct http_resp *rs);
/* A payment's page: the correction form and the removal (also the
 * .refused of both). */
void members_due_form(struct http_req *rq, struct http_resp *rs);
void members_due_correct_page(struct http_req *rq, struct http_resp *rs);
void members_due_remove_page(struct http_req *rq, struct http_resp *rs);
void members_branches_list(struct http_req *rq, struct http_resp *rs);
void members_branches_create(struct http_req *rq, struct http_resp *rs);
void members_branches_show(struct http_req *rq, struct http_resp *rs);
void members_unions_list(struct http_req *rq, struct http_resp *rs);
void members_unions_create(struct http_req *rq, struct http_resp *rs);
void members_unions_show(struct http_req *rq, struct http_resp *rs);
void members_unions_rep(struct http_req *rq, struct http_resp *rs);
void members_branches_edit(struct http_req *rq, struct http_resp *rs);
void members_branches_update(struct http_req *rq, struct http_resp *rs);
void members_unions_edit(struct http_req *rq, struct http_resp *rs);
void members_unions_update(struct http_req *rq, struct http_resp *rs);
void members_api_branch(struct http_req *rq, struct http_resp *rs);
void members_api_branch_update(struct http_req *rq, struct http_resp *rs);
void members_api_union(struct http_req *rq, struct http_resp *rs);
void members_api_union_update(struct http_req *rq, struct http_resp *rs);
void members_api_members_list(struct http_req *rq, struct http_resp *rs);
void members_api_members_create(struct http_req *rq, struct http_resp *rs);
void members_api_members_get(struct http_req *rq, struct http_resp *rs);
void members_api_members_update(struct http_req *rq, struct http_resp *rs);
void members_api_branches(struct http_req *rq, struct http_resp *rs);
void members_api_unions(struct http_req *rq, struct http_resp *rs);

/* intake.c: the write-only intake (see there) */
#define INTAKE_KEY_LEN 32
int members_intake_public(struct db_conn *c, unsigned char *pk);
/* Makes the intake keypair if there is none and some vetting officer has
 * a personal key. 0 when a key exists afterwards. */
int members_intake_ensure(struct db_conn *c);
/* Copies the intake secret key to vetting officers lacking a current
 * copy; drops the copies of those who may no longer vet. How many got
 * one, or -1. */
int members_intake_share(struct db_conn *c, const unsigned char *sk);
/* The intake secret key inside this officer's session, or -1. */
int members_intake_secret(struct http_req *rq, unsigned char *sk,
			  unsigned char *pk);
/* The store's side (store.c). The public key: DB_OK with its bytes
 * (arena-owned), DB_NOTFOUND when none was made yet, or negative. */
int members_intake_key_get(struct db_conn *c, struct arena *a,
			   struct db_blob *pk_r);
/* Stores the public key unless there is one: 1 when stored, 0 when
 * another process stored one first, or negative. */
int members_intake_key_put(struct db_conn *c, const unsigned char *pk,
			   size_t n);
/* An officer's copy of the secret key: sealed_sk sealed to their
 * personal public key for_key. */
struct intake_grant {
	struct db_blob for_key, sealed_sk;
};
/* user's copy (arena-owned): DB_OK, DB_NOTFOUND or negative. */
int members_intake_grant_get(struct db_conn *c, struct arena *a, int64_t user,
			     struct intake_grant *out);
/* Sets (replaces) user's copy; drops it: DB_OK or negative. */
int members_intake_grant_put(struct db_conn *c, int64_t user,
			     const void *for_key, size_t nkey,
			     const void *sealed_sk, size_t nsealed);
int members_intake_grant_drop(struct db_conn *c, int64_t user);
/* The accounts holding a copy, ascending (arena array): DB_OK or
 * negative. */
int members_intake_grant_holders(struct db_conn *c, struct arena *a,
				 int64_t **ids_r, size_t *n_r);
/* The active accounts granted role over any scope, ascending, each once
 * (arena array): DB_OK or negative. */
int members_role_accounts(struct db_conn *c, struct arena *a, const char *role,
			  int64_t **ids_r, size_t *n_r);
unsigned char *members_intake_seal(struct arena *a, const unsigned char *pk,
				   const char *plain, size_t n, size_t *len_r);
char *members_intake_open(struct arena *a, const unsigned char *sk,
			  const unsigned char *pk, const void *sealed,
			  size_t len);

/* applications.c */
void members_join_form(struct http_req *rq, struct http_resp *rs);
void members_join_submit(struct http_req *rq, struct http_resp *rs);
void members_applications_list(struct http_req *rq, struct http_resp *rs);
void members_applications_show(struct http_req *rq, struct http_resp *rs);
void members_applications_review(struct http_req *rq, struct http_resp *rs);
void members_applications_settings(struct http_req *rq, struct http_resp *rs);

/* import.c (see there) */
enum {
	COL_DISPLAY, COL_LEGAL, COL_PHONE, COL_EMAIL, COL_ADDRESS, COL_BIRTH,
	COL_WORKPLACE, COL_BRANCH, COL_AFFIL, COL_STATUS, COL_JOINED, COL__MAX
};
enum { IMPORT_CREATED = 1, IMPORT_UPDATED, IMPORT_UNCHANGED, IMPORT_SKIPPED,
       IMPORT__MAX };
/* A header names a column by its name (display_name) or a synonym in
 * English, Russian or Kazakh ("Имя", "Аты", "Телефон", "Эл. почта",
 * "Филиал", "Бөлімше", "Дата вступления", ...): COL_*, or -1. */
int members_import_header_col(struct arena *a, const char *header);
/* What the officer chose for each header cell the importer does not know
 * (by the cell's index): 0 nothing yet, 1 + COL_* that column, or
 * IMPORT_IGNORE, left out. A file with a column nobody chose for is not
 * imported: no column is dropped unasked. */
#define IMPORT_MAP_MAX 64 /* a header's cells, at most (csv.c) */
#define IMPORT_IGNORE (COL__MAX + 1)
struct import_map {
	unsigned char to[IMPORT_MAP_MAX];
};
/* A header cell the importer does not know. */
struct import_unknown {
	size_t cell;        /* its index in the header */
	const char *name;   /* as the header says it ("?" when unreadable) */
	const char *sample; /* the first row's cell, "" when none or unreadable */
	int to;             /* the map's choice: 0, 1 + COL_*, IMPORT_IGNORE */
};
/* What a row that matches a member already (same phone or email) does. */
enum import_match {
	IMPORT_MATCH_UPDATE, /* what the file says replaces what the record has */
	IMPORT_MATCH_FILL,   /* only what the record leaves empty is filled */
	IMPORT_MATCH_SKIP,   /* the member is left as they are */
};
/* A change a matched row makes, for the preview: old and new values. */
struct import_change {
	const char *field; /* a column's name */
	const char *old_v, *new_v;
};
/* A person's sealed columns and blind indexes, computed apart from the
 * database (an import seals on a second thread while the first writes). */
struct person_sealed {
	struct {
		unsigned char *p; /* NULL: the field is empty */
		size_t n;
	} f[7]; /* legal name, phone, email, address, birth date, workplace, notes */
	unsigned char email_bi[16], phone_bi[16];
	bool email, phone; /* the blind indexes are set */
};
void members_person_seal(struct arena *a, const struct person_input *in,
			 struct person_sealed *out);
/* members_person_create with the sealing done. */
int members_person_create_sealed(struct db_conn *c,
				 const struct person_input *in,
				 const struct person_sealed *s, int64_t by,
				 int64_t *id_r);
/* members_person_find_contact by blind indexes already computed: the person
 * with that email, and the one with that phone (0 when none). */
int members_person_find_sealed(struct db_conn *c, const struct person_sealed *s,
			       int64_t *by_email, int64_t *by_phone);

/* ---- contacts: one phone or email, two people (contacts.c) ----
 * An officer's answer never depends on people outside their scope. A
 * phone or email that belongs to someone the writer may see is refused
 * (409: they can look that person up anyway). One that belongs only to
 * people the writer may not see is taken as if it were new: the value is
 * stored, its blind index kept as an alias (people.*_alias_index), and
 * a contact review waits for an officer who sees both people, who merges
 * them or keeps them apart (reviews.c). */
enum { CONTACT_EMAIL, CONTACT_PHONE, CONTACT__MAX };
const char *members_contact_field_name(int field);
/* The blind index of a value as the store keeps it; false when empty. */
bool members_person_contact_index(int field, const char *value,
				  unsigned char bi[16]);
struct contact_holder {
	int64_t id, branch_id;
	const char *path; /* the branch's scope path */
	bool first;       /* holds the unique index (not an alias) */
};
/* Everyone but self who holds the value (bi), first holders first;
 * arena array. */
int members_person_holders(struct db_conn *c, struct arena *a, int field,
			   const unsigned char *bi, int64_t self,
			   struct contact_holder **out_r, size_t *n_r);

/* Whose people may the writer see (by their branch's scope path)? NULL
 * sees: everyone (the command line). */
struct contact_view {
	bool (*sees)(void *arg, const char *branch_path);
	void *arg;
};
/* The view of a request's account: members.read over the branch. */
struct contact_view members_contact_view_of(struct http_req *rq);
struct contact_plan {
	int64_t seen[CONTACT__MAX];   /* a holder the writer sees; 0: none */
	int64_t hidden[CONTACT__MAX]; /* one the writer does not see */
	int64_t cover[CONTACT__MAX];  /* the branch nearest both (0: org) */
	bool taken[CONTACT__MAX];     /* the unique index is someone's */
};
/* What writing a record of branch (as person self; 0 for a new one)
 * meets. bi[f] is the value's blind index or NULL when the field is
 * empty. */
int members_contacts_plan(struct db_conn *c, struct arena *a,
			  const unsigned char *const bi[CONTACT__MAX],
			  int64_t self, int64_t branch,
			  const struct contact_view *v,
			  struct contact_plan *out);
/* The same from the input's own values. */
int members_contacts_plan_input(struct db_conn *c, struct arena *a,
				const struct person_input *in, int64_t self,
				const struct contact_view *v,
				struct contact_plan *out);
/* Sets the input's alias flags from the plan. */
void members_contacts_apply(const struct contact_plan *p,
			    struct person_input *in);
/* Once person is written: a review for each holder the writer could not
 * see, and reviews of fields that no longer clash closed. */
int members_contacts_settle(struct db_conn *c, int64_t person,
			    const struct contact_plan *p, int64_t by);
/* Writes a person (new when *id_io is 0) by these rules: DB_CONSTRAINT
 * when a holder the writer sees has the phone or email. */
int members_person_put(struct db_conn *c, struct arena *a,
		       struct person_input *in, const struct contact_view *v,
		       int64_t by, int64_t *id_io);

struct contact_review {
	int64_t id, person_id, other_id;
	int field; /* CONTACT_* */
	const char *state; /* open, merged, apart, moot */
	int64_t opened_by, opened_at;
	const char *opened_by_name;
};
/* Opens a review of person's field against other, read by officers of
 * branch cover and above (0: the organization's only); none when one is
 * open already or the two were kept apart. */
int members_review_open(struct db_conn *c, int64_t person, int64_t other,
			int field, int64_t cover, int64_t by);
/* Closes person's open reviews of field: the clash is gone. */
int members_review_moot(struct db_conn *c, int64_t person, int field);
/* Closes every open review person is in (erased). */
int members_reviews_moot_all(struct db_conn *c, int64_t person);
/* Open reviews, oldest first, whose nearest branch lies under path (NULL:
 * all, for the organization), of one person when person is not 0, at
 * most max of them when not. */
int members_reviews_within(struct db_conn *c, struct arena *a, const char *path,
			   int64_t person, size_t max,
			   struct contact_review **out_r, size_t *n_r);
/* The people changed since `since` (not erased) whose branch lies under
 * path (NULL: the organization), newest first, at most max; only id,
 * branch_id, display_name and updated_at are read. */
int members_people_changed_since(struct db_conn *c, struct arena *a,
				 const char *path, int64_t since, size_t max,
				 struct person **out_r, size_t *n_r);
/* How many open contact reviews wait for the request's account (those
 * whose nearest branch it may write in). */
size_t members_reviews_waiting(struct http_req *rq);
/* Whether the request's account may export (and so approve) the branches
 * an export request names ("" for the organization). */
bool members_export_covers(struct http_req *rq, const char *scopes);
/* The home page's lines for the members module (module.c). */
void members_waiting(struct http_req *rq, json_t *lines);
int members_review_get(struct db_conn *c, struct arena *a, int64_t id,
		       struct contact_review *out);
/* open -> state ("merged", "apart"); DB_NOTFOUND when not open. */
int members_review_resolve(struct db_conn *c, int64_t id, const char *state,
			   int64_t by);
/* Makes one record of two: keep stays as it is, with everything drop
 * held in its notes (nothing of drop fills or replaces keep's fields), a
 * line of history, and drop's history, dues, unions and applications;
 * drop becomes a row naming no one ("merged record", erased), its
 * account (self-service) unlinked, never moved. The branch is branch (0:
 * keep's). */
int members_person_merge(struct db_conn *c, struct arena *a, int64_t keep,
			 int64_t drop, int64_t branch, int64_t by);

struct import_row {
	size_t line;
	const struct person_sealed *sealed; /* while an import runs */
	struct person_input in;
	const char *branch;
	const char **unions;
	size_t nunions;
	const char *error; /* msgid of the first refusal, or NULL */
	int error_col;     /* COL_*, -1 for the whole row */
	size_t ref_line;   /* the earlier row it repeats */
	bool late;         /* refused while applying, not by the parse */
	int action;        /* IMPORT_* once applied */
	int64_t id;
	unsigned blank;    /* bit 1 << COL_*: the file has the column, the cell is empty */
	/* what a matched row changes (kept with import_opts.changes) */
	struct import_change *changes;
	size_t nchanges;
};
struct import_plan {
	struct arena *a;
	int col[COL__MAX]; /* cell index of each column, -1 when absent */
	struct import_row *rows;
	size_t n, cap;
	size_t refused;
	size_t counts[IMPORT__MAX]; /* by IMPORT_* */
	/* the header cells not known, mapped or not (arena array) */
	struct import_unknown *unknown;
	size_t nunknown;
	bool unmapped; /* some of them have no choice: fatal is set */
	bool undone;      /* dry run, or all-or-nothing with refusals */
	/* the file is unusable: why (msgid), where (0: the whole file), and
	 * what (a column's name) */
	const char *fatal;
	size_t fatal_line;
	const char *fatal_detail;
};
/* The members a preview's rows matched, each at the version it read
 * (a person matched by two rows is there twice). */
struct import_seen {
	int64_t *id, *version;
	size_t n, cap;
};
/* As text for import_uploads.seen, and back: "v1:12.3,40.1"; parsing
 * anything else (an upload never previewed) gives -1. */
const char *members_import_seen_text(struct arena *a, const struct import_seen *s);
int members_import_seen_parse(const char *text, struct import_seen *s);
void members_import_seen_free(struct import_seen *s);
struct import_opts {
	bool dry_run, all_or_nothing;
	/* a dry run records in seen the members its rows match; a run
	 * with seen refuses a row whose member is not there at the version
	 * it has now (written since the preview, or matched only now).
	 * NULL: neither (the command line, which has no preview) */
	struct import_seen *seen;
	/* a row matching a member: update, fill blanks only, or skip; an
	 * empty cell clears the field only with clear_blank (else it leaves
	 * it); the member moves to the row's branch only with move */
	enum import_match on_match;
	bool clear_blank, move;
	/* the columns the officer mapped (members_import_parse's map) */
	struct import_map map;
	/* keep what each of the first `changes` matched rows changes, for
	 * the preview (0: none) */
	size_t changes;
	int64_t by; /* account, 0 for the command line */
	bool (*may_write)(void *arg, int64_t branch); /* NULL: everywhere */
	void *arg;
	/* whose people the importer sees (contacts.c); NULL: everyone */
	const struct contact_view *view;
};
const char *members_import_col_name(int col);
/* The choices of import_opts as text ("update", "fill,clear",
 * "skip,move", "update,col3=phone,col4=ignore") and back; -1 when the
 * text is not such. */
const char *members_import_opts_text(struct arena *a,
				     const struct import_opts *o);
int members_import_opts_parse(const char *text, struct import_opts *o);
/* One choice, "col3=phone" or "col3=ignore", into m: 0, or -1 when the
 * text is not such. */
int members_import_map_parse(const char *choice, struct import_map *m);
/* An uploaded file waiting for its import (an hour: ttl), sealed, its
 * uploader's only, with the options its preview used. */
int members_import_upload_add(struct db_conn *c, struct arena *a, int64_t user,
			      const char *data, size_t n, const char *options,
			      int64_t ttl, int64_t *id_r);
/* DB_OK with the text, options and what its preview saw (arena-owned),
 * DB_NOTFOUND when gone or not theirs, DB_ERROR when it does not open. */
int members_import_upload_get(struct db_conn *c, struct arena *a, int64_t id,
			      int64_t user, int64_t ttl, const char **text_r,
			      const char **options_r, const char **seen_r);
/* Keeps what the preview of user's upload id saw (members_import_seen_text). */
int members_import_upload_set_seen(struct db_conn *c, int64_t id, int64_t user,
				   const char *seen);
/* Keeps new options with user's upload id (the columns they mapped):
 * DB_OK, DB_NOTFOUND when it is not theirs, or negative. */
int members_import_upload_set_options(struct db_conn *c, int64_t id,
				      int64_t user, const char *options);
/* Drops upload id (0: none) and every upload older than ttl. */
int members_import_upload_drop(struct db_conn *c, int64_t id, int64_t ttl);
/* Reads a file (no database): 0, or -1 with p->fatal set. map (NULL:
 * none) gives the columns of header cells not known; any left without a
 * choice make the file unusable (p->unmapped, p->unknown lists them
 * all, with the first row's cells as samples). */
int members_import_parse(struct arena *a, const char *data, size_t n,
			 const struct import_map *map, struct import_plan *p);
int members_import_apply(struct db_conn *c, struct import_plan *p,
			 const struct import_opts *o);
/* Why the file is unusable, in a language: "line 1: ...". */
char *members_import_fatal(struct arena *a, const char *lang,
			   const struct import_plan *p);
/* A row's refusal in a language. */
char *members_import_message(struct arena *a, const char *lang,
			     const struct import_row *r);

/* ---- streams of everyone (store.c), for the index and the export ----
 * fn is called for each person not erased, in id order; p and all its
 * text live until it returns. unions holds the names of the person's
 * unions ("Miners; Students", by name) in the export, NULL in the
 * index. fn returns 0 for the next person, or a negative DB_ code that
 * stops the stream and is returned. A stream returns DB_OK or negative:
 * a step that fails is never the end of the people. */
typedef int (*people_fn)(const struct person *p, const char *unions,
			 void *arg);
/* What the index holds: id, branch, status, display name, and legal
 * name, phone and email opened ("" when empty; the other sealed fields
 * "", the rest zero). */
int members_index_people_each(struct db_conn *c, people_fn fn, void *arg);
/* What an export writes: the index's fields, joined_on, address, birth
 * date and workplace, and the unions. Only people whose branch
 * want(arg, branch) accepts (want NULL: everyone) are opened and
 * passed to fn. */
int members_export_people_each(struct db_conn *c,
			       bool (*want)(void *arg, int64_t branch),
			       people_fn fn, void *arg);
struct person_union {
	int64_t person, union_id;
};
/* Every (person, union) pair, ordered by person: fn(row, arg) as
 * db_each's, row a struct person_union. DB_OK or negative. */
int members_person_unions_each(struct db_conn *c,
			       int (*fn)(void *row, void *arg), void *arg);

/* export.c: the CSV of everyone in a filter (NULL bits: everyone), with
 * the import's columns; *n_r people. */
int members_export_csv(struct db_conn *c, struct arena *a, bool org,
		       const uint8_t *bits, size_t nbits, struct buf *out,
		       size_t *n_r);

/* The export log (the two-person rule over a window, transfer.c): an
 * export of people from scopes ("" the organization, else branch ids
 * separated by commas), by user, after request (0: none). */
int members_export_log_add(struct db_conn *c, int64_t user, int64_t people,
			   const char *scopes, int64_t request);
/* What user exported after since: people in all, and each export's
 * scopes (arena array). */
int members_export_log_since(struct db_conn *c, struct arena *a, int64_t user,
			     int64_t since, int64_t *people_r,
			     const char ***scopes_r, size_t *n_r);

/* ---- export requests (store.c) ---- */
struct export_request {
	int64_t id, by, created_at, people;
	int64_t approved_at; /* 0: not approved */
	const char *scopes;  /* as members_export_log_add's */
	const char *state;   /* pending, approved, done, expired */
	const char *by_name; /* the requester's display name */
};
/* Asks for an export of people from scopes by an officer: DB_OK and
 * *id_r, or negative. */
int members_export_request_add(struct db_conn *c, int64_t by,
			       const char *scopes, int64_t people,
			       int64_t *id_r);
/* Request id (arena-owned): DB_OK, DB_NOTFOUND or negative. */
int members_export_request_get(struct db_conn *c, struct arena *a, int64_t id,
			       struct export_request *out);
/* The 50 newest requests made after since (arena array): DB_OK or
 * negative. */
/* Every pending request not made by not_by (the home page's count; the
 * caller keeps those it covers). */
int members_export_requests_pending(struct db_conn *c, struct arena *a,
				    int64_t not_by,
				    struct export_request **out_r, size_t *n_r);
int members_export_requests_since(struct db_conn *c, struct arena *a,
				  int64_t since, struct export_request **out_r,
				  size_t *n_r);
/* pending -> approved by an officer, and approved -> done: DB_OK,
 * DB_NOTFOUND when the request was not in the state before, or
 * negative. */
int members_export_request_approve(struct db_conn *c, int64_t id, int64_t by);
int members_export_request_done(struct db_conn *c, int64_t id);

/* ---- applications (store.c) ---- */
struct application {
	int64_t id, branch_id, created_at;
	int64_t person_id; /* the person it made, 0 */
	const char *state; /* new, accepted, rejected */
	const char *lang;  /* the applicant's language, "" */
	struct db_blob sealed; /* sealed to the intake key; empty once decided */
	int64_t approvals;   /* officers who approved it */
};
/* Adds an application of branch, its submission sealed to the intake key
 * (n bytes), in the applicant's language, made at at: DB_OK and *id_r,
 * or negative. */
int members_application_add(struct db_conn *c, int64_t branch,
			    const void *sealed, size_t n, const char *lang,
			    int64_t at, int64_t *id_r);
/* The newest 500 applications, waiting ones first (arena array, the
 * sealed submissions copied): DB_OK (maybe none) or negative. */
/* How many applications wait (state new) under a branch's path (NULL:
 * the organization): a count read within that branch alone. */
int members_applications_waiting(struct db_conn *c, struct arena *a,
				 const char *path, int64_t *n_r);
int members_application_list(struct db_conn *c, struct arena *a,
			     struct application **out_r, size_t *n_r);
/* Application id (arena-owned): DB_OK, DB_NOTFOUND or negative. */
int members_application_get(struct db_conn *c, struct arena *a, int64_t id,
			    struct application *out);
/* The applications that made person (or were merged into them), oldest
 * first (arena array). */
int members_applications_of(struct db_conn *c, struct arena *a, int64_t person,
			    struct application **out_r, size_t *n_r);
struct application_review {
	const char *decision; /* approve, reject, note */
	int64_t at, user_id;
	const char *by_name;  /* the officer's display name */
	const char *note;     /* opened; "" for none */
};
/* The reviews of application app, oldest first (arena array): DB_OK or
 * negative. */
int members_application_reviews(struct db_conn *c, struct arena *a, int64_t app,
				struct application_review **out_r, size_t *n_r);
/* Records user's decision on app (approve, reject, note) with a note
 * sealed already (NULL: none): DB_OK or negative. */
int members_application_review_add(struct db_conn *c, int64_t app, int64_t user,
				   const char *decision, const void *note,
				   size_t n);
/* How many approvals of app user gave (*n_r), and how many officers
 * approved app in all: DB_OK or negative. */
int members_application_approved_by(struct db_conn *c, int64_t app,
				    int64_t user, int64_t *n_r);
int members_application_approvals(struct db_conn *c, int64_t app, int64_t *n_r);
/* Decides app (state accepted or rejected) by an officer, with the
 * person it made (0: none), and wipes its sealed submission: DB_OK,
 * DB_NOTFOUND when it was not waiting (decided already), or negative. */
int members_application_decide(struct db_conn *c, int64_t app,
			       const char *state, int64_t by, int64_t person);
/* The accounts that approved an application (arena array). */
int members_application_approvers(struct db_conn *c, struct arena *a,
				  int64_t app, int64_t **ids_r, size_t *n_r);
/* Records that the join form with this token hash took its application
 * (forgetting those older than ttl): DB_OK, DB_CONSTRAINT when it did
 * already, or an error. */
int members_join_form_use(struct db_conn *c, const unsigned char *hash,
			  size_t n, int64_t ttl);

/* Bumped whenever people change outside this process's view (an import
 * from the command line); servers rebuild their index when it moves. */
void members_generation_bump(struct db_conn *c);
int64_t members_generation(struct db_conn *c);

/* transfer.c: import and export pages */
void members_import_form(struct http_req *rq, struct http_resp *rs);
void members_import_preview(struct http_req *rq, struct http_resp *rs);
void members_import_map(struct http_req *rq, struct http_resp *rs);
void members_import_run(struct http_req *rq, struct http_resp *rs);
void members_export_form(struct http_req *rq, struct http_resp *rs);
void members_export_start(struct http_req *rq, struct http_resp *rs);
void members_export_approve(struct http_req *rq, struct http_resp *rs);
void members_export_download(struct http_req *rq, struct http_resp *rs);

/* reviews.c: records sharing a phone or email */
void members_reviews_list(struct http_req *rq, struct http_resp *rs);
void members_reviews_show(struct http_req *rq, struct http_resp *rs);
void members_reviews_resolve(struct http_req *rq, struct http_resp *rs);
/* The open reviews (of one person, or all when 0) the caller may decide:
 * both records in their branches. */
json_t *members_reviews_json(struct http_req *rq, int64_t person);

/* self.c: self-service; its records, in store.c: */
/* The person (not erased) whose record account is linked to: DB_OK and
 * *id_r, DB_NOTFOUND, or negative. */
int members_person_by_account(struct db_conn *c, int64_t account,
			      int64_t *id_r);
/* Links account to person's record when the record has none: DB_OK,
 * DB_NOTFOUND when it has one already (or there is no such record), or
 * negative. */
int members_person_link_account(struct db_conn *c, int64_t person,
				int64_t account);
void members_me_show(struct http_req *rq, struct http_resp *rs);
void members_me_update(struct http_req *rq, struct http_resp *rs);
void members_me_data(struct http_req *rq, struct http_resp *rs);
void members_me_data_page(struct http_req *rq, struct http_resp *rs);
void members_me_refused(struct http_req *rq, struct http_resp *rs);
void members_me_leave_form(struct http_req *rq, struct http_resp *rs);
void members_me_leave(struct http_req *rq, struct http_resp *rs);
void members_invite(struct http_req *rq, struct http_resp *rs);
/* What accepting a "members.link" invitation does (registered with the
 * platform by module.c). */
extern const struct invitation_kind members_invitations[];

extern const struct route_table members_routes;
extern const struct module_command members_commands[];
int members_demo(struct db_conn *c, char *err, size_t cap);

/* words.c: the module's actions and things in the audit log's words */
extern const struct audit_words members_audit_words;

#endif
