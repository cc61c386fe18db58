/*
 * rdp_disp.c — the display control channel (MS-RDPEDISP, "Microsoft::Windows::RDS::
 * DisplayControl") of one connection: how wtsd follows a client window that changes size.
 *
 * FreeRDP 2.11's server side of the channel (disp_server_context in libfreerdp-server2) opens the
 * dynamic channel through the connection's virtual channel manager, as FreeRDP's own servers do,
 * and reads it on a thread of its own: its monitor-layout callback runs there. The callback only
 * records the wanted size (under a mutex) and sets an event that the peer thread waits on; the
 * peer thread (rdp_peer.c) then changes the desktop size in the settings and reactivates the
 * client (update->DesktopResize: Deactivate All, Demand Active), whose new activation redraws the
 * desktop at the new size and updates WTSClientDisplay. Only the primary monitor's size is used
 * (one monitor: MaxNumMonitors 1); widths are rounded down to even as the protocol asks, within
 * 200 … 8192.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <freerdp/server/disp.h>
#include <winpr/synch.h>
#include <winpr/wlog.h>

#include "rdp_disp.h"

#define TAG "openwts.wtsd.rdp.disp"

#define DIM_MIN 200
#define DIM_MAX 8192

struct wtsd_rdp_disp
{
	DispServerContext *ctx;
	HANDLE wake;             /* set when a new size is wanted (owned by the peer) */
	pthread_mutex_t lock;    /* guards want_* */
	uint32_t want_w, want_h; /* 0: nothing pending */
	bool caps_sent;
};

static UINT on_layout(DispServerContext *ctx, const DISPLAY_CONTROL_MONITOR_LAYOUT_PDU *pdu)
{
	struct wtsd_rdp_disp *disp = ctx->custom;
	const DISPLAY_CONTROL_MONITOR_LAYOUT *m = NULL;
	for (UINT32 i = 0; pdu && i < pdu->NumMonitors; i++)
		if (!m || (pdu->Monitors[i].Flags & DISPLAY_CONTROL_MONITOR_PRIMARY))
			m = &pdu->Monitors[i];
	if (!m)
		return CHANNEL_RC_OK;
	uint32_t w = m->Width & ~1u, h = m->Height;
	if (w < DIM_MIN || h < DIM_MIN || w > DIM_MAX || h > DIM_MAX) {
		WLog_DBG(TAG, "monitor layout %ux%u ignored", m->Width, m->Height);
		return CHANNEL_RC_OK;
	}
	pthread_mutex_lock(&disp->lock);
	disp->want_w = w;
	disp->want_h = h;
	pthread_mutex_unlock(&disp->lock);
	SetEvent(disp->wake);
	return CHANNEL_RC_OK;
}

struct wtsd_rdp_disp *wtsd_rdp_disp_open(HANDLE vcm, rdpContext *context, HANDLE wake)
{
	struct wtsd_rdp_disp *disp = calloc(1, sizeof(*disp));
	if (!disp)
		return NULL;
	pthread_mutex_init(&disp->lock, NULL);
	disp->wake = wake;
	disp->ctx = disp_server_context_new(vcm);
	if (!disp->ctx) {
		wtsd_rdp_disp_close(disp);
		return NULL;
	}
	disp->ctx->custom = disp;
	disp->ctx->rdpcontext = context;
	disp->ctx->MaxNumMonitors = 1;
	disp->ctx->MaxMonitorAreaFactorA = DIM_MAX;
	disp->ctx->MaxMonitorAreaFactorB = DIM_MAX;
	disp->ctx->DispMonitorLayout = on_layout;
	if (disp->ctx->Open(disp->ctx) != CHANNEL_RC_OK ||
	    disp->ctx->DisplayControlCaps(disp->ctx) != CHANNEL_RC_OK) {
		WLog_DBG(TAG, "no display control channel");
		wtsd_rdp_disp_close(disp);
		return NULL;
	}
	return disp;
}

bool wtsd_rdp_disp_take(struct wtsd_rdp_disp *disp, uint32_t *width, uint32_t *height)
{
	if (!disp)
		return false;
	pthread_mutex_lock(&disp->lock);
	bool pending = disp->want_w != 0;
	if (pending) {
		*width = disp->want_w;
		*height = disp->want_h;
		disp->want_w = disp->want_h = 0;
	}
	pthread_mutex_unlock(&disp->lock);
	return pending;
}

void wtsd_rdp_disp_close(struct wtsd_rdp_disp *disp)
{
	if (!disp)
		return;
	/* Frees the context after stopping its thread: no callback runs afterwards. */
	if (disp->ctx)
		disp_server_context_free(disp->ctx);
	pthread_mutex_destroy(&disp->lock);
	free(disp);
}
