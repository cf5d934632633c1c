/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's routes: every one names its permission, and the
 * fields it accepts. Checks that need the database (a branch in the
 * caller's scope, a phone that parses) happen in the handlers, which
 * answer a form with its errors rather than a bare 400.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

/* A person's fields as every form of theirs declares them (the member
 * form, the join form, /me): name, kind, limit and label written once;
 * each form adds its hints. */
#define DISPLAY_NAME_FIELD \
	.name = "display_name", .type = F_LINE, .max_len = MEMBERS_MAX_NAME, \
	.label = N_("Name")
#define LEGAL_NAME_FIELD \
	.name = "legal_name", .type = F_LINE, \
	.max_len = MEMBERS_MAX_LEGAL_NAME, .label = N_("Legal name")
#define PHONE_FIELD \
	.name = "phone", .type = F_LINE, .max_len = MEMBERS_MAX_PHONE, \
	.label = N_("Phone"), .placeholder = N_("+7 701 123 45 67")
#define EMAIL_FIELD \
	.name = "email", .type = F_LINE, .max_len = MEMBERS_MAX_EMAIL, \
	.label = N_("Email")
#define ADDRESS_FIELD \
	.name = "address", .type = F_TEXT, .max_len = MEMBERS_MAX_ADDRESS, \
	.label = N_("Address")
#define WORKPLACE_FIELD \
	.name = "workplace", .type = F_LINE, .max_len = MEMBERS_MAX_WORKPLACE, \
	.label = N_("Workplace")
#define CONSENT_FIELDS \
	{.name = "consent_phone", .type = F_BOOL, .label = N_("Calls")}, \
	{.name = "consent_sms", .type = F_BOOL, .label = N_("Text messages")}, \
	{.name = "consent_email", .type = F_BOOL, .label = N_("Email")}

#define PERSON_FIELDS \
	{DISPLAY_NAME_FIELD, \
	 .hint = N_("How organizers know them; it may be a pseudonym. Shown in lists.")}, \
	{LEGAL_NAME_FIELD, .autocomplete = "off"}, \
	{PHONE_FIELD, .autocomplete = "off"}, \
	{EMAIL_FIELD, .autocomplete = "off"}, \
	{ADDRESS_FIELD}, \
	{.name = "birth_date", .type = F_LINE, .max_len = 10, .label = N_("Date of birth")}, \
	{WORKPLACE_FIELD}, \
	{.name = "notes", .type = F_TEXT, .max_len = MEMBERS_MAX_NOTES, .label = N_("Notes"), \
	 .hint = N_("Sealed like every field here except the name. Write nothing you would not want read aloud in court.")}, \
	{.name = "joined", .type = F_LINE, .max_len = 10, .label = N_("Joined")}, \
	{.name = "branch", .type = F_INT, .label = N_("Branch")}, \
	{.name = "unions", .type = F_INT, .label = N_("Unions"), .multi = true}, \
	CONSENT_FIELDS

static const struct field create_fields[] = {
	PERSON_FIELDS,
	{.name = "status", .type = F_TOKEN, .max_len = 16,
	 .label = N_("Status")},
	{0},
};
/* the version the form was drawn from (or the API's body names): a
 * write against one no longer current is refused (409), so that the
 * second of two officers never overwrites the first unseen */
#define VERSION_FIELD {.name = "version", .type = F_INT, .label = N_("Version")}
static const struct field update_fields[] = {
	PERSON_FIELDS,
	VERSION_FIELD,
	{0},
};
#define LIST_FILTER_FIELDS \
	{.name = "q", .type = F_LINE, .max_len = 200, .label = N_("Search")}, \
	{.name = "branch", .type = F_INT, .label = N_("Branch")}, \
	{.name = "status", .type = F_TOKEN, .max_len = 16, \
	 .label = N_("Status")}, \
	{.name = "union", .type = F_INT, .label = N_("Union")}
static const struct field list_fields[] = {
	LIST_FILTER_FIELDS,
	{.name = "page", .type = F_INT, .label = N_("Page")},
	{0},
};
/* the API pages by cursor, in id order (api.c), never by number */
static const struct field api_list_fields[] = {
	LIST_FILTER_FIELDS,
	HTTP_LIST_FIELDS,
	{0},
};
static const struct field status_fields[] = {
	{.name = "status", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("Status")},
	{.name = "note", .type = F_TEXT, .max_len = 1000, .label = N_("Note")},
	VERSION_FIELD,
	{0},
};
#define DUE_FIELDS \
	{.name = "amount", .type = F_LINE, .max_len = 20, .label = N_("Amount"), \
	 .placeholder = N_("1000")}, \
	{.name = "currency", .type = F_TOKEN, .max_len = 3, \
	 .label = N_("Currency")}, \
	{.name = "period", .type = F_LINE, .max_len = 7, .label = N_("Period"), \
	 .hint = N_("A month (2026-11) or a year (2026).")}, \
	{.name = "paid_on", .type = F_LINE, .max_len = 10, \
	 .label = N_("Paid on")}
static const struct field dues_fields[] = {
	DUE_FIELDS,
	/* a second payment for one period is recorded only when meant */
	{.name = "anyway", .type = F_BOOL, .label = N_("Record it anyway")},
	{0},
};
/* a correction or a removal says why: the audit log and the dues'
 * history keep it (sealed) */
static const struct field due_correct_fields[] = {
	DUE_FIELDS,
	{.name = "reason", .type = F_LINE, .required = true, .max_len = 500,
	 .label = N_("Why")},
	{0},
};
static const struct field due_remove_fields[] = {
	{.name = "removal_reason", .type = F_LINE, .required = true,
	 .max_len = 500, .label = N_("Why")},
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};
/* a link to the tree may choose the new branch's parent */
static const struct field branch_list_fields[] = {
	{.name = "parent", .type = F_INT, .label = N_("Part of")},
	{0},
};
static const struct field branch_fields[] = {
	{.name = "name", .type = F_LINE, .required = true, .max_len = 200,
	 .label = N_("Name")},
	{.name = "parent", .type = F_INT, .label = N_("Part of")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	{0},
};
static const struct field union_fields[] = {
	{.name = "name", .type = F_LINE, .required = true, .max_len = 200,
	 .label = N_("Name")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	{.name = "description", .type = F_TEXT, .max_len = 2000,
	 .label = N_("Description")},
	{0},
};

/* an edit names the version it was drawn from (see VERSION_FIELD) */
static const struct field branch_edit_fields[] = {
	{.name = "name", .type = F_LINE, .required = true, .max_len = 200,
	 .label = N_("Name")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	VERSION_FIELD,
	{0},
};
static const struct field union_edit_fields[] = {
	{.name = "name", .type = F_LINE, .required = true, .max_len = 200,
	 .label = N_("Name")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	{.name = "description", .type = F_TEXT, .max_len = 2000,
	 .label = N_("Description")},
	VERSION_FIELD,
	{0},
};
/* a PATCH sends what it changes: nothing is required */
static const struct field branch_patch_fields[] = {
	{.name = "name", .type = F_LINE, .max_len = 200, .label = N_("Name")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	VERSION_FIELD,
	{0},
};
static const struct field union_patch_fields[] = {
	{.name = "name", .type = F_LINE, .max_len = 200, .label = N_("Name")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	{.name = "description", .type = F_TEXT, .max_len = 2000,
	 .label = N_("Description")},
	VERSION_FIELD,
	{0},
};

static const struct field rep_fields[] = {
	{.name = "person", .type = F_INT, .required = true,
	 .label = N_("Member")},
	{.name = "title", .type = F_LINE, .max_len = 100, .label = N_("Title")},
	{.name = "remove", .type = F_BOOL},
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};

/* a link to the form may choose the branch (/join?branch=3) */
static const struct field join_page_fields[] = {
	{.name = "branch", .type = F_INT, .label = N_("Branch")},
	{0},
};
static const struct field join_fields[] = {
	{DISPLAY_NAME_FIELD,
	 .hint = N_("What we should call you. It may be a pseudonym.")},
	{LEGAL_NAME_FIELD, .autocomplete = "name", .hint = N_("Optional.")},
	{PHONE_FIELD, .autocomplete = "tel"},
	{EMAIL_FIELD, .autocomplete = "email",
	 .hint = N_("A phone or an email, so that we can reach you. With an email you will hear what was decided.")},
	{WORKPLACE_FIELD},
	{.name = "branch", .type = F_INT, .label = N_("Where")},
	{.name = "message", .type = F_TEXT, .max_len = 2000,
	 .label = N_("Message")},
	CONSENT_FIELDS,
	{.name = "website", .type = F_LINE, .max_len = 200}, /* for bots only */
	{.name = "t", .type = F_LINE, .max_len = 100},
	{0},
};
static const struct field review_fields[] = {
	{.name = "decision", .type = F_TOKEN, .required = true, .max_len = 10,
	 .label = N_("Decision")},
	{.name = "note", .type = F_TEXT, .max_len = 2000, .label = N_("Note")},
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};
static const struct field approvals_fields[] = {
	{.name = "approvals", .type = F_INT, .required = true,
	 .label = N_("Approvals")},
	{0},
};

static const struct field resolve_fields[] = {
	{.name = "decision", .type = F_TOKEN, .required = true, .max_len = 10,
	 .label = N_("Decision")},
	{.name = "branch", .type = F_INT, .label = N_("Branch")},
	{0},
};

static const struct field upload_fields[] = {
	{.name = "file", .type = F_FILE, .label = N_("File")},
	{.name = "on_match", .type = F_TOKEN, .max_len = 8,
	 .label = N_("Members the file matches")},
	{.name = "clear_blank", .type = F_BOOL},
	{.name = "move", .type = F_BOOL},
	{0},
};
/* a choice per column not known: "col3=phone", "col4=ignore" */
static const struct field import_map_fields[] = {
	{.name = "map", .type = F_LINE, .max_len = 40, .multi = true,
	 .label = N_("Column")},
	{0},
};
static const struct field import_run_fields[] = {
	{.name = "all_or_nothing", .type = F_BOOL},
	{0},
};
static const struct field export_fields[] = {
	{.name = "branch", .type = F_INT, .label = N_("Branch")},
	{0},
};

static const struct field me_fields[] = {
	{DISPLAY_NAME_FIELD},
	{PHONE_FIELD, .autocomplete = "tel"},
	{EMAIL_FIELD, .autocomplete = "email"},
	{ADDRESS_FIELD},
	{WORKPLACE_FIELD},
	CONSENT_FIELDS,
	/* an organizer may correct the record meanwhile: neither loses
	 * what the other saved */
	VERSION_FIELD,
	{0},
};
static const struct field leave_fields[] = {
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Password")},
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/members", .handler = members_list,
	 .perm = PERM_MEMBERS_READ, .fields = list_fields,
	 .summary = "search and list members"},
	{.method = HTTP_GET, .pattern = "/members/new", .handler = members_new,
	 .perm = PERM_MEMBERS_WRITE, .summary = "form for a new member"},
	{.method = HTTP_POST, .pattern = "/members", .handler = members_create,
	 .perm = PERM_MEMBERS_WRITE, .fields = create_fields,
	 .summary = "add a member", .refused = members_create_refused},
	{.method = HTTP_GET, .pattern = "/members/import",
	 .handler = members_import_form, .perm = PERM_MEMBERS_WRITE,
	 .summary = "upload a CSV of members"},
	{.method = HTTP_POST, .pattern = "/members/import",
	 .handler = members_import_preview, .perm = PERM_MEMBERS_WRITE,
	 .flags = ROUTE_UPLOAD, .fields = upload_fields,
	 .summary = "check an uploaded CSV and preview it"},
	{.method = HTTP_POST, .pattern = "/members/import/{id:int}/map",
	 .handler = members_import_map, .perm = PERM_MEMBERS_WRITE,
	 .fields = import_map_fields,
	 .summary = "say what the columns of an upload not known hold"},
	{.method = HTTP_POST, .pattern = "/members/import/{id:int}/run",
	 .handler = members_import_run, .perm = PERM_MEMBERS_WRITE,
	 .fields = import_run_fields, .summary = "import a previewed CSV"},
	{.method = HTTP_GET, .pattern = "/members/export",
	 .handler = members_export_form, .perm = PERM_MEMBERS_EXPORT,
	 .summary = "export members; requests waiting for approval"},
	{.method = HTTP_POST, .pattern = "/members/export",
	 .handler = members_export_start, .perm = PERM_MEMBERS_EXPORT,
	 .fields = export_fields,
	 .summary = "export a branch, or ask to export more"},
	{.method = HTTP_POST, .pattern = "/members/export/{id:int}/approve",
	 .handler = members_export_approve, .perm = PERM_MEMBERS_EXPORT,
	 .summary = "approve another officer's export"},
	{.method = HTTP_POST, .pattern = "/members/export/{id:int}/download",
	 .handler = members_export_download, .perm = PERM_MEMBERS_EXPORT,
	 .summary = "download an approved export, once"},
	{.method = HTTP_GET, .pattern = "/members/reviews",
	 .handler = members_reviews_list, .perm = PERM_MEMBERS_WRITE,
	 .summary = "records sharing a phone or email, for an officer who sees both"},
	{.method = HTTP_GET, .pattern = "/members/reviews/{id:int}",
	 .handler = members_reviews_show, .perm = PERM_MEMBERS_WRITE,
	 .summary = "two records side by side (audited)"},
	{.method = HTTP_POST, .pattern = "/members/reviews/{id:int}",
	 .handler = members_reviews_resolve, .perm = PERM_MEMBERS_WRITE,
	 .fields = resolve_fields,
	 .summary = "merge two records or keep them apart"},
	{.method = HTTP_GET, .pattern = "/members/{id:int}",
	 .handler = members_show, .perm = PERM_MEMBERS_READ,
	 .summary = "a member's record (audited)"},
	{.method = HTTP_GET, .pattern = "/members/{id:int}/edit",
	 .handler = members_edit, .perm = PERM_MEMBERS_WRITE,
	 .summary = "form to edit a member"},
	{.method = HTTP_POST, .pattern = "/members/{id:int}",
	 .handler = members_update, .perm = PERM_MEMBERS_WRITE,
	 .fields = update_fields, .summary = "change a member's record",
	 .refused = members_update_refused},
	{.method = HTTP_POST, .pattern = "/members/{id:int}/status",
	 .handler = members_status, .perm = PERM_MEMBERS_WRITE,
	 .fields = status_fields, .summary = "change a membership status",
	 .refused = members_show_refused},
	{.method = HTTP_POST, .pattern = "/members/{id:int}/dues",
	 .handler = members_dues, .perm = PERM_MEMBERS_WRITE,
	 .fields = dues_fields, .summary = "record dues paid",
	 .refused = members_show_refused},
	{.method = HTTP_GET, .pattern = "/members/{id:int}/dues/{due:int}",
	 .handler = members_due_form, .perm = PERM_MEMBERS_WRITE,
	 .summary = "correct or remove a payment"},
	{.method = HTTP_POST, .pattern = "/members/{id:int}/dues/{due:int}",
	 .handler = members_due_correct_page, .perm = PERM_MEMBERS_WRITE,
	 .fields = due_correct_fields, .refused = members_due_form,
	 .summary = "correct a payment, saying why (the old values kept)"},
	{.method = HTTP_POST, .pattern = "/members/{id:int}/dues/{due:int}/remove",
	 .handler = members_due_remove_page, .perm = PERM_MEMBERS_WRITE,
	 .fields = due_remove_fields, .refused = members_due_form,
	 .summary = "remove a payment, saying why, once confirmed (kept, marked removed)"},
	{.method = HTTP_POST, .pattern = "/members/{id:int}/invite",
	 .handler = members_invite, .perm = PERM_MEMBERS_WRITE,
	 .summary = "open self-service to a member (an account, or a link to one)"},
	{.method = HTTP_GET, .pattern = "/me", .handler = members_me_show,
	 .perm = PERM_LOGIN, .summary = "my membership record (audited)"},
	{.method = HTTP_POST, .pattern = "/me", .handler = members_me_update,
	 .perm = PERM_LOGIN, .fields = me_fields, .refused = members_me_refused,
	 .summary = "correct my name, contacts and consents"},
	{.method = HTTP_GET, .pattern = "/me/data.json", .handler = members_me_data,
	 .perm = PERM_LOGIN,
	 .summary = "everything held about me, as JSON (audited)"},
	{.method = HTTP_GET, .pattern = "/me/data", .handler = members_me_data_page,
	 .perm = PERM_LOGIN,
	 .summary = "everything held about me, as a page to read or print (audited)"},
	{.method = HTTP_GET, .pattern = "/me/leave", .handler = members_me_leave_form,
	 .perm = PERM_LOGIN, .summary = "confirm leaving"},
	{.method = HTTP_POST, .pattern = "/me/leave", .handler = members_me_leave,
	 .perm = PERM_LOGIN, .fields = leave_fields,
	 .summary = "leave: my personal data and account erased"},
	{.method = HTTP_GET, .pattern = "/branches", .handler = members_branches_list,
	 .perm = PERM_MEMBERS_READ, .fields = branch_list_fields,
	 .summary = "the branch tree"},
	{.method = HTTP_POST, .pattern = "/branches", .handler = members_branches_create,
	 .perm = PERM_MEMBERS_WRITE, .fields = branch_fields,
	 .summary = "add a branch"},
	{.method = HTTP_GET, .pattern = "/branches/{id:int}",
	 .handler = members_branches_show, .perm = PERM_MEMBERS_READ,
	 .summary = "a branch and its sub-branches"},
	{.method = HTTP_GET, .pattern = "/branches/{id:int}/edit",
	 .handler = members_branches_edit, .perm = PERM_MEMBERS_WRITE,
	 .summary = "the form to rename a branch or change its kind"},
	{.method = HTTP_POST, .pattern = "/branches/{id:int}",
	 .handler = members_branches_update, .perm = PERM_MEMBERS_WRITE,
	 .fields = branch_edit_fields,
	 .summary = "rename a branch or change its kind (409 on another's version)"},
	{.method = HTTP_GET, .pattern = "/unions", .handler = members_unions_list,
	 .perm = PERM_MEMBERS_READ, .summary = "affiliated unions and groups"},
	{.method = HTTP_POST, .pattern = "/unions", .handler = members_unions_create,
	 .perm = PERM_MEMBERS_WRITE, .fields = union_fields,
	 .summary = "add an affiliated union or group"},
	{.method = HTTP_GET, .pattern = "/unions/{id:int}",
	 .handler = members_unions_show, .perm = PERM_MEMBERS_READ,
	 .summary = "an affiliated union and its members in reach"},
	{.method = HTTP_GET, .pattern = "/unions/{id:int}/edit",
	 .handler = members_unions_edit, .perm = PERM_MEMBERS_WRITE,
	 .summary = "the form to change an affiliated union or group"},
	{.method = HTTP_POST, .pattern = "/unions/{id:int}",
	 .handler = members_unions_update, .perm = PERM_MEMBERS_WRITE,
	 .fields = union_edit_fields,
	 .summary = "change an affiliated union or group (409 on another's version)"},
	{.method = HTTP_POST, .pattern = "/unions/{id:int}/reps",
	 .handler = members_unions_rep, .perm = PERM_MEMBERS_WRITE, .fields = rep_fields,
	 .summary = "name or remove a union's representative"},
	{.method = HTTP_GET, .pattern = "/join", .handler = members_join_form,
	 .perm = PERM_PUBLIC, .fields = join_page_fields,
	 .summary = "the public application form"},
	{.method = HTTP_POST, .pattern = "/join", .handler = members_join_submit,
	 .perm = PERM_PUBLIC, .fields = join_fields,
	 .refused = members_join_refused,
	 .summary = "apply to join (sealed to the intake key)"},
	{.method = HTTP_GET, .pattern = "/applications",
	 .handler = members_applications_list, .perm = PERM_MEMBERS_VET,
	 .summary = "applications waiting in the officer's branches"},
	{.method = HTTP_POST, .pattern = "/applications/settings",
	 .handler = members_applications_settings, .perm = PERM_MEMBERS_VET,
	 .fields = approvals_fields,
	 .summary = "how many officers must approve an application"},
	{.method = HTTP_GET, .pattern = "/applications/{id:int}",
	 .handler = members_applications_show, .perm = PERM_MEMBERS_VET,
	 .summary = "an application, opened with the intake key (audited)"},
	{.method = HTTP_POST, .pattern = "/applications/{id:int}/review",
	 .handler = members_applications_review, .perm = PERM_MEMBERS_VET,
	 .fields = review_fields,
	 .summary = "approve, reject or note an application"},

	{.method = HTTP_GET, .pattern = "/api/v1/members",
	 .handler = members_api_members_list, .perm = PERM_MEMBERS_READ,
	 .flags = ROUTE_API, .fields = api_list_fields,
	 .summary = "search and list members"},
	{.method = HTTP_POST, .pattern = "/api/v1/members",
	 .handler = members_api_members_create, .perm = PERM_MEMBERS_WRITE,
	 .flags = ROUTE_API, .fields = create_fields,
	 .summary = "add a member"},
	{.method = HTTP_GET, .pattern = "/api/v1/members/{id:int}",
	 .handler = members_api_members_get, .perm = PERM_MEMBERS_READ,
	 .flags = ROUTE_API, .summary = "a member's record (audited)"},
	{.method = HTTP_PATCH, .pattern = "/api/v1/members/{id:int}",
	 .handler = members_api_members_update, .perm = PERM_MEMBERS_WRITE,
	 .flags = ROUTE_API, .fields = update_fields,
	 .summary = "change some of a member's record"},
	{.method = HTTP_GET, .pattern = "/api/v1/branches",
	 .handler = members_api_branches, .perm = PERM_MEMBERS_READ, .flags = ROUTE_API,
	 .fields = http_list_fields, .summary = "the branches in reach"},
	{.method = HTTP_GET, .pattern = "/api/v1/branches/{id:int}",
	 .handler = members_api_branch, .perm = PERM_MEMBERS_READ, .flags = ROUTE_API,
	 .summary = "a branch, with its version in ETag"},
	{.method = HTTP_PATCH, .pattern = "/api/v1/branches/{id:int}",
	 .handler = members_api_branch_update, .perm = PERM_MEMBERS_WRITE,
	 .flags = ROUTE_API, .fields = branch_patch_fields,
	 .summary = "rename a branch or change its kind (If-Match)"},
	{.method = HTTP_GET, .pattern = "/api/v1/unions", .handler = members_api_unions,
	 .perm = PERM_MEMBERS_READ, .flags = ROUTE_API, .fields = http_list_fields,
	 .summary = "affiliated unions and groups"},
	{.method = HTTP_GET, .pattern = "/api/v1/unions/{id:int}",
	 .handler = members_api_union, .perm = PERM_MEMBERS_READ, .flags = ROUTE_API,
	 .summary = "an affiliated union or group, with its version in ETag"},
	{.method = HTTP_PATCH, .pattern = "/api/v1/unions/{id:int}",
	 .handler = members_api_union_update, .perm = PERM_MEMBERS_WRITE,
	 .flags = ROUTE_API, .fields = union_patch_fields,
	 .summary = "change an affiliated union or group (If-Match)"},
};

const struct route_table members_routes = {"members", routes,
					   ARRAY_LEN(routes)};
