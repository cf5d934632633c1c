/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's commands: `rudder import members FILE.csv` and
 * `rudder export members [--branch NAME]`. The command line has opened
 * and unlocked the data directory (src/cli/module.c). Whoever runs these
 * holds the server's passphrase; both are audited all the same.
 *
 * Exit status of import, with or without --dry-run: 0 when every row is
 * (or would be) imported, 1 when some rows are refused (each reported as
 * FILE:LINE: COLUMN: why), 2 when the file or the arguments are unusable.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/platform.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define IMPORT_MAX_BYTES ((size_t)2 << 30)

static int import_cmd(int argc, char **argv)
{
	const char *file = NULL;
	struct import_opts o = {0};
	struct import_plan p;
	struct arena *a;
	struct db_conn *c = platform_conn();
	char *data;
	size_t n;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = true;
		else if (strcmp(argv[i], "--all-or-nothing") == 0)
			o.all_or_nothing = true;
		else if (strcmp(argv[i], "--clear-blank") == 0)
			o.clear_blank = true;
		else if (strcmp(argv[i], "--move") == 0)
			o.move = true;
		else if (str_starts(argv[i], "--on-match=")) {
			struct import_opts m = {0};
			if (members_import_opts_parse(argv[i] + 11, &m) != 0 ||
			    strchr(argv[i], ',')) {
				fprintf(stderr, "rudder %s: --on-match takes update, fill or skip, "
						"not %s\n", argv[0], argv[i] + 11);
				return 2;
			}
			o.on_match = m.on_match;
		}
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "rudder %s: unknown option %s\n", argv[0], argv[i]);
			return 2;
		} else if (file) {
			fprintf(stderr, "rudder %s: one file at a time (%s, then %s)\n",
				argv[0], file, argv[i]);
			return 2;
		} else
			file = argv[i];
	}
	if (!file) {
		fprintf(stderr, "rudder %s: which file? rudder %s FILE.csv --data DIR\n",
			argv[0], argv[0]);
		return 2;
	}
	data = strcmp(file, "-") == 0 ? file_read("/dev/stdin", IMPORT_MAX_BYTES, &n)
				      : file_read(file, IMPORT_MAX_BYTES, &n);
	if (!data) {
		fprintf(stderr, "rudder %s: %s: %s\n", argv[0], file,
			errno == E2BIG ? "larger than 2 GiB" : strerror(errno));
		return 2;
	}
	a = arena_new();
	if (members_import_parse(a, data, n, NULL, &p) != 0) {
		fprintf(stderr, "rudder %s: %s: %s\n", argv[0], file,
			members_import_fatal(a, "en", &p));
		free(data);
		arena_free(a);
		return 2;
	}
	free(data);
	db_bulk(c, true);
	rc = members_import_apply(c, &p, &o);
	db_bulk(c, false);
	if (rc != DB_OK) {
		fprintf(stderr, "rudder %s: %s: the database refused the import (%s); "
				"nothing was written\n",
			argv[0], file, db_errmsg(c));
		arena_free(a);
		return 1;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct import_row *r = &p.rows[i];
		if (!r->error)
			continue;
		fprintf(stderr, "%s:%zu: %s%s%s\n", file, r->line,
			r->error_col >= 0
			    ? members_import_col_name(r->error_col)
			    : "",
			r->error_col >= 0 ? ": " : "",
			members_import_message(a, "en", r));
	}
	printf("%zu rows: %zu %s, %zu %s, %zu unchanged, %zu skipped, %zu refused%s\n", p.n,
	       p.counts[IMPORT_CREATED], p.undone ? "to create" : "created",
	       p.counts[IMPORT_UPDATED], p.undone ? "to update" : "updated",
	       p.counts[IMPORT_UNCHANGED], p.counts[IMPORT_SKIPPED], p.refused,
	       !p.undone       ? ""
	       : o.dry_run     ? " (a dry run: nothing was written)"
			       : " (all or nothing: nothing was written)");
	if (!p.undone)
		audit_add(c, 0, "cli", "members.imported", "",
			  json_pack("{s:I, s:I, s:I, s:I}", "created",
				    (json_int_t)p.counts[IMPORT_CREATED], "updated",
				    (json_int_t)p.counts[IMPORT_UPDATED], "unchanged",
				    (json_int_t)p.counts[IMPORT_UNCHANGED], "refused",
				    (json_int_t)p.refused));
	rc = p.refused ? 1 : 0;
	arena_free(a);
	return rc;
}

static int export_cmd(int argc, char **argv)
{
	const char *branch = NULL;
	struct db_conn *c = platform_conn();
	struct arena *a = arena_new();
	struct branch b = {0};
	uint8_t *bits = NULL;
	size_t nbits = 0, count;
	struct buf out;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--branch") == 0 && i + 1 < argc)
			branch = argv[++i];
		else if (strncmp(argv[i], "--branch=", 9) == 0)
			branch = argv[i] + 9;
		else {
			fprintf(stderr, "rudder %s: unknown argument %s\n", argv[0], argv[i]);
			arena_free(a);
			return 2;
		}
	}
	if (branch) {
		struct branch *all;
		size_t n;
		if (members_branch_find(c, a, branch, &b) != DB_OK ||
		    members_branch_list(c, a, &all, &n) != DB_OK) {
			fprintf(stderr, "rudder %s: there is no branch \"%s\"\n", argv[0], branch);
			arena_free(a);
			return 2;
		}
		for (size_t i = 0; i < n; i++)
			if ((size_t)all[i].id + 1 > nbits)
				nbits = (size_t)all[i].id + 1;
		bits = arena_alloc(a, nbits / 8 + 1);
		for (size_t i = 0; i < n; i++)
			if (str_starts(all[i].path, b.path))
				bits[all[i].id >> 3] |= (uint8_t)(1u << (all[i].id & 7));
	}
	buf_init(&out);
	rc = members_export_csv(c, a, !branch, bits, nbits, &out, &count);
	if (rc == DB_OK)
		rc = audit_add(c, 0, "cli", "members.exported",
			       branch ? arena_printf(a, "scope:%lld", (long long)b.id) : "",
			       json_pack("{s:I, s:s}", "people", (json_int_t)count, "branch",
					 branch ? branch : "the whole organization"));
	if (rc != DB_OK) {
		fprintf(stderr, "rudder %s: the export failed (%s)\n", argv[0], db_errmsg(c));
		buf_free(&out);
		arena_free(a);
		return 1;
	}
	if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
		fprintf(stderr, "rudder %s: cannot write the export: %s\n", argv[0],
			strerror(errno));
		rc = 1;
	}
	fprintf(stderr, "rudder %s: %zu people exported\n", argv[0], count);
	buf_free(&out);
	arena_free(a);
	return rc == DB_OK ? 0 : 1;
}

const struct module_command members_commands[] = {
	{"import", "FILE.csv [--dry-run] [--all-or-nothing] [--on-match=update|fill|skip] [--clear-blank] [--move]",
	 "import members from CSV (FILE - reads stdin)",
	 "\nThe first row names the columns, in any order: display_name, legal_name,\n"
	 "phone, email, address, birth_date, workplace, branch, affiliations\n"
	 "(union names separated by ;), status, joined. UTF-8, with or without a\n"
	 "byte order mark; CRLF or LF; quoted fields may hold commas and newlines.\n"
	 "A row whose email or phone is a member's already matches that member;\n"
	 "an empty cell, or a column the file lacks, leaves their field as it is;\n"
	 "importing the same file twice changes nothing the second time.\n\n"
	 "  --dry-run         check everything, report, write nothing\n"
	 "  --all-or-nothing  write nothing when any row is refused\n"
	 "  --on-match=update a matched member takes what the file says (default);\n"
	 "           =fill    only what their record leaves empty is filled;\n"
	 "           =skip    a matched member is left as they are\n"
	 "  --clear-blank     an empty cell clears the member's field (with update)\n"
	 "  --move            a matched member moves to the branch the file names\n"
	 "                    (otherwise they stay in theirs)\n\n"
	 "Exit status: 0 every row imported (or would be), 1 some refused (each\n"
	 "reported as FILE:LINE: COLUMN: why), 2 unusable file or arguments.\n",
	 import_cmd},
	{"export", "[--branch NAME]",
	 "export members as CSV to standard output (audited)",
	 "\nThe columns of the import, so that the file imports again. A cell that\n"
	 "starts with = + - or @ is written with a leading ' so that no\n"
	 "spreadsheet runs it as a formula (the import takes the ' off again).\n",
	 export_cmd},
	{0},
};
