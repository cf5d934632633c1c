/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* docs/api/README.md's examples, run as written (tests/api/examples)
 * against a real server: make a token, list a branch page by page
 * (following next_cursor), add a member, and check a real webhook
 * delivery's signature. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static pid_t receiver;

static void up(void)
{
	const char *sets[] = {"outbox.poll_ms=100", NULL};
	srv_up(&S, SRV_DEMO, sets);
}
static void down(void)
{
	if (receiver > 0) {
		kill(-receiver, SIGTERM);
		waitpid(receiver, NULL, 0);
	}
	srv_down(&S);
}
TestSuite(api_examples, .init = up, .fini = down, .timeout = 180);

/* a real delivery of a test ping, as a receiver logged it: the body
 * written to body_file; timestamp and signature returned */
static void delivered(const char *log, const char *body_file, char **ts_r,
		      char **sig_r)
{
	char *lines = NULL;
	size_t n = 0;

	for (int i = 0; i < 100 && !(lines = file_read(log, 1 << 20, &n)); i++)
		usleep(100 * 1000);
	cr_assert_not_null(lines, "no delivery reached the receiver");
	json_t *j = json_loads(lines, JSON_DISABLE_EOF_CHECK, NULL);
	cr_assert_not_null(j);
	json_t *h = json_object_get(j, "headers");
	*ts_r = xstrdup(json_string_value(json_object_get(h, "x-rudder-timestamp")));
	*sig_r = xstrdup(json_string_value(json_object_get(h, "x-rudder-signature")));
	FILE *f = fopen(body_file, "w");
	cr_assert_not_null(f);
	fputs(json_string_value(json_object_get(j, "body")), f);
	fclose(f);
	json_decref(j);
	free(lines);
}

Test(api_examples, the_readme_examples_work_as_written)
{
	int port = free_port();
	char *ports = xasprintf("%d", port), *log = xasprintf("%s/hooks.log", S.root);
	char *body = xasprintf("%s/hook-body.json", S.root), *out = xasprintf("%s/examples.out", S.root);
	char *argv[] = {"/usr/bin/python3", "tests/http/receiver.py", ports, log, "0", NULL};

	receiver = fork();
	cr_assert_geq(receiver, 0);
	if (receiver == 0) {
		setpgid(0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	wait_port(port);

	/* an administrator adds a webhook and sends it a test ping */
	struct client *admin = cl_as(&S, "admin", "en");
	struct resp *r = cl_post(admin, "/admin/webhooks",
				 "name=door-lists&url=http%%3A%%2F%%2F127.0.0.1%%3A%d%%2Fhook&events=ping",
				 port);
	cr_assert_eq(r->status, 201, "%s", r->body);
	char *secret = between(r->body, "id=\"hook-secret\">", "<");
	char *hook = between(r->body, "action=\"/admin/webhooks/", "/test?");
	cr_assert_not_null(secret);
	cr_assert_not_null(hook);
	resp_free(r);
	char *test = xasprintf("/admin/webhooks/%s/test", hook);
	r = cl_post(admin, test, "%s", "");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cl_free(admin);
	char *ts, *sig;
	delivered(log, body, &ts, &sig);

	/* the examples, as the README writes them, as the Aktau coordinator,
	 * whose second factor is on (a token needs it) */
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	struct client *ak = cl_as(&S, "aktau", "en");
	char *factor = cl_enrol(ak), code[7];
	cl_free(ak);
	totp_now(factor, code);
	/* a small page, so that the list turns over several */
	int rc = sh("RUDDER='%s' EMAIL=aktau@example.org PASSWORD='%s' CODE=%s BRANCH=%s LIMIT=5 "
		    "WEBHOOK_BODY='%s' WEBHOOK_TIMESTAMP='%s' WEBHOOK_SIGNATURE='%s' "
		    "WEBHOOK_SECRET='%s' tests/api/examples docs/api/README.md > '%s' 2>&1",
		    S.base, DEMO_PASSWORD, code, aktau, body, ts, sig, secret, out);
	free(factor);
	size_t n;
	char *said = file_read(out, 1 << 20, &n);
	cr_assert_eq(rc, 0, "the examples failed:\n%s", said ? said : "");
	cr_assert(strstr(said, "token made: rdr_"), "%s", said);
	cr_assert(strstr(said, "\t"), "no member listed:\n%s", said);
	cr_assert(strstr(said, "added member "), "%s", said);
	cr_assert(strstr(said, "+7 701 555 00 42"), "%s", said);
	cr_assert(strstr(said, "signature ok: ping"), "%s", said);

	/* what the token listed is Aktau's alone, and it is the branch's all */
	char *count = srv_value(&S, "SELECT count(*) FROM people p JOIN scopes s ON "
				    "s.id = p.branch_id WHERE s.path LIKE "
				    "(SELECT path FROM scopes WHERE id = %s) || '%%' "
				    "AND p.erased_at IS NULL", aktau);
	int lines = 0;
	for (const char *p = said; (p = strchr(p, '\t')); p++)
		lines++;
	cr_assert_eq(lines, atoi(count) - 1,
		     "listed %d, the branch holds %s before the one added", lines, count);
	cr_assert_gt(lines, 2 * 5, "the walk took three pages of 5 at least");

	/* the webhook example refuses a delivery checked with another
	 * secret: it is the last block, run alone */
	{
		size_t rn;
		char *readme = file_read("docs/api/README.md", 1 << 20, &rn);
		const char *last = NULL;
		for (const char *p = readme; (p = strstr(p, "\n```sh\n")); p++)
			last = p + strlen("\n```sh\n");
		cr_assert_not_null(last);
		char *block = xasprintf("%.*s", (int)(strstr(last, "\n```") - last), last);
		char *file = xasprintf("%s/webhook.sh", S.root);
		FILE *f = fopen(file, "w");
		fputs(block, f);
		fclose(f);
		rc = sh("WEBHOOK_BODY='%s' WEBHOOK_TIMESTAMP='%s' WEBHOOK_SIGNATURE='%s' "
			"WEBHOOK_SECRET=wrong sh -eu '%s' >/dev/null 2>&1",
			body, ts, sig, file);
		cr_assert_neq(rc, 0, "a wrong secret passed the check");
		rc = sh("WEBHOOK_BODY='%s' WEBHOOK_TIMESTAMP='%s' WEBHOOK_SIGNATURE='%s' "
			"WEBHOOK_SECRET='%s' sh -eu '%s' >/dev/null 2>&1",
			body, ts, sig, secret, file);
		cr_assert_eq(rc, 0, "the right secret failed the check");
		free(file);
		free(block);
		free(readme);
	}

	free(count);
	free(said);
	free(aktau);
	free(ts);
	free(sig);
	free(test);
	free(hook);
	free(secret);
	free(out);
	free(body);
	free(log);
	free(ports);
}
