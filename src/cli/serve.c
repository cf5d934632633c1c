/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder serve: unlock, migrate, start the delivery worker and the HTTP
 * server, and wait for SIGTERM or SIGINT; then stop taking connections,
 * let requests in flight finish (up to 10 s) and exit cleanly.
 */
#include "cli.h"
#include "serve.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/audit/audit.h"
#include "platform/backup.h"
#include "platform/outbox/outbox.h"
#include "platform/platform.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"--data DIR [--listen IP:PORT] [--passphrase-file F] [--threads N]\n"
	"       [--db URL] [--set SECTION.KEY=VALUE]...";

static void print_help(void)
{
	size_t n;
	const struct conf_key *k = conf_keys(&n);

	printf("usage: rudder serve %s\n\n"
	       "Unlocks the data directory, applies pending migrations and serves\n"
	       "it over HTTP. SIGTERM or SIGINT stops it cleanly.\n\n"
	       "  --data DIR            the data directory\n"
	       "  --listen IP:PORT      where to listen (server.listen)\n"
	       "  --passphrase-file F   the passphrase, first line of F; without\n"
	       "                        it rudder asks on a terminal\n"
	       "  --threads N           HTTP worker threads (server.threads)\n"
	       "  --db URL              the database (db.url): postgres://...\n"
	       "  --set KEY=VALUE       any setting below\n\n"
	       "Settings (DIR/rudder.conf, RUDDER_SECTION_KEY, or --set):\n",
	       USAGE);
	for (size_t i = 0; i < n; i++)
		printf("  %-24s %s (default: %s)\n", k[i].name, k[i].help,
		       *k[i].def ? k[i].def : "none");
}

/* Parses --set KEY=VALUE. */
int serve_set_flag(const char *cmd, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;
	int rc;

	if (!eq || eq == arg) {
		cli_err(cmd, "--set: '%s' is not KEY=VALUE", arg);
		return -1;
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	rc = cli_set(cmd, name, eq + 1);
	free(name);
	return rc;
}

int serve_run(const char *cmd)
{
	struct http_config cfg;
	struct http_server *srv;
	char err[512];
	sigset_t set;
	int sig;

	/* the signals go to this thread only: block them before any other
	 * thread starts, so every thread inherits the mask */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = conf_str("server.listen");
	cfg.threads = (unsigned)conf_int("server.threads");
	if (cfg.threads == 0)
		cfg.threads = 1;
	cfg.max_connections = (unsigned)conf_int("server.max_connections");
	cfg.max_per_address = (unsigned)conf_int("server.max_per_address");
	cfg.max_streams_per_account =
		(unsigned)conf_int("server.max_streams_per_account");
	cfg.stream_seconds = (unsigned)conf_int("server.stream_seconds");
	cfg.timeout = (unsigned)conf_int("server.timeout");
	cfg.header_timeout = (unsigned)conf_int("server.header_timeout");
	cfg.max_body = (size_t)conf_int("server.max_body");
	cfg.max_upload = (size_t)conf_int("server.max_upload");
	cfg.body_budget = (size_t)conf_int("server.body_budget");
	cfg.max_url = (size_t)conf_int("server.max_url");
	cfg.max_header = (size_t)conf_int("server.max_header");
	cfg.metrics_listen = conf_str("metrics.listen");
	cfg.tls_proxy = conf_bool("server.behind_tls_proxy");
	cfg.trust_proxy = conf_bool("server.trust_proxy");
	cfg.shared_address = conf_bool("server.shared_address");
	/* behind a proxy or a relay every connection comes from it: a
	 * limit per address would count everyone as one */
	if (cfg.shared_address || cfg.trust_proxy)
		cfg.max_per_address = 0;
	cfg.tables = platform_route_tables(&cfg.ntables);
	cfg.hooks = *platform_http_hooks();
	if (http_listen_ok(cfg.listen, err, sizeof(err)) != 0 ||
	    http_metrics_listen_ok(cfg.metrics_listen, err, sizeof(err)) != 0) {
		cli_err(cmd, "%s", err);
		return 1;
	}
	/* a budget that cannot hold one largest upload, or sixteen largest
	 * forms (a visitor's address may hold a sixteenth: server.c), would
	 * refuse them all */
	if (cfg.body_budget < cfg.max_upload ||
	    cfg.body_budget / 16 < cfg.max_body) {
		cli_err(cmd,
			"server.body_budget (%zu bytes) must hold one largest "
			"upload (server.max_upload, %zu) and sixteen largest forms "
			"(server.max_body, %zu)",
			cfg.body_budget, cfg.max_upload, cfg.max_body);
		return 1;
	}

	{
		size_t n;
		const struct module *const *mods = platform_modules(&n);
		for (size_t i = 0; i < n; i++)
			if (mods[i]->start && mods[i]->start() != 0) {
				cli_err(cmd, "module %s failed to start",
					mods[i]->name);
				return 1;
			}
	}
	if (platform_events_start() != 0) {
		cli_err(cmd, "cannot listen for events from other processes");
		return 1;
	}
	if (backup_scheduler_start() != 0) {
		cli_err(cmd, "cannot start scheduled backups (backup.dir)");
		return 1;
	}
	if (outbox_worker_start() != 0) {
		cli_err(cmd, "cannot start the delivery worker");
		return 1;
	}
	srv = http_start(&cfg, err, sizeof(err));
	if (!srv) {
		cli_err(cmd, "%s", err);
		outbox_worker_stop();
		return 1;
	}
	platform_listening(http_port(srv));
	log_info("serve", "listening on port %d (%u threads)", http_port(srv),
		 cfg.threads);
	if (*cfg.metrics_listen && http_metrics_port(srv))
		printf("rudder: metrics on http://%s/metrics (metrics port %d)\n",
		       cfg.metrics_listen, http_metrics_port(srv));
	else if (*cfg.metrics_listen)
		printf("rudder: metrics on %s\n", cfg.metrics_listen);
	/* tests and scripts wait for this line on stdout */
	printf("rudder: serving on http://%s (port %d)\n",
	       conf_str("server.listen"), http_port(srv));
	fflush(stdout);
	do {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
	} while (sig != SIGTERM && sig != SIGINT);
	log_info("serve", "stopping (signal %d)", sig);
	http_stop(srv, 10000);
	audit_soon_stop();
	outbox_worker_stop();
	backup_scheduler_stop();
	platform_events_stop();
	platform_close();
	log_info("serve", "stopped");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"listen", required_argument, NULL, 'l'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"threads", required_argument, NULL, 't'},
		{"set", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *dir = NULL, *passfile = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'B':
			if (cli_set("serve", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'P': passfile = optarg; break;
		case 'l':
			if (cli_set("serve", "server.listen", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 't':
			if (cli_set("serve", "server.threads", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (serve_set_flag("serve", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			print_help();
			return 0;
		default:
			cli_usage_error("serve", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("serve", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!dir) {
		cli_err("serve", "no data directory: give --data DIR");
		return EXIT_USAGE;
	}
	if (cli_open("serve", dir, passfile, true, true) != 0)
		return 1;
	return serve_run("serve");
}
