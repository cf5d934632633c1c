/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * http: rudder's own request and response types, route tables, and the
 * server that drives them. Only files in src/platform/http/ include the
 * HTTP library's header; handlers see only what is declared here.
 *
 * A request flows: listener -> route match (method, pattern) -> limits on
 * the headers -> the gate (session, permission, CSRF; provided by auth),
 * on the headers alone, before any body byte is read -> the body, within
 * the route's limit and the server's body budget -> field validation
 * against the route's declared fields -> handler -> response with the
 * security headers. Each request owns an arena that is freed when the
 * response has been sent.
 */
#ifndef RUDDER_HTTP_H
#define RUDDER_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/core/core.h"

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_OTHER,
	HTTP__MAX
};

enum field_type {
	F_LINE,   /* one line of text, trimmed, no control characters */
	F_TEXT,   /* several lines of text, trimmed at the ends */
	F_SECRET, /* a password: kept as typed, never echoed or logged */
	F_EMAIL,  /* a plausible address, trimmed */
	F_INT,    /* a whole number */
	F_BOOL,   /* a checkbox: present and "on"/"1"/"true" means true */
	F_TOKEN,  /* letters, digits, '-', '_' and '.' only */
	F_FILE,   /* a multipart file part */
};

/* A field a route accepts: declared once, here, and from here checked
 * on the way in and shown on the way out (http_form: its label, limit,
 * hint and the input's attributes). */
struct field {
	const char *name;
	enum field_type type;
	bool required;
	size_t max_len; /* bytes; 0 means a default per type */
	const char *label; /* msgid naming the field in forms and errors */
	bool multi;     /* may appear several times */
	const char *hint;         /* msgid shown under the input; may be NULL */
	const char *placeholder;  /* msgid of an example value; may be NULL */
	const char *autocomplete; /* the input's autocomplete ("tel", "off") */
	size_t min_len;           /* shown as minlength (checked by the handler) */
};

/* Route flags */
#define ROUTE_API 0x01      /* JSON in, JSON errors out */
#define ROUTE_NO_CSRF 0x02  /* state-changing without CSRF (say why!) */
#define ROUTE_PRE_2FA 0x04  /* reachable before the second factor */
#define ROUTE_SSE 0x08      /* answers with an event stream */
#define ROUTE_UPLOAD 0x10   /* accepts multipart up to server.max_upload */
/* runs outside the request's transaction: its writes commit in
 * transactions of its own (a group commit that many requests share) */
#define ROUTE_OWN_TX 0x20

/* Permissions every route declares. Modules add their own names. */
#define PERM_PUBLIC "public" /* anyone, signed in or not */
#define PERM_LOGIN "login"   /* any signed-in account */

struct http_req;
struct http_resp;
struct field_error;
typedef void (*http_handler)(struct http_req *rq, struct http_resp *rs);

struct route {
	enum http_method method;
	/* "/admin/users/{id:int}": {name} matches one non-empty segment,
	 * {name:int} a positive integer, {name*} the rest of the path */
	const char *pattern;
	http_handler handler;
	const char *perm;
	unsigned flags;
	const struct field *fields; /* ends with {0}; NULL: no fields */
	const char *summary;        /* one line, for `rudder routes` */
	/* A page route's form shown again when values were refused
	 * (rq->refused says which and why: http_form shows each beside its
	 * field, with what was typed). NULL: a bare 400 instead. */
	http_handler refused;
};

struct route_table {
	const char *module;
	const struct route *routes;
	size_t n;
};

struct kv {
	const char *key;
	const char *value;
	size_t len;
};

struct upload {
	const char *field;
	const char *filename;
	const char *content_type;
	const char *data;
	size_t len;
};

/* What the gate learned about who is asking. */
struct http_user {
	int64_t id;            /* 0 when anonymous */
	const char *name;      /* display name */
	bool second_factor;    /* TOTP verified in this session */
	bool needs_enrolment;  /* a role requires TOTP and none is set up */
	void *session;         /* auth's own record */
	/* A personal access token (Authorization: Bearer) rather than a
	 * session: no cookie is ever set on such a request. */
	bool bearer;
	int64_t token_id;      /* the token, once the gate found it */
	const char *token_name;
	/* who the audit log says acted, beside the account: "" for the
	 * account itself, AUDIT_TOKEN_LABEL and the name through a token */
	const char *actor_label;
};

struct http_req {
	struct arena *arena;
	enum http_method method;
	const char *path; /* decoded, valid UTF-8 */
	const struct route *route;
	bool api;
	bool tls; /* the client reached us over TLS (per configuration) */
	const char *lang;
	/* address for throttling only, never logged; NULL when every client
	 * shares one (server.shared_address): no per-client limits then */
	const char *client;
	struct http_user user;

	struct kv *params;
	size_t nparams;
	struct kv *query;
	size_t nquery;
	struct kv *form;
	size_t nform;
	struct upload *files;
	size_t nfiles;
	json_t *json; /* a JSON body, when there was one (arena-owned) */
	/* the fields refused (route->refused runs instead of the handler) */
	const struct field_error *refused;
	size_t nrefused;

	const char *body;
	size_t body_len;
	const char *content_type;

	void *priv; /* the server's own state */
};

struct http_resp {
	int status;
	struct buf body;
	const char *content_type;
	struct kv headers[16]; /* values are copies, freed with the response */
	size_t nheaders;
	char *cookies[8];
	size_t ncookies;
	bool cacheable; /* static assets: skip the no-store default */
	void *sse; /* set by http_sse_start */
};

/* ---- reading the request ---- */
const char *http_param(struct http_req *rq, const char *name);
int64_t http_param_int(struct http_req *rq, const char *name);
const char *http_query(struct http_req *rq, const char *name);
/* A declared form field, validated; NULL when absent or empty. */
const char *http_field(struct http_req *rq, const char *name);
/* Was the field in the request at all, even empty? (A form that sends a
 * field empty blanks it; one that does not mention it keeps it.) */
bool http_field_sent(struct http_req *rq, const char *name);
/* The field as sent ("" when sent empty), or keep when not sent. */
const char *http_field_or(struct http_req *rq, const char *name,
			  const char *keep);
bool http_field_bool(struct http_req *rq, const char *name);
int64_t http_field_int(struct http_req *rq, const char *name, int64_t def);
/* All values of a multi field; arena-owned array. */
const char **http_field_all(struct http_req *rq, const char *name,
			    size_t *n_r);
const struct upload *http_file(struct http_req *rq, const char *name);
/* A request header (case-insensitive), or NULL. */
const char *http_header(struct http_req *rq, const char *name);
const char *http_cookie(struct http_req *rq, const char *name);
/* The request's path and query as sent, for "next" redirects. */
const char *http_request_target(struct http_req *rq);

/* Appends s percent-encoded for a URL query or path segment. */
void http_urlencode(struct buf *out, const char *s);

/* ---- writing the response ---- */
void http_set_header(struct http_resp *rs, const char *name,
		     const char *value); /* value copied */
/* Sets a cookie: HttpOnly, SameSite=Lax, Path=/, Secure over TLS;
 * max_age < 0 means a session cookie, 0 deletes it. Does nothing on a
 * request that came with an access token (rq->user.bearer). */
void http_set_cookie(struct http_req *rq, struct http_resp *rs,
		     const char *name, const char *value, long max_age);
void http_redirect(struct http_resp *rs, const char *location);
/* JSON response; takes the reference to j. */
void http_json(struct http_resp *rs, int status, json_t *j);
void http_text(struct http_resp *rs, int status, const char *content_type,
	       const char *text);
/* ---- errors ----
 * Every error a client may see, once: its stable code (the API's "code",
 * listed in docs/api/openapi.yaml, which a test compares with this
 * table), its HTTP status and the message said when the caller names
 * none. One status per code, one code per meaning. */
enum http_err {
	HTTP_E_BAD_PATH,	     /* 400 a path that is not one */
	HTTP_E_BAD_QUERY,	     /* 400 a query string that cannot be read */
	HTTP_E_CONFLICTING_LENGTH,   /* 400 framing that says two things */
	HTTP_E_MALFORMED_BODY,	     /* 400 a body that cannot be read */
	HTTP_E_BAD_FORM,	     /* 400 a field not declared, or sent twice */
	HTTP_E_UNAUTHENTICATED,	     /* 401 not signed in */
	HTTP_E_WRONG_CREDENTIALS,    /* 401 no such email and password */
	HTTP_E_WRONG_CODE,	     /* 401 a wrong second-factor code */
	HTTP_E_FORBIDDEN,	     /* 403 signed in, not allowed */
	HTTP_E_CSRF,		     /* 403 no or a wrong CSRF token */
	HTTP_E_TOTP_REQUIRED,	     /* 403 the second factor is owed */
	HTTP_E_NOT_FOUND,	     /* 404 nothing here (or not for you) */
	HTTP_E_METHOD_NOT_ALLOWED,   /* 405 */
	HTTP_E_CONFLICT,	     /* 409 it exists already, or changed */
	HTTP_E_ERASED,		     /* 409 a record whose data was erased */
	HTTP_E_NO_PENDING_LOGIN,     /* 409 a code with no sign-in begun */
	HTTP_E_LINK_INVALID,	     /* 410 a used or expired one-time link */
	HTTP_E_TOO_LARGE,	     /* 413 */
	HTTP_E_URI_TOO_LONG,	     /* 414 */
	HTTP_E_UNSUPPORTED_MEDIA,    /* 415 */
	HTTP_E_INVALID_FIELD,	     /* 422 a field refused; "field" names it */
	HTTP_E_THROTTLED,	     /* 429 too many attempts */
	HTTP_E_HEADERS_TOO_LARGE,    /* 431 */
	HTTP_E_INTERNAL,	     /* 500 our fault (a database error too) */
	HTTP_E_UNAVAILABLE,	     /* 503 the database cannot be reached */
	HTTP_E_BUSY,		     /* 503 too much at once; try again */
	HTTP_E_COUNT
};
struct http_err_def {
	const char *code;
	int status;
	const char *msgid;
};
extern const struct http_err_def http_errors[HTTP_E_COUNT];

/* An error: an HTML page in the user's language, or under /api/v1/ a JSON
 * {status, code, message}. msgid (translated) says what happened; NULL
 * says the table's message. */
void http_error(struct http_req *rq, struct http_resp *rs, enum http_err e,
		const char *msgid);
/* Same, with a detail appended after the translated message (a field
 * label, a line number): text, escaped on output. */
void http_error_detail(struct http_req *rq, struct http_resp *rs,
		       enum http_err e, const char *msgid, const char *detail);
/* Same, and in JSON one more member, key: value (taken; dropped on a
 * page), such as the record as it is now beside a version conflict
 * ("current"). */
void http_error_with(struct http_req *rq, struct http_resp *rs,
		     enum http_err e, const char *msgid, const char *key,
		     json_t *value);
/* A refused field: 422 invalid_field, the detail "Label: why" (label is
 * translated text, NULL for the name; why a msgid) and, in JSON, "field"
 * naming it as the route declares it. */
void http_error_field(struct http_req *rq, struct http_resp *rs,
		      const char *field, const char *label, const char *why);
/* ---- lists under /api/v1/: one way to page (list.c) ----
 * Every JSON list walks its records in one stable order of their ids
 * and answers a page at a time:
 *   {NAME: [...], "next_cursor": "..." or null, "limit": n,
 *    "total": n, "total_is_lower_bound": false}
 * The request may carry "cursor" (a page's next_cursor, opaque to
 * clients: base64url of "1:<id>", the id the page ended at) and "limit"
 * (records on a page, 1 to HTTP_LIST_MAX, HTTP_LIST_DEFAULT when
 * absent). A record written while a client walks is never skipped nor
 * shown twice: ids never change, and new ones come after those seen in
 * the list's order. The route declares the two fields: http_list_fields
 * when it takes no others, HTTP_LIST_FIELDS among its own. */
#define HTTP_LIST_DEFAULT 50
#define HTTP_LIST_MAX 200
/* the labels are msgids (list.c names them for the catalogs) */
#define HTTP_LIST_FIELDS                                                     \
	{.name = "cursor", .type = F_TOKEN, .max_len = 64, .label = "Cursor"}, \
	{.name = "limit", .type = F_INT, .label = "Limit"}
extern const struct field http_list_fields[];

struct http_list {
	int64_t id;   /* where the cursor says the last page ended; 0: start */
	size_t limit; /* 1..HTTP_LIST_MAX */
};
/* Reads the request's cursor and limit into *l_r: 0, or -1 having
 * answered 422 invalid_field naming the one refused (a limit out of
 * range, a cursor rudder did not make). */
int http_list_args(struct http_req *rq, struct http_resp *rs,
		   struct http_list *l_r);
/* The cursor that goes on after the record id (arena-owned). */
char *http_list_cursor(struct arena *a, int64_t id);
/* The id a cursor names: 0, or -1 when it is not exactly one that
 * http_list_cursor makes. */
int http_list_cursor_read(const char *cursor, int64_t *id_r);
/* Answers 200 with a page in the envelope above: items (taken) under
 * name, at most l->limit of them; next_id the id the page ended at when
 * more follow (next_cursor), 0 on the last page (null); total, or with
 * lower_bound the count where counting stopped. */
void http_list_reply(struct http_resp *rs, const struct http_list *l,
		     const char *name, json_t *items, int64_t next_id,
		     size_t total, bool lower_bound);
/* A list held whole (all, taken: objects each with an integer "id"):
 * answers its page after l->id in ascending id, the total exact. For
 * lists of tens or hundreds (accounts, tokens, branches), not people. */
void http_list_array(struct http_resp *rs, const struct http_list *l,
		     const char *name, json_t *all);

/* ---- forms as pages show them ----
 * The form that posts to METHOD PATH, for a template: an object with a
 * member per field the route there declares:
 *   {name, id, label, type ("text", "email", "password", "number",
 *    "checkbox", "textarea", "select", "file"), value, checked, max,
 *    min, required, hint, placeholder, autocomplete, options, error,
 *    invalid, autofocus}
 * Values and errors are the request's own when it is that route (the
 * form shown again: what was typed is kept, and each refused field
 * carries its reason; the first one takes the focus). Render a field
 * with {{#form.NAME}}{{> html/field}}{{/form.NAME}}. NULL when no route
 * is there (our bug). The object is new: the caller owns it. */
json_t *http_form(struct http_req *rq, enum http_method method,
		  const char *path);
/* A value to show (an edit form's current value); NULL leaves it. */
void http_form_value(json_t *form, const char *name, const char *value);
void http_form_checked(json_t *form, const char *name, bool checked);
/* What the record says now, shown under a field whose typed value
 * differs from it, when another writer saved the record after the form
 * was drawn (a version conflict): value is text ("" or NULL reads as
 * "(empty)"); the field's description names it. */
void http_form_now(struct http_req *rq, json_t *form, const char *name,
		   const char *value);
/* Choices for a select: options is [{value, label, selected}] (taken);
 * the first, empty choice ("choose") stays unless the field is required
 * and one is selected. A field's "blank" string, set by the caller, names
 * that empty choice instead ("anyone" for a filter). */
void http_form_options(json_t *form, const char *name, json_t *options);
/* A refusal the handler found (a taken address): shown beside the field,
 * which takes the focus when it is the first. msgid is translated. */
void http_form_error(struct http_req *rq, json_t *form, const char *name,
		     const char *msgid);
/* The input's type ("tel", "date", "number") unless the field was
 * refused, when it stays text so that what was typed shows as typed. */
void http_form_control(json_t *form, const char *name, const char *type);
/* A field required on the page though not by its route (a PATCH of the
 * API may leave it out). */
void http_form_required(json_t *form, const char *name);
/* How many fields of form were refused. */
size_t http_form_errors(json_t *form);

/* Harm asks first, on the server, so that it works without JavaScript:
 * true when the request carries confirm=yes (or comes through the API,
 * whose callers mean what they send). Otherwise answers with a page
 * titled `title` (msgid) that says `what` (translated text) and posts the
 * route's declared fields again with confirm=yes through a button named
 * `button` (msgid), styled as harm and set apart from the way back to
 * `back`; returns false. The route declares the field "confirm": its
 * .fields are http_confirm_fields, or hold it among others. */
extern const struct field http_confirm_fields[];
bool http_confirmed(struct http_req *rq, struct http_resp *rs,
		    const char *title, const char *what, const char *button,
		    const char *back);

/* No lost updates (versions.c): the ETag header naming a record's
 * version ("v3"); and the version a write names, from If-Match or else
 * the body's "version": 0 when neither (the write goes ahead whatever
 * the version), -1 when If-Match names no version of ours (refused as
 * stale), else the version. A store's write matches it in its WHERE
 * clause ("version = $n OR $n = 0") and answers DB_STALE otherwise. */
void http_etag(struct http_req *rq, struct http_resp *rs, int64_t version);
int64_t http_if_match(struct http_req *rq);

/* The home page lists what waits for the reader (platform.c asks each
 * part and module): one line each, text already translated, href a path
 * of ours; warn marks what is wrong rather than merely waiting. */
void http_waiting(json_t *lines, const char *text, const char *href,
		  bool warn);

/* Renders module template `name` inside the layout. data is taken, as
 * http_json takes its JSON (one rule: what is handed to an answer is
 * the answer's); "page" is added to it (user, csrf, lang, languages,
 * nav, flash). */
void http_page(struct http_req *rq, struct http_resp *rs, int status,
	       const char *name, const char *title_msgid, json_t *data);
/* Forgets everything written to the response so far (for a handler run
 * again after a transaction conflict). */
void http_resp_reset(struct http_resp *rs);
/* A one-time message shown on the next page (msgid, translated there). */
void http_flash(struct http_req *rq, struct http_resp *rs, const char *msgid);
const char *tr_rq(struct http_req *rq, const char *msgid);

/* ---- the gate and page data, provided by auth (see platform.c) ---- */
struct http_hooks {
	/* Fills rq->user and rq->lang from the session; decides whether the
	 * route may run. Returns 0 to go on, or fills rs and returns -1. It
	 * runs when the headers have arrived and no byte of the body has been
	 * read: rq->query is there, rq->form and rq->files are not. */
	int (*gate)(struct http_req *rq, struct http_resp *rs);
	/* Sets rq->lang from what the user chose (a cookie), for answers
	 * given before the gate runs. */
	void (*lang)(struct http_req *rq);
	/* CSRF token for forms on this page (session- or cookie-bound). */
	const char *(*csrf_token)(struct http_req *rq, struct http_resp *rs);
	/* Adds the navigation the user may see to the page data. */
	void (*nav)(struct http_req *rq, json_t *page);
	/* Runs the handler: the platform wraps a state-changing request in one
	 * transaction, run again from the start on a conflict (then the
	 * response is reset first). NULL: call the handler directly. */
	void (*invoke)(struct http_req *rq, struct http_resp *rs,
		       http_handler handler);
	/* Runs after every handler (e.g. to assert no open transaction). */
	void (*after)(struct http_req *rq, struct http_resp *rs);
};

/* ---- navigation entries modules offer ---- */
struct nav_item {
	const char *href;
	const char *label; /* msgid */
	const char *perm;
};

/* ---- Server-Sent Events ----
 * A handler on a ROUTE_SSE route calls http_sse_start with a channel name;
 * the connection then receives every event published on that channel
 * (from any thread) until the client goes away or the server stops. */
void http_sse_start(struct http_req *rq, struct http_resp *rs,
		    const char *channel);
void http_sse_publish(const char *channel, const char *event,
		      const char *data);
/* With several processes, an event must reach the streams of all of
 * them: when a fan-out is set, http_sse_publish hands events to it, and
 * whatever receives them (in every process) calls http_sse_deliver. */
void http_sse_set_fanout(void (*fanout)(const char *channel, const char *event,
					 const char *data));
void http_sse_deliver(const char *channel, const char *event,
		      const char *data);
/* Code of this process that wants the events of a channel too (a module
 * keeping a cache current): fn runs on delivery, in whatever thread
 * delivers. Register before serving. */
void http_sse_on(const char *channel,
		 void (*fn)(const char *event, const char *data));

/* ---- the server ---- */
struct http_config {
	const char *listen; /* "127.0.0.1:8080" or "[::1]:8080" */
	unsigned threads;
	unsigned max_connections;
	unsigned max_per_address; /* connections from one address; 0: any */
	/* event streams: one account's at once (0: any), and how long one
	 * lives before the browser reconnects and is asked again who it is
	 * (a signed-out or removed reader's stream ends by then) */
	unsigned max_streams_per_account;
	unsigned stream_seconds;
	unsigned timeout;        /* idle connection, seconds */
	unsigned header_timeout; /* to send a whole header, seconds; 0: none */
	size_t max_body;
	size_t max_upload;
	size_t body_budget; /* bodies held at once, all requests, bytes */
	size_t max_url;     /* request target as sent, bytes */
	size_t max_header;  /* request line and headers, bytes */
	const char *metrics_listen; /* "IP:PORT", "unix:/path"; NULL/"": none */
	bool tls_proxy;
	bool trust_proxy;
	bool shared_address; /* every client has one address: rq->client NULL */
	const struct route_table *tables;
	size_t ntables;
	struct http_hooks hooks;
};

struct http_server;
/* 0 when listen reads as IP:PORT; else -1 with a message (checked before
 * anything starts, so a typo fails at once). */
int http_listen_ok(const char *listen, char *err, size_t cap);
/* The same for the metrics listener, which may also be "unix:/path". */
int http_metrics_listen_ok(const char *listen, char *err, size_t cap);
/* Starts listening; NULL with a message when the address is unusable. */
struct http_server *http_start(const struct http_config *cfg, char *err,
			       size_t cap);
/* Stops accepting, waits up to grace_ms for requests in flight, stops. */
void http_stop(struct http_server *s, int grace_ms);
/* The port actually bound (for --listen 127.0.0.1:0). */
int http_port(struct http_server *s);
/* The port the metrics listener bound; 0 when none or a Unix socket. */
int http_metrics_port(struct http_server *s);

/* ---- routing, exposed for tests and `rudder routes` ---- */
/* Matches path against pattern, filling params (arena-owned) on success. */
bool route_match(struct arena *a, const char *pattern, const char *path,
		 struct kv **params_r, size_t *n_r);
/* Checks a pattern is well-formed; -1 with the reason. */
int route_pattern_check(const char *pattern, char *err, size_t cap);

/* ---- body parsers, exposed for tests and fuzzing ---- */
/* application/x-www-form-urlencoded. -1 on malformed encoding. */
int form_parse_urlencoded(struct arena *a, const char *s, size_t n,
			  struct kv **out_r, size_t *n_r);
/* multipart/form-data with the boundary from content_type. -1 on a
 * malformed body (reason in err). */
int form_parse_multipart(struct arena *a, const char *content_type,
			 const char *body, size_t n, struct kv **fields_r,
			 size_t *nfields_r, struct upload **files_r,
			 size_t *nfiles_r, char *err, size_t cap);
/* A JSON object body: its scalar members become fields (strings as they
 * are, numbers and booleans as text, null as empty) so that one validation
 * path serves forms and the API; an array of strings and whole numbers is
 * the field sent once per item (a multi field's values; any other field
 * refuses it as sent twice); other arrays and objects stay in *json_r for
 * the handler (as every member does). -1 unless the body is one JSON object without duplicate
 * keys or NUL characters. json_r is arena-owned. */
int form_from_json(struct arena *a, const char *body, size_t n,
		   struct kv **out_r, size_t *n_r, json_t **json_r);
/* A declared field whose value was refused, and why (a msgid). */
struct field_error {
	const struct field *field;
	const char *msgid;
};
/* Validates fields against declarations. -1 when the request is not one
 * a form of ours sends (a name not declared, or sent twice): bad_r and
 * msgid_r say which and why. 1 when values were refused: *errs_r holds
 * one per field (arena-owned, in declaration order). 0 when all is well.
 * Values are trimmed in place (secrets excepted). */
int form_check(struct arena *a, const struct field *decl, struct kv **kvp,
	       size_t *nkv, const struct upload *files, size_t nfiles,
	       const struct field **bad_r, const char **msgid_r,
	       struct field_error **errs_r, size_t *nerrs_r);
/* The same, failing (-1) at the first refusal of either kind. */
int form_validate(struct arena *a, const struct field *decl, struct kv **kv,
		  size_t *nkv, const struct upload *files, size_t nfiles,
		  const struct field **bad_r, const char **msgid_r);

/* ---- how long a request body is, from its headers ---- */
struct http_framing {
	uint64_t length; /* the one length announced */
	int nlengths;    /* Content-Length values seen (a list counts each) */
	bool conflict;   /* two lengths, no number, or an encoding not "chunked" */
	bool chunked;    /* Transfer-Encoding was sent */
};
/* Reads one request header into f (others are ignored). A proxy in front
 * and rudder must never read two different bodies from one request: two
 * different lengths ("Content-Length: 5, 6", or two headers), a length
 * that is no number, a Transfer-Encoding other than "chunked" alone, or
 * one said twice, set conflict. Exposed for fuzzing. */
void http_framing_add(struct http_framing *f, const char *name,
		      const char *value);

/* ---- metrics ---- */
/* Appends the Prometheus text for HTTP and DB counters (served only on
 * the metrics listener, never on the public one). */
void http_metrics_text(struct buf *out);

#endif
