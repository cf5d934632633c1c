/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Badges and the door. A participant's badge is a QR code of a link to
 * the door page with their badge code: the door team scans it with any
 * phone's camera, the phone opens the page (signed in as the door team),
 * and one button checks the person in or out — no scanner app, no
 * JavaScript. A name can be searched instead. The code is a capability,
 * sealed at rest and found by its blind index; a badge of another
 * congress is refused as such, and a check-in of someone already in is
 * a clear 409, never a second entry.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <string.h>

/* The link a badge's QR code holds. */
static const char *badge_link(struct http_req *rq, const struct congress *k,
			      const char *code)
{
	return arena_printf(rq->arena, "%s/congress/%lld/door?code=%s",
			    platform_base_url(), (long long)k->id, code);
}

/* The badge of p as a QR code (inline SVG of our own markup) and its
 * link, for the participant's own page and the registrar's. */
json_t *congress_badge_json(struct http_req *rq, const struct congress *k,
			    const struct participant *p)
{
	const char *code = congress_badge_code(platform_conn(), rq->arena, p->id);

	if (!code)
		return json_null();
	return json_pack("{s:s, s:s}", "qr",
			 qr_svg(rq->arena, badge_link(rq, k, code),
				arena_printf(rq->arena, tr_rq(rq, N_("The badge of %s")),
					     p->display_name)),
			 "link", badge_link(rq, k, code));
}

void congress_badge(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	if (congress_participant_of(platform_conn(), rq->arena, k.id, rq->user.id,
				    &p) != DB_OK) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("You are not registered for this congress."));
		return;
	}
	http_page(rq, rs, 200, "congress/badge", N_("My badge"),
		  json_pack("{s:o, s:o, s:o}", "congress", congress_json(rq, &k),
			    "participant", congress_participant_json(rq, &p), "badge",
			    congress_badge_json(rq, &k, &p)));
}

/* Participants of k whose name holds q (folded), at most max. */
static json_t *search(struct http_req *rq, const struct congress *k,
		      const char *q, size_t max)
{
	struct participant *p;
	size_t n, found = 0;
	json_t *arr = json_array();
	const char *fq = text_fold(rq->arena, q);

	if (!*fq ||
	    congress_participants(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n && found < max; i++)
		if (strstr(text_fold(rq->arena, p[i].display_name), fq)) {
			json_array_append_new(arr, congress_participant_json(rq, &p[i]));
			found++;
		}
	return arr;
}

/* The door page (q: the name searched, NULL for none). */
static void door_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const char *q, json_t *found,
		      const char *error)
{
	struct congress_presence pr = {0};
	json_t *data;

	if (congress_api_refused(rq, rs, status, NULL, error)) {
		json_decref(found);
		return;
	}
	congress_presence(platform_conn(), k->id, &pr);
	data = json_pack("{s:o, s:s, s:o, s:b, s:I, s:I}", "congress",
			 congress_json(rq, k), "q", q ? q : "", "found",
			 found ? found : json_array(), "searched", q && *q,
			 "people_present", (json_int_t)pr.people_present,
			 "people_total", (json_int_t)pr.people_total);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "congress/door", N_("Door"), data);
}

void congress_door(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;
	const char *code = http_field(rq, "code");
	const char *q = http_field(rq, "q");

	if (congress_load(rq, rs, PERM_CONGRESS_DOOR, &k) != 0)
		return;
	if (code && *code) {
		/* a scanned badge: theirs, another congress's, or none */
		if (congress_participant_by_badge(platform_conn(), rq->arena, code,
						  &p) != DB_OK) {
			door_page(rq, rs, 404, &k, NULL, NULL,
				  tr_rq(rq, N_("This badge is not valid (its holder may have been removed).")));
			return;
		}
		if (p.congress_id != k.id) {
			door_page(rq, rs, 409, &k, NULL, NULL,
				  tr_rq(rq, N_("This badge is for another congress.")));
			return;
		}
		json_t *one = json_array();
		json_array_append_new(one, congress_participant_json(rq, &p));
		door_page(rq, rs, 200, &k, NULL, one, NULL);
		return;
	}
	door_page(rq, rs, 200, &k, q, q && *q ? search(rq, &k, q, 20) : NULL, NULL);
}

struct check_op {
	int64_t id, by;
	bool in;
};

static int check_tx(struct db_conn *c, void *arg)
{
	struct check_op *o = arg;
	return congress_check(c, o->id, o->in, o->by);
}

void congress_door_check(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;
	const char *went = http_field(rq, "went");
	bool in = went && strcmp(went, "in") == 0;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_DOOR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (!went || (!in && strcmp(went, "out"))) {
		door_page(rq, rs, 422, &k, NULL, NULL, tr_rq(rq, N_("Choose in or out.")));
		return;
	}
	/* another congress's participant does not exist at this door */
	if (congress_participant_get(platform_conn(), rq->arena,
				     http_field_int(rq, "participant", 0), &p) != DB_OK ||
	    p.congress_id != k.id || p.removed_at) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such participant."));
		return;
	}
	{
		/* the check and its line in the presence log: one transaction */
		struct check_op o = {.id = p.id, .in = in, .by = rq->user.id};
		rc = db_tx(platform_conn(), check_tx, &o);
	}
	if (rc == DB_CONSTRAINT) {
		json_t *one = json_array();
		json_array_append_new(one, congress_participant_json(rq, &p));
		door_page(rq, rs, 409, &k, NULL, one,
			  arena_printf(rq->arena,
				       tr_rq(rq, in ? N_("%s is checked in already.")
						    : N_("%s is not checked in.")),
				       p.display_name));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(),
			      in ? "congress.checked_in" : "congress.checked_out",
			      arena_printf(rq->arena, "participant:%lld", (long long)p.id),
			      json_pack("{s:I}", "congress", (json_int_t)k.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (congress_participant_get(platform_conn(), rq->arena, p.id, &p) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_done(rq, rs, 200, congress_participant_json(rq, &p),
		      in ? N_("Checked in.") : N_("Checked out."),
		      arena_printf(rq->arena, "/congress/%lld/door", (long long)k.id));
}
