/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module as the platform sees it: its roles, navigation,
 * routes, demo data, and at start the in-memory index, kept current in
 * every process through the "members" event channel.
 */
#include "internal.h"
#include "platform/core/conf.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL "members"

static const char *const organizer_perms[] = {
	PERM_MEMBERS_READ, PERM_MEMBERS_WRITE, PERM_MEMBERS_VET,
	PERM_MEMBERS_EXPORT, NULL};
static const char *const registrar_perms[] = {
	PERM_MEMBERS_READ, PERM_MEMBERS_WRITE, PERM_MEMBERS_EXPORT, NULL};

static const struct role_def roles[] = {
	{.name = "organizer", .label = N_("Organizer"), .personal = true,
	 .perms = organizer_perms,
	 .about = N_("Sees and edits the members of their branches, vets applications, exports lists.")},
	{.name = "registrar", .label = N_("Registrar"), .personal = true,
	 .perms = registrar_perms,
	 .about = N_("Sees and edits the members of their branches, and exports lists; does not vet applications.")},
	{0},
};

static const struct nav_item nav[] = {
	{"/members", N_("Members"), PERM_MEMBERS_READ},
	{"/branches", N_("Branches"), PERM_MEMBERS_READ},
	{"/unions", N_("Unions"), PERM_MEMBERS_READ},
	{"/applications", N_("Applications"), PERM_MEMBERS_VET},
	{"/me", N_("My membership"), PERM_LOGIN},
	{"/join", N_("Join"), PERM_PUBLIC},
	{0},
};

/* Another process (or this one) changed a person: read them again; or
 * renamed a branch: read the names again. */
static void on_event(const char *event, const char *data)
{
	int64_t id;

	if (strcmp(event, "branch") == 0) {
		members_branch_names_forget();
		return;
	}
	if (strcmp(event, "person") == 0 && str_to_i64(data, &id) == 0) {
		struct db_conn *c = platform_conn_fresh();
		if (c)
			members_index_refresh(c, id);
	}
}

static void after_commit(void *arg)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)(intptr_t)arg);
	/* here at once (the next page must show it), and to the others;
	 * on SQLite the event comes straight back, and the second refresh
	 * of the same person changes nothing */
	on_event("person", id);
	http_sse_publish(CHANNEL, "person", id);
}

void members_changed(struct http_req *rq, int64_t person)
{
	(void)rq;
	db_on_commit(platform_conn(), after_commit, (void *)(intptr_t)person);
}

static void after_rename(void *arg)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)(intptr_t)arg);
	on_event("branch", id);
	http_sse_publish(CHANNEL, "branch", id);
}

void members_branch_renamed(int64_t id)
{
	db_on_commit(platform_conn(), after_rename, (void *)(intptr_t)id);
}

static _Atomic int64_t generation;

void members_index_current(void)
{
	struct db_conn *c = platform_conn();
	int64_t g = c ? members_generation(c) : 0;

	/* people changed where no event reached us (an import from the
	 * command line): read them all again, in the background */
	if (c && g != generation) {
		generation = g;
		members_index_rebuild();
	}
}

static int start(void)
{
	struct db_conn *c = platform_conn();
	int64_t t0 = time_now_ms();

	http_sse_on(CHANNEL, on_event);
	if (c)
		generation = members_generation(c);
	if (!c || members_index_load(c) != 0) {
		log_error("members", "cannot build the member index");
		return -1;
	}
	log_info("members", "member index: %zu people in %lld ms",
		 members_index_count(), (long long)(time_now_ms() - t0));
	/* the intake key, as soon as some vetting officer can hold it */
	if (members_intake_ensure(c) != 0)
		log_info("members", "no vetting officer has a personal key yet: "
				    "online applications wait for one to sign in");
	return 0;
}

/* Settings of the operator's ([members] in rudder.conf): not on a web
 * page, so that no single officer can loosen a two-person rule. */
static const struct conf_key conf[] = {
	{"members.export_window", CONF_INT, "86400",
	 "seconds over which one officer's exports are counted together for "
	 "the two-person rule"},
	{"members.export_people", CONF_INT, "200",
	 "people one officer may export within the window before a second "
	 "officer must approve"},
	{"members.export_branches", CONF_INT, "1",
	 "branches (each with what is under it) one officer may export within "
	 "the window before a second officer must approve"},
	{"members.approvals_min", CONF_INT, "1",
	 "approvals an application needs at least (1 or 2); the page on "
	 "/applications may ask for more, never fewer"},
	{0},
};

static const char *const demo_logins[][2] = {
	{"member@example.org", "Saule (a member, Aktau oil workers' cell)"},
	{NULL, NULL},
};

const struct module members_module = {
	.name = "members",
	.demo_logins = demo_logins,
	.commands = members_commands,
	.routes = &members_routes,
	.nav = nav,
	.roles = roles,
	.demo = members_demo,
	.start = start,
	.invitations = members_invitations,
	.audit_words = &members_audit_words,
	.waiting = members_waiting,
	.conf = conf,
};
