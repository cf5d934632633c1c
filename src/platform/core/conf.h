/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * conf: the operator's settings. Each setting has a name "section.key", a
 * default, and a line of help. Sources, later overriding earlier:
 * defaults < DIR/rudder.conf (ini) < RUDDER_SECTION_KEY environment
 * variables < command-line flags (conf_set). Unknown settings are errors,
 * so a typo never silently leaves a default in place.
 */
#ifndef RUDDER_CONF_H
#define RUDDER_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL };

struct conf_key {
	const char *name; /* "server.listen" */
	enum conf_type type;
	const char *def;
	const char *help;
};

/* Resets every setting to its default. */
void conf_reset(void);
/* Reads an ini file. A missing file is fine (returns 0). On a bad line
 * returns -1 and puts "FILE:LINE: reason" in err (cap bytes). */
int conf_load_file(const char *path, char *err, size_t cap);
/* Applies RUDDER_* variables; -1 with a message on an unknown or bad one. */
int conf_load_env(char *err, size_t cap);
/* Sets one value as the file or environment would; -1 with a message
 * when the name is unknown or the value invalid. */
int conf_set(const char *name, const char *value, char *err, size_t cap);
/* Sets one value from a command-line flag: it wins over file and env. */
int conf_set_flag(const char *name, const char *value, char *err, size_t cap);
void conf_clear_flags(void);

/* Typed reads. The name must be a known key (an unknown one is our bug). */
const char *conf_str(const char *name);
int64_t conf_int(const char *name);
bool conf_bool(const char *name);

/* The table of known keys, for --help and the docs. */
const struct conf_key *conf_keys(size_t *n_r);
/* Adds a module's keys (a NULL-name-terminated table, copied; its strings
 * are borrowed), before settings are read. */
void conf_add_keys(const struct conf_key *keys);

#endif
