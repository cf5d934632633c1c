/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Live: every change of a congress (its list of speakers, its agenda, who
 * is in) is published on the channel "congress:<id>" once its transaction
 * commits, carrying nothing but "it changed"; an open page (the
 * projector, an item, the door, the overview) fetches itself again and
 * puts the parts marked data-live-region in place, so a reload and a
 * live update show the same. The projector is the hall's screen: the
 * current item and the motion in debate under it, who speaks and until
 * when, who is next, and presence.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void publish(void *arg)
{
	char ch[32], id[24];
	int64_t k = (int64_t)(intptr_t)arg;

	snprintf(ch, sizeof(ch), "congress:%lld", (long long)k);
	snprintf(id, sizeof(id), "%lld", (long long)k);
	http_sse_publish(ch, "changed", id);
}

void congress_changed(int64_t congress)
{
	/* once per transaction would do; twice costs a fetch */
	db_on_commit(platform_conn(), publish, (void *)(intptr_t)congress);
}

void congress_events(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0)
		http_sse_start(rq, rs,
			       arena_printf(rq->arena, "congress:%lld", (long long)k.id));
}

void congress_projector(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct agenda_item *it, *cur = NULL;
	struct congress_presence pr = {0};
	size_t n;
	json_t *data;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0)
		return;
	congress_presence(platform_conn(), k.id, &pr);
	data = json_pack("{s:o, s:I, s:I, s:I, s:I}", "congress",
			 congress_json(rq, &k), "weight_present",
			 (json_int_t)pr.weight_present, "weight_total",
			 (json_int_t)pr.weight_total, "people_present",
			 (json_int_t)pr.people_present, "now", (json_int_t)time_now());
	json_object_set_new(data, "quorum",
			    json_boolean(pr.weight_total > 0 &&
					 pr.weight_present * 100 >=
						 (int64_t)k.quorum_pct * pr.weight_total));
	if (congress_items(platform_conn(), rq->arena, k.id, &it, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			if (strcmp(it[i].state, "current") == 0)
				cur = &it[i];
	if (cur) {
		struct speaker *s;
		size_t ns, next = 0;
		int limit = cur->speak_seconds ? cur->speak_seconds : k.speak_seconds;
		json_t *upcoming = json_array();
		json_object_set_new(data, "item", json_pack("{s:I, s:s}", "id",
							    (json_int_t)cur->id,
							    "title", cur->title));
		if (congress_speakers(platform_conn(), rq->arena, cur->id, &s, &ns) ==
		    DB_OK)
			for (size_t i = 0; i < ns; i++) {
				if (s[i].started_at && !s[i].ended_at) {
					json_t *sp = json_pack(
						"{s:s, s:b, s:b}", "display_name",
						s[i].display_name, "point_of_order",
						s[i].point_of_order, "paused",
						s[i].paused_at != 0);
					int64_t ends = s[i].started_at + limit +
						       s[i].paused_seconds;
					if (limit > 0 && !s[i].paused_at) {
						char clock[16];
						time_format_clock(ends, clock, sizeof(clock));
						json_object_set_new(sp, "ends_at",
								    json_integer(ends));
						json_object_set_new(sp, "ends_at_text",
								    json_string(clock));
					} else if (limit > 0) {
						int64_t left = limit - congress_spoken(&s[i],
										       time_now());
						json_object_set_new(
							sp, "seconds_left",
							json_integer(left > 0 ? left : 0));
					}
					json_object_set_new(data, "speaking", sp);
				} else if (!s[i].started_at && next < 3) {
					json_array_append_new(
						upcoming,
						json_pack("{s:s, s:b}", "display_name",
							  s[i].display_name, "point_of_order",
							  s[i].point_of_order));
					next++;
				}
			}
		json_object_set_new(data, "next", upcoming);
		json_object_set_new(data, "any_next", json_boolean(next > 0));
		{
			/* the motion in debate under it */
			struct motion m;
			if (congress_motion_debated(platform_conn(), rq->arena, k.id,
						    cur->id, &m) == DB_OK)
				json_object_set_new(data, "motion",
						    congress_motion_json(rq, &m));
		}
	}
	if (k.projected_amendment) {
		/* the amendment the chair put up: its change as a diff */
		struct amendment am;
		struct motion m;
		struct amendment *all;
		size_t na;
		const char *text;
		if (congress_amendment_get(platform_conn(), rq->arena,
					   k.projected_amendment, &am) == DB_OK &&
		    congress_motion_get(platform_conn(), rq->arena, am.motion_id, &m) ==
			    DB_OK &&
		    m.congress_id == k.id &&
		    congress_amendments(platform_conn(), rq->arena, m.id, &all, &na) ==
			    DB_OK &&
		    congress_motion_text(platform_conn(), rq->arena, &m, am.text_version,
					 &text) == DB_OK) {
			json_t *j = congress_amendment_json(rq, &m, &am, all, na);
			json_object_set_new(j, "diff", congress_diff_json(rq, text, &am));
			json_object_set_new(j, "motion_title", json_string(m.title));
			json_object_set_new(data, "amendment", j);
		}
	}
	json_object_set_new(data, "panels", congress_extension_projector(rq, &k));
	http_page(rq, rs, 200, "congress/projector", N_("Projector"), data);
}

void congress_projector_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct amendment am;
	struct motion m;
	int64_t id = http_field_int(rq, "amendment", 0);
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	/* another congress's amendment is none here */
	if (id && (congress_amendment_get(platform_conn(), rq->arena, id, &am) != DB_OK ||
		   congress_motion_get(platform_conn(), rq->arena, am.motion_id, &m) !=
			   DB_OK ||
		   m.congress_id != k.id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such amendment."));
		return;
	}
	rc = congress_project(platform_conn(), k.id, id);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "congress.projected",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I}", "amendment", (json_int_t)id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (congress_get(platform_conn(), rq->arena, k.id, &k) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_done(rq, rs, 200, congress_json(rq, &k),
		      id ? N_("The amendment is on the projector.")
			 : N_("The projector shows the agenda again."),
		      id ? arena_printf(rq->arena, "/congress/%lld/motions/%lld/amendments/%lld",
					(long long)k.id, (long long)m.id, (long long)id)
			 : arena_printf(rq->arena, "/congress/%lld/projector", (long long)k.id));
}
