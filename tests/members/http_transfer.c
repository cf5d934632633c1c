/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV import and export: `rudder import members` and `rudder export
 * members` on a real data directory (exit statuses, reports by line and
 * column, dry runs and all-or-nothing that write nothing, a round trip
 * that changes nothing, formula cells made harmless), and the same on the
 * web with a preview, scopes, and exports of more than a branch waiting
 * for a second officer.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
TestSuite(transfer, .init = up, .fini = down, .timeout = 180);

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", S.root, name);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* rudder import members PATH [flags...] */
static int import(const char *path, const char *flag, char **out, char **err)
{
	if (flag)
		return run_rudder(NULL, out, err, "import", "members", path, flag, "--data",
				  S.dir, "--passphrase-file", S.pass, NULL);
	return run_rudder(NULL, out, err, "import", "members", path, "--data", S.dir,
			  "--passphrase-file", S.pass, NULL);
}

static long people(void)
{
	char *n = srv_value(&S, "SELECT count(*) FROM people");
	long v = atol(n);

	free(n);
	return v;
}

static const char GOOD[] =
	"\xEF\xBB\xBF" "legal_name,display_name,phone,email,branch,affiliations,status,joined,address\r\n"
	"Olzhas Bekov,Olzhas,+7 701 777 00 01,olzhas@example.org,Aktau,"
	"Independent oil workers' union of Mangystau,active,2024-05-01,\"Microdistrict 5,\r\nhouse 2\"\r\n"
	"\"=HYPERLINK(\"\"x\"\")\",Formula,8 701 777 00 02,,Aktau,,lapsed,,\r\n";

Test(transfer, the_command_line_imports_reports_and_round_trips)
{
	char *good = write_file("good.csv", GOOD), *out = NULL, *err = NULL, *exp;
	long before = people();
	FILE *f;

	/* a dry run reports and writes nothing */
	cr_assert_eq(import(good, "--dry-run", &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "2 to create"), "%s", out);
	cr_assert_eq(people(), before);
	free(out);
	free(err);
	cr_assert_eq(import(good, NULL, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "2 created"), "%s", out);
	cr_assert_eq(people(), before + 2);
	free(out);
	free(err);
	/* the same file again changes nothing */
	cr_assert_eq(import(good, NULL, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "2 unchanged"), "%s", out);
	free(out);
	free(err);
	/* the server's index learns of a change made by another process */
	{
		struct client *c = cl_as(&S, "admin", NULL);
		struct resp *r;
		int tries = 0;
		do {
			r = cl_get(c, "/api/v1/members?q=olzhas");
			if (strstr(r->body, "\"total\":1"))
				break;
			resp_free(r);
			r = NULL;
			usleep(200000);
		} while (++tries < 25);
		cr_assert_not_null(r, "the index never saw the import");
		resp_free(r);
		cl_free(c);
	}

	/* export: a byte order mark for spreadsheets, formulas guarded, a
	 * phone as people read it and not guarded (it cannot be a formula),
	 * the multi-line address quoted */
	cr_assert_eq(run_rudder(NULL, &out, &err, "export", "members", "--branch", "Aktau",
				"--data", S.dir, "--passphrase-file", S.pass, NULL),
		     0, "%s", err);
	cr_assert(str_starts(out, "\xEF\xBB\xBF" "display_name,legal_name,phone,email,address,birth_date,"
				  "workplace,branch,affiliations,status,joined\r\n"));
	cr_assert(strstr(out, "\"'=HYPERLINK(\"\"x\"\")\""), "a formula cannot run:\n%s", out);
	cr_assert(strstr(out, ",+7 701 777 00 01,"), "%s", out);
	cr_assert_null(strstr(out, "'+7"), "no phone behind a quote mark:\n%s", out);
	cr_assert(strstr(out, "\"Microdistrict 5,\r\nhouse 2\""));
	cr_assert_null(strstr(out, "Karaganda"), "--branch Aktau exports Aktau only");
	exp = write_file("export.csv", out);
	free(out);
	free(err);
	/* and it imports again without a change */
	cr_assert_eq(import(exp, NULL, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, " 0 created, 0 updated"), "%s", out);
	free(out);
	free(err);
	out = srv_value(&S, "SELECT count(*) FROM audit_log "
			"WHERE action IN ('members.imported', 'members.exported')");
	cr_assert_geq(atol(out), 4, "imports and exports are audited");
	free(out);
	free(good);
	free(exp);
	(void)f;
}

Test(transfer, bad_rows_are_named_and_nothing_is_half_written)
{
	char *bad = write_file("bad.csv",
			       "display_name,phone,email,branch,birth_date,affiliations\n"
			       "Fine,+77017770101,,Aktau,,\n"
			       "Bad phone,12,,Aktau,,\n"
			       "\"Two\nlines\",+77017770102,,Aktau,,\n"
			       "Again,+77017770101,,Aktau,,\n"
			       "Lost,+77017770103,,Atlantis,,\n"
			       "Union,+77017770104,,Aktau,,No such union\n"
			       "Future,+77017770105,,Aktau,2999-01-01,\n"
			       "Bad \xff,+77017770106,,Aktau,,\n"
			       "Dup mail,,x@example.org,Aktau,,\n"
			       "Dup mail 2,,X@example.org,Aktau,,\n");
	char *out = NULL, *err = NULL;
	long before = people();
	static const char *const want[] = {
		"bad.csv:3: phone:", "bad.csv:4: display_name:", "bad.csv:6: phone: repeats",
		"bad.csv:7: branch:", "bad.csv:8: affiliations:", "bad.csv:9: birth_date:",
		"bad.csv:10: display_name: is not valid UTF-8", "bad.csv:12: email: repeats"};

	cr_assert_eq(import(bad, "--all-or-nothing", &out, &err), 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		cr_assert(strstr(err, want[i]), "missing \"%s\" in:\n%s", want[i], err);
	cr_assert(strstr(out, "nothing was written"), "%s", out);
	cr_assert_eq(people(), before, "all or nothing: nothing");
	free(out);
	free(err);
	cr_assert_eq(import(bad, NULL, &out, &err), 1);
	cr_assert(strstr(out, "2 created"), "the good rows go in: %s", out);
	cr_assert_eq(people(), before + 2);
	free(out);
	free(err);
	/* unusable files and arguments: 2, naming the file and the line */
	{
		char *unk = write_file("unk.csv", "display_name,branch,shoe_size\nx,Aktau,44\n");
		char *open = write_file("open.csv", "display_name,branch\n\"x,Aktau\n");
		char *bin = write_file("bin.csv", "display_name");
		FILE *f = fopen(bin, "ab");
		fputc(0, f);
		fclose(f);
		cr_assert_eq(import(unk, NULL, &out, &err), 2);
		cr_assert(strstr(err, "unk.csv: line 1: unknown column"), "%s", err);
		cr_assert(strstr(err, "\"shoe_size\""), "%s", err);
		free(out);
		free(err);
		cr_assert_eq(import(open, NULL, &out, &err), 2);
		cr_assert(strstr(err, "line 2: a quoted cell is not closed"), "%s", err);
		free(out);
		free(err);
		cr_assert_eq(import(bin, NULL, &out, &err), 2);
		cr_assert(strstr(err, "not a text file"), "%s", err);
		free(out);
		free(err);
		cr_assert_eq(import("/nonexistent.csv", NULL, &out, &err), 2);
		free(out);
		free(err);
		cr_assert_eq(import(unk, "--frobnicate", &out, &err), 2);
		free(out);
		free(err);
		free(unk);
		free(open);
		free(bin);
	}
	free(bad);
}

/* POSTs a multipart upload of text as "file". */
static struct resp *upload(struct client *c, const char *text)
{
	char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	char *body = xasprintf("--XX\r\nContent-Disposition: form-data; name=\"file\"; "
			       "filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n--XX--\r\n",
			       text);
	struct resp *r = cl_req(c, "POST", "/members/import", "multipart/form-data; boundary=XX",
				body, strlen(body), hs);
	free(t);
	free(h);
	free(body);
	return r;
}

Test(transfer, the_web_import_previews_within_the_officers_branches)
{
	struct client *c = cl_as(&S, "aktau", NULL);
	struct resp *r;
	char *up, *path;
	long before = people();

	r = upload(c, "display_name,phone,branch\nWeb A,+77017770201,Aktau\n"
		      "Web B,+77017770202,Almaty\n");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"1\""), "%s", r->body);
	cr_assert(strstr(r->body, "data-refused=\"1\""), "Almaty is not this officer's");
	resp_free(r);
	cr_assert_eq(people(), before, "a preview writes no one");
	up = srv_value(&S, "SELECT max(id) FROM import_uploads");
	path = xasprintf("/members/import/%s/run", up);
	r = cl_post(c, path, "all_or_nothing=on");
	cr_assert_eq(r->status, 200);
	cr_assert_eq(people(), before, "all or nothing, with a refusal");
	resp_free(r);
	/* the upload stays until imported */
	r = cl_post(c, path, "%s", "");
	cr_assert_eq(r->status, 200, "%ld %s", r->status, r->body);
	cr_assert(strstr(r->body, "data-created=\"1\""));
	resp_free(r);
	cr_assert_eq(people(), before + 1);
	r = cl_post(c, path, "%s", "");
	cr_assert_eq(r->status, 404, "imported already");
	resp_free(r);
	r = cl_get(c, "/members?q=web+a");
	cr_assert(strstr(r->body, "data-total=\"1\""), "the index has them at once");
	resp_free(r);
	/* a file that is not CSV gets a clear answer */
	r = upload(c, "display_name,branch,nonsense\n");
	cr_assert_eq(r->status, 422);
	cr_assert(strstr(r->body, "error-box") && strstr(r->body, "&quot;nonsense&quot;"), "%s", r->body);
	resp_free(r);
	/* someone else's upload does not exist for this officer */
	cl_free(c);
	c = cl_as(&S, "coordinator", NULL);
	r = upload(c, "display_name,phone,branch\nWeb C,+77017770203,Almaty\n");
	resp_free(r);
	cl_free(c);
	c = cl_as(&S, "aktau", NULL);
	free(up);
	free(path);
	up = srv_value(&S, "SELECT max(id) FROM import_uploads");
	path = xasprintf("/members/import/%s/run", up);
	r = cl_post(c, path, "%s", "");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	free(up);
	free(path);
	cl_free(c);
}

Test(transfer, exporting_more_than_a_branch_needs_a_second_officer)
{
	struct client *ak = cl_as(&S, "aktau", NULL), *co = cl_as(&S, "coordinator", NULL);
	char *almaty = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Almaty'");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *id, *path;
	struct resp *r;

	/* one branch: at once, and audited */
	r = cl_post(ak, "/members/export", "branch=%s", aktau);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/csv"));
	cr_assert(strstr(r->body, "Aktau"));
	cr_assert_null(strstr(r->body, "Zhanaozen"));
	resp_free(r);
	r = cl_post(ak, "/members/export", "branch=%s", almaty);
	cr_assert_eq(r->status, 404, "another branch is out of reach");
	resp_free(r);
	/* the whole organization: asked, approved by another, downloaded once */
	r = cl_post(co, "/members/export", "branch=0");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	id = srv_value(&S, "SELECT max(id) FROM export_requests");
	path = xasprintf("/members/export/%s/download", id);
	r = cl_post(co, path, "%s", "");
	cr_assert_eq(r->status, 409, "not approved yet");
	resp_free(r);
	free(path);
	path = xasprintf("/members/export/%s/approve", id);
	r = cl_post(co, path, "%s", "");
	cr_assert_eq(r->status, 403, "not by the one who asked");
	resp_free(r);
	r = cl_post(ak, path, "%s", "");
	cr_assert_eq(r->status, 404, "an Aktau organizer cannot approve the whole organization");
	resp_free(r);
	{
		struct client *ad = cl_as(&S, "admin", NULL);
		r = cl_post(ad, path, "%s", "");
		cr_assert_eq(r->status, 303);
		resp_free(r);
		cl_free(ad);
	}
	free(path);
	path = xasprintf("/members/export/%s/download", id);
	r = cl_post(co, path, "%s", "");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "Zhanaozen") && strstr(r->body, "Aktau"));
	resp_free(r);
	r = cl_post(co, path, "%s", "");
	cr_assert_eq(r->status, 409, "once");
	resp_free(r);
	free(path);
	free(id);
	id = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action = 'members.exported'");
	cr_assert_eq(atol(id), 2);
	free(id);
	free(almaty);
	free(aktau);
	cl_free(ak);
	cl_free(co);
}

/* POSTs a multipart upload with the import's options (form fields). */
static struct resp *upload_with(struct client *c, const char *text, const char *on_match,
				bool clear_blank, bool move)
{
	char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	struct buf b;
	struct resp *r;

	buf_init(&b);
	buf_printf(&b, "--XX\r\nContent-Disposition: form-data; name=\"on_match\"\r\n\r\n%s\r\n",
		   on_match);
	if (clear_blank)
		buf_puts(&b, "--XX\r\nContent-Disposition: form-data; name=\"clear_blank\"\r\n\r\non\r\n");
	if (move)
		buf_puts(&b, "--XX\r\nContent-Disposition: form-data; name=\"move\"\r\n\r\non\r\n");
	buf_printf(&b, "--XX\r\nContent-Disposition: form-data; name=\"file\"; "
		       "filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n--XX--\r\n",
		   text);
	r = cl_req(c, "POST", "/members/import", "multipart/form-data; boundary=XX", b.data,
		   b.len, hs);
	buf_free(&b);
	free(t);
	free(h);
	return r;
}

/* Runs the newest upload; the answer's body. */
static struct resp *run_last(struct client *c)
{
	char *up = srv_value(&S, "SELECT max(id) FROM import_uploads");
	char *path = xasprintf("/members/import/%s/run", up);
	struct resp *r = cl_post(c, path, "%s", "");

	free(up);
	free(path);
	return r;
}

static json_t *person_json(struct client *c, const char *id)
{
	char *path = xasprintf("/api/v1/members/%s", id);
	struct resp *r = cl_get(c, path);
	json_t *j = json_loads(r->body, 0, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(path);
	return j;
}

static const char *jget(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));
	return v ? v : "";
}

/* The walkthrough's finding: a row matching a member by phone, with blank
 * cells, renamed them, blanked their legal name, email, union and joining
 * date and moved them to another branch, behind a preview that said only
 * "will change". Now a blank cell leaves a field alone unless asked, a
 * match moves no one unless asked, the preview names every change, old
 * and new, and the officer picks: update, fill blanks only, or skip. */
Test(transfer, an_import_never_destroys_what_it_does_not_mention)
{
	struct client *c = cl_as(&S, "aktau", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *miners = srv_value(&S, "SELECT id FROM unions ORDER BY id LIMIT 1");
	char *js, *id, *csv;
	struct resp *r;
	json_t *p;

	/* a member with everything filled in */
	js = xasprintf("{\"display_name\":\"Asel\",\"legal_name\":\"Asel Nurova\","
		       "\"phone\":\"+77017770900\",\"email\":\"asel.n@example.org\","
		       "\"joined\":\"2020-03-01\",\"branch\":%s,\"unions\":[%s]}",
		       aktau, miners);
	r = cl_api(c, "POST", "/api/v1/members", js);
	cr_assert_eq(r->status, 201, "%s", r->body);
	p = json_loads(r->body, 0, NULL);
	id = xasprintf("%lld", (long long)json_integer_value(json_object_get(p, "id")));
	json_decref(p);
	resp_free(r);
	/* the file: her phone, a new name, every other cell blank, and the
	 * Aktau oil workers' cell as branch */
	csv = xstrdup("display_name,legal_name,phone,email,branch,affiliations,joined\n"
		      "Asel N.,,+77017770900,,Aktau: oil workers' cell,,\n");

	/* by default: the preview names the one change, old and new */
	r = upload_with(c, csv, "update", false, false);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-updated=\"1\""), "%s", r->body);
	cr_assert(strstr(r->body, "<del>Asel</del> → <ins>Asel N.</ins>"), "%s", r->body);
	cr_assert_null(strstr(r->body, "(cleared)"), "a blank cell clears nothing");
	cr_assert_null(strstr(r->body, "oil workers&#39; cell</ins>"), "no one moves");
	resp_free(r);
	r = run_last(c);
	cr_assert(strstr(r->body, "data-updated=\"1\""), "%s", r->body);
	resp_free(r);
	p = person_json(c, id);
	cr_assert_str_eq(jget(p, "display_name"), "Asel N.");
	cr_assert_str_eq(jget(p, "legal_name"), "Asel Nurova", "the legal name stays");
	cr_assert_str_eq(jget(p, "email"), "asel.n@example.org", "the email stays");
	cr_assert_str_eq(jget(p, "joined"), "2020-03-01", "the joining date stays");
	cr_assert_eq(json_array_size(json_object_get(p, "unions")), 1, "the union stays");
	cr_assert_str_eq(jget(p, "branch"), "Aktau", "she stays in her branch");
	json_decref(p);

	/* asked to clear: the preview says what empties, before anything does */
	r = upload_with(c, csv, "update", true, false);
	cr_assert(strstr(r->body, "(cleared)"), "%s", r->body);
	cr_assert(strstr(r->body, "<del>Asel Nurova</del>"), "%s", r->body);
	cr_assert(strstr(r->body, "<del>asel.n@example.org</del>"), "%s", r->body);
	resp_free(r);

	/* fill blanks only: her name is hers */
	free(csv);
	csv = xstrdup("display_name,phone,workplace,branch\n"
		      "Someone Else,+77017770900,Port of Aktau,Aktau\n");
	r = upload_with(c, csv, "fill", false, false);
	cr_assert(strstr(r->body, "<ins>Port of Aktau</ins>"), "%s", r->body);
	cr_assert_null(strstr(r->body, "Someone Else</ins>"), "%s", r->body);
	resp_free(r);
	r = run_last(c);
	resp_free(r);
	p = person_json(c, id);
	cr_assert_str_eq(jget(p, "display_name"), "Asel N.");
	cr_assert_str_eq(jget(p, "workplace"), "Port of Aktau");
	json_decref(p);

	/* skip: left as she is */
	r = upload_with(c, csv, "skip", false, false);
	cr_assert(strstr(r->body, "data-skipped=\"1\""), "%s", r->body);
	resp_free(r);

	/* moving takes the option, and the officer's reach over both */
	free(csv);
	csv = xstrdup("display_name,phone,branch\nAsel N.,+77017770900,Aktau: oil workers' cell\n");
	r = upload_with(c, csv, "update", false, true);
	cr_assert(strstr(r->body, "<del>Aktau</del> → <ins>Aktau: oil workers&#39; cell</ins>"),
		  "%s", r->body);
	resp_free(r);
	r = run_last(c);
	resp_free(r);
	p = person_json(c, id);
	cr_assert_str_eq(jget(p, "branch"), "Aktau: oil workers' cell");
	json_decref(p);
	free(csv);
	csv = xstrdup("display_name,phone,branch\nAsel N.,+77017770900,Karaganda\n");
	r = upload_with(c, csv, "update", false, true);
	cr_assert(strstr(r->body, "data-refused=\"1\""), "Karaganda is not this officer's: %s",
		  r->body);
	resp_free(r);

	/* the command line has the same choices */
	{
		char *f = write_file("skip.csv", "display_name,phone,branch\n"
						 "Nobody,+77017770900,Aktau\n");
		char *out = NULL, *err = NULL;
		cr_assert_eq(import(f, "--on-match=skip", &out, &err), 0, "%s", err);
		cr_assert(strstr(out, "1 skipped"), "%s", out);
		free(out);
		free(err);
		cr_assert_eq(import(f, "--on-match=maybe", &out, &err), 2);
		free(out);
		free(err);
		free(f);
	}
	free(csv);
	free(id);
	free(js);
	free(aktau);
	free(miners);
	cl_free(c);
}

/* The preview shows what an import would do; what it does must not
 * overwrite what another officer saved after it (no lost updates). */
Test(transfer, an_import_never_overwrites_what_was_saved_after_its_preview)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *o = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	const char *file = "display_name,phone,workplace,branch\n"
			   "Preview Target,+77017770300,From the file,Aktau\n"
			   "Appears Later,+77017770302,From the file,Aktau\n"
			   "Plain New,+77017770301,From the file,Aktau\n";
	char *id, *api, *up, *path;
	struct resp *r;

	r = cl_post(a, "/members", "display_name=Preview+Target&phone=%%2B77017770300"
		    "&workplace=Before&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	id = xstrdup(resp_header(r, "Location") + strlen("/members/"));
	api = xasprintf("/api/v1/members/%s", id);
	resp_free(r);

	r = upload(a, file);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"2\"") && strstr(r->body, "data-updated=\"1\""),
		  "%s", r->body);
	resp_free(r);
	up = srv_value(&S, "SELECT max(id) FROM import_uploads");
	path = xasprintf("/members/import/%s/run", up);

	/* meanwhile: another officer corrects the target, and someone adds
	 * the person of the second row */
	r = cl_api(o, "PATCH", api, "{\"workplace\": \"Saved meanwhile\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = cl_post(o, "/members", "display_name=Appears+Later&phone=%%2B77017770302&branch=%s",
		    aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	/* the import: both refused with the reason, the third made */
	r = cl_post(a, path, "%s", "");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"1\"") && strstr(r->body, "data-refused=\"2\""),
		  "%s", r->body);
	cr_assert(strstr(r->body, "changed (or added) since your preview"), "%s", r->body);
	resp_free(r);
	r = cl_api(o, "GET", api, NULL);
	cr_assert(strstr(r->body, "Saved meanwhile"), "the correction stands: %s", r->body);
	resp_free(r);

	/* previewed again (the officer now sees the correction), it goes in */
	r = upload(a, "display_name,phone,workplace,branch\n"
		      "Preview Target,+77017770300,From the file,Aktau\n");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(up);
	free(path);
	up = srv_value(&S, "SELECT max(id) FROM import_uploads");
	path = xasprintf("/members/import/%s/run", up);
	r = cl_post(a, path, "%s", "");
	cr_assert(strstr(r->body, "data-updated=\"1\"") && strstr(r->body, "data-refused=\"0\""),
		  "%s", r->body);
	resp_free(r);
	r = cl_api(o, "GET", api, NULL);
	cr_assert(strstr(r->body, "From the file"), "%s", r->body);
	resp_free(r);

	free(path);
	free(up);
	free(api);
	free(id);
	free(aktau);
	cl_free(a);
	cl_free(o);
}
