/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * tmpl: the auto-escaping template engine.
 *
 * Syntax (a small Mustache):
 *   {{a.b}}            value, escaped for where it stands (see below)
 *   {{raw a.b}}        value unescaped — rare, greppable, never user input
 *   {{#a}}..{{/a}}     section: once per array element, once for an object
 *                      or a true value, not at all for false/null/""/0/[]
 *   {{^a}}..{{/a}}     inverted section: only when a is falsy
 *   {{.}}              the current element
 *   {{> part/name}}    partial: another template, same data
 *   {{_ "Text {x}"}}   translated text; {x} placeholders are filled from
 *                      the data after translation, escaped
 *   {{! comment}}
 *
 * Escaping follows the HTML context, which the compiler tracks:
 *   - text and double-quoted attribute values: & < > " ' become entities;
 *   - a value that starts an href/src/action/formaction attribute must be
 *     a safe URL (relative, http, https or mailto) or it becomes "#";
 *   - a value anywhere else inside a tag (unquoted or single-quoted
 *     attributes, attribute names, on* and style attributes) and inside
 *     <script> or <style> is a compile error.
 * Data is a jansson value; names are looked up from the innermost section
 * outwards.
 */
#ifndef RUDDER_TMPL_H
#define RUDDER_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "platform/core/core.h"

struct tmpl;

/* Compiles source text. NULL with "line N: reason" in err on a bad
 * template. The result is immutable and safe to share between threads. */
struct tmpl *tmpl_compile(const char *src, size_t n, char *err, size_t cap);
void tmpl_free(struct tmpl *t);

/* Finds a template for a partial by name; NULL when there is none. */
typedef const struct tmpl *(*tmpl_resolver)(const char *name);

/* Renders t with data into out; lang selects translations. Returns 0, or
 * -1 when a partial is missing or nesting is too deep (written to err). */
int tmpl_render(const struct tmpl *t, json_t *data, const char *lang,
		tmpl_resolver partials, struct buf *out, char *err, size_t cap);

/* ---- the embedded templates (tmpl/<part>/<name> assets) ---- */

/* Compiles every embedded template; -1 (with the template's name and the
 * reason in err) when one does not compile. */
int tmpl_load_all(char *err, size_t cap);
/* An embedded template by short name ("auth/login"), or NULL. */
const struct tmpl *tmpl_get(const char *name);
/* Calls fn for every msgid used by a template (for catalog checks). */
void tmpl_each_msgid(const struct tmpl *t, void (*fn)(const char *, void *),
		     void *arg);

/* Escapes s for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s, size_t n);
/* True when a URL may be placed in href/src: relative, http(s), mailto. */
int url_is_safe(const char *s);

#endif
