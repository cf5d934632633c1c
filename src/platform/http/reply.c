/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Writing responses: headers, cookies, redirects, JSON, error pages and
 * templated pages inside the layout, flash messages, and the security
 * headers every response carries (set here and nowhere else).
 */
#include "internal.h"
#include "platform/crypto/crypto.h"
#include "platform/core/assets.h"
#include "platform/html/tmpl.h"
#include "platform/i18n/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CSP                                                                   \
	"default-src 'none'; script-src 'self'; style-src 'self'; "          \
	"img-src 'self'; connect-src 'self'; form-action 'self'; "           \
	"base-uri 'none'; frame-ancestors 'none'"

#define FLASH_COOKIE "rudder_flash"

const char *tr_rq(struct http_req *rq, const char *msgid)
{
	return tr(rq->lang ? rq->lang : "en", msgid);
}

void http_urlencode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~' || c == '/') {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

void http_set_header(struct http_resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= ARRAY_LEN(rs->headers)) {
		log_error("http", "too many response headers");
		return;
	}
	/* header names and values come from our code; refuse line breaks */
	if (strpbrk(value, "\r\n"))
		return;
	rs->headers[rs->nheaders].key = name;
	rs->headers[rs->nheaders].value = xstrdup(value); /* freed with rs */
	rs->nheaders++;
}

void http_set_cookie(struct http_req *rq, struct http_resp *rs,
		     const char *name, const char *value, long max_age)
{
	struct buf b;

	if (rq->user.bearer || rs->ncookies >= ARRAY_LEN(rs->cookies) ||
	    strpbrk(value, ";\r\n "))
		return;
	buf_init(&b);
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age >= 0)
		buf_printf(&b, "; Max-Age=%ld", max_age);
	if (rq->tls)
		buf_puts(&b, "; Secure");
	rs->cookies[rs->ncookies++] = buf_steal(&b, NULL);
}

void http_resp_reset(struct http_resp *rs)
{
	for (size_t i = 0; i < rs->ncookies; i++)
		free(rs->cookies[i]);
	for (size_t i = 0; i < rs->nheaders; i++)
		free((char *)rs->headers[i].value);
	rs->ncookies = 0;
	rs->nheaders = 0;
	rs->status = 0;
	rs->content_type = NULL;
	rs->cacheable = false;
	rs->sse = NULL;
	buf_reset(&rs->body);
}

void http_redirect(struct http_resp *rs, const char *location)
{
	rs->status = 303;
	http_set_header(rs, "Location", location);
	buf_reset(&rs->body);
}

void http_json(struct http_resp *rs, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (s) {
		buf_puts(&rs->body, s);
		free(s);
	}
	buf_putc(&rs->body, '\n');
	json_decref(j);
}

void http_text(struct http_resp *rs, int status, const char *content_type,
	       const char *text)
{
	rs->status = status;
	rs->content_type = content_type;
	buf_reset(&rs->body);
	buf_puts(&rs->body, text);
}

/* ---- flash messages: a signed cookie naming a msgid ---- */

static char *flash_sign(struct arena *a, const char *msgid)
{
	unsigned char mac[MAC_LEN];
	char *in = arena_printf(a, "flash:%s", msgid);

	keyed_hash(SUBKEY_CSRF, in, strlen(in), mac);
	return arena_printf(a, "%s.%s",
			    arena_base64url(a, msgid, strlen(msgid)),
			    arena_base64url(a, mac, 16));
}

void http_flash(struct http_req *rq, struct http_resp *rs, const char *msgid)
{
	if (!keys_unlocked())
		return;
	http_set_cookie(rq, rs, FLASH_COOKIE, flash_sign(rq->arena, msgid), 60);
}

/* The flash message of this request (and clears it), or NULL. */
static const char *flash_take(struct http_req *rq, struct http_resp *rs)
{
	const char *v = http_cookie(rq, FLASH_COOKIE);
	const char *dot;
	char msgid[256];
	long n;

	if (!v || !keys_unlocked())
		return NULL;
	http_set_cookie(rq, rs, FLASH_COOKIE, "", 0);
	dot = strchr(v, '.');
	if (!dot || (size_t)(dot - v) >= sizeof(msgid))
		return NULL;
	{
		char *enc = arena_strndup(rq->arena, v, (size_t)(dot - v));
		n = base64url_decode(enc, msgid, sizeof(msgid) - 1);
	}
	if (n <= 0)
		return NULL;
	msgid[n] = '\0';
	if (!utf8_valid(msgid, (size_t)n))
		return NULL;
	const char *good = flash_sign(rq->arena, msgid);
	if (strlen(good) != strlen(v) ||
	    sodium_memcmp(good, v, strlen(v)) != 0)
		return NULL;
	return tr_rq(rq, arena_strdup(rq->arena, msgid));
}

/* ---- pages ---- */

static const char *asset_version(void)
{
	static char v[17];
	static int done;

	if (!done) {
		const struct asset *a = asset_find("static/rudder.css");
		unsigned char h[8];
		crypto_generichash(h, sizeof(h), a ? a->data : (const unsigned char *)"",
				   a ? a->len : 0, NULL, 0);
		hex_encode(h, sizeof(h), v);
		done = 1;
	}
	return v;
}

static json_t *page_data(struct http_req *rq, struct http_resp *rs,
			 const char *title_msgid)
{
	json_t *page = json_object();
	json_t *langs = json_array();
	size_t nl;
	const struct lang_info *li = i18n_langs(&nl);
	const char *flash;

	json_object_set_new(page, "lang", json_string(rq->lang));
	json_object_set_new(page, "title",
			    json_string(title_msgid ? tr_rq(rq, title_msgid) : ""));
	json_object_set_new(page, "v", json_string(asset_version()));
	json_object_set_new(page, "path", json_string(rq->path));
	json_object_set_new(page, "next", json_string(http_request_target(rq)));
	for (size_t i = 0; i < nl; i++)
		json_array_append_new(
			langs, json_pack("{s:s, s:s, s:b}", "code", li[i].code,
					 "native", li[i].native, "current",
					 strcmp(li[i].code, rq->lang) == 0));
	json_object_set_new(page, "langs", langs);
	if (http_hooks_current && http_hooks_current->csrf_token)
		json_object_set_new(
			page, "csrf",
			json_string(http_hooks_current->csrf_token(rq, rs)));
	if (rq->user.id) {
		json_object_set_new(page, "user",
				    json_pack("{s:I, s:s}", "id",
					      (json_int_t)rq->user.id, "name",
					      rq->user.name ? rq->user.name : ""));
	}
	flash = flash_take(rq, rs);
	if (flash)
		json_object_set_new(page, "flash", json_string(flash));
	if (http_hooks_current && http_hooks_current->nav)
		http_hooks_current->nav(rq, page);
	return page;
}

static const struct tmpl *resolver(const char *name)
{
	return tmpl_get(name);
}

void http_page(struct http_req *rq, struct http_resp *rs, int status,
	       const char *name, const char *title_msgid, json_t *data)
{
	const struct tmpl *t = tmpl_get(name);
	const struct tmpl *layout = tmpl_get("html/layout");
	json_t *page = page_data(rq, rs, title_msgid);
	struct buf content;
	char err[256];
	json_t *outer;

	buf_init(&content);
	json_object_set(data, "page", page);
	if (!t || !layout ||
	    tmpl_render(t, data, rq->lang, resolver, &content, err,
			sizeof(err)) != 0) {
		log_error("html", "cannot render %s: %s", name,
			  t ? err : "no such template");
		json_decref(page);
		json_decref(data);
		buf_free(&content);
		rs->status = 500;
		rs->content_type = "text/plain; charset=utf-8";
		buf_reset(&rs->body);
		buf_puts(&rs->body, tr_rq(rq, "Something went wrong on our side."));
		return;
	}
	outer = json_pack("{s:O, s:s}", "page", page, "content",
			  content.data ? content.data : "");
	buf_reset(&rs->body);
	if (tmpl_render(layout, outer, rq->lang, resolver, &rs->body, err,
			sizeof(err)) != 0)
		log_error("html", "cannot render the layout: %s", err);
	json_decref(outer);
	json_decref(page);
	buf_free(&content);
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	json_decref(data);
}

const struct http_err_def http_errors[HTTP_E_COUNT] = {
	[HTTP_E_BAD_PATH] = {"bad_path", 400, N_("That address is not valid.")},
	[HTTP_E_BAD_QUERY] = {"bad_query", 400, N_("The query string of the address is not valid.")},
	[HTTP_E_CONFLICTING_LENGTH] = {"conflicting_length", 400, N_("The request's length is given in two ways.")},
	[HTTP_E_MALFORMED_BODY] = {"malformed_body", 400, N_("The request body is malformed.")},
	[HTTP_E_BAD_FORM] = {"bad_form", 400, N_("The request is not one our forms send.")},
	[HTTP_E_UNAUTHENTICATED] = {"unauthenticated", 401, N_("Sign in first.")},
	[HTTP_E_WRONG_CREDENTIALS] = {"wrong_credentials", 401, N_("Wrong email or password.")},
	[HTTP_E_WRONG_CODE] = {"wrong_code", 401, N_("That code is not right.")},
	[HTTP_E_FORBIDDEN] = {"forbidden", 403, N_("You may not do this.")},
	[HTTP_E_CSRF] = {"csrf", 403, N_("The form has expired. Go back, reload the page and try again.")},
	[HTTP_E_TOTP_REQUIRED] = {"totp_required", 403, N_("Give the code from your authenticator app first.")},
	[HTTP_E_NOT_FOUND] = {"not_found", 404, N_("There is nothing here.")},
	[HTTP_E_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405, N_("This address does not take that method.")},
	[HTTP_E_CONFLICT] = {"conflict", 409, N_("That conflicts with what is there already.")},
	[HTTP_E_ERASED] = {"erased", 409, N_("This person's data was erased.")},
	[HTTP_E_NO_PENDING_LOGIN] = {"no_pending_login", 409, N_("There is no sign-in waiting for a code.")},
	[HTTP_E_LINK_INVALID] = {"link_invalid", 410, N_("This link has been used or has expired.")},
	[HTTP_E_TOO_LARGE] = {"too_large", 413, N_("What was sent is too large.")},
	[HTTP_E_URI_TOO_LONG] = {"uri_too_long", 414, N_("The address is too long.")},
	[HTTP_E_UNSUPPORTED_MEDIA] = {"unsupported_media_type", 415, N_("That kind of body is not accepted here.")},
	[HTTP_E_INVALID_FIELD] = {"invalid_field", 422, N_("A field of the form is not valid.")},
	[HTTP_E_THROTTLED] = {"throttled", 429, N_("Too many attempts. Wait a while and try again.")},
	[HTTP_E_HEADERS_TOO_LARGE] = {"headers_too_large", 431, N_("The request headers are too large.")},
	[HTTP_E_INTERNAL] = {"internal", 500, N_("Something went wrong on our side.")},
	[HTTP_E_UNAVAILABLE] = {"unavailable", 503, N_("The database cannot be reached. Try again in a moment.")},
	[HTTP_E_BUSY] = {"busy", 503, N_("The server is busy. Try again in a moment.")},
};

static void error_reply(struct http_req *rq, struct http_resp *rs,
			enum http_err e, const char *msgid, const char *detail,
			const char *field, const char *key, json_t *value)
{
	const struct http_err_def *d = &http_errors[e];
	const char *msg = tr_rq(rq, msgid ? msgid : d->msgid);

	if (rq->api) {
		json_t *j = json_pack("{s:i, s:s, s:s}", "status", d->status,
				      "code", d->code, "message", msg);
		if (detail)
			json_object_set_new(j, "detail", json_string(detail));
		if (field)
			json_object_set_new(j, "field", json_string(field));
		if (key && value)
			json_object_set(j, key, value);
		json_decref(value);
		http_json(rs, d->status, j);
		return;
	}
	json_decref(value);
	json_t *data = json_pack("{s:i, s:s}", "status", d->status, "message", msg);
	if (detail)
		json_object_set_new(data, "detail", json_string(detail));
	http_page(rq, rs, d->status, "html/error", N_("Error"), data);
}

void http_error_detail(struct http_req *rq, struct http_resp *rs,
		       enum http_err e, const char *msgid, const char *detail)
{
	error_reply(rq, rs, e, msgid, detail, NULL, NULL, NULL);
}

void http_error(struct http_req *rq, struct http_resp *rs, enum http_err e,
		const char *msgid)
{
	error_reply(rq, rs, e, msgid, NULL, NULL, NULL, NULL);
}

void http_error_with(struct http_req *rq, struct http_resp *rs,
		     enum http_err e, const char *msgid, const char *key,
		     json_t *value)
{
	error_reply(rq, rs, e, msgid, NULL, NULL, key, value);
}

void http_error_field(struct http_req *rq, struct http_resp *rs,
		      const char *field, const char *label, const char *why)
{
	error_reply(rq, rs, HTTP_E_INVALID_FIELD, NULL,
		    arena_printf(rq->arena, "%s: %s",
				 label ? label : field, tr_rq(rq, why)),
		    field, NULL, NULL);
}

void reply_security_headers(struct MHD_Response *r, bool cacheable, bool tls)
{
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
				"camera=(), microphone=(), geolocation=()");
	if (!cacheable)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=31536000");
}
