/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The second factor: TOTP codes through liboath, and the enrolment QR code
 * through libqrencode, drawn as an inline SVG made only of our own markup
 * (no image request, nothing for the page's CSP to allow).
 */
#include "auth.h"
#include "platform/core/core.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define STEP 30

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void oath_setup(void)
{
	oath_init();
}

char *totp_new_secret(struct arena *a)
{
	unsigned char raw[20];

	random_bytes(raw, sizeof(raw));
	return arena_base32(a, raw, sizeof(raw));
}

/* base32 secret -> raw bytes (malloc'd) */
static char *decode(const char *b32, size_t *len_r)
{
	char *raw = NULL;

	pthread_once(&once, oath_setup);
	if (oath_base32_decode(b32, strlen(b32), &raw, len_r) != OATH_OK)
		return NULL;
	return raw;
}

int64_t totp_check(const char *secret_b32, const char *code, int64_t now)
{
	size_t len;
	char *raw = decode(secret_b32, &len);
	int pos = 0, rc;

	if (!raw)
		return -1;
	if (strlen(code) != 6 || strspn(code, "0123456789") != 6) {
		free(raw);
		return -1;
	}
	rc = oath_totp_validate2(raw, len, (time_t)now, STEP, 0, 1, &pos, code);
	free(raw);
	if (rc < 0)
		return -1;
	return now / STEP + pos;
}

int totp_code(const char *secret_b32, int64_t now, char out[7])
{
	size_t len;
	char *raw = decode(secret_b32, &len);
	int rc;

	if (!raw)
		return -1;
	rc = oath_totp_generate(raw, len, (time_t)now, STEP, 0, 6, out);
	free(raw);
	return rc == OATH_OK ? 0 : -1;
}

char *qr_svg(struct arena *a, const char *text, const char *label)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct buf b;
	int w, quiet = 4;
	char *out;

	if (!q)
		return arena_strdup(a, "");
	w = q->width;
	buf_init(&b);
	buf_puts(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
		     "role=\"img\" aria-label=\"");
	for (const char *p = label; *p; p++) /* an attribute: escaped */
		if (*p == '&' || *p == '<' || *p == '>' || *p == '"')
			buf_printf(&b, "&#%d;", *p);
		else
			buf_append(&b, p, 1);
	buf_printf(&b,
		   "\" viewBox=\"0 0 %d %d\" "
		   "shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   w + 2 * quiet, w + 2 * quiet, w + 2 * quiet, w + 2 * quiet);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				buf_printf(&b, "M%d %dh1v1h-1z", x + quiet,
					   y + quiet);
	buf_puts(&b, "\"/></svg>");
	QRcode_free(q);
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}
