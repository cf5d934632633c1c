/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * members: the member registry — branches, affiliated organizations,
 * people with sealed personal data, status history and dues. This header
 * is the module's C API, the only thing other modules include.
 * See docs/members.md.
 */
#ifndef RUDDER_MEMBERS_H
#define RUDDER_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db_conn;
struct module;

#define PERM_MEMBERS_READ "members.read"
#define PERM_MEMBERS_WRITE "members.write"
#define PERM_MEMBERS_VET "members.vet"
#define PERM_MEMBERS_EXPORT "members.export"

extern const struct module members_module;

enum mstatus {
	MS_APPLICANT,
	MS_ACTIVE,
	MS_LAPSED,
	MS_SUSPENDED,
	MS_LEFT,
	MS__MAX
};
/* The stored name of a status ("active"); "active" for one out of range. */
const char *members_status_name(enum mstatus s);
/* msgid for showing a status */
const char *members_status_label(enum mstatus s);
/* A stored name back to its status: 0, or -1 when s (may be NULL) is none. */
int members_status_parse(const char *s, enum mstatus *out_r);

struct person {
	int64_t id;
	int64_t branch_id;
	int64_t account_id;
	const char *display_name;
	enum mstatus status;
	const char *joined_on;
	bool consent_phone, consent_sms, consent_email;
	/* sealed fields: NULL unless read with unseal set, "" when empty */
	const char *legal_name, *phone, *email, *address, *birth_date,
		*workplace, *notes;
	int64_t created_at, updated_at, erased_at;
	/* 1 when made, one more at every write of the record (its fields,
	 * branch, unions, status, an erasure): what a form or If-Match
	 * names so that a write never replaces one it has not seen */
	int64_t version;
};

/* What a form, the API or an import row gives for a person. Strings may
 * be NULL (absent) or "" (empty). */
struct person_input {
	const char *display_name;
	const char *legal_name, *phone, *email, *address, *birth_date,
		*workplace, *notes;
	const char *status;    /* NULL: "active" */
	const char *joined_on; /* YYYY-MM-DD or "" */
	int64_t branch_id;
	bool consent_phone, consent_sms, consent_email;
	/* the version the writer read (a form's hidden field, If-Match): the
	 * write is refused (DB_STALE) unless it is still the record's; 0
	 * names none, and the write goes ahead whatever the version */
	int64_t version;
	/* the email (phone) is someone else's too: its blind index is kept
	 * as an alias, the unique one being the first holder's (set by the
	 * contact rules, src/members/contacts.c, never by callers) */
	bool email_alias, phone_alias;
};

/* The longest value of each field, in bytes: written once, here, for
 * the routes' declarations (the forms' maxlength) and the checks of
 * imports that come through no route. */
#define MEMBERS_MAX_NAME 200
#define MEMBERS_MAX_LEGAL_NAME 300
#define MEMBERS_MAX_PHONE 40
#define MEMBERS_MAX_EMAIL 254
#define MEMBERS_MAX_ADDRESS 500
#define MEMBERS_MAX_WORKPLACE 300
#define MEMBERS_MAX_NOTES 5000

/* Checks and normalizes an input in place (phone to +digits, email
 * trimmed). NULL when acceptable, else a msgid, with the field's name in
 * *field_r ("phone"): the first of members_person_refusals. */
const char *members_person_check(struct arena *a, struct person_input *in,
				 const char **field_r);
/* A field refused, and why (a msgid that follows the field's label:
 * "is required"). */
struct members_refusal {
	const char *field;
	const char *why;
};
/* Every refusal of in, in the order a form shows its fields, at most cap
 * of them in out; returns how many there are. Normalizes what passes in
 * place, as members_person_check does. */
size_t members_person_refusals(struct arena *a, struct person_input *in,
			       struct members_refusal *out, size_t cap);
/* Phone "+7 701 123-45-67" / "8 701 1234567" -> "+77011234567" in
 * *out_r (arena-owned): NULL, or a msgid saying why it is not a phone
 * number (*out_r NULL). A number with +7, or without a + (Kazakhstan's
 * own, "8 7xx..."), must have exactly ten digits after the 7; any other
 * country's 8 to 15 digits in all (E.164). */
const char *members_phone_check(struct arena *a, const char *in, char **out_r);
/* members_phone_check's number, or NULL when refused. */
char *members_phone_normalize(struct arena *a, const char *in);
/* A stored number as people read it: "+77025551758" -> "+7 702 555 17
 * 58" (arena-owned); any other country's, or anything not stored so,
 * as it is (borrowed). "" for NULL. */
const char *members_phone_display(struct arena *a, const char *e164);
/* The stored number for a tel: link, when it is "+" and 8 to 15 digits
 * (borrowed), else NULL: no link. */
const char *members_phone_tel(const char *e164);

/* Creates a person (after members_person_check). DB_OK and *id_r; DB_CONSTRAINT
 * when the email or phone belongs to someone else already. */
int members_person_create(struct db_conn *c, struct arena *a,
			  const struct person_input *in, int64_t by,
			  int64_t *id_r);
/* Replaces what in gives of person id (after members_person_check; its
 * status is not changed here: members_person_set_status) and moves its
 * version on by one. DB_OK, DB_NOTFOUND (no such person, or erased),
 * DB_STALE (in->version names a version that is no longer the
 * record's: nothing written), DB_CONSTRAINT as members_person_create,
 * or negative. */
int members_person_update(struct db_conn *c, struct arena *a, int64_t id,
			  const struct person_input *in, int64_t by);
/* A person as the request's account may see them, for other modules (the
 * congress reads its delegates so): DB_OK and *out when the account holds
 * perm (PERM_MEMBERS_READ, say) over the person's branch; DB_NOTFOUND
 * when it does not, or there is no such person, or their data was
 * erased — one answer, so a caller cannot learn of people outside its
 * reader's scope. Sealed fields are opened only when unseal is set. */
struct http_req;
int members_person_for(struct http_req *rq, const char *perm, int64_t id,
		       bool unseal, struct person *out);
/* The active people of a branch (with the branches under it; 0: every
 * branch) and of a union (0: any), as far as the request's account holds
 * perm over their branches, by name, at most limit: DB_OK (maybe none),
 * DB_NOTFOUND when the branch is outside the reader's reach (one answer
 * with "no such branch"), or an error. Names arena-owned. */
struct members_hit {
	int64_t id, branch_id;
	const char *display_name;
};
int members_people_in(struct http_req *rq, const char *perm, int64_t branch,
		      int64_t union_id, size_t limit, struct members_hit **out_r,
		      size_t *n_r);
/* Reads a person, whoever asks (the module's own code; other modules use
 * members_person_for); sealed fields are opened only when unseal is set. */
int members_person_get(struct db_conn *c, struct arena *a, int64_t id,
		       bool unseal, struct person *out);
/* The person with this email or phone (either may be NULL), or
 * DB_NOTFOUND. */
int members_person_find_contact(struct db_conn *c, struct arena *a,
				const char *email, const char *phone,
				int64_t *id_r);
/* Moves person id to status `to`, by account by (0: the system), with a
 * note (sealed; may be NULL), and a line in its history; the version
 * moves on. version: the one the writer read, or 0 for any. DB_OK (also
 * when the status was `to` already: nothing changes), DB_NOTFOUND,
 * DB_STALE (version is not the record's: nothing written), or
 * negative. */
int members_person_set_status(struct db_conn *c, struct arena *a, int64_t id,
			      enum mstatus to, int64_t by, const char *note,
			      int64_t version);
struct status_change {
	const char *from, *to; /* status names; from "" for the first */
	int64_t at;
	const char *by; /* the account's display name, "" for the system */
	const char *note;
};
/* A person's status history, newest first (notes opened). */
int members_person_history(struct db_conn *c, struct arena *a, int64_t id,
			   struct status_change **out_r, size_t *n_r);
/* Erases a person's personal data (sealed fields, contacts, unions),
 * keeps the row (status left) so history and votes stay, anonymous. */
int members_person_erase(struct db_conn *c, int64_t id);

/* ---- branches (platform scopes with a kind) ---- */
struct branch {
	int64_t id;
	int64_t parent_id;
	const char *name;
	const char *path;
	const char *kind;
	int depth; /* member counts come from the index:
		      members_index_count_active */
	int64_t version; /* of the branches row: see struct person */
};
/* Makes a scope a branch (idempotent). */
int members_branch_ensure(struct db_conn *c, int64_t scope_id,
			  const char *kind);
/* A new branch under parent (0: at the top) of a kind ("region", "city",
 * "cell"): DB_OK and *id_r, DB_CONSTRAINT when the name is taken there. */
int members_branch_create(struct db_conn *c, int64_t parent, const char *name,
			  const char *kind, int64_t *id_r);
/* Renames branch id and sets its kind, while its version is version (0:
 * any): DB_OK, DB_STALE (another writer's version), DB_NOTFOUND, or
 * DB_CONSTRAINT when a sibling has the name (run it in a savepoint). */
int members_branch_update(struct db_conn *c, int64_t id, const char *name,
			  const char *kind, int64_t version);
/* Every branch, as a tree in depth-first order (arena array). */
int members_branch_list(struct db_conn *c, struct arena *a,
			struct branch **out_r, size_t *n_r);
/* Branch id: DB_OK, DB_NOTFOUND, or negative. */
int members_branch_get(struct db_conn *c, struct arena *a, int64_t id,
		       struct branch *out);
/* The branch with this name (case-sensitive), or DB_NOTFOUND. */
int members_branch_find(struct db_conn *c, struct arena *a, const char *name,
			struct branch *out);

/* ---- affiliated organizations ---- */
struct union_org {
	int64_t id;
	const char *name;
	const char *kind;
	const char *description;
	int64_t version; /* see struct person */
};
/* Unions and other affiliated organizations belong to the whole
 * organization (no branch). Create: DB_OK and *id_r, DB_CONSTRAINT when
 * the name is taken. List: by name (arena array). Get (by id) and find
 * (by exact name): DB_OK, DB_NOTFOUND, or negative. */
int members_union_create(struct db_conn *c, const char *name, const char *kind,
			 const char *description, int64_t *id_r);
int members_union_list(struct db_conn *c, struct arena *a,
		       struct union_org **out_r, size_t *n_r);
/* Writes union id while its version is version (0: any): DB_OK,
 * DB_STALE, DB_NOTFOUND, or DB_CONSTRAINT when the name is taken (run it
 * in a savepoint). */
int members_union_update(struct db_conn *c, int64_t id, const char *name,
			 const char *kind, const char *description,
			 int64_t version);
int members_union_get(struct db_conn *c, struct arena *a, int64_t id,
		      struct union_org *out);
int members_union_find(struct db_conn *c, struct arena *a, const char *name,
		       struct union_org *out);
/* A person's unions: set replaces them all; add adds to them (a person
 * just made has none). */
int members_person_set_unions(struct db_conn *c, int64_t person,
			      const int64_t *unions, size_t n);
int members_person_add_unions(struct db_conn *c, int64_t person,
			      const int64_t *unions, size_t n);
/* The ids of a person's unions (arena array). */
int members_person_unions(struct db_conn *c, struct arena *a, int64_t person,
			  int64_t **ids_r, size_t *n_r);
/* Marks a member of the union as its representative (or not); title
 * like "shop steward". DB_NOTFOUND when the person is not in the union. */
int members_union_set_rep(struct db_conn *c, int64_t union_id, int64_t person,
			  bool is_rep, const char *title);
struct union_rep {
	int64_t person;
	int64_t branch_id;
	const char *display_name;
	const char *title;
};
/* The union's representatives, by name (erased people left out). */
int members_union_reps(struct db_conn *c, struct arena *a, int64_t union_id,
		       struct union_rep **out_r, size_t *n_r);

/* ---- dues ---- */
struct due {
	int64_t id;
	int64_t amount; /* minor units */
	const char *currency, *period, *paid_on;
};
/* period: YYYY or YYYY-MM; paid_on: a date; amount > 0. NULL or a msgid. */
const char *members_due_check(int64_t amount, const char *currency,
			      const char *period, const char *paid_on);
/* Every refusal of a payment as typed (amount as people write it,
 * members_money_parse), at most cap in out; returns how many. Each why
 * is a whole sentence (the amount's refusal says what an amount is).
 * *amount_r: the amount in minor units when it parsed, else 0. */
size_t members_due_refusals(const char *amount, const char *currency,
			    const char *period, const char *paid_on,
			    int64_t *amount_r, struct members_refusal *out,
			    size_t cap);
/* The first of d[0..n) paid for period, leaving out the entry except (0:
 * none); NULL when there is none. Borrowed from d. */
const struct due *members_due_same_period(const struct due *d, size_t n,
					  const char *period, int64_t except);
/* Whether a correction changes anything of old. */
bool members_due_differs(const struct due *old, int64_t amount,
			 const char *currency, const char *period,
			 const char *paid_on);
/* Records a payment; *id_r (may be NULL) its id. */
int members_dues_add(struct db_conn *c, int64_t person, int64_t amount,
		     const char *currency, const char *period,
		     const char *paid_on, int64_t by, int64_t *id_r);
/* A person's payments, newest first, removed ones left out. */
int members_dues_list(struct db_conn *c, struct arena *a, int64_t person,
		      struct due **out_r, size_t *n_r);
/* One payment of person (not removed), or DB_NOTFOUND. */
int members_due_get(struct db_conn *c, struct arena *a, int64_t person,
		    int64_t id, struct due *out);
/* Corrects a payment: its values before go into dues_changes with the
 * reason (sealed) and who; nothing is overwritten without a trace. */
int members_due_correct(struct db_conn *c, struct arena *a,
			const struct due *old, int64_t amount,
			const char *currency, const char *period,
			const char *paid_on, const char *reason, int64_t by);
/* Removes a payment from the person's dues: the row stays, marked
 * removed, and dues_changes keeps its values, the reason and who. */
int members_due_remove(struct db_conn *c, struct arena *a,
		       const struct due *old, const char *reason, int64_t by);
/* What was done to a person's payments, newest first (reasons opened). */
struct due_change {
	int64_t due_id;
	const char *kind; /* "corrected", "removed" */
	int64_t amount;   /* the values before */
	const char *currency, *period, *paid_on;
	const char *reason;
	const char *by; /* the account's display name */
	int64_t at;
};
int members_due_changes(struct db_conn *c, struct arena *a, int64_t person,
			struct due_change **out_r, size_t *n_r);

#endif
