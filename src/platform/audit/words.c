/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit log in words: the sentences of every part's actions and the
 * names of their things, put together into one sentence per entry, in
 * the reader's language, each thing named and linked where the reader
 * may go. An entry with no sentence (an action of a module since
 * removed) is still told: "who: action object".
 */
#include "audit.h"
#include "platform/http/http.h"
#include "platform/i18n/i18n.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const struct audit_words *words[16];
static size_t nwords;

void audit_add_words(const struct audit_words *w)
{
	if (!w)
		return;
	assert(nwords < sizeof(words) / sizeof(*words));
	words[nwords++] = w;
}

static const char *phrase_of(const char *action)
{
	for (size_t i = 0; i < nwords; i++)
		for (const struct audit_phrase *p = words[i]->phrases;
		     p && p->action; p++)
			if (strcmp(p->action, action) == 0)
				return p->msgid;
	return NULL;
}

static const struct audit_noun *noun_of(const char *kind, size_t n)
{
	for (size_t i = 0; i < nwords; i++)
		for (const struct audit_noun *o = words[i]->nouns; o && o->kind;
		     o++)
			if (strlen(o->kind) == n && strncmp(o->kind, kind, n) == 0)
				return o;
	return NULL;
}

static void part(json_t *parts, const char *text, const char *href)
{
	json_t *p = json_pack("{s:s}", "text", text);

	if (href)
		json_object_set_new(p, "href", json_string(href));
	json_array_append_new(parts, p);
}

/* A thing of kind (n bytes) with key: its name and link, or "kind #key". */
static void thing(struct http_req *rq, json_t *parts, const char *kind,
		  size_t n, const char *key)
{
	const struct audit_noun *o = noun_of(kind, n);
	const char *name = o && o->name ? o->name(rq, key) : NULL;

	if (!name) {
		if (o && o->label)
			part(parts, arena_printf(rq->arena, "%s #%s",
						 tr_rq(rq, o->label), key),
			     NULL);
		else
			part(parts, arena_printf(rq->arena, "%.*s #%s", (int)n,
						 kind, key),
			     NULL);
		return;
	}
	part(parts, name,
	     o->href ? arena_printf(rq->arena, o->href, key) : NULL);
}

/* A detail member as text: strings as they are, numbers as numbers. */
static const char *detail_text(struct http_req *rq, json_t *detail,
			       const char *key)
{
	json_t *v = json_object_get(detail, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(rq->arena, "%lld",
				    (long long)json_integer_value(v));
	if (json_is_boolean(v))
		return tr_rq(rq, json_is_true(v) ? "yes" : "no");
	return "";
}

/* "Ainur" or "Ainur (through the token “SMS gateway”)" */
static void the_token(struct http_req *rq, json_t *parts, const char *label)
{
	if (!label || !str_starts(label, AUDIT_TOKEN_LABEL))
		return;
	part(parts,
	     arena_printf(rq->arena, " (%s “%s”)",
			  tr_rq(rq, N_("through the access token")),
			  label + strlen(AUDIT_TOKEN_LABEL)),
	     NULL);
}

static void the_actor(struct http_req *rq, json_t *parts, int64_t actor,
		      const char *actor_name, const char *label)
{
	if (actor && actor_name && *actor_name) {
		part(parts, actor_name,
		     arena_printf(rq->arena, "/admin/users/%lld", (long long)actor));
		the_token(rq, parts, label);
		return;
	}
	if (actor) {
		thing(rq, parts, "user", 4, arena_printf(rq->arena, "%lld", (long long)actor));
		the_token(rq, parts, label);
		return;
	}
	part(parts,
	     tr_rq(rq, strcmp(label, "cli") == 0	 ? N_("the command line")
		       : strcmp(label, "schedule") == 0	 ? N_("the backup schedule")
		       : strcmp(label, "anonymous") == 0 ? N_("someone not signed in")
							 : N_("the system")),
	     NULL);
}

static void the_object(struct http_req *rq, json_t *parts, const char *object)
{
	const char *colon = strchr(object, ':');

	if (!*object)
		part(parts, tr_rq(rq, "someone unknown"), NULL);
	else if (colon)
		thing(rq, parts, object, (size_t)(colon - object), colon + 1);
	else
		part(parts, object, NULL);
}

/* A sentence starts with a capital, whatever its first part is. */
static void capitalize(struct http_req *rq, json_t *parts)
{
	json_t *first = json_array_get(parts, 0);
	char *t;

	if (!first)
		return;
	t = arena_strdup(rq->arena, json_string_value(json_object_get(first, "text")));
	str_upper_first(t);
	json_object_set_new(first, "text", json_string(t));
}

json_t *audit_tell(struct http_req *rq, int64_t actor, const char *actor_name,
		   const char *actor_label, const char *action,
		   const char *object, json_t *detail)
{
	const char *msgid = phrase_of(action);
	const char *s, *p;
	json_t *parts = json_array();

	if (!msgid) {
		the_actor(rq, parts, actor, actor_name, actor_label);
		part(parts, arena_printf(rq->arena, ": %s ", action), NULL);
		if (*object)
			the_object(rq, parts, object);
		capitalize(rq, parts);
		return parts;
	}
	/* the translated sentence, its placeholders filled part by part */
	for (s = p = tr_rq(rq, msgid); *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *colon;
		size_t n;

		if (!close) {
			p++;
			continue;
		}
		if (p > s)
			part(parts, arena_strndup(rq->arena, s, (size_t)(p - s)), NULL);
		n = (size_t)(close - p - 1);
		colon = memchr(p + 1, ':', n);
		if (n == 5 && strncmp(p + 1, "actor", 5) == 0) {
			the_actor(rq, parts, actor, actor_name, actor_label);
		} else if (n == 6 && strncmp(p + 1, "object", 6) == 0) {
			the_object(rq, parts, object);
		} else {
			const char *key = arena_strndup(
				rq->arena, p + 1, colon ? (size_t)(colon - p - 1) : n);
			const char *v = detail_text(rq, detail, key);
			if (colon)
				thing(rq, parts, colon + 1, (size_t)(close - colon - 1), v);
			else
				part(parts, v, NULL);
		}
		s = p = close + 1;
	}
	if (p > s)
		part(parts, s, NULL);
	capitalize(rq, parts);
	return parts;
}

json_t *audit_name(struct http_req *rq, const char *object)
{
	json_t *parts = json_array();

	the_object(rq, parts, object);
	return parts;
}
