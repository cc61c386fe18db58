/*
 * rdp_desktop.h — the session desktop: a server-drawn picture (background, host name, session,
 * user) kept in a framebuffer and sent to the client as bitmap updates.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RDP_DESKTOP_H
#define WTSD_RDP_DESKTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <freerdp/freerdp.h>

struct wtsd_desktop
{
	uint32_t width, height; /* pixels the client shows */
	uint32_t stride;        /* bytes per framebuffer row (rows padded to whole tiles) */
	uint8_t *pixels;        /* BGRX32, (height rounded up to 64) rows */
	void *planar;           /* BITMAP_PLANAR_CONTEXT*, for 32 bpp clients */
	void *interleaved;      /* BITMAP_INTERLEAVED_CONTEXT*, for 15/16/24 bpp clients */
	uint8_t *tiles;         /* encoded tiles of one update */
};

/* What the desktop shows. */
struct wtsd_desktop_info
{
	const char *host;
	const char *user; /* "DOMAIN\\user" */
	uint32_t session_id;
	const char *station;
	bool reconnected;
};

/* Sizes the framebuffer to width × height (1..8192 each). Returns 0 or -errno; on failure the
 * desktop is left empty (free it with wtsd_desktop_fini). */
int wtsd_desktop_resize(struct wtsd_desktop *dt, uint32_t width, uint32_t height);
/* Frees what the desktop holds; a zeroed desktop is fine. */
void wtsd_desktop_fini(struct wtsd_desktop *dt);
/* Draws the desktop for info into the framebuffer. */
void wtsd_desktop_draw(struct wtsd_desktop *dt, const struct wtsd_desktop_info *info);
/* Sends the whole framebuffer through context's update channel in the client's color depth
 * (planar at 32 bpp, interleaved at 15/16/24). Peer thread. Returns FALSE if sending failed. */
bool wtsd_desktop_send(struct wtsd_desktop *dt, rdpContext *context);

#endif /* WTSD_RDP_DESKTOP_H */
