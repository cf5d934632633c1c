/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: settings from defaults, file, environment and flags. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/core/conf.h"
#include "platform/core/core.h"

static char *write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/rudder-conf-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(conf, defaults_file_env_flag_in_that_order)
{
	char err[256];
	char *p = write_tmp("[server]\nlisten = 127.0.0.1:9000\nthreads = 2\n");
	conf_reset();
	conf_clear_flags();
	cr_assert_str_eq(conf_str("server.listen"), "127.0.0.1:8080");
	cr_assert_eq(conf_load_file(p, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(conf_str("server.listen"), "127.0.0.1:9000");
	cr_assert_eq(conf_int("server.threads"), 2);
	setenv("RUDDER_SERVER_THREADS", "6", 1);
	cr_assert_eq(conf_load_env(err, sizeof(err)), 0, "%s", err);
	unsetenv("RUDDER_SERVER_THREADS");
	cr_assert_eq(conf_int("server.threads"), 6);
	cr_assert_eq(conf_set_flag("server.threads", "3", err, sizeof(err)), 0);
	/* a flag wins even over a file read afterwards */
	cr_assert_eq(conf_load_file(p, err, sizeof(err)), 0);
	cr_assert_eq(conf_int("server.threads"), 3);
	conf_clear_flags();
	unlink(p);
	free(p);
}

Test(conf, bad_lines_name_file_and_line)
{
	char err[256];
	char *p = write_tmp("[server]\nlisten = 1.2.3.4:5\n\nthreads = many\n");
	conf_reset();
	cr_assert_eq(conf_load_file(p, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":4:"), "%s", err);
	cr_assert(strstr(err, "threads"), "%s", err);
	unlink(p);
	free(p);
	p = write_tmp("[server]\nlisten = x\n[nosuch]\nkey = 1\n");
	cr_assert_eq(conf_load_file(p, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":4:") && strstr(err, "unknown setting"), "%s", err);
	unlink(p);
	free(p);
	p = write_tmp("[server]\nthis is not ini\n");
	cr_assert_eq(conf_load_file(p, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":2:"), "%s", err);
	unlink(p);
	free(p);
}

Test(conf, missing_file_is_fine_and_bad_values_refused)
{
	char err[256];
	conf_reset();
	cr_assert_eq(conf_load_file("/nonexistent/rudder.conf", err, sizeof(err)), 0);
	cr_assert_eq(conf_set("auth.require_totp", "perhaps", err, sizeof(err)), -1);
	cr_assert_eq(conf_set("server.threads", "-1", err, sizeof(err)), -1);
	cr_assert_eq(conf_set("nosuch.key", "1", err, sizeof(err)), -1);
	cr_assert_eq(conf_set("auth.require_totp", "no", err, sizeof(err)), 0);
	cr_assert_eq(conf_bool("auth.require_totp"), false);
	setenv("RUDDER_SERVER_THREADS", "lots", 1);
	cr_assert_eq(conf_load_env(err, sizeof(err)), -1);
	cr_assert(strstr(err, "server.threads"), "%s", err);
	unsetenv("RUDDER_SERVER_THREADS");
}
