/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A fresh data directory for unit tests that need keys and a database. */
#ifndef RUDDER_TEST_FIXTURE_H
#define RUDDER_TEST_FIXTURE_H

#include "platform/platform.h"

/* Creates a temporary directory with keys (passphrase "test pass") and a
 * migrated database, opened through the platform. Returns its path. */
const char *fixture_open(void);
void fixture_close(void);
/* Runs a shell command, returns its exit status. */
int fixture_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
