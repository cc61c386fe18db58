/*
 * freerdp_coexist.c — a program linked to libwtsapi32 and to FreeRDP (libfreerdp2,
 * libfreerdp-server2, libfreerdp-client2) in one process: both must keep working.
 *
 * The checks, in one process and in this order:
 *   - OpenWTS: WTSEnumerateSessionsA lists session 0 "Services" (before and after FreeRDP ran);
 *   - FreeRDP server: a listener opens on 127.0.0.1 (ephemeral port), accepts a loopback TCP
 *     connection as a peer, and the peer gets a context;
 *   - FreeRDP's in-process server WTS table (FreeRDP_InitWtsApi) is not OpenWTS's: its
 *     pOpenServerA opens a channel manager on the peer's rdpContext, its
 *     pQuerySessionInformationA answers WTSSessionId on it, and a server channel context of
 *     libfreerdp-server2 (echo) is created on it;
 *   - FreeRDP client: a client context is created, takes a setting, and is freed.
 *
 * It also reports, without failing, where the process's global WTS* names bind: FreeRDP's server
 * channels (libfreerdp-server2) and libfreerdp2 call WTSQuerySessionInformationA,
 * WTSVirtualChannelOpenEx, ... by name, and those names resolve to whichever library comes first
 * in the global scope — libwtsapi32 here, so a server channel opened in this process would reach
 * OpenWTS instead of FreeRDP's table. That is a known limit of linking both (and of LD_PRELOAD),
 * not something this test asserts.
 *
 * Exit status 0 when every check passed, 1 otherwise. Loopback only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wtsapi32.h>

#include <freerdp/freerdp.h>
#include <freerdp/client.h>
#include <freerdp/listener.h>
#include <freerdp/peer.h>
#include <freerdp/settings.h>
#include <freerdp/channels/channels.h>
#include <freerdp/server/echo.h>

static int failures;

#include "it_check.h"

/* OpenWTS's WTSEnumerateSessionsA must list session 0 "Services". */
static void check_openwts(const char *when)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD count = 0;
	BOOL ok = WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count);
	CHECK(ok, "%s: WTSEnumerateSessionsA failed, last error %u", when, GetLastError());
	if (!ok)
		return;
	BOOL saw_services = FALSE;
	for (DWORD i = 0; i < count; i++) {
		if (info[i].SessionId == 0 && info[i].pWinStationName &&
		    strcmp(info[i].pWinStationName, "Services") == 0)
			saw_services = TRUE;
	}
	CHECK(saw_services, "%s: session 0 \"Services\" not listed", when);
	WTSFreeMemory(info);
}

static freerdp_peer *accepted_peer;

static BOOL peer_accepted(freerdp_listener *listener, freerdp_peer *client)
{
	(void)listener;
	accepted_peer = client;
	return TRUE;
}

/* Port of the listener's first socket, 0 if unknown. */
static unsigned listener_port(freerdp_listener *listener)
{
	void *rfds[32] = {0};
	int count = 0;
	if (!listener->GetFileDescriptor(listener, rfds, &count) || count < 1)
		return 0;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	if (getsockname((int)(intptr_t)rfds[0], (struct sockaddr *)&sin, &len) < 0 ||
	    sin.sin_family != AF_INET)
		return 0;
	return ntohs(sin.sin_port);
}

/* A TCP connection to 127.0.0.1:port; -1 on failure. */
static int connect_loopback(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* FreeRDP's own WTS table works on a peer's context, and is not OpenWTS's. */
static void check_freerdp_wts_table(freerdp_peer *peer)
{
	PWtsApiFunctionTable table = FreeRDP_InitWtsApi();
	CHECK(table != NULL, "FreeRDP_InitWtsApi returned NULL");
	if (!table)
		return;
	CHECK(table->pOpenServerA != NULL, "FreeRDP's pOpenServerA is NULL");
	CHECK(table->pOpenServerA != WTSOpenServerA, "FreeRDP's pOpenServerA is OpenWTS's");
	CHECK(table->pEnumerateSessionsA != WTSEnumerateSessionsA,
	      "FreeRDP's pEnumerateSessionsA is OpenWTS's");
	INIT_WTSAPI_FN init = (INIT_WTSAPI_FN)dlsym(RTLD_DEFAULT, "InitWtsApi");
	PWtsApiFunctionTable ours = init ? init() : NULL;
	CHECK(ours && ours->pOpenServerA == WTSOpenServerA,
	      "OpenWTS's InitWtsApi table does not point at WTSOpenServerA");
	CHECK(ours != table, "FreeRDP_InitWtsApi returned OpenWTS's table");
	if (!table->pOpenServerA || !table->pQuerySessionInformationA || !table->pFreeMemory ||
	    !table->pCloseServer)
		return;

	HANDLE vcm = table->pOpenServerA((LPSTR)peer->context);
	CHECK(vcm && vcm != INVALID_HANDLE_VALUE, "FreeRDP's pOpenServerA(context) failed");
	if (!vcm || vcm == INVALID_HANDLE_VALUE)
		return;
	LPSTR buf = NULL;
	DWORD bytes = 0;
	BOOL ok =
	    table->pQuerySessionInformationA(vcm, WTS_CURRENT_SESSION, WTSSessionId, &buf, &bytes);
	CHECK(ok && buf && bytes == sizeof(ULONG),
	      "FreeRDP's pQuerySessionInformationA(WTSSessionId) failed (%d, %u bytes)", ok, bytes);
	if (ok && buf) {
		printf("FreeRDP's table: channel manager session id %lu\n",
		       (unsigned long)*(ULONG *)buf);
		table->pFreeMemory(buf);
	}

	/* What FreeRDP's server channels get when they call the name (see the header comment). */
	SetLastError(ERROR_SUCCESS);
	buf = NULL;
	ok = WTSQuerySessionInformationA(vcm, WTS_CURRENT_SESSION, WTSSessionId, &buf, &bytes);
	printf("NOTE: the global WTSQuerySessionInformationA on FreeRDP's handle: %s, last error "
	       "%u\n",
	       ok ? "succeeded" : "failed", GetLastError());
	if (ok && buf)
		WTSFreeMemory(buf);

	/* A server channel of libfreerdp-server2 on FreeRDP's channel manager. */
	echo_server_context *echo = echo_server_context_new(vcm);
	CHECK(echo && echo->vcm == vcm, "echo_server_context_new failed");
	if (echo)
		echo_server_context_free(echo);
	table->pCloseServer(vcm);
}

/* The FreeRDP server part: listener, one loopback peer, its context, FreeRDP's WTS table. */
static void check_freerdp_server(void)
{
	freerdp_listener *listener = freerdp_listener_new();
	CHECK(listener != NULL, "freerdp_listener_new failed");
	if (!listener)
		return;
	listener->PeerAccepted = peer_accepted;
	BOOL opened = listener->Open(listener, "127.0.0.1", 0);
	CHECK(opened, "listener->Open(127.0.0.1, 0) failed");
	unsigned port = opened ? listener_port(listener) : 0;
	CHECK(!opened || port != 0, "the listener's port is unknown");
	int fd = port ? connect_loopback(port) : -1;
	CHECK(!port || fd >= 0, "connect to 127.0.0.1:%u failed", port);
	for (int i = 0; fd >= 0 && !accepted_peer && i < 100; i++) {
		CHECK(listener->CheckFileDescriptor(listener), "CheckFileDescriptor failed");
		if (!accepted_peer)
			usleep(10000);
	}
	CHECK(fd < 0 || accepted_peer != NULL, "the listener accepted no peer");
	if (accepted_peer) {
		printf("FreeRDP listener on 127.0.0.1:%u accepted a peer\n", port);
		BOOL ok = freerdp_peer_context_new(accepted_peer);
		CHECK(ok && accepted_peer->context, "freerdp_peer_context_new failed");
		if (ok && accepted_peer->context)
			check_freerdp_wts_table(accepted_peer);
		if (ok)
			freerdp_peer_context_free(accepted_peer);
		freerdp_peer_free(accepted_peer);
		accepted_peer = NULL;
	}
	if (fd >= 0)
		close(fd);
	if (opened)
		listener->Close(listener);
	freerdp_listener_free(listener);
}

/* The FreeRDP client part: a client context with a setting. */
static void check_freerdp_client(void)
{
	RDP_CLIENT_ENTRY_POINTS entry = {0};
	entry.Size = sizeof(entry);
	entry.Version = RDP_CLIENT_INTERFACE_VERSION;
	entry.ContextSize = sizeof(rdpClientContext);
	rdpContext *context = freerdp_client_context_new(&entry);
	CHECK(context != NULL, "freerdp_client_context_new failed");
	if (!context)
		return;
	CHECK(freerdp_settings_set_string(context->settings, FreeRDP_ServerHostname, "127.0.0.1"),
	      "freerdp_settings_set_string failed");
	const char *host = freerdp_settings_get_string(context->settings, FreeRDP_ServerHostname);
	CHECK(host && strcmp(host, "127.0.0.1") == 0, "ServerHostname is \"%s\"",
	      host ? host : "(null)");
	freerdp_client_context_free(context);
}

/* Prints which library each global name binds to (what FreeRDP's libraries get by name). */
static void report_binding(const char *name)
{
	Dl_info dli;
	void *sym = dlsym(RTLD_DEFAULT, name);
	if (sym && dladdr(sym, &dli) && dli.dli_fname)
		printf("NOTE: the global %s binds to %s\n", name, dli.dli_fname);
}

int main(void)
{
	check_openwts("before FreeRDP");
	check_freerdp_server();
	check_freerdp_client();
	check_openwts("after FreeRDP");
	report_binding("WTSQuerySessionInformationA");
	report_binding("WTSVirtualChannelOpenEx");
	printf("freerdp_coexist: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
