/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's routes: every one names its permission, and the
 * fields it accepts. Checks that need the database (a branch in the
 * caller's scope, a phone that parses) happen in the handlers, which
 * answer a form with its errors rather than a bare 400.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#define PERSON_FIELDS                                                        \
	{"display_name", F_LINE, false, 200, N_("Name"), false},             \
	{"legal_name", F_LINE, false, 300, N_("Legal name"), false},         \
	{"phone", F_LINE, false, 40, N_("Phone"), false},                    \
	{"email", F_LINE, false, 254, N_("Email"), false},                   \
	{"address", F_TEXT, false, 500, N_("Address"), false},               \
	{"birth_date", F_LINE, false, 10, N_("Date of birth"), false},       \
	{"workplace", F_LINE, false, 300, N_("Workplace"), false},           \
	{"notes", F_TEXT, false, 5000, N_("Notes"), false},                  \
	{"joined", F_LINE, false, 10, N_("Joined"), false},                  \
	{"branch", F_INT, false, 0, N_("Branch"), false},                    \
	{"unions", F_INT, false, 0, N_("Unions"), true},                     \
	{"consent_phone", F_BOOL, false, 0, N_("Calls"), false},             \
	{"consent_sms", F_BOOL, false, 0, N_("Text messages"), false},       \
	{"consent_email", F_BOOL, false, 0, N_("Email"), false}

static const struct field create_fields[] = {
	PERSON_FIELDS,
	{"status", F_TOKEN, false, 16, N_("Status"), false},
	{0},
};
static const struct field update_fields[] = {
	PERSON_FIELDS,
	{0},
};
static const struct field list_fields[] = {
	{"q", F_LINE, false, 200, N_("Search"), false},
	{"branch", F_INT, false, 0, N_("Branch"), false},
	{"status", F_TOKEN, false, 16, N_("Status"), false},
	{"union", F_INT, false, 0, N_("Union"), false},
	{"page", F_INT, false, 0, N_("Page"), false},
	{0},
};
static const struct field status_fields[] = {
	{"status", F_TOKEN, true, 16, N_("Status"), false},
	{"note", F_TEXT, false, 1000, N_("Note"), false},
	{0},
};
static const struct field dues_fields[] = {
	{"amount", F_LINE, false, 20, N_("Amount"), false},
	{"currency", F_TOKEN, false, 3, N_("Currency"), false},
	{"period", F_LINE, false, 7, N_("Period"), false},
	{"paid_on", F_LINE, false, 10, N_("Paid on"), false},
	{0},
};
static const struct field branch_fields[] = {
	{"name", F_LINE, true, 200, N_("Name"), false},
	{"parent", F_INT, false, 0, N_("Part of"), false},
	{"kind", F_TOKEN, false, 16, N_("Kind"), false},
	{0},
};
static const struct field union_fields[] = {
	{"name", F_LINE, true, 200, N_("Name"), false},
	{"kind", F_TOKEN, false, 16, N_("Kind"), false},
	{"description", F_TEXT, false, 2000, N_("Description"), false},
	{0},
};

static const struct field rep_fields[] = {
	{"person", F_INT, true, 0, N_("Member"), false},
	{"title", F_LINE, false, 100, N_("Title"), false},
	{"remove", F_BOOL, false, 0, NULL, false},
	{0},
};

static const struct field join_fields[] = {
	{"display_name", F_LINE, false, 200, N_("Name"), false},
	{"legal_name", F_LINE, false, 300, N_("Legal name"), false},
	{"phone", F_LINE, false, 40, N_("Phone"), false},
	{"email", F_LINE, false, 254, N_("Email"), false},
	{"workplace", F_LINE, false, 300, N_("Workplace"), false},
	{"branch", F_INT, false, 0, N_("Branch"), false},
	{"message", F_TEXT, false, 2000, N_("Message"), false},
	{"consent_phone", F_BOOL, false, 0, N_("Calls"), false},
	{"consent_sms", F_BOOL, false, 0, N_("Text messages"), false},
	{"consent_email", F_BOOL, false, 0, N_("Email"), false},
	{"website", F_LINE, false, 200, NULL, false}, /* for bots only */
	{"t", F_LINE, false, 100, NULL, false},
	{0},
};
static const struct field review_fields[] = {
	{"decision", F_TOKEN, true, 10, N_("Decision"), false},
	{"note", F_TEXT, false, 2000, N_("Note"), false},
	{0},
};
static const struct field approvals_fields[] = {
	{"approvals", F_INT, true, 0, N_("Approvals"), false},
	{0},
};

static const struct field resolve_fields[] = {
	{"decision", F_TOKEN, true, 10, N_("Decision"), false},
	{"branch", F_INT, false, 0, N_("Branch"), false},
	{0},
};

static const struct field upload_fields[] = {
	{"file", F_FILE, false, 0, N_("File"), false},
	{"on_match", F_TOKEN, false, 8, N_("Members the file matches"), false},
	{"clear_blank", F_BOOL, false, 0, NULL, false},
	{"move", F_BOOL, false, 0, NULL, false},
	{0},
};
static const struct field import_run_fields[] = {
	{"all_or_nothing", F_BOOL, false, 0, NULL, false},
	{0},
};
static const struct field export_fields[] = {
	{"branch", F_INT, false, 0, N_("Branch"), false},
	{0},
};

static const struct field me_fields[] = {
	{"display_name", F_LINE, false, 200, N_("Name"), false},
	{"phone", F_LINE, false, 40, N_("Phone"), false},
	{"email", F_LINE, false, 254, N_("Email"), false},
	{"address", F_TEXT, false, 500, N_("Address"), false},
	{"workplace", F_LINE, false, 300, N_("Workplace"), false},
	{"consent_phone", F_BOOL, false, 0, N_("Calls"), false},
	{"consent_sms", F_BOOL, false, 0, N_("Text messages"), false},
	{"consent_email", F_BOOL, false, 0, N_("Email"), false},
	{0},
};
static const struct field leave_fields[] = {
	{"password", F_SECRET, true, 1024, N_("Password"), false},
	{0},
};

static const struct route routes[] = {
	{HTTP_GET, "/members", members_list, PERM_MEMBERS_READ, 0, list_fields,
	 "search and list members"},
	{HTTP_GET, "/members/new", members_new, PERM_MEMBERS_WRITE, 0, NULL,
	 "form for a new member"},
	{HTTP_POST, "/members", members_create, PERM_MEMBERS_WRITE, 0,
	 create_fields, "add a member"},
	{HTTP_GET, "/members/import", import_form, PERM_MEMBERS_WRITE, 0, NULL,
	 "upload a CSV of members"},
	{HTTP_POST, "/members/import", import_preview, PERM_MEMBERS_WRITE,
	 ROUTE_UPLOAD, upload_fields, "check an uploaded CSV and preview it"},
	{HTTP_POST, "/members/import/{id:int}/run", import_run,
	 PERM_MEMBERS_WRITE, 0, import_run_fields, "import a previewed CSV"},
	{HTTP_GET, "/members/export", export_form, PERM_MEMBERS_EXPORT, 0, NULL,
	 "export members; requests waiting for approval"},
	{HTTP_POST, "/members/export", export_start, PERM_MEMBERS_EXPORT, 0,
	 export_fields, "export a branch, or ask to export more"},
	{HTTP_POST, "/members/export/{id:int}/approve", export_approve,
	 PERM_MEMBERS_EXPORT, 0, NULL, "approve another officer's export"},
	{HTTP_POST, "/members/export/{id:int}/download", export_download,
	 PERM_MEMBERS_EXPORT, 0, NULL, "download an approved export, once"},
	{HTTP_GET, "/members/reviews", reviews_list, PERM_MEMBERS_WRITE, 0, NULL,
	 "records sharing a phone or email, for an officer who sees both"},
	{HTTP_GET, "/members/reviews/{id:int}", reviews_show, PERM_MEMBERS_WRITE,
	 0, NULL, "two records side by side (audited)"},
	{HTTP_POST, "/members/reviews/{id:int}", reviews_resolve,
	 PERM_MEMBERS_WRITE, 0, resolve_fields, "merge two records or keep them apart"},
	{HTTP_GET, "/members/{id:int}", members_show, PERM_MEMBERS_READ, 0, NULL,
	 "a member's record (audited)"},
	{HTTP_GET, "/members/{id:int}/edit", members_edit, PERM_MEMBERS_WRITE, 0,
	 NULL, "form to edit a member"},
	{HTTP_POST, "/members/{id:int}", members_update, PERM_MEMBERS_WRITE, 0,
	 update_fields, "change a member's record"},
	{HTTP_POST, "/members/{id:int}/status", members_status,
	 PERM_MEMBERS_WRITE, 0, status_fields, "change a membership status"},
	{HTTP_POST, "/members/{id:int}/dues", members_dues, PERM_MEMBERS_WRITE, 0,
	 dues_fields, "record dues paid"},
	{HTTP_POST, "/members/{id:int}/invite", members_invite,
	 PERM_MEMBERS_WRITE, 0, NULL,
	 "open self-service to a member (an account, or a link to one)"},
	{HTTP_GET, "/me", me_show, PERM_LOGIN, 0, NULL,
	 "my membership record (audited)"},
	{HTTP_POST, "/me", me_update, PERM_LOGIN, 0, me_fields,
	 "correct my name, contacts and consents"},
	{HTTP_GET, "/me/data.json", me_data, PERM_LOGIN, 0, NULL,
	 "everything held about me, as JSON (audited)"},
	{HTTP_GET, "/me/leave", me_leave_form, PERM_LOGIN, 0, NULL,
	 "confirm leaving"},
	{HTTP_POST, "/me/leave", me_leave, PERM_LOGIN, 0, leave_fields,
	 "leave: my personal data and account erased"},
	{HTTP_GET, "/branches", branches_list, PERM_MEMBERS_READ, 0, NULL,
	 "the branch tree"},
	{HTTP_POST, "/branches", branches_create, PERM_MEMBERS_WRITE, 0,
	 branch_fields, "add a branch"},
	{HTTP_GET, "/branches/{id:int}", branches_show, PERM_MEMBERS_READ, 0,
	 NULL, "a branch and its sub-branches"},
	{HTTP_GET, "/unions", unions_list, PERM_MEMBERS_READ, 0, NULL,
	 "affiliated unions and groups"},
	{HTTP_POST, "/unions", unions_create, PERM_MEMBERS_WRITE, 0,
	 union_fields, "add an affiliated union or group"},
	{HTTP_GET, "/unions/{id:int}", unions_show, PERM_MEMBERS_READ, 0, NULL,
	 "an affiliated union and its members in reach"},
	{HTTP_POST, "/unions/{id:int}/reps", unions_rep, PERM_MEMBERS_WRITE, 0,
	 rep_fields, "name or remove a union's representative"},
	{HTTP_GET, "/join", join_form, PERM_PUBLIC, 0, NULL,
	 "the public application form"},
	{HTTP_POST, "/join", join_submit, PERM_PUBLIC, 0, join_fields,
	 "apply to join (sealed to the intake key)"},
	{HTTP_GET, "/applications", applications_list, PERM_MEMBERS_VET, 0, NULL,
	 "applications waiting in the officer's branches"},
	{HTTP_POST, "/applications/settings", applications_settings,
	 PERM_MEMBERS_VET, 0, approvals_fields,
	 "how many officers must approve an application"},
	{HTTP_GET, "/applications/{id:int}", applications_show, PERM_MEMBERS_VET,
	 0, NULL, "an application, opened with the intake key (audited)"},
	{HTTP_POST, "/applications/{id:int}/review", applications_review,
	 PERM_MEMBERS_VET, 0, review_fields,
	 "approve, reject or note an application"},

	{HTTP_GET, "/api/v1/members", api_members_list, PERM_MEMBERS_READ,
	 ROUTE_API, list_fields, "search and list members"},
	{HTTP_POST, "/api/v1/members", api_members_create, PERM_MEMBERS_WRITE,
	 ROUTE_API, create_fields, "add a member"},
	{HTTP_GET, "/api/v1/members/{id:int}", api_members_get,
	 PERM_MEMBERS_READ, ROUTE_API, NULL, "a member's record (audited)"},
	{HTTP_PATCH, "/api/v1/members/{id:int}", api_members_update,
	 PERM_MEMBERS_WRITE, ROUTE_API, update_fields,
	 "change some of a member's record"},
	{HTTP_GET, "/api/v1/branches", api_branches, PERM_MEMBERS_READ,
	 ROUTE_API, NULL, "the branches in reach"},
	{HTTP_GET, "/api/v1/unions", api_unions, PERM_MEMBERS_READ, ROUTE_API,
	 NULL, "affiliated unions and groups"},
};

const struct route_table members_routes = {"members", routes,
					   ARRAY_LEN(routes)};
