/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: urlencoded and multipart bodies, field validation. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform/http/http.h"

static struct arena *A;
static void setup(void) { A = arena_new(); }
static void teardown(void) { arena_free(A); }
TestSuite(form, .init = setup, .fini = teardown);

Test(form, urlencoded_decodes)
{
	struct kv *kv;
	size_t n;
	const char *s = "email=a%40b.kz&name=Ai+gerim&empty=&flag&q=%D0%90";
	cr_assert_eq(form_parse_urlencoded(A, s, strlen(s), &kv, &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(kv[0].value, "a@b.kz");
	cr_assert_str_eq(kv[1].value, "Ai gerim");
	cr_assert_str_eq(kv[2].value, "");
	cr_assert_str_eq(kv[3].key, "flag");
	cr_assert_str_eq(kv[4].value, "А");
}

Test(form, urlencoded_refuses_malformed)
{
	struct kv *kv;
	size_t n;
	const char *bad[] = {"a=%zz", "a=%4", "a=%", "a=%00", "a=%C3",
			     "=value", "a=%ED%A0%80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_eq(form_parse_urlencoded(A, bad[i], strlen(bad[i]),
						   &kv, &n),
			     -1, "%s", bad[i]);
	/* a flood of fields is refused, not parsed */
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 600; i++)
		buf_printf(&b, "f%d=1&", i);
	cr_assert_eq(form_parse_urlencoded(A, b.data, b.len, &kv, &n), -1);
	buf_free(&b);
}

static const char *CT = "multipart/form-data; boundary=XyZ";

Test(form, multipart_fields_and_files)
{
	const char *body =
		"preamble\r\n--XyZ\r\n"
		"Content-Disposition: form-data; name=\"title\"\r\n\r\n"
		"Strike at Ozenmunaigas\r\n--XyZ\r\n"
		"Content-Disposition: form-data; name=\"file\"; filename=\"r\\\"1.csv\"\r\n"
		"Content-Type: text/csv\r\n\r\n"
		"a,b\r\n1,2\r\n--XyZ--\r\n";
	struct kv *kv;
	struct upload *up;
	size_t nkv, nup;
	char err[128];
	cr_assert_eq(form_parse_multipart(A, CT, body, strlen(body), &kv, &nkv,
					  &up, &nup, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(nkv, 1);
	cr_assert_str_eq(kv[0].value, "Strike at Ozenmunaigas");
	cr_assert_eq(nup, 1);
	cr_assert_str_eq(up[0].filename, "r\"1.csv");
	cr_assert_str_eq(up[0].content_type, "text/csv");
	cr_assert_eq(up[0].len, 8);
	cr_assert_eq(memcmp(up[0].data, "a,b\r\n1,2", 8), 0);
}

Test(form, multipart_refuses_malformed)
{
	const char *bodies[] = {
		"no boundary at all",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever ends",
		"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xC3\r\n--XyZ--",
		"--XyZgarbage",
	};
	struct kv *kv;
	struct upload *up;
	size_t nkv, nup;
	char err[128];
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++)
		cr_assert_eq(form_parse_multipart(A, CT, bodies[i],
						  strlen(bodies[i]), &kv, &nkv,
						  &up, &nup, err, sizeof(err)),
			     -1, "body %zu", i);
	cr_assert_eq(form_parse_multipart(A, "multipart/form-data", "x", 1, &kv,
					  &nkv, &up, &nup, err, sizeof(err)),
		     -1);
}

static const struct field decl[] = {
	{.name = "email", .type = F_EMAIL, .required = true, .label = "Email"},
	{.name = "name", .type = F_LINE, .max_len = 10, .label = "Name"},
	{.name = "age", .type = F_INT, .label = "Age"},
	{.name = "ok", .type = F_BOOL, .label = "OK"},
	{.name = "tag", .type = F_TOKEN, .label = "Tag", .multi = true},
	{.name = "notes", .type = F_TEXT, .label = "Notes"},
	{.name = "pw", .type = F_SECRET, .label = "Password"},
	{0},
};

static int validate(const char *body, const char **field, const char **why)
{
	struct kv *kv;
	size_t n;
	const struct field *bad = NULL;
	cr_assert_eq(form_parse_urlencoded(A, body, strlen(body), &kv, &n), 0);
	int rc = form_validate(A, decl, &kv, &n, NULL, 0, &bad, why);
	*field = bad ? bad->name : NULL;
	return rc;
}

Test(form, validation_accepts_and_trims)
{
	const char *f, *why;
	struct kv *kv;
	size_t n;
	const struct field *bad;
	const char *body = "email=+a%40b.kz+&name=+Yerlan+&tag=x&tag=y&pw=+sp+&_csrf=t";
	cr_assert_eq(form_parse_urlencoded(A, body, strlen(body), &kv, &n), 0);
	cr_assert_eq(form_validate(A, decl, &kv, &n, NULL, 0, &bad, &why), 0);
	cr_assert_str_eq(kv[0].value, "a@b.kz");
	cr_assert_str_eq(kv[1].value, "Yerlan");
	cr_assert_str_eq(kv[4].value, " sp "); /* secrets stay as typed */
	cr_assert_eq(validate("email=a%40b.kz&notes=line1%0D%0Aline2", &f, &why), 0);
}

Test(form, validation_names_the_bad_field)
{
	const char *f, *why;
	cr_assert_eq(validate("name=x", &f, &why), -1);
	cr_assert_str_eq(f, "email");
	cr_assert_str_eq(why, "is required");
	cr_assert_eq(validate("email=nope", &f, &why), -1);
	cr_assert_str_eq(f, "email");
	cr_assert_eq(validate("email=a%40b.kz&name=12345678901", &f, &why), -1);
	cr_assert_str_eq(why, "is too long");
	cr_assert_eq(validate("email=a%40b.kz&age=1x", &f, &why), -1);
	cr_assert_str_eq(f, "age");
	cr_assert_eq(validate("email=a%40b.kz&ok=maybe", &f, &why), -1);
	cr_assert_eq(validate("email=a%40b.kz&tag=a%20b", &f, &why), -1);
	cr_assert_eq(validate("email=a%40b.kz&name=a%0Ab", &f, &why), -1);
	cr_assert_eq(validate("email=a%40b.kz&notes=bell%07", &f, &why), -1);
	cr_assert_eq(validate("email=a%40b.kz&sneaky=1", &f, &why), -1);
	cr_assert_str_eq(f, "sneaky");
	cr_assert_eq(validate("email=a%40b.kz&email=c%40d.kz", &f, &why), -1);
	cr_assert_str_eq(why, "was sent more than once");
}

/* Every refused value is reported, one reason per field, in the order
 * the fields are declared (a form shows each beside its field); a
 * request no form of ours sends is still refused whole. */
Test(form, every_refused_value_is_named_once)
{
	struct kv *kv;
	size_t n, nerrs;
	const struct field *bad = NULL;
	const char *why = NULL;
	struct field_error *errs;
	const char *body = "age=twelve&name=far+too+long+a+name&ok=maybe&tag=a%20b&tag=ok";

	cr_assert_eq(form_parse_urlencoded(A, body, strlen(body), &kv, &n), 0);
	cr_assert_eq(form_check(A, decl, &kv, &n, NULL, 0, &bad, &why, &errs, &nerrs), 1);
	cr_assert_eq(nerrs, 5);
	cr_assert_str_eq(errs[0].field->name, "email");
	cr_assert_str_eq(errs[0].msgid, "is required");
	cr_assert_str_eq(errs[1].field->name, "name");
	cr_assert_str_eq(errs[1].msgid, "is too long");
	cr_assert_str_eq(errs[2].field->name, "age");
	cr_assert_str_eq(errs[3].field->name, "ok");
	cr_assert_str_eq(errs[4].field->name, "tag");
	cr_assert_str_eq(errs[4].msgid, "holds characters that are not allowed");

	body = "email=a%40b.kz&stranger=1";
	cr_assert_eq(form_parse_urlencoded(A, body, strlen(body), &kv, &n), 0);
	cr_assert_eq(form_check(A, decl, &kv, &n, NULL, 0, &bad, &why, &errs, &nerrs), -1);
	cr_assert_str_eq(bad->name, "stranger");
}

/* A JSON list is the field sent once per item: a multi field takes every
 * value, any other refuses it as sent twice — never dropped, so never
 * read as "not sent" (a cast naming one mandate voted with all). */
Test(form, json_lists_are_repeated_fields)
{
	static const struct field cast_decl[] = {
		{.name = "mandate", .type = F_INT, .multi = true},
		{.name = "vote", .type = F_LINE},
		{0},
	};
	struct kv *kv;
	size_t n, nerrs;
	json_t *j;
	const struct field *bad;
	const char *why;
	struct field_error *errs;
	const char *body = "{\"vote\": \"Y\", \"mandate\": [12, \"14\"]}";

	cr_assert_eq(form_from_json(A, body, strlen(body), &kv, &n, &j), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(form_check(A, cast_decl, &kv, &n, NULL, 0, &bad, &why, &errs, &nerrs), 0);
	cr_assert_str_eq(kv[1].key, "mandate");
	cr_assert_str_eq(kv[1].value, "12");
	cr_assert_str_eq(kv[2].value, "14");
	body = "{\"vote\": [\"Y\", \"N\"]}";
	cr_assert_eq(form_from_json(A, body, strlen(body), &kv, &n, &j), 0);
	cr_assert_eq(form_check(A, cast_decl, &kv, &n, NULL, 0, &bad, &why, &errs, &nerrs), -1);
	cr_assert_str_eq(bad->name, "vote");
	cr_assert_str_eq(why, "was sent more than once");
	/* a list of objects stays the handler's */
	body = "{\"mandate\": [{\"id\": 1}]}";
	cr_assert_eq(form_from_json(A, body, strlen(body), &kv, &n, &j), 0);
	cr_assert_eq(n, 0);
}
