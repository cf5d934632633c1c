/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Creating a data directory, shared by `rudder init` and `rudder demo`. */
#ifndef RUDDER_CLI_INIT_H
#define RUDDER_CLI_INIT_H

#include "platform/crypto/crypto.h"

struct init_opts {
	const char *dir;
	const char *admin_email;
	const char *admin_name;
	const char *admin_password;
	const char *passphrase;
	const char *backup_key_out;
	const char *org_name;
	const char *conf_extra; /* appended to rudder.conf */
	enum kdf_cost kdf;
};

/* Creates and opens the directory (the platform stays open). Returns an
 * exit status, having printed any problem. */
int init_data_dir(const char *cmd, const struct init_opts *o);
int init_write_conf(const char *dir, const char *extra);

#endif
