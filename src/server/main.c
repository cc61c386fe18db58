/*
 * main.c — wtsd, the OpenWTS session host: options, start-up, the event loop, shutdown.
 *
 *	wtsd [--foreground] [--socket PATH] [--state-dir DIR] [--config FILE]
 *	     [--admin-group GROUP] [--listen ADDR:PORT] [--cert FILE --key FILE] [--sam FILE]
 *	     [--user-map RDPUSER:LINUXUSER]... [--initial-program CMD] [--logoff-grace-ms MS]
 *	     [--auth sam|pam|both] [--pam-service NAME] [--pam-confdir DIR]
 *	     [--max-connections N] [--idle-timeout S] [--disconnect-timeout S]
 *
 * One main thread, one epoll loop over the control socket, its clients, a signalfd (SIGTERM and
 * SIGINT stop, SIGCHLD reaps session programs), the RDP listener's sockets, the queue of
 * calls from RDP peer threads (mainq.c), the timer of logoffs under way (logoff.c) and the
 * eventfd that answers WTSWaitSystemEvent waiters once a turn (events.c). Only the
 * main thread touches the registry; each RDP
 * connection runs on its own thread (rdp_listener.c says why) and reaches the registry through
 * that queue. Without --foreground wtsd still runs in the
 * foreground (systemd's Type=notify-less simple service); the flag is accepted for the
 * documented command line and future daemonising.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <winpr/wlog.h>

#include "events.h"
#include "lifecycle.h"
#include "mainq.h"
#include "owts_paths.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd"

static char signal_tag;

static void usage(FILE *out)
{
	fprintf(out, "usage: wtsd [--foreground] [--socket PATH] [--state-dir DIR] [--config FILE]"
	             " [--admin-group GROUP]\n"
	             "            [--listen ADDR:PORT] [--cert FILE --key FILE] [--sam FILE]"
	             " [--user-map RDPUSER:LINUXUSER]...\n"
	             "  --socket PATH       control socket (default %s)\n"
	             "  --state-dir DIR     state directory (default /var/lib/openwts)\n"
	             "  --config FILE       configuration file (key = value)\n"
	             "  --admin-group NAME  members may act on every session\n"
	             "  --listen ADDR:PORT  RDP listener \"RDP-Tcp\" ([v6addr]:PORT for IPv6)\n"
	             "  --cert, --key FILE  TLS certificate and key (PEM); default: generated in"
	             " the state dir\n"
	             "  --sam FILE          WinPR SAM file (winpr-hash format) of RDP users\n"
	             "  --user-map R:L      RDP user R logs on as Linux user L (default: same name)\n"
	             "  --initial-program CMD  run \"/bin/sh -c CMD\" as the user in each new RDP"
	             " session\n"
	             "  --logoff-grace-ms MS    a logoff sends SIGKILL MS ms after SIGTERM (5000)\n"
	             "  --auth sam|pam|both     how RDP passwords are checked (default: sam with"
	             " --sam, else pam)\n"
	             "  --pam-service NAME      PAM service (openwts); --pam-confdir DIR: its"
	             " directory\n"
	             "  --max-connections N     RDP-Tcp's connections at a time (0: no limit)\n"
	             "  --idle-timeout S        RDP-Tcp: disconnect an Active session idle S s (0: never)\n"
	             "  --disconnect-timeout S  RDP-Tcp: log off a Disconnected session after S s\n"
	             "  (with --listen these set RDP-Tcp's stored limits; other listeners have theirs:\n"
	             "   WTSCreateListener)\n",
	             OWTS_DEFAULT_SOCKET);
}

static int parse_args(int argc, char **argv, struct wtsd_config *cfg)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "admin-group", required_argument, NULL, 'g' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "sam", required_argument, NULL, 'S' },
		{ "user-map", required_argument, NULL, 'u' },
		{ "initial-program", required_argument, NULL, 'P' },
		{ "logoff-grace-ms", required_argument, NULL, 'G' },
		{ "auth", required_argument, NULL, 'A' },
		{ "pam-service", required_argument, NULL, 'N' },
		{ "pam-confdir", required_argument, NULL, 'D' },
		{ "max-connections", required_argument, NULL, 'M' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "disconnect-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *admin = NULL, *listen = NULL, *cert = NULL, *key = NULL, *sam = NULL;
	const char *program = NULL, *grace = NULL;
	const char *auth = NULL, *pam_service = NULL, *pam_confdir = NULL;
	const char *max_conn = NULL, *idle = NULL, *disc = NULL;
	const char *maps[WTSD_USER_MAP_MAX];
	unsigned nmaps = 0;
	int c;
	while ((c = getopt_long(argc, argv, "fs:d:c:g:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': cfg->foreground = true; break;
		case 's': cfg->socket_path = optarg; break;
		case 'd': cfg->state_dir = optarg; break;
		case 'c': cfg->config_path = optarg; break;
		case 'g': admin = optarg; break;
		case 'l': listen = optarg; break;
		case 'C': cert = optarg; break;
		case 'K': key = optarg; break;
		case 'S': sam = optarg; break;
		case 'P': program = optarg; break;
		case 'G': grace = optarg; break;
		case 'A': auth = optarg; break;
		case 'N': pam_service = optarg; break;
		case 'D': pam_confdir = optarg; break;
		case 'M': max_conn = optarg; break;
		case 'I': idle = optarg; break;
		case 'T': disc = optarg; break;
		case 'u':
			if (nmaps == WTSD_USER_MAP_MAX)
				return -ENOSPC;
			maps[nmaps++] = optarg;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (optind != argc)
		return -EINVAL;
	int r = wtsd_config_load(cfg);
	if (r < 0) {
		fprintf(stderr, "wtsd: config %s: %s\n", cfg->config_path, strerror(-r));
		return r;
	}
	if (admin)
		snprintf(cfg->admin_group, sizeof(cfg->admin_group), "%s", admin);
	/* Options override the file. */
	r = 0;
	if (listen && wtsd_config_set_listen(cfg, listen) < 0) {
		fprintf(stderr, "wtsd: --listen \"%s\": expected ADDR:PORT\n", listen);
		r = -EINVAL;
	}
	if (!r && cert)
		r = wtsd_config_set_path(cfg->cert_file, sizeof(cfg->cert_file), cert);
	if (!r && key)
		r = wtsd_config_set_path(cfg->key_file, sizeof(cfg->key_file), key);
	if (!r && sam)
		r = wtsd_config_set_path(cfg->sam_file, sizeof(cfg->sam_file), sam);
	if (!r && program)
		r = wtsd_config_set_path(cfg->initial_program, sizeof(cfg->initial_program),
		                         program);
	if (!r && grace && (r = wtsd_config_set_grace(cfg, grace)) < 0)
		fprintf(stderr, "wtsd: --logoff-grace-ms \"%s\": expected 0 to 600000\n", grace);
	if (!r && auth && (r = wtsd_config_set_auth(cfg, auth)) < 0)
		fprintf(stderr, "wtsd: --auth \"%s\": expected sam, pam or both\n", auth);
	if (!r && pam_service)
		r = wtsd_config_set_path(cfg->pam_service, sizeof(cfg->pam_service), pam_service);
	if (!r && pam_confdir)
		r = wtsd_config_set_path(cfg->pam_confdir, sizeof(cfg->pam_confdir), pam_confdir);
	if (!r && max_conn && (r = wtsd_config_set_uint(&cfg->max_connections, max_conn)) < 0)
		fprintf(stderr, "wtsd: --max-connections \"%s\": expected a number\n", max_conn);
	if (!r && idle && (r = wtsd_config_set_uint(&cfg->idle_timeout_s, idle)) < 0)
		fprintf(stderr, "wtsd: --idle-timeout \"%s\": expected seconds\n", idle);
	if (!r && disc && (r = wtsd_config_set_uint(&cfg->disconnect_timeout_s, disc)) < 0)
		fprintf(stderr, "wtsd: --disconnect-timeout \"%s\": expected seconds\n", disc);
	if (!r && wtsd_config_auth(cfg) != WTSD_AUTH_PAM && !cfg->sam_file[0]) {
		fprintf(stderr, "wtsd: --auth sam or both needs a SAM file (--sam)\n");
		r = -EINVAL;
	}
	for (unsigned i = 0; !r && i < nmaps; i++) {
		r = wtsd_config_add_user_map(cfg, maps[i]);
		if (r < 0)
			fprintf(stderr, "wtsd: --user-map \"%s\": expected RDPUSER:LINUXUSER\n", maps[i]);
	}
	if (!r && !cfg->cert_file[0] != !cfg->key_file[0]) {
		fprintf(stderr, "wtsd: a certificate needs its key (--cert and --key)\n");
		r = -EINVAL;
	}
	return r;
}

static int setup_signals(struct wtsd *d)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->signal_fd < 0)
		return -errno;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &signal_tag };
	return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, d->signal_fd, &ev) < 0 ? -errno : 0;
}

static void handle_signals(struct wtsd *d)
{
	struct signalfd_siginfo si;
	while (read(d->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			pid_t pid;
			while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
				wtsd_registry_reaped(&d->reg, pid);
				wtsd_lifecycle_reaped(d, pid);
			}
		} else {
			WLog_INFO(TAG, "signal %u: stopping", si.ssi_signo);
			d->stopping = true;
		}
	}
}

static int resolve_admin_group(struct wtsd *d)
{
	d->admin_gid = (gid_t)-1;
	if (!d->cfg.admin_group[0])
		return 0;
	struct group gr, *res = NULL;
	char buf[4096];
	int e = getgrnam_r(d->cfg.admin_group, &gr, buf, sizeof(buf), &res);
	if (e || !res) {
		WLog_WARN(TAG, "admin group \"%s\" not found: only root is privileged",
		          d->cfg.admin_group);
		return 0;
	}
	d->admin_gid = gr.gr_gid;
	return 0;
}

static int start(struct wtsd *d)
{
	if (mkdir(d->cfg.state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epoll_fd < 0)
		return -errno;
	int r = setup_signals(d);
	if (r == 0)
		r = resolve_admin_group(d);
	if (r == 0)
		r = wtsd_registry_open(&d->reg, d->cfg.state_dir, d->cfg.socket_path);
	/* The RDP listener before the control socket: once the socket exists, wtsd is ready. */
	if (r == 0)
		r = wtsd_mainq_open(d);
	if (r == 0)
		r = wtsd_lifecycle_open(d);
	if (r == 0)
		r = wtsd_rdp_limits_open(d);
	if (r == 0)
		r = wtsd_rdp_open(d);
	if (r == 0)
		r = wtsd_control_open(d);
	return r;
}

static void run(struct wtsd *d)
{
	struct epoll_event events[64];
	while (!d->stopping) {
		int n = epoll_wait(d->epoll_fd, events, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			WLog_ERR(TAG, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n && !d->stopping; i++) {
			void *tag = events[i].data.ptr;
			if (tag == &signal_tag)
				handle_signals(d);
			else if (!wtsd_mainq_event(d, tag) && !wtsd_events_event(d, tag) &&
			         !wtsd_lifecycle_event(d, tag) && !wtsd_rdp_limits_event(d, tag) &&
			         !wtsd_rdp_event(d, tag, events[i].events))
				wtsd_control_event(d, tag, events[i].events);
		}
	}
}

int main(int argc, char **argv)
{
	struct wtsd d = {
		.cfg = { .socket_path = OWTS_DEFAULT_SOCKET, .state_dir = "/var/lib/openwts",
		         .logoff_on_exit = true, .logoff_grace_ms = 5000 },
		.listen_fd = -1,
		.epoll_fd = -1,
		.signal_fd = -1,
	};
	/* WLog writes INFO and below to stdout: a line at a time even into a file or a pipe, so a
	 * log read while wtsd runs (journald, tail -f, tests) is never hours behind. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &d.cfg) < 0) {
		usage(stderr);
		return 2;
	}
	int r = start(&d);
	if (r < 0) {
		WLog_ERR(TAG, "cannot start: %s", strerror(-r));
		fprintf(stderr, "wtsd: cannot start: %s\n", strerror(-r));
	} else {
		WLog_INFO(TAG, "listening on %s, state in %s", d.cfg.socket_path, d.cfg.state_dir);
		run(&d);
	}
	/* Peers first: their last calls (disconnects) still reach the registry. */
	wtsd_rdp_close(&d);
	wtsd_mainq_close(&d);
	wtsd_events_close(&d); /* waiters and subscribers hear that wtsd goes */
	wtsd_control_close(&d);
	wtsd_rdp_limits_close(&d);
	wtsd_lifecycle_close(&d);
	wtsd_registry_close(&d.reg);
	if (d.signal_fd >= 0)
		close(d.signal_fd);
	if (d.epoll_fd >= 0)
		close(d.epoll_fd);
	return r < 0 ? 1 : 0;
}
