/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: the audit chain notices every kind of tampering. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "platform/audit/audit.h"
#include "platform/db/db.h"

TestSuite(audit, .init = (void (*)(void))fixture_open, .fini = fixture_close);

static void write_entries(int n)
{
	struct db_conn *c = platform_conn();
	for (int i = 0; i < n; i++)
		cr_assert_eq(audit_add(c, i % 2 ? 1 : 0, i % 2 ? "" : "cli",
				       "test.event", "user:1",
				       json_pack("{s:i}", "n", i)),
			     DB_OK);
}

static int verify(int64_t *bad, char *err)
{
	int64_t rows;
	return audit_verify(platform_conn(), &rows, bad, err, 256);
}

Test(audit, intact_chain_verifies)
{
	int64_t rows, bad;
	char err[256];
	cr_assert_eq(audit_verify(platform_conn(), &rows, &bad, err, sizeof(err)), 0);
	cr_assert_eq(rows, 0);
	write_entries(5);
	cr_assert_eq(audit_verify(platform_conn(), &rows, &bad, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rows, 5);
}

Test(audit, altered_row_is_named)
{
	int64_t bad;
	char err[256];
	write_entries(5);
	cr_assert_eq(db_run(platform_conn(),
			    "UPDATE audit_log SET detail = '{\"n\":99}' WHERE id = 3", ""),
		     1);
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert_eq(bad, 3);
	cr_assert(strstr(err, "altered"), "%s", err);
}

Test(audit, altered_actor_or_time_is_noticed)
{
	int64_t bad;
	char err[256];
	write_entries(3);
	db_run(platform_conn(), "UPDATE audit_log SET actor_id = 7 WHERE id = 2", "");
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert_eq(bad, 2);
}

Test(audit, removed_middle_row_is_noticed)
{
	int64_t bad;
	char err[256];
	write_entries(5);
	db_run(platform_conn(), "DELETE FROM audit_log WHERE id = 2", "");
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert_eq(bad, 2);
	cr_assert(strstr(err, "missing"), "%s", err);
}

Test(audit, removed_last_rows_are_noticed)
{
	int64_t bad;
	char err[256];
	write_entries(5);
	db_run(platform_conn(), "DELETE FROM audit_log WHERE id >= 4", "");
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert(strstr(err, "removed from the end"), "%s", err);
	/* pointing the head back at row 3 needs the key to forge its MAC */
	db_run(platform_conn(),
	       "UPDATE audit_head SET last_id = 3, hash = (SELECT hash FROM audit_log WHERE id = 3)",
	       "");
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert(strstr(err, "head"), "%s", err);
}

Test(audit, reordered_rows_are_noticed)
{
	int64_t bad;
	char err[256];
	write_entries(4);
	struct db_conn *c = platform_conn();
	db_run(c, "UPDATE audit_log SET id = 100 WHERE id = 2", "");
	db_run(c, "UPDATE audit_log SET id = 2 WHERE id = 3", "");
	db_run(c, "UPDATE audit_log SET id = 3 WHERE id = 100", "");
	cr_assert_eq(verify(&bad, err), -1);
	cr_assert_eq(bad, 2);
}

Test(audit, emptied_log_is_noticed)
{
	int64_t bad;
	char err[256];
	write_entries(2);
	db_run(platform_conn(), "DELETE FROM audit_log", "");
	cr_assert_eq(verify(&bad, err), -1);
}

static int rollback_tx(struct db_conn *c, void *arg)
{
	(void)arg;
	audit_add(c, 0, "cli", "never.happened", "", NULL);
	return DB_CONSTRAINT;
}

Test(audit, entries_roll_back_with_their_transaction)
{
	int64_t rows, bad;
	char err[256];
	write_entries(1);
	cr_assert_eq(db_tx(platform_conn(), rollback_tx, NULL), DB_CONSTRAINT);
	write_entries(1);
	cr_assert_eq(audit_verify(platform_conn(), &rows, &bad, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rows, 2);
}
