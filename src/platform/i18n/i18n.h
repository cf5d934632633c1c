/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * i18n: messages in the user's language, from gettext catalogs.
 *
 * Catalogs are ordinary gettext .po files (po/ru.po, po/kk.po), compiled
 * by msgfmt into .mo files that are embedded in the binary. glibc's
 * gettext() picks its catalog from the process locale and needs system
 * locales generated, while rudder answers each request in its own
 * language; so rudder reads the .mo files itself (i18n.c, a binary search
 * over the sorted table msgfmt writes). English is the source language.
 *
 * In C, mark strings with N_("...") (no translation at that point) or
 * translate with tr(lang, "..."); in templates, {{_ "..."}}. The xgettext
 * keywords are listed in tests/i18n/check-catalogs.
 */
#ifndef RUDDER_I18N_H
#define RUDDER_I18N_H

#include <stddef.h>

#ifndef N_
#define N_(s) (s) /* marks a msgid for xgettext; core.h has it too */
#endif

struct lang_info {
	const char *code;   /* "ru" */
	const char *native; /* "Русский" */
};

/* Known languages, English first. */
const struct lang_info *i18n_langs(size_t *n_r);
/* True when code is one of ours. */
int i18n_known(const char *code);
/* Loads the embedded catalogs; -1 when one is damaged (our bug). */
int i18n_init(void);
/* The best of our languages for an Accept-Language header ("en" if none). */
const char *i18n_negotiate(const char *accept_language);
/* Translation of msgid in lang, or msgid itself. Static storage. */
const char *tr(const char *lang, const char *msgid);
/* Plural: the right form for n. */
const char *trn(const char *lang, const char *singular, const char *plural,
		unsigned long n);

#endif
