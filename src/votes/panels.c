/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What the votes add to the congress's own pages (congress.h,
 * "congress_extension"): a link to the polls on the congress's page; on
 * the projector the open poll with how many mandates have voted against
 * those present, then the result with its bars (and an election's
 * rounds); in the minutes every poll under the item it was taken under —
 * the verdict as counted ("adopted unanimously" is the count's word, not
 * a secretary's), who voted how in a named poll, the digest of a secret
 * poll's published ballot list.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <stddef.h>
#include <string.h>

/* A ballot's content in words: "Yes", an option's label, approvals
 * joined, a ranking "B > A > C". */
const char *votes_content_text(struct http_req *rq, const struct poll *p,
				const struct poll_option *opt, size_t nopt,
				const char *content)
{
	struct buf b;
	const char *s = content, *out;

	if (strchr(content, ':')) { /* a split: "Y:70 N:30 A:5" */
		buf_init(&b);
		while (*s) {
			const char *colon = strchr(s, ':'), *sp;
			if (!colon)
				break;
			sp = strchr(colon, ' ');
			buf_printf(&b, "%s%s %.*s", b.len ? ", " : "",
				   votes_content_text(rq, p, opt, nopt,
						arena_strndup(rq->arena, s,
							      (size_t)(colon - s))),
				   (int)(sp ? sp - colon - 1 : (ptrdiff_t)strlen(colon + 1)),
				   colon + 1);
			s = sp ? sp + 1 : colon + strlen(colon);
		}
		out = arena_strdup(rq->arena, b.data ? b.data : "");
		buf_free(&b);
		return out;
	}
	if (strcmp(content, "A") == 0)
		return tr_rq(rq, N_("Abstain"));
	if (strcmp(p->kind, "yna") == 0)
		return tr_rq(rq, strcmp(content, "Y") == 0 ? N_("Yes") : N_("No"));
	buf_init(&b);
	while (*s) {
		char *end;
		long pos = strtol(s, &end, 10);
		if (end == s)
			break;
		if (b.len)
			buf_puts(&b, strcmp(p->kind, "ranked") == 0 ? " > " : ", ");
		buf_puts(&b, pos >= 1 && (size_t)pos <= nopt ? opt[pos - 1].label : "?");
		s = end;
		while (*s == ',' || *s == ' ')
			s++;
	}
	out = arena_strdup(rq->arena, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

/* The panel of a closed poll; with the rounds' table when asked. */
static json_t *result_panel(struct http_req *rq, const struct poll *p,
			    bool rounds, bool named)
{
	struct poll_option *opt = NULL;
	size_t nopt = 0;
	json_t *v, *panel, *lines = json_array();

	votes_options(platform_conn(), rq->arena, p->id, &opt, &nopt);
	panel = json_pack("{s:s, s:s}", "heading", p->question, "href",
			  votes_poll_path(rq->arena, p));
	if (strcmp(p->state, "void") == 0) {
		json_array_append_new(lines, json_string(tr_rq(rq, N_("Void: this poll decided nothing."))));
		json_object_set_new(panel, "lines", lines);
		return panel;
	}
	if (!(v = votes_result_view(rq, p, opt, nopt))) {
		json_decref(lines);
		json_decref(panel);
		return NULL;
	}
	if (json_object_get(v, "verdict"))
		json_array_append(lines, json_object_get(v, "verdict"));
	json_array_extend(lines, json_object_get(v, "lines"));
	json_object_set_new(panel, "lines", lines);
	json_object_set(panel, "bars", json_object_get(v, "bars"));
	if (json_object_get(v, "elected"))
		json_object_set_new(panel, "list",
				    json_pack("{s:O}", "items",
					      json_object_get(v, "elected")));
	if (rounds && json_object_get(v, "rounds")) {
		json_t *r = json_object_get(v, "rounds"), *rows = json_array(), *x;
		json_t *head = json_array();
		size_t i;
		json_array_append_new(head, json_string(tr_rq(rq, N_("Round"))));
		json_array_append_new(head, json_string(tr_rq(rq, N_("What happened"))));
		json_array_extend(head, json_object_get(r, "head"));
		json_array_append_new(head, json_string(tr_rq(rq, N_("Non-transferable"))));
		json_array_foreach(json_object_get(r, "rows"), i, x) {
			json_t *cells = json_array();
			json_array_append_new(cells, json_string(arena_printf(
					rq->arena, "%lld",
					(long long)json_integer_value(json_object_get(x, "round")))));
			json_array_append(cells, json_object_get(x, "what"));
			json_array_extend(cells, json_object_get(x, "votes"));
			json_array_append(cells, json_object_get(x, "nontransferable"));
			json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
		}
		json_object_set_new(
			panel, "table",
			json_pack("{s:s, s:o, s:o}", "caption",
				  arena_printf(rq->arena, "%s %s",
					       tr_rq(rq, N_("The count, round by round. Quota:")),
					       json_string_value(json_object_get(v, "quota"))),
				  "head", head, "rows", rows));
	}
	if (named && !p->secret) {
		struct named_vote *nv;
		size_t n;
		if (votes_named(platform_conn(), rq->arena, p->id, &nv, &n) == DB_OK)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(
					lines,
					json_string(arena_printf(
						rq->arena, "%s (%lld): %s", nv[i].voter,
						(long long)nv[i].weight,
						votes_content_text(rq, p, opt, nopt, nv[i].content))));
	}
	json_decref(v);
	return panel;
}

/* The hall's screen: the open poll (the newest), else the result of the
 * last poll closed under the item under way. */
static json_t *projector(struct http_req *rq, const struct congress *k)
{
	struct poll *p;
	size_t n;
	int64_t item;
	const char *title;

	if (votes_polls(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].state, "open") == 0) {
			struct congress_presence pr = {0};
			int64_t proxied = 0;
			congress_presence(platform_conn(), k->id, &pr);
			votes_proxied_present(platform_conn(), rq->arena, k->id,
					      p[i].id, &proxied);
			pr.mandates_present += proxied;
			return json_pack(
				"{s:s, s:[s]}", "heading", p[i].question, "lines",
				arena_printf(rq->arena, "%s %lld / %lld",
					     tr_rq(rq, N_("Voting. Mandates that have voted, of those present:")),
					     (long long)p[i].marks,
					     (long long)pr.mandates_present));
		}
	if (congress_item_current(platform_conn(), rq->arena, k->id, &item, &title) !=
		    DB_OK ||
	    !item)
		return NULL;
	for (size_t i = 0; i < n; i++) /* newest first */
		if (strcmp(p[i].state, "closed") == 0 && p[i].item_id == item)
			return result_panel(rq, &p[i], true, false);
	return NULL;
}

/* The minutes' record of proxies standing, before the items: for the
 * chair and the door, who see the participants anyway. */
static json_t *proxies_panel(struct http_req *rq, const struct congress *k)
{
	struct vote_proxy *x;
	size_t n;
	json_t *items;

	/* who attends is a secret: for those who see the participants */
	if (!can(rq, PERM_CONGRESS_CHAIR, k->scope_id) &&
	    !can(rq, PERM_CONGRESS_DOOR, k->scope_id))
		return NULL;
	if (votes_proxies_live(platform_conn(), rq->arena, k->id, &x, &n) != DB_OK ||
	    !n)
		return NULL;
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct poll p;
		const char *scope = tr_rq(rq, N_("every poll"));
		if (x[i].poll_id &&
		    votes_poll_get(platform_conn(), rq->arena, x[i].poll_id, &p) == DB_OK)
			scope = p.question;
		json_array_append_new(
			items, json_string(arena_printf(rq->arena, "%s → %s (%s)",
							x[i].giver, x[i].holder, scope)));
	}
	return json_pack("{s:s, s:{s:o}}", "heading",
			 tr_rq(rq, N_("Proxies: whose vote, held by whom")), "list",
			 "items", items);
}

/* The minutes: the polls taken under item (0: under none), in order. */
static json_t *minutes(struct http_req *rq, const struct congress *k,
		       int64_t item)
{
	struct poll *p;
	size_t n;
	json_t *arr = json_array();

	if (!item) {
		json_t *px = proxies_panel(rq, k);
		if (px)
			json_array_append_new(arr, px);
	}
	if (votes_polls(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return arr;
	for (size_t i = n; i-- > 0;) {
		json_t *panel;
		if (p[i].item_id != item || (strcmp(p[i].state, "closed") != 0 &&
					     strcmp(p[i].state, "void") != 0))
			continue;
		if ((panel = result_panel(rq, &p[i], false, true)))
			json_array_append_new(arr, panel);
	}
	return arr;
}

const struct congress_extension votes_proxies_extension = {
	.link = "/proxies",
	.link_label = N_("Proxies"),
};

const struct congress_extension votes_codes_extension = {
	.link = "/codes",
	.link_label = N_("Voting codes"),
	.link_perm = PERM_CONGRESS_DOOR,
};

const struct congress_extension votes_extension = {
	.link = "/polls",
	.link_label = N_("Polls and elections"),
	.projector = projector,
	.minutes = minutes,
};
