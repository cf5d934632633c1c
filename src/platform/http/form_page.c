/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Forms as pages show them: the fields a route declares, turned into the
 * data the html/field partial renders — label, limit, hint, what was
 * typed, and the reason a value was refused, beside its field. A field's
 * limit and label are written once, in its declaration; the template
 * never repeats them.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <stdio.h>
#include <string.h>

static const char *control_of(const struct field *f)
{
	switch (f->type) {
	case F_TEXT: return "textarea";
	case F_SECRET: return "password";
	case F_EMAIL: return "email";
	case F_BOOL: return "checkbox";
	case F_FILE: return "file";
	case F_INT:
	case F_LINE:
	case F_TOKEN: break;
	}
	return "text";
}

/* The control's kind, and as a flag the partial can test
 * ({{#is_select}}): a template has no comparisons. */
static void set_control(json_t *o, const char *control)
{
	static const char *const kinds[] = {"text", "textarea", "password",
					    "email", "checkbox", "file",
					    "select", "checkboxes"};
	char flag[24];

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		snprintf(flag, sizeof(flag), "is_%s", kinds[i]);
		json_object_set_new(o, flag,
				    json_boolean(strcmp(kinds[i], control) == 0));
	}
	/* text, email and password are one <input>, of that type */
	json_object_set_new(o, "is_input",
			    json_boolean(strcmp(control, "text") == 0 ||
					 strcmp(control, "email") == 0 ||
					 strcmp(control, "password") == 0 ||
					 strcmp(control, "file") == 0));
	json_object_set_new(o, "control", json_string(control));
}

/* What the request sent for name, when the form is the request's own. */
static void posted(struct http_req *rq, const char *name, json_t *o)
{
	bool get = rq->method == HTTP_GET || rq->method == HTTP_HEAD;
	const struct kv *kv = get ? rq->query : rq->form;
	size_t n = get ? rq->nquery : rq->nform;
	json_t *values = json_array();

	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, name) == 0)
			json_array_append_new(values, json_string(kv[i].value));
	if (json_array_size(values) > 0)
		json_object_set(o, "value", json_array_get(values, 0));
	json_object_set_new(o, "values", values);
}

static void describe(json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	bool hint = json_object_get(o, "hint") != NULL;
	bool invalid = json_is_true(json_object_get(o, "invalid"));
	bool now = json_object_get(o, "now") != NULL;
	char by[240];

	if (!hint && !invalid && !now) {
		json_object_del(o, "describedby");
		return;
	}
	snprintf(by, sizeof(by), "%s%s%s%s%s%s", hint ? id : "",
		 hint ? "-hint " : "", invalid ? id : "",
		 invalid ? "-error " : "", now ? id : "", now ? "-now" : "");
	json_object_set_new(o, "describedby", json_string(str_trim(by)));
}

/* Marks a field refused: its message, and the focus when it is the
 * first; the list at the top of the form gets a link to it. */
static void mark(json_t *form, json_t *o, const char *message)
{
	json_t *list = json_object_get(form, "form_errors");

	if (json_is_true(json_object_get(o, "invalid")))
		return; /* one reason per field: the first */
	json_object_set_new(o, "error", json_string(message));
	json_object_set_new(o, "invalid", json_true());
	if (json_array_size(list) == 0)
		json_object_set_new(o, "autofocus", json_true());
	json_array_append_new(
		list, json_pack("{s:O, s:s}", "id", json_object_get(o, "id"),
				"message", message));
	json_object_set_new(form, "has_errors", json_true());
	describe(o);
}

json_t *http_form(struct http_req *rq, enum http_method method,
		  const char *path)
{
	const struct route *r = http_route_at(rq, method, path);
	bool own = r && r == rq->route;
	json_t *form;

	if (!r)
		return NULL;
	form = json_pack("{s:s, s:o, s:b}", "action", path, "form_errors",
			 json_array(), "has_errors", false);
	for (const struct field *f = r->fields; f && f->name; f++) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "name",
				      f->name, "id", f->name, "label",
				      f->label ? tr(rq->lang, f->label) : f->name,
				      "value", "", "required", f->required,
				      "multi", f->multi);

		set_control(o, control_of(f));
		if (f->max_len && f->type != F_INT && f->type != F_BOOL)
			json_object_set_new(o, "max", json_integer((json_int_t)f->max_len));
		if (f->min_len)
			json_object_set_new(o, "min", json_integer((json_int_t)f->min_len));
		if (f->hint)
			json_object_set_new(o, "hint", json_string(tr(rq->lang, f->hint)));
		if (f->placeholder)
			json_object_set_new(o, "placeholder",
					    json_string(tr(rq->lang, f->placeholder)));
		if (f->autocomplete)
			json_object_set_new(o, "autocomplete",
					    json_string(f->autocomplete));
		if (own && f->type != F_SECRET && f->type != F_FILE)
			posted(rq, f->name, o);
		if (own && f->type == F_BOOL) {
			const char *v = json_string_value(json_object_get(o, "value"));
			json_object_set_new(o, "checked",
					    json_boolean(v && (strcmp(v, "on") == 0 ||
							       strcmp(v, "1") == 0 ||
							       strcmp(v, "true") == 0)));
		}
		describe(o);
		json_object_set_new(form, f->name, o);
	}
	/* the reasons the server found, in the order the fields come */
	for (size_t i = 0; own && i < rq->nrefused; i++) {
		const struct field *f = rq->refused[i].field;
		json_t *o = json_object_get(form, f->name);
		if (o)
			mark(form, o,
			     arena_printf(rq->arena, "%s %s",
					  f->label ? tr(rq->lang, f->label) : f->name,
					  tr(rq->lang, rq->refused[i].msgid)));
	}
	return form;
}

void http_form_value(json_t *form, const char *name, const char *value)
{
	json_t *o = json_object_get(form, name);

	if (o && value)
		json_object_set_new(o, "value", json_string(value));
}

void http_form_now(struct http_req *rq, json_t *form, const char *name,
		   const char *value)
{
	json_t *o = json_object_get(form, name);

	if (!o)
		return;
	json_object_set_new(o, "now",
			    json_string(value && *value ? value
							: tr_rq(rq, N_("(empty)"))));
	describe(o);
}

void http_form_control(json_t *form, const char *name, const char *type)
{
	json_t *o = json_object_get(form, name);

	if (o && !json_is_true(json_object_get(o, "invalid")))
		json_object_set_new(o, "control", json_string(type));
}

void http_form_required(json_t *form, const char *name)
{
	json_t *o = json_object_get(form, name);

	if (o)
		json_object_set_new(o, "required", json_true());
}

void http_form_checked(json_t *form, const char *name, bool checked)
{
	json_t *o = json_object_get(form, name);

	if (o)
		json_object_set_new(o, "checked", json_boolean(checked));
}

/* Was value among what the request sent for the field? */
static bool sent(json_t *o, const char *value)
{
	json_t *values = json_object_get(o, "values");
	size_t i;
	json_t *v;

	json_array_foreach(values, i, v)
		if (strcmp(json_string_value(v), value) == 0)
			return true;
	return false;
}

void http_form_options(json_t *form, const char *name, json_t *options)
{
	json_t *o = json_object_get(form, name), *opt;
	bool multi, any = false;
	size_t i;

	if (!o) {
		json_decref(options);
		return;
	}
	multi = json_is_true(json_object_get(o, "multi"));
	json_array_foreach(options, i, opt) {
		json_t *v = json_object_get(opt, "value");
		char num[24];
		const char *value = json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(v));
			json_object_set_new(opt, "value", json_string(num));
			value = json_string_value(json_object_get(opt, "value"));
		}
		/* the form shown again keeps what was chosen */
		if (json_object_get(o, "values"))
			json_object_set_new(opt, "selected",
					    json_boolean(value && sent(o, value)));
		any = any || json_is_true(json_object_get(opt, "selected"));
		json_object_set_new(opt, "id",
				    json_sprintf("%s-%zu",
						 json_string_value(json_object_get(o, "id")),
						 i));
	}
	/* least power by default: nothing chosen until someone chooses */
	json_object_set_new(
		o, "choose",
		json_boolean(!multi && (!any || !json_is_true(json_object_get(
							 o, "required")))));
	json_object_set_new(o, "options", options);
	set_control(o, multi ? "checkboxes" : "select");
}

const struct field http_confirm_fields[] = {
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};

bool http_confirmed(struct http_req *rq, struct http_resp *rs,
		    const char *title, const char *what, const char *button,
		    const char *back)
{
	const char *yes = http_field(rq, "confirm");
	json_t *fields, *data;

	if ((rq->route->flags & ROUTE_API) || (yes && strcmp(yes, "yes") == 0))
		return true;
	fields = json_array();
	for (const struct field *f = rq->route->fields; f && f->name; f++) {
		size_t n = 0;
		const char **v;
		if (strcmp(f->name, "confirm") == 0 || f->type == F_SECRET ||
		    f->type == F_FILE)
			continue;
		v = http_field_all(rq, f->name, &n);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(fields,
					      json_pack("{s:s, s:s}", "name",
							f->name, "value", v[i]));
	}
	data = json_pack("{s:s, s:s, s:s, s:s, s:o}", "what", what, "button",
			 tr_rq(rq, button), "back", back, "action", rq->path,
			 "fields", fields);
	http_page(rq, rs, 200, "html/confirm", title, data);
	return false;
}

void http_waiting(json_t *lines, const char *text, const char *href,
		  bool warn)
{
	json_array_append_new(lines, json_pack("{s:s, s:s, s:b}", "text", text,
					       "href", href, "warn", warn));
}

void http_form_error(struct http_req *rq, json_t *form, const char *name,
		     const char *msgid)
{
	json_t *o = json_object_get(form, name);

	if (o)
		mark(form, o, tr(rq->lang, msgid));
}

size_t http_form_errors(json_t *form)
{
	return json_array_size(json_object_get(form, "form_errors"));
}
