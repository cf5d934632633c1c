/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Delivery end to end: an invitation email through a real SMTP server on
 * loopback (Debian's python3-aiosmtpd) whose first attempt fails because
 * the server is not up yet, and a signed webhook to a real HTTP receiver
 * that refuses the first delivery.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static int smtp_port;
static pid_t helper;

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void up(void)
{
	char *smtp;
	smtp_port = free_port();
	smtp = xasprintf("smtp.url=smtp://127.0.0.1:%d", smtp_port);
	const char *sets[] = {smtp, "outbox.retry_base=2", "outbox.poll_ms=200",
			      "outbox.timeout=5", "smtp.from=rudder@example.org", NULL};
	srv_up(&S, SRV_FRESH, sets);
	free(smtp);
	helper = 0;
}

static void down(void)
{
	if (helper > 0) {
		kill(-helper, SIGTERM);
		waitpid(helper, NULL, 0);
	}
	srv_down(&S);
}

TestSuite(outbox, .init = up, .fini = down, .timeout = 120);

/* Waits until the outbox page shows `want` for message `id`. */
static char *outbox_row(struct client *c, const char *marker, const char *want)
{
	for (int i = 0; i < 150; i++) {
		struct resp *r = cl_get(c, "/admin/outbox");
		char *row = between(r->body, marker, "</tr>");
		resp_free(r);
		if (row && strstr(row, want))
			return row;
		free(row);
		usleep(100000);
	}
	cr_assert_fail("the outbox never showed '%s' for %s", want, marker);
	return NULL;
}

static char *find_mail(const char *maildir)
{
	for (int i = 0; i < 100; i++) {
		char *sub = xasprintf("%s/new", maildir);
		DIR *d = opendir(sub);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *p = xasprintf("%s/%s", sub, e->d_name);
			size_t n;
			char *text = file_read(p, 1 << 20, &n);
			free(p);
			closedir(d);
			free(sub);
			return text;
		}
		if (d)
			closedir(d);
		free(sub);
		usleep(100000);
	}
	cr_assert_fail("no mail arrived in %s", maildir);
	return NULL;
}

Test(outbox, invitation_email_arrives_after_a_failed_first_attempt)
{
	struct client *c = cl_as(&S, "admin", NULL);
	char *link, *row, *mail, *maildir, *port;
	struct resp *r;

	r = cl_post(c, "/admin/users",
		    "display_name=Aigerim&email=aigerim%%40example.kz&role=coordinator&scope=0&lang=kk");
	cr_assert_eq(r->status, 201, "%s", r->body);
	link = between(r->body, "<code class=\"secret\" id=\"link\">", "</code>");
	cr_assert_not_null(link);
	resp_free(r);

	/* no SMTP server yet: the first attempt fails and is kept */
	row = outbox_row(c, "invitation", "connect");
	cr_assert(strstr(row, ">waiting</span>"), "%s", row);
	cr_assert_null(strstr(row, "aigerim"), "the outbox page names no one");
	free(row);

	/* now the relay comes up and the retry goes through */
	maildir = xasprintf("%s/mail", S.root);
	port = xasprintf("127.0.0.1:%d", smtp_port);
	char *argv[] = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", port,
			"-c", "aiosmtpd.handlers.Mailbox", maildir, NULL};
	helper = spawn(argv);
	wait_port(smtp_port);
	row = outbox_row(c, "invitation", ">sent</span>");
	free(row);
	/* once sent, the row keeps neither the recipient nor the content */
	row = srv_sql(&S, "SELECT length(target_sealed) + length(payload_sealed) "
		      "FROM outbox WHERE label = 'invitation'");
	cr_assert_not_null(row);
	cr_assert_str_eq(str_trim(row), "0");
	free(row);

	mail = find_mail(maildir);
	cr_assert(strstr(mail, "To: <aigerim@example.kz>"), "%s", mail);
	cr_assert(strstr(mail, "From: <rudder@example.org>"));
	cr_assert(strstr(mail, "Subject: =?UTF-8?B?"), "a Kazakh subject is encoded");
	cr_assert(strstr(mail, "Message-ID: <link-"));
	/* the body is base64: decode it and find the link */
	cr_assert(strstr(mail, "Content-Transfer-Encoding: base64"));
	const char *sep = strstr(mail, "\r\n\r\n");
	const char *lf = strstr(mail, "\n\n");
	if (!sep || (lf && lf < sep))
		sep = lf;
	cr_assert_not_null(sep);
	char *b64 = xstrdup(sep);
	struct buf clean;
	buf_init(&clean);
	for (char *p = b64; *p; p++)
		if (*p != '\r' && *p != '\n' && *p != ' ')
			buf_putc(&clean, *p);
	unsigned char *body = xcalloc(1, clean.len + 1);
	size_t blen;
	cr_assert_eq(sodium_base642bin(body, clean.len, clean.data, clean.len, NULL,
				       &blen, NULL, sodium_base64_VARIANT_ORIGINAL),
		     0);
	cr_assert(strstr((char *)body, link), "the email carries the link shown to the admin");
	cr_assert(strstr((char *)body, "Сәлеметсіз бе"), "in the invitee's language: %s", body);

	/* the link sets a password once */
	char *path = xstrdup(strstr(link, "/account/set-password"));
	struct client *n = cl_new(&S);
	r = cl_get(n, path);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	char *token = xstrdup(strstr(link, "token=") + 6);
	r = cl_post(n, "/account/set-password", "token=%s&password=short&password2=short", token);
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = cl_post(n, "/account/set-password",
		    "token=%s&password=steppe+wind+4&password2=steppe+wind+5", token);
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = cl_post(n, "/account/set-password",
		    "token=%s&password=steppe+wind+4&password2=steppe+wind+4", token);
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(n, path);
	cr_assert_eq(r->status, 410, "a link works once");
	resp_free(r);
	cr_assert_eq(cl_login(n, "aigerim@example.kz", "steppe wind 4", NULL), 303);
	cl_free(n);

	buf_free(&clean);
	free(body);
	free(b64);
	free(token);
	free(path);
	free(mail);
	free(maildir);
	free(port);
	free(link);
	cl_free(c);
}

Test(outbox, webhooks_are_signed_and_retried_with_one_key)
{
	struct client *c = cl_as(&S, "admin", NULL);
	char *log = xasprintf("%s/hooks.log", S.root);
	int port = free_port();
	char *ports = xasprintf("%d", port), *url, *hook_secret, *hook_id;
	char *argv[] = {"/usr/bin/python3", "tests/http/receiver.py", ports, log, "1", NULL};
	struct resp *r;

	helper = spawn(argv);
	wait_port(port);
	url = xasprintf("http%%3A%%2F%%2F127.0.0.1%%3A%d%%2Fhook", port);
	r = cl_post(c, "/admin/webhooks", "name=sms-gateway&url=%s&events=ping", url);
	cr_assert_eq(r->status, 201, "%s", r->body);
	hook_secret = between(r->body, "id=\"hook-secret\">", "<");
	cr_assert_not_null(hook_secret);
	hook_id = between(r->body, "action=\"/admin/webhooks/", "/test?");
	cr_assert_not_null(hook_id);
	resp_free(r);
	r = cl_get(c, "/admin/webhooks");
	cr_assert_null(strstr(r->body, hook_secret), "the secret is shown only once");
	resp_free(r);
	r = cl_post(c, "/admin/webhooks", "name=sms-gateway&url=%s", url);
	cr_assert_eq(r->status, 409);
	resp_free(r);
	r = cl_post(c, "/admin/webhooks", "name=bad&url=javascript%%3Aalert(1)");
	cr_assert_eq(r->status, 422);
	resp_free(r);

	char *test = xasprintf("/admin/webhooks/%s/test", hook_id);
	r = cl_post(c, test, "%s", "");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	char *row = outbox_row(c, "webhook ping", ">sent</span>");
	cr_assert(strstr(row, ">2<"), "delivered at the second attempt: %s", row);
	free(row);

	/* two requests, the same idempotency key, both signed */
	size_t n;
	char *lines = file_read(log, 1 << 20, &n);
	cr_assert_not_null(lines);
	json_t *first = NULL, *second = NULL;
	json_error_t jerr;
	char *nl = strchr(lines, '\n');
	*nl = '\0';
	first = json_loads(lines, 0, &jerr);
	second = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, &jerr);
	cr_assert_not_null(first);
	cr_assert_not_null(second);
	json_t *h1 = json_object_get(first, "headers"), *h2 = json_object_get(second, "headers");
	cr_assert_eq(json_integer_value(json_object_get(first, "status")), 500);
	cr_assert_str_eq(json_string_value(json_object_get(h1, "idempotency-key")),
			 json_string_value(json_object_get(h2, "idempotency-key")));
	const char *ts = json_string_value(json_object_get(h2, "x-rudder-timestamp"));
	const char *sig = json_string_value(json_object_get(h2, "x-rudder-signature"));
	const char *body = json_string_value(json_object_get(second, "body"));
	cr_assert(strstr(body, "\"event\":\"ping\""));
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof(mac) + 1];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (unsigned char *)hook_secret, strlen(hook_secret));
	crypto_auth_hmacsha256_update(&st, (unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	hex_encode(mac, sizeof(mac), hex);
	char *want = xasprintf("sha256=%s", hex);
	cr_assert_str_eq(sig, want, "the receiver can check the signature");
	free(want);
	json_decref(first);
	json_decref(second);
	free(lines);
	free(test);
	free(hook_id);
	free(hook_secret);
	free(url);
	free(ports);
	free(log);
	cl_free(c);
}
