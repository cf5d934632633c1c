/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder: one program that serves, stores, authenticates and seals. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
