/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Paging the JSON lists under /api/v1/ one way (http.h, "lists"): the
 * cursor and limit of a request, checked once here; the cursor a page
 * hands on; the envelope every list answers in; and the page of a list
 * small enough to be held whole.
 *
 * A cursor is base64url of "1:<id>": a version, then the id of the last
 * record a page held. It says where a walk is and nothing about anyone;
 * clients treat it as opaque, so that what it holds may change with its
 * version.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_VERSION "1:"
#define CURSOR_MAX 64 /* bytes of a cursor and its NUL, at most */

_Static_assert(HTTP_LIST_MAX == 200,
	       "the refusal of a limit below says the maximum: change it too");

const struct field http_list_fields[] = {
	HTTP_LIST_FIELDS,
	{0},
};

/* The cursor after id into out. */
static void cursor_of(int64_t id, char out[CURSOR_MAX])
{
	char text[32];
	int n = snprintf(text, sizeof(text), CURSOR_VERSION "%lld", (long long)id);

	assert(id > 0 && n > 0 && (size_t)n < sizeof(text));
	assert(base64url_len((size_t)n) < CURSOR_MAX);
	base64url_encode(text, (size_t)n, out);
}

char *http_list_cursor(struct arena *a, int64_t id)
{
	char out[CURSOR_MAX];

	cursor_of(id, out);
	return arena_strdup(a, out);
}

int http_list_cursor_read(const char *cursor, int64_t *id_r)
{
	char text[33], again[CURSOR_MAX];
	long n = base64url_decode(cursor, text, sizeof(text) - 1);
	const char *digits = text + strlen(CURSOR_VERSION);
	int64_t id;

	if (n <= (long)strlen(CURSOR_VERSION))
		return -1;
	text[n] = '\0';
	if (strncmp(text, CURSOR_VERSION, strlen(CURSOR_VERSION)) != 0 ||
	    digits[0] < '1' || digits[0] > '9' ||
	    strspn(digits, "0123456789") != strlen(digits) ||
	    str_to_i64(digits, &id) != 0 || id <= 0)
		return -1;
	/* only the one spelling we make (base64 leaves spare bits that
	 * would let several texts name one id) */
	cursor_of(id, again);
	if (strcmp(again, cursor) != 0)
		return -1;
	*id_r = id;
	return 0;
}

int http_list_args(struct http_req *rq, struct http_resp *rs,
		   struct http_list *l_r)
{
	const char *cursor = http_field(rq, "cursor");
	int64_t limit = http_field_int(rq, "limit", HTTP_LIST_DEFAULT);

	memset(l_r, 0, sizeof(*l_r));
	if (limit < 1 || limit > HTTP_LIST_MAX) {
		http_error_field(rq, rs, "limit", tr_rq(rq, N_("Limit")),
				 N_("must be a whole number from 1 to 200"));
		return -1;
	}
	if (cursor && http_list_cursor_read(cursor, &l_r->id) != 0) {
		http_error_field(rq, rs, "cursor", tr_rq(rq, N_("Cursor")),
				 N_("is not one this list gave; start again without it"));
		return -1;
	}
	l_r->limit = (size_t)limit;
	return 0;
}

void http_list_reply(struct http_resp *rs, const struct http_list *l,
		     const char *name, json_t *items, int64_t next_id,
		     size_t total, bool lower_bound)
{
	char cursor[CURSOR_MAX];
	json_t *next = json_null();

	assert(json_array_size(items) <= l->limit);
	if (next_id > 0) {
		cursor_of(next_id, cursor);
		next = json_string(cursor);
	}
	http_json(rs, 200,
		  json_pack("{s:o, s:o, s:I, s:I, s:b}", name, items,
			    "next_cursor", next, "limit", (json_int_t)l->limit,
			    "total", (json_int_t)total, "total_is_lower_bound",
			    lower_bound));
}

struct item {
	int64_t id;
	json_t *o;
};

static int by_id(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

void http_list_array(struct http_resp *rs, const struct http_list *l,
		     const char *name, json_t *all)
{
	size_t total = json_array_size(all), n = 0, i;
	struct item *after = xmalloc((total + 1) * sizeof(*after));
	json_t *page = json_array(), *o;
	int64_t next = 0;

	json_array_foreach(all, i, o) {
		int64_t id = json_integer_value(json_object_get(o, "id"));
		assert(id > 0);
		if (id > l->id)
			after[n++] = (struct item){id, o};
	}
	qsort(after, n, sizeof(*after), by_id);
	for (i = 0; i < n && i < l->limit; i++)
		json_array_append(page, after[i].o);
	if (n > l->limit)
		next = after[l->limit - 1].id;
	free(after);
	json_decref(all);
	http_list_reply(rs, l, name, page, next, total, false);
}
