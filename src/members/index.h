/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The in-memory member index: search by any fragment of a name, phone or
 * email, and lists sorted by name, for a million people, while the disk
 * holds only ciphertext. Built from the database when rudder serve starts
 * (it opens the sealed names, phones and emails), kept current as people
 * change, and held only in the memory of the unlocked process.
 * See docs/members.md.
 */
#ifndef RUDDER_MEMBERS_INDEX_H
#define RUDDER_MEMBERS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db_conn;

struct members_index_query {
	const char *text;          /* a fragment; NULL or "" lists */
	bool org;                  /* every branch is visible */
	const uint8_t *visible;    /* else: bitmap by branch id */
	size_t nvisible;           /* bits in visible */
	const uint8_t *in_branch;  /* filter: bitmap by branch id, or NULL */
	size_t nin_branch;
	int status;                /* -1: any, else enum mstatus */
	int64_t union_id;          /* 0: any */
	size_t offset, limit;      /* the page */
	size_t count_cap;          /* a text search counts up to this (0:
				    * all); the total is then "at least" */
	/* in ascending id rather than by name, from the first id above
	 * after (offset unused): the API's walk, which a rename or an
	 * addition never makes skip nor repeat anyone */
	bool by_id;
	int64_t after;
};

struct mindex_hit {
	int64_t id;
	int64_t branch_id;
	int status;
	const char *display_name; /* arena-owned copy */
};

/* Builds the index from the database (replacing any). -1 on failure. */
int members_index_load(struct db_conn *c);
/* Reads one person again after a change (or removes them when gone or
 * erased). Cheap; the index rebuilds itself in the background when many
 * changes have piled up. */
void members_index_refresh(struct db_conn *c, int64_t id);
/* Rebuilds the index from the database in the background (after an
 * import by another process); queries meanwhile see the old one. */
void members_index_rebuild(void);
struct mindex_page {
	struct mindex_hit *hits; /* arena-owned */
	size_t n;                /* on this page */
	size_t total;            /* matching in all, or at least this many */
	bool at_least;           /* counting stopped at q->count_cap */
};

/* The page of people matching q, sorted by display name (or by id, from
 * q->after), and how many match in all (after or not). */
int members_index_query(struct arena *a, const struct members_index_query *q,
			struct mindex_page *page_r);
/* Active people per branch id (counts[branch], n slots). */
void members_index_count_active(int64_t *counts, size_t n);
/* People in the index (for tests and metrics). */
size_t members_index_count(void);
/* Frees everything (at shutdown). */
void members_index_free(void);

#endif
