/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes' actions in the audit log's words. A cast is not among
 * them: who voted is in the marks, and a line per cast would give each
 * a time (docs/votes.md, "The secrecy model").
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

static const struct audit_phrase phrases[] = {
	{"votes.poll.created", N_("{actor} prepared a poll in {object}")},
	{"votes.poll.opened", N_("{actor} opened a poll in {object}")},
	{"votes.poll.closed", N_("{actor} closed a poll in {object}")},
	{"votes.poll.voided", N_("{actor} voided a poll in {object}")},
	{"votes.codes.issued", N_("{actor} printed a sheet of voting codes for {object}")},
	{"votes.proxy.given", N_("{actor} handed on the vote of {object}")},
	{"votes.proxy.revoked", N_("{actor} ended the proxy of {object}")},
	{"votes.rules.changed", N_("{actor} changed the voting rules of {object}")},
	{0},
};

const struct audit_words votes_audit_words = {phrases, NULL};
