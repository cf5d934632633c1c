/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: the small parsers of outside input — Accept-Language,
 * UTF-8 and text checks, email plausibility, URL safety. */
#include <stddef.h>
#include <stdint.h>

#include "platform/core/core.h"
#include "platform/html/tmpl.h"
#include "platform/i18n/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);

	i18n_negotiate(s);
	utf8_valid((const char *)data, size);
	text_is_line((const char *)data, size);
	text_is_block((const char *)data, size);
	email_plausible(s);
	url_is_safe(s);
	free(s);
	return 0;
}
