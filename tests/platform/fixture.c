/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "fixture.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"

static char dir[64];

int fixture_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const char *fixture_open(void)
{
	unsigned char sk[BACKUP_SK_LEN];
	char err[512];
	struct platform_open o = {.migrate = true};

	cr_assert_geq(sodium_init(), 0);
	conf_reset();
	conf_set("log.level", "warn", err, sizeof(err));
	snprintf(dir, sizeof(dir), "/tmp/rudder-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(keys_create(dir, "test pass", KDF_INTERACTIVE, sk, err,
				 sizeof(err)),
		     0, "%s", err);
	o.dir = dir;
	cr_assert_eq(platform_open(&o, err, sizeof(err)), 0, "%s", err);
	return dir;
}

void fixture_close(void)
{
	platform_close();
	fixture_sh("rm -rf %s", dir);
}
