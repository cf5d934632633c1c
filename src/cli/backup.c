/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder backup and rudder restore.
 *
 * A backup is an online, consistent copy of the database (SQLite's backup
 * API under one read transaction) plus keys.json and rudder.conf, packed
 * in a small archive and sealed to the backup public key made at init
 * (see crypto/backup.c). The server cannot read its own backups; restore
 * needs the backup secret key the operator kept elsewhere, and the
 * restored directory unlocks with the same passphrase as before.
 *
 * Archive (inside the sealed stream): "RUDDERARCHIVE1\n", then for each
 * file a 2-byte name length, the name, an 8-byte size and the bytes (big
 * endian), and a zero name length at the end.
 */
#include "cli.h"
#include "platform/audit/audit.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/backup.h"
#include "platform/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (64ULL << 30)

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"to", required_argument, NULL, 't'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const char USAGE[] =
		"--data DIR --to FILE [--passphrase-file F] [--db URL]";
	const char *dir = NULL, *to = NULL, *passfile = NULL;
	char err[512];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'B':
			if (cli_set("backup", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 't': to = optarg; break;
		case 'P': passfile = optarg; break;
		case 'h':
			printf("usage: rudder backup %s\n\n"
			       "Writes a consistent copy of the data directory, "
			       "taken while it serves,\nsealed to the backup key "
			       "made at init. Only the backup secret key opens\n"
			       "it: see 'rudder restore'. Use '-' for stdout.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("backup", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("backup", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!dir || !to) {
		cli_err("backup", "give --data DIR and --to FILE");
		return EXIT_USAGE;
	}
	if (cli_open("backup", dir, passfile, true, false) != 0)
		return 1;
	rc = platform_backup_file(to, "cli", err, sizeof(err));
	if (rc != 0)
		cli_err("backup", "%s", err);
	else if (strcmp(to, "-") != 0)
		fprintf(stderr, "rudder backup: wrote %s\n", to);
	platform_close();
	return rc == 0 ? 0 : 1;
}

/* ---- restore ---- */

static long get_exact(struct backup_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		long k = backup_reader_get(r, (char *)buf + got, n - got);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return (long)got;
}

static int read_backup_key(const char *file, unsigned char sk[32])
{
	size_t len;
	char *s = file_read(file, 4096, &len);
	const char *p;
	size_t got;
	int rc = -1;

	if (!s) {
		cli_err("restore", "%s: %s", file, strerror(errno));
		return -1;
	}
	str_trim(s);
	p = str_starts(s, "rudder-backup-key:") ? s + 18 : s;
	if (sodium_base642bin(sk, 32, p, strlen(p), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != 32)
		cli_err("restore", "%s: line 1: not a rudder backup key", file);
	else
		rc = 0;
	sodium_memzero(s, len);
	free(s);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"backup-key", required_argument, NULL, 'k'},
		{"data", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const char USAGE[] = "--from FILE --backup-key F --data NEWDIR";
	const char *from = NULL, *keyfile = NULL, *dir = NULL;
	unsigned char sk[32], magic[sizeof(ARCHIVE_MAGIC) - 1];
	struct backup_reader *r = NULL;
	char err[256];
	int c, fd, rc = 1;
	bool made_dir = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'd': dir = optarg; break;
		case 'h':
			printf("usage: rudder restore %s\n\n"
			       "Opens a backup with the backup secret key and "
			       "writes its files into\nNEWDIR, which must not "
			       "exist. The restored directory unlocks with the\n"
			       "passphrase it had when the backup was made.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("restore", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || !from || !keyfile || !dir) {
		cli_usage_error("restore", USAGE);
		return EXIT_USAGE;
	}
	if (read_backup_key(keyfile, sk) != 0)
		return EXIT_USAGE;
	fd = open(from, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("restore", "%s: %s", from, strerror(errno));
		return 1;
	}
	r = backup_reader_new(fd, sk, err, sizeof(err));
	sodium_memzero(sk, sizeof(sk));
	if (!r) {
		cli_err("restore", "%s: %s", from, err);
		close(fd);
		return 1;
	}
	if (get_exact(r, magic, sizeof(magic)) < 0 ||
	    memcmp(magic, ARCHIVE_MAGIC, sizeof(magic)) != 0) {
		cli_err("restore", "%s: damaged backup (no archive inside)", from);
		goto out;
	}
	if (mkdir(dir, 0700) != 0) {
		cli_err("restore", "cannot create %s: %s (it must not exist)", dir,
			strerror(errno));
		goto out;
	}
	made_dir = true;
	for (;;) {
		unsigned char hdr[8];
		char name[64], *path;
		uint64_t size = 0;
		size_t nl;
		bool known = false;
		int out;

		if (get_exact(r, hdr, 2) < 0)
			goto damaged;
		nl = (size_t)hdr[0] << 8 | hdr[1];
		if (nl == 0)
			break;
		if (nl >= sizeof(name) || get_exact(r, name, nl) < 0)
			goto damaged;
		name[nl] = '\0';
		for (size_t i = 0; i < ARRAY_LEN(archive_files); i++)
			known |= strcmp(name, archive_files[i]) == 0;
		if (!known || get_exact(r, hdr, 8) < 0)
			goto damaged;
		for (int i = 0; i < 8; i++)
			size = size << 8 | hdr[i];
		if (size > MAX_FILE)
			goto damaged;
		path = xasprintf("%s/%s", dir, name);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		free(path);
		if (out < 0)
			goto damaged;
		while (size > 0) {
			char chunk[65536];
			size_t want = size < sizeof(chunk) ? (size_t)size : sizeof(chunk);
			if (get_exact(r, chunk, want) < 0 ||
			    write(out, chunk, want) != (ssize_t)want) {
				close(out);
				goto damaged;
			}
			size -= want;
		}
		if (fsync(out) != 0 || close(out) != 0)
			goto damaged;
	}
	{
		/* nothing may follow the end marker but the stream's end */
		char extra;
		if (backup_reader_get(r, &extra, 1) != 0)
			goto damaged;
	}
	dir_sync(dir);
	printf("restored into %s; it unlocks with the passphrase it had when "
	       "the backup was made\n",
	       dir);
	rc = 0;
	goto out;
damaged:
	cli_err("restore", "%s: the backup is damaged or was tampered with; "
			   "nothing usable was restored",
		from);
out:
	if (rc != 0 && made_dir) {
		for (size_t i = 0; i < ARRAY_LEN(archive_files); i++) {
			char *p = xasprintf("%s/%s", dir, archive_files[i]);
			unlink(p);
			free(p);
		}
		rmdir(dir);
	}
	backup_reader_free(r);
	close(fd);
	return rc;
}

/* ---- passphrase ---- */

int cmd_passphrase(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"new-passphrase-file", required_argument, NULL, 'N'},
		{"kdf", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const char USAGE[] =
		"--data DIR [--passphrase-file F] [--new-passphrase-file F] "
		"[--kdf COST]";
	const char *dir = NULL, *passfile = NULL, *newfile = NULL;
	enum kdf_cost cost = KDF_MODERATE;
	char err[256], *np;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'B':
			if (cli_set("passphrase", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'P': passfile = optarg; break;
		case 'N': newfile = optarg; break;
		case 'k':
			if (kdf_cost_parse(optarg, &cost) != 0) {
				cli_err("passphrase", "--kdf: '%s' is not "
						      "interactive, moderate or "
						      "sensitive", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: rudder passphrase %s\n\nRewraps the data "
			       "key under a new passphrase. Stop 'rudder serve' "
			       "first\nor restart it after; backups keep the old "
			       "passphrase.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("passphrase", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || !dir) {
		cli_usage_error("passphrase", USAGE);
		return EXIT_USAGE;
	}
	if (cli_open("passphrase", dir, passfile, true, false) != 0)
		return 1;
	np = cli_secret("passphrase", newfile, "new passphrase", true);
	if (!np) {
		platform_close();
		return EXIT_USAGE;
	}
	rc = keys_rewrap(dir, np, cost, err, sizeof(err));
	sodium_memzero(np, strlen(np));
	free(np);
	if (rc != 0) {
		cli_err("passphrase", "%s", err);
		platform_close();
		return 1;
	}
	audit_add(platform_conn(), 0, "cli", "passphrase.changed", "", NULL);
	platform_close();
	printf("the passphrase is changed\n");
	return 0;
}
