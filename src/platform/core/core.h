/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * core: what every other part of rudder stands on — allocation that aborts
 * on exhaustion, per-request arenas, growable buffers, logging without
 * personal data, UTF-8 checks, time, randomness and small encodings.
 */
#ifndef RUDDER_CORE_H
#define RUDDER_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Marks a msgid for translation (i18n.h translates it). */
#ifndef N_
#define N_(s) (s)
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* ---- allocation: these never return NULL; exhaustion aborts ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- arena: memory that lives as long as one request (or one task) ----
 * Everything allocated from an arena is freed by arena_free(). Cleanup
 * hooks run in reverse order of registration before the memory goes. */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);             /* NULL is a no-op */
void *arena_alloc(struct arena *a, size_t n); /* 16-byte aligned, zeroed */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
void *arena_memdup(struct arena *a, const void *p, size_t n);
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);
/* Growing arrays in an arena: returns an array with room for at least
 * n + 1 elements of elem bytes, holding the first n of old; *cap is the
 * capacity, doubled as needed. Usage: arr = arena_grow(a, arr, n, &cap,
 * sizeof(*arr)); arr[n++] = x; */
void *arena_grow(struct arena *a, void *old, size_t n, size_t *cap,
		 size_t elem);
size_t arena_used(const struct arena *a);

/* ---- buf: a growable byte string, always NUL-terminated ---- */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the bytes to the caller (free() them); the buf is left empty. */
char *buf_steal(struct buf *b, size_t *len_r);

/* ---- logging: stderr, one line each, never IP addresses or personal data.
 * The component names the part ("http", "db", "outbox"). */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *component, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
#define log_debug(c, ...) log_msg(LOG_DEBUG, c, __VA_ARGS__)
#define log_info(c, ...) log_msg(LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_msg(LOG_WARN, c, __VA_ARGS__)
#define log_error(c, ...) log_msg(LOG_ERROR, c, __VA_ARGS__)

/* ---- text ---- */
/* True when s[0..n) is well-formed UTF-8 without NUL bytes, overlongs or
 * surrogates. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in well-formed UTF-8. */
size_t utf8_len(const char *s, size_t n);
/* True for a single line of text: valid UTF-8 and no control characters. */
bool text_is_line(const char *s, size_t n);
/* Multi-line text: valid UTF-8, no control characters but \n, \r, \t. */
bool text_is_block(const char *s, size_t n);
/* Trims ASCII whitespace at both ends, in place; returns s. */
char *str_trim(char *s);
bool str_starts(const char *s, const char *prefix);
/* Case-insensitive ASCII comparison. */
bool str_ieq(const char *a, const char *b);
/* Parses a decimal int64 with no trailing garbage; -1 on error. */
int str_to_i64(const char *s, int64_t *out_r);
/* Lower-cases ASCII letters in place. */
void str_ascii_lower(char *s);
/* Capitalizes the first letter of s in place: ASCII, Russian and Kazakh
 * Cyrillic (the same number of bytes either way). */
void str_upper_first(char *s);
/* Text folded for search: UTF-8 lower-cased for Latin, Cyrillic and
 * Kazakh letters, other characters kept, invalid bytes skipped; appended
 * to b, or a copy in a (arena-owned). */
void text_fold_into(struct buf *b, const char *s);
char *text_fold(struct arena *a, const char *s);
/* A plausible email address: one @, no spaces or controls, a dot in the
 * domain, at most 254 bytes. Not a full RFC 5322 parser on purpose. */
bool email_plausible(const char *s);

/* ---- encodings ---- */
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const void *in, size_t n, char *out);
/* Returns bytes written or -1 on bad input; out holds strlen(in)/2. */
long hex_decode(const char *in, void *out, size_t out_cap);
/* URL-safe base64 without padding; out needs base64url_len(n)+1 bytes. */
size_t base64url_len(size_t n);
void base64url_encode(const void *in, size_t n, char *out);
/* Returns bytes written or -1. */
long base64url_decode(const char *in, void *out, size_t out_cap);
char *arena_base64url(struct arena *a, const void *in, size_t n);
/* Standard base64 with padding, line-wrapped at 76 when wrap is set. */
void base64_append(struct buf *b, const void *in, size_t n, bool wrap);
/* RFC 4648 base32 without padding (for TOTP secrets). */
char *arena_base32(struct arena *a, const void *in, size_t n);

/* ---- randomness and time ---- */
void random_bytes(void *buf, size_t n);
/* A random token of n bytes as base64url, arena-owned. */
char *random_token(struct arena *a, size_t n);
int64_t time_now(void);    /* seconds since the epoch */
int64_t time_now_ms(void); /* monotonic milliseconds */
/* The organization's time zone (an IANA name, "Asia/Almaty"): every
 * time shown and every date typed is in it. 0, or -1 when the system
 * has no such zone (then nothing changes). Call once, before threads. */
int time_zone_set(const char *zone);
const char *time_zone(void); /* "UTC" until set */
/* "2026-11-29 19:03" in the organization's time zone into out (at least
 * 32 bytes). */
void time_format(int64_t t, char *out, size_t cap);
/* "19:03:10" there (a clock on a page; out at least 9 bytes). */
void time_format_clock(int64_t t, char *out, size_t cap);
/* Today's date there, "2026-11-29" (out: at least 11 bytes). */
void date_today(char *out, size_t cap);
/* A real calendar date YYYY-MM-DD (no 2026-02-30), not after today in
 * the organization's time zone when past_only. */
bool date_valid(const char *s, bool past_only);
/* The first second of a day "YYYY-MM-DD" there (with days added: 1 for
 * the day after); -1 when the date is not one. */
int64_t date_start(const char *ymd, int days);
/* RFC 3339 "2026-11-29T14:03:00Z". */
void time_format_iso(int64_t t, char *out, size_t cap);

/* ---- files ---- */
/* Reads a whole file (at most max bytes). Returns malloc'd data or NULL with
 * errno set; E2BIG when the file is larger than max. */
char *file_read(const char *path, size_t max, size_t *len_r);
/* Writes data to path atomically (temp file, fsync, rename), with mode. */
int file_write_atomic(const char *path, const void *data, size_t n, int mode);
/* Fsyncs the directory holding path. */
int dir_sync(const char *dir);

#endif
