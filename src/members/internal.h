/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared by the files of src/members/ only. */
#ifndef RUDDER_MEMBERS_INTERNAL_H
#define RUDDER_MEMBERS_INTERNAL_H

#include <jansson.h>

#include "index.h"
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
void mscope_for(struct http_req *rq, const char *perm, struct mscope *out);
bool mscope_has(const struct mscope *s, int64_t branch);
/* The branch and everything under it, as a bitmap (filters). */
void mscope_subtree(struct http_req *rq, int64_t branch, uint8_t **bits_r,
		    size_t *n_r);

/* After a change to a person commits: this process's index, and (via the
 * event channel) every other process's. */
void members_changed(struct http_req *rq, int64_t person);
/* Rebuilds the index when the generation moved (module.c). */
void members_index_current(void);

#define MEMBERS_PAGE_SIZE 50
/* a text search counts matches up to this many, then says "more than" */
#define MEMBERS_COUNT_CAP 1000

/* Shared by the pages and the API (pages.c) */
const char *members_field_label(struct http_req *rq, const char *name);
char *members_money(struct arena *a, int64_t minor, const char *currency);
/* "2000", "2 000", "2000.50" or "2000,5" -> minor units; -1 if not. */
int members_money_parse(const char *s, int64_t *out_r);
void members_input_from_form(struct http_req *rq, struct person_input *in);
/* person_check, then: the branch exists and the caller may write there.
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
json_t *members_person_json(struct http_req *rq, const struct person *p,
			    bool sealed);
/* The search/list query from the request's q, branch, status, union and
 * page; -1 when a filter names a branch outside the caller's reach. */
int members_query(struct http_req *rq, struct mindex_page *pg, size_t *page_r);
const char *members_branch_name(struct http_req *rq, int64_t id);
/* "person:12", the audit log's name for a person (arena-owned). */
char *person_ref(struct arena *a, int64_t id);
/* Writes a text search (q) to the audit log: by whom, the text sealed,
 * how many found. Nothing for a list without q. DB_OK or an error: the
 * caller then shows nothing. */
int members_search_audit(struct http_req *rq, const struct mindex_page *pg);

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
void members_show(struct http_req *rq, struct http_resp *rs);
void members_edit(struct http_req *rq, struct http_resp *rs);
void members_update(struct http_req *rq, struct http_resp *rs);
void members_status(struct http_req *rq, struct http_resp *rs);
void members_dues(struct http_req *rq, struct http_resp *rs);
void branches_list(struct http_req *rq, struct http_resp *rs);
void branches_create(struct http_req *rq, struct http_resp *rs);
void branches_show(struct http_req *rq, struct http_resp *rs);
void unions_list(struct http_req *rq, struct http_resp *rs);
void unions_create(struct http_req *rq, struct http_resp *rs);
void unions_show(struct http_req *rq, struct http_resp *rs);
void unions_rep(struct http_req *rq, struct http_resp *rs);
void api_members_list(struct http_req *rq, struct http_resp *rs);
void api_members_create(struct http_req *rq, struct http_resp *rs);
void api_members_get(struct http_req *rq, struct http_resp *rs);
void api_members_update(struct http_req *rq, struct http_resp *rs);
void api_branches(struct http_req *rq, struct http_resp *rs);
void api_unions(struct http_req *rq, struct http_resp *rs);

/* intake.c: the write-only intake (see there) */
#define INTAKE_KEY_LEN 32
int intake_public(struct db_conn *c, unsigned char *pk);
/* Makes the intake keypair if there is none and some vetting officer has
 * a personal key. 0 when a key exists afterwards. */
int intake_ensure(struct db_conn *c);
/* Copies the intake secret key to vetting officers lacking a current
 * copy; drops the copies of those who may no longer vet. How many got
 * one, or -1. */
int intake_share(struct db_conn *c, const unsigned char *sk);
/* The intake secret key inside this officer's session, or -1. */
int intake_secret(struct http_req *rq, unsigned char *sk, unsigned char *pk);
unsigned char *intake_seal(struct arena *a, const unsigned char *pk,
			   const char *plain, size_t n, size_t *len_r);
char *intake_open(struct arena *a, const unsigned char *sk,
		  const unsigned char *pk, const void *sealed, size_t len);

/* applications.c */
void join_form(struct http_req *rq, struct http_resp *rs);
void join_submit(struct http_req *rq, struct http_resp *rs);
void applications_list(struct http_req *rq, struct http_resp *rs);
void applications_show(struct http_req *rq, struct http_resp *rs);
void applications_review(struct http_req *rq, struct http_resp *rs);
void applications_settings(struct http_req *rq, struct http_resp *rs);

/* csv.c */
struct csv_row {
	size_t line; /* the physical line the row starts on */
	char **fields;
	size_t *lens;
	size_t n;
	bool too_many, too_long;
};
typedef int (*csv_row_fn)(void *arg, const struct csv_row *row);
/* Reads CSV text (UTF-8, an optional byte order mark, CRLF or LF, quoted
 * fields with commas, quotes and newlines); fn runs for every row, the
 * header included, and stops the reading by returning non-zero. -1 with
 * a msgid and the line (0: the whole file) when the text is not CSV. */
int csv_read(const char *data, size_t n, csv_row_fn fn, void *arg,
	     const char **why_r, size_t *line_r);
/* Appends a cell (quoted when needed; a leading = + - @ guarded by ')
 * and "," or, for the last cell, CRLF. */
void csv_put(struct buf *b, const char *s, bool last);
/* A guarded cell as it was: "'=x" -> "=x". */
const char *csv_unguard(const char *s);

/* import.c (see there) */
enum {
	COL_DISPLAY, COL_LEGAL, COL_PHONE, COL_EMAIL, COL_ADDRESS, COL_BIRTH,
	COL_WORKPLACE, COL_BRANCH, COL_AFFIL, COL_STATUS, COL_JOINED, COL__MAX
};
enum { IMPORT_CREATED = 1, IMPORT_UPDATED, IMPORT_UNCHANGED, IMPORT_SKIPPED,
       IMPORT__MAX };
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
void person_seal(struct arena *a, const struct person_input *in,
		 struct person_sealed *out);
/* person_create with the sealing done. */
int person_create_sealed(struct db_conn *c, const struct person_input *in,
			 const struct person_sealed *s, int64_t by, int64_t *id_r);
/* person_find_contact by blind indexes already computed: the person with
 * that email, and the one with that phone (0 when none). */
int person_find_sealed(struct db_conn *c, const struct person_sealed *s,
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
const char *contact_field_name(int field);
/* The blind index of a value as the store keeps it; false when empty. */
bool person_contact_index(int field, const char *value, unsigned char bi[16]);
struct contact_holder {
	int64_t id, branch_id;
	const char *path; /* the branch's scope path */
	bool first;       /* holds the unique index (not an alias) */
};
/* Everyone but self who holds the value (bi), first holders first;
 * arena array. */
int person_holders(struct db_conn *c, struct arena *a, int field,
		   const unsigned char *bi, int64_t self,
		   struct contact_holder **out_r, size_t *n_r);

/* Whose people may the writer see (by their branch's scope path)? NULL
 * sees: everyone (the command line). */
struct contact_view {
	bool (*sees)(void *arg, const char *branch_path);
	void *arg;
};
/* The view of a request's account: members.read over the branch. */
struct contact_view contact_view_of(struct http_req *rq);
struct contact_plan {
	int64_t seen[CONTACT__MAX];   /* a holder the writer sees; 0: none */
	int64_t hidden[CONTACT__MAX]; /* one the writer does not see */
	int64_t cover[CONTACT__MAX];  /* the branch nearest both (0: org) */
	bool taken[CONTACT__MAX];     /* the unique index is someone's */
};
/* What writing a record of branch (as person self; 0 for a new one)
 * meets. bi[f] is the value's blind index or NULL when the field is
 * empty. */
int contacts_plan(struct db_conn *c, struct arena *a,
		  const unsigned char *const bi[CONTACT__MAX], int64_t self,
		  int64_t branch, const struct contact_view *v,
		  struct contact_plan *out);
/* The same from the input's own values. */
int contacts_plan_input(struct db_conn *c, struct arena *a,
			const struct person_input *in, int64_t self,
			const struct contact_view *v, struct contact_plan *out);
/* Sets the input's alias flags from the plan. */
void contacts_apply(const struct contact_plan *p, struct person_input *in);
/* Once person is written: a review for each holder the writer could not
 * see, and reviews of fields that no longer clash closed. */
int contacts_settle(struct db_conn *c, int64_t person,
		    const struct contact_plan *p, int64_t by);
/* Writes a person (new when *id_io is 0) by these rules: DB_CONSTRAINT
 * when a holder the writer sees has the phone or email. */
int person_put(struct db_conn *c, struct arena *a, struct person_input *in,
	       const struct contact_view *v, int64_t by, int64_t *id_io);

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
int review_open(struct db_conn *c, int64_t person, int64_t other, int field,
		int64_t cover, int64_t by);
/* Closes person's open reviews of field: the clash is gone. */
int review_moot(struct db_conn *c, int64_t person, int field);
/* Closes every open review person is in (erased). */
int reviews_moot_all(struct db_conn *c, int64_t person);
/* Open reviews, oldest first, whose nearest branch lies under path (NULL:
 * all, for the organization), of one person when person is not 0, at
 * most max of them when not. */
int reviews_within(struct db_conn *c, struct arena *a, const char *path,
		   int64_t person, size_t max, struct contact_review **out_r,
		   size_t *n_r);
int review_get(struct db_conn *c, struct arena *a, int64_t id,
	       struct contact_review *out);
/* open -> state ("merged", "apart"); DB_NOTFOUND when not open. */
int review_resolve(struct db_conn *c, int64_t id, const char *state,
		   int64_t by);
/* Makes one record of two: keep stays as it is, with everything drop
 * held in its notes (nothing of drop fills or replaces keep's fields), a
 * line of history, and drop's history, dues, unions and applications;
 * drop becomes a row naming no one ("merged record", erased), its
 * account (self-service) unlinked, never moved. The branch is branch (0:
 * keep's). */
int person_merge(struct db_conn *c, struct arena *a, int64_t keep,
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
	bool undone;      /* dry run, or all-or-nothing with refusals */
	/* the file is unusable: why (msgid), where (0: the whole file), and
	 * what (a column's name) */
	const char *fatal;
	size_t fatal_line;
	const char *fatal_detail;
};
struct import_opts {
	bool dry_run, all_or_nothing;
	/* a row matching a member: update, fill blanks only, or skip; an
	 * empty cell clears the field only with clear_blank (else it leaves
	 * it); the member moves to the row's branch only with move */
	enum import_match on_match;
	bool clear_blank, move;
	/* keep what each of the first `changes` matched rows changes, for
	 * the preview (0: none) */
	size_t changes;
	int64_t by; /* account, 0 for the command line */
	bool (*may_write)(void *arg, int64_t branch); /* NULL: everywhere */
	void *arg;
	/* whose people the importer sees (contacts.c); NULL: everyone */
	const struct contact_view *view;
};
const char *import_col_name(int col);
/* The choices of import_opts as text ("update", "fill,clear",
 * "skip,move") and back; -1 when the text is not such. */
const char *import_opts_text(struct arena *a, const struct import_opts *o);
int import_opts_parse(const char *text, struct import_opts *o);
/* An uploaded file waiting for its import (an hour: ttl), sealed, its
 * uploader's only, with the options its preview used. */
int import_upload_add(struct db_conn *c, struct arena *a, int64_t user,
		      const char *data, size_t n, const char *options,
		      int64_t ttl, int64_t *id_r);
/* DB_OK with the text and options, DB_NOTFOUND when gone or not theirs. */
int import_upload_get(struct db_conn *c, struct arena *a, int64_t id,
		      int64_t user, int64_t ttl, char **text_r,
		      const char **options_r);
/* Drops upload id (0: none) and every upload older than ttl. */
int import_upload_drop(struct db_conn *c, int64_t id, int64_t ttl);
int import_parse(struct arena *a, const char *data, size_t n,
		 struct import_plan *p);
int import_apply(struct db_conn *c, struct import_plan *p,
		 const struct import_opts *o);
/* Why the file is unusable, in a language: "line 1: ...". */
char *import_fatal(struct arena *a, const char *lang,
		   const struct import_plan *p);
/* A row's refusal in a language. */
char *import_message(struct arena *a, const char *lang,
		     const struct import_row *r);

/* export.c: the CSV of everyone in a filter (NULL bits: everyone), with
 * the import's columns; *n_r people. */
int members_export_csv(struct db_conn *c, struct arena *a, bool org,
		       const uint8_t *bits, size_t nbits, struct buf *out,
		       size_t *n_r);

/* The export log (the two-person rule over a window, transfer.c): an
 * export of people from scopes ("" the organization, else branch ids
 * separated by commas), by user, after request (0: none). */
int export_log_add(struct db_conn *c, int64_t user, int64_t people,
		   const char *scopes, int64_t request);
/* What user exported after since: people in all, and each export's
 * scopes (arena array). */
int export_log_since(struct db_conn *c, struct arena *a, int64_t user,
		     int64_t since, int64_t *people_r, const char ***scopes_r,
		     size_t *n_r);

/* The accounts that approved an application (arena array). */
int application_approvers(struct db_conn *c, struct arena *a, int64_t app,
			  int64_t **ids_r, size_t *n_r);
/* Records that the join form with this token hash took its application
 * (forgetting those older than ttl): DB_OK, DB_CONSTRAINT when it did
 * already, or an error. */
int join_form_use(struct db_conn *c, const unsigned char *hash, size_t n,
		  int64_t ttl);

/* Bumped whenever people change outside this process's view (an import
 * from the command line); servers rebuild their index when it moves. */
void members_generation_bump(struct db_conn *c);
int64_t members_generation(struct db_conn *c);

/* transfer.c: import and export pages */
void import_form(struct http_req *rq, struct http_resp *rs);
void import_preview(struct http_req *rq, struct http_resp *rs);
void import_run(struct http_req *rq, struct http_resp *rs);
void export_form(struct http_req *rq, struct http_resp *rs);
void export_start(struct http_req *rq, struct http_resp *rs);
void export_approve(struct http_req *rq, struct http_resp *rs);
void export_download(struct http_req *rq, struct http_resp *rs);

/* reviews.c: records sharing a phone or email */
void reviews_list(struct http_req *rq, struct http_resp *rs);
void reviews_show(struct http_req *rq, struct http_resp *rs);
void reviews_resolve(struct http_req *rq, struct http_resp *rs);
/* The open reviews (of one person, or all when 0) the caller may decide:
 * both records in their branches. */
json_t *members_reviews_json(struct http_req *rq, int64_t person);

/* self.c: self-service */
void me_show(struct http_req *rq, struct http_resp *rs);
void me_update(struct http_req *rq, struct http_resp *rs);
void me_data(struct http_req *rq, struct http_resp *rs);
void me_leave_form(struct http_req *rq, struct http_resp *rs);
void me_leave(struct http_req *rq, struct http_resp *rs);
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
