/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module inside: its store (all its SQL, store.c), routes
 * and handlers. Other modules include congress.h only.
 */
#ifndef RUDDER_CONGRESS_INTERNAL_H
#define RUDDER_CONGRESS_INTERNAL_H

#include "congress.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/platform.h"

#include <jansson.h>

#define CONGRESS_MAX_NAME 200
#define CONGRESS_MAX_PLACE 200

/* ---- congresses ---- */
/* A new congress and its scope ("Congress: <name>") under parent (0: at
 * the top; a branch's scope for a branch's own conference, whose roles
 * then lie inside the branch): DB_OK and *id_r, DB_CONSTRAINT when a
 * sibling scope has the name. */
int congress_create(struct db_conn *c, const struct congress *in,
		    int64_t parent, int64_t *id_r);
/* Every congress, newest first (arena array). */
int congress_list(struct db_conn *c, struct arena *a, struct congress **out_r,
		  size_t *n_r);
/* Writes in's settings over congress in->id while its version is
 * in->version (0: any): DB_OK, DB_STALE, DB_NOTFOUND, DB_CONSTRAINT (the
 * name is another congress's). */
int congress_update(struct db_conn *c, const struct congress *in);
/* Puts amendment on congress id's projector (0: takes it off). */
int congress_project(struct db_conn *c, int64_t id, int64_t amendment);
enum congress_state congress_state_of(const char *name);
const char *congress_state_label(const char *name); /* msgid */

/* ---- participants ---- */
/* Registers someone: DB_OK and *id_r (a participant removed before comes
 * back as registered now, with a new badge and their mandates to check
 * again), DB_CONSTRAINT (and *id_r) when the person is registered
 * already — linked to their account if they made one since. A new badge
 * code is made and sealed. */
int congress_participant_add(struct db_conn *c, struct arena *a,
			     const struct participant *in, int64_t *id_r);
/* Removes participant id (by: the account; 0 the command line): checked
 * out first when in the hall, taken off every list of speakers. */
int congress_participant_remove(struct db_conn *c, int64_t id, int64_t by);
/* Sets a participant's speaking right (visitors may be given it). */
int congress_participant_set_speak(struct db_conn *c, int64_t id, bool may);
/* A new badge for participant id: the old code opens nothing any more
 * (a lost phone, a photographed badge). DB_NOTFOUND when removed. */
int congress_badge_reissue(struct db_conn *c, int64_t id);
/* The badge code of participant id (arena-owned text), or NULL. */
const char *congress_badge_code(struct db_conn *c, struct arena *a, int64_t id);

/* The participant whose badge code this is (any congress's), or
 * DB_NOTFOUND. */
int congress_participant_by_badge(struct db_conn *c, struct arena *a,
				  const char *code, struct participant *out);
/* Checks participant id in (or out), logged (by 0: the command line or
 * the demo): DB_OK, DB_CONSTRAINT when they are in already (out
 * already), or an error. */
int congress_check(struct db_conn *c, int64_t id, bool in, int64_t by);

/* A mandate (DB_CONSTRAINT when the participant has it already). */
int congress_mandate_add(struct db_conn *c, int64_t participant,
			 const char *source, int64_t source_id, int64_t weight,
			 int64_t *id_r);
int congress_mandate_get(struct db_conn *c, struct arena *a, int64_t id,
			 struct mandate *out);
/* Checks a mandate (or not) with its weight; by 0: the command line or
 * the demo. */
int congress_mandate_check(struct db_conn *c, int64_t id, int64_t weight,
			   bool checked, int64_t by);
int congress_mandate_remove(struct db_conn *c, int64_t id);

/* ---- the agenda ---- */
struct agenda_item {
	int64_t id, congress_id;
	int64_t position;
	const char *title;
	int planned_minutes, speak_seconds; /* 0: the congress's */
	const char *state;		    /* "waiting", "current", "done" */
	int64_t started_at, ended_at;
	const char *minutes_note;
	int64_t version;
	int64_t waiting; /* speakers in the queue */
};
int congress_items(struct db_conn *c, struct arena *a, int64_t congress,
		   struct agenda_item **out_r, size_t *n_r);
int congress_item_get(struct db_conn *c, struct arena *a, int64_t id,
		      struct agenda_item *out);
/* A new item at the end of the agenda. */
int congress_item_add(struct db_conn *c, int64_t congress, const char *title,
		      int planned_minutes, int speak_seconds, int64_t *id_r);
/* Swaps it with the item above (up) or below; at the end, nothing. */
int congress_item_move(struct db_conn *c, const struct agenda_item *it, bool up);
/* "current" (the one current before is done) or "done". */
int congress_item_set_state(struct db_conn *c, const struct agenda_item *it,
			    const char *state);
int congress_item_note(struct db_conn *c, int64_t id, const char *note);

/* A speaker of an item: speaking (started, not ended), waiting (not
 * started; position 1..n in the queue) or done. */
struct speaker {
	int64_t id, item_id, participant_id;
	const char *display_name;
	bool point_of_order;
	int64_t position;
	bool first_time;
	int64_t requested_at, started_at, ended_at;
	int64_t paused_at;	/* the clock stands since; 0: it runs */
	int64_t paused_seconds; /* it stood before */
};
/* Seconds of s's speech so far (or in all, once ended), pauses left out. */
int64_t congress_spoken(const struct speaker *s, int64_t now);
/* Who speaks, the queue, then who spoke (arena array). */
int congress_speakers(struct db_conn *c, struct arena *a, int64_t item,
		      struct speaker **out_r, size_t *n_r);
int congress_speaker_get(struct db_conn *c, struct arena *a, int64_t id,
			 struct speaker *out);
/* Asks to speak on it: a point of order goes after the waiting points of
 * order, a first-time speaker (with first_first) after them and the other
 * first-time speakers, anyone else at the end. DB_CONSTRAINT when the
 * participant has an open request or the floor on it already. */
int congress_speaker_request(struct db_conn *c, const struct agenda_item *it,
			     int64_t participant, bool point_of_order,
			     bool first_first, int64_t *id_r);
/* Gives s the floor (whoever had it ends): DB_CONSTRAINT when s is not
 * waiting. */
int congress_speaker_floor(struct db_conn *c, const struct speaker *s);
/* Ends s's speech: DB_CONSTRAINT when s is not speaking. */
int congress_speaker_end(struct db_conn *c, const struct speaker *s);
/* Pauses s's speech (or resumes it): DB_CONSTRAINT when it is not
 * speaking (paused already; not paused). */
int congress_speaker_pause(struct db_conn *c, const struct speaker *s,
			   bool pause);
/* Takes a waiting request off the queue: DB_CONSTRAINT when not waiting. */
int congress_speaker_remove(struct db_conn *c, const struct speaker *s);
/* Moves a waiting speaker to position to: 1 (the top), or one step. */
int congress_speaker_move(struct db_conn *c, const struct speaker *s, int to);

/* ---- motions and amendments (store_motions.c) ---- */
#define CONGRESS_MAX_TITLE 300
#define CONGRESS_MAX_BODY 60000
#define CONGRESS_MAX_REASON 10000
struct motion {
	int64_t id, congress_id;
	int64_t seq; /* its number M<seq> once admitted; 0 before */
	const char *kind; /* "motion", "resolution", "programme", "statute" */
	const char *title, *body, *reason, *state;
	int64_t item_id;      /* the agenda item it is debated under; 0 */
	int64_t submitted_by; /* a participant; 0: entered by the chair */
	const char *submitter_name; /* "" when none */
	int64_t text_version;
	const char *final_body; /* "as amended", once adopted so; "" */
	int64_t version, created_at;
	int64_t supporters, amendments; /* how many (amendments: not withdrawn) */
};
/* A new motion, submitted (its submitter on its list of people, the
 * first line of its history): DB_OK and *id_r. */
int congress_motion_add(struct db_conn *c, const struct motion *in,
			int64_t by_user, int64_t *id_r);
/* The congress's motions: numbered ones by number, then the others by
 * when they came (arena array). */
int congress_motions(struct db_conn *c, struct arena *a, int64_t congress,
		     struct motion **out_r, size_t *n_r);
int congress_motion_get(struct db_conn *c, struct arena *a, int64_t id,
			struct motion *out);
/* The motion in debate under agenda item item (the lowest number), or
 * DB_NOTFOUND. */
int congress_motion_debated(struct db_conn *c, struct arena *a,
			    int64_t congress, int64_t item, struct motion *out);
/* Moves m from its state to to (admitted: numbered, if not yet;
 * final_body: the text as amended, NULL to clear it), in its history
 * with note: DB_OK, or DB_STALE when m changed meanwhile. */
int congress_motion_move(struct db_conn *c, const struct motion *m,
			 const char *to, const char *final_body, int64_t by_user,
			 const char *note);
/* Writes in's title, body and reason over motion in->id while its
 * version is in->version: a new body is a new text version, the old one
 * kept in the history; a new title or body of a motion not yet admitted
 * drops its supporters (they supported another text). Version 0: any
 * (an API write without If-Match). DB_OK, DB_STALE. */
int congress_motion_edit(struct db_conn *c, const struct motion *in,
			 int64_t by_user);
/* The text motion m had at text version version (arena-owned), or
 * DB_NOTFOUND. */
int congress_motion_text(struct db_conn *c, struct arena *a,
			 const struct motion *m, int64_t version,
			 const char **text_r);
/* A new version of motion id (its row written: a concurrent writer of
 * it waits), for a change of its amendments. */
int congress_motion_touch(struct db_conn *c, int64_t id);
/* Puts m under agenda item item (0: none). */
int congress_motion_set_item(struct db_conn *c, int64_t id, int64_t item);
/* A participant supports motion id (or no longer): DB_CONSTRAINT when
 * they do already (do not), or submitted it. */
int congress_motion_support(struct db_conn *c, int64_t id, int64_t participant,
			    bool on);
/* What one person may add is bounded: a hall of phones fetches every
 * motion page again at each change, and a thousand amendments from one
 * delegate would be a thousand fetches of a page grown for each. The
 * chair is bound only by the motion's limit. */
#define CONGRESS_MAX_MOTIONS_EACH 20
#define CONGRESS_MAX_AMENDMENTS_EACH 100
#define CONGRESS_MAX_AMENDMENTS 1000
struct motion_counts {
	int64_t motions_by, amendments_by; /* participant's, in the congress */
	int64_t amendments_of;		   /* motion's */
};
int congress_motion_counts(struct db_conn *c, int64_t congress,
			   int64_t participant, int64_t motion,
			   struct motion_counts *out);
struct motion_person {
	int64_t participant_id;
	const char *display_name, *role; /* "submitter", "supporter" */
	int64_t at;
};
int congress_motion_people(struct db_conn *c, struct arena *a, int64_t id,
			   struct motion_person **out_r, size_t *n_r);
struct motion_change {
	int64_t at;
	const char *from_state, *to_state, *note;
	int64_t text_version;
	bool text_changed;
};
/* Motion id's history, oldest first (arena array). */
int congress_motion_history(struct db_conn *c, struct arena *a, int64_t id,
			    struct motion_change **out_r, size_t *n_r);

struct amendment {
	int64_t id, motion_id, seq;
	int64_t text_version; /* of the motion's text it names lines of */
	int64_t first_line, last_line;
	const char *op, *new_text, *reason;
	const char *state; /* submitted, admitted, adopted, rejected, withdrawn */
	int64_t submitted_by;
	const char *submitter_name;
	int64_t version, created_at;
};
/* A new amendment of motion in->motion_id, numbered: DB_OK, *id_r. */
int congress_amendment_add(struct db_conn *c, const struct amendment *in,
			   int64_t *id_r);
/* Motion id's amendments by number (arena array). */
int congress_amendments(struct db_conn *c, struct arena *a, int64_t motion,
			struct amendment **out_r, size_t *n_r);
int congress_amendment_get(struct db_conn *c, struct arena *a, int64_t id,
			   struct amendment *out);
/* Moves am from its state to to: DB_OK, or DB_STALE when it changed. */
int congress_amendment_move(struct db_conn *c, const struct amendment *am,
			    const char *to);

/* ---- the rules of lines and amendments (rules.c) ---- */
/* A motion's Markdown as stored: lines longer than width wrapped at
 * spaces (a continuation indented to stay in its list item or quote,
 * never a break before a word that would open a block), headings, table
 * rows, code and HTML left whole, no carriage returns, no trailing
 * blanks. Line n of the result is line n everywhere. */
#define CONGRESS_LINE_WIDTH 80
char *congress_wrap(struct arena *a, const char *text, size_t width);
/* The lines of text (arena array of arena strings): how many. */
size_t congress_lines(struct arena *a, const char *text, const char ***lines_r);
enum { AMEND_REPLACE, AMEND_INSERT, AMEND_DELETE };
/* An amendment's change: replace or delete lines first..last, or insert
 * text after line first (= last; 0: at the top). */
struct amend {
	int op;
	int64_t first, last;
	const char *text;
};
int congress_amend_op(const char *name); /* -1: none */
const char *congress_amend_op_name(int op);
/* Why m cannot be made to a text of nlines lines (a msgid, the field in
 * *field_r), or NULL. */
const char *congress_amend_check(const struct amend *m, size_t nlines,
				 const char **field_r);
/* Do a and b touch the same lines (an insert after l touches a range
 * holding l, and another insert after l)? */
bool congress_amend_conflict(const struct amend *a, const struct amend *b);
/* text with ms applied (none in conflict), wrapped again. */
char *congress_apply(struct arena *a, const char *text, const struct amend *ms,
		     size_t n, size_t width);

/* ---- workflows (rules.c) ---- */
/* May the chair move a motion (an amendment) from state from to to? */
bool congress_motion_move_ok(const char *from, const char *to);
bool congress_amendment_move_ok(const char *from, const char *to);
/* Is a motion in state done with (adopted, rejected, ...)? */
bool congress_motion_final(const char *state);
const char *congress_motion_state_label(const char *state);    /* msgid */
const char *congress_motion_kind_label(const char *kind);      /* msgid */
const char *congress_amendment_state_label(const char *state); /* msgid */
/* An amendment's change as struct amend. */
struct amend congress_amend_of(const struct amendment *am);

/* The demo's congress (module .demo). */
int congress_demo(struct db_conn *c, char *err, size_t cap);
/* Its agenda, speakers, motions and amendments, the n delegates (ids)
 * submitting and supporting them, those who sign in first. */
int congress_demo_business(struct db_conn *c, struct arena *a,
			   const struct congress *k, const int64_t *delegates,
			   size_t n);

/* ---- motions and amendments as pages (motions.c, amendments.c) ---- */
const char *congress_motion_number(struct arena *a, const struct motion *m);
const char *congress_amendment_number(struct arena *a, const struct motion *m,
				      const struct amendment *am);
const char *congress_motion_path(struct arena *a, const struct motion *m);
json_t *congress_motion_json(struct http_req *rq, const struct motion *m);
/* am as JSON, its conflicts among all (n of them) named. */
json_t *congress_amendment_json(struct http_req *rq, const struct motion *m,
				const struct amendment *am,
				const struct amendment *all, size_t n);
/* m's text with the adopted amendments of its version applied, or NULL
 * when none is adopted. */
const char *congress_as_amended(struct arena *a, const struct motion *m,
				const struct amendment *all, size_t n);
/* Motion {m} of congress k (404 answered when it is another's): 0, -1. */
int congress_motion_load(struct http_req *rq, struct http_resp *rs,
			 const struct congress *k, struct motion *m);
/* Why someone (the chair, or me: their participant, NULL for none) may
 * not amend m now: 0, or the status to answer (403 not theirs to do, 409
 * not now) with the reason (a msgid) in *why_r. */
int congress_amend_refused(const struct congress *k, const struct motion *m,
			   bool chair, const struct participant *me,
			   const char **why_r);
/* m's text block by block with the lines each covers and the n
 * amendments am touching them. */
json_t *congress_blocks_json(struct http_req *rq, const struct motion *m,
			     const struct amendment *am, size_t n);
/* am as a diff of text (the motion's at am's version): rows {n, text,
 * del} and {text, ins}. */
json_t *congress_diff_json(struct http_req *rq, const char *text,
			   const struct amendment *am);
/* The motion's page with status (and an error above it). */
void congress_motion_page(struct http_req *rq, struct http_resp *rs, int status,
			  const struct congress *k, const struct motion *m,
			  const char *error);

/* ---- the extensions of modules built on the congress (extend.c) ---- */
/* {href, label} for the congress's page */
json_t *congress_extension_links(struct http_req *rq, const struct congress *k);
/* the projector's panels, and the minutes' under item (0: under none) */
json_t *congress_extension_projector(struct http_req *rq,
				     const struct congress *k);
json_t *congress_extension_minutes(struct http_req *rq, const struct congress *k,
				   int64_t item);
/* panels as Markdown list items */
void congress_panels_md(struct buf *b, json_t *panels);

/* ---- handlers ---- */
extern const struct route_table congress_routes;
extern const struct audit_words congress_audit_words;
void congress_list_page(struct http_req *rq, struct http_resp *rs);
void congress_new(struct http_req *rq, struct http_resp *rs);
void congress_create_post(struct http_req *rq, struct http_resp *rs);
void congress_show(struct http_req *rq, struct http_resp *rs);
void congress_edit(struct http_req *rq, struct http_resp *rs);
void congress_update_post(struct http_req *rq, struct http_resp *rs);
void congress_participants_page(struct http_req *rq, struct http_resp *rs);
void congress_participants_add(struct http_req *rq, struct http_resp *rs);
void congress_participant_page(struct http_req *rq, struct http_resp *rs);
void congress_participant_post(struct http_req *rq, struct http_resp *rs);
void congress_badge(struct http_req *rq, struct http_resp *rs);
void congress_door(struct http_req *rq, struct http_resp *rs);
void congress_door_check(struct http_req *rq, struct http_resp *rs);
void congress_agenda(struct http_req *rq, struct http_resp *rs);
void congress_agenda_add(struct http_req *rq, struct http_resp *rs);
void congress_item(struct http_req *rq, struct http_resp *rs);
void congress_item_post(struct http_req *rq, struct http_resp *rs);
void congress_speak(struct http_req *rq, struct http_resp *rs);
void congress_speaker_post(struct http_req *rq, struct http_resp *rs);
void congress_events(struct http_req *rq, struct http_resp *rs);
void congress_motions_page(struct http_req *rq, struct http_resp *rs);
void congress_motion_submit(struct http_req *rq, struct http_resp *rs);
void congress_motion_show(struct http_req *rq, struct http_resp *rs);
void congress_motion_post(struct http_req *rq, struct http_resp *rs);
void congress_motion_edit_page(struct http_req *rq, struct http_resp *rs);
void congress_motion_edit_post(struct http_req *rq, struct http_resp *rs);
void congress_amend_page(struct http_req *rq, struct http_resp *rs);
void congress_amendment_submit(struct http_req *rq, struct http_resp *rs);
void congress_amendment_show(struct http_req *rq, struct http_resp *rs);
void congress_amendment_post(struct http_req *rq, struct http_resp *rs);
void congress_amendment_of_amendment(struct http_req *rq, struct http_resp *rs);
void congress_api_motions(struct http_req *rq, struct http_resp *rs);
void congress_api_agenda(struct http_req *rq, struct http_resp *rs);
void congress_api_item(struct http_req *rq, struct http_resp *rs);
void congress_book(struct http_req *rq, struct http_resp *rs);
void congress_book_md(struct http_req *rq, struct http_resp *rs);
void congress_minutes(struct http_req *rq, struct http_resp *rs);
void congress_minutes_md(struct http_req *rq, struct http_resp *rs);
void congress_api_minutes(struct http_req *rq, struct http_resp *rs);
void congress_api_motion(struct http_req *rq, struct http_resp *rs);
void congress_projector(struct http_req *rq, struct http_resp *rs);
void congress_projector_post(struct http_req *rq, struct http_resp *rs);
void congress_api_list(struct http_req *rq, struct http_resp *rs);
void congress_api_get(struct http_req *rq, struct http_resp *rs);
void congress_api_participants(struct http_req *rq, struct http_resp *rs);

json_t *congress_participant_json(struct http_req *rq,
				  const struct participant *p);
/* p's badge: {qr (inline SVG), link}, or null when it does not open. */
json_t *congress_badge_json(struct http_req *rq, const struct congress *k,
			    const struct participant *p);

#endif
