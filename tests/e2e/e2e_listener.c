/*
 * e2e_listener.c — listener security end to end: wtsd with RDP-Tcp on 127.0.0.1:<free port>
 * and a SAM file of two users, "e2eallow" (Linux "nobody") and "e2edeny" (Linux "daemon");
 * a second listener "Secure-Tcp" created with WTSCreateListenerA on 127.0.0.1:<free port>, whose
 * DACL (WTSSetListenerSecurityA) denies WTS_SECURITY_LOGON to S-1-22-1-<daemon's uid> and allows
 * it to Everyone. The real xfreerdp under xvfb-run then:
 *   1. logs e2edeny on through Secure-Tcp → refused: no session of daemon's uid appears, the
 *      client is dropped, wtsd logs the refusal;
 *   2. logs e2eallow on through Secure-Tcp → a session "Secure-Tcp#N", WTSActive, user nobody.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp, xvfb-run or winpr-hash missing). Loopback only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <windows.h>
#include <wtsapi32.h>

#include "e2e_common.h"

/* A client of user (E2E_PASSWORD, 800×600) on port. */
static pid_t start_client(int port, const char *user)
{
	return e2e_client_start(port, user, E2E_PASSWORD, "/size:800x600", NULL);
}

/* Writes the SAM file of e2eallow and e2edeny and starts wtsd. Returns false if wtsd did not
 * come up. */
static bool start_wtsd(int port)
{
	const char *users[] = {"e2eallow", "e2edeny", NULL};
	char sam[300];
	if (!e2e_sam_write(users, sam, sizeof(sam)))
		return false;
	const char *args[] = {"--sam",          sam, "--user-map", "e2eallow:nobody", "--user-map",
	                      "e2edeny:daemon", NULL};
	return e2e_wtsd_start(port, args);
}

int main(void)
{
	if (!getenv("WTSD") || !e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run") ||
	    !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)"
		                " and winpr-hash (winpr-utils)\n");
		return 77;
	}
	/* getpwnam's result is overwritten by the next call: take the uid first. */
	struct passwd *daemon_pw = getpwnam("daemon");
	DWORD daemon_uid = daemon_pw ? daemon_pw->pw_uid : 0;
	if (!daemon_pw || !getpwnam("nobody")) {
		fprintf(stderr, "SKIP: needs the accounts daemon and nobody\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	int port = e2e_port_free(), secure = e2e_port_free();
	if (port <= 0 || secure <= 0 || !start_wtsd(port))
		return e2e_wtsd_failed();
	WTSLISTENERCONFIGA cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	cfg.fEnableListener = 1;
	cfg.PortNumber = (ULONG)secure;
	cfg.SecurityLayer = 2;
	cfg.UserAuthentication = 1;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Secure-Tcp", &cfg, WTS_LISTENER_CREATE),
	      "WTSCreateListenerA: %u", GetLastError());
	BYTE sd[128];
	e2e_sd_deny(sd, daemon_uid, WTS_SECURITY_LOGON,
	            WTS_SECURITY_USER_ACCESS | WTS_SECURITY_LOGON);
	CHECK(WTSSetListenerSecurityA(NULL, NULL, 0, "Secure-Tcp", DACL_SECURITY_INFORMATION,
	                              (PSECURITY_DESCRIPTOR)sd),
	      "WTSSetListenerSecurityA: %u", GetLastError());

	/* 1. Denied: no session for daemon, the client is dropped. */
	pid_t client = start_client(secure, "e2edeny");
	for (int t = 0;
	     t < 150 && waitpid(client, NULL, WNOHANG) == 0 && !e2e_session_of_user("daemon"); t++)
		e2e_sleep_ms(100);
	e2e_client_kill(client);
	CHECK(e2e_session_of_user("daemon") == 0,
	      "a session of daemon exists although Secure-Tcp denies it");
	CHECK(e2e_run("grep -q 'refused by the security of listener \"Secure-Tcp\"' %s/wtsd.log",
	              e2e_dir) == 0,
	      "wtsd did not log the refusal");
	printf("e2edeny refused by Secure-Tcp\n");

	/* 2. Allowed: an Active session of nobody on Secure-Tcp#N. */
	DWORD id = 0;
	for (int attempt = 0; attempt < 2 && !id; attempt++) {
		client = start_client(secure, "e2eallow");
		for (int t = 0; t < 300 && !id; t++) {
			id = e2e_session_find("Secure-Tcp#", "nobody", WTSActive);
			if (!id && waitpid(client, NULL, WNOHANG) == client)
				break;
			if (!id)
				e2e_sleep_ms(100);
		}
		e2e_client_kill(client);
	}
	CHECK(id != 0, "no Active Secure-Tcp# session of nobody");
	if (id)
		printf("e2eallow: session %lu on Secure-Tcp, Active\n", (unsigned long)id);
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAIL" : "PASS");
	return e2e_failures ? 1 : 0;
}
