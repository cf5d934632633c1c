/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * platform: ties the parts together for one opened data directory and
 * describes what a module hands the platform. The platform knows modules
 * only through struct module; src/modules.c lists them.
 */
#ifndef RUDDER_PLATFORM_H
#define RUDDER_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/auth/auth.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/runtime.h"

struct conf_key;

/* A command a module adds to the command line: `rudder VERB MODULE ...`
 * (rudder import members FILE). The command line opens and unlocks the
 * data directory first (--data, --passphrase-file, --db are its own);
 * run gets the rest, argv[0] being "VERB MODULE", and returns the exit
 * status (0 done, 1 some of it failed, 2 unusable arguments or input). */
struct module_command {
	const char *verb;
	const char *usage;   /* what follows "rudder VERB MODULE" */
	const char *summary; /* one line */
	const char *help;    /* the rest of --help */
	int (*run)(int argc, char **argv);
};

struct module {
	const char *name; /* also its migration group: sql/<name>/ */
	const struct module_command *commands; /* ends with {0}; may be NULL */
	const struct route_table *routes;
	const struct nav_item *nav; /* ends with {0} */
	const struct role_def *roles; /* ends with {0} */
	/* loads the module's part of the demo organization */
	int (*demo)(struct db_conn *c, char *err, size_t cap);
	/* the demo logins it adds, {email, who} pairs ending with {0}; NULL:
	 * none (printed by `rudder demo` with the platform's) */
	const char *const (*demo_logins)[2];
	/* called once after the database is open and migrated */
	int (*start)(void);
	/* the module's settings ("members.export_window"), read with
	 * conf_int and friends; NULL-name-terminated, may be NULL */
	const struct conf_key *conf;
	/* what the module's invitations give (auth.h); may be NULL */
	const struct invitation_kind *invitations;
	/* its actions and things in the audit log's words; may be NULL */
	const struct audit_words *audit_words;
	/* what waits for the signed-in reader, as lines on the home page
	 * (http_waiting), within what they may see; may be NULL */
	void (*waiting)(struct http_req *rq, json_t *lines);
};

/* Registered by main (from src/modules.c) before anything else runs. */
void platform_set_modules(const struct module *const *mods, size_t n);
const struct module *const *platform_modules(size_t *n_r);

/* Opens a data directory (runtime_open) with every module's migrations. */
int platform_open(const struct platform_open *o, char *err, size_t cap);
void platform_close(void);

/* Migration groups in order: "platform", then every module. */
const char *const *platform_migration_groups(void);

/* Navigation entries: the platform's, then each module's. */
const struct nav_item *platform_nav(size_t *n_r);

/* Every route table: the platform's, then each module's. */
const struct route_table *platform_route_tables(size_t *n_r);

/* The HTTP gate, CSRF and navigation hooks (auth/gate.c). */
const struct http_hooks *platform_http_hooks(void);

#endif
