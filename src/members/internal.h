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
enum { IMPORT_CREATED = 1, IMPORT_UPDATED, IMPORT_UNCHANGED };
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
};
struct import_plan {
	struct arena *a;
	int col[COL__MAX]; /* cell index of each column, -1 when absent */
	struct import_row *rows;
	size_t n, cap;
	size_t refused;
	size_t counts[4]; /* by IMPORT_* */
	bool undone;      /* dry run, or all-or-nothing with refusals */
	/* the file is unusable: why (msgid), where (0: the whole file), and
	 * what (a column's name) */
	const char *fatal;
	size_t fatal_line;
	const char *fatal_detail;
};
struct import_opts {
	bool dry_run, all_or_nothing;
	int64_t by; /* account, 0 for the command line */
	bool (*may_write)(void *arg, int64_t branch); /* NULL: everywhere */
	void *arg;
};
const char *import_col_name(int col);
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

/* self.c: self-service */
void me_show(struct http_req *rq, struct http_resp *rs);
void me_update(struct http_req *rq, struct http_resp *rs);
void me_data(struct http_req *rq, struct http_resp *rs);
void me_leave_form(struct http_req *rq, struct http_resp *rs);
void me_leave(struct http_req *rq, struct http_resp *rs);
void members_invite(struct http_req *rq, struct http_resp *rs);

extern const struct route_table members_routes;
extern const struct module_command members_commands[];
int members_demo(struct db_conn *c, char *err, size_t cap);

#endif
