/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Replays a harness over its corpus without libFuzzer, so `make test` (and
 * `make check`, under the sanitizers) re-runs every input that once
 * mattered: usage: fuzz-replay-NAME FILE-OR-DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path)
{
	size_t n;
	char *data = file_read(path, 1 << 22, &n);

	if (!data) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, n);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &sb) != 0)
			continue;
		if (!S_ISDIR(sb.st_mode)) {
			rc |= one(argv[i]);
			count++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			char *p;
			if (e->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", argv[i], e->d_name);
			rc |= one(p);
			free(p);
			count++;
		}
		if (d)
			closedir(d);
	}
	printf("replayed %d inputs\n", count);
	return rc;
}
