/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Randomness (libsodium), clocks, and careful file writes: a file that
 * matters is written to a temporary name, synced, then renamed, so a crash
 * leaves either the old or the new file, never half of one.
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void random_bytes(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

char *random_token(struct arena *a, size_t n)
{
	unsigned char raw[64];

	if (n > sizeof(raw))
		n = sizeof(raw);
	random_bytes(raw, n);
	return arena_base64url(a, raw, n);
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char zone_name[64] = "UTC";

int time_zone_set(const char *zone)
{
	char path[128];

	/* a name glibc does not find means UTC, silently: look first */
	if (!zone || !*zone || strstr(zone, "..") || zone[0] == '/' ||
	    strlen(zone) >= sizeof(zone_name))
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK) != 0)
		return -1;
	setenv("TZ", zone, 1);
	tzset();
	snprintf(zone_name, sizeof(zone_name), "%s", zone);
	return 0;
}

const char *time_zone(void)
{
	return zone_name;
}

void time_format(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
}

void time_format_clock(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, cap, "%H:%M:%S", &tm);
}

void date_today(char *out, size_t cap)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, cap, "%Y-%m-%d", &tm);
}

bool date_valid(const char *s, bool past_only)
{
	int y, m, d;
	char extra, today[11];
	struct tm tm = {0};
	time_t t;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return false;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	{
		struct tm back;
		gmtime_r(&t, &back);
		if (back.tm_mday != d || back.tm_mon != m - 1)
			return false; /* 2026-02-30 */
	}
	/* past: not after today in the organization's time zone */
	date_today(today, sizeof(today));
	return !past_only || strcmp(s, today) <= 0;
}

int64_t date_start(const char *ymd, int days)
{
	struct tm tm = {0};
	int y, m, d;
	char tail;
	time_t t;

	if (!ymd || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1; /* 2026-02-30 */
	tm.tm_mday = d + days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? -1 : (int64_t)t;
}

void time_format_iso(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *file_read(const char *path, size_t max, size_t *len_r)
{
	struct buf b;
	char chunk[8192];
	ssize_t k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	buf_init(&b);
	while ((k = read(fd, chunk, sizeof(chunk))) > 0) {
		if (b.len + (size_t)k > max) {
			close(fd);
			buf_free(&b);
			errno = E2BIG;
			return NULL;
		}
		buf_append(&b, chunk, (size_t)k);
	}
	if (k < 0) {
		int e = errno;
		close(fd);
		buf_free(&b);
		errno = e;
		return NULL;
	}
	close(fd);
	return buf_steal(&b, len_r);
}

int dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int file_write_atomic(const char *path, const void *data, size_t n, int mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	char *dcopy = xstrdup(path);
	const unsigned char *p = data;
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			goto out;
		}
		p += k;
		n -= (size_t)k;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = dir_sync(dirname(dcopy));
out:
	free(tmp);
	free(dcopy);
	return rc;
}
