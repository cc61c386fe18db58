/*
 * e2e_bridge.c — end to end: the Windows-style plug-in e2e_plugin.so runs inside the real xfreerdp
 * (under xvfb-run, loopback only) and exchanges data with vc_test_server's app on channel
 * OWTSE2E; the verdict is the server's (it checks every byte and the HELLO counts).
 *
 *	e2e_bridge bridge   through the bridge: /vc:<bridge name>,<path>/e2e_plugin.so, two
 *	                    connections (the server drops the first; xfreerdp +auto-reconnect comes
 *	                    back), so DISCONNECTED and CONNECTED must reach the plug-in
 *	e2e_bridge plain    without the bridge: openwts-plugin installs e2e_plugin.so under
 *	                    FreeRDP's naming and xfreerdp loads it as its own addin; one connection
 *
 * The bridge (or the plug-in) is installed into FreeRDP's addin directory under a name of this
 * run, and removed again, with the directory if the test created it. Skips (77) when not root or
 * without xfreerdp, xvfb-run or openssl.
 *
 * Environment (set by tests/vchannel/CMakeLists.txt): VC_SERVER, VC_PLUGIN, VC_BRIDGE,
 * VC_PLUGIN_TOOL, VC_ADDIN_DIR, and VC_PRELOAD (the ASan runtime) in a sanitized build.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_common.h"

static char addin[512];     /* the file this run installed */
static bool addin_dir_made; /* the addin directory did not exist */
static const char *addin_dir;

static const char *env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		fprintf(stderr, "%s is not set\n", name);
		exit(2);
	}
	return v;
}

/* Waits up to ms for pid to exit; returns its wait status or -1. Gives up 2 s after other (the
 * client) exited: the server cannot finish without it. */
static int wait_exit(pid_t pid, pid_t other, long ms)
{
	long other_gone = -1;
	for (long t = 0; t < ms; t += 50) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		if (other_gone < 0 && other > 0 && waitpid(other, NULL, WNOHANG) == other)
			other_gone = t;
		if (other_gone >= 0 && t - other_gone > 2000) {
			fprintf(stderr, "the client exited early\n");
			return -1;
		}
		e2e_sleep_ms(50);
	}
	return -1;
}

static void uninstall(void)
{
	if (addin[0])
		unlink(addin);
	if (addin_dir_made)
		rmdir(addin_dir);
}

int main(int argc, char **argv)
{
	bool bridge = argc > 1 && strcmp(argv[1], "bridge") == 0;
	if (argc < 2 || (!bridge && strcmp(argv[1], "plain") != 0)) {
		fprintf(stderr, "usage: e2e_bridge bridge|plain\n");
		return 2;
	}
	if (geteuid() != 0 || !e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run") ||
	    !e2e_tool_have("openssl")) {
		printf("SKIP: needs root, xfreerdp, xvfb-run and openssl\n");
		return 77;
	}
	const char *server = env("VC_SERVER"), *plugin = env("VC_PLUGIN");
	addin_dir = env("VC_ADDIN_DIR");
	if (!e2e_dir_make())
		return 1;

	char name[32];
	snprintf(name, sizeof(name), "owts%s%d", bridge ? "b" : "p", (int)getpid());
	struct stat sb;
	if (stat(addin_dir, &sb) != 0) {
		if (mkdir(addin_dir, 0755) != 0) {
			perror(addin_dir);
			return 1;
		}
		addin_dir_made = true;
	}
	snprintf(addin, sizeof(addin), "%s/lib%s-client.so", addin_dir, name);
	int rc = bridge ? e2e_run("cp '%s' '%s'", env("VC_BRIDGE"), addin)
	                : e2e_run("OPENWTS_FREERDP_ADDIN_DIR='%s' '%s' install %s '%s'", addin_dir,
	                          env("VC_PLUGIN_TOOL"), name, plugin);
	CHECK(rc == 0, "installing %s", addin);

	char cert[300], key[300], slog[300], clog[300], port_s[16], vc[700], home[300];
	snprintf(cert, sizeof(cert), "%s/cert.pem", e2e_dir);
	snprintf(key, sizeof(key), "%s/key.pem", e2e_dir);
	snprintf(slog, sizeof(slog), "%s/server.log", e2e_dir);
	snprintf(clog, sizeof(clog), "%s/xfreerdp.log", e2e_dir);
	snprintf(home, sizeof(home), "%s/home", e2e_dir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	CHECK(e2e_run("openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 1 "
	              "-subj /CN=localhost >/dev/null 2>&1",
	              key, cert) == 0,
	      "openssl req");
	int port = e2e_port_free();
	snprintf(port_s, sizeof(port_s), "%d", port);
	if (bridge)
		snprintf(vc, sizeof(vc), "/vc:%s,%s", name, plugin);
	else
		snprintf(vc, sizeof(vc), "/vc:%s", name);

	pid_t srv = -1, cli = -1;
	if (e2e_failures == 0) {
		char *sargv[] = {(char *)server, "--port", port_s, "--cert",           cert,
		                 "--key",        key,      "e2e",  bridge ? "2" : "1", NULL};
		srv = e2e_spawn(sargv, slog, true);
		for (int i = 0; i < 100 && e2e_run("grep -q listening '%s'", slog) != 0; i++)
			e2e_sleep_ms(50);
		char target[64];
		snprintf(target, sizeof(target), "/v:127.0.0.1:%d", port);
		/* A sanitized build's bridge needs the ASan runtime first in xfreerdp (VC_PRELOAD).
		 */
		const char *preload = getenv("VC_PRELOAD");
		char ld[512];
		snprintf(ld, sizeof(ld), "LD_PRELOAD=%s", preload ? preload : "");
		char *cargv[] = {"env",
		                 ld,
		                 "ASAN_OPTIONS=detect_leaks=0",
		                 "xvfb-run",
		                 "-a",
		                 "xfreerdp",
		                 target,
		                 "/cert:ignore",
		                 "/u:e2e",
		                 "/p:e2e",
		                 "/sec:tls",
		                 "+auto-reconnect",
		                 "/auto-reconnect-max-retries:20",
		                 "-clipboard",
		                 vc,
		                 NULL};
		cli = e2e_spawn(preload && *preload ? cargv : cargv + 3, clog, true);
		int st = wait_exit(srv, cli, 90000);
		CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the server's verdict (status %d)", st);
		if (st != -1)
			srv = -1;
	}
	if (srv > 0)
		e2e_client_kill(srv);
	if (cli > 0)
		e2e_client_kill(cli);
	e2e_run("echo '--- server log'; cat '%s'", slog);
	if (e2e_failures)
		e2e_run("echo '--- xfreerdp log'; tail -n 60 '%s'", clog);
	uninstall();
	e2e_run("rm -rf '%s'", e2e_dir);
	if (e2e_failures)
		return 1;
	printf("PASS\n");
	return 0;
}
