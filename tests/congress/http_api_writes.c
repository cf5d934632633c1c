/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress through the API alone, as an integrator's script would run
 * it: settings changed with If-Match (an old version is 409), a guest
 * registered and checked in (twice is 409), a mandate checked, an item
 * added and made current, a motion's text changed with If-Match, the
 * minutes read; a refusal answers JSON with its reason and field.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(congress_api, .init = up, .fini = down, .timeout = 180);

/* A request with the CSRF header, and If-Match when not NULL: status,
 * the JSON answer in *j_r (NULL when none), the ETag in *etag_r. */
static long call(struct client *c, const char *method, const char *path,
		 const char *json, const char *if_match, json_t **j_r, char **etag_r)
{
	char *csrf = cl_csrf(c);
	char *h1 = xasprintf("X-CSRF-Token: %s", csrf);
	char *h2 = if_match ? xasprintf("If-Match: %s", if_match) : NULL;
	const char *headers[] = {h1, h2, NULL};
	struct resp *r = cl_req(c, method, path, "application/json", json ? json : "",
				json ? strlen(json) : 0, headers);
	long status = r->status;

	*j_r = json_loads(r->body, 0, NULL);
	cr_assert(*j_r, "%s %s → %ld: %s", method, path, status, r->body);
	if (etag_r)
		*etag_r = resp_header(r, "ETag") ? xstrdup(resp_header(r, "ETag")) : NULL;
	free(csrf);
	free(h1);
	free(h2);
	resp_free(r);
	return status;
}

static const char *str(json_t *j, const char *name)
{
	json_t *v = json_object_get(j, name);
	return json_is_string(v) ? json_string_value(v) : "";
}

Test(congress_api, a_script_runs_the_congress)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *door = cl_as(&S, "door@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	json_t *j;
	char *etag, *etag2, path[160];
	int64_t guest, item, motion;

	/* settings with If-Match; the old version is refused */
	cr_assert_eq(call(ch, "GET", "/api/v1/congresses/1", NULL, NULL, &j, &etag), 200);
	json_decref(j);
	cr_assert_eq(call(ch, "PATCH", "/api/v1/congresses/1",
			  "{\"name\": \"Fourth conference of Kazakhstan 2012\", "
			  "\"speak_seconds\": 150}", etag, &j, &etag2), 200);
	cr_assert_eq(json_integer_value(json_object_get(j, "speak_seconds")), 150);
	cr_assert(json_is_true(json_object_get(j, "first_speakers_first")),
		  "a field not mentioned is kept, the checkbox's too");
	cr_assert(etag2 && strcmp(etag, etag2), "a new version");
	json_decref(j);
	cr_assert_eq(call(ch, "PATCH", "/api/v1/congresses/1",
			  "{\"name\": \"Lost update\"}", etag, &j, NULL), 409);
	cr_assert_str_eq(str(j, "code"), "conflict");
	json_decref(j);
	cr_assert_eq(call(ch, "PATCH", "/api/v1/congresses/1",
			  "{\"name\": \"x\", \"quorum_pct\": 101}", etag2, &j, NULL), 422);
	cr_assert_str_eq(str(j, "field"), "quorum_pct");
	json_decref(j);
	free(etag);
	free(etag2);

	/* a guest registered and checked in, once */
	cr_assert_eq(call(ch, "POST", "/api/v1/congresses/1/participants",
			  "{\"kind\": \"guest\", \"display_name\": \"A journalist from Almaty\"}",
			  NULL, &j, NULL), 201);
	guest = json_integer_value(json_object_get(json_object_get(j, "participant"), "id"));
	cr_assert_gt(guest, 0);
	json_decref(j);
	cr_assert_eq(call(ch, "POST", "/api/v1/congresses/1/participants",
			  "{\"kind\": \"chairman\"}", NULL, &j, NULL), 422);
	json_decref(j);
	snprintf(path, sizeof(path), "{\"participant\": %lld, \"went\": \"in\"}", (long long)guest);
	cr_assert_eq(call(door, "POST", "/api/v1/congresses/1/door", path, NULL, &j, NULL), 200);
	cr_assert(json_is_true(json_object_get(j, "present")), "in");
	json_decref(j);
	cr_assert_eq(call(door, "POST", "/api/v1/congresses/1/door", path, NULL, &j, NULL), 409);
	cr_assert(strstr(str(j, "message"), "checked in already"), "%s", str(j, "message"));
	json_decref(j);
	/* the speaking right given to her */
	snprintf(path, sizeof(path), "/api/v1/congresses/1/participants/%lld", (long long)guest);
	cr_assert_eq(call(ch, "POST", path, "{\"action\": \"speak\"}", NULL, &j, NULL), 200);
	cr_assert(json_is_true(json_object_get(j, "may_speak")), "may speak");
	json_decref(j);
	/* the door team registers nobody */
	cr_assert_eq(call(door, "POST", "/api/v1/congresses/1/participants",
			  "{\"kind\": \"guest\", \"display_name\": \"x\"}", NULL, &j, NULL), 403);
	json_decref(j);

	/* an item added and made current */
	cr_assert_eq(call(ch, "POST", "/api/v1/congresses/1/agenda",
			  "{\"title\": \"Any other business\", \"planned_minutes\": 10}",
			  NULL, &j, NULL), 201);
	item = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/congresses/1/agenda/%lld", (long long)item);
	cr_assert_eq(call(ch, "POST", path, "{\"action\": \"current\"}", NULL, &j, NULL), 200);
	cr_assert_str_eq(str(j, "state"), "current");
	json_decref(j);
	cr_assert_eq(call(mem, "POST", path, "{\"action\": \"done\"}", NULL, &j, NULL), 403);
	json_decref(j);

	/* a motion's text changed with If-Match */
	cr_assert_eq(call(mem, "POST", "/api/v1/congresses/1/motions",
			  "{\"kind\": \"motion\", \"title\": \"Any other business\", "
			  "\"body\": \"First words.\"}", NULL, &j, NULL), 201);
	motion = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/congresses/1/motions/%lld", (long long)motion);
	cr_assert_eq(call(mem, "GET", path, NULL, NULL, &j, &etag), 200);
	json_decref(j);
	cr_assert_eq(call(mem, "PATCH", path,
			  "{\"title\": \"Any other business\", \"body\": \"Second words.\"}",
			  etag, &j, NULL), 200);
	cr_assert_eq(json_integer_value(json_object_get(j, "text_version")), 2);
	json_decref(j);
	cr_assert_eq(call(mem, "PATCH", path,
			  "{\"title\": \"Any other business\", \"body\": \"Lost words.\"}",
			  etag, &j, NULL), 409);
	json_decref(j);
	free(etag);

	/* the minutes, as JSON */
	cr_assert_eq(call(mem, "GET", "/api/v1/congresses/1/minutes", NULL, NULL, &j, NULL), 200);
	cr_assert_gt(json_array_size(json_object_get(j, "items")), 4);
	json_decref(j);
	cl_free(ch);
	cl_free(door);
	cl_free(mem);
}
