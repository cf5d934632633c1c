/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Backups of an opened data directory: a consistent copy of the database
 * (always an SQLite file, whatever the server runs on), keys.json and
 * rudder.conf, packed in a small archive and sealed to the backup public
 * key made at init (crypto/backup.c). Written by `rudder backup` and, when
 * backup.dir is set, by `rudder serve` itself on a schedule; each is in
 * the audit log.
 *
 * Archive: ARCHIVE_MAGIC, then for each file a 2-byte name length, the
 * name, an 8-byte size and the bytes (big endian), then a zero length.
 */
#ifndef RUDDER_BACKUP_H
#define RUDDER_BACKUP_H

#include <stddef.h>

#define ARCHIVE_MAGIC "RUDDERARCHIVE1\n"

/* The files an archive may hold, in the order written. */
static const char *const archive_files[] = {"rudder.db", "keys.json",
					    "rudder.conf"};

/* Writes a backup to path ("-": standard output) — through a temporary
 * file renamed into place, so a failure leaves no half backup. actor names
 * who asked, for the audit log ("cli", "schedule"). 0, or -1 with why. */
int platform_backup_file(const char *path, const char *actor, char *err,
			 size_t cap);

/* The schedule of `rudder serve`: with backup.dir set, a backup every
 * backup.every seconds, keeping the backup.keep newest. */
int backup_scheduler_start(void);
void backup_scheduler_stop(void);

#endif
