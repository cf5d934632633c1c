/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module in the audit log's words: a sentence for each of
 * its actions, and the names of its things. A person is named only to a
 * reader who may read that person's branch; to anyone else the log says
 * "person #12", as it says for a record since erased.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <string.h>

static int64_t key_id(const char *key)
{
	int64_t id = 0;

	return str_to_i64(key, &id) == 0 ? id : -1;
}

static const char *person_name(struct http_req *rq, const char *key)
{
	struct person p;

	return members_person_for(rq, PERM_MEMBERS_READ, key_id(key), false,
				  &p) == DB_OK
		       ? p.display_name
		       : NULL;
}

static const char *union_name(struct http_req *rq, const char *key)
{
	struct union_org u;
	int64_t id = key_id(key);

	if (id <= 0 ||
	    members_union_get(platform_conn(), rq->arena, id, &u) != DB_OK)
		return NULL;
	return u.name;
}

static const char *status_name(struct http_req *rq, const char *key)
{
	enum mstatus s;

	return members_status_parse(key, &s) == 0
		   ? tr_rq(rq, members_status_label(s))
		   : NULL;
}

static const struct audit_phrase phrases[] = {
	{"person.created", N_("{actor} added {object} to the register")},
	{"person.updated", N_("{actor} changed the record of {object}")},
	{"person.viewed", N_("{actor} opened the record of {object}")},
	{"person.status", N_("{actor} changed the membership of {object} from {from:status} to {to:status}")},
	{"person.dues", N_("{actor} recorded dues of {object} for {period}")},
	{"dues.corrected", N_("{actor} corrected a payment of {object} for {old_period}, saying why")},
	{"dues.removed", N_("{actor} removed a payment of {object} for {period}, saying why")},
	{"person.left", N_("{object} left and erased their record")},
	{"person.invited", N_("{actor} invited {object} to make an account")},
	{"person.downloaded", N_("{object} downloaded all their data")},
	{"person.merged", N_("{actor} merged {other:person} into {object}")},
	{"person.kept_apart", N_("{actor} kept {object} and {other:person} apart")},
	{"members.searched", N_("{actor} searched the register for “{q}” ({found} found)")},
	{"members.exported", N_("{actor} exported {people} members ({reach})")},
	{"members.export.requested", N_("{actor} asked to export {people} members")},
	{"members.export.approved", N_("{actor} approved {object}")},
	{"members.import.previewed", N_("{actor} previewed an import of {rows} rows")},
	{"members.imported", N_("{actor} imported members: {created} added, {updated} changed")},
	{"members.approvals", N_("{actor} set the approvals an application needs to {approvals}")},
	{"application.received", N_("An application arrived for {branch:scope}")},
	{"application.viewed", N_("{actor} opened {object}")},
	{"application.approve", N_("{actor} voted to accept {object}")},
	{"application.reject", N_("{actor} voted to reject {object}")},
	{"application.accepted", N_("{object} was accepted: {person:person} joined")},
	{"application.rejected", N_("{object} was rejected")},
	{"branch.created", N_("{actor} created the branch {object}")},
	{"branch.updated", N_("{actor} changed the branch {object}")},
	{"union.created", N_("{actor} added the union {object}")},
	{"union.updated", N_("{actor} changed the union {object}")},
	{"union.rep.added", N_("{actor} made {person:person} a representative at {object}")},
	{"union.rep.removed", N_("{actor} ended the representation of {person:person} at {object}")},
	{0},
};

static const struct audit_noun nouns[] = {
	{"person", person_name, "/members/%s", N_("person")},
	{"union", union_name, "/unions/%s", N_("union")},
	{"status", status_name, NULL, N_("status")},
	{"application", NULL, NULL, N_("application")},
	{"export", NULL, NULL, N_("export")},
	{0},
};

const struct audit_words members_audit_words = {phrases, nouns};
