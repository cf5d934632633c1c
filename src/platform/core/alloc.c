/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Allocation that never returns NULL, and the per-request arena.
 *
 * The arena is a chain of blocks; big requests get a block of their own.
 * Cleanup hooks let a request own things that are not arena memory (a
 * jansson value, a database statement) and still free them in one place.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "rudder: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b, NULL);
}

/* ---- arena ---- */

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_hook {
	struct arena_hook *next;
	void (*fn)(void *);
	void *arg;
};

struct arena {
	struct arena_block *head;
	struct arena_hook *hooks;
	size_t total;
};

static struct arena_block *block_new(size_t cap)
{
	struct arena_block *b = xmalloc(sizeof(*b) + cap);
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));
	a->head = block_new(ARENA_BLOCK - sizeof(struct arena_block));
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	/* hooks may use arena memory, so they run first */
	while (a->hooks) {
		struct arena_hook *h = a->hooks;
		a->hooks = h->next;
		h->fn(h->arg);
	}
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_block *b = a->head;
	void *p;

	if (need == 0)
		need = ARENA_ALIGN;
	if (b->cap - b->used < need) {
		if (need > ARENA_BLOCK / 4) {
			/* a big piece gets its own block behind the current one */
			struct arena_block *big = block_new(need);
			big->used = need;
			big->next = b->next;
			b->next = big;
			a->total += need;
			memset(big->data, 0, need);
			return big->data;
		}
		b = block_new(ARENA_BLOCK - sizeof(struct arena_block));
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
	/* the hook record is arena memory: it goes with the blocks */
	struct arena_hook *h = arena_alloc(a, sizeof(*h));
	h->fn = fn;
	h->arg = arg;
	h->next = a->hooks;
	a->hooks = h;
}

void *arena_grow(struct arena *a, void *old, size_t n, size_t *cap,
		 size_t elem)
{
	void *grown;
	size_t nc;

	if (n < *cap)
		return old;
	nc = *cap ? *cap * 2 : 8;
	grown = arena_alloc(a, nc * elem);
	if (n)
		memcpy(grown, old, n * elem);
	*cap = nc;
	return grown;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
