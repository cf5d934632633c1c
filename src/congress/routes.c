/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module's routes: every one names its permission, checked
 * over the congress's own scope by the handler's congress_load (a
 * congress the reader holds nothing over does not exist for them), and
 * the fields it accepts.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#define CONGRESS_FIELDS                                                        \
	{.name = "name", .type = F_LINE, .required = true,                     \
	 .max_len = CONGRESS_MAX_NAME, .label = N_("Name")},                   \
	{.name = "place", .type = F_LINE, .max_len = CONGRESS_MAX_PLACE,       \
	 .label = N_("Place")},                                                \
	{.name = "starts_on", .type = F_LINE, .max_len = 10,                  \
	 .label = N_("First day")},                                            \
	{.name = "ends_on", .type = F_LINE, .max_len = 10,                    \
	 .label = N_("Last day")},                                             \
	{.name = "quorum_pct", .type = F_INT,            \
	 .label = N_("Quorum: percent of delegates' weight present")},              \
	{.name = "min_supporters", .type = F_INT,      \
	 .label = N_("Supporters a motion needs")},                            \
	{.name = "speak_seconds", .type = F_INT,       \
	 .label = N_("Speaking time (seconds)")},                              \
	{.name = "first_speakers_first", .type = F_BOOL,                       \
	 .label = N_("First-time speakers go first")},                         \
	{.name = "motion_deadline", .type = F_LINE, .max_len = 16,             \
	 .label = N_("Deadline for motions"),                                  \
	 .hint = N_("A day and a time; empty: none. After it only the chair enters motions.")}, \
	{.name = "amendment_deadline", .type = F_LINE, .max_len = 16,          \
	 .label = N_("Deadline for amendments"),                               \
	 .hint = N_("A day and a time; empty: none. After it only the chair enters amendments.")}

static const struct field create_fields[] = {
	CONGRESS_FIELDS,
	{0},
};
static const struct field update_fields[] = {
	CONGRESS_FIELDS,
	{.name = "state", .type = F_TOKEN, .max_len = 16, .label = N_("State")},
	{.name = "version", .type = F_INT, .label = N_("Version")},
	{0},
};
/* delegates from the registry (a whole branch's, or one person), a
 * visitor, or a guest at the door */
static const struct field add_fields[] = {
	{.name = "kind", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("Kind")},
	{.name = "branch", .type = F_INT, .label = N_("Branch")},
	{.name = "union", .type = F_INT, .label = N_("Union")},
	{.name = "person", .type = F_INT, .label = N_("Member")},
	{.name = "display_name", .type = F_LINE, .max_len = 200,
	 .label = N_("Name")},
	{0},
};
static const struct field participant_fields[] = {
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("Action")},
	{.name = "mandate", .type = F_INT, .label = N_("Mandate")},
	{.name = "weight", .type = F_INT,
	 .label = N_("Weight")},
	{.name = "source", .type = F_TOKEN, .max_len = 8, .label = N_("From")},
	{.name = "source_id", .type = F_INT, .label = N_("Branch or union")},
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};

static const struct field door_fields[] = {
	{.name = "q", .type = F_LINE, .max_len = 200, .label = N_("Name")},
	{.name = "code", .type = F_TOKEN, .max_len = 64, .label = N_("Badge")},
	{0},
};
static const struct field check_fields[] = {
	{.name = "participant", .type = F_INT, .required = true,
	 .label = N_("Participant")},
	{.name = "went", .type = F_TOKEN, .required = true, .max_len = 3,
	 .label = N_("In or out")},
	{0},
};

static const struct field item_add_fields[] = {
	{.name = "title", .type = F_LINE, .required = true, .max_len = 300,
	 .label = N_("Agenda item")},
	{.name = "planned_minutes", .type = F_INT, .label = N_("Planned minutes")},
	{.name = "speak_seconds", .type = F_INT,
	 .label = N_("Speaking time (seconds)"),
	 .hint = N_("0: the congress's.")},
	{0},
};
static const struct field item_fields[] = {
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 8,
	 .label = N_("Action")},
	{.name = "note", .type = F_TEXT, .max_len = 4000,
	 .label = N_("Note for the minutes")},
	{0},
};
static const struct field speak_fields[] = {
	{.name = "point_of_order", .type = F_BOOL, .label = N_("Point of order")},
	/* the chair's: a hand raised in the hall */
	{.name = "participant", .type = F_INT, .label = N_("Participant")},
	{0},
};
static const struct field speaker_fields[] = {
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 8,
	 .label = N_("Action")},
	{0},
};

#define MOTION_TEXT_FIELDS                                                     \
	{.name = "title", .type = F_LINE, .required = true,                    \
	 .max_len = CONGRESS_MAX_TITLE, .label = N_("Heading")},                 \
	{.name = "body", .type = F_TEXT, .required = true,                     \
	 .max_len = CONGRESS_MAX_BODY, .label = N_("Text"),                    \
	 .hint = N_("Markdown. Lines are numbered as saved; amendments name them.")}, \
	{.name = "reason", .type = F_TEXT, .max_len = CONGRESS_MAX_REASON,     \
	 .label = N_("Reason")}
static const struct field motion_fields[] = {
	{.name = "kind", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("Kind")},
	MOTION_TEXT_FIELDS,
	{0},
};
static const struct field motion_edit_fields[] = {
	MOTION_TEXT_FIELDS,
	{.name = "version", .type = F_INT, .label = N_("Version")},
	{0},
};
static const struct field motion_action_fields[] = {
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("Action")},
	{.name = "to", .type = F_TOKEN, .max_len = 16, .label = N_("New state")},
	{.name = "note", .type = F_LINE, .max_len = 500,
	 .label = N_("Note for the history")},
	{.name = "item", .type = F_INT, .label = N_("Agenda item")},
	{0},
};
static const struct field amendment_fields[] = {
	{.name = "op", .type = F_TOKEN, .required = true, .max_len = 8,
	 .label = N_("Change")},
	{.name = "first_line", .type = F_INT, .required = true,
	 .label = N_("First line"),
	 .hint = N_("To insert at the very top, 0.")},
	{.name = "last_line", .type = F_INT, .label = N_("Last line"),
	 .hint = N_("The same as the first for one line; not used to insert.")},
	{.name = "new_text", .type = F_TEXT, .max_len = CONGRESS_MAX_BODY,
	 .label = N_("New text"), .hint = N_("Markdown; empty to delete.")},
	{.name = "reason", .type = F_TEXT, .max_len = CONGRESS_MAX_REASON,
	 .label = N_("Reason")},
	{.name = "text_version", .type = F_INT, .label = N_("Text version")},
	{0},
};
static const struct field amendment_action_fields[] = {
	{.name = "to", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("New state")},
	{0},
};

static const struct field projector_fields[] = {
	{.name = "amendment", .type = F_INT, .label = N_("Amendment"),
	 .hint = N_("0: none.")},
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/congress", .handler = congress_list_page,
	 .perm = PERM_LOGIN, .summary = "the congresses the reader takes part in"},
	{.method = HTTP_GET, .pattern = "/congress/new", .handler = congress_new,
	 .perm = PERM_CONGRESS_MANAGE, .summary = "the form to prepare a congress"},
	{.method = HTTP_POST, .pattern = "/congress", .handler = congress_create_post,
	 .perm = PERM_CONGRESS_MANAGE, .fields = create_fields,
	 .summary = "prepare a congress (its own scope for its roles)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}", .handler = congress_show,
	 .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "a congress: its state, presence and quorum"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/edit",
	 .handler = congress_edit, .perm = PERM_CONGRESS_CHAIR,
	 .summary = "the congress's settings"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}",
	 .handler = congress_update_post, .perm = PERM_CONGRESS_CHAIR,
	 .fields = update_fields,
	 .summary = "change the congress's settings (409 on another's version)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/participants",
	 .handler = congress_participants_page, .perm = PERM_CONGRESS_REGISTER,
	 .summary = "the participants, and registering them"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/participants",
	 .handler = congress_participants_add, .perm = PERM_CONGRESS_REGISTER,
	 .fields = add_fields,
	 .summary = "register delegates from the registry, a visitor or a guest"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/participants/{p:int}",
	 .handler = congress_participant_page, .perm = PERM_CONGRESS_REGISTER,
	 .summary = "a participant and their mandates"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/participants/{p:int}",
	 .handler = congress_participant_post, .perm = PERM_CONGRESS_REGISTER,
	 .fields = participant_fields,
	 .summary = "check a mandate, set a weight, add a mandate, give the floor right, remove"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/badge",
	 .handler = congress_badge, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "my badge: a QR code the door scans"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/door",
	 .handler = congress_door, .perm = PERM_CONGRESS_DOOR, .fields = door_fields,
	 .summary = "the door: a scanned badge, or a name searched"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/door",
	 .handler = congress_door_check, .perm = PERM_CONGRESS_DOOR,
	 .fields = check_fields, .summary = "check someone in or out"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/agenda",
	 .handler = congress_agenda, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the agenda"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/agenda",
	 .handler = congress_agenda_add, .perm = PERM_CONGRESS_CHAIR,
	 .fields = item_add_fields, .summary = "add an item to the agenda"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/agenda/{i:int}",
	 .handler = congress_item, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "an agenda item and its speakers"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/agenda/{i:int}",
	 .handler = congress_item_post, .perm = PERM_CONGRESS_CHAIR,
	 .fields = item_fields,
	 .summary = "make an item current or done, move it, note it for the minutes"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/agenda/{i:int}/speakers",
	 .handler = congress_speak, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = speak_fields, .summary = "ask to speak, or raise a point of order"},
	{.method = HTTP_POST,
	 .pattern = "/congress/{c:int}/agenda/{i:int}/speakers/{s:int}",
	 .handler = congress_speaker_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = speaker_fields,
	 .summary = "run the list (the chair); take one's own request off"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/motions",
	 .handler = congress_motions_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the motions, and submitting one"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/motions",
	 .handler = congress_motion_submit, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = motion_fields,
	 .summary = "submit a motion (a delegate before the deadline, the chair)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/motions/{m:int}",
	 .handler = congress_motion_show, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "a motion: its numbered text, amendments in place, history"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/motions/{m:int}",
	 .handler = congress_motion_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = motion_action_fields,
	 .summary = "support a motion, withdraw one's own; the chair's workflow"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/motions/{m:int}/edit",
	 .handler = congress_motion_edit_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the form to edit a motion (its submitter, the chair)"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/motions/{m:int}/edit",
	 .handler = congress_motion_edit_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = motion_edit_fields,
	 .summary = "save a motion's text (409 on another's version)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/motions/{m:int}/amend",
	 .handler = congress_amend_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "a motion's numbered lines and the form to amend them"},
	{.method = HTTP_POST,
	 .pattern = "/congress/{c:int}/motions/{m:int}/amendments",
	 .handler = congress_amendment_submit, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = amendment_fields,
	 .summary = "amend lines of a motion: replace, delete, insert"},
	{.method = HTTP_GET,
	 .pattern = "/congress/{c:int}/motions/{m:int}/amendments/{a:int}",
	 .handler = congress_amendment_show, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "an amendment as a diff of the motion's lines"},
	{.method = HTTP_POST,
	 .pattern = "/congress/{c:int}/motions/{m:int}/amendments/{a:int}",
	 .handler = congress_amendment_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = amendment_action_fields,
	 .summary = "admit, adopt or reject an amendment; withdraw one's own"},
	{.method = HTTP_POST,
	 .pattern = "/congress/{c:int}/motions/{m:int}/amendments/{a:int}/amendments",
	 .handler = congress_amendment_of_amendment,
	 .perm = PERM_CONGRESS_PARTICIPATE, .fields = amendment_fields,
	 .summary = "refused: an amendment is never amended (amend the motion)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/book",
	 .handler = congress_book, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the motion book: every motion with its amendments, to print"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/book.md",
	 .handler = congress_book_md, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the motion book as Markdown"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/minutes",
	 .handler = congress_minutes, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the minutes as the day happens: items, speakers, outcomes"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/minutes.md",
	 .handler = congress_minutes_md, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the minutes as Markdown"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/projector",
	 .handler = congress_projector, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the hall's screen: the current item, who speaks, who is next"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/projector",
	 .handler = congress_projector_post, .perm = PERM_CONGRESS_CHAIR,
	 .fields = projector_fields,
	 .summary = "put an amendment on the projector, or take it off"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/projector",
	 .handler = congress_projector_post, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = projector_fields,
	 .summary = "put an amendment on the projector, or take it off"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/events",
	 .handler = congress_events, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_SSE, .summary = "an event each time the congress changes"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses",
	 .handler = congress_api_list, .perm = PERM_LOGIN, .flags = ROUTE_API,
	 .fields = http_list_fields, .summary = "the congresses the caller takes part in"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses",
	 .handler = congress_create_post, .perm = PERM_CONGRESS_MANAGE,
	 .flags = ROUTE_API, .fields = create_fields,
	 .summary = "prepare a congress"},
	{.method = HTTP_PATCH, .pattern = "/api/v1/congresses/{c:int}",
	 .handler = congress_update_post, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = update_fields,
	 .summary = "change a congress's settings (If-Match)"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/participants",
	 .handler = congress_participants_add, .perm = PERM_CONGRESS_REGISTER,
	 .flags = ROUTE_API, .fields = add_fields,
	 .summary = "register delegates from the registry, a visitor or a guest"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/participants/{p:int}",
	 .handler = congress_participant_post, .perm = PERM_CONGRESS_REGISTER,
	 .flags = ROUTE_API, .fields = participant_fields,
	 .summary = "a participant's mandates, speaking right, badge, removal"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/door",
	 .handler = congress_door_check, .perm = PERM_CONGRESS_DOOR,
	 .flags = ROUTE_API, .fields = check_fields,
	 .summary = "check someone in or out"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/agenda",
	 .handler = congress_agenda_add, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = item_add_fields,
	 .summary = "add an item to the agenda"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/agenda/{i:int}",
	 .handler = congress_item_post, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = item_fields,
	 .summary = "make an item current or done, move it, note it for the minutes"},
	{.method = HTTP_PATCH, .pattern = "/api/v1/congresses/{c:int}/motions/{m:int}",
	 .handler = congress_motion_edit_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = motion_edit_fields,
	 .summary = "change a motion's title, text or reason (If-Match)"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/minutes",
	 .handler = congress_api_minutes, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "the minutes as the day happens"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}",
	 .handler = congress_api_get, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "a congress with its presence"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/participants",
	 .handler = congress_api_participants, .perm = PERM_CONGRESS_REGISTER,
	 .flags = ROUTE_API, .fields = http_list_fields,
	 .summary = "a congress's participants"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/motions",
	 .handler = congress_api_motions, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = http_list_fields,
	 .summary = "a congress's motions"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/motions",
	 .handler = congress_motion_submit, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = motion_fields,
	 .summary = "submit a motion (a delegate before the deadline, the chair)"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/motions/{m:int}",
	 .handler = congress_motion_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = motion_action_fields,
	 .summary = "support a motion, withdraw one's own; the chair's workflow"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/motions/{m:int}/amendments",
	 .handler = congress_amendment_submit, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = amendment_fields,
	 .summary = "amend lines of a motion"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/motions/{m:int}/amendments/{a:int}",
	 .handler = congress_amendment_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = amendment_action_fields,
	 .summary = "admit, adopt or reject an amendment; withdraw one's own"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/agenda",
	 .handler = congress_api_agenda, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = http_list_fields,
	 .summary = "a congress's agenda"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/agenda/{i:int}",
	 .handler = congress_api_item, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "an agenda item with its speakers"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/agenda/{i:int}/speakers",
	 .handler = congress_speak, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = speak_fields,
	 .summary = "ask to speak, or raise a point of order"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/agenda/{i:int}/speakers/{s:int}",
	 .handler = congress_speaker_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = speaker_fields,
	 .summary = "run the list (the chair); take one's own request off"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/motions/{m:int}",
	 .handler = congress_api_motion, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API,
	 .summary = "a motion with its text, supporters and amendments"},
};

const struct route_table congress_routes = {"congress", routes,
					    ARRAY_LEN(routes)};
