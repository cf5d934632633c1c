/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module's routes: every one names its permission, checked
 * over the congress's own scope by congress_load before anything else
 * (a congress the reader holds nothing over does not exist for them),
 * and the fields it accepts. Casting needs only "participate": that the
 * reader is a delegate present with a checked mandate is the handler's
 * check, against the congress's own records.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

static const struct field poll_fields[] = {
	{.name = "about", .type = F_TOKEN, .max_len = 40,
	 .label = N_("About"),
	 .hint = N_("A motion or an amendment puts its name in the minutes beside the result.")},
	{.name = "question", .type = F_LINE, .max_len = POLL_MAX_QUESTION,
	 .label = N_("Question"),
	 .hint = N_("Empty: the name of what the poll is about.")},
	{.name = "kind", .type = F_TOKEN, .max_len = 16, .label = N_("Kind")},
	{.name = "options", .type = F_TEXT, .max_len = 30000,
	 .label = N_("Options or candidates"),
	 .hint = N_("One per line; not used for yes, no or abstain.")},
	{.name = "seats", .type = F_INT, .label = N_("Seats"),
	 .hint = N_("How many an election fills.")},
	{.name = "max_choices", .type = F_INT, .label = N_("Most choices"),
	 .hint = N_("How many options one ballot may approve.")},
	{.name = "majority", .type = F_TOKEN, .max_len = 16,
	 .label = N_("Majority")},
	{.name = "base", .type = F_TOKEN, .max_len = 16,
	 .label = N_("Majority of")},
	{.name = "secret", .type = F_BOOL, .label = N_("Secret ballot")},
	{.name = "publish_receipts", .type = F_BOOL,
	 .label = N_("Give voters a receipt and publish it with the ballots"),
	 .hint = N_("A voter finds their ballot in the published list; a receipt can also prove a vote to someone who forces it.")},
	{0},
};
static const struct field action_fields[] = {
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 8,
	 .label = N_("Action")},
	{.name = "confirm", .type = F_TOKEN, .max_len = 3},
	{0},
};
static const struct field cast_fields[] = {
	{.name = "vote", .type = F_LINE, .max_len = 400, .label = N_("Vote"),
	 .hint = N_("Y, N or A; an option's number; approvals \"1,4\"; a ranking \"3 1 2\".")},
	{.name = "choice", .type = F_TOKEN, .max_len = 5, .multi = true,
	 .label = N_("Choice")},
	{.name = "rank", .type = F_TOKEN, .max_len = 12, .multi = true,
	 .label = N_("Rank")},
	{.name = "mandate", .type = F_INT, .multi = true, .label = N_("Mandate")},
	{0},
};
static const struct field receipt_fields[] = {
	{.name = "receipt", .type = F_LINE, .required = true, .max_len = 64,
	 .label = N_("Receipt")},
	{0},
};

static const struct field codes_fields[] = {
	{.name = "participant", .type = F_INT, .required = true,
	 .label = N_("Delegate")},
	{.name = "count", .type = F_INT, .label = N_("Codes on the sheet"),
	 .hint = N_("One for each poll the delegate may vote in; 1 to 20.")},
	{0},
};
static const struct field booth_fields[] = {
	{.name = "code", .type = F_LINE, .required = true, .max_len = 40,
	 .label = N_("Your voting code")},
	{0},
};
static const struct field booth_cast_fields[] = {
	{.name = "code", .type = F_LINE, .required = true, .max_len = 40,
	 .label = N_("Your voting code")},
	{.name = "vote", .type = F_LINE, .max_len = 400, .label = N_("Vote")},
	{.name = "choice", .type = F_TOKEN, .max_len = 5, .multi = true,
	 .label = N_("Choice")},
	{.name = "rank", .type = F_TOKEN, .max_len = 12, .multi = true,
	 .label = N_("Rank")},
	{.name = "mandate", .type = F_INT, .multi = true, .label = N_("Mandate")},
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/polls",
	 .handler = votes_polls_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "a congress's polls: the open ones with my ballot"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/polls",
	 .handler = votes_poll_create, .perm = PERM_CONGRESS_CHAIR,
	 .fields = poll_fields, .summary = "prepare a poll (the chair)"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/polls/{p:int}",
	 .handler = votes_poll_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "a poll: my ballot while open, the result once closed"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/polls/{p:int}",
	 .handler = votes_poll_post, .perm = PERM_CONGRESS_CHAIR,
	 .fields = action_fields, .summary = "open, close or void a poll"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/polls/{p:int}/ballots",
	 .handler = votes_cast_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_OWN_TX, .fields = cast_fields,
	 .summary = "vote: once per mandate, a delegate present"},
	{.method = HTTP_GET,
	 .pattern = "/congress/{c:int}/polls/{p:int}/ballots.csv",
	 .handler = votes_ballots_csv, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "the published ballot list, once closed"},
	{.method = HTTP_GET,
	 .pattern = "/congress/{c:int}/polls/{p:int}/ballots.blt",
	 .handler = votes_ballots_blt, .perm = PERM_CONGRESS_PARTICIPATE,
	 .summary = "an election's ballots as a BLT file, once closed"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/polls/{p:int}/receipt",
	 .handler = votes_receipt_check, .perm = PERM_CONGRESS_PARTICIPATE,
	 .fields = receipt_fields,
	 .summary = "is my receipt in the published list, with which ballot"},
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/codes",
	 .handler = votes_codes_page, .perm = PERM_CONGRESS_DOOR,
	 .summary = "print a delegate's sheet of one-time voting codes"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/codes",
	 .handler = votes_codes_issue, .perm = PERM_CONGRESS_DOOR,
	 .fields = codes_fields,
	 .summary = "a new sheet of codes for a delegate (the old one's die)"},
	/* the booth: a shared machine, no account; the one-time code is
	 * the credential, checked by the handler before anything is shown */
	{.method = HTTP_GET, .pattern = "/congress/{c:int}/booth",
	 .handler = votes_booth_page, .perm = PERM_PUBLIC,
	 .summary = "the voting booth: type a code"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/booth",
	 .handler = votes_booth_open, .perm = PERM_PUBLIC,
	 .fields = booth_fields, .summary = "the ballots a code opens"},
	{.method = HTTP_POST, .pattern = "/congress/{c:int}/booth/{p:int}",
	 .handler = votes_booth_cast, .perm = PERM_PUBLIC,
	 .flags = ROUTE_OWN_TX, .fields = booth_cast_fields,
	 .summary = "vote at the booth, using up the code"},

	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/polls",
	 .handler = votes_api_polls, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = http_list_fields,
	 .summary = "a congress's polls"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/polls",
	 .handler = votes_poll_create, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = poll_fields,
	 .summary = "prepare a poll"},
	{.method = HTTP_GET, .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}",
	 .handler = votes_poll_page, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "a poll with my ballot or its result"},
	{.method = HTTP_POST, .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}",
	 .handler = votes_poll_post, .perm = PERM_CONGRESS_CHAIR,
	 .flags = ROUTE_API, .fields = action_fields,
	 .summary = "open, close or void a poll"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}/ballots",
	 .handler = votes_cast_post, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API | ROUTE_OWN_TX, .fields = cast_fields,
	 .summary = "vote with my mandates (receipts in the answer)"},
	{.method = HTTP_GET,
	 .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}/ballots.csv",
	 .handler = votes_ballots_csv, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "the published ballot list (CSV)"},
	{.method = HTTP_GET,
	 .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}/ballots.blt",
	 .handler = votes_ballots_blt, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .summary = "an election's ballots (BLT)"},
	{.method = HTTP_POST,
	 .pattern = "/api/v1/congresses/{c:int}/polls/{p:int}/receipt",
	 .handler = votes_receipt_check, .perm = PERM_CONGRESS_PARTICIPATE,
	 .flags = ROUTE_API, .fields = receipt_fields,
	 .summary = "find a receipt in the published list"},
};
const struct route_table votes_routes = {"votes", routes, ARRAY_LEN(routes)};
