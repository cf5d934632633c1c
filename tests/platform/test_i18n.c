/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: language negotiation and catalog lookups. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform/i18n/i18n.h"

TestSuite(i18n, .init = (void (*)(void))i18n_init);

Test(i18n, negotiates_accept_language)
{
	cr_assert_str_eq(i18n_negotiate(NULL), "en");
	cr_assert_str_eq(i18n_negotiate(""), "en");
	cr_assert_str_eq(i18n_negotiate("ru-RU,ru;q=0.9,en;q=0.8"), "ru");
	cr_assert_str_eq(i18n_negotiate("de, kk;q=0.5, ru;q=0.4"), "kk");
	cr_assert_str_eq(i18n_negotiate("en;q=0.1, ru;q=0.2"), "ru");
	cr_assert_str_eq(i18n_negotiate("KK-kz"), "kk");
	cr_assert_str_eq(i18n_negotiate("fr, de"), "en");
	cr_assert_str_eq(i18n_negotiate("ru;q=0"), "en");
	cr_assert_str_eq(i18n_negotiate("ru;q=abc, kk;q=2"), "en");
	cr_assert_str_eq(i18n_negotiate(";;;,,,=q"), "en");
}

Test(i18n, translates_and_falls_back)
{
	cr_assert_str_eq(tr("en", "Sign in"), "Sign in");
	cr_assert_str_eq(tr("ru", "Sign in"), "Войти");
	cr_assert_str_eq(tr("kk", "Sign in"), "Кіру");
	cr_assert_str_eq(tr("ru", "no such message here"), "no such message here");
	cr_assert_str_eq(tr("xx", "Sign in"), "Sign in");
}

Test(i18n, russian_plurals)
{
	const char *one = "Too many failed attempts. Try again in %lu minute.";
	const char *many = "Too many failed attempts. Try again in %lu minutes.";
	const char *f1 = trn("ru", one, many, 1);
	const char *f2 = trn("ru", one, many, 3);
	const char *f5 = trn("ru", one, many, 15);
	const char *f21 = trn("ru", one, many, 21);
	cr_assert(strstr(f1, "минуту"), "%s", f1);
	cr_assert(strstr(f2, "минуты"), "%s", f2);
	cr_assert(strstr(f5, "минут"), "%s", f5);
	cr_assert_str_eq(f21, f1);
	cr_assert_str_eq(trn("en", one, many, 1), one);
	cr_assert_str_eq(trn("en", one, many, 2), many);
}
