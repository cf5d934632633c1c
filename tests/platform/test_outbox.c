/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: outbox queueing, idempotency, backoff, sealing. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "platform/core/conf.h"
#include "platform/db/db.h"
#include "platform/outbox/outbox.h"

TestSuite(outbox, .init = (void (*)(void))fixture_open, .fini = fixture_close);

Test(outbox, backoff_doubles_and_caps)
{
	cr_assert_eq(outbox_backoff(1, 30), 30);
	cr_assert_eq(outbox_backoff(2, 30), 60);
	cr_assert_eq(outbox_backoff(4, 30), 240);
	cr_assert_eq(outbox_backoff(40, 30), 21600);
}

Test(outbox, idempotent_and_sealed)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	int64_t n;
	cr_assert_eq(outbox_email(c, a, "secret.person@example.kz", "Subject",
				  "Body with a name: Aigerim", "invitation", "k1"),
		     DB_OK);
	cr_assert_eq(outbox_email(c, a, "secret.person@example.kz", "Subject",
				  "Body", "invitation", "k1"),
		     DB_OK);
	cr_assert_eq(db_int(c, &n, "SELECT count(*) FROM outbox", ""), DB_OK);
	cr_assert_eq(n, 1, "the same key queues once");
	db_exec_script(c, "PRAGMA wal_checkpoint(TRUNCATE)");
	cr_assert_eq(fixture_sh("! grep -rqa 'secret.person' %s", platform_dir()), 0);
	cr_assert_eq(fixture_sh("! grep -rqa 'Aigerim' %s", platform_dir()), 0);
	arena_free(a);
}

Test(outbox, failed_delivery_is_retried_later_then_given_up)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	char err[128];
	int64_t attempts, next, now = time_now();
	/* nothing listens on port 1 */
	cr_assert_eq(conf_set("smtp.url", "smtp://127.0.0.1:1", err, sizeof(err)), 0);
	cr_assert_eq(conf_set("outbox.max_attempts", "2", err, sizeof(err)), 0);
	cr_assert_eq(conf_set("outbox.timeout", "2", err, sizeof(err)), 0);
	cr_assert_eq(outbox_email(c, a, "x@example.org", "s", "b", "test", "k2"), DB_OK);
	cr_assert_eq(outbox_run_once(c), 1);
	cr_assert_eq(db_int(c, &attempts, "SELECT attempts FROM outbox", ""), DB_OK);
	cr_assert_eq(attempts, 1);
	cr_assert_eq(db_int(c, &next, "SELECT next_at FROM outbox", ""), DB_OK);
	cr_assert_geq(next, now + 30);
	cr_assert_eq(outbox_run_once(c), 0, "not due yet");
	db_run(c, "UPDATE outbox SET next_at = 0", "");
	cr_assert_eq(outbox_run_once(c), 1);
	int64_t failed;
	cr_assert_eq(db_int(c, &failed, "SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error <> ''", ""), DB_OK);
	cr_assert_eq(failed, 1, "after max_attempts it is marked failed");
	arena_free(a);
}
