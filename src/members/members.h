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
const char *members_status_name(enum mstatus s);
/* msgid for showing a status */
const char *members_status_label(enum mstatus s);
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
	/* the email (phone) is someone else's too: its blind index is kept
	 * as an alias, the unique one being the first holder's (set by the
	 * contact rules, src/members/contacts.c, never by callers) */
	bool email_alias, phone_alias;
};

/* Checks and normalizes an input in place (phone to +digits, email
 * trimmed). NULL when acceptable, else a msgid, with the field's name in
 * *field_r ("phone"). */
const char *members_person_check(struct arena *a, struct person_input *in,
				 const char **field_r);
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
/* Reads a person, whoever asks (the module's own code; other modules use
 * members_person_for); sealed fields are opened only when unseal is set. */
int members_person_get(struct db_conn *c, struct arena *a, int64_t id,
		       bool unseal, struct person *out);
/* The person with this email or phone (either may be NULL), or
 * DB_NOTFOUND. */
int members_person_find_contact(struct db_conn *c, struct arena *a,
				const char *email, const char *phone,
				int64_t *id_r);
int members_person_set_status(struct db_conn *c, struct arena *a, int64_t id,
			      enum mstatus to, int64_t by, const char *note);
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
};
/* Makes a scope a branch (idempotent). */
int members_branch_ensure(struct db_conn *c, int64_t scope_id,
			  const char *kind);
int members_branch_create(struct db_conn *c, int64_t parent, const char *name,
			  const char *kind, int64_t *id_r);
int members_branch_list(struct db_conn *c, struct arena *a,
			struct branch **out_r, size_t *n_r);
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
};
int members_union_create(struct db_conn *c, const char *name, const char *kind,
			 const char *description, int64_t *id_r);
int members_union_list(struct db_conn *c, struct arena *a,
		       struct union_org **out_r, size_t *n_r);
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
int members_dues_add(struct db_conn *c, int64_t person, int64_t amount,
		     const char *currency, const char *period,
		     const char *paid_on, int64_t by);
int members_dues_list(struct db_conn *c, struct arena *a, int64_t person,
		      struct due **out_r, size_t *n_r);

#endif
