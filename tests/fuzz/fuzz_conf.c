/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: rudder.conf files (inih underneath, our key table on top). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "platform/core/conf.h"
#include "platform/core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	char err[256];
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/rudder-fuzz-conf-%ld", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	conf_reset();
	conf_load_file(path, err, sizeof(err));
	return 0;
}
