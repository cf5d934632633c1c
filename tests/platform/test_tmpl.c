/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: the template engine escapes by context and refuses values
 * where escaping cannot make them safe. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform/html/tmpl.h"
#include "platform/i18n/i18n.h"

static char *render(const char *src, const char *json)
{
	char err[256];
	json_error_t jerr;
	struct tmpl *t = tmpl_compile(src, strlen(src), err, sizeof(err));
	struct buf out;
	json_t *data = json_loads(json, 0, &jerr);

	cr_assert_not_null(t, "%s: %s", src, err);
	cr_assert_not_null(data, "%s", jerr.text);
	buf_init(&out);
	cr_assert_eq(tmpl_render(t, data, "en", NULL, &out, err, sizeof(err)), 0,
		     "%s", err);
	json_decref(data);
	tmpl_free(t);
	char *s = xstrdup(out.data ? out.data : "");
	buf_free(&out);
	return s;
}

static void refused(const char *src, const char *why_part)
{
	char err[256];
	struct tmpl *t = tmpl_compile(src, strlen(src), err, sizeof(err));
	cr_assert_null(t, "compiled but should not: %s", src);
	cr_assert(strstr(err, why_part), "%s -> %s", src, err);
}

Test(tmpl, escapes_text_and_attributes)
{
	char *s = render("<p title=\"{{t}}\">{{t}}</p>",
			 "{\"t\": \"<script>alert('x')</script>&\\\"\"}");
	cr_assert_str_eq(s,
			 "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\">"
			 "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</p>");
	free(s);
	s = render("{{raw h}}", "{\"h\": \"<b>ours</b>\"}");
	cr_assert_str_eq(s, "<b>ours</b>");
	free(s);
}

Test(tmpl, urls_are_checked_where_they_start_an_attribute)
{
	const char *tpl = "<a href=\"{{u}}\">x</a>";
	char *s = render(tpl, "{\"u\": \"javascript:alert(1)\"}");
	cr_assert_str_eq(s, "<a href=\"#\">x</a>");
	free(s);
	s = render(tpl, "{\"u\": \" JaVaScRiPt:alert(1)\"}");
	cr_assert_str_eq(s, "<a href=\"#\">x</a>");
	free(s);
	s = render(tpl, "{\"u\": \"//evil.example/\"}");
	cr_assert_str_eq(s, "<a href=\"#\">x</a>");
	free(s);
	s = render(tpl, "{\"u\": \"data:text/html,<b>\"}");
	cr_assert_str_eq(s, "<a href=\"#\">x</a>");
	free(s);
	s = render(tpl, "{\"u\": \"/admin/users?x=1&y=2\"}");
	cr_assert_str_eq(s, "<a href=\"/admin/users?x=1&amp;y=2\">x</a>");
	free(s);
	s = render(tpl, "{\"u\": \"https://example.org/a\"}");
	cr_assert_str_eq(s, "<a href=\"https://example.org/a\">x</a>");
	free(s);
	/* after a fixed prefix the scheme is ours: plain escaping */
	s = render("<a href=\"/u/{{id}}\">x</a>", "{\"id\": \"javascript:x\"}");
	cr_assert_str_eq(s, "<a href=\"/u/javascript:x\">x</a>");
	free(s);
	s = render("<form action=\"{{u}}\"></form>", "{\"u\": \"vbscript:x\"}");
	cr_assert_str_eq(s, "<form action=\"#\"></form>");
	free(s);
}

Test(tmpl, values_where_escaping_cannot_help_do_not_compile)
{
	refused("<a href={{u}}>", "double-quoted");
	refused("<a href='{{u}}'>", "double-quoted");
	refused("<a {{attr}}>", "double-quoted");
	refused("<div onclick=\"{{x}}\">", "event handler");
	refused("<div style=\"{{x}}\">", "style");
	refused("<script>var x = \"{{x}}\";</script>", "<script>");
	refused("<style>p { color: {{c}} }</style>", "<script>");
	refused("<!-- {{x}} -->", "comment");
	refused("<p title=\"{{raw x}}\">", "raw output inside an attribute");
	refused("{{{x}}}", "not supported");
	refused("{{#a}}open", "never closed");
	refused("{{/a}}", "unexpected");
	refused("{{#a}}{{/b}}", "unexpected");
	refused("{{x", "unclosed");
	refused("{{_ unquoted}}", "quoted string");
	refused("{{a..b}}", "bad name");
	refused("\xC3", "UTF-8");
	/* after </script> the context is text again */
	char *s = render("<script src=\"/s.js\"></script>{{x}}", "{\"x\": \"<\"}");
	cr_assert_str_eq(s, "<script src=\"/s.js\"></script>&lt;");
	free(s);
}

Test(tmpl, sections_loops_inverted_and_dotted_names)
{
	char *s = render("{{#list}}[{{name}}:{{org.name}}]{{/list}}{{^list}}none{{/list}}",
			 "{\"org\": {\"name\": \"SMK\"}, \"list\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
	cr_assert_str_eq(s, "[a:SMK][b:SMK]");
	free(s);
	s = render("{{#list}}x{{/list}}{{^list}}none{{/list}}", "{\"list\": []}");
	cr_assert_str_eq(s, "none");
	free(s);
	s = render("{{#n}}yes{{/n}}{{^z}}zero{{/z}}{{#o}}{{v}}{{/o}}",
		   "{\"n\": 3, \"z\": 0, \"o\": {\"v\": \"in\"}}");
	cr_assert_str_eq(s, "yeszeroin");
	free(s);
	s = render("{{#tags}}<{{.}}>{{/tags}}", "{\"tags\": [\"a&b\", 2]}");
	cr_assert_str_eq(s, "<a&amp;b><2>");
	free(s);
	s = render("{{missing}}{{a.b.c}}{{#x}}{{/x}}|", "{\"a\": 1}");
	cr_assert_str_eq(s, "|");
	free(s);
	s = render("{{! a comment }}{{n}} {{f}} {{t}}", "{\"n\": 1.5, \"f\": false, \"t\": true}");
	cr_assert_str_eq(s, "1.5 false true");
	free(s);
}

Test(tmpl, translation_placeholders_are_escaped)
{
	char *s = render("<p>{{_ \"Welcome, {user.name}\"}}</p>",
			 "{\"user\": {\"name\": \"<Yerlan>\"}}");
	cr_assert_str_eq(s, "<p>Welcome, &lt;Yerlan&gt;</p>");
	free(s);
	s = render("{{_ \"Braces {not valid} {} {\"}}", "{}");
	cr_assert_str_eq(s, "Braces {not valid} {} {");
	free(s);
	/* dots alone name nothing (found by fuzz_tmpl: it read a name that
	 * was never set) */
	s = render("{{#list}}{{_ \"a {.} {..} b\"}}{{/list}}", "{\"list\": [1]}");
	cr_assert_str_eq(s, "a {.} {..} b");
	free(s);
}

static const struct tmpl *self_resolver(const char *name)
{
	static struct tmpl *loop;
	char err[64];
	if (!loop)
		loop = tmpl_compile("{{> loop}}", 10, err, sizeof(err));
	return strcmp(name, "loop") == 0 ? loop : NULL;
}

Test(tmpl, partials_missing_and_recursive_fail_cleanly)
{
	char err[256];
	struct buf out;
	json_t *d = json_object();
	struct tmpl *t = tmpl_compile("{{> loop}}", 10, err, sizeof(err));
	buf_init(&out);
	cr_assert_eq(tmpl_render(t, d, "en", self_resolver, &out, err, sizeof(err)), -1);
	cr_assert(strstr(err, "too deeply"), "%s", err);
	tmpl_free(t);
	t = tmpl_compile("{{> nothere}}", 13, err, sizeof(err));
	cr_assert_eq(tmpl_render(t, d, "en", self_resolver, &out, err, sizeof(err)), -1);
	cr_assert(strstr(err, "nothere"), "%s", err);
	tmpl_free(t);
	buf_free(&out);
	json_decref(d);
}

Test(tmpl, deep_nesting_is_refused_not_a_crash)
{
	struct buf src;
	char err[256];
	buf_init(&src);
	for (int i = 0; i < 100; i++)
		buf_puts(&src, "{{#a}}");
	for (int i = 0; i < 100; i++)
		buf_puts(&src, "{{/a}}");
	cr_assert_null(tmpl_compile(src.data, src.len, err, sizeof(err)));
	buf_free(&src);
}

Test(tmpl, every_embedded_template_compiles)
{
	char err[512];
	cr_assert_eq(tmpl_load_all(err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(tmpl_get("html/layout"));
	cr_assert_not_null(tmpl_get("auth/login"));
	cr_assert_null(tmpl_get("auth/nope"));
}
