/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV import of members, shared by `rudder import members` and the import
 * page. Two steps:
 *
 *   members_import_parse  reads the file (no database): the header names
 * columns in any order, unknown or repeated ones make the file unusable; every
 * row is checked and normalized, and a row repeating an earlier row's phone or
 * email refused; members_import_apply  in one transaction: branch and union
 * names resolved, the caller's reach checked, a row matched to an existing
 * person by email or phone (then updated, or left alone when nothing differs),
 * else created. With all_or_nothing any refusal undoes everything; with dry_run
 * everything is undone after the report is made.
 *
 * Every refusal names the row's line and the column, so the same file
 * can be corrected and imported again; importing it twice changes
 * nothing the second time.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const col_names[COL__MAX] = {
	"display_name", "legal_name", "phone", "email", "address", "birth_date",
	"workplace", "branch", "affiliations", "status", "joined"};

const char *members_import_col_name(int col)
{
	return col >= 0 && col < COL__MAX ? col_names[col] : "";
}

static const char *const match_names[] = {"update", "fill", "skip"};

const char *members_import_opts_text(struct arena *a,
				     const struct import_opts *o)
{
	struct buf b;
	char *out;

	buf_init(&b);
	buf_printf(&b, "%s%s%s", match_names[o->on_match],
		   o->clear_blank ? ",clear" : "", o->move ? ",move" : "");
	for (size_t i = 0; i < IMPORT_MAP_MAX; i++)
		if (o->map.to[i])
			buf_printf(&b, ",col%zu=%s", i,
				   o->map.to[i] == IMPORT_IGNORE
					   ? "ignore"
					   : col_names[o->map.to[i] - 1]);
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

int members_import_map_parse(const char *t, struct import_map *m)
{
	int64_t cell;
	const char *eq = strchr(t, '=');
	char idx[8];

	if (strncmp(t, "col", 3) != 0 || !eq || eq - t - 3 < 1 ||
	    eq - t - 3 >= (ptrdiff_t)sizeof(idx))
		return -1;
	memcpy(idx, t + 3, (size_t)(eq - t - 3));
	idx[eq - t - 3] = '\0';
	if (str_to_i64(idx, &cell) != 0 || cell < 0 || cell >= IMPORT_MAP_MAX)
		return -1;
	if (strcmp(eq + 1, "ignore") == 0) {
		m->to[cell] = IMPORT_IGNORE;
		return 0;
	}
	for (int c = 0; c < COL__MAX; c++)
		if (strcmp(eq + 1, col_names[c]) == 0) {
			m->to[cell] = (unsigned char)(c + 1);
			return 0;
		}
	return -1;
}

int members_import_opts_parse(const char *text, struct import_opts *o)
{
	char *buf, *save = NULL;
	bool first = true;
	int rc = 0;

	o->on_match = IMPORT_MATCH_UPDATE;
	o->clear_blank = o->move = false;
	memset(&o->map, 0, sizeof(o->map));
	if (!text || !*text)
		return 0;
	if (strlen(text) >= 4096)
		return -1;
	buf = xstrdup(text);
	for (char *t = strtok_r(buf, ",", &save); t && rc == 0;
	     t = strtok_r(NULL, ",", &save), first = false) {
		int m = -1;
		for (int i = 0; i < (int)ARRAY_LEN(match_names); i++)
			if (strcmp(t, match_names[i]) == 0)
				m = i;
		if (first && m >= 0)
			o->on_match = (enum import_match)m;
		else if (strcmp(t, "clear") == 0)
			o->clear_blank = true;
		else if (strcmp(t, "move") == 0)
			o->move = true;
		else
			rc = members_import_map_parse(t, &o->map);
	}
	free(buf);
	return rc;
}

struct parse {
	struct import_plan *p;
	const struct import_map *map;
	bool header_done, sampled;
	size_t ncols;
};

static void refuse(struct import_row *r, int col, const char *msgid)
{
	if (!r->error) {
		r->error = msgid;
		r->error_col = col;
	}
}

static char *cell(struct arena *a, const struct csv_row *row, int idx)
{
	if (idx < 0 || (size_t)idx >= row->n)
		return NULL;
	return str_trim(arena_strdup(a, csv_unguard(row->fields[idx])));
}

static int unusable(struct import_plan *p, size_t line, const char *msgid,
		    const char *detail)
{
	p->fatal = msgid;
	p->fatal_line = line;
	p->fatal_detail = detail;
	return 1;
}

/* The names a header may give each column, besides its own: English,
 * Russian and Kazakh, as spreadsheets kept by hand name them. Compared
 * folded (lower case in the three alphabets) and without spaces, dots,
 * dashes, underscores and colons: "Эл. почта", "эл.почта" and "E-mail"
 * are all found. */
static const char *const synonyms[COL__MAX][10] = {
	[COL_DISPLAY] = {"name", "имя", "аты", "псевдоним", "отображаемое имя",
			 "көрсетілетін аты"},
	[COL_LEGAL] = {"legal name", "full name", "фио", "ф.и.о.", "полное имя",
		       "фамилия имя отчество", "аты-жөні", "толық аты-жөні",
		       "тегі аты әкесінің аты"},
	[COL_PHONE] = {"telephone", "mobile", "телефон", "тел", "мобильный",
		       "номер телефона", "телефон нөмірі", "ұялы телефон"},
	[COL_EMAIL] = {"email", "e-mail", "mail", "эл. почта", "электронная почта",
		       "почта", "эл. пошта", "электрондық пошта", "пошта"},
	[COL_ADDRESS] = {"адрес", "мекенжай", "мекен-жай"},
	[COL_BIRTH] = {"birth date", "date of birth", "born", "дата рождения",
		       "туған күні", "туған күн"},
	[COL_WORKPLACE] = {"work", "employer", "место работы", "работа",
			   "жұмыс орны", "жұмыс"},
	[COL_BRANCH] = {"филиал", "отделение", "ячейка", "бөлімше", "филиалы",
			"бөлім"},
	[COL_AFFIL] = {"unions", "union", "профсоюз", "профсоюзы", "кәсіподақ",
		       "кәсіподақтар"},
	[COL_STATUS] = {"статус", "мәртебе", "мәртебесі"},
	[COL_JOINED] = {"join date", "joined on", "member since", "дата вступления",
			"вступил", "кіру күні", "мүше болған күні",
			"мүшелікке кірген күні"},
};

/* A header's text as it is compared: folded, without separators. */
static char *header_key(struct arena *a, const char *s)
{
	char *f = text_fold(a, s), *w = f;

	for (const char *r = f; *r; r++)
		if (!strchr(" .-_:\t", *r))
			*w++ = *r;
	*w = '\0';
	return f;
}

int members_import_header_col(struct arena *a, const char *header)
{
	const char *key = header_key(a, header);

	if (!*key)
		return -1;
	for (int c = 0; c < COL__MAX; c++) {
		if (strcmp(key, header_key(a, col_names[c])) == 0)
			return c;
		for (size_t k = 0; k < ARRAY_LEN(synonyms[c]) && synonyms[c][k]; k++)
			if (strcmp(key, header_key(a, synonyms[c][k])) == 0)
				return c;
	}
	return -1;
}

/* A cell's text fit to show on a page, else "". */
static const char *showable(const char *s)
{
	return s && strlen(s) <= 80 && text_is_line(s, strlen(s)) ? s : "";
}

static int on_header(struct parse *x, const struct csv_row *row)
{
	struct import_plan *p = x->p;
	const char *twice = NULL;
	size_t cap = 0;

	for (int c = 0; c < COL__MAX; c++)
		p->col[c] = -1;
	if (row->too_many)
		return unusable(p, row->line, N_("the header has too many columns"), NULL);
	for (size_t i = 0; i < row->n; i++) {
		char *name = str_trim(arena_strdup(p->a, csv_unguard(row->fields[i])));
		int found = members_import_header_col(p->a, name);
		if (found < 0) {
			struct import_unknown *u;
			p->unknown = arena_grow(p->a, p->unknown, p->nunknown, &cap,
						sizeof(*p->unknown));
			u = &p->unknown[p->nunknown++];
			u->cell = i;
			u->name = *showable(name) ? name : "?";
			u->sample = "";
			u->to = x->map && i < IMPORT_MAP_MAX ? x->map->to[i] : 0;
			if (u->to == 0)
				p->unmapped = true;
			if (u->to == 0 || u->to == IMPORT_IGNORE)
				continue;
			found = u->to - 1;
		}
		if (p->col[found] >= 0 && !twice)
			twice = col_names[found];
		p->col[found] = (int)i;
	}
	x->ncols = row->n;
	x->header_done = true;
	if (p->unmapped) {
		for (size_t k = 0; k < p->nunknown; k++)
			if (p->unknown[k].to == 0)
				return unusable(p, row->line,
						N_("unknown column (the columns are display_name, legal_name, phone, email, address, birth_date, workplace, branch, affiliations, status, joined):"),
						p->unknown[k].name);
	}
	if (twice)
		return unusable(p, row->line, N_("a column is named twice:"), twice);
	if (p->col[COL_DISPLAY] < 0 && p->col[COL_LEGAL] < 0)
		return unusable(p, row->line,
				N_("a column display_name or legal_name is needed"), NULL);
	if (p->col[COL_BRANCH] < 0)
		return unusable(p, row->line, N_("a column branch is needed"), NULL);
	return 0;
}

/* The first row's cells under the columns not known, to show beside
 * them when the officer chooses what they hold. */
static void take_samples(struct import_plan *p, const struct csv_row *row)
{
	for (size_t k = 0; k < p->nunknown; k++) {
		struct import_unknown *u = &p->unknown[k];
		if (u->cell < row->n)
			u->sample = showable(str_trim(arena_strdup(
				p->a, csv_unguard(row->fields[u->cell]))));
	}
}

/* Repeats are looked up in a hash of contacts, not by scanning: a
 * million rows must not cost a million squared. */
struct seen {
	uint64_t *h;
	size_t *line;
	size_t cap, n;
};

static uint64_t fnv(const char *s, bool fold)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 1099511628211ULL;
	}
	return h ? h : 1;
}

static size_t seen_find(struct seen *s, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);
	while (s->h[i] && s->h[i] != h)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* The line of an earlier row with this key, or 0 (and records it). */
static size_t seen_put(struct seen *s, uint64_t h, size_t line)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct seen o = *s;
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->h = xcalloc(s->cap, sizeof(*s->h));
		s->line = xcalloc(s->cap, sizeof(*s->line));
		s->n = 0;
		for (size_t k = 0; k < o.cap; k++)
			if (o.h[k]) {
				size_t j = seen_find(s, o.h[k]);
				s->h[j] = o.h[k];
				s->line[j] = o.line[k];
				s->n++;
			}
		free(o.h);
		free(o.line);
	}
	i = seen_find(s, h);
	if (s->h[i])
		return s->line[i];
	s->h[i] = h;
	s->line[i] = line;
	s->n++;
	return 0;
}

struct parse_full {
	struct parse x;
	struct seen emails, phones;
};

static int on_data(struct parse_full *f, const struct csv_row *row)
{
	struct import_plan *p = f->x.p;
	struct arena *a = p->a;
	struct import_row *r;
	const int *col = p->col;
	const char *field, *why;
	char *aff;

	/* a line with nothing on it is not a row */
	if (row->n == 1 && row->lens[0] == 0)
		return 0;
	p->rows = arena_grow(a, p->rows, p->n, &p->cap, sizeof(*p->rows));
	r = &p->rows[p->n];
	memset(r, 0, sizeof(*r));
	r->line = row->line;
	if (row->too_many || row->n > f->x.ncols) {
		refuse(r, -1, N_("has more cells than the header has columns"));
		goto done;
	}
	if (row->too_long) {
		refuse(r, -1, N_("has a cell far too long"));
		goto done;
	}
	r->in.display_name = cell(a, row, col[COL_DISPLAY]);
	r->in.legal_name = cell(a, row, col[COL_LEGAL]);
	r->in.phone = cell(a, row, col[COL_PHONE]);
	r->in.email = cell(a, row, col[COL_EMAIL]);
	r->in.address = cell(a, row, col[COL_ADDRESS]);
	r->in.birth_date = cell(a, row, col[COL_BIRTH]);
	r->in.workplace = cell(a, row, col[COL_WORKPLACE]);
	r->in.status = cell(a, row, col[COL_STATUS]);
	r->in.joined_on = cell(a, row, col[COL_JOINED]);
	/* dates as spreadsheets here write them: DD.MM.YYYY */
	r->in.birth_date = members_date_from_sheet(a, r->in.birth_date);
	r->in.joined_on = members_date_from_sheet(a, r->in.joined_on);
	r->branch = cell(a, row, col[COL_BRANCH]);
	/* an empty cell, to tell "leave it" from "what it says" when the
	 * row matches a member already */
	for (int c = 0; c < COL__MAX; c++) {
		const char *v = col[c] >= 0 ? cell(a, row, col[c]) : NULL;
		if (col[c] >= 0 && (!v || !*v))
			r->blank |= 1u << c;
	}
	if ((!r->in.display_name || !*r->in.display_name) && r->in.legal_name)
		r->in.display_name = r->in.legal_name;
	for (int c = 0; c < COL__MAX; c++) {
		const char *v = cell(a, row, col[c]);
		if (v && !text_is_block(v, strlen(v))) {
			refuse(r, c, N_("is not valid UTF-8 text"));
			goto done;
		}
	}
	r->in.branch_id =
	    1; /* resolved later; members_person_check wants one */
	if ((why = members_person_check(a, &r->in, &field))) {
		int c = COL_DISPLAY;
		for (int k = 0; k < COL__MAX; k++)
			if (strcmp(col_names[k], field) == 0)
				c = k;
		if (strcmp(field, "joined") == 0)
			c = COL_JOINED;
		/* a file may say the date either way */
		if (c == COL_BIRTH || c == COL_JOINED)
			why = N_("is not a date in the past (DD.MM.YYYY or YYYY-MM-DD)");
		refuse(r, c, why);
		goto done;
	}
	r->in.branch_id = 0;
	if (!r->branch || !*r->branch) {
		refuse(r, COL_BRANCH, N_("is required"));
		goto done;
	}
	if (!text_is_line(r->branch, strlen(r->branch)))
		refuse(r, COL_BRANCH, N_("holds characters that are not allowed or is too long"));
	/* affiliations: union names separated by ";" */
	aff = cell(a, row, col[COL_AFFIL]);
	if (aff && *aff) {
		size_t cap = 0;
		for (char *save = NULL, *t = strtok_r(aff, ";", &save); t;
		     t = strtok_r(NULL, ";", &save)) {
			t = str_trim(t);
			if (!*t)
				continue;
			r->unions = arena_grow(a, r->unions, r->nunions, &cap,
					       sizeof(*r->unions));
			r->unions[r->nunions++] = t;
		}
	}
	if (!r->error && r->in.email && *r->in.email) {
		size_t earlier = seen_put(&f->emails, fnv(r->in.email, true), r->line);
		if (earlier) {
			refuse(r, COL_EMAIL, N_("repeats the email of an earlier row"));
			r->ref_line = earlier;
		}
	}
	if (!r->error && r->in.phone && *r->in.phone) {
		size_t earlier = seen_put(&f->phones, fnv(r->in.phone, false), r->line);
		if (earlier) {
			refuse(r, COL_PHONE, N_("repeats the phone of an earlier row"));
			r->ref_line = earlier;
		}
	}
done:
	if (r->error)
		p->refused++;
	p->n++;
	return 0;
}

static int on_row(void *arg, const struct csv_row *row)
{
	struct parse_full *f = arg;

	if (!f->x.header_done) {
		/* a header unusable only for columns not known goes on to
		 * the first row, for samples of them */
		int rc = on_header(&f->x, row);
		return f->x.p->fatal && !f->x.p->nunknown ? rc : 0;
	}
	if (f->x.p->nunknown && !f->x.sampled && !(row->n == 1 && row->lens[0] == 0)) {
		take_samples(f->x.p, row);
		f->x.sampled = true;
	}
	if (f->x.p->fatal)
		return 1;
	return on_data(f, row);
}

int members_import_parse(struct arena *a, const char *data, size_t n,
			 const struct import_map *map, struct import_plan *p)
{
	struct parse_full f = {.x = {.p = p, .map = map}};
	const char *why = NULL;
	size_t line = 0;

	memset(p, 0, sizeof(*p));
	p->a = a;
	if (csv_read(data, n, on_row, &f, &why, &line) != 0 && !p->fatal)
		unusable(p, line, why, NULL);
	free(f.emails.h);
	free(f.emails.line);
	free(f.phones.h);
	free(f.phones.line);
	if (!p->fatal && !f.x.header_done)
		unusable(p, 0, N_("the file is empty: it needs a header row naming the columns"),
			 NULL);
	return p->fatal ? -1 : 0;
}

/* ---- applying ---- */

/* Sealing rows on a second thread while the first writes them: rows go
 * in chunks; the sealer fills chunk k+1 (into one of two arenas) while
 * the writer uses chunk k, and waits before reusing an arena the writer
 * may still read. Only rows that become new people use the result. */
#define SEAL_CHUNK 2048

struct sealer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct import_plan *p;
	struct arena *arena[2];
	size_t ready;    /* rows [0, ready) are sealed */
	size_t consumed; /* the writer is done with rows [0, consumed) */
	bool stop, running;
};

static void *sealer_main(void *arg)
{
	struct sealer *sl = arg;
	struct import_plan *p = sl->p;

	for (size_t first = 0, k = 0; first < p->n; first += SEAL_CHUNK, k++) {
		size_t end = first + SEAL_CHUNK < p->n ? first + SEAL_CHUNK : p->n;
		struct arena *a;

		/* the arena last held chunk k-2: wait until it is written */
		pthread_mutex_lock(&sl->mu);
		while (!sl->stop && k >= 2 && sl->consumed < (k - 1) * SEAL_CHUNK)
			pthread_cond_wait(&sl->cv, &sl->mu);
		bool stop = sl->stop;
		pthread_mutex_unlock(&sl->mu);
		if (stop)
			break;
		a = sl->arena[k % 2];
		if (k >= 2) {
			arena_free(a);
			a = sl->arena[k % 2] = arena_new();
		}
		for (size_t i = first; i < end; i++) {
			struct import_row *r = &p->rows[i];
			struct person_sealed *ps;
			if (r->error) {
				r->sealed = NULL;
				continue;
			}
			ps = arena_alloc(a, sizeof(*ps));
			members_person_seal(a, &r->in, ps);
			r->sealed = ps;
		}
		pthread_mutex_lock(&sl->mu);
		sl->ready = end;
		pthread_cond_broadcast(&sl->cv);
		pthread_mutex_unlock(&sl->mu);
	}
	return NULL;
}

static void sealer_start(struct sealer *sl, struct import_plan *p)
{
	memset(sl, 0, sizeof(*sl));
	sl->p = p;
	pthread_mutex_init(&sl->mu, NULL);
	pthread_cond_init(&sl->cv, NULL);
	sl->arena[0] = arena_new();
	sl->arena[1] = arena_new();
	/* without a thread, rows are sealed as they are written */
	sl->running = pthread_create(&sl->th, NULL, sealer_main, sl) == 0;
}

/* Row i's sealing, waited for; NULL when there is none. */
static const struct person_sealed *sealer_get(struct sealer *sl, size_t i)
{
	if (!sl->running)
		return NULL;
	pthread_mutex_lock(&sl->mu);
	while (sl->ready <= i)
		pthread_cond_wait(&sl->cv, &sl->mu);
	pthread_mutex_unlock(&sl->mu);
	return sl->p->rows[i].sealed;
}

/* The writer is done with rows [0, n). */
static void sealer_done(struct sealer *sl, size_t n)
{
	if (!sl->running || (n % SEAL_CHUNK && n != sl->p->n))
		return;
	pthread_mutex_lock(&sl->mu);
	sl->consumed = n;
	pthread_cond_broadcast(&sl->cv);
	pthread_mutex_unlock(&sl->mu);
}

static void sealer_stop(struct sealer *sl)
{
	if (sl->running) {
		pthread_mutex_lock(&sl->mu);
		sl->stop = true;
		pthread_cond_broadcast(&sl->cv);
		pthread_mutex_unlock(&sl->mu);
		pthread_join(sl->th, NULL);
	}
	for (size_t i = 0; i < sl->p->n; i++)
		sl->p->rows[i].sealed = NULL;
	arena_free(sl->arena[0]);
	arena_free(sl->arena[1]);
	pthread_mutex_destroy(&sl->mu);
	pthread_cond_destroy(&sl->cv);
}

struct apply {
	struct import_plan *p;
	const struct import_opts *o;
};

/* Is the stored person already what the row says? */
static bool same(struct db_conn *c, struct arena *a, const struct person *e,
		 const struct person_input *in, const int64_t *uids, size_t nu)
{
	int64_t *have;
	size_t nh;
	enum mstatus st = MS_ACTIVE;
	const char *pairs[][2] = {
		{e->display_name, in->display_name}, {e->legal_name, in->legal_name},
		{e->phone, in->phone},               {e->email, in->email},
		{e->address, in->address},           {e->birth_date, in->birth_date},
		{e->workplace, in->workplace},       {e->joined_on, in->joined_on},
	};

	for (size_t i = 0; i < ARRAY_LEN(pairs); i++)
		if (strcmp(pairs[i][0] ? pairs[i][0] : "", pairs[i][1] ? pairs[i][1] : "") != 0)
			return false;
	if (in->status && *in->status)
		members_status_parse(in->status, &st);
	if (e->branch_id != in->branch_id || e->status != st)
		return false;
	if (members_person_unions(c, a, e->id, &have, &nh) != DB_OK || nh != nu)
		return false;
	for (size_t i = 0; i < nu; i++) {
		bool found = false;
		for (size_t k = 0; k < nh; k++)
			found |= have[k] == uids[i];
		if (!found)
			return false;
	}
	return true;
}

/* One row in a savepoint: a refusal must not spoil the transaction. */
struct one {
	struct import_row *r;
	const struct import_opts *o;
	const int *col;
	struct arena *plan_arena; /* outlives the row: kept values go here */
	int64_t *uids;
	size_t nu;
	bool keep_changes; /* for the preview */
};

static const char *or_blank(const char *s)
{
	return s ? s : "";
}

/* Records a change for the preview, when it is one and they are kept. */
static void note_change(struct one *x, const char *field, const char *old_v,
			const char *new_v)
{
	struct import_row *r = x->r;
	size_t cap = r->nchanges;

	if (!x->keep_changes || strcmp(or_blank(old_v), or_blank(new_v)) == 0)
		return;
	r->changes = arena_grow(x->plan_arena, r->changes, r->nchanges, &cap,
				sizeof(*r->changes));
	r->changes[r->nchanges++] = (struct import_change){
		field, arena_strdup(x->plan_arena, or_blank(old_v)),
		arena_strdup(x->plan_arena, or_blank(new_v))};
}

/* One field of a matched row: a column the file lacks, or an empty cell
 * (unless clear_blank), leaves what the record has; filling takes the
 * file's value only where the record has none. */
static const char *merged(const struct one *x, int col, const char *have,
			  const char *cell_v)
{
	const struct import_opts *o = x->o;

	if (x->col[col] < 0)
		return have;
	if (x->r->blank & (1u << col))
		return o->clear_blank && o->on_match == IMPORT_MATCH_UPDATE ? "" : have;
	if (o->on_match == IMPORT_MATCH_FILL && have && *have)
		return have;
	return cell_v;
}

/* The names of unions, "a; b", for the preview. */
static const char *union_names(struct db_conn *c, struct arena *a,
			       const int64_t *ids, size_t n)
{
	struct buf b;
	char *out;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		struct union_org u;
		if (members_union_get(c, a, ids[i], &u) == DB_OK)
			buf_printf(&b, "%s%s", b.len ? "; " : "", u.name);
	}
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* What a row that matches a member already makes of them (the officer's
 * choice in import_opts): never more than the file says, and nothing it
 * leaves blank, unless asked. Moving to another branch takes the move
 * option (and the importer's reach over both, checked by the caller). */
static void merge_match(struct one *x, struct db_conn *c, struct arena *a,
			const struct person *e)
{
	struct import_row *r = x->r;
	struct person_input *in = &r->in;
	const struct import_opts *o = x->o;
	struct {
		int col;
		const char **v;
		const char *have;
	} f[] = {
		{COL_LEGAL, &in->legal_name, e->legal_name},
		{COL_PHONE, &in->phone, e->phone},
		{COL_EMAIL, &in->email, e->email},
		{COL_ADDRESS, &in->address, e->address},
		{COL_BIRTH, &in->birth_date, e->birth_date},
		{COL_WORKPLACE, &in->workplace, e->workplace},
		{COL_JOINED, &in->joined_on, e->joined_on},
	};
	const char *status = members_status_name(e->status);
	int64_t *have;
	size_t nh = 0;

	/* the name: never taken from the legal name, never cleared */
	if (x->col[COL_DISPLAY] < 0 || (r->blank & (1u << COL_DISPLAY)) ||
	    (o->on_match == IMPORT_MATCH_FILL && *e->display_name))
		in->display_name = e->display_name;
	note_change(x, "display_name", e->display_name, in->display_name);
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		*f[i].v = merged(x, f[i].col, f[i].have, *f[i].v);
		note_change(x, members_import_col_name(f[i].col), f[i].have,
			    *f[i].v);
	}
	if (x->col[COL_STATUS] < 0 || (r->blank & (1u << COL_STATUS)) ||
	    o->on_match == IMPORT_MATCH_FILL)
		in->status = status;
	note_change(x, "status", status, in->status);
	in->notes = e->notes; /* notes are never imported */
	in->consent_phone = e->consent_phone;
	in->consent_sms = e->consent_sms;
	in->consent_email = e->consent_email;
	if (!o->move || in->branch_id == e->branch_id) {
		in->branch_id = e->branch_id;
	} else {
		struct branch from, to;
		if (members_branch_get(c, a, e->branch_id, &from) == DB_OK &&
		    members_branch_get(c, a, in->branch_id, &to) == DB_OK)
			note_change(x, "branch", from.name, to.name);
	}
	/* affiliations: the file's list, or what the member has */
	if (members_person_unions(c, a, e->id, &have, &nh) != DB_OK)
		nh = 0;
	if (x->col[COL_AFFIL] < 0 ||
	    ((r->blank & (1u << COL_AFFIL)) &&
	     !(o->clear_blank && o->on_match == IMPORT_MATCH_UPDATE)) ||
	    (o->on_match == IMPORT_MATCH_FILL && nh > 0)) {
		/* none is an empty array, not NULL to copy from */
		x->uids = arena_alloc(x->plan_arena, (nh + 1) * sizeof(*have));
		if (nh)
			memcpy(x->uids, have, nh * sizeof(*have));
		x->nu = nh;
	}
	if (x->keep_changes)
		note_change(x, "affiliations", union_names(c, a, have, nh),
			    union_names(c, a, x->uids, x->nu));
}

/* ---- what a preview saw ---- */

/* The list grows in its own storage (malloc'd, freed with
 * members_import_seen_free): a row's arena is gone before it is read. */
static void seen_add(struct import_seen *s, int64_t id, int64_t version)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->id = xrealloc(s->id, s->cap * sizeof(*s->id));
		s->version = xrealloc(s->version, s->cap * sizeof(*s->version));
	}
	s->id[s->n] = id;
	s->version[s->n++] = version;
}

static bool seen_has(const struct import_seen *s, int64_t id, int64_t version)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->id[i] == id && s->version[i] == version)
			return true;
	return false;
}

void members_import_seen_free(struct import_seen *s)
{
	free(s->id);
	free(s->version);
	memset(s, 0, sizeof(*s));
}

const char *members_import_seen_text(struct arena *a, const struct import_seen *s)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	buf_puts(&b, "v1:");
	for (size_t i = 0; i < s->n; i++)
		buf_printf(&b, "%s%lld.%lld", i ? "," : "", (long long)s->id[i],
			   (long long)s->version[i]);
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

int members_import_seen_parse(const char *text, struct import_seen *s)
{
	const char *p = text;

	memset(s, 0, sizeof(*s));
	if (strncmp(p, "v1:", 3) != 0)
		return -1;
	for (p += 3; *p;) {
		long long id, v;
		int used = 0;
		if (sscanf(p, "%lld.%lld%n", &id, &v, &used) != 2 || used <= 0) {
			members_import_seen_free(s);
			return -1;
		}
		seen_add(s, (int64_t)id, (int64_t)v);
		p += used;
		if (*p == ',')
			p++;
		else if (*p) {
			members_import_seen_free(s);
			return -1;
		}
	}
	return 0;
}

/* One row: it matches a person the importer sees by email or phone (and
 * updates them), or makes a new one. People the importer may not see
 * never match and never refuse a row: the row goes in as if they did not
 * exist, and a contact review waits for an officer who sees both
 * (contacts.c). */
static int row_tx(struct db_conn *c, void *arg)
{
	struct one *x = arg;
	struct import_row *r = x->r;
	struct arena *a = arena_new();
	struct contact_view v = x->o->view ? *x->o->view : (struct contact_view){0};
	struct contact_plan plan;
	int64_t by_email, by_phone;
	int rc = DB_OK;
	struct person e;
	enum mstatus st = MS_ACTIVE;

	if (r->in.status && *r->in.status)
		members_status_parse(r->in.status, &st);
	if (r->sealed) {
		const unsigned char *bi[CONTACT__MAX] = {
			r->sealed->email ? r->sealed->email_bi : NULL,
			r->sealed->phone ? r->sealed->phone_bi : NULL};
		rc = members_contacts_plan(c, a, bi, 0, r->in.branch_id, &v,
					   &plan);
	} else {
		rc = members_contacts_plan_input(c, a, &r->in, 0, &v, &plan);
	}
	if (rc != DB_OK)
		goto out;
	by_email = plan.seen[CONTACT_EMAIL];
	by_phone = plan.seen[CONTACT_PHONE];
	if (by_email && by_phone && by_email != by_phone) {
		refuse(r, COL_PHONE, N_("belongs to another member than the email does"));
		rc = DB_CONSTRAINT;
		goto out;
	}
	r->id = by_email ? by_email : by_phone;
	if (!r->id) {
		/* new: holders the importer does not see get a review */
		members_contacts_apply(&plan, &r->in);
		rc =
		    r->sealed
			? members_person_create_sealed(c, &r->in, r->sealed,
						       x->o->by, &r->id)
			: members_person_create(c, a, &r->in, x->o->by, &r->id);
		if (rc == DB_OK)
			rc = members_contacts_settle(c, r->id, &plan, x->o->by);
		if (rc == DB_OK)
			rc =
			    members_person_add_unions(c, r->id, x->uids, x->nu);
		r->action = IMPORT_CREATED;
		goto out;
	}
	/* in the plan's arena: kept values outlive this row */
	if (members_person_get(c, x->plan_arena, r->id, true, &e) != DB_OK) {
		rc = DB_ERROR;
		goto out;
	}
	if (x->o->may_write && !x->o->may_write(x->o->arg, e.branch_id)) {
		refuse(r, COL_EMAIL, N_("belongs to a member you may not change"));
		rc = DB_CONSTRAINT;
		goto out;
	}
	if (x->o->seen && x->o->dry_run) {
		seen_add(x->o->seen, e.id, e.version);
	} else if (x->o->seen && !seen_has(x->o->seen, e.id, e.version)) {
		/* another writer's since the preview: nothing of theirs is
		 * overwritten unseen */
		refuse(r, -1, N_("matches a member changed (or added) since your preview: preview the file again to see what it would do now"));
		rc = DB_CONSTRAINT;
		goto out;
	}
	if (x->o->on_match == IMPORT_MATCH_SKIP) {
		r->action = IMPORT_SKIPPED;
		goto out;
	}
	merge_match(x, c, x->plan_arena, &e);
	if (r->in.status && *r->in.status)
		members_status_parse(r->in.status, &st);
	if (same(c, a, &e, &r->in, x->uids, x->nu)) {
		r->action = IMPORT_UNCHANGED;
		goto out;
	}
	/* the values as they will stand, against everyone else */
	if ((rc = members_contacts_plan_input(c, a, &r->in, r->id, &v,
					      &plan)) != DB_OK)
		goto out;
	if (plan.seen[CONTACT_EMAIL] || plan.seen[CONTACT_PHONE]) {
		refuse(r, COL_PHONE, N_("Someone with this phone or email is registered already."));
		rc = DB_CONSTRAINT;
		goto out;
	}
	members_contacts_apply(&plan, &r->in);
	rc = members_person_update(c, a, r->id, &r->in, x->o->by);
	if (rc == DB_OK)
		rc = members_contacts_settle(c, r->id, &plan, x->o->by);
	if (rc == DB_OK && e.status != st)
		rc = members_person_set_status(c, a, r->id, st, x->o->by,
					       "import", 0);
	if (rc == DB_OK)
		rc = members_person_set_unions(c, r->id, x->uids, x->nu);
	r->action = IMPORT_UPDATED;
out:
	if (rc == DB_CONSTRAINT && !r->error)
		refuse(r, COL_PHONE, N_("Someone with this phone or email is registered already."));
	arena_free(a);
	return rc;
}

/* Names to ids, remembered: a file names a few branches many times. */
struct names {
	const char **name;
	int64_t *id;
	size_t n, cap;
};

static int64_t name_id(struct names *m, struct arena *a, const char *name,
		       struct db_conn *c, bool branch)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0)
			return m->id[i];
	int64_t id = 0;
	if (branch) {
		struct branch b;
		if (members_branch_find(c, a, name, &b) == DB_OK)
			id = b.id;
	} else {
		struct union_org u;
		if (members_union_find(c, a, name, &u) == DB_OK)
			id = u.id;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap;
		m->name = arena_grow(a, m->name, m->n, &cap, sizeof(*m->name));
		m->id = arena_grow(a, m->id, m->n, &m->cap, sizeof(*m->id));
	}
	m->name[m->n] = arena_strdup(a, name);
	m->id[m->n++] = id;
	return id;
}

static int apply_tx(struct db_conn *c, void *arg)
{
	size_t shown = 0; /* matched rows whose changes are kept */
	struct apply *ap = arg;
	struct import_plan *p = ap->p;
	struct names branches = {0}, unions = {0};
	struct sealer sl;
	int failed = DB_OK;

	/* a transaction run again (after a conflict) starts from the parse's
	 * verdicts, not from the last attempt's */
	p->refused = 0;
	memset(p->counts, 0, sizeof(p->counts));
	for (size_t i = 0; i < p->n; i++) {
		struct import_row *r = &p->rows[i];
		if (r->late) {
			r->error = NULL;
			r->error_col = 0;
			r->ref_line = 0;
			r->late = false;
		}
		r->action = 0;
		r->changes = NULL;
		r->nchanges = 0;
		p->refused += r->error != NULL;
	}
	sealer_start(&sl, p);
	for (size_t i = 0; i < p->n; sealer_done(&sl, ++i)) {
		struct import_row *r = &p->rows[i];
		struct one x = {.r = r, .o = ap->o, .col = p->col, .plan_arena = p->a,
				.keep_changes = shown < ap->o->changes};
		int rc;

		r->sealed = sealer_get(&sl, i);
		if (r->error)
			continue;
		r->in.branch_id = name_id(&branches, p->a, r->branch, c, true);
		if (!r->in.branch_id) {
			refuse(r, COL_BRANCH, N_("is not a branch"));
		} else if (ap->o->may_write && !ap->o->may_write(ap->o->arg, r->in.branch_id)) {
			refuse(r, COL_BRANCH, N_("is not one of your branches"));
		}
		x.uids = arena_alloc(p->a, (r->nunions + 1) * sizeof(int64_t));
		for (size_t k = 0; k < r->nunions && !r->error; k++) {
			x.uids[x.nu] = name_id(&unions, p->a, r->unions[k], c, false);
			if (!x.uids[x.nu])
				refuse(r, COL_AFFIL, N_("is not a known union"));
			x.nu++;
		}
		if (r->error) {
			r->late = true;
			p->refused++;
			continue;
		}
		rc = db_tx(c, row_tx, &x);
		if (rc == DB_CONSTRAINT || r->error) {
			if (!r->error)
				refuse(r, COL_PHONE, N_("Someone with this phone or email is registered already."));
			r->action = 0;
			r->late = true;
			p->refused++;
			continue;
		}
		if (rc != DB_OK) {
			failed = rc;
			break;
		}
		p->counts[r->action]++;
		shown += r->nchanges > 0;
	}
	sealer_stop(&sl);
	if (failed != DB_OK)
		return failed;
	if (ap->o->dry_run || (ap->o->all_or_nothing && p->refused))
		return DB_NOTFOUND; /* undo it all; the report stands */
	return DB_OK;
}

int members_import_apply(struct db_conn *c, struct import_plan *p,
			 const struct import_opts *o)
{
	struct apply ap = {.p = p, .o = o};
	int rc = db_tx(c, apply_tx, &ap);

	if (rc == DB_NOTFOUND && (o->dry_run || (o->all_or_nothing && p->refused))) {
		p->undone = true;
		return DB_OK;
	}
	if (rc == DB_OK)
		members_generation_bump(c);
	return rc;
}

char *members_import_fatal(struct arena *a, const char *lang,
			   const struct import_plan *p)
{
	const char *msg = tr(lang, p->fatal);
	const char *d = p->fatal_detail;

	if (p->fatal_line)
		return arena_printf(a, "%s %zu: %s%s%s%s", tr(lang, "line"), p->fatal_line,
				    msg, d ? " \"" : "", d ? d : "", d ? "\"" : "");
	return arena_printf(a, "%s%s%s%s", msg, d ? " \"" : "", d ? d : "", d ? "\"" : "");
}

char *members_import_message(struct arena *a, const char *lang,
			     const struct import_row *r)
{
	const char *msg = tr(lang, r->error);
	if (r->ref_line)
		return arena_printf(a, "%s (%s %zu)", msg, tr(lang, "line"), r->ref_line);
	return arena_strdup(a, msg);
}
