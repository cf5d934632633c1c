/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The audit log over HTTP, live over Server-Sent Events, and verified by
 * `rudder audit verify` after tampering with the database file. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_FRESH, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(audit, .init = up, .fini = down, .timeout = 120);

static int verify(char **out, char **err)
{
	return run_rudder(NULL, out, err, "audit", "verify", "--data", S.dir,
			  "--passphrase-file", S.pass, NULL);
}

Test(audit, page_lists_entries_and_verify_passes)
{
	struct client *c = cl_as(&S, "admin", NULL);
	char *out = NULL, *err = NULL;
	struct resp *r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "system.init"));
	cr_assert(strstr(r->body, "totp.enabled"));
	cr_assert(strstr(r->body, "data-live-audit"));
	resp_free(r);
	r = cl_get(c, "/audit?action=login");
	cr_assert(strstr(r->body, "<code>login</code>"));
	cr_assert_null(strstr(r->body, "<code>system.init</code>"));
	resp_free(r);
	cr_assert_eq(verify(&out, &err), 0, "%s", err);
	cr_assert(strstr(out, "audit log intact"), "%s", out);
	cr_assert(strstr(out, "head: entry "), "%s", out);
	free(out);
	free(err);
	cl_free(c);
}

static void tamper_and_expect(const char *sql, const char *says)
{
	char *out = NULL, *err = NULL;
	cr_assert_eq(srv_stop(&S), 0);
	char *done = srv_sql(&S, "%s", sql);
	cr_assert_not_null(done, "the tampering itself failed: %s", sql);
	free(done);
	cr_assert_eq(verify(&out, &err), 1, "verify passed after: %s", sql);
	cr_assert(strstr(err, "NOT intact") && strstr(err, says), "%s", err);
	free(out);
	free(err);
	srv_start(&S, NULL);
}

Test(audit, an_altered_row_is_found)
{
	struct client *c = cl_as(&S, "admin", NULL);
	cl_free(c);
	tamper_and_expect("UPDATE audit_log SET action = 'nothing' WHERE action = 'login'",
			  "altered");
}

Test(audit, a_removed_row_is_found)
{
	struct client *c = cl_as(&S, "admin", NULL);
	cl_free(c);
	tamper_and_expect("DELETE FROM audit_log WHERE id = 2", "row 2 is missing");
}

Test(audit, rows_removed_from_the_end_are_found)
{
	struct client *c = cl_as(&S, "admin", NULL);
	cl_free(c);
	tamper_and_expect("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
			  "removed from the end");
}

Test(audit, reordered_rows_are_found)
{
	struct client *c = cl_as(&S, "admin", NULL);
	cl_free(c);
	tamper_and_expect("UPDATE audit_log SET id = -id WHERE id IN (2, 3); "
			  "UPDATE audit_log SET id = 3 WHERE id = -2; "
			  "UPDATE audit_log SET id = 2 WHERE id = -3",
			  "row 2");
}

Test(audit, wrong_passphrase_cannot_verify)
{
	char *err = NULL;
	sh("echo wrong > %s/wrongpass", S.root);
	char *pf = xasprintf("%s/wrongpass", S.root);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "audit", "verify", "--data", S.dir,
				"--passphrase-file", pf, NULL),
		     1);
	cr_assert(strstr(err, "wrong passphrase"), "%s", err);
	free(pf);
	free(err);
}

Test(audit, live_viewers_get_new_entries_as_events)
{
	struct client *c = cl_as(&S, "admin", NULL);
	char *token = admin_session_token(&S, S.admin_totp);
	int fd = open_stream(&S, "/audit/stream", token);
	struct resp *r;

	cr_assert(stream_until(fd, "text/event-stream", 5), "the stream did not open");
	/* something auditable happens elsewhere */
	struct client *x = cl_new(&S);
	r = cl_post(x, "/login", "email=nobody%%40example.org&password=x");
	resp_free(r);
	cr_assert(stream_until(fd, "event: audit", 10), "no audit event arrived");
	/* SIGTERM with the stream open: the server still stops cleanly */
	cr_assert_eq(srv_stop(&S), 0);
	close(fd);
	srv_start(&S, NULL);
	free(token);
	cl_free(x);
	cl_free(c);
}
