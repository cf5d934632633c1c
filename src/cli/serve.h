/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Serving an opened data directory, shared by `serve` and `demo`. */
#ifndef RUDDER_CLI_SERVE_H
#define RUDDER_CLI_SERVE_H

/* Serves until SIGTERM/SIGINT; returns the exit status. */
int serve_run(const char *cmd);
/* Applies a --set KEY=VALUE flag; -1 (printed) when invalid. */
int serve_set_flag(const char *cmd, const char *arg);

#endif
