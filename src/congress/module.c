/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module as the platform sees it: its roles (each but the
 * organizer's granted over one congress's scope), navigation, routes
 * and audit words.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

static const char *const organizer_perms[] = {
	PERM_CONGRESS_MANAGE, PERM_CONGRESS_CHAIR, PERM_CONGRESS_REGISTER,
	PERM_CONGRESS_DOOR, PERM_CONGRESS_PARTICIPATE, NULL};
static const char *const chair_perms[] = {
	PERM_CONGRESS_CHAIR, PERM_CONGRESS_REGISTER, PERM_CONGRESS_DOOR,
	PERM_CONGRESS_PARTICIPATE, NULL};
static const char *const registrar_perms[] = {
	PERM_CONGRESS_REGISTER, PERM_CONGRESS_DOOR, PERM_CONGRESS_PARTICIPATE,
	NULL};
static const char *const door_perms[] = {PERM_CONGRESS_DOOR,
					 PERM_CONGRESS_PARTICIPATE, NULL};
static const char *const participant_perms[] = {PERM_CONGRESS_PARTICIPATE,
						NULL};

/* Who attends a congress of a movement under pressure is itself
 * sensitive: every role that sees the list of participants needs the
 * second factor. */
static const struct role_def roles[] = {
	{.name = "congress_organizer", .label = N_("Congress organizer"),
	 .org_only = true, .personal = true, .perms = organizer_perms,
	 .about = N_("Prepares congresses and runs every one of them.")},
	{.name = "congress_chair", .label = N_("Chair"), .personal = true,
	 .perms = chair_perms,
	 .about = N_("Runs a congress: its settings, agenda, speakers and motions; registers and checks people in.")},
	{.name = "congress_registrar", .label = N_("Congress registrar"),
	 .personal = true, .perms = registrar_perms,
	 .about = N_("Registers a congress's delegates, visitors and guests and checks their mandates.")},
	{.name = "congress_door", .label = N_("Door team"), .personal = true,
	 .perms = door_perms,
	 .about = N_("Checks people in and out of a congress.")},
	{.name = "congress_participant", .label = N_("Congress participant"),
	 .perms = participant_perms,
	 .about = N_("Takes part in a congress: reads its business, asks to speak, submits motions.")},
	{0},
};

static const struct nav_item nav[] = {
	{"/congress", N_("Congress"), PERM_CONGRESS_PARTICIPATE},
	{0},
};

static const char *const demo_logins[][2] = {
	{"chair@example.org", "Esen (chair of the demo congress)"},
	{"door@example.org", "Dina (door team of the demo congress)"},
	{"delegate@example.org", "a delegate to the demo congress"},
	{NULL, NULL},
};

const struct module congress_module = {
	.name = "congress",
	.demo = congress_demo,
	.demo_logins = demo_logins,
	.routes = &congress_routes,
	.nav = nav,
	.roles = roles,
	.audit_words = &congress_audit_words,
};
