/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Writing sealed backups, now or on a schedule (see backup.h). */
#include "backup.h"
#include "platform/audit/audit.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int put_file(struct backup_writer *w, const char *name,
		    const char *path)
{
	unsigned char hdr[10];
	size_t nl = strlen(name);
	struct stat sb;
	char chunk[65536];
	ssize_t k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	hdr[0] = (unsigned char)(nl >> 8);
	hdr[1] = (unsigned char)nl;
	backup_writer_put(w, hdr, 2);
	backup_writer_put(w, name, nl);
	for (int i = 0; i < 8; i++)
		hdr[i] = (unsigned char)((uint64_t)sb.st_size >> (56 - 8 * i));
	backup_writer_put(w, hdr, 8);
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		if (backup_writer_put(w, chunk, (size_t)k) != 0)
			break;
	close(fd);
	return k < 0 ? -1 : 0;
}

/* The settings to put in a backup. A backup is always an SQLite database,
 * so one taken from PostgreSQL must not send the restored copy back to
 * that server: its [db] url is commented out. Returns a path (malloc'd)
 * to read, maybe a temporary file (*tmp_r set). */
static char *conf_for_backup(const char *dir, bool *tmp_r)
{
	char *path = xasprintf("%s/rudder.conf", dir), *text, *out_path;
	struct buf b;
	bool in_db = false;
	size_t n;

	*tmp_r = false;
	if (strcmp(db_backend(platform_db()), "sqlite") == 0)
		return path;
	text = file_read(path, 1 << 20, &n);
	if (!text)
		return path;
	buf_init(&b);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t k = nl ? (size_t)(nl - line) : strlen(line);
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[')
			in_db = strncmp(p, "[db]", 4) == 0;
		if (in_db && strncmp(p, "url", 3) == 0)
			buf_puts(&b, "# (this backup was taken from PostgreSQL; restored, "
				     "it runs on SQLite: see rudder migrate-db)\n# ");
		buf_append(&b, line, k);
		buf_putc(&b, '\n');
		line = nl ? nl + 1 : NULL;
	}
	out_path = xasprintf("%s/.backup-%ld.conf", dir, (long)getpid());
	if (file_write_atomic(out_path, b.data, b.len, 0600) == 0) {
		*tmp_r = true;
		free(path);
		path = out_path;
	} else {
		free(out_path);
	}
	buf_free(&b);
	free(text);
	return path;
}

int platform_backup_file(const char *to, const char *actor, char *err,
			 size_t cap)
{
	const char *dir = platform_dir();
	char *snap = xasprintf("%s/.backup-%ld-%lx.db", dir, (long)getpid(),
			       (unsigned long)pthread_self());
	char *tmp_out = NULL;
	struct backup_writer *w;
	int fd, rc = -1;

	unlink(snap);
	if (db_snapshot(platform_db(), snap, err, cap) != 0)
		goto out;
	chmod(snap, 0600);
	if (strcmp(to, "-") == 0) {
		fd = STDOUT_FILENO;
	} else {
		tmp_out = xasprintf("%s.tmp", to);
		fd = open(tmp_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, cap, "cannot write %s: %s", to, strerror(errno));
			goto out;
		}
	}
	w = backup_writer_new(fd, keys_backup_pk());
	backup_writer_put(w, ARCHIVE_MAGIC, strlen(ARCHIVE_MAGIC));
	for (size_t i = 0; i < ARRAY_LEN(archive_files); i++) {
		bool tmp = false;
		char *path = i == 0   ? xstrdup(snap)
			     : i == 2 ? conf_for_backup(dir, &tmp)
				      : xasprintf("%s/%s", dir, archive_files[i]);
		int prc = put_file(w, archive_files[i], path);
		if (tmp)
			unlink(path);
		if (prc != 0 && i < 2) {
			snprintf(err, cap, "cannot read %s", path);
			free(path);
			backup_writer_finish(w);
			if (tmp_out)
				close(fd);
			goto out;
		}
		free(path);
	}
	{
		unsigned char end[2] = {0, 0};
		backup_writer_put(w, end, 2);
	}
	if (backup_writer_finish(w) != 0 ||
	    (tmp_out && (fsync(fd) != 0 || close(fd) != 0))) {
		snprintf(err, cap, "writing %s failed: %s", to, strerror(errno));
		goto out;
	}
	if (tmp_out && rename(tmp_out, to) != 0) {
		snprintf(err, cap, "cannot rename to %s: %s", to, strerror(errno));
		goto out;
	}
	audit_add(platform_conn(), 0, actor, "backup.created", "", NULL);
	rc = 0;
out:
	if (rc != 0 && tmp_out)
		unlink(tmp_out);
	unlink(snap);
	free(snap);
	free(tmp_out);
	return rc;
}

/* ---- the schedule ---- */

static pthread_t thread;
static bool running, stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes all but the newest `keep` backups in dir (rudder-*.rudder). */
static void prune(const char *dir, long keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	while (d && (e = readdir(d))) {
		size_t k = strlen(e->d_name);
		if (strncmp(e->d_name, "rudder-", 7) != 0 || k < 8 ||
		    strcmp(e->d_name + k - 7, ".rudder") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), cmp_names); /* oldest first */
	for (size_t i = 0; i < n; i++) {
		if ((long)(n - i) > keep) {
			char *p = xasprintf("%s/%s", dir, names[i]);
			unlink(p);
			free(p);
		}
		free(names[i]);
	}
	free(names);
}

static void *scheduler(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		char stamp[32], err[256], *path;
		const char *dir = conf_str("backup.dir");
		int64_t every = conf_int("backup.every");
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H%M%SZ", &tm);
		path = xasprintf("%s/rudder-%s.rudder", dir, stamp);
		pthread_mutex_unlock(&lock);
		platform_conn_fresh();
		if (platform_backup_file(path, "schedule", err, sizeof(err)) != 0)
			log_error("backup", "the scheduled backup failed: %s", err);
		else
			log_info("backup", "wrote a scheduled backup");
		prune(dir, conf_int("backup.keep"));
		free(path);
		pthread_mutex_lock(&lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += every > 0 ? every : 86400;
		while (!stopping &&
		       pthread_cond_timedwait(&cond, &lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int backup_scheduler_start(void)
{
	const char *dir = conf_str("backup.dir");
	struct stat sb;

	if (!*dir)
		return 0;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		log_error("backup", "backup.dir %s is not a directory", dir);
		return -1;
	}
	stopping = false;
	if (pthread_create(&thread, NULL, scheduler, NULL) != 0)
		return -1;
	running = true;
	return 0;
}

void backup_scheduler_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
}
